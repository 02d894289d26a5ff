"""What the plan pages read and show. No state changes here."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
from django.utils import timezone

from goldthread import charts
from goldthread.audits.models import Audit, AuditAction
from goldthread.core.audits.tools import GRADES, good_or_better, grade_label
from goldthread.core.measures import ANNEX_A, GROUPS, REGISTRY
from goldthread.core.national.indicators import INDICATORS
from goldthread.core.plan.status import STATUSES
from goldthread.extracts.actions import measure_context
from goldthread.extracts.models import MeasureBreakdown
from goldthread.extracts.queries import latest_extract
from goldthread.portal import data as portal_data

from .actions import NATIONAL_PREFIX, measure_polarity, measure_title
from .models import PlanAction, Priority, Revision, Update, Visit
from .queries import MeasureStatus, as_it_stood, changes_since, series, statuses_for, unit_of

STATUS_TAGS = {"met": "green", "on track": "green", "at risk": "yellow", "off track": "red", "no data": "grey",
               "not yet measurable": "grey"}
RAG_TAGS = {"green": "green", "amber": "yellow", "red": "red"}


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("%", "").strip())
    except ValueError:
        return None


def milestones_from(text: str) -> list[tuple[dt.date, float]] | None:
    """'30/9/2027 70' per line; None when a line cannot be read."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = re.match(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(-?[\d.,]+)\s*%?\s*$", line)
        if not match:
            return None
        try:
            found.append((dt.date(int(match[3]), int(match[2]), int(match[1])), float(match[4].replace(",", ""))))
        except ValueError:
            return None
    return found


def measure_choices(council) -> list[tuple[str, list[tuple[str, str]]]]:
    """Measures that can carry a target (a better direction), grouped: the registry's groups, then published
    indicators."""
    grouped = [(label, [(m.id, m.title) for m in REGISTRY.values() if m.group == key and m.polarity != "neither"])
               for key, label in GROUPS.items()]
    national = [(f"{NATIONAL_PREFIX}{i.id}", f"{i.title} (published)") for i in INDICATORS.values()
                if i.polarity in ("higher is better", "lower is better")]
    return [(label, items) for label, items in grouped if items] + [("Published national indicators", national)]


def baseline_for(council, measure_id: str) -> dict[str, str]:
    """The latest known value as a suggested baseline."""
    points = series(council, measure_id) if measure_polarity(measure_id) else []
    if not points:
        return {}
    last = points[-1]
    return {"baseline_value": f"{last.value:g}" if abs(last.value) >= 10 else f"{last.value:.3g}",
            "baseline-day": str(last.day.day), "baseline-month": str(last.day.month),
            "baseline-year": str(last.day.year)}


def known_teams(council) -> list[str]:
    extract = latest_extract(council)
    if extract is None:
        return []
    return sorted(set(MeasureBreakdown.objects.filter(extract=extract, dimension="team").values_list("group",
                                                                                                     flat=True)))


def _measure_row(status: MeasureStatus) -> dict:
    template = STATUSES.get(status.assessment.status, "")
    return {"status": status, "tag": STATUS_TAGS.get(status.assessment.status, "grey"),
            "rag_tag": RAG_TAGS.get(status.owner_rag, ""), "meaning": template}


# --------------------------------------------------------------------------- the plan's front page


def recommendation_coverage(plan) -> list[dict]:
    return [{"recommendation": r, "actions": list(r.actions.select_related("priority"))}
            for r in plan.recommendations.prefetch_related("actions")]


def overview(council, plan) -> dict:
    today = timezone.localdate()
    priorities = []
    for priority in plan.priorities.select_related("lead").prefetch_related("actions", "measures"):
        rows = [_measure_row(s) for s in statuses_for(council, priority)]
        for action in priority.actions.all():
            rows.extend(_measure_row(s) for s in statuses_for(council, action))
        actions = list(priority.actions.all())
        priorities.append({"priority": priority, "measures": rows, "actions": len(actions),
                           "overdue": sum(1 for a in actions if a.due_date and a.due_date < today
                                          and a.status != PlanAction.COMPLETE),
                           "complete": sum(1 for a in actions if a.status == PlanAction.COMPLETE)})
    phases: dict[str, list] = {}
    for entry in priorities:
        phases.setdefault(entry["priority"].phase or "Priorities", []).append(entry)
    coverage = recommendation_coverage(plan)
    visits = Visit.objects.filter(council=council)
    return {"phases": phases, "unanswered": [c["recommendation"] for c in coverage if not c["actions"]],
            "recommendation_count": len(coverage), "upcoming": list(visits.filter(date__gte=today).order_by("date")[:3]),
            "recent": list(visits.filter(date__lt=today)[:3]), "consultations": plan.consultations.all()}


