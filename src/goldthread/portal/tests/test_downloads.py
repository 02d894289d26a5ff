"""The portal's tables and charts downloaded from their own pages (?download=...&format=...): the files hold
exactly the page's values for the same council and role, no cell is ever a formula, the children behind a
number are logged and limited as on the page, and anything not offered is a 404."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import NORTHBY, PRACTITIONER_WORKER
from goldthread.councils.actions import set_target
from goldthread.portal.tests.download_helpers import (
    assert_same_cells,
    assert_same_values,
    download,
    download_links,
    page_table,
    page_tables,
)
from goldthread.portal.tests.test_tables import DANGEROUS, png_size
from goldthread.store.models import FigureCell

pytestmark = pytest.mark.django_db

MEASURE = "cla_visits_in_timescale"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def analyst(client, people):
    client.force_login(people["analyst"])
    return client


def html_of(client, url: str, params: dict | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_chart_downloads(client, url: str, chart_id: str, title: str) -> None:
    """The chart as a standalone SVG carrying its title, and as a PNG twice its size."""
    svg = client.get(url, {"download": chart_id, "format": "svg"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"].endswith('.svg"')
    root = ET.fromstring(svg.content)
    assert root.find(f"{SVG}title").text == title and title in "".join(root.itertext())
    png = client.get(url, {"download": chart_id, "format": "png"})
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    width, height = png_size(png.content)
    assert abs(width - 2 * float(root.get("width"))) <= 2 and abs(height - 2 * float(root.get("height"))) <= 2


def test_the_dashboards_tables_download_with_the_values_the_page_shows(analyst, northby_extract):
    set_target(northby_extract.council, MEASURE, 90)
    url = reverse("portal:dashboard", args=[NORTHBY])
    html = html_of(analyst, url)
    group_ids = [t["id"] for t in page_tables(html) if (t["id"] or "").startswith("dashboard-")]
    assert len(group_ids) >= 4
    links = download_links(html)
    for table_id in ["dashboard", *group_ids]:
        assert f"{url}?download={table_id}&format=csv" in links and f"{url}?download={table_id}&format=xlsx" in links
    everything = []
    for table_id in group_ids:
        header, rows = download(analyst, url, table_id)
        assert header[:4] == ["Measure", "Unit", "Value", "Change"]
        shown = page_table(html, table_id)
        # Measure, value (in its unit, which the file states beside it), change and previous value, target (date, by whom, status), England (year, comparison).
        assert_same_cells(shown, rows, [0, None, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4])
        everything += [row for row in rows]
    visits = next(row for table_id in group_ids for row in download(analyst, url, table_id)[1] if row[0] ==
                  "Children in care visited within six weeks")
    assert visits[1:3] == ["percent", 50.0] and visits[5] == 90 and visits[8] == "misses target"
    header, rows = download(analyst, url, "dashboard")
    assert header[0] == "Group" and [row[1:] for row in rows] == everything


def test_the_dashboards_trends_download_as_svg_and_png(analyst, northby_extract):
    url = reverse("portal:dashboard", args=[NORTHBY])
    html = html_of(analyst, url)
    chart_id = "trend-" + MEASURE.replace("_", "-")
    assert f"{url}?download={chart_id}&format=png" in download_links(html)
    assert_chart_downloads(analyst, url, chart_id, "Children in care visited within six weeks, trend")


def test_a_measures_trend_and_breakdowns_download_with_the_pages_values(analyst, northby_extract):
    set_target(northby_extract.council, MEASURE, 90)
    url = reverse("portal:measure", args=[NORTHBY, MEASURE])
    html = html_of(analyst, url)
    for item in ("trend", "by-team", "by-worker", "trend-chart", "team-chart"):
        assert any(f"download={item}&" in link for link in download_links(html)), item

    header, rows = download(analyst, url, "trend")
    assert header == ["Date", "Children in care visited within six weeks (%)"]
    assert rows == [[dt.date(2021, 3, 31), 50.0]]
    assert_same_cells(page_table(html, "trend"), rows, [0, 1])  # the chart's data table on the page

    for table_id, first in (("by-team", "Team"), ("by-worker", "Worker")):
        header, rows = download(analyst, url, table_id)
        assert header == [first, "Value (%)", "Counted", "Total"]
        shown = page_table(html, table_id)
        assert rows and [row[0] for row in shown] == [row[0] for row in rows]
        assert_same_cells(shown, rows, [0, 1, 2, 3])
    splits = FigureCell.objects.filter(figure__extract=northby_extract, figure__measure_id=MEASURE, dimension="worker")
    assert sorted(row[0] for row in download(analyst, url, "by-worker")[1]) == sorted(s.group for s in splits)

    assert_chart_downloads(analyst, url, "trend-chart", "Children in care visited within six weeks")
    assert_chart_downloads(analyst, url, "team-chart", "Children in care visited within six weeks by team")


def test_no_downloaded_cell_is_a_formula_even_when_the_data_starts_like_one(analyst, northby_extract):
    """Team and worker names come from councils' files: ones that start like a formula stay text."""
    teams = list(FigureCell.objects.filter(figure__extract=northby_extract, figure__measure_id=MEASURE, dimension="team"))
    workers = list(FigureCell.objects.filter(figure__extract=northby_extract, figure__measure_id=MEASURE, dimension="worker"))
    names = DANGEROUS[:4]
    for split, name in zip(teams + workers, names, strict=False):
        split.group = name
        split.save()
    url = reverse("portal:measure", args=[NORTHBY, MEASURE])
    found = []
    for table_id in ("by-team", "by-worker"):
        found += [row[0] for row in download(analyst, url, table_id)[1]]  # fails on any cell that would run
        csv_text = analyst.get(url, {"download": table_id, "format": "csv"}).content.decode("utf-8-sig")
        for name in names:
            assert not any(line.startswith(name) for line in csv_text.splitlines())
    assert set(names[:len(teams + workers)]) <= set(found)


