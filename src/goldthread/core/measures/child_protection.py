"""Annex A measures of child protection: section 47 enquiries and initial conferences (List 5), children in
need (List 6) and child protection plans (List 7). Conventions: ``goldthread.core.measures.annex_a``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import count_with_rate, share_of_children, shared
from .derived import RowSet, TableView, months_before, view
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
    measure,
    percent_result,
    rate_result,
)

S47, ICPC = "s47_start_date", "icpc_date"
CIN_START, CIN_END = "cin_start_date", "cin_closure_date"
CPP_START, CPP_END = "cpp_start_date", "cpp_end_date"


def s47_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 5, "s47", ctx.as_at, lambda v: v.select(v.window(S47, ctx.as_at), numerator=True))


def icpcs_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 5, "icpcs", ctx.as_at, lambda v: v.select(v.window(ICPC, ctx.as_at), numerator=True))


def _open_cin(v: TableView, ctx: Context) -> np.ndarray:
    return v.open_at(CIN_START, CIN_END, ctx.as_at)


def cin_open_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 6, "cin_open", ctx.as_at, lambda v: v.select(_open_cin(v, ctx), numerator=True))


def _open_cpp(v: TableView, ctx: Context) -> np.ndarray:
    return v.open_at(CPP_START, CPP_END, ctx.as_at)


def cpp_open_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 7, "cpp_open", ctx.as_at, lambda v: v.select(_open_cpp(v, ctx), numerator=True))


# --------------------------------------------------------------------------- section 47 enquiries and ICPCs


@measure(id="s47_enquiries", title="Section 47 enquiries", unit=COUNT, polarity=NEITHER,
         group="child_protection", reads={5: (S47,)},
         definition="""Section 47 enquiries (rows of List 5) whose strategy discussion date is in the six months
         before the extract date.""")
def s47_enquiries(data: Data, ctx: Context) -> Result:
    return count_result(s47_in_window(data, ctx))


@measure(id="s47_per_10k", title="Section 47 enquiries per 10,000 children", unit=RATE, polarity=NEITHER,
         group="child_protection", reads={5: (S47,)},
         national="s47_rate",
         definition="""Section 47 enquiries whose strategy discussion date is in the six months before the
         extract date (events), doubled to give a yearly figure, per 10,000 children aged 0 to 17 living in the
         council's area (ONS mid-year estimate), latest year available at the extract date.""")
def s47_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(s47_in_window(data, ctx), ctx.child_population, scale=2.0)


@measure(id="icpc_within_15wd", title="Initial conferences within 15 working days", unit=PERCENT,
         polarity=HIGHER, group="child_protection", reads={5: (S47, ICPC)}, national="cin_icpc_within_15wd",
         definition="""Of initial child protection conferences dated in the six months before the extract date,
         the percentage held within 15 working days of the strategy discussion that started the section 47
         enquiry (Working Together). A conference dated before its strategy discussion (a date error the file
         check warns about), or with no strategy discussion date, is in the total but not counted as within 15
         working days.""")
def icpc_within_15wd(data: Data, ctx: Context) -> Result:
    v = view(data, 5)
    wd = v.working_days(S47, ICPC)
    forwards = v.dates(ICPC) >= v.dates(S47)
    return percent_result(v.select(v.window(ICPC, ctx.as_at), numerator=forwards & (wd <= 15), detail=wd))


@measure(id="s47_to_icpc", title="Section 47 enquiries leading to a conference", unit=PERCENT,
         polarity=NEITHER, group="child_protection", reads={5: (S47, ICPC)},
         definition="""Of section 47 enquiries whose strategy discussion is in the six months before the extract
         date, the percentage with a Date of Initial Child Protection Conference.""")
def s47_to_icpc(data: Data, ctx: Context) -> Result:
    v = view(data, 5)
    return percent_result(v.select(v.window(S47, ctx.as_at), numerator=v.present(ICPC)))


@measure(id="icpc_to_cpp", title="Initial conferences resulting in a plan", unit=PERCENT, polarity=NEITHER,
         group="child_protection", reads={5: (ICPC, "icpc_resulted_in_cpp")},
         definition="""Of initial child protection conferences dated in the six months before the extract date,
         the percentage that resulted in a child protection plan (Yes; Unknown or blank is not counted).""")
