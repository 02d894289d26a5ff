"""State changes for extracts. Views and commands call these; nothing else writes extracts."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from goldthread.accounts.access import Access, may_upload, may_withdraw_extracts
from goldthread.core._gc import gc_paused
from goldthread.core.annexa import spec as S
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.plausibility import Concern, compare, profile
from goldthread.core.annexa.reader import AnnexA, Progress
from goldthread.core.annexa.transfer import read_annex_a_safely
from goldthread.core.measures import Context, Result, compute_all
from goldthread.core.untrusted import Limits
from goldthread.councils.actions import data_changed
from goldthread.councils.models import LocalAuthority
from goldthread.store.actions import record_extract

from .models import ROW_MODELS, Extract, Upload, ValidationIssue
from .queries import live_extracts, stored_profile

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
    concerns: list[Concern] = field(default_factory=list)  # accepted differences from the previous extract


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def read_limits() -> Limits:
    """Memory and time for the process that reads a file from a user (see goldthread.core.untrusted)."""
    return Limits(django_settings.GOLDTHREAD_READ_MEMORY_MB, django_settings.GOLDTHREAD_READ_SECONDS)


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


def previous_extract(council: LocalAuthority, extract_date: dt.date) -> Extract | None:
    """The extract a new one as at ``extract_date`` is compared with: the council's latest live extract before
    that date, else its earliest after it (a file filling a gap in the history)."""
    live = live_extracts(council)
    return live.filter(extract_date__lt=extract_date).last() or live.filter(extract_date__gt=extract_date).first()


def concerns_about(council: LocalAuthority, annex: AnnexA) -> list[Concern]:
    """How the new extract differs from the council's previous one beyond the usual change (see
    goldthread.core.annexa.plausibility)."""
    previous = previous_extract(council, annex.extract_date)
    if previous is None:
        return []
    history = [e.row_counts for e in live_extracts(council).filter(extract_date__lt=previous.extract_date)]
    return compare(profile(annex, annex.extract_date), stored_profile(previous),
                   history=[{int(k): v for k, v in h.items()} for h in history], council=council.name,
                   population=council.child_population(annex.extract_date))


def _date_refusal(annex: AnnexA) -> str:
    proposal = annex.date_proposal
    reason = f" {proposal.reason}" if proposal else ""
    return (f"No extract date was given, so goldthread proposes {annex.extract_date:%d/%m/%Y}.{reason} Import again "
            f"with --extract-date {annex.extract_date:%d/%m/%Y} (or the right date), or with --accept-warnings to "
            "use the proposed date.")


def _concerns_refusal(council: LocalAuthority, concerns: list[Concern]) -> str:
    lines = "\n".join(f"  - {c.message}" for c in concerns)
    return (f"The import was refused because this file differs from {council.name}'s previous extract far more than "
            f"usual:\n{lines}\nIf it is the right file, import it again with --accept-warnings.")


def import_extract(council: LocalAuthority, path: str | Path, *, extract_date: dt.date | None = None,
                   uploaded_by=None, replace: bool = False, progress: Progress | None = None,
                   display_name: str | None = None, accept_warnings: bool = False,
                   confirmed: set[str] | None = None, date_was_proposed: bool = False) -> ImportOutcome:
    """Read (in the limited reading process), check and store one Annex A extract, all or nothing.

    The same file imported again changes nothing. Without ``extract_date`` the date is proposed from the file
    and used only with ``accept_warnings`` (``date_was_proposed`` records that a given date is a proposal the
    uploader confirmed). Everything else is ``import_annex``'s. Raises ``UnreadableFile`` or ``ImportRefused``;
    either way the database is unchanged."""
    path = Path(path)
    name = display_name or path.name
    try:
        digest = file_digest(path)
    except OSError as exc:
        raise UnreadableFile(f"{name} could not be opened: {exc.strerror or exc}.") from None
    existing = live_extracts(council).filter(sha256=digest).first()
    if existing is not None:
        return ImportOutcome(existing, created=False)
    annex = read_annex_a_safely(path, extract_date=extract_date, progress=progress, display_name=display_name,
                                limits=read_limits())
    if extract_date is None and not accept_warnings:
        raise ImportRefused(_date_refusal(annex))
    return import_annex(council, annex, sha256=digest, source_name=name,
                        date_given=extract_date is not None and not date_was_proposed,
                        uploaded_by=uploaded_by, replace=replace, progress=progress, accept_warnings=accept_warnings,
                        confirmed=confirmed)


def import_annex(council: LocalAuthority, annex: AnnexA, *, sha256: str, source_name: str, date_given: bool = True,
                 uploaded_by=None, replace: bool = False, progress: Progress | None = None,
                 accept_warnings: bool = False, confirmed: set[str] | None = None) -> ImportOutcome:
    """Check and store an extract already read, all or nothing.

    A different file for a date the council already has is refused unless ``replace`` is set, in which case the
    old extract is replaced in the same transaction. Differences from the council's previous extract beyond the
    usual change (``concerns_about``) are refused unless ``accept_warnings``, or unless each is in ``confirmed``
    (the keys the uploader confirmed on the portal). Raises ``ImportRefused``; the database is then unchanged."""
    existing = live_extracts(council).filter(sha256=sha256).first()
    if existing is not None:
        return ImportOutcome(existing, created=False)
    if annex.extract_date > timezone.localdate():
        raise ImportRefused(f"The extract date {annex.extract_date:%d/%m/%Y} is in the future; give the date the "
                            "extract was taken.")
    clash = live_extracts(council).filter(extract_date=annex.extract_date).first()
    if clash is not None and not replace:
        raise ImportRefused(f"{council} already has an extract as at {annex.extract_date:%d/%m/%Y} (from "
                            f"{clash.source_name}); import again with --replace to replace it.")
    concerns = concerns_about(council, annex)
    unconfirmed = [c for c in concerns if c.key not in (confirmed or set())]
    if unconfirmed and not accept_warnings:
        raise ImportRefused(_concerns_refusal(council, unconfirmed))
    if progress:
        progress("computing measures", 1, 1)
    results = compute_all(annex, measure_context(council, annex.extract_date))
    try:
        with transaction.atomic(), gc_paused():
            if clash is not None:
                _delete_extract(clash)
            extract = Extract.objects.create(
                council=council, extract_date=annex.extract_date, extract_date_inferred=not date_given,
                source_name=source_name[:255], sha256=sha256, uploaded_by=uploaded_by,
                row_counts={str(n): c for n, c in annex.row_counts.items()},
                rejected_counts={str(n): c for n, c in annex.rows_rejected.items() if c},
                error_count=len(annex.errors), warning_count=len(annex.warnings),
                accepted_concerns=[c.as_dict() for c in concerns])
            _store_rows(extract, annex, progress)
            ValidationIssue.objects.bulk_create(
                [ValidationIssue(extract=extract, severity=i.severity, kind=i.kind, message=i.message,
                                 list_number=i.list_number, sheet=i.sheet or "", row=i.row, column=i.column or "",
                                 value=i.value or "", expected=i.expected or "") for i in annex.issues],
                batch_size=BATCH)
            record_extract(extract, results)
            data_changed(council)
    except IntegrityError:
        # Another import for the same council and date (or of the same file) committed first.
        raise ImportRefused(f"Another extract for {council} as at {annex.extract_date:%d/%m/%Y} was imported at the "
                            "same moment, so this one was not; check the council's extracts and import again with "
                            "--replace if this one should replace it.") from None
    log.info("imported extract %s for council %s: %s rows, %s errors, %s warnings", extract.pk,
             council.ons_code, extract.total_rows, extract.error_count, extract.warning_count)
    return ImportOutcome(extract, created=True, annex=annex, replaced=clash is not None, concerns=concerns)


def _delete_extract(extract: Extract) -> None:
    """Remove an extract and everything stored with it (its rows are deleted list by list first: a cascade
    through eleven tables of tens of thousands of rows is slower)."""
    for model in ROW_MODELS.values():
        model.objects.filter(extract=extract).delete()
    extract.delete()
    data_changed(extract.council)


def recompute_measures(extract: Extract) -> dict[str, Result]:
    """Compute every measure again from the stored rows (after a change of settings or of a definition)."""
    from .queries import StoredAnnexA

    results = compute_all(StoredAnnexA(extract), measure_context(extract.council, extract.extract_date))
    with transaction.atomic():
        record_extract(extract, results)
        data_changed(extract.council)
    return results


# --------------------------------------------------------------------------- withdrawing an extract


def withdraw_extract(access: Access, extract: Extract, *, reason: str) -> Extract:
    """Stop using an extract (a council admin, with a reason): from now on every page, measure, target status
    and plan status uses the council's other extracts, as if it had not been imported. Its rows are kept
    until the retention period passes (``purge_withdrawn``), so it can be reinstated until then."""
    require(may_withdraw_extracts(access), "Only the council's admins can withdraw an extract.")
    if extract.council_id != access.council.pk:
        raise PermissionDenied("That extract is not this council's.")
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why the extract is being withdrawn.")
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.withdrawn_at is not None:
            return locked
        locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = timezone.now(), access.membership.user, reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        data_changed(access.council)
    log.info("extract %s of council %s withdrawn by user %s", extract.pk, access.council.ons_code,
             access.membership.user_id)
    return locked


def reinstate_extract(access: Access, extract: Extract) -> Extract:
    """Use a withdrawn extract again (while its rows are kept), unless another extract for its date has been
    imported since."""
    require(may_withdraw_extracts(access), "Only the council's admins can reinstate an extract.")
    if extract.council_id != access.council.pk:
        raise PermissionDenied("That extract is not this council's.")
    if extract.purged_at is not None:
        raise ValueError("This extract's rows have been deleted (the retention period passed), so it cannot be "
                         "reinstated: import the file again.")
    if live_extracts(access.council).filter(extract_date=extract.extract_date).exclude(pk=extract.pk).exists():
        raise ValueError(f"{access.council} has another extract as at {extract.extract_date:%d/%m/%Y} in use: "
                         "withdraw that one first.")
    if live_extracts(access.council).filter(sha256=extract.sha256).exclude(pk=extract.pk).exists():
        raise ValueError("The same file has been imported again since, and that copy is in use.")
    with transaction.atomic():
        Extract.objects.filter(pk=extract.pk).update(withdrawn_at=None, withdrawn_by=None, withdrawn_reason="",
                                                     reinstated_at=timezone.now())
        data_changed(access.council)
    extract.refresh_from_db()
    return extract


def purge_withdrawn(now: dt.datetime | None = None) -> int:
    """Delete the rows, issues and measure values of extracts withdrawn longer ago than the retention period
    (GOLDTHREAD_WITHDRAWN_RETENTION_DAYS), keeping the record of the extract and why it was withdrawn.
    Returns how many were purged. The worker runs this daily."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=django_settings.GOLDTHREAD_WITHDRAWN_RETENTION_DAYS)
    purged = 0
    for extract in Extract.objects.filter(withdrawn_at__lte=cutoff, purged_at__isnull=True):
        with transaction.atomic():
            for model in ROW_MODELS.values():
                model.objects.filter(extract=extract).delete()
            extract.issues.all().delete()
            extract.figures.all().delete()
            Extract.objects.filter(pk=extract.pk).update(purged_at=now)
        purged += 1
    return purged


