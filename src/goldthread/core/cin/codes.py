"""The CIN census code sets (DfE's XML schema for 2025/26 and 2026/27; the 2022/23 gender codes for older
returns). Each is a mapping code -> plain-English label."""

from __future__ import annotations

SEX = {"M": "Male", "F": "Female", "U": "Unknown"}

# <GenderCurrent>, in returns up to 2023/24, and the <Sex> code each is read as.
GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}  # 0: not known, 9: not specified

UPN_UNKNOWN = {
    "UN1": "Child is aged under 6 years old and is not yet attending school",
    "UN2": "Child has never attended school in England",
    "UN3": "Child is educated outside of school (not at school)",
    "UN4": "Child registered with a school but UPN not yet available",
    "UN5": "Sources collating UPNs reflect discrepancy",
    "UN6": "Child is an unaccompanied asylum-seeking child",
    "UN7": "Referral with no further action",
}

ETHNICITY = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background", "WROM": "Gypsy/Roma", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Caribbean", "BAFR": "African", "BOTH": "Any other Black background", "CHNE": "Chinese",
    "OOTH": "Any other ethnic group", "REFU": "Refused", "NOBT": "Information not yet obtained",
}

DISABILITY = {
    "NONE": "No disability", "MOB": "Mobility", "HAND": "Hand function", "PC": "Personal care",
    "INC": "Incontinence", "COMM": "Communication", "LD": "Learning", "HEAR": "Hearing", "VIS": "Vision",
    "BEH": "Behaviour", "CON": "Consciousness", "AUT": "Autism", "DDA": "Other",
}

REFERRAL_SOURCE = {
    "1A": "Individual: family member, relative or carer", "1B": "Individual: acquaintance",
    "1C": "Individual: self", "1D": "Individual: other", "2A": "Schools", "2B": "Education services",
    "3A": "Health services: GP", "3B": "Health services: health visitor", "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services", "3E": "Health services: A&E",
    "3F": "Health services: other", "4": "Housing", "5A": "LA services: social care",
    "5B": "LA services: other internal", "5C": "LA services: external", "5D": "LA services: early help",
    "6": "Police", "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}

PRIMARY_NEED = {
    "N1": "Abuse, neglect and exploitation", "N2": "Child's disability", "N3": "Parental disability or illness",
    "N4": "Family in acute stress", "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
    "N7": "Low income", "N8": "Absent parenting", "N9": "Cases other than children in need", "N0": "Not stated",
}

REASON_FOR_CLOSURE = {
    "RC1": "Adopted", "RC2": "Died", "RC3": "Child arrangements order", "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority", "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

CATEGORY_OF_ABUSE = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse", "EMO": "Emotional abuse",
                     "MUL": "Multiple/not recommended"}

ASSESSMENT_FACTORS = {
    "1A": "Alcohol misuse: the child", "1B": "Alcohol misuse: parent(s) or carer(s)",
    "1C": "Alcohol misuse: another person in the household", "2A": "Drug misuse: the child",
    "2B": "Drug misuse: parent(s) or carer(s)", "2C": "Drug misuse: another person in the household",
    "3A": "Domestic abuse: the child", "3B": "Domestic abuse: parent(s) or carer(s)",
    "3C": "Domestic abuse: another person in the household", "4A": "Mental health: the child",
    "4B": "Mental health: parent(s) or carer(s)", "4C": "Mental health: another person in the household",
    "5A": "Learning disability: the child", "5B": "Learning disability: parent(s) or carer(s)",
    "5C": "Learning disability: another person in the household", "6A": "Physical disability or illness: the child",
    "6B": "Physical disability or illness: parent(s) or carer(s)",
    "6C": "Physical disability or illness: another person in the household", "7A": "Young carer",
    "8B": "Privately fostered: overseas, intending to return", "8C": "Privately fostered: overseas, intending to stay",
    "8D": "Privately fostered: UK, educational placement", "8E": "Privately fostered: UK, family arrangement",
    "8F": "Privately fostered: other", "9A": "Unaccompanied asylum-seeking child", "10A": "Going or being missing",
    "11A": "Child sexual exploitation", "12A": "Trafficking", "13A": "Gangs", "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm", "16A": "Neglect", "17A": "Emotional abuse", "18A": "Physical abuse",
    "18B": "Physical abuse (child on child)", "18C": "Physical abuse (adult on child)", "19A": "Sexual abuse",
    "19B": "Sexual abuse (child on child)", "19C": "Sexual abuse (adult on child)", "20": "Other",
    "21": "No factors identified", "22A": "Female genital mutilation", "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}

COLLECTION = {"CIN": "Children in need census"}
SOURCE_LEVEL = {"L": "Local authority"}
