"""`goldthread pack board|dfe|ofsted|members --la CODE [--as-at DATE] [--format pdf|docx|xlsx] --out FILE`: a
council's pack, made now (for monthly packs from cron), recorded like any pack, written to FILE.

An operator's command has no person behind it: the pack holds aggregate figures and named workers' caseloads, as
any role in the council sees them, and sections listing children only with --child-level (then the export is in
the council's access log). One sentence and exit status 2 when it is refused."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from goldthread.cliutil import ProgressBar, find_council, parse_date, refuse
from goldthread.core.packs.kinds import COUNCIL_KINDS, FORMATS


class Command(BaseCommand):
    help = "Make a council's pack (board, DfE, Ofsted or members') as a PDF, Word document or workbook."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"the pack: {', '.join(k.key for k in COUNCIL_KINDS)}")
        parser.add_argument("--la", required=True, help="the council's ONS code (E08000019) or old LA code (373)")
        parser.add_argument("--as-at", help="only what was known by the end of this day (default: "
                                                             "today, from the data as it stands)")
        parser.add_argument("--format", default="pdf", help="pdf (default), docx or xlsx")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--child-level", action="store_true",
                            help="include the sections that list children (recorded in the council's access log)")

    def handle(self, *args, **options):
        from goldthread.accounts.access import log_command_export
        from goldthread.packs import actions

        kind = options["kind"].strip().lower()
        if kind not in {k.key for k in COUNCIL_KINDS}:
            refuse(f"There is no pack called '{options['kind']}': choose one of "
                   f"{', '.join(k.key for k in COUNCIL_KINDS)}.")
        fmt = options["format"].strip().lower()
        if fmt not in FORMATS:
            refuse(f"There is no format '{options['format']}': choose pdf, docx or xlsx.")
        as_at = None
        if options["as_at"]:
            try:
                as_at = parse_date(options["as_at"])
            except CommandError as exc:
                refuse(str(exc))
        out = Path(options["out"])
        if out.is_dir() or not out.parent.is_dir():
            refuse(f"Cannot write {out}: give a file name in a folder that exists.")
        council = find_council(options["la"])
        bar = ProgressBar(options["verbosity"] > 0)
        try:
            record = actions.generate(council, kind, fmt=fmt, as_at=as_at,
                                      child_level=options["child_level"], progress=bar)
        except (actions.PackRefused, PermissionDenied) as exc:
            bar.close()
            refuse(str(exc))
        bar.close()
        if record.child_level:
            log_command_export(council, command=f"goldthread pack {kind} (command line)",
                               subject=f"{record.kind_title} as at {record.as_at:%d/%m/%Y} (lists children)",
                               why="made a pack that lists children with --child-level")
        temporary = out.with_name(f".{out.name}.part")
        with open(temporary, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600 if record.marked else 0o644)
            fh.write(bytes(record.file))
        temporary.replace(out)
        marking = " OFFICIAL-SENSITIVE: store it as such." if record.marked else ""
        self.stdout.write(f"Wrote {out} ({record.size:,} bytes): {record.kind_title} for {council} as at "
                          f"{record.as_at:%d/%m/%Y}, {len(record.sections)} sections, in {record.seconds:.1f} s."
                          f"{marking}")
