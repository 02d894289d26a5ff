"""Splitting a measure's result by a dimension (``goldthread.core.measures.dimensions``): ``breakdown()``.

For each group that holds rows, a ``Cell`` gives the value made the same way as the measure's (a percentage of
rows, a count of rows or of distinct children, or a rate per 10,000 of the group's population where the council
has given it), its numerator, denominator, share of the whole and the rows behind it, so each cell drills down to
the children behind it as a measure does. A ``Breakdown`` holds its cells as arrays and makes the Cell objects
when first read. ``compute_all`` fills every result's ``dimension_breakdowns`` with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .derived import NOT_ALLOCATED, Part, RowSet, view
from .dimensions import DIMENSIONS, Dimension
from .registry import ANNEX_A, Context, Data, Measure, Result, _group_counts, allocation_codes


@dataclass
class Cell:
    """One group of a breakdown: its label, the value made as the measure's is, numerator, denominator, its share
    of the measure's rows (percent: of the denominator; count or rate: of the count) and the rows behind it."""

    label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    share: float | None
    _rows: Callable[[], pd.DataFrame] = field(repr=False, compare=False)

    @property
    def rows(self) -> pd.DataFrame:
        """The rows behind this cell (``ROW_COLUMNS``), as the measure's rows are."""
        return self._rows()

    def as_dict(self) -> dict:
        return {"label": self.label, "value": self.value, "numerator": self.numerator,
                "denominator": self.denominator}


def _maybe(values: np.ndarray | None, i: int) -> float | None:
    if values is None:
        return None
    v = values[i]
    return None if v != v else float(v)  # NaN is no value


class Breakdown:
    """A measure split by one dimension: ``cells`` in the dimension's order (only groups holding rows). Held as
    arrays; the Cell objects are made when first read."""

    def __init__(self, measure_id: str, dimension: str, labels: list[str], value: np.ndarray,
                 numerator: np.ndarray, denominator: np.ndarray | None, share: np.ndarray,
                 rows_of: Callable[[int], pd.DataFrame], note: str | None = None):
        self.measure_id, self.dimension, self.note = measure_id, dimension, note
        self.labels, self.values, self.numerators, self.denominators, self.shares = (
            labels, value, numerator, denominator, share)
        self._rows_of = rows_of
        self._cells: list[Cell] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def cells(self) -> list[Cell]:
        if self._cells is None:
            self._cells = [Cell(label, _maybe(self.values, i), _maybe(self.numerators, i),
                                _maybe(self.denominators, i), _maybe(self.shares, i),
                                (lambda i=i: self._rows_of(i)))
                           for i, label in enumerate(self.labels)]
        return self._cells

    def cell(self, label: str) -> Cell:
        for c in self.cells:
            if c.label == label:
                return c
        raise KeyError(label)

    def as_dict(self) -> dict:
        return {"measure": self.measure_id, "dimension": self.dimension,
                "cells": [{"label": label, "value": _maybe(self.values, i), "numerator": _maybe(self.numerators, i),
                           "denominator": _maybe(self.denominators, i)} for i, label in enumerate(self.labels)]}

    def frame(self) -> pd.DataFrame:
        """group, numerator, denominator, value: the shape of the team and worker breakdown frames."""
        return pd.DataFrame({"group": self.labels, "numerator": self.numerators,
                             "denominator": (self.denominators if self.denominators is not None
                                             else np.full(len(self.labels), None, dtype=object)),
                             "value": self.values}, columns=["group", "numerator", "denominator", "value"])

    def __repr__(self) -> str:
        return f"Breakdown({self.measure_id!r}, {self.dimension!r}, {len(self.labels)} cells)"


def _static_dimensions(measure_id: str, lists: tuple[int, ...], source: str) -> tuple[Dimension, ...]:
    if source != ANNEX_A or not lists:
        return ()
    wanted = set(lists)
    return tuple(d for d in DIMENSIONS.values() if d.allocation is None and wanted <= set(d.lists))


