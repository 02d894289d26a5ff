"""Jobs for extracts, run by `goldthread worker`: checking an upload and importing it. Each takes the upload's
id and an attempt number (a job interrupted by a stopped worker is run once more; see goldthread.jobs)."""

from __future__ import annotations

from django_tasks import task

from goldthread.jobs import periodic, recoverable

from . import actions


@recoverable(actions.upload_abandoned)
@task()
def validate_upload(upload_id: int, attempt: int = 1) -> str:
    return actions.validate_upload(upload_id)


@recoverable(actions.upload_abandoned)
@task()
def import_upload(upload_id: int, attempt: int = 1) -> str:
    return actions.import_upload(upload_id)


@periodic(every_seconds=300)
def clean_uploads() -> int:
    """Delete uploaded files nobody will import (unconfirmed too long, or left by a crash)."""
    return actions.clean_uploads()


@periodic(every_seconds=6 * 3600)
def purge_withdrawn() -> int:
    """Delete the rows of extracts withdrawn longer ago than the retention period."""
    return actions.purge_withdrawn()
