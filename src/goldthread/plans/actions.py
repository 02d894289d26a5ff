"""State changes for improvement plans. Views and commands call these; nothing else writes plans.

Every change to the plan's structure (the plan, a recommendation, priority, action or success measure) is
recorded as a ``Revision`` snapshot in the same transaction, so the plan as it stood at any moment can be read
back. Updates, comments, consultations and visits are only ever added."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.forms.models import model_to_dict

from goldthread.accounts.models import display_name
from goldthread.core.measures import REGISTRY
from goldthread.core.national.indicators import INDICATORS
from goldthread.core.plan.status import Point, Trajectory, assess

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

NATIONAL_PREFIX = "national:"


class PlanError(ValueError):
    """A change that cannot be made; ``errors`` maps a field (or "") to a sentence for the person."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"": errors}
        super().__init__(" ".join(self.errors.values()))


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    for key, value in list(data.items()):
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
        elif isinstance(value, list):  # many-to-many: the related objects' ids
            data[key] = [getattr(v, "pk", v) for v in value]
    return data


def _revise(plan: Plan, obj, user, note: str = "") -> None:
    Revision.objects.create(plan=plan, by=user if getattr(user, "pk", None) else None,
                            kind=type(obj).__name__.lower(), object_id=obj.pk, snapshot=_snapshot(obj), note=note[:300])


def _require(values: dict[str, object], labels: dict[str, str]) -> None:
    errors = {key: f"Enter {label}." for key, label in labels.items() if not str(values.get(key) or "").strip()}
    if errors:
        raise PlanError(errors)


# --------------------------------------------------------------------------- the plan and what it answers


def parse_recommendations(text: str) -> list[tuple[str, str]]:
    """Recommendations pasted one per line, optionally numbered ("1.", "R1:", "(a)"): [(reference, text)]."""
    import re

    found = []
    for line in text.splitlines():
        line = line.strip(" \t-•*")
        if not line:
            continue
        match = re.match(r"^\(?([A-Za-z]{0,3}\d{1,3}[a-z]?|[a-z])[).:]\s+(.+)$", line)
        reference, body = (match.group(1), match.group(2)) if match else ("", line)
        found.append((reference, body.strip()))
    # An unnumbered line is R<its position>, or the next free R<n> when that is taken: references are unique.
    taken, numbered = {r for r, _ in found if r}, []
    for position, (reference, body) in enumerate(found, start=1):
        if not reference:
            while f"R{position}" in taken:
                position += 1
            reference = f"R{position}"
            taken.add(reference)
        numbered.append((reference, body))
    return numbered


@transaction.atomic
def create_plan(council, *, title: str, vision: str, recommendations: str = "", source: str = "",
                kind: str = Recommendation.OFSTED, user=None) -> Plan:
    """Start a plan, with the inspection's recommendations (or a notice's requirements) pasted one per line."""
    errors = {key: f"Enter {label}." for key, value, label in (("title", title, "the plan's title"),
                                                                 ("vision", vision, "the plan's vision"))
              if not value.strip()}
    parsed = parse_recommendations(recommendations)
    if parsed and not source.strip():
        errors["source"] = "Say where the recommendations come from, for example 'ILACS inspection published " \
                           "12 March 2026'."
    if errors:
        raise PlanError(errors)
    plan = Plan.objects.create(council=council, title=title.strip(), vision=vision.strip(), created_by=user)
    _revise(plan, plan, user, "Plan created")
    for reference, text in parsed:
        add_recommendation(plan, kind=kind, reference=reference, text=text, source=source, user=user)
    return plan


@transaction.atomic
def edit_plan(plan: Plan, *, title: str, vision: str, user=None) -> Plan:
    _require({"title": title, "vision": vision}, {"title": "the plan's title", "vision": "the plan's vision"})
    plan.title, plan.vision = title.strip(), vision.strip()
    plan.save()
    _revise(plan, plan, user, "Plan changed")
    return plan


