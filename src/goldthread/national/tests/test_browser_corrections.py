"""Proposing and deciding a correction to the intervention register in a real browser, with axe-core checking
each page against WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldthread.accounts.models import Membership, NationalRole
from goldthread.conftest import PASSWORD
from goldthread.national.models import Intervention, InterventionProposal
from goldthread.testing.browser import assert_accessible, assert_keyboard_reachable, visible_text

pytestmark = pytest.mark.django_db(transaction=True)
SHEFFIELD = "E08000019"


def test_a_council_manager_proposes_and_a_national_editor_accepts(page, log_in, browser_log, councils,
                                                                  django_user_model, live_server):
    sheffield = councils.get(ons_code=SHEFFIELD)
    entry = Intervention.objects.create(council=sheffield, kind="trust", start_date="2020-01-01")
    shona = django_user_model.objects.create_user("shona", password=PASSWORD)
    Membership.objects.create(user=shona, council=sheffield, role="manager")
    ned = django_user_model.objects.create_user("ned", password=PASSWORD)
    NationalRole.objects.create(user=ned, role=NationalRole.EDITOR, organisation="DfE")

    log_in("shona", PASSWORD)
    page.goto(live_server.url + reverse("national:interventions"))
    page.get_by_role("link", name="Propose a correction").click()
    assert visible_text(page, "h1") == "Propose a correction"
    assert_accessible(page)
    page.get_by_role("button", name="Propose the correction").click()  # nothing changed, no reason
    summary = visible_text(page, ".govuk-error-summary")
    assert "Say why the entry needs correcting" in summary
    assert_accessible(page)
    page.get_by_role("link", name="Say why the entry needs correcting").click()
    assert page.evaluate("document.activeElement.id") == "id_reason"
    assert_keyboard_reachable(page, "#id_reason")
    page.fill("#id_end_date_day", "31")
    page.fill("#id_end_date_month", "3")
    page.fill("#id_end_date_year", "2024")
    page.fill("#id_reason", "The trust handed services back on 31 March 2024.")
    page.get_by_role("button", name="Propose the correction").click()
    assert "Correction proposed for Sheffield" in visible_text(page, "main")
    assert visible_text(page, "h1") == "Proposed corrections"
    assert_accessible(page)

    page.goto(live_server.url + reverse("accounts:logout"))
    page.get_by_role("button", name="Sign out").click()
    log_in("ned", PASSWORD)
    page.goto(live_server.url + reverse("national:proposals"))
    page.get_by_role("link", name="Review").click()
    assert visible_text(page, "h1") == "Correction for Sheffield"
    assert_accessible(page)
    page.get_by_label("Accept the correction").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Correction for Sheffield accepted" in visible_text(page, "main")
    assert_accessible(page)
    entry.refresh_from_db()
    assert str(entry.end_date) == "2024-03-31"
    assert InterventionProposal.objects.get().status == InterventionProposal.ACCEPTED
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
