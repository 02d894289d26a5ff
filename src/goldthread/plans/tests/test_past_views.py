"""A priority "as it stood at a board meeting" shows only what was known at the end of that day: whatever is
recorded afterwards (audits, moderation, closed actions, plan actions and their changes, updates, success
measures, target changes, comments, visits, and an extract imported after the meeting even when its extract date
is before it) leaves the past view exactly as it was, while the live view shows it."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.audits.models import Audit, AuditAction, AuditTool
from goldthread.conftest import NORTHBY, SAMPLE
from goldthread.councils.actions import set_target
from goldthread.extracts.models import Extract
from goldthread.plans import actions as do
from goldthread.plans import pages, queries
from goldthread.plans.demo import dated
from goldthread.plans.models import PlanAction, Revision, Visit
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

D = dt.date
MEETING = D(2021, 5, 10)
TEAM = "Team A"


def _at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _audit(council, tool, *, child: str, grade: str, submitted: dt.datetime, team: str = TEAM) -> Audit:
    audit = Audit.objects.create(council=council, tool_version=tool.current, child_id=child, allocated_team=team,
                                 status=Audit.SUBMITTED, overall_grade=grade, summary="Seen.")
    Audit.objects.filter(pk=audit.pk).update(submitted_at=submitted, created_at=submitted)
    audit.refresh_from_db()
    return audit


def _audit_action(audit, owner, *, due: dt.date, created: dt.datetime) -> AuditAction:
    action = AuditAction.objects.create(audit=audit, council=audit.council, kind=AuditAction.CHILD,
                                        description="Update the plan.", owner=owner, owner_name="pat", due_date=due,
                                        priority=AuditAction.HIGH)
    AuditAction.objects.filter(pk=action.pk).update(created_at=created)
    action.refresh_from_db()
    return action


@pytest.fixture
def board(northby_extract, people):
    """Northby's plan as it stood at its improvement board on 10 May 2021: the 31 March extract received on 5
    April; the plan started on 12 April with a priority for Team A, an action due on 1 May (overdue by the
    meeting) and two success measures; two audits of Team A's children submitted on 20 April with one action;
    the owner's update on 3 May; a comment on 4 May; the board meeting recorded on the day."""
    from goldthread.audits.actions import ensure_shipped_tools

    council = northby_extract.council
    Extract.objects.filter(pk=northby_extract.pk).update(uploaded_at=_at(2021, 4, 5, 9, 30))
    manager, owner = people["manager"], people["practitioner"]
    baseline = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale").value
    with dated(_at(2021, 4, 12, 10, 0)):
        plan = do.create_plan(council, title="Northby improvement plan", vision="Children are seen.",
                              recommendations="1. Visit children on plans on time.", source="ILACS 2021", user=manager)
        priority = do.save_priority(plan, None, title="Visits on time", teams=[TEAM], lead=people["council_admin"],
                                    user=manager)
        action = do.save_action(priority, None, title="Weekly visit tracker", owner=owner, due_date=D(2021, 5, 1),
                                status=PlanAction.IN_PROGRESS, recommendations=list(plan.recommendations.all()),
                                user=manager)
        do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", baseline_date=D(2021, 3, 31),
                               baseline_value=baseline, target_date=D(2022, 3, 31), target_value=80.0, user=manager)
        do.add_success_measure(action=action, measure_id="audits_good_or_better", baseline_date=D(2021, 3, 1),
                               baseline_value=40.0, target_date=D(2022, 3, 1), target_value=80.0, user=manager)
    ensure_shipped_tools(council, people["auditor"])
    tool = AuditTool.objects.get(council=council, kind="full")
    first = _audit(council, tool, child="C1", grade="good", submitted=_at(2021, 4, 20, 11, 0))
    _audit(council, tool, child="C2", grade="requires_improvement", submitted=_at(2021, 4, 20, 12, 0))
    audit_action = _audit_action(first, owner, due=D(2021, 5, 5), created=_at(2021, 4, 21, 9, 0))
    with dated(_at(2021, 5, 3, 9, 0)):
        do.post_update(action=action, rag="amber", narrative="Two teams use the tracker.", user=owner)
    with dated(_at(2021, 5, 4, 9, 0)):
        do.add_comment(plan, priority=priority, text="The tracker helps.", user=owner)
    with dated(_at(MEETING.year, MEETING.month, MEETING.day, 16, 0)):
        do.record_visit(council, kind=Visit.BOARD, date=MEETING, title="May improvement board",
                        priorities=[priority], user=manager)
    # As the pages load them: the objects above still hold the moment they were made, not the one dated back.
    plan, priority, action = (type(o).objects.get(pk=o.pk) for o in (plan, priority, action))
    return {"council": council, "plan": plan, "priority": priority, "action": action, "tool": tool, "first": first,
            "audit_action": audit_action, "people": people, "extract": northby_extract}


