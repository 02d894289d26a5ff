"""State changes for national data: loading publications, and keeping the intervention register."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction

from goldthread.core.national import indicators as ind
from goldthread.core.national import interventions as iv
from goldthread.core.national._util import data_folder
from goldthread.core.national.bundle import load_all
from goldthread.core.national.dfe import read_child_population
from goldthread.core.national.lookups import read_code_map
from goldthread.core.national.ofsted import JUDGEMENTS, OUTCOMES_2025_ODS, read_inspections
from goldthread.councils.actions import load_councils
from goldthread.councils.models import LocalAuthority

from .models import (
    AggregateValue,
    IndicatorValue,
    Inspection,
    Intervention,
    NationalFile,
    StatisticalNeighbour,
)

log = logging.getLogger(__name__)
OFSTED_OUTCOMES = "ofsted_outcomes"
ACCEPTED = ("a DfE explore-education-statistics CSV (children in need, child protection, children looked after, "
            "care leavers, workforce or ONS population), MHCLG's RO3 workbook, the deprivation CSV, or Ofsted's "
            "local authority inspection outcomes workbook")


class NationalLoadError(Exception):
    """A file could not be loaded; ``str(exc)`` is one sentence. Nothing was changed."""


@dataclass
class LoadReport:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file name, dataset, rows)
    values: int = 0
    aggregates: int = 0
    inspections: int = 0
    neighbours: int = 0
    unknown_codes: set[str] = field(default_factory=set)


def _none(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _councils() -> dict[str, LocalAuthority]:
    return {c.ons_code: c for c in LocalAuthority.objects.all()}


def _value_objects(frame: pd.DataFrame, councils: dict, report: LoadReport) -> list[IndicatorValue]:
    objects = []
    for r in frame.itertuples(index=False):
        council = councils.get(r.la_code)
        if council is None:
            report.unknown_codes.add(str(r.la_code))
            continue
        objects.append(IndicatorValue(indicator_id=r.indicator_id, council=council, year=int(r.year),
                                      value=_none(r.value), numerator=_none(r.numerator),
                                      denominator=_none(r.denominator), marker=_none(r.marker) or ""))
    return objects


def _aggregate_objects(frame: pd.DataFrame) -> list[AggregateValue]:
    return [AggregateValue(indicator_id=r.indicator_id, geography=r.geography, level=r.level, year=int(r.year),
                           value=_none(r.value), numerator=_none(r.numerator), denominator=_none(r.denominator),
                           marker=_none(r.marker) or "", derived=bool(r.derived))
            for r in frame.drop_duplicates(["indicator_id", "geography", "year"]).itertuples(index=False)]


def _inspection_objects(frame: pd.DataFrame, councils: dict, report: LoadReport) -> list[Inspection]:
    objects = []
    for r in frame.to_dict("records"):
        council = councils.get(r["la_code"])
        if council is None:
            report.unknown_codes.add(str(r["la_code"]))
            continue
        dates = {k: (r[k].date() if _none(r[k]) is not None else None) for k in ("inspection_date", "publication_date")}
        grades = {k: (_none(r[k]) if r[k] not in ("nan", "None") else None) or "" for k in JUDGEMENTS}
        objects.append(Inspection(
            council=council, framework=r["framework"], inspection_type=r["inspection_type"], **dates, **grades,
            visit_theme=("" if r["visit_theme"] in ("nan", "None") else r["visit_theme"]) or "",
            sources=_none(r["sources"]) or "",
            source_note=("" if r["source_note"] in ("nan", "None") else r["source_note"]) or ""))
    return objects


def _neighbour_objects(frame: pd.DataFrame, councils: dict) -> list[StatisticalNeighbour]:
    return [StatisticalNeighbour(model=str(r.model), council=councils[r.la_code], neighbour=councils[r.neighbour_code],
                                 rank=int(r.rank), closeness=_none(r.closeness) or "")
            for r in frame.itertuples(index=False) if r.la_code in councils and r.neighbour_code in councils]


@transaction.atomic
def load_packaged(folder: Path | None = None) -> LoadReport:
    """Replace all national data with what the packaged (or given) data folder holds."""
    national = load_all(folder)
    load_councils(folder)  # the register first, so every code below has its council
    councils = _councils()
    report = LoadReport()
    values = ind.indicator_values(national)
    aggregates = ind.aggregate_values(national)
    for model in (IndicatorValue, AggregateValue, Inspection, StatisticalNeighbour, NationalFile):
        model.objects.all().delete()
    report.values = len(IndicatorValue.objects.bulk_create(_value_objects(values, councils, report), batch_size=5000))
    report.aggregates = len(AggregateValue.objects.bulk_create(_aggregate_objects(aggregates), batch_size=5000))
    report.inspections = len(Inspection.objects.bulk_create(
        _inspection_objects(national.inspections, councils, report), batch_size=2000))
    report.neighbours = len(StatisticalNeighbour.objects.bulk_create(
        _neighbour_objects(national.statistical_neighbours, councils)))
    base = data_folder(folder)
    for path in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md"):
        kind = ind.identify_dataset(path) or (OFSTED_OUTCOMES if path.parent.name == "ofsted" else "lookup")
        NationalFile.objects.create(dataset=kind, name=path.name, sha256=_digest(path))
        report.files.append((path.name, kind, 0))
    log.info("national data loaded: %s values, %s inspections", report.values, report.inspections)
    return report


def _is_ofsted_outcomes(path: Path) -> bool:
    if path.suffix.lower() not in (".ods", ".xlsx"):
        return False
    try:
        sheets = pd.ExcelFile(path, engine="calamine").sheet_names
    except Exception:  # noqa: BLE001 - anything unreadable is simply not this workbook
        return False
    return any("inspection_history" in s.lower() for s in sheets)


@contextlib.contextmanager
def _with_packaged(path: Path, relative: str) -> Iterator[Path]:
    """A data folder holding the packaged files, with ``path`` in place of the one at ``relative``."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        shutil.copytree(data_folder(None), base, dirs_exist_ok=True)
        shutil.copyfile(path, base / relative)
        yield base


