"""goldthread import FILE --la CODE [--extract-date DATE] [--replace] [--accept-warnings]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import ProgressBar, find_council, parse_date, refuse
from goldthread.core.annexa import spec as S
from goldthread.core.annexa.issues import UnreadableFile, summarise
from goldthread.extracts.actions import ImportRefused, import_extract

LARGE_FILE_BYTES = 2 * 1024**2


class Command(BaseCommand):
    help = "Import a council's Annex A (workbook, or folder or zip of CSVs), all or nothing."
    # Django's system checks import every page (and with them scikit-learn, SciPy and Altair): a data command
    # does not need them, and pays seconds for them. `goldthread check` runs them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx, .xls or .ods workbook, or a folder or .zip of CSV files")
        parser.add_argument("--la", required=True, help="the council's ONS code (E08000019) or old LA code (373)")
        parser.add_argument("--extract-date", type=parse_date,
                            help="the date the extract was taken; without it goldthread proposes one from the file "
                                 "and imports only with --accept-warnings")
        parser.add_argument("--replace", action="store_true",
                            help="replace an extract the council already has for the same date")
        parser.add_argument("--accept-warnings", action="store_true",
                            help="import even though the extract date was proposed (not given) or the file differs "
                                 "from the council's previous extract far more than usual (the differences are "
                                 "printed and recorded with the extract)")
        parser.add_argument("--issues", type=int, default=20, help="how many issues to list (default 20)")

    def handle(self, *args, **options):
        council = find_council(options["la"])
        path = Path(options["file"])
        big = path.is_dir() or (path.exists() and path.stat().st_size > LARGE_FILE_BYTES)
        bar = ProgressBar(big and options["verbosity"] > 0)
        try:
            outcome = import_extract(council, path, extract_date=options["extract_date"],
                                     replace=options["replace"], progress=bar,
                                     accept_warnings=options["accept_warnings"])
        except (UnreadableFile, ImportRefused) as exc:
            bar.close()
            refuse(str(exc))
        bar.close()
        extract = outcome.extract
        if not outcome.created:
            self.stdout.write(f"{path.name} was already imported for {council} (extract as at "
                              f"{extract.extract_date:%d/%m/%Y}); nothing changed.")
            return
        annex = outcome.annex
        verb = "Replaced" if outcome.replaced else "Imported"
        proposed = ""
        if annex.date_proposal is not None and options["extract_date"] is None:
            proposed = f" (proposed from the {annex.date_proposal.basis}, accepted with --accept-warnings)"
        self.stdout.write(f"{verb} {path.name} for {council}: extract as at {extract.extract_date:%d/%m/%Y}"
                          f"{proposed}, {extract.total_rows:,} rows.")
        if outcome.concerns:
            self.stdout.write(f"Accepted differences from {council}'s previous extract (recorded with the extract):")
            for concern in outcome.concerns:
                self.stdout.write(f"  - {concern.message}")
        for spec in S.LISTS:
            stored = annex.row_counts[spec.number]
            rejected = annex.rows_rejected.get(spec.number, 0)
            where = annex.found.get(spec.number)
            if where is None:
                self.stdout.write(f"  {spec.label}: not in the file")
            else:
                left_out = f", {rejected:,} left out (errors)" if rejected else ""
                self.stdout.write(f"  {spec.label}: {stored:,} rows from '{where}'{left_out}")
        self.stdout.write(f"Validation: {len(annex.errors):,} errors, {len(annex.warnings):,} warnings.")
        for list_number, severity, kind, count in summarise(annex.issues):
            label = S.BY_NUMBER[list_number].label if list_number else "File"
            self.stdout.write(f"  {label}: {count:,} {severity}{'s' if count > 1 else ''} ({kind.replace('_', ' ')})")
        shown = annex.errors[: options["issues"]] + annex.warnings[: max(0, options["issues"] - len(annex.errors))]
        if shown:
            self.stdout.write("First issues:")
            for issue in shown:
                self.stdout.write(f"  [{issue.severity}] {issue.where or 'List ' + str(issue.list_number)}: {issue.message}")
