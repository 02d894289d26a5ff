"""The national pages in a real browser, with axe-core checking each against WCAG 2.2 AA, and by keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldthread.accounts.models import NationalRole
from goldthread.conftest import PASSWORD
from goldthread.national.actions import load_packaged
from goldthread.national.tests.risk_setup import store_packaged_risk
from goldthread.testing.browser import assert_accessible, assert_keyboard_reachable, visible_text

pytestmark = pytest.mark.django_db(transaction=True)

BAD_CSV = "la_code,kind,start_date\nSheffield,dfe_adviser,01/01/2024\nNowhere Borough,trust,01/01/2024\n"


@pytest.mark.slow
def test_a_national_editor_reads_the_national_picture_and_keeps_the_register(page, log_in, browser_log, people,
                                                                            live_server, tmp_path):
    load_packaged(with_risk=False)
    store_packaged_risk()  # what load_packaged computes at its end, computed once for the test run (risk_setup)
    # Max leads improvement in Northby and also keeps the register for a regional improvement alliance.
    NationalRole.objects.create(user=people["manager"], role=NationalRole.EDITOR, organisation="DfE")
    log_in("max", PASSWORD)

    page.goto(live_server.url + reverse("national:rug"))
    assert visible_text(page, "h1") == "How councils compare"
    assert_accessible(page)
    assert_keyboard_reachable(page, "#region")
    page.select_option("#region", label="Yorkshire and the Humber")
    page.get_by_role("button", name="Show councils").click()
    assert "15 councils in Yorkshire and the Humber" in visible_text(page, "caption")
    page.get_by_role("link", name="Sort by agency social workers").click()
    assert "Sorted by agency social workers, best first" in visible_text(page, "main")
    assert_accessible(page)

    page.get_by_role("link", name="Sheffield", exact=True).click()
    assert visible_text(page, "h1") == "Sheffield"
    page.select_option("#indicator", label="Children in care per 10,000 children")
    page.get_by_role("button", name="Show trend").click()
    assert visible_text(page, "#trend ~ h3") == "Children in care per 10,000 children"
    assert page.locator("figure svg[role=img]").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Indicator definitions").first.click()
    assert visible_text(page, "h1") == "Indicator definitions"
    assert_accessible(page)

    page.goto(live_server.url + reverse("national:risk"))
    assert "What this can and cannot do" in visible_text(page, "main")
    assert_accessible(page)

    page.goto(live_server.url + reverse("national:journeys"))
    assert visible_text(page, "h1") == "Inspection journeys"
    assert_accessible(page)

    page.goto(live_server.url + reverse("national:interventions"))
    page.get_by_role("button", name="Add an intervention").click()
    page.get_by_role("button", name="Add to the register").click()  # nothing entered
    assert "Select the council" in visible_text(page, ".govuk-error-summary")
    assert_accessible(page)
    page.select_option("#id_council", label="Sheffield")
    page.get_by_label("DfE-appointed improvement adviser").check()
    page.fill("#id_start_date_day", "4")
    page.fill("#id_start_date_month", "1")
    page.fill("#id_start_date_year", "2021")
    page.get_by_role("button", name="Add to the register").click()
    assert "DfE-appointed improvement adviser for Sheffield added to the register" in visible_text(page, "main")
    assert_accessible(page)

    page.get_by_role("button", name="Import a CSV file").click()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV)
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Check and import").click()
    assert "The file was not imported" in visible_text(page, ".govuk-error-summary")
    assert "'Nowhere Borough' is not a council" in visible_text(page, "#problems ~ table")
    assert_accessible(page)
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