def icpc_to_cpp(data: Data, ctx: Context) -> Result:
    v = view(data, 5)
    return percent_result(v.select(v.window(ICPC, ctx.as_at), numerator=v.yes("icpc_resulted_in_cpp")))


count_with_rate(
    id="icpcs", title="Initial child protection conferences",
    rate_title="Initial child protection conferences per 10,000 children", group="child_protection",
    reads={5: (ICPC,)}, rows=icpcs_in_window, yearly=True,
    rate_national="icpc_rate",
    definition="""Initial child protection conferences (rows of List 5 with a Date of Initial Child Protection
    Conference) dated in the six months before the extract date. Events, not children.""")


@measure(id="s47_icpc_unnecessary", title="Section 47 enquiries where a conference was deemed unnecessary",
         unit=PERCENT, polarity=NEITHER, group="child_protection", reads={5: (S47, "icpc_unnecessary")},
         definition="""Of section 47 enquiries whose strategy discussion is in the six months before the extract
         date, the percentage where "Was an Initial Child Protection Conference deemed unnecessary?" is Yes.
         Unknown or blank is not counted as Yes.""")
def s47_icpc_unnecessary(data: Data, ctx: Context) -> Result:
    v = view(data, 5)
    return percent_result(v.select(v.window(S47, ctx.as_at), numerator=v.yes("icpc_unnecessary")))


share_of_children(
    id="s47_disabled", title="Children in section 47 enquiries who are disabled", group="child_protection",
    number=5, reads={5: (S47, "disability")}, latest_by=S47,
    base=lambda v, ctx: v.window(S47, ctx.as_at), flag=lambda v, ctx: v.yes("disability"),
    definition="""Of distinct children with a section 47 enquiry whose strategy discussion is in the six months
    before the extract date, the percentage whose most recent such enquiry records "Does the Child have a
    Disability" as Yes. Unknown or blank counts as not recorded as disabled (and stays in the total).""")


# --------------------------------------------------------------------------- children in need


@measure(id="cin_open", title="Children in need", unit=COUNT, polarity=NEITHER, group="child_protection",
         reads={6: (CIN_START, CIN_END)},
         definition="""Distinct children with a children in need episode (List 6) open at the extract date:
         started on or before it and not closed by it. Includes children on plans and in care, as List 6
         does.""")
def cin_open(data: Data, ctx: Context) -> Result:
    return count_result(cin_open_rows(data, ctx), distinct_children=True)


@measure(id="cin_per_10k", title="Children in need per 10,000 children", unit=RATE, polarity=NEITHER,
         group="child_protection", reads={6: (CIN_START, CIN_END)},
         national="cin_at_31_march_rate",
         definition="""Distinct children with a children in need episode open at the extract date, per 10,000
         children aged 0 to 17 living in the council's area (ONS mid-year estimate), latest year available at
         the extract date.""")
def cin_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(cin_open_rows(data, ctx), ctx.child_population, distinct_children=True)


@measure(id="cin_visits_in_timescale", title="Children in need seen within timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", reads={6: (CIN_START, CIN_END, "case_status", "last_seen_date")},
         definition="""Of children with a children in need episode open at the extract date whose Case Status is
         "Child in need plan", the percentage whose Date Child Was Last Seen is within the council's CIN
         visit interval before the extract date (working days from that date to the extract date no more than
         the interval; 20 working days unless the council sets another). No date recorded counts as out of
         timescale. One row per child: the most recent date seen.""")
def cin_visits_in_timescale(data: Data, ctx: Context) -> Result:
    v = view(data, 6)
    base = v.one_per_child(_open_cin(v, ctx) & v.equals("case_status", "CIN"), "last_seen_date")
    wd = v.working_days("last_seen_date", ctx.as_at)
    return percent_result(v.select(base, numerator=wd <= ctx.cin_visit_working_days, detail=wd))


count_with_rate(
    id="cin_in_window", title="Children in need during the six months",
    rate_title="Children in need during the six months per 10,000 children", group="child_protection",
    reads={6: (CIN_START, CIN_END)}, distinct_children=True,
    rows=lambda data, ctx: shared(data, 6, "cin_in_window", ctx.as_at, lambda v: v.select(
        v.open_during(CIN_START, CIN_END, ctx.as_at), numerator=True)),
    definition="""Distinct children with a children in need episode open at any time in the six months before
    the extract date: started on or before the extract date and not closed before the six months began (no CIN
    Closure Date, or one after the extract date less six months).""")

