"""State changes for improvement plans. Views and commands call these; nothing else writes plans.

Every change to the plan's structure (the plan, a recommendation, priority, action or success measure) is
recorded as a ``Revision`` snapshot in the same transaction, so the plan as it stood at any moment can be read
back. Updates, comments, consultations and visits are only ever added."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from goldthread.accounts.access import (
    NOT_A_PLAN_EDITOR,
    NOT_IN_THE_COUNCIL,
    NOT_THEIR_UPDATE,
    enforce,
    may_comment,
    may_edit_plan,
    may_update,
)
from goldthread.accounts.models import display_name
from goldthread.core.measures import REGISTRY
from goldthread.core.national.indicators import INDICATORS
from goldthread.core.plan.status import Point, Trajectory, assess
from goldthread.councils.actions import TargetError, data_changed, set_trajectory
from goldthread.councils.models import MeasureTarget
from goldthread.councils.queries import NATIONAL_PREFIX, measure_polarity
from goldthread.portal.posted import too_long

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


class PlanError(ValueError):
    """A change that cannot be made; ``errors`` maps a field (or "") to a sentence for the person."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"": errors}
        super().__init__(" ".join(self.errors.values()))


def snapshot_of(obj) -> dict:
    """A part of the plan as JSON, as a revision keeps it."""
    data = model_to_dict(obj)
    for key, value in list(data.items()):
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
        elif isinstance(value, list):  # many-to-many: the related objects' ids
            data[key] = [getattr(v, "pk", v) for v in value]
    if isinstance(obj, SuccessMeasure):  # the council's target for the measure as it was then
        target = obj.target
        data.update({"target_value": target.value, "target_date": _iso(target.target_date),
                     "baseline_value": target.baseline_value, "baseline_date": _iso(target.baseline_date),
                     "milestones": target.milestones})
    return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _revise(plan: Plan, obj, user, note: str = "") -> None:
    Revision.objects.create(plan=plan, by=user if getattr(user, "pk", None) else None,
                            kind=type(obj).__name__.lower(), object_id=obj.pk, snapshot=snapshot_of(obj), note=note[:300])


def _limit(model, **values) -> None:
    """PlanError for text longer than the model's field holds."""
    errors = too_long(model, **values)
    if errors:
        raise PlanError(errors)


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
    enforce(may_edit_plan, user, council, message=NOT_A_PLAN_EDITOR)
    errors = {key: f"Enter {label}." for key, value, label in (("title", title, "the plan's title"),
                                                                 ("vision", vision, "the plan's vision"))
              if not value.strip()}
    parsed = parse_recommendations(recommendations)
    if parsed and not source.strip():
        errors["source"] = "Say where the recommendations come from, for example 'ILACS inspection published " \
                           "12 March 2026'."
    errors = too_long(Plan, title=title) | too_long(Recommendation, source=source) | errors
    if errors:
        raise PlanError(errors)
    plan = Plan.objects.create(council=council, title=title.strip(), vision=vision.strip(), created_by=user)
    _revise(plan, plan, user, "Plan created")
    for reference, text in parsed:
        add_recommendation(plan, kind=kind, reference=reference, text=text, source=source, user=user)
    return plan


@transaction.atomic
def edit_plan(plan: Plan, *, title: str, vision: str, user=None) -> Plan:
    enforce(may_edit_plan, user, plan.council, message=NOT_A_PLAN_EDITOR)
    _require({"title": title, "vision": vision}, {"title": "the plan's title", "vision": "the plan's vision"})
    _limit(Plan, title=title)
    plan.title, plan.vision = title.strip(), vision.strip()
    plan.save()
    _revise(plan, plan, user, "Plan changed")
    return plan


SELF_EVALUATION_MAX_CHARS = 50_000


class SelfEvaluationConflict(PlanError):
    """Someone else saved the self-evaluation after the editor opened it: nothing was saved."""


