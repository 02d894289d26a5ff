"""Test tooling for goldthread: the browser-test harness (Playwright + Debian's chromium + axe-core).

goldthread.testing.browser        helpers usable with any Playwright page (no pytest needed)
goldthread.testing.pytest_browser the pytest plugin: browser, page, browser_log and log_in fixtures
"""
