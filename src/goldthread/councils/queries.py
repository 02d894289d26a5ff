"""What pages read about a council's targets: the one target per measure now, or as it stood at a moment."""

from __future__ import annotations

import datetime as dt

from .models import GroupPopulation, LocalAuthority, MeasureTarget, MeasureTargetChange

# A published national indicator used as a measure (in an improvement plan) is named "national:<indicator id>".
NATIONAL_PREFIX = "national:"


def measure_polarity(measure_id: str) -> str | None:
    """Which way is better for a measure in the registry or a published indicator; None for an unknown id."""
    if measure_id.startswith(NATIONAL_PREFIX):
        from goldthread.core.national.indicators import INDICATORS

        indicator = INDICATORS.get(measure_id.removeprefix(NATIONAL_PREFIX))
        return indicator.polarity if indicator else None
    from goldthread.core.measures import REGISTRY

    measure = REGISTRY.get(measure_id)
    return measure.polarity if measure else None


def targets_of(council: LocalAuthority) -> dict[str, MeasureTarget]:
    """The council's targets now: measure id -> its one target."""
    return {t.measure_id: t for t in MeasureTarget.objects.filter(council=council)}


def target_as_at(council: LocalAuthority, measure_id: str, moment: dt.datetime) -> MeasureTargetChange | None:
    """The council's target for a measure as it stood at ``moment`` (an aware datetime): the last change made
    by then, or None when there was none or it had been removed."""
    change = (MeasureTargetChange.objects.filter(council=council, measure_id=measure_id, at__lte=moment)
              .order_by("-at", "-pk").first())
    return change if change is not None and change.value is not None else None


def first_path(council: LocalAuthority, measure_id: str) -> MeasureTargetChange | None:
    """The first target with a path (baseline, date) recorded for a measure: what an improvement plan first set."""
    return (MeasureTargetChange.objects.filter(council=council, measure_id=measure_id, value__isnull=False,
                                               target_date__isnull=False, baseline_date__isnull=False)
            .order_by("at", "pk").first())


def group_populations(council: LocalAuthority, dimension: str) -> tuple[dict[str, int], GroupPopulation | None]:
    """The council's child population by group for a dimension (group -> children), and one of its rows (which
    says where the figures come from, who gave them and when); ({}, None) when it has given none."""
    rows = list(GroupPopulation.objects.filter(council=council, dimension=dimension).select_related("given_by"))
    return {r.group: r.population for r in rows}, (rows[0] if rows else None)
