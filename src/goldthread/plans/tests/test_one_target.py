"""One target per council and measure, whichever page sets it: the settings page's target is the plan's, a plan's
success measure sets the target the dashboard, the measure page and the settings page show (with the plan's
status along its path), a change in one place is a change everywhere, each change moves the council's data
version on (pages are cached per version), and existing targets are migrated to the one target."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.conftest import NORTHBY
from goldthread.councils.actions import TargetError, set_target
from goldthread.councils.models import CouncilSettings, MeasureTarget, MeasureTargetChange
from goldthread.plans import actions as do
from goldthread.plans import queries
from goldthread.plans.models import Revision, SuccessMeasure, Visit
from goldthread.store.models import Figure

D = dt.date
MEASURE = "cpp_visits_in_timescale"
TITLE = "Child protection visits within timescale"
SETTINGS = {"cp_visit_working_days": "10", "cin_visit_working_days": "20", "caseload_threshold": "20",
            "child_population": ""}


@pytest.fixture
def priority(northby_extract, people):
    plan = do.create_plan(northby_extract.council, title="Plan", vision="Vision", user=people["manager"])
    return do.save_priority(plan, None, title="Visits", user=people["manager"])


def _row(page: str, title: str) -> str:
    """A dashboard table row, from its measure's title to the end of the row."""
    start = page.index(f">{title}</a>")
    return page[start:page.index("</tr>", start)]


def _version(council) -> int:
    return CouncilSettings.objects.get(council=council).data_version


def test_a_success_measure_sets_the_target_the_dashboard_and_measure_page_show_with_the_plans_status(
        client, people, northby_extract, priority):
    council = northby_extract.council
    client.force_login(people["viewer"])
    dashboard = reverse("portal:dashboard", args=[NORTHBY])
    measure_page = reverse("portal:measure", args=[NORTHBY, MEASURE])
    assert "No target" in _row(client.get(dashboard).content.decode(), TITLE)
    assert "No target set" in client.get(measure_page).content.decode()
    version = _version(council)

    # 0% on 31/3/2021 against a path from 0% on 31/1/2021 to 100% by 30/6/2021, long passed: off track.
    stored = Figure.objects.get(extract=northby_extract, measure_id=MEASURE).value
    assert stored == 0.0
    measure = do.add_success_measure(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 1, 31),
                                     baseline_value=0.0, target_date=D(2021, 6, 30), target_value=100.0,
                                     user=people["manager"])
    assert _version(council) > version  # the cached pages are not reused
    plan_status = queries.measure_status(council, measure).assessment
    assert plan_status.status == "off track"

    row = _row(client.get(dashboard).content.decode(), TITLE)
    assert "No target" not in row
    assert '<strong class="govuk-tag govuk-tag--red">off track</strong>' in row
    assert "(100.0% by Jun 2021, improvement plan)" in row
    page = client.get(measure_page).content.decode()
    assert "No target set" not in page
    assert "100.0% by 30 June 2021, the improvement plan's target (from 0.0% on 31 January 2021)" in page
    assert "off track</strong>" in page and plan_status.explanation in page

    client.force_login(people["council_admin"])
    settings_page = client.get(reverse("portal:settings", args=[NORTHBY])).content.decode()
    field = settings_page[settings_page.index(f'id="id_target_{MEASURE}"'):][:300]
    assert 'value="100.0"' in field
    assert "The improvement plan&#x27;s target, due by 30 June 2021 from 0 on 31 January 2021" in settings_page


