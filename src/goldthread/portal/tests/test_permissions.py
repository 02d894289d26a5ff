"""The permission matrix: every URL, as every role, from the right council, another council, with no
council at all, and signed out. New URLs are covered automatically: a view must declare its access rule
(through the decorators in goldthread.accounts.access) or be listed as public here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from goldthread.accounts.access import CAPABILITIES
from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import (
    NORTHBY,
    OTHER_CHILD,
    PASSWORD,
    PRACTITIONER_WORKER,
    PRACTITIONERS_CHILD,
    ROLE_USERS,
)
from goldthread.extracts.models import Upload
from goldthread.national.models import Intervention

# Pages anyone may open without signing in, and why.
PUBLIC = {
    "accounts:login": "the sign-in page",
    "accounts:two_factor": "the one-time-code step, which itself sends people who are not signed in to sign in",
    "health": "a liveness check for the load balancer; it says 'ok' and nothing else",
}
VALUES = {"la": NORTHBY, "measure_id": "cpp_visits_in_timescale", "child_id": PRACTITIONERS_CHILD, "team": "Team A"}
PEOPLE = [*ROLE_USERS, "other_council", "national"]


def _params(entry) -> set[str]:
    return set(entry.pattern.regex.groupindex)


def patterns(resolver: URLResolver | None = None, namespace: str = "",
             inherited: frozenset[str] = frozenset()) -> list[tuple[str, URLPattern, set[str]]]:
    """Every named URL: (namespaced name, pattern, the URL parameters it needs, including its parents')."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(patterns(entry, inner, inherited | _params(entry)))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry, set(inherited | _params(entry))))
    return found


def expected_status(rule: str, person: str) -> int:
    if rule == "signed in":
        return 200
    if rule == "intervention editor":  # goldthread.national.access: a manager or council admin in any council
        return 200 if person in ("manager", "council_admin") else 403
    if person in ("other_council", "national"):
        return 403
    return 200 if rule in CAPABILITIES[person] else 403


@pytest.fixture
def upload(northby_extract, people):
    return Upload.objects.create(council=northby_extract.council, uploaded_by=people["analyst"],
                                 original_name="sample.xlsx", stored_name="x.xlsx", size=1,
                                 extract_date=northby_extract.extract_date, status=Upload.IMPORTED,
                                 issues=[{"severity": "warning", "kind": "unknown_code", "message": "m",
                                          "list_number": 6, "sheet": "List 6", "row": 2, "column": "c",
                                          "value": "v", "expected": "e"}])


@pytest.fixture
def audit_objects(northby_extract, people):
    """A submitted audit of the practitioner's child with an action, a programme and a tool, so that every audit
    URL has something to show."""
    from goldthread.audits import actions as audits
    from goldthread.audits.models import Audit, AuditTool

    council = northby_extract.council
    audits.ensure_shipped_tools(council)
    tool = AuditTool.objects.get(council=council, name="Practice quality audit")
    programme = audits.create_programme(council, title="March", month=dt.date(2021, 3, 1), tool_version=tool.current,
                                        size=2, method="random", seed=1)
    audit = Audit.objects.create(council=council, programme=programme, tool_version=tool.current,
                                 child_id=PRACTITIONERS_CHILD, allocated_worker=PRACTITIONER_WORKER,
                                 status=Audit.PLANNED)
    findings = {s["key"]: {"evidence": "seen", "grade": "good"} for s in tool.current.sections}
    audits.save_audit(audit, revision=0, findings=findings, overall_grade="good", summary="fine", themes=[],
                      user=people["auditor"], submit=True)
    action = audits.add_action(audit, kind="child", description="Update the plan", owner=people["practitioner"],
                               due_date=dt.date(2031, 1, 1), priority="high", user=people["auditor"])
    return {"tool_id": tool.pk, "programme_id": programme.pk, "audit_id": audit.pk, "action_id": action.pk}


@pytest.fixture
def plan_objects(northby_extract, people):
    """An improvement plan with a priority, an action with a success measure, and a visit."""
    from goldthread.plans import actions as plans

    council = northby_extract.council
    plan = plans.create_plan(council, title="Plan", vision="Vision", recommendations="1. Visit children.",
                             source="ILACS")
    priority = plans.save_priority(plan, None, title="Visits", teams=["Team A"])
    action = plans.save_action(priority, None, title="Tracker", owner=people["practitioner"],
                               due_date=dt.date(2031, 1, 1))
    plans.add_success_measure(action=action, measure_id="cpp_visits_in_timescale", baseline_date=dt.date(2021, 1, 31),
                              baseline_value=50, target_date=dt.date(2022, 1, 31), target_value=90)
    visit = plans.record_visit(council, kind="board", date=dt.date(2021, 2, 1), title="Board", priorities=[priority])
    return {"priority_id": priority.pk, "plan_action_id": action.pk, "visit_id": visit.pk}


@pytest.fixture
def intervention(councils):
    return Intervention.objects.create(council=councils.get(ons_code=NORTHBY), kind="improvement_notice",
                                       start_date=dt.date(2021, 1, 4))


def url_for(name: str, needed: set[str], objects: dict[str, int]) -> str:
    return reverse(name, kwargs={key: objects.get(key, VALUES.get(key)) for key in needed})


def test_every_url_declares_who_may_see_it():
    undeclared = [name for name, p, _ in patterns()
                  if name not in PUBLIC and not hasattr(p.callback, "access_rule")
                  and not name.startswith("admin:")]
    assert undeclared == [], "declare access with goldthread.accounts.access decorators, or list as PUBLIC"


@pytest.mark.django_db
def test_permission_matrix(client, people, northby_extract, upload, intervention, audit_objects, plan_objects):
    checked = 0
    objects = {"upload_id": upload.pk, "intervention_id": intervention.pk, **audit_objects}
    for name, pattern, needed in patterns():
        # Two apps name an "action_id": the plan's actions take the plan action's.
        plans = {**plan_objects, "action_id": plan_objects["plan_action_id"]} if name.startswith("plans:") else {}
        url = url_for(name, needed, {**objects, **plans})
        client.logout()
        anonymous = client.get(url)
        if name in PUBLIC:
            assert anonymous.status_code in (200, 302), (name, anonymous.status_code)
            if anonymous.status_code == 302:
                assert reverse("accounts:login") in anonymous["Location"]
            continue
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login")), name
        rule = pattern.callback.access_rule
        for person in PEOPLE:
            client.force_login(people[person])
            response = client.get(url)
            assert response.status_code == expected_status(rule, person), (name, person, response.status_code)
            checked += 1
    assert checked >= 45 * len(PEOPLE)  # the walk really visited the council pages


@pytest.mark.django_db
def test_practitioner_sees_only_their_own_children(client, people, northby_extract):
    client.force_login(people["practitioner"])
    assert client.get(reverse("portal:child", args=[NORTHBY, PRACTITIONERS_CHILD])).status_code == 200
    assert client.get(reverse("portal:child", args=[NORTHBY, OTHER_CHILD])).status_code == 404
    # Both children's plans started in the six months to 31/03/2021 (List 7 rows 2 and 3).
    rows = client.get(reverse("portal:measure_children", args=[NORTHBY, "cpp_second_or_subsequent"]) + "?show=all")
    assert rows.status_code == 200
    assert PRACTITIONERS_CHILD in rows.content.decode() and OTHER_CHILD not in rows.content.decode()
    client.force_login(people["analyst"])
    everyone = client.get(reverse("portal:measure_children", args=[NORTHBY, "cpp_second_or_subsequent"]) + "?show=all")
    assert PRACTITIONERS_CHILD in everyone.content.decode() and OTHER_CHILD in everyone.content.decode()


@pytest.mark.django_db
def test_child_level_views_are_logged_and_the_log_is_for_admins(client, people, northby_extract):
    client.force_login(people["auditor"])
    client.get(reverse("portal:child", args=[NORTHBY, PRACTITIONERS_CHILD]) + "?from=measure+cpp_open")
    client.get(reverse("portal:measure_children", args=[NORTHBY, "cpp_open"]))
    entries = list(AccessLogEntry.objects.order_by("at"))
    assert [(e.username, e.child_id) for e in entries] == [("aud", PRACTITIONERS_CHILD), ("aud", "")]
    assert entries[0].why == "measure cpp_open"
    assert entries[1].subject.startswith("children behind 'Children on child protection plans'")
    # Aggregate pages are not child-level and are not logged.
    client.get(reverse("portal:dashboard", args=[NORTHBY]))
    assert AccessLogEntry.objects.count() == 2
    client.force_login(people["council_admin"])
    page = client.get(reverse("portal:access_log", args=[NORTHBY])).content.decode()
    assert "aud" in page and PRACTITIONERS_CHILD in page


@pytest.mark.django_db
def test_sign_in_is_throttled(client, people):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "vera", "password": "wrong"})
    locked = client.post(url, {"username": "vera", "password": PASSWORD})
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()


@pytest.mark.django_db
def test_sign_in_with_the_right_password_reaches_the_councils(client, people):
    response = client.post(reverse("accounts:login"), {"username": "vera", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Northby" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")


@pytest.mark.django_db
def test_sessions_end_after_inactivity_and_are_refreshed_by_activity(client, people, settings, monkeypatch):
    from goldthread.accounts import middleware

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(people["viewer"])
    now = [1_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client.get(reverse("home"))
    first = client.session.get_expiry_date()
    now[0] += 30  # within a minute: no write
    client.get(reverse("home"))
    assert client.session["_touched"] == 1_000_000
    now[0] += 60  # a minute later: the expiry moves on
    client.get(reverse("home"))
    assert client.session["_touched"] == 1_000_090
    assert client.session.get_expiry_date() >= first
