"""What the portal's pages read: stored measure values, their trends, targets and England's figures.

Pages only read what imports and national loads stored; the one computation at request time is
the list of children behind a number, which only roles with child-level access ever ask for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.utils import timezone

from goldthread.core.measures import ANNEX_A, CASE_AUDITS, GROUPS, REGISTRY, Measure
from goldthread.core.measures.registry import HIGHER, LOWER
from goldthread.core.plan.status import Assessment, Point, Trajectory, assess
from goldthread.councils.models import LocalAuthority
from goldthread.councils.queries import targets_of
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import StoredAnnexA, live_extracts
from goldthread.national.queries import england_figures
from goldthread.store import queries as store
from goldthread.store.models import Figure

# Small changes are noise: a percentage must move by more than this many points to be "up" or "down".
STEADY_PERCENT_POINTS = 0.5
# A target status's colour: the plan's statuses as the plan pages colour them, and a plain target met or missed.
TARGET_TAGS = {"met": "green", "on track": "green", "at risk": "yellow", "off track": "red", "no data": "grey",
               "not yet measurable": "grey", "meets target": "green", "misses target": "red"}


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
    # The improvement plan's path to the target (baseline, target date, milestones), where a success measure set
    # it: the card then shows the plan's status (goldthread.core.plan.status), judged on ``today``.
    target_path: Trajectory | None = None
    today: dt.date | None = None

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
    def assessment(self) -> Assessment | None:
        """The improvement plan's status for the measure (met, on track, at risk, off track, no data, not yet
        measurable) from its latest value, exactly as the plan computes it; None without a plan's path."""
        if self.target_path is None or self.measure.polarity not in (HIGHER, LOWER):
            return None
        points = [Point(day, value) for day, value in self.series if value is not None]
        return assess(self.target_path, self.measure.polarity, points[-1] if points else None, today=self.today)

    @property
    def target_status(self) -> str:
        """The plan's status where a success measure set the target; otherwise 'meets target', 'misses target' or
        '' (no target, no value, or no better direction)."""
        assessment = self.assessment
        if assessment is not None:
            return assessment.status
        if self.target is None or self.value is None or self.measure.polarity not in (HIGHER, LOWER):
            return ""
        met = self.value >= self.target if self.measure.polarity == HIGHER else self.value <= self.target
        return "meets target" if met else "misses target"

    @property
    def target_tag(self) -> str:
        """The GOV.UK tag colour for ``target_status``."""
        return TARGET_TAGS.get(self.target_status, "grey")

    @property
    def expected(self) -> list[float | None] | None:
        """The plan's expected value on each date of the series (for the trend chart), or None without a path."""
        if self.target_path is None:
            return None
        return [self.target_path.expected(day) for day, _ in self.series]

    @property
    def england_status(self) -> str:
        if self.england is None or self.value is None or self.measure.polarity not in (HIGHER, LOWER):
            return ""
        better = self.value > self.england[1] if self.measure.polarity == HIGHER else self.value < self.england[1]
        return "better than England" if better else "worse than England" if self.value != self.england[1] \
            else "same as England"


def extracts_of(council: LocalAuthority) -> list[Extract]:
    return list(live_extracts(council))


def page_version(council: LocalAuthority) -> int:
    """The version of everything a council's measure pages show (its extracts and their measures, the
    settings they were computed with, its targets, the national data, its audits): every action that
    changes any of these moves it on (goldthread.councils.actions.data_changed). Pages render what they
    show once per version and reuse it."""
    return council.settings.data_version


def cards(council: LocalAuthority, extracts: list[Extract], only: str | None = None, *,
          known_at: dt.datetime | None = None) -> dict[str, list[Card]]:
    """One card per measure (or just ``only``), grouped as practice flows: Annex A measures for the latest
    extract, with their trend over extracts; case-audit measures as stored today, with their trend over
    month ends.

    With ``known_at`` (an aware datetime: the end of a past day), as the dashboard stood then: ``extracts`` are
    then the extracts in use at that moment (``live_extracts(council, known_at=...)``), case-audit measures are
    computed from the audits as known then (submitted, moderated, closed by then: goldthread.plans.queries
    .audit_data_known_at) at the same month ends the stored values are kept for, targets are as they were set
    then, and target statuses are judged on that day."""
    dates = {e.pk: e.extract_date for e in extracts}
    values = store.extract_figures(extracts, only)
    if known_at is None:
        audit_values = store.council_figures(council, CASE_AUDITS, only)
    else:
        audit_values = audit_values_known_at(council, known_at, only)
    stored: dict[str, list[tuple]] = {}  # measure id -> [(date, stored value)] oldest first
    for v in sorted(values, key=lambda v: dates[v.extract_id]):
        stored.setdefault(v.measure_id, []).append((dates[v.extract_id], v))
    for v in audit_values:
        stored.setdefault(v.measure_id, []).append((v.as_at, v))
    if not stored:
        return {}
    latest_date = extracts[-1].extract_date if extracts else None
    targets = targets_of(council) if known_at is None else targets_known_at(council, list(stored), known_at)
    today = timezone.localdate() if known_at is None else timezone.localdate(known_at)
    england = england_figures()
    grouped: dict[str, list[Card]] = {label: [] for label in GROUPS.values()}
    for mid, measure in REGISTRY.items():
        if mid not in stored:
            continue
        points = stored[mid]
        row = points[-1][1] if measure.source != ANNEX_A or points[-1][0] == latest_date else None
        previous = points[-2][1].value if len(points) > 1 and row is not None else None
        grouped[GROUPS[measure.group]].append(Card(
            measure=measure, value=row.value if row else None, numerator=row.numerator if row else None,
            denominator=row.denominator if row else None, previous=previous,
            target=targets[mid].value if mid in targets else None, england=england.get(mid),
            series=[(d, v.value) for d, v in points],
            target_path=targets[mid].trajectory if mid in targets else None, today=today))
    return {label: group for label, group in grouped.items() if group}


