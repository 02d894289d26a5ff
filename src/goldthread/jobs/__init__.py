"""Background jobs: imports, validation of uploads and housekeeping, run by `goldthread worker` from a durable
queue in the database (django-tasks with django-tasks-db), so SQLite and PostgreSQL both work and several
workers can share one PostgreSQL.

An app declares a job with django-tasks' ``@task`` in its ``tasks`` module and, when an interrupted run must be
retried or cleaned up, registers it with ``recoverable``; housekeeping a worker runs on a schedule is registered
with ``periodic``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_ATTEMPTS = 2  # a job interrupted by a stopped worker runs once more, then is marked failed


@dataclass(frozen=True)
class Recovery:
    task: object  # the django-tasks Task
    on_abandoned: Callable[..., None]  # called with the job's arguments and retrying=True/False


RECOVERABLE: dict[str, Recovery] = {}
PERIODIC: dict[str, tuple[float, Callable[[], object]]] = {}  # name -> (every so many seconds, function)


def recoverable(on_abandoned: Callable[..., None]):
    """Register a task whose interrupted runs are retried (up to MAX_ATTEMPTS) with ``attempt`` one higher,
    calling ``on_abandoned(*args, retrying=...)`` first so the job's record says what is happening."""

    def register(task):
        RECOVERABLE[task.module_path] = Recovery(task, on_abandoned)
        return task

    return register


def periodic(every_seconds: float):
    """Register housekeeping that every worker runs every so many seconds (and once when it starts)."""

    def register(function):
        PERIODIC[f"{function.__module__}.{function.__qualname__}"] = (every_seconds, function)
        return function

    return register


def discover() -> None:
    """Import every app's tasks module, so its jobs' recovery and housekeeping are registered (the worker does
    this when it starts; pages and commands that only queue jobs do not need to)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
