"""Measures computed from a council's CIN census return, as the DfE defines them for the collection year.

They read a ``CINCensus`` (goldthread.core.cin): ``data.table(name)`` for its tables (cin_details,
assessments, section47, child_protection_plans, ...). ``context_for(census)`` gives the ``Context``.

Conventions (every definition below follows them):
- ``as_at`` is the census's reference date (<ReferenceDate>, 31 March). "The year" is the census year: the
  day after the same date a year earlier (1 April) up to and including the reference date.
- "At 31 March": started on or before the reference date and not ended by it (no end date, or one after it).
- Working days exclude weekends and England's bank holidays; the working days from d1 to d2 are those after
  d1 up to and including d2 (a conference the next working day after the enquiry started is 1 working day
  later); "within N working days" means that count is at most N.
- Counts of children are distinct by LAchildID; counts of events (referrals, enquiries, plans) are not.
- The rows behind a measure are rows of one table (``ROW_TABLES``), by its ``row_number``; ``list_number`` is
  None (these are not Annex A lists). A CIN census has no allocated team or worker, so there are no
  breakdowns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..workdays import working_days_between
from .registry import (
    COUNT,
    HIGHER,
    LOWER,
    NEITHER,
    PERCENT,
    RATE,
    Context,
    Data,
    Result,
    count_result,
    in_window,
    measure,
    months_before,
    open_at,
    percent_result,
    rate_result,
    row_frame,
)

CIN_CENSUS = "CIN census"

# measure id -> the table whose rows are behind it
ROW_TABLES: dict[str, str] = {}


def context_for(census, child_population: int | None = None) -> Context:
    """The context for a census's measures: its reference date, and the council's child population (ONS
    mid-year estimate of children aged 0 to 17) for the rates."""
    if census.reference_date is None:
        raise ValueError("The CIN census has no reference date, so its measures cannot be computed.")
    return Context(as_at=census.reference_date, child_population=child_population)


def _cin_measure(*, id: str, table: str, **kwargs):
    ROW_TABLES[id] = table
    return measure(id=id, source=CIN_CENSUS, lists=(), **kwargs)


def _in_year(series: pd.Series, ctx: Context) -> pd.Series:
    """On or after 1 April and on or before the reference date (as_at minus 12 months < d <= as_at)."""
    return in_window(series, ctx, months=12)


def _rows(t: pd.DataFrame, mask, **kwargs) -> pd.DataFrame:
    return row_frame(t, None, mask, **kwargs)


def _wd(start: pd.Series, end: pd.Series) -> np.ndarray:
    return working_days_between(start.to_numpy(dtype="datetime64[ns]"), end.to_numpy(dtype="datetime64[ns]"))


def _true(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=bool, na_value=False)


_YEAR = """in the census year (1 April to the reference date, 31 March, both included)"""
_RATE = """per 10,000 children aged 0 to 17 living in the council's area (the ONS mid-year estimate for the
council: DfE uses the one for 30 June of the previous calendar year)"""


# --------------------------------------------------------------------------- front door


def _referrals_in_year(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = data.table("cin_details")
    return t, _in_year(t["referral_date"], ctx)


@_cin_measure(id="cin_referrals", table="cin_details", title="Referrals in the year (CIN census)", unit=COUNT,
              polarity=NEITHER, group="front_door",
              definition=f"""Referrals (CINdetails) whose CINreferralDate is {_YEAR}, including referrals with no
              further action. Events, not children: a child referred twice counts twice.""")
def cin_referrals(data: Data, ctx: Context) -> Result:
    t, in_year = _referrals_in_year(data, ctx)
    return count_result(_rows(t, in_year))


@_cin_measure(id="cin_referrals_per_10k", table="cin_details", title="Referrals per 10,000 children (CIN census)",
              unit=RATE, polarity=NEITHER, group="front_door", national="cin_referrals_rate",
              definition=f"""Referrals whose CINreferralDate is {_YEAR} {_RATE}. DfE children in need table C1.""")
def cin_referrals_per_10k(data: Data, ctx: Context) -> Result:
    t, in_year = _referrals_in_year(data, ctx)
    return rate_result(_rows(t, in_year), ctx.child_population)


def previous_referral(t: pd.DataFrame) -> pd.Series:
    """For each referral, the child's latest referral on an earlier day in the return (NaT when none)."""
    dated = t.loc[t["referral_date"].notna() & t["child_id"].notna(), ["child_id", "referral_date"]]
    days = dated.drop_duplicates().sort_values(["child_id", "referral_date"], kind="stable")
    days = days.assign(previous=days.groupby("child_id", sort=False)["referral_date"].shift(1))
    merged = t[["child_id", "referral_date"]].merge(days, on=["child_id", "referral_date"], how="left")
    return pd.Series(merged["previous"].to_numpy(dtype="datetime64[ns]"), index=t.index)


