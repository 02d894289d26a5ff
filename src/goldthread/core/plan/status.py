"""The status of an improvement plan's success measure, computed from live data.

A success measure has a measure from the registry (whose polarity says which way is better), a baseline
(date, value), a target (date, value) and an expected trajectory: straight lines from the baseline through
any milestones to the target. Before the baseline there is no expected value; after the target date the
expected value is the target.

``assess(trajectory, polarity, latest, tolerance=0.25, today=None)`` gives one of ``STATUSES``, by these
rules, applied in this order:

1. The polarity must be "higher is better" or "lower is better"; "neither" (or anything else) raises
   ValueError, because a success measure needs a better direction. A target worse than the baseline for
   that polarity also raises ValueError, as does a negative tolerance.
2. No latest value: "no data".
3. A latest value from before the baseline day: "not yet measurable".
4. "met": the latest value reaches the target (>= for higher is better, <= for lower), whatever its date.
   Exception, maintaining a level (target value == baseline value): the baseline already "reaches" the
   target, so the level is met only by a latest value dated on or after the target date that is at or
   better than it; before then, holding the level is "on track".
5. "off track": the target date has passed without the target being met, that is ``today`` is after the
   target date or the latest value is dated after it. A value dated ON the target date with ``today`` no
   later is judged by rules 6-8 (its expected value is the target itself).
6. "on track": at or better than the expected value on the latest value's day.
7. "at risk": worse than expected, but by no more than the tolerance band, ``tolerance`` x
   |target - baseline|. Exactly at the edge of the band is still "at risk".
8. "off track": worse than expected by more than the band.

When maintaining a level, |target - baseline| is 0, so the band is ``tolerance`` x max(|baseline|, 1)
instead: a quarter of the level by default, and at least a quarter of one unit so that a level of 0 (say
"no children waiting") still has a band.

The gap is latest - expected, signed so that positive means better than expected: for lower-is-better
measures it is expected - latest. Comparisons allow for floating-point rounding (a relative difference of
one in a billion counts as equal), so a value computed to be exactly at the expected value, the target or
the edge of the band is treated as exactly there.

``today`` defaults to the system date; pages and tests should pass it explicitly.

``disagreement(status, owner_rag)`` compares the computed status with the action owner's own red, amber
or green rating: green goes with "met" and "on track", amber with "at risk", red with "off track".
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass

from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER

MET = "met"
ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_DATA = "no data"
NOT_YET_MEASURABLE = "not yet measurable"

# Plain-English explanations for the page. Each template may use the fields {target} (the target value),
# {target_day} (its date, dd/mm/yyyy) and {band} (the tolerance band); str.format ignores unused fields.
STATUSES: dict[str, str] = {
    MET: "The latest value has reached the target of {target}.",
    ON_TRACK: "The latest value is at or better than expected on the way to {target} by {target_day}.",
    AT_RISK: ("The latest value is worse than expected on the way to {target} by {target_day}, "
              "but by no more than {band}."),
    OFF_TRACK: ("The latest value is worse than expected by more than {band}, or {target_day} has passed "
                "without the target of {target} being met."),
    NO_DATA: "There is no value for this measure yet, so progress cannot be assessed.",
    NOT_YET_MEASURABLE: "The latest value is from before the baseline, so progress cannot be measured yet.",
}

RAG_STATUSES = {"green": (MET, ON_TRACK), "amber": (AT_RISK,), "red": (OFF_TRACK,)}

_REL_TOL = 1e-9


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float


@dataclass(frozen=True)
class Trajectory:
    """The expected path: straight lines from the baseline through the milestones to the target."""

    baseline: Point
    target: Point
    milestones: tuple[Point, ...] = ()

    def __post_init__(self):
        milestones = tuple(sorted(self.milestones, key=lambda p: p.day))
        object.__setattr__(self, "milestones", milestones)
        for name, point in [("baseline", self.baseline), ("target", self.target)] + [
                ("milestone", m) for m in milestones]:
            if not isinstance(point.day, dt.date):
                raise ValueError(f"The {name} needs a date.")
            if not _finite(point.value):
                raise ValueError(f"The {name} on {_day(point.day)} needs a number as its value.")
        if self.target.day <= self.baseline.day:
            raise ValueError(f"The target date ({_day(self.target.day)}) must be after the baseline date "
                             f"({_day(self.baseline.day)}).")
        for m in milestones:
            if not self.baseline.day < m.day < self.target.day:
                raise ValueError(f"The milestone on {_day(m.day)} must fall after the baseline date "
                                 f"({_day(self.baseline.day)}) and before the target date "
                                 f"({_day(self.target.day)}).")
        for a, b in zip(milestones, milestones[1:], strict=False):
            if a.day == b.day:
                raise ValueError(f"There are two milestones on {_day(a.day)}; a day can have only one.")

    @property
    def points(self) -> tuple[Point, ...]:
        return (self.baseline, *self.milestones, self.target)

    def expected(self, day: dt.date) -> float | None:
        """The expected value on ``day``: None before the baseline, the target value after the target."""
        if day < self.baseline.day:
            return None
        if day >= self.target.day:
            return float(self.target.value)
        points = self.points
        for start, end in zip(points, points[1:], strict=False):
            if start.day <= day < end.day:
                elapsed, span = (day - start.day).days, (end.day - start.day).days
                return start.value + (end.value - start.value) * elapsed / span
        raise AssertionError("unreachable: the day lies between the baseline and the target")

    @property
    def maintains_level(self) -> bool:
        return self.target.value == self.baseline.value

    def band(self, tolerance: float) -> float:
        """How far worse than expected is still "at risk" rather than "off track"."""
        if self.maintains_level:
            return tolerance * max(abs(self.baseline.value), 1.0)
        return tolerance * abs(self.target.value - self.baseline.value)


@dataclass(frozen=True)
class Assessment:
    status: str
    expected: float | None  # the expected value on the latest value's day
    gap: float | None  # positive: better than expected (given the polarity)
    explanation: str


def assess(trajectory: Trajectory, polarity: str, latest: Point | None, *, tolerance: float = 0.25,
           today: dt.date | None = None) -> Assessment:
    """The status of a success measure from its latest value; the rules are in the module docstring."""
    if polarity == NEITHER:
        raise ValueError("A success measure needs a measure where higher or lower is better, "
                         "not one where neither is.")
    if polarity not in (HIGHER, LOWER):
        raise ValueError(f"The polarity must be {HIGHER!r} or {LOWER!r}, not {polarity!r}.")
    if not _finite(tolerance) or tolerance < 0:
        raise ValueError(f"The tolerance must be a number of at least 0, not {tolerance!r}.")
    base, target = trajectory.baseline, trajectory.target
    if _better(base.value, target.value, polarity):
        raise ValueError(f"The target ({_num(target.value)}) is worse than the baseline ({_num(base.value)}) "
                         f"for a measure where {polarity}.")
    today = today or dt.date.today()
    target_text = f"target {_num(target.value)} by {_day(target.day)}"

    if latest is None:
        return Assessment(NO_DATA, None, None, f"There is no value yet ({target_text}): no data.")
    if not _finite(latest.value):
        raise ValueError(f"The latest value on {_day(latest.day)} needs to be a number.")
    if latest.day < base.day:
        return Assessment(NOT_YET_MEASURABLE, None, None,
                          f"At {_num(latest.value)} on {_day(latest.day)}, before the baseline on "
                          f"{_day(base.day)} ({target_text}): not yet measurable.")

    expected = trajectory.expected(latest.day)
    gap = latest.value - expected if polarity == HIGHER else expected - latest.value
    scale = max(abs(expected), abs(latest.value))
    if _close(gap, 0.0, scale):
        gap = 0.0
    band = trajectory.band(tolerance)
    head = f"At {_num(latest.value)} on {_day(latest.day)} against an expected {_num(expected)} ({target_text})"

    reached = _at_or_better(latest.value, target.value, polarity)
    if reached and (not trajectory.maintains_level or latest.day >= target.day):
        status, why = MET, ""
    elif today > target.day or latest.day > target.day:
        status, why = OFF_TRACK, ", as the target date has passed without the target being met"
    elif gap >= 0:
        status, why = ON_TRACK, ""
    elif -gap <= band or _close(-gap, band, scale):
        status, why = AT_RISK, f", {_num(-gap)} worse than expected but within the tolerance of {_num(band)}"
    else:
        status, why = OFF_TRACK, f", {_num(-gap)} worse than expected, beyond the tolerance of {_num(band)}"
    return Assessment(status, expected, gap, f"{head}: {status}{why}.")


def disagreement(computed_status: str, owner_rag: str) -> str | None:
    """A short sentence when the owner's RAG rating and the computed status disagree, else None.

    Green goes with "met" and "on track", amber with "at risk", red with "off track". None when they
    agree, when the owner gave no rating ("" or anything but red, amber or green, in any case), or when the
    data cannot say ("no data", "not yet measurable"). An unknown computed status raises ValueError.
    """
    if computed_status not in STATUSES:
        raise ValueError(f"{computed_status!r} is not a status; expected one of {', '.join(STATUSES)}.")
    rag = (owner_rag or "").strip().lower()
    if rag not in RAG_STATUSES or computed_status in (NO_DATA, NOT_YET_MEASURABLE):
        return None
    if computed_status in RAG_STATUSES[rag]:
        return None
    return f"The owner says {rag}, but the data says {computed_status}."


def _finite(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _close(a: float, b: float, scale: float) -> bool:
    """Equal but for floating-point rounding, relative to the size of the numbers involved."""
    return abs(a - b) <= _REL_TOL * max(abs(a), abs(b), abs(scale), 1.0)


def _at_or_better(value: float, reference: float, polarity: str) -> bool:
    if _close(value, reference, 0.0):
        return True
    return value > reference if polarity == HIGHER else value < reference


def _better(value: float, reference: float, polarity: str) -> bool:
    return not _close(value, reference, 0.0) and _at_or_better(value, reference, polarity)


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _num(value: float) -> str:
    text = f"{value:,.1f}"
    if value != 0 and text.lstrip("-") == "0.0":  # a small non-zero number: do not show it as 0.0
        text = f"{value:.2g}"
    return text