def _read_file(path: Path, code_map, population) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(dataset, council values or inspections, aggregates) for one file; NationalLoadError if unusable."""
    if not path.is_file():
        raise NationalLoadError(f"{path.name} does not exist or is not a file.")
    if _is_ofsted_outcomes(path):
        try:
            with _with_packaged(path, OUTCOMES_2025_ODS) as folder:
                return OFSTED_OUTCOMES, read_inspections(folder, code_map), pd.DataFrame()
        except Exception as exc:  # noqa: BLE001 - the reader's own message is not for users
            raise NationalLoadError(f"{path.name} looks like Ofsted's inspection outcomes workbook but its "
                                    f"sheets are not laid out as the 2025 edition ({type(exc).__name__}).") from None
    kind = ind.identify_dataset(path)
    if kind is None:
        raise NationalLoadError(f"{path.name} is not a publication goldthread recognises: expected {ACCEPTED}.")
    try:
        kind, table = ind.read_dataset(path, code_map)
        ctx = ind.IndicatorContext(code_map, population)
        chosen = [i for i in ind.INDICATORS.values() if i.source == kind]
        values = [i.function(table, ctx).assign(indicator_id=i.id) for i in chosen]
        aggregates = [i.aggregates(table, ctx).assign(indicator_id=i.id) for i in chosen]
    except Exception as exc:  # noqa: BLE001
        raise NationalLoadError(f"{path.name} looks like the {kind} dataset but could not be read "
                                f"({type(exc).__name__}: {exc}).") from None
    values = pd.concat(values, ignore_index=True) if values else pd.DataFrame(columns=ind.LONG_COLUMNS)
    aggregates = [a for a in aggregates if len(a)]
    aggregates = pd.concat(aggregates, ignore_index=True) if aggregates else pd.DataFrame(
        columns=["indicator_id", *ind.AGGREGATE_COLUMNS])
    return kind, values, aggregates


def load_files(paths: list[Path]) -> LoadReport:
    """Load newer publications of the same formats. Every file is read first; if any cannot be used,
    nothing changes. Values for the same indicator, council and year are replaced; others are kept."""
    code_map = read_code_map()
    population = read_child_population(code_map=code_map)
    read = [(path, *_read_file(Path(path), code_map, population)) for path in paths]
    councils = _councils()
    report = LoadReport()
    with transaction.atomic():
        for path, kind, values, aggregates in read:
            path = Path(path)
            if kind == OFSTED_OUTCOMES:
                Inspection.objects.all().delete()
                rows = len(Inspection.objects.bulk_create(_inspection_objects(values, councils, report)))
                report.inspections += rows
            else:
                for (indicator_id, year), _ in values.groupby(["indicator_id", "year"]):
                    IndicatorValue.objects.filter(indicator_id=indicator_id, year=int(year)).delete()
                for (indicator_id, year), _ in aggregates.groupby(["indicator_id", "year"]):
                    AggregateValue.objects.filter(indicator_id=indicator_id, year=int(year)).delete()
                rows = len(IndicatorValue.objects.bulk_create(_value_objects(values, councils, report),
                                                              batch_size=5000))
                report.values += rows
                report.aggregates += len(AggregateValue.objects.bulk_create(_aggregate_objects(aggregates)))
            NationalFile.objects.create(dataset=kind, name=path.name, sha256=_digest(path), rows=rows)
            report.files.append((path.name, kind, rows))
    return report


# --------------------------------------------------------------------------- interventions


class InterventionImportError(Exception):
    def __init__(self, problems: list[iv.Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the file, so nothing was imported.")


@transaction.atomic
def import_interventions(path, created_by=None) -> tuple[int, list[iv.Problem]]:
    """Add the interventions in a CSV to the register, all or nothing. Rows already in the register
    (same council, kind and start date) are updated, not duplicated. Returns (rows, warnings)."""
    table, problems = iv.read_interventions_csv(path, read_code_map())
    if iv.has_errors(problems):
        raise InterventionImportError(problems)
    councils = _councils()
    count = 0
    for r in table.itertuples(index=False):
        council = councils.get(r.la_code)
        if council is None:
            raise InterventionImportError([iv.Problem("error", str(path), int(r.row), "la_code", r.la_code,
                                                      f"{r.la_name} is not in the register of councils")])
        Intervention.objects.update_or_create(
            council=council, kind=r.kind, start_date=r.start_date.date() if hasattr(r.start_date, "date") else r.start_date,
            defaults=dict(end_date=_none(r.end_date).date() if _none(r.end_date) is not None else None,
                          notes=_none(r.notes) or "", source=_none(r.source) or "", created_by=created_by))
        count += 1
    return count, problems