def audit_values_known_at(council: LocalAuthority, known_at: dt.datetime, only: str | None = None) -> list:
    """The case-audit measures as they would have been stored at ``known_at``: computed, with the registry's own
    functions, from the audits as known then, for each month's end up to that day and for the day itself (the
    dates goldthread.audits.actions.measure_dates gives); unsaved figures, oldest first."""
    from goldthread.audits.actions import measure_dates
    from goldthread.core.audits import audit_measure_ids
    from goldthread.core.measures import Context
    from goldthread.plans.queries import audit_data_known_at

    data = audit_data_known_at(council, known_at)
    found = []
    for as_at in measure_dates(data.first_day, timezone.localdate(known_at)):
        context = Context(as_at=as_at)
        for measure_id in audit_measure_ids():
            if only and measure_id != only:
                continue
            result = REGISTRY[measure_id].compute(data, context)
            found.append(Figure(council=council, area=council.ons_code, measure_id=measure_id, source=CASE_AUDITS,
                                as_at=as_at, known_from=known_at, value=_number(result.value),
                                numerator=_number(result.numerator), denominator=_number(result.denominator),
                                note=result.note or ""))
    return found


def targets_known_at(council: LocalAuthority, measure_ids: list[str], known_at: dt.datetime) -> dict:
    """The council's targets for these measures as they stood at ``known_at`` (goldthread.councils.queries
    .target_as_at): measure id -> the target change in force then, for measures that had a target then."""
    from goldthread.councils.queries import target_as_at

    found = {mid: target_as_at(council, mid, known_at) for mid in measure_ids}
    return {mid: target for mid, target in found.items() if target is not None}


def workforce(council: LocalAuthority, extracts: list[Extract]) -> dict:
    """What the workforce page (and a pack's workforce section) shows for the latest of ``extracts``:
    the caseload threshold, each allocated worker's caseload (largest first), those over the threshold, caseloads
    by team and the distribution chart. Empty without an extract. ``extracts`` may be those in use at a past
    moment (``live_extracts(council, known_at=...)``); the threshold is the council's setting now."""
    from goldthread import charts

    if not extracts:
        return {}
    latest = extracts[-1]
    threshold = council.settings.caseload_threshold
    loads = breakdowns(latest, REGISTRY["caseload_median"])
    workers = sorted(loads["worker"], key=lambda b: -(b.value or 0))
    return {
        "threshold": threshold, "workers": workers, "teams": loads["team"],
        "over": [w for w in workers if (w.value or 0) > threshold],
        "distribution": charts.distribution([w.value for w in workers if w.value is not None],
                                            title="Children per allocated worker", unit="count", threshold=threshold),
    }


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


@dataclass
class Split:
    group: str
    value: float | None
    numerator: float | None
    denominator: float | None


def breakdowns(extract: Extract | None, measure: Measure, council: LocalAuthority | None = None) -> dict[str, list]:
    """A measure's value by allocated team and worker: stored at import for Annex A measures; computed from
    the council's audits (a few hundred rows) for case-audit measures."""
    found: dict[str, list] = {"team": [], "worker": []}
    if measure.source != ANNEX_A:
        from goldthread.audits.queries import audit_result

        result = audit_result(council, measure.id)
        for dimension, frame in result.breakdowns.items():
            found[dimension] = [Split(r.group, _number(r.value), _number(r.numerator), _number(r.denominator))
                                for r in frame.itertuples(index=False)]
        return found
    for cell in store.cells(store.figure_of(extract, measure.id)):
        if cell.dimension in found:
            found[cell.dimension].append(cell)
    return found


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def rows_behind(extract: Extract | None, measure: Measure, context, council: LocalAuthority | None = None) -> pd.DataFrame:
    """The rows behind a value, recomputed with the same definition: from the stored Annex A rows, or from
    the council's audits for a case-audit measure (as of today)."""
    if measure.source != ANNEX_A:
        from goldthread.audits.queries import audit_result

        return audit_result(council, measure.id).rows
    return measure.compute(StoredAnnexA(extract), context).rows


def child_rows(extract: Extract, child_id: str) -> list[tuple]:
    """One child's rows in every list of an extract: [(list spec, [row as a dict of stored columns])]."""
    from goldthread.core.annexa import spec as S
    from goldthread.extracts.models import ROW_MODELS

    found = []
    for list_spec in S.LISTS:
        if "child_id" not in list_spec.names:
            continue
        rows = list(ROW_MODELS[list_spec.number].objects.filter(extract=extract, child_id=child_id).values())
        if rows:
            found.append((list_spec, rows))
    return found


def child_display(sections: list[tuple]) -> list[tuple]:
    """``child_rows`` as headers and values for a page: [(list spec, [[(header, value)]])]."""
    return [(list_spec, [[(col.header, row.get(col.name)) for col in list_spec.columns if col.name != "child_id"]
                         for row in rows]) for list_spec, rows in sections]
