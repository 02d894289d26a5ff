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
