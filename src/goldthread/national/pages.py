"""What the national pages show, assembled from the database (queries.py) and the national core.
Views stay thin: each page's data comes from one function here. Nothing here changes anything."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from goldthread import charts
from goldthread.core.measures import REGISTRY
from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER, PERCENT
from goldthread.core.national import interventions as iv
from goldthread.core.national import risk_drivers, risk_report
from goldthread.core.national.benchmarks import MEAN_SOURCE, benchmarks, rug
from goldthread.core.national.indicators import DATASETS, ENGLAND, INDICATOR_GROUPS, INDICATORS, Indicator
from goldthread.core.national.journeys import NOT_YET, OUTCOMES, journey, transition_table, transitions
from goldthread.core.national.lookups import read_code_map
from goldthread.councils.models import LocalAuthority

from .models import IndicatorValue, Intervention, RiskBacktest, RiskScore, StatisticalNeighbour
from .queries import (
    aggregates_frame,
    councils_frame,
    inspections_frame,
    interventions_frame,
    neighbours_frame,
    values_frame,
)

# The tartan rug's columns: headline indicators across the service, most with a better direction.
HEADLINE = (
    "cin_rereferral_rate", "cin_icpc_within_15wd", "cpp_second_or_subsequent", "cpp_2_years_plus", "cla_rate",
    "cla_3plus_placements", "cla_long_term_stability", "care_leavers_eet", "care_leavers_suitable",
    "csww_turnover_rate", "csww_agency_rate", "csww_vacancy_rate",
)
NEIGHBOUR_MODEL = "2025"


def missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def fmt(value, unit: str) -> str:
    return "–" if missing(value) else charts.format_value(float(value), unit)


def compact(value, unit: str) -> str:
    """A figure for a table cell whose column already names the unit: 54.0, not 54.0 per 10,000."""
    return fmt(value, unit).removesuffix(" per 10,000")


def year_label(indicator: Indicator, year: int | None) -> str:
    """What an indicator's year means, briefly: "year to March 2025", "September 2025"..."""
    if year is None:
        return "no data"
    reference = DATASETS[indicator.source].reference_date
    if indicator.source == "deprivation":
        return f"IoD {year}"
    if indicator.source == "ro3":
        return f"{year - 1}-{str(year)[2:]}"
    if reference == (3, 31):
        return f"year to March {year}"
    if reference is None:
        return str(year)
    return f"{dt.date(year, *reference):%B %Y}"


def source_label(indicator: Indicator) -> str:
    return DATASETS[indicator.source].title.split(":")[0]


def national_data_loaded() -> bool:
    return IndicatorValue.objects.exists()


def regions() -> list[tuple[str, str]]:
    return list(LocalAuthority.objects.filter(fictional=False, active=True).exclude(region_code="")
                .values_list("region_code", "region_name").distinct().order_by("region_name"))


# --------------------------------------------------------------------------- the tartan rug


@dataclass
class RugColumn:
    indicator: Indicator
    year: int | None
    year_label: str
    source: str
    sorted: bool = False


@dataclass
class RugCell:
    text: str
    quartile: int | None


@dataclass
class RugRow:
    code: str
    name: str
    region: str
    cells: list[RugCell]


def _sort_key(value, polarity: str):
    if missing(value):
        return (1, 0.0)
    return (0, value if polarity == LOWER else -value)


