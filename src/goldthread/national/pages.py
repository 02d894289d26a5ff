"""What the national pages show, assembled from the database (queries.py) and the national core.
Views stay thin: each page's data comes from one function here. Nothing here changes anything."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst, slugify

from goldthread import charts
from goldthread.core.measures import REGISTRY
from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER, PERCENT
from goldthread.core.national import inspection_timing, risk_drivers, risk_report
from goldthread.core.national import interventions as iv
from goldthread.core.national.benchmarks import MEAN_SOURCE, benchmarks, rug
from goldthread.core.national.indicators import DATASETS, ENGLAND, INDICATOR_GROUPS, INDICATORS, Indicator
from goldthread.core.national.journeys import NOT_YET, OUTCOMES, journey, transition_table, transitions
from goldthread.core.national.lookups import read_code_map
from goldthread.councils.models import LocalAuthority
from goldthread.store.queries import has_national
from goldthread.tables import DATE, NUMBER, Column, PageDownloads, Table
from goldthread.tables import PERCENT as PERCENT_COLUMN

from .models import Intervention, RiskBacktest, RiskScore, SlippingScore, StatisticalNeighbour
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
    return has_national()


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
    value: float | None = None


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
                                 None if missing(quartile) else int(quartile), None if missing(value) else float(value)))
        rows.append((RugRow(code, record[("council", "la_name")], record[("council", "region_name")], cells),
                     record[(sort, "value")] if sort in HEADLINE else None))
    if sort in HEADLINE:
        polarity = INDICATORS[sort].polarity
        rows.sort(key=lambda pair: (_sort_key(pair[1], polarity), pair[0].name))
    shown = [row for row, _ in rows]
    region_name = next(iter(councils.loc[councils["region_code"] == region, "region_name"]), "") if region else ""
    return {"columns": columns, "rows": shown, "loaded": True, "sorted_by": INDICATORS.get(sort),
            "downloads": rug_downloads(columns, shown, region_name)}


def rug_downloads(columns: list[RugColumn], rows: list[RugRow], region_name: str = "") -> PageDownloads:
    """The rug as the page shows it (its councils, in its order; each figure and quartile), and where each column
    comes from."""
    offered = PageDownloads("England", "Tartan rug" + (f", {region_name}" if region_name else ""),
                            timezone.localdate())
    header = [Column("Council"), Column("ONS code"), Column("Region")]
    for c in columns:
        header += [Column(f"{c.indicator.title} ({c.year_label})", NUMBER, unit=c.indicator.unit, compact=True),
                   Column(f"{c.indicator.title}: quartile", NUMBER, decimals=0)]
    offered.add(Table("rug", "Councils", header,
                      [[r.name, r.code, r.region, *[v for cell in r.cells for v in (cell.value, cell.quartile)]]
                       for r in rows],
                      caption=f"{len(rows)} councils{f' in {region_name}' if region_name else ''}: figure and "
                              "quartile (Q1 best)",
                      note="Quartiles compare each council with every council in England: 1 is the best quarter, "
                           "4 the worst; indicators with no better direction have none."))
    offered.add(Table("rug-sources", "Where each column comes from", [
        Column("Indicator"), Column("Year shown"), Column("Year means"), Column("Better"),
        Column("Published by"), Column("File")],
        [[c.indicator.title, str(c.year) if c.year else "–", c.indicator.year_meaning, capfirst(POLARITY_WORDS[c.indicator.polarity]),
          c.source, c.indicator.source_file] for c in columns],
        caption="The publication, year and direction behind each column"))
    return offered


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
    # The same figures as numbers, for downloads (goldthread.tables): value, England, region, neighbours, rank and
    # the number ranked.
    numbers: tuple = ()


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
            trend=r.trend, change=change,
            numbers=tuple(None if missing(v) else float(v) for v in (r.value, r.england, r.region, r.neighbours,
                                                                     r.rank, r.rank_of))))
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


def _benchmark_columns(council: LocalAuthority) -> list[Column]:
    numbers = {"unit_from": "Unit", "compact": True}
    return [Column("Indicator"), Column("Year"), Column("Unit"), Column(council.name, NUMBER, **numbers),
            Column("Not available because"), Column("England", NUMBER, **numbers), Column("England note"),
            Column("Region", NUMBER, **numbers), Column("Region note"), Column("Neighbours", NUMBER, **numbers),
            Column("Neighbours note"), Column("Rank", NUMBER, decimals=0), Column("Out of", NUMBER, decimals=0),
            Column("Quartile", NUMBER, decimals=0), Column("Trend"), Column("Change")]


def _benchmark_row(r: BenchmarkRow) -> list:
    value, england, region, neighbours, rank, rank_of = r.numbers
    return [r.indicator.title, r.year_label, r.indicator.unit, value, r.marker or "", england, r.england_note, region,
            r.region_note, neighbours, r.neighbours_note, rank, rank_of, r.quartile,
            r.trend if r.trend in ("improved", "worsened") else capfirst(r.trend), r.change]


def benchmark_downloads(council: LocalAuthority, groups: list[tuple[str, list[BenchmarkRow]]],
                        trend: dict | None = None) -> PageDownloads:
    """A council's published indicators against England, its region and its neighbours, as the council page's
    tables show them: one table per group, and all of them in one; and the chosen indicator's trend chart."""
    offered = PageDownloads(council.name, "Published indicators", timezone.localdate())
    if not groups:
        return offered
    columns = _benchmark_columns(council)
    for label, rows in groups:
        offered.add(Table(f"benchmarks-{slugify(label)}", label, columns, [_benchmark_row(r) for r in rows],
                          caption=f"{council.name}: {label.lower()}"))
    offered.add(Table("benchmarks", "All published indicators", [Column("Group"), *columns],
                      [[label, *_benchmark_row(r)] for label, rows in groups for r in rows],
                      caption=f"{council.name} against England, its region and its statistical neighbours",
                      note="Rank 1 is the best council in England; quartile 1 the best quarter."))
    offered.add_chart("trend-chart", (trend or {}).get("chart"))
    return offered


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
    context.update(council_risk(council))
    return context


