"""Breakdowns in a real browser (Debian's chromium, driven by Playwright): an analyst opens a measure's breakdown
by gender from its page, drills from one group to the children behind it and on to a child, then reads the
disproportionality page and follows a stage to its breakdown; an adviser pools a measure across two councils.
axe-core checks each page against WCAG 2.2 AA on the way."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldthread.accounts.models import AccessLogEntry, Membership
from goldthread.conftest import PASSWORD
from goldthread.core.measures.disproportionality import POPULATION_SOURCES
from goldthread.testing.browser import assert_accessible
from goldthread.testing.walk import follow, heading, main_text, table

pytestmark = pytest.mark.django_db(transaction=True)

GIRLS_IN_CARE = ["1373595", "14065184", "1761444"]  # List 8 rows 2 to 4 of the sample, in care on 31/03/2021


def test_an_analyst_drills_from_a_breakdown_to_the_children_and_reads_disproportionality(
        page, log_in, browser_log, people, northby_extract):
    log_in("ana", PASSWORD)
    follow(page, page.get_by_role("link", name="Northby"))
    follow(page, page.get_by_role("link", name="Children in care", exact=True))
    assert heading(page) == "Children in care"
    follow(page, page.get_by_role("link", name="By gender", exact=True))
    assert heading(page) == "By gender"
    rows = table(page, "Children in care by gender, Northby, as at 31 March 2021")
    assert [(r["Gender"], r["Value"], r["Share of the count"]) for r in rows] == [("Male", "1", "25.0%"),
                                                                                  ("Female", "3", "75.0%")]
    assert page.locator("figure svg[role=img]").count() == 1
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="See the children in Female"))
    assert heading(page) == "The rows counted"
    assert "Children in care, gender: Female" in main_text(page)
    children = sorted(r["Child"] for r in table(page, "Rows behind the measure"))
    assert children == GIRLS_IN_CARE
    assert AccessLogEntry.objects.filter(why="drill-down from the measure cla_open by gender").count() == 1
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="14065184"))
    assert "14065184" in heading(page)

    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Northby"))
    follow(page, page.get_by_role("link", name="Disproportionality"))
    assert heading(page) == "Disproportionality"
    follow(page, page.get_by_role("link", name="By gender", exact=True))
    assert "By gender, as at 31 March 2021" in main_text(page)
    assert POPULATION_SOURCES["gender"] in main_text(page)  # no population by sex is packaged: it says so
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Children on child protection plans by gender"))
    assert heading(page) == "By gender"
    assert [r["Gender"] for r in table(page, "Children on child protection plans by gender, Northby, as at 31 March 2021")] == ["Male", "Female"]
    browser_log.assert_no_console_errors()


def test_an_adviser_pools_a_measure_across_two_councils(page, log_in, browser_log, people, northby_extract,
                                                        sample_annex):
    from goldthread.extracts.actions import import_annex

    southmoor = people["other_council"].memberships.get().council
    import_annex(southmoor, sample_annex[0], sha256=sample_annex[1], source_name="southmoor.xlsx")
    adviser = get_user_model().objects.create_user("adviser", password=PASSWORD)
    for council in (northby_extract.council, southmoor):
        Membership.objects.create(user=adviser, council=council, role="viewer")

    log_in("adviser", PASSWORD)
    follow(page, page.get_by_role("link", name="See your 2 councils side by side"))
    follow(page, page.get_by_role("link", name="Compare any Annex A measure or breakdown across your councils, "
                                               "side by side and pooled"))
    page.get_by_label("Measure").select_option(label="Children in care")
    follow(page, page.get_by_role("button", name="Show"))
    page.get_by_label("Split by").select_option(label="Gender")
    follow(page, page.get_by_role("button", name="Show"))
    assert heading(page) == "Children in care by gender"
    rows = {r["Gender"]: r for r in table(page, "Children in care by gender: each council's latest extract and the "
                                                "councils pooled")}
    assert (rows["Female"]["Northby"], rows["Female"]["Southmoor"], rows["Female"]["Pooled"]) == ("3", "3", "6")
    assert rows["Male"]["Pooled"] == "2"
    assert_accessible(page)
    browser_log.assert_no_console_errors()


def test_an_admin_gives_the_population_by_gender_and_reads_the_rate_ratios(page, log_in, browser_log, people,
                                                                          northby_extract):
    log_in("ada", PASSWORD)
    follow(page, page.get_by_role("link", name="Northby"))
    follow(page, page.get_by_role("link", name="Disproportionality"))
    follow(page, page.get_by_role("link", name="By gender", exact=True))
    follow(page, page.get_by_role("link", name="Give the council's child population by gender"))
    assert heading(page) == "Population by gender"
    page.get_by_label("Male", exact=True).fill("a thousand")
    page.get_by_label("Female", exact=True).fill("1000")
    page.get_by_label("Where the figures come from").fill("ONS mid-2020")
    follow(page, page.get_by_role("button", name="Save the population"))
    assert page.locator(".govuk-error-summary").is_visible()  # the error summary names the field
    assert_accessible(page)
    page.get_by_label("Male", exact=True).fill("1000")
    follow(page, page.get_by_role("button", name="Save the population"))
    assert heading(page) == "Disproportionality"
    def cells(group: str) -> list[str]:
        line = page.locator("table[data-table=disproportionality] tbody tr").filter(
            has=page.get_by_role("rowheader", name=group, exact=True))
        return [c.strip() for c in line.locator("td").all_inner_texts()]

    # share of the population, then (children, share, rate ratio) referred, assessed, on a plan, in care
    assert cells("Female")[0] == "50.0%" and cells("Female")[-3:] == ["3", "75.0%", "1.50"]
    assert cells("Male")[-3:] == ["1", "25.0%", "0.50"]
    assert "the council's own figure: ONS mid-2020" in main_text(page)
    assert_accessible(page)
    browser_log.assert_no_console_errors()