def dimensions_for(measure: Measure, result: Result | None = None) -> list[Dimension]:
    """The dimensions a measure can be split by: every dimension whose lists include all the lists the measure
    reads (when its value is a percentage, count or rate of rows), and team and worker where the result has
    those splits (as ``Result.breakdowns`` always had them)."""
    if result is None:
        return list(_static_dimensions(measure.id, tuple(measure.lists), measure.source))
    found = [] if result.aggregate is None else list(_static_dimensions(measure.id, tuple(measure.lists),
                                                                        measure.source))
    splits = result.allocation_splits
    if splits is not None:
        has = bool(splits)
        found += [DIMENSIONS["team"], DIMENSIONS["worker"]] if has else []
    else:
        found += [DIMENSIONS[d] for d in ("team", "worker") if d in result.breakdowns]
    return found


def _row_groups(rowset: RowSet, dim: Dimension, ctx: Context) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """Each row's group code, the labels, and the rows per label, across the RowSet's parts. Measures selecting
    the same rows of a table (the same positions array) share the work."""
    settings = tuple(getattr(ctx, s) for s in dim.settings)
    if len(rowset.parts) == 1:
        part = rowset.parts[0]
        key = ("part_groups", dim.id, ctx.as_at, settings, id(part.positions))
        found = part.view._memo.get(key)
        if found is None or found[0] is not part.positions:
            codes, labels = dim.codes(part.view, ctx)
            mine = codes[part.positions]
            found = part.view._memo[key] = (part.positions, mine, labels, np.bincount(mine, minlength=len(labels)))
        return found[1], found[2], found[3]

    def make():
        labels: dict[str, int] = {}
        pieces = []
        for part in rowset.parts:
            codes, names = dim.codes(part.view, ctx)
            remap = np.array([labels.setdefault(n, len(labels)) for n in names], dtype=np.int64)
            pieces.append(remap[codes[part.positions]] if len(part) else np.zeros(0, dtype=np.int64))
        joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        return joined, tuple(labels), np.bincount(joined, minlength=len(labels))
    return rowset.memo(("groups", dim.id, ctx.as_at, settings), make)


def _rowset_of(result: Result, data: Data) -> RowSet:
    """The result's rows as a RowSet (rows given as a frame are found in their tables by row number)."""
    if result.rowset is not None:
        return result.rowset
    frame = result.rows
    parts = []
    for number, rows in frame.groupby("list_number", sort=False):
        v = view(data, int(number))
        pos = v.positions_of(rows["row_number"].to_numpy(dtype=np.int64))
        keep = pos >= 0
        parts.append(Part(v, pos[keep], rows["in_numerator"].to_numpy(dtype=bool)[keep],
                          rows["in_denominator"].to_numpy(dtype=bool)[keep]))
    return RowSet(parts)


def _shares(part: np.ndarray | None, whole: float | None) -> np.ndarray:
    if part is None or not whole:
        return np.full(0 if part is None else len(part), np.nan)
    return 100.0 * np.asarray(part, dtype=float) / whole


