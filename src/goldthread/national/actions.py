"""State changes for national data: loading publications, and keeping the intervention register."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from goldthread.accounts.access import (
    enforce_national,
    may_decide_proposal,
    may_edit_register,
    may_propose_correction,
)
from goldthread.accounts.models import display_name
from goldthread.core.national import indicators as ind
from goldthread.core.national import interventions as iv
from goldthread.core.national import risk
from goldthread.core.national._util import data_folder
from goldthread.core.national.bundle import NationalData, load_all
from goldthread.core.national.deprivation import read_utla_deprivation
from goldthread.core.national.dfe import read_child_population
from goldthread.core.national.lookups import read_code_map
from goldthread.core.national.ofsted import JUDGEMENTS, OUTCOMES_2025_ODS, read_inspections
from goldthread.core.national.risk_drivers import SEPARATOR
from goldthread.core.national.risk_features import FEATURE_INDICATORS, FeatureSource, StoredFigures
from goldthread.core.national.risk_protocol import N_BOOT, fingerprint, fixed_protocol
from goldthread.councils.actions import data_changed, load_councils
from goldthread.councils.models import LocalAuthority
from goldthread.store.actions import forget_national, national_figure, record_national
from goldthread.store.queries import has_national

from .models import (
    Inspection,
    Intervention,
    InterventionProposal,
    NationalFile,
    RiskBacktest,
    RiskScore,
    SlippingScore,
    StatisticalNeighbour,
)
from .queries import aggregates_frame, inspections_frame, values_frame

log = logging.getLogger(__name__)
NOT_AN_EDITOR = ("Only national editors (the DfE and regional improvement alliances) can change the intervention "
                 "register.")
OFSTED_OUTCOMES = "ofsted_outcomes"
ACCEPTED = ("a DfE explore-education-statistics CSV (children in need, child protection, children looked after, "
            "care leavers, workforce or ONS population), MHCLG's RO3 workbook, the deprivation CSV, or Ofsted's "
            "local authority inspection outcomes workbook")


class NationalLoadError(Exception):
    """A file could not be loaded; ``str(exc)`` is one sentence. Nothing was changed."""


@dataclass
class RiskReport:
    as_of: dt.date
    councils: int
    n_boot: int
    seconds: float
    auc: dict[str, dict]  # target -> the primary model's AUC entry (estimate, lower, upper), development origins
    model: str = ""  # the primary model the backtest chose
    watchlist: int = 0  # councils on the slipping-from-good watchlist


@dataclass
class RiskResults:
    """What ``compute_risk`` computed and ``store_risk`` keeps: the backtest report (with its predictions),
    every current council's scores and the slipping-from-good watchlist, all at ``as_of``."""

    as_of: dt.date
    n_boot: int
    report: dict
    scores: pd.DataFrame
    watchlist: pd.DataFrame
    seconds: float


@dataclass
class LoadReport:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file name, dataset, rows)
    values: int = 0
    aggregates: int = 0
    inspections: int = 0
    neighbours: int = 0
    unknown_codes: set[str] = field(default_factory=set)
    risk: RiskReport | None = None
    years: dict[str, list[int]] = field(default_factory=dict)  # file name -> the years of values it gave


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


def _value_figures(frame: pd.DataFrame, councils: dict, report: LoadReport, known_from) -> list:
    """Each council's published figures, for the measure store."""
    figures = []
    for r in frame.itertuples(index=False):
        council = councils.get(r.la_code)
        if council is None:
            report.unknown_codes.add(str(r.la_code))
            continue
        figures.append(national_figure(r.indicator_id, year=int(r.year), council=council, area=council.ons_code,
                                       level="Local authority", value=_none(r.value), numerator=_none(r.numerator),
                                       denominator=_none(r.denominator), marker=_none(r.marker) or "",
                                       known_from=known_from))
    return figures


