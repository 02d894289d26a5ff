"""Annex A measures of children in care (List 8). Conventions: ``goldthread.core.measures.annex_a``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..workdays import add_working_days
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

START, END = "cla_start_date", "cla_end_date"


def looked_after(v: TableView, ctx: Context) -> np.ndarray:
    """Children looked after at the extract date: positions of one row per child (the latest period of care)."""
    return v.memo(("looked_after", ctx.as_at),
                  lambda: v.one_per_child(v.open_at(START, END, ctx.as_at), START))


def looked_after_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 8, "looked_after", ctx.as_at, lambda v: v.select(looked_after(v, ctx), numerator=True))


def _looked_after_12m(v: TableView, ctx: Context) -> np.ndarray:
    """Positions of children looked after at the extract date whose current period of care started 12 or more
    calendar months before it."""
    def make():
        pos = looked_after(v, ctx)
        return pos[v.on_or_before(START, months_before(ctx.as_at, 12))[pos]]
    return v.memo(("looked_after_12m", ctx.as_at), make)


@measure(id="cla_open", title="Children in care", unit=COUNT, polarity=NEITHER, group="children_in_care",
         reads={8: (START, END)},
         definition="""Distinct children looked after at the extract date (List 8: started to be looked after on
         or before it and not ceased by it).""")
def cla_open(data: Data, ctx: Context) -> Result:
    return count_result(looked_after_rows(data, ctx), distinct_children=True)


@measure(id="cla_per_10k", title="Children in care per 10,000 children", unit=RATE, polarity=NEITHER,
         group="children_in_care", reads={8: (START, END)}, national="cla_rate",
         definition="""Distinct children looked after at the extract date per 10,000 children aged 0 to 17 in the
         council's area (ONS mid-year estimate).""")
def cla_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(looked_after_rows(data, ctx), ctx.child_population, distinct_children=True)


@measure(id="cla_visits_in_timescale", title="Children in care visited within six weeks", unit=PERCENT,
         polarity=HIGHER, group="children_in_care", reads={8: (START, END, "last_visit_date")},
         definition="""Of children looked after at the extract date, the percentage whose Date of Last Social
         Work Visit is within 42 calendar days before the extract date (0 to 42 days earlier; the Care
         Planning Regulations' six-week maximum). No visit recorded counts as out of timescale.""")
