from django.core.management.base import BaseCommand

from goldthread.councils.actions import load_councils


class Command(BaseCommand):
    help = "Load (or refresh) the register of councils and their ONS child populations."

    def add_arguments(self, parser):
        parser.add_argument("--no-fictional", action="store_true", help="leave out the two demonstration councils")

    def handle(self, *args, **options):
        summary = load_councils(fictional=not options["no_fictional"])
        self.stdout.write(f"{summary.councils} councils loaded, {summary.populations} population figures.")
