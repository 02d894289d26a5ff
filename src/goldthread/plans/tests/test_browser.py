"""The improvement plan in a real browser (Debian's chromium, driven by Playwright), as the people who use it:
the manager starts the plan from an inspection's recommendations, adds a priority, an action answering a
recommendation and a success measure on live data, uploads a newer Annex A extract and sees the measure move,
follows the golden thread down to a child, and records a monitoring visit; the action's owner posts a progress
update that disagrees with the data; a viewer sees the plan without edit buttons and comments. axe-core checks
every plan page type against WCAG 2.2 AA on the way (the forms with and without errors)."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.conftest import NORTHBY, OTHER_CHILD, PASSWORD, ROLE_USERS, SAMPLE, SAMPLE_AS_AT
from goldthread.store.models import Figure
from goldthread.testing.browser import visible_text
from goldthread.testing.walk import (
    Findings,
    banner,
    error_summary,
    fill_date,
    follow,
    heading,
    link_names,
    main_text,
    sign_out,
    table,
)

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER, PRACTITIONER, VIEWER, ADMIN = (ROLE_USERS[r] for r in ("manager", "practitioner", "viewer", "council_admin"))
MEASURE = "Child protection visits within timescale"
PLAN_TITLE = "Northby children's services improvement plan"
VISION = "Every child is seen, heard and helped at the right time."
RECOMMENDATIONS = ("1. Improve the timeliness of visits to children on child protection plans.\n"
                   "2. Strengthen management oversight of children in need.")
SOURCE = "ILACS inspection published 12 March 2021"
PRIORITY = "Get the basics right for children at risk"
ACTION = "Weekly tracker of child protection visits"
VISIT = "Third monitoring visit: help and protection"
FINDINGS = "Visits to children on plans are more timely; management oversight is still thin."
# The newer extract: the sample a month on, with the statutory visit of one of the two open child protection
# plans (OTHER_CHILD's) two days before the new extract date. 0 of 2 visits were in timescale; now 1 of 2 is.
NEWER_AS_AT = dt.date(2021, 4, 30)
NEWER_VISIT = dt.datetime(2021, 4, 28)
LIST_7_VISIT_COLUMN = "Date of the Last Statutory Visit"
NOT_VISITED_CHILD = "14953858"  # the other child on a plan, still out of timescale in the newer extract



















def open_plan(page, log_in, username: str) -> None:
    """Sign in, then Northby's dashboard and its 'Improvement plan' link."""
    log_in(username, PASSWORD)
    assert heading(page) == "Your councils"
    follow(page, page.get_by_role("link", name="Northby"))
    assert heading(page) == "Dashboard"
    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Improvement plan"))