# --------------------------------------------------------------------------- uploads through the portal

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".zip", ".csv")


def uploads_folder() -> Path:
    folder = Path(django_settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _upload_path(upload: Upload) -> Path:
    return uploads_folder() / upload.stored_name


def _forget_file(upload: Upload) -> None:
    _upload_path(upload).unlink(missing_ok=True)


def receive_upload(access: Access, uploaded, *, extract_date: dt.date | None = None) -> Upload:
    """Keep an uploaded file privately and queue its validation (the worker reads it in the limited reading
    process). Nothing is imported until ``confirm_upload``."""
    require(may_upload(access), "Your role does not include uploading extracts.")
    suffix = Path(uploaded.name).suffix.lower()
    stored = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_folder() / stored
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            fh.write(chunk)
    path.chmod(0o600)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                council=access.council, uploaded_by=access.membership.user, original_name=uploaded.name[:255],
                stored_name=stored, size=uploaded.size, sha256=digest.hexdigest(), extract_date=extract_date,
                extract_date_given=extract_date is not None, status=Upload.CHECKING,
                progress={"stage": "waiting to be checked"})
            _enqueue("validate_upload", upload)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return upload


def check_again(access: Access, upload: Upload, *, extract_date: dt.date) -> Upload:
    """Validate the upload again against the extract date the uploader gives (after a proposed one)."""
    require(may_upload(access), "Your role does not include uploading extracts.")
    with transaction.atomic():
        updated = Upload.objects.filter(pk=upload.pk, status=Upload.VALIDATED).update(
            extract_date=extract_date, extract_date_given=True, status=Upload.CHECKING,
            progress={"stage": "waiting to be checked"})
        if updated:
            _enqueue("validate_upload", upload)
    upload.refresh_from_db()
    return upload


