"""goldthread's Content-Security-Policy in a real browser: every kind of page (charts, tables, forms, the golden
thread, the QR code for an authenticator app) renders and runs its scripts with nothing refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY, OTHER_CHILD, PASSWORD
from goldthread.testing.browser import visible_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_kind_of_page_works_under_the_policy(page, log_in, browser_log, people, northby_extract, live_server):
    from goldthread.plans import actions as plan_actions

    plan = plan_actions.create_plan(northby_extract.council, title="Plan", vision="Vision")
    priority = plan_actions.save_priority(plan, None, title="Protection", teams=["Locality 4 Unit 1"])
    plan_actions.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale",
                                     baseline_date=dt.date(2021, 1, 31), baseline_value=0,
                                     target_date=dt.date(2021, 12, 31), target_value=100)

    log_in("ana", PASSWORD)
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    charts = 0
    for url in (reverse("portal:dashboard", args=[NORTHBY]),
                reverse("portal:measure", args=[NORTHBY, "cpp_visits_in_timescale"]),
                reverse("portal:measure_children", args=[NORTHBY, "cpp_open"]),
                reverse("portal:child", args=[NORTHBY, OTHER_CHILD]),
                reverse("portal:workforce", args=[NORTHBY]),
                reverse("plans:home", args=[NORTHBY]),
                reverse("plans:priority", args=[NORTHBY, priority.pk]),
                reverse("plans:thread", args=[NORTHBY, priority.pk]),
                reverse("plans:team", args=[NORTHBY, "Locality 4 Unit 1"]),
                reverse("audits:home", args=[NORTHBY]),
                reverse("national:rug"),
                reverse("measure_definitions")):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert "'self'" in response.headers["content-security-policy"]
        assert "no-store" in response.headers["cache-control"]
        charts += page.locator("svg[role=img]").count()
        browser_log.assert_no_csp_violations()
    assert charts >= 3  # sparklines, the trend, the distribution and the trajectory are inline SVG

    # The authenticator set-up page shows its QR code (inline SVG) once the council requires one-time codes.
    settings = northby_extract.council.settings
    settings.require_two_factor = True
    settings.save()
    page.goto(live_server.url + reverse("portal:dashboard", args=[NORTHBY]))
    assert visible_text(page, "h1") == "Set up your authenticator app"
    assert page.locator("[aria-label='QR code for your authenticator app'] svg").count() == 1

    browser_log.assert_no_csp_violations()
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
