"""DfE's CIN census validation rules that stop a return from being accepted (its "error" rules), each declared
once: the DfE's code and message, the fields it affects, and a function returning the failing rows.

Written here from the DfE's published rule descriptions (codes, messages and meanings as in the DfE's
validation rules and data-to-insight's csc-validator-be-cin, which councils run today); each rule has a
hand-made failing and passing case in tests/test_rules.py. ``validate(census)`` runs them all and returns one
``Issue`` per failing row: the rule's code and message, the child (LAchildID), the table and row, and the
affected fields with their values. A rule that compares two tables (an assessment's start and its referral)
reports the failing row in each.

Conventions: dates are compared as dates; a value the reader could not read (a malformed date, a code that is
not in the DfE's list) is blank here and was reported by the reader. The census year runs from the day after
the reference date a year earlier (1 April) to the reference date (31 March), both included.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..returns import Issue, RuleBook, rows
from . import codes as C
from . import spec as S
from .reader import CINCensus

CIN = RuleBook("CIN census", fields=S.FIELDS)
RULES = CIN  # iterate it for the rules; CIN["8840"] is one

_CUTOVER_REFERRAL_SOURCE = np.datetime64("2013-04-01", "ns")


def validate(census: CINCensus, codes: list[str] | None = None) -> list[Issue]:
    """Every rule's issues for the return (or just those of ``codes``)."""
    return CIN.validate(census, codes)


# --------------------------------------------------------------------------- helpers


def _period(data: CINCensus) -> tuple[np.datetime64 | None, np.datetime64 | None]:
    start, end = data.year_start, data.reference_date
    if end is None:
        return None, None
    return np.datetime64(start, "ns"), np.datetime64(end, "ns")


def _with_cin(data: CINCensus, table: str, columns=("referral_date", "closure_date", "referral_nfa",
                                                    "icpc_date")) -> pd.DataFrame:
    """A table's rows, in order, with their CIN details' columns beside them (suffixed _cin)."""
    t = data.table(table)
    cin = data.table("cin_details")[["cin_id", *columns]]
    cin = cin.rename(columns={c: f"{c}_cin" for c in columns})
    return t.merge(cin, on="cin_id", how="left", validate="many_to_one")


def _cin_positions(data: CINCensus, cin_ids) -> np.ndarray:
    """Positions in cin_details of the given cin_ids."""
    ids = data.table("cin_details")["cin_id"].to_numpy()
    return np.flatnonzero(np.isin(ids, np.asarray(list(cin_ids) if not isinstance(cin_ids, np.ndarray)
                                                   else cin_ids)))


def _first_identifiers(data: CINCensus) -> pd.DataFrame:
    """One child_identifiers row per child (the first, where LAchildID is repeated)."""
    ids = data.table("child_identifiers")
    return ids[ids["child_id"].notna()].drop_duplicates("child_id")


def _invalid(series: pd.Series, codes) -> pd.Series:
    return series.notna() & ~series.isin(list(codes))


def _is_true(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=bool, na_value=False)


def _is_false(series: pd.Series) -> np.ndarray:
    return series.eq(False).to_numpy(dtype=bool, na_value=False)


# --------------------------------------------------------------------------- header and child


@CIN.rule(code="100", message="Reference Date is incorrect", affects=["ReferenceDate", "Year"])
def _100(data: CINCensus):
    # <ReferenceDate> must be present and be 31 March of the collection <Year>.
    h = data.table("header")
    bad = []
    for ref, year in zip(h["reference_date"], h["year"], strict=True):
        bad.append(pd.isna(ref) or pd.isna(year) or pd.Timestamp(ref).date() != dt.date(int(year), 3, 31))
    return {"header": rows(np.array(bad, dtype=bool))}


@CIN.rule(code="8500", message="LA Child ID missing", affects=["LAchildID"])
def _8500(data: CINCensus):
    return {"child_identifiers": rows(data.table("child_identifiers")["child_id"].isna())}


@CIN.rule(code="8510", message="More than one child record with the same LA Child ID", affects=["LAchildID"])
def _8510(data: CINCensus):
    ids = data.table("child_identifiers")["child_id"]
    return {"child_identifiers": rows(ids.notna() & ids.duplicated(keep=False))}


@CIN.rule(code="1570", message="LA Child ID must not be longer than 20 characters", affects=["LAchildID"])
def _1570(data: CINCensus):
    ids = data.table("child_identifiers")["child_id"]
    return {"child_identifiers": rows(ids.str.len().gt(20))}


_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"  # remainder 0..22 -> check letter (no I, O or S)