def _progress_for(upload_id: int) -> Progress:
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and done not in (total, 1):
            return  # at most four writes a second
        last[0] = now
        Upload.objects.filter(pk=upload_id).update(progress={"stage": stage, "done": done, "total": total})

    return progress


def validate_upload(upload_id: int) -> str:
    """Read and check an upload (the worker's job): its issues, row counts, the extract date (proposed from the
    file when none was given) and how it differs from the council's previous extract."""
    upload = Upload.objects.select_related("council").filter(pk=upload_id, status=Upload.CHECKING).first()
    if upload is None:
        return "gone"
    path = _upload_path(upload)
    try:
        annex = read_annex_a_safely(path, extract_date=upload.extract_date if upload.extract_date_given else None,
                                    progress=_progress_for(upload.pk), display_name=upload.original_name,
                                    limits=read_limits())
    except UnreadableFile as exc:
        _forget_file(upload)
        Upload.objects.filter(pk=upload.pk).update(status=Upload.REFUSED, message=str(exc), progress={})
        return Upload.REFUSED
    concerns = concerns_about(upload.council, annex)
    Upload.objects.filter(pk=upload.pk, status=Upload.CHECKING).update(
        status=Upload.VALIDATED, extract_date=annex.extract_date, checked_at=timezone.now(),
        date_proposal=annex.date_proposal.as_dict() if annex.date_proposal else None,
        row_counts={str(n): c for n, c in annex.row_counts.items()}, issues=[i.as_dict() for i in annex.issues],
        concerns=[c.as_dict() | {"key": c.key} for c in concerns], progress={})
    return Upload.VALIDATED