@transaction.atomic
def edit_self_evaluation(plan: Plan, *, text: str, based_on: str | None = None, user=None) -> bool:
    """Write or change the council's self-evaluation: the section it writes for Ofsted, kept with the plan. Every
    version is kept as a revision of the plan, so it can be read as it stood at any moment
    (goldthread.plans.selfevaluation). ``based_on`` is the moment of the version the editor started from (its
    ``self_evaluation_at`` in ISO form, "" for none): when someone has changed it since, nothing is saved and the
    PlanError says who and when (None skips the check). Returns whether anything changed."""
    enforce(may_edit_plan, user, plan.council, message=NOT_A_PLAN_EDITOR)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > SELF_EVALUATION_MAX_CHARS:
        raise PlanError({"self_evaluation": f"The self-evaluation must be {SELF_EVALUATION_MAX_CHARS:,} characters "
                                            "or fewer."})
    current = Plan.objects.select_for_update(of=("self",)).select_related("self_evaluation_by").get(pk=plan.pk)
    now_at = current.self_evaluation_at.isoformat() if current.self_evaluation_at else ""
    if based_on is not None and based_on != now_at:
        who = display_name(current.self_evaluation_by) if current.self_evaluation_by else "Someone"
        when = timezone.localtime(current.self_evaluation_at) if current.self_evaluation_at else None
        raise SelfEvaluationConflict({"self_evaluation": (
            f"{who} changed the self-evaluation{f' at {when:%H:%M} on {when:%-d %B %Y}' if when else ''} after you "
            "opened it, so nothing was saved. Their version is shown above your text: bring in what you need from "
            "it, then save again.")})
    if text == current.self_evaluation:
        return False
    note = "Self-evaluation changed" if current.self_evaluation else "Self-evaluation written"
    current.self_evaluation, current.self_evaluation_at = text, timezone.now()
    current.self_evaluation_by = user if getattr(user, "pk", None) else None
    current.save(update_fields=["self_evaluation", "self_evaluation_at", "self_evaluation_by"])
    _revise(current, current, user, note)  # the plan as it is now, with the new text
    plan.self_evaluation, plan.self_evaluation_at = current.self_evaluation, current.self_evaluation_at
    plan.self_evaluation_by = current.self_evaluation_by
    return True


@transaction.atomic
def add_recommendation(plan: Plan, *, kind: str, reference: str, text: str, source: str, user=None) -> Recommendation:
    enforce(may_edit_plan, user, plan.council, message=NOT_A_PLAN_EDITOR)
    _require({"reference": reference, "text": text}, {"reference": "its reference", "text": "the recommendation"})
    if kind not in dict(Recommendation.KINDS):
        raise PlanError({"kind": "Choose what kind of recommendation it is."})
    _limit(Recommendation, reference=reference, source=source)
    made = Recommendation.objects.create(plan=plan, kind=kind, reference=reference.strip(), text=text.strip(),
                                         source=source.strip())
    _revise(plan, made, user, f"Recommendation {made.reference} recorded")
    return made


# --------------------------------------------------------------------------- priorities and actions


@transaction.atomic
def save_priority(plan: Plan, priority: Priority | None, *, title: str, description: str = "", phase: str = "",
                  lead=None, teams: list[str] | None = None, user=None) -> Priority:
    enforce(may_edit_plan, user, plan.council, message=NOT_A_PLAN_EDITOR)
    _require({"title": title}, {"title": "the priority's title"})
    _limit(Priority, title=title, phase=phase)
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
    enforce(may_edit_plan, user, priority.plan.council, message=NOT_A_PLAN_EDITOR)
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
    errors = too_long(PlanAction, title=title) | errors
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


def _target_text(target) -> str:
    path = target.trajectory
    text = f"{target.value:g}"
    if path is not None:
        text += f" by {path.target.day:%d/%m/%Y} from {path.baseline.value:g} on {path.baseline.day:%d/%m/%Y}"
        if path.milestones:
            text += f" through {len(path.milestones)} milestone{'s' if len(path.milestones) > 1 else ''}"
    return text