def _aggregate_figures(frame: pd.DataFrame, known_from) -> list:
    """England's and each region's published figures, for the measure store."""
    return [national_figure(r.indicator_id, year=int(r.year), area=r.geography, level=r.level,
                            value=_none(r.value), numerator=_none(r.numerator), denominator=_none(r.denominator),
                            marker=_none(r.marker) or "", derived=bool(r.derived), known_from=known_from)
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
def load_packaged(folder: Path | None = None, *, with_risk: bool = True) -> LoadReport:
    """Replace all national data with what the packaged (or given) data folder holds, then (unless
    ``with_risk`` is False) recompute the early-warning scores and their backtest."""
    national = load_all(folder)
    load_councils(folder)  # the register first, so every code below has its council
    councils = _councils()
    report = LoadReport()
    values = ind.indicator_values(national)
    aggregates = ind.aggregate_values(national)
    forget_national()
    for model in (Inspection, StatisticalNeighbour, NationalFile):
        model.objects.all().delete()
    now = timezone.now()
    report.values = record_national(_value_figures(values, councils, report, now))
    report.aggregates = record_national(_aggregate_figures(aggregates, now))
    report.inspections = len(Inspection.objects.bulk_create(
        _inspection_objects(national.inspections, councils, report), batch_size=2000))
    report.neighbours = len(StatisticalNeighbour.objects.bulk_create(
        _neighbour_objects(national.statistical_neighbours, councils)))
    base = data_folder(folder)
    # The packaged files are the ones DATASETS names (no need to read them again to tell which is which); a
    # folder given in their place is recognised by content.
    packaged = {d.packaged_file: d.key for d in ind.DATASETS.values()} if folder is None else {}
    for path in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md"):
        kind = packaged.get(path.name) or ind.identify_dataset(path) or \
            (OFSTED_OUTCOMES if path.parent.name == "ofsted" else "lookup")
        NationalFile.objects.create(dataset=kind, name=path.name, sha256=_digest(path))
        report.files.append((path.name, kind, 0))
    data_changed()  # England's figures on every council's pages
    if not with_risk:
        return report
    try:
        report.risk = refresh_risk(national=national)
    except ValueError as exc:  # too few inspections in this data to fit the model: keep no stale scores
        log.warning("early-warning scores not computed: %s", exc)
        _clear_risk()
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


def load_files(paths: list[Path], *, with_risk: bool = True) -> LoadReport:
    """Load newer publications of the same formats. Every file is read first; if any cannot be used,
    nothing changes. Values for the same indicator, council and year are replaced; others are kept. A file
    holding several years (an RO3 workbook with a sheet per year) gives every year it holds. Then (unless
    ``with_risk`` is False) the early-warning scores are recomputed from what is now stored, so the model
    uses the new figures (another year's spending, next year's census)."""
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
                for (indicator_id, year), _ in pd.concat([values[["indicator_id", "year"]],
                                                          aggregates[["indicator_id", "year"]]]).groupby(
                        ["indicator_id", "year"]):
                    forget_national(indicator_id, int(year))
                now = timezone.now()
                rows = record_national(_value_figures(values, councils, report, now))
                report.values += rows
                report.aggregates += record_national(_aggregate_figures(aggregates, now))
                report.years[path.name] = sorted({int(y) for y in values["year"].dropna()})
            NationalFile.objects.create(dataset=kind, name=path.name, sha256=_digest(path), rows=rows)
            report.files.append((path.name, kind, rows))
        data_changed()  # England's figures on every council's pages
    if with_risk:
        try:
            report.risk = refresh_risk()
        except ValueError as exc:  # too few inspections in this data to fit the model: keep no stale scores
            log.warning("early-warning scores not computed: %s", exc)
            _clear_risk()
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
    (same council, kind and start date) are updated, not duplicated. Returns (rows, warnings).
    ``created_by`` must be a national editor; None is the operator's ``goldthread national interventions
    import`` on the server."""
    enforce_national(may_edit_register, created_by, message=NOT_AN_EDITOR)
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
        fields = dict(end_date=_none(r.end_date).date() if _none(r.end_date) is not None else None,
                      notes=_none(r.notes) or "", source=_none(r.source) or "", updated_by=created_by)
        Intervention.objects.update_or_create(
            council=council, kind=r.kind, start_date=r.start_date.date() if hasattr(r.start_date, "date") else r.start_date,
            defaults=fields, create_defaults={**fields, "created_by": created_by})
        count += 1
    return count, problems


# --------------------------------------------------------------------------- early-warning scores


def _clear_risk() -> None:
    RiskScore.objects.all().delete()
    SlippingScore.objects.all().delete()
    RiskBacktest.objects.all().delete()


def stored_figures() -> StoredFigures | None:
    """What ``national load`` stored, for the model (None before anything is loaded)."""
    if not has_national():
        return None
    ids = [i for i, _, _ in FEATURE_INDICATORS]
    aggregates = aggregates_frame()
    england = aggregates[(aggregates["geography"] == ind.ENGLAND) & aggregates["indicator_id"].isin(ids)]
    inspections = inspections_frame()
    return StoredFigures(values=values_frame(ids), england=england[["indicator_id", "year", "value"]],
                         inspections=inspections if len(inspections) else None)


def risk_source(national: NationalData | None = None, folder: Path | None = None) -> FeatureSource:
    """What the early-warning model reads: the figures and inspections ``national load`` stored (packaged and
    loaded files alike), and the packaged deprivation vintages; before anything is loaded, the packaged
    publications themselves. ``goldthread risk`` and the pages therefore use the same figures."""
    stored = stored_figures()
    if national is None and stored is not None and stored.inspections is not None:
        # Everything but deprivation comes from the database: read only the council codes and the deprivation
        # file, not every publication.
        base = data_folder(folder)
        national = _Basics(codes=read_code_map(base), deprivation=read_utla_deprivation(base))
    national = national if national is not None else load_all(folder)
    return FeatureSource.from_national(national, stored)


@dataclass(frozen=True)
class _Basics:
    """The part of the publications the model reads when its figures and inspections come from the database."""

    codes: object
    deprivation: pd.DataFrame


def stored_backtest(source: FeatureSource, n_boot: int = N_BOOT) -> dict | None:
    """The stored backtest summary, if it was computed from exactly these figures (the source's fingerprint),
    by the fixed protocol and with ``n_boot`` resamples; else None (it must be run again)."""
    stored = RiskBacktest.objects.first()
    if stored is None:
        return None
    summary = stored.summary
    fixed = fingerprint(fixed_protocol())
    protocol = summary.get("protocol", {})
    if (summary.get("data", {}).get("fingerprint") != source.fingerprint() or not protocol.get("fixed")
            or protocol.get("fingerprint") != fixed or stored.n_boot != n_boot):
        return None
    return summary


def compute_risk(as_of: dt.date | None = None, n_boot: int = N_BOOT, *, national: NationalData | None = None,
                 folder: Path | None = None, source: FeatureSource | None = None) -> RiskResults:
    """Run the backtest by the fixed protocol (``n_boot`` bootstrap resamples), then score every current
    council and the slipping-from-good watchlist as at ``as_of`` (default today) with the models the backtest
    chose. Reads what ``risk_source`` reads; changes nothing. Raises ValueError when there are too few
    inspections to fit the models."""
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    source = source if source is not None else risk_source(national, folder)
    report = risk.backtest(source=source, n_boot=n_boot)
    scores = risk.score(None, as_of, model=report["primary"]["model"], source=source)
    watch = risk.watchlist(None, as_of, model=report["slipping"]["primary"]["model"], source=source)
    return RiskResults(as_of=as_of, n_boot=n_boot, report=report, scores=scores, watchlist=watch,
                       seconds=time.perf_counter() - started)


def _timing(r) -> dict:
    out = {}
    for key in ("next_inspection", "window_opens", "window_closes", "fixed", "basis", "status", "visit_since",
                "visit_date", "visits_known_from", "data_to", "last_inspection_start"):
        value = _none(getattr(r, key))
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _split(text) -> list[str]:
    return [d for d in (_none(text) or "").split(SEPARATOR) if d]


@transaction.atomic
def store_risk(results: RiskResults) -> RiskReport:
    """Replace the stored RiskScore and SlippingScore rows and the RiskBacktest with ``results``. Pages only
    read what this stores."""
    councils = _councils()
    _clear_risk()
    model = results.scores.attrs.get("model", "")
    RiskScore.objects.bulk_create([
        RiskScore(council=councils[r.la_code], as_of=results.as_of, model=model, p_inadequate=float(r.p_inadequate),
                  p_below_good=float(r.p_below_good), last_judgement=_none(r.last_judgement) or "",
                  last_judgement_date=_none(r.last_judgement_date), drivers=_split(r.drivers),
                  questions=_split(r.questions), next_inspection_due=_none(r.next_inspection_due), timing=_timing(r))
        for r in results.scores.itertuples(index=False) if r.la_code in councils])
    slipping_model = results.watchlist.attrs.get("model", "")
    SlippingScore.objects.bulk_create([
        SlippingScore(council=councils[r.la_code], as_of=results.as_of, model=slipping_model,
                      p_below_good=float(r.p_below_good), last_judgement=_none(r.last_judgement) or "",
                      last_judgement_date=_none(r.last_judgement_date), drivers=_split(r.drivers),
                      questions=_split(r.questions), next_inspection_due=_none(r.next_inspection_due),
                      timing=_timing(r))
        for r in results.watchlist.itertuples(index=False) if r.la_code in councils])
    summary = {key: value for key, value in results.report.items() if key != "predictions"}
    RiskBacktest.objects.create(summary=summary, n_boot=results.n_boot,
                                runtime_seconds=results.report.get("runtime_seconds", 0))
    log.info("early-warning scores refreshed as of %s in %.1f s", results.as_of, results.seconds)
    development = results.report["development"]["targets"]
    return RiskReport(as_of=results.as_of, councils=RiskScore.objects.count(), n_boot=results.n_boot,
                      seconds=results.seconds, model=model, watchlist=SlippingScore.objects.count(),
                      auc={target: entry["models"][model]["auc"] for target, entry in development.items()})


def refresh_risk(as_of: dt.date | None = None, n_boot: int = N_BOOT, *, national: NationalData | None = None,
                 folder: Path | None = None) -> RiskReport:
    """Compute (``compute_risk``: the backtest, then every current council's scores and the slipping-from-good
    watchlist at ``as_of``, default today) and store (``store_risk``) the early-warning figures.

    The model reads what ``national load`` stored (``risk_source``), so files loaded later (another year's
    RO3 spending, a newer census) reach it. Raises ValueError, changing nothing, when there are too few
    inspections to fit the models."""
    return store_risk(compute_risk(as_of, n_boot, national=national, folder=folder))


# --------------------------------------------------------------------------- one intervention


class InterventionError(ValueError):
    """An intervention that cannot be saved; ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@transaction.atomic
def save_intervention(intervention: Intervention | None, *, council: LocalAuthority, kind: str,
                      start_date: dt.date, end_date: dt.date | None = None, notes: str = "", source: str = "",
                      user=None) -> Intervention:
    """Add an intervention to the register (``intervention`` None) or change one. The same rules as the
    CSV import: a kind from KINDS, a real council, an end date (if any) not before the start, and one
    entry per council, kind and start date. Raises InterventionError, changing nothing. ``user`` must be a
    national editor (PermissionDenied); None is a change made on the server with no person behind it."""
    enforce_national(may_edit_register, user, message=NOT_AN_EDITOR)
    _check_entry(council, kind, start_date, end_date)
    clash = Intervention.objects.filter(council=council, kind=kind, start_date=start_date)
    if intervention is not None:
        clash = clash.exclude(pk=intervention.pk)
    if clash.exists():
        raise InterventionError("start_date", f"The register already has '{iv.KINDS[kind]}' for {council.name} "
                                f"starting on {start_date.day} {start_date:%B %Y}: change that entry instead")
    if intervention is None:
        intervention = Intervention(created_by=user)
    intervention.council, intervention.kind = council, kind
    intervention.start_date, intervention.end_date = start_date, end_date
    intervention.notes, intervention.source = notes.strip(), source.strip()
    intervention.updated_by = user
    intervention.save()
    log.info("intervention %s saved by user %s", intervention.pk, getattr(user, "pk", None))
    return intervention


def _check_entry(council: LocalAuthority, kind: str, start_date: dt.date, end_date: dt.date | None) -> None:
    if kind not in iv.KINDS:
        raise InterventionError("kind", f"{kind!r} is not a kind of intervention")
    if council.fictional:
        raise InterventionError("council", f"{council.name} is a demonstration council, not a real one")
    if end_date is not None and end_date < start_date:
        raise InterventionError("end_date", "The end date must be the same as or after the start date")


# --------------------------------------------------------------------------- proposed corrections


@transaction.atomic
def propose_correction(intervention: Intervention, user, *, kind: str, start_date: dt.date,
                       end_date: dt.date | None = None, notes: str = "", source: str = "",
                       reason: str) -> InterventionProposal:
    """A manager or council admin of the entry's council proposes a correction to it (the register is national
    data: a national editor decides). Raises PermissionDenied for anyone else, InterventionError when the
    proposal cannot be made (the same rules as an entry, a reason, and a change)."""
    if not may_propose_correction(user, intervention):
        raise PermissionDenied("Only a manager or council admin of the entry's own council can propose a correction "
                               "to it.")
    _check_entry(intervention.council, kind, start_date, end_date)
    if not reason.strip():
        raise InterventionError("reason", "Say why the entry needs correcting")
    proposed = (kind, start_date, end_date, notes.strip(), source.strip())
    if proposed == (intervention.kind, intervention.start_date, intervention.end_date, intervention.notes,
                    intervention.source):
        raise InterventionError("kind", "Change at least one part of the entry: what you entered is what the "
                                        "register already says")
    made = InterventionProposal.objects.create(
        intervention=intervention, council=intervention.council, kind=kind, start_date=start_date, end_date=end_date,
        notes=notes.strip(), source=source.strip(), reason=reason.strip(), proposed_by=user,
        proposed_by_name=display_name(user))
    log.info("correction %s to intervention %s proposed by user %s", made.pk, intervention.pk, user.pk)
    return made


@transaction.atomic
def decide_proposal(proposal: InterventionProposal, user, *, accept: bool, reason: str = "") -> InterventionProposal:
    """A national editor accepts a proposed correction (the entry takes the proposed values, by the same rules as
    any change to the register) or rejects it with a reason. Raises PermissionDenied for anyone else (and for
    the person who proposed it), InterventionError when it cannot be decided."""
    proposal = InterventionProposal.objects.select_for_update().select_related("intervention__council").get(
        pk=proposal.pk)
    if not may_decide_proposal(user, proposal):
        raise PermissionDenied("Only a national editor who did not propose the correction can decide it.")
    if proposal.status != InterventionProposal.PENDING:
        raise InterventionError("decision", "This correction has already been decided")
    if not accept and not reason.strip():
        raise InterventionError("decision_reason", "Say why the correction is rejected")
    if accept:
        entry = proposal.intervention
        save_intervention(entry, council=entry.council, kind=proposal.kind, start_date=proposal.start_date,
                          end_date=proposal.end_date, notes=proposal.notes, source=proposal.source, user=user)
    proposal.status = InterventionProposal.ACCEPTED if accept else InterventionProposal.REJECTED
    proposal.decided_by, proposal.decided_by_name, proposal.decided_at = user, display_name(user), timezone.now()
    proposal.decision_reason = reason.strip()
    proposal.save()
    log.info("correction %s %s by user %s", proposal.pk, proposal.status, user.pk)
    return proposal