# --------------------------------------------------------------------------- early warning


@dataclass
class MetricCell:
    estimate: str
    interval: str


@dataclass
class MetricTable:
    """Every model's every metric for one target of one block of the backtest, as printed."""

    caption: str
    headers: list[str]
    rows: list[tuple[str, bool, list[MetricCell]]]  # (model, primary, cells)


def _number(value, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def metric_table(caption: str, rows: list[dict]) -> MetricTable:
    metrics = [m for _, group in risk_report.METRIC_GROUPS for m in group]
    out = []
    for row in rows:
        cells = []
        for metric in metrics:
            entry, digits = row["metrics"][metric], risk_report.DIGITS.get(metric, 2)
            interval = "" if entry["lower"] is None else \
                f"{_number(entry['lower'], digits)} to {_number(entry['upper'], digits)}"
            cells.append(MetricCell(_number(entry["estimate"], digits), interval))
        out.append((row["label"], row["primary"], cells))
    return MetricTable(caption, [capfirst(risk_report.SHORT[m]) for m in metrics], out)


@dataclass
class Accuracy:
    """The backtest in the figures a page states beside the scores; `summary` and `slipping_summary` are the
    core's caveats (``risk_report``), word for word what ``goldthread risk`` prints and every export carries."""

    computed_at: dt.datetime
    n_boot: int
    n: int
    origins: str
    targets: list[dict] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    fingerprint: str = ""
    fixed: bool = True
    primary: dict = field(default_factory=dict)
    tables: list[MetricTable] = field(default_factory=list)
    held_back: list[MetricTable] = field(default_factory=list)
    held_back_note: str = ""
    held_back_origins: str = ""
    slipping: dict | None = None
    slipping_summary: list[str] = field(default_factory=list)
    slipping_primary: dict = field(default_factory=dict)
    slipping_tables: list[MetricTable] = field(default_factory=list)
    slipping_held_back: list[MetricTable] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)
    timing: list[str] = field(default_factory=list)


def _model_label(report: dict, name: str, slipping: bool = False) -> str:
    models = (report.get("slipping", {}).get("models", {}) if slipping else
              report.get("protocol", {}).get("models", {}))
    return models.get(name, {}).get("label", name)


