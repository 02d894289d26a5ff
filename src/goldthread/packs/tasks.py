"""Jobs for packs, run by `goldthread worker`: making a pack someone asked for on the portal. A board pack as a PDF
takes a few seconds (benchmarks/packs.py), longer than a page should, so the page records the request, queues it in
the same transaction and follows its progress. The job takes the pack's id and an attempt number (a job
interrupted by a stopped worker is run once more; see goldthread.jobs)."""

from __future__ import annotations

from django_tasks import task

from goldthread.jobs import recoverable

from . import actions


@recoverable(actions.pack_abandoned)
@task()
def make_pack(pack_id: int, attempt: int = 1) -> str:
    return actions.make_queued(pack_id)