def upn_check_letter(upn: str) -> str | None:
    """The check letter a 13-character UPN should start with, or None when characters 2 to 12 are not all digits
    (a malformed UPN, which this rule leaves to others). Character 13 may be a letter (a temporary UPN), counted
    by its place in the check alphabet."""
    if len(upn) != 13 or not upn[1:12].isdigit():
        return None
    last = upn[12].upper()
    if last.isdigit():
        value = int(last)
    elif last in _UPN_CHECK:
        value = _UPN_CHECK.index(last)
    else:
        return None
    total = sum(int(d) * w for d, w in zip(upn[1:12], range(2, 13), strict=True)) + value * 13
    return _UPN_CHECK[total % 23]


@CIN.rule(code="1510", message="UPN invalid (wrong check letter at character 1)", affects=["UPN"])
def _1510(data: CINCensus):
    upns = data.table("child_identifiers")["upn"]
    bad = []
    for upn in upns:
        if pd.isna(upn):
            bad.append(False)
            continue
        letter = upn_check_letter(upn)
        bad.append(letter is not None and upn[0].upper() != letter)
    return {"child_identifiers": rows(np.array(bad, dtype=bool))}


@CIN.rule(code="8520", message="Date of Birth is after data collection period (must be on or before the end of "
          "the census period)", affects=["PersonBirthDate"])
def _8520(data: CINCensus):
    _, end = _period(data)
    if end is None:
        return {}
    return {"child_identifiers": rows(data.table("child_identifiers")["birth_date"] > end)}


@CIN.rule(code="8525", message="Either Date of Birth or Expected Date of Birth must be provided (but not both)",
          affects=["PersonBirthDate", "ExpectedPersonBirthDate"])
def _8525(data: CINCensus):
    t = data.table("child_identifiers")
    return {"child_identifiers": rows(t["birth_date"].notna() == t["expected_birth_date"].notna())}


@CIN.rule(code="4180", message="Sex must be provided and equal M, F, or U (in returns before 2024/25, "
          "GenderCurrent 1, 2, 0 or 9)", affects=["Sex"])
def _4180(data: CINCensus):
    sex = data.table("child_identifiers")["sex"]
    return {"child_identifiers": rows(~sex.isin(list(C.SEX)))}


@CIN.rule(code="8750", message="Sex must equal U for an unborn child",
          affects=["Sex", "PersonBirthDate", "ExpectedPersonBirthDate"])
def _8750(data: CINCensus):
    t = data.table("child_identifiers")
    unborn = t["birth_date"].isna() & t["expected_birth_date"].notna()
    return {"child_identifiers": rows(unborn & t["sex"].ne("U"))}


@CIN.rule(code="8772", message="UPN unknown reason is UN7 (Referral with no further action) but at least one CIN "
          "details is a referral going on to further action", affects=["UPNunknown", "ReferralNFA"])
def _8772(data: CINCensus):
    ids = data.table("child_identifiers")
    cin = data.table("cin_details")
    further = cin[~_is_true(cin["referral_nfa"])]  # false, or not given
    children = set(ids.loc[ids["upn_unknown"].eq("UN7").fillna(False), "child_id"].dropna())
    failing = children & set(further["child_id"].dropna())
    return {"child_identifiers": rows(ids["child_id"].isin(failing)),
            "cin_details": rows(cin["child_id"].isin(failing) & ~_is_true(cin["referral_nfa"]))}


@CIN.rule(code="4220", message="Ethnicity is missing or invalid (see Ethnicity table)", affects=["Ethnicity"])
def _4220(data: CINCensus):
    ethnicity = data.table("child_characteristics")["ethnicity"]
    return {"child_characteristics": rows(~ethnicity.isin(list(C.ETHNICITY)))}


@CIN.rule(code="8540", message="Child’s disability is missing or invalid (see Disability table)",
          affects=["Disability"])
def _8540(data: CINCensus):
    # If the child's date of birth is present and at least one referral went on to further action (ReferralNFA
    # false or 0), one or more <Disability> must be present and all of them valid codes.
    ids = _first_identifiers(data)
    cin = data.table("cin_details")
    further = set(cin.loc[_is_false(cin["referral_nfa"]), "child_id"].dropna())
    in_scope = set(ids.loc[ids["birth_date"].notna(), "child_id"]) & further
    dis = data.table("disabilities")
    bad_rows = dis["child_id"].isin(in_scope) & ~dis["disability"].isin(list(C.DISABILITY))
    chars = data.table("child_characteristics")
    without = chars["child_id"].isin(in_scope - set(dis["child_id"].dropna()))
    return {"disabilities": rows(bad_rows), "child_characteristics": (rows(without), ["Disability"])}


