"""The CIN census as goldthread holds it: flat tables, one per repeating group of the DfE's XML, each column
with the XML element it comes from, its type and, for coded elements, its code set.

XML tree (DfE's schema): ``Message > Header > CollectionDetails (Collection, Year, ReferenceDate) + Source
(SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime)``; ``Message > Children > Child > ChildIdentifiers,
ChildCharacteristics (Ethnicity, Disabilities > Disability), CINdetails (1..n) > Assessments (0..n) >
FactorsIdentifiedAtAssessment > AssessmentFactors, CINPlanDates (0..n), Section47 (0..n), ChildProtectionPlans
(0..n) > Reviews > CPPreviewDate, and from 2026/27 PreProceedingsandFGDM``.

Every table has ``row_number`` (its rows counted from 1 in file order) and ``child_id`` (the child's
LAchildID). Tables below CINdetails carry ``cin_id``, the number goldthread gives each CINdetails group (1, 2,
... in file order, across the whole file), so a referral's assessments, plans and enquiries can be joined to
it; assessments carry ``assessment_id`` and child protection plans ``cpp_id`` the same way.

Types: "text" (kept as written, surrounding spaces removed), "code" (text that must be one of ``codes``),
"date" (xs:date, YYYY-MM-DD, held as datetime64), "bool" (0/1 or false/true, held as pandas' nullable
boolean), "int" (a whole number, nullable Int64).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import codes as C

TEXT, CODE, DATE, BOOL, INT = "text", "code", "date", "bool", "int"


@dataclass(frozen=True)
class Column:
    name: str  # goldthread's column
    element: str  # the DfE's XML element
    kind: str
    codes: Mapping[str, str] | None = None
    rule: str | None = None  # the DfE rule that checks this code set; the reader leaves the check to it


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    group: str  # the XML element each row comes from
    columns: tuple[Column, ...]
    ids: tuple[str, ...] = field(default=())  # generated id columns after row_number and child_id

    @property
    def all_columns(self) -> list[str]:
        return ["row_number", "child_id", *self.ids, *(c.name for c in self.columns)]

    def by_element(self) -> dict[str, Column]:
        return {c.element: c for c in self.columns}


def _t(name, title, group, ids, *columns) -> Table:
    return Table(name, title, group, tuple(Column(*c) for c in columns), tuple(ids))


HEADER = _t("header", "Header", "Header", (),
            ("collection", "Collection", CODE, C.COLLECTION),
            ("year", "Year", INT),
            ("reference_date", "ReferenceDate", DATE),
            ("source_level", "SourceLevel", CODE, C.SOURCE_LEVEL),
            ("lea", "LEA", TEXT),
            ("software_code", "SoftwareCode", TEXT),
            ("release", "Release", TEXT),
            ("serial_no", "SerialNo", TEXT),
            ("datetime", "DateTime", TEXT))

# LAchildID is each table's child_id (read from ChildIdentifiers for the whole Child).
CHILD_IDENTIFIERS = _t("child_identifiers", "Child identifiers", "ChildIdentifiers", (),
                       ("upn", "UPN", TEXT),
                       ("former_upn", "FormerUPN", TEXT),
                       ("upn_unknown", "UPNunknown", CODE, C.UPN_UNKNOWN),
                       ("birth_date", "PersonBirthDate", DATE),
                       ("expected_birth_date", "ExpectedPersonBirthDate", DATE),
                       ("sex", "Sex", CODE, C.SEX, "4180"),
                       ("death_date", "PersonDeathDate", DATE))

CHILD_CHARACTERISTICS = _t("child_characteristics", "Child characteristics", "ChildCharacteristics", (),
                           ("ethnicity", "Ethnicity", CODE, C.ETHNICITY, "4220"))

DISABILITIES = _t("disabilities", "Disabilities", "Disability", (),
                  ("disability", "Disability", CODE, C.DISABILITY, "8540"))

CIN_DETAILS = _t("cin_details", "CIN details", "CINdetails", ("cin_id",),
                 ("referral_date", "CINreferralDate", DATE),
                 ("referral_source", "ReferralSource", CODE, C.REFERRAL_SOURCE, "8866"),
                 ("primary_need", "PrimaryNeedCode", CODE, C.PRIMARY_NEED, "8650"),
                 ("closure_date", "CINclosureDate", DATE),
                 ("closure_reason", "ReasonForClosure", CODE, C.REASON_FOR_CLOSURE, "8640"),
                 ("icpc_date", "DateOfInitialCPC", DATE),
                 ("referral_nfa", "ReferralNFA", BOOL))

ASSESSMENTS = _t("assessments", "Assessments", "Assessments", ("cin_id", "assessment_id"),
                 ("start_date", "AssessmentActualStartDate", DATE),
                 ("review_date", "AssessmentInternalReviewDate", DATE),
                 ("authorised_date", "AssessmentAuthorisationDate", DATE))

ASSESSMENT_FACTORS = _t("assessment_factors", "Factors identified at assessment", "AssessmentFactors",
                        ("cin_id", "assessment_id"),
                        ("factor", "AssessmentFactors", CODE, C.ASSESSMENT_FACTORS))

CIN_PLAN_DATES = _t("cin_plan_dates", "CIN plan dates", "CINPlanDates", ("cin_id",),
                    ("start_date", "CINPlanStartDate", DATE),
                    ("end_date", "CINPlanEndDate", DATE))

SECTION47 = _t("section47", "Section 47 enquiries", "Section47", ("cin_id",),
               ("start_date", "S47ActualStartDate", DATE),
               ("icpc_target_date", "InitialCPCtarget", DATE),
               ("icpc_date", "DateOfInitialCPC", DATE),
               ("icpc_not_required", "ICPCnotRequired", BOOL))

CHILD_PROTECTION_PLANS = _t("child_protection_plans", "Child protection plans", "ChildProtectionPlans",
                            ("cin_id", "cpp_id"),
                            ("start_date", "CPPstartDate", DATE),
                            ("end_date", "CPPendDate", DATE),
                            ("initial_category", "InitialCategoryOfAbuse", CODE, C.CATEGORY_OF_ABUSE),
                            ("latest_category", "LatestCategoryOfAbuse", CODE, C.CATEGORY_OF_ABUSE),
                            ("previous_plans", "NumberOfPreviousCPP", INT))

REVIEWS = _t("reviews", "Child protection plan reviews", "CPPreviewDate", ("cin_id", "cpp_id"),
             ("review_date", "CPPreviewDate", DATE))

PRE_PROCEEDINGS = _t("pre_proceedings", "Pre-proceedings and family group decision making (2026/27)",
                     "PreProceedingsandFGDM", ("cin_id",),
                     ("pp_start_date", "PPStartDate", DATE),
                     ("letter_before_proceedings_date", "LBPSentDate", DATE),
                     ("fgdm_offered", "FGDMMeetingOffer", BOOL),
                     ("fgdm_facilitated", "FGDMMeetingFac", BOOL),
                     ("initial_meeting_date", "InitialPPMeetingDate", DATE),
                     ("review_meetings", "ReviewMeetingsCount", INT),
                     ("step_decision_date", "StepDecisionDate", DATE),
                     ("outcome", "PPOutcome", TEXT),
                     ("court_application_date", "CourtAppDate", DATE),
                     ("letter_initial_cp_date", "LetterInitCPDate", DATE))

TABLES: dict[str, Table] = {t.name: t for t in (
    HEADER, CHILD_IDENTIFIERS, CHILD_CHARACTERISTICS, DISABILITIES, CIN_DETAILS, ASSESSMENTS, ASSESSMENT_FACTORS,
    CIN_PLAN_DATES, SECTION47, CHILD_PROTECTION_PLANS, REVIEWS, PRE_PROCEEDINGS)}

# Per table, DfE field -> column: what the rules and issues speak in. Every table's child is its LAchildID.
FIELDS: dict[str, dict[str, str]] = {
    t.name: {"LAchildID": "child_id", **{c.element: c.name for c in t.columns}}
    for t in TABLES.values()}
FIELDS["header"].pop("LAchildID")
