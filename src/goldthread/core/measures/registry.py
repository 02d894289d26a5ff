"""The measure registry: every measure declared once, with its metadata and its function.

A measure function takes the data (anything with ``table(list_number) -> DataFrame`` of canonical
Annex A columns) and a ``Context`` and returns a ``Result``: the value, its numerator and denominator,
the rows behind it (so a page can list "the 37 children behind this 81%") and breakdowns by allocated
team and worker. Pages, exports and the command line all read ``REGISTRY``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

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

ROW_COLUMNS = ["list_number", "row_number", "child_id", "allocated_team", "allocated_worker",
               "in_numerator", "in_denominator", "detail"]


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

    @property
    def as_at64(self) -> np.datetime64:
        return np.datetime64(self.as_at, "ns")


@dataclass
class Result:
    measure_id: str
    value: float | None
    numerator: float | None
    denominator: float | None
    rows: pd.DataFrame  # ROW_COLUMNS: the rows behind the number
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # "team"/"worker" -> group, numerator, denominator, value
    note: str | None = None  # why there is no value, when there is none

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


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

    def compute(self, data: Data, ctx: Context) -> Result:
        result = self.function(data, ctx)
        result.measure_id = self.id
        return result


REGISTRY: dict[str, Measure] = {}


def measure(*, id: str, title: str, definition: str, unit: str, polarity: str, group: str,
            lists: tuple[int, ...] = (), source: str = ANNEX_A, national: str | None = None):
    """Declare a measure. The decorated function is registered under ``id``."""

    def register(function: Callable[[Data, Context], Result]) -> Callable[[Data, Context], Result]:
        if id in REGISTRY:
            raise ValueError(f"measure {id!r} is declared twice")
        REGISTRY[id] = Measure(id, title, " ".join(definition.split()), unit, polarity, group, lists,
                               function, source, national)
        return function

    return register


def ids_from(source: str) -> list[str]:
    """The ids of the measures read from one source, in declaration order."""
    return [mid for mid, m in REGISTRY.items() if m.source == source]


def compute_all(data: Data, ctx: Context, ids: list[str] | None = None, *, source: str = ANNEX_A) -> dict[str, Result]:
    """Every measure of one source (Annex A unless told), or just ``ids``."""
    return {mid: REGISTRY[mid].compute(data, ctx) for mid in (ids or ids_from(source))}


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


NOT_ALLOCATED = "Not allocated"
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
    num = np.bincount(codes, weights=rows["in_numerator"].to_numpy(dtype=np.int64), minlength=len(groups))
    den = np.bincount(codes, weights=rows["in_denominator"].to_numpy(dtype=np.int64), minlength=len(groups))
    num, den = num.astype(np.int64), den.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)
    return pd.DataFrame({"group": groups, "numerator": num, "denominator": den, "value": value},
                        columns=BREAKDOWN_COLUMNS)


def _count_groups(rows: pd.DataFrame, by: str, distinct_children: bool) -> pd.DataFrame:
    """Per group: rows (or distinct children) counted."""
    codes, groups = _group_codes(rows, by)
    if distinct_children:
        children, _ = pd.factorize(rows["child_id"].to_numpy(dtype=object))
        present = children >= 0  # a blank child ID is not a child
        pairs = np.unique(codes[present].astype(np.int64) * (children.max() + 2) + children[present])
        counts = np.bincount(pairs // (children.max() + 2), minlength=len(groups))
    else:
        counts = np.bincount(codes, minlength=len(groups))
    return pd.DataFrame({"group": groups, "numerator": counts, "denominator": None,
                         "value": counts.astype(float)}, columns=BREAKDOWN_COLUMNS)


def _pct(num: float, den: float) -> float | None:
    return 100.0 * num / den if den else None


def percent_result(rows: pd.DataFrame) -> Result:
    """Value = rows in the numerator / rows in the denominator, as a percentage; the same by allocated team
    and worker."""
    num = float(rows["in_numerator"].sum())
    den = float(rows["in_denominator"].sum())
    result = Result("", _pct(num, den), num, den, rows, note=None if den else "No rows to measure.")
    if _has_allocation(rows):
        result.breakdowns = {"team": _percent_groups(rows, "allocated_team"),
                             "worker": _percent_groups(rows, "allocated_worker")}
    return result


def count_result(rows: pd.DataFrame, *, distinct_children: bool = False) -> Result:
    """Value = rows (events), or distinct children; the same by allocated team and worker."""
    rows = rows.assign(in_numerator=True)
    n = float(rows["child_id"].nunique() if distinct_children else len(rows))
    result = Result("", n, n, None, rows)
    if _has_allocation(rows):
        result.breakdowns = {"team": _count_groups(rows, "allocated_team", distinct_children),
                             "worker": _count_groups(rows, "allocated_worker", distinct_children)}
    return result


def rate_result(rows: pd.DataFrame, population: int | None, *, distinct_children: bool = False,
                scale: float = 1.0) -> Result:
    """Value = count x scale / population x 10,000. Breakdowns show counts (teams have no population)."""
    counted = count_result(rows, distinct_children=distinct_children)
    if not population:
        counted.value, counted.denominator = None, None
        counted.note = "The council's child population (ONS mid-year estimate, ages 0-17) is not known."
        return counted
    counted.denominator = float(population)
    counted.value = counted.numerator * scale / population * 10_000
    return counted


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})


# --------------------------------------------------------------------------- dates


def months_before(day: dt.date, months: int) -> np.datetime64:
    return np.datetime64(pd.Timestamp(day) - pd.DateOffset(months=months), "ns")


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