def _main(response) -> str:
    """The page's main content, without the per-request CSRF token."""
    html = response.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def _views(client, board) -> tuple[str, str]:
    url = reverse("plans:priority", args=[NORTHBY, board["priority"].pk])
    return _main(client.get(url, {"as_at": MEETING.isoformat()})), _main(client.get(url))


def test_the_past_view_shows_what_was_known_at_the_meeting(client, board):
    client.force_login(board["people"]["viewer"])
    past, _ = _views(client, board)
    page = pages.progress(board["council"], board["priority"], on=MEETING)
    assert (page["audits"]["count"], page["audits"]["open_actions"], page["audits"]["overdue_actions"]) == (2, 1, 1)
    assert page["audits"]["good_share"] == 50.0
    assert [a["action"].title for a in page["actions"]] == ["Weekly visit tracker"]
    assert page["actions"][0]["overdue"]  # due on 1 May, not complete on 10 May
    assert [u.narrative for u in page["updates"]] == ["Two teams use the tracker."]
    assert [v.title for v in page["visits"]] == ["May improvement board"]
    (visits,) = page["measures"]
    assert visits["status"].latest.day == D(2021, 3, 31) and visits["status"].assessment.status == "on track"
    (audits,) = page["actions"][0]["measures"]
    # Of the two audits submitted by then, one is good: 50% on 10 May, on the way from 40 to 80.
    assert audits["status"].latest == queries.Point(MEETING, 50.0)
    assert "As it stood" in past and "Weekly visit tracker" in past and "What the plan said then" in past
    # The same page twice is the same page: the comparisons below are of content, not of chance.
    assert _views(client, board)[0] == past


def _later_audit(board):
    """An audit submitted after the meeting, the earlier one moderated down and its action closed after it."""
    _audit(board["council"], board["tool"], child="C3", grade="outstanding", submitted=timezone.now())
    Audit.objects.filter(pk=board["first"].pk).update(status=Audit.MODERATED, moderated_grade="inadequate",
                                                     moderated_at=timezone.now())
    AuditAction.objects.filter(pk=board["audit_action"].pk).update(status=AuditAction.CLOSED,
                                                                   closed_at=timezone.now())


def _later_plan_action(board):
    do.save_action(board["priority"], None, title="Practice standards for seeing children alone",
                   owner=board["people"]["manager"], due_date=D(2021, 9, 30), user=board["people"]["manager"])


def _action_changed_later(board):
    action = board["action"]
    do.save_action(board["priority"], action, title="Daily visit tracker", owner=action.owner,
                   due_date=D(2021, 12, 31), status=PlanAction.COMPLETE, user=board["people"]["manager"])
    do.save_priority(board["plan"], board["priority"], title="Every child seen", teams=["Team B"],
                     user=board["people"]["manager"])


def _later_update(board):
    do.post_update(action=board["action"], rag="red", narrative="Stalled.", user=board["people"]["practitioner"])
    do.post_update(priority=board["priority"], rag="red", narrative="Behind.", user=board["people"]["council_admin"])


def _later_success_measure(board):
    """A new success measure, and one on a measure the priority already had that changes their shared target."""
    do.add_success_measure(priority=board["priority"], measure_id="assessments_within_45wd",
                           baseline_date=D(2021, 3, 31), baseline_value=50.0, target_date=D(2022, 3, 31),
                           target_value=90.0, user=board["people"]["manager"])
    do.add_success_measure(action=board["action"], measure_id="cpp_visits_in_timescale",
                           baseline_date=D(2021, 3, 31), baseline_value=0.0, target_date=D(2021, 6, 30),
                           target_value=100.0, user=board["people"]["manager"])


def _target_changed_on_settings_page(board):
    set_target(board["council"], "cpp_visits_in_timescale", 95.0, user=board["people"]["council_admin"])


def _later_comment_and_visit(board):
    do.add_comment(board["plan"], priority=board["priority"], text="Partners agree.", user=board["people"]["viewer"])
    do.record_visit(board["council"], kind=Visit.MONITORING, date=D(2021, 5, 1), title="Monitoring visit",
                    priorities=[board["priority"]], user=board["people"]["manager"])


