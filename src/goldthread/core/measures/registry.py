"""The measure registry: every measure declared once, with its metadata and its function.

A measure function takes the data (anything with ``table(list_number) -> DataFrame`` of canonical
Annex A columns) and a ``Context`` and returns a ``Result``: the value, its numerator and denominator,
the rows behind it (so a page can list "the 37 children behind this 81%") and breakdowns by allocated
team and worker. Pages, exports and the command line all read ``REGISTRY``.

Each Annex A measure also declares the columns it reads (``Measure.columns``, by list), as data-to-insight's
validators declare the fields each rule affects; ``compute_all`` also splits every measure by each breakdown
dimension that applies to it (``goldthread.core.measures.dimensions``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from .derived import NOT_ALLOCATED, ROW_COLUMNS, RowSet, months_before

# Units
COUNT = "count"
PERCENT = "percent"
DAYS = "days"
RATE = "rate per 10,000"
NUMBER = "number"  # e.g. a median caseload

# Polarity
HIGHER = "higher is better"
LOWER = "lower is better"
NEITHER = "neither"

# Dashboard groups, in the order practice flows
GROUPS = {
    "front_door": "Front door",
    "assessment": "Assessment",
    "child_protection": "Child protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "workforce": "Workforce",
    "audits": "Practice quality (case audits)",
}

# Sources: what a measure's function reads. Annex A measures read an extract's lists; case-audit measures read
# the council's audit records (tables "audits", "audit_actions"), so they are computed by the audits app.
ANNEX_A = "Annex A"
CASE_AUDITS = "Case audits"


class Data(Protocol):
    def table(self, number: int) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Context:
    """What a measure needs besides the data: the date and the council's own settings."""

    as_at: dt.date
    cp_visit_working_days: int = 10
    cin_visit_working_days: int = 20
    caseload_threshold: int = 20
    child_population: int | None = None  # ONS mid-year estimate, children aged 0-17
    # The population by breakdown group, for rates by group and disproportionality: {dimension id: {group
    # label: people}}, e.g. {"gender": {"Female": 29_500, "Male": 31_000}, "age_band": {"Under 1": 3_100, ...,
    # "17 to 18": 6_800, "19 to 21": 9_900}}. goldthread packages ONS figures for ages 0-17 in total only, so
    # these come from the council (ONS mid-year estimates by age and sex; census 2021 by ethnicity).
    populations: Mapping[str, Mapping[str, int]] | None = field(default=None, hash=False)

    def population_of(self, dimension: str, group: str) -> int | None:
        found = (self.populations or {}).get(dimension, {}).get(group)
        return int(found) if found else None

    @property
    def as_at64(self) -> np.datetime64:
        return np.datetime64(self.as_at, "ns")


@dataclass(frozen=True)
class Aggregate:
    """How a value is made from its rows, so a breakdown can make the same value for each group: a percentage
    of rows; a count of rows (or of distinct children); or that count x scale per 10,000 of a population."""

    kind: str  # "percent", "count" or "rate"
    distinct_children: bool = False
    scale: float = 1.0
    population_key: str | None = None  # for a rate: the population dimension it divides by (None: ages 0-17)


