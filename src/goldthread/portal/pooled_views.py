"""One Annex A measure (or its split by a dimension) across every council the person has a role in, side by side
and pooled: the adviser's or the region's view. Aggregates only, whatever the person's roles allow elsewhere."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from goldthread import charts, tables
from goldthread.accounts.access import aggregate_councils, signed_in
from goldthread.core.measures import ANNEX_A, REGISTRY, ids_from
from goldthread.core.measures.breakdowns import dimensions_for
from goldthread.core.measures.dimensions import DIMENSIONS
from goldthread.tables import NUMBER, Column, Table

from . import data, splits
from .splits import ALLOCATION


def _choices(measure) -> list:
    """The dimensions a measure can be pooled by: every one that applies to it except team and worker (each
    council's own teams and workers)."""
    return [d for d in dimensions_for(measure) if d.id not in ALLOCATION]


DEFAULT_MEASURE = "cpp_visits_in_timescale"


@signed_in(post=None)
def pooled_page(request):
    """``?measure=`` an Annex A measure (the child protection visits measure unless given) and ``?by=`` one of
    its dimensions (none: the measure as a whole)."""
    measure = REGISTRY.get(request.GET.get("measure") or DEFAULT_MEASURE)
    if measure is None or measure.source != ANNEX_A:
        raise Http404("No such Annex A measure.")
    choices = _choices(measure)
    dimension = DIMENSIONS.get(request.GET.get("by", ""))
    if dimension is not None and dimension not in choices:
        dimension = None
    councils = aggregate_councils(request.user)
    latest = [(extracts[-1] if (extracts := data.extracts_of(c)) else None) for c in councils]
    view = splits.pooled(measure, councils, latest, dimension)
    title = f"{measure.title}{f' by {dimension.title.lower()}' if dimension else ''}"
    offered = tables.PageDownloads("Your councils", title, timezone.localdate())
    columns = [Column(dimension.title if dimension else "Measure")]
    for council in councils:
        columns += [Column(council.name, NUMBER, unit=measure.unit), Column(f"{council.name}: counted", NUMBER,
                                                                             unit="count")]
    columns += [Column("Pooled", NUMBER, unit=measure.unit), Column("Pooled: counted", NUMBER, unit="count"),
                Column("Pooled: total", NUMBER, unit="count")]
    rows = []
    for row in view.rows:
        line = [row.group or measure.title]
        for cell in row.figures:
            line += [cell.value if cell else None, cell.numerator if cell else None]
        line += [row.pooled.value, row.pooled.numerator, row.pooled.denominator]
        rows.append(line)
    table = offered.add(Table("pooled", "Pooled", columns, rows, caption=f"{title}: each council's latest extract "
                                                                         "and the councils pooled"))
    chart = None
    if dimension is None and councils:
        pooled = view.rows[0].pooled.value
        chart = offered.add_chart("pooled-chart", charts.bars(
            [(c.name, cell.value) for c, cell in zip(councils, view.rows[0].figures, strict=True) if cell],
            title=title, unit=measure.unit, reference={"Pooled": pooled} if pooled is not None else None))
    if (response := tables.answer(request, offered)) is not None:
        return response
    return render(request, "portal/pooled.html", {
        "measure": measure, "dimension": dimension, "choices": choices, "view": view, "table": table,
        "chart": chart, "downloads": offered, "councils": list(zip(councils, latest, strict=True)),
        "measures": [REGISTRY[mid] for mid in ids_from(ANNEX_A)],
        "notes": sorted({r.pooled.note for r in view.rows if r.pooled.note})})