def accuracy() -> Accuracy | None:
    """The stored backtest, as the early-warning pages state it (None before one is computed)."""
    stored = RiskBacktest.objects.first()
    if stored is None or not {"development", "primary"} <= set(stored.summary):
        return None  # none yet, or one stored before the protocol (run `goldthread national risk-refresh`)
    report = stored.summary
    targets = risk_report.accuracy_figures(report)
    first = next(iter(targets.values()), None)
    primary = {**report["primary"], "label": _model_label(report, report["primary"]["model"])}
    tables = [metric_table(f"{t['label']}: {t['events']} of {t['n']} inspections", t["rows"]) for t in targets.values()]
    held = [metric_table(f"{t['label']}: {t['held_back']['events']} of {t['held_back']['n']} inspections",
                         t["held_back"]["rows"]) for t in targets.values() if t["held_back"]]
    slipping = risk_report.slipping_figures(report)
    slip_primary = report.get("slipping", {}).get("primary", {})
    return Accuracy(
        stored.computed_at, stored.n_boot, first["n"] if first else 0, first["origins"] if first else "",
        list(targets.values()), risk_report.accuracy_caveat(report),
        fingerprint=report.get("protocol", {}).get("fingerprint", ""),
        fixed=bool(report.get("protocol", {}).get("fixed")), primary=primary, tables=tables, held_back=held,
        held_back_note=report.get("held_back", {}).get("note", ""),
        held_back_origins=first["held_back"]["origins"] if first and first["held_back"] else "",
        slipping=slipping, slipping_summary=risk_report.slipping_caveat(report),
        slipping_primary={**slip_primary, "label": _model_label(report, slip_primary.get("model", ""), True)},
        slipping_tables=[metric_table(f"{slipping['label']}: {slipping['events']} of {slipping['n']} inspections",
                                      slipping["rows"])] if slipping else [],
        slipping_held_back=[metric_table(f"{slipping['label']}: {slipping['held_back']['events']} of "
                                         f"{slipping['held_back']['n']} inspections", slipping["held_back"]["rows"])]
        if slipping and slipping["held_back"] else [],
        coverage=risk_report.coverage_rows(report),
        timing=risk_report.timing_sentences(report["timing"]) if report.get("timing") else [])


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass
class Timing:
    """When a council's next inspection is due, as the lists and the council page show it."""

    due: dt.date | None
    opens: dt.date | None
    closes: dt.date | None
    fixed: bool
    status: str
    words: str
    visit: str
    basis: str


def timing_of(score) -> Timing:
    """A stored score's (RiskScore or SlippingScore) inspection timing, with the words the command line uses."""
    stored = dict(score.timing or {})
    row = {**stored, "next_inspection_due": score.next_inspection_due}
    for key in ("window_opens", "window_closes", "visit_date", "visits_known_from", "data_to",
                "last_inspection_start"):
        row[key] = _date(stored.get(key))
    return Timing(score.next_inspection_due, row["window_opens"], row["window_closes"], bool(row.get("fixed")),
                  str(row.get("status") or ""), inspection_timing.timing_words(row), inspection_timing.visit_words(row),
                  str(row.get("basis") or ""))


@dataclass
class ListedScore:
    """One row of an early-warning list: the stored score, its timing, and its drivers with their questions."""

    score: object
    timing: Timing
    drivers: list[tuple[str, str]]  # (why, in words; the question it prompts)


def _listed(score) -> ListedScore:
    questions = list(score.questions or [])
    drivers = [(d, questions[i] if i < len(questions) else "") for i, d in enumerate(score.drivers or [])]
    return ListedScore(score, timing_of(score), drivers)


RISK_ORDERS = {"": "Council name", "inadequate": "Probability of inadequate, highest first",
               "due": "Next inspection due, soonest first"}
WATCHLIST_ORDERS = {"": "Probability of a below-good judgement, highest first",
                    "due": "Next inspection due, soonest first", "name": "Council name"}


def _ordered(scores, order: str, probability: str):
    if order == "due":
        return scores.order_by(models.F("next_inspection_due").asc(nulls_last=True), "council__name")
    if order == probability:
        return scores.order_by(f"-{order_field(probability)}", "council__name")
    return scores.order_by("council__name")


def order_field(order: str) -> str:
    return {"inadequate": "p_inadequate", "below_good": "p_below_good"}[order]