class Result:
    """A measure's value, its numerator and denominator, the rows behind it and its breakdowns.

    ``rows`` is a ``ROW_COLUMNS`` frame; a measure may give a ``RowSet`` instead, built into the frame only when
    read. ``breakdowns`` are the splits by allocated team and worker ({"team"|"worker": frame of group,
    numerator, denominator, value}); ``dimension_breakdowns`` are filled by ``compute_all``: every applicable
    dimension's ``Breakdown`` (team and worker included), by dimension id."""

    def __init__(self, measure_id: str, value: float | None, numerator: float | None, denominator: float | None,
                 rows, breakdowns: dict[str, pd.DataFrame] | None = None, note: str | None = None):
        self.measure_id = measure_id
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self._rowset: RowSet | None = rows if isinstance(rows, RowSet) else None
        self._rows: pd.DataFrame | None = None if isinstance(rows, RowSet) else rows
        self._breakdowns = breakdowns if breakdowns is not None else {}
        self._splits = None
        self.note = note
        self.aggregate: Aggregate | None = None
        self.dimension_breakdowns: dict = {}
        self.row_groups: dict[str, np.ndarray] = {}  # "team"/"worker" -> each row's group, when not its own

    @property
    def rows(self) -> pd.DataFrame:
        if self._rows is None:
            self._rows = self._rowset.frame()
        return self._rows

    @rows.setter
    def rows(self, frame: pd.DataFrame) -> None:
        self._rows, self._rowset = frame, None

    @property
    def rowset(self) -> RowSet | None:
        """The rows as positions in the tables, when the measure gave them so."""
        return self._rowset

    @property
    def breakdowns(self) -> dict[str, pd.DataFrame]:
        if callable(self._breakdowns):
            self._splits = self._breakdowns
            self._breakdowns = self._breakdowns()
        return self._breakdowns

    @property
    def allocation_splits(self) -> AllocationSplits | None:
        """The team and worker splits of a RowSet measure, as arrays (None when the measure set its own)."""
        if isinstance(self._breakdowns, AllocationSplits):
            return self._breakdowns
        return self._splits

    @breakdowns.setter
    def breakdowns(self, value: dict[str, pd.DataFrame]) -> None:
        self._breakdowns, self._splits = value, None

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}

    def __repr__(self) -> str:
        return (f"Result({self.measure_id!r}, value={self.value!r}, numerator={self.numerator!r}, "
                f"denominator={self.denominator!r}, note={self.note!r})")


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    definition: str
    unit: str
    polarity: str
    group: str
    lists: tuple[int, ...]
    function: Callable[[Data, Context], Result]
    source: str = ANNEX_A
    national: str | None = None  # id of the published national indicator it corresponds to, if any
    # The columns it reads, by list: those its definition names, and each list's Child Unique ID and (where the
    # list has them) allocated team and worker, which every row behind a number carries.
    columns: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    def compute(self, data: Data, ctx: Context) -> Result:
        result = self.function(data, ctx)
        result.measure_id = self.id
        return result


REGISTRY: dict[str, Measure] = {}


def measure(*, id: str, title: str, definition: str, unit: str, polarity: str, group: str,
            lists: tuple[int, ...] = (), source: str = ANNEX_A, national: str | None = None,
            reads: Mapping[int, tuple[str, ...]] | None = None):
    """Declare a measure. The decorated function is registered under ``id``. ``reads`` names the columns its
    definition reads, by list (an Annex A measure's lists default to its keys); the row columns (Child Unique
    ID, allocated team and worker) are added for every list it reads."""

    def register(function: Callable[[Data, Context], Result]) -> Callable[[Data, Context], Result]:
        if id in REGISTRY:
            raise ValueError(f"measure {id!r} is declared twice")
        read = dict(reads or {})
        read_lists = lists or tuple(sorted(read))
        REGISTRY[id] = Measure(id, title, " ".join(definition.split()), unit, polarity, group, read_lists,
                               function, source, national, _with_row_columns(read, read_lists, source))
        return function

    return register


def _with_row_columns(reads: dict[int, tuple[str, ...]], lists: tuple[int, ...], source: str) -> dict:
    if source != ANNEX_A:
        return {n: tuple(cols) for n, cols in reads.items()}
    from ..annexa import spec as S

    out = {}
    for n in lists:
        names = S.BY_NUMBER[n].names
        row = tuple(c for c in ("child_id", "allocated_team", "allocated_worker") if c in names)
        out[n] = tuple(dict.fromkeys((*row, *reads.get(n, ()))))
    return out


def ids_from(source: str) -> list[str]:
    """The ids of the measures read from one source, in declaration order."""
    return [mid for mid, m in REGISTRY.items() if m.source == source]


