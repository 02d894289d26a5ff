"""The browser-test harness works end to end: chromium starts, the live server serves the pages and the compiled
GOV.UK CSS, nothing leaves this machine, axe-core finds violations when there are some, and the keyboard
helper reaches the skip link.

The home page `/` asks for sign-in, so it is checked twice: signed out (it redirects to the sign-in page) and
after signing in through the real form.
"""

from __future__ import annotations

import asyncio

import pytest

from goldthread.testing.browser import (
    assert_accessible,
    assert_keyboard_reachable,
    axe_violations,
    visible_text,
)

PASSWORD = "a harness password, long enough"
CSS = "/static/govuk/goldthread.css"

# Tests on the live server commit their data so its thread sees it (see goldthread.testing.pytest_browser).
live_db = pytest.mark.django_db(transaction=True)


def assert_govuk_css_applied(page):
    sheets = page.evaluate("() => [...document.styleSheets].map(s => [s.href || '', s.cssRules.length])")
    assert any(href.endswith(CSS) and rules > 100 for href, rules in sheets), sheets
    # GOV.UK Frontend sets its (Arial) font on its classes, not on <body>, so look at the page's heading.
    assert "arial" in page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily").lower()




@pytest.fixture
def signed_in(page, log_in, django_user_model):
    django_user_model.objects.create_user("harness", password=PASSWORD)
    log_in("harness", PASSWORD)
    return page


@live_db
def test_live_server_serves_the_compiled_govuk_frontend(page):
    css = page.request.get(CSS)
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "govuk-template" in css.text()
    # Module scripts are refused unless served with a JavaScript MIME type.
    js = page.request.get("/static/govuk/govuk-frontend.min.js")
    assert js.status == 200
    assert "javascript" in js.headers["content-type"]


@live_db
def test_signed_out_home_redirects_to_an_accessible_sign_in_page(page, browser_log):
    response = page.goto("/")
    assert response.ok
    assert page.url.endswith("/accounts/login/?next=/")
    assert "Sign in to goldthread" in visible_text(page, "h1")
    assert_govuk_css_applied(page)
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
    assert_accessible(page)


@live_db
def test_home_page_signed_in(signed_in, browser_log):
    page = signed_in
    assert page.url.split("?")[0].endswith("/") and "/accounts/" not in page.url
    assert visible_text(page, "h1") == "Your councils"
    assert "Sign out harness" in visible_text(page, "nav")
    assert_govuk_css_applied(page)
    # GOV.UK Frontend's JavaScript ran (it is loaded from the live server, not a CDN).
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
    assert {u.split("?")[0].rsplit("/", 1)[-1] for u in browser_log.urls} >= {
        "goldthread.css", "js-enabled.js", "govuk-frontend.min.js", "goldthread-init.js"}
    results = assert_accessible(page)
    assert results["passes"] > 10  # axe really ran its rules


@live_db
def test_the_content_security_policy_refuses_inline_script_and_style_and_the_log_says_so(page, browser_log):
    page.goto("/accounts/login/")
    assert page.evaluate("() => document.body.classList.contains('js-enabled')")  # goldthread's own script ran
    assert browser_log.csp_violations == []
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => {
          const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s);
        }""")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    assert page.evaluate("() => window.injected") is None
    assert len(browser_log.csp_violations) == 2
    with pytest.raises(AssertionError, match="Content-Security-Policy refused something"):
        browser_log.assert_no_csp_violations()
    browser_log.console.clear()  # refused on purpose here; the fixture checks every other test's pages


@live_db
def test_log_in_reports_a_refused_sign_in(page, log_in, django_user_model):
    django_user_model.objects.create_user("harness", password=PASSWORD)
    with pytest.raises(AssertionError, match="Signing in as 'harness' failed: still on .*/accounts/login/"):
        log_in("harness", "not the password")


@live_db
def test_keyboard_reaches_the_skip_link_first(signed_in):
    page = signed_in
    assert assert_keyboard_reachable(page, "a.govuk-skip-link") == 1
    box = page.locator("a.govuk-skip-link").bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10  # visible once focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert assert_keyboard_reachable(page, "a[href='/measures/']") > 1


@live_db
def test_database_access_works_while_the_browser_runs(page, django_user_model):
    # Playwright's sync API keeps an event loop running on this thread; the plugin lets Django's ORM through.
    assert asyncio.get_running_loop() is not None
    django_user_model.objects.create_user("loop", password=PASSWORD)
    assert django_user_model.objects.filter(username="loop").exists()


# --- the checks themselves catch problems ---------------------------------------------------------------------

INACCESSIBLE = """<!DOCTYPE html><html><head></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="q">
<a href="/nowhere"></a>
<button tabindex="-1">Only by mouse</button>
<p style="color:#bbb;background:#fff">Pale grey text nobody can read</p>
</body></html>"""


@pytest.fixture
def inaccessible_page(browser):
    """A tiny deliberately inaccessible page, with no server and no database."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(INACCESSIBLE)
    yield page
    context.close()


def test_axe_reports_violations_on_an_inaccessible_page(inaccessible_page):
    found = {v["id"] for v in axe_violations(inaccessible_page)}
    assert {"html-has-lang", "document-title", "image-alt", "label", "link-name", "color-contrast"} <= found
    with pytest.raises(AssertionError) as failure:
        assert_accessible(inaccessible_page)
    report = str(failure.value)
    assert "[critical] image-alt: Images must have alternative text" in report
    assert "https://dequeuniversity.com/rules/axe/" in report
    assert '<input type="text" name="q">' in report  # the failing element's HTML
    # Scoping to part of the page, and switching a rule off, are honoured.
    assert {v["id"] for v in axe_violations(inaccessible_page, context="p")} == {"color-contrast"}
    assert "image-alt" not in {v["id"] for v in axe_violations(inaccessible_page, disable=["image-alt"])}


def test_axe_loads_despite_a_content_security_policy(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><html lang='en'><head><title>t</title>"
                     "<meta http-equiv='Content-Security-Policy' content=\"script-src 'none'\"></head>"
                     "<body><main><h1>Fine</h1></main></body></html>")
    try:
        assert_accessible(page)
    finally:
        context.close()


def test_keyboard_helper_fails_for_an_element_out_of_the_tab_order(inaccessible_page):
    with pytest.raises(AssertionError, match="did not receive focus after 5 Tab presses"):
        assert_keyboard_reachable(inaccessible_page, "button", max_tabs=5)


@live_db
def test_requests_off_this_machine_are_blocked_and_reported(page, browser_log):
    page.set_content('<link rel="stylesheet" href="https://cdn.example.com/govuk.css"><p>offline</p>')
    assert browser_log.external_urls == ["https://cdn.example.com/govuk.css"]
    [(url, failure)] = browser_log.failed_requests
    assert url == "https://cdn.example.com/govuk.css" and failure.startswith("net::ERR_BLOCKED_BY_CLIENT")
    with pytest.raises(AssertionError, match="cdn.example.com"):
        browser_log.assert_only_loopback()