def risk_page(region: str = "", order: str = "") -> dict:
    scores = RiskScore.objects.select_related("council")
    if region:
        scores = scores.filter(council__region_code=region)
    listed = [_listed(s) for s in _ordered(scores, order if order in RISK_ORDERS else "", "inadequate")]
    as_of = listed[0].score.as_of if listed else getattr(RiskScore.objects.first(), "as_of", None)
    found = accuracy()
    return {"scores": listed, "as_of": as_of, "accuracy": found, "any": RiskScore.objects.exists(),
            "caveat_title": risk_report.CAVEAT_TITLE, "not_tested": risk_report.NOT_TESTED,
            "no_drivers": risk_drivers.NO_DRIVERS, "orders": RISK_ORDERS,
            "downloads": risk_downloads(listed, as_of, found, region)}


def watchlist_page(region: str = "", order: str = "") -> dict:
    scores = SlippingScore.objects.select_related("council")
    if region:
        scores = scores.filter(council__region_code=region)
    order = order if order in WATCHLIST_ORDERS else ""
    chosen = "below_good" if order == "" else order
    listed = [_listed(s) for s in _ordered(scores, chosen, "below_good")]
    as_of = listed[0].score.as_of if listed else getattr(SlippingScore.objects.first(), "as_of", None)
    found = accuracy()
    return {"scores": listed, "as_of": as_of, "accuracy": found, "any": SlippingScore.objects.exists(),
            "caveat_title": risk_report.CAVEAT_TITLE, "not_tested": risk_report.NOT_TESTED,
            "no_drivers": risk_drivers.NO_DRIVERS, "orders": WATCHLIST_ORDERS,
            "downloads": watchlist_downloads(listed, as_of, found, region)}


def council_risk(council: LocalAuthority) -> dict:
    """A council's early-warning section: its scores, their timing, the questions they prompt (never a rank
    among councils), and the tested accuracy beside them."""
    risk = RiskScore.objects.filter(council=council).first()
    slipping = SlippingScore.objects.filter(council=council).first()
    return {"risk": risk, "risk_listed": _listed(risk) if risk else None,
            "slipping": _listed(slipping) if slipping else None, "accuracy": accuracy(),
            "no_drivers": risk_drivers.NO_DRIVERS}


def _region_name(region: str) -> str:
    return dict(regions()).get(region, "") if region else ""


def _download_columns(probabilities: list[tuple[str, str]]) -> list[Column]:
    return [Column("Council"), Column("ONS code"),
            *(Column(label, PERCENT_COLUMN, decimals=0) for label, _ in probabilities),
            Column("Last judgement"), Column("Last judgement published", DATE),
            Column("Next inspection due", DATE), Column("When the next inspection comes"),
            Column("Visit since the last judgement"), Column("What raises it most"), Column("Questions to ask")]


def _download_row(item: ListedScore, fields: list[str]) -> list:
    s = item.score
    return [s.council.name, s.council.ons_code, *(100 * getattr(s, f) for f in fields),
            capfirst(s.last_judgement) if s.last_judgement else "None yet", s.last_judgement_date,
            item.timing.due, item.timing.words, item.timing.visit,
            risk_drivers.SEPARATOR.join(capfirst(d) for d, _ in item.drivers) or risk_drivers.NO_DRIVERS,
            risk_drivers.SEPARATOR.join(capfirst(q) for _, q in item.drivers if q)]


def _accuracy_table(table_id: str, sentences: list[str]) -> Table:
    return Table(table_id, "What this can and cannot do", [Column(risk_report.CAVEAT_TITLE)],
                 [[sentence] for sentence in sentences],
                 caption="What the scores can and cannot do, from the backtest's own figures")


def risk_downloads(listed: list[ListedScore], as_of, found: Accuracy | None, region: str = "") -> PageDownloads:
    """The early-warning table as the page shows it, with the caveat (the same sentences the page and the
    command line state) above it in the workbook, and the caveat as a table of its own."""
    name = _region_name(region)
    caveat = found.summary if found else risk_report.accuracy_caveat(None)
    offered = PageDownloads("England", "Early warning" + (f", {name}" if name else ""), as_of)
    offered.add(Table("early-warning", "Early-warning scores",
                      _download_columns([("Probability of inadequate", "p_inadequate"),
                                         ("Probability of below good", "p_below_good")]),
                      [_download_row(item, ["p_inadequate", "p_below_good"]) for item in listed],
                      caption=f"{len(listed)} councils: probability of each judgement at the next inspection",
                      note=" ".join(caveat)))
    offered.add(_accuracy_table("early-warning-accuracy", caveat))
    return offered


