"""Shared test fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def councils(db):
    """The register of councils, with the two fictional demo councils."""
    from goldthread.councils.actions import load_councils

    load_councils()
    from goldthread.councils.models import LocalAuthority

    return LocalAuthority.objects