@CIN.rule(code="8790", message="Disability information includes both None and other values", affects=["Disability"])
def _8790(data: CINCensus):
    dis = data.table("disabilities")
    with_none = set(dis.loc[dis["disability"].eq("NONE").fillna(False), "child_id"].dropna())
    return {"disabilities": rows(dis["child_id"].isin(with_none) & dis["disability"].ne("NONE"))}


@CIN.rule(code="8794", message="Child has two or more disabilities with the same code", affects=["Disability"])
def _8794(data: CINCensus):
    dis = data.table("disabilities")
    return {"disabilities": rows(dis["disability"].notna() & dis.duplicated(["child_id", "disability"], keep=False))}


# --------------------------------------------------------------------------- CIN details


@CIN.rule(code="8866", message="Source of Referral is missing or an invalid code",
          affects=["CINreferralDate", "ReferralSource"])
def _8866(data: CINCensus):
    # From 1 April 2013, <ReferralSource> must be present and a valid code.
    cin = data.table("cin_details")
    since = cin["referral_date"] >= _CUTOVER_REFERRAL_SOURCE
    return {"cin_details": rows(since & ~cin["referral_source"].isin(list(C.REFERRAL_SOURCE)))}


@CIN.rule(code="8650", message="Primary Need Code invalid (see Primary Need table in CIN census code set)",
          affects=["PrimaryNeedCode"])
def _8650(data: CINCensus):
    return {"cin_details": rows(_invalid(data.table("cin_details")["primary_need"], C.PRIMARY_NEED))}


@CIN.rule(code="8610", message="Primary Need code is missing for a referral which led to further action.",
          affects=["ReferralNFA", "PrimaryNeedCode"])
def _8610(data: CINCensus):
    cin = data.table("cin_details")
    return {"cin_details": rows(_is_false(cin["referral_nfa"]) & cin["primary_need"].isna().to_numpy())}


@CIN.rule(code="8640", message="CIN Reason for closure code invalid (see Reason for Closure table in CIN Census "
          "code set)", affects=["ReasonForClosure"])
def _8640(data: CINCensus):
    return {"cin_details": rows(_invalid(data.table("cin_details")["closure_reason"], C.REASON_FOR_CLOSURE))}


@CIN.rule(code="8606", message="Child referral date is more than 40 weeks before DOB or expected DOB",
          affects=["CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"])
def _8606(data: CINCensus):
    # <CINreferralDate> cannot be more than 280 days before <PersonBirthDate> or <ExpectedPersonBirthDate>.
    cin = data.table("cin_details")
    ids = _first_identifiers(data)[["child_id", "birth_date", "expected_birth_date"]]
    merged = cin[["child_id", "referral_date"]].merge(ids, on="child_id", how="left")
    days = pd.Timedelta(days=280)
    bad = ((merged["referral_date"] < merged["birth_date"] - days)
           | (merged["referral_date"] < merged["expected_birth_date"] - days))
    failing = set(merged.loc[bad.to_numpy(dtype=bool, na_value=False), "child_id"])
    return {"cin_details": rows(bad), "child_identifiers": rows(_first_mask(data, failing))}


def _first_mask(data: CINCensus, children: set) -> np.ndarray:
    ids = data.table("child_identifiers")
    mask = ids["child_id"].isin(children).to_numpy(dtype=bool)
    return mask & ~ids["child_id"].duplicated().to_numpy(dtype=bool)


@CIN.rule(code="8820", message="The dates on the CIN episodes for this child overlap",
          affects=["CINreferralDate", "CINclosureDate"])
def _8820(data: CINCensus):
    # A referral must not fall on or after another of the child's referrals and before that one's closure, nor,
    # when that one is open (no closure date) and went on to further action, on or before the reference date. One
    # referral may start on the day another closed.
    _, end = _period(data)
    cin = data.table("cin_details")
    cin = cin.assign(_pos=np.arange(len(cin)))
    dated = cin[cin["referral_date"].notna() & cin["child_id"].notna()]
    several = dated[dated["child_id"].duplicated(keep=False)]
    if several.empty:
        return {}
    pairs = several.merge(several, on="child_id", suffixes=("", "_other"))
    pairs = pairs[pairs["cin_id"] != pairs["cin_id_other"]]
    after = pairs["referral_date"] >= pairs["referral_date_other"]
    before_close = pairs["closure_date_other"].notna() & (pairs["referral_date"] < pairs["closure_date_other"])
    open_other = pairs["closure_date_other"].isna() & pairs["referral_nfa_other"].eq(False).fillna(False)
    if end is not None:
        open_other &= pairs["referral_date"] <= end
    bad = after & (before_close | open_other)
    return {"cin_details": pairs.loc[bad.to_numpy(dtype=bool), "_pos"].to_numpy()}


