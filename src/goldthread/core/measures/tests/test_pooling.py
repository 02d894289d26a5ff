"""Pooling a measure across councils: from numerators and denominators, never an average of values."""

from __future__ import annotations

import pytest

from goldthread.core.measures.pooling import NOT_POOLED, POPULATION_MISSING, pool
from goldthread.core.measures.registry import COUNT, DAYS, NUMBER, PERCENT, RATE


def test_a_percentage_pools_the_rows_so_a_large_council_weighs_by_its_children():
    # 9 of 10 visits in time in a small council, 50 of 100 in a large one: 59 of 110 (53.6%), not the
    # average of 90% and 50% (70%).
    pooled = pool(PERCENT, [(90.0, 9, 10), (50.0, 50, 100)])
    assert (pooled.numerator, pooled.denominator, pooled.councils, pooled.missing) == (59, 110, 2, 0)
    assert pooled.value == pytest.approx(100 * 59 / 110)


def test_a_council_without_a_figure_is_left_out_and_counted_missing():
    pooled = pool(PERCENT, [(90.0, 9, 10), None, (None, None, None)])
    assert (pooled.value, pooled.councils, pooled.missing) == (90.0, 1, 2)
    # A council whose total is zero (no rows) adds nothing; with no rows anywhere there is no percentage.
    assert pool(PERCENT, [(None, 0, 0), (None, 0, 0)]).value is None


def test_counts_add_up():
    pooled = pool(COUNT, [(4.0, 4, None), (7.0, 7, None)])
    assert (pooled.value, pooled.numerator, pooled.denominator) == (11.0, 11.0, None)
    assert pool(COUNT, [(3.0, None, None), (2.0, 2, None)]).value == 5.0  # a count given only as its value


def test_rates_pool_counts_over_populations_only_when_every_population_is_known():
    # 40 children in care of 50,000 and 100 of 50,000: 140 of 100,000 is 14 per 10,000.
    pooled = pool(RATE, [(8.0, 40, 50_000), (20.0, 100, 50_000)])
    assert pooled.value == pytest.approx(14.0) and pooled.denominator == 100_000
    unknown = pool(RATE, [(8.0, 40, 50_000), (None, 100, None)])
    assert (unknown.value, unknown.numerator, unknown.note) == (None, 140.0, POPULATION_MISSING)


@pytest.mark.parametrize("unit", [NUMBER, DAYS])
def test_medians_and_averages_are_not_pooled(unit):
    pooled = pool(unit, [(15.0, 30, 2), (17.0, 17, 1)])
    assert (pooled.value, pooled.note) == (None, NOT_POOLED)
