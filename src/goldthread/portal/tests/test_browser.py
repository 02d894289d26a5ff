"""A person's walk through the portal in a real browser (Debian's chromium, driven by Playwright), with
axe-core checking every page type against WCAG 2.2 AA on the way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY, PASSWORD, SAMPLE
from goldthread.testing.browser import assert_accessible, assert_keyboard_reachable, visible_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_uploads_imports_and_drills_down_to_a_child(page, log_in, browser_log, people, job_worker,
                                                              live_server):
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + reverse("accounts:login"))
    assert visible_text(page, "h1") == "Sign in to goldthread"
    assert_accessible(page)

    log_in("ana", PASSWORD)
    assert visible_text(page, "h1") == "Your councils"
    assert "Northby" in visible_text(page, "main") and "Analyst" in visible_text(page, "main")
    assert_accessible(page)

    page.get_by_role("link", name="Northby").click()
    assert visible_text(page, "h1") == "Dashboard"
    assert "There is no Annex A extract for Northby yet" in visible_text(page, "main")
    page.get_by_role("link", name="Upload an extract").first.click()
    assert visible_text(page, "h1") == "Upload an Annex A extract"
    assert_accessible(page)

    page.get_by_role("button", name="Check the file").click()  # nothing chosen
    assert "Select the Annex A file to upload" in visible_text(page, ".govuk-error-summary")
    assert_accessible(page)

    page.set_input_files("#id_file", str(SAMPLE))
    page.fill("#id_extract_date", "31/03/2021")
    page.get_by_role("button", name="Check the file").click()
    assert visible_text(page, "h1") == "Validation report"
    # The worker checks the file; the page follows its progress and shows the report when it is done.
    page.get_by_role("button", name="Import this extract").wait_for(timeout=60_000)
    main = visible_text(page, "main")
    assert "Warnings\n7" in main or "7 (rows used, but worth checking)" in main
    assert "'CS Assessment Updated' is not Yes, No or Unknown" in main
    assert_accessible(page)

    page.get_by_role("button", name="Import this extract").click()
    page.get_by_role("heading", name="Extract imported").wait_for(timeout=60_000)
    page.get_by_role("link", name="Go to the dashboard").click()
    assert "Measures as at 31 March 2021" in visible_text(page, "main")
    assert_accessible(page)

    page.get_by_role("link", name="Children in care visited within six weeks").click()
    assert visible_text(page, "h1") == "Children in care visited within six weeks"
    assert "2 of 4" in visible_text(page, "main")
    assert page.locator("figure svg[role=img]").count() >= 1
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("See the 2 counted behind this number")).click()
    assert visible_text(page, "h1") == "The rows counted"
    assert_accessible(page)
    first_child = page.locator("tbody a").first
    child_id = first_child.inner_text()
    first_child.click()
    assert visible_text(page, "h1") == f"Child {child_id}"
    assert "List 8 (Children in care)" in visible_text(page, "main")
    assert_accessible(page)

    page.goto(live_server.url + reverse("portal:workforce", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Workforce"
    assert_accessible(page)

    page.goto(live_server.url + reverse("measure_definitions"))
    assert_accessible(page)

    browser_log.assert_no_console_errors()  # before the error pages, whose 404 and 403 the console reports
    page.goto(live_server.url + "/councils/E06999901/measures/no-such-measure/")
    assert visible_text(page, "h1") == "Page not found"
    assert_accessible(page)
    page.goto(live_server.url + reverse("portal:settings", args=[NORTHBY]))  # analysts cannot change settings
    assert visible_text(page, "h1") == "You do not have access to this page"
    assert_accessible(page)

    page.goto(live_server.url + reverse("accounts:logout"))
    page.get_by_role("button", name="Sign out").click()
    assert visible_text(page, "h1") == "Sign in to goldthread"
    page.goto(live_server.url + reverse("portal:dashboard", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Sign in to goldthread"  # signed out really means signed out
    browser_log.assert_only_loopback()


def test_admin_pages_are_accessible_and_keyboard_usable(page, log_in, browser_log, people, northby_extract,
                                                          live_server):
    log_in("ada", PASSWORD)
    page.goto(live_server.url + reverse("portal:settings", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Settings"
    assert_accessible(page)
    page.fill("#id_caseload_threshold", "many")
    page.get_by_role("button", name="Save settings").click()
    assert "There is a problem" in visible_text(page, ".govuk-error-summary")
    assert_accessible(page)
    page.goto(live_server.url + reverse("portal:people", args=[NORTHBY]))
    assert visible_text(page, "h1") == "People"
    assert_accessible(page)
    page.get_by_role("button", name="Give this role").click()
    assert "Enter the person's username" in visible_text(page, ".govuk-error-summary")
    assert_accessible(page)
    page.goto(live_server.url + reverse("portal:access_log", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Access log"
    assert_accessible(page)
    # Keyboard only: the skip link comes first, and the dashboard's first measure link is reachable.
    page.goto(live_server.url + reverse("portal:dashboard", args=[NORTHBY]))
    assert assert_keyboard_reachable(page, "a.govuk-skip-link") == 1
    assert_keyboard_reachable(page, "main table a.govuk-link")
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
