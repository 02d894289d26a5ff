"""How well the simulated council works, from struggling (q = 0) to strong (q = 1), month by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from dateutil.relativedelta import relativedelta

from .config import (
    IMPROVEMENT_END,
    IMPROVEMENT_START,
    SynthConfig,
)

date = dt.date


@dataclass(frozen=True, slots=True)
class _Practice:
    assess_on_time: float  # share of assessments authorised within 45 working days
    icpc_on_time: float  # share of initial conferences within 15 working days of the strategy discussion
    child_seen: float  # share of assessments where the child is seen
    rereferral: float  # share of referrals of a child referred in the previous 12 months
    repeat_cp: float  # share of CP plans for a child who had one before
    cp_to_care: float  # share of CP plans ending with the child coming into care
    cp_reviews: tuple[float, ...]  # weights: a plan ends at its 1st, 2nd, ... review conference
    cp_visit_late: float  # share of CP visit intervals over 10 working days
    cin_visit_late: float  # share of CIN visit intervals over 20 working days
    cla_visit_late: float  # share of CLA visit intervals over 6 weeks
    review_late: float  # share of CP / CLA reviews held late
    health_late: float  # share of CLA health assessments late
    dental_late: float
    seen_alone: float
    caseload: float  # cases per social worker the council staffs for
    agency: float  # share of new workers who are agency staff
    permanent_days: float  # mean tenure of a permanent worker
    agency_days: float  # mean tenure of an agency worker
    vacancy: float  # chance a leaver is not replaced at once
    alloc_wait: float  # chance a new case waits to be allocated
    transfers: float  # moves of a case between workers in a team, per year
    moves: float  # placement moves per year in care
    in_area: float  # share of placements inside the council's area
    return_interview: float  # share of missing episodes followed by an offered return interview
    pathway_late: float  # share of pathway plan reviews late
    in_touch: float  # share of care leavers in touch
    eet: float  # share of care leavers in education, employment or training
    suitable: float  # share of care leavers in suitable accommodation
    reentry: float  # chance a child who went home comes back into care
    court_days: float  # days from interim to full care order

    @classmethod
    def at(cls, q: float) -> _Practice:
        values = {}
        for f in fields(cls):
            weak, strong = _PRACTICE_RANGE[f.name]
            if isinstance(weak, tuple):
                values[f.name] = tuple(w + (s - w) * q for w, s in zip(weak, strong, strict=True))
            else:
                values[f.name] = weak + (strong - weak) * q
        return cls(**values)


_PRACTICE_RANGE: dict[str, tuple] = {  # (struggling, strong)
    "assess_on_time": (0.64, 0.91),
    "icpc_on_time": (0.58, 0.88),
    "child_seen": (0.90, 0.98),
    "rereferral": (0.33, 0.22),
    "repeat_cp": (0.29, 0.16),
    "cp_to_care": (0.17, 0.12),
    "cp_reviews": ((0.08, 0.30, 0.31, 0.21, 0.07, 0.03), (0.13, 0.38, 0.30, 0.15, 0.03, 0.01)),
    "cp_visit_late": (0.45, 0.08),
    "cin_visit_late": (0.45, 0.10),
    "cla_visit_late": (0.40, 0.06),
    "review_late": (0.30, 0.04),
    "health_late": (0.35, 0.07),
    "dental_late": (0.40, 0.15),
    "seen_alone": (0.62, 0.86),
    "caseload": (27.0, 15.5),
    "agency": (0.40, 0.08),
    "permanent_days": (700.0, 1800.0),
    "agency_days": (140.0, 260.0),
    "vacancy": (0.75, 0.15),
    "alloc_wait": (0.22, 0.02),
    "transfers": (1.1, 0.2),
    "moves": (0.9, 0.35),
    "in_area": (0.62, 0.82),
    "return_interview": (0.55, 0.92),
    "pathway_late": (0.30, 0.05),
    "in_touch": (0.80, 0.93),
    "eet": (0.45, 0.62),
    "suitable": (0.82, 0.94),
    "reentry": (0.15, 0.07),
    "court_days": (300.0, 200.0),
}


def _quality(config: SynthConfig, d: date) -> float:
    if config.profile == "strong":
        return 1.0
    end = config.improved_by or IMPROVEMENT_END
    start = IMPROVEMENT_START if config.improved_by is None else end - relativedelta(years=3)
    if config.profile == "struggling" or d < start:
        return 0.0
    if d >= end:
        return 1.0
    return (d - start).days / (end - start).days
