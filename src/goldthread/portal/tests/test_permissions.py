"""The permission matrix: every URL, read (GET) and sent (POST) as every role, from the right council, another
council, with no council at all, as a national editor, and signed out. New URLs are covered automatically: a
view must declare its rules through the decorators in goldthread.accounts.access (``access_rule`` for reading
and, said explicitly, ``post_rule`` for posting: None when it takes no POST) or be listed as public here. Every
form is also posted with values no form offers (text for ids, 20-digit ids, negative and huge numbers) as a
person allowed to post it: each gets a page or a redirect, never a 403 or a 500."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from goldthread.accounts.access import (
    CAPABILITIES,
    CORRECTION_PROPOSER,
    NATIONAL_EDITOR,
    OPENED_DIRECTLY,
    PACK_MAKER,
    SIGNED_IN,
)
from goldthread.accounts.models import AccessLogEntry, NationalRole
from goldthread.conftest import (
    NORTHBY,
    OTHER_CHILD,
    PASSWORD,
    PRACTITIONER_WORKER,
    PRACTITIONERS_CHILD,
    ROLE_USERS,
)
from goldthread.councils.models import CouncilSettings
from goldthread.extracts.models import Upload
from goldthread.national.models import Intervention, InterventionProposal

# Pages anyone may open without signing in, and why.
PUBLIC = {
    "accounts:login": "the sign-in page",
    "accounts:two_factor": "the one-time-code step, which itself sends people who are not signed in to sign in",
    "health": "a liveness check for the load balancer; it says 'ok' and nothing else",
}
VALUES = {"la": NORTHBY, "measure_id": "cpp_visits_in_timescale", "child_id": PRACTITIONERS_CHILD, "team": "Team A",
          "kind": "board", "dimension_id": "gender"}
# Pages that need a query to show anything (the one group of a breakdown whose children are listed).
QUERIES = {"portal:breakdown_children": "group=Male"}
PEOPLE = [*ROLE_USERS, "other_council", "national", "national_editor"]
# What is posted where a form expects something else: text for a number or an id, an id no database holds,
# a negative number, a number too large for any field, and numbers that are not finite.
GARBAGE = ("abc", "9" * 20, "-1", "9" * 400, "nan")


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


def allowed(rule: str, person: str) -> bool:
    """Whether the person passes a declared rule (for the objects the fixtures make, all in Northby)."""
    if rule == SIGNED_IN:
        return True
    if rule == NATIONAL_EDITOR:  # the intervention register is national data
        return person == "national_editor"
    if rule == CORRECTION_PROPOSER:  # a manager or council admin of the entry's council (Northby)
        return person in ("manager", "council_admin")
    if rule == PACK_MAKER:  # an adviser's pack: only whoever asked for it (the manager, in pack_objects)
        return person == "manager"
    assert rule in CAPABILITIES["council_admin"], f"unknown rule {rule!r}: say who it allows here"
    return person in ROLE_USERS and rule in CAPABILITIES[person]


def expected_get(rule: str, person: str) -> int:
    return 200 if allowed(rule, person) else 403


def check_post(response, get_rule: str, post_rule: str | None, person: str, where) -> None:
    """A POST is refused (403) for whoever may not send it, 405 where the view takes no POST, and for those
    allowed it is a page (a form with its errors) or a redirect: never a 403 or a 500."""
    status = response.status_code
    if not allowed(get_rule, person) or (post_rule is not None and not allowed(post_rule, person)):
        assert status == 403, (*where, status)
    elif post_rule is None:
        assert status == 405, (*where, status)
    else:
        assert status in (200, 302), (*where, status)


@pytest.fixture
def everyone(people):
    """The named users, and a national editor (DfE)."""
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user("ned", password=PASSWORD)
    NationalRole.objects.create(user=editor, role=NationalRole.EDITOR, organisation="DfE")
    return {**people, "national_editor": editor}


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
    """A submitted audit of the practitioner's child with an action, a programme (whose other audits are only
    planned) and a tool, so that every audit URL has something to show."""
    from goldthread.audits import actions as audits
    from goldthread.audits.models import Audit, AuditTool

    council, auditor = northby_extract.council, people["auditor"]
    audits.ensure_shipped_tools(council, auditor)
    tool = AuditTool.objects.get(council=council, name="Practice quality audit")
    programme = audits.create_programme(council, title="March", month=dt.date(2021, 3, 1), tool_version=tool.current,
                                        size=2, method="random", seed=1, user=auditor)
    audit = Audit.objects.create(council=council, programme=programme, tool_version=tool.current,
                                 child_id=PRACTITIONERS_CHILD, allocated_worker=PRACTITIONER_WORKER,
                                 status=Audit.PLANNED)
    findings = {s["key"]: {"evidence": "seen", "grade": "good"} for s in tool.current.sections}
    audits.save_audit(audit, revision=0, findings=findings, overall_grade="good", summary="fine", themes=[],
                      user=auditor, submit=True)
    action = audits.add_action(audit, kind="child", description="Update the plan", owner=people["practitioner"],
                               due_date=dt.date(2031, 1, 1), priority="high", user=auditor)
    planned = programme.audits.exclude(pk=audit.pk).order_by("pk").first()
    return {"tool_id": tool.pk, "programme_id": programme.pk, "audit_id": audit.pk, "action_id": action.pk,
            "planned_audit_id": planned.pk}


@pytest.fixture
def plan_objects(northby_extract, people):
    """An improvement plan with a priority, an action with a success measure and an update, and a visit."""
    from goldthread.plans import actions as plans

    council, manager = northby_extract.council, people["manager"]
    plan = plans.create_plan(council, title="Plan", vision="Vision", recommendations="1. Visit children.",
                             source="ILACS", user=manager)
    priority = plans.save_priority(plan, None, title="Visits", teams=["Team A"], user=manager)
    action = plans.save_action(priority, None, title="Tracker", owner=people["practitioner"],
                               due_date=dt.date(2031, 1, 1), user=manager)
    plans.add_success_measure(action=action, measure_id="cpp_visits_in_timescale", baseline_date=dt.date(2021, 1, 31),
                              baseline_value=50, target_date=dt.date(2022, 1, 31), target_value=90, user=manager)
    plans.post_update(action=action, rag="green", narrative="Started", user=people["practitioner"])
    plans.post_update(priority=priority, rag="amber", narrative="Started", user=manager)
    visit = plans.record_visit(council, kind="board", date=dt.date(2021, 2, 1), title="Board", priorities=[priority],
                               user=manager)
    return {"priority_id": priority.pk, "plan_action_id": action.pk, "visit_id": visit.pk}


@pytest.fixture
def intervention(councils):
    return Intervention.objects.create(council=councils.get(ons_code=NORTHBY), kind="improvement_notice",
                                       start_date=dt.date(2021, 1, 4))


@pytest.fixture
def proposal(intervention, people):
    return InterventionProposal.objects.create(
        intervention=intervention, council=intervention.council, kind="improvement_notice",
        start_date=dt.date(2021, 1, 4), end_date=dt.date(2022, 3, 31), reason="The notice was lifted.",
        proposed_by=people["manager"], proposed_by_name="max")


@pytest.fixture
def pack_objects(northby_extract, people):
    """A members' report made by the manager (every role in Northby may download it again) and the manager's
    adviser's pack (only they may)."""
    from goldthread.accounts.access import access_for
    from goldthread.packs import actions as packs

    council = northby_extract.council
    made = packs.generate(council, "members", fmt="xlsx", access=access_for(people["manager"], council))
    adviser = packs.request_adviser_pack(people["manager"], fmt="xlsx")
    packs.make_queued(adviser.pk)
    return {"pack_id": made.pk, "adviser_pack_id": adviser.pk}