def rug_page(region: str = "", sort: str = "") -> dict:
    """The rug's columns and rows: every current council (or a region's), quartiles against all of England."""
    values = values_frame(list(HEADLINE))
    councils = councils_frame()
    if values.empty or councils.empty:
        return {"columns": [], "rows": [], "loaded": False}
    table = rug(values, councils, list(HEADLINE))
    years = table.attrs["years"]
    columns = [RugColumn(INDICATORS[i], years[i], year_label(INDICATORS[i], years[i]), source_label(INDICATORS[i]),
                         sorted=(i == sort)) for i in HEADLINE]
    regions_of = councils.set_index("la_code")["region_code"]
    rows = []
    for code, record in table.iterrows():
        if region and regions_of.get(code) != region:
            continue
        cells = []
        for indicator_id in HEADLINE:
            value, quartile = record[(indicator_id, "value")], record[(indicator_id, "quartile")]
            cells.append(RugCell(compact(value, INDICATORS[indicator_id].unit),
                                 None if missing(quartile) else int(quartile)))
        rows.append((RugRow(code, record[("council", "la_name")], record[("council", "region_name")], cells),
                     record[(sort, "value")] if sort in HEADLINE else None))
    if sort in HEADLINE:
        polarity = INDICATORS[sort].polarity
        rows.sort(key=lambda pair: (_sort_key(pair[1], polarity), pair[0].name))
    return {"columns": columns, "rows": [row for row, _ in rows], "loaded": True,
            "sorted_by": INDICATORS.get(sort)}


# --------------------------------------------------------------------------- indicator definitions


def indicator_groups() -> list[tuple[str, list[dict]]]:
    """Every indicator by group, with its publication's title and its Annex A counterpart (if any)."""
    groups = []
    for key, label in INDICATOR_GROUPS.items():
        members = [{"indicator": i, "source": DATASETS[i.source].title, "measure": REGISTRY.get(i.annex_a or "")}
                   for i in INDICATORS.values() if i.group == key]
        if members:
            groups.append((label, members))
    return groups


# --------------------------------------------------------------------------- one council


@dataclass
class BenchmarkRow:
    indicator: Indicator
    year_label: str
    value: str
    marker: str | None
    england: str
    england_note: str
    region: str
    region_note: str
    neighbours: str
    neighbours_note: str
    rank: str
    quartile: int | None
    trend: str
    change: str


def _note(source: str | None) -> str:
    return "mean of councils" if source == MEAN_SOURCE else ""


def _benchmark_rows(table: pd.DataFrame) -> list[tuple[str, list[BenchmarkRow]]]:
    grouped: dict[str, list[BenchmarkRow]] = {}
    for r in table.itertuples(index=False):
        indicator = INDICATORS[r.indicator_id]
        unit = indicator.unit
        change = ""
        if not missing(r.change) and r.trend not in ("no change", "not available", "no previous year"):
            size = f"{abs(r.change):.1f} points" if unit == PERCENT else compact(abs(r.change), unit)
            direction = "by" if indicator.polarity == NEITHER else ("up" if r.change > 0 else "down")
            change = f"{direction} {size} since {r.previous_year}"
        grouped.setdefault(INDICATOR_GROUPS[indicator.group], []).append(BenchmarkRow(
            indicator=indicator, year_label=year_label(indicator, int(r.year)),
            value=compact(r.value, unit), marker=r.marker if missing(r.value) else None,
            england=compact(r.england, unit), england_note=_note(r.england_source),
            region=compact(r.region, unit), region_note=_note(r.region_source),
            neighbours=compact(r.neighbours, unit),
            neighbours_note=(f"{r.neighbours_with_value} of {r.neighbours_in_model} neighbours"
                             if r.neighbours_in_model else "no neighbours in the model"),
            rank="–" if missing(r.rank) else f"{int(r.rank)} of {int(r.rank_of)}",
            quartile=None if missing(r.quartile) else int(r.quartile),
            trend=r.trend, change=change))
    order = list(INDICATOR_GROUPS.values())
    return sorted(grouped.items(), key=lambda item: order.index(item[0]))


def _series(frame: pd.DataFrame) -> dict[int, float]:
    """year -> value of an aggregates frame's rows (missing values left out)."""
    return {int(y): float(v) for y, v in zip(frame["year"], frame["value"], strict=True) if not missing(v)}


