"""The audit pages end to end through the test client: plan a programme, conduct, reflect, moderate, agree
an action, close and verify it; and what each role sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goldthread.accounts.models import AccessLogEntry
from goldthread.audits.models import Audit, AuditAction
from goldthread.conftest import NORTHBY, PRACTITIONER_WORKER, PRACTITIONERS_CHILD
from goldthread.core.measures import CASE_AUDITS
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"audits:{name}", args=[NORTHBY, *args])


def _plan(client, **more):
    data = {"title": "March audits", "month-day": "1", "month-month": "3", "month-year": "2021", "size": "4",
            "method": "risk", "stratify_by": "team", "exclude_months": "6", "seed": "7"}
    client.get(_url("new_programme"))  # gives the council its shipped tools
    from goldthread.audits.models import AuditTool

    data["tool"] = str(AuditTool.objects.get(name="Practice quality audit").pk)
    data.update(more)
    return client.post(_url("new_programme"), data)


def _complete(audit, grade="good"):
    data = {"revision": str(audit.revision), "submit": "yes", "overall_grade": grade,
            "summary": "Visits are regular; the plan lacks contingency.", "themes": ["Drift and delay"]}
    for section in audit.tool_version.sections:
        data[f"evidence-{section['key']}"] = f"Evidence for {section['title']}"
        if section.get("graded", True):
            data[f"grade-{section['key']}"] = grade
    return data


def test_the_whole_loop_through_the_pages(client, people, northby_extract):
    client.force_login(people["auditor"])
    response = _plan(client)
    audits = list(Audit.objects.order_by("pk"))
    assert response.status_code == 302 and len(audits) == 4
    programme_page = client.get(response["Location"]).content.decode()
    assert all(a.child_id in programme_page for a in audits)
    assert "Risk-weighted" in programme_page

    audit = audits[0]
    # A draft with a missing grade saves; submitting it says what is missing.
    draft = _complete(audit)
    draft.pop(f"grade-{audit.tool_version.sections[0]['key']}")
    draft["submit"] = "yes"
    refused = client.post(_url("conduct", audit.pk), draft)
    assert refused.status_code == 200 and "Choose a grade for" in refused.content.decode()
    draft["submit"] = "no"
    assert client.post(_url("conduct", audit.pk), draft).status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.DRAFT and audit.revision == 1
    assert client.post(_url("conduct", audit.pk), _complete(audit, "requires_improvement")).status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.SUBMITTED and audit.auditor == people["auditor"]

    # The practice conversation: the allocated worker adds a reflection with their name.
    client.force_login(people["manager"])
    client.post(_url("reflection", audit.pk), {"role": "team_manager", "text": "We will review the plan."})
    page = client.get(_url("audit", audit.pk)).content.decode()
    assert "We will review the plan." in page and "max" in page

    # Moderation by someone else: a changed grade needs a reason.
    sections = {f"grade-{s['key']}": "requires_improvement" for s in audit.tool_version.sections if s.get("graded", True)}
    first = audit.tool_version.sections[0]["key"]
    refused = client.post(_url("moderate", audit.pk), {**sections, f"grade-{first}": "inadequate",
                                                       "overall_grade": "requires_improvement", "reason": ""})
    assert "Give a reason for changing the grade" in refused.content.decode()
    client.post(_url("moderate", audit.pk), {**sections, "overall_grade": "requires_improvement", "reason": ""})
    audit.refresh_from_db()
    assert audit.status == Audit.MODERATED and audit.moderated_grade == "requires_improvement"

    # An action for the practitioner, closed with evidence, verified by someone else.
    client.post(_url("new_action", audit.pk), {"kind": "child", "description": "Add a contingency plan",
                                               "owner": str(people["practitioner"].pk), "priority": "high",
                                               "due-day": "30", "due-month": "4", "due-year": "2031"})
    action = AuditAction.objects.get()
    client.force_login(people["practitioner"])
    mine = client.get(_url("actions")).content.decode()
    assert "Add a contingency plan" in mine
    client.post(_url("action", action.pk), {"step": "close", "evidence": "Plan updated on 2 April"})
    action.refresh_from_db()
    assert action.status == AuditAction.CLOSED
    # The owner cannot verify their own action.
    assert client.post(_url("action", action.pk), {"step": "verify", "note": "ok"}).status_code == 403
    client.force_login(people["auditor"])
    client.post(_url("action", action.pk), {"step": "verify", "note": "Seen in the record"})
    action.refresh_from_db()
    assert action.status == AuditAction.VERIFIED and action.verified_by == people["auditor"]

    # The learning page and the audit measures.
    learning = client.get(_url("learning")).content.decode()
    assert "Drift and delay" in learning and "Requires improvement" in learning
    stored = {v.measure_id: v for v in Figure.objects.filter(source=CASE_AUDITS, as_at=dt.date.today())}
    assert stored["audits_completed"].value == 1
    assert stored["audits_good_or_better"].value == 0
    dashboard = client.get(reverse("portal:dashboard", args=[NORTHBY])).content.decode()
    assert "Practice quality (case audits)" in dashboard and "Audits graded good or better" in dashboard
    # Every child-level audit page was logged.
    assert AccessLogEntry.objects.filter(child_id=audit.child_id, subject__startswith="case audit").exists()


def test_practitioners_see_only_audits_of_their_own_children(client, people, northby_extract):
    client.force_login(people["manager"])
    _plan(client, size="2", method="random")
    other = Audit.objects.first()
    theirs = Audit.objects.create(council=other.council, tool_version=other.tool_version, child_id=PRACTITIONERS_CHILD,
                                  allocated_worker=PRACTITIONER_WORKER.upper(), status=Audit.PLANNED)
    assert other.allocated_worker.casefold() != PRACTITIONER_WORKER.casefold()
    client.force_login(people["practitioner"])
    assert client.get(_url("audit", theirs.pk)).status_code == 200
    assert client.get(_url("audit", other.pk)).status_code == 404
    client.force_login(people["viewer"])
    assert client.get(_url("audit", theirs.pk)).status_code == 403
    assert client.get(_url("learning")).status_code == 200
