"""State changes for councils: loading the register of councils and their child populations, their settings,
and the one target per council and measure (with its history)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F

from goldthread.core.measures.registry import HIGHER, LOWER
from goldthread.core.national.dfe import read_child_population
from goldthread.core.national.lookups import read_councils

from .models import (
    ChildPopulation,
    CouncilSettings,
    GroupPopulation,
    LocalAuthority,
    MeasureTarget,
    MeasureTargetChange,
)
from .queries import measure_polarity

# Fictional councils for the demo, tests and benchmarks. Codes in ranges no real council uses.
FICTIONAL = (
    dict(ons_code="E06999901", old_code="991", name="Northby", region_code="E12999999",
         region_name="Fictional region", la_type="Unitary Authority", fictional=True),
    dict(ons_code="E06999902", old_code="992", name="Southmoor", region_code="E12999999",
         region_name="Fictional region", la_type="Unitary Authority", fictional=True),
)
FICTIONAL_POPULATION = {"E06999901": 48_000, "E06999902": 61_000}


@dataclass
class LoadSummary:
    councils: int
    populations: int


@transaction.atomic
def load_councils(folder: Path | None = None, *, fictional: bool = True) -> LoadSummary:
    """Create or update every council (current and abolished) with its ONS child populations and a
    settings row. Idempotent: running it again updates names and regions and adds new years."""
    table = read_councils(folder)
    records = [dict(ons_code=r.la_code, old_code=r.old_la_code, name=r.la_name, region_code=r.region_code or "",
                    region_name=r.region_name or "", la_type=r.la_type or "", fictional=False,
                    active=r.status == "current") for r in table.itertuples()]
    if fictional:
        records.extend(FICTIONAL)
    councils = {}
    for record in records:
        council, _ = LocalAuthority.objects.update_or_create(ons_code=record["ons_code"], defaults=record)
        CouncilSettings.objects.get_or_create(council=council)
        councils[council.ons_code] = council

    population = read_child_population(folder).table
    population = population[population["geographic_level"].eq("Local authority") & population["population"].notna()]
    existing = set(ChildPopulation.objects.values_list("council__ons_code", "year"))
    ChildPopulation.objects.bulk_create([
        ChildPopulation(council=councils[r.code], year=int(r.year), population=int(r.population))
        for r in population.itertuples() if r.code in councils and (r.code, int(r.year)) not in existing
    ])
    if fictional:
        for code, people in FICTIONAL_POPULATION.items():
            CouncilSettings.objects.filter(council__ons_code=code).update(child_population=people)
    return LoadSummary(len(councils), ChildPopulation.objects.count())


def data_changed(council: LocalAuthority | None = None) -> None:
    """Record that what a council's pages show has changed (every council's, with no council): call it in
    the transaction of the change. Pages cache what they render per ``CouncilSettings.data_version``."""
    rows = CouncilSettings.objects.all() if council is None else CouncilSettings.objects.filter(council=council)
    rows.update(data_version=F("data_version") + 1)


# --------------------------------------------------------------------------- targets


class TargetError(ValueError):
    """A target that cannot be set; ``errors`` maps a measure id to a sentence for the person."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


def _in_use(target: MeasureTarget) -> bool:
    """Whether anything measures progress against the target (an improvement plan's success measure)."""
    return any(rel.related_model._default_manager.filter(**{rel.field.name: target}).exists()
               for rel in MeasureTarget._meta.related_objects)


def _path_problem(trajectory, polarity: str | None) -> str | None:
    """Why a path to a target cannot be judged (a measure with no better direction, a target worse than the
    baseline, dates out of order), or None."""
    from goldthread.core.plan.status import assess

    if polarity not in (HIGHER, LOWER):
        return "This measure has no better direction, so it cannot have a target."
    try:
        assess(trajectory, polarity, None)
    except ValueError as exc:
        return str(exc)
    return None


def _target_problem(council: LocalAuthority, measure_id: str, value: float | None) -> str | None:
    """Why the settings page cannot set this value as the measure's target, or None."""
    from goldthread.core.plan.status import Point, Trajectory

    current = MeasureTarget.objects.filter(council=council, measure_id=measure_id).first()
    if value is None:
        if current is not None and _in_use(current):
            return ("The improvement plan measures progress against this target, so it cannot be left blank: "
                    "enter the target value.")
        return None
    if measure_polarity(measure_id) not in (HIGHER, LOWER):
        return "This measure has no better direction, so it cannot have a target."
    path = current.trajectory if current is not None else None
    if path is None:
        return None
    problem = _path_problem(Trajectory(path.baseline, Point(path.target.day, value), path.milestones),
                            measure_polarity(measure_id))
    if problem:
        return (f"{problem} The improvement plan measures progress from that baseline "
                f"({path.baseline.day:%d/%m/%Y}).")
    return None


def _record(council: LocalAuthority, measure_id: str, target: MeasureTarget | None, user, where: str) -> None:
    path = {f: getattr(target, f) for f in ("value", "target_date", "baseline_date", "baseline_value", "milestones")} \
        if target is not None else {"value": None}
    MeasureTargetChange.objects.create(council=council, measure_id=measure_id, by=user if getattr(user, "pk", None)
                                       else None, where=where, **path)
    data_changed(council)