@transaction.atomic
def add_success_measure(*, priority: Priority | None = None, action: PlanAction | None = None, measure_id: str,
                        baseline_date: dt.date | None, baseline_value: float | None, target_date: dt.date | None,
                        target_value: float | None, milestones: list[tuple[dt.date, float]] = (),
                        user=None) -> SuccessMeasure:
    """A success measure on a priority or an action: a measure in the registry (or 'national:<indicator>'), its
    baseline, its target and any milestones on the way.

    There is one target per council and measure (``councils.MeasureTarget``), whichever page sets it: the path
    given here becomes the council's target for the measure, read by every success measure on it (here or
    elsewhere in the plan), the dashboard, the measure page and the settings page. The change is kept in the
    target's history and, where it changes a target already set, in the plan's revisions."""
    enforce(may_edit_plan, user, (priority or action.priority).plan.council, message=NOT_A_PLAN_EDITOR)
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
    path = None
    if not errors:
        baseline, target = Point(baseline_date, baseline_value), Point(target_date, target_value)
        try:
            assess(Trajectory(baseline, target), polarity, None)  # the dates' order, and the target's direction
        except ValueError as exc:
            errors["target_value" if "worse than the baseline" in str(exc) else "target_date"] = str(exc)
        else:
            try:
                path = Trajectory(baseline, target, tuple(Point(d, v) for d, v in sorted(milestones)))
            except ValueError as exc:
                errors["milestones"] = str(exc)
    if errors:
        raise PlanError(errors)
    plan = (priority or action.priority).plan
    council = plan.council
    before = MeasureTarget.objects.filter(council=council, measure_id=measure_id).first()
    before_text = _target_text(before) if before is not None else None
    try:
        target = set_trajectory(council, measure_id, path, user=user)
    except TargetError as exc:
        raise PlanError({"target_value": " ".join(exc.errors.values())}) from None
    made = SuccessMeasure.objects.create(priority=priority, action=action, measure_id=measure_id, target=target,
                                         created_by=user)
    note = f"Success measure added: {measure_title(measure_id)}"
    after_text = _target_text(target)
    changed = before_text is not None and before_text != after_text
    if changed:
        note += f"; the council's target for it changed from {before_text} to {after_text}"
    _revise(plan, made, user, note)
    if changed:  # the other success measures on the measure share the target: their history says so too
        where = f"priority {priority.number}" if priority else f"the action '{action.title}'"
        for other in target.success_measures.exclude(pk=made.pk).select_related("priority__plan",
                                                                             "action__priority__plan"):
            _revise((other.priority or other.action.priority).plan, other, user,
                    f"Target changed by a success measure on {where}: from {before_text} to {after_text}")
    data_changed(council)  # the dashboard and the measure page show the plan's path
    return made


# --------------------------------------------------------------------------- updates, comments, visits


def post_update(*, priority: Priority | None = None, action: PlanAction | None = None, rag: str, narrative: str,
                evidence: str = "", corrects: Update | None = None, user) -> Update:
    """An owner's dated progress update. Earlier updates are never changed; a correction names the one it corrects."""
    item = action or priority
    enforce(may_update, user, item.priority.plan.council if action else item.plan.council, item,
            message=NOT_THEIR_UPDATE, person_required=True)
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
    enforce(may_comment, user, plan.council, plan, message=NOT_IN_THE_COUNCIL, person_required=True)
    if not text.strip():
        raise PlanError({"text": "Write your comment."})
    _limit(Comment, speaking_for=speaking_for)
    return Comment.objects.create(plan=plan, priority=priority, action=action, author=user,
                                  author_name=display_name(user)[:200], speaking_for=speaking_for.strip(),
                                  text=text.strip())


def record_consultation(plan: Plan, *, held_on: dt.date | None, who: str, how: str, summary: str = "",
                        user=None) -> Consultation:
    enforce(may_edit_plan, user, plan.council, message=NOT_A_PLAN_EDITOR)
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date, for example 14 1 2027."
    if not who.strip():
        errors["who"] = "Say who was consulted."
    if not how.strip():
        errors["how"] = "Say how, for example 'practice workshop'."
    errors = too_long(Consultation, who=who, how=how) | errors
    if errors:
        raise PlanError(errors)
    return Consultation.objects.create(plan=plan, held_on=held_on, who=who.strip(), how=how.strip(),
                                       summary=summary.strip(), recorded_by=user)


@transaction.atomic
def record_visit(council, visit: Visit | None = None, *, kind: str, date: dt.date | None, title: str, focus: str = "",
                 findings: str = "", priorities=(), user=None) -> Visit:
    """Record (or update, as findings arrive) a monitoring visit, review or board meeting."""
    enforce(may_edit_plan, user, council, message=NOT_A_PLAN_EDITOR)
    errors = {}
    if kind not in dict(Visit.KINDS):
        errors["kind"] = "Choose what kind of visit or meeting it is."
    if date is None:
        errors["date"] = "Enter the date, for example 14 1 2027."
    if not title.strip():
        errors["title"] = "Enter a title, for example 'Fourth monitoring visit: the front door'."
    errors = too_long(Visit, title=title) | errors
    if errors:
        raise PlanError(errors)
    visit = visit or Visit(council=council, recorded_by=user)
    visit.kind, visit.date, visit.title, visit.focus, visit.findings = kind, date, title.strip(), focus.strip(), \
        findings.strip()
    visit.save()
    visit.priorities.set([p for p in priorities if p.plan.council_id == council.pk])
    return visit
