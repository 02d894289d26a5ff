"""The council's self-evaluation, kept with its improvement plan: the section the council writes for Ofsted, now or
as it stood at a past moment (a pack for a past monitoring visit shows the text the council had written by then).

Every change is kept as a revision of the plan (goldthread.plans.actions.edit_self_evaluation): the text at a moment
is the one in the plan's latest revision up to then. A plan's revisions made before the self-evaluation existed hold
no text, and read as "not written yet"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .models import Plan, Revision


@dataclass(frozen=True)
class SelfEvaluation:
    text: str  # "" when none had been written
    written_at: dt.datetime | None  # when this version was saved
    written_by: object | None  # who saved it (a user; None if unknown or since removed)

    @property
    def written(self) -> bool:
        return bool(self.text)


def self_evaluation(plan: Plan, *, known_at: dt.datetime | None = None) -> SelfEvaluation:
    """The self-evaluation now or, with ``known_at`` (an aware datetime, e.g. goldthread.plans.queries.end_of(day)),
    as it stood then."""
    if known_at is None:
        return SelfEvaluation(plan.self_evaluation, plan.self_evaluation_at, plan.self_evaluation_by)
    revision = Revision.objects.filter(plan=plan, kind="plan", object_id=plan.pk, at__lte=known_at).order_by(
        "-at", "-pk").first()
    if revision is None:
        return SelfEvaluation("", None, None)
    return _from_snapshot(revision.snapshot)


def versions(plan: Plan) -> list[SelfEvaluation]:
    """Every version of the self-evaluation that was saved, newest first."""
    found: dict[str, dict] = {}
    for snapshot in Revision.objects.filter(plan=plan, kind="plan", object_id=plan.pk).order_by(
            "at", "pk").values_list("snapshot", flat=True):
        if snapshot.get("self_evaluation_at"):
            found.setdefault(snapshot["self_evaluation_at"], snapshot)
    people = get_user_model().objects.in_bulk([s.get("self_evaluation_by") for s in found.values()
                                               if s.get("self_evaluation_by")])
    return [_from_snapshot(s, people) for s in reversed(found.values())]


def _from_snapshot(snapshot: dict, people: dict | None = None) -> SelfEvaluation:
    at = snapshot.get("self_evaluation_at")
    by = snapshot.get("self_evaluation_by")
    if people is None:
        people = get_user_model().objects.in_bulk([by]) if by else {}
    return SelfEvaluation(snapshot.get("self_evaluation") or "", dt.datetime.fromisoformat(at) if at else None,
                          people.get(by))
