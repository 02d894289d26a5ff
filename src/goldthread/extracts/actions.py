"""State changes for extracts. Views and commands call these; nothing else writes extracts."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings as django_settings
from django.db import connection, transaction

from goldthread.core._gc import gc_paused
from goldthread.core.annexa import spec as S
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.reader import AnnexA, Progress, read_annex_a
from goldthread.core.measures import Context, Result, compute_all
from goldthread.councils.actions import data_changed
from goldthread.councils.models import LocalAuthority

from .models import ROW_MODELS, Extract, MeasureBreakdown, MeasureValue, Upload, ValidationIssue

log = logging.getLogger(__name__)
BATCH = 2000


class ImportRefused(Exception):
    """The import was refused; ``str(exc)`` is one sentence for the user. The database is unchanged."""


@dataclass
class ImportOutcome:
    extract: Extract
    created: bool  # False when the very same file had been imported before
    annex: AnnexA | None = None
    replaced: bool = False


def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    return digest.hexdigest()


def measure_context(council: LocalAuthority, as_at: dt.date) -> Context:
    settings = getattr(council, "settings", None)
    values = {}
    if settings is not None:
        values = dict(cp_visit_working_days=settings.cp_visit_working_days,
                      cin_visit_working_days=settings.cin_visit_working_days,
                      caseload_threshold=settings.caseload_threshold)
    return Context(as_at=as_at, child_population=council.child_population(as_at), **values)


def _column_values(series: pd.Series, kind: str) -> list:
    if kind == S.DATE:
        days = series.to_numpy(dtype="datetime64[D]")
        return [None if np.isnat(d) else d.item() for d in days]
    return [None if v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v)) else v
            for v in series.astype(object).to_numpy()]


def _store_rows(extract: Extract, annex: AnnexA, progress: Progress | None) -> None:
    for step, list_spec in enumerate(S.LISTS, start=1):
        if progress:
            progress("storing lists", step, len(S.LISTS))
        table = annex.table(list_spec.number)
        if table.empty:
            continue
        model = ROW_MODELS[list_spec.number]
        names = list(list_spec.names)
        columns = [_column_values(table[name], list_spec.column(name).kind) for name in names]
        numbers = table["row_number"].tolist()
        extras = table["extra"].tolist()
        objects = [model(extract_id=extract.pk, row_number=number, extra=extra, **dict(zip(names, values, strict=True)))
                   for number, extra, values in zip(numbers, extras, zip(*columns, strict=True), strict=True)]
        model.objects.bulk_create(objects, batch_size=BATCH)


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _store_measures(extract: Extract, results: dict[str, Result]) -> None:
    MeasureValue.objects.bulk_create([
        MeasureValue(extract=extract, measure_id=mid, value=r.value, numerator=r.numerator,
                     denominator=r.denominator, note=r.note or "")
        for mid, r in results.items()
    ])
    MeasureBreakdown.objects.bulk_create([
        MeasureBreakdown(extract=extract, measure_id=mid, dimension=dimension, group=str(row.group)[:200],
                         value=_number(row.value), numerator=_number(row.numerator),
                         denominator=_number(row.denominator))
        for mid, r in results.items() for dimension, frame in r.breakdowns.items()
        for row in frame.itertuples(index=False)
    ], batch_size=BATCH)


def import_extract(council: LocalAuthority, path: str | Path, *, extract_date: dt.date | None = None,
                   uploaded_by=None, replace: bool = False, progress: Progress | None = None,
                   display_name: str | None = None) -> ImportOutcome:
    """Read, validate and store one Annex A extract, all or nothing.

    The same file imported again changes nothing. A different file for a date the council already has
    is refused unless ``replace`` is set, in which case the old extract is replaced in the same
    transaction. Raises ``UnreadableFile`` or ``ImportRefused``; either way the database is unchanged.
    """
    path = Path(path)
    name = display_name or path.name
    try:
        digest = file_digest(path)
    except OSError as exc:
        raise UnreadableFile(f"{name} could not be opened: {exc.strerror or exc}.") from None
    existing = Extract.objects.filter(council=council, sha256=digest).first()
    if existing is not None:
        return ImportOutcome(existing, created=False)
    annex = read_annex_a(path, extract_date=extract_date, progress=progress, display_name=display_name)
    if annex.extract_date > dt.date.today():
        raise ImportRefused(f"The extract date {annex.extract_date:%d/%m/%Y} is in the future; give the date the "
                            "extract was taken.")
    clash = Extract.objects.filter(council=council, extract_date=annex.extract_date).first()
    if clash is not None and not replace:
        raise ImportRefused(f"{council} already has an extract as at {annex.extract_date:%d/%m/%Y} (from "
                            f"{clash.source_name}); import again with --replace to replace it.")
    if progress:
        progress("computing measures", 1, 1)
    results = compute_all(annex, measure_context(council, annex.extract_date))
    with transaction.atomic(), gc_paused():
        if clash is not None:
            clash.delete()
        extract = Extract.objects.create(
            council=council, extract_date=annex.extract_date, extract_date_inferred=annex.extract_date_inferred,
            source_name=name[:255], sha256=digest, uploaded_by=uploaded_by,
            row_counts={str(n): c for n, c in annex.row_counts.items()},
            rejected_counts={str(n): c for n, c in annex.rows_rejected.items() if c},
            error_count=len(annex.errors), warning_count=len(annex.warnings))
        _store_rows(extract, annex, progress)
        ValidationIssue.objects.bulk_create(
            [ValidationIssue(extract=extract, severity=i.severity, kind=i.kind, message=i.message,
                             list_number=i.list_number, sheet=i.sheet or "", row=i.row, column=i.column or "",
                             value=i.value or "", expected=i.expected or "") for i in annex.issues],
            batch_size=BATCH)
        _store_measures(extract, results)
        data_changed(council)
    log.info("imported extract %s for council %s: %s rows, %s errors, %s warnings", extract.pk,
             council.ons_code, extract.total_rows, extract.error_count, extract.warning_count)
    return ImportOutcome(extract, created=True, annex=annex, replaced=clash is not None)


def recompute_measures(extract: Extract) -> dict[str, Result]:
    """Compute every measure again from the stored rows (after a change of settings or of a definition)."""
    from .queries import StoredAnnexA

    results = compute_all(StoredAnnexA(extract), measure_context(extract.council, extract.extract_date))
    with transaction.atomic():
        extract.measure_values.all().delete()
        extract.breakdowns.all().delete()
        _store_measures(extract, results)
        data_changed(extract.council)
    return results


# --------------------------------------------------------------------------- uploads through the portal

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".zip", ".csv")


def uploads_folder() -> Path:
    folder = Path(django_settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def receive_upload(council: LocalAuthority, uploaded, user, extract_date: dt.date | None = None) -> Upload:
    """Keep an uploaded file privately and validate it. The Upload records the issues (or the one
    sentence saying why the file cannot be read); nothing is imported until ``confirm_upload``."""
    suffix = Path(uploaded.name).suffix.lower()
    stored = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_folder() / stored
    with path.open("wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    path.chmod(0o600)
    upload = Upload(council=council, uploaded_by=user, original_name=uploaded.name[:255], stored_name=stored,
                    size=uploaded.size, extract_date=extract_date)
    try:
        annex = read_annex_a(path, extract_date=extract_date, display_name=uploaded.name)
    except UnreadableFile as exc:
        path.unlink(missing_ok=True)
        upload.status, upload.message = Upload.REFUSED, str(exc)
        upload.save()
        return upload
    upload.extract_date, upload.extract_date_inferred = annex.extract_date, annex.extract_date_inferred
    upload.row_counts = {str(n): c for n, c in annex.row_counts.items()}
    upload.issues = [i.as_dict() for i in annex.issues]
    upload.save()
    return upload


def confirm_upload(upload: Upload, *, replace: bool = False) -> Upload:
    """Import a validated upload, all or nothing, recording progress on the Upload as it goes."""
    path = uploads_folder() / upload.stored_name

    def progress(stage: str, done: int, total: int) -> None:
        Upload.objects.filter(pk=upload.pk).update(progress={"stage": stage, "done": done, "total": total})

    Upload.objects.filter(pk=upload.pk).update(status=Upload.IMPORTING, progress={"stage": "starting"})
    try:
        outcome = import_extract(upload.council, path, extract_date=upload.extract_date, uploaded_by=upload.uploaded_by,
                                 replace=replace, progress=progress, display_name=upload.original_name)
    except (UnreadableFile, ImportRefused) as exc:
        upload.status, upload.message = Upload.REFUSED, str(exc)
    except Exception:
        log.exception("import of upload %s failed", upload.pk)
        upload.status, upload.message = Upload.FAILED, (
            "The import failed part way, so nothing was stored and the previous extract is still in use.")
    else:
        upload.status = Upload.IMPORTED if outcome.created else Upload.UNCHANGED
        upload.extract = outcome.extract
        path.unlink(missing_ok=True)
    upload.save(update_fields=["status", "message", "extract"])
    return upload


def confirm_upload_in_background(upload: Upload, *, replace: bool = False) -> None:
    """Start the import on a thread so the page can show progress (no job queue needed); in tests and
    when GOLDTHREAD_IMPORT_IN_BACKGROUND is off, import before returning."""
    if not django_settings.GOLDTHREAD_IMPORT_IN_BACKGROUND:
        confirm_upload(upload, replace=replace)
        return

    def run() -> None:
        try:
            confirm_upload(upload, replace=replace)
        finally:
            connection.close()

    threading.Thread(target=run, name=f"import-upload-{upload.pk}", daemon=True).start()
