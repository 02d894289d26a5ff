"""The adviser's overview (goldthread.portal.overview and /overview/): each council's figures are its own dashboard's,
only the person's councils appear, the overdue actions and coming visits are the right ones, a past day shows only
what was known then, and nothing child-level is on the page for any role."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.accounts.models import AccessLogEntry, Membership
from goldthread.audits.models import Audit, AuditTool
from goldthread.charts import format_value
from goldthread.conftest import (
    NORTHBY,
    OTHER_CHILD,
    PASSWORD,
    PRACTITIONER_WORKER,
    PRACTITIONERS_CHILD,
    SAMPLE,
    SOUTHMOOR,
)
from goldthread.councils.actions import set_target
from goldthread.extracts.queries import live_extracts
from goldthread.plans import actions as plans
from goldthread.plans.models import PlanAction, Visit
from goldthread.plans.queries import end_of, statuses_for
from goldthread.plans.tests.test_past_views import LATER, MEETING, board  # noqa: F401 (the fixture)
from goldthread.portal import data
from goldthread.portal.frontsheet import MEASURE_IDS
from goldthread.portal.overview import FUTURE_DAY, overview

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
APRIL = dt.date(2021, 4, 30)


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


@pytest.fixture
def two_councils(northby_extract, people, sample_annex):
    """Northby with two extracts (31 March and 30 April 2021: a previous value for every card) and a target;
    Southmoor with the March one only; an adviser, a viewer in both."""
    from django.contrib.auth import get_user_model

    from goldthread.core.annexa.reader import read_annex_a
    from goldthread.extracts.actions import import_annex

    april = read_annex_a(SAMPLE, extract_date=APRIL)
    digest = hashlib.sha256(f"{sample_annex[1]} as at {APRIL}".encode()).hexdigest()  # another file to goldthread
    northby, southmoor = northby_extract.council, people["other_council"].memberships.get().council
    import_annex(northby, april, sha256=digest, source_name="northby-april.xlsx", accept_warnings=True)
    import_annex(southmoor, sample_annex[0], sha256=sample_annex[1], source_name="southmoor-march.xlsx")
    set_target(northby, "cpp_visits_in_timescale", 80.0)
    set_target(southmoor, "unallocated", 0.0)
    adviser = get_user_model().objects.create_user("adviser", password=PASSWORD)
    for council in (northby, southmoor):
        Membership.objects.create(user=adviser, council=council, role="viewer")
    return {"northby": northby, "southmoor": southmoor, "adviser": adviser, "people": people}


def test_the_figures_are_each_councils_dashboard_cards(client, two_councils):
    found = overview(two_councils["adviser"])
    assert [c.council.name for c in found.councils] == ["Northby", "Southmoor"]
    assert [m.id for m in found.measures] == list(MEASURE_IDS)  # the front sheet's headline measures
    assert [m for _, measures in found.sections for m in measures] == found.measures
    for entry in found.councils:
        extracts = data.extracts_of(entry.council)
        cards = {c.measure.id: c for group in data.cards(entry.council, extracts).values() for c in group}
        assert entry.extract == extracts[-1]
        assert set(entry.headline) == set(MEASURE_IDS) & set(cards)
        for measure_id, card in entry.headline.items():
            mine = cards[measure_id]
            assert (card.value, card.previous, card.change, card.target, card.target_status, card.england) == (
                mine.value, mine.previous, mine.change, mine.target, mine.target_status, mine.england), measure_id
    northby = found.councils[0].headline
    assert sum(card.value is not None for card in northby.values()) >= 6
    assert northby["cpp_visits_in_timescale"].target == 80.0 and northby["cpp_visits_in_timescale"].target_status
    assert northby["cpp_visits_in_timescale"].previous is not None  # two extracts: there is a previous value
    # The two councils' figures differ (the same sample, as at different dates), so a mix-up would show.
    southmoor = found.councils[1].headline
    assert any(northby[m].value != southmoor[m].value for m in northby if m in southmoor)

    # The page: each figure links to the council's measure page and reads as its dashboard shows it.
    client.force_login(two_councils["adviser"])
    page = _main(client.get(reverse("overview")))
    for entry in found.councils:
        dashboard = client.get(reverse("portal:dashboard", args=[entry.council.ons_code])).content.decode()
        for measure_id, card in entry.headline.items():
            url = reverse("portal:measure", args=[entry.council.ons_code, measure_id])
            shown = re.search(re.escape(f'href="{url}">') + r"([^<]+)<span", page)
            if card.value is None:  # no value in the latest extract (the sample has no referrals a year back)
                assert shown is None, measure_id
                continue
            assert shown and html.unescape(shown.group(1)) == format_value(card.value, card.measure.unit), measure_id
            on_dashboard = re.search(re.escape(f'href="{url}">') + r"[^<]+</a></th>\s*<td[^>]*>([^<]+)</td>", dashboard)
            assert on_dashboard and on_dashboard.group(1) == shown.group(1), measure_id


def test_councils_the_person_has_no_role_in_never_appear(client, two_councils):
    northby, southmoor, people = two_councils["northby"], two_councils["southmoor"], two_councils["people"]
    plan = plans.create_plan(southmoor, title="Southmoor's plan", vision="Better.", recommendations="1. Visit.", source="ILACS 2021")
    priority = plans.save_priority(plan, None, title="Southmoor's own priority")
    plans.save_action(priority, None, title="Southmoor's late action", owner=people["other_council"],
                      due_date=TODAY() - dt.timedelta(days=3))
    plans.record_visit(southmoor, kind=Visit.MONITORING, date=TODAY() + dt.timedelta(days=9),
                       title="Southmoor's monitoring visit")

    northby_only = people["viewer"]  # Vera: a viewer in Northby only
    assert [c.council for c in overview(northby_only).councils] == [northby]
    client.force_login(northby_only)
    page = _main(client.get(reverse("overview")))
    assert "Northby" in page
    for word in ("Southmoor", SOUTHMOOR):
        assert word not in page
    assert "You have a role in one council" in page  # one council: the same page, not an error

    assert [c.council for c in overview(people["other_council"]).councils] == [southmoor]
    assert overview(people["national"]).councils == []  # no council role at all
    client.force_login(people["national"])
    response = client.get(reverse("overview"))
    assert response.status_code == 200
    assert "You do not have a role in any council, so there is nothing to compare" in _main(response)


def test_the_home_page_links_to_the_overview_for_two_or_more_councils(client, two_councils):
    link = f'href="{reverse("overview")}"'
    client.force_login(two_councils["adviser"])
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(two_councils["people"]["viewer"])
    assert link not in client.get(reverse("home")).content.decode()


def _audit_action(council, people, *, due: dt.date, child: str):
    from goldthread.audits import actions as audits

    audits.ensure_shipped_tools(council, people["auditor"])
    tool = AuditTool.objects.get(council=council, kind="full")
    audit = Audit.objects.create(council=council, tool_version=tool.current, child_id=child,
                                 allocated_worker=PRACTITIONER_WORKER, status=Audit.SUBMITTED, overall_grade="good",
                                 summary="Seen.", submitted_at=timezone.now())
    return audits.add_action(audit, kind="child", description="Update the plan.", owner=people["practitioner"],
                             due_date=due, priority="high", user=people["auditor"])


def test_overdue_actions_and_coming_visits_are_the_right_ones(client, two_councils):
    northby, southmoor, people = two_councils["northby"], two_councils["southmoor"], two_councils["people"]
    today, manager = TODAY(), people["manager"]
    plan = plans.create_plan(northby, title="Northby's plan", vision="Seen.", recommendations="1. Visit.",
                             source="ILACS 2021", user=manager)
    first = plans.save_priority(plan, None, title="Visits on time", user=manager)
    second = plans.save_priority(plan, None, title="Stable homes", user=manager)

    def action(priority, title, due, status=PlanAction.IN_PROGRESS):
        return plans.save_action(priority, None, title=title, owner=people["practitioner"], due_date=due,
                                 status=status, user=manager)

    action(first, "Late by ten days", today - dt.timedelta(days=10))
    action(first, "Done, though due last week", today - dt.timedelta(days=7), PlanAction.COMPLETE)
    action(first, "Due today", today)
    action(second, "Late by a day", today - dt.timedelta(days=1), PlanAction.BLOCKED)
    action(second, "Due next month", today + dt.timedelta(days=30))
    plans.add_success_measure(priority=first, measure_id="cpp_visits_in_timescale", baseline_date=dt.date(2021, 3, 31),
                              baseline_value=0.0, target_date=dt.date(2031, 3, 31), target_value=90.0, user=manager)
    for days, title in ((-1, "Yesterday's board"), (0, "Today's review"), (40, "Monitoring visit")):
        plans.record_visit(northby, kind=Visit.BOARD, date=today + dt.timedelta(days=days), title=title, user=manager)
    plans.record_visit(southmoor, kind=Visit.MONITORING, date=today + dt.timedelta(days=5), title="Elsewhere")
    # Audit actions: two overdue (one due yesterday, one last month), one due tomorrow, one overdue but closed.
    for due, child in ((-1, PRACTITIONERS_CHILD), (-30, OTHER_CHILD), (1, "C3"), (-5, "C4")):
        made = _audit_action(northby, people, due=today + dt.timedelta(days=due), child=child)
    from goldthread.audits.actions import close_action

    close_action(made, people["practitioner"], evidence="Done.")

    entry = overview(two_councils["adviser"]).councils[0]
    assert entry.council == northby
    assert [(o.action.title, o.days_overdue, o.priority_number) for o in entry.overdue] == [
        ("Late by ten days", 10, 1), ("Late by a day", 1, 2)]
    assert [(p.title, p.actions, p.overdue) for p in entry.plan.priorities] == [
        ("Visits on time", 3, 1), ("Stable homes", 2, 1)]
    assert [v.title for v in entry.visits] == ["Today's review", "Monitoring visit"]
    # The plan's own computed status for its success measures, and the dashboard's count of overdue audit actions.
    assert entry.plan.priorities[0].measures == statuses_for(northby, first)
    assert entry.plan.priorities[0].counts == [(statuses_for(northby, first)[0].assessment.status, 1)]
    (card,) = [c for group in data.cards(northby, data.extracts_of(northby), only="audit_actions_overdue").values()
               for c in group]
    assert entry.audit_actions_overdue.count == card.value == 2
    assert overview(two_councils["adviser"]).councils[1].audit_actions_overdue is None  # Southmoor: no audits

    client.force_login(two_councils["adviser"])
    page = _main(client.get(reverse("overview")))
    assert "Late by ten days" in page and "Late by a day" in page
    for not_shown in ("Done, though due last week", "Due today", "Due next month", "Yesterday&#x27;s board"):
        assert not_shown not in page
    assert "Today&#x27;s review" in page and "Monitoring visit" in page and "Elsewhere" in page
    overdue_link = reverse("portal:measure", args=[NORTHBY, "audit_actions_overdue"])
    assert re.search(re.escape(f'href="{overdue_link}">') + "2<span", page)


def test_no_role_sees_anything_child_level_on_the_page(client, two_councils):
    """Audits, their actions and the children behind the numbers exist, but the page, for a viewer and for a
    council admin alike, shows none of them and logs no child-level access."""
    northby, people = two_councils["northby"], two_councils["people"]
    _audit_action(northby, people, due=TODAY() - dt.timedelta(days=2), child=PRACTITIONERS_CHILD)
    Membership.objects.create(user=people["council_admin"], council=two_councils["southmoor"], role="council_admin")
    before = AccessLogEntry.objects.count()
    for person in (two_councils["adviser"], people["council_admin"]):
        client.force_login(person)
        page = _main(client.get(reverse("overview")))
        for child_level in (PRACTITIONERS_CHILD, OTHER_CHILD, PRACTITIONER_WORKER, "/children/", "/audits/"):
            assert child_level not in page, (person, child_level)
    assert AccessLogEntry.objects.count() == before


def test_a_date_that_is_not_a_real_day_or_is_to_come_gets_one_sentence(client, two_councils):
    client.force_login(two_councils["adviser"])
    url = reverse("overview")
    future = TODAY() + dt.timedelta(days=1)
    for given, message in (({"as_at-day": "31", "as_at-month": "2", "as_at-year": "2026"},
                            "Enter the date as a day, month and year, for example 31 3 2026."),
                           ({"as_at-day": "x", "as_at-month": "", "as_at-year": "9" * 30},
                            "Enter the date as a day, month and year, for example 31 3 2026."),
                           ({"as_at-day": future.day, "as_at-month": future.month, "as_at-year": future.year},
                            FUTURE_DAY)):
        response = client.get(url, given)
        assert response.status_code == 200
        assert message in _main(response) and '<a href="#as_at-day">' in _main(response)
    with pytest.raises(ValueError):
        overview(two_councils["adviser"], known_at=future)
    with pytest.raises(TypeError):
        overview(two_councils["adviser"], known_at=timezone.now())


# --------------------------------------------------------------------------- as known on a past day


def test_a_past_day_shows_what_was_known_at_the_end_of_it(board):  # noqa: F811 (the fixture)
    """Northby on the day of its May 2021 board (see plans/tests/test_past_views.py): the March extract received
    in April, the plan's action due on 1 May and not complete, the audit action due on 5 May still open, and the
    board meeting recorded that afternoon."""
    entry = overview(board["people"]["viewer"], known_at=MEETING).councils[0]
    assert entry.extract == board["extract"]
    moment = end_of(MEETING)
    then = data.cards(board["council"], list(live_extracts(board["council"], known_at=moment)), known_at=moment)
    cards = {c.measure.id: c for group in then.values() for c in group}
    assert entry.headline == {m: cards[m] for m in MEASURE_IDS if m in cards} and entry.headline
    assert [(o.action.title, o.days_overdue) for o in entry.overdue] == [("Weekly visit tracker", 9)]
    (priority,) = entry.plan.priorities
    assert priority.title == "Visits on time" and (priority.actions, priority.overdue) == (1, 1)
    assert priority.measures == statuses_for(board["council"], board["priority"], on=MEETING) + statuses_for(
        board["council"], board["action"], on=MEETING)
    assert priority.measures[0].assessment.status == "on track"
    assert (entry.audit_actions_overdue.count, entry.audit_actions_overdue.as_at) == (1, MEETING)
    assert [v.title for v in entry.visits] == ["May improvement board"]
    # The card's target is the one set by then (the plan's path for the success measure), judged on that day.
    visits = entry.headline["cpp_visits_in_timescale"]
    assert (visits.target, visits.today, visits.target_status) == (80.0, MEETING, "on track")


def _later_visit(made):
    plans.record_visit(made["council"], kind=Visit.MONITORING, date=dt.date(2021, 6, 1), title="June visit",
                       user=made["people"]["manager"])


def _later_audit_action(made):
    _audit_action(made["council"], made["people"], due=dt.date(2021, 5, 6), child="C9")


LATER_STILL = {**LATER, "a visit after the day, recorded later": _later_visit,
               "an audit action overdue then, recorded later": _later_audit_action}


@pytest.mark.parametrize("later", list(LATER_STILL))
def test_what_is_recorded_later_leaves_a_past_day_unchanged(client, board, later, tmp_path):  # noqa: F811
    viewer = board["people"]["viewer"]
    client.force_login(viewer)
    url = reverse("overview")
    day = {"as_at-day": MEETING.day, "as_at-month": MEETING.month, "as_at-year": MEETING.year}
    before, page_before = overview(viewer, known_at=MEETING), _main(client.get(url, day))
    live_before = overview(viewer)
    change = LATER_STILL[later]
    change(board, tmp_path) if later == "an extract dated before the meeting" else change(board)
    assert overview(viewer, known_at=MEETING) == before
    assert _main(client.get(url, day)) == page_before
    assert before.known_at == end_of(MEETING)
    if later in ("a plan action", "an extract dated before the meeting", "a target changed on the settings page"):
        assert overview(viewer) != live_before, "the overview as it is today shows what was added"