def _trend(council: LocalAuthority, indicator: Indicator, values: pd.DataFrame, aggregates: pd.DataFrame) -> dict:
    own = values[(values["indicator_id"] == indicator.id) & (values["la_code"] == council.ons_code)]
    own = own.sort_values("year")
    mine = aggregates[aggregates["indicator_id"] == indicator.id]
    england = _series(mine[mine["geography"] == ENGLAND])
    region = _series(mine[mine["geography"] == council.region_code])
    rows = []
    for r in own.itertuples(index=False):
        year = int(r.year)
        rows.append({"year": year, "label": year_label(indicator, year), "value": compact(r.value, indicator.unit),
                     "marker": r.marker if missing(r.value) else None,
                     "england": compact(england.get(year), indicator.unit),
                     "region": compact(region.get(year), indicator.unit)})
    points = [(str(int(r.year)), None if missing(r.value) else float(r.value)) for r in own.itertuples(index=False)]
    chart = None
    valued = [int(year) for year, value in points if value is not None]
    if valued:
        latest = valued[-1]
        comparators = {f"England ({latest})": england[latest]} if latest in england else None
        chart = charts.trend(points, title=f"{indicator.title}, {council.name}", unit=indicator.unit,
                             comparators=comparators, polarity=indicator.polarity)
    return {"indicator": indicator, "chart": chart, "rows": rows}


def _neighbours(council: LocalAuthority) -> list[LocalAuthority]:
    links = StatisticalNeighbour.objects.filter(model=NEIGHBOUR_MODEL, council=council).select_related("neighbour")
    return [link.neighbour for link in links.order_by("rank")]


def _text(value) -> str:
    """Text from the inspections table, where a blank may be NaN or the string "nan"."""
    return "" if missing(value) or str(value) in ("nan", "None", "<NA>") else str(value)


def _journey(council: LocalAuthority) -> list[dict]:
    inspections = inspections_frame()
    if inspections.empty:
        return []
    table = journey(inspections, council.ons_code, code_map=read_code_map())
    rows = []
    for r in table.itertuples(index=False):
        if r.record not in ("graded inspection", "focused visit", "monitoring visit"):
            continue
        rows.append({
            "published": None if missing(r.publication_date) else r.publication_date.date(),
            "inspected": None if missing(r.inspection_date) else r.inspection_date.date(),
            "framework": r.framework, "type": r.inspection_type, "graded": bool(r.graded),
            "grade": r.grade if r.graded else "", "change": r.change if r.graded else "",
            "days": None if missing(r.days_in_grade) else int(r.days_in_grade),
            "until": r.in_grade_until if r.graded else "",
            "theme": _text(r.visit_theme),
            "note": _text(r.note),
        })
    return rows


