"""Pooling one measure's figures across councils (an adviser's or a region's view): ``pool()``.

A pooled figure is made from the councils' numerators and denominators, never by averaging their values:

- a percentage: every council's counted rows over every council's rows in the total (so a large council weighs
  as much as its children do);
- a count: the sum of the councils' counts;
- a rate per 10,000: the sum of the counts over the sum of the populations, times 10,000; only when every
  council's population is known;
- a median or an average of days (``NUMBER``, ``DAYS``): not pooled. The median of several councils cannot be
  made from their medians, so the pooled column says so instead of showing a misleading figure.

Where a council has no figure (no extract, or the measure had no rows) it is left out and counted in ``missing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .registry import COUNT, PERCENT, RATE

NOT_POOLED = ("A median or an average cannot be made from each council's own figure, so there is no pooled "
              "figure: compare the councils' figures instead.")
POPULATION_MISSING = "Not every council's child population is known, so the rates cannot be pooled."


@dataclass(frozen=True)
class Pooled:
    value: float | None
    numerator: float | None
    denominator: float | None
    councils: int  # councils whose figure is in the pool
    missing: int  # councils with no figure
    note: str | None = None


def _known(x) -> bool:
    return x is not None and x == x  # not None and not NaN


def pool(unit: str, figures: Iterable[tuple[float | None, float | None, float | None] | None]) -> Pooled:
    """Pool (value, numerator, denominator) per council (None: the council has no figure) for a measure of
    ``unit``."""
    given = list(figures)
    present = [f for f in given if f is not None and (_known(f[0]) or _known(f[1]))]
    missing = len(given) - len(present)
    if unit not in (PERCENT, COUNT, RATE):
        return Pooled(None, None, None, 0, missing, NOT_POOLED)
    if not present:
        return Pooled(None, None, None, 0, missing)
    if unit == COUNT:
        total = sum(float(num if _known(num) else value) for value, num, _ in present)
        return Pooled(total, total, None, len(present), missing)
    usable = [f for f in present if _known(f[1]) and _known(f[2])]
    if unit == RATE and len(usable) < len(present):
        counted = sum(float(f[1]) for f in present if _known(f[1]))
        return Pooled(None, counted, None, len(present), missing, POPULATION_MISSING)
    numerator = sum(float(f[1]) for f in usable)
    denominator = sum(float(f[2]) for f in usable)
    if not denominator:
        return Pooled(None, numerator, denominator, len(usable), missing + len(present) - len(usable))
    scale = 100.0 if unit == PERCENT else 10_000.0
    return Pooled(scale * numerator / denominator, numerator, denominator, len(usable),
                  missing + len(present) - len(usable))
