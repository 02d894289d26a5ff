"""Everything is read once per test session: the readers are checked on the packaged files."""

import pytest

from goldthread.core.national import load_all


@pytest.fixture(scope="session")
def national():
    return load_all()
