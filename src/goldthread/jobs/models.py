"""Which workers are alive: each `goldthread worker` writes its heartbeat here every few seconds, so a job
whose worker has stopped (a restart, a crash, a killed process) is found and retried or marked failed."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid}), last seen {self.last_seen:%H:%M:%S}"
