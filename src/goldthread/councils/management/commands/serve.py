"""goldthread serve: run goldthread on 127.0.0.1 with a worker beside it (for production, see the README's
guide: gunicorn and `goldthread worker` as two services)."""

from __future__ import annotations

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve goldthread on 127.0.0.1 for local use, with a worker for uploads (stopped with the server)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="do not start a worker")

    def handle(self, *args, **options):
        worker = None
        if not options["no_worker"]:
            # The same interpreter and settings (the environment is inherited): `goldthread worker`.
            worker = subprocess.Popen([sys.executable, "-m", "goldthread", "worker"])  # noqa: S603
            self.stdout.write(f"Started a worker for uploads (process {worker.pid}).")
        try:
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
