"""goldthread demo: a working goldthread on SQLite with two fictional councils, then serve it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from goldthread.accounts.models import Membership, NationalRole
from goldthread.core.annexa.synth import SynthConfig, write_workbook
from goldthread.councils.actions import load_councils
from goldthread.councils.models import LocalAuthority
from goldthread.extracts.actions import import_extract
from goldthread.national.actions import load_packaged
from goldthread.plans.demo import date_extracts_as_received
from goldthread.store.queries import has_national

# The two demonstration councils: one recovering from 'inadequate' (strong a year after the demo's
# latest extract, so its months show the climb), one doing well.
DEMO_COUNCILS = (
    ("E06999901", dict(size="medium", profile="improving", seed=11, council_name="Northby")),
    ("E06999902", dict(size="small", profile="strong", seed=22, council_name="Southmoor")),
)
DEMO_MONTHS = 6
DEMO_PASSWORD = "goldthread-demo"  # noqa: S105  documented in the README; the demo listens on 127.0.0.1 only
# One login per role in Northby (the practitioner is Annex A's allocated worker "worker name" below), an
# analyst in Southmoor, and a DfE adviser with roles in both.
NORTHBY, SOUTHMOOR = "E06999901", "E06999902"
DEMO_USERS = (
    ("director", "Northby's director of children's services", ((NORTHBY, "council_admin"),)),
    ("manager", "Northby's head of service", ((NORTHBY, "manager"),)),
    ("analyst", "Northby's performance analyst", ((NORTHBY, "analyst"),)),
    ("auditor", "Northby's quality assurance lead", ((NORTHBY, "auditor"),)),
    ("practitioner", "a Northby social worker", ((NORTHBY, "practitioner"),)),
    ("board", "a member of Northby's improvement board", ((NORTHBY, "viewer"),)),
    ("southmoor", "Southmoor's performance analyst", ((SOUTHMOOR, "analyst"),)),
    ("adviser", "a DfE adviser overseeing both councils", ((NORTHBY, "viewer"), (SOUTHMOOR, "viewer"))),
    ("national", "a regional improvement alliance's analyst, who keeps the intervention register", ()),
)


def practitioner_worker() -> str:
    """The allocated worker with the most open child protection plans in Northby's latest extract."""
    from goldthread.extracts.models import ROW_MODELS, Extract

    latest = Extract.objects.filter(council__ons_code=NORTHBY).order_by("-extract_date").first()
    rows = ROW_MODELS[7].objects.filter(extract=latest, cpp_end_date__isnull=True).exclude(allocated_worker=None)
    names = list(rows.values_list("allocated_worker", flat=True))
    return max(set(names), key=names.count) if names else ""


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    ends, day = [], last
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends)


class Command(BaseCommand):
    help = "Set up the demo (SQLite, two fictional councils, six monthly extracts each) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up, but do not start the server")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--months", type=int, default=DEMO_MONTHS)

    def handle(self, *args, **options):
        out = self.stdout
        call_command("migrate", verbosity=0, interactive=False)
        summary = load_councils()
        out.write(f"Councils: {summary.councils} loaded.")
        if not has_national():
            national = load_packaged()
            out.write(f"National data: {national.values:,} indicator values and {national.inspections:,} "
                      "Ofsted inspections loaded.")
        folder = settings.DATA_DIR / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        for code, settings_ in DEMO_COUNCILS:
            config = SynthConfig(**settings_, improved_by=last.replace(year=last.year + 1, day=28))
            council = LocalAuthority.objects.get(ons_code=code)
            for as_at in month_ends(last, options["months"]):
                path = folder / f"{config.council_name.lower()}-annex-a-{as_at:%Y-%m-%d}.xlsx"
                if not path.exists():
                    write_workbook(path, config, as_at)
                outcome = import_extract(council, path, extract_date=as_at, replace=True)
                state = "imported" if outcome.created else "already there"
                out.write(f"{council}: extract as at {as_at:%d/%m/%Y} {state} "
                          f"({outcome.extract.total_rows:,} rows).")
            # As if each month's extract had arrived a few days after its date, so that past views (the plan
            # as it stood at a board meeting) show what was known then.
            date_extracts_as_received(council)
        users = get_user_model()
        worker = practitioner_worker()
        for username, who, roles in DEMO_USERS:
            user, _ = users.objects.get_or_create(username=username, defaults={"first_name": who})
            user.set_password(DEMO_PASSWORD)
            user.save()
            for code, role in roles:
                Membership.objects.update_or_create(
                    user=user, council=LocalAuthority.objects.get(ons_code=code),
                    defaults={"role": role, "worker_name": worker if role == "practitioner" else ""})
        NationalRole.objects.update_or_create(
            user=users.objects.get(username="national"),
            defaults={"role": NationalRole.EDITOR, "organisation": "Regional improvement alliance (demo)"})
        from goldthread.audits.demo import demo_audits

        done = demo_audits(LocalAuthority.objects.get(ons_code=NORTHBY), auditor=users.objects.get(username="auditor"),
                           moderator=users.objects.get(username="manager"),
                           owner=users.objects.get(username="practitioner"), last_month_end=last)
        if done:
            out.write(f"Northby: {done} case audits over three months, with moderation and actions.")
        from goldthread.plans.demo import demo_plan

        if demo_plan(LocalAuthority.objects.get(ons_code=NORTHBY), director=users.objects.get(username="director"),
                     manager=users.objects.get(username="manager"), owner=users.objects.get(username="practitioner")):
            out.write("Northby: an improvement plan with three priorities, actions, success measures and visits.")
        out.write(f"Demo logins (password '{DEMO_PASSWORD}'): {', '.join(u for u, _, _ in DEMO_USERS)}; "
                  f"'practitioner' is {worker} in Northby's Annex A.")
        if not options["no_serve"]:
            out.write(f"goldthread demo: http://127.0.0.1:{options['port']}/  (Ctrl+C to stop)")
            call_command("serve", port=options["port"])
