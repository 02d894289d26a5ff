"""pytest plugin: browser tests of goldthread's pages with Playwright driving Debian's chromium.

Register it once, in src/goldthread/conftest.py:

    pytest_plugins = ["goldthread.testing.pytest_browser"]

(or per run: ``pytest -p goldthread.testing.pytest_browser``).

Fixtures
    browser         session: Playwright's chromium, headless, launched from $GOLDTHREAD_CHROMIUM, /usr/bin/chromium
                    or `chromium` on PATH (never `playwright install`). No chromium: the test fails when CI is
                    set (CI=true), and is skipped with the reason otherwise.
    browser_log     the BrowserLog of the test's context: console messages, page errors, requests, HTTP errors.
                    After each test the context's Content-Security-Policy refusals must be none (the test errors
                    at teardown, listing them, if the policy refused anything on any page).
    browser_context a fresh context per test: base_url = live_server.url, viewport 1280x900, JavaScript on,
                    en-GB / Europe/London, 10 s default timeouts; requests to other hosts are aborted (and
                    still recorded in browser_log), so pages are tested as they work offline.
    page            a page in that context: ``page.goto("/")`` opens the live server's home page.
    log_in          ``log_in(username, password)`` signs in through the real form (see browser.log_in for
                    the form's field names, button and path, all overridable).
Every test using one of them gets the ``browser`` marker: ``-m browser`` runs only those, ``-m "not browser"``
leaves them out. Browser tests run after the others (see pytest_collection_modifyitems below).

Writing a browser test
    Use the `page` fixture; it starts pytest-django's ``live_server``, which serves the static files (the
    compiled GOV.UK CSS and JS) through Django's staticfiles handler. The server runs in another thread, so
    data the test creates must be committed to be seen by it: browser tests use *transactional* database
    access. pytest-django already switches it on for any test using live_server; declare it anyway, so the
    test reads as what it is::

        @pytest.mark.django_db(transaction=True)
        def test_home(page, log_in, django_user_model):
            django_user_model.objects.create_user("rita", password="a long enough password")
            log_in("rita", "a long enough password")
            assert "Your councils" in visible_text(page, "h1")
            assert_accessible(page)

    This works on SQLite (the test database is in memory and shared with the server thread) and on
    PostgreSQL (DATABASE_URL): each test's rows are deleted afterwards (TransactionTestCase semantics).

Why DJANGO_ALLOW_ASYNC_UNSAFE is set
    Playwright's sync API runs an asyncio event loop on the main thread (in a greenlet) from the moment the
    browser starts until the session ends. Django sees that running loop and refuses synchronous database
    access from the test thread (SynchronousOnlyOperation), which would break every fixture that touches
    the database once a browser test has run. The test code is not actually running inside a coroutine, so
    the guard is a false positive here; setting the variable on import of this plugin turns it off for the
    test process only (never for a server). Browser tests are also moved to the end of the run so the loop
    never overlaps non-browser tests (where, e.g., ``asyncio.run`` would otherwise fail).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from goldthread.testing import browser as harness

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# See "Why DJANGO_ALLOW_ASYNC_UNSAFE is set" above.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_FIXTURES = frozenset({"browser", "browser_context", "page", "log_in"})


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives chromium through Playwright against the live server (goldthread.testing)")


def pytest_itemcollected(item: pytest.Item) -> None:
    # Here rather than in pytest_collection_modifyitems so the marker exists before -m deselects.
    if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last (stable order otherwise): once started, Playwright's event loop stays running on
    the main thread for the rest of the session."""
    items[:] = ([i for i in items if i.get_closest_marker("browser") is None]
                + [i for i in items if i.get_closest_marker("browser") is not None])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    log = getattr(item, "funcargs", {}).get("browser_log")
    if report.failed and isinstance(log, harness.BrowserLog):
        page = item.funcargs.get("page")
        url = page.url if page is not None and not page.is_closed() else "(closed)"
        report.sections.append(("browser", f"page: {url}\n{log.summary()}"))
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    problem = executable = None
    try:
        executable = harness.find_chromium()
        from playwright.sync_api import sync_playwright
    except harness.ChromiumNotFound as missing:
        problem = str(missing)
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')."
    if problem:  # reported outside the except blocks, so the message is not buried in a traceback chain
        _unavailable(problem)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=list(harness.CHROMIUM_ARGS), timeout=30_000)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"chromium at {executable} did not start: {exc}", pytrace=False)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def browser_log() -> harness.BrowserLog:
    return harness.BrowserLog()


@pytest.fixture
def browser_context(browser: Browser, live_server, browser_log: harness.BrowserLog) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, viewport=harness.VIEWPORT, java_script_enabled=True,
                                  locale="en-GB", timezone_id="Europe/London", service_workers="block")
    context.set_default_timeout(harness.DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(harness.DEFAULT_TIMEOUT_MS)
    browser_log.attach(context)
    context.route(lambda url: not harness.is_loopback_url(url), lambda route: route.abort("blockedbyclient"))
    try:
        yield context
    finally:
        context.close()
    # Every browser test also checks that goldthread's Content-Security-Policy refused nothing on its pages.
    browser_log.assert_no_csp_violations()


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    return browser_context.new_page()


@pytest.fixture
def log_in(page: Page):
    """``log_in(username, password, **options)``: sign in on `page` through the real login form."""

    def _log_in(username: str, password: str, **options) -> None:
        harness.log_in(page, username, password, **options)

    return _log_in
