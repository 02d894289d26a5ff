"""Writing figures: an extract's measures and their breakdowns, a council's case-audit measures, published
national figures. Callers run these inside their own transaction and move the council's data version on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from goldthread.core.measures import REGISTRY, Result

from .models import NATIONAL, Figure, FigureCell

BATCH = 2000


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN is no value


def _cells(figure: Figure, result: Result) -> Iterable[FigureCell]:
    """The result split by every dimension: the measure's own team and worker splits (caseload measures make
    theirs their own way), then every other applicable dimension."""
    for dimension, frame in result.breakdowns.items():
        for row in frame.itertuples(index=False):
            yield FigureCell(figure=figure, dimension=dimension, group=str(row.group)[:200], value=_number(row.value),
                             numerator=_number(row.numerator), denominator=_number(row.denominator))
    for dimension, split in result.dimension_breakdowns.items():
        if dimension in result.breakdowns or split is None:
            continue
        for i, label in enumerate(split.labels):
            yield FigureCell(figure=figure, dimension=dimension, group=str(label)[:200],
                             value=_number(split.values[i]) if split.values is not None else None,
                             numerator=_number(split.numerators[i]) if split.numerators is not None else None,
                             denominator=_number(split.denominators[i]) if split.denominators is not None else None)


def record_extract(extract, results: dict[str, Result]) -> list[Figure]:
    """Store the figures computed from an extract (as at its extract date, known from when it was imported) and
    their breakdown cells, replacing any it had."""
    Figure.objects.filter(extract=extract).delete()
    council = extract.council
    figures = Figure.objects.bulk_create([
        Figure(council=council, area=council.ons_code, measure_id=mid, source=REGISTRY[mid].source,
               as_at=extract.extract_date, extract=extract, known_from=extract.uploaded_at, value=_number(r.value),
               numerator=_number(r.numerator), denominator=_number(r.denominator), note=r.note or "")
        for mid, r in results.items()], batch_size=BATCH)
    FigureCell.objects.bulk_create([cell for figure in figures for cell in _cells(figure, results[figure.measure_id])],
                                   batch_size=BATCH)
    return figures


def record_council_figures(council, figures: list[tuple[dt.date, str, Result]], *, source: str) -> int:
    """Replace a council's figures of one source that come from no stored extract (the case-audit measures, at
    each month's end and today): (as at, measure id, result) for each. Returns how many."""
    Figure.objects.filter(council=council, source=source, extract__isnull=True).delete()
    now = timezone.now()
    made = Figure.objects.bulk_create([
        Figure(council=council, area=council.ons_code, measure_id=mid, source=source, as_at=as_at, known_from=now,
               value=_number(r.value), numerator=_number(r.numerator), denominator=_number(r.denominator),
               note=r.note or "")
        for as_at, mid, r in figures], batch_size=BATCH)
    return len(made)


NATIONAL_YEAR_END = (3, 31)  # a published figure for a year describes the year to 31 March


def national_figure(indicator_id: str, *, year: int, council=None, area: str, level: str, value, numerator=None,
                    denominator=None, marker: str = "", derived: bool = False, known_from: dt.datetime) -> Figure:
    """An unsaved figure of a published indicator for a council (or England or a region) in a year."""
    from .models import NATIONAL_PREFIX

    return Figure(council=council, area=area, level=level, measure_id=f"{NATIONAL_PREFIX}{indicator_id}",
                  source=NATIONAL, as_at=dt.date(year, *NATIONAL_YEAR_END), year=year, known_from=known_from,
                  value=_number(value), numerator=_number(numerator), denominator=_number(denominator),
                  marker=marker or "", derived=derived)


def record_national(figures: list[Figure]) -> int:
    """Insert published figures (unsaved, from `national_figure`); returns how many.

    Loading the national data writes some 70,000 figures at once, and the ORM's bulk_create spends most of its
    time preparing each value of each row; these columns need preparing only for dates, so the rows are written
    with one parameterised INSERT, each distinct date prepared once. Same table, same columns, same values."""
    fields = [f for f in Figure._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    adapters = {"as_at": ops.adapt_datefield_value, "known_from": ops.adapt_datetimefield_value}
    prepared: dict[tuple[str, object], object] = {}

    def value(figure: Figure, field) -> object:
        raw = getattr(figure, field.attname)
        adapt = adapters.get(field.name)
        if adapt is None or raw is None:
            return raw
        key = (field.name, raw)
        if key not in prepared:
            prepared[key] = adapt(raw)
        return prepared[key]

    quote = ops.quote_name
    # Table and column names come from the model; every value is a bound parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(Figure._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = [tuple(value(figure, f) for f in fields) for figure in figures]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)


def forget_national(indicator_id: str | None = None, year: int | None = None) -> None:
    """Delete published figures: all, one indicator's, or one indicator's for one year."""
    from .models import NATIONAL_PREFIX

    found = Figure.objects.filter(source=NATIONAL)
    if indicator_id is not None:
        found = found.filter(measure_id=f"{NATIONAL_PREFIX}{indicator_id}")
    if year is not None:
        found = found.filter(year=year)
    found.delete()