def compute_all(data: Data, ctx: Context, ids: list[str] | None = None, *, source: str = ANNEX_A,
                breakdowns: bool = True) -> dict[str, Result]:
    """Every measure of one source (Annex A unless told), or just ``ids``; with ``breakdowns`` (the default),
    each result's ``dimension_breakdowns`` hold its split by every dimension that applies to it."""
    results = {mid: REGISTRY[mid].compute(data, ctx) for mid in (ids or ids_from(source))}
    if breakdowns:
        from .breakdowns import breakdown, dimensions_for

        for mid, result in results.items():
            result.dimension_breakdowns = {
                d.id: breakdown(result, d, data, ctx) for d in dimensions_for(REGISTRY[mid], result)}
    return results


# --------------------------------------------------------------------------- building results


def row_frame(table: pd.DataFrame, list_number: int, mask, *, numerator=False, denominator=True,
              detail=None) -> pd.DataFrame:
    """The rows of ``table`` selected by ``mask``, in the shape of ``ROW_COLUMNS``. ``numerator`` and
    ``denominator`` are masks over ``table`` (or one boolean for all); ``detail`` is an optional value
    per row of ``table`` shown beside each row (for example the working days taken)."""
    selected = _bool(mask, len(table))
    sub = table.loc[selected]
    n = len(sub)
    return pd.DataFrame({
        "list_number": np.full(n, list_number),
        "row_number": sub["row_number"].to_numpy(),
        "child_id": sub["child_id"].to_numpy(dtype=object),
        "allocated_team": _text(sub, "allocated_team"),
        "allocated_worker": _text(sub, "allocated_worker"),
        "in_numerator": _bool(numerator, len(table))[selected],
        "in_denominator": _bool(denominator, len(table))[selected],
        "detail": (np.full(n, None, dtype=object) if detail is None
                   else np.asarray(detail, dtype=object)[selected]),
    })


def _bool(values, n: int) -> np.ndarray:
    if isinstance(values, bool):
        return np.full(n, values)
    arr = values.to_numpy(dtype=bool, na_value=False) if isinstance(values, pd.Series) else np.asarray(values)
    return arr.astype(bool)


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The column's text with surrounding spaces removed and blanks as None (each distinct value cleaned once)."""
    if column not in frame:
        return np.full(len(frame), None, dtype=object)
    codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
    cleaned = np.array([v.strip() if isinstance(v, str) and v.strip() else None for v in uniques] + [None],
                       dtype=object)
    return cleaned[codes]  # code -1 (a missing value) picks the None at the end


BREAKDOWN_COLUMNS = ["group", "numerator", "denominator", "value"]


def _group_codes(rows: pd.DataFrame, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group (its allocated team or worker, "Not allocated" when blank) as a code, and the groups in
    name order."""
    keys = rows[by].to_numpy(dtype=object).copy()
    keys[pd.isna(keys)] = NOT_ALLOCATED
    codes, groups = pd.factorize(keys, sort=True)
    return codes, np.asarray(groups, dtype=object)


def _has_allocation(rows: pd.DataFrame) -> bool:
    return bool(rows["allocated_worker"].notna().any() or rows["allocated_team"].notna().any())


def _percent_groups(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group: rows in the numerator, rows in the denominator and their percentage (NaN without rows)."""
    codes, groups = _group_codes(rows, by)
    return _percent_frame(codes, groups, rows["in_numerator"].to_numpy(dtype=np.int64),
                          rows["in_denominator"].to_numpy(dtype=np.int64))


def _percent_frame(codes: np.ndarray, groups: np.ndarray, numerator: np.ndarray, denominator: np.ndarray):
    num = np.bincount(codes, weights=numerator, minlength=len(groups))
    den = np.bincount(codes, weights=denominator, minlength=len(groups))
    num, den = num.astype(np.int64), den.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)
    return pd.DataFrame({"group": groups, "numerator": num, "denominator": den, "value": value},
                        columns=BREAKDOWN_COLUMNS)


