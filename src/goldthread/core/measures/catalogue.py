"""The regional ChAT-style benchmarking tool's measures and breakdowns, mapped onto goldthread's.

The Eastern Region Annex A pre-processor (data-to-insight/patch, app 014) is the kind of tool councils already
run on Annex A before an inspection: 70 scalar measures (section A of its catalogue) and 53 breakdowns
(section B: 24 categorical tables, 9 repeat-event tables, 11 age-by-gender cohorts and 9 ethnicity cohorts).
``CATALOGUE`` maps every one of them to the goldthread measure (and, for a breakdown, the dimension) that gives
it, with the reason wherever goldthread deliberately differs: usually because the tool's own definition has a
bug (a population of ages 0-21 called 0-17, working days counting bank holidays, counts of rows where children
are meant, windows with no upper bound, an inverted flag), or because goldthread follows DfE's definition.

Conventions every mapping shares, and which are not repeated in each reason: goldthread's window is the six
months before the extract date, both ends bounded (the tool's has no upper bound and starts from the 1st of the
extract month); working days exclude bank holidays; rates use the population aged 0 to 17 (the tool's "0-17"
column sums ages 0 to 21, so its rates are about 18% too low); yes/no columns are read as coded values, not by
searching the text for "Yes".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str  # the catalogue's label
    measure: str  # the registry id giving it
    dimension: str | None = None  # for a breakdown: the dimension id the measure is split by
    reason: str | None = None  # why goldthread's definition differs, where it does


def _a(name: str, measure: str, reason: str | None = None) -> Entry:
    return Entry(name, measure, None, reason)


def _b(name: str, measure: str, dimension: str, reason: str | None = None) -> Entry:
    return Entry(name, measure, dimension, reason)


ROWS_NOT_CHILDREN = "The tool counts rows; goldthread counts distinct children (by Child Unique ID)."
DISABILITY = ("Distinct children (one row each, the latest), not rows; Unknown or blank stays in the total as not "
              "recorded as disabled, as in the tool.")
MISLABELLED_RATE = "The tool labels this rate a percentage; it is a rate per 10,000."

CATALOGUE: dict[str, Entry] = {
    # ---- A. scalar measures
    "A1": _a("Contacts - Contacts - Count", "contacts",
             "Contacts dated in the six months before the extract date, not every row of List 1."),
    "A2": _a("Contacts - Contacts - Rate", "contacts_per_10k", "Doubled to a yearly figure, as DfE's rates are."),
    "A3": _a("Contacts - Appears on Referrals - Percent", "contacts_to_referral_children",
             "Only a referral in the six months on or after the child's first contact in them counts; the tool "
             "matches any referral in the file, before or after."),
    "A4": _a("Early Help Assessments - Early Help Assessments - Count", "early_help_assessments",
             "Assessments starting in the six months before the extract date, not every row of List 2."),
    "A5": _a("Early Help Assessments - Early Help Assessments - Rate", "early_help_assessments_per_10k",
             "Doubled to a yearly figure."),
    "A6": _a("Early Help Assessments - Early Help Assessments appearing on Referrals - Percent",
             "early_help_to_referral_children",
             "Only a referral in the six months on or after the start of the child's first early help assessment "
             "in them counts."),
    "A7": _a("Referrals - Referrals - Count", "referrals", "Referrals dated in the six months, not every row."),
    "A8": _a("Referrals - Referrals - Rate", "referrals_per_10k", "Doubled to a yearly figure."),
    "A9": _a("Referrals - Referral NFA - Percent", "referrals_nfa"),
    "A10": _a("Assessments - Assessments - Count", "assessments_started",
              "The tool counts every row of List 4 (assessments open from before the window as well as those "
              "completed); goldthread counts assessments started in the six months, beside those completed "
              "(assessments_completed) and those open (assessments_open)."),
    "A11": _a("Assessments - Assessments - Rate", "assessments_started_per_10k", "Started in the six months, "
              "doubled to a yearly figure."),
    "A12": _a("Assessments - Open - Count", "assessments_open",
              "Open at the extract date: an authorisation after the extract date still counts as open."),
    "A13": _a("Assessments - Open - Rate", "assessments_open_per_10k"),
    "A14": _a("Assessments - Closed - Count", "assessments_completed",
              "Authorised in the six months before the extract date, not every row with an authorisation date."),
    "A15": _a("Assessments - Closed - Rate", "assessments_completed_per_10k", "Doubled to a yearly figure."),
    "A16": _a("Assessments - Disability - Percent", "assessments_disabled",
              DISABILITY + " Children with an assessment completed in the six months."),
    "A17": _a("Assessments - Needs CSC support? - Percent", "assessments_needs_support",
              "Of completed assessments only: the tool's total includes open assessments, which have no outcome "
              "yet."),
    "A18": _a("Assessments - Assessments in 45 working days - Percent", "assessments_within_45wd",
              "Of assessments completed in the six months (the tool also counts open ones under 45 days as in "
              "time, and spans running backwards as in time); bank holidays are not working days; the working "
              "days are those after the start up to and including the authorisation (DfE's measure)."),
    "A19": _a("Section 47 - Section 47 - Count", "s47_enquiries",
              "Strategy discussions in the six months, not every row of List 5."),
    "A20": _a("Section 47 - Section 47 - Rate", "s47_per_10k", "Doubled to a yearly figure."),
    "A21": _a("Section 47 - Disability - Percent", "s47_disabled", DISABILITY),
    "A22": _a("ICPC - ICPC - Count", "icpcs", "Conferences dated in the six months, not every row with a date."),
    "A23": _a("ICPC - ICPC - Rate", "icpcs_per_10k", "Doubled to a yearly figure."),
    "A24": _a("Section 47 - Section 47 Not requiring ICPC - Percent", "s47_icpc_unnecessary",
              "Of enquiries in the six months; s47_to_icpc also gives the conversion the tool leaves out."),
    "A25": _a("ICPC - Resulting in CPP - Percent", "icpc_to_cpp", "Of conferences in the six months."),
    "A26": _a("ICPC - Completed in 15 working days - Percent", "icpc_within_15wd",
              "Of conferences in the six months; bank holidays are not working days; a blank strategy discussion "
              "date counts as out of time (the tool stops with an error), and so does a conference dated before "
              "its strategy discussion (the tool counts it as in time)."),
    "A27": _a("CIN plans - CIN plans - Count", "cin_in_window",
              "Distinct children with an episode open at any time in the six months, not rows."),
    "A28": _a("CIN plans - CIN plans - Percent", "cin_in_window_per_10k", MISLABELLED_RATE),
    "A29": _a("CIN plans - Started within 6 months - Count", "cin_started"),
    "A30": _a("CIN plans - Started 6 months - Rate", "cin_started_per_10k", "Doubled to a yearly figure."),
    "A31": _a("CIN plans - Ceased within 6 months - Count", "cin_closed"),
    "A32": _a("CIN plans - Ceased 6 months - Percent", "cin_closed_per_10k",
              MISLABELLED_RATE + " Doubled to a yearly figure."),
    "A33": _a("CIN plans - CIN plans (open plans) - Count", "cin_open",
              ROWS_NOT_CHILDREN + " Open at the extract date: a closure after it still counts as open."),
    "A34": _a("CIN plans - CIN plans (open plans) - Rate", "cin_per_10k", ROWS_NOT_CHILDREN),
    "A35": _a("CIN plans - Disability (open plans) - Percent", "cin_disabled", DISABILITY),
    "A36": _a("CPP - CPP Started within 6 months - Count", "cpp_started"),
    "A37": _a("CPP - CPP started within 6 months - Rate", "cpp_started_per_10k", "Doubled to a yearly figure."),
    "A38": _a("CPP - CPP Ended within 6 months - Count", "cpp_ended"),
    "A39": _a("CPP - CPP ended within 6 months - Rate", "cpp_ended_per_10k", "Doubled to a yearly figure."),
    "A40": _a("CPP - CPP longer than 2 years closed within 6 months - Percent", "cpp_ended_2_years_plus"),
    "A41": _a("CPP - CPP (open plans) - Count", "cpp_open", ROWS_NOT_CHILDREN),
    "A42": _a("CPP - CPP (currently open) - Rate", "cpp_per_10k", ROWS_NOT_CHILDREN),
    "A43": _a("CPP - disability (open plans) - Percent", "cpp_disabled", DISABILITY),
    "A44": _a("CPPs - Open CPP seen alone - Percent", "cpp_seen_alone"),
    "A45": _a("CLA - CLA Started within 6 months - Count", "cla_started", ROWS_NOT_CHILDREN),
    "A46": _a("CLA - CLA Started within 6 months - Rate", "cla_started_per_10k",
              ROWS_NOT_CHILDREN + " Not doubled: a count of children."),
    "A47": _a("CLA - CLA Ended within 6 months - Count", "cla_ended", ROWS_NOT_CHILDREN),
    "A48": _a("CLA - CLA Ended within 6 months - Rate", "cla_ended_per_10k",
              ROWS_NOT_CHILDREN + " Not doubled: a count of children."),
    "A49": _a("CLA - UASC (Started within 6 months) - Percent", "cla_started_uasc", ROWS_NOT_CHILDREN),
    "A50": _a("CLA - Previous CLA (Started within 6 months) - Percent", "cla_started_second_period",
              ROWS_NOT_CHILDREN),
    "A51": _a("CLA - CLA (open plans) - Count", "cla_open",
              ROWS_NOT_CHILDREN + " Looked after at the extract date: a Date Ceased after it still counts."),
    "A52": _a("CLA - CLA (open plans) - Rate", "cla_per_10k", ROWS_NOT_CHILDREN),
    "A53": _a("CLA - UASC (open plans) - Percent", "cla_uasc", ROWS_NOT_CHILDREN),
    "A54": _a("CLA - Disability (open plans) - Percent", "cla_disabled", DISABILITY),
    "A55": _a("CLA - Short term stability - Percent", "cla_3plus_placements",
              "goldthread gives DfE's measure, the share with 3 or more placements (the tool gives its inverse, "
              "fewer than 3), of children looked after at the extract date (the tool's total is every row of "
              "List 8, including children who have left care)."),
    "A56": _a("CLA - Long term stability - Percent", "cla_long_term_stability",
              "DfE's definition: under 16s looked after for 2 years 6 months or more, in the same placement for 2 "
              "years or more. The tool's 2.5-years test compares the placement date with itself, so never "
              "applies, and it has no under-16 filter and counts children who have left care."),
    "A57": _a("CLA - CLA open over 12 months - Count", "cla_12m_plus", ROWS_NOT_CHILDREN),
    "A58": _a("CLA - CLA open over 12 months - Rate", "cla_12m_plus_per_10k", ROWS_NOT_CHILDREN),
    "A59": _a("CLA - CLA open over 12 months - Percent", "cla_12m_plus_share", ROWS_NOT_CHILDREN),
    "A60": _a("CLA - Health assessment up to date (open 12 months) - Percent", "cla_health_assessment_in_date",
              "Within 12 months (6 under age 5), of children in care for 20 working days or more. The tool uses 6 "
              "months for every age and an inner merge that leaves only compliant rows, so it always shows 100%."),
    "A61": _a("CLA - Dental timeliness (open 12 months) - Percent", "cla_dental_check_in_date",
              "Of every child in care 12 months or more; the tool's total is only those with an up-to-date health "
              "assessment (after its bug, those it kept)."),
    "A62": _a("CLA - At least one missing - Percent", "cla_missing",
              "Of children looked after at the extract date (the tool: every row of List 8)."),
    "A63": _a("CLA - Missing offered return interview - Percent", "cla_return_interview_offered",
              "Of children looked after at the extract date who went missing in the last 12 months."),
    "A64": _a("CLA - With absent incident - Percent", "cla_absent",
              "Absent 1 or more times in the last 12 months. The tool's flag is inverted: it counts a child as "
              "absent only when the number is blank."),
    "A65": _a("Care leavers - Care leavers - Count", "care_leavers", ROWS_NOT_CHILDREN),
    "A66": _a("Care leavers - Care leavers - Rate", "care_leavers_per_10k",
              "Care leavers aged 17 to 21 per 10,000 young people aged 17 to 21 (the council gives that "
              "population); the tool divides all care leavers by the population aged 0 to 17."),
    "A67": _a("Care leavers - Disability - Percent", "care_leavers_disabled", DISABILITY),
    "A68": _a("Care leavers - In touch 17 to 18 - Percent", "care_leavers_in_touch_17_18",
              "Reads the LA in Touch code (In touch), excluding those marked Exclude; the tool looks for the text "
              "'Yes', which the Annex A codes never contain, so it shows 0%."),
    "A69": _a("Care leavers - In touch 19 to 21 - Percent", "care_leavers_in_touch_19_21",
              "Aged 19 to 21 at the extract date: the tool's filter uses 'or', so it takes every age; and it looks "
              "for 'Yes' (see A68)."),
    "A70": _a("Care leavers - Accomodation suitability - Percent", "care_leavers_suitable_accommodation",
              "Reads the Suitable code, excluding those marked Exclude; the tool looks for 'Yes' (see A68). Also "
              "given for ages 17-18 and 19-21 (care_leavers_suitable_accommodation_17_18, _19_21)."),
    # ---- B1. categorical breakdowns
    "C1": _b("Contacts - Contact Source", "contacts", "contact_source"),
    "C2": _b("Referrals - Referral Source", "referrals", "referral_source"),
    "C3": _b("Assessments - Assessments Durations", "assessments_completed", "assessment_duration",
             "The tool bins open and completed assessments together; the dimension splits any List 4 measure, so "
             "completed assessments (to authorisation) and open ones (assessments_open, to the extract date) are "
             "apart. Bank holidays are not working days; a span running backwards is a date error, not 'same "
             "day'."),
    "C4": _b("ICPC - ICPC Durations", "icpcs", "icpc_timeliness",
             "DfE's bands (CIN census table C4: 0-10, 11-15, 16-20, 21 or more working days) so the figures "
             "compare with England's; bank holidays are not working days."),
    "C5": _b("CIN plans - Reason for closure", "cin_closed", "cin_closure_reason",
             "Episodes closed in the six months (the tool: every row with a reason)."),
    "C6": _b("CIN plans - CIN (closed plans)", "cin_closed", "cin_duration",
             "Episodes closed in the six months (the tool: every closed row); whole calendar months."),
    "C7": _b("CIN plans - CIN plans (open plans)", "cin_open", "cin_duration", "Whole calendar months."),
    "C8": _b("CPP - Initial category of abuse", "cpp_started", "initial_category_of_abuse"),
    "C9": _b("CPP - CPP length (closed plans)", "cpp_ended", "cpp_duration", "Whole calendar months."),
    "C10": _b("CPP - CPP length (open plans)", "cpp_open", "cpp_duration", "Whole calendar months."),
    "C11": _b("CPP - Last visit (open plans)", "cpp_open", "cpp_time_since_visit",
              "Working days against the council's CP visit interval, as the visits measure reads them (the tool: "
              "6-week calendar bands)."),
    "C12": _b("CPP - Last review (open plans)", "cpp_open", "cpp_time_since_review",
              "Adds the 9 to 12 months band the tool lacks (it labels 274 days or more '12+ months')."),
    "C13": _b("CLA - Legal status (open plans)", "cla_open", "legal_status"),
    "C14": _b("CLA - Permenance plan (open plans)", "cla_open", "permanence_plan"),
    "C15": _b("CLA - Placement type", "cla_open", "placement_type",
              "Children looked after at the extract date (the tool: every row of List 8, including those who have "
              "left); placement_type_group groups the codes."),
    "C16": _b("CLA - Placement provider", "cla_open", "placement_provider",
              "Children looked after at the extract date (the tool: every row of List 8)."),
    "C17": _b("CLA - Time since last review (open plans)", "cla_open", "cla_time_since_review",
              "Adds the 9 to 12 months band; no review recorded is a group, not dropped."),
    "C18": _b("CLA - Time since last seen (open plans)", "cla_open", "cla_time_since_visit"),
    "C19": _b("CLA - CLA Duration (CLA over 30 months)", "cla_long_term_stability", "placement_duration",
              "Time in the most recent placement, for the children the long-term stability measure looks at "
              "(under 16, in care 2 years 6 months or more, still in care); the tool includes children who have "
              "left care."),
    "C20": _b("Care leavers - Eligibility category", "care_leavers", "care_leaver_eligibility"),
    "C21": _b("Care leavers - type of accomodation (17 to 18)", "care_leavers_17_18", "care_leaver_accommodation"),
    "C22": _b("Care leavers - type of accomodation (19 to 21)", "care_leavers_19_21", "care_leaver_accommodation",
              "Aged 19 to 21 (the tool's filter takes every age, and gives this table the same label as C21)."),
    "C23": _b("Care leavers - Activity status (17 to 18)", "care_leavers_17_18", "care_leaver_activity"),
    "C24": _b("Care leavers - Activity status (19 to 21)", "care_leavers_19_21", "care_leaver_activity",
              "Aged 19 to 21 (the tool's filter takes every age)."),
    # ---- B2. repeat events
    "M1": _b("Contacts - Number of contacts", "contact_children", "contacts_per_child"),
    "M2": _b("Early Help Assessments - Number of Assessments", "early_help_children", "early_help_per_child"),
    "M3": _b("Referrals - Number of Referrals in Last 12 Months", "children_referred", "referrals_per_child",
             "Referrals per child in the six months, as the tool counts them despite its label; the Annex A field "
             "of that name is the referrals_last_12m dimension."),
    "M4": _b("Section 47 - Number of Section 47 (within 12 months)", "s47_enquiries", "s47_last_12m"),
    "M5": _b("ICPC - Number of ICPCs (within 12 months)", "icpcs", "icpcs_last_12m"),
    "M6": _b("CPP - Multiple CPP", "cpp_open", "previous_cpps",
             "Children on a plan at the extract date (the tool: every row of List 7)."),
    "M7": _b("CPP - Multiple CPP (started 6 months)", "cpp_started", "previous_cpps"),
    "M8": _b("CLA - Number of Placements (12months)", "cla_open", "placements_last_12m",
             "Children looked after at the extract date (the tool: every row of List 8)."),
    "M9": _b("CLA - Number of missing incidents", "cla_open", "missing_episodes_12m",
             "Children looked after at the extract date (the tool: every row of List 8)."),
}

_AGE_GENDER = "DfE's age bands (care leavers: 17-18, 19-21, 22 and over) rather than single years of age."
for _i, (_name, _measure) in enumerate((
        ("Contacts (L1)", "contact_children"), ("Early help (L2)", "early_help_children"),
        ("Referrals (L3)", "children_referred"), ("Assessments (L4)", "children_assessed"),
        ("S47 (L5, all rows)", "s47_enquiries"), ("CIN open (L6)", "cin_open"), ("CPP open (L7)", "cpp_open"),
        ("CLA started in 6 m", "cla_started"), ("CLA ended in 6 m", "cla_ended"), ("CLA open (L8)", "cla_open"),
        ("Care leavers (L9)", "care_leavers")), start=1):
    CATALOGUE[f"AG{_i}"] = _b(f"Age Gender breakdowns - {_name}", _measure, "age_band_by_gender", _AGE_GENDER)

_ETHNICITY = ("DfE's major ethnic groups (the tool shows raw values); ethnicity_detail gives each code. Children, "
              "not rows, except for section 47 enquiries.")
for _i, (_name, _measure) in enumerate((
        ("Contacts", "contact_children"), ("Early help", "early_help_children"), ("Referrals", "children_referred"),
        ("Assessments", "children_assessed"), ("S47", "s47_enquiries"), ("CIN open", "cin_open"),
        ("CPP open", "cpp_open"), ("CLA open", "cla_open"), ("Care leavers", "care_leavers")), start=1):
    CATALOGUE[f"ET{_i}"] = _b(f"Ethnicity - {_name}", _measure, "ethnicity", _ETHNICITY)

SCALAR = [k for k in CATALOGUE if k.startswith("A") and not k.startswith("AG")]
BREAKDOWNS = [k for k in CATALOGUE if k not in SCALAR]