def interventions_of(council: LocalAuthority, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    entries = list(Intervention.objects.filter(council=council).order_by("-start_date"))
    in_force = [i for i in entries if i.start_date <= today and (i.end_date is None or i.end_date >= today)]
    return {"in_force": in_force, "other": [i for i in entries if i not in in_force]}


def council_page(council: LocalAuthority, indicator_id: str = "") -> dict:
    context: dict = {"council": council, "loaded": national_data_loaded()}
    if council.fictional or not context["loaded"]:
        return context
    values, aggregates = values_frame(), aggregates_frame()
    table = benchmarks(values, councils_frame(), neighbours_frame(), aggregates, council.ons_code,
                       neighbour_model=NEIGHBOUR_MODEL)
    context["groups"] = _benchmark_rows(table)
    shown = list(table["indicator_id"])
    context["choices"] = [INDICATORS[i] for i in shown]
    chosen = indicator_id if indicator_id in shown else (shown[0] if shown else None)
    context["trend"] = _trend(council, INDICATORS[chosen], values, aggregates) if chosen else None
    context["neighbours"] = _neighbours(council)
    context["journey"] = _journey(council)
    context["interventions"] = interventions_of(council)
    context["risk"] = RiskScore.objects.filter(council=council).first()
    context["accuracy"] = accuracy()
    context["no_drivers"] = risk_drivers.NO_DRIVERS
    return context


# --------------------------------------------------------------------------- early warning


@dataclass
class Accuracy:
    """The backtest in the figures a page states beside the scores; `summary` is the core's caveat
    (``risk_report.accuracy_caveat``), word for word what ``goldthread risk`` prints."""

    computed_at: dt.datetime
    n_boot: int
    n: int
    origins: str
    targets: list[dict] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def accuracy() -> Accuracy | None:
    stored = RiskBacktest.objects.first()
    if stored is None:
        return None
    report = stored.summary
    targets = risk_report.accuracy_figures(report)
    origins = report.get("origins", [])
    span = f"{origins[0]['origin'][:4]} to {origins[-1]['origin'][:4]}" if origins else ""
    first = next(iter(targets.values()), None)
    return Accuracy(stored.computed_at, stored.n_boot, first["n"] if first else 0, span, list(targets.values()),
                    risk_report.accuracy_caveat(report))


def risk_page(region: str = "", order: str = "") -> dict:
    scores = RiskScore.objects.select_related("council")
    if region:
        scores = scores.filter(council__region_code=region)
    scores = scores.order_by("-p_inadequate", "council__name") if order == "inadequate" else \
        scores.order_by("council__name")
    scores = list(scores)
    return {"scores": scores, "as_of": scores[0].as_of if scores else
            getattr(RiskScore.objects.first(), "as_of", None), "accuracy": accuracy(),
            "any": RiskScore.objects.exists(), "caveat_title": risk_report.CAVEAT_TITLE,
            "not_tested": risk_report.NOT_TESTED, "no_drivers": risk_drivers.NO_DRIVERS}


# --------------------------------------------------------------------------- journeys


def _transition_rows(table: pd.DataFrame) -> list[dict]:
    rows = []
    for key, r in table.iterrows():
        n = int(r["judgements"])
        rows.append({
            "key": key, "judgements": n, "councils": int(r["councils"]),
            "outcomes": [(o, int(r[o]), None if missing(r[f"{o} %"]) else r[f"{o} %"]) for o in OUTCOMES],
            "judged_again": int(r["judged again"]),
            "good_or_better": None if missing(r["good or better %"]) else r["good or better %"],
            "median": None if missing(r["median years"]) else r["median years"],
            "q1": None if missing(r["q1 years"]) else r["q1 years"],
            "q3": None if missing(r["q3 years"]) else r["q3 years"],
        })
    return rows


def _judgements(found: pd.DataFrame) -> list[dict]:
    rows = []
    for r in found.itertuples(index=False):
        rows.append({
            "la_code": r.la_code, "la_name": r.la_name, "framework": r.framework,
            "published": None if missing(r.publication_date) else r.publication_date.date(),
            "grade": r.grade,
            "next_grade": r.next_grade if r.next_group != NOT_YET else NOT_YET,
            "next_published": None if missing(r.next_publication_date) else r.next_publication_date.date(),
            "years": None if missing(r.years) else float(r.years),
            "model": "" if missing(r.intervention_model) else r.intervention_model,
            "note": _text(r.note),
        })
    return rows


def journeys_page() -> dict:
    inspections = inspections_frame()
    if inspections.empty:
        return {"loaded": False, "sections": []}
    register = interventions_frame()
    code_map = read_code_map()
    sections = []
    for grade in ("inadequate", "requires improvement"):
        found = transitions(inspections, register if len(register) else None, from_grades=(grade,),
                            code_map=code_map)
        table = transition_table(found)
        section = {"grade": grade, "title": table.attrs["title"], "note": table.attrs["note"],
                   "rows": _transition_rows(table), "judgements": _judgements(found), "by_model": None}
        if len(register) and len(found):
            by_model = transition_table(found, by="intervention_model")
            section["by_model"] = {"title": by_model.attrs["title"], "note": by_model.attrs["note"],
                                   "rows": _transition_rows(by_model)}
        sections.append(section)
    return {"loaded": True, "sections": sections, "register_size": len(register), "outcomes": OUTCOMES}


# --------------------------------------------------------------------------- the register


def register_page(council_code: str = "") -> dict:
    entries = Intervention.objects.select_related("council", "updated_by", "created_by")
    if council_code:
        entries = entries.filter(council__ons_code=council_code)
    entries = entries.order_by("council__name", "-start_date")
    councils = (LocalAuthority.objects.filter(interventions__isnull=False).distinct().order_by("name"))
    return {"entries": entries, "councils": councils, "kinds": iv.KINDS}


POLARITY_WORDS = {HIGHER: "higher is better", LOWER: "lower is better", NEITHER: "no better direction"}