def plan_nav(page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Improvement plan").get_by_role("link", name=name))


def to_plan_home(page) -> None:
    """The breadcrumb back to the plan's front page (on pages without the plan's own navigation)."""
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Improvement plan"))


def newer_extract(tmp_path) -> str:
    """The sample with OTHER_CHILD's last statutory visit moved to two days before NEWER_AS_AT."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 7"]
    headers = [c.value for c in sheet[1]]
    column = headers.index(LIST_7_VISIT_COLUMN) + 1
    rows = [r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, 1).value) == OTHER_CHILD]
    assert len(rows) == 1, f"expected one List 7 row for child {OTHER_CHILD} in the sample"
    sheet.cell(rows[0], column).value = NEWER_VISIT
    path = tmp_path / "northby_annex_a_2021-04-30.xlsx"
    book.save(path)
    return str(path)


@pytest.mark.slow
def test_the_improvement_plan_in_a_browser(page, log_in, browser_log, people, northby_extract, job_worker,
                                           live_server, tmp_path):
    from goldthread.extracts.models import Extract
    from goldthread.plans.models import PlanAction, Priority

    today = timezone.localdate()
    found = Findings(page, "the plan pages")

    # --- The manager: no plan yet, then the plan from the inspection's recommendations ----------------------
    open_plan(page, log_in, MANAGER)
    found.review("Improvement plan")
    assert "Northby has no improvement plan in goldthread yet." in main_text(page)
    follow(page, page.get_by_role("link", name="Start the plan from the inspection's recommendations"))
    found.review("Start the improvement plan")
    assert page.get_by_label("Title").input_value() == PLAN_TITLE

    page.get_by_label("Title").fill("")
    page.get_by_label("The inspection's recommendations").fill(RECOMMENDATIONS)
    follow(page, page.get_by_role("button", name="Start the plan"))
    # Every problem at once: no title, no vision, and recommendations without saying where they come from.
    assert error_summary(page) == ["Enter the plan's title.", "Enter the plan's vision.",
                                   "Say where the recommendations come from, for example 'ILACS inspection "
                                   "published 12 March 2026'."]
    found.review("Start the improvement plan")
    assert page.get_by_label("The inspection's recommendations").input_value() == RECOMMENDATIONS  # kept
    page.get_by_label("Title").fill(PLAN_TITLE)
    page.get_by_label("Vision").fill(VISION)
    page.get_by_label("They are").select_option(label="Ofsted recommendations")
    page.get_by_label("From").fill(SOURCE)
    follow(page, page.get_by_role("button", name="Start the plan"))
    found.review(PLAN_TITLE)
    assert banner(page) == ("Success Plan created. Add its priorities, and the actions that answer each "
                            "recommendation.")
    assert f"Our vision: {VISION}" in main_text(page)
    assert visible_text(page, "main .govuk-warning-text") == (
        "! Warning 2 of 2 recommendations have no action answering them: 1, 2. See the recommendations.")
    assert "No priorities yet." in main_text(page)
    edit_home = ["Add a priority", "Change the title or vision", "Record a visit or meeting", "Record the consultation"]
    assert link_names(page, *edit_home) == edit_home  # what the viewer must not be offered

    follow(page, page.locator("main .govuk-warning-text").get_by_role("link", name="See the recommendations"))
    found.review("Recommendations and requirements")
    rows = table(page, "Each recommendation and the actions that answer it")
    assert rows == [
        {"Recommendation": "1: Improve the timeliness of visits to children on child protection plans. "
                           f"Ofsted recommendation, {SOURCE}", "Answered by": "No action answers this"},
        {"Recommendation": "2: Strengthen management oversight of children in need. "
                           f"Ofsted recommendation, {SOURCE}", "Answered by": "No action answers this"}]
    follow(page, page.get_by_role("button", name="Record it"))
    assert error_summary(page) == ["Enter its reference.", "Enter the recommendation."]  # in the page's order
    found.review("Recommendations and requirements")

    # --- A priority with a phase and a lead ---------------------------------------------------------------
    plan_nav(page, "The plan")
    follow(page, page.get_by_role("link", name="Add a priority"))
    found.review("Add a priority")
    follow(page, page.get_by_role("button", name="Save the priority"))
    assert error_summary(page) == ["Enter the priority's title."]
    found.review("Add a priority")
    page.get_by_label("Title").fill(PRIORITY)
    page.get_by_label("Year or phase").fill("Year 1 (2021-22)")
    page.get_by_label("Lead (board-level sponsor)").select_option(label=ADMIN)
    follow(page, page.get_by_role("button", name="Save the priority"))
    priority_title = f"Priority 1: {PRIORITY}"
    found.review(priority_title)
    assert banner(page) == "Success Priority saved."
    main = main_text(page)
    assert f"Northby: Year 1 (2021-22) {priority_title}" in main
    assert f"Lead (board sponsor) {ADMIN}" in main and "Teams All teams" in main
    assert "No success measure on the priority itself." in main and "No actions yet." in main
    priority_url = page.url
    priority = Priority.objects.get(plan__council__ons_code=NORTHBY)

    # --- An action answering recommendation 1, owned by the practitioner, due in the future --------------
    follow(page, page.get_by_role("link", name="Add an action"))
    found.review("Add an action")
    follow(page, page.get_by_role("button", name="Save the action"))
    assert error_summary(page) == ["Enter the action's title.", "Choose who owns the action.",
                                   "Enter the date the action is due, for example 31 3 2027."]
    found.review("Add an action")
    due = today + dt.timedelta(days=90)
    page.get_by_label("Title").fill(ACTION)
    page.get_by_label("What will be done").fill("Team managers check every child's visit date each week.")
    page.get_by_label("Owner").select_option(label=PRACTITIONER)
    page.get_by_label("Lead (board-level sponsor)").select_option(label=ADMIN)
    fill_date(page, "Due date", due)
    page.get_by_label("Status").select_option(label="In progress")
    answers = page.get_by_role("group", name="Which recommendations does it answer?")
    answers.get_by_label(re.compile(r"^1: Improve the timeliness")).check()
    follow(page, page.get_by_role("button", name="Save the action"))
    found.review(ACTION)
    assert banner(page) == "Success Action saved."
    main = main_text(page)
    assert f"Owner {PRACTITIONER}" in main and f"Lead (board sponsor) {ADMIN}" in main
    assert f"Dates due {due:%-d %B %Y}" in main and "Overdue" not in main
    assert "Status In progress" in main
    assert "Answers 1: Improve the timeliness of visits to children on child protection plans." in main
    assert "No success measure yet." in main
    action_url = page.url
    action = PlanAction.objects.get(priority=priority)  # what the form stored, not only what the page says
    assert (action.owner.username, action.due_date, action.status) == (PRACTITIONER, due, PlanAction.IN_PROGRESS)
    assert [r.reference for r in action.recommendations.all()] == ["1"]

    # --- A success measure: the measure's latest value as the baseline, a higher target ------------------
    follow(page, page.get_by_role("link", name="Add a success measure"))
    found.review("Add a success measure")
    follow(page, page.get_by_role("button", name="Add the measure"))
    assert error_summary(page) == [
        "Choose a measure.", "Enter the baseline value as a number, for example 72.5.",
        "Enter the baseline's date, for example 31 3 2026.", "Enter the target value as a number, for example 72.5.",
        "Enter the target date, for example 31 3 2027."]
    found.review("Add a success measure")
    page.get_by_label("Start from a measure's latest value").select_option(label=MEASURE)
    follow(page, page.get_by_role("button", name="Use this measure"))
    found.review("Add a success measure")
    first_value = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale").value
    assert first_value == 0.0  # neither of the two open plans' last visits was within 10 working days
    assert page.get_by_label("Measure", exact=True).evaluate("s => s.selectedOptions[0].text") == MEASURE
    assert page.get_by_label("Baseline value").input_value() == "0"
    baseline = page.get_by_role("group", name="Baseline date")
    assert [baseline.get_by_label(p).input_value() for p in ("Day", "Month", "Year")] == ["31", "3", "2021"]
    target_day = dt.date(today.year + 2, 3, 31)
    page.get_by_label("Target value").fill("40")
    fill_date(page, "Target date", target_day)
    follow(page, page.get_by_role("button", name="Add the measure"))
    found.review(ACTION)
    assert page.url == action_url
    assert banner(page) == "Success Success measure added. Its status is computed from the live data."
    assert page.locator("main h3").all_inner_texts()[0] == MEASURE
    status = visible_text(page, "main h3 + p")
    assert status == (f"On track At 0.0 on 31/03/2021 against an expected 0.0 (target 40.0 by "
                      f"{target_day:%d/%m/%Y}): on track.")
    assert page.locator("main figure svg[role=img]").count() == 1

    follow(page, page.get_by_role("link", name="Change the action"))
    found.review("Change the action")
    page.get_by_role("group", name="Due date").get_by_label("Month").fill("13")
    follow(page, page.get_by_role("button", name="Save the action"))
    assert error_summary(page) == ["Enter the date the action is due, for example 31 3 2027."]
    found.review("Change the action")
    assert page.get_by_label("Title").input_value() == ACTION
    page.goto(priority_url)
    found.review(priority_title)
    edit_priority = ["Change the priority", "Add an action", "Add a success measure", "Post the update"]
    assert link_names(page, *edit_priority) == edit_priority
    actions = table(page, "Actions under this priority")
    assert actions == [{"Action": f"{ACTION} Answers 1", "Owner": PRACTITIONER, "Due": f"{due:%-d %b %Y}",
                        "Status": "In progress", "Measures": f"{MEASURE}: On track"}]
    follow(page, page.get_by_role("link", name="Change the priority"))
    found.review("Change the priority")
    assert page.get_by_label("Title").input_value() == PRIORITY

    # --- A newer Annex A extract moves the measure ---------------------------------------------------------
    page.goto(live_server.url + reverse("portal:dashboard", args=[NORTHBY]))
    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Upload an extract"))
    assert heading(page) == "Upload an Annex A extract"
    page.set_input_files("#id_file", newer_extract(tmp_path))
    page.fill("#id_extract_date", f"{NEWER_AS_AT:%d/%m/%Y}")
    follow(page, page.get_by_role("button", name="Check the file"))
    assert heading(page) == "Validation report"
    page.get_by_role("button", name="Import this extract").wait_for(timeout=60_000)  # the worker checks it
    follow(page, page.get_by_role("button", name="Import this extract"))
    page.get_by_role("heading", name="Extract imported").wait_for(timeout=60_000)
    newer = Extract.objects.get(council__ons_code=NORTHBY, extract_date=NEWER_AS_AT)
    assert Extract.objects.filter(council__ons_code=NORTHBY).count() == 2 and SAMPLE_AS_AT < NEWER_AS_AT
    newer_value = Figure.objects.get(extract=newer, measure_id="cpp_visits_in_timescale").value
    assert newer_value == 50.0 != first_value  # 1 of the 2 open plans' visits now within timescale

    page.goto(action_url)
    found.review(ACTION)
    status = visible_text(page, "main h3 + p")
    assert re.fullmatch(rf"Met At 50\.0 on 30/04/2021 against an expected \d+\.\d \(target 40\.0 by "
                        rf"{target_day:%d/%m/%Y}\): met\.", status), status
    page.goto(priority_url)
    found.review(priority_title)
    assert table(page, "Actions under this priority")[0]["Measures"] == f"{MEASURE}: Met"
    to_plan_home(page)
    found.review(PLAN_TITLE)
    measures = table(page, "Success measures")
    assert len(measures) == 1
    assert measures[0]["Measure"] == MEASURE and measures[0]["Latest"] == "50.0% 30 Apr 2021"
    assert measures[0]["Target"] == f"40.0% by {target_day:%-d %b %Y}"
    assert measures[0]["From the data"].startswith("Met At 50.0 on 30/04/2021")
    assert measures[0]["Owner's rating"] == "No update yet"
    assert visible_text(page, "main .govuk-warning-text") == (
        "! Warning 1 of 2 recommendations has no action answering it: 2. See the recommendations.")
    # The consultation form on the plan's front page, sent empty.
    follow(page, page.get_by_role("button", name="Record the consultation"))
    assert error_summary(page) == ["Enter the date, for example 14 1 2027.", "Say who was consulted.",
                                   "Say how, for example 'practice workshop'."]
    found.review(PLAN_TITLE)
    plan_nav(page, "Recommendations")
    rows = table(page, "Each recommendation and the actions that answer it")
    assert [r["Answered by"] for r in rows] == [f"{ACTION} (priority 1)", "No action answers this"]

    # --- The golden thread, down to a child and across to a team -------------------------------------------
    page.goto(priority_url)
    follow(page, page.get_by_role("link", name="From this priority to the teams and children behind its figures"))
    found.review(priority_title)
    card = visible_text(page, "main .govuk-summary-card")
    assert card.startswith(f"Action: {ACTION} – {MEASURE} Met At 50.0 on 30/04/2021")
    by_team = table(page, "By team")
    assert [(r["Team"], r["Value"], r["Counted"], r["Total"]) for r in by_team] == [
        ("Locality 4 Unit 1", "50.0%", "1", "2")]
    children = table(page, f"Children behind {MEASURE}")
    assert children == [{"Child": NOT_VISITED_CHILD, "Team": "Locality 4 Unit 1", "Audits": "Not audited"}]
    thread_url = page.url
    follow(page, page.get_by_role("link", name=NOT_VISITED_CHILD, exact=True))
    found.review(f"Child {NOT_VISITED_CHILD}")
    assert "List 7" in main_text(page)
    page.goto(thread_url)
    follow(page, page.get_by_role("link", name="Locality 4 Unit 1"))
    found.review("Locality 4 Unit 1")
    assert page.get_by_role("link", name=priority_title).count() == 1
    figures = table(page, "Locality 4 Unit 1's figures in its measures")
    assert [row["Measure"] for row in figures] == [MEASURE]
    # A percentage is shown as one everywhere else in the plan (50.0%, 40.0% by ...), the team page included.
    shown = (figures[0]["Locality 4 Unit 1"], figures[0]["The plan's target"])
    wanted = ("50.0%", f"40.0% by {target_day:%b %Y}")
    found.expect(shown == wanted, f"the team page shows the team's figure and the target as {shown}, not {wanted}: "
                                  "plans/team.html formats them with floatformat:1 instead of measure_value and "
                                  "the measure's unit, so the % is lost (and a count would read '3.0')")
    assert page.locator("main li").all_inner_texts() == [f"{ACTION} (in progress)"]

    # --- An Ofsted monitoring visit linked to the priority -------------------------------------------------
    to_plan_home(page)
    plan_nav(page, "Visits and reviews")
    found.review("Visits and reviews")
    assert main_text(page).count("None.") == 2
    follow(page, page.get_by_role("link", name="Record a visit or meeting"))
    found.review("Record a visit or meeting")
    follow(page, page.get_by_role("button", name="Save"))
    assert error_summary(page) == ["Enter the date, for example 14 1 2027.",
                                   "Enter a title, for example 'Fourth monitoring visit: the front door'."]
    found.review("Record a visit or meeting")
    visited = today - dt.timedelta(days=7)
    page.get_by_label("Kind").select_option(label="Ofsted monitoring visit")
    fill_date(page, "Date", visited)
    page.get_by_label("Title").fill(VISIT)
    page.get_by_label("Focus areas").fill("Child protection visits and management oversight.")
    page.get_by_role("group", name="Priorities it looks at").get_by_label(priority_title).check()
    page.get_by_label("What it found").fill(FINDINGS)
    follow(page, page.get_by_role("button", name="Save"))
    found.review(VISIT)
    assert banner(page) == "Success Visit saved."
    main = main_text(page)
    assert f"What Ofsted monitoring visit, {visited:%-d %B %Y}" in main
    assert f"Priorities it looked at {priority_title}" in main and f"Findings {FINDINGS}" in main
    follow(page, page.get_by_role("link", name=priority_title))
    found.review(priority_title)
    assert (f"Visits and reviews that looked at this Ofsted monitoring visit, {visited:%-d %B %Y}: {VISIT}"
            in main_text(page))
    to_plan_home(page)
    plan_nav(page, "Visits and reviews")
    found.review("Visits and reviews")
    assert table(page, "Past visits and meetings") == [{
        "Date": f"{visited:%-d %b %Y}", "Visit or meeting": f"{VISIT} Ofsted monitoring visit",
        "Focus": "Child protection visits and management oversight.", "Priorities": "1", "Findings": FINDINGS}]
    sign_out(page)

    # --- The practitioner, the action's owner: a progress update that disagrees with the data -------------
    open_plan(page, log_in, PRACTITIONER)
    found.review(PLAN_TITLE)
    assert link_names(page, *edit_home) == []
    follow(page, page.get_by_role("link", name=priority_title))
    follow(page, page.get_by_role("link", name=ACTION))
    found.review(ACTION)
    assert link_names(page, "Change the action", "Add a success measure") == []
    follow(page, page.get_by_role("button", name="Post the update"))
    assert error_summary(page) == ["Choose your rating: green, amber or red.",
                                   "Say what has happened since the last update."]
    found.review(ACTION)
    page.get_by_role("group", name="Your rating").get_by_role("radio", name="Amber").check()
    page.get_by_label("What has happened since the last update").fill("The tracker is used in two teams of five.")
    follow(page, page.get_by_role("button", name="Post the update"))
    found.review(ACTION)
    assert banner(page) == "Success Progress update posted."
    update = visible_text(page, "main .govuk-inset-text")
    assert re.fullmatch(rf"Amber {PRACTITIONER}, {today:%-d %B %Y}, \d\d:\d\d on “{ACTION}” "
                        r"The tracker is used in two teams of five\.", update), update
    assert visible_text(page, "main .govuk-warning-text") == "! Warning The owner says amber, but the data says met."
    to_plan_home(page)
    measures = table(page, "Success measures")
    assert measures[0]["Owner's rating"] == "Amber ! Warning The owner says amber, but the data says met."
    sign_out(page)

    # --- The viewer: the plan without edit buttons, and a comment ------------------------------------------
    open_plan(page, log_in, VIEWER)
    found.review(PLAN_TITLE)
    assert link_names(page, *edit_home) == []
    follow(page, page.get_by_role("link", name=priority_title))
    found.review(priority_title)
    assert link_names(page, *edit_priority) == []
    assert table(page, "Actions under this priority")[0]["Measures"] == f"{MEASURE}: Met"
    follow(page, page.get_by_role("link", name="From this priority to the teams and children behind its figures"))
    found.review(priority_title)
    assert "your role does not include child-level records" in main_text(page)
    assert page.locator("main a[href*='/children/']").count() == 0
    page.goto(action_url)
    found.review(ACTION)
    assert link_names(page, "Change the action", "Add a success measure", "Post the update") == []
    page.get_by_label("Add a comment").fill("Partners support the tracker.")
    page.get_by_label("Speaking for (optional)").fill("Police")
    follow(page, page.get_by_role("button", name="Add the comment"))
    found.review(ACTION)
    assert banner(page) == "Success Your comment has been added."
    comments = [" ".join(c.split()) for c in page.locator("main .govuk-inset-text").all_inner_texts()]
    assert f"{VIEWER} (Police), {today:%-d %B %Y} Partners support the tracker." in comments
    to_plan_home(page)
    plan_nav(page, "Visits and reviews")
    found.review("Visits and reviews")
    assert link_names(page, "Record a visit or meeting") == []
    browser_log.assert_no_console_errors()  # before the 403 page, which the console reports
    page.goto(live_server.url + reverse("plans:new_priority", args=[NORTHBY]))
    assert heading(page) == "You do not have access to this page"

    browser_log.assert_only_loopback()
    found.assert_none()
