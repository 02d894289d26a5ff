"""goldthread audits refresh [--la CODE]: recompute the stored case-audit measures (run daily, e.g. from cron,
so that overdue actions and the rolling three-month window move on with the calendar)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from goldthread.audits.actions import recompute_audit_measures
from goldthread.audits.models import Audit, AuditAction
from goldthread.cliutil import find_council
from goldthread.councils.models import LocalAuthority


class Command(BaseCommand):
    help = "Case audits: 'refresh' recomputes the stored audit measures for every council with audits (or --la)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["refresh"])
        parser.add_argument("--la", help="one council: its ONS code, old LA code or name")

    def handle(self, *args, **options):
        if options["la"]:
            councils = [find_council(options["la"])]
        else:
            ids = set(Audit.objects.values_list("council_id", flat=True)) | set(
                AuditAction.objects.values_list("council_id", flat=True))
            councils = list(LocalAuthority.objects.filter(pk__in=ids).order_by("name"))
        for council in councils:
            stored = recompute_audit_measures(council)
            self.stdout.write(f"{council}: {stored} audit measure values stored.")
        if not councils:
            self.stdout.write("No council has case audits yet.")
