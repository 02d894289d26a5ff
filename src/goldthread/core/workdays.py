"""Working days in England: Monday to Friday, less England's bank holidays (the `holidays` package).

Convention used throughout goldthread: the working days from d1 to d2 are those after d1 up to and
including d2, so an event on the next working day is 1 working day later, and "within N working days"
means that count is at most N. Counts are negative when d2 is before d1.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np

FIRST_YEAR, LAST_YEAR = 1990, 2040


@lru_cache(maxsize=1)
def _calendar() -> np.busdaycalendar:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(sorted(days), dtype="datetime64[D]"))


def bank_holidays(year: int) -> list[dt.date]:
    return sorted(d for d in _calendar().holidays.astype(object) if d.year == year)


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def working_days_between(start, end) -> np.ndarray:
    """Working days after ``start`` up to and including ``end``, elementwise (float, NaN where a date is
    missing). Accepts dates, datetime64 arrays or pandas Series."""
    s, e = np.atleast_1d(_days(start)), np.atleast_1d(_days(end))
    missing = np.isnat(s) | np.isnat(e)
    s_safe = np.where(missing, np.datetime64("2000-01-01"), s)
    e_safe = np.where(missing, np.datetime64("2000-01-01"), e)
    # busday_count counts [a, b); shifting both by a day counts (start, end].
    counts = np.busday_count(s_safe + 1, e_safe + 1, busdaycal=_calendar()).astype(float)
    counts[missing] = np.nan
    return counts


def add_working_days(start, n: int) -> np.ndarray:
    """The date ``n`` working days after ``start`` (so that working_days_between(start, result) == n)."""
    s = np.atleast_1d(_days(start))
    missing = np.isnat(s)
    safe = np.where(missing, np.datetime64("2000-01-01"), s)
    out = np.busday_offset(safe, n, roll="backward", busdaycal=_calendar())
    return np.where(missing, np.datetime64("NaT"), out).astype("datetime64[D]")


def working_days(start: dt.date, end: dt.date) -> int:
    return int(working_days_between(np.datetime64(start), np.datetime64(end))[0])
