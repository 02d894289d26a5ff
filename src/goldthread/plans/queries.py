"""What plan pages read: the live value of a success measure (Annex A measures from the council's extracts,
case-audit measures from its stored audit measures, published indicators from the national data), its
computed status against its trajectory, and the plan as it stood at a past moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from goldthread.audits.models import AuditMeasureValue
from goldthread.core.measures import ANNEX_A, REGISTRY
from goldthread.core.plan.status import Assessment, Point, Trajectory, assess, disagreement
from goldthread.extracts.models import MeasureValue
from goldthread.national.models import IndicatorValue

from .actions import NATIONAL_PREFIX, measure_polarity, measure_title
from .models import PlanAction, Priority, Revision, SuccessMeasure, Update

# A published indicator's value for a year is read as at the 31 March that ends the year it describes (the
# CIN and CLA years end then; the workforce census is taken at the end of September, close enough for a plan).
NATIONAL_YEAR_END = (3, 31)


def series(council, measure_id: str, on: dt.date | None = None) -> list[Point]:
    """Every known value of a measure for the council, oldest first, up to ``on`` (all by default)."""
    if measure_id.startswith(NATIONAL_PREFIX):
        rows = IndicatorValue.objects.filter(council=council, indicator_id=measure_id.removeprefix(NATIONAL_PREFIX),
                                             value__isnull=False).order_by("year")
        points = [Point(dt.date(r.year, *NATIONAL_YEAR_END), r.value) for r in rows]
    elif measure_id in REGISTRY and REGISTRY[measure_id].source == ANNEX_A:
        rows = MeasureValue.objects.filter(extract__council=council, measure_id=measure_id,
                                           value__isnull=False).select_related("extract")
        points = sorted((Point(r.extract.extract_date, r.value) for r in rows), key=lambda p: p.day)
    else:
        rows = AuditMeasureValue.objects.filter(council=council, measure_id=measure_id, value__isnull=False)
        points = [Point(r.as_at, r.value) for r in rows.order_by("as_at")]
    return [p for p in points if on is None or p.day <= on]


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


def trajectory(measure: SuccessMeasure) -> Trajectory:
    return Trajectory(Point(measure.baseline_date, measure.baseline_value),
                      Point(measure.target_date, measure.target_value),
                      tuple(Point(dt.date.fromisoformat(d), v) for d, v in measure.milestones))


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


def measure_status(council, measure: SuccessMeasure, *, on: dt.date | None = None, owner_rag: str = "") -> MeasureStatus:
    """The measure's live value and its status against its trajectory (as at ``on``, today by default)."""
    today = on or timezone.localdate()
    points = series(council, measure.measure_id, on)
    path = trajectory(measure)
    result = assess(path, measure_polarity(measure.measure_id), points[-1] if points else None, today=today)
    return MeasureStatus(measure, measure_title(measure.measure_id), unit_of(measure.measure_id), path, points, result,
                         owner_rag, disagreement(result.status, owner_rag))


def statuses_for(council, owner_of: Priority | PlanAction, *, on: dt.date | None = None) -> list[MeasureStatus]:
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time.max)) if on else None
    rag = owner_rating(owner_of, moment)
    return [measure_status(council, m, on=on, owner_rag=rag) for m in owner_of.measures.all()]


def as_it_stood(plan, moment: dt.datetime) -> dict[tuple[str, int], dict]:
    """The plan's parts as they stood at ``moment``: (kind, id) -> the latest snapshot up to then."""
    found: dict[tuple[str, int], dict] = {}
    for revision in Revision.objects.filter(plan=plan, at__lte=moment).order_by("at", "pk"):
        found[(revision.kind, revision.object_id)] = revision.snapshot
    return found


def changes_since(plan, moment: dt.datetime) -> list[Revision]:
    return list(Revision.objects.filter(plan=plan, at__gt=moment).select_related("by").order_by("-at", "-pk"))
