"""An improvement plan for the demo council: recommendations from its last inspection, three priorities with
actions and success measures on the demo's own measures, owners' updates, a past board meeting and a coming
monitoring visit. Only ``goldthread demo`` calls this; it goes through the same actions people use.

The actions stamp the present moment, so the demo then dates everything back to when it would have happened:
each extract received a few days after its extract date, the plan started soon after the first extract, updates
before and after the last board meeting, one action rescheduled since. A past board meeting's view then shows
only what was known at the meeting, and "since the last board meeting" lists only what came after it."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.db.models import Max
from django.utils import timezone

from goldthread.councils.models import MeasureTargetChange
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import live_extracts
from goldthread.store.models import Figure

from . import actions as do
from .models import (
    Comment,
    Consultation,
    Plan,
    PlanAction,
    Priority,
    Recommendation,
    Revision,
    SuccessMeasure,
    Update,
    Visit,
)

RECOMMENDATIONS = """1. Ensure that children on child protection plans are visited within the council's timescales and seen alone.
2. Improve the timeliness and quality of assessments, so that children's needs are understood quickly.
3. Strengthen management oversight and supervision so that drift and delay are identified and acted on.
4. Improve the stability of placements for children in care."""

# (priority, phase, [(action, recommendation references, months until due)], [(measure id, target, on the action?)])
PRIORITIES = (
    ("Get the basics right for children at risk", "Year 1", [
        ("Weekly tracker of child protection visits for team managers", ["1"], 2),
        ("Practice standards for direct work and seeing children alone", ["1"], 4)],
     [("cpp_visits_in_timescale", 95.0)]),
    ("Timely, analytical assessments", "Year 1", [
        ("Assessment clinics in every assessment team", ["2"], 3)],
     [("assessments_within_45wd", 90.0)]),
    ("Stable homes for children in care", "Year 2", [
        ("Placement stability panel for children with two moves", ["4"], 6)],
     [("cla_3plus_placements", 8.0)]),
)

# Everything the plan's actions stamp with the present moment, and the field that holds it.
STAMPS = ((Plan, "created_at"), (Recommendation, "created_at"), (Priority, "created_at"), (PlanAction, "created_at"),
          (SuccessMeasure, "created_at"), (Update, "written_at"), (Comment, "written_at"),
          (Consultation, "recorded_at"), (Visit, "recorded_at"), (Revision, "at"), (MeasureTargetChange, "at"))
# An extract arrives this long after the date it was taken.
EXTRACT_RECEIVED_AFTER = dt.timedelta(days=4, hours=9, minutes=30)


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """That day and time, or now if it has not come yet (the demo's last month may have only just ended)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))), timezone.now())


@contextmanager
def dated(moment: dt.datetime):
    """Everything the plan and target actions record in the block is dated ``moment`` (the demo, and tests that
    build a past, use it)."""
    before = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model, _ in STAMPS}
    yield
    for model, field in STAMPS:
        model.objects.filter(pk__gt=before[model]).update(**{field: moment})


def date_extracts_as_received(council) -> int:
    """Date each of the council's extracts as imported a few days after its extract date (the demo imports them
    all at once). Returns how many were changed."""
    changed = 0
    for extract in live_extracts(council):
        received = min(timezone.make_aware(dt.datetime.combine(extract.extract_date, dt.time())) +
                       EXTRACT_RECEIVED_AFTER, timezone.now())
        if received < extract.uploaded_at:
            changed += Extract.objects.filter(pk=extract.pk).update(uploaded_at=received)
    return changed


def demo_plan(council, *, director, manager, owner) -> bool:
    """Create the demo plan unless the council has one. Returns whether it made one."""
    if council.plans.exists():
        return False
    date_extracts_as_received(council)
    extracts = list(live_extracts(council))
    if not extracts:
        return False
    first, last = extracts[0], extracts[-1]
    meeting = _months(last.extract_date, -1)  # the last improvement board, before the latest extract came in
    with dated(_at(first.extract_date + dt.timedelta(days=12))):
        plan = do.create_plan(council, title=f"{council.name} children's services improvement plan",
                              vision="Every child in Northby is seen, heard and helped at the right time by workers "
                                     "who know them, with plans that make a difference.",
                              recommendations=RECOMMENDATIONS, source="ILACS inspection (demonstration)",
                              user=director)
        do.record_consultation(plan, held_on=first.extract_date + dt.timedelta(days=8),
                               who="Frontline social workers and team managers",
                               how="Practice workshops in each locality",
                               summary="Asked for fewer forms and more time with children.", user=manager)
        references = {r.reference: r for r in plan.recommendations.all()}
        made = []
        for title, phase, actions, measures in PRIORITIES:
            priority = do.save_priority(plan, None, title=title, phase=phase, lead=director, user=manager)
            for number, (action_title, answers, months) in enumerate(actions):
                action = do.save_action(priority, None, title=action_title, owner=owner if number == 0 else manager,
                                        lead=director, start_date=first.extract_date,
                                        due_date=_months(last.extract_date, months), status="in_progress",
                                        recommendations=[references[r] for r in answers], user=manager)
                made.append((number, action))
            for measure_id, target in measures:
                baseline = Figure.objects.filter(extract=first, measure_id=measure_id).first()
                if baseline is None or baseline.value is None:
                    continue
                do.add_success_measure(priority=priority, measure_id=measure_id, baseline_date=first.extract_date,
                                       baseline_value=round(baseline.value, 1),
                                       target_date=_months(first.extract_date, 12), target_value=target, user=manager)
    priorities = list(plan.priorities.all())
    # The owners' updates for the board, ten days before it.
    with dated(_at(meeting - dt.timedelta(days=10), 15)):
        for number, action in made:
            do.post_update(action=action, rag="green" if number == 0 else "amber",
                           user=owner if number == 0 else manager,
                           narrative="Started; early signs are encouraging, but not yet in every team.")
    with dated(_at(meeting - dt.timedelta(days=5), 12)):
        do.add_comment(plan, priority=priorities[0], text="The tracker helps us see which visits are due this week.",
                       speaking_for="Child protection team", user=owner)
    with dated(_at(meeting, 16)):
        do.record_visit(council, kind="board", date=meeting, title="Improvement board",
                        focus="Progress on priorities 1 and 2.", findings="Visits improving; assessments still late.",
                        priorities=priorities[:2], user=manager)
    # Since the board: the assessment clinics rescheduled, and an update on the visit tracker.
    # As stored (dated back), not as made: saving the object made above would put its creation back to now.
    clinics = PlanAction.objects.get(pk=next(action.pk for _, action in made if action.priority_id == priorities[1].pk))
    with dated(_at(meeting + dt.timedelta(days=7), 11)):
        do.save_action(clinics.priority, clinics, title=clinics.title, owner=clinics.owner, lead=clinics.lead,
                       start_date=clinics.start_date, due_date=_months(clinics.due_date, 1), status=clinics.status,
                       recommendations=list(clinics.recommendations.all()), teams=clinics.teams, user=manager)
    tracker = PlanAction.objects.get(pk=made[0][1].pk)
    with dated(_at(last.extract_date + dt.timedelta(days=6), 14)):
        do.post_update(action=tracker, rag="green", user=owner,
                       narrative="The tracker is used in every child protection team; visits within timescale are up "
                                 "again in the latest extract.")
        do.record_visit(council, kind="monitoring", date=_months(last.extract_date, 2),
                        title="Ofsted monitoring visit: children in need of help and protection",
                        focus="Child protection visits, assessments, management oversight.", priorities=priorities[:1],
                        user=manager)
    return True
