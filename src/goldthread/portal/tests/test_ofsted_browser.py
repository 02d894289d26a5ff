"""The pieces of the Ofsted monitoring visit pack in a real browser (Debian's chromium, driven by Playwright), as
the people who use them: the manager reads the front sheet now and as it stood on a past date (and mistypes a date),
downloads the extract in Ofsted's Annex A template and writes the council's self-evaluation on the plan; a
practitioner is not offered the download. axe-core checks every page on the way against WCAG 2.2 AA."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from goldthread.conftest import PASSWORD, ROLE_USERS
from goldthread.testing.walk import (
    Findings,
    banner,
    error_summary,
    follow,
    heading,
    main_text,
    sign_out,
    table,
)

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER, PRACTITIONER = ROLE_USERS["manager"], ROLE_USERS["practitioner"]
SELF_EVALUATION = "Children on plans are now seen on time.\n\nManagement oversight is still inconsistent."


def to_council(page, log_in, username: str) -> None:
    log_in(username, PASSWORD)
    follow(page, page.get_by_role("link", name="Northby"))
    assert heading(page) == "Dashboard"


def nav(page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name=name))


def test_front_sheet_annex_a_download_and_self_evaluation_in_a_browser(page, log_in, browser_log, people,
                                                                        northby_extract, live_server, tmp_path):
    from django.utils import timezone

    from goldthread.accounts.models import AccessLogEntry
    from goldthread.extracts.models import Extract
    from goldthread.plans import actions as plans

    Extract.objects.filter(pk=northby_extract.pk).update(
        uploaded_at=timezone.make_aware(dt.datetime(2021, 4, 6, 9, 0)))
    plans.create_plan(northby_extract.council, title="Northby improvement plan", vision="Children are seen.",
                      user=people["manager"])
    found = Findings(page, "the Ofsted visit pages")

    # --- The front sheet, now and on a past date -----------------------------------------------------------------
    to_council(page, log_in, MANAGER)
    nav(page, "Front sheet")
    found.review("Front sheet")
    assert "as at 31 March 2021" in main_text(page)
    protection = table(page, "Child protection")
    assert [r["Measure"] for r in protection][:3] == ["Section 47 enquiries", "Initial conferences within 15 working "
                                                      "days", "Children on child protection plans"]
    assert next(r for r in protection if r["Measure"] == "Children on child protection plans")["31 Mar 2021"] == "2"

    group = page.get_by_role("group", name="Date")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    group.get_by_label("Year").fill("2021")
    follow(page, page.get_by_role("button", name="Show the front sheet"))
    assert error_summary(page) == ["Enter a real date, for example 31 3 2026."]
    found.review("Front sheet")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("4")
    follow(page, page.get_by_role("button", name="Show the front sheet"))
    assert "No Annex A extract for Northby had been imported by the end of 1 April 2021." in main_text(page)
    found.review("Front sheet")
    group.get_by_label("Day").fill("12")
    group.get_by_label("Month").fill("5")
    follow(page, page.get_by_role("button", name="Show the front sheet"))
    assert "You are looking at the front sheet as it stood at the end of 12 May 2021" in main_text(page)
    assert "as at 31 March 2021" in main_text(page)
    found.review("Front sheet")

    # --- The extract in Ofsted's template --------------------------------------------------------------------------
    nav(page, "Extracts")
    follow(page, page.get_by_role("link", name="31 March 2021").first)
    found.review("Extract as at 31 March 2021")
    with page.expect_download() as started:
        page.get_by_role("link", name="Download Annex A as at 31 March 2021 in Ofsted's template (spreadsheet)").click()
    download = started.value
    assert download.suggested_filename == "Northby Annex A as at 2021-03-31.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    assert book["List 7"]["A1"].value == "Child Unique ID"
    assert AccessLogEntry.objects.filter(username=MANAGER, action="export").count() == 1

    # --- The self-evaluation on the plan ---------------------------------------------------------------------------
    nav(page, "Improvement plan")
    found.review("Northby improvement plan")
    assert "Northby has not written its self-evaluation for Ofsted yet." in main_text(page)
    follow(page, page.get_by_role("link", name="Write the self-evaluation"))
    found.review("Self-evaluation")
    page.get_by_label("The self-evaluation").fill("x" * 50_001)
    follow(page, page.get_by_role("button", name="Save the self-evaluation"))
    assert error_summary(page) == ["The self-evaluation must be 50,000 characters or fewer."]
    found.review("Self-evaluation")
    page.get_by_label("The self-evaluation").fill(SELF_EVALUATION)
    follow(page, page.get_by_role("button", name="Save the self-evaluation"))
    assert banner(page) == "Success Self-evaluation saved. Earlier versions are kept."
    assert "Children on plans are now seen on time." in main_text(page)
    found.review("Northby improvement plan")
    follow(page, page.get_by_role("link", name="Change the self-evaluation"))
    assert page.get_by_label("The self-evaluation").input_value() == SELF_EVALUATION
    found.review("Self-evaluation")
    sign_out(page)

    # --- A practitioner is not offered the whole Annex A ----------------------------------------------------------
    to_council(page, log_in, PRACTITIONER)
    nav(page, "Extracts")
    follow(page, page.get_by_role("link", name="31 March 2021").first)
    assert "Ofsted's template" not in main_text(page)
    found.review("Extract as at 31 March 2021")

    found.assert_none()
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
