"""The worker: jobs wait in the database, run once, and a job whose worker stopped is retried or marked failed,
never left 'importing'. Housekeeping deletes files nobody will import."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goldthread.accounts.access import Access
from goldthread.accounts.models import Membership
from goldthread.conftest import NORTHBY, SAMPLE
from goldthread.extracts import actions
from goldthread.extracts.models import Extract, Upload
from goldthread.jobs.models import WorkerHeartbeat
from goldthread.jobs.worker import beat, recover_abandoned


@pytest.fixture
def analyst_access(people):
    membership = Membership.objects.select_related("council").get(user=people["analyst"], council__ons_code=NORTHBY)
    return Access(membership.council, membership)


def uploaded(access, date=dt.date(2021, 3, 31)) -> Upload:
    return actions.receive_upload(access, SimpleUploadedFile("annex.xlsx", SAMPLE.read_bytes()), extract_date=date)


def test_receiving_an_upload_queues_its_check_in_the_same_transaction(analyst_access):
    upload = uploaded(analyst_access)
    job = DBTaskResult.objects.get()
    assert job.task_path == "goldthread.extracts.tasks.validate_upload"
    assert job.args_kwargs == {"args": [upload.pk], "kwargs": {}}


def test_an_import_interrupted_by_a_stopped_worker_runs_again_then_is_marked_failed(analyst_access, run_jobs,
                                                                                    settings):
    upload = uploaded(analyst_access)
    run_jobs()
    upload.refresh_from_db()
    actions.confirm_upload(analyst_access, upload)
    job = DBTaskResult.objects.get(task_path="goldthread.extracts.tasks.import_upload")
    # A worker claims the import, starts it, and is killed: its heartbeat stops.
    beat("doomed")
    job.claim("doomed")
    Upload.objects.filter(pk=upload.pk).update(status=Upload.IMPORTING)
    assert recover_abandoned() == []  # still beating: not abandoned
    WorkerHeartbeat.objects.filter(worker_id="doomed").update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert recover_abandoned() == [str(job.pk)]
    job.refresh_from_db()
    assert job.status == "FAILED" and job.exception_class_path == "goldthread.jobs.worker.Interrupted"
    upload.refresh_from_db()
    assert upload.status == Upload.QUEUED  # queued again, never left 'importing'
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [upload.pk], "kwargs": {"attempt": 2}}

    # The second attempt is interrupted too: no tries left, so the upload is marked failed and its file deleted.
    beat("doomed-too")
    retry.claim("doomed-too")
    Upload.objects.filter(pk=upload.pk).update(status=Upload.IMPORTING)
    assert recover_abandoned(now=timezone.now() + dt.timedelta(minutes=5)) == [str(retry.pk)]
    upload.refresh_from_db()
    assert upload.status == Upload.FAILED and "interrupted twice" in upload.message
    assert not (settings.DATA_DIR / "uploads" / upload.stored_name).exists()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert Extract.objects.count() == 0


def test_an_interrupted_import_that_is_retried_completes(analyst_access, run_jobs):
    upload = uploaded(analyst_access)
    run_jobs()
    upload.refresh_from_db()
    actions.confirm_upload(analyst_access, upload)
    DBTaskResult.objects.get(status="READY").claim("gone")
    recover_abandoned()
    assert run_jobs() == 1
    upload.refresh_from_db()
    assert upload.status == Upload.IMPORTED and Extract.objects.count() == 1


def test_unconfirmed_uploads_and_stray_files_are_deleted(analyst_access, run_jobs, settings):
    settings.GOLDTHREAD_UPLOAD_KEEP_HOURS = 24
    waiting = uploaded(analyst_access)
    run_jobs()
    folder = settings.DATA_DIR / "uploads"
    stray_old, stray_new = folder / "crashed.xlsx", folder / "arriving.xlsx"
    stray_old.write_bytes(b"left by a crash")
    stray_new.write_bytes(b"being written now")
    an_hour_ago = time.time() - 3600
    os.utime(stray_old, (an_hour_ago, an_hour_ago))
    assert actions.clean_uploads() == 1  # only the old stray file: the upload is within its 24 hours
    assert not stray_old.exists() and stray_new.exists() and (folder / waiting.stored_name).exists()

    later = timezone.now() + dt.timedelta(hours=25)
    assert actions.clean_uploads(now=later) == 2  # the unconfirmed upload, and the other stray file by then old
    waiting.refresh_from_db()
    assert waiting.status == Upload.EXPIRED and "Nobody confirmed the import within 24 hours" in waiting.message
    assert list(folder.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_goldthread_worker_once_runs_the_queue_and_leaves_no_heartbeat(councils, people, capsys):
    membership = Membership.objects.select_related("council").get(user=people["analyst"], council__ons_code=NORTHBY)
    upload = uploaded(Access(membership.council, membership))
    call_command("worker", "--once")
    upload.refresh_from_db()
    assert upload.status == Upload.VALIDATED
    assert not WorkerHeartbeat.objects.exists()