def watchlist_downloads(listed: list[ListedScore], as_of, found: Accuracy | None, region: str = "") -> PageDownloads:
    """The slipping-from-good watchlist as the page shows it, with its own caveat."""
    name = _region_name(region)
    caveat = found.slipping_summary if found else risk_report.slipping_caveat(None)
    offered = PageDownloads("England", "Slipping from good" + (f", {name}" if name else ""), as_of)
    offered.add(Table("slipping-from-good", "Slipping from good",
                      _download_columns([("Probability of below good next", "p_below_good")]),
                      [_download_row(item, ["p_below_good"]) for item in listed],
                      caption=f"{len(listed)} councils judged good or outstanding: probability of a below-good "
                              "judgement at the next inspection",
                      note=" ".join(caveat)))
    offered.add(_accuracy_table("slipping-from-good-accuracy", caveat))
    return offered


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
    return {"loaded": True, "sections": sections, "register_size": len(register), "outcomes": OUTCOMES,
            "downloads": journeys_downloads(sections)}


def _transition_table(table_id: str, title: str, first: str, table: dict) -> Table:
    columns = [Column(first), Column("Judgements", NUMBER, unit="count"), Column("Councils", NUMBER, unit="count")]
    for outcome in OUTCOMES:
        columns += [Column(capfirst(outcome), NUMBER, unit="count"), Column(f"{capfirst(outcome)} (%)", NUMBER,
                                                                            unit=PERCENT, decimals=0)]
    columns += [Column("Judged again", NUMBER, unit="count"), Column("Good or better, of those judged again (%)",
                                                                     NUMBER, unit=PERCENT, decimals=0),
                Column("Years to next judgement: median", NUMBER, decimals=1),
                Column("Years: lower quartile", NUMBER, decimals=1), Column("Years: upper quartile", NUMBER, decimals=1)]
    return Table(table_id, title, columns, [
        [capfirst(r["key"]), r["judgements"], r["councils"], *[v for _, n, pct in r["outcomes"] for v in (n, pct)],
         r["judged_again"], r["good_or_better"], r["median"], r["q1"], r["q3"]] for r in table["rows"]],
        caption=table["title"], note=table["note"])


def journeys_downloads(sections: list[dict]) -> PageDownloads:
    """The journeys page's tables as it shows them: for each starting grade, where councils were at their next
    inspection (and by intervention model), and the judgements counted."""
    offered = PageDownloads("England", "Inspection journeys", timezone.localdate())
    for section in sections:
        if not section["rows"]:
            continue
        slug = slugify(section["grade"])
        offered.add(_transition_table(f"journeys-{slug}", f"After {section['grade']}", "Judgement", section))
        by_model = section["by_model"]
        if by_model:
            offered.add(_transition_table(f"journeys-{slug}-by-model", f"After {section['grade']}, by intervention",
                                          "Intervention model", by_model))
        columns = [Column("Council"), Column("Framework"), Column("Published", DATE),
                   Column("Next judgement"), Column("Next published", DATE), Column("Years", NUMBER, decimals=1)]
        columns += [Column("Intervention model")] if by_model else []
        columns += [Column("Note")]
        offered.add(Table(f"journeys-{slug}-judgements", f"{capfirst(section['grade'])} judgements", columns, [
            [j["la_name"], j["framework"], j["published"], capfirst(j["next_grade"]), j["next_published"], j["years"],
             *([capfirst(j["model"])] if by_model else []), j["note"]] for j in section["judgements"]],
            caption=f"Every {section['grade']} judgement and the next one, by publication date"))
    return offered


# --------------------------------------------------------------------------- the register


def register_page(council_code: str = "") -> dict:
    entries = Intervention.objects.select_related("council", "updated_by", "created_by")
    if council_code:
        entries = entries.filter(council__ons_code=council_code)
    entries = entries.order_by("council__name", "-start_date")
    councils = (LocalAuthority.objects.filter(interventions__isnull=False).distinct().order_by("name"))
    return {"entries": entries, "councils": councils, "kinds": iv.KINDS}


POLARITY_WORDS = {HIGHER: "higher is better", LOWER: "lower is better", NEITHER: "no better direction"}
