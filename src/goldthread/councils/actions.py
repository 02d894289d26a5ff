"""State changes for councils: loading the register of councils and their child populations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F

from goldthread.core.national.dfe import read_child_population
from goldthread.core.national.lookups import read_councils

from .models import ChildPopulation, CouncilSettings, LocalAuthority, MeasureTarget

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


@transaction.atomic
def save_settings(council: LocalAuthority, values: dict, targets: dict[str, float | None]) -> None:
    """Change a council's settings and targets, then recompute its stored measures with them."""
    from goldthread.extracts.actions import recompute_measures

    settings = CouncilSettings.objects.get(council=council)  # as stored, not as a bound form may have left it
    changed_measures = any(getattr(settings, k) != v for k, v in values.items() if k != "require_two_factor")
    for key, value in values.items():
        setattr(settings, key, value)
    settings.save(update_fields=list(values))  # never data_version, which other changes move on
    for measure_id, target in targets.items():
        if target is None:
            MeasureTarget.objects.filter(council=council, measure_id=measure_id).delete()
        else:
            MeasureTarget.objects.update_or_create(council=council, measure_id=measure_id, defaults={"target": target})
    if changed_measures:
        for extract in council.extracts.all():
            recompute_measures(extract)
    data_changed(council)