@_cin_measure(id="cin_re_referrals_12m", table="cin_details", title="Re-referrals within 12 months (CIN census)",
              unit=PERCENT, polarity=LOWER, group="front_door", national="cin_rereferral_rate",
              definition=f"""Of referrals whose CINreferralDate is {_YEAR}, the percentage where the same child had
              a previous referral within 12 months: an earlier CINreferralDate on or after the date 12 calendar
              months before this one (a referral exactly 12 months after the previous one counts). DfE children in
              need table C1. Only referrals in this return are seen: it holds episodes open at some time in the
              year, so a previous referral whose episode closed before 1 April is not, and DfE, which links
              earlier years' returns, may count a few more.""")
def cin_re_referrals_12m(data: Data, ctx: Context) -> Result:
    t, in_year = _referrals_in_year(data, ctx)
    previous = previous_referral(t)
    repeat = previous.notna() & (previous >= t["referral_date"] - pd.DateOffset(months=12))
    return percent_result(_rows(t, in_year, numerator=repeat, detail=previous.dt.strftime("%Y-%m-%d")))


@_cin_measure(id="cin_referrals_nfa", table="cin_details", title="Referrals with no further action (CIN census)",
              unit=PERCENT, polarity=NEITHER, group="front_door", national="cin_referrals_nfa",
              definition=f"""Of referrals whose CINreferralDate is {_YEAR}, the percentage with ReferralNFA true (no
              further action). DfE children in need table C1.""")
def cin_referrals_nfa(data: Data, ctx: Context) -> Result:
    t, in_year = _referrals_in_year(data, ctx)
    return percent_result(_rows(t, in_year, numerator=_true(t["referral_nfa"])))


# --------------------------------------------------------------------------- assessment


