"""What the plan pages read and show. No state changes here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from goldthread import charts
from goldthread.audits.models import Audit, AuditAction
from goldthread.core.audits.tools import GRADES, good_or_better, grade_label
from goldthread.core.measures import ANNEX_A, GROUPS, REGISTRY
from goldthread.core.national.indicators import INDICATORS
from goldthread.core.plan.status import STATUSES
from goldthread.councils.models import MeasureTarget, MeasureTargetChange
from goldthread.extracts.actions import measure_context
from goldthread.extracts.queries import latest_extract
from goldthread.portal import data as portal_data
from goldthread.store import queries as store

from .actions import NATIONAL_PREFIX, measure_polarity, measure_title
from .models import PlanAction, Priority, Revision, SuccessMeasure, Update, Visit
from .queries import MeasureStatus, changes_since, end_of, series, statuses_for, stood_at, unit_of

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


def _shown(value: float) -> str:
    return f"{value:g}" if abs(value) >= 10 else f"{value:.3g}"


def baseline_for(council, measure_id: str) -> dict[str, str]:
    """What the success measure form starts from: the council's target for the measure where it has one (there is
    one target per council and measure, so a second success measure on it shares it), otherwise the latest known
    value as the baseline."""
    values: dict[str, str] = {}
    target = MeasureTarget.objects.filter(council=council, measure_id=measure_id).first()
    path = target.trajectory if target is not None else None
    if path is not None:
        values.update({"baseline_value": _shown(path.baseline.value), **_day_fields("baseline", path.baseline.day),
                       "target_value": _shown(path.target.value), **_day_fields("target", path.target.day),
                       "milestones_text": "\n".join(f"{m.day.day}/{m.day.month}/{m.day.year} {_shown(m.value)}"
                                                     for m in path.milestones),
                       "existing": "This measure already has a target, shown below, which the dashboard and any other "
                                   "success measure on it use too. Changing it here changes it everywhere."})
        return values
    points = series(council, measure_id) if measure_polarity(measure_id) else []
    if points:
        last = points[-1]
        values.update({"baseline_value": _shown(last.value), **_day_fields("baseline", last.day)})
    if target is not None:
        values.update({"target_value": _shown(target.value),
                       "existing": "This measure already has a target, set on the settings page, shown below. Give "
                                   "it a date and a baseline here; the dashboard will show progress along the path."})
    return values


def _day_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def known_teams(council) -> list[str]:
    extract = latest_extract(council)
    if extract is None:
        return []
    return store.groups_in(extract, "team")


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


def last_board_meeting(council, before: dt.date, known_at: dt.datetime | None = None) -> Visit | None:
    meetings = Visit.objects.filter(council=council, kind=Visit.BOARD, date__lt=before)
    if known_at is not None:
        meetings = meetings.filter(recorded_at__lte=known_at)
    return meetings.order_by("-date").first()


def trajectory_chart(status: MeasureStatus):
    """The measure's values, its target, and the path the plan expects (from the baseline on)."""
    points = [(p.day.strftime("%b %Y"), p.value) for p in status.points]
    return charts.trend(points, title=status.title, unit=status.unit, target=status.target.value,
                        polarity=measure_polarity(status.measure.measure_id),
                        expected=[status.trajectory.expected(p.day) for p in status.points])


def audit_picture(council, teams: list[str], known_at: dt.datetime | None = None) -> dict:
    """Audits of the three months up to now (or ``known_at``) for the priority's teams (all teams when it names
    none), as they stood then: audits submitted by then, moderated grades only where moderated by then, actions
    agreed by then and open then (closed later counts as open)."""
    moment = known_at or timezone.now()
    day = timezone.localdate(moment)
    audits = Audit.objects.filter(council=council, status__in=(Audit.SUBMITTED, Audit.MODERATED),
                                  submitted_at__gte=moment - dt.timedelta(days=92), submitted_at__lte=moment)
    if teams:
        audits = audits.filter(allocated_team__in=teams)
    grades = [a.moderated_grade if a.moderated_grade and a.moderated_at and a.moderated_at <= moment
              else a.overall_grade for a in audits]
    counts = [(grade_label(g), grades.count(g)) for g in GRADES]
    good = sum(1 for g in grades if good_or_better(g))
    still_open = AuditAction.objects.filter(audit__in=audits, created_at__lte=moment).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=moment))
    return {"teams": teams, "count": len(grades), "counts": counts,
            "good_share": 100.0 * good / len(grades) if grades else None,
            "open_actions": still_open.count(), "overdue_actions": still_open.filter(due_date__lt=day).count()}


@dataclass
class ActionState:
    """An action as a page shows it: as it is now, or as it stood at a past moment."""

    pk: int
    title: str
    owner: object | None
    due_date: dt.date | None
    status: str
    answers: list[str]  # the references of the recommendations it answers

    @property
    def status_label(self) -> str:
        return dict(PlanAction.STATUSES).get(self.status, self.status)

    def overdue(self, day: dt.date) -> bool:
        return bool(self.due_date and self.due_date < day and self.status != PlanAction.COMPLETE)

    @classmethod
    def now(cls, action: PlanAction) -> ActionState:
        return cls(action.pk, action.title, action.owner, action.due_date, action.status,
                   [r.reference for r in action.recommendations.all()])

    @classmethod
    def then(cls, pk: int, snapshot: dict, people: dict, references: dict) -> ActionState:
        due = snapshot.get("due_date")
        return cls(pk, snapshot.get("title", ""), people.get(snapshot.get("owner")),
                   dt.date.fromisoformat(due) if due else None, snapshot.get("status", ""),
                   [references[r] for r in snapshot.get("recommendations", []) if r in references])


