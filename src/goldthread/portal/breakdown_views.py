"""A measure split by a dimension, the children behind one of its cells, and the disproportionality page. Access
comes from goldthread.accounts.access, figures from goldthread.portal.splits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone

from goldthread import charts, tables
from goldthread.accounts.access import AGGREGATES, CHILD_LEVEL, SETTINGS, council_view, may_change_settings
from goldthread.core.measures import REGISTRY
from goldthread.core.measures.dimensions import DIMENSIONS
from goldthread.core.measures.disproportionality import DIMENSION_IDS, POPULATION_GROUPS, POPULATION_SOURCES
from goldthread.councils.actions import PopulationError, set_group_populations
from goldthread.councils.queries import group_populations
from goldthread.tables import NUMBER, Column, Table

from . import splits
from .views import _latest, _measure, children_page


def _dimension(dimension_id: str):
    found = DIMENSIONS.get(dimension_id)
    if found is None:
        raise Http404("No such breakdown.")
    return found


def breakdown_table(measure, dimension, found: list[splits.Cell], caption: str) -> Table:
    share = "Share of the rows in the total" if measure.unit == "percent" else "Share of the count"
    return Table("breakdown", f"By {dimension.title.lower()}", [
        Column(dimension.title), Column("Value", NUMBER, unit=measure.unit), Column("Counted", NUMBER, unit="count"),
        Column("Total" if measure.unit == "percent" else "Population" if measure.unit.startswith("rate") else "Total",
               NUMBER, unit="count"),
        Column(share, NUMBER, unit="percent")],
        [[c.group, c.value, c.numerator, c.denominator, c.share] for c in found], caption=caption)


@council_view(AGGREGATES, post=None)
def measure_breakdown(request, measure_id: str, dimension_id: str, *, access):
    """One measure split by one dimension, as at the latest extract: a chart, the table of cells, and for those
    with child-level access a link from each cell to the children behind it."""
    measure, dimension = _measure(measure_id), _dimension(dimension_id)
    _, latest = _latest(access)
    offered_dimensions = splits.dimensions(latest, measure, access.council)
    if dimension not in offered_dimensions:
        raise Http404("This measure is not split that way.")
    found = splits.cells(latest, measure, access.council, dimension)
    as_at = latest.extract_date if latest and measure.source == "Annex A" else timezone.localdate()
    day = dateformat.format(as_at, "j F Y")
    offered = tables.PageDownloads(access.council.name, f"{measure.title} by {dimension.title.lower()}", as_at)
    caption = f"{measure.title} by {dimension.title.lower()}, {access.council.name}, as at {day}"
    table = offered.add(breakdown_table(measure, dimension, found, caption))
    values = [(c.group, c.value if c.value is not None else c.numerator) for c in found]
    chart = offered.add_chart("breakdown-chart", charts.bars(
        [(group, value) for group, value in values if value is not None],
        title=f"{measure.title} by {dimension.title.lower()}",
        unit=measure.unit if all(c.value is not None for c in found) else "count")) if found else None
    if (response := tables.answer(request, offered)) is not None:
        return response
    note = None
    if measure.unit.startswith("rate") and found and all(c.value is None for c in found):
        note = ("The population of each group is not known, so the cells give the children counted, without a "
                "rate per 10,000.")
    return render(request, "portal/measure_breakdown.html", {
        "access": access, "council": access.council, "measure": measure, "dimension": dimension, "cells": found,
        "table": table, "rows": list(zip(table.html_rows, found, strict=True)), "chart": chart, "downloads": offered, "as_at": as_at, "latest": latest, "note": note,
        "dimensions": offered_dimensions, "can_see_children": access.can(CHILD_LEVEL)})


@council_view(CHILD_LEVEL, post=None)
def breakdown_children(request, measure_id: str, dimension_id: str, *, access):
    """The children behind one cell of a breakdown (``?group=``), by the same rules as the children behind a
    measure: a practitioner sees only their own, and every view or download is logged."""
    measure, dimension = _measure(measure_id), _dimension(dimension_id)
    group = request.GET.get("group", "")
    _, latest = _latest(access)
    rows = splits.cell_rows(latest, measure, access.council, dimension, group) if group else None
    if rows is None:
        raise Http404("No such group in this breakdown.")
    return children_page(request, access, measure, latest, rows,
                         what=f"'{measure.title}' by {dimension.title.lower()} (one group)",
                         cell={"dimension": dimension, "group": group})


@council_view(AGGREGATES, post=None)
def disproportionality(request, *, access):
    """Each group's share of the children at each stage (referred, assessed, on a plan, in care) beside its share
    of the population where the population is known, for ethnicity, gender, age band or disability."""
    dimension_id = request.GET.get("by", DIMENSION_IDS[0])
    if dimension_id not in DIMENSION_IDS:
        dimension_id = DIMENSION_IDS[0]
    dimension = DIMENSIONS[dimension_id]
    _, latest = _latest(access)
    populations, given = group_populations(access.council, dimension_id)
    table = splits.disproportionality(latest, dimension_id, populations)
    offered = tables.PageDownloads(access.council.name, f"Disproportionality by {dimension.title.lower()}",
                                   latest.extract_date if latest else timezone.localdate())
    download = None
    if table is not None:
        columns = [Column(dimension.title)]
        if table.population_known:
            columns.append(Column("Share of the population", NUMBER, unit="percent"))
        for _, label, _ in table.stages:
            columns += [Column(f"{label}: children", NUMBER, unit="count"),
                        Column(f"{label}: share", NUMBER, unit="percent")]
            if table.population_known:
                columns.append(Column(f"{label}: rate ratio", NUMBER, decimals=2))
        rows = []
        for row in table.rows:
            line = [row.group] + ([row.population_share] if table.population_known else [])
            for stage, _, _ in table.stages:
                cell = row.stages[stage]
                line += [cell.children, cell.share] + ([cell.rate_ratio] if table.population_known else [])
            rows.append(line)
        download = offered.add(Table("disproportionality", f"By {dimension.title.lower()}", columns, rows,
                                     caption=f"Children at each stage by {dimension.title.lower()}, "
                                             f"{access.council.name}, as at {latest.extract_date:%d/%m/%Y}"))
    if (response := tables.answer(request, offered)) is not None:
        return response
    stages = [(stage, label, REGISTRY[measure_id]) for stage, label, measure_id in (table.stages if table else ())]
    return render(request, "portal/disproportionality.html", {
        "access": access, "council": access.council, "latest": latest, "table": table, "dimension": dimension,
        "choices": [DIMENSIONS[d] for d in DIMENSION_IDS], "stages": stages, "downloads": offered,
        "download": download, "rows": list(zip(table.rows, download.html_rows, strict=True)) if table else [],
        "can_see_children": access.can(CHILD_LEVEL), "given": given,
        "can_give_populations": may_change_settings(access)})


def _population_form(dimension_id: str, data=None, initial: dict | None = None, source: str = "") -> forms.Form:
    form = forms.Form(data, initial={**{f"group_{i}": v for i, v in (initial or {}).items()}, "source": source})
    for number, group in enumerate(POPULATION_GROUPS[dimension_id]):
        form.fields[f"group_{number}"] = forms.IntegerField(
            label=group, required=False, min_value=1, max_value=10_000_000,
            error_messages={"invalid": f"Enter the number of children in {group} as a whole number, or leave it "
                                       "blank", "min_value": f"Enter a number above 0 for {group}, or leave it blank"})
    form.fields["source"] = forms.CharField(label="Where the figures come from", required=False, max_length=300)
    return form


@council_view(SETTINGS, post=SETTINGS)
def population_by_group(request, *, access):
    """The council's child population by group for one dimension, which the disproportionality page compares the
    children at each stage with (goldthread packages none by group)."""
    dimension_id = request.GET.get("by", DIMENSION_IDS[0])
    if dimension_id not in POPULATION_GROUPS:
        dimension_id = DIMENSION_IDS[0]
    groups = POPULATION_GROUPS[dimension_id]
    held, given = group_populations(access.council, dimension_id)
    initial = {number: held.get(group) for number, group in enumerate(groups)}
    form = _population_form(dimension_id, request.POST or None, initial, given.source if given else "")
    if request.method == "POST" and form.is_valid():
        values = {group: form.cleaned_data[f"group_{number}"] for number, group in enumerate(groups)}
        try:
            set_group_populations(access, dimension_id, values, source=form.cleaned_data["source"])
        except PopulationError as exc:
            fields = {group: f"group_{number}" for number, group in enumerate(groups)}
            for key, problem in exc.errors.items():
                form.add_error(fields.get(key, "source"), problem)
        else:
            messages.success(request, f"Population by {DIMENSIONS[dimension_id].title.lower()} saved.")
            return redirect(f"{reverse('portal:disproportionality', args=[access.council.ons_code])}"
                            f"?by={dimension_id}")
    return render(request, "portal/population_by_group.html", {
        "access": access, "council": access.council, "dimension": DIMENSIONS[dimension_id], "form": form,
        "given": given, "choices": [DIMENSIONS[d] for d in DIMENSION_IDS], "note": POPULATION_SOURCES[dimension_id]})