count_with_rate(
    id="cin_started", title="Children in need episodes started",
    rate_title="Children in need episodes started per 10,000 children", group="child_protection",
    reads={6: (CIN_START,)}, yearly=True,
    rate_national="cin_episodes_started_rate",
    rows=lambda data, ctx: shared(data, 6, "cin_started", ctx.as_at, lambda v: v.select(
        v.window(CIN_START, ctx.as_at), numerator=True)),
    definition="""Children in need episodes (rows of List 6) whose CIN Start Date is in the six months before the
    extract date. Events, not children.""")

count_with_rate(
    id="cin_closed", title="Children in need episodes closed",
    rate_title="Children in need episodes closed per 10,000 children", group="child_protection",
    reads={6: (CIN_END,)}, yearly=True,
    rate_national="cin_episodes_ended_rate",
    rows=lambda data, ctx: shared(data, 6, "cin_closed", ctx.as_at, lambda v: v.select(
        v.window(CIN_END, ctx.as_at), numerator=True)),
    definition="""Children in need episodes (rows of List 6) whose CIN Closure Date is in the six months before the
    extract date. Events, not children.""")

share_of_children(
    id="cin_disabled", title="Children in need who are disabled", group="child_protection", number=6,
    reads={6: (CIN_START, CIN_END, "disability")}, latest_by=CIN_START,
    base=_open_cin, flag=lambda v, ctx: v.yes("disability"),
    definition="""Of distinct children with a children in need episode open at the extract date, the percentage
    whose most recently started open episode records "Does the Child have a Disability" as Yes. Unknown or
    blank counts as not recorded as disabled (and stays in the total).""")


# --------------------------------------------------------------------------- child protection plans


@measure(id="cpp_open", title="Children on child protection plans", unit=COUNT, polarity=NEITHER,
         group="child_protection", reads={7: (CPP_START, CPP_END)},
         definition="""Distinct children with a child protection plan (List 7) open at the extract date.""")
def cpp_open(data: Data, ctx: Context) -> Result:
    return count_result(cpp_open_rows(data, ctx), distinct_children=True)


@measure(id="cpp_per_10k", title="Child protection plans per 10,000 children", unit=RATE, polarity=NEITHER,
         group="child_protection", reads={7: (CPP_START, CPP_END)}, national="cpp_at_31_march_rate",
         definition="""Distinct children on a child protection plan open at the extract date, per 10,000
         children aged 0 to 17 in the council's area (ONS mid-year estimate).""")
def cpp_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(cpp_open_rows(data, ctx), ctx.child_population, distinct_children=True)


@measure(id="cpp_visits_in_timescale", title="Child protection visits within timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", reads={7: (CPP_START, CPP_END, "last_visit_date")},
         definition="""Of child protection plans open at the extract date, the percentage whose Date of the Last
         Statutory Visit is within the council's CP visit interval before the extract date (working days from
         the visit to the extract date no more than the interval; 10 working days unless the council sets
         another). No visit recorded counts as out of timescale.""")
