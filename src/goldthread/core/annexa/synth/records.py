"""The records of a simulated case history: children, referrals, assessments, enquiries, plans, periods in
care, placements, adoptions, care leavers, adopters and social work posts."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from .draws import (
    _add_years,
)

date = dt.date


@dataclass(slots=True, eq=False)
class _Child:
    id: str
    gender: str
    ethnicity: str
    dob: date
    disability: bool | None
    loc: int
    seed: int
    uasc: bool = False
    epoch: int = 0  # bumped when the child is referred again: pool entries made before are stale
    referrals: list[date] = field(default_factory=list)
    s47s: list[_S47] = field(default_factory=list)
    cp_count: int = 0
    cla: list[_CLAPeriod] = field(default_factory=list)
    spells: list[_Spell] = field(default_factory=list)
    leaver: _Leaver | None = None

    @property
    def adult(self) -> date:
        return _add_years(self.dob, 18)


@dataclass(slots=True, eq=False)
class _Spell:
    """A stretch of a child's case held by one kind of team (and locality)."""

    pool: int
    start: date
    end: date
    seed: int


@dataclass(slots=True, eq=False)
class _Referral:
    child: _Child
    date: date
    source: str
    nfa: bool
    count_12m: int
    episode: _Episode


@dataclass(slots=True, eq=False)
class _Assessment:
    child: _Child
    start: date
    authorised: date
    seen: bool
    needs_support: bool


@dataclass(slots=True, eq=False)
class _S47:
    child: _Child
    start: date
    decided: date  # when the need for a conference was decided
    icpc_needed: bool
    icpc: date | None
    cpp: bool


@dataclass(slots=True, eq=False)
class _CPPlan:
    child: _Child
    start: date
    end: date
    initial: str
    latest: str
    latest_from: date
    reviews: tuple[date, ...]
    epo: date | None
    previous: int
    seed: int


@dataclass(slots=True, eq=False)
class _Placement:
    start: date
    type: str
    provider: str
    postcode: str
    urn: str | None
    location: str
    la: str


@dataclass(slots=True, eq=False)
class _Adoption:
    child: _Child
    decision: date
    placement_order: date | None
    matched: date | None
    placed: date | None
    order: date | None
    no_longer: date | None
    no_longer_reason: str | None
    ffa: date | None
    period: _CLAPeriod | None = None
    family: _Family | None = None


@dataclass(slots=True, eq=False)
class _CLAPeriod:
    child: _Child
    start: date
    end: date
    reason: str
    need: str
    route: str  # how the period ends: return, adoption, sgo, cao, eighteen, other
    legal: list[tuple[date, str]]
    placements: list[_Placement]
    plan: str
    subsequent: bool
    missing_rate: float  # episodes a year
    absent_rate: float
    seed: int
    adoption: _Adoption | None = None


@dataclass(slots=True, eq=False)
class _Leaver:
    child: _Child
    start: date
    end: date
    qualifying: bool
    seed: int


@dataclass(slots=True, eq=False)
class _Episode:
    """A child in need episode: from referral to closure, with the case status as it changes."""

    child: _Child
    start: date
    close: date
    reason: str
    need: str
    nfa: bool
    phases: list[tuple[date, str]]
    seed: int
    assessment: _Assessment | None = None
    cp_plans: list[_CPPlan] = field(default_factory=list)
    periods: list[_CLAPeriod] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Adopter:
    id: str
    gender: str
    ethnicity: str
    disability: bool | None


@dataclass(slots=True, eq=False)
class _Family:
    id: str
    adopters: list[_Adopter]
    ffa: bool
    enquiry: date
    stage1_start: date | None
    stage1_end: date | None
    stage2_start: date | None
    stage2_end: date | None
    application: date | None
    approved: date | None
    left: date | None
    left_reason: str | None
    adoption: _Adoption | None = None


@dataclass(slots=True, eq=False)
class _Slot:
    """One social worker post: its holders over time (a gap between holders is a vacancy)."""

    starts: list[date]
    ends: list[date]
    names: list[str]
    next_start: date

    def holder(self, d: date) -> str | None:
        i = bisect.bisect_right(self.starts, d) - 1
        if i >= 0 and d < self.ends[i]:
            return self.names[i]
        return None
