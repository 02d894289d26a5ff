"""goldthread risk --as-of DATE [--csv FILE]   |   goldthread risk backtest [--json FILE] [--resamples N]"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import parse_date
from goldthread.core.national.bundle import load_all
from goldthread.core.national.risk import backtest, format_backtest, score


class Command(BaseCommand):
    help = ("Each council's probability of an 'inadequate' (and a below-good) judgement at its next Ofsted "
            "inspection, from public data only; or the model's honest rolling-origin backtest.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["backtest"], help="run the backtest instead of scoring")
        parser.add_argument("--as-of", type=parse_date, default=None,
                            help="score with what was published before this date (default: today)")
        parser.add_argument("--csv", help="also write the table to this CSV file")
        parser.add_argument("--json", help="backtest: save the full report (metrics, calibration, predictions) here")
        parser.add_argument("--resamples", type=int, default=1000, help="backtest: bootstrap resamples (default 1000)")

    def handle(self, *args, **options):
        national = load_all()
        if options["action"] == "backtest":
            report = backtest(national, n_boot=options["resamples"])
            self.stdout.write(format_backtest(report))
            if options["json"]:
                Path(options["json"]).write_text(json.dumps(report, indent=1, allow_nan=False))
                self.stdout.write(f"\nSaved the full report to {options['json']}.")
            return
        as_of = options["as_of"] or dt.date.today()
        table = score(national, as_of)
        if options["csv"]:
            table.to_csv(options["csv"], index=False, float_format="%.4f", date_format="%Y-%m-%d")
        self.stdout.write(f"Probability of each council's next Ofsted judgement, from data published before "
                          f"{as_of:%d/%m/%Y} (highest risk of 'inadequate' first).\n")
        for r in table.head(20).itertuples():
            self.stdout.write(f"{r.la_name:<32} inadequate {r.p_inadequate:5.1%}  below good {r.p_below_good:5.1%}  "
                              f"last: {r.last_judgement}")
        self.stdout.write(f"\n... {len(table)} councils in all{'; all written to ' + options['csv'] if options['csv'] else ''}."
                          " The backtest ('goldthread risk backtest') says how far to trust these figures.")