def cla_visits_in_timescale(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    days = v.days("last_visit_date", ctx.as_at)
    return percent_result(v.select(looked_after(v, ctx), numerator=(days >= 0) & (days <= 42), detail=days))


def _cla_review_due(v: TableView) -> pd.Series:
    def make():
        t = v.table
        first_due = pd.Series(add_working_days(v.dates(START), 20), index=t.index).astype("datetime64[ns]")
        return first_due.where(t["latest_review_date"].isna(), t["latest_review_date"] + pd.DateOffset(months=6))
    return v.memo("cla_review_due", make)


@measure(id="cla_reviews_in_timescale", title="Children in care reviews in timescale", unit=PERCENT,
         polarity=HIGHER, group="children_in_care", reads={8: (START, END, "latest_review_date")},
         definition="""Of children looked after at the extract date, the percentage not overdue for a statutory
         review. With no review recorded, the first is due 20 working days after the child started to be
         looked after; otherwise the next is due 6 calendar months after the latest review. Overdue when the
         extract date is after the due date.""")
def cla_reviews_in_timescale(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    due = _cla_review_due(v)
    on_time = (due.notna() & (due >= ctx.as_at64)).to_numpy(dtype=bool)
    return percent_result(v.select(looked_after(v, ctx), numerator=on_time,
                                   detail=lambda: due.dt.strftime("due %d/%m/%Y")))


def _under_5(v: TableView, ctx: Context) -> np.ndarray:
    dob = v.dates("date_of_birth")
    by_dob = dob > months_before(ctx.as_at, 60)
    by_age = v.table["age"].lt(5).fillna(False).astype(bool).to_numpy(dtype=bool)
    return np.where(np.isnat(dob), by_age, by_dob)


@measure(id="cla_health_assessment_in_date", title="Children in care with an up-to-date health assessment",
         unit=PERCENT, polarity=HIGHER, group="children_in_care",
         reads={8: (START, END, "date_of_birth", "age", "last_health_assessment_date")},
         national="cla_health_checks",
         definition="""Of children looked after at the extract date for 20 working days or more, the percentage
         whose Date of Last Health Assessment is within the last 12 calendar months (6 months if the child is
         under 5 at the extract date): the extract date less 12 (or 6) months < assessment date <= extract
         date. Age comes from the date of birth, or the stated age where there is none.""")
def cla_health_assessment_in_date(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    pos = looked_after(v, ctx)
    base = v.working_days(START, ctx.as_at)[pos] >= 20
    d = v.dates("last_health_assessment_date")
    in_date = (d <= ctx.as_at64) & np.where(_under_5(v, ctx), d > months_before(ctx.as_at, 6),
                                            d > months_before(ctx.as_at, 12))
    return percent_result(v.select(pos[base], numerator=in_date))


@measure(id="cla_3plus_placements", title="Children in care with three or more placements", unit=PERCENT,
         polarity=LOWER, group="children_in_care", reads={8: (START, END, "placements_last_12m")},
         national="cla_3plus_placements",
         definition="""Of children looked after at the extract date, the percentage with 3 or more placements in
         the last 12 months ("Number of Placements in the Last 12 months").""")
def cla_3plus_placements(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(looked_after(v, ctx), numerator=v.whole("placements_last_12m") >= 3,
                                   detail=v.series("placements_last_12m")))


@measure(id="cla_missing", title="Children in care who went missing", unit=PERCENT, polarity=LOWER,
         group="children_in_care", reads={8: (START, END, "missing_episodes_12m")},
         national="cla_missing_in_year",
         definition="""Of children looked after at the extract date, the percentage with at least one episode of
         being missing from their placement in the last 12 months.""")
def cla_missing(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(looked_after(v, ctx), numerator=v.whole("missing_episodes_12m") >= 1,
                                   detail=v.series("missing_episodes_12m")))


@measure(id="cla_placed_out_of_area", title="Children in care placed out of area", unit=PERCENT,
         polarity=LOWER, group="children_in_care", reads={8: (START, END, "placement_location")},
         definition="""Of children looked after at the extract date, the percentage whose Placement Location is
         Out (outside the council's area). A blank location is counted in the total but not as out of
         area.""")
def cla_placed_out_of_area(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(looked_after(v, ctx), numerator=v.equals("placement_location", "OUT")))


# --------------------------------------------------------------------------- added with the catalogue


def started_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 8, "cla_started", ctx.as_at, lambda v: v.select(v.window(START, ctx.as_at), numerator=True))


def ended_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 8, "cla_ended", ctx.as_at, lambda v: v.select(v.window(END, ctx.as_at), numerator=True))


count_with_rate(
    id="cla_started", title="Children who started to be looked after",
    rate_title="Children who started to be looked after per 10,000 children", group="children_in_care",
    reads={8: (START,)}, rows=started_rows, distinct_children=True,
    definition="""Distinct children with a period of care whose Date Started to be Looked After is in the six
    months before the extract date (a child who started twice counts once).""")

count_with_rate(
    id="cla_ended", title="Children who ceased to be looked after",
    rate_title="Children who ceased to be looked after per 10,000 children", group="children_in_care",
    reads={8: (END,)}, rows=ended_rows, distinct_children=True,
    definition="""Distinct children with a period of care whose Date Ceased to be Looked After is in the six
    months before the extract date (a child who ceased twice counts once).""")

share_of_children(
    id="cla_started_uasc", title="Children starting care who are unaccompanied asylum-seeking children",
    group="children_in_care", number=8, reads={8: (START, "uasc")}, latest_by=START,
    base=lambda v, ctx: v.window(START, ctx.as_at), flag=lambda v, ctx: v.yes("uasc"),
    national="cla_starting_uasc_share",
    definition="""Of distinct children who started to be looked after in the six months before the extract date,
    the percentage recorded as an unaccompanied asylum-seeking child ("UASC within the Last 12 Months" Yes) on
    their latest period of care starting then. Unknown or blank is not counted as Yes.""")

share_of_children(
    id="cla_started_second_period", title="Children starting care again within 12 months",
    group="children_in_care", number=8, reads={8: (START, "subsequent_period_12m")}, latest_by=START,
    base=lambda v, ctx: v.window(START, ctx.as_at), flag=lambda v, ctx: v.yes("subsequent_period_12m"),
    definition="""Of distinct children who started to be looked after in the six months before the extract date,
    the percentage whose latest period of care starting then is a second or subsequent period of being looked
    after within the last 12 months (Yes; Unknown or blank is not counted as Yes).""")

share_of_children(
    id="cla_uasc", title="Children in care who are unaccompanied asylum-seeking children",
    group="children_in_care", number=8, reads={8: (START, END, "uasc")}, latest_by=START,
    base=lambda v, ctx: v.open_at(START, END, ctx.as_at), flag=lambda v, ctx: v.yes("uasc"),
    national="cla_uasc_share",
    definition="""Of children looked after at the extract date (one row per child, the latest period of care),
    the percentage recorded as an unaccompanied asylum-seeking child ("UASC within the Last 12 Months" Yes).
    Unknown or blank is not counted as Yes.""")

share_of_children(
    id="cla_disabled", title="Children in care who are disabled", group="children_in_care", number=8,
    reads={8: (START, END, "disability")}, latest_by=START,
    base=lambda v, ctx: v.open_at(START, END, ctx.as_at), flag=lambda v, ctx: v.yes("disability"),
    definition="""Of children looked after at the extract date (one row per child, the latest period of care),
    the percentage whose "Does the Child have a Disability" is Yes. Unknown or blank counts as not recorded as
    disabled (and stays in the total).""")


@measure(id="cla_long_term_stability", title="Children in care in a stable long-term placement", unit=PERCENT,
         polarity=HIGHER, group="children_in_care",
         reads={8: (START, END, "date_of_birth", "age", "placement_start_date")},
         national="cla_long_term_stability",
         definition="""Of children looked after at the extract date who are under 16 then and whose current period
         of care started 2 years 6 months or more before it (Date Started to be Looked After on or before the
         extract date less 30 calendar months), the percentage whose Start Date of Most Recent Placement is on
         or before the extract date less 2 years: in the same placement for 2 years or more (DfE's long-term
         stability measure, from the current period of care only). Age from the date of birth, or the stated
         age where there is none; a child of unknown age is left out. No placement start date counts as not
         stable.""")
def cla_long_term_stability(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    pos = looked_after(v, ctx)
    age = v.age(ctx.as_at)
    base = (age >= 0) & (age < 16) & v.on_or_before(START, months_before(ctx.as_at, 30))
    stable = v.on_or_before("placement_start_date", months_before(ctx.as_at, 24))
    return percent_result(v.select(pos[base[pos]], numerator=stable,
                                   detail=v.months("placement_start_date", ctx.as_at)))


count_with_rate(
    id="cla_12m_plus", title="Children in care for 12 months or more",
    rate_title="Children in care for 12 months or more per 10,000 children", group="children_in_care",
    reads={8: (START, END)}, distinct_children=True,
    rows=lambda data, ctx: shared(data, 8, "cla_12m_plus", ctx.as_at, lambda v: v.select(
        _looked_after_12m(v, ctx), numerator=True)),
    definition="""Distinct children looked after at the extract date whose current period of care started 12 or
    more calendar months before it (Date Started to be Looked After on or before the extract date less 12
    months).""")


@measure(id="cla_12m_plus_share", title="Children in care who have been in care 12 months or more",
         unit=PERCENT, polarity=NEITHER, group="children_in_care", reads={8: (START, END)},
         definition="""Of children looked after at the extract date (one row per child, the latest period of care),
         the percentage whose current period of care started 12 or more calendar months before it.""")
def cla_12m_plus_share(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(looked_after(v, ctx), numerator=v.on_or_before(START, months_before(ctx.as_at, 12)),
                                   detail=v.months(START, ctx.as_at)))


@measure(id="cla_dental_check_in_date", title="Children in care with a dental check in the last year",
         unit=PERCENT, polarity=HIGHER, group="children_in_care", reads={8: (START, END, "last_dental_check_date")},
         national="cla_dental_checks",
         definition="""Of children looked after at the extract date for 12 months or more (as for children in care
         for 12 months or more), the percentage whose Date of Last Dental Check is within the last 12 calendar
         months: the extract date less 12 months < check date <= extract date. No date counts as not in
         date.""")
def cla_dental_check_in_date(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(_looked_after_12m(v, ctx),
                                   numerator=v.window("last_dental_check_date", ctx.as_at, 12)))


@measure(id="cla_return_interview_offered", title="Children in care offered a return interview after going missing",
         unit=PERCENT, polarity=HIGHER, group="children_in_care",
         reads={8: (START, END, "missing_episodes_12m", "return_interview_offered")},
         definition="""Of children looked after at the extract date with at least one episode of being missing from
         their placement in the last 12 months, the percentage offered a return interview after their last
         missing episode (Yes; Unknown or blank is not counted as Yes).""")
def cla_return_interview_offered(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    pos = looked_after(v, ctx)
    went_missing = v.whole("missing_episodes_12m") >= 1
    return percent_result(v.select(pos[went_missing[pos]], numerator=v.yes("return_interview_offered"),
                                   detail=v.series("missing_episodes_12m")))


@measure(id="cla_return_interview_accepted", title="Children in care who accepted a return interview",
         unit=PERCENT, polarity=HIGHER, group="children_in_care",
         reads={8: (START, END, "return_interview_offered", "return_interview_accepted")},
         definition="""Of children looked after at the extract date who were offered a return interview after their
         last missing episode (Yes), the percentage who accepted it (Yes; Unknown or blank is not counted as
         Yes).""")
def cla_return_interview_accepted(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    pos = looked_after(v, ctx)
    offered = v.yes("return_interview_offered")
    return percent_result(v.select(pos[offered[pos]], numerator=v.yes("return_interview_accepted")))


@measure(id="cla_absent", title="Children in care who were absent from their placement", unit=PERCENT,
         polarity=LOWER, group="children_in_care", reads={8: (START, END, "absent_episodes_12m")},
         national="cla_away_in_year",
         definition="""Of children looked after at the extract date, the percentage with at least one episode of
         being absent from their placement in the last 12 months ("Number of Episodes the Child has been
         'Absent'" 1 or more; a blank number counts as none).""")
def cla_absent(data: Data, ctx: Context) -> Result:
    v = view(data, 8)
    return percent_result(v.select(looked_after(v, ctx), numerator=v.whole("absent_episodes_12m") >= 1,
                                   detail=v.series("absent_episodes_12m")))
