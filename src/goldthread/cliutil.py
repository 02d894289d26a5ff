"""Small helpers shared by goldthread's management commands."""

from __future__ import annotations

import datetime as dt
import sys
from typing import NoReturn

from django.core.management.base import CommandError


def refuse(message: str, status: int = 2) -> NoReturn:
    """Leave a command with one sentence on stderr and a non-zero status (no traceback, no prefix)."""
    sys.stderr.write(message.rstrip() + "\n")
    raise SystemExit(status)


def parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"'{text}' is not a date: expected YYYY-MM-DD or DD/MM/YYYY.")


def find_council(code: str):
    from django.db import DatabaseError
    from django.db.models import Q

    from goldthread.councils.models import LocalAuthority

    code = code.strip()
    try:
        council = (LocalAuthority.objects.filter(Q(ons_code__iexact=code) | Q(old_code=code)).first()
                   or LocalAuthority.objects.filter(name__iexact=code).first())
    except DatabaseError:
        refuse("goldthread's database is not set up here yet: run 'goldthread migrate' and 'goldthread "
               "load_councils' first (or set GOLDTHREAD_DATA_DIR or DATABASE_URL to the one in use).")
    if council is None:
        if not LocalAuthority.objects.exists():
            refuse("No councils are loaded yet: run 'goldthread load_councils' first.")
        refuse(f"No council has the code '{code}': give its ONS code (such as E08000019) or its old "
                      "3-digit LA code (such as 373).")
    return council


class ProgressBar:
    """A tqdm bar per stage, on stderr, only when asked for."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(total=total, desc=stage, unit="step", file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