@dataclass
class Change:
    """One line of "since the last board meeting": a change to the plan, or to a target it measures against."""

    at: dt.datetime
    kind: str  # a Revision's kind (priority, planaction, successmeasure), or "target"
    note: str
    title: str
    by: object | None


def progress(council, priority: Priority, *, on: dt.date | None = None) -> dict:
    """A priority's page for the board: its measures against their trajectories, its actions (overdue flagged),
    the audit picture for its teams, updates, comments, visits that looked at it, and what changed since the
    last board meeting. With ``on``, everything as it stood at the end of that day: only what was known then."""
    today = on or timezone.localdate()
    moment = end_of(on) if on else None
    then = None
    if moment is None:
        found = priority.actions.select_related("owner").prefetch_related("recommendations", "measures__target")
        states = [(action, ActionState.now(action)) for action in found]
        teams = priority.teams
    else:
        stood = stood_at(priority.plan, moment)
        snapshots = {pk: snap for (kind, pk), snap in stood.items()
                     if kind == "planaction" and snap.get("priority") == priority.pk}
        priority_then = stood.get(("priority", priority.pk))
        people = get_user_model().objects.in_bulk([pk for pk in [snap.get("owner") for snap in snapshots.values()]
                                                   + [(priority_then or {}).get("lead")] if pk])
        references = {pk: snap.get("reference", "") for (kind, pk), snap in stood.items() if kind == "recommendation"}
        found = PlanAction.objects.in_bulk(list(snapshots))
        states = sorted(((found[pk], ActionState.then(pk, snap, people, references))
                         for pk, snap in snapshots.items() if pk in found),
                        key=lambda pair: (pair[1].due_date or dt.date.min, pair[1].pk))
        teams = priority_then.get("teams", []) if priority_then else priority.teams
        then = {"existed": priority_then is not None, "priority": priority_then,
                "lead": people.get((priority_then or {}).get("lead")), "actions": [state for _, state in states]}
    actions = [{"action": state, "measures": [_measure_row(s) for s in statuses_for(council, action, on=on)],
                "overdue": state.overdue(today)} for action, state in states]
    meeting = last_board_meeting(council, today, moment)
    updates = Update.objects.filter(Q(priority=priority) | Q(action__priority=priority)).select_related("action")
    comments, visits = priority.comments.all(), priority.visits.all()
    if moment:
        updates = updates.filter(written_at__lte=moment)
        comments, visits = comments.filter(written_at__lte=moment), visits.filter(recorded_at__lte=moment)
    since = end_of(meeting.date) if meeting else None
    return {
        "measures": [{**_measure_row(s), "chart": trajectory_chart(s)}
                     for s in statuses_for(council, priority, on=on)],
        "actions": actions, "audits": audit_picture(council, teams, moment),
        "updates": list(updates[:30]), "comments": list(comments), "visits": list(visits), "meeting": meeting,
        "on": on, "changes": _changes(priority, since, moment) if since else [],
        "updates_since": [u for u in updates if since and u.written_at > since],
        "then": then,
        "meetings": list(Visit.objects.filter(council=council, kind=Visit.BOARD).order_by("-date")[:12]),
    }


def _changes(priority: Priority, since: dt.datetime, until: dt.datetime | None) -> list[Change]:
    """Changes to the priority, its actions and their success measures after ``since`` (up to ``until``), and
    changes made on the settings page to the targets its success measures are judged against; newest first."""
    action_ids = set(priority.actions.values_list("pk", flat=True))

    def about_this_priority(revision: Revision) -> bool:
        if revision.kind == "priority":
            return revision.object_id == priority.pk
        if revision.kind == "planaction":
            return revision.object_id in action_ids
        if revision.kind == "successmeasure":
            return revision.snapshot.get("priority") == priority.pk or revision.snapshot.get("action") in action_ids
        return False

    found = [Change(r.at, r.kind, r.note, r.snapshot.get("title", "") if r.kind != "successmeasure" else "", r.by)
             for r in changes_since(priority.plan, since)
             if (until is None or r.at <= until) and about_this_priority(r)]
    measured = set(SuccessMeasure.objects.filter(Q(priority=priority) | Q(action__priority=priority)).values_list(
        "measure_id", flat=True))
    targets = MeasureTargetChange.objects.filter(council=priority.plan.council, measure_id__in=measured, at__gt=since,
                                                 where=MeasureTargetChange.SETTINGS).select_related("by")
    if until is not None:
        targets = targets.filter(at__lte=until)
    for change in targets:
        unit = "%" if unit_of(change.measure_id) == "percent" else ""
        found.append(Change(change.at, "target",
                            f"Target changed on the settings page: {measure_title(change.measure_id)}",
                            f"now {change.value:g}{unit}" if change.value is not None else "removed", change.by))
    return sorted(found, key=lambda c: c.at, reverse=True)


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
        team_values = store.group_cells(extract, "team", team)
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