@transaction.atomic
def add_recommendation(plan: Plan, *, kind: str, reference: str, text: str, source: str, user=None) -> Recommendation:
    _require({"reference": reference, "text": text}, {"reference": "its reference", "text": "the recommendation"})
    if kind not in dict(Recommendation.KINDS):
        raise PlanError({"kind": "Choose what kind of recommendation it is."})
    made = Recommendation.objects.create(plan=plan, kind=kind, reference=reference.strip()[:20], text=text.strip(),
                                         source=source.strip()[:200])
    _revise(plan, made, user, f"Recommendation {made.reference} recorded")
    return made


# --------------------------------------------------------------------------- priorities and actions


@transaction.atomic
def save_priority(plan: Plan, priority: Priority | None, *, title: str, description: str = "", phase: str = "",
                  lead=None, teams: list[str] | None = None, user=None) -> Priority:
    _require({"title": title}, {"title": "the priority's title"})
    if priority is None:
        number = (plan.priorities.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        priority = Priority(plan=plan, number=number)
        note = "Priority added"
    else:
        note = "Priority changed"
    priority.title, priority.description, priority.phase = title.strip(), description.strip(), phase.strip()
    priority.lead, priority.teams = lead, sorted({t.strip() for t in teams or [] if t.strip()})
    priority.save()
    _revise(plan, priority, user, note)
    return priority


@transaction.atomic
def save_action(priority: Priority, action: PlanAction | None, *, title: str, description: str = "", owner=None,
                lead=None, start_date: dt.date | None = None, due_date: dt.date | None = None,
                status: str = PlanAction.NOT_STARTED, recommendations=(), teams: list[str] | None = None,
                user=None) -> PlanAction:
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the action's title."
    if owner is None:
        errors["owner"] = "Choose who owns the action."
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due, for example 31 3 2027."
    elif start_date and due_date < start_date:
        errors["due_date"] = "The due date must be on or after the start date."
    if status not in dict(PlanAction.STATUSES):
        errors["status"] = "Choose the action's status."
    chosen = list(Recommendation.objects.filter(plan=priority.plan, pk__in=[getattr(r, "pk", r) for r in recommendations]))
    if errors:
        raise PlanError(errors)
    note = "Action changed" if action else "Action added"
    action = action or PlanAction(priority=priority)
    action.title, action.description, action.owner, action.lead = title.strip(), description.strip(), owner, lead
    action.start_date, action.due_date, action.status = start_date, due_date, status
    action.teams = sorted({t.strip() for t in teams or [] if t.strip()})
    action.save()
    action.recommendations.set(chosen)
    _revise(priority.plan, action, user, note)
    return action


def measure_title(measure_id: str) -> str:
    if measure_id.startswith(NATIONAL_PREFIX):
        indicator = INDICATORS.get(measure_id.removeprefix(NATIONAL_PREFIX))
        return f"{indicator.title} (published)" if indicator else measure_id
    measure = REGISTRY.get(measure_id)
    return measure.title if measure else measure_id


def measure_polarity(measure_id: str) -> str | None:
    if measure_id.startswith(NATIONAL_PREFIX):
        indicator = INDICATORS.get(measure_id.removeprefix(NATIONAL_PREFIX))
        return indicator.polarity if indicator else None
    measure = REGISTRY.get(measure_id)
    return measure.polarity if measure else None


@transaction.atomic
def add_success_measure(*, priority: Priority | None = None, action: PlanAction | None = None, measure_id: str,
                        baseline_date: dt.date | None, baseline_value: float | None, target_date: dt.date | None,
                        target_value: float | None, milestones: list[tuple[dt.date, float]] = (),
                        user=None) -> SuccessMeasure:
    """A success measure on a priority or an action: a measure in the registry (or 'national:<indicator>'), its
    baseline, its target and any milestones on the way."""
    errors = {}
    polarity = measure_polarity(measure_id)
    if polarity is None:
        errors["measure_id"] = "Choose a measure."
    elif polarity not in ("higher is better", "lower is better"):
        errors["measure_id"] = ("This measure has no better direction, so progress towards a target cannot be "
                                "judged; choose another.")
    # In the order the form asks for them, so the error summary reads down the page.
    if baseline_value is None:
        errors["baseline_value"] = "Enter the baseline value as a number, for example 72.5."
    if baseline_date is None:
        errors["baseline_date"] = "Enter the baseline's date, for example 31 3 2026."
    if target_value is None:
        errors["target_value"] = "Enter the target value as a number, for example 72.5."
    if target_date is None:
        errors["target_date"] = "Enter the target date, for example 31 3 2027."
    if not errors:
        baseline, target = Point(baseline_date, baseline_value), Point(target_date, target_value)
        try:
            assess(Trajectory(baseline, target), polarity, None)  # the dates' order, and the target's direction
        except ValueError as exc:
            errors["target_value" if "worse than the baseline" in str(exc) else "target_date"] = str(exc)
        else:
            try:
                Trajectory(baseline, target, tuple(Point(d, v) for d, v in sorted(milestones)))
            except ValueError as exc:
                errors["milestones"] = str(exc)
    if errors:
        raise PlanError(errors)
    made = SuccessMeasure.objects.create(
        priority=priority, action=action, measure_id=measure_id, baseline_date=baseline_date,
        baseline_value=baseline_value, target_date=target_date, target_value=target_value,
        milestones=[[d.isoformat(), v] for d, v in sorted(milestones)], created_by=user)
    plan = (priority or action.priority).plan
    _revise(plan, made, user, f"Success measure added: {measure_title(measure_id)}")
    return made


# --------------------------------------------------------------------------- updates, comments, visits


def post_update(*, priority: Priority | None = None, action: PlanAction | None = None, rag: str, narrative: str,
                evidence: str = "", corrects: Update | None = None, user) -> Update:
    """An owner's dated progress update. Earlier updates are never changed; a correction names the one it corrects."""
    errors = {}
    if rag not in dict(Update.RAGS):
        errors["rag"] = "Choose your rating: green, amber or red."
    if not narrative.strip():
        errors["narrative"] = "Say what has happened since the last update."
    if corrects is not None and (corrects.action_id, corrects.priority_id) != (getattr(action, "pk", None),
                                                                                getattr(priority, "pk", None)):
        errors["corrects"] = "A correction must be to an update of the same action or priority."
    if errors:
        raise PlanError(errors)
    return Update.objects.create(priority=priority, action=action, author=user,
                                 author_name=display_name(user), rag=rag,
                                 narrative=narrative.strip(), evidence=evidence.strip(), corrects=corrects)


def add_comment(plan: Plan, *, text: str, speaking_for: str = "", priority: Priority | None = None,
                action: PlanAction | None = None, user) -> Comment:
    if not text.strip():
        raise PlanError({"text": "Write your comment."})
    return Comment.objects.create(plan=plan, priority=priority, action=action, author=user,
                                  author_name=display_name(user),
                                  speaking_for=speaking_for.strip()[:200], text=text.strip())


def record_consultation(plan: Plan, *, held_on: dt.date | None, who: str, how: str, summary: str = "",
                        user=None) -> Consultation:
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date, for example 14 1 2027."
    if not who.strip():
        errors["who"] = "Say who was consulted."
    if not how.strip():
        errors["how"] = "Say how, for example 'practice workshop'."
    if errors:
        raise PlanError(errors)
    return Consultation.objects.create(plan=plan, held_on=held_on, who=who.strip()[:300], how=how.strip()[:200],
                                       summary=summary.strip(), recorded_by=user)


@transaction.atomic
def record_visit(council, visit: Visit | None = None, *, kind: str, date: dt.date | None, title: str, focus: str = "",
                 findings: str = "", priorities=(), user=None) -> Visit:
    """Record (or update, as findings arrive) a monitoring visit, review or board meeting."""
    errors = {}
    if kind not in dict(Visit.KINDS):
        errors["kind"] = "Choose what kind of visit or meeting it is."
    if date is None:
        errors["date"] = "Enter the date, for example 14 1 2027."
    if not title.strip():
        errors["title"] = "Enter a title, for example 'Fourth monitoring visit: the front door'."
    if errors:
        raise PlanError(errors)
    visit = visit or Visit(council=council, recorded_by=user)
    visit.kind, visit.date, visit.title, visit.focus, visit.findings = kind, date, title.strip(), focus.strip(), \
        findings.strip()
    visit.save()
    visit.priorities.set([p for p in priorities if p.plan.council_id == council.pk])
    return visit
