"""Everything is read once per test session: the readers are checked on the packaged files."""

import pytest

from goldthread.core.national import load_all


@pytest.fixture(scope="session")
def national():
    return load_all()


@pytest.fixture(scope="session")
def indicator_table(national):
    """indicator_values(load_all()): every national indicator for every council and year."""
    from goldthread.core.national.indicators import indicator_values

    return indicator_values(national)


@pytest.fixture(scope="session")
def aggregate_table(national):
    """aggregate_values(load_all()): the England and regional rows of every indicator."""
    from goldthread.core.national.indicators import aggregate_values

    return aggregate_values(national)


@pytest.fixture(scope="session")
def feature_source(national):
    """What the inspection-risk features are built from (the packaged publications), built once."""
    from goldthread.core.national.risk_features import FeatureSource

    return FeatureSource.from_national(national)


@pytest.fixture(scope="session")
def small_report(feature_source):
    """A quick backtest for the tests that check its shape, not its figures: three development origins, one
    held back, few resamples (the real one: every origin, 1,000 resamples)."""
    from goldthread.core.national.risk import backtest

    return backtest(source=feature_source, origins=(2017, 2019, 2022), held_back=(2024,), n_boot=40, seed=0)