def breakdown(result: Result, dim: Dimension | str, data: Data, ctx: Context) -> Breakdown:
    """Split ``result`` (a measure's, computed on ``data`` at ``ctx``) by ``dim``."""
    dim = DIMENSIONS[dim] if isinstance(dim, str) else dim
    if dim.allocation is not None:
        return _allocation_breakdown(result, dim)
    aggregate = result.aggregate
    if aggregate is None:
        raise ValueError(f"{result.measure_id} is not made from rows it can split by {dim.id}")
    rowset = _rowset_of(result, data)
    codes, labels, held = _row_groups(rowset, dim, ctx)
    percent = aggregate.kind == "percent"

    def totals():
        keep = np.flatnonzero(held)
        if percent:
            num = np.bincount(codes, weights=rowset.weights("numerator"), minlength=len(labels))[keep]
            den = np.bincount(codes, weights=rowset.weights("denominator"), minlength=len(labels))[keep]
        else:
            den = None
            if aggregate.distinct_children:
                num = _group_counts(codes, len(labels), rowset)[keep].astype(float)
            else:
                num = held[keep].astype(float)
        return keep, num, den
    key = ("cells", dim.id, ctx.as_at, *(getattr(ctx, s) for s in dim.settings), percent, aggregate.distinct_children)
    keep, num, den = rowset.memo(key, totals)
    names = [labels[k] for k in keep]
    note = None
    if percent:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)
        share = _shares(den, result.denominator)
    elif aggregate.kind == "rate":
        population = np.array([ctx.population_of(dim.id, n) or np.nan if dim.population else np.nan for n in names],
                              dtype=float)
        value = num * aggregate.scale / population * 10_000
        den, share = population, _shares(num, result.numerator)
        if np.isnan(population).all():
            note = "The population of each group is not known, so the cells give counts without a rate."
    else:
        value, share = num, _shares(num, result.numerator)
    return Breakdown(result.measure_id, dim.id, names, value, num, den, share,
                     _rows_by_code(result, codes, keep), note)


def _rows_by_code(result: Result, codes: np.ndarray, keep: np.ndarray) -> Callable[[int], pd.DataFrame]:
    def rows_of(i: int) -> pd.DataFrame:
        return result.rows.loc[codes == keep[i]].reset_index(drop=True)
    return rows_of


def _allocation_breakdown(result: Result, dim: Dimension) -> Breakdown:
    """Team or worker: the measure's own split (as ``Result.breakdowns`` gives it), with the rows behind each."""
    by = dim.allocation
    splits = result.allocation_splits
    if splits is not None:
        if not splits:
            return Breakdown(result.measure_id, dim.id, [], np.zeros(0), np.zeros(0), None, np.zeros(0), None)
        groups, num, den, value = splits.arrays(by)
        codes, held = allocation_codes(result.rowset, by)

        def rows_of(i: int) -> pd.DataFrame:
            return result.rows.loc[codes == i].reset_index(drop=True)
        num = num.astype(float)
        den = None if den is None else den.astype(float)
    else:
        frame = result.breakdowns.get(dim.id)
        if frame is None or frame.empty:
            return Breakdown(result.measure_id, dim.id, [], np.zeros(0), np.zeros(0), None, np.zeros(0), None)
        groups = frame["group"].to_numpy(dtype=object)
        num = pd.to_numeric(frame["numerator"], errors="coerce").to_numpy(dtype=float)
        den_values = pd.to_numeric(frame["denominator"], errors="coerce").to_numpy(dtype=float)
        den = None if np.isnan(den_values).all() else den_values
        value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
        if dim.id in result.row_groups:
            keys = result.row_groups[dim.id]
        else:
            keys = None

        def rows_of(i: int) -> pd.DataFrame:
            rows = result.rows
            found = keys
            if found is None:
                found = rows[by].to_numpy(dtype=object).copy()
                found[pd.isna(found)] = NOT_ALLOCATED
            return rows.loc[found == groups[i]].reset_index(drop=True)
    percent = result.aggregate is not None and result.aggregate.kind == "percent"
    share = _shares(den if percent else num, result.denominator if percent else result.numerator)
    return Breakdown(result.measure_id, dim.id, [str(g) for g in groups.tolist()], value, num, den, share, rows_of)


def breakdown_dicts(results: Mapping[str, Result]) -> list[dict]:
    """Every breakdown of every result (as ``compute_all`` filled them), one object per measure and dimension:
    ``{"measure", "dimension", "cells": [{"label", "value", "numerator", "denominator"}]}``."""
    return [split.as_dict() for result in results.values() for split in result.dimension_breakdowns.values()]