def confirm_upload(access: Access, upload: Upload, *, replace: bool = False, date_confirmed: bool = False,
                   concerns_read: bool = False) -> Upload:
    """Queue the import of a validated upload once the uploader has confirmed a proposed extract date and read
    every concern. Raises ValueError (one sentence) when something is still to be confirmed."""
    require(may_upload(access), "Your role does not include uploading extracts.")
    if upload.council_id != access.council.pk:
        raise PermissionDenied("That upload is not this council's.")
    if not upload.extract_date_given and not date_confirmed:
        raise ValueError("Confirm the extract date, or give the right one")
    if upload.concerns and not concerns_read:
        raise ValueError("Confirm you have checked the differences from the previous extract")
    with transaction.atomic():
        updated = Upload.objects.filter(pk=upload.pk, status=Upload.VALIDATED).update(
            status=Upload.QUEUED, replace=replace, confirmed_by=access.membership.user, confirmed_at=timezone.now(),
            progress={"stage": "waiting to start"})
        if updated:
            _enqueue("import_upload", upload)
    upload.refresh_from_db()
    return upload


def import_upload(upload_id: int) -> str:
    """Import a confirmed upload, all or nothing (the worker's job), recording progress on the Upload."""
    upload = Upload.objects.select_related("council", "uploaded_by").filter(
        pk=upload_id, status__in=(Upload.QUEUED, Upload.IMPORTING)).first()
    if upload is None:
        return "gone"
    Upload.objects.filter(pk=upload.pk).update(status=Upload.IMPORTING, progress={"stage": "starting"})
    confirmed = {c["key"] for c in upload.concerns}
    try:
        outcome = import_extract(upload.council, _upload_path(upload), extract_date=upload.extract_date,
                                 uploaded_by=upload.uploaded_by, replace=upload.replace,
                                 progress=_progress_for(upload.pk), display_name=upload.original_name,
                                 confirmed=confirmed, date_was_proposed=not upload.extract_date_given)
    except (UnreadableFile, ImportRefused) as exc:
        _forget_file(upload)
        Upload.objects.filter(pk=upload.pk).update(status=Upload.REFUSED, message=str(exc), progress={})
        return Upload.REFUSED
    except Exception:
        log.exception("import of upload %s failed", upload.pk)
        _forget_file(upload)
        Upload.objects.filter(pk=upload.pk).update(status=Upload.FAILED, progress={}, message=(
            "The import failed part way, so nothing was stored and the previous extract is still in use."))
        return Upload.FAILED
    _forget_file(upload)
    status = Upload.IMPORTED if outcome.created else Upload.UNCHANGED
    Upload.objects.filter(pk=upload.pk).update(status=status, extract=outcome.extract, progress={})
    return status