def _completed(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = data.table("assessments")
    return t, _in_year(t["authorised_date"], ctx)


@_cin_measure(id="cin_assessments_completed", table="assessments", title="Assessments completed (CIN census)",
              unit=COUNT, polarity=NEITHER, group="assessment",
              definition=f"""Assessments whose AssessmentAuthorisationDate is {_YEAR}.""")
def cin_assessments_completed(data: Data, ctx: Context) -> Result:
    t, done = _completed(data, ctx)
    return count_result(_rows(t, done))


@_cin_measure(id="cin_assessments_within_45wd", table="assessments",
              title="Assessments completed within 45 working days (CIN census)", unit=PERCENT, polarity=HIGHER,
              group="assessment", national="cin_assessments_within_45wd",
              definition=f"""Of assessments whose AssessmentAuthorisationDate is {_YEAR}, the percentage whose
              working days from AssessmentActualStartDate to AssessmentAuthorisationDate are 45 or fewer (DfE
              measures from start to authorisation; an assessment without a start date is not within).""")
def cin_assessments_within_45wd(data: Data, ctx: Context) -> Result:
    t, done = _completed(data, ctx)
    wd = _wd(t["start_date"], t["authorised_date"])
    return percent_result(_rows(t, done, numerator=wd <= 45, detail=wd))


# --------------------------------------------------------------------------- children in need


def _in_need_at_31_march(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = data.table("cin_details")
    return t, open_at(t["referral_date"], t["closure_date"], ctx) & ~_true(t["referral_nfa"])


@_cin_measure(id="cin_children_in_need_31_march", table="cin_details",
              title="Children in need at 31 March (CIN census)", unit=COUNT, polarity=NEITHER,
              group="child_protection",
              definition="""Distinct children with an episode of need open on the reference date: CINreferralDate
              on or before it, no CINclosureDate (or one after it), and not a referral with no further action
              (ReferralNFA true is a referral, not an episode of need). Includes children on plans and in care.""")
def cin_children_in_need_31_march(data: Data, ctx: Context) -> Result:
    t, open_ = _in_need_at_31_march(data, ctx)
    return count_result(_rows(t, open_), distinct_children=True)


@_cin_measure(id="cin_children_in_need_per_10k", table="cin_details",
              title="Children in need at 31 March per 10,000 children (CIN census)", unit=RATE, polarity=NEITHER,
              group="child_protection", national="cin_at_31_march_rate",
              definition=f"""Distinct children with an episode of need open on the reference date (as "Children in
              need at 31 March") {_RATE}. DfE children in need table B1.""")
def cin_children_in_need_per_10k(data: Data, ctx: Context) -> Result:
    t, open_ = _in_need_at_31_march(data, ctx)
    return rate_result(_rows(t, open_), ctx.child_population, distinct_children=True)


# --------------------------------------------------------------------------- section 47 and conferences


def _s47_in_year(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = data.table("section47")
    return t, _in_year(t["start_date"], ctx)


@_cin_measure(id="cin_section47s", table="section47", title="Section 47 enquiries (CIN census)", unit=COUNT,
              polarity=NEITHER, group="child_protection",
              definition=f"""Section 47 enquiries whose S47ActualStartDate is {_YEAR}. Enquiries, not children.""")
def cin_section47s(data: Data, ctx: Context) -> Result:
    t, in_year = _s47_in_year(data, ctx)
    return count_result(_rows(t, in_year))


@_cin_measure(id="cin_section47s_per_10k", table="section47",
              title="Section 47 enquiries per 10,000 children (CIN census)", unit=RATE, polarity=NEITHER,
              group="child_protection", national="s47_rate",
              definition=f"""Section 47 enquiries whose S47ActualStartDate is {_YEAR} {_RATE}. DfE children in need
              table C4.""")
def cin_section47s_per_10k(data: Data, ctx: Context) -> Result:
    t, in_year = _s47_in_year(data, ctx)
    return rate_result(_rows(t, in_year), ctx.child_population)


def conferences(data: Data, ctx: Context) -> pd.DataFrame:
    """Initial child protection conferences held in the year: each section 47's DateOfInitialCPC in the year,
    and each CINdetails' own DateOfInitialCPC in the year (a conference without a section 47 in this return,
    such as a child who moved in from another council) unless a section 47 of the same child has the same date.
    One row per conference: child_id, row_number (of its table), table, icpc_date."""
    s47 = data.table("section47")
    s47 = s47[_in_year(s47["icpc_date"], ctx).to_numpy(dtype=bool)]
    cin = data.table("cin_details")
    cin = cin[_in_year(cin["icpc_date"], ctx).to_numpy(dtype=bool)]
    seen = set(zip(s47["child_id"].tolist(), s47["icpc_date"].tolist(), strict=True))
    own = np.array([(c, d) not in seen for c, d in zip(cin["child_id"].tolist(), cin["icpc_date"].tolist(),
                                                        strict=True)], dtype=bool)
    cin = cin[own].drop_duplicates(["child_id", "icpc_date"])
    return pd.concat([
        pd.DataFrame({"child_id": s47["child_id"].to_numpy(dtype=object), "row_number": s47["row_number"].to_numpy(),
                      "table": "section47", "icpc_date": s47["icpc_date"].to_numpy()}),
        pd.DataFrame({"child_id": cin["child_id"].to_numpy(dtype=object), "row_number": cin["row_number"].to_numpy(),
                      "table": "cin_details", "icpc_date": cin["icpc_date"].to_numpy()}),
    ], ignore_index=True)


@_cin_measure(id="cin_icpcs", table="section47 or cin_details (the row's detail)",
              title="Initial child protection conferences (CIN census)", unit=COUNT, polarity=NEITHER,
              group="child_protection",
              definition=f"""Initial child protection conferences whose DateOfInitialCPC is {_YEAR}: those recorded
              on a section 47 enquiry, and those recorded only on the CIN details (a conference with no section 47
              in this return, as for a child who moved in from another council), a child's conference on one date
              counted once. Conferences, not children.""")
def cin_icpcs(data: Data, ctx: Context) -> Result:
    held = conferences(data, ctx)
    return count_result(_rows(held, True, detail=held["table"]))


@_cin_measure(id="cin_icpcs_per_10k", table="section47 or cin_details (the row's detail)",
              title="Initial child protection conferences per 10,000 children (CIN census)", unit=RATE,
              polarity=NEITHER, group="child_protection", national="icpc_rate",
              definition=f"""Initial child protection conferences held {_YEAR} (as "Initial child protection
              conferences") {_RATE}. DfE children in need table C4.""")
def cin_icpcs_per_10k(data: Data, ctx: Context) -> Result:
    held = conferences(data, ctx)
    return rate_result(_rows(held, True, detail=held["table"]), ctx.child_population)


@_cin_measure(id="cin_icpc_within_15wd", table="section47",
              title="Initial conferences within 15 working days (CIN census)", unit=PERCENT, polarity=HIGHER,
              group="child_protection", national="cin_icpc_within_15wd",
              definition=f"""Of initial child protection conferences on a section 47 enquiry whose DateOfInitialCPC
              is {_YEAR}, the percentage held within 15 working days of the enquiry's S47ActualStartDate (the
              strategy discussion that started it). As in DfE's table C4, conferences dated before their enquiry
              started, or whose enquiry has no start date, are left out.""")
def cin_icpc_within_15wd(data: Data, ctx: Context) -> Result:
    t = data.table("section47")
    wd = _wd(t["start_date"], t["icpc_date"])
    base = _in_year(t["icpc_date"], ctx).to_numpy(dtype=bool) & (wd >= 0)
    return percent_result(_rows(t, base, numerator=wd <= 15, detail=wd))


# --------------------------------------------------------------------------- child protection plans


def _plans(data: Data) -> pd.DataFrame:
    return data.table("child_protection_plans")


def _starting(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = _plans(data)
    return t, _in_year(t["start_date"], ctx)


@_cin_measure(id="cin_cpp_starting", table="child_protection_plans",
              title="Child protection plans starting (CIN census)", unit=COUNT, polarity=NEITHER,
              group="child_protection",
              definition=f"""Child protection plans whose CPPstartDate is {_YEAR}. Plans, not children.""")
def cin_cpp_starting(data: Data, ctx: Context) -> Result:
    t, starting = _starting(data, ctx)
    return count_result(_rows(t, starting))


def earlier_plan(t: pd.DataFrame) -> np.ndarray:
    """Whether each plan's child has another plan in the return that started on an earlier day."""
    first = t.loc[t["start_date"].notna() & t["child_id"].notna()].groupby("child_id")["start_date"].min()
    firsts = t["child_id"].map(first)
    return (t["start_date"] > firsts).to_numpy(dtype=bool, na_value=False)


@_cin_measure(id="cin_cpp_second_or_subsequent", table="child_protection_plans",
              title="Plans that are a second or subsequent plan (CIN census)", unit=PERCENT, polarity=LOWER,
              group="child_protection", national="cpp_second_or_subsequent",
              definition=f"""Of child protection plans whose CPPstartDate is {_YEAR}, the percentage for a child who
              had been the subject of a plan before, at any time and in any council: NumberOfPreviousCPP is 1 or
              more, or the return holds another plan for the child that started earlier. DfE children in need
              table D3.""")
def cin_cpp_second_or_subsequent(data: Data, ctx: Context) -> Result:
    t, starting = _starting(data, ctx)
    previous = t["previous_plans"].fillna(0).ge(1).to_numpy(dtype=bool) | earlier_plan(t)
    return percent_result(_rows(t, starting, numerator=previous, detail=t["previous_plans"]))


def _open_plans(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = _plans(data)
    return t, open_at(t["start_date"], t["end_date"], ctx)


@_cin_measure(id="cin_cpp_open_31_march", table="child_protection_plans",
              title="Children on child protection plans at 31 March (CIN census)", unit=COUNT, polarity=NEITHER,
              group="child_protection",
              definition="""Distinct children with a child protection plan open on the reference date: CPPstartDate on
              or before it and no CPPendDate (or one after it).""")
def cin_cpp_open_31_march(data: Data, ctx: Context) -> Result:
    t, open_ = _open_plans(data, ctx)
    return count_result(_rows(t, open_), distinct_children=True)


@_cin_measure(id="cin_cpp_per_10k", table="child_protection_plans",
              title="Child protection plans at 31 March per 10,000 children (CIN census)", unit=RATE,
              polarity=NEITHER, group="child_protection", national="cpp_at_31_march_rate",
              definition=f"""Distinct children with a child protection plan open on the reference date {_RATE}. DfE
              children in need table D5.""")
def cin_cpp_per_10k(data: Data, ctx: Context) -> Result:
    t, open_ = _open_plans(data, ctx)
    return rate_result(_rows(t, open_), ctx.child_population, distinct_children=True)


@_cin_measure(id="cin_cpp_open_2_years_plus", table="child_protection_plans",
              title="Plans at 31 March open two years or more (CIN census)", unit=PERCENT, polarity=LOWER,
              group="child_protection", national="cpp_2_years_plus",
              definition="""Of child protection plans open on the reference date, the percentage that had lasted 2
              years or more: CPPstartDate on or before the reference date less 2 calendar years. DfE children in
              need table D5.""")
def cin_cpp_open_2_years_plus(data: Data, ctx: Context) -> Result:
    t, open_ = _open_plans(data, ctx)
    long = t["start_date"] <= months_before(ctx.as_at, 24)
    return percent_result(_rows(t, open_, numerator=long))


def _ending(data: Data, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    t = _plans(data)
    return t, _in_year(t["end_date"], ctx)


@_cin_measure(id="cin_cpp_ending", table="child_protection_plans",
              title="Child protection plans ending (CIN census)", unit=COUNT, polarity=NEITHER,
              group="child_protection",
              definition=f"""Child protection plans whose CPPendDate is {_YEAR}. Plans, not children.""")
def cin_cpp_ending(data: Data, ctx: Context) -> Result:
    t, ending = _ending(data, ctx)
    return count_result(_rows(t, ending))


@_cin_measure(id="cin_cpp_ended_2_years_plus", table="child_protection_plans",
              title="Plans ending that lasted two years or more (CIN census)", unit=PERCENT, polarity=LOWER,
              group="child_protection", national="cpp_ended_2_years_plus",
              definition=f"""Of child protection plans whose CPPendDate is {_YEAR}, the percentage that lasted 2
              years or more: CPPendDate on or after the date 2 calendar years after CPPstartDate. DfE children in
              need table D4.""")
def cin_cpp_ended_2_years_plus(data: Data, ctx: Context) -> Result:
    t, ending = _ending(data, ctx)
    long = t["end_date"] >= t["start_date"] + pd.DateOffset(years=2)
    days = (t["end_date"] - t["start_date"]).dt.days
    return percent_result(_rows(t, ending, numerator=long, detail=days))


def compute(census, ctx: Context) -> dict[str, Result]:
    """Every CIN census measure for ``census``, in declaration order (without the breakdown dimensions, which
    need allocation a CIN census does not have)."""
    from .registry import REGISTRY, ids_from

    return {mid: REGISTRY[mid].compute(census, ctx) for mid in ids_from(CIN_CENSUS)}
