"""goldthread worker [--once]"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Run background jobs (checking and importing uploads, housekeeping) from the queue in the database. "
            "Run one or more beside the web server; several can share one PostgreSQL database.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the jobs waiting now, then stop")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when the queue is empty before looking again (default 1)")

    def handle(self, *args, **options):
        from goldthread.jobs.worker import run_worker

        if options["once"]:
            run_worker(batch=True)
            return
        self.stdout.write("goldthread worker: running jobs from the queue (Ctrl-C to stop after the current one).")
        run_worker(interval=options["interval"])
