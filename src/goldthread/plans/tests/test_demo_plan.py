"""The demo's plan, audits and extracts carry realistic past timestamps: its past board meeting shows only what
was known then, and "since the last board meeting" is what came after it, not the whole plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from goldthread.audits.demo import demo_audits
from goldthread.audits.models import Audit, AuditAction
from goldthread.conftest import NORTHBY
from goldthread.core.annexa.synth import SynthConfig, write_workbook
from goldthread.extracts.actions import import_extract
from goldthread.extracts.models import Extract
from goldthread.plans import pages
from goldthread.plans.demo import EXTRACT_RECEIVED_AFTER, demo_plan
from goldthread.plans.models import Plan, Revision, Update, Visit
from goldthread.plans.queries import end_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(councils, people, tmp_path):  # about 25 s: three imports and the audits
    """Northby's demo set-up on three months of small synthetic extracts, as ``goldthread demo`` does it."""
    northby = councils.get(ons_code=NORTHBY)
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    config = SynthConfig(size="small", profile="improving", seed=11, council_name="Northby",
                         improved_by=last.replace(year=last.year + 1, day=28))
    ends, day = [], last
    for _ in range(3):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    for as_at in sorted(ends):
        path = tmp_path / f"northby-{as_at:%Y-%m-%d}.xlsx"
        write_workbook(path, config, as_at)
        import_extract(northby, path, extract_date=as_at, accept_warnings=True)
    assert demo_audits(northby, auditor=people["auditor"], moderator=people["manager"], owner=people["practitioner"],
                       last_month_end=last)
    assert demo_plan(northby, director=people["council_admin"], manager=people["manager"],
                     owner=people["practitioner"])
    return northby


@pytest.mark.slow
def test_the_demo_dates_its_extracts_plan_and_audits_in_the_past_and_its_board_sees_what_it_knew(demo):
    now = timezone.now()
    extracts = list(Extract.objects.filter(council=demo).order_by("extract_date"))
    for extract in extracts:
        received = timezone.make_aware(dt.datetime.combine(extract.extract_date, dt.time())) + EXTRACT_RECEIVED_AFTER
        assert extract.uploaded_at == min(received, extract.uploaded_at)
    assert extracts[0].uploaded_at < extracts[1].uploaded_at < now - dt.timedelta(days=10)
    plan = Plan.objects.get(council=demo)
    assert timezone.localdate(plan.created_at) == extracts[0].extract_date + dt.timedelta(days=12)
    assert Revision.objects.filter(plan=plan, note="Plan created").get().at == plan.created_at
    for audit in Audit.objects.filter(council=demo, submitted_at__isnull=False):
        assert audit.created_at <= audit.submitted_at <= now
        assert audit.moderated_at is None or audit.submitted_at <= audit.moderated_at <= now
    assert not AuditAction.objects.filter(council=demo, closed_at__gt=now).exists()

    # Its board meeting shows what was known then; "since the last board meeting" is what came after it.
    meeting = Visit.objects.get(council=demo, kind=Visit.BOARD)
    moment = end_of(meeting.date)
    first, second, _ = demo.plans.get().priorities.order_by("number")
    known = set(Extract.objects.filter(council=demo, uploaded_at__lte=moment).values_list("extract_date", flat=True))
    assert known and known != set(Extract.objects.filter(council=demo).values_list("extract_date", flat=True))

    then = pages.progress(demo, first, on=meeting.date)
    assert then["then"]["existed"] and then["then"]["priority"]["title"] == first.title
    assert [a.title for a in then["then"]["actions"]] == [a["action"].title for a in then["actions"]]
    (measure,) = then["measures"]
    assert {p.day for p in measure["status"].points} == known  # an Annex A measure: the extracts received by then
    assert all(u.written_at <= moment for u in then["updates"]) and then["updates"]
    audits = then["audits"]["count"]
    assert audits == Audit.objects.filter(council=demo, submitted_at__lte=moment,
                                          submitted_at__gte=moment - dt.timedelta(days=92)).count()

    now = pages.progress(demo, second)
    assert now["meeting"] == meeting
    assert [c.note for c in now["changes"]] == ["Action changed"]  # the clinics rescheduled, not the whole plan
    assert [u.narrative for u in pages.progress(demo, first)["updates_since"]] == [
        Update.objects.filter(action__priority=first).order_by("-written_at").first().narrative]
    assert pages.progress(demo, first)["changes"] == []
