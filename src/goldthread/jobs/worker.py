"""`goldthread worker`: runs jobs from the database queue, beats a heart so others know it is alive, finds jobs
whose worker stopped (and retries or fails them), and runs the registered housekeeping.

The queue is django-tasks-db's: its worker claims one ready job at a time (safely across several workers on
PostgreSQL) and runs it on the main thread. A second thread, the keeper, writes this worker's heartbeat every
HEARTBEAT_SECONDS, recovers abandoned jobs every RECOVER_SECONDS and runs each housekeeping function on its
schedule. Nothing personal is logged: job ids and outcomes only."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from . import MAX_ATTEMPTS, PERIODIC, RECOVERABLE, discover
from .models import WorkerHeartbeat

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
STALE_SECONDS = 60  # a worker not seen for this long has stopped
RECOVER_SECONDS = 30
INTERRUPTED = "goldthread.jobs.worker.Interrupted"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def beat(worker_id: str, *, started: bool = False) -> None:
    now = timezone.now()
    defaults = {"last_seen": now, "host": socket.gethostname()[:255], "pid": os.getpid()}
    if started:
        defaults["started_at"] = now
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults=defaults,
                                             create_defaults={**defaults, "started_at": now})


def recover_abandoned(now=None, *, stale_seconds: int = STALE_SECONDS) -> list[str]:
    """Jobs marked running whose worker has stopped beating: mark each failed ('interrupted') and, if it has
    tries left, queue it again (its ``on_abandoned`` hook says so on its record first); with none left, the
    hook marks its record failed. Returns the ids of the jobs recovered."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    discover()
    now = now or timezone.now()
    alive = set(WorkerHeartbeat.objects.filter(last_seen__gte=now - dt.timedelta(seconds=stale_seconds))
                .values_list("worker_id", flat=True))
    recovered = []
    for job in DBTaskResult.objects.running():
        if job.worker_ids and job.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=INTERRUPTED,
                traceback="The worker running this job stopped before it finished.")
            if not taken:
                continue  # another worker recovered it first
            recovery = RECOVERABLE.get(job.task_path)
            if recovery is not None:
                args, kwargs = job.args_kwargs["args"], job.args_kwargs["kwargs"]
                attempt = int(kwargs.get("attempt", 1))
                retrying = attempt < MAX_ATTEMPTS
                recovery.on_abandoned(*args, retrying=retrying)
                if retrying:
                    recovery.task.enqueue(*args, **{**kwargs, "attempt": attempt + 1})
        log.warning("job %s (%s) was interrupted when its worker stopped", job.pk, job.task_path.rsplit(".", 1)[-1])
        recovered.append(str(job.pk))
    WorkerHeartbeat.objects.filter(last_seen__lt=now - dt.timedelta(seconds=10 * stale_seconds)).delete()
    return recovered


class Keeper(threading.Thread):
    """The worker's second thread: heartbeat, recovery of abandoned jobs, housekeeping on schedule."""

    def __init__(self, worker_id: str):
        super().__init__(name="goldthread-keeper", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()
        self.next_run: dict[str, float] = {}

    def tick(self) -> None:
        beat(self.worker_id)
        now = time.monotonic()
        if now >= self.next_run.get("recover", 0):
            recover_abandoned()
            self.next_run["recover"] = now + RECOVER_SECONDS
        for name, (every, function) in PERIODIC.items():
            if now >= self.next_run.get(name, 0):
                try:
                    function()
                except Exception:
                    log.exception("housekeeping %s failed", name)
                self.next_run[name] = now + every

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.tick()
                except Exception:
                    log.exception("the worker's keeper could not run")
                finally:
                    close_old_connections()
                self.stopping.wait(HEARTBEAT_SECONDS)
        finally:
            connection.close()


def run_worker(*, worker_id: str | None = None, interval: float = 1.0, batch: bool = False,
               max_tasks: int | None = None) -> None:
    """Run jobs until stopped (SIGTERM or Ctrl-C finish the current job first), or with ``batch`` until the queue
    is empty."""
    from django_tasks_db.management.commands.db_worker import Worker

    discover()
    worker_id = worker_id or new_worker_id()
    beat(worker_id, started=True)
    recover_abandoned()
    keeper = Keeper(worker_id)
    keeper.start()
    worker = Worker(queue_names=["*"], interval=interval, batch=batch, backend_name="default", startup_delay=False,
                    max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[])
    worker.configure_signals()
    try:
        worker.run()
    finally:
        keeper.stopping.set()
        keeper.join(timeout=HEARTBEAT_SECONDS + 5)
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def run_pending(worker_id: str = "inline") -> int:
    """Run every job that is ready, here and now, one after another, in this thread (for tests: unlike
    ``run_worker`` it never closes the database connection, so it works inside a test's transaction). Returns
    how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    discover()
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
    ran = 0
    while (job := DBTaskResult.objects.ready().first()) is not None:
        job.claim(worker_id)
        worker.run_task(job)
        ran += 1
    return ran
