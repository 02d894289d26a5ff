"""The plan's state changes (``actions``) and what the plan pages read (``queries``, ``pages``), called directly:
validation with nothing stored on error, revisions that keep history, success measures whose status comes
from live Annex A, audit and national data, and the team view and golden thread."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from goldthread.accounts.access import Access
from goldthread.accounts.models import Membership
from goldthread.conftest import NORTHBY, SAMPLE_AS_AT, SOUTHMOOR, published_figure, stored_figure
from goldthread.core.plan.status import Point, Trajectory, assess
from goldthread.councils.models import MeasureTargetChange
from goldthread.plans import actions as do
from goldthread.plans import pages, queries
from goldthread.plans.actions import PlanError
from goldthread.plans.models import (
    Comment,
    Consultation,
    Plan,
    PlanAction,
    Recommendation,
    Revision,
    SuccessMeasure,
    Update,
    Visit,
)
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db



D = dt.date


def _errors(call, *args, **kwargs) -> dict:
    with pytest.raises(PlanError) as raised:
        call(*args, **kwargs)
    return raised.value.errors


def _moment(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def northby(councils):
    return councils.get(ons_code=NORTHBY)


@pytest.fixture
def southmoor(councils):
    return councils.get(ons_code=SOUTHMOOR)


@pytest.fixture
def plan(northby, people):
    return do.create_plan(northby, title="Northby improvement plan", vision="Children are seen and heard.",
                          recommendations="1. Visit children on plans on time.\n2. Strengthen oversight.",
                          source="ILACS 2021", user=people["manager"])


@pytest.fixture
def priority(plan, people):
    return do.save_priority(plan, None, title="Visits", user=people["manager"])


def _backdate(measure, moment):
    """Date a success measure, and the target it set, back to ``moment``."""
    SuccessMeasure.objects.filter(pk=measure.pk).update(created_at=moment)
    Revision.objects.filter(kind="successmeasure", object_id=measure.pk).update(at=moment)
    MeasureTargetChange.objects.filter(measure_id=measure.measure_id).update(at=moment)


def _action(priority, owner, **kwargs):
    return do.save_action(priority, None, **{"title": "Weekly visit tracker", "owner": owner,
                                             "due_date": D(2021, 12, 31), **kwargs})


# --------------------------------------------------------------------------- 1. parsing recommendations


def test_parse_recommendations_reads_numbering_bullets_and_gives_unnumbered_lines_a_reference():
    text = ("1. Improve the timeliness of visits.\n"
            "R2: Strengthen management oversight.\n"
            "\n"
            "   \t\n"
            "(a) Audit the quality of plans.\n"
            "b) Listen to children.\n"
            "- Hear from partners.\n"
            "• Train managers.\n"
            "* Review the front door.\n"
            "Publish the plan\n"
            "- 10. A numbered bullet.\n")
    assert do.parse_recommendations(text) == [
        ("1", "Improve the timeliness of visits."),
        ("R2", "Strengthen management oversight."),
        ("a", "Audit the quality of plans."),
        ("b", "Listen to children."),
        ("R5", "Hear from partners."),
        ("R6", "Train managers."),
        ("R7", "Review the front door."),
        ("R8", "Publish the plan"),
        ("10", "A numbered bullet."),
    ]
    assert do.parse_recommendations("") == []
    assert do.parse_recommendations("\n  \n") == []
    # A number that is part of the text (no separator and space after it) is not a reference.
    assert do.parse_recommendations("2021 figures must improve") == [("R1", "2021 figures must improve")]


# --------------------------------------------------------------------------- 2. creating a plan


def test_create_plan_requires_a_title_and_vision_and_stores_nothing_on_error(northby):
    errors = _errors(do.create_plan, northby, title="  ", vision="")
    assert set(errors) == {"title", "vision"}
    assert _errors(do.create_plan, northby, title="Plan", vision="  \n") == {"vision": "Enter the plan's vision."}
    assert set(_errors(do.create_plan, northby, title="Plan", vision="Vision",
                       recommendations="1. Visit on time.", source="  ")) == {"source"}
    # The plan is written before its recommendations: an unknown kind must undo it.
    assert set(_errors(do.create_plan, northby, title="Plan", vision="Vision", recommendations="1. Visit on time.",
                       source="ILACS", kind="rumour")) == {"kind"}
    assert Plan.objects.count() == 0 and Recommendation.objects.count() == 0 and Revision.objects.count() == 0


def test_text_longer_than_its_field_is_a_form_error_not_a_database_error(northby):
    """SQLite would keep a 201-character title; PostgreSQL refuses it with an error: the action checks first."""
    assert _errors(do.create_plan, northby, title="T" * 201, vision="Vision") == {
        "title": "Title must be 200 characters or fewer."}
    plan = do.create_plan(northby, title="T" * 200, vision="Vision")
    assert _errors(do.save_priority, plan, None, title="Visits", phase="P" * 101) == {
        "phase": "Phase must be 100 characters or fewer."}
    assert _errors(do.record_consultation, plan, held_on=dt.date(2021, 1, 5), who="W" * 301, how="Workshop") == {
        "who": "Who must be 300 characters or fewer."}
    assert not plan.priorities.exists() and not plan.consultations.exists()


def test_create_plan_records_recommendations_and_a_revision_for_each_part(northby, people):
    made = do.create_plan(northby, title="  Northby plan ", vision=" Children first. ",
                          recommendations="1. Visit on time.\nR2: Oversight.\nHear children.",
                          source=" ILACS March 2021 ", kind=Recommendation.NOTICE, user=people["manager"])
    made.refresh_from_db()
    assert (made.title, made.vision, made.council, made.created_by) == (
        "Northby plan", "Children first.", northby, people["manager"])
    recommendations = list(made.recommendations.all())
    assert [(r.reference, r.text, r.kind, r.source) for r in recommendations] == [
        ("1", "Visit on time.", "notice", "ILACS March 2021"),
        ("R2", "Oversight.", "notice", "ILACS March 2021"),
        ("R3", "Hear children.", "notice", "ILACS March 2021")]
    revisions = list(Revision.objects.filter(plan=made))
    assert [(r.kind, r.object_id, r.note) for r in revisions] == [
        ("plan", made.pk, "Plan created"),
        ("recommendation", recommendations[0].pk, "Recommendation 1 recorded"),
        ("recommendation", recommendations[1].pk, "Recommendation R2 recorded"),
        ("recommendation", recommendations[2].pk, "Recommendation R3 recorded")]
    assert all(r.by == people["manager"] for r in revisions)
    assert revisions[0].snapshot["title"] == "Northby plan" and revisions[0].snapshot["council"] == northby.pk
    assert revisions[2].snapshot["text"] == "Oversight."
    # A plan with no recommendations needs no source.
    assert do.create_plan(northby, title="Second", vision="Vision").recommendations.count() == 0


# --------------------------------------------------------------------------- 3. history is never rewritten


def test_edits_write_revisions_and_the_plan_reads_as_it_stood(northby, plan, people):
    owner = people["practitioner"]
    priority = do.save_priority(plan, None, title="Visits on time", phase="Year 1", teams=[" Team B", "Team A", ""],
                                user=people["manager"])
    assert (priority.number, priority.teams) == (1, ["Team A", "Team B"])
    action = _action(priority, owner, title="Weekly tracker", user=people["manager"])
    # Everything so far happened on 4 January 2021.
    Revision.objects.filter(plan=plan).update(at=_moment(2021, 1, 4, 10, 0))

    do.save_priority(plan, priority, title="Every child seen", phase="Year 1", user=people["manager"])
    do.save_action(priority, action, title="Daily tracker", owner=owner, due_date=D(2021, 12, 31),
                   status=PlanAction.IN_PROGRESS, user=people["manager"])
    assert [(r.note, r.snapshot["title"]) for r in Revision.objects.filter(kind="priority", object_id=priority.pk)] \
        == [("Priority added", "Visits on time"), ("Priority changed", "Every child seen")]
    assert [(r.note, r.snapshot["title"], r.snapshot["status"])
            for r in Revision.objects.filter(kind="planaction", object_id=action.pk)] == [
        ("Action added", "Weekly tracker", "not_started"), ("Action changed", "Daily tracker", "in_progress")]
    assert do.save_priority(plan, None, title="Second").number == 2

    between = queries.as_it_stood(plan, _moment(2021, 6, 1, 12, 0))
    assert between[("priority", priority.pk)]["title"] == "Visits on time"
    assert between[("planaction", action.pk)]["title"] == "Weekly tracker"
    assert between[("plan", plan.pk)]["title"] == "Northby improvement plan"
    now = queries.as_it_stood(plan, timezone.now())
    assert now[("priority", priority.pk)]["title"] == "Every child seen"
    assert now[("planaction", action.pk)]["title"] == "Daily tracker"
    assert queries.as_it_stood(plan, _moment(2021, 1, 3, 23, 59)) == {}

    then = pages.progress(northby, priority, on=D(2021, 6, 1))["then"]
    assert then["priority"]["title"] == "Visits on time"
    assert [a.title for a in then["actions"]] == ["Weekly tracker"]
    today = pages.progress(northby, priority)
    assert today["then"] is None
    assert [a["action"].title for a in today["actions"]] == ["Daily tracker"]


def test_changes_since_the_last_board_meeting_are_the_edits_after_it(northby, plan, priority, people):
    action = _action(priority, people["practitioner"])
    Revision.objects.filter(plan=plan).update(at=_moment(2021, 1, 4, 10, 0))
    do.record_visit(northby, kind=Visit.BOARD, date=D(2021, 2, 1), title="February board")
    do.save_priority(plan, priority, title="Visits, renamed")
    do.save_action(priority, action, title="Tracker, renamed", owner=people["practitioner"], due_date=D(2021, 12, 31))
    page = pages.progress(northby, priority)
    assert page["meeting"].title == "February board"
    assert [(r.kind, r.note) for r in page["changes"]] == [("planaction", "Action changed"),
                                                           ("priority", "Priority changed")]


def test_updates_are_never_changed_a_correction_is_a_new_update(priority, people):
    owner = people["practitioner"]
    action = _action(priority, owner)
    other = _action(priority, owner, title="Another action")
    first = do.post_update(action=action, rag="green", narrative=" Tracker in use. ", user=owner)
    correction = do.post_update(action=action, rag="amber", narrative="Two teams only.", corrects=first, user=owner)
    assert correction.pk != first.pk and correction.corrects == first
    first.refresh_from_db()
    assert (first.rag, first.narrative, first.corrects, first.author_name) == ("green", "Tracker in use.", None, "pat")
    assert list(first.corrections.all()) == [correction]
    assert Update.objects.count() == 2

    # A correction of another action's update, or of the priority's, is refused and nothing is written.
    assert set(_errors(do.post_update, action=other, rag="red", narrative="No.", corrects=first, user=owner)) \
        == {"corrects"}
    editor = people["manager"]  # the priority has no lead: a plan editor posts its updates
    on_priority = do.post_update(priority=priority, rag="red", narrative="Behind.", user=editor)
    assert set(_errors(do.post_update, action=action, rag="red", narrative="No.", corrects=on_priority,
                       user=owner)) == {"corrects"}
    assert do.post_update(priority=priority, rag="amber", narrative="Less behind.", corrects=on_priority,
                          user=editor).corrects == on_priority
    assert set(_errors(do.post_update, action=action, rag="purple", narrative=" ", user=owner)) == {"rag", "narrative"}
    assert Update.objects.count() == 4


# --------------------------------------------------------------------------- 4. actions and what they answer


def test_save_action_validation_stores_nothing(priority, people):
    owner = people["practitioner"]
    errors = _errors(do.save_action, priority, None, title=" ", owner=None, due_date=None, status="done")
    assert set(errors) == {"title", "owner", "due_date", "status"}
    errors = _errors(do.save_action, priority, None, title="Tracker", owner=owner, start_date=D(2021, 6, 2),
                     due_date=D(2021, 6, 1))
    assert errors == {"due_date": "The due date must be on or after the start date."}
    assert PlanAction.objects.count() == 0
    assert not Revision.objects.filter(kind="planaction").exists()
    # Due on the day it starts is allowed.
    same_day = do.save_action(priority, None, title="Tracker", owner=owner, start_date=D(2021, 6, 1),
                              due_date=D(2021, 6, 1), teams=["Team B", " Team A ", "Team B"])
    assert (same_day.due_date, same_day.teams) == (D(2021, 6, 1), ["Team A", "Team B"])


def test_recommendations_of_another_plan_are_not_linked_and_coverage_shows_what_is_answered(northby, plan, priority,
                                                                                          people):
    first, second = plan.recommendations.all()
    elsewhere = do.create_plan(northby, title="Old plan", vision="Old vision", recommendations="1. Old one.",
                               source="ILACS 2017").recommendations.get()
    action = _action(priority, people["practitioner"], recommendations=[first, elsewhere.pk])
    assert list(action.recommendations.all()) == [first]
    assert Revision.objects.filter(kind="planaction", object_id=action.pk).get().snapshot["recommendations"] == [
        first.pk]
    coverage = pages.recommendation_coverage(plan)
    assert [(c["recommendation"], c["actions"]) for c in coverage] == [(first, [action]), (second, [])]
    assert pages.recommendation_coverage(elsewhere.plan)[0]["actions"] == []


# --------------------------------------------------------------------------- 5. success measures


def _measure(**kwargs):
    return {"measure_id": "cpp_visits_in_timescale", "baseline_date": D(2021, 3, 1), "baseline_value": 50.0,
            "target_date": D(2021, 9, 30), "target_value": 80.0, **kwargs}


def test_add_success_measure_refuses_what_cannot_be_judged(priority):
    for changes, fields in [
        ({"measure_id": "no_such_measure"}, {"measure_id"}),
        ({"measure_id": "contacts"}, {"measure_id"}),  # neither higher nor lower is better
        ({"measure_id": "national:cin_referrals_rate"}, {"measure_id"}),  # a published one with no direction
        ({"measure_id": "national:no_such_indicator"}, {"measure_id"}),
        ({"baseline_value": None, "target_value": None, "baseline_date": None, "target_date": None},
         {"baseline_value", "target_value", "baseline_date", "target_date"}),
        ({"target_date": D(2021, 2, 28)}, {"target_date"}),  # before the baseline
        ({"target_date": D(2021, 3, 1)}, {"target_date"}),  # on the baseline day
    ]:
        errors = _errors(do.add_success_measure, priority=priority, **_measure(**changes))
        assert set(errors) == fields, changes
    assert SuccessMeasure.objects.count() == 0 and not Revision.objects.filter(kind="successmeasure").exists()


def test_a_measure_with_no_better_direction_is_explained(priority):
    errors = _errors(do.add_success_measure, priority=priority, **_measure(measure_id="contacts"))
    assert "no better direction" in errors["measure_id"]
    assert _errors(do.add_success_measure, priority=priority, **_measure(measure_id="nope")) == {
        "measure_id": "Choose a measure."}


def test_milestones_outside_the_baseline_and_target_are_refused(priority):
    for day in [D(2021, 3, 1), D(2021, 2, 1), D(2021, 9, 30), D(2021, 12, 1)]:  # on/before baseline, on/after target
        errors = _errors(do.add_success_measure, priority=priority, **_measure(milestones=[(day, 60.0)]))
        assert len(errors) == 1 and "milestone" in next(iter(errors.values())), day
    two_on_a_day = [(D(2021, 6, 1), 60.0), (D(2021, 6, 1), 65.0)]
    assert "two milestones" in next(iter(_errors(do.add_success_measure, priority=priority,
                                                 **_measure(milestones=two_on_a_day)).values()))
    assert SuccessMeasure.objects.count() == 0


def test_a_milestone_outside_the_range_is_reported_against_the_milestones(priority):
    errors = _errors(do.add_success_measure, priority=priority, **_measure(milestones=[(D(2021, 12, 1), 60.0)]))
    assert set(errors) == {"milestones"}


def test_a_target_worse_than_the_baseline_is_refused(northby, priority):
    try:
        made = do.add_success_measure(priority=priority, **_measure(baseline_value=80.0, target_value=50.0))
    except PlanError as refused:
        assert set(refused.errors) == {"target_value"}
    else:
        queries.measure_status(northby, made, on=D(2021, 3, 31))  # raises ValueError
        pytest.fail("stored a target worse than its baseline")


def test_valid_success_measures_store_sorted_milestones_and_a_revision(plan, priority, people):
    made = do.add_success_measure(priority=priority, **_measure(
        milestones=[(D(2021, 7, 31), 70.0), (D(2021, 5, 31), 60.0)]), user=people["manager"])
    made.refresh_from_db()
    assert made.milestones == [["2021-05-31", 60.0], ["2021-07-31", 70.0]]
    assert (made.priority, made.action, made.baseline_value, made.target_value) == (priority, None, 50.0, 80.0)
    assert queries.trajectory(made).expected(D(2021, 5, 31)) == 60.0
    revision = Revision.objects.get(kind="successmeasure", object_id=made.pk)
    assert (revision.plan, revision.note, revision.by) == (
        plan, "Success measure added: Child protection visits within timescale", people["manager"])
    assert revision.snapshot["milestones"] == [["2021-05-31", 60.0], ["2021-07-31", 70.0]]
    assert revision.snapshot["baseline_date"] == "2021-03-01"
    # On an action, and a published indicator with a better direction.
    action = _action(priority, people["practitioner"])
    national = do.add_success_measure(action=action, **_measure(measure_id="national:cla_long_term_stability"))
    assert national.action == action
    assert Revision.objects.get(kind="successmeasure", object_id=national.pk).note == (
        "Success measure added: Long-term placement stability (published)")


# --------------------------------------------------------------------------- 6. live status


def test_annex_a_status_follows_the_stored_value_on_the_extract_date(northby, priority, northby_extract):
    stored = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale").value
    day = SAMPLE_AS_AT  # 31/3/2021, 30 days after 1/3/2021
    cases = [
        # No improvement expected until the end of April: expected = the baseline on 31/3.
        ("on track", stored, dict(baseline_date=D(2021, 3, 1), baseline_value=stored, target_date=D(2021, 8, 28),
                                  target_value=stored + 60, milestones=[(D(2021, 4, 30), stored)])),
        # 30 of 180 days: expected stored + 60 x 30/180 = stored + 10; 10 behind, band 0.25 x 60 = 15.
        ("at risk", stored + 10, dict(baseline_date=D(2021, 3, 1), baseline_value=stored,
                                      target_date=D(2021, 8, 28), target_value=stored + 60)),
        # 30 of 60 days: expected stored + 30; 30 behind, beyond the band of 15.
        ("off track", stored + 30, dict(baseline_date=D(2021, 3, 1), baseline_value=stored,
                                        target_date=D(2021, 4, 30), target_value=stored + 60)),
        # Holding the level to 31/3, measured on 31/3.
        ("met", stored, dict(baseline_date=D(2021, 1, 1), baseline_value=stored, target_date=day,
                             target_value=stored)),
    ]
    for status, expected, values in cases:
        measure = do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", **values)
        result = queries.measure_status(northby, measure, on=day)
        assert result.points == [Point(day, stored)] and result.latest == Point(day, stored)
        assert result.assessment.status == status, values
        assert result.assessment.expected == pytest.approx(expected)
        path = Trajectory(Point(values["baseline_date"], values["baseline_value"]),
                          Point(values["target_date"], values["target_value"]),
                          tuple(Point(d, v) for d, v in values.get("milestones", ())))
        assert assess(path, "higher is better", Point(day, stored), today=day).status == status
        assert (result.title, result.unit) == ("Child protection visits within timescale", "percent")
        # Before the extract there is no value.
        before = queries.measure_status(northby, measure, on=D(2021, 3, 30))
        assert (before.points, before.assessment.status) == ([], "no data")
    # One target per council and measure: the four success measures share the last path set.
    assert SuccessMeasure.objects.values("target").distinct().count() == 1
    assert {queries.measure_status(northby, m, on=day).assessment.status
            for m in SuccessMeasure.objects.all()} == {"met"}
    # Today (long after 28/8/2021) the at-risk path's target date has passed without the target being met.
    at_risk = do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", **cases[1][2])
    assert queries.measure_status(northby, at_risk).assessment.status == "off track"


def test_audit_measures_are_read_from_the_councils_stored_audit_values(northby, southmoor, priority):
    stored_figure(northby, "audits_good_or_better", D(2021, 1, 31), 40.0)
    stored_figure(northby, "audits_good_or_better", D(2021, 2, 28), 60.0)
    stored_figure(northby, "audits_good_or_better", D(2021, 3, 31), None)
    stored_figure(southmoor, "audits_good_or_better", D(2021, 3, 1), 100.0)
    # 40 on 1/1/2021 to 90 on 11/4/2021: 100 days, half a point a day.
    measure = do.add_success_measure(priority=priority, measure_id="audits_good_or_better",
                                     baseline_date=D(2021, 1, 1), baseline_value=40.0,
                                     target_date=D(2021, 4, 11), target_value=90.0)
    result = queries.measure_status(northby, measure, on=D(2021, 3, 31))
    assert result.points == [Point(D(2021, 1, 31), 40.0), Point(D(2021, 2, 28), 60.0)]
    # 28/2 is day 58: expected 69; 9 behind, within the band of 12.5.
    assert (result.assessment.status, result.assessment.expected) == ("at risk", pytest.approx(69.0))
    # On 27/2 the latest is 40 on 31/1 (day 30): expected 55; 15 behind.
    earlier = queries.measure_status(northby, measure, on=D(2021, 2, 27))
    assert (earlier.latest, earlier.assessment.status, earlier.assessment.expected) == (
        Point(D(2021, 1, 31), 40.0), "off track", pytest.approx(55.0))


def test_national_indicators_are_read_as_at_31_march_of_their_year(northby, southmoor, priority):
    for year, value in [(2019, 60.0), (2020, 64.0), (2021, None)]:
        published_figure("cla_long_term_stability", year, value, council=northby)
    published_figure("cla_long_term_stability", 2020, 99.0, council=southmoor)
    stability = do.add_success_measure(priority=priority, measure_id="national:cla_long_term_stability",
                                       baseline_date=D(2019, 3, 31), baseline_value=60.0,
                                       target_date=D(2021, 3, 31), target_value=70.0,
                                       milestones=[(D(2020, 3, 31), 65.0)])
    result = queries.measure_status(northby, stability, on=D(2021, 3, 31))
    assert result.points == [Point(D(2019, 3, 31), 60.0), Point(D(2020, 3, 31), 64.0)]
    assert (result.title, result.unit) == ("Long-term placement stability (published)", "percent")
    # 64 against the milestone's 65 on 31/3/2020: within the band of 0.25 x 10. Today (31/3/2021) is the target
    # date, not after it.
    assert (result.assessment.status, result.assessment.expected) == ("at risk", 65.0)
    # The day before 31/3/2020 only the 2019 figure is known: at the baseline, on track.
    day_before = queries.measure_status(northby, stability, on=D(2020, 3, 30))
    assert (day_before.latest, day_before.assessment.status) == (Point(D(2019, 3, 31), 60.0), "on track")

    for year, value in [(2020, 28.0), (2021, 20.0)]:
        published_figure("cpp_second_or_subsequent", year, value, council=northby)
    repeat_plans = do.add_success_measure(priority=priority, measure_id="national:cpp_second_or_subsequent",
                                          baseline_date=D(2019, 3, 31), baseline_value=30.0,
                                          target_date=D(2021, 3, 31), target_value=20.0,
                                          milestones=[(D(2020, 3, 31), 25.0)])
    # Lower is better: 28 against an expected 25 is 3 worse, beyond the band of 0.25 x 10.
    off = queries.measure_status(northby, repeat_plans, on=D(2020, 3, 31))
    assert (off.latest, off.assessment.status, off.assessment.gap) == (Point(D(2020, 3, 31), 28.0), "off track", -3.0)
    assert queries.measure_status(northby, repeat_plans, on=D(2021, 3, 31)).assessment.status == "met"
    assert queries.measure_status(northby, repeat_plans, on=D(2020, 3, 30)).assessment.status == "no data"


def test_statuses_carry_the_owners_latest_rating_and_any_disagreement(northby, priority, people):
    owner = people["practitioner"]
    action = _action(priority, owner)
    # Published in the autumn of 2020 (a past view shows only what goldthread held then).
    published_figure("cla_long_term_stability", 2020, 60.0, council=northby, known_from=_moment(2020, 11, 1, 9, 0))
    # 60 (as at 31/3/2020) reaches the target of 50: met, whatever today is.
    measure = do.add_success_measure(action=action, measure_id="national:cla_long_term_stability",
                                     baseline_date=D(2020, 1, 1), baseline_value=40.0, target_date=D(2021, 6, 30),
                                     target_value=50.0)
    _backdate(measure, _moment(2021, 1, 4, 10, 0))  # added to the plan in January 2021
    (nothing,) = queries.statuses_for(northby, action)
    assert (nothing.assessment.status, nothing.owner_rag, nothing.disagreement) == ("met", "", None)

    green = do.post_update(action=action, rag="green", narrative="Going well.", user=owner)
    amber = do.post_update(action=action, rag="amber", narrative="Worried.", user=owner)
    Update.objects.filter(pk=green.pk).update(written_at=_moment(2021, 3, 1, 9, 0))
    Update.objects.filter(pk=amber.pk).update(written_at=_moment(2021, 3, 2, 9, 0))
    (status,) = queries.statuses_for(northby, action)
    assert (status.owner_rag, status.disagreement) == ("amber", "The owner says amber, but the data says met.")
    # As at 1/3/2021 the owner had said green, which agrees.
    (then,) = queries.statuses_for(northby, action, on=D(2021, 3, 1))
    assert (then.assessment.status, then.owner_rag, then.disagreement) == ("met", "green", None)
    # A priority's rating is its own, not its actions'.
    assert queries.owner_rating(priority) == ""


# --------------------------------------------------------------------------- 7. visits, teams, the golden thread


def test_record_visit_validation_and_only_this_councils_priorities(northby, southmoor, priority, people):
    errors = _errors(do.record_visit, northby, kind="party", date=None, title=" ")
    assert set(errors) == {"kind", "date", "title"}
    assert Visit.objects.count() == 0
    theirs = do.save_priority(do.create_plan(southmoor, title="Southmoor plan", vision="Vision"), None,
                              title="Their priority")
    visit = do.record_visit(northby, kind=Visit.MONITORING, date=D(2021, 5, 10), title=" Fourth visit ",
                            focus="MASH", priorities=[priority, theirs], user=people["manager"])
    assert (visit.council, visit.title, visit.recorded_by) == (northby, "Fourth visit", people["manager"])
    assert list(visit.priorities.all()) == [priority]
    again = do.record_visit(northby, visit, kind=Visit.MONITORING, date=D(2021, 5, 10), title="Fourth visit",
                            findings=" Thresholds applied well. ", priorities=[])
    assert again.pk == visit.pk and Visit.objects.count() == 1
    visit.refresh_from_db()
    assert visit.findings == "Thresholds applied well." and visit.priorities.count() == 0


def test_team_view_finds_priorities_named_for_a_team_or_measured_by_it(northby, plan, priority, people,
                                                                       northby_extract):
    visits = do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale",
                                    baseline_date=D(2021, 1, 1), baseline_value=0.0, target_date=D(2021, 12, 31),
                                    target_value=100.0)
    leavers = do.save_priority(plan, None, title="Care leavers", teams=["Care Leavers Team"])
    in_care = do.save_priority(plan, None, title="Children in care")
    action = _action(in_care, people["practitioner"], title="Visits to children in care")
    do.add_success_measure(action=action, measure_id="cla_visits_in_timescale", baseline_date=D(2021, 1, 1),
                           baseline_value=50.0, target_date=D(2021, 12, 31), target_value=100.0)

    locality = pages.team_view(northby, "Locality 4 Unit 1")
    assert locality["plan"] == plan
    (found,) = locality["priorities"]
    assert (found["priority"], found["named"], found["actions"]) == (priority, False, [])
    (entry,) = found["measures"]  # (success measure, its title, the team's breakdown, ...)
    measure, title, breakdown = entry[:3]
    assert (measure, title, breakdown.value, breakdown.denominator) == (
        visits, "Child protection visits within timescale", 0.0, 2.0)

    (named,) = pages.team_view(northby, "Care Leavers Team")["priorities"]
    assert (named["priority"], named["named"], named["actions"], named["measures"]) == (leavers, True, [], [])

    (through_action,) = pages.team_view(northby, "Children in Care Team 1")["priorities"]
    assert (through_action["priority"], through_action["named"], through_action["actions"]) == (in_care, False,
                                                                                                 [action])
    assert through_action["measures"][0][2].value == pytest.approx(100 / 3)
    assert pages.team_view(northby, "No such team")["priorities"] == []


def test_golden_thread_shows_the_children_behind_the_figure_to_whom_may_see_them(northby, priority, people,
                                                                                 northby_extract):
    do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", baseline_date=D(2021, 1, 1),
                           baseline_value=0.0, target_date=D(2021, 12, 31), target_value=100.0)
    action = _action(priority, people["practitioner"])
    do.add_success_measure(action=action, measure_id="cla_visits_in_timescale", baseline_date=D(2021, 1, 1),
                           baseline_value=50.0, target_date=D(2021, 12, 31), target_value=100.0)

    def thread(role, show_children=True):
        membership = Membership.objects.get(user=people[role], council=northby)
        return pages.golden_thread(Access(northby, membership), priority, show_children=show_children)

    analyst = thread("analyst")
    assert analyst["extract"] == northby_extract
    cpp, cla = analyst["items"]
    assert (cpp["action"], cla["action"]) == (None, action)
    # The children not yet visited in time: both on child protection plans are Petra Wills's; of the children
    # in care, Eugene Swift's 1761444 and Wyatt Hammond's 14065184.
    assert {c["child_id"] for c in cpp["children"]} == {"5358472", "14953858"}
    assert {(c["child_id"], c["team"]) for c in cla["children"]} == {("1761444", "Children in Care Team 1"),
                                                                     ("14065184", "Children in Care Team 1")}
    assert {b.group for b in cla["teams"]} == {"Children in Care Team 1", "Children in Care Team 2"}
    assert [b.group for b in cpp["teams"]] == ["Locality 4 Unit 1"]

    Membership.objects.filter(user=people["practitioner"]).update(worker_name="Eugene Swift")
    practitioner = thread("practitioner")
    assert [c["child_id"] for c in practitioner["items"][0]["children"]] == []
    assert [c["child_id"] for c in practitioner["items"][1]["children"]] == ["1761444"]

    assert all(item["children"] is None for item in thread("viewer", show_children=False)["items"])
    with pytest.raises(PermissionDenied):
        thread("viewer")


# --------------------------------------------------------------------------- 8. consultation and comments


def test_record_consultation_validation_and_storage(plan, people):
    errors = _errors(do.record_consultation, plan, held_on=None, who=" ", how="")
    assert set(errors) == {"held_on", "who", "how"}
    assert Consultation.objects.count() == 0
    made = do.record_consultation(plan, held_on=D(2021, 4, 14), who=" Care experienced young people ",
                                  how=" Workshop ", summary=" Want fewer changes of worker. ", user=people["manager"])
    made.refresh_from_db()
    assert (made.plan, made.held_on, made.who, made.how, made.summary, made.recorded_by) == (
        plan, D(2021, 4, 14), "Care experienced young people", "Workshop", "Want fewer changes of worker.",
        people["manager"])


def test_add_comment_validation_and_storage(plan, priority, people):
    assert _errors(do.add_comment, plan, text="  \n", priority=priority, user=people["viewer"]) == {
        "text": "Write your comment."}
    assert Comment.objects.count() == 0
    made = do.add_comment(plan, text=" Partners support this. ", speaking_for=" Police ", priority=priority,
                          user=people["viewer"])
    made.refresh_from_db()
    assert (made.plan, made.priority, made.action, made.author, made.author_name, made.speaking_for, made.text) == (
        plan, priority, None, people["viewer"], "vera", "Police", "Partners support this.")
    assert list(priority.comments.all()) == [made]


def test_an_unnumbered_recommendation_never_takes_a_reference_already_used():
    assert do.parse_recommendations("Hear children.\nR1: Visit children.\nPublish the plan.") == [
        ("R2", "Hear children."), ("R1", "Visit children."), ("R3", "Publish the plan.")]


def test_every_problem_with_a_new_plan_is_reported_at_once(northby):
    errors = _errors(do.create_plan, northby, title=" ", vision="", recommendations="1. Visit children.", source="")
    assert set(errors) == {"title", "vision", "source"}
    assert not Plan.objects.exists()
