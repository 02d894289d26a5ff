"""Disproportionality: each group's share of the children at each stage beside its share of the population.

For a dimension (ethnic group, gender, age band or disability) and each stage of a child's journey through
children's social care (referred, assessed, on a child protection plan, in care), a group's row gives:

- the distinct children of the group at that stage (from the stage's measure, split by the dimension: a child
  whose rows give two groups is counted in each), and their share of all children at the stage;
- where the council has given the population of each group (``Context.populations[dimension]``): the group's
  share of the population, its rate per 10,000 children of the group, and the rate ratio: the group's rate
  over the rate of all children whose group has a population figure. A ratio above 1 means the group is
  over-represented at that stage, below 1 under-represented.

Groups with no population (Not recorded, Refused, Unborn, 18 and over, ...) keep their counts and shares and
have no rate or ratio; the ratio's comparison rate leaves them out, so it compares like with like.

Populations: goldthread's packaged ONS estimates give children aged 0 to 17 in total only (no split by age, sex
or ethnicity), and nothing is packaged for ethnicity or disability. Where a population is not given, the table
says so and shows the stage shares alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .breakdowns import breakdown
from .dimensions import CHILD_AGE_BANDS, DIMENSIONS, DISABLED, ETHNIC_GROUPS, NOT_DISABLED
from .registry import REGISTRY, Context, Data, Result

STAGES: tuple[tuple[str, str, str], ...] = (
    ("referral", "Referred", "children_referred"),
    ("assessment", "Assessed", "children_assessed"),
    ("cp_plan", "On a child protection plan", "cpp_open"),
    ("in_care", "In care", "cla_open"),
)
DIMENSION_IDS = ("ethnicity", "gender", "age_band", "disability")

POPULATION_SOURCES = {
    "ethnicity": "goldthread packages no population by ethnic group; the council can give its own (Census 2021 "
                 "by ethnic group, ages 0 to 17, is the usual source).",
    "gender": "goldthread's packaged ONS estimates give children aged 0 to 17 in total only; the council can give "
              "its population by sex (ONS mid-year estimates by single year of age and sex).",
    "age_band": "goldthread's packaged ONS estimates give children aged 0 to 17 in total only; the council can "
                "give its population by age band (ONS mid-year estimates by single year of age).",
    "disability": "goldthread packages no population of disabled children; the council can give its own "
                  "estimate.",
}

# The groups a council can give the child population of, per dimension (the others: Not recorded, Refused,
# Unborn, 18 and over, have no population and keep their counts and shares only).
POPULATION_GROUPS: dict[str, tuple[str, ...]] = {
    "ethnicity": tuple(group for group in ETHNIC_GROUPS if group != "Refused or information not yet obtained"),
    "gender": ("Male", "Female"),
    "age_band": tuple(label for _, high, label in CHILD_AGE_BANDS if high < 18),
    "disability": (DISABLED, NOT_DISABLED),
}


@dataclass
class StageCell:
    children: float  # distinct children of the group at this stage
    share: float | None  # percentage of all children at the stage
    rate: float | None = None  # per 10,000 children of the group, where its population is known
    rate_ratio: float | None = None  # the group's rate / the rate of all children with a population figure


@dataclass
class GroupRow:
    group: str
    population: int | None
    population_share: float | None  # percentage of the population given
    stages: dict[str, StageCell] = field(default_factory=dict)


@dataclass
class Disproportionality:
    dimension: str
    title: str
    stages: tuple[tuple[str, str, str], ...]  # (stage id, label, measure id)
    totals: dict[str, float | None]  # distinct children at each stage
    rows: list[GroupRow]
    population_known: bool
    note: str | None  # where the population comes from, or why there is none

    def as_dict(self) -> dict:
        return {"dimension": self.dimension, "population_known": self.population_known, "note": self.note,
                "totals": self.totals,
                "groups": [{"group": r.group, "population": r.population, "population_share": r.population_share,
                            "stages": {s: vars(c) for s, c in r.stages.items()}} for r in self.rows]}


def stages_for(dimension: str) -> tuple[tuple[str, str, str], ...]:
    """The stages a dimension can be given for: those whose list records it (disability: not Lists 1-3)."""
    if dimension not in DIMENSION_IDS:
        raise ValueError(f"disproportionality is given by {', '.join(DIMENSION_IDS)}, not {dimension!r}")
    lists = set(DIMENSIONS[dimension].lists)
    return tuple(s for s in STAGES if set(REGISTRY[s[2]].lists) <= lists)


def disproportionality(data: Data, ctx: Context, dimension: str,
                       results: dict[str, Result] | None = None) -> Disproportionality:
    """The disproportionality table for one dimension (``results`` may hold the stage measures already
    computed on ``data`` at ``ctx``)."""
    dim = DIMENSIONS.get(dimension)
    counts: dict[str, tuple[float | None, list[tuple[str, float]]]] = {}
    for stage, _, measure_id in stages_for(dimension):
        result = (results or {}).get(measure_id) or REGISTRY[measure_id].compute(data, ctx)
        split = result.dimension_breakdowns.get(dimension) or breakdown(result, dim, data, ctx)
        counts[stage] = (result.value, [(label, float(n)) for label, n in zip(split.labels, split.numerators,
                                                                               strict=True)])
    return from_counts(dimension, counts, (ctx.populations or {}).get(dimension))


def from_counts(dimension: str, counts: Mapping[str, tuple[float | None, list[tuple[str, float]]]],
                populations: Mapping[str, int] | None = None) -> Disproportionality:
    """The table from each stage's distinct children and their split by the dimension (as a measure's
    breakdown or the measure store gives them): stage id -> (children at the stage, [(group, children)]), for
    every stage of ``stages_for(dimension)``; ``populations``: group -> children in the population, if known."""
    stages = stages_for(dimension)
    dim = DIMENSIONS[dimension]
    left_out = [label for stage, label, _ in STAGES if stage not in {s[0] for s in stages}]
    given = {g: int(n) for g, n in (populations or {}).items() if n}
    known_total = sum(given.values())
    found: dict[str, dict[str, float]] = {}
    totals: dict[str, float | None] = {}
    order: list[str] = []
    for stage, _, _ in stages:
        total, groups = counts.get(stage, (None, []))
        totals[stage] = total
        for label, children in groups:
            if label not in order:
                order.append(label)
            found.setdefault(label, {})[stage] = float(children)
    for label in given:  # groups with a population but no children at any stage still get a row
        if label not in order:
            order.append(label)
    with_population = {stage: sum(found.get(g, {}).get(stage, 0.0) for g in given) for stage, _, _ in stages}
    rows = []
    for label in order:
        population = given.get(label)
        row = GroupRow(label, population, 100.0 * population / known_total if population else None)
        for stage, _, _ in stages:
            children = found.get(label, {}).get(stage, 0.0)
            total = totals[stage]
            cell = StageCell(children, 100.0 * children / total if total else None)
            if population:
                cell.rate = children / population * 10_000
                overall = with_population[stage] / known_total * 10_000 if known_total else 0.0
                cell.rate_ratio = cell.rate / overall if overall else None
            row.stages[stage] = cell
        rows.append(row)
    notes = [] if given else [POPULATION_SOURCES[dimension]]
    if left_out:
        notes.append(f"{' and '.join(left_out)}: the list does not record {dim.title.lower()}.")
    return Disproportionality(dimension, dim.title, stages, totals, rows, bool(given), " ".join(notes) or None)
