"""Reading figures: one way, whatever a number's source.

- ``series(council, measure_id, known_at=...)``: every value of a measure (a registry measure or
  "national:<indicator>") for a council, oldest first, as known at a moment.
- ``extract_figures(extracts)`` / ``council_figures(council, source)``: the figures behind a dashboard.
- ``cells(figure, dimension)``: a figure's breakdown.
- ``national_values()`` / ``national_aggregates()``: published figures as the tables the national core uses.
- ``england_latest(indicator_ids)``: England's latest published value of each indicator.
Past views: a figure from an extract counts at a moment only if the extract had been imported and was not
withdrawn then; other figures only if goldthread held them by then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db.models import Q, QuerySet

from .models import NATIONAL, NATIONAL_PREFIX, Figure, FigureCell


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    figure: Figure


def _usable(figures: QuerySet, known_at: dt.datetime | None) -> QuerySet:
    """Figures in use now (from no extract, or from an extract not withdrawn), or as known at ``known_at``.

    A figure computed from an extract was known once its extract had been uploaded: the extract's own
    ``uploaded_at`` decides (one record of when it arrived, which the demo dates in the past), not a copy."""
    if known_at is None:
        return figures.filter(Q(extract__isnull=True) | Q(extract__withdrawn_at__isnull=True))
    return figures.filter(
        Q(extract__isnull=True, known_from__lte=known_at)
        | Q(extract__uploaded_at__lte=known_at, extract__withdrawn_at__isnull=True)
        | Q(extract__uploaded_at__lte=known_at, extract__withdrawn_at__gt=known_at))


def series(council, measure_id: str, *, known_at: dt.datetime | None = None,
           on: dt.date | None = None) -> list[Point]:
    """Every value of a measure for a council, oldest first (up to ``on``), as known at ``known_at`` (now by
    default). Figures without a value are left out."""
    figures = _usable(Figure.objects.filter(council=council, measure_id=measure_id, value__isnull=False), known_at)
    if on is not None:
        figures = figures.filter(as_at__lte=on)
    return [Point(f.as_at, f.value, f) for f in figures.order_by("as_at", "known_from")]


def extract_figures(extracts, only: str | None = None) -> list[Figure]:
    """The figures computed from these extracts (all measures, or ``only`` one)."""
    if not extracts:
        return []
    figures = Figure.objects.filter(extract__in=extracts)
    if only:
        figures = figures.filter(measure_id=only)
    return list(figures)


def council_figures(council, source: str, only: str | None = None) -> list[Figure]:
    """A council's figures of one source that come from no extract (the case-audit measures), oldest first."""
    figures = Figure.objects.filter(council=council, source=source, extract__isnull=True)
    if only:
        figures = figures.filter(measure_id=only)
    return list(figures.order_by("as_at"))


def figure_of(extract, measure_id: str) -> Figure | None:
    return Figure.objects.filter(extract=extract, measure_id=measure_id).first()


def cells(figure: Figure | None, dimension: str | None = None) -> list[FigureCell]:
    """A figure's breakdown cells (by one dimension, or all), in the dimension's stored order."""
    if figure is None:
        return []
    found = FigureCell.objects.filter(figure=figure)
    if dimension is not None:
        found = found.filter(dimension=dimension)
    return list(found.order_by("dimension", "pk"))


def dimensions_of(figure: Figure | None) -> list[str]:
    if figure is None:
        return []
    return list(FigureCell.objects.filter(figure=figure).values_list("dimension", flat=True).distinct())


# --------------------------------------------------------------------------- published figures


def _indicator(measure_id: str) -> str:
    return measure_id.removeprefix(NATIONAL_PREFIX)


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("value", "numerator", "denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["marker"] = frame["marker"].replace("", None)
    return frame


def national_values(indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Every council's published figures: indicator_id, la_code, year, value, numerator, denominator, marker."""
    figures = Figure.objects.filter(source=NATIONAL, council__isnull=False)
    if indicator_ids:
        figures = figures.filter(measure_id__in=[f"{NATIONAL_PREFIX}{i}" for i in indicator_ids])
    rows = figures.values_list("measure_id", "area", "year", "value", "numerator", "denominator", "marker")
    frame = pd.DataFrame(list(rows), columns=["indicator_id", "la_code", "year", "value", "numerator",
                                              "denominator", "marker"])
    frame["indicator_id"] = frame["indicator_id"].map(_indicator)
    return _numeric(frame)


def national_aggregates() -> pd.DataFrame:
    """England's and each region's published figures: indicator_id, geography, level, year, value, numerator,
    denominator, marker, derived."""
    rows = Figure.objects.filter(source=NATIONAL, council__isnull=True).values_list(
        "measure_id", "area", "level", "year", "value", "numerator", "denominator", "marker", "derived")
    frame = pd.DataFrame(list(rows), columns=["indicator_id", "geography", "level", "year", "value", "numerator",
                                              "denominator", "marker", "derived"])
    frame["indicator_id"] = frame["indicator_id"].map(_indicator)
    return _numeric(frame)


def england_latest(indicator_ids) -> dict[str, tuple[int, float]]:
    """England's latest published value of each indicator: indicator id -> (year, value)."""
    latest: dict[str, tuple[int, float]] = {}
    rows = (Figure.objects.filter(source=NATIONAL, area="England", value__isnull=False,
                                  measure_id__in=[f"{NATIONAL_PREFIX}{i}" for i in indicator_ids])
            .order_by("year").values_list("measure_id", "year", "value"))
    for measure_id, year, value in rows:
        latest[_indicator(measure_id)] = (year, value)
    return latest


def has_national() -> bool:
    return Figure.objects.filter(source=NATIONAL).exists()


def groups_in(extract, dimension: str) -> list[str]:
    """Every group an extract's figures are split into by a dimension (its teams, say), in name order."""
    if extract is None:
        return []
    return sorted(set(FigureCell.objects.filter(figure__extract=extract, dimension=dimension)
                      .values_list("group", flat=True)))


def group_cells(extract, dimension: str, group: str) -> dict[str, FigureCell]:
    """One group's cell of each of an extract's figures (a team's value of every measure): measure id -> cell."""
    if extract is None:
        return {}
    found = FigureCell.objects.filter(figure__extract=extract, dimension=dimension, group=group).select_related(
        "figure")
    return {cell.figure.measure_id: cell for cell in found}


def extract_breakdowns(extract) -> list[dict]:
    """Every stored breakdown of an extract's figures, one object per measure and dimension (as
    ``goldthread.core.measures.breakdowns.breakdown_dicts`` gives a file's): measure, dimension, cells."""
    from goldthread.core.measures import REGISTRY

    order = {mid: i for i, mid in enumerate(REGISTRY)}
    found: dict[tuple[str, str], list[dict]] = {}
    rows = (FigureCell.objects.filter(figure__extract=extract).order_by("pk")
            .values_list("figure__measure_id", "dimension", "group", "value", "numerator", "denominator"))
    for mid, dimension, group, value, numerator, denominator in rows:
        found.setdefault((mid, dimension), []).append(
            {"label": group, "value": value, "numerator": numerator, "denominator": denominator})
    return [{"measure": mid, "dimension": dimension, "cells": cells_}
            for (mid, dimension), cells_ in sorted(found.items(), key=lambda item: order.get(item[0][0], len(order)))]
