"""Code lists for Annex A categorical columns.

Each code list maps the many ways councils write a value (Ofsted's lettered options such as
``c) U3: Foster placement ...``, bare codes such as ``WBRI``, plain labels such as ``Female``, and the
older 2019 wording) to one canonical code. Sources: Ofsted Annex A guidance as collected in
``docs/data-standards.md`` (data-map of the 2019 guidance, the LIIA schema) and the DfE CIN census and
SSDA903 code sets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_LETTER_PREFIX = re.compile(r"^\(?[a-z]{1,2}[).]\s+", re.IGNORECASE)
_CODE_THEN_LABEL = re.compile(r"^([A-Za-z0-9]{1,6})\s*(?::|-|–|—)\s*(.*)$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def normalise_text(value: str) -> str:
    """Lower-case, drop punctuation and collapse spaces: the form used to compare labels and headers."""
    value = value.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")
    return _NON_ALNUM.sub(" ", value.lower()).strip()


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeList:
    """A closed set of codes with their labels, and a lookup tolerant of how exports write them."""

    name: str
    codes: tuple[Code, ...]
    _by_code: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _by_label: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for c in self.codes:
            self._by_code[c.code.upper()] = c.code
            self._by_label[normalise_text(c.label)] = c.code
            for alias in c.aliases:
                self._by_label[normalise_text(alias)] = c.code

    def label(self, code: str | None) -> str:
        for c in self.codes:
            if c.code == code:
                return c.label
        return code or ""

    def expected(self) -> str:
        shown = ", ".join(c.code for c in self.codes[:12])
        more = "" if len(self.codes) <= 12 else f" (and {len(self.codes) - 12} more)"
        return f"one of the {self.name} codes: {shown}{more}"

    def parse(self, raw: str) -> str | None:
        """Return the canonical code for ``raw``, or None if it is not recognised."""
        text = raw.strip().replace("\xa0", " ")
        if not text:
            return None
        direct = self._by_code.get(text.upper())
        if direct:
            return direct
        stripped = _LETTER_PREFIX.sub("", text, count=1)
        direct = self._by_code.get(stripped.upper())
        if direct:
            return direct
        m = _CODE_THEN_LABEL.match(stripped)
        if m:
            found = self._by_code.get(m.group(1).upper())
            if found:
                return found
        for candidate in (stripped, text):
            found = self._by_label.get(normalise_text(candidate))
            if found:
                return found
        if m:
            found = self._by_label.get(normalise_text(m.group(2)))
            if found:
                return found
        return None


def _codes(name: str, *items: tuple) -> CodeList:
    return CodeList(name, tuple(Code(*item) for item in items))


GENDER = _codes(
    "gender",
    ("M", "Male", ("boy", "man", "1")),
    ("F", "Female", ("girl", "woman", "2")),
    ("U", "Not stated/recorded", ("not stated", "not recorded", "unknown", "0", "9")),
    ("N", "Neither", ("other", "indeterminate")),
)

ETHNICITY = _codes(
    "ethnicity",
    ("WBRI", "White British", ("white english", "white scottish", "white welsh")),
    ("WIRI", "White Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WOTH", "Any other White background"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Caribbean"),
    ("BAFR", "African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained", ("not obtained", "not known", "unknown")),
)

SOURCE = _codes(
    "contact or referral source",
    ("1A", "Individual: family member/relative/carer"),
    ("1B", "Individual: acquaintance (including neighbours and child minders)"),
    ("1C", "Individual: self"),
    ("1D", "Individual: other (including strangers, MPs)"),
    ("2A", "Schools"),
    ("2B", "Education services"),
    ("3A", "Health services: GP"),
    ("3B", "Health services: health visitor"),
    ("3C", "Health services: school nurse"),
    ("3D", "Health services: other primary health services"),
    ("3E", "Health services: A&E (emergency department)"),
    ("3F", "Health services: other (for example hospice)"),
    ("4", "Housing"),
    ("5A", "LA services: social care (for example adult social care)"),
    ("5B", "LA services: other internal department"),
    ("5C", "LA services: external (for example other LA)"),
    ("5D", "LA services: early help"),
    ("6", "Police"),
    ("7", "Other legal agency"),
    ("8", "Other"),
    ("9", "Anonymous"),
    ("10", "Unknown"),
)

PRIMARY_NEED = _codes(
    "primary need",
    ("N1", "Abuse or neglect"),
    ("N2", "Child's disability", ("child s disability or illness",)),
    ("N3", "Parental disability or illness", ("parents illness or disability",)),
    ("N4", "Family in acute stress"),
    ("N5", "Family dysfunction"),
    ("N6", "Socially unacceptable behaviour"),
    ("N7", "Low income"),
    ("N8", "Absent parenting"),
    ("N9", "Cases other than children in need", ("not cin",)),
    ("N0", "Not stated"),
)

CLOSURE_REASON = _codes(
    "reason for closure",
    ("RC1", "Adopted"),
    ("RC2", "Died"),
    ("RC3", "Child arrangements order", ("residence order",)),
    ("RC4", "Special guardianship order"),
    ("RC5", "Transferred to services of another local authority", ("transfer to another la",)),
    ("RC6", "Transferred to adult social care services", ("transfer to adult social services",)),
    ("RC7", "Services ceased for any other reason, including child no longer in need",
     ("other incl child no longer in need",)),
    ("RC8", "Case closed after assessment, no further action", ("child not in need after assessment",)),
    ("RC9", "Case closed after assessment, referred to early help"),
)

CASE_STATUS = _codes(
    "case status",
    ("LAC", "Looked after child", ("looked after", "cla", "child looked after")),
    ("CPP", "Child Protection plan", ("child protection", "cp plan")),
    ("CIN", "Child in need plan", ("child in need", "cin plan")),
    ("ASSESSMENT", "Open assessment"),
    ("CLOSED", "Closed episode"),
)

ABUSE_CATEGORY = _codes(
    "category of abuse",
    ("NEG", "Neglect"),
    ("PHY", "Physical abuse"),
    ("SAB", "Sexual abuse"),
    ("EMO", "Emotional abuse"),
    ("MUL", "Multiple", ("multiple not recommended",)),
)

LEGAL_STATUS = _codes(
    "legal status",
    ("C1", "Interim care order", ("ico", "interim care orders")),
    ("C2", "Full care order", ("fco", "full care orders")),
    ("D1", "Freeing order", ("freed for adoption",)),
    ("E1", "Placement order", ("placement order granted",)),
    ("V2", "Single period of accommodation under section 20", ("accommodated under s20",)),
    ("V3", "Accommodated under an agreed series of short-term breaks, individual episodes recorded"),
    ("V4", "Accommodated under an agreed series of short-term breaks, agreements recorded"),
    ("L1", "Under police protection and in local authority accommodation"),
    ("L2", "Emergency protection order", ("epo",)),
    ("L3", "Under a child assessment order and in local authority accommodation"),
    ("J1", "Remanded to local authority accommodation or youth detention accommodation"),
    ("J2", "Placed in local authority accommodation under PACE"),
    ("J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"),
)

PERMANENCE_PLAN = _codes(
    "permanence plan",
    ("RETURN", "Return to family"),
    ("ADOPTION", "Adoption"),
    ("SGO_CAO", "SGO/CAO", ("special guardianship order", "child arrangements order")),
    ("SUPPORTED_LIVING", "Supported living in the community"),
    ("LT_RESIDENTIAL", "Long-term residential placement"),
    ("LT_FOSTERING", "Long-term fostering"),
    ("OTHER", "Other"),
)

REASON_CEASED = _codes(
    "reason ceased to be looked after",
    ("E11", "Adopted - application unopposed"),
    ("E12", "Adopted - consent dispensed with"),
    ("E2", "Died"),
    ("E3", "Care taken by another LA"),
    ("E4A", "Returned home to live with parents or relatives - part of planning"),
    ("E4B", "Returned home to live with parents or relatives - not part of planning"),
    ("E13", "Left care to live with parents, relatives or other person with no parental responsibility"),
    ("E41", "Residence order or child arrangements order granted"),
    ("E45", "Special guardianship order - former foster carer (relative or friend)"),
    ("E46", "Special guardianship order - former foster carer (other)"),
    ("E47", "Special guardianship order - carer not former foster carer (relative or friend)"),
    ("E48", "Special guardianship order - carer not former foster carer (other)"),
    ("E5", "Moved into independent living - supported"),
    ("E6", "Moved into independent living - no formalised support"),
    ("E7", "Transferred to residential care funded by adult social services"),
    ("E9", "Sentenced to custody"),
    ("E14", "Accommodation on remand ended"),
    ("E15", "Age assessment determined child was 18 or over"),
    ("E16", "Child moved abroad"),
    ("E17", "Aged 18 (or over) and remained with current carers"),
    ("E8", "Care ceased for any other reason"),
    ("X1", "Episode ceases and new episode begins on same day"),
)

PLACEMENT_TYPE = _codes(
    "placement type",
    ("U1", "Foster placement with relative or friend - long term fostering"),
    ("U2", "Foster placement with relative or friend who is also an approved adopter - FFA"),
    ("U3", "Foster placement with relative or friend - not long term or FFA"),
    ("U4", "Foster placement with other foster carer - long term fostering"),
    ("U5", "Foster placement with other foster carer who is also an approved adopter - FFA"),
    ("U6", "Foster placement with other foster carer - not long term or FFA"),
    ("A3", "Placed for adoption with parental consent with current foster carer"),
    ("A4", "Placed for adoption with parental consent not with current foster carer"),
    ("A5", "Placed for adoption with placement order with current foster carer"),
    ("A6", "Placed for adoption with placement order not with current foster carer"),
    ("P1", "Placed with own parent(s) or other person(s) with parental responsibility"),
    ("P2", "Independent living"),
    ("P3", "Residential employment"),
    ("H5", "Semi-independent living accommodation not subject to children's homes regulations"),
    ("K1", "Secure children's homes"),
    ("K2", "Children's homes"),
    ("K3", "Supported accommodation"),
    ("R1", "Residential care home"),
    ("R2", "NHS/health trust or other establishment providing medical or nursing care"),
    ("R3", "Family centre or mother and baby unit"),
    ("R5", "Young offender institution or prison"),
    ("S1", "All residential schools, except where dual-registered as a school and children's home"),
    ("Z1", "Other placements"),
    ("T0", "Temporary placement"),
    ("T1", "Temporary periods in hospital"),
    ("T2", "Temporary absences of the child on holiday"),
    ("T3", "Temporary accommodation whilst normal foster carer is off holiday"),
    ("T4", "Temporary accommodation of seven days or less"),
)

PLACEMENT_PROVIDER = _codes(
    "placement provider",
    ("PR0", "Parents or other person with parental responsibility"),
    ("PR1", "Own provision (by the LA)", ("own provision", "own la")),
    ("PR2", "Other LA provision"),
    ("PR3", "Other public provision (for example by a PCT)", ("other public provision",)),
    ("PR4", "Private provision", ("private",)),
    ("PR5", "Voluntary/third sector provision", ("voluntary third sector",)),
)

PLACEMENT_LOCATION = _codes(
    "placement location",
    ("IN", "In", ("inside", "in area", "inside la boundary")),
    ("OUT", "Out", ("outside", "out of area", "outside la boundary")),
)

ELIGIBILITY = _codes(
    "care leaver eligibility",
    ("RELEVANT", "Relevant", ("relevant child",)),
    ("FORMER_RELEVANT", "Former relevant", ("former relevant child",)),
    ("QUALIFYING", "Qualifying", ("qualifying child",)),
    ("ELIGIBLE", "Eligible", ("eligible child",)),
    ("OTHER", "Other"),
)

IN_TOUCH = _codes(
    "in touch",
    ("IN_TOUCH", "In touch", ("yes",)),
    ("NOT_IN_TOUCH", "Not in touch", ("no", "refu", "refused")),
    ("NOT_RECORDED", "Not recorded", ("no information",)),
    ("EXCLUDE", "Exclude", ("died", "nreq", "rhom", "no longer requires services")),
)

SUITABILITY = _codes(
    "accommodation suitability",
    ("SUITABLE", "Suitable", ("yes", "1")),
    ("NOT_SUITABLE", "Not suitable", ("no", "unsuitable", "2")),
    ("NOT_RECORDED", "Not in touch or not recorded", ("not recorded", "not in touch")),
    ("EXCLUDE", "Exclude"),
)

ACTIVITY = _codes(
    "care leaver activity",
    ("F1", "Full time in higher education"),
    ("P1", "Part time in higher education"),
    ("F2", "Full time in education other than higher"),
    ("P2", "Part time in education other than higher"),
    ("F3", "Full time in training or employment"),
    ("P3", "Part time in training or employment"),
    ("F4", "Full time in an apprenticeship"),
    ("P4", "Part time in an apprenticeship"),
    ("F5", "Full time in training or employment (not apprenticeship)"),
    ("P5", "Part time in training or employment (not apprenticeship)"),
    ("G4", "Not in education, employment or training - illness or disability"),
    ("G5", "Not in education, employment or training - other"),
    ("G6", "Not in education, employment or training - pregnancy or parenting"),
)

EET_ACTIVITIES = frozenset({"F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5"})