def test_a_target_set_on_the_settings_page_is_the_plans(client, people, northby_extract, priority):
    council = northby_extract.council
    future = timezone.localdate().replace(month=3, day=31) + dt.timedelta(days=730)
    measure = do.add_success_measure(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 3, 31),
                                     baseline_value=0.0, target_date=future, target_value=80.0,
                                     user=people["manager"])
    do.record_visit(council, kind=Visit.BOARD, date=timezone.localdate() - dt.timedelta(days=2), title="Board",
                    user=people["manager"])
    client.force_login(people["council_admin"])
    response = client.post(reverse("portal:settings", args=[NORTHBY]), {**SETTINGS, f"target_{MEASURE}": "90"},
                           follow=True)
    assert "Settings saved" in response.content.decode()
    measure.refresh_from_db()
    assert measure.target.value == 90.0
    # The plan's path keeps its baseline and date: only the value changed.
    status = queries.measure_status(council, measure)
    assert (status.trajectory.baseline, status.trajectory.target) == (queries.Point(D(2021, 3, 31), 0.0),
                                                                      queries.Point(future, 90.0))
    assert status.assessment.explanation.endswith(f"(target 90.0 by {future:%d/%m/%Y}): on track.")
    page = client.get(reverse("plans:priority", args=[NORTHBY, priority.pk])).content.decode()
    assert f"target 90.0% by {future:%-d %b %Y}" in page
    assert "Target changed on the settings page: Child protection visits within timescale: now 90%" in page
    assert [(c.where, c.value) for c in MeasureTargetChange.objects.filter(measure_id=MEASURE)] == [
        ("plan", 80.0), ("settings", 90.0)]


def test_changing_the_target_in_one_place_changes_it_everywhere(client, people, northby_extract, priority):
    council, manager = northby_extract.council, people["manager"]
    first = do.add_success_measure(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 3, 31),
                                   baseline_value=0.0, target_date=D(2030, 3, 31), target_value=80.0, user=manager)
    action = do.save_action(priority, None, title="Tracker", owner=manager, due_date=D(2030, 1, 1), user=manager)
    # The form for a second success measure on the same measure starts from the council's target.
    client.force_login(manager)
    form = client.get(reverse("plans:new_action_measure", args=[NORTHBY, action.pk]), {"measure": MEASURE})
    assert "This measure already has a target" in form.content.decode()
    assert 'id="target_value" name="target_value" type="text" inputmode="decimal" value="80"' in \
        form.content.decode()

    second = do.add_success_measure(action=action, measure_id=MEASURE, baseline_date=D(2021, 3, 31),
                                    baseline_value=0.0, target_date=D(2029, 3, 31), target_value=90.0, user=manager)
    first.refresh_from_db()
    assert first.target_id == second.target_id and MeasureTarget.objects.filter(council=council).count() == 1
    assert (first.target_value, first.target_date) == (90.0, D(2029, 3, 31))
    assert Revision.objects.filter(kind="successmeasure", object_id=first.pk).last().note == (
        "Target changed by a success measure on the action 'Tracker': from 80 by 31/03/2030 from 0 on 31/03/2021 "
        "to 90 by 31/03/2029 from 0 on 31/03/2021")
    dashboard = client.get(reverse("portal:dashboard", args=[NORTHBY])).content.decode()
    assert "(90.0% by Mar 2029, improvement plan)" in _row(dashboard, TITLE)

    set_target(council, MEASURE, 85.0, user=people["council_admin"])
    assert {m.target_value for m in SuccessMeasure.objects.all()} == {85.0}
    assert {s.trajectory.target.value for s in queries.statuses_for(council, priority) +
            queries.statuses_for(council, action)} == {85.0}
    assert "(85.0% by Mar 2029, improvement plan)" in _row(
        client.get(reverse("portal:dashboard", args=[NORTHBY])).content.decode(), TITLE)


