"""Breakdowns on the pages: a measure split by a dimension, the children behind one cell (by the same access rules
and logging as the children behind a measure), the disproportionality page, and a measure pooled across councils.

The figures are worked out by hand from the LIIA sample (as at 31/03/2021): in care, List 8 rows 2 to 5 (three
girls, 1761444, 1373595 and 14065184, and a boy, 2529037; row 6 left care in 2020); on plans, List 7 rows 3 and
4 (a boy of 5, 5358472, and a girl of 14, 14953858)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from goldthread.accounts.models import AccessLogEntry, Membership
from goldthread.conftest import NORTHBY, PASSWORD, PRACTITIONERS_CHILD, SOUTHMOOR
from goldthread.core.measures.disproportionality import POPULATION_SOURCES
from goldthread.core.measures.pooling import NOT_POOLED
from goldthread.extracts.actions import import_annex
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

GIRLS_IN_CARE = {"1761444", "1373595", "14065184"}
BOY_IN_CARE = "2529037"


def words(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def row(page: str, label: str, table: str | None = None) -> list[str]:
    """The cells of the table row headed ``label`` (in the table ``data-table="<table>"``, if given)."""
    if table is not None:
        page = page.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    match = re.search(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*>" + re.escape(label) +
                      r"</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {label!r}"
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1),
                                                                             re.S)]


def breakdown_url(measure_id: str, dimension: str) -> str:
    return reverse("portal:measure_breakdown", args=[NORTHBY, measure_id, dimension])


def children_url(measure_id: str, dimension: str) -> str:
    return reverse("portal:breakdown_children", args=[NORTHBY, measure_id, dimension])


def test_the_measure_page_links_every_breakdown_and_a_breakdown_shows_its_cells(client, people, northby_extract):
    client.force_login(people["analyst"])
    measure = client.get(reverse("portal:measure", args=[NORTHBY, "cla_open"])).content.decode()
    for dimension in ("gender", "age_band_by_gender", "ethnicity", "legal_status", "placement_type", "team"):
        assert f'href="{breakdown_url("cla_open", dimension)}"' in measure, dimension

    response = client.get(breakdown_url("cla_open", "gender"))
    page = response.content.decode()
    assert "By gender" in words(response)
    # value, counted, total (none for a count), share of the count
    assert row(page, "Female", "breakdown")[:4] == ["3", "3", "–", "75.0%"]
    assert row(page, "Male", "breakdown")[:4] == ["1", "1", "–", "25.0%"]
    assert f'href="{children_url("cla_open", "gender")}?group=Female"' in page  # child-level access: a link
    assert "<svg" in page and "Show the data in a table" in page  # the chart, its caption and data table
    download = client.get(breakdown_url("cla_open", "gender"), {"download": "breakdown", "format": "csv"})
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Gender,Value,Counted") and "Female,3,3,,75.0" in lines

    # A viewer sees the figures but no link to any child.
    client.force_login(people["viewer"])
    viewer = client.get(breakdown_url("cla_open", "gender")).content.decode()
    assert row(viewer, "Female", "breakdown")[:2] == ["3", "3"] and "?group=" not in viewer
    # A dimension the measure is not split by, or none at all: not found.
    client.force_login(people["analyst"])
    assert client.get(breakdown_url("cla_open", "contact_source")).status_code == 404
    assert client.get(breakdown_url("cla_open", "no_such_dimension")).status_code == 404


def test_the_children_behind_a_cell_are_those_of_the_group_and_the_view_is_logged(client, people, northby_extract):
    client.force_login(people["analyst"])
    text = words(client.get(children_url("cla_open", "gender"), {"group": "Female"}))
    assert all(child in text for child in GIRLS_IN_CARE) and BOY_IN_CARE not in text
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.action) == (people["analyst"], "view")
    assert entry.subject == "children behind 'Children in care' by gender (one group) (numerator) as at 31/03/2021"
    assert entry.why == "drill-down from the measure cla_open by gender"

    male = words(client.get(children_url("cla_open", "gender"), {"group": "Male"}))
    assert BOY_IN_CARE in male and not any(child in male for child in GIRLS_IN_CARE)
    # Downloading every row of the group is logged as an export.
    download = client.get(children_url("cla_open", "gender"), {"group": "Female", "download": "children",
                                                               "format": "csv"})
    assert download.status_code == 200 and sum(c in download.content.decode() for c in GIRLS_IN_CARE) == 3
    assert AccessLogEntry.objects.latest("pk").action == "export"
    # A group the breakdown does not have, or none: not found, and nothing logged.
    before = AccessLogEntry.objects.count()
    assert client.get(children_url("cla_open", "gender"), {"group": "Unknown"}).status_code == 404
    assert client.get(children_url("cla_open", "gender")).status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_a_practitioner_sees_only_their_own_children_behind_a_cell_and_a_viewer_none(client, people,
                                                                                      northby_extract):
    # Ezra Leigh's child 10721552 (a girl) was on a plan from 23/11/2020 to 16/2/2021; Petra Wills's 14953858
    # (a girl) started one on 8/2/2021: both are plans started in the window, both girls.
    client.force_login(people["analyst"])
    both = words(client.get(children_url("cpp_started", "gender"), {"group": "Female"}))
    assert PRACTITIONERS_CHILD in both and "14953858" in both
    client.force_login(people["practitioner"])
    own = words(client.get(children_url("cpp_started", "gender"), {"group": "Female"}))
    assert PRACTITIONERS_CHILD in own and "14953858" not in own
    client.force_login(people["viewer"])
    assert client.get(children_url("cpp_started", "gender"), {"group": "Female"}).status_code == 403
    client.force_login(people["other_council"])
    assert client.get(children_url("cpp_started", "gender"), {"group": "Female"}).status_code == 403


def test_disproportionality_by_gender_gives_each_stages_children_and_shares(client, people, northby_extract):
    client.force_login(people["viewer"])
    response = client.get(reverse("portal:disproportionality", args=[NORTHBY]), {"by": "gender"})
    page, text = response.content.decode(), words(response)
    # No population by sex is packaged: the page says so, and shows the stage shares alone (no rate ratio).
    assert POPULATION_SOURCES["gender"] in text and "Rate ratio" not in text
    female, male = row(page, "Female", "disproportionality"), row(page, "Male", "disproportionality")
    # referred, assessed, on a plan, in care: (children, share); plans 1 of 2 each, in care 3 of 4 and 1 of 4
    assert female[4:8] == ["1", "50.0%", "3", "75.0%"]
    assert male[4:8] == ["1", "50.0%", "1", "25.0%"]
    # each stage links to its breakdown by gender, where the children behind each group are
    assert f'href="{breakdown_url("cla_open", "gender")}"' in page
    assert f'href="{breakdown_url("cpp_open", "gender")}"' in page
    # An unknown dimension falls back to the first (ethnicity); disability leaves out referrals.
    assert "By ethnic group, as at 31 March 2021" in words(
        client.get(reverse("portal:disproportionality", args=[NORTHBY]), {"by": "shoe_size"}))
    disability = words(client.get(reverse("portal:disproportionality", args=[NORTHBY]), {"by": "disability"}))
    assert "Referred: the list does not record disability." in disability


@pytest.fixture
def adviser(councils, people, northby_extract, sample_annex):
    """An adviser with a role in Northby and Southmoor, each with the sample imported; Southmoor's visits to
    children on plans changed to 9 of 10 in time."""
    annex, digest = sample_annex
    southmoor = import_annex(councils.get(ons_code=SOUTHMOOR), annex, sha256=digest, source_name="s.xlsx").extract
    Figure.objects.filter(extract=southmoor, measure_id="cpp_visits_in_timescale").update(value=90.0, numerator=9,
                                                                                          denominator=10)
    user = get_user_model().objects.create_user("ada-adviser", password=PASSWORD)
    for council in (northby_extract.council, southmoor.council):
        Membership.objects.create(user=user, council=council, role="viewer")
    return user


def test_a_measure_pooled_across_an_advisers_councils(client, adviser, northby_extract):
    northby = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale")
    client.force_login(adviser)
    response = client.get(reverse("pooled"), {"measure": "cpp_visits_in_timescale"})
    page, text = response.content.decode(), words(response)
    assert "Northby" in text and "Southmoor" in text
    cells = row(page, "Child protection visits within timescale", "pooled")
    pooled = 100 * (northby.numerator + 9) / (northby.denominator + 10)
    # Northby value and counted, Southmoor's, then pooled value, counted, total: rows pooled, not values averaged
    assert cells[2:4] == ["90.0%", "9"]
    assert cells[4:] == [f"{pooled:.1f}%", f"{northby.numerator + 9:.0f}", f"{northby.denominator + 10:.0f}"]
    assert "<svg" in page

    by_gender = client.get(reverse("pooled"), {"measure": "cla_open", "by": "gender"}).content.decode()
    assert row(by_gender, "Female", "pooled")[-3:-1] == ["6", "6"]  # three girls in each council's care
    assert row(by_gender, "Male", "pooled")[-3:-1] == ["2", "2"]
    # a median is not pooled: the page says why
    assert NOT_POOLED in words(client.get(reverse("pooled"), {"measure": "caseload_median"}))
    # team and worker are each council's own: not offered; an unknown measure: not found
    assert 'value="team"' not in by_gender
    assert client.get(reverse("pooled"), {"measure": "no_such_measure"}).status_code == 404


def test_the_pooled_view_holds_only_the_persons_councils(client, people, adviser):
    client.force_login(people["analyst"])  # a role in Northby only
    text = words(client.get(reverse("pooled"), {"measure": "cla_open"}))
    assert "Northby" in text and "Southmoor" not in text
    client.force_login(people["national"])  # no council role
    assert "You do not have a role in any council yet." in words(client.get(reverse("pooled")))
