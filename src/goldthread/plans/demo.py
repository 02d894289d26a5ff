"""An improvement plan for the demo council: recommendations from its last inspection, three priorities with
actions and success measures on the demo's own measures, owners' updates, a past board meeting and a coming
monitoring visit. Only ``goldthread demo`` calls this; it goes through the same actions people use."""

from __future__ import annotations

import datetime as dt

from goldthread.extracts.models import Extract, MeasureValue

from . import actions as do

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


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def demo_plan(council, *, director, manager, owner) -> bool:
    """Create the demo plan unless the council has one. Returns whether it made one."""
    if council.plans.exists():
        return False
    extracts = list(Extract.objects.filter(council=council).order_by("extract_date"))
    if not extracts:
        return False
    first, last = extracts[0], extracts[-1]
    plan = do.create_plan(council, title=f"{council.name} children's services improvement plan",
                          vision="Every child in Northby is seen, heard and helped at the right time by workers "
                                 "who know them, with plans that make a difference.",
                          recommendations=RECOMMENDATIONS, source="ILACS inspection (demonstration)", user=director)
    references = {r.reference: r for r in plan.recommendations.all()}
    for title, phase, actions, measures in PRIORITIES:
        priority = do.save_priority(plan, None, title=title, phase=phase, lead=director, user=manager)
        for number, (action_title, answers, months) in enumerate(actions):
            action = do.save_action(priority, None, title=action_title, owner=owner if number == 0 else manager,
                                    lead=director, start_date=first.extract_date,
                                    due_date=_months(last.extract_date, months),
                                    status="in_progress", recommendations=[references[r] for r in answers],
                                    user=manager)
            do.post_update(action=action, rag="green" if number == 0 else "amber", user=owner if number == 0 else manager,
                           narrative="Started; early signs are encouraging, but not yet in every team.")
        for measure_id, target in measures:
            baseline = MeasureValue.objects.filter(extract=first, measure_id=measure_id).first()
            if baseline is None or baseline.value is None:
                continue
            do.add_success_measure(priority=priority, measure_id=measure_id, baseline_date=first.extract_date,
                                   baseline_value=round(baseline.value, 1),
                                   target_date=_months(first.extract_date, 12), target_value=target, user=manager)
    priorities = list(plan.priorities.all())
    do.record_visit(council, kind="board", date=_months(last.extract_date, -1), title="Improvement board",
                    focus="Progress on priorities 1 and 2.", findings="Visits improving; assessments still late.",
                    priorities=priorities[:2], user=manager)
    do.record_visit(council, kind="monitoring", date=_months(last.extract_date, 2),
                    title="Ofsted monitoring visit: children in need of help and protection",
                    focus="Child protection visits, assessments, management oversight.", priorities=priorities[:1],
                    user=manager)
    do.record_consultation(plan, held_on=first.extract_date, who="Frontline social workers and team managers",
                           how="Practice workshops in each locality",
                           summary="Asked for fewer forms and more time with children.", user=manager)
    do.add_comment(plan, priority=priorities[0], text="The tracker helps us see which visits are due this week.",
                   speaking_for="Child protection team", user=owner)
    return True
