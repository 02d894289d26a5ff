"""The whole case-audit loop in a real browser (Debian's chromium, driven by Playwright), as the people who
do it: the auditor plans a programme, allocates a case to themselves and audits it; the manager reflects,
moderates and agrees an action; the practitioner closes the action; the auditor verifies it and sees what
the audits show. axe-core checks every audit page type against WCAG 2.2 AA on the way (with and without
form errors), and the conduct form's grades are chosen with the keyboard once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.conftest import NORTHBY, PASSWORD, ROLE_USERS
from goldthread.testing.browser import assert_accessible, assert_keyboard_reachable, visible_text
from goldthread.testing.walk import Findings, banner, error_summary, follow, heading, sign_out, table

pytestmark = pytest.mark.django_db(transaction=True)

AUDITOR, MANAGER, PRACTITIONER = ROLE_USERS["auditor"], ROLE_USERS["manager"], ROLE_USERS["practitioner"]
AUDIT_GROUP = "Practice quality (case audits)"
THEME = "Drift and delay"

# The child's rows shown beside the audit form: [list heading, [[header, value]]].
_CHILD_PANEL = """
() => [...document.querySelectorAll('.govuk-grid-column-one-third h3')].map(h => {
  const rows = [];
  for (let e = h.nextElementSibling; e && e.tagName === 'DL'; e = e.nextElementSibling) {
    rows.push([...e.querySelectorAll('.govuk-summary-list__row')].map(
      r => [r.querySelector('dt').innerText.trim(), r.querySelector('dd').innerText.trim()]));
  }
  return [h.innerText.trim(), rows];
})
"""




def shown_as(value) -> str:
    """An extract value as the child's page (portal/child.html) shows it."""
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    return str(value)












def to_case_audits(page) -> None:
    """From any page: 'Your councils', Northby, then the council's 'Case audits' link."""
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your councils"))
    assert heading(page) == "Your councils"
    follow(page, page.get_by_role("link", name="Northby"))
    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Case audits"))
    assert heading(page) == "Case audits"


def open_case_audits(page, log_in, username: str) -> None:
    """Sign in, then go to Northby's case audits."""
    log_in(username, PASSWORD)
    to_case_audits(page)


def audit_group(page) -> dict[str, str]:
    """The dashboard's case-audit measures: {title: value as shown}, empty when the group is not shown."""
    if AUDIT_GROUP not in page.locator("main h2").all_inner_texts():
        return {}
    return {row["Measure"]: row["Value"] for row in table(page, f"{AUDIT_GROUP} measures")}


