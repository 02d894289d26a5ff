"""goldthread national load|benchmarks|journeys|interventions|risk-refresh ..."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand

from goldthread.cliutil import find_council, parse_date, refuse
from goldthread.core.national import interventions as iv
from goldthread.core.national.benchmarks import benchmarks
from goldthread.core.national.journeys import format_table, transition_table, transitions
from goldthread.core.national.lookups import read_code_map
from goldthread.national.actions import (
    InterventionImportError,
    NationalLoadError,
    import_interventions,
    load_files,
    load_packaged,
    refresh_risk,
)
from goldthread.national.queries import (
    aggregates_frame,
    councils_frame,
    inspections_frame,
    interventions_frame,
    neighbours_frame,
    values_frame,
)
from goldthread.store.queries import has_national


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value, unit: str) -> str:
    if _missing(value):
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3f}"


def _years(kind: str, years: list[int]) -> str:
    """The years a file gave, as its publisher labels them: "6 years: 2019-20 to 2024-25"."""
    def label(year: int) -> str:
        return str(year) if kind in ("csww", "csww_headline", "deprivation", "ons_population") else \
            f"{year - 1}-{year % 100:02d}"

    if len(years) == 1:
        return f"1 year: {label(years[0])}"
    return f"{len(years)} years: {label(years[0])} to {label(years[-1])}"


class Command(BaseCommand):
    help = "National public data: load publications, benchmark a council, transitions, interventions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load the packaged publications, or newer files of the same formats")
        load.add_argument("paths", nargs="*", help="files to load (default: everything packaged with goldthread)")

        bench = sub.add_parser("benchmarks", help="a council's indicators against England, region and neighbours")
        bench.add_argument("--la", required=True, help="ONS code, old LA code or name")
        bench.add_argument("--year", type=int)
        bench.add_argument("--neighbours", choices=["2021", "2025"], default="2025")
        bench.add_argument("--json", action="store_true")

        journeys = sub.add_parser("journeys", help="where councils judged inadequate were at their next inspection")
        journeys.add_argument("--from", dest="from_grade", choices=["inadequate", "requires improvement"],
                              default="inadequate")
        journeys.add_argument("--start", type=parse_date, help="judgements published on or after this date")
        journeys.add_argument("--end", type=parse_date, help="judgements published on or before this date")
        journeys.add_argument("--by-intervention", action="store_true", help="also break down by intervention model")
        journeys.add_argument("--la", help="instead, one council's inspection journey")

        inter = sub.add_parser("interventions", help="the intervention register")
        inter_sub = inter.add_subparsers(dest="inter_action", required=True)
        imp = inter_sub.add_parser("import", help="add interventions from a CSV (all or nothing)")
        imp.add_argument("file")
        inter_sub.add_parser("template", help="print a CSV template")
        inter_sub.add_parser("list", help="list the register")

        refresh = sub.add_parser("risk-refresh", help="recompute the early-warning scores and backtest the pages show "
                                 "('national load' also does this)")
        refresh.add_argument("--as-of", type=parse_date, default=None,
                             help="score with what was published before this date (default: today)")
        refresh.add_argument("--resamples", type=int, default=1000, help="backtest bootstrap resamples (default 1000)")
        load.add_argument("--no-risk", action="store_true", help="do not recompute the early-warning scores after "
                          "loading (run 'goldthread national risk-refresh' later)")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    # ------------------------------------------------------------------ load
    def _load(self, options):
        paths = [Path(p) for p in options["paths"]]
        try:
            report = load_files(paths, with_risk=not options["no_risk"]) if paths else \
                load_packaged(with_risk=not options["no_risk"])
        except NationalLoadError as exc:
            refuse(str(exc))
        if paths:
            for name, kind, rows in report.files:
                years = report.years.get(name, [])
                span = "" if not years else f" ({_years(kind, years)})"
                self.stdout.write(f"{name}: {kind}, {rows:,} rows loaded{span}")
        else:
            self.stdout.write(f"Loaded {len(report.files)} packaged files: {report.values:,} indicator values, "
                              f"{report.aggregates:,} England and regional figures, {report.inspections:,} "
                              f"inspections, {report.neighbours:,} statistical neighbours.")
        if report.unknown_codes:
            self.stdout.write(f"Not matched to a council (left out): {', '.join(sorted(report.unknown_codes))}")
        if report.risk is not None:
            self._risk_summary(report.risk)
        elif options["no_risk"]:
            self.stdout.write("The early-warning scores were not recomputed: 'goldthread national risk-refresh' "
                              "recomputes them from what is now loaded.")
        else:
            self.stdout.write("The early-warning scores could not be computed from this data (too few inspections "
                              "to fit the models), so none are kept.")

    # ------------------------------------------------------------------ risk-refresh
    def _risk_refresh(self, options):
        try:
            report = refresh_risk(as_of=options["as_of"], n_boot=options["resamples"])
        except ValueError as exc:
            refuse(f"The early-warning scores could not be computed: {exc}.")
        self._risk_summary(report)

    def _risk_summary(self, report):
        auc = report.auc.get("inadequate")
        tested = (f"; tested accuracy for 'inadequate': AUC {auc['estimate']:.2f} ({auc['lower']:.2f} to "
                  f"{auc['upper']:.2f})" if auc and auc["lower"] is not None else "")
        self.stdout.write(f"Early-warning scores for {report.councils} councils as at {report.as_of:%d/%m/%Y} "
                          f"({report.model} model, chosen by the backtest's rule), {report.watchlist} on the "
                          f"slipping-from-good watchlist, backtested with {report.n_boot:,} resamples "
                          f"({report.seconds:.1f} s){tested}.")

    # ------------------------------------------------------------------ benchmarks
    def _benchmarks(self, options):
        council = find_council(options["la"])
        if not has_national():
            refuse("No national data is loaded yet: run 'goldthread national load' first.")
        table = benchmarks(values_frame(), councils_frame(), neighbours_frame(), aggregates_frame(),
                           council.ons_code, year=options["year"], neighbour_model=options["neighbours"])
        if options["json"]:
            self.stdout.write(table.to_json(orient="records", date_format="iso", indent=2))
            return
        self.stdout.write(f"{council} ({council.region_name}): national indicators, statistical neighbours "
                          f"{options['neighbours']} model\n")
        headers = ["indicator", "year", "value", "England", "region", "neighbours", "rank", "quartile", "trend"]
        rows = []
        for r in table.itertuples():
            rank = "-" if _missing(r.rank) else f"{int(r.rank)} of {int(r.rank_of)}"
            quartile = "-" if _missing(r.quartile) else f"Q{int(r.quartile)}"
            value = f"({r.marker})" if _missing(r.value) and not _missing(r.marker) else _number(r.value, r.unit)
            change = "" if _missing(r.change) else f" ({r.change:+.1f})"
            rows.append([r.title, str(int(r.year)), value, _number(r.england, r.unit), _number(r.region, r.unit),
                         _number(r.neighbours, r.unit), rank, quartile, f"{r.trend}{change}"])
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write("  ".join(c.ljust(w) if i in (0, 8) else c.rjust(w)
                                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        self.stdout.write("\nRank 1 is best (for indicators with no better direction, highest first); Q1 is the best "
                          "quarter. England and region are the published figures where the file prints them.")

    # ------------------------------------------------------------------ journeys
    def _journeys(self, options):
        inspections = inspections_frame()
        if inspections.empty:
            refuse("No inspections are loaded yet: run 'goldthread national load' first.")
        code_map = read_code_map()
        if options["la"]:
            from goldthread.core.national.journeys import journey

            council = find_council(options["la"])
            table = journey(inspections, council.ons_code, code_map=code_map)
            graded = table[table["graded"]]
            self.stdout.write(f"{council}: graded inspections\n")
            for r in graded.itertuples():
                when = "-" if _missing(r.publication_date) else r.publication_date.strftime("%d/%m/%Y")
                days = "" if _missing(r.days_in_grade) else f"  {int(r.days_in_grade):,} days in grade"
                self.stdout.write(f"  {when}  {r.framework:<18} {r.inspection_type:<13} {r.grade}{days}")
            return
        register = interventions_frame()
        found = transitions(inspections, register if len(register) else None, from_grades=(options["from_grade"],),
                            start=options["start"], end=options["end"], code_map=code_map)
        self.stdout.write(format_table(transition_table(found)))
        if options["by_intervention"]:
            self.stdout.write("")
            self.stdout.write(format_table(transition_table(found, by="intervention_model")))

    # ------------------------------------------------------------------ interventions
    def _interventions(self, options):
        action = options["inter_action"]
        if action == "template":
            self.stdout.write(iv.TEMPLATE_CSV)
            return
        if action == "list":
            register = interventions_frame()
            if register.empty:
                self.stdout.write("The intervention register is empty.")
            for r in register.itertuples():
                end = "ongoing" if _missing(r.end_date) else r.end_date.strftime("%d/%m/%Y")
                self.stdout.write(f"{r.la_name}: {iv.KINDS[r.kind]}, {r.start_date:%d/%m/%Y} to {end}")
            return
        try:
            count, problems = import_interventions(options["file"])
        except InterventionImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            refuse(str(exc))
        for problem in problems:
            self.stdout.write(str(problem))
        self.stdout.write(f"{count} intervention{'s' if count != 1 else ''} added to the register or updated.")