@pytest.fixture
def objects(northby_extract, upload, intervention, proposal, audit_objects, plan_objects, pack_objects):
    return {"extract_id": northby_extract.pk, "upload_id": upload.pk, "intervention_id": intervention.pk,
            "proposal_id": proposal.pk, **audit_objects, **plan_objects, **pack_objects}


def url_for(name: str, needed: set[str], objects: dict[str, int]) -> str:
    if name.startswith("plans:"):  # two apps name an "action_id": the plan's actions take the plan action's
        objects = {**objects, "action_id": objects["plan_action_id"]}
    url = reverse(name, kwargs={key: objects.get(key, VALUES.get(key)) for key in needed})
    return f"{url}?{QUERIES[name]}" if name in QUERIES else url


def test_every_url_declares_who_may_read_it_and_who_may_post_to_it():
    """Both rules are said, not assumed: ``@council_view(AGGREGATES, post=PLAN)``, ``post=None`` for a view that
    takes no POST, or ``post=`` the reading rule when the two are the same."""
    undeclared = [name for name, p, _ in patterns()
                  if name not in PUBLIC and not name.startswith("admin:")
                  and not (hasattr(p.callback, "access_rule") and getattr(p.callback, "post_declared", False))]
    assert undeclared == [], ("declare who may read and who may post with the goldthread.accounts.access "
                              "decorators (post=...), or list the URL as PUBLIC")


