"""goldthread serve: run goldthread on 127.0.0.1 (for production, see the README's guide: gunicorn)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve goldthread on 127.0.0.1 for local use."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False, use_threading=True)
