"""Annex A measures of the front door: contacts (List 1), early help assessments (List 2) and referrals
(List 3). Conventions: ``goldthread.core.measures.annex_a``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import CHILD_POPULATION, YEARLY, count_with_rate, shared
from .derived import RowSet, TableView, view
from .registry import (
    COUNT,
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


def contacts_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 1, "contacts", ctx.as_at,
                  lambda v: v.select(v.window("contact_date", ctx.as_at), numerator=True))


def early_help_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 2, "early_help", ctx.as_at,
                  lambda v: v.select(v.window("eh_start_date", ctx.as_at), numerator=True))


def referrals_in_window(data: Data, ctx: Context) -> RowSet:
    return shared(data, 3, "referrals", ctx.as_at,
                  lambda v: v.select(v.window("referral_date", ctx.as_at), numerator=True))


# --------------------------------------------------------------------------- contacts


@measure(id="contacts", title="Contacts", unit=COUNT, polarity=NEITHER, group="front_door",
         reads={1: ("contact_date",)},
         definition="""Contacts (rows of List 1) whose Date of Contact is in the six months before the extract
         date. Events, not children: a child with two contacts counts twice.""")
def contacts(data: Data, ctx: Context) -> Result:
    return count_result(contacts_in_window(data, ctx))


@measure(id="contacts_per_10k", title="Contacts per 10,000 children", unit=RATE, polarity=NEITHER,
         group="front_door", reads={1: ("contact_date",)},
         definition=f"""Contacts in the six months before the extract date (events), {YEARLY},
         {CHILD_POPULATION}, latest year available at the extract date.""")
def contacts_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(contacts_in_window(data, ctx), ctx.child_population, scale=2.0)


count_with_rate(
    id="contact_children", title="Children with a contact", rate_title="Children with a contact per 10,000 children",
    group="front_door", reads={1: ("contact_date",)}, rows=contacts_in_window, distinct_children=True,
    definition="""Distinct children (by Child Unique ID) with one or more contacts dated in the six months before
    the extract date.""")


def _stepped_up(first_ids: np.ndarray, first_dates: np.ndarray, referrals: TableView,
                ctx: Context) -> np.ndarray:
    """For events of children ``first_ids`` dated ``first_dates``: the date (as a day number) of the child's
    earliest referral in the window dated on or after the event, or -1 when there is none."""
    in_window = referrals.window("referral_date", ctx.as_at)
    days = referrals.dates("referral_date")[in_window].astype("datetime64[D]").astype(np.int64)
    codes, children = pd.factorize(referrals.child_ids()[in_window], use_na_sentinel=True)
    found_day = np.full(len(first_ids), -1, dtype=np.int64)
    if not len(first_ids) or not len(days):
        return found_day
    span, shift = 1 << 32, 1 << 31  # days fit in 32 bits: a child's referrals sort together, by date
    keys = np.sort(codes.astype(np.int64) * span + (days + shift))
    own = pd.Index(children).get_indexer(first_ids)
    wanted = own.astype(np.int64) * span + (first_dates.astype("datetime64[D]").astype(np.int64) + shift)
    j = np.searchsorted(keys, wanted, side="left")
    found = (own >= 0) & ~np.isnat(first_dates) & (j < len(keys))
    found[found] = keys[j[found]] // span == own[found]
    found_day[found] = keys[j[found]] % span - shift
    return found_day


def _conversion(data: Data, ctx: Context, number: int, date_column: str) -> Result:
    v = view(data, number)
    first = v.first_per_child(v.window(date_column, ctx.as_at), date_column)
    found_day = _stepped_up(v.child_ids()[first], v.dates(date_column)[first], view(data, 3), ctx)
    numerator = np.zeros(v.n, dtype=bool)
    numerator[first] = found_day >= 0

    def detail() -> np.ndarray:
        shown = np.full(v.n, None, dtype=object)
        shown[first] = [np.datetime64(int(d), "D").astype(object).strftime("referred %d/%m/%Y") if d >= 0 else None
                        for d in found_day]
        return shown
    return percent_result(v.select(first, numerator=numerator, detail=detail))


@measure(id="contacts_to_referral_children", title="Children whose contact led to a referral", unit=PERCENT,
         polarity=NEITHER, group="front_door", reads={1: ("contact_date",), 3: ("referral_date",)},
         definition="""Of distinct children with a contact in the six months before the extract date, the
         percentage with a referral (List 3) dated in the same six months on or after the date of their first
         contact in them. Children, not events: a child with three contacts and one referral counts once in
         each (the contacts that became referrals measure divides events). Children are matched by Child Unique
         ID; a referral dated before the child's first contact in the window is not counted.""")
def contacts_to_referral_children(data: Data, ctx: Context) -> Result:
    return _conversion(data, ctx, 1, "contact_date")