def test_a_view_that_takes_no_post_answers_405_and_one_with_a_stricter_post_rule_checks_it(rf, everyone, councils):
    """The decorators themselves: what the matrix below relies on."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from goldthread.accounts.access import AGGREGATES, PLAN, council_view, signed_in

    @council_view(AGGREGATES, post=PLAN)
    def page(request, *, access):
        return HttpResponse(access.role)

    @signed_in(post=None)
    def reading(request):
        return HttpResponse("read")

    assert (page.access_rule, page.post_rule, reading.access_rule, reading.post_rule) == (
        AGGREGATES, PLAN, SIGNED_IN, None)
    for person, method, expected in (("viewer", "get", 200), ("viewer", "post", 403), ("manager", "post", 200)):
        request = getattr(rf, method)("/")
        request.user = everyone[person]
        request.user.is_verified = lambda: True
        if expected == 403:
            with pytest.raises(PermissionDenied):
                page(request, la=NORTHBY)
        else:
            assert page(request, la=NORTHBY).status_code == expected
    request = rf.post("/")
    request.user = everyone["national"]
    request.user.is_verified = lambda: True
    assert reading(request).status_code == 405


@pytest.mark.slow
@pytest.mark.django_db
def test_permission_matrix(client, everyone, northby_extract, objects):
    checked = 0
    for name, pattern, needed in patterns():
        url = url_for(name, needed, objects)
        client.logout()
        anonymous, anonymous_post = client.get(url), client.post(url, {})
        if name in PUBLIC:
            assert anonymous.status_code in (200, 302), (name, anonymous.status_code)
            if anonymous.status_code == 302:
                assert reverse("accounts:login") in anonymous["Location"]
            assert anonymous_post.status_code in (200, 302), (name, anonymous_post.status_code)
            continue
        for response in (anonymous, anonymous_post):
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name
        rule, post_rule = pattern.callback.access_rule, pattern.callback.post_rule
        for person in PEOPLE:
            client.force_login(everyone[person])
            response = client.get(url)
            assert response.status_code == expected_get(rule, person), (name, person, response.status_code)
            check_post(client.post(url, {}), rule, post_rule, person, (name, person, "POST"))
            checked += 1
    assert checked >= 50 * len(PEOPLE)  # the walk really visited the council and national pages


# --------------------------------------------------------------------------- values no form offers


class _Forms(HTMLParser):
    """The POST forms of a page that post to the page itself: for each, [(field name, default value)]."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            posts_here = (a.get("method") or "").lower() == "post" and not a.get("action")
            self._form = [] if posts_here else None
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self._form.append((a["name"], a.get("value", "on")))
                elif not any(n == a["name"] for n, _ in self._form):
                    self._form.append((a["name"], None))  # a choice nobody made: garbage still goes in
            else:
                self._form.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._first_option = a["name"], None
            self._form.append((a["name"], None))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.append((a["name"], ""))

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[-1] = (self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def unknown_decl(self, data):  # pragma: no cover - nothing in goldthread's pages
        pass


class _Options(HTMLParser):
    """Each select's chosen option (the selected one, else the first)."""

    def __init__(self):
        super().__init__()
        self.chosen: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.chosen:
                self.chosen[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html: str) -> list[dict[str, str]]:
    """The page's forms as the browser would send them untouched (one per distinct set of fields)."""
    forms, options = _Forms(), _Options()
    forms.feed(html)
    options.feed(html)
    found, seen = [], set()
    for fields in forms.forms:
        data = {}
        for name, value in fields:
            if value is None:
                value = options.chosen.get(name)
            if value is not None:
                data.setdefault(name, value)
            else:
                data.setdefault(name, "")
        data.pop("csrfmiddlewaretoken", None)
        key = tuple(sorted(data))
        if key and key not in seen:
            seen.add(key)
            found.append(data)
    return found


def poster(rule: str) -> str:
    """Someone allowed to post under the rule."""
    return next(p for p in ("council_admin", "manager", "national_editor") if allowed(rule, p))


@pytest.mark.slow
@pytest.mark.django_db
def test_values_no_form_offers_give_a_page_or_a_redirect_never_a_500(client, everyone, northby_extract, objects):
    """Every form, as someone allowed to post it: each field in turn (then all of them) given text where a
    number or id belongs, a 20-digit id, a negative number, a 400-digit number and 'nan'. Conducting is tried on
    a planned audit (a submitted one shows no form)."""
    posted = 0
    for name, pattern, needed in patterns():
        post_rule = getattr(pattern.callback, "post_rule", None)
        if name in PUBLIC or post_rule is None:
            continue
        person = poster(post_rule)
        chosen = {**objects, "audit_id": objects["planned_audit_id"]} if name == "audits:conduct" else objects
        url = url_for(name, needed, chosen)
        client.force_login(everyone[person])
        page = client.get(url)
        assert page.status_code == 200, (name, page.status_code)
        if not page["Content-Type"].startswith("text/html"):
            continue
        for defaults in page_forms(page.content.decode()):
            trials = [{**defaults, field: value} for field in defaults for value in GARBAGE[:2]]
            trials += [dict.fromkeys(defaults, value) for value in GARBAGE]
            for data in trials:
                response = client.post(url, data)
                assert response.status_code in (200, 302), (name, person, data, response.status_code)
                posted += 1
                if response.status_code == 302:  # the sign-out form signs the person out: sign in again
                    client.force_login(everyone[person])
                # A truthy value in the settings' two-factor box makes the council require it: undo that, so
                # the pages after it are not all a redirect to the one-time-code step.
                CouncilSettings.objects.filter(require_two_factor=True).update(require_two_factor=False)
    assert posted >= 300


@pytest.mark.django_db
def test_a_correction_naming_no_update_of_the_item_is_a_form_error(client, everyone, northby_extract, plan_objects):
    from goldthread.plans.models import Update

    client.force_login(everyone["manager"])
    other = Update.objects.get(priority_id=plan_objects["priority_id"])  # the priority's, not the action's
    url = reverse("plans:action", args=[NORTHBY, plan_objects["plan_action_id"]])
    before = Update.objects.count()
    for corrects in ("abc", "9" * 20, "-1", str(other.pk)):
        response = client.post(url, {"step": "update", "rag": "green", "narrative": "Going well",
                                     "corrects": corrects})
        page = response.content.decode()
        assert response.status_code == 200 and "Choose the earlier update this corrects, or No" in page, corrects
        assert '<a href="#update-corrects">' in page
    assert Update.objects.count() == before
    mine = Update.objects.get(action_id=plan_objects["plan_action_id"])
    assert client.post(url, {"step": "update", "rag": "amber", "narrative": "Less well",
                             "corrects": str(mine.pk)}).status_code == 302
    assert Update.objects.get(corrects=mine).narrative == "Less well"


@pytest.mark.django_db
def test_a_programme_of_more_than_200_cases_is_a_form_error(client, everyone, northby_extract, audit_objects):
    from goldthread.audits.models import Programme

    client.force_login(everyone["auditor"])
    url = reverse("audits:new_programme", args=[NORTHBY])
    form = {"title": "Big", "method": "random", "stratify_by": "", "exclude_months": "0", "seed": "1",
            "tool": str(audit_objects["tool_id"]), "month-day": "1", "month-month": "4", "month-year": "2021"}
    before = Programme.objects.count()
    for size in ("9712", "201", "0", "9" * 20):
        page = client.post(url, {**form, "size": size})
        assert page.status_code == 200 and "The number of cases must be between 1 and 200." in page.content.decode()
    page = client.post(url, {**form, "size": "ten"})
    assert "Enter the number of cases as a whole number, for example 10." in page.content.decode()
    assert Programme.objects.count() == before
    assert client.post(url, {**form, "size": "200"}).status_code == 302  # the cap itself is allowed
    assert Programme.objects.count() == before + 1


# --------------------------------------------------------------------------- children and the access log


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
    assert entries[0].why == "drill-down from the measure 'Children on child protection plans' (cpp_open)"
    assert entries[1].subject.startswith("children behind 'Children on child protection plans'")
    # Aggregate pages are not child-level and are not logged.
    client.get(reverse("portal:dashboard", args=[NORTHBY]))
    assert AccessLogEntry.objects.count() == 2
    client.force_login(people["council_admin"])
    page = client.get(reverse("portal:access_log", args=[NORTHBY])).content.decode()
    assert "aud" in page and PRACTITIONERS_CHILD in page


@pytest.mark.django_db
def test_the_why_of_a_childs_record_is_the_servers_words_never_the_requests(client, people, northby_extract,
                                                                            plan_objects):
    """Only a route that exists is recorded, in words the server chose; anything typed into the address is
    'opened directly'."""
    client.force_login(people["auditor"])
    url = reverse("portal:child", args=[NORTHBY, PRACTITIONERS_CHILD])
    for given, why in (
        ("measure cpp_open", "drill-down from the measure 'Children on child protection plans' (cpp_open)"),
        ("golden thread priority 1", "golden thread of priority 1 ('Visits')"),
        ("", OPENED_DIRECTLY),
        ("measure no_such_measure", OPENED_DIRECTLY),
        ("golden thread priority 2", OPENED_DIRECTLY),  # this council's plan has one priority
        ("safeguarding concern raised by the police", OPENED_DIRECTLY),
        ("measure cpp_open; director asked", OPENED_DIRECTLY),
    ):
        AccessLogEntry.objects.all().delete()
        assert client.get(url, {"from": given} if given else {}).status_code == 200
        assert AccessLogEntry.objects.get().why == why, given


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
