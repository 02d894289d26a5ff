"""goldthread synth --size small|medium|large --profile strong|struggling|improving --seed N --out FILE"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand

from goldthread.cliutil import parse_date
from goldthread.core.annexa.synth import SynthConfig, write_workbook


class Command(BaseCommand):
    help = "Write a realistic synthetic Annex A workbook for a fictional council (no real children)."
    # Django's system checks import every page (and with them scikit-learn, SciPy and Altair): a data command
    # does not need them, and pays seconds for them. `goldthread check` runs them.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "medium", "large"], default="small",
                            help="small (~2,000 rows), medium (~15,000) or large (~70,000)")
        parser.add_argument("--profile", choices=["strong", "struggling", "improving"], default="strong",
                            help="the practice the data shows")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same workbook")
        parser.add_argument("--as-at", type=parse_date, default=None,
                            help="the extract date (default: the end of last month)")
        parser.add_argument("--council-name", default="Northby")
        parser.add_argument("--clean", action="store_true",
                            help="write Ofsted's format exactly, without the irregularities of real exports")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        as_at = options["as_at"] or dt.date.today().replace(day=1) - dt.timedelta(days=1)
        config = SynthConfig(size=options["size"], profile=options["profile"], seed=options["seed"],
                             council_name=options["council_name"])
        out = Path(options["out"])
        counts = write_workbook(out, config, as_at, irregular=not options["clean"])
        self.stdout.write(f"Wrote {out} ({sum(counts.values()):,} rows as at {as_at:%d/%m/%Y}):")
        for number, count in sorted(counts.items()):
            self.stdout.write(f"  List {number}: {count:,}")