# --------------------------------------------------------------------------- a priority's progress


def last_board_meeting(council, before: dt.date) -> Visit | None:
    return Visit.objects.filter(council=council, kind=Visit.BOARD, date__lt=before).order_by("-date").first()


def trajectory_chart(status: MeasureStatus):
    """The measure's values, its target, and the path the plan expects (from the baseline on)."""
    points = [(p.day.strftime("%b %Y"), p.value) for p in status.points]
    return charts.trend(points, title=status.title, unit=status.unit, target=status.measure.target_value,
                        polarity=measure_polarity(status.measure.measure_id),
                        expected=[status.trajectory.expected(p.day) for p in status.points])



def audit_picture(council, teams: list[str]) -> dict:
    """Audits of the last three months for the priority's teams (all teams when it names none)."""
    since = timezone.now() - dt.timedelta(days=92)
    audits = Audit.objects.filter(council=council, status__in=(Audit.SUBMITTED, Audit.MODERATED),
                                  submitted_at__gte=since)
    if teams:
        audits = audits.filter(allocated_team__in=teams)
    grades = [a.final_grade for a in audits]
    counts = [(grade_label(g), grades.count(g)) for g in GRADES]
    good = sum(1 for g in grades if good_or_better(g))
    actions = AuditAction.objects.filter(audit__in=audits)
    return {"count": len(grades), "counts": counts, "good_share": 100.0 * good / len(grades) if grades else None,
            "open_actions": actions.filter(status=AuditAction.OPEN).count(),
            "overdue_actions": actions.filter(status=AuditAction.OPEN, due_date__lt=timezone.localdate()).count()}


def progress(council, priority: Priority, *, on: dt.date | None = None) -> dict:
    """A priority's page for the board: its measures against their trajectories, its actions (overdue flagged),
    the audit picture for its teams, updates, comments, visits that looked at it, and what changed since the
    last board meeting. With ``on``, the plan and its measures as they stood then."""
    today = on or timezone.localdate()
    actions = [{"action": action, "measures": [_measure_row(s) for s in statuses_for(council, action, on=on)],
                "overdue": bool(action.due_date and action.due_date < today and action.status != PlanAction.COMPLETE)}
               for action in priority.actions.select_related("owner").prefetch_related("recommendations", "measures")]
    meeting = last_board_meeting(council, today)
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time.max)) if on else None
    updates = Update.objects.filter(Q(priority=priority) | Q(action__priority=priority)).select_related("action")
    if moment:
        updates = updates.filter(written_at__lte=moment)
    since = timezone.make_aware(dt.datetime.combine(meeting.date, dt.time.max)) if meeting else None
    return {
        "measures": [{**_measure_row(s), "chart": trajectory_chart(s)}
                     for s in statuses_for(council, priority, on=on)],
        "actions": actions, "audits": audit_picture(council, priority.teams),
        "updates": list(updates[:30]), "comments": list(priority.comments.all()),
        "visits": list(priority.visits.all()), "meeting": meeting, "on": on,
        "changes": _changes(priority, since, moment) if since else [],
        "updates_since": [u for u in updates if since and u.written_at > since],
        "then": _then(priority, moment) if moment else None,
        "meetings": list(Visit.objects.filter(council=council, kind=Visit.BOARD).order_by("-date")[:12]),
    }


def _changes(priority: Priority, since: dt.datetime, until: dt.datetime | None) -> list[Revision]:
    """Changes to the priority, its actions and their success measures after ``since`` (up to ``until``)."""
    action_ids = set(priority.actions.values_list("pk", flat=True))

    def about_this_priority(revision: Revision) -> bool:
        if revision.kind == "priority":
            return revision.object_id == priority.pk
        if revision.kind == "planaction":
            return revision.object_id in action_ids
        if revision.kind == "successmeasure":
            return revision.snapshot.get("priority") == priority.pk or revision.snapshot.get("action") in action_ids
        return False

    return [r for r in changes_since(priority.plan, since) if (until is None or r.at <= until) and about_this_priority(r)]


