"""Benchmark: reading, validating and measuring an SSDA903 return of 10,000 children.

Generates the synthetic return (goldthread.core.ssda903.synth, deterministic by seed) as a folder of CSV files,
then prints the time of each stage in this process (reading in the limited reading process that imports use,
the DfE validation rules, every SSDA903 measure), peak memory (traced Python allocations in this process; the
reading process's maximum RSS), and the whole-process time: a fresh Python process that imports goldthread,
reads the folder in the limited process, validates and computes every measure, as `goldthread import` would.
Target: whole process under 10 s on the 2-core reference machine.

    .venv/bin/python benchmarks/ssda903.py [--children 10000] [--seed 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

WHOLE = """
import datetime as dt, sys
from goldthread.core.ssda903.reader import read_903_safely
from goldthread.core.ssda903.rules import validate
from goldthread.core.measures import REGISTRY, Context, ids_from
ret = read_903_safely(sys.argv[1])
issues = ret.issues + validate(ret)
ctx = Context(as_at=ret.collection_end, child_population=250_000)
results = {mid: REGISTRY[mid].compute(ret, ctx) for mid in ids_from("SSDA903")}
print(len(issues), len(results))
"""


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from goldthread.core.measures import REGISTRY, Context, ids_from
    from goldthread.core.ssda903.reader import read_903_safely
    from goldthread.core.ssda903.rules import RULES, validate
    from goldthread.core.ssda903.synth import synthesise, write_csvs

    with tempfile.TemporaryDirectory(prefix="gt-903-bench-") as tmp:
        started = time.perf_counter()
        tables = synthesise(args.children, args.year, args.seed)
        folder = write_csvs(tables, Path(tmp) / "return")
        size = sum(f.stat().st_size for f in folder.iterdir())
        rows = sum(len(v) for v in tables.values())
        print(f"synthetic return: {args.children:,} children, {rows:,} rows in {len(tables)} tables, "
              f"{size / 1024**2:.1f} MB of CSV (generated in {time.perf_counter() - started:.2f} s)")

        read_s, ret = best_of(args.repeat, lambda: read_903_safely(folder))
        reader_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        tracemalloc.start()
        validate_s, issues = best_of(args.repeat, lambda: validate(ret))
        ctx = Context(as_at=ret.collection_end, child_population=250_000)
        measures_s, results = best_of(args.repeat, lambda: {mid: REGISTRY[mid].compute(ret, ctx)
                                                            for mid in ids_from("SSDA903")})
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"read (limited process):     {read_s:6.2f} s  ({len(ret.issues)} reader issues)")
        print(f"validate ({len(RULES)} DfE rules):    {validate_s:6.2f} s  ({len(issues)} rule failures)")
        print(f"measures ({len(results)}):              {measures_s:6.2f} s")
        print(f"read + validate + measures: {read_s + validate_s + measures_s:6.2f} s")

        whole = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", WHOLE, str(folder)], check=True, capture_output=True)  # noqa: S603
            whole.append(time.perf_counter() - start)
        whole_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"whole process (fresh Python, import + read + validate + measures): {min(whole):.2f} s "
              f"(target under 10 s)")
        print(f"peak memory: validate + measures traced {traced_peak / 1024**2:.0f} MB; reading process max RSS "
              f"{reader_rss:.0f} MB; whole process max RSS {whole_rss:.0f} MB")
        print(f"measured on {dt.date.today():%d %B %Y}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
