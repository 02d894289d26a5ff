"""goldthread measures FILE_OR_LA [--as-at DATE] [--breakdowns] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import find_council, parse_date, refuse
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.transfer import start_reading

FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".zip", ".csv", ".txt", ".tsv")

# The measure registry, the stored extracts and the national figures (pandas and all) are imported where they
# are used: for a file, the limited reading process starts first and reads while they load.


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


class Command(BaseCommand):
    help = "Compute the measures for an Annex A file (without storing it) or show a council's stored values."
    # Django's system checks import every page (and with them scikit-learn, SciPy and Altair): a data command
    # does not need them, and pays seconds for them. `goldthread check` runs them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("source", help="an Annex A file or folder, or a council's ONS or old LA code")
        parser.add_argument("--as-at", type=parse_date,
                            help="for a file: the extract date (default: proposed from the file); for a council: "
                                 "the latest extract on or before this date")
        parser.add_argument("--json", action="store_true", help="print a JSON list of measures (with --breakdowns: "
                                                                "of breakdowns)")
        parser.add_argument("--breakdowns", action="store_true",
                            help="each measure split by every dimension that applies to it, instead of the measures: "
                                 "one object per measure and dimension with its cells (label, value, numerator, "
                                 "denominator)")
        parser.add_argument("--population", type=int,
                            help="for a file: children aged 0-17 in the council, for the rates per 10,000")

    def handle(self, *args, **options):
        source = options["source"]
        from_file = Path(source).exists()
        if from_file:
            rows = self._from_file(Path(source), options)
        elif Path(source).suffix.lower() in FILE_SUFFIXES or "/" in source or "\\" in source:
            refuse(f"{source} does not exist: give an Annex A file or folder, or a council's code.")
        else:
            rows = self._from_council(source, options)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if options["breakdowns"]:
            self._print_breakdowns(rows)
            return
        england = {}
        if not from_file:  # a file is no council's: nothing published to compare it with
            from goldthread.national.queries import england_figures

            england = england_figures()
        width = max(len(r["title"]) for r in rows)
        for r in rows:
            detail = ""
            if r["denominator"] is not None and r["unit"] == "percent":
                detail = f"  ({format_value(r['numerator'], 'count')} of {format_value(r['denominator'], 'count')})"
            if r["id"] in england:
                year, value = england[r["id"]]
                detail += f"  England {format_value(value, r['unit'])} ({year})"
            self.stdout.write(f"{r['title']:<{width}}  {format_value(r['value'], r['unit']):>9}{detail}")

    def _from_file(self, path: Path, options) -> list[dict]:
        reading = start_reading(path, extract_date=options["as_at"])
        from goldthread.core.measures import Context, compute_all

        try:
            annex = reading.annex()
        except UnreadableFile as exc:
            refuse(str(exc))
        ctx = Context(as_at=annex.extract_date, child_population=options["population"])
        if not options["json"]:
            how = ""
            if annex.date_proposal is not None:
                how = f" (proposed: {annex.date_proposal.reason} Give --as-at to set it.)"
            self.stdout.write(f"{path.name}: measures as at {annex.extract_date:%d/%m/%Y}{how}\n")
        results = compute_all(annex, ctx, breakdowns=options["breakdowns"])
        if options["breakdowns"]:
            from goldthread.core.measures.breakdowns import breakdown_dicts

            return breakdown_dicts(results)
        return [self._row(mid, r.value, r.numerator, r.denominator) for mid, r in results.items()]

    def _from_council(self, code: str, options) -> list[dict]:
        from goldthread.core.measures import ANNEX_A, ids_from
        from goldthread.extracts.queries import latest_extract

        council = find_council(code)
        extract = latest_extract(council, options["as_at"])
        if extract is None:
            refuse(f"{council} has no Annex A extract{' on or before that date' if options['as_at'] else ''}; "
                   "import one with 'goldthread import'.")
        if not options["json"]:
            self.stdout.write(f"{council}: measures as at {extract.extract_date:%d/%m/%Y}\n")
        if options["breakdowns"]:
            from goldthread.store.queries import extract_breakdowns

            return extract_breakdowns(extract)
        stored = {v.measure_id: v for v in extract.figures.all()}
        return [self._row(mid, v.value, v.numerator, v.denominator) for mid in ids_from(ANNEX_A)
                if (v := stored.get(mid)) is not None]

    def _print_breakdowns(self, splits: list[dict]) -> None:
        from goldthread.core.measures import REGISTRY
        from goldthread.core.measures.dimensions import DIMENSIONS

        for split in splits:
            measure = REGISTRY[split["measure"]]
            dimension = DIMENSIONS.get(split["dimension"])
            self.stdout.write(f"\n{measure.title} by {dimension.title.lower() if dimension else split['dimension']}")
            if not split["cells"]:
                self.stdout.write("  (no rows to split)")
            width = max((len(c["label"]) for c in split["cells"]), default=0)
            for c in split["cells"]:
                detail = ""
                if c["denominator"] is not None and measure.unit == "percent":
                    detail = (f"  ({format_value(c['numerator'], 'count')} of "
                              f"{format_value(c['denominator'], 'count')})")
                self.stdout.write(f"  {c['label']:<{width}}  {format_value(c['value'], measure.unit):>9}{detail}")

    @staticmethod
    def _row(mid: str, value, numerator, denominator) -> dict:
        from goldthread.core.measures import REGISTRY

        m = REGISTRY[mid]
        return {"id": m.id, "title": m.title, "unit": m.unit, "value": value, "numerator": numerator,
                "denominator": denominator}