@pytest.mark.slow
def test_the_audit_loop_in_a_browser(page, log_in, browser_log, people, northby_extract, live_server):
    from goldthread.audits.models import Audit
    from goldthread.portal import data as portal_data

    today = timezone.localdate()
    found = Findings(page, "the audit pages")

    # --- The auditor: the dashboard before, the tools, and a programme --------------------------------------
    log_in(AUDITOR, PASSWORD)
    follow(page, page.get_by_role("link", name="Northby"))
    assert heading(page) == "Dashboard"
    measures_before = audit_group(page)
    assert measures_before == {}, "No audit has been done, yet the dashboard shows case-audit measures"

    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Case audits"))
    found.review("Case audits")
    assert "0 audits completed" in visible_text(page, "main")
    assert "No programme yet." in visible_text(page, "main")

    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Audit tools"))
    found.review("Audit tools")
    follow(page, page.get_by_role("button", name="Add the tools goldthread ships"))
    assert re.fullmatch(r"Success Added \d+ audit tools\.", banner(page))
    found.review("Audit tools")
    follow(page, page.get_by_role("link", name="Practice quality audit"))
    found.review("Practice quality audit")
    assert "Version 1, not used by any audit yet" in visible_text(page, "main")
    first_title = page.get_by_role("group", name="Section 1").get_by_label("Title")
    first_title.fill("")  # a section without a title is refused
    follow(page, page.get_by_role("button", name="Save the tool"))
    assert error_summary(page) == ["Section 1 has no title."]
    found.review("Practice quality audit")

    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Plan a programme"))
    found.review("Plan an audit programme")
    assert "extract as at 31 March 2021" in visible_text(page, "main")
    page.get_by_label("Title").fill("")
    month = page.get_by_role("group", name="The month it covers")
    month.get_by_label("Month").fill("13")
    page.get_by_label("How many cases").fill("three")
    page.get_by_label("Seed (optional)").fill("lucky")
    follow(page, page.get_by_role("button", name="Draw the sample"))
    assert error_summary(page) == [
        "Enter the number of cases as a whole number, for example 10.",
        "Enter the seed as a whole number of up to 18 digits, or leave it blank for a new one.",
        "Enter the month the programme covers, for example 1 3 2027.",
        "Enter a title for the programme.",
    ]
    found.review("Plan an audit programme")
    page.get_by_role("link", name="Enter the number of cases as a whole number, for example 10.").click()
    assert page.evaluate("() => document.activeElement.id") == "size"  # the summary takes you to the field
    assert page.get_by_label("How many cases").input_value() == "three"  # what was typed is kept

    page.get_by_label("Title").fill("Browser walk audits")
    month.get_by_label("Day").fill("1")
    month.get_by_label("Month").fill(str(today.month))
    month.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Audit tool").select_option(label="Practice quality audit (version 1)")
    page.get_by_label("How many cases").fill("3")
    page.get_by_role("radio", name="Risk-weighted").check()
    page.get_by_label("Seed (optional)").fill("2027")
    follow(page, page.get_by_role("button", name="Draw the sample"))
    found.review("Browser walk audits")
    assert banner(page) == "Success Sample drawn: 3 cases. Allocate each to an auditor."
    assert "3 cases, risk-weighted, seed 2027, from the extract as at 31 March 2021" in visible_text(page, "main")
    cases = table(page, "Cases")
    assert len(cases) == 3
    for case in cases:
        assert case["Why chosen"].startswith("Risk-weighted"), case
        assert case["Status"] == "Planned"
    child = re.match(r"Child (\S+)", cases[0]["Child"]).group(1)

    # Allocate the first case to yourself, then find it under "Audits allocated to you".
    page.get_by_label(f"Auditor for child {child}").select_option(label=AUDITOR)
    follow(page, page.get_by_role("button", name=f"Allocate child {child}"))
    assert banner(page) == f"Success Child {child}'s audit allocated to {AUDITOR}."
    assert page.get_by_label(f"Auditor for child {child}").evaluate("s => s.selectedOptions[0].text") == AUDITOR
    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Audits overview"))
    found.review("Case audits")
    assert table(page, "Audit programmes")[0]["Programme"] == "Browser walk audits"
    mine = table(page, "Audits allocated to you")
    assert [row["Child"] for row in mine] == [f"Child {child}"] and mine[0]["Status"] == "Planned"

    # --- Conducting the audit -----------------------------------------------------------------------------
    follow(page, page.get_by_role("link", name=f"Child {child}"))
    found.review(f"Audit of child {child}")
    audit = Audit.objects.select_related("tool_version").get(programme__title="Browser walk audits", child_id=child)
    sections = audit.tool_version.sections
    # The child's data from the extract, beside the form.
    panel = visible_text(page, ".govuk-grid-column-one-third")
    assert panel.startswith(f"Child {child} in the data From the extract as at 31 March 2021.")
    expected = [(spec.label, [[(header, shown_as(value)) for header, value in row if value is not None and value != ""]
                              for row in rows])
                for spec, rows in portal_data.child_display(portal_data.child_rows(northby_extract, child))]
    shown = [(label, [[tuple(pair) for pair in row] for row in rows]) for label, rows in page.evaluate(_CHILD_PANEL)]
    assert expected and [label for label, _ in shown] == [label for label, _ in expected]
    for (label, rows), (_, shown_rows) in zip(expected, shown, strict=True):
        assert [[h for h, _ in row] for row in shown_rows] == [[h for h, _ in row] for row in rows], label
        found.expect(shown_rows == rows, f"the child's {label} beside the audit form is not shown as on the "
                                         f"child's page:\n    shown    {shown_rows}\n    expected {rows}")

    # A draft: some evidence and an answer, saved.
    first = sections[0]
    page.get_by_label(first["questions"][0]["text"]).fill("Seen alone on 2 and 23 March.")
    page.get_by_label(f"Evidence for '{first['title']}'").fill("Visits on time; the child's words are recorded.")
    follow(page, page.get_by_role("button", name="Save as draft"))
    found.review(f"Audit of child {child}")
    assert re.fullmatch(r"Success Draft saved at \d\d:\d\d\.", banner(page))
    assert f"Draft last saved {timezone.localtime():%-d %B %Y}" in visible_text(page, "main")
    assert page.get_by_label(f"Evidence for '{first['title']}'").input_value() == (
        "Visits on time; the child's words are recorded.")

    # Keyboard only: Tab to the first section's grades, Space chooses the focused grade, an arrow key moves on.
    grades = page.get_by_role("group", name=f"Grade for '{first['title']}'")
    assert grades.get_by_role("radio").count() == 4
    assert_keyboard_reachable(page, f"input[name='grade-{first['key']}']")
    page.keyboard.press("Space")
    assert grades.get_by_label("Outstanding", exact=True).is_checked()
    page.keyboard.press("ArrowRight")
    good = grades.get_by_label("Good", exact=True)
    assert good.is_checked() and not grades.get_by_label("Outstanding", exact=True).is_checked()
    assert good.evaluate("e => e === document.activeElement")

    # Submitting with sections missing says what is missing, and keeps what was chosen.
    follow(page, page.get_by_role("button", name="Submit the audit"))
    found.review(f"Audit of child {child}")
    problems = error_summary(page)
    assert f"Choose a grade for '{first['title']}'." not in problems
    for section in sections[1:]:
        assert f"Choose a grade for '{section['title']}'." in problems
        assert f"Record the evidence for '{section['title']}'." in problems
    assert problems[-2:] == ["Choose an overall grade.", "Write a summary of the audit's findings."]
    grades = page.get_by_role("group", name=f"Grade for '{first['title']}'")
    assert grades.get_by_label("Good", exact=True).is_checked()
    assert Audit.objects.get(pk=audit.pk).status == Audit.DRAFT

    for section in sections[1:]:
        page.get_by_label(f"Evidence for '{section['title']}'").fill(f"What the record shows: {section['title']}.")
        page.get_by_role("group", name=f"Grade for '{section['title']}'").get_by_label("Good", exact=True).check()
    page.get_by_label("Summary of findings").fill("Regular visits and a clear plan; contingency planning is thin.")
    page.get_by_role("group", name="Overall grade").get_by_label("Good", exact=True).check()
    page.get_by_role("group", name="Themes found").get_by_label(THEME).check()
    follow(page, page.get_by_role("button", name="Submit the audit"))
    found.review(f"Audit of child {child}")
    assert banner(page) == "Success Audit submitted. Agree the actions for the child and for practice."
    main = visible_text(page, "main")
    assert "Status Submitted" in main and f"Themes {THEME}" in main
    assert f"Auditor {AUDITOR}, submitted {today:%-d %B %Y}" in main
    assert "Overall grade Good" in main
    assert page.get_by_role("link", name="Moderate this audit").count() == 0  # not by the auditor
    page.goto(live_server.url + reverse("audits:conduct", args=[NORTHBY, audit.pk]))  # an old bookmark
    assert heading(page) == "This audit has been submitted"
    sign_out(page)

    # --- The manager: a reflection, moderation, and an action for the practitioner ------------------------
    open_case_audits(page, log_in, MANAGER)
    follow(page, page.get_by_role("link", name="Browser walk audits"))
    found.review("Browser walk audits")
    assert table(page, "Cases")[0]["Status"] == "Submitted"
    follow(page, page.get_by_role("link", name=f"Child {child}"))
    found.review(f"Audit of child {child}")
    assert "No reflections yet." in visible_text(page, "main")

    follow(page, page.get_by_role("link", name="Add your reflection"))
    found.review(f"Your reflection on the audit of child {child}")
    page.get_by_role("radio", name="Team manager").check()
    page.get_by_label("Your reflection").fill("We talked it through in supervision: the plan needs a contingency.")
    follow(page, page.get_by_role("button", name="Add your reflection"))
    found.review(f"Audit of child {child}")
    assert banner(page) == "Success Your reflection has been added to the audit."
    conversation = visible_text(page, ".govuk-inset-text")
    assert conversation == (f"{MANAGER}, team manager, {today:%-d %B %Y} "
                            "We talked it through in supervision: the plan needs a contingency.")

    follow(page, page.get_by_role("link", name="Moderate this audit"))
    found.review(f"Moderate the audit of child {child}")
    changed = next(s for s in sections if s["key"] == "planning")
    page.get_by_label(f"Moderated grade for '{changed['title']}'").select_option(label="Requires improvement")
    follow(page, page.get_by_role("button", name="Record the moderation"))
    assert error_summary(page) == [f"Give a reason for changing the grade for '{changed['title']}'."]
    found.review(f"Moderate the audit of child {child}")
    assert page.get_by_label(f"Moderated grade for '{changed['title']}'").input_value() == "requires_improvement"
    page.locator(f"#reason-{changed['key']}").fill("No contingency plan.")
    follow(page, page.get_by_role("button", name="Record the moderation"))
    found.review(f"Audit of child {child}")
    assert banner(page) == "Success Moderation recorded."
    main = visible_text(page, "main")
    assert "Status Moderated" in main
    assert f"Overall grade Good Moderated by {MANAGER} on {today:%-d %B %Y}: Good (agreed)" in main
    assert f"3. {changed['title']} Grade: Good ; moderated: Requires improvement (No contingency plan.)" in main

    follow(page, page.get_by_role("link", name="Agree an action"))
    found.review("Agree an action")
    follow(page, page.get_by_role("button", name="Agree the action"))
    assert error_summary(page) == ["Describe the action.", "Choose who owns the action.",
                                   "Enter the date the action is due, for example 27 3 2027."]
    found.review("Agree an action")
    due = today + dt.timedelta(days=30)
    page.get_by_role("radio", name="The child's plan").check()
    page.get_by_label("What needs to happen").fill("Add a contingency plan to the child's plan")
    page.get_by_label("Owner").select_option(label=PRACTITIONER)
    when = page.get_by_role("group", name="Due date")
    when.get_by_label("Day").fill(str(due.day))
    when.get_by_label("Month").fill(str(due.month))
    when.get_by_label("Year").fill(str(due.year))
    page.get_by_role("radio", name="High").check()
    follow(page, page.get_by_role("button", name="Agree the action"))
    found.review(f"Audit of child {child}")
    assert banner(page) == "Success Action agreed."
    assert table(page, "Actions agreed at this audit") == [{
        "Action": "Add a contingency plan to the child's plan For the child's plan, high priority",
        "Owner": PRACTITIONER, "Due": f"{due:%-d %b %Y}", "Status": "Open"}]

    follow(page, page.get_by_role("link", name="Schedule a re-audit"))
    found.review("Schedule a re-audit")
    follow(page, page.get_by_role("button", name="Schedule the re-audit"))
    assert error_summary(page) == ["Enter the date of the re-audit, for example 27 3 2027."]
    found.review("Schedule a re-audit")
    sign_out(page)

    # --- The practitioner: the action under Actions, closed with evidence ---------------------------------
    open_case_audits(page, log_in, PRACTITIONER)
    assert "Add a contingency plan to the child's plan" in visible_text(page, "main")
    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Actions"))
    found.review("Audit actions")
    assert [row["Action"] for row in table(page, "Audit actions")] == [
        "Add a contingency plan to the child's plan For the child's plan, high priority"]
    follow(page, page.get_by_role("link", name="Add a contingency plan to the child's plan"))
    found.review("Audit action")
    follow(page, page.get_by_role("button", name="Close the action"))
    assert error_summary(page) == ["Describe the evidence that the action was done."]
    found.review("Audit action")
    page.get_by_label("Evidence that it was done").fill("Contingency plan added to the child's plan on 3 April.")
    follow(page, page.get_by_role("button", name="Close the action"))
    found.review("Audit action")
    assert banner(page) == "Success Action closed. Someone other than you will verify it."
    main = visible_text(page, "main")
    assert "Status Closed, awaiting verification" in main
    assert f"Closed {today:%-d %B %Y} by {PRACTITIONER}" in main
    assert page.get_by_role("button", name="Verify: the loop is closed").count() == 0  # not by its owner
    # Every link the owner is given works for them (a link to an audit they may not open should not be there).
    for href in page.locator("main a[href*='/audits/']").evaluate_all("links => links.map(a => a.href)"):
        status = page.request.get(href).status
        found.expect(status == 200, f"the action's owner ({PRACTITIONER}) is given a link to {href}, which answers "
                                    f"{status} for them")
    sign_out(page)

    # --- The auditor: verify the action, then what the audits show ----------------------------------------
    open_case_audits(page, log_in, AUDITOR)
    counts = visible_text(page, "main .govuk-grid-row")
    singular = "1 audit completed 2 planned or in draft 0 actions overdue 1 action awaiting verification"
    found.expect(counts == singular, f"the overview's counts read {counts!r}, not {singular!r}")
    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Actions"))
    found.review("Audit actions")
    follow(page, page.get_by_role("link", name="Awaiting verification"))
    rows = table(page, "Audit actions")
    assert len(rows) == 1 and rows[0]["Status"] == "Closed, awaiting verification"
    follow(page, page.get_by_role("link", name="Add a contingency plan to the child's plan"))
    found.review("Audit action")
    page.get_by_label("What you checked").fill("Seen in the child's record.")
    follow(page, page.get_by_role("button", name="Verify: the loop is closed"))
    found.review("Audit action")
    assert banner(page) == "Success Verified: the loop is closed."
    assert f"Verification Verified {today:%-d %B %Y} by {AUDITOR}. Seen in the child's record." in (
        visible_text(page, "main"))

    to_case_audits(page)
    follow(page, page.get_by_role("navigation", name="Case audits").get_by_role("link", name="Learning"))
    found.review("What the audits show")
    assert "From 1 completed audit." in visible_text(page, "main")
    cards = {row["Measure"]: row for row in table(page, "Audit measures, latest values")}
    assert (cards["Case audits completed"]["Now"], cards["Case audits completed"]["Counted"]) == ("1", "1")
    month_row = table(page, "Final grades of audits submitted each month")
    assert month_row == [{"Month": f"{today:%B %Y}", "Audits": "1", "Outstanding": "0", "Good": "1",
                          "Requires improvement": "0", "Inadequate": "0", "Good or better": "100.0%",
                          "Actions agreed": "1"}]
    assert "Moderation: 1 of 1 moderated audit kept the auditor's overall grade." in visible_text(page, "main")
    by_section = {row["Section"]: row for row in table(page, "Final section grades")}
    assert by_section[changed["title"]]["Requires improvement"] == "1"  # the moderated grade counts
    assert by_section[changed["title"]]["Good or better"] == "0.0%"
    assert all(by_section[s["title"]]["Good"] == "1" for s in sections if s["key"] != changed["key"])
    assert f"Recurring weaknesses (half or more of audits below good): {changed['title']}." in (
        visible_text(page, "main"))
    themes = table(page, "Tagged findings*")
    assert [(t["Theme"], t["Audits"], t["Months"]) for t in themes] == [(THEME, "1", "1")]

    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Dashboard"))
    assert heading(page) == "Dashboard"
    assert_accessible(page)
    measures_after = audit_group(page)
    assert measures_after != measures_before
    assert measures_after["Case audits completed"] == "1"
    assert measures_after["Audits graded good or better"] == "100.0%"
    assert measures_after["Audits graded inadequate"] == "0.0%"
    assert measures_after["Audit actions verified (loop closed)"] == "100.0%"
    assert measures_after["Moderation agreeing with the auditor's grade"] == "100.0%"
    assert measures_after["Audit actions overdue"] == "0"

    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
    found.assert_none()
