"""State changes for councils: loading the register of councils and their child populations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction

from .models import ChildPopulation, CouncilSettings, LocalAuthority

DATA = Path(__file__).resolve().parent.parent / "data" / "national"
LOOKUP = DATA / "lookups" / "Provider_data_lookup.csv"
POPULATION = DATA / "dfe" / "ons_mid-year_population_estimates_2012_to_2024.csv"

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
def load_councils(lookup: Path = LOOKUP, population: Path = POPULATION, *, fictional: bool = True) -> LoadSummary:
    """Create or update every council in the lookup, their ONS child populations, and settings rows.

    Idempotent: running it again updates names and regions and adds new years, never duplicates."""
    table = pd.read_csv(lookup, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table = table[table["country"].eq("England")]
    # Councils since abolished (Cumbria, Northamptonshire, Poole) have no current code; their own ONS
    # code is in the lower-tier column. They are kept, marked inactive, so their history is not lost.
    records = [dict(ons_code=(r.la_code_new or r.ltla23cd).strip(), old_code=r.la_code.strip(),
                    name=r.local_authority_ons_name.strip(), region_code=r.rgn22cd.strip(),
                    region_name=r.region_name.strip(), la_type=r.ons_la_type.strip(), fictional=False,
                    active=bool(r.la_code_new.strip())) for r in table.itertuples()]
    if fictional:
        records.extend(FICTIONAL)
    councils = {}
    for record in records:
        council, _ = LocalAuthority.objects.update_or_create(ons_code=record["ons_code"], defaults=record)
        CouncilSettings.objects.get_or_create(council=council)
        councils[council.ons_code] = council

    pop = pd.read_csv(population, dtype=str, keep_default_na=False)
    pop = pop[pop["geographic_level"].eq("Local authority") & pop["age_group"].eq("Children aged 0 to 17 years")]
    existing = set(ChildPopulation.objects.values_list("council__ons_code", "year"))
    new = []
    for r in pop.itertuples():
        council = councils.get(r.new_la_code)
        if council is None or not r.population_estimate.isdigit():
            continue
        if (council.ons_code, int(r.time_period)) not in existing:
            new.append(ChildPopulation(council=council, year=int(r.time_period), population=int(r.population_estimate)))
    ChildPopulation.objects.bulk_create(new, ignore_conflicts=True)
    if fictional:
        for code, people in FICTIONAL_POPULATION.items():
            CouncilSettings.objects.filter(council__ons_code=code).update(child_population=people)
    return LoadSummary(len(councils), ChildPopulation.objects.count())
