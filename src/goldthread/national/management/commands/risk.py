"""goldthread risk --as-of DATE [--csv FILE]   |   goldthread risk backtest [--json FILE] [--resamples N]"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import parse_date, refuse
from goldthread.core.national.bundle import load_all
from goldthread.core.national.risk import backtest, format_backtest, score
from goldthread.core.national.risk_drivers import NO_DRIVERS, SEPARATOR
from goldthread.core.national.risk_report import CAVEAT_TITLE, accuracy_caveat

SHOWN = 20  # councils printed; --csv has them all
WIDTH = 100


def caveat_lines(report: dict) -> list[str]:
    """The page's "What this can and cannot do", word for word (`risk_report.accuracy_caveat`)."""
    lines = [f"{CAVEAT_TITLE}:"]
    for sentence in accuracy_caveat(report):
        lines += textwrap.wrap(sentence, WIDTH, initial_indent="  ", subsequent_indent="  ")
    return lines


class Command(BaseCommand):
    help = ("Each council's probability of an 'inadequate' (and a below-good) judgement at its next Ofsted "
            "inspection, from public data only, with what raises it and the model's tested accuracy; or the "
            "model's honest rolling-origin backtest.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["backtest"], help="run the backtest instead of scoring")
        parser.add_argument("--as-of", type=parse_date, default=None,
                            help="score with what was published before this date (default: today)")
        parser.add_argument("--csv", help="also write the table to this CSV file")
        parser.add_argument("--json", help="backtest: save the full report (metrics, calibration, predictions) here")
        parser.add_argument("--resamples", type=int, default=1000,
                            help="bootstrap resamples of the backtest behind the accuracy figures (default 1000, "
                                 "as the pages use)")

    def handle(self, *args, **options):
        if options["resamples"] < 0:
            refuse("--resamples must be 0 or more.")
        national = load_all()
        if options["action"] == "backtest":
            report = backtest(national, n_boot=options["resamples"])
            self.stdout.write(format_backtest(report))
            self.stdout.write("\n".join(["", *caveat_lines(report)]))
            if options["json"]:
                saved = {"caveat": accuracy_caveat(report), **report}
                Path(options["json"]).write_text(json.dumps(saved, indent=1, allow_nan=False))
                self.stdout.write(f"\nSaved the full report to {options['json']}.")
            return
        as_of = options["as_of"] or dt.date.today()
        try:
            table = score(national, as_of)
        except ValueError as error:
            refuse(f"Cannot score councils as at {as_of:%d/%m/%Y}: {error}.")
        report = backtest(national, n_boot=options["resamples"])
        if options["csv"]:
            table.to_csv(options["csv"], index=False, float_format="%.4f", date_format="%Y-%m-%d")
        self.stdout.write(f"Probability of each council's next Ofsted judgement, from data published before "
                          f"{as_of:%d/%m/%Y} (highest risk of 'inadequate' first).\n\n")
        self.stdout.write("\n".join([*caveat_lines(report), "", ""]))
        for r in table.head(SHOWN).itertuples():
            self.stdout.write(f"{r.la_name:<32} inadequate {r.p_inadequate:5.1%}  below good {r.p_below_good:5.1%}  "
                              f"last: {r.last_judgement}")
            drivers = [d for d in (r.drivers or "").split(SEPARATOR) if d] or [NO_DRIVERS]
            for driver in drivers:
                text = driver[:1].upper() + driver[1:]
                self.stdout.write("\n".join(textwrap.wrap(text, WIDTH, initial_indent="  - ", subsequent_indent="    ")))
            self.stdout.write("")
        written = f"; all written to {options['csv']}" if options["csv"] else ""
        self.stdout.write(f"... {len(table)} councils in all{written}. 'goldthread risk backtest' prints the full "
                          "backtest behind the accuracy figures.")
