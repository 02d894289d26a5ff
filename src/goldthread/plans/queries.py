"""What plan pages read: the live value of a success measure (Annex A measures from the council's extracts in use,
case-audit measures from its audits, published indicators from the national data), its computed status against
the council's one target for the measure, and the plan as it stood at a past moment.

A past view (a board meeting's date) must show only what was known then: ``known_at`` (an aware datetime, the end
of that day) limits every read to what had been recorded by then: extracts imported by then and not yet
withdrawn, audits submitted by then with the grades and action states of that moment, targets as they were set,
and the plan's parts and wording as they stood."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db.models import Q
from django.utils import timezone

from goldthread.audits.models import Audit, AuditAction
from goldthread.core.measures import CASE_AUDITS, REGISTRY, Context
from goldthread.core.plan.status import Assessment, Point, Trajectory, assess, disagreement
from goldthread.councils.queries import first_path, target_as_at
from goldthread.store import queries as store

from .actions import NATIONAL_PREFIX, measure_polarity, measure_title, snapshot_of
from .models import Plan, PlanAction, Priority, Recommendation, Revision, SuccessMeasure, Update

# A published indicator's value for a year is read as at the 31 March that ends the year it describes (the
# CIN and CLA years end then; the workforce census is taken at the end of September, close enough for a plan).
NATIONAL_YEAR_END = (3, 31)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day, in the service's time zone: what was known "on" that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


# --------------------------------------------------------------------------- a measure's values


def audit_data_known_at(council, moment: dt.datetime):
    """The council's audits and audit actions as they stood at ``moment``: audits submitted by then, moderated
    grades only where moderation had happened by then, actions created by then, closed or verified only if that
    had happened by then."""
    from goldthread.audits.queries import AuditData

    data = AuditData(council)
    audits = Audit.objects.filter(council=council)
    known = audits.filter(submitted_at__lte=moment).values_list("pk", flat=True)
    moderated = audits.filter(moderated_at__lte=moment).values_list("pk", flat=True)
    frame = data.audits[data.audits["audit_id"].isin(list(known))].copy()
    not_yet = ~frame["audit_id"].isin(list(moderated))
    frame.loc[not_yet, "moderated"] = False
    frame.loc[not_yet, "moderated_grade"] = None
    frame.loc[not_yet, "status"] = Audit.SUBMITTED
    data.audits = frame.reset_index(drop=True)

    actions = AuditAction.objects.filter(council=council)
    created = actions.filter(created_at__lte=moment).values_list("pk", flat=True)
    closed = actions.filter(closed_at__lte=moment).values_list("pk", flat=True)
    verified = actions.filter(verified_at__lte=moment).values_list("pk", flat=True)
    frame = data.actions[data.actions["action_id"].isin(list(created))].copy()
    open_then = ~frame["action_id"].isin(list(closed))
    unverified = ~frame["action_id"].isin(list(verified))
    frame.loc[unverified, "verified_on"] = pd.NaT
    frame.loc[unverified & ~open_then, "status"] = AuditAction.CLOSED
    frame.loc[open_then, "closed_on"] = pd.NaT
    frame.loc[open_then, "status"] = AuditAction.OPEN
    data.actions = frame.reset_index(drop=True)
    return data


def _audit_series(council, measure_id: str, on: dt.date, moment: dt.datetime) -> list[Point]:
    """A case-audit measure at each month's end up to ``on``, and on ``on``, from the audits known at ``moment``
    (the dates the stored values are kept for, goldthread.audits.actions.measure_dates)."""
    from goldthread.audits.actions import measure_dates

    data = audit_data_known_at(council, moment)
    points = []
    for day in measure_dates(data.first_day, on):
        value = REGISTRY[measure_id].compute(data, Context(as_at=day)).value
        if value is not None and not pd.isna(value):
            points.append(Point(day, float(value)))
    return points


def series(council, measure_id: str, on: dt.date | None = None, *,
           known_at: dt.datetime | None = None) -> list[Point]:
    """Every known value of a measure (a registry measure, or "national:<indicator>") for the council, oldest
    first, up to ``on`` (all by default); with ``known_at``, only what goldthread held then (the measure store's
    one rule: goldthread.store.queries.series). A case-audit measure as known at a past moment is computed from the
    audits as known then, since its stored values are recomputed whenever audits change."""
    if known_at is not None and measure_id in REGISTRY and REGISTRY[measure_id].source == CASE_AUDITS:
        return _audit_series(council, measure_id, on or timezone.localdate(known_at), known_at)
    return [Point(p.day, p.value) for p in store.series(council, measure_id, known_at=known_at, on=on)]


# --------------------------------------------------------------------------- a success measure's status


@dataclass
class MeasureStatus:
    measure: SuccessMeasure
    title: str
    unit: str
    trajectory: Trajectory
    points: list[Point]
    assessment: Assessment
    owner_rag: str
    disagreement: str | None

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def target(self) -> Point:
        return self.trajectory.target

    @property
    def baseline(self) -> Point:
        return self.trajectory.baseline


def trajectory(measure: SuccessMeasure, known_at: dt.datetime | None = None) -> Trajectory:
    """The path to the council's one target for the measure: now, or as it stood at ``known_at``."""
    if known_at is None:
        return measure.target.trajectory
    council = measure.target.council
    for stood in (target_as_at(council, measure.measure_id, known_at), first_path(council, measure.measure_id)):
        if stood is not None and stood.trajectory is not None:
            return stood.trajectory
    return measure.target.trajectory  # no history of the target at all: as it is now