def test_the_children_behind_a_number_download_as_the_page_lists_them_and_the_export_is_logged(
        client, people, northby_extract):
    client.force_login(people["analyst"])
    url = reverse("portal:measure_children", args=[NORTHBY, MEASURE])
    for show in ("numerator", "not-counted", "all"):
        html = html_of(client, url, {"show": show})
        assert f"{url}?show={show}&download=children&format=csv" in download_links(html)
        before = AccessLogEntry.objects.count()
        header, rows = download(client, url, "children", {"show": show})
        assert header == ["Child", "List", "Row", "Team", "Worker", "Counted", "Detail"]
        assert_same_cells(page_table(html, "children"), rows, [0, 1, 2, 3, 4, 5, 6])
        exports = AccessLogEntry.objects.order_by("pk")[before:]
        assert [(e.action, e.user_id) for e in exports] == [("export", people["analyst"].pk)] * 2  # CSV and xlsx
        assert f"({show})" in exports[0].subject and "downloaded as CSV" in exports[0].subject
        assert "downloaded as XLSX" in exports[1].subject
    assert len(download(client, url, "children", {"show": "all"})[1]) == 4  # every child in care


def test_a_practitioner_downloads_only_their_own_children(client, people, northby_extract):
    client.force_login(people["analyst"])
    url = reverse("portal:measure_children", args=[NORTHBY, "cpp_second_or_subsequent"])
    everyone = download(client, url, "children", {"show": "all"})[1]
    client.force_login(people["practitioner"])
    html = html_of(client, url, {"show": "all"})
    _, rows = download(client, url, "children", {"show": "all"})
    assert rows and {row[4] for row in rows} == {PRACTITIONER_WORKER}
    assert len(rows) < len(everyone)
    assert_same_cells(page_table(html, "children"), rows, [0, 1, 2, 3, 4, 5, 6])
    assert AccessLogEntry.objects.filter(user=people["practitioner"], action="export").count() == 2


def test_who_may_download_is_who_may_see_the_page(client, people, northby_extract):
    pages = {reverse("portal:dashboard", args=[NORTHBY]): "dashboard",
             reverse("portal:measure", args=[NORTHBY, MEASURE]): "by-team",
             reverse("portal:workforce", args=[NORTHBY]): "teams",
             reverse("portal:measure_children", args=[NORTHBY, MEASURE]): "children"}
    children = reverse("portal:measure_children", args=[NORTHBY, MEASURE])
    for person in ("viewer", "practitioner", "analyst", "other_council", "national"):
        client.force_login(people[person])
        for url, table_id in pages.items():
            page = client.get(url).status_code
            got = client.get(url, {"download": table_id, "format": "xlsx"}).status_code
            allowed = person in ("viewer", "practitioner", "analyst") and not (url == children and person == "viewer")
            assert (page, got) == ((200, 200) if allowed else (403, 403)), (person, url, page, got)
    client.logout()
    response = client.get(reverse("portal:dashboard", args=[NORTHBY]), {"download": "dashboard", "format": "csv"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AccessLogEntry.objects.filter(action="export", user=people["viewer"]).exists()


def test_anything_a_page_does_not_offer_is_not_found(analyst, northby_extract, people):
    wrong = [{"download": "no-such-table", "format": "csv"}, {"download": "dashboard", "format": "pdf"},
             {"download": "dashboard", "format": "svg"}, {"download": "dashboard"}, {"download": ""},
             {"download": "trend-chart", "format": "xlsx"}, {"download": "../../etc/passwd", "format": "csv"}]
    urls = [reverse("portal:dashboard", args=[NORTHBY]), reverse("portal:measure", args=[NORTHBY, MEASURE]),
            reverse("portal:workforce", args=[NORTHBY]), reverse("portal:measure_children", args=[NORTHBY, MEASURE])]
    before = AccessLogEntry.objects.count()
    for url in urls:
        for params in wrong:
            assert analyst.get(url, params).status_code == 404, (url, params)
    assert AccessLogEntry.objects.count() == before  # nothing was exported, so nothing was logged


def test_the_workforce_pages_tables_and_chart_download_with_its_values(client, people, northby_extract):
    council = northby_extract.council
    council.settings.caseload_threshold = 1
    council.settings.save()
    client.force_login(people["viewer"])
    url = reverse("portal:workforce", args=[NORTHBY])
    html = html_of(client, url)

    header, rows = download(client, url, "teams")
    assert header == ["Team", "Workers", "Median caseload"]
    assert_same_cells(page_table(html, "teams"), rows, [0, 1, 2])

    header, rows = download(client, url, "over-threshold")
    assert header == ["Worker", "Children"] and rows
    assert_same_values(page_table(html, "over-threshold"), rows)

    header, rows = download(client, url, "workforce-measures")
    assert_same_values(page_table(html, "workforce-measures"), [[r[0], r[2]] for r in rows])

    header, rows = download(client, url, "caseload-bands")
    assert header == ["Children per allocated worker", "Workers"]
    shown = [t for t in page_tables(html) if t["caption"].startswith("Children per allocated worker:")]
    assert_same_cells(shown[0]["rows"], rows, [0, 1])
    assert_chart_downloads(client, url, "caseloads", "Children per allocated worker")
