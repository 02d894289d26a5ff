"""The `goldthread` command: Django's management commands under goldthread's own name.

`goldthread import` is spelled that way for people; the command module is `import_annex_a` because
`import` is a Python keyword.

`goldthread measures FILE` needs no database: it starts reading FILE (in the limited reading process) at once
and runs without loading Django's applications, so that a large file is measured in about twice the time it
takes just to parse it (benchmarks/import_annex_a.py measures this).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

ALIASES = {"import": "import_annex_a"}


def _measures_on_a_file(argv: list[str]) -> bool:
    return len(argv) > 2 and argv[1] == "measures" and not argv[2].startswith("-") and Path(argv[2]).exists()


def _early_read(argv: list[str]) -> None:
    """For `goldthread measures FILE [--as-at DATE]`, start reading FILE now. Anything unexpected in the
    arguments: do nothing, and the command starts the read itself as usual."""
    if not _measures_on_a_file(argv) or not Path(argv[2]).is_file():
        return
    as_at = None
    rest = argv[3:]
    for i, word in enumerate(rest):
        value = word.split("=", 1)[1] if word.startswith("--as-at=") else rest[i + 1] if word == "--as-at" and \
            i + 1 < len(rest) else None
        if value is not None:
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    as_at = dt.datetime.strptime(value, fmt).date()
                    break
                except ValueError:
                    continue
            else:
                return
    from goldthread.core.annexa.transfer import start_early

    start_early(Path(argv[2]), extract_date=as_at)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if hasattr(signal, "SIGPIPE"):  # `goldthread measures 373 | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldthread.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("GOLDTHREAD_DEMO", "1")
    if _measures_on_a_file(argv):
        _early_read(argv)
        from goldthread.extracts.management.commands.measures import Command

        Command().run_from_argv(argv)  # Django's settings, but not its applications: no database is used
        # Done, with nothing left open (the reading's folder is removed, no database was used): leave without
        # tearing down the tables and libraries one object at a time, which takes a tenth of a second.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