@measure(id="referrals", title="Referrals", unit=COUNT, polarity=NEITHER, group="front_door",
         reads={3: ("referral_date",)},
         definition="""Referrals (rows of List 3) whose Date of Referral is in the six months before the
         extract date. Events, not children.""")
def referrals(data: Data, ctx: Context) -> Result:
    return count_result(referrals_in_window(data, ctx))


@measure(id="referrals_per_10k", title="Referrals per 10,000 children", unit=RATE, polarity=NEITHER,
         group="front_door", reads={3: ("referral_date",)}, national="cin_referrals_rate",
         definition="""Referrals in the six months before the extract date, doubled to give a yearly figure,
         per 10,000 children aged 0 to 17 living in the council's area (ONS mid-year estimate for the
         council, latest year available at the extract date).""")
def referrals_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(referrals_in_window(data, ctx), ctx.child_population, scale=2.0)


count_with_rate(
    id="children_referred", title="Children referred", rate_title="Children referred per 10,000 children",
    group="front_door", reads={3: ("referral_date",)}, rows=referrals_in_window, distinct_children=True,
    definition="""Distinct children (by Child Unique ID) with one or more referrals dated in the six months
    before the extract date.""")


@measure(id="contact_conversion", title="Contacts that became referrals", unit=PERCENT, polarity=NEITHER,
         group="front_door", reads={1: ("contact_date",), 3: ("referral_date",)},
         definition="""Referrals in the six months before the extract date as a percentage of contacts in the
         same six months. A ratio of two counts of events, so it can exceed 100% if referrals arrive without
         a recorded contact.""")
def contact_conversion(data: Data, ctx: Context) -> Result:
    c, r = view(data, 1), view(data, 3)
    rows = RowSet.join(c.select(c.window("contact_date", ctx.as_at), numerator=False, denominator=True),
                       r.select(r.window("referral_date", ctx.as_at), numerator=True, denominator=False))
    result = percent_result(rows)
    result.breakdowns = {}  # contacts carry no team or worker, so a split by team would mislead
    return result


@measure(id="re_referrals_12m", title="Re-referrals within 12 months", unit=PERCENT, polarity=LOWER,
         group="front_door", reads={3: ("referral_date", "referrals_last_12m")}, national="cin_rereferral_rate",
         definition="""Of referrals in the six months before the extract date, the percentage whose "Number of
         Referrals in Last 12 Months" is 2 or more. That number counts the current referral, so 2 or more
         means at least one earlier referral in the previous 12 months. A blank number counts as no earlier
         referral.""")
def re_referrals_12m(data: Data, ctx: Context) -> Result:
    v = view(data, 3)
    return percent_result(v.select(v.window("referral_date", ctx.as_at),
                                   numerator=v.whole("referrals_last_12m") >= 2,
                                   detail=v.series("referrals_last_12m")))


@measure(id="referrals_nfa", title="Referrals with no further action", unit=PERCENT, polarity=NEITHER,
         group="front_door", reads={3: ("referral_date", "referral_nfa")}, national="cin_referrals_nfa",
         definition="""Of referrals in the six months before the extract date, the percentage marked "Referral
         NFA?" Yes. Unknown or blank counts as not NFA.""")
def referrals_nfa(data: Data, ctx: Context) -> Result:
    v = view(data, 3)
    return percent_result(v.select(v.window("referral_date", ctx.as_at), numerator=v.yes("referral_nfa")))


# --------------------------------------------------------------------------- early help


count_with_rate(
    id="early_help_assessments", title="Early help assessments", rate_title="Early help assessments per 10,000 children",
    group="front_door", reads={2: ("eh_start_date",)}, rows=early_help_in_window, yearly=True,
    definition="""Early help assessments (rows of List 2) whose Assessment start date is in the six months
    before the extract date. Events, not children.""")

count_with_rate(
    id="early_help_children", title="Children with an early help assessment",
    rate_title="Children with an early help assessment per 10,000 children", group="front_door",
    reads={2: ("eh_start_date",)}, rows=early_help_in_window, distinct_children=True,
    definition="""Distinct children (by Child Unique ID) with one or more early help assessments starting in the
    six months before the extract date.""")


@measure(id="early_help_to_referral_children", title="Children referred after early help", unit=PERCENT,
         polarity=NEITHER, group="front_door", reads={2: ("eh_start_date",), 3: ("referral_date",)},
         definition="""Of distinct children with an early help assessment starting in the six months before the
         extract date, the percentage with a referral (List 3) dated in the same six months on or after the
         start of their first early help assessment in them. Children, not events; matched by Child Unique
         ID.""")
def early_help_to_referral_children(data: Data, ctx: Context) -> Result:
    return _conversion(data, ctx, 2, "eh_start_date")