def _then(priority: Priority, moment: dt.datetime) -> dict:
    """What the plan said about the priority and its actions at ``moment``."""
    stood = as_it_stood(priority.plan, moment)
    return {"priority": stood.get(("priority", priority.pk)),
            "actions": [snap for (kind, _), snap in stood.items() if kind == "planaction"
                        and snap.get("priority") == priority.pk]}


# --------------------------------------------------------------------------- an action


def action_page(council, action: PlanAction) -> dict:
    statuses = statuses_for(council, action)
    return {"measures": [{**_measure_row(s), "chart": trajectory_chart(s)}
                         for s in statuses],
            "updates": list(action.updates.select_related("corrects")), "comments": list(action.comments.all()),
            "history": list(Revision.objects.filter(kind="planaction", object_id=action.pk).select_related("by")),
            "today": timezone.localdate()}


# --------------------------------------------------------------------------- the golden thread


def _children_behind(access, measure_id: str, extract) -> list[dict]:
    """The children behind an Annex A figure who need attention (not yet counted where higher is better; counted
    where lower is better), with their audits."""
    measure = REGISTRY[measure_id]
    rows = access.child_filter(portal_data.rows_behind(extract, measure, measure_context(access.council,
                                                                                          extract.extract_date)))
    if measure.unit == "percent" and measure.polarity == "higher is better":
        rows = rows[rows["in_denominator"] & ~rows["in_numerator"]]
    else:
        rows = rows[rows["in_numerator"]]
    children = list(dict.fromkeys(rows["child_id"].astype(str)))
    audits: dict[str, list] = {}
    for audit in Audit.objects.filter(council=access.council, child_id__in=children[:200]).order_by("-created_at"):
        audits.setdefault(audit.child_id, []).append(audit)
    teams = rows.drop_duplicates("child_id").set_index("child_id")["allocated_team"].to_dict()
    return [{"child_id": c, "team": teams.get(c), "audits": audits.get(c, [])} for c in children[:50]]


def golden_thread(access, priority: Priority, *, show_children: bool) -> dict:
    council = access.council
    extract = latest_extract(council)
    items = []
    owners = [(None, priority)] + [(a, a) for a in priority.actions.select_related("owner")]
    for action, owner_of in owners:
        for status in statuses_for(council, owner_of):
            measure_id = status.measure.measure_id
            entry = {"action": action, "status": status, "row": _measure_row(status), "teams": [], "children": None,
                     "measure": REGISTRY.get(measure_id), "national": measure_id.startswith(NATIONAL_PREFIX)}
            measure = REGISTRY.get(measure_id)
            if measure is not None and (measure.source != ANNEX_A or extract is not None):
                entry["teams"] = portal_data.breakdowns(extract, measure, council)["team"]
                if show_children and measure.source == ANNEX_A:
                    entry["children"] = _children_behind(access, measure_id, extract)
            items.append(entry)
    return {"items": items, "extract": extract}


def team_view(council, team: str) -> dict:
    """The priorities and actions a team serves: named for it, or with a success measure the team has a value in."""
    plan = council.plans.first()
    if plan is None:
        return {"plan": None, "priorities": []}
    extract = latest_extract(council)
    team_values = {}
    if extract is not None:
        team_values = {b.measure_id: b for b in MeasureBreakdown.objects.filter(extract=extract, dimension="team",
                                                                                group=team)}
    found = []
    for priority in plan.priorities.prefetch_related("actions__measures", "measures"):
        actions = [a for a in priority.actions.all() if team in a.teams
                   or any(m.measure_id in team_values for m in a.measures.all())]
        measures = [(m, team_values[m.measure_id]) for m in priority.measures.all() if m.measure_id in team_values]
        measures += [(m, team_values[m.measure_id]) for a in priority.actions.all() for m in a.measures.all()
                     if m.measure_id in team_values]
        if team in priority.teams or actions or measures:
            found.append({"priority": priority, "named": team in priority.teams, "actions": actions,
                          "measures": [(m, measure_title(m.measure_id), b, unit_of(m.measure_id)) for m, b in measures]})
    return {"plan": plan, "priorities": found}
