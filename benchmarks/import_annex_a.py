"""Benchmark: reading, validating, measuring and storing a large council's Annex A.

Generates the large synthetic workbook (~70,000 rows), then times each stage on it and prints:
calamine parse-only time, read+validate time (in this process, and in the limited reading process that
imports use), measures time, store time (SQLite in a temporary folder, or DATABASE_URL), the ratio of
read+validate to parse-only, peak memory, and the whole-process ratio: `goldthread measures FILE --breakdowns
--json` (every measure, split by every dimension that applies to it) as a fresh process against a fresh
process that only parses the workbook with calamine.
Targets: read+validate within 1.5x of parse-only; all measures in under a second; the whole-process ratio at
most 2.5x.

    ./dev bench            or    .venv/bin/python benchmarks/import_annex_a.py [--size large] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


PARSE_ONLY = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def whole_process(repeat: int, command: list[str], env: dict) -> float:
    """The best wall-clock time of running ``command`` as a fresh process."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="goldthread-bench-"))
    os.environ.setdefault("GOLDTHREAD_DATA_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldthread.settings")
    import django

    django.setup()
    import python_calamine
    from django.core.management import call_command

    from goldthread.core.annexa.reader import read_annex_a
    from goldthread.core.annexa.synth import SynthConfig, write_workbook
    from goldthread.core.annexa.transfer import read_annex_a_safely
    from goldthread.core.measures import ANNEX_A, REGISTRY, Context, compute_all, ids_from
    from goldthread.councils.actions import load_councils
    from goldthread.councils.models import LocalAuthority
    from goldthread.extracts.actions import file_digest, import_annex, import_extract

    as_at = dt.date(2025, 3, 31)
    path = work / f"annex-a-{args.size}.xlsx"
    start = time.perf_counter()
    counts = write_workbook(path, SynthConfig(size=args.size, profile="struggling", seed=7), as_at)
    generate = time.perf_counter() - start
    rows = sum(counts.values())

    def parse_only():
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return [book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names]

    parse, _ = best_of(args.repeat, parse_only)
    read, annex = best_of(args.repeat, lambda: read_annex_a(path, extract_date=as_at))
    limited, _ = best_of(args.repeat, lambda: read_annex_a_safely(path, extract_date=as_at))
    ctx = Context(as_at=as_at, child_population=60_000)
    # Measures keep what they derive from a table with the table, so each repeat measures freshly read tables.
    measure_time, results = float("inf"), None
    for _ in range(args.repeat):
        fresh = read_annex_a(path, extract_date=as_at)
        start = time.perf_counter()
        results = compute_all(fresh, ctx)
        measure_time = min(measure_time, time.perf_counter() - start)
    breakdowns = sum(len(r.dimension_breakdowns) for r in results.values())
    per_measure = {}
    fresh = read_annex_a(path, extract_date=as_at)
    for mid in ids_from(ANNEX_A):
        t0 = time.perf_counter()
        REGISTRY[mid].compute(fresh, ctx)
        per_measure[mid] = time.perf_counter() - t0
    slowest = sorted(per_measure.items(), key=lambda kv: -kv[1])[:3]

    tracemalloc.start()
    read_annex_a(path, extract_date=as_at)
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    call_command("migrate", verbosity=0, interactive=False)
    load_councils()
    council = LocalAuthority.objects.get(ons_code="E06999901")
    start = time.perf_counter()
    import_annex(council, annex, sha256=file_digest(path), source_name=path.name)
    store = time.perf_counter() - start - measure_time
    council = LocalAuthority.objects.get(ons_code="E06999902")
    start = time.perf_counter()
    import_extract(council, path, extract_date=as_at)
    full_import = time.perf_counter() - start
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    env = {**os.environ, "GOLDTHREAD_DATA_DIR": str(work)}
    parse_process = whole_process(args.repeat, [sys.executable, "-c", PARSE_ONLY, str(path)], env)
    measures_process = whole_process(args.repeat, [sys.executable, "-m", "goldthread", "measures", str(path),
                                                   "--breakdowns", "--json", "--as-at", as_at.isoformat()], env)

    print(f"workbook: {args.size}, {rows:,} rows in {len(counts)} lists, {path.stat().st_size / 1e6:.1f} MB "
          f"(generated in {generate:.1f} s)")
    print(f"database: {django.db.connection.vendor}")
    print(f"calamine parse-only      {parse:7.3f} s")
    print(f"read + validate          {read:7.3f} s   ({len(annex.issues):,} issues)")
    print(f"ratio read+validate / parse-only  {read / parse:5.2f}x   (target <= 1.5x)")
    print(f"read + validate in the limited reading process {limited:7.3f} s   (a fresh Python process, results "
          "returned without pickle)")
    print(f"all {len(results)} measures and {breakdowns:,} breakdowns {measure_time:7.3f} s   (target < 1 s); slowest: "
          + ", ".join(f"{mid} {t * 1000:.0f} ms" for mid, t in slowest))
    print(f"store: rows, issues and measure values in one transaction {store:7.3f} s   (whole import, reading in "
          f"the limited process: {full_import:.2f} s)")
    print(f"peak memory: read+validate {read_peak / 1e6:.0f} MB traced; process max RSS {max_rss:.0f} MB")
    print(f"whole process: calamine parse-only {parse_process:.2f} s; goldthread measures FILE --breakdowns --json "
          f"{measures_process:.2f} s; ratio {measures_process / parse_process:.2f}x (target <= 2.5x)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
