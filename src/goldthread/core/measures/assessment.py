"""Annex A measures of assessment (List 4). Conventions: ``goldthread.core.measures.annex_a``."""

from __future__ import annotations

from .common import count_with_rate, share_of_children, shared
from .derived import RowSet, view
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

START, AUTHORISED = "assessment_start_date", "assessment_authorised_date"


def authorised_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 4, "assessments_authorised", ctx.as_at,
                  lambda v: v.select(v.window(AUTHORISED, ctx.as_at), numerator=True))


def started_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 4, "assessments_started", ctx.as_at, lambda v: v.select(v.window(START, ctx.as_at),
                                                                                 numerator=True))


def open_assessments(data: Data, ctx: Context) -> RowSet:
    return shared(data, 4, "assessments_open", ctx.as_at,
                  lambda v: v.select(v.open_at(START, AUTHORISED, ctx.as_at), numerator=True))


def open_over_45wd(data: Data, ctx: Context) -> RowSet:
    def make(v):
        wd = v.working_days(START, ctx.as_at)
        return v.select(v.open_at(START, AUTHORISED, ctx.as_at) & (wd > 45), numerator=True, detail=wd)
    return shared(data, 4, "assessments_open_over_45wd", ctx.as_at, make)


@measure(id="assessments_completed", title="Assessments completed", unit=COUNT, polarity=NEITHER,
         group="assessment", reads={4: (AUTHORISED,)},
         definition="""Assessments (rows of List 4) whose Date of Authorisation is in the six months before the
         extract date.""")
def assessments_completed(data: Data, ctx: Context) -> Result:
    return count_result(authorised_in_window(data, ctx))


@measure(id="assessments_within_45wd", title="Assessments completed within 45 working days", unit=PERCENT,
         polarity=HIGHER, group="assessment", reads={4: (START, AUTHORISED)},
         national="cin_assessments_within_45wd",
         definition="""Of assessments authorised in the six months before the extract date, the percentage
         whose working days from the Continuous Assessment Start Date to the Date of Authorisation are 45 or
         fewer (the statutory timescale in Working Together; DfE measures from start to authorisation). An
         authorisation dated before the start (a date error the file check warns about) is in the total but not
         counted as within 45 working days.""")
def assessments_within_45wd(data: Data, ctx: Context) -> Result:
    v = view(data, 4)
    wd = v.working_days(START, AUTHORISED)
    forwards = v.dates(AUTHORISED) >= v.dates(START)
    return percent_result(v.select(v.window(AUTHORISED, ctx.as_at), numerator=forwards & (wd <= 45), detail=wd))


@measure(id="assessments_open_over_45wd", title="Open assessments over 45 working days", unit=COUNT,
         polarity=LOWER, group="assessment", reads={4: (START, AUTHORISED)},
         definition="""Assessments started on or before the extract date and not authorised by then (no Date of
         Authorisation, or one after the extract date) whose working days from the start to the extract date
         are more than 45: assessments already out of timescale.""")
def assessments_open_over_45wd(data: Data, ctx: Context) -> Result:
    return count_result(open_over_45wd(data, ctx))


@measure(id="assessments_child_seen", title="Assessments where the child was seen", unit=PERCENT,
         polarity=HIGHER, group="assessment", reads={4: (AUTHORISED, "child_seen")},
         definition="""Of assessments authorised in the six months before the extract date, the percentage
         where "Child Seen During Continuous Assessment" is Yes. Unknown or blank counts as not seen.""")
def assessments_child_seen(data: Data, ctx: Context) -> Result:
    v = view(data, 4)
    return percent_result(v.select(v.window(AUTHORISED, ctx.as_at), numerator=v.yes("child_seen")))


@measure(id="assessments_nfa", title="Assessments ending with no further action", unit=PERCENT,
         polarity=NEITHER, group="assessment", reads={4: (AUTHORISED, "needs_support")},
         definition="""Of assessments authorised in the six months before the extract date, the percentage where
         the child was not assessed as requiring children's social care support (the answer is No; Unknown
         or blank is not counted as No).""")
def assessments_nfa(data: Data, ctx: Context) -> Result:
    v = view(data, 4)
    return percent_result(v.select(v.window(AUTHORISED, ctx.as_at), numerator=v.no("needs_support")))


# --------------------------------------------------------------------------- added with the catalogue

count_with_rate(
    id="assessments_started", title="Assessments started", rate_title="Assessments started per 10,000 children",
    group="assessment", reads={4: (START,)}, rows=started_in_window, yearly=True,
    definition="""Assessments (rows of List 4) whose Continuous Assessment Start Date is in the six months before
    the extract date. Events, not children.""")

count_with_rate(
    id="assessments_open", title="Open assessments", rate_title="Open assessments per 10,000 children",
    group="assessment", reads={4: (START, AUTHORISED)}, rows=open_assessments,
    definition="""Assessments started on or before the extract date and not authorised by then (no Date of
    Authorisation, or one after the extract date): open assessments. Events, not children.""")

count_with_rate(
    id="children_assessed", title="Children assessed", rate_title="Children assessed per 10,000 children",
    group="assessment", reads={4: (AUTHORISED,)}, rows=authorised_in_window, distinct_children=True,
    definition="""Distinct children (by Child Unique ID) with one or more assessments authorised in the six months
    before the extract date.""")


@measure(id="assessments_completed_per_10k", title="Assessments completed per 10,000 children",
         unit=RATE, polarity=NEITHER, group="assessment", reads={4: (AUTHORISED,)},
         definition="""Assessments whose Date of Authorisation is in the six months before the extract date
         (events), doubled to give a yearly figure, per 10,000 children aged 0 to 17 living in the council's
         area (ONS mid-year estimate), latest year available at the extract date.""")
def assessments_completed_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(authorised_in_window(data, ctx), ctx.child_population, scale=2.0)


@measure(id="assessments_open_over_45wd_per_10k", title="Open assessments over 45 working days per 10,000 children",
         unit=RATE, polarity=LOWER, group="assessment", reads={4: (START, AUTHORISED)},
         definition="""Assessments open at the extract date whose working days from the start to the extract date
         are more than 45 (as for open assessments over 45 working days), per 10,000 children aged 0 to 17
         living in the council's area (ONS mid-year estimate), latest year available at the extract date. Not
         doubled: a count at one date.""")
def assessments_open_over_45wd_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(open_over_45wd(data, ctx), ctx.child_population)


@measure(id="assessments_needs_support", title="Assessments finding the child needs support", unit=PERCENT,
         polarity=NEITHER, group="assessment", reads={4: (AUTHORISED, "needs_support")},
         definition="""Of assessments authorised in the six months before the extract date, the percentage where
         the child was assessed as requiring children's social care support (Yes; Unknown or blank is not
         counted as Yes). Open assessments, which have no outcome yet, are not in the total.""")
def assessments_needs_support(data: Data, ctx: Context) -> Result:
    v = view(data, 4)
    return percent_result(v.select(v.window(AUTHORISED, ctx.as_at), numerator=v.yes("needs_support")))


share_of_children(
    id="assessments_disabled", title="Children assessed who are disabled", group="assessment", number=4,
    reads={4: (AUTHORISED, "disability")}, latest_by=AUTHORISED,
    base=lambda v, ctx: v.window(AUTHORISED, ctx.as_at), flag=lambda v, ctx: v.yes("disability"),
    definition="""Of distinct children with an assessment authorised in the six months before the extract date,
    the percentage whose most recent such assessment records "Does the Child have a Disability" as Yes.
    Unknown or blank counts as not recorded as disabled (and stays in the total).""")
