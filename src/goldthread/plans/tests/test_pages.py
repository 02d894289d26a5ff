"""The improvement plan through the test client: from an inspection's recommendations to a priority, an action
with a success measure whose status comes from the live data, updates, the golden thread, visits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY
from goldthread.plans.models import Plan, PlanAction, Priority, SuccessMeasure, Update, Visit
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

RECOMMENDATIONS = """1. Improve the timeliness of visits to children on child protection plans.
2. Strengthen management oversight of children in need."""


def _url(name, *args):
    return reverse(f"plans:{name}", args=[NORTHBY, *args])


def _date(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def test_from_recommendations_to_a_measured_action(client, people, northby_extract):
    client.force_login(people["manager"])
    assert "no improvement plan" in client.get(_url("home")).content.decode()
    client.post(_url("new"), {"title": "Northby improvement plan", "vision": "Children are seen and heard.",
                              "recommendations": RECOMMENDATIONS, "kind": "ofsted", "source": "ILACS 2021"})
    plan = Plan.objects.get()
    assert [r.reference for r in plan.recommendations.all()] == ["1", "2"]
    home = client.get(_url("home")).content.decode()
    assert "2 of 2 recommendations have no action answering them" in home

    client.post(_url("new_priority"), {"title": "Get the basics right", "phase": "Year 1", "teams": "",
                                       "lead": str(people["council_admin"].pk)})
    priority = Priority.objects.get()
    first = plan.recommendations.get(reference="1")
    client.post(_url("new_action", priority.pk), {
        "title": "Weekly visit tracker", "owner": str(people["practitioner"].pk), "status": "in_progress",
        "recommendations": [str(first.pk)], **_date("due", dt.date(2021, 12, 31)), **_date("start", dt.date(2021, 1, 1))})
    action = PlanAction.objects.get()
    assert list(action.recommendations.all()) == [first]
    assert "1 of 2 recommendations has no action answering it: 2" in client.get(_url("home")).content.decode()

    stored = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale").value
    # A baseline above today's value and a target further up: the measure is behind its path.
    response = client.post(_url("new_action_measure", action.pk), {
        "measure_id": "cpp_visits_in_timescale", "baseline_value": str(stored), "target_value": "100",
        **_date("baseline", dt.date(2021, 1, 31)), **_date("target", dt.date(2021, 4, 30))})
    assert response.status_code == 302
    measure = SuccessMeasure.objects.get()
    assert measure.action == action
    page = client.get(_url("action", action.pk)).content.decode()
    assert "Child protection visits within timescale" in page
    assert ("At risk" in page) or ("Off track" in page) or ("On track" in page) or ("Met" in page)

    # The owner posts an update; the data and the owner's rating are shown side by side.
    client.force_login(people["practitioner"])
    client.post(_url("action", action.pk), {"step": "update", "rag": "green", "narrative": "Tracker in use."})
    update = Update.objects.get()
    assert update.author == people["practitioner"] and update.rag == "green"
    # A correction is a new entry; the first stays as written.
    client.post(_url("action", action.pk), {"step": "update", "rag": "amber", "narrative": "Two teams only.",
                                            "corrects": str(update.pk)})
    assert Update.objects.count() == 2 and Update.objects.get(pk=update.pk).narrative == "Tracker in use."
    # Someone else may not post updates on the owner's action, but may comment.
    client.force_login(people["viewer"])
    assert client.post(_url("action", action.pk), {"step": "update", "rag": "red", "narrative": "x"}).status_code == 403
    client.post(_url("action", action.pk), {"step": "comment", "text": "Partners support this.",
                                            "speaking_for": "Police"})
    assert "Partners support this." in client.get(_url("action", action.pk)).content.decode()


def test_status_moves_with_a_newer_extract_and_the_thread_reaches_the_children(client, people, northby_extract):
    from goldthread.plans import actions as do

    plan = do.create_plan(northby_extract.council, title="Plan", vision="Vision")
    priority = do.save_priority(plan, None, title="Visits")
    stored = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale")
    do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", baseline_date=dt.date(2021, 1, 31),
                           baseline_value=stored.value, target_date=dt.date(2021, 6, 30),
                           target_value=min(stored.value + 10, 100))
    client.force_login(people["analyst"])
    before = client.get(_url("priority", priority.pk)).content.decode()
    assert "Child protection visits within timescale" in before
    # The value reaches the target in the stored extract: the computed status changes to met.
    Figure.objects.filter(pk=stored.pk).update(value=100.0)
    after = client.get(_url("priority", priority.pk)).content.decode()
    assert "Met" in after
    thread = client.get(_url("thread", priority.pk)).content.decode()
    assert "Children behind the figure" in thread


def test_a_monitoring_visit_is_linked_to_the_priorities_it_looked_at(client, people, northby_extract):
    from goldthread.plans import actions as do

    plan = do.create_plan(northby_extract.council, title="Plan", vision="Vision")
    priority = do.save_priority(plan, None, title="Front door")
    client.force_login(people["manager"])
    client.post(_url("new_visit"), {"kind": "monitoring", "title": "Fourth monitoring visit", "focus": "MASH",
                                    "findings": "Thresholds applied well.", "priorities": [str(priority.pk)],
                                    **_date("date", dt.date(2021, 5, 10))})
    visit = Visit.objects.get()
    assert list(visit.priorities.all()) == [priority]
    assert "Fourth monitoring visit" in client.get(_url("priority", priority.pk)).content.decode()
    client.force_login(people["viewer"])
    assert client.get(_url("new_visit")).status_code == 403
    assert "Thresholds applied well." in client.get(_url("visits")).content.decode()