def upload_abandoned(upload_id: int, *, retrying: bool) -> None:
    """A job for the upload was interrupted (its worker stopped): it is queued again, or with no tries left
    marked failed, never left 'checking' or 'importing'."""
    if retrying:
        Upload.objects.filter(pk=upload_id, status=Upload.IMPORTING).update(
            status=Upload.QUEUED, progress={"stage": "waiting to start again after an interruption"})
        return
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None or upload.status not in (Upload.CHECKING, Upload.QUEUED, Upload.IMPORTING):
        return
    _forget_file(upload)
    Upload.objects.filter(pk=upload_id).update(status=Upload.FAILED, progress={}, message=(
        "The work on this file was interrupted twice (the service restarted), so nothing was stored and the "
        "previous extract is still in use. Upload the file again."))


def clean_uploads(now: dt.datetime | None = None) -> int:
    """Delete uploaded files nobody will import: validated but unconfirmed ones older than
    GOLDTHREAD_UPLOAD_KEEP_HOURS (the upload is marked expired), and files no upload waits for (left by a
    crash). Returns how many files were deleted. The worker runs this every few minutes."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=django_settings.GOLDTHREAD_UPLOAD_KEEP_HOURS)
    deleted = 0
    for upload in Upload.objects.filter(status=Upload.VALIDATED, uploaded_at__lt=cutoff):
        _forget_file(upload)
        Upload.objects.filter(pk=upload.pk, status=Upload.VALIDATED).update(
            status=Upload.EXPIRED, message="Nobody confirmed the import within "
            f"{django_settings.GOLDTHREAD_UPLOAD_KEEP_HOURS} hours, so the file was deleted. Upload it again to import it.")
        deleted += 1
    waiting = set(Upload.objects.filter(status__in=Upload.WAITING).values_list("stored_name", flat=True))
    grace = (now - dt.timedelta(minutes=10)).timestamp()
    for file in uploads_folder().iterdir():
        if file.name not in waiting and file.stat().st_mtime < grace:
            file.unlink(missing_ok=True)
            deleted += 1
    return deleted


def _enqueue(job: str, upload: Upload) -> None:
    """Queue a job for an upload in the current transaction: the job row is committed with the upload's new
    state, or not at all (the database queue makes the two one transaction)."""
    from . import tasks

    getattr(tasks, job).enqueue(upload.pk)
