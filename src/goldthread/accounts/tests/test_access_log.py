"""Every audit page that shows a child is in the access log, with a reason the server decided."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goldthread.accounts.access import OPENED_DIRECTLY
from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import NORTHBY, PRACTITIONER_WORKER, PRACTITIONERS_CHILD


@pytest.fixture
def audit(northby_extract, people):
    from goldthread.audits import actions as do
    from goldthread.audits.models import Audit, AuditTool

    council = northby_extract.council
    do.ensure_shipped_tools(council, people["auditor"])
    tool = AuditTool.objects.get(council=council, name="Practice quality audit")
    found = Audit.objects.create(council=council, tool_version=tool.current, child_id=PRACTITIONERS_CHILD,
                                 allocated_worker=PRACTITIONER_WORKER, status=Audit.PLANNED)
    findings = {s["key"]: {"evidence": "seen", "grade": "good"} for s in tool.current.sections}
    return do.save_audit(found, revision=0, findings=findings, overall_grade="good", summary="fine", themes=[],
                         user=people["auditor"], submit=True)


@pytest.mark.parametrize(("page", "person", "subject", "why"), [
    ("reflection", "practitioner", "(practice conversation)", "adding a reflection to the audit"),
    ("new_action", "manager", "(agreeing an action)", "agreeing an action from the audit"),
    ("reaudit", "auditor", "(scheduling a re-audit)", "scheduling a re-audit of the child"),
])
def test_the_reflection_new_action_and_reaudit_pages_are_logged(client, people, audit, page, person, subject, why):
    client.force_login(people[person])
    url = reverse(f"audits:{page}", args=[NORTHBY, audit.pk])
    AccessLogEntry.objects.all().delete()
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.child_id, entry.subject, entry.why, entry.path, entry.council.ons_code) == (
        people[person].username, PRACTITIONERS_CHILD, f"case audit {audit.pk} {subject}", why, url, NORTHBY)
    # A form shown again with its errors shows the child again: logged again.
    assert client.post(url, {}).status_code == 200
    assert AccessLogEntry.objects.count() == 2


def test_a_saved_form_is_logged_where_the_child_is_shown_next(client, people, audit):
    client.force_login(people["auditor"])
    AccessLogEntry.objects.all().delete()
    done = client.post(reverse("audits:reaudit", args=[NORTHBY, audit.pk]),
                       {"due-day": "1", "due-month": "1", "due-year": str(dt.date.today().year + 1)})
    assert done.status_code == 302 and not AccessLogEntry.objects.exists()  # the redirect shows no child
    client.get(done["Location"])
    assert AccessLogEntry.objects.get().subject == f"case audit {audit.pk}"


def test_the_audit_pages_reason_comes_from_the_server(client, people, audit):
    client.force_login(people["auditor"])
    url = reverse("audits:audit", args=[NORTHBY, audit.pk])
    for given, why in (("measure audits_good_or_better",
                        "drill-down from the measure 'Audits graded good or better' (audits_good_or_better)"),
                       ("", OPENED_DIRECTLY), ("measure audits_good_or_better and the police asked", OPENED_DIRECTLY),
                       ("<script>alert(1)</script>", OPENED_DIRECTLY)):
        AccessLogEntry.objects.all().delete()
        assert client.get(url, {"from": given} if given else {}).status_code == 200
        assert AccessLogEntry.objects.get().why == why, given
