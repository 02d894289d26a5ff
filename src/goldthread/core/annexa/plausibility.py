"""Is this extract plausibly the next one of this council? Compare a new extract with the council's previous
one before it is imported.

A file from another council, or a partial or test export, reads without a single validation issue and
moves every number on the dashboard. What gives it away is how it differs from the council's previous
extract: far more or fewer rows in a list than the usual month-to-month change; few of the same children;
few of the same teams or workers; a number of children that would mean a council of a very different
size. Each such difference is a ``Concern`` that the person importing must read and confirm (on the
portal) or accept explicitly (``--accept-warnings`` on the command line). Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from . import spec as S

# Without enough history to know a council's usual month-to-month change, a list may move by this much.
DEFAULT_LOW, DEFAULT_HIGH = 0.6, 1.67
# A change of fewer rows than this is never a concern, whatever the ratio (small lists move a lot).
MIN_ROWS_CHANGE = 25
# Children in the previous extract expected again in the next, when they are at most this far apart.
CARRY_OVER_DAYS = 92
MIN_CARRY_OVER = 0.3
MIN_TEAMS_IN_COMMON = 0.5
MIN_WORKERS_IN_COMMON = 0.4
# The number of children in a file, against the previous extract's, may imply a council this much larger or
# smaller before it is a concern.
POPULATION_FACTOR = 1.6


@dataclass(frozen=True)
class Profile:
    """What one extract looks like, for comparing it with the next."""

    extract_date: dt.date
    rows: dict[int, int]  # list number -> rows
    children: frozenset[str]  # distinct child IDs across every list
    teams: frozenset[str]
    workers: frozenset[str]

    @classmethod
    def build(cls, extract_date: dt.date, rows: dict[int, int], children: Iterable, teams: Iterable,
              workers: Iterable) -> Profile:
        """A profile from raw values (blanks and surrounding spaces dropped)."""
        return cls(extract_date, rows, _clean(children), _clean(teams), _clean(workers))


@dataclass(frozen=True)
class Concern:
    """A difference from the council's previous extract that someone must read before the import goes ahead."""

    kind: str  # rows, carry_over, teams, workers, population
    message: str  # one plain sentence with the figures
    list_number: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "list_number": self.list_number}

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.list_number or ''}"


def _clean(values: Iterable) -> frozenset[str]:
    return frozenset(v.strip() for v in values if isinstance(v, str) and v.strip())


def profile(annex, extract_date: dt.date) -> Profile:
    """The profile of an extract given as anything with ``table(n)`` (the reader's AnnexA, a stored extract)."""
    rows, children, teams, workers = {}, set(), set(), set()
    for list_spec in S.LISTS:
        table: pd.DataFrame = annex.table(list_spec.number)
        rows[list_spec.number] = len(table)
        for name, found in (("child_id", children), ("allocated_team", teams), ("allocated_worker", workers)):
            if name in table.columns:
                found.update(table[name].dropna().unique().tolist())
    return Profile.build(extract_date, rows, children, teams, workers)


def usual_band(history: Sequence[dict[int, int]], number: int) -> tuple[float, float]:
    """The range of month-to-month change in a list's rows the council has seen (oldest extract first), widened
    a little; the default range when it has fewer than three extracts with rows in the list."""
    counts = [h.get(number, 0) for h in history]
    ratios = [b / a for a, b in zip(counts, counts[1:], strict=False) if a > 0 and b > 0]
    if len(ratios) < 2:
        return DEFAULT_LOW, DEFAULT_HIGH
    return min(DEFAULT_LOW, min(ratios) * 0.8), max(DEFAULT_HIGH, max(ratios) * 1.25)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def compare(new: Profile, previous: Profile | None, *, history: Sequence[dict[int, int]] = (),
            council: str = "the council", population: int | None = None) -> list[Concern]:
    """The concerns about ``new`` as the extract that follows ``previous`` (the council's latest extract before
    it). ``history`` is the row counts of the council's extracts up to ``previous``, oldest first (for the usual
    change); ``population`` its children aged 0-17. No previous extract, no comparison."""
    if previous is None:
        return []
    concerns: list[Concern] = []
    when = f"the previous extract (as at {previous.extract_date:%d/%m/%Y})"
    for list_spec in S.LISTS:
        before, now = previous.rows.get(list_spec.number, 0), new.rows.get(list_spec.number, 0)
        if abs(now - before) < MIN_ROWS_CHANGE:
            continue
        low, high = usual_band([*history, previous.rows], list_spec.number)
        if before == 0:
            concerns.append(Concern("rows", f"{list_spec.label} has {now:,} rows; {when} had none.", list_spec.number))
        elif now == 0:
            concerns.append(Concern("rows", f"{list_spec.label} has no rows; {when} had {before:,}.", list_spec.number))
        elif not low <= now / before <= high:
            concerns.append(Concern(
                "rows", f"{list_spec.label} has {now:,} rows against {before:,} in {when}: "
                f"{'up' if now > before else 'down'} {abs(now / before - 1):.0%}, outside the usual change of "
                f"{low - 1:+.0%} to {high - 1:+.0%}.", list_spec.number))
    gap = (new.extract_date - previous.extract_date).days
    if previous.children and 0 <= gap <= CARRY_OVER_DAYS:
        kept = len(previous.children & new.children)
        if kept / len(previous.children) < MIN_CARRY_OVER:
            concerns.append(Concern(
                "carry_over", f"Only {kept:,} of the {len(previous.children):,} children in {when} "
                f"({_share(kept, len(previous.children))}) are in this file; usually most are, so check it is "
                f"{council}'s Annex A."))
    for kind, label, minimum in (("teams", "teams", MIN_TEAMS_IN_COMMON), ("workers", "allocated workers",
                                                                            MIN_WORKERS_IN_COMMON)):
        before_set, now_set = getattr(previous, kind), getattr(new, kind)
        if len(before_set) >= 3 and len(before_set & now_set) / len(before_set) < minimum:
            common = len(before_set & now_set)
            concerns.append(Concern(
                kind, f"Only {common:,} of the {len(before_set):,} {label} in {when} "
                f"({_share(common, len(before_set))}) appear in this file."))
    if population and previous.children and new.children:
        implied = population * len(new.children) / len(previous.children)
        if not 1 / POPULATION_FACTOR <= implied / population <= POPULATION_FACTOR:
            concerns.append(Concern(
                "population", f"This file holds {len(new.children):,} children against {len(previous.children):,} "
                f"in {when}: for a council with the same share of its children in the file, that is about "
                f"{_round(implied):,} children aged 0-17, not {council}'s {population:,}."))
    return concerns


def _round(value: float) -> int:
    return int(round(value, -3)) if value >= 10_000 else int(round(value, -2))