def _later_extract(board, tmp_path):
    """An extract as at 30 April (before the meeting) imported only now: one more child visited in timescale."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 7"]
    column = [c.value for c in sheet[1]].index("Date of the Last Statutory Visit") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = dt.datetime(2021, 4, 28)
    path = tmp_path / "northby-2021-04-30.xlsx"
    book.save(path)
    from goldthread.extracts.actions import import_extract

    newer = import_extract(board["council"], path, extract_date=D(2021, 4, 30), accept_warnings=True).extract
    assert Figure.objects.get(extract=newer, measure_id="cpp_visits_in_timescale").value > 0


LATER = {"audits, moderation and a closed action": _later_audit, "a plan action": _later_plan_action,
         "changes to the action and priority": _action_changed_later, "updates": _later_update,
         "success measures": _later_success_measure, "a target changed on the settings page":
         _target_changed_on_settings_page, "a comment and a visit": _later_comment_and_visit,
         "an extract dated before the meeting": _later_extract}


@pytest.mark.parametrize("later", list(LATER))
def test_what_is_recorded_after_the_meeting_leaves_the_past_view_unchanged(client, board, later, tmp_path):
    client.force_login(board["people"]["viewer"])
    past, live = _views(client, board)
    before = pages.progress(board["council"], board["priority"], on=MEETING)
    change = LATER[later]
    change(board, tmp_path) if later == "an extract dated before the meeting" else change(board)
    past_after, live_after = _views(client, board)
    assert live_after != live, "the live view shows what was added"
    assert past_after == past
    after = pages.progress(board["council"], board["priority"], on=MEETING)
    assert after["audits"] == before["audits"]
    assert [(m["status"].points, m["status"].trajectory, m["status"].assessment) for m in after["measures"]] == \
        [(m["status"].points, m["status"].trajectory, m["status"].assessment) for m in before["measures"]]
    assert [(a["action"], [r["status"].assessment for r in a["measures"]]) for a in after["actions"]] == \
        [(a["action"], [r["status"].assessment for r in a["measures"]]) for a in before["actions"]]
    assert (after["updates"], after["comments"], after["visits"]) == (before["updates"], before["comments"],
                                                                       before["visits"])


def test_what_the_plan_said_then_is_never_empty_for_parts_that_existed(board):
    """A part created by the date whose first revision is dated later (or missing) still reads as it was first
    recorded, never as it reads now; a part added later is not there."""
    priority, action = board["priority"], board["action"]
    # The priority's and action's revisions dated after the meeting, as a plan migrated in or stamped later has.
    Revision.objects.filter(kind__in=("priority", "planaction")).update(at=timezone.now())
    do.save_priority(board["plan"], priority, title="Every child seen", teams=[TEAM], user=board["people"]["manager"])
    Revision.objects.filter(kind="planaction", object_id=action.pk).delete()  # and no record at all of the action
    later = do.save_action(priority, None, title="Added later", owner=board["people"]["manager"],
                           due_date=D(2021, 9, 30), user=board["people"]["manager"])
    then = pages.progress(board["council"], priority, on=MEETING)["then"]
    assert then["existed"] and then["priority"]["title"] == "Visits on time"
    assert [a.title for a in then["actions"]] == ["Weekly visit tracker"]
    assert later.pk not in {a.pk for a in then["actions"]}


def test_a_priority_added_after_the_date_says_so(client, board):
    with dated(timezone.now()):
        newer = do.save_priority(board["plan"], None, title="Stable homes", user=board["people"]["manager"])
    client.force_login(board["people"]["viewer"])
    page = client.get(reverse("plans:priority", args=[NORTHBY, newer.pk]), {"as_at": MEETING.isoformat()})
    assert "This priority was not yet in the plan on 10 May 2021" in page.content.decode()
    assert pages.progress(board["council"], newer, on=MEETING)["measures"] == []


def test_the_audit_measures_of_a_past_view_are_those_known_then(board):
    """Computed from the audits known then: a later moderation and a later audit change today's values, not
    those of the meeting."""
    moment = queries.end_of(MEETING)
    before = queries.series(board["council"], "audits_good_or_better", MEETING, known_at=moment)
    _later_audit(board)
    assert queries.series(board["council"], "audits_good_or_better", MEETING, known_at=moment) == before
    assert before[-1] == queries.Point(MEETING, 50.0)
    data = queries.audit_data_known_at(board["council"], moment)
    assert set(data.audits["child_id"]) == {"C1", "C2"} and not data.audits["moderated"].any()
    assert data.actions["closed_on"].isna().all() and set(data.actions["status"]) == {AuditAction.OPEN}


def test_the_annex_a_series_of_a_past_view_has_only_extracts_imported_by_then(board, tmp_path):
    moment = queries.end_of(MEETING)
    _later_extract(board, tmp_path)
    known = queries.series(board["council"], "cpp_visits_in_timescale", MEETING, known_at=moment)
    now = queries.series(board["council"], "cpp_visits_in_timescale", MEETING)
    assert [p.day for p in known] == [D(2021, 3, 31)]
    assert [p.day for p in now] == [D(2021, 3, 31), D(2021, 4, 30)]
