"""Helpers the Annex A measure modules share: rows selected once and reused, rates declared beside their
counts, yes/no shares of distinct children, and ages at the extract date. The conventions are in
``goldthread.core.measures.annex_a``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from .derived import RowSet, TableView, view
from .registry import (
    COUNT,
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

CHILD_POPULATION = "per 10,000 children aged 0 to 17 living in the council's area (ONS mid-year estimate)"
YEARLY = "doubled to give a yearly figure"


def shared(data: Data, number: int, key: str, ctx_key, make: Callable[[TableView], RowSet]) -> RowSet:
    """The rows ``make`` selects from list ``number``, selected once per table and ``ctx_key`` (usually the
    extract date) and shared by every measure asking under the same ``key``."""
    v = view(data, number)
    return v.memo(("rows", key, ctx_key), lambda: make(v))


def count_with_rate(*, id: str, title: str, rate_title: str, group: str, definition: str, reads: dict,
                    rows: Callable[[Data, Context], RowSet], distinct_children: bool = False, yearly: bool = False,
                    polarity: str = NEITHER, rate_id: str | None = None, count_national: str | None = None,
                    rate_national: str | None = None) -> None:
    """Declare a count and its rate per 10,000 children aged 0-17 (doubled to a yearly figure for events
    dated in the six-month window; a count of distinct children or of what is open at the extract date is
    not doubled: a child counts once however long the window)."""

    @measure(id=id, title=title, unit=COUNT, polarity=polarity, group=group, reads=reads, national=count_national,
             definition=definition)
    def count(data: Data, ctx: Context) -> Result:
        return count_result(rows(data, ctx), distinct_children=distinct_children)

    scale = 2.0 if yearly else 1.0
    how = f"{YEARLY}, " if yearly else ""
    counted = " ".join(definition.split()).rstrip(".")
    if counted.endswith(". Events, not children"):  # "Xs ... . Events, not children" -> "Xs ... (events)"
        counted = counted.removesuffix(". Events, not children") + " (events)"

    @measure(id=rate_id or f"{id}_per_10k", title=rate_title, unit=RATE, polarity=polarity, group=group,
             reads=reads, national=rate_national,
             definition=f"""{counted}, {how}{CHILD_POPULATION}, latest year available at the extract date.""")
    def rate(data: Data, ctx: Context) -> Result:
        return rate_result(rows(data, ctx), ctx.child_population, distinct_children=distinct_children, scale=scale)


def share_of_children(*, id: str, title: str, group: str, definition: str, reads: dict, number: int,
                      base: Callable[[TableView, Context], np.ndarray], latest_by: str,
                      flag: Callable[[TableView, Context], np.ndarray], polarity: str = NEITHER,
                      national: str | None = None) -> None:
    """Declare a percentage of distinct children: of the children with a row in ``base``, one row per child (the
    one with the latest ``latest_by``), the share whose row has ``flag``."""

    @measure(id=id, title=title, unit=PERCENT, polarity=polarity, group=group, reads=reads, national=national,
             definition=definition)
    def share(data: Data, ctx: Context) -> Result:
        v = view(data, number)
        return percent_result(v.select(v.one_per_child(base(v, ctx), latest_by), numerator=flag(v, ctx)))


def age_between(v: TableView, as_at: dt.date, low: int, high: int) -> np.ndarray:
    """Aged ``low`` to ``high`` (whole years) at the extract date."""
    age = v.age(as_at)
    return (age >= low) & (age <= high)


def last_per_child(v: TableView) -> np.ndarray:
    """One row per child: the last row the list gives for the child (List 9 has one row per young person)."""
    def make():
        codes = v.child_codes()[0]
        if not len(codes):
            return np.zeros(0, dtype=np.int64)
        _, first_from_end = np.unique(codes[::-1], return_index=True)
        return np.sort(len(codes) - 1 - first_from_end)
    return v.memo("last_per_child", make)
