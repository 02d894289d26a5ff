"""The packaged data's early-warning results, computed once per test run and stored in each test's database:
the backtest by the fixed protocol (1,000 resamples, so the figures are the README's), every council's scores
and the slipping-from-good watchlist as at 31 March 2025. Computing them takes a while; storing them does
not. (`refresh_risk`, which does both, is exercised once, in test_pages.)"""

from __future__ import annotations

import datetime as dt
import functools

from goldthread.core.national.bundle import load_all
from goldthread.core.national.risk_features import FeatureSource
from goldthread.core.national.risk_protocol import N_BOOT
from goldthread.national.actions import RiskReport, RiskResults, compute_risk, store_risk

AS_OF = dt.date(2025, 3, 31)


@functools.cache
def packaged_risk() -> RiskResults:
    """compute_risk on the packaged publications (what it computes after `national load` of them: the
    stored figures are the same, a test in test_national checks it)."""
    return compute_risk(AS_OF, N_BOOT, source=FeatureSource.from_national(load_all()))


def store_packaged_risk() -> RiskReport:
    """Store the packaged results in this test's database (the councils must be loaded)."""
    return store_risk(packaged_risk())