def cpp_visits_in_timescale(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    wd = v.working_days("last_visit_date", ctx.as_at)
    return percent_result(v.select(_open_cpp(v, ctx), numerator=wd <= ctx.cp_visit_working_days, detail=wd))


@measure(id="cpp_seen_alone", title="Children on plans seen alone", unit=PERCENT, polarity=HIGHER,
         group="child_protection", reads={7: (CPP_START, CPP_END, "seen_alone")},
         definition="""Of child protection plans open at the extract date, the percentage where "Was the Child
         Seen Alone?" is Yes. Unknown or blank counts as not seen alone.""")
def cpp_seen_alone(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    return percent_result(v.select(_open_cpp(v, ctx), numerator=v.yes("seen_alone")))


def _cpp_review_due(v: TableView) -> pd.Series:
    def make():
        t = v.table
        return (t[CPP_START] + pd.DateOffset(months=3)).where(
            t["latest_review_date"].isna(), t["latest_review_date"] + pd.DateOffset(months=6))
    return v.memo("cpp_review_due", make)


@measure(id="cpp_reviews_in_timescale", title="Child protection reviews in timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", reads={7: (CPP_START, CPP_END, "latest_review_date")},
         national="cpp_reviewed_on_time",
         definition="""Of child protection plans open at the extract date, the percentage not overdue for a
         review conference. With no review recorded, the first review is due 3 calendar months after the
         plan started; otherwise the next is due 6 calendar months after the latest review. A plan is overdue
         when the extract date is after its due date (Working Together).""")
def cpp_reviews_in_timescale(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    due = _cpp_review_due(v)
    on_time = (due.notna() & (due >= ctx.as_at64)).to_numpy(dtype=bool)
    return percent_result(v.select(_open_cpp(v, ctx), numerator=on_time,
                                   detail=lambda: due.dt.strftime("due %d/%m/%Y")))


@measure(id="cpp_second_or_subsequent", title="Plans that are a second or subsequent plan", unit=PERCENT,
         polarity=LOWER, group="child_protection", reads={7: (CPP_START, "previous_cpps")},
         national="cpp_second_or_subsequent",
         definition="""Of child protection plans that started in the six months before the extract date, the
         percentage where "Number of Previous Child Protection Plans" is 1 or more (DfE counts previous plans
         at any time).""")
def cpp_second_or_subsequent(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    return percent_result(v.select(v.window(CPP_START, ctx.as_at), numerator=v.whole("previous_cpps") >= 1,
                                   detail=v.series("previous_cpps")))


@measure(id="cpp_open_2_years_plus", title="Plans open two years or more", unit=PERCENT, polarity=LOWER,
         group="child_protection", reads={7: (CPP_START, CPP_END)}, national="cpp_2_years_plus",
         definition="""Of child protection plans open at the extract date, the percentage that started 2 or more
         calendar years before it (start date on or before the extract date less 2 years).""")
def cpp_open_2_years_plus(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    long = v.on_or_before(CPP_START, months_before(ctx.as_at, 24))
    return percent_result(v.select(_open_cpp(v, ctx), numerator=long))


count_with_rate(
    id="cpp_started", title="Child protection plans started",
    rate_title="Child protection plans started per 10,000 children", group="child_protection",
    reads={7: (CPP_START,)}, yearly=True,
    rate_national="cpp_starting_rate",
    rows=lambda data, ctx: shared(data, 7, "cpp_started", ctx.as_at, lambda v: v.select(
        v.window(CPP_START, ctx.as_at), numerator=True)),
    definition="""Child protection plans (rows of List 7) whose Child Protection Plan Start Date is in the six
    months before the extract date. Events, not children.""")


def cpp_ended_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 7, "cpp_ended", ctx.as_at, lambda v: v.select(v.window(CPP_END, ctx.as_at), numerator=True))


count_with_rate(
    id="cpp_ended", title="Child protection plans ended", rate_title="Child protection plans ended per 10,000 children",
    group="child_protection", reads={7: (CPP_END,)}, yearly=True, rows=cpp_ended_rows,
    rate_national="cpp_ending_rate",
    definition="""Child protection plans (rows of List 7) whose Child Protection Plan End Date is in the six months
    before the extract date. Events, not children.""")


@measure(id="cpp_ended_2_years_plus", title="Plans ended that lasted two years or more", unit=PERCENT,
         polarity=LOWER, group="child_protection", reads={7: (CPP_START, CPP_END)},
         national="cpp_ended_2_years_plus",
         definition="""Of child protection plans that ended in the six months before the extract date, the
         percentage that lasted 2 years or more: 24 or more whole calendar months from the Child Protection
         Plan Start Date to the End Date (start on or before the end date less 2 years). A plan without a start
         date is in the total but not counted as lasting 2 years.""")
def cpp_ended_2_years_plus(data: Data, ctx: Context) -> Result:
    v = view(data, 7)
    months = v.months(CPP_START, CPP_END)
    return percent_result(v.select(v.window(CPP_END, ctx.as_at), numerator=months >= 24, detail=months))


share_of_children(
    id="cpp_disabled", title="Children on plans who are disabled", group="child_protection", number=7,
    reads={7: (CPP_START, CPP_END, "disability")}, latest_by=CPP_START,
    base=_open_cpp, flag=lambda v, ctx: v.yes("disability"),
    definition="""Of distinct children with a child protection plan open at the extract date, the percentage
    whose most recently started open plan records "Does the Child have a Disability" as Yes. Unknown or blank
    counts as not recorded as disabled (and stays in the total).""")