@CIN.rule(code="8565", message="Activity shown after a case has been closed",
          affects=["CINclosureDate", "DateOfInitialCPC", "AssessmentActualStartDate", "AssessmentAuthorisationDate",
                   "S47ActualStartDate", "CPPendDate", "CINPlanStartDate", "CINPlanEndDate"])
def _8565(data: CINCensus):
    # Where <CINclosureDate> is present, every one of these dates in the same CINdetails must be on or before it:
    # the assessments' start and authorisation, the section 47s' start and ICPC, the CIN details' ICPC, the child
    # protection plans' end, the CIN plans' start and end.
    out: dict[str, np.ndarray] = {}
    closed: set = set()
    cin = data.table("cin_details")
    own = cin["closure_date"].notna() & (cin["icpc_date"] > cin["closure_date"])
    closed |= set(cin.loc[own.to_numpy(dtype=bool), "cin_id"])
    for table, columns in (("assessments", ["start_date", "authorised_date"]),
                           ("section47", ["start_date", "icpc_date"]),
                           ("child_protection_plans", ["end_date"]),
                           ("cin_plan_dates", ["start_date", "end_date"])):
        t = _with_cin(data, table, ("closure_date",))
        bad = np.zeros(len(t), dtype=bool)
        for column in columns:
            bad |= (t[column] > t["closure_date_cin"]).to_numpy(dtype=bool, na_value=False)
        out[table] = rows(bad)
        closed |= set(t.loc[bad, "cin_id"])
    out["cin_details"] = _cin_positions(data, np.array(sorted(closed), dtype=np.int64))
    return out


# --------------------------------------------------------------------------- assessments


@CIN.rule(code="1103", message="The assessment start date cannot be before the referral date",
          affects=["AssessmentActualStartDate", "CINreferralDate"])
def _1103(data: CINCensus):
    t = _with_cin(data, "assessments", ("referral_date",))
    bad = (t["start_date"] < t["referral_date_cin"]).to_numpy(dtype=bool, na_value=False)
    return {"assessments": rows(bad),
            "cin_details": (_cin_positions(data, t.loc[bad, "cin_id"].to_numpy()), ["CINreferralDate"])}


@CIN.rule(code="8608", message="Assessment Start Date cannot be later than its End Date",
          affects=["AssessmentActualStartDate", "AssessmentAuthorisationDate"])
def _8608(data: CINCensus):
    t = data.table("assessments")
    return {"assessments": rows(t["start_date"] > t["authorised_date"])}


@CIN.rule(code="8736", message="For an Assessment that has not been completed, the start date must fall within the "
          "census year", affects=["AssessmentActualStartDate", "AssessmentAuthorisationDate"])
def _8736(data: CINCensus):
    start, end = _period(data)
    if end is None:
        return {}
    t = data.table("assessments")
    open_ = t["authorised_date"].isna() & t["start_date"].notna()
    return {"assessments": rows(open_ & ((t["start_date"] < start) | (t["start_date"] > end)))}


# --------------------------------------------------------------------------- CIN plans


@CIN.rule(code="4000", message="CIN Plan details provided for a referral with no further action",
          affects=["CINPlanStartDate", "ReferralNFA"])
def _4000(data: CINCensus):
    t = _with_cin(data, "cin_plan_dates", ("referral_nfa",))
    bad = _is_true(t["referral_nfa_cin"])
    return {"cin_plan_dates": rows(bad),
            "cin_details": (_cin_positions(data, t.loc[bad, "cin_id"].to_numpy()), ["ReferralNFA"])}


@CIN.rule(code="4004", message="This child is showing more than one open CIN Plan, i.e. with no End Date",
          affects=["CINPlanEndDate"])
def _4004(data: CINCensus):
    t = data.table("cin_plan_dates")
    open_ = t["end_date"].isna()
    per_cin = t.loc[open_, "cin_id"].value_counts()
    return {"cin_plan_dates": rows(open_ & t["cin_id"].isin(per_cin.index[per_cin > 1]))}


@CIN.rule(code="4011", message="CIN Plan End Date earlier than Start Date", affects=["CINPlanEndDate",
                                                                                   "CINPlanStartDate"])
def _4011(data: CINCensus):
    t = data.table("cin_plan_dates")
    return {"cin_plan_dates": rows(t["end_date"] < t["start_date"])}


