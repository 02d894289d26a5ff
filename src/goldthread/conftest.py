"""Shared test fixtures: the register of councils, an imported extract, and named users.

Named users (password "correct horse battery"): one per role in Northby, plus Sam, an analyst in
Southmoor (another council), and Nat, who has no council role (national data only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent / "core" / "annexa" / "tests" / "data" / "annex_a_sample_liia.xlsx"
SAMPLE_AS_AT = dt.date(2021, 3, 31)
PASSWORD = "correct horse battery"
NORTHBY, SOUTHMOOR = "E06999901", "E06999902"
# The sample's List 7 row 2: child 10721552, allocated to Ezra Leigh.
PRACTITIONER_WORKER, PRACTITIONERS_CHILD, OTHER_CHILD = "Ezra Leigh", "10721552", "5358472"
ROLE_USERS = {"viewer": "vera", "practitioner": "pat", "analyst": "ana", "auditor": "aud", "manager": "max",
              "council_admin": "ada"}


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Tests hash the named users' passwords quickly (production uses Django's PBKDF2, see settings.py): with
    it, making the named users took about 2.5 s per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (pages cache rendered rows between requests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def councils(db):
    """The register of councils, with the two fictional demo councils."""
    from goldthread.councils.actions import load_councils
    from goldthread.councils.models import LocalAuthority

    load_councils()
    return LocalAuthority.objects


@pytest.fixture
def northby_extract(councils):
    from goldthread.extracts.actions import import_extract

    return import_extract(councils.get(ons_code=NORTHBY), SAMPLE, extract_date=SAMPLE_AS_AT).extract


@pytest.fixture
def people(councils):
    """Named users: role -> user in Northby, plus 'other_council' and 'national'."""
    from django.contrib.auth import get_user_model

    from goldthread.accounts.models import Membership

    users = get_user_model()
    northby, southmoor = councils.get(ons_code=NORTHBY), councils.get(ons_code=SOUTHMOOR)
    found = {}
    for role, name in ROLE_USERS.items():
        found[role] = users.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=found[role], council=northby, role=role,
                                  worker_name=PRACTITIONER_WORKER if role == "practitioner" else "")
    found["other_council"] = users.objects.create_user("sam", password=PASSWORD)
    Membership.objects.create(user=found["other_council"], council=southmoor, role="analyst")
    found["national"] = users.objects.create_user("nat", password=PASSWORD)
    return found
