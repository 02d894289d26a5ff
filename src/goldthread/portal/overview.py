"""The adviser's overview: for a person with roles in several councils (a DfE adviser or commissioner, a regional
improvement lead), each council's headline measures side by side, its improvement plan's status per priority, its
overdue actions and its coming visits. The page ``/overview/`` shows it and the adviser's pack is made from it.

Nothing here calculates a figure of its own. Each value comes from the function the council's own pages read:

- the headline measures are the front sheet's (``portal.frontsheet.HEADLINES``, declared once there), each the
  dashboard's card (``portal.data.cards``: value, previous value, change, England, target and target status);
- the plan's status per priority is the plan's computed status of each success measure
  (``plans.queries.statuses_for``), with the lead's latest rating (``plans.queries.owner_rating``);
- overdue plan actions are the plan's actions as the plan's pages show them (``plans.pages.ActionState``) whose
  due date has passed and which are not complete (``ActionState.overdue``, as on the plan's pages);
- overdue audit actions are counted by the case-audit measure "Audit actions overdue" (``audit_actions_overdue``),
  the dashboard's card for it;
- coming visits are the council's recorded visits and meetings (``plans.models.Visit``) dated on or after the day.

Only councils the person has a role in appear (``accounts.access.memberships``). Every role sees aggregates
only here: no child's identifier, row or audit is in the overview, whatever the role allows on the council's
own pages.

``overview(user, known_at=DAY)`` is the overview as it would have been seen at the end of that day
(``plans.queries.end_of``): the dashboard's cards as they stood then (``data.cards(..., known_at=...)``: extracts
imported by then and not withdrawn then, targets as they stood, audits and audit actions as known then, statuses
judged on that day), the plan, its priorities' and actions' wording, dates and statuses as they stood
(``plans.queries.stood_at``), and success measures, updates and visits recorded by then. What is recorded later
does not change it.

The result (plain dataclasses; ``Overview`` is the root)::

    Overview
      day: date                    the day it is for: today, or ``known_at``
      known_at: datetime | None    the end of ``known_at`` (None: as things are now)
      measures: list[Measure]      the headline measures, in the front sheet's order (goldthread.core.measures)
      sections: list[tuple[str, list[Measure]]]   the same, grouped as the front sheet groups them
      councils: list[CouncilOverview]   the person's councils, by name (none: the person has no council role)

    CouncilOverview
      council: LocalAuthority
      role: str, role_label: str, role_description: str    the person's role there (accounts.models.Role)
      sees_children: bool          whether the role includes child-level records on the council's own pages
                                   (the overview itself shows none, for any role)
      extract: Extract | None      the latest extract in use then (the date of the Annex A figures)
      headline: dict[str, Card]    measure id -> the dashboard's card (portal.data.Card), for each headline
                                   measure the council has a card for (.value None: no value in the latest
                                   extract; no entry: never a stored value): .value, .previous, .change, .better,
                                   .target, .target_status, .target_tag, .england (year, value), .england_status,
                                   .series [(date, value)]
      plan: PlanStatus | None      None: no improvement plan (or none started by then)
      overdue: list[OverdueAction] the plan's overdue actions, earliest due first
      audit_actions_overdue: AuditCount | None   None: no case audits (or none known then)
      visits: list[Visit]          visits and meetings dated on or after ``day``, soonest first

    PlanStatus:    plan: Plan, priorities: list[PriorityStatus] (by phase and number)
    PriorityStatus: priority: Priority, number, title, phase (as they stood), lead_rating ("green", "amber",
                   "red" or ""), measures: list[plans.queries.MeasureStatus] (the priority's own success measures,
                   then its actions'; .title, .unit, .latest, .target, .assessment.status, .owner_rag,
                   .disagreement), actions: int, overdue: int, counts: [(status, number)]
    OverdueAction: priority: Priority, priority_number, priority_title, action: plans.pages.ActionState
                   (.pk, .title, .owner, .due_date, .status_label), days_overdue: int
    AuditCount:    count: int, as_at: date (the date the count is for)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from goldthread.accounts.access import AGGREGATES, CHILD_LEVEL, Access, memberships
from goldthread.accounts.models import ROLE_DESCRIPTIONS
from goldthread.core.measures import REGISTRY, Measure
from goldthread.core.plan.status import STATUSES
from goldthread.councils.models import LocalAuthority
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import live_extracts
from goldthread.plans.models import Plan, PlanAction, Priority, Visit
from goldthread.plans.pages import ActionState
from goldthread.plans.queries import MeasureStatus, end_of, owner_rating, statuses_for, stood_at

from . import data
from .data import Card
from .frontsheet import HEADLINES, MEASURE_IDS

AUDIT_ACTIONS_OVERDUE = "audit_actions_overdue"

FUTURE_DAY = "The date must be today or in the past."


@dataclass
class PriorityStatus:
    priority: Priority
    number: int
    title: str
    phase: str
    lead_rating: str
    measures: list[MeasureStatus]
    actions: int
    overdue: int

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many of its success measures have each status, in the plan's order of statuses (none left out
        that has any)."""
        found = [s.assessment.status for s in self.measures]
        return [(status, found.count(status)) for status in STATUSES if status in found]


@dataclass
class PlanStatus:
    plan: Plan
    priorities: list[PriorityStatus]


@dataclass
class OverdueAction:
    priority: Priority
    priority_number: int
    priority_title: str
    action: ActionState
    days_overdue: int


@dataclass(frozen=True)
class AuditCount:
    count: int
    as_at: dt.date


