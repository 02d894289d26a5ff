"""Downloading tables and charts in a real browser (Debian's chromium, driven by Playwright): the links under
a table say what they download, a click saves the file, and the pages with the links pass axe-core."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY, PASSWORD
from goldthread.portal.tests.download_helpers import csv_table, xlsx_table
from goldthread.testing.browser import assert_accessible, visible_text

pytestmark = pytest.mark.django_db(transaction=True)


def save(page, link) -> tuple[str, bytes]:
    """Click a download link; the file's suggested name and its bytes."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_an_analyst_downloads_tables_and_a_chart_from_the_dashboard_and_a_measure(page, log_in, browser_log, people,
                                                                                    northby_extract, live_server):
    log_in("ana", PASSWORD)
    page.goto(live_server.url + reverse("portal:dashboard", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Dashboard"
    # Each link's name says what it downloads: "CSV" on screen, the table's name to a screen reader.
    name, body = save(page, page.get_by_role("link", name="CSV file of Every measure on the dashboard"))
    assert name == "Northby - Dashboard - All measures 2021-03-31.csv"
    header, rows = csv_table(body)
    assert header[:3] == ["Group", "Measure", "Unit"] and len(rows) >= 30
    name, body = save(page, page.get_by_role("link", name="Excel spreadsheet of Children in care measures"))
    assert name.endswith(".xlsx")
    header, rows = xlsx_table(body)
    assert "Children in care visited within six weeks" in [row[0] for row in rows]
    page.get_by_text("Download a trend chart", exact=False).first.click()  # open the details
    assert_accessible(page)

    page.get_by_role("link", name="Children in care visited within six weeks").first.click()
    assert visible_text(page, "h1") == "Children in care visited within six weeks"
    name, body = save(page, page.get_by_role("link", name="Excel spreadsheet of Children in care visited within "
                                                           "six weeks by allocated worker, as at 31 March 2021"))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet["A4"].value == "Worker" and sheet["B4"].value == "Value (%)"
    name, body = save(page, page.get_by_role("link", name=re.compile("^CSV file of Children in care visited "
                                                                         "within six weeks by team")))
    assert name.endswith(" - By team 2021-03-31.csv") and csv_table(body)[0][0] == "Team"
    name, body = save(page, page.get_by_role("link", name="PNG image of Children in care visited within six weeks")
                      .first)
    assert name.endswith(".png") and body.startswith(b"\x89PNG\r\n\x1a\n")
    assert_accessible(page)
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
