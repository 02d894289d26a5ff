"""The `goldthread` command: Django's management commands under goldthread's own name.

`goldthread import` is spelled that way for people; the command module is `import_annex_a` because
`import` is a Python keyword.
"""

from __future__ import annotations

import os
import signal
import sys

ALIASES = {"import": "import_annex_a"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if hasattr(signal, "SIGPIPE"):  # `goldthread measures 373 | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldthread.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("GOLDTHREAD_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