# --------------------------------------------------------------------------- section 47 and conferences


@CIN.rule(code="1104", message="The date of the initial child protection conference cannot be before the referral "
          "date", affects=["DateOfInitialCPC", "CINreferralDate"])
def _1104(data: CINCensus):
    s47 = _with_cin(data, "section47", ("referral_date",))
    bad = (s47["icpc_date"] < s47["referral_date_cin"]).to_numpy(dtype=bool, na_value=False)
    cin = data.table("cin_details")
    own = (cin["icpc_date"] < cin["referral_date"]).to_numpy(dtype=bool, na_value=False)
    positions = np.union1d(_cin_positions(data, s47.loc[bad, "cin_id"].to_numpy()), rows(own))
    return {"section47": rows(bad), "cin_details": positions}


@CIN.rule(code="8839", message="Within one CINDetails group there are 2 or more open S47 Assessments",
          affects=["DateOfInitialCPC", "ICPCnotRequired"])
def _8839(data: CINCensus):
    # Only one <Section47> in a CINdetails may have no <DateOfInitialCPC> unless <ICPCnotRequired> is true.
    t = data.table("section47")
    open_ = t["icpc_date"].isna().to_numpy() & ~_is_true(t["icpc_not_required"])
    per_cin = t.loc[open_, "cin_id"].value_counts()
    return {"section47": rows(open_ & t["cin_id"].isin(per_cin.index[per_cin > 1]).to_numpy())}


# --------------------------------------------------------------------------- child protection plans


@CIN.rule(code="1105", message="The child protection plan start date cannot be before the referral date",
          affects=["CPPstartDate", "CINreferralDate"])
def _1105(data: CINCensus):
    t = _with_cin(data, "child_protection_plans", ("referral_date",))
    bad = (t["start_date"] < t["referral_date_cin"]).to_numpy(dtype=bool, na_value=False)
    return {"child_protection_plans": rows(bad),
            "cin_details": (_cin_positions(data, t.loc[bad, "cin_id"].to_numpy()), ["CINreferralDate"])}


@CIN.rule(code="2885", message="Child protection plan shown as starting a different day to the initial child "
          "protection conference.", affects=["CPPstartDate", "DateOfInitialCPC"])
def _2885(data: CINCensus):
    # A plan starting in the census year must start on the date of an initial conference in its CINdetails: a
    # section 47's <DateOfInitialCPC>, or the CINdetails' own (a conference without a section 47 here).
    start, end = _period(data)
    if end is None:
        return {}
    t = _with_cin(data, "child_protection_plans", ("icpc_date",))
    s47 = data.table("section47")
    conferences = set(zip(s47["cin_id"].tolist(), s47["icpc_date"].tolist(), strict=True))
    in_year = ((t["start_date"] >= start) & (t["start_date"] <= end)).to_numpy(dtype=bool, na_value=False)
    on_cin = (t["start_date"] == t["icpc_date_cin"]).to_numpy(dtype=bool, na_value=False)
    on_s47 = np.array([(c, d) in conferences for c, d in zip(t["cin_id"].tolist(), t["start_date"].tolist(),
                                                              strict=True)], dtype=bool)
    return {"child_protection_plans": rows(in_year & ~on_cin & ~on_s47)}


@CIN.rule(code="8730", message="Total Number of previous Child Protection Plans missing",
          affects=["NumberOfPreviousCPP"])
def _8730(data: CINCensus):
    previous = data.table("child_protection_plans")["previous_plans"]
    return {"child_protection_plans": rows(previous.isna() | previous.lt(0).fillna(False))}


@CIN.rule(code="8840", message="Child Protection Plan cannot start and end on the same day",
          affects=["CPPstartDate", "CPPendDate"])
def _8840(data: CINCensus):
    t = data.table("child_protection_plans")
    return {"child_protection_plans": rows(t["start_date"] == t["end_date"])}


@CIN.rule(code="8841", message="The review date cannot be on the same day or before the Child protection Plan start "
          "date.", affects=["CPPreviewDate", "CPPstartDate"])
def _8841(data: CINCensus):
    reviews = data.table("reviews")
    plans = data.table("child_protection_plans")[["cpp_id", "start_date"]]
    merged = reviews.merge(plans, on="cpp_id", how="left", validate="many_to_one")
    bad = (merged["review_date"] <= merged["start_date"]).to_numpy(dtype=bool, na_value=False)
    ids = data.table("child_protection_plans")["cpp_id"].to_numpy()
    return {"reviews": rows(bad), "child_protection_plans": np.flatnonzero(np.isin(ids, merged.loc[bad, "cpp_id"]))}