def test_the_settings_page_cannot_remove_or_reverse_a_target_the_plan_measures_against(
        client, people, northby_extract, priority):
    do.add_success_measure(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 3, 31), baseline_value=50.0,
                           target_date=D(2030, 3, 31), target_value=80.0, user=people["manager"])
    client.force_login(people["council_admin"])
    url = reverse("portal:settings", args=[NORTHBY])
    blank = client.post(url, {**SETTINGS, "caseload_threshold": "5", f"target_{MEASURE}": ""}).content.decode()
    assert "There is a problem" in blank
    assert "The improvement plan measures progress against this target, so it cannot be left blank" in blank
    worse = client.post(url, {**SETTINGS, f"target_{MEASURE}": "40"}).content.decode()
    assert "The target (40.0) is worse than the baseline (50.0) for a measure where higher is better." in worse
    assert MeasureTarget.objects.get(measure_id=MEASURE).value == 80.0
    assert CouncilSettings.objects.get(council=northby_extract.council).caseload_threshold == 20  # nothing saved
    with pytest.raises(TargetError):
        set_target(northby_extract.council, MEASURE, None)


def test_every_change_to_a_target_moves_the_data_version_on_and_nothing_else_does(northby_extract, people, priority):
    council = northby_extract.council
    version = _version(council)
    assert set_target(council, "cla_visits_in_timescale", 90.0)
    assert _version(council) == version + 1
    assert not set_target(council, "cla_visits_in_timescale", 90.0)  # the same value: no change, no history
    assert _version(council) == version + 1
    assert MeasureTargetChange.objects.filter(measure_id="cla_visits_in_timescale").count() == 1
    assert set_target(council, "cla_visits_in_timescale", None)
    assert _version(council) == version + 2 and not MeasureTarget.objects.exists()
    # A target saved without the actions (as the admin or a shell might) no longer moves anything on by itself.
    MeasureTarget.objects.create(council=council, measure_id="cla_visits_in_timescale", value=70.0)
    assert _version(council) == version + 2


@pytest.mark.django_db(transaction=True)
def test_existing_targets_are_migrated_to_one_target_per_council_and_measure():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("councils", "0003_council_data_version"), ("plans", "0001_initial")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        council = old.get_model("councils", "LocalAuthority").objects.create(ons_code="E06999901", old_code="991",
                                                                             name="Northby")
        old.get_model("councils", "MeasureTarget").objects.create(council=council, measure_id=MEASURE, target=70.0)
        old.get_model("councils", "MeasureTarget").objects.create(council=council, measure_id="cla_visits_in_timescale",
                                                                  target=90.0)
        plan = old.get_model("plans", "Plan").objects.create(council=council, title="Plan", vision="Vision")
        priority = old.get_model("plans", "Priority").objects.create(plan=plan, number=1, title="Visits")
        measures = old.get_model("plans", "SuccessMeasure").objects
        earlier = measures.create(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 3, 31),
                                  baseline_value=0.0, target_date=D(2022, 3, 31), target_value=80.0)
        later = measures.create(priority=priority, measure_id=MEASURE, baseline_date=D(2021, 3, 31),
                                baseline_value=10.0, target_date=D(2022, 6, 30), target_value=85.0,
                                milestones=[["2021-12-31", 50.0]])
        measures.filter(pk=earlier.pk).update(created_at=timezone.make_aware(dt.datetime(2021, 4, 1, 9)))
        measures.filter(pk=later.pk).update(created_at=timezone.make_aware(dt.datetime(2021, 5, 1, 9)))

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

        target = MeasureTarget.objects.get(measure_id=MEASURE)
        assert (target.value, target.baseline_value, target.target_date, target.milestones) == (
            85.0, 10.0, D(2022, 6, 30), [["2021-12-31", 50.0]])  # the latest success measure's path
        assert set(SuccessMeasure.objects.values_list("target", flat=True)) == {target.pk}
        assert MeasureTarget.objects.get(measure_id="cla_visits_in_timescale").value == 90.0  # a plain target
        # The history: each success measure set the target when it was added; the plan's is the one in use.
        at_may = timezone.make_aware(dt.datetime(2021, 4, 15))
        from goldthread.councils.queries import target_as_at

        assert target_as_at(target.council, MEASURE, at_may).value == 80.0
        assert target_as_at(target.council, MEASURE, timezone.now()).value == 85.0
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