@transaction.atomic
def set_target(council: LocalAuthority, measure_id: str, value: float | None, *, user=None,
               where: str = MeasureTargetChange.SETTINGS) -> bool:
    """Set (or with None, remove) the council's one target for a measure, as the settings page does: the value
    changes everywhere it is read, an improvement plan's path to it keeps its baseline, date and milestones.
    Raises TargetError when it cannot be set. Returns whether anything changed."""
    problem = _target_problem(council, measure_id, value)
    if problem:
        raise TargetError({measure_id: problem})
    current = MeasureTarget.objects.select_for_update().filter(council=council, measure_id=measure_id).first()
    if value is None:
        if current is None:
            return False
        current.delete()
        _record(council, measure_id, None, user, where)
        return True
    if current is not None and current.value == value:
        return False
    current = current or MeasureTarget(council=council, measure_id=measure_id)
    current.value = value
    current.save()
    _record(council, measure_id, current, user, where)
    return True


@transaction.atomic
def set_trajectory(council: LocalAuthority, measure_id: str, trajectory, *, user=None) -> MeasureTarget:
    """Set the council's one target for a measure with the path to it (a ``goldthread.core.plan.status.Trajectory``),
    as an improvement plan's success measure does. Raises TargetError when the path cannot be judged."""
    problem = _path_problem(trajectory, measure_polarity(measure_id))
    if problem:
        raise TargetError({measure_id: problem})
    values = {"value": float(trajectory.target.value), "target_date": trajectory.target.day,
              "baseline_date": trajectory.baseline.day, "baseline_value": float(trajectory.baseline.value),
              "milestones": [[m.day.isoformat(), float(m.value)] for m in trajectory.milestones]}
    current = MeasureTarget.objects.select_for_update().filter(council=council, measure_id=measure_id).first()
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return current
    current = current or MeasureTarget(council=council, measure_id=measure_id)
    for key, value in values.items():
        setattr(current, key, value)
    current.save()
    _record(council, measure_id, current, user, MeasureTargetChange.PLAN)
    return current


@transaction.atomic
def save_settings(council: LocalAuthority, values: dict, targets: dict[str, float | None], user=None) -> None:
    """Change a council's settings and targets, then recompute its stored measures with them. Raises TargetError
    (and changes nothing) when a target cannot be set."""
    from goldthread.extracts.actions import recompute_measures

    # Only the targets that change are checked and set (the form sends one for every measure).
    held = dict(MeasureTarget.objects.filter(council=council).values_list("measure_id", "value"))
    targets = {measure_id: value for measure_id, value in targets.items() if held.get(measure_id) != value}
    problems = {measure_id: problem for measure_id, value in targets.items()
                if (problem := _target_problem(council, measure_id, value))}
    if problems:
        raise TargetError(problems)
    settings = CouncilSettings.objects.get(council=council)  # as stored, not as a bound form may have left it
    changed_measures = any(getattr(settings, k) != v for k, v in values.items() if k != "require_two_factor")
    for key, value in values.items():
        setattr(settings, key, value)
    settings.save(update_fields=list(values))  # never data_version, which other changes move on
    for measure_id, target in targets.items():
        set_target(council, measure_id, target, user=user)
    if changed_measures:
        for extract in council.extracts.all():
            recompute_measures(extract)
    data_changed(council)


# --------------------------------------------------------------------------- populations by group


class PopulationError(ValueError):
    """Populations that cannot be saved; ``errors`` maps a field ("source" or a group) to a sentence."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def set_group_populations(access, dimension: str, populations: dict[str, int | None], *, source: str) -> int:
    """Replace the council's child population by group for one dimension (a blank group has none), all or
    nothing: the groups must be the dimension's (`POPULATION_GROUPS`), each a whole number above 0, and where any
    is given, where the figures come from. Only people who may change the council's settings. Returns how many
    groups now have a population."""
    from django.core.exceptions import PermissionDenied

    from goldthread.accounts.access import may_change_settings
    from goldthread.core.measures.disproportionality import POPULATION_GROUPS

    if not may_change_settings(access):
        raise PermissionDenied("Only the council's admins can give its population by group.")
    if dimension not in POPULATION_GROUPS:
        raise PopulationError({"dimension": f"Populations are given by {', '.join(POPULATION_GROUPS)}, "
                                            f"not {dimension!r}."})
    groups = POPULATION_GROUPS[dimension]
    errors = {group: f"{group} is not a group of {dimension}." for group in populations if group not in groups}
    for group, value in populations.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            errors[group] = f"Enter the number of children in {group} as a whole number above 0, or leave it blank."
    given = {group: value for group, value in populations.items() if value is not None}
    source = source.strip()
    if given and not source:
        errors["source"] = "Say where the figures come from (for example, Census 2021 by ethnic group, ages 0 to 17)."
    if errors:
        raise PopulationError(errors)
    council = access.council
    GroupPopulation.objects.filter(council=council, dimension=dimension).delete()
    GroupPopulation.objects.bulk_create([
        GroupPopulation(council=council, dimension=dimension, group=group, population=value, source=source[:300],
                        given_by_id=access.user_id)
        for group, value in given.items()])
    data_changed(council)
    return len(given)
