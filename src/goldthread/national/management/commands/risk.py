"""goldthread risk [--as-of DATE] [--csv FILE]   |   goldthread risk watchlist --slipping [--as-of DATE] [--csv FILE]
   |   goldthread risk backtest [--json FILE]      (each with [--resamples N])"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import parse_date, refuse
from goldthread.core.national.inspection_timing import timing_words
from goldthread.core.national.risk import (
    RISK_CSV_COLUMNS,
    WATCHLIST_CSV_COLUMNS,
    backtest,
    check_history,
    score,
    watchlist,
)
from goldthread.core.national.risk_drivers import NO_DRIVERS, SEPARATOR
from goldthread.core.national.risk_protocol import N_BOOT
from goldthread.core.national.risk_report import (
    CAVEAT_TITLE,
    accuracy_caveat,
    export_note,
    format_backtest,
    slipping_caveat,
)
from goldthread.national.actions import risk_source, stored_backtest

SHOWN = 20  # councils printed; --csv has them all
WIDTH = 100


def caveat_lines(sentences: list[str]) -> list[str]:
    """The page's "What this can and cannot do", word for word (`risk_report`)."""
    lines = [f"{CAVEAT_TITLE}:"]
    for sentence in sentences:
        lines += textwrap.wrap(sentence, WIDTH, initial_indent="  ", subsequent_indent="  ")
    return lines


def about_path(csv_path: str) -> Path:
    """Where the note that goes with a CSV is written: beside it, "<name>-about.txt"."""
    path = Path(csv_path)
    return path.with_name(f"{path.stem}-about.txt")


class Command(BaseCommand):
    help = ("Each council's probability of an 'inadequate' (and a below-good) judgement at its next Ofsted "
            "inspection, from public data only, with what raises it, when its next inspection is due and the "
            "model's tested accuracy; the slipping-from-good watchlist; or the model's rolling-origin backtest.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["backtest", "watchlist"],
                            help="backtest: run the backtest; watchlist --slipping: the slipping-from-good watchlist")
        parser.add_argument("--slipping", action="store_true",
                            help="watchlist: councils judged good or outstanding, by their risk of a below-good "
                                 "judgement next")
        parser.add_argument("--as-of", type=parse_date, default=None,
                            help="score with what was published before this date (default: today)")
        parser.add_argument("--csv", help="also write the table to this CSV file (and what it can and cannot do "
                                          "beside it, in <name>-about.txt)")
        parser.add_argument("--json", help="backtest: save the full report (metrics, calibration, predictions) here")
        parser.add_argument("--resamples", type=int, default=N_BOOT,
                            help=f"bootstrap resamples of the backtest behind the accuracy figures (default {N_BOOT}, "
                                 "as the pages use)")

    def handle(self, *args, **options):
        if options["resamples"] < 0:
            refuse("--resamples must be 0 or more.")
        if options["action"] == "watchlist" and not options["slipping"]:
            refuse("Say which watchlist: 'goldthread risk watchlist --slipping' lists the councils judged good or "
                   "outstanding, by their risk of a below-good judgement next.")
        if options["slipping"] and options["action"] != "watchlist":
            refuse("--slipping goes with 'goldthread risk watchlist'.")
        source = risk_source()
        if options["action"] == "backtest":
            self._backtest(source, options)
            return
        as_of = options["as_of"] or dt.date.today()
        slipping = options["action"] == "watchlist"
        try:
            check_history(source, as_of, slipping=slipping)
        except ValueError as error:
            what = "list councils" if slipping else "score councils"
            refuse(f"Cannot {what} as at {as_of:%d/%m/%Y}: {error}.")
        report = stored_backtest(source, options["resamples"]) or backtest(source=source, n_boot=options["resamples"])
        if slipping:
            self._watchlist(source, report, as_of, options)
        else:
            self._scores(source, report, as_of, options)

    def _backtest(self, source, options):
        report = backtest(source=source, n_boot=options["resamples"])
        self.stdout.write(format_backtest(report))
        self.stdout.write("\n".join(["", *caveat_lines(accuracy_caveat(report)), "",
                                     "The slipping-from-good watchlist:", *caveat_lines(slipping_caveat(report))]))
        if options["json"]:
            saved = {"caveat": accuracy_caveat(report), "slipping_caveat": slipping_caveat(report), **report}
            Path(options["json"]).write_text(json.dumps(saved, indent=1, allow_nan=False))
            self.stdout.write(f"\nSaved the full report to {options['json']}.")

    def _write(self, table, columns: list[str], path: str, note: str) -> str:
        table[columns].to_csv(path, index=False, float_format="%.4f", date_format="%Y-%m-%d")
        about = about_path(path)
        about.write_text(note)
        return f"; all written to {path}, with what the figures can and cannot do in {about}"

    def _council(self, name: str, line: str, row, as_of: dt.date):
        self.stdout.write(f"{name:<32} {line}  last: {row.last_judgement}")
        self.stdout.write(textwrap.fill(timing_words(row._asdict(), as_of), WIDTH, initial_indent="  ",
                                        subsequent_indent="  "))
        drivers = [d for d in (row.drivers or "").split(SEPARATOR) if d] or [NO_DRIVERS]
        for driver in drivers:
            text = driver[:1].upper() + driver[1:]
            self.stdout.write("\n".join(textwrap.wrap(text, WIDTH, initial_indent="  - ", subsequent_indent="    ")))
        self.stdout.write("")

    def _scores(self, source, report, as_of: dt.date, options):
        try:
            table = score(None, as_of, model=report["primary"]["model"], source=source)
        except ValueError as error:
            refuse(f"Cannot score councils as at {as_of:%d/%m/%Y}: {error}.")
        caveat = accuracy_caveat(report)
        written = self._write(table, RISK_CSV_COLUMNS, options["csv"], export_note("risk", table, report)) \
            if options["csv"] else ""
        self.stdout.write(f"Probability of each council's next Ofsted judgement, from data published before "
                          f"{as_of:%d/%m/%Y} (highest risk of 'inadequate' first).\n\n")
        self.stdout.write("\n".join([*caveat_lines(caveat), "", ""]))
        for r in table.head(SHOWN).itertuples(index=False):
            self._council(r.la_name, f"inadequate {r.p_inadequate:5.1%}  below good {r.p_below_good:5.1%}", r, as_of)
        self.stdout.write(f"... {len(table)} councils in all{written}. 'goldthread risk backtest' prints the full "
                          "backtest behind the accuracy figures.")

    def _watchlist(self, source, report, as_of: dt.date, options):
        try:
            table = watchlist(None, as_of, model=report["slipping"]["primary"]["model"], source=source)
        except ValueError as error:
            refuse(f"Cannot list councils as at {as_of:%d/%m/%Y}: {error}.")
        written = self._write(table, WATCHLIST_CSV_COLUMNS, options["csv"], export_note("slipping", table, report)) \
            if options["csv"] else ""
        self.stdout.write(f"Slipping from good: councils judged good or outstanding, by their probability of a "
                          f"below-good judgement at the next inspection, from data published before "
                          f"{as_of:%d/%m/%Y} (highest first).\n\n")
        self.stdout.write("\n".join([*caveat_lines(slipping_caveat(report)), "", ""]))
        for r in table.head(SHOWN).itertuples(index=False):
            self._council(r.la_name, f"below good {r.p_below_good:5.1%}", r, as_of)
        self.stdout.write(f"... {len(table)} councils on the watchlist{written}. 'goldthread risk backtest' prints "
                          "the watchlist's own backtest.")
