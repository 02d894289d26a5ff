"""The national pages' tables downloaded from the pages themselves (goldthread.tables): the tartan rug, a
council's published indicators and the inspection journeys hold exactly the values the pages show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY
from goldthread.core.national.journeys import OUTCOMES
from goldthread.national.actions import load_packaged
from goldthread.national.models import Intervention
from goldthread.portal.tests.download_helpers import (
    assert_same_cells,
    download,
    download_links,
    page_table,
    page_tables,
)
from goldthread.portal.tests.test_tables import png_size

pytestmark = pytest.mark.django_db

SHEFFIELD, DONCASTER, YORKSHIRE = "E08000019", "E08000017", "E12000003"


def html_of(client, url: str, params: dict | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.slow
def test_national_tables_download_with_the_values_the_pages_show(client, people, councils):
    load_packaged(with_risk=False)  # the tables here read the published figures, not the early-warning scores
    Intervention.objects.create(council=councils.get(ons_code=DONCASTER), kind="commissioner",
                                start_date="2015-10-01", end_date="2017-03-31")
    client.force_login(people["national"])

    # The tartan rug: each council's figure and quartile per indicator, in the page's order.
    rug = reverse("national:rug")
    for params in ({}, {"region": YORKSHIRE, "sort": "cla_3plus_placements"}):
        html = html_of(client, rug, params)
        assert f"{rug}?{'region=E12000003&sort=cla_3plus_placements&' if params else ''}download=rug&format=csv" \
            in download_links(html)
        header, rows = download(client, rug, "rug", params)
        assert header[:3] == ["Council", "ONS code", "Region"] and len(header) == 3 + 2 * 12
        shown = page_table(html, "rug")
        assert len(rows) == (153 if not params else 15)
        # Council and region in the row header; then each indicator's figure and quartile in its own cell.
        assert_same_cells(shown, rows, [0, None, 0 if not params else None,
                                        *[i for i in range(1, 13) for _ in (0, 1)]])
        assert [row[0] for row in shown] == [r[0] if params else f"{r[0]} {r[2]}" for r in rows]
    header, rows = download(client, rug, "rug-sources")
    assert_same_cells(page_table(html, "rug-sources"), rows, [0, 1, 1, 2, 3, 3])

    # A council's published indicators against England, region and neighbours, one table per group.
    council = reverse("national:council", args=[SHEFFIELD])
    html = html_of(client, council, {"indicator": "cla_rate"})
    group_ids = [t["id"] for t in page_tables(html) if (t["id"] or "").startswith("benchmarks-")]
    assert len(group_ids) >= 3
    everything = []
    for table_id in group_ids:
        assert f"{council}?download={table_id}&format=xlsx" in download_links(html)
        header, rows = download(client, council, table_id)
        assert header[:4] == ["Indicator", "Year", "Unit", "Sheffield"]
        # Indicator and year; value (or why not); England, region, neighbours with their notes; rank of; quartile;
        # trend and change.
        assert_same_cells(page_table(html, table_id), rows, [0, 0, None, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 7])
        everything += rows
    cla = next(row for row in everything if row[0] == "Children in care per 10,000 children")
    assert cla[2:4] == ["rate per 10,000", 54.0]
    header, rows = download(client, council, "benchmarks")
    assert header[0] == "Group" and [row[1:] for row in rows] == everything
    png = client.get(council, {"indicator": "cla_rate", "download": "trend-chart", "format": "png"})
    assert png.status_code == 200 and png_size(png.content)[0] > 1000

    # The inspection journeys: where councils went after a judgement, by intervention model, and the judgements.
    journeys = reverse("national:journeys")
    html = html_of(client, journeys)
    k = len(OUTCOMES)
    # Key, judgements, councils, each outcome's number and share (one cell), judged again, good or better, and the
    # median years with its quartiles (one cell).
    transitions = [0, 1, 2, *[3 + i for i in range(k) for _ in (0, 1)], 3 + k, 4 + k, 5 + k, 5 + k, 5 + k]
    shown = iter([t["rows"] for t in page_tables(html) if t["rows"] and len(t["rows"][0]) == 6 + k])  # in order
    for grade in ("inadequate", "requires-improvement"):
        for table_id in (f"journeys-{grade}", f"journeys-{grade}-by-model"):
            assert f"{journeys}?download={table_id}&format=csv" in download_links(html)
            header, rows = download(client, journeys, table_id)
            assert_same_cells(next(shown), rows, transitions)
        assert header[0] == "Intervention model" and rows[0][0] == "Commissioner / trust (statutory direction)"
        header, rows = download(client, journeys, f"journeys-{grade}-judgements")
        assert header == ["Council", "Framework", "Published", "Next judgement", "Next published", "Years",
                          "Intervention model", "Note"]
        assert_same_cells(page_table(html, f"journeys-{grade}-judgements"), rows, [0, 0, 1, 2, 2, 3, 4, 2])

    # The same rules as the pages: signed out is sent to sign in; a fictional council offers no indicators.
    northby = reverse("national:council", args=[NORTHBY])
    assert client.get(northby, {"download": "benchmarks", "format": "csv"}).status_code == 404
    assert client.get(rug, {"download": "nothing", "format": "csv"}).status_code == 404
    client.logout()
    assert client.get(rug, {"download": "rug", "format": "csv"}).status_code == 302
