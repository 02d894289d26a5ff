"""Benchmark: how long each pack kind takes to make for the demo council, in each format.

Sets up the demo's data (`goldthread demo --no-serve --months 6`: Northby, a medium council with six monthly
extracts, an improvement plan, audits and visits) in a temporary GOLDTHREAD_DATA_DIR (SQLite), then, in one
process as the worker would, makes every pack kind (board, DfE, Ofsted, members') in every format (PDF, Word,
Excel) as Northby's director would get it (goldthread.packs.actions.generate: the sections built from the pages'
functions, rendered, recorded with the file), plus the board pack as at the demo's last board meeting, and the
adviser's pack for the demo's adviser (both councils). Each is made --repeats times (default 3), every chart drawn
afresh each time (the chart caches are emptied first, as for a pack of new data); the first run of the whole set
also pays for loading WeasyPrint, python-docx and the chart renderer, and is reported apart.

Prints the configuration, a table of median and slowest seconds per pack and format, the file sizes and pages,
and a PASS/FAIL line for the target: the board pack as a PDF in under 5 seconds (median) on the reference 2-core
machine (exit status 1 on FAIL). The temporary folder is removed however it ends.

    .venv/bin/python benchmarks/packs.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNCIL = "E06999901"  # Northby, the demo's medium council
KINDS = ("board", "dfe", "ofsted", "members")
FORMATS = ("pdf", "docx", "xlsx")
TARGET_SECONDS = 5.0  # the board pack as a PDF
SETUP_TIMEOUT = 900


def measure(repeats: int) -> dict:
    """In the demo's environment: make every pack and time it. Returns what was measured."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from goldthread.accounts.access import access_for
    from goldthread.councils.models import LocalAuthority
    from goldthread.packs import actions
    from goldthread.plans.models import Visit

    council = LocalAuthority.objects.get(ons_code=COUNCIL)
    director = get_user_model().objects.get(username="director")
    adviser = get_user_model().objects.get(username="adviser")
    access = access_for(director, council)
    meeting = Visit.objects.filter(council=council, kind=Visit.BOARD).order_by("-date").first()
    jobs = [(kind, fmt, None) for kind in KINDS for fmt in FORMATS]
    if meeting is not None:
        jobs.append(("board", "pdf", meeting.date))
    jobs += [("adviser", fmt, None) for fmt in FORMATS]

    from goldthread import charts
    from goldthread.packs import render

    caches = [f for f in (*vars(charts).values(), render._svg, render._png) if hasattr(f, "cache_clear")]

    def make(kind: str, fmt: str, as_at):
        # Every chart drawn afresh, as for a pack of new data: the chart builders and renderers cache by their
        # inputs, which would otherwise make every run after the first draw nothing.
        for cached in caches:
            cached.cache_clear()
        started = time.perf_counter()
        if kind == "adviser":
            record = actions.request_adviser_pack(adviser, fmt=fmt, as_at=as_at)
            actions.make_queued(record.pk)
            record.refresh_from_db()
        else:
            record = actions.generate(council, kind, fmt=fmt, as_at=as_at, access=access)
        seconds = time.perf_counter() - started
        pages = None
        if fmt == "pdf":
            import io

            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(bytes(record.file))).pages)
        return seconds, record.size, pages, len(record.sections)

    first = {}
    started = time.perf_counter()
    for kind, fmt, as_at in jobs:
        first[f"{kind} {fmt} {as_at or ''}".strip()] = make(kind, fmt, as_at)[0]
    first_total = time.perf_counter() - started
    found = {}
    for kind, fmt, as_at in jobs:
        runs = [make(kind, fmt, as_at) for _ in range(repeats)]
        found[f"{kind} {fmt} {as_at or ''}".strip()] = {
            "kind": kind, "format": fmt, "as_at": as_at.isoformat() if as_at else "today",
            "median": statistics.median(r[0] for r in runs), "max": max(r[0] for r in runs),
            "bytes": runs[-1][1], "pages": runs[-1][2], "sections": runs[-1][3]}
    return {"first_total": first_total, "first": first, "runs": found, "repeats": repeats,
            "meeting": meeting.date.isoformat() if meeting else None}


def report(results: dict, setup_seconds: float, load_before: float) -> int:
    print(f"data: goldthread demo --no-serve --months 6 (SQLite), set up in {setup_seconds:.0f} s; load average "
          f"before the run {load_before:.2f} on {os.cpu_count()} cores")
    print(f"each pack made {results['repeats']} times after a first pass over all of them "
          f"({results['first_total']:.1f} s, loading WeasyPrint, python-docx and the chart renderer on the way)")
    print()
    print(f"{'pack':<40} {'format':<6} {'median s':>9} {'slowest s':>10} {'size':>10} {'pages':>6}")
    names = {"board": "improvement board pack", "dfe": "DfE review pack", "ofsted": "Ofsted monitoring visit pack",
             "members": "members' report", "adviser": "adviser's pack (2 councils)"}
    for run in results["runs"].values():
        label = names[run["kind"]] + ("" if run["as_at"] == "today" else f", as at {run['as_at']}")
        pages = "" if run["pages"] is None else str(run["pages"])
        print(f"{label:<40} {run['format']:<6} {run['median']:>9.2f} {run['max']:>10.2f} "
              f"{run['bytes'] / 1024:>8.0f} KB {pages:>6}")
    board = results["runs"]["board pdf"]["median"]
    ok = board < TARGET_SECONDS
    print()
    print(f"{'PASS' if ok else 'FAIL'}: the board pack as a PDF in {board:.2f} s (median; target under "
          f"{TARGET_SECONDS:.0f} s)")
    return 0 if ok else 1


def main() -> int:
    if "--measure" in sys.argv:  # the child: in the demo's environment
        repeats = int(sys.argv[sys.argv.index("--measure") + 1])
        sys.stdout.write("RESULTS " + json.dumps(measure(repeats)) + "\n")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="how many times each pack is made (default 3)")
    args = parser.parse_args()
    if not 1 <= args.repeats <= 20:
        parser.error("--repeats must be from 1 to 20")
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="goldthread-packs-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOLDTHREAD_") and k != "DATABASE_URL"}
        env.update(GOLDTHREAD_DATA_DIR=str(work), GOLDTHREAD_DEMO="1", GOLDTHREAD_DEBUG="0",
                   DJANGO_SETTINGS_MODULE="goldthread.settings")
        started = time.perf_counter()
        setup = subprocess.run(  # noqa: S603 - our own interpreter running goldthread
            [sys.executable, "-m", "goldthread", "demo", "--no-serve", "--months", "6"],
            env=env, cwd=work, capture_output=True, text=True, timeout=SETUP_TIMEOUT)
        if setup.returncode != 0:
            raise SystemExit(f"goldthread demo failed:\n{setup.stdout}{setup.stderr}")
        setup_seconds = time.perf_counter() - started
        timed = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--measure", str(args.repeats)], env=env, cwd=work, capture_output=True,
            text=True, timeout=SETUP_TIMEOUT)
        line = next((x for x in timed.stdout.splitlines() if x.startswith("RESULTS ")), None)
        if timed.returncode != 0 or line is None:
            raise SystemExit(f"making the packs failed:\n{timed.stdout}{timed.stderr}")
        return report(json.loads(line.removeprefix("RESULTS ")), setup_seconds, load_before)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
