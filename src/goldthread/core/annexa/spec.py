"""The Annex A lists, declared once.

Every list Ofsted asks for (ILACS Annex A, 2023+ template) with its columns: the canonical snake_case
name goldthread uses, the header as Ofsted writes it, the header variants real exports use, the value
type, and whether a row can be used without it. The reader, the database tables, the synthetic
generator and the measures all read this module.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import codes as c
from .codes import CodeList, normalise_text

# Value kinds
ID = "id"  # identifier, kept as text (leading zeros kept)
TEXT = "text"
DATE = "date"
INT = "int"  # whole number >= 0
AGE = "age"  # whole years >= 0 (fractions are truncated)
BOOL = "bool"  # Yes / No / Unknown (None)
CODE = "code"  # one of a CodeList


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    codes: CodeList | None = None
    pattern: str | None = None  # a regex on the normalised header, for wordings we cannot list

    def matches(self, normalised_header: str) -> bool:
        if normalised_header in self.header_forms:
            return True
        return bool(self.pattern and re.fullmatch(self.pattern, normalised_header))

    @functools.cached_property
    def header_forms(self) -> frozenset[str]:
        return frozenset(normalise_text(h) for h in (self.header, *self.aliases))

    def expected(self) -> str:
        return {
            ID: "an identifier",
            TEXT: "text",
            DATE: "a date (dd/mm/yyyy)",
            INT: "a whole number from 0 to 2,147,483,647",
            AGE: "an age in whole years, 0 to 25",
            BOOL: "Yes, No or Unknown",
            CODE: self.codes.expected() if self.codes else "a code",
        }[self.kind]


@dataclass(frozen=True)
class ListSpec:
    number: int
    slug: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row; a repeat is a duplicate
    date_pairs: tuple[tuple[str, str], ...] = ()  # (start, end) that must not run backwards
    words: tuple[str, ...] = ()  # words in a sheet or file name that identify the list

    @property
    def label(self) -> str:
        return f"List {self.number} ({self.title})"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    @property
    def has_allocation(self) -> bool:
        return "allocated_worker" in self.names


def _demographics(*, disability: bool = False, uasc: Column | None = None) -> tuple[Column, ...]:
    cols = [
        Column("child_id", "Child Unique ID", ID, required=True,
               aliases=("Child ID", "Unique ID", "Child Unique Identifier", "Child Identifier", "ChildID",
                        "LA Child ID", "Child Reference"),
               pattern=r"(?:la )?child (?:unique )?(?:id|identifier|ref|reference)(?: number)?"),
        Column("gender", "Gender", CODE, codes=c.GENDER, aliases=("Sex", "Gender current")),
        Column("ethnicity", "Ethnicity", CODE, codes=c.ETHNICITY, aliases=("Ethnic origin", "Ethnic group")),
        Column("date_of_birth", "Date of Birth", DATE, aliases=("DOB", "Birth date", "Person birth date")),
        Column("age", "Age of Child (Years)", AGE,
               aliases=("Age", "Age of Child", "Age (Years)", "Age in years", "Child's age"),
               pattern=r"age of (?:the )?child.*"),
    ]
    if uasc is not None:
        cols.append(uasc)
    if disability:
        cols.append(Column("disability", "Does the Child have a Disability", BOOL,
                           aliases=("Disability", "Disabled", "Does the child have a disability (Y/N)")))
    return tuple(cols)


def _allocation() -> tuple[Column, ...]:
    return (
        Column("allocated_team", "Allocated Team", TEXT, aliases=("Team", "Allocated team name")),
        Column("allocated_worker", "Allocated Worker", TEXT,
               aliases=("Worker", "Social Worker", "Allocated Social Worker", "Allocated worker name")),
    )


L1 = ListSpec(
    1, "contacts", "Contacts",
    (*_demographics(),
     Column("contact_date", "Date of Contact", DATE, required=True, aliases=("Contact Date",)),
     Column("contact_source", "Contact Source", CODE, codes=c.SOURCE, aliases=("Source of Contact",))),
    key=("child_id", "contact_date", "contact_source"),
    words=("contact",),
)

L2 = ListSpec(
    2, "early_help", "Early help assessments",
    (*_demographics(),
     Column("eh_start_date", "Assessment start date", DATE, required=True,
            aliases=("Early help assessment start date", "EHA start date")),
     Column("eh_completion_date", "Assessment completion date", DATE,
            aliases=("Early help assessment completion date", "EHA completion date")),
     Column("eh_organisation", "Organisation completing assessment", TEXT,
            aliases=("Organisation completing the assessment",))),
    key=("child_id", "eh_start_date"),
    date_pairs=(("eh_start_date", "eh_completion_date"),),
    words=("early help",),
)

L3 = ListSpec(
    3, "referrals", "Referrals",
    (*_demographics(),
     Column("referral_date", "Date of Referral", DATE, required=True, aliases=("Referral Date",)),
     Column("referral_source", "Referral Source", CODE, codes=c.SOURCE, aliases=("Source of Referral",)),
     Column("referral_nfa", "Referral NFA?", BOOL, aliases=("Referral NFA", "NFA", "Referral no further action")),
     Column("referrals_last_12m", "Number of Referrals in Last 12 Months", INT,
            aliases=("Number of referrals in the last 12 months",)),
     *_allocation()),
    key=("child_id", "referral_date"),
    words=("referral",),
)

L4 = ListSpec(
    4, "assessments", "Assessments",
    (*_demographics(disability=True),
     Column("assessment_start_date", "Continuous Assessment Start Date", DATE, required=True,
            aliases=("Assessment Start Date", "Date assessment started")),
     Column("child_seen", "Child Seen During Continuous Assessment", BOOL,
            aliases=("Child seen during assessment", "Child seen")),
     Column("assessment_authorised_date", "Continuous Assessment Date of Authorisation", DATE,
            aliases=("Assessment Date of Authorisation", "Assessment authorisation date",
                     "Date of authorisation", "Assessment completion date")),
     Column("needs_support", "Was the child assessed as requiring LA children's social care support?", BOOL,
            aliases=("Assessed as requiring LA children's social care support",
                     "Was the child assessed as requiring LA childrens social care support"),
            pattern=r"was the child assessed as requiring.*"),
     *_allocation()),
    key=("child_id", "assessment_start_date"),
    date_pairs=(("assessment_start_date", "assessment_authorised_date"),),
    words=("assessment",),
)

L5 = ListSpec(
    5, "s47", "Section 47 enquiries and ICPCs",
    (*_demographics(disability=True),
     Column("s47_start_date", "Strategy discussion initiating Section 47 Enquiry Start Date", DATE, required=True,
            aliases=("Section 47 Enquiry Start Date", "S47 start date", "Strategy discussion date"),
            pattern=r"strategy discussion.*section 47.*"),
     Column("icpc_unnecessary", "Was an Initial Child Protection Conference deemed unnecessary?", BOOL,
            aliases=("ICPC deemed unnecessary", "ICPC not required")),
     Column("icpc_date", "Date of Initial Child Protection Conference", DATE, aliases=("ICPC date", "Date of ICPC")),
     Column("icpc_resulted_in_cpp", "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            BOOL, aliases=("ICPC resulted in CP plan", "Did the ICPC result in a CP plan")),
     Column("s47_last_12m", "Number of Section 47 Enquiries in the last 12 months", INT),
     Column("icpcs_last_12m", "Number of ICPCs in the last 12 months", INT),
     *_allocation()),
    key=("child_id", "s47_start_date", "icpc_date"),
    date_pairs=(("s47_start_date", "icpc_date"),),
    words=("section 47", "s47", "icpc"),
)

L6 = ListSpec(
    6, "children_in_need", "Children in need",
    (*_demographics(disability=True),
     Column("cin_start_date", "CIN Start Date", DATE, required=True, aliases=("Child in need start date",)),
     Column("primary_need", "Primary Need Code", CODE, codes=c.PRIMARY_NEED, aliases=("Primary need",)),
     Column("last_seen_date", "Date Child Was Last Seen", DATE, aliases=("Date child last seen", "Last seen date")),
     Column("cin_closure_date", "CIN Closure Date", DATE, aliases=("Child in need closure date",)),
     Column("closure_reason", "Reason for Closure", CODE, codes=c.CLOSURE_REASON, aliases=("Closure reason",)),
     Column("case_status", "Case Status", CODE, codes=c.CASE_STATUS),
     *_allocation()),
    key=("child_id", "cin_start_date"),
    date_pairs=(("cin_start_date", "cin_closure_date"),),
    words=("children in need", "child in need", "cin"),
)

L7 = ListSpec(
    7, "child_protection", "Child protection",
    (*_demographics(disability=True),
     Column("cpp_start_date", "Child Protection Plan Start Date", DATE, required=True, aliases=("CP plan start date",)),
     Column("initial_category", "Initial Category of Abuse", CODE, codes=c.ABUSE_CATEGORY),
     Column("latest_category", "Latest Category of Abuse", CODE, codes=c.ABUSE_CATEGORY),
     Column("last_visit_date", "Date of the Last Statutory Visit", DATE, aliases=("Date of last statutory visit",)),
     Column("seen_alone", "Was the Child Seen Alone?", BOOL, aliases=("Child seen alone",)),
     Column("latest_review_date", "Date of latest review conference", DATE,
            aliases=("Date of latest review", "Latest review conference date")),
     Column("cpp_end_date", "Child Protection Plan End Date", DATE, aliases=("CP plan end date",)),
     Column("epo_last_6m",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)", BOOL,
            pattern=r"subject to emergency protection order.*"),
     Column("previous_cpps", "Number of Previous Child Protection Plans", INT,
            aliases=("Number of previous CP plans",)),
     *_allocation()),
    key=("child_id", "cpp_start_date"),
    date_pairs=(("cpp_start_date", "cpp_end_date"), ("cpp_start_date", "latest_review_date")),
    words=("child protection", "cp plan", "cpp"),
)

_MISSING = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
_ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"

L8 = ListSpec(
    8, "children_in_care", "Children in care",
    (*_demographics(disability=True, uasc=Column(
        "uasc", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", BOOL,
        aliases=("UASC",), pattern=r"unaccompanied asylum seeking child.*")),
     Column("cla_start_date", "Date Started to be Looked After", DATE, required=True,
            aliases=("Date started to be looked after", "Date started looked after")),
     Column("category_of_need", "Child's Category of Need", CODE, codes=c.PRIMARY_NEED,
            aliases=("Category of need",)),
     Column("subsequent_period_12m",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            BOOL, pattern=r"is this a second or subsequent period.*"),
     Column("legal_status_start_date", "Start date of current legal status", DATE),
     Column("legal_status", "Child's Legal Status", CODE, codes=c.LEGAL_STATUS, aliases=("Legal status",)),
     Column("latest_review_date", "Date of Latest Statutory Review", DATE, aliases=("Date of latest review",)),
     Column("last_visit_date", "Date of Last Social Work Visit", DATE, aliases=("Date of last visit",)),
     Column("permanence_plan", "What is the permanence plan for this child?", CODE, codes=c.PERMANENCE_PLAN,
            aliases=("Permanence plan",)),
     Column("last_iro_contact_date", "Date of Last IRO Visit / Contact to the Child", DATE,
            aliases=("Date of last IRO visit",)),
     Column("last_health_assessment_date", "Date of Last Health Assessment", DATE),
     Column("last_dental_check_date", "Date of Last Dental Check", DATE),
     Column("placements_last_12m", "Number of Placements in the Last 12 months", INT),
     Column("cla_end_date", "Date Ceased to be Looked After", DATE, aliases=("Date ceased looked after",)),
     Column("reason_ceased", "Reason Ceased to be Looked After", CODE, codes=c.REASON_CEASED),
     Column("placement_start_date", "Start Date of Most Recent Placement", DATE),
     Column("placement_type", "Placement Type", CODE, codes=c.PLACEMENT_TYPE),
     Column("placement_provider", "Placement Provider", CODE, codes=c.PLACEMENT_PROVIDER),
     Column("placement_postcode", "Placement postcode", TEXT),
     Column("placement_urn", "URN of Placement", TEXT, aliases=("Placement URN",)),
     Column("placement_location", "Placement Location", CODE, codes=c.PLACEMENT_LOCATION),
     Column("placement_la", "LA of Placement", TEXT),
     Column("missing_episodes_12m", _MISSING, INT, pattern=r"number of episodes .*missing.*"),
     Column("absent_episodes_12m", _ABSENT, INT, pattern=r"number of episodes .*absent.*"),
     Column("return_interview_offered",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?", BOOL,
            pattern=r"was the child offered a return interview.*"),
     Column("return_interview_accepted",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?", BOOL,
            pattern=r"did the child accept a return interview.*"),
     *_allocation()),
    key=("child_id", "cla_start_date"),
    date_pairs=(("cla_start_date", "cla_end_date"), ("cla_start_date", "placement_start_date")),
    words=("children in care", "looked after", "cla", "lac"),
)

L9 = ListSpec(
    9, "care_leavers", "Care leavers",
    (*_demographics(disability=True, uasc=Column(
        "uasc", "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", BOOL,
        aliases=("UASC",), pattern=r"unaccompanied asylum seeking child.*")),
     *_allocation(),
     Column("personal_adviser", "Allocated Personal Advisor", TEXT,
            aliases=("Allocated Personal Adviser", "Personal Adviser", "Personal Advisor")),
     Column("eligibility", "Eligibility Category", CODE, codes=c.ELIGIBILITY),
     Column("pathway_plan_review_date", "Latest Pathway Plan Review Date", DATE,
            aliases=("Date of latest pathway plan review",)),
     Column("in_touch", "LA in Touch", CODE, codes=c.IN_TOUCH, aliases=("In touch",)),
     Column("latest_contact_date", "Latest Date of Contact", DATE),
     Column("accommodation_type", "Type of Accommodation", TEXT, aliases=("Accommodation type",)),
     Column("accommodation_suitability", "Suitability of Accommodation", CODE, codes=c.SUITABILITY,
            aliases=("Accommodation suitability",)),
     Column("activity", "Activity Status", CODE, codes=c.ACTIVITY, aliases=("Main activity",))),
    key=("child_id",),
    words=("care leaver", "leaving care"),
)

L10 = ListSpec(
    10, "adoption", "Adoption",
    (Column("child_id", "Child Unique ID", ID, required=True, aliases=("Child ID", "Unique ID")),
     Column("family_id", "Family identifier", ID, aliases=("Family ID",)),
     *[col for col in _demographics(disability=True) if col.name != "child_id"],
     Column("entered_care_date", "Date the Child Entered Care", DATE, required=True),
     Column("adoption_decision_date", "Date of Decision that Child Should be Placed for Adoption", DATE),
     Column("placement_order_date", "Date of Placement Order", DATE),
     Column("matched_date", "Date of Matching Child and Prospective Adopters", DATE),
     Column("placed_date", "Date Placed for Adoption", DATE),
     Column("adoption_order_date", "Date of Adoption Order", DATE),
     Column("no_longer_decision_date", "Date of Decision that Child Should No Longer be Placed for Adoption", DATE),
     Column("no_longer_reason", "Reason Why Child No Longer Placed for Adoption", TEXT),
     Column("ffa_placed_date",
            "Date the child was placed for fostering in FFA or concurrent planning placement", DATE)),
    key=("child_id", "entered_care_date"),
    date_pairs=(("entered_care_date", "adoption_decision_date"), ("adoption_decision_date", "placed_date"),
                ("placed_date", "adoption_order_date")),
    words=("adoption",),
)

L11 = ListSpec(
    11, "adopters", "Adopters",
    (Column("adopter_id", "Individual adopter identifier", ID, required=True,
            aliases=("Adopter ID", "Individual adopter ID")),
     Column("family_id", "Family identifier", ID, aliases=("Family ID",)),
     Column("gender", "Gender", CODE, codes=c.GENDER),
     Column("ethnicity", "Ethnicity", CODE, codes=c.ETHNICITY),
     Column("disability", "Disability", BOOL),
     Column("fostering_for_adoption", "Is the (prospective) adopter fostering for adoption?", BOOL),
     Column("enquiry_date", "Date enquiry received", DATE, required=True),
     Column("stage1_start_date", "Date Stage 1 started", DATE),
     Column("stage1_end_date", "Date Stage 1 ended", DATE),
     Column("stage2_start_date", "Date Stage 2 started", DATE),
     Column("stage2_end_date", "Date Stage 2 ended", DATE),
     Column("application_date", "Date application submitted", DATE),
     Column("approved_date", "Date application approved", DATE),
     Column("matched_date", "Date adopter matched with child(ren)", DATE),
     Column("placed_date", "Date child/children placed with adopter(s)", DATE),
     Column("children_placed", "No. of children placed", INT, aliases=("Number of children placed",)),
     Column("adoption_order_date", "Date of Adoption Order", DATE),
     Column("left_date", "Date of leaving adoption process", DATE),
     Column("left_reason", "Reason for leaving adoption process", TEXT)),
    key=("adopter_id", "enquiry_date"),
    date_pairs=(("stage1_start_date", "stage1_end_date"), ("stage2_start_date", "stage2_end_date"),
                ("application_date", "approved_date")),
    words=("adopter",),
)

LISTS: tuple[ListSpec, ...] = (L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11)
BY_NUMBER: dict[int, ListSpec] = {spec.number: spec for spec in LISTS}
BY_SLUG: dict[str, ListSpec] = {spec.slug: spec for spec in LISTS}