def unit_of(measure_id: str) -> str:
    if measure_id.startswith(NATIONAL_PREFIX):
        from goldthread.core.national.indicators import INDICATORS

        indicator = INDICATORS.get(measure_id.removeprefix(NATIONAL_PREFIX))
        return indicator.unit if indicator else ""
    return REGISTRY[measure_id].unit if measure_id in REGISTRY else ""


def owner_rating(owner_of: Priority | PlanAction, on: dt.datetime | None = None) -> str:
    updates = Update.objects.filter(**{"priority" if isinstance(owner_of, Priority) else "action": owner_of})
    if on is not None:
        updates = updates.filter(written_at__lte=on)
    latest = updates.order_by("-written_at", "-pk").first()
    return latest.rag if latest else ""


def measure_status(council, measure: SuccessMeasure, *, on: dt.date | None = None, owner_rag: str = "",
                   known_at: dt.datetime | None = None) -> MeasureStatus:
    """The measure's value and its status against the council's target for it (as at ``on``, today by default;
    with ``known_at``, from what was known then)."""
    today = on or timezone.localdate()
    points = series(council, measure.measure_id, on, known_at=known_at)
    path = trajectory(measure, known_at)
    result = assess(path, measure_polarity(measure.measure_id), points[-1] if points else None, today=today)
    return MeasureStatus(measure, measure_title(measure.measure_id), unit_of(measure.measure_id), path, points, result,
                         owner_rag, disagreement(result.status, owner_rag))


def statuses_for(council, owner_of: Priority | PlanAction, *, on: dt.date | None = None) -> list[MeasureStatus]:
    """The statuses of a priority's or action's success measures; with ``on``, of those it had at the end of that
    day, as known then."""
    moment = end_of(on) if on else None
    rag = owner_rating(owner_of, moment)
    measures = owner_of.measures.all()
    if moment is not None:
        plan = (owner_of if isinstance(owner_of, Priority) else owner_of.priority).plan
        existed = existing_ids(plan, "successmeasure", moment)
        measures = [m for m in measures if m.pk in existed]
    return [measure_status(council, m, on=on, owner_rag=rag, known_at=moment) for m in measures]


# --------------------------------------------------------------------------- the plan as it stood


def as_it_stood(plan, moment: dt.datetime) -> dict[tuple[str, int], dict]:
    """The plan's parts as they stood at ``moment``: (kind, id) -> the latest snapshot up to then."""
    found: dict[tuple[str, int], dict] = {}
    for revision in Revision.objects.filter(plan=plan, at__lte=moment).order_by("at", "pk"):
        found[(revision.kind, revision.object_id)] = revision.snapshot
    return found


PARTS = {"plan": (Plan, "pk"), "recommendation": (Recommendation, "plan"), "priority": (Priority, "plan"),
         "planaction": (PlanAction, "priority__plan"), "successmeasure": (SuccessMeasure, None)}


def _parts(plan, kind: str):
    model, link = PARTS[kind]
    if kind == "successmeasure":
        return model.objects.filter(Q(priority__plan=plan) | Q(action__priority__plan=plan))
    return model.objects.filter(**{link: plan.pk if link == "pk" else plan})


def existing_ids(plan, kind: str, moment: dt.datetime) -> set[int]:
    """The ids of the plan's parts of a kind that existed at ``moment``: created by then, or with a revision by
    then."""
    created = set(_parts(plan, kind).filter(created_at__lte=moment).values_list("pk", flat=True))
    revised = set(Revision.objects.filter(plan=plan, kind=kind, at__lte=moment).values_list("object_id", flat=True))
    return created | revised


def stood_at(plan, moment: dt.datetime) -> dict[tuple[str, int], dict]:
    """Every part of the plan that existed at ``moment``, as it stood then: its latest revision up to then, or,
    for a part created by then with no revision by then, the first wording recorded for it (never what it says
    now, unless nothing was ever recorded)."""
    found = as_it_stood(plan, moment)
    for kind in PARTS:
        for part in _parts(plan, kind).filter(created_at__lte=moment):
            if (kind, part.pk) in found:
                continue
            first = Revision.objects.filter(plan=plan, kind=kind, object_id=part.pk).order_by("at", "pk").first()
            found[(kind, part.pk)] = first.snapshot if first is not None else snapshot_of(part)
    return found


def changes_since(plan, moment: dt.datetime) -> list[Revision]:
    return list(Revision.objects.filter(plan=plan, at__gt=moment).select_related("by").order_by("-at", "-pk"))
