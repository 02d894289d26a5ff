"""Breakdowns for the pages: a measure split by a dimension (from the measure store), the children behind one
cell (recomputed with the same definition, as the children behind a measure are), the disproportionality table
(from the stage measures' stored cells) and one measure pooled across several councils.

Nothing here decides who may see what: the views ask goldthread.accounts.access, and filter child-level rows
with ``Access.child_filter``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from goldthread.core.measures import ANNEX_A, Measure
from goldthread.core.measures.breakdowns import breakdown
from goldthread.core.measures.dimensions import DIMENSIONS, Dimension
from goldthread.core.measures.disproportionality import Disproportionality, from_counts, stages_for
from goldthread.core.measures.pooling import Pooled, pool
from goldthread.councils.models import LocalAuthority
from goldthread.extracts.actions import measure_context
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import StoredAnnexA
from goldthread.store import queries as store

ALLOCATION = ("team", "worker")


@dataclass(frozen=True)
class Cell:
    group: str
    value: float | None
    numerator: float | None
    denominator: float | None
    share: float | None = None  # percent of the measure's total (percent) or count (others)


def _share(measure: Measure, figure_numerator, figure_denominator, cell_numerator, cell_denominator):
    whole, part = ((figure_denominator, cell_denominator) if measure.unit == "percent"
                   else (figure_numerator, cell_numerator))
    return 100.0 * part / whole if whole and part is not None else None


def dimensions(extract: Extract | None, measure: Measure, council: LocalAuthority) -> list[Dimension]:
    """The dimensions the measure is split by for this council, in the order they are declared: every one
    stored with the extract's figure (Annex A), or team and worker (case-audit measures, from today's audits)."""
    if measure.source != ANNEX_A:
        from goldthread.audits.queries import audit_result

        result = audit_result(council, measure.id)
        return [DIMENSIONS[d] for d in ALLOCATION if d in result.breakdowns and not result.breakdowns[d].empty]
    held = set(store.dimensions_of(store.figure_of(extract, measure.id))) if extract else set()
    return [d for d in DIMENSIONS.values() if d.id in held]


def cells(extract: Extract | None, measure: Measure, council: LocalAuthority, dimension: Dimension) -> list[Cell]:
    """The measure's cells by the dimension: stored at import (Annex A); from today's audits (case audits)."""
    if measure.source != ANNEX_A:
        from goldthread.audits.queries import audit_result

        result = audit_result(council, measure.id)
        frame = result.breakdowns.get(dimension.id)
        if frame is None:
            return []
        return [Cell(str(r.group), _number(r.value), _number(r.numerator), _number(r.denominator),
                     _share(measure, result.numerator, result.denominator, _number(r.numerator),
                            _number(r.denominator)))
                for r in frame.itertuples(index=False)]
    figure = store.figure_of(extract, measure.id) if extract else None
    if figure is None:
        return []
    return [Cell(c.group, c.value, c.numerator, c.denominator,
                 _share(measure, figure.numerator, figure.denominator, c.numerator, c.denominator))
            for c in store.cells(figure, dimension.id)]


def cell_rows(extract: Extract | None, measure: Measure, council: LocalAuthority, dimension: Dimension,
              group: str) -> pd.DataFrame | None:
    """The rows behind one cell (None: the measure has no such group), made as the measure's rows are: the
    measure recomputed on the stored extract (or today's audits) and split by the dimension."""
    if measure.source != ANNEX_A:
        from goldthread.audits.queries import audit_result

        result, data, ctx = audit_result(council, measure.id), None, None
    else:
        if extract is None:
            return None
        data, ctx = StoredAnnexA(extract), measure_context(council, extract.extract_date)
        result = measure.compute(data, ctx)
    try:
        split = breakdown(result, dimension, data, ctx)
    except ValueError:  # not a measure made from rows this dimension splits
        return None
    if group not in split.labels:
        return None
    return split.cell(group).rows


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# --------------------------------------------------------------------------- disproportionality


def disproportionality(extract: Extract | None, dimension: str,
                       populations: dict[str, int] | None = None) -> Disproportionality | None:
    """The disproportionality table for the extract, from the stage measures' stored figures and cells."""
    if extract is None:
        return None
    counts = {}
    for stage, _, measure_id in stages_for(dimension):
        figure = store.figure_of(extract, measure_id)
        if figure is None:
            continue
        counts[stage] = (figure.value, [(c.group, c.numerator or 0.0) for c in store.cells(figure, dimension)])
    return from_counts(dimension, counts, populations)


# --------------------------------------------------------------------------- pooled across councils


@dataclass
class PooledRow:
    group: str  # the dimension's group, or "" for the measure as a whole
    figures: list[Cell | None]  # one per council, in the councils' order (None: no figure)
    pooled: Pooled


@dataclass
class PooledView:
    measure: Measure
    dimension: Dimension | None
    councils: list[LocalAuthority]
    extracts: list[Extract | None]
    rows: list[PooledRow]


def pooled(measure: Measure, councils: list[LocalAuthority], latest: list[Extract | None],
           dimension: Dimension | None = None) -> PooledView:
    """The measure (or its split by ``dimension``) for each council's latest extract side by side, and pooled
    (goldthread.core.measures.pooling). ``latest``: each council's latest extract, in the same order."""
    if dimension is None:
        figures = [store.figure_of(e, measure.id) if e else None for e in latest]
        row = [Cell("", f.value, f.numerator, f.denominator) if f else None for f in figures]
        rows = [PooledRow("", row, pool(measure.unit, [(c.value, c.numerator, c.denominator) if c else None
                                                         for c in row]))]
        return PooledView(measure, None, councils, latest, rows)
    by_council = [{c.group: c for c in cells(e, measure, council, dimension)} if e else {}
                  for council, e in zip(councils, latest, strict=True)]
    groups: list[str] = []
    for found in by_council:
        groups += [g for g in found if g not in groups]
    rows = []
    for group in groups:
        row = [found.get(group) for found in by_council]
        rows.append(PooledRow(group, row, pool(measure.unit, [(c.value, c.numerator, c.denominator) if c else None
                                                                for c in row])))
    return PooledView(measure, dimension, councils, latest, rows)
