"""What the portal's pages read: stored measure values, their trends, targets and England's figures.

Pages only read what imports and national loads stored; the one computation at request time is
the list of children behind a number, which only roles with child-level access ever ask for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from goldthread.core.measures import GROUPS, REGISTRY, Measure
from goldthread.core.measures.registry import HIGHER, LOWER
from goldthread.councils.models import LocalAuthority, MeasureTarget
from goldthread.extracts.models import Extract, MeasureBreakdown, MeasureValue
from goldthread.extracts.queries import StoredAnnexA
from goldthread.national.models import NationalFile
from goldthread.national.queries import england_figures

# Small changes are noise: a percentage must move by more than this many points to be "up" or "down".
STEADY_PERCENT_POINTS = 0.5


@dataclass
class Card:
    measure: Measure
    value: float | None
    numerator: float | None
    denominator: float | None
    previous: float | None
    target: float | None
    england: tuple[int, float] | None
    series: list[tuple]

    @property
    def change(self) -> str:
        """'up', 'down' or 'no change' against the previous extract; '' when there is none."""
        if self.value is None or self.previous is None:
            return ""
        delta = self.value - self.previous
        steady = STEADY_PERCENT_POINTS if self.measure.unit == "percent" else 0
        if abs(delta) <= steady:
            return "no change"
        return "up" if delta > 0 else "down"

    @property
    def better(self) -> bool | None:
        """Whether the change is an improvement (None when the measure has no better direction)."""
        if self.change in ("", "no change") or self.measure.polarity not in (HIGHER, LOWER):
            return None
        return (self.change == "up") == (self.measure.polarity == HIGHER)

    @property
    def target_status(self) -> str:
        """'meets target', 'misses target' or '' (no target, or no better direction)."""
        if self.target is None or self.value is None or self.measure.polarity not in (HIGHER, LOWER):
            return ""
        met = self.value >= self.target if self.measure.polarity == HIGHER else self.value <= self.target
        return "meets target" if met else "misses target"

    @property
    def england_status(self) -> str:
        if self.england is None or self.value is None or self.measure.polarity not in (HIGHER, LOWER):
            return ""
        better = self.value > self.england[1] if self.measure.polarity == HIGHER else self.value < self.england[1]
        return "better than England" if better else "worse than England" if self.value != self.england[1] \
            else "same as England"


def extracts_of(council: LocalAuthority) -> list[Extract]:
    return list(Extract.objects.filter(council=council).order_by("extract_date"))


def dashboard_version(council: LocalAuthority, extracts: list[Extract]) -> str:
    """Everything the dashboard's rows depend on: which extracts (and their files), the settings the
    measures were computed with, the council's targets and the national data loaded. Rows rendered for
    one version are reused until any of these changes."""
    targets = sorted(MeasureTarget.objects.filter(council=council).values_list("measure_id", "target"))
    national = NationalFile.objects.order_by("-pk").values_list("pk", "sha256").first()
    s = council.settings
    measured_with = (s.cp_visit_working_days, s.cin_visit_working_days, s.caseload_threshold, s.child_population)
    parts = repr(([(e.pk, e.sha256) for e in extracts[-2:]], measured_with, targets, national))
    return hashlib.sha1(parts.encode(), usedforsecurity=False).hexdigest()


def cards(council: LocalAuthority, extracts: list[Extract], only: str | None = None) -> dict[str, list[Card]]:
    """One card per measure (or just ``only``) for the latest extract, grouped as practice flows."""
    if not extracts:
        return {}
    dates = {e.pk: e.extract_date for e in extracts}
    values = MeasureValue.objects.filter(extract__in=extracts)
    if only:
        values = values.filter(measure_id=only)
    series: dict[str, list[tuple]] = {}
    latest: dict[str, MeasureValue] = {}
    previous: dict[str, float | None] = {}
    latest_id = extracts[-1].pk
    previous_id = extracts[-2].pk if len(extracts) > 1 else None
    for v in sorted(values, key=lambda v: dates[v.extract_id]):
        series.setdefault(v.measure_id, []).append((dates[v.extract_id], v.value))
        if v.extract_id == latest_id:
            latest[v.measure_id] = v
        elif v.extract_id == previous_id:
            previous[v.measure_id] = v.value
    targets = dict(MeasureTarget.objects.filter(council=council).values_list("measure_id", "target"))
    england = england_figures()
    grouped: dict[str, list[Card]] = {label: [] for label in GROUPS.values()}
    for mid, measure in REGISTRY.items():
        if mid not in series:
            continue
        row = latest.get(mid)
        grouped[GROUPS[measure.group]].append(Card(
            measure=measure, value=row.value if row else None, numerator=row.numerator if row else None,
            denominator=row.denominator if row else None, previous=previous.get(mid), target=targets.get(mid),
            england=england.get(mid), series=series[mid]))
    return {label: group for label, group in grouped.items() if group}


def national_comparison(council: LocalAuthority, measure: Measure) -> dict | None:
    """For a real council, the published counterpart of a measure against England, its region and its
    statistical neighbours, with rank and quartile (None without a counterpart or national data)."""
    if council.fictional or not measure.national:
        return None
    from goldthread.core.national.benchmarks import benchmarks
    from goldthread.national import queries

    values = queries.values_frame([measure.national])
    if values.empty or council.ons_code not in set(values["la_code"]):
        return None
    table = benchmarks(values, queries.councils_frame(), queries.neighbours_frame(), queries.aggregates_frame(),
                       council.ons_code)
    rows = table[table["indicator_id"] == measure.national]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key])
            for key in ("title", "unit", "year", "value", "england", "region", "neighbours", "rank", "rank_of",
                        "quartile", "trend")}


def breakdowns(extract: Extract, measure_id: str) -> dict[str, list[MeasureBreakdown]]:
    found: dict[str, list[MeasureBreakdown]] = {"team": [], "worker": []}
    for b in MeasureBreakdown.objects.filter(extract=extract, measure_id=measure_id):
        found[b.dimension].append(b)
    return found


def rows_behind(extract: Extract, measure: Measure, context) -> pd.DataFrame:
    """The rows behind a stored value, recomputed from the stored rows with the same definition."""
    return measure.compute(StoredAnnexA(extract), context).rows
