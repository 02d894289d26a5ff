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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes tens of seconds; its file is run first, so the test workers finish together")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a slow test first (stable otherwise): `./dev test` hands whole files to two workers in
    this order, and a long file handed out last would leave one worker idle while the other finishes it.
    (Browser tests still run after the others: goldthread.testing's hook runs after this one.)"""
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)


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


@pytest.fixture(scope="session")
def sample_annex():
    """The LIIA sample read once per test run (in this process: reading files in the limited process is
    tested in goldthread/core/tests/test_untrusted.py and extracts/tests)."""
    from goldthread.core.annexa.reader import read_annex_a
    from goldthread.extracts.actions import file_digest

    return read_annex_a(SAMPLE, extract_date=SAMPLE_AS_AT), file_digest(SAMPLE)


@pytest.fixture
def northby_extract(councils, sample_annex):
    from goldthread.extracts.actions import import_annex

    annex, digest = sample_annex
    return import_annex(councils.get(ons_code=NORTHBY), annex, sha256=digest, source_name=SAMPLE.name).extract


_PACKAGED_NATIONAL: list = []


@pytest.fixture(autouse=True)
def packaged_national_read_once(monkeypatch):
    """`load_packaged()` reads every packaged national file (about 5 s) and a dozen tests call it: each test
    process reads them once. Loading neither changes the files nor the tables read from them (checked when
    this was added: every table equal after a load with the early-warning refresh); a folder given explicitly
    is still read each time."""
    import goldthread.national.actions as national_actions
    from goldthread.core.national.bundle import load_all

    def read_once(folder=None):
        if folder is not None:
            return load_all(folder)
        if not _PACKAGED_NATIONAL:
            _PACKAGED_NATIONAL.append(load_all())
        return _PACKAGED_NATIONAL[0]

    monkeypatch.setattr(national_actions, "load_all", read_once)


@pytest.fixture(autouse=True)
def private_data_dir(settings, tmp_path):
    """Each test keeps uploads and other files in its own temporary folder, deleted afterwards (child-level
    files never pile up in ./var)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


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


@pytest.fixture
def run_jobs():
    """``run_jobs()`` runs every queued background job here and now (the way `goldthread worker` would) and
    returns how many ran."""
    from goldthread.jobs.worker import run_pending

    return run_pending


@pytest.fixture
def job_worker(live_server):
    """A worker running queued jobs in a thread while a browser test uses the live server."""
    import threading

    from django.db import connection

    from goldthread.jobs.worker import run_pending

    stop = threading.Event()

    def work():
        try:
            while not stop.is_set():
                if not run_pending("browser-test"):
                    stop.wait(0.2)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="test-worker", daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(timeout=30)


def stored_figure(council, measure_id: str, as_at, value, *, source: str = "Case audits", **more):
    """A figure in the measure store for a test: a case-audit measure by default (``source``), or any other."""
    from django.utils import timezone

    from goldthread.store.models import Figure

    more.setdefault("known_from", timezone.now())
    return Figure.objects.create(council=council, area=council.ons_code, measure_id=measure_id, source=source,
                                 as_at=as_at, value=value, **more)


def published_figure(indicator_id: str, year: int, value, *, council=None, area: str | None = None,
                     level: str | None = None, **more):
    """A published national figure in the measure store for a test: a council's, or with ``area`` England's or
    a region's."""
    from django.utils import timezone

    from goldthread.store.actions import national_figure

    figure = national_figure(indicator_id, year=year, council=council,
                             area=area or (council.ons_code if council else "England"),
                             level=level or ("Local authority" if council else "National"), value=value,
                             known_from=more.pop("known_from", timezone.now()), **more)
    figure.save()
    return figure
