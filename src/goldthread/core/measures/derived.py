"""What the measures and breakdowns derive from an Annex A list, computed once per list and shared.

Eighty-odd measures and a few dozen breakdowns read the same eleven tables: the same six-month windows,
"open at the extract date" masks, working days, ages, cleaned team and worker names and child codes. A
``TableView`` computes each of those once per table (and extract date) and keeps it while the table lives;
``view(data, n)`` finds the view of ``data.table(n)``. Tables are read-only: nothing here changes one.

A ``RowSet`` holds the rows behind a number as positions into those tables, with the rows' numerator and
denominator flags, and builds the ``ROW_COLUMNS`` frame only when someone asks for it (a page listing the
children behind a number), so computing every measure and breakdown never builds a frame it does not show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from functools import lru_cache

import numpy as np
import pandas as pd

from ..workdays import working_days_between

ROW_COLUMNS = ["list_number", "row_number", "child_id", "allocated_team", "allocated_worker",
               "in_numerator", "in_denominator", "detail"]
NOT_ALLOCATED = "Not allocated"

# --------------------------------------------------------------------------- dates


def as_at64(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "ns")


@lru_cache(maxsize=4096)
def months_before(day: dt.date, months: int) -> np.datetime64:
    """``day`` less N calendar months (the same day of the month, or the month's last day when it has none)."""
    return np.datetime64(pd.Timestamp(day) - pd.DateOffset(months=months), "ns")


@lru_cache(maxsize=256)
def _month_steps(day: dt.date, most: int) -> np.ndarray:
    """``day`` less 1, 2, ... ``most`` months, as datetime64[D], earliest first."""
    back = np.datetime64(day, "M") - np.arange(1, most + 1)
    length = ((back + 1).astype("datetime64[D]") - back.astype("datetime64[D]")).astype(np.int64)
    steps = back.astype("datetime64[D]") + np.minimum(day.day, length) - 1
    return steps[::-1]


def whole_months_to(start, day: dt.date, most: int = 1500) -> np.ndarray:
    """``whole_months(start, day)`` for one end date, by searching the dates day less 1, 2, ... months (fast for
    a long column). Starts more than ``most`` months before are counted as ``most``."""
    s = np.asarray(start, dtype="datetime64[D]")
    steps = _month_steps(day, most)  # steps[-m] is day less m months
    months = (len(steps) - np.searchsorted(steps, s, side="left")).astype(float)
    end = np.datetime64(day, "D")
    after = s > end  # negative spans: use the general rule
    if after.any():
        months[after] = whole_months(s[after], end)
    months[np.isnat(s)] = np.nan
    return months


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def whole_months(start, end) -> np.ndarray:
    """Whole calendar months from ``start`` to ``end``, elementwise: the largest m with start <= end less m
    months (``months_before``'s rule, so "2 years or more" here agrees with start <= as_at less 24 months).
    Negative when end is before start; NaN where a date is missing. Accepts datetime64 arrays or a date."""
    s = np.atleast_1d(np.asarray(start, dtype="datetime64[D]"))
    e = np.atleast_1d(np.asarray(end, dtype="datetime64[D]"))
    s, e = np.broadcast_arrays(s, e)
    missing = np.isnat(s) | np.isnat(e)
    safe_s = np.where(missing, np.datetime64("2000-01-01"), s)
    safe_e = np.where(missing, np.datetime64("2000-01-01"), e)
    sy, sm, sd = _ymd(safe_s)
    ey, em, ed = _ymd(safe_e)
    months = (ey - sy) * 12 + (em - sm)
    # end less `months` months falls in start's month, on end's day of the month or that month's last day
    start_month = safe_s.astype("datetime64[M]")
    month_length = ((start_month + 1).astype("datetime64[D]") - start_month.astype("datetime64[D]")).astype(np.int64)
    months = months - (sd > np.minimum(ed, month_length))
    out = months.astype(float)
    out[missing] = np.nan
    return out


# --------------------------------------------------------------------------- one view per table

_ATTRIBUTE = "_goldthread_view"  # where a table keeps its view (not copied with the table, nor pickled)


def view(data, number: int) -> TableView:
    """The shared view of ``data.table(number)``."""
    return view_of(data.table(number), number)


def view_of(table: pd.DataFrame, number: int) -> TableView:
    """The table's view, made on first use and kept on the table itself, so it lives exactly as long as the
    table (the two refer to each other; Python's cycle collector frees them together)."""
    found = table.__dict__.get(_ATTRIBUTE)
    if found is not None and found.number == number:
        return found
    made = TableView(table, number)
    object.__setattr__(table, _ATTRIBUTE, made)
    return made


class TableView:
    """One Annex A table and what is derived from it, each computed on first use."""

    def __init__(self, table: pd.DataFrame, number: int):
        self.table = table
        self.number = number
        self.n = len(table)
        self._memo: dict[Hashable, object] = {}

    def memo(self, key: Hashable, make: Callable[[], object]):
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def has(self, column: str) -> bool:
        return column in self.table.columns

    # ---- columns

    def dates(self, column: str) -> np.ndarray:
        return self.memo(("dates", column), lambda: self.table[column].to_numpy(dtype="datetime64[ns]"))

    def series(self, column: str) -> pd.Series:
        return self.table[column]

    def values(self, column: str) -> np.ndarray:
        """The column as an object array (missing values as they are: None, NaN or pd.NA)."""
        return self.memo(("values", column), lambda: self.table[column].to_numpy(dtype=object))

    def yes(self, column: str) -> np.ndarray:
        """A yes/no column: True only for Yes (Unknown and blank are not yes)."""
        return self.memo(("yes", column),
                         lambda: self.table[column].fillna(False).astype(bool).to_numpy(dtype=bool))

    def no(self, column: str) -> np.ndarray:
        """A yes/no column: True only for an explicit No."""
        return self.memo(("no", column),
                         lambda: self.table[column].eq(False).fillna(False).astype(bool).to_numpy(dtype=bool))

    def whole(self, column: str, missing: int = 0) -> np.ndarray:
        """A whole-number column as int64, a blank as ``missing``."""
        return self.memo(("whole", column, missing),
                         lambda: self.table[column].fillna(missing).to_numpy(dtype=np.int64))

    def present(self, column: str) -> np.ndarray:
        return self.memo(("present", column), lambda: self.table[column].notna().to_numpy(dtype=bool))

    def equals(self, column: str, code: str) -> np.ndarray:
        return self.memo(("equals", column, code),
                         lambda: self.table[column].eq(code).fillna(False).to_numpy(dtype=bool))

    def isin(self, column: str, codes: frozenset[str]) -> np.ndarray:
        return self.memo(("isin", column, codes), lambda: self.table[column].isin(codes).to_numpy(dtype=bool))

    @property
    def row_numbers(self) -> np.ndarray:
        return self.memo("row_numbers", lambda: self.table["row_number"].to_numpy(dtype=np.int64))

    def positions_of(self, row_numbers: np.ndarray) -> np.ndarray:
        """Positions in the table of rows given by their row numbers (for a number held by two rows, the
        first; -1 for a number not in the table)."""
        wanted = np.asarray(row_numbers, dtype=np.int64)
        index = self.memo("row_index", lambda: pd.Index(self.row_numbers))
        if index.is_unique:
            return index.get_indexer(wanted)
        first = self.memo("row_first", lambda: pd.Series(np.arange(self.n), index=self.row_numbers)
                          .groupby(level=0).first())
        return first.reindex(wanted).fillna(-1).to_numpy(dtype=np.int64)

    # ---- children and allocation

    def child_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's child as a code (-1 for a blank Child Unique ID), and the children."""
        return self.memo("children", lambda: pd.factorize(self.table["child_id"].to_numpy(dtype=object),
                                                           use_na_sentinel=True))

    def child_ids(self) -> np.ndarray:
        return self.memo("child_ids", lambda: self.table["child_id"].to_numpy(dtype=object))

    def allocation(self, column: str) -> np.ndarray:
        """The team or worker as cleaned text: surrounding spaces removed, blanks (and non-text) as None."""
        def make():
            if column not in self.table.columns:
                return np.full(self.n, None, dtype=object)
            codes, uniques = pd.factorize(self.table[column].to_numpy(dtype=object), use_na_sentinel=True)
            cleaned = np.array([v.strip() if isinstance(v, str) and v.strip() else None for v in uniques] + [None],
                               dtype=object)
            return cleaned[codes]
        return self.memo(("allocation", column), make)

    def allocated(self) -> np.ndarray:
        """Rows naming an allocated team or worker."""
        return self.memo("allocated", lambda: pd.notna(self.allocation("allocated_worker"))
                         | pd.notna(self.allocation("allocated_team")))

    def allocation_groups(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Each row's team or worker group as a code ("Not allocated" when blank), groups in name order."""
        def make():
            keys = self.allocation(column).copy()
            keys[pd.isna(keys)] = NOT_ALLOCATED
            codes, groups = pd.factorize(keys, sort=True)
            return codes, np.asarray(groups, dtype=object)
        return self.memo(("allocation_groups", column), make)

    # ---- windows, open items, working days, ages

    def window(self, column: str, as_at: dt.date, months: int = 6) -> np.ndarray:
        """as_at less N calendar months < date <= as_at."""
        def make():
            d = self.dates(column)
            return (d > months_before(as_at, months)) & (d <= as_at64(as_at))
        return self.memo(("window", column, as_at, months), make)

    def on_or_before(self, column: str, day: np.datetime64) -> np.ndarray:
        return self.memo(("on_or_before", column, day), lambda: self.dates(column) <= day)

    def open_at(self, start: str, end: str, as_at: dt.date) -> np.ndarray:
        """Started on or before as_at and not ended by then (no end date, or an end after as_at)."""
        def make():
            a = as_at64(as_at)
            e = self.dates(end)
            return (self.dates(start) <= a) & (np.isnat(e) | (e > a))
        return self.memo(("open", start, end, as_at), make)

    def open_during(self, start: str, end: str, as_at: dt.date, months: int = 6) -> np.ndarray:
        """Open at some time in the window: started on or before as_at and not ended by the window's start
        (no end date, or an end after as_at less N months)."""
        def make():
            e = self.dates(end)
            return (self.dates(start) <= as_at64(as_at)) & (np.isnat(e) | (e > months_before(as_at, months)))
        return self.memo(("open_during", start, end, as_at, months), make)

    def working_days(self, start: str, end: str | dt.date) -> np.ndarray:
        """Working days from ``start`` to ``end`` (a column, or a date for every row); NaN where missing."""
        def make():
            e = self.dates(end) if isinstance(end, str) else np.full(self.n, np.datetime64(end, "D"))
            return working_days_between(self.dates(start), e)
        return self.memo(("working_days", start, end), make)

    def days(self, start: str, end: dt.date) -> np.ndarray:
        """Calendar days from ``start`` to ``end`` (float, NaN where missing)."""
        def make():
            diff = (as_at64(end) - self.dates(start)).astype("timedelta64[D]")
            out = diff.astype(np.int64).astype(float)
            out[np.isnat(diff)] = np.nan
            return out
        return self.memo(("days", start, end), make)

    def months(self, start: str, end: str | dt.date, *, open_end: dt.date | None = None) -> np.ndarray:
        """Whole calendar months from ``start`` to ``end`` (a column, or a date); with ``open_end``, a blank
        or later end counts as that date (so an item open then is measured up to it)."""
        def make():
            if isinstance(end, str):
                e = self.dates(end)
                if open_end is not None:
                    cap = as_at64(open_end)
                    e = np.where(np.isnat(e) | (e > cap), cap, e)
            else:
                return whole_months_to(self.dates(start), end)
            return whole_months(self.dates(start), e)
        return self.memo(("months", start, end, open_end), make)

    def age(self, as_at: dt.date) -> np.ndarray:
        """Age in whole years at ``as_at``: from the date of birth (whole calendar months / 12), or the stated
        "Age of Child (Years)" where there is no date of birth. -2 for a date of birth after as_at (unborn),
        -1 when neither is recorded."""
        def make():
            dob = self.dates("date_of_birth")
            stated = self.table["age"].fillna(-1).to_numpy(dtype=np.int64)
            from_dob = whole_months_to(dob, as_at) // 12
            out = np.where(np.isnat(dob), stated, np.where(dob > as_at64(as_at), -2, np.nan_to_num(from_dob, nan=-1)))
            return out.astype(np.int64)
        return self.memo(("age", as_at), make)

    # ---- choosing rows

    def one_per_child(self, candidates: np.ndarray, latest_by: str) -> np.ndarray:
        """Of the rows at ``candidates`` (a mask or positions), one per child: the one with the latest
        ``latest_by`` (a blank date counts as earliest; then the later row number), in row-number order."""
        pos = _positions(candidates)
        if not len(pos):
            return pos
        child = self.child_codes()[0][pos]
        date = self.dates(latest_by)[pos].view(np.int64)  # NaT is the smallest int64: blank sorts first
        numbers = self.row_numbers[pos]
        order = np.lexsort((numbers, date, child))
        ordered_child = child[order]
        last = np.r_[ordered_child[1:] != ordered_child[:-1], True]
        kept = pos[order[last]]
        return kept[np.argsort(self.row_numbers[kept], kind="stable")]

    def first_per_child(self, candidates: np.ndarray, earliest_by: str) -> np.ndarray:
        """Of the rows at ``candidates``, one per child: the one with the earliest ``earliest_by`` (then the
        lower row number; a blank date counts as latest), in row-number order."""
        pos = _positions(candidates)
        if not len(pos):
            return pos
        child = self.child_codes()[0][pos]
        raw = self.dates(earliest_by)[pos]
        date = np.where(np.isnat(raw), np.iinfo(np.int64).max, raw.view(np.int64))
        numbers = self.row_numbers[pos]
        order = np.lexsort((numbers, date, child))
        ordered_child = child[order]
        first = np.r_[True, ordered_child[1:] != ordered_child[:-1]]
        kept = pos[order[first]]
        return kept[np.argsort(self.row_numbers[kept], kind="stable")]

    def select(self, rows, *, numerator=False, denominator=True, detail=None) -> RowSet:
        """The rows at ``rows`` (a mask over the table, or positions) as a RowSet. ``numerator`` and
        ``denominator`` are masks over the whole table (or one boolean for all); ``detail`` is a value per row
        of the table shown beside each row (or a function giving them, called only if the rows are shown)."""
        pos = _positions(rows)
        return RowSet([Part(self, pos, _flags(numerator, self.n, pos), _flags(denominator, self.n, pos), detail)])


def _positions(rows) -> np.ndarray:
    arr = np.asarray(rows)
    if arr.dtype == bool:
        return np.flatnonzero(arr)
    return arr.astype(np.int64, copy=False)


def _flags(values, n: int, pos: np.ndarray) -> np.ndarray:
    if isinstance(values, bool | np.bool_):
        return np.full(len(pos), bool(values))
    arr = np.asarray(values)
    if arr.dtype != bool:
        arr = arr.astype(bool)
    return arr[pos]


# --------------------------------------------------------------------------- the rows behind a number


class Part:
    """Rows of one table: their positions, numerator and denominator flags and detail."""

    __slots__ = ("view", "table", "positions", "numerator", "denominator", "detail")

    def __init__(self, view: TableView, positions: np.ndarray, numerator: np.ndarray, denominator: np.ndarray,
                 detail=None):
        self.view = view
        self.table = view.table  # held so the view (and its memo) lives as long as these rows
        self.positions = positions
        self.numerator = numerator
        self.denominator = denominator
        self.detail = detail

    def __len__(self) -> int:
        return len(self.positions)

    def detail_values(self) -> np.ndarray:
        n = len(self.positions)
        if self.detail is None:
            return np.full(n, None, dtype=object)
        if isinstance(self.detail, _Given):
            return np.asarray(self.detail.values, dtype=object)
        detail = self.detail() if callable(self.detail) else self.detail
        return np.asarray(detail, dtype=object)[self.positions]

    def frame(self) -> pd.DataFrame:
        v, pos = self.view, self.positions
        n = len(pos)
        return pd.DataFrame({
            "list_number": np.full(n, v.number),
            "row_number": v.row_numbers[pos],
            "child_id": v.child_ids()[pos],
            "allocated_team": v.allocation("allocated_team")[pos],
            "allocated_worker": v.allocation("allocated_worker")[pos],
            "in_numerator": self.numerator,
            "in_denominator": self.denominator,
            "detail": self.detail_values(),
        })


class RowSet:
    """The rows behind a number: one or more Parts, built into a ``ROW_COLUMNS`` frame on demand."""

    __slots__ = ("parts", "_memo")

    def __init__(self, parts: list[Part]):
        self.parts = parts
        self._memo: dict[Hashable, object] = {}

    def memo(self, key: Hashable, make: Callable[[], object]):
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    @staticmethod
    def join(*rowsets: RowSet) -> RowSet:
        return RowSet([p for r in rowsets for p in r.parts])

    def with_numerator(self, numerator) -> RowSet:
        """The same rows with other numerator flags (one boolean, or a flag per row of this RowSet)."""
        flags = _split(numerator, self)
        return RowSet([Part(p.view, p.positions, f, p.denominator, p.detail) for p, f in zip(self.parts, flags,
                                                                                          strict=True)])

    def with_flags(self, numerator, denominator, detail=None) -> RowSet:
        """The same rows with other flags (and, if given, a detail per row of this RowSet)."""
        nums, dens = _split(numerator, self), _split(denominator, self)
        details = [None] * len(self.parts) if detail is None else _split_detail(detail, self)
        return RowSet([Part(p.view, p.positions, n, d, _Given(x) if x is not None else p.detail)
                       for p, n, d, x in zip(self.parts, nums, dens, details, strict=True)])

    @property
    def numerator(self) -> np.ndarray:
        return self.memo("numerator", lambda: _concat([p.numerator for p in self.parts], bool))

    @property
    def denominator(self) -> np.ndarray:
        return self.memo("denominator", lambda: _concat([p.denominator for p in self.parts], bool))

    def child_keys(self) -> tuple[np.ndarray, int]:
        """Each row's child as a code (-1 for a blank ID) shared across parts, and how many codes."""
        def make():
            if len(self.parts) == 1:
                p = self.parts[0]
                codes, children = p.view.child_codes()
                return codes[p.positions], len(children)
            ids = _concat([p.view.child_ids()[p.positions] for p in self.parts], object)
            codes, children = pd.factorize(ids, use_na_sentinel=True)
            return codes, len(children)
        return self.memo("child_keys", make)

    def local_children(self) -> tuple[np.ndarray, int, bool]:
        """Each row's child numbered 0..k-1 within these rows (-1 for a blank ID), k, and whether every row is a
        different child (then a count of children per group is a count of rows)."""
        def make():
            codes, width = self.child_keys()
            present = codes >= 0
            held = np.zeros(width + 1, dtype=np.int64)
            held[codes[present]] = 1
            renumber = np.cumsum(held) - 1
            out = np.where(present, renumber[np.maximum(codes, 0)], -1)
            k = int(held.sum())
            return out, k, k == int(present.sum())
        return self.memo("local_children", make)

    def distinct_children(self) -> int:
        return self.local_children()[1]

    def allocation_values(self, column: str) -> np.ndarray:
        return _concat([p.view.allocation(column)[p.positions] for p in self.parts], object)

    def has_allocation(self) -> bool:
        return self.memo("has_allocation", lambda: any(p.view.allocated()[p.positions].any() for p in self.parts))

    def weights(self, flags: str) -> np.ndarray:
        """The numerator or denominator flags as float weights (for np.bincount)."""
        return self.memo(("weights", flags), lambda: getattr(self, flags).astype(float))

    def frame(self) -> pd.DataFrame:
        if len(self.parts) == 1:
            return self.parts[0].frame()
        frames = [p.frame() for p in self.parts]
        return pd.concat(frames, ignore_index=True)


class _Given:
    """A detail already given per selected row (not per table row)."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values


def _split(values, rowset: RowSet) -> list[np.ndarray]:
    if isinstance(values, bool | np.bool_):
        return [np.full(len(p), bool(values)) for p in rowset.parts]
    arr = np.asarray(values, dtype=bool)
    out, start = [], 0
    for p in rowset.parts:
        out.append(arr[start:start + len(p)])
        start += len(p)
    return out


def _split_detail(values, rowset: RowSet) -> list[np.ndarray]:
    arr = np.asarray(values, dtype=object)
    out, start = [], 0
    for p in rowset.parts:
        out.append(arr[start:start + len(p)])
        start += len(p)
    return out


def _concat(arrays: list[np.ndarray], dtype) -> np.ndarray:
    if not arrays:
        return np.zeros(0, dtype=dtype)
    if len(arrays) == 1:
        return arrays[0]
    return np.concatenate(arrays)