@dataclass
class CouncilOverview:
    council: LocalAuthority
    role: str
    role_label: str
    role_description: str
    sees_children: bool
    extract: Extract | None
    headline: dict[str, Card]
    plan: PlanStatus | None
    overdue: list[OverdueAction]
    audit_actions_overdue: AuditCount | None
    visits: list[Visit]


@dataclass
class Overview:
    day: dt.date
    known_at: dt.datetime | None
    measures: list[Measure]
    sections: list[tuple[str, list[Measure]]]
    councils: list[CouncilOverview] = field(default_factory=list)


def overview(user, *, known_at: dt.date | None = None) -> Overview:
    """The overview of every council the person has a role in, as things are now or, with ``known_at`` (a day,
    today or earlier), as they were known at the end of that day. See the module's docstring for its shape."""
    if isinstance(known_at, dt.datetime):
        raise TypeError("known_at is a day (a datetime.date): what was known by the end of it.")
    today = timezone.localdate()
    if known_at is not None and known_at > today:
        raise ValueError(FUTURE_DAY)
    day = known_at or today
    moment = end_of(known_at) if known_at is not None else None
    found = Overview(day=day, known_at=moment, measures=[REGISTRY[mid] for mid in MEASURE_IDS],
                     sections=[(label, [REGISTRY[mid] for mid in ids]) for label, ids in HEADLINES])
    for membership in memberships(user):
        access = Access(membership.council, membership)
        if access.can(AGGREGATES):
            found.councils.append(council_overview(access, day=day, moment=moment))
    return found


def council_overview(access: Access, *, day: dt.date, moment: dt.datetime | None) -> CouncilOverview:
    """One council's part of the overview (``moment`` None: now)."""
    council = access.council
    extracts = list(live_extracts(council, known_at=moment))
    cards = {card.measure.id: card for group in data.cards(council, extracts, known_at=moment).values()
             for card in group}
    headline = {mid: cards[mid] for mid in MEASURE_IDS if mid in cards}
    plan, overdue = _plan(council, day, moment)
    visits = Visit.objects.filter(council=council, date__gte=day)
    if moment is not None:
        visits = visits.filter(recorded_at__lte=moment)
    return CouncilOverview(
        council=council, role=access.role, role_label=access.membership.get_role_display(),
        role_description=str(ROLE_DESCRIPTIONS.get(access.role, "")), sees_children=access.can(CHILD_LEVEL),
        extract=extracts[-1] if extracts else None, headline=headline, plan=plan, overdue=overdue,
        audit_actions_overdue=_audit_actions_overdue(cards.get(AUDIT_ACTIONS_OVERDUE)),
        visits=list(visits.order_by("date", "pk")))


def _audit_actions_overdue(card: Card | None) -> AuditCount | None:
    if card is None or card.value is None:
        return None
    return AuditCount(int(card.value), card.series[-1][0])


def _plan(council, day: dt.date, moment: dt.datetime | None) -> tuple[PlanStatus | None, list[OverdueAction]]:
    """The plan's status per priority and its overdue actions, now or as they stood at ``moment``."""
    plans = council.plans.all()
    if moment is not None:
        plans = plans.filter(created_at__lte=moment)
    plan = plans.first()  # the latest, as the plan's pages read it
    if plan is None:
        return None, []
    on = day if moment is not None else None
    priorities, overdue = [], []
    for priority, number, title, phase, actions in _priorities(plan, moment):
        measures = statuses_for(council, priority, on=on)
        for action, _ in actions:
            measures.extend(statuses_for(council, action, on=on))
        late = [state for _, state in actions if state.overdue(day)]
        overdue.extend(OverdueAction(priority, number, title, state, (day - state.due_date).days) for state in late)
        priorities.append(PriorityStatus(priority, number, title, phase, owner_rating(priority, moment), measures,
                                         len(actions), len(late)))
    overdue.sort(key=lambda o: (o.action.due_date, o.priority_number, o.action.pk))
    return PlanStatus(plan, priorities), overdue


def _priorities(plan: Plan, moment: dt.datetime | None):
    """[(priority, number, title, phase, [(action, ActionState)])]: the plan's priorities and their actions now, or
    as they stood at ``moment`` (those that existed then, with their wording, dates and statuses then)."""
    if moment is None:
        found = plan.priorities.prefetch_related("actions__owner", "actions__recommendations")
        return [(p, p.number, p.title, p.phase, [(a, ActionState.now(a)) for a in p.actions.all()]) for p in found]
    stood = stood_at(plan, moment)
    then = {pk: snap for (kind, pk), snap in stood.items() if kind == "priority"}
    action_snaps = {pk: snap for (kind, pk), snap in stood.items() if kind == "planaction"}
    priorities = Priority.objects.in_bulk(list(then))
    actions = PlanAction.objects.in_bulk(list(action_snaps))
    people = get_user_model().objects.in_bulk([s["owner"] for s in action_snaps.values() if s.get("owner")])
    references = {pk: snap.get("reference", "") for (kind, pk), snap in stood.items() if kind == "recommendation"}
    found = []
    for pk, snap in sorted(then.items(), key=lambda item: (item[1].get("phase") or "", item[1].get("number") or 0,
                                                           item[0])):
        if pk not in priorities:
            continue
        states = sorted(((actions[a], ActionState.then(a, s, people, references)) for a, s in action_snaps.items()
                         if s.get("priority") == pk and a in actions),
                        key=lambda pair: (pair[1].due_date or dt.date.min, pair[1].pk))
        found.append((priorities[pk], snap.get("number", priorities[pk].number), snap.get("title", ""),
                      snap.get("phase", ""), states))
    return found