def _count_groups(rows: pd.DataFrame, by: str, distinct_children: bool) -> pd.DataFrame:
    """Per group: rows (or distinct children) counted."""
    codes, groups = _group_codes(rows, by)
    children, _ = pd.factorize(rows["child_id"].to_numpy(dtype=object)) if distinct_children else (None, None)
    return _count_frame(codes, groups, children)


def _count_frame(codes: np.ndarray, groups: np.ndarray, children: np.ndarray | None) -> pd.DataFrame:
    if children is not None:
        present = children >= 0  # a blank child ID is not a child
        width = int(children.max(initial=-1)) + 2
        pairs = np.unique(codes[present].astype(np.int64) * width + children[present])
        counts = np.bincount(pairs // width, minlength=len(groups))
    else:
        counts = np.bincount(codes, minlength=len(groups))
    return pd.DataFrame({"group": groups, "numerator": counts, "denominator": None,
                         "value": counts.astype(float)}, columns=BREAKDOWN_COLUMNS)


def allocation_codes(rowset: RowSet, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group (allocated team or worker, "Not allocated" when blank) as a code, and the groups the
    rows hold, in name order: the same groups as ``_group_codes`` on the rows' frame."""
    def make():
        if len(rowset.parts) == 1:
            part = rowset.parts[0]
            all_codes, groups = part.view.allocation_groups(by)
            codes = all_codes[part.positions]
        else:
            keys = rowset.allocation_values(by).copy()
            keys[pd.isna(keys)] = NOT_ALLOCATED
            codes, groups = pd.factorize(keys, sort=True)
            groups = np.asarray(groups, dtype=object)
        held = np.bincount(codes, minlength=len(groups)) > 0
        renumber = np.cumsum(held) - 1
        return renumber[codes] if len(codes) else codes, groups[held]
    return rowset.memo(("allocation", by), make)


class AllocationSplits:
    """A RowSet measure's splits by allocated team and worker, computed when first read: as arrays (for the team
    and worker dimensions) and, when ``Result.breakdowns`` is read, as the frames."""

    def __init__(self, rowset: RowSet, kind: str, distinct_children: bool = False):
        self.rowset, self.kind, self.distinct_children = rowset, kind, distinct_children

    def arrays(self, by: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
        """groups, numerators, denominators (None for a count) and values, in group name order."""
        def make():
            codes, groups = allocation_codes(self.rowset, by)
            if self.kind == "percent":
                num = np.bincount(codes, weights=self.rowset.numerator.astype(np.int64),
                                  minlength=len(groups)).astype(np.int64)
                den = np.bincount(codes, weights=self.rowset.denominator.astype(np.int64),
                                  minlength=len(groups)).astype(np.int64)
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)
                return groups, num, den, value
            counts = _group_counts(codes, len(groups), self.rowset if self.distinct_children else None)
            return groups, counts, None, counts.astype(float)
        return self.rowset.memo(("allocation_arrays", by, self.kind, self.distinct_children), make)

    def __bool__(self) -> bool:
        return self.rowset.has_allocation()

    def __call__(self) -> dict[str, pd.DataFrame]:
        if not self:
            return {}
        frames = {}
        for dimension, by in (("team", "allocated_team"), ("worker", "allocated_worker")):
            groups, num, den, value = self.arrays(by)
            frames[dimension] = pd.DataFrame({"group": groups, "numerator": num, "denominator": den,
                                              "value": value}, columns=BREAKDOWN_COLUMNS)
        return frames


def _group_counts(codes: np.ndarray, groups: int, distinct: RowSet | None) -> np.ndarray:
    """Rows per group, or (given the RowSet) distinct children per group (a blank Child Unique ID is no child)."""
    if distinct is None:
        return np.bincount(codes, minlength=groups)
    children, width, one_row_each = distinct.local_children()
    present = children >= 0
    if one_row_each:
        return np.bincount(codes[present], minlength=groups)
    pairs = np.sort(codes[present].astype(np.int64) * width + children[present])  # sorting beats np.unique here
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    return np.bincount(pairs[first] // width, minlength=groups)


def _pct(num: float, den: float) -> float | None:
    return 100.0 * num / den if den else None


def percent_result(rows: pd.DataFrame | RowSet) -> Result:
    """Value = rows in the numerator / rows in the denominator, as a percentage; the same by allocated team
    and worker."""
    if isinstance(rows, RowSet):
        num, den = float(rows.numerator.sum()), float(rows.denominator.sum())
        result = Result("", _pct(num, den), num, den, rows, note=None if den else "No rows to measure.")
        result.breakdowns = AllocationSplits(rows, "percent")
    else:
        num = float(rows["in_numerator"].sum())
        den = float(rows["in_denominator"].sum())
        result = Result("", _pct(num, den), num, den, rows, note=None if den else "No rows to measure.")
        if _has_allocation(rows):
            result.breakdowns = {"team": _percent_groups(rows, "allocated_team"),
                                 "worker": _percent_groups(rows, "allocated_worker")}
    result.aggregate = Aggregate("percent")
    return result


def count_result(rows: pd.DataFrame | RowSet, *, distinct_children: bool = False) -> Result:
    """Value = rows (events), or distinct children; the same by allocated team and worker."""
    if isinstance(rows, RowSet):
        if not rows.numerator.all():
            rows = rows.with_numerator(True)
        n = float(rows.distinct_children() if distinct_children else len(rows))
        result = Result("", n, n, None, rows)
        result.breakdowns = AllocationSplits(rows, "count", distinct_children)
    else:
        rows = rows.assign(in_numerator=True)
        n = float(rows["child_id"].nunique() if distinct_children else len(rows))
        result = Result("", n, n, None, rows)
        if _has_allocation(rows):
            result.breakdowns = {"team": _count_groups(rows, "allocated_team", distinct_children),
                                 "worker": _count_groups(rows, "allocated_worker", distinct_children)}
    result.aggregate = Aggregate("count", distinct_children)
    return result


CHILD_POPULATION_UNKNOWN = "The council's child population (ONS mid-year estimate, ages 0-17) is not known."


def rate_result(rows: pd.DataFrame | RowSet, population: int | None, *, distinct_children: bool = False,
                scale: float = 1.0, population_key: str | None = None,
                missing: str = CHILD_POPULATION_UNKNOWN) -> Result:
    """Value = count x scale / population x 10,000. Breakdowns by team and worker show counts (teams have no
    population); ``population_key`` names the population a breakdown by age divides by (None: ages 0-17)."""
    counted = count_result(rows, distinct_children=distinct_children)
    counted.aggregate = Aggregate("rate", distinct_children, scale, population_key)
    if not population:
        counted.value, counted.denominator = None, None
        counted.note = missing
        return counted
    counted.denominator = float(population)
    counted.value = counted.numerator * scale / population * 10_000
    return counted


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})


# --------------------------------------------------------------------------- dates


def in_window(series: pd.Series, ctx: Context, months: int = 6) -> pd.Series:
    """as_at minus N calendar months < date <= as_at."""
    return (series > months_before(ctx.as_at, months)) & (series <= ctx.as_at64)


def open_at(start: pd.Series, end: pd.Series, ctx: Context) -> pd.Series:
    """Started on or before as_at and not ended by then (no end date, or an end date after as_at)."""
    return (start <= ctx.as_at64) & (end.isna() | (end > ctx.as_at64))


def one_per_child(frame: pd.DataFrame, latest_by: str) -> pd.DataFrame:
    """One row per child: the one with the latest ``latest_by`` (rows without it sort first)."""
    ordered = frame.sort_values([latest_by, "row_number"], na_position="first", kind="stable")
    return ordered.drop_duplicates("child_id", keep="last").sort_values("row_number", kind="stable")
