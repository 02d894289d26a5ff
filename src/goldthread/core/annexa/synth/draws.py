"""Dates, working days and random draws for the simulation."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
import random
from collections.abc import Sequence

import holidays

from .config import (
    SIM_START,
)

date = dt.date


def _month_of(d: date) -> int:
    """Month number counted from SIM_START (0 for its month; negative before)."""
    return (d.year - SIM_START.year) * 12 + d.month - SIM_START.month


def _month_start(m: int) -> date:
    y, mo = divmod(SIM_START.month - 1 + m, 12)
    return date(SIM_START.year + y, mo + 1, 1)


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _add_months(d: date, n: int) -> date:
    y, mo = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, mo + 1, min(d.day, _month_days(y, mo + 1)))


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _days(d: date, n: int) -> date:
    return d + dt.timedelta(days=n)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Calendar:
    """Working days: Monday to Friday except England's bank holidays."""

    first = date(1990, 1, 1)
    last = date(2060, 12, 31)

    def __init__(self) -> None:
        bank = holidays.country_holidays("GB", subdiv="ENG", years=range(self.first.year, self.last.year + 1))
        self._base = self.first.toordinal()
        self._working: list[int] = []  # ordinals of working days
        self._upto: list[int] = []  # per day: working days on or before it
        for ordinal in range(self._base, self.last.toordinal() + 1):
            d = date.fromordinal(ordinal)
            if d.weekday() < 5 and d not in bank:
                self._working.append(ordinal)
            self._upto.append(len(self._working))

    def add(self, d: date, n: int) -> date:
        """The n-th working day after `d` (`d` itself for n <= 0)."""
        if n <= 0:
            return d
        return date.fromordinal(self._working[self._upto[d.toordinal() - self._base] - 1 + n])

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return self._upto[end.toordinal() - self._base] - self._upto[start.toordinal() - self._base]

    def is_working(self, d: date) -> bool:
        i = d.toordinal() - self._base
        return self._upto[i] != (self._upto[i - 1] if i else 0)


@functools.cache
def _calendar() -> _Calendar:
    return _Calendar()


class _Table:
    """Weighted choices."""

    __slots__ = ("items", "cum")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    """A whole number from lo to hi inclusive (random.randint, without its overhead)."""
    return lo + int(rng.random() * (hi - lo + 1))


def _below(rng: random.Random, n: int) -> int:
    """A whole number from 0 to n - 1 (random.randrange, without its overhead)."""
    return int(rng.random() * n)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    """SplitMix64: a well-spread 64-bit hash, for cheap per-record decisions read lazily."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _unit(seed: int, salt: int) -> float:
    """A uniform number in [0, 1) fixed by (seed, salt)."""
    return _mix(seed ^ _mix(salt)) / 18446744073709551616.0


def _random_day(rng: random.Random, month_start: date, cal: _Calendar, weekend_share: float = 0.03) -> date:
    """A day in the month, nearly always a working day."""
    n = _month_days(month_start.year, month_start.month)
    for _ in range(6):
        d = _days(month_start, _below(rng, n))
        if cal.is_working(d) or rng.random() < weekend_share:
            return d
    return d
