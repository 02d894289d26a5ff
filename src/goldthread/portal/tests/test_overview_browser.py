"""The adviser's overview in a real browser (Debian's chromium, driven by Playwright): an adviser with a role in two
councils follows the home page's link to the overview, reads each council's figures side by side, follows one to
the council's measure page, looks at a past day and mistypes a date; someone with no council role gets a clear
message. axe-core checks each page against WCAG 2.2 AA on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from goldthread.accounts.models import Membership
from goldthread.charts import format_value
from goldthread.conftest import PASSWORD
from goldthread.plans import actions as plans
from goldthread.plans.models import Visit
from goldthread.portal import data
from goldthread.testing.browser import assert_accessible
from goldthread.testing.walk import error_summary, fill_date, follow, heading, main_text, sign_out, table

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = "Child protection visits within timescale"
LEGEND = "See it as it was known on a past day"


@pytest.fixture
def adviser(northby_extract, people, sample_annex):
    """Northby (the sample as at 31 March 2021, with a plan: an overdue action, a success measure and a coming
    visit) and Southmoor (the same sample); the adviser is a viewer in both."""
    from goldthread.extracts.actions import import_annex

    northby = northby_extract.council
    southmoor = people["other_council"].memberships.get().council
    import_annex(southmoor, sample_annex[0], sha256=sample_annex[1], source_name="southmoor.xlsx")
    manager, today = people["manager"], timezone.localdate()
    plan = plans.create_plan(northby, title="Northby's plan", vision="Children are seen.",
                             recommendations="1. Visit children on plans on time.", source="ILACS 2021", user=manager)
    priority = plans.save_priority(plan, None, title="Visits on time", user=manager)
    plans.save_action(priority, None, title="Weekly visit tracker", owner=people["practitioner"],
                      due_date=today - dt.timedelta(days=4), user=manager)
    plans.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale",
                              baseline_date=dt.date(2021, 3, 31), baseline_value=0.0,
                              target_date=dt.date(2031, 3, 31), target_value=90.0, user=manager)
    plans.record_visit(northby, kind=Visit.MONITORING, date=today + dt.timedelta(days=20),
                       title="Monitoring visit: help and protection", user=manager)
    person = get_user_model().objects.create_user("adviser", password=PASSWORD)
    for council in (northby, southmoor):
        Membership.objects.create(user=person, council=council, role="viewer")
    return {"northby": northby, "southmoor": southmoor}


def test_an_adviser_reads_two_councils_side_by_side(page, log_in, browser_log, adviser):
    log_in("adviser", PASSWORD)
    assert heading(page) == "Your councils"
    follow(page, page.get_by_role("link", name="See your 2 councils side by side"))
    assert heading(page) == "Your councils side by side"
    assert_accessible(page)

    card = data.cards(adviser["northby"], data.extracts_of(adviser["northby"]),
                      only="cpp_visits_in_timescale")["Child protection"][0]
    shown = format_value(card.value, card.measure.unit)
    # The measures' table has a body per group of measures (as the front sheet groups them), so its rows are read
    # here rather than with walk.table, which reads the first body.
    headline = page.locator("main table").filter(has=page.locator("caption", has_text="Headline measures by council"))
    columns = [" ".join(t.split()) for t in headline.locator("thead th").all_inner_texts()]
    assert columns == ["Measure", "Northby Annex A as at 31 Mar 2021", "Southmoor Annex A as at 31 Mar 2021", "England"]
    row = headline.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{MEASURE}")))
    northby, southmoor, _ = row.locator("td").all_inner_texts()
    assert northby.startswith(shown) and southmoor.startswith(shown)
    assert "target" not in southmoor and re.search(r"target [\d.]+%", northby)  # Northby's plan set one
    (plan_row,) = table(page, "Status of each priority, from the data")[:1]
    assert plan_row["Council"] == "Northby" and plan_row["Priority"].startswith("Priority 1: Visits on time")
    assert plan_row["Actions overdue"] == "1 of 1"
    overdue = table(page, "Improvement plan actions past their due date")
    assert [(r["Council"], r["Days overdue"]) for r in overdue] == [("Northby", "4")]
    visits = table(page, "Visits and meetings on or after*")
    coming = timezone.localdate() + dt.timedelta(days=20)
    assert visits == [{"Council": "Northby", "Date": f"{coming.day} {coming:%b %Y}",
                       "Visit or meeting": "Monitoring visit: help and protection Ofsted monitoring visit"},
                      {"Council": "Southmoor", "Date": "None recorded"}]

    follow(page, row.get_by_role("link", name=f"{shown} in Northby"))
    assert heading(page) == MEASURE
    page.go_back()

    fill_date(page, LEGEND, dt.date(2021, 3, 1))  # before anything was imported
    follow(page, page.get_by_role("button", name="Show that day"))
    assert "As it was known at the end of 1 March 2021" in main_text(page)
    assert "No improvement plan in goldthread by then" in main_text(page)
    assert_accessible(page)

    fill_date(page, LEGEND, dt.date(2021, 3, 1))
    page.get_by_role("group", name=LEGEND).get_by_label("Month").fill("13")
    follow(page, page.get_by_role("button", name="Show that day"))
    assert error_summary(page) == ["Enter the date as a day, month and year, for example 31 3 2026."]
    assert_accessible(page)
    browser_log.assert_no_console_errors()


def test_someone_with_no_council_role_is_told_so(page, log_in, people, live_server):
    log_in("nat", PASSWORD)
    page.goto(live_server.url + "/overview/")
    assert heading(page) == "Your councils side by side"
    assert "You do not have a role in any council, so there is nothing to compare" in main_text(page)
    assert_accessible(page)
    sign_out(page)
