"""For each pack kind, the figures in the PDF's text (pypdf), the Word document's tables and the workbook's cells
equal the figures the pages show for the same council, as-at date and role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldthread.accounts.access import access_for
from goldthread.charts import format_value
from goldthread.conftest import NORTHBY
from goldthread.core.measures import REGISTRY
from goldthread.core.packs.kinds import KINDS
from goldthread.packs import actions, render
from goldthread.store.models import FigureCell

from .conftest import MEETING, docx_tables, page_rows, pdf_text, row_for, xlsx_sheets

pytestmark = pytest.mark.django_db
TITLES = {m.title: m for m in REGISTRY.values()}


def files(council, kind: str, user, as_at=None) -> dict:
    """The pack as the person would get it, in all three formats, from one document."""
    access = access_for(user, council)
    day, live = actions.resolve_as_at(as_at)
    if KINDS[kind].per_council:
        pack = actions.document(council, KINDS[kind], as_at=day, live=live, levels=actions.levels_for(access),
                                access=access)
    else:
        pack = actions.adviser_document(user, as_at=day, live=live)
    return {"pack": pack, "pdf": render.pdf(pack), "docx": render.docx(pack), "xlsx": render.xlsx(pack)}


def sheet(sheets: dict, caption: str) -> list[list]:
    """A table's sheet, found by its caption (row 1), as [headers, rows...]."""
    found = [rows for rows in sheets.values() if rows and rows[0] and rows[0][0] == caption]
    assert found, f"no sheet captioned {caption!r}: {[rows[0][0] for rows in sheets.values() if rows and rows[0]]}"
    return found[0][1:]


def word_table(tables, headers: list[str]) -> list[list[str]]:
    found = [t for t in tables if t and t[0] == headers]
    assert found, f"no Word table headed {headers}"
    return found[0][1:]


def shown(value, unit) -> str:
    return format_value(value, unit)


def _main(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def test_the_board_pack_shows_the_dashboards_figures_in_its_scorecard(client, board):
    viewer = board["people"]["viewer"]
    made = files(board["council"], "board", viewer)
    client.force_login(viewer)
    dashboard = page_rows(_main(client, reverse("portal:dashboard", args=[NORTHBY])))

    headers, *rows = sheet(xlsx_sheets(made["xlsx"]), "Performance scorecard")
    assert headers[:3] == ["Measure", "Area", "Value"]
    assert len(rows) >= 20
    for row in rows:
        measure = TITLES[row[0]]
        on_page = row_for(dashboard, measure.title)
        assert row[2] is None or isinstance(row[2], float | int), measure.id
        assert shown(row[2], measure.unit) == on_page[1], measure.id
        if row[6] is None:
            assert on_page[4] == "No national figure"
        else:
            assert on_page[4].startswith(shown(row[6], measure.unit) + " ("), measure.id
        if row[4] is not None:  # a target: its status as the dashboard tags it
            assert on_page[3].startswith(row[5]), measure.id

    word = word_table(docx_tables(made["docx"]), headers)
    assert [r[0] for r in word] == [r[0] for r in rows]
    text = " ".join(pdf_text(made["pdf"]))
    scorecard = text[text.index("Performance scorecard Each measure"):text.index("Workforce Caseloads")]
    for r in word:
        assert r[2] == row_for(dashboard, r[0])[1]
        assert r[2] in scorecard and r[0].split()[0] in scorecard


def test_the_board_pack_for_a_past_meeting_shows_the_priority_page_as_it_stood(client, board):
    viewer = board["people"]["viewer"]
    made = files(board["council"], "board", viewer, as_at=MEETING)
    client.force_login(viewer)
    page = page_rows(_main(client, reverse("plans:priority", args=[NORTHBY, board["priority"].pk]),
                           as_at=MEETING.isoformat()))
    sheets = xlsx_sheets(made["xlsx"])
    title = "Child protection visits within timescale"
    headers, *rows = sheet(sheets, f"{title} at each date, and what the plan expected")
    assert headers == ["Date", title, "Expected"] == row_for(page, "Date")
    assert rows, "the chart's data table has the extract's value"
    for day, value, expected in rows:
        on_page = row_for(page, day.strftime("%b %Y"))
        assert [shown(value, "percent"), shown(expected, "percent")] == on_page[1:]
    # The audit picture as the page gave it then: two audits of Team A's children, one good.
    grades_headers, grades = sheet(sheets, "Final grades of the audits for priority 1")
    assert [shown(n, "count") for n in grades] == page[page.index(grades_headers) + 1]
    assert sum(grades) == 2
    # The Word document and the PDF print the same.
    word = word_table(docx_tables(made["docx"]), ["Date", title, "Expected"])
    assert word == [[d.strftime("%b %Y"), shown(v, "percent"), shown(e, "percent")] for d, v, e in rows]
    text = " ".join(pdf_text(made["pdf"]))
    assert all(" ".join(r) in text for r in word)
    assert "For the improvement board meeting of 10 May 2021 (May improvement board)" in text


def test_the_members_report_shows_the_dashboards_figures_against_england(client, board):
    viewer = board["people"]["viewer"]
    made = files(board["council"], "members", viewer)
    client.force_login(viewer)
    dashboard = page_rows(_main(client, reverse("portal:dashboard", args=[NORTHBY])))
    headers, *rows = sheet(xlsx_sheets(made["xlsx"]), "How we compare")
    assert headers[:2] == ["Measure", "Our figure"]
    assert rows
    for row in rows:
        measure = TITLES[row[0]]
        on_page = row_for(dashboard, measure.title)
        assert shown(row[1], measure.unit) == on_page[1]
        assert (row[3] is None and on_page[4] == "No national figure") or on_page[4].startswith(shown(row[3],
                                                                                                   measure.unit))
    word = word_table(docx_tables(made["docx"]), headers)
    text = " ".join(pdf_text(made["pdf"]))
    for r in word:
        assert r[1] == row_for(dashboard, r[0])[1] and r[1] in text
    # Plain words, and nobody named: no worker's name from the extract is anywhere in it.
    assert "These are Northby's figures for children's services as at" in text
    workers = set(FigureCell.objects.filter(dimension="worker").exclude(group="").values_list("group", flat=True))
    assert workers and not any(name in text for name in workers)
    assert not made["pack"].marked and "OFFICIAL-SENSITIVE" not in text


def test_the_dfe_pack_shows_the_plans_measures_and_the_evidence(client, board):
    viewer = board["people"]["viewer"]
    made = files(board["council"], "dfe", viewer)
    client.force_login(viewer)
    plan_page = page_rows(_main(client, reverse("plans:home", args=[NORTHBY])))
    sheets = xlsx_sheets(made["xlsx"])
    headers, *rows = next(rows[1:] for rows in sheets.values() if rows and rows[0] and str(rows[0][0]).startswith(
        "Success measures at"))
    assert headers[:6] == ["Measure", "Where in the plan", "At the notice", "Its date", "Latest", "Its date"]
    assert len(rows) == 2
    for row in rows:
        on_page = row_for(plan_page, row[0])
        unit = "percent"
        assert on_page[1] == (f"{shown(row[4], unit)} {row[5].day} {row[5]:%b %Y}" if row[5] else "–")
        assert on_page[2].startswith(shown(row[6], unit))
        assert on_page[3].lower().startswith(row[8])
    word = word_table(docx_tables(made["docx"]), headers)
    assert [r[4] for r in word] == [shown(r[4], "percent") for r in rows]
    # Each recommendation with the actions answering it and their evidence.
    evidence_headers, evidence = sheet(sheets, "Evidence for 1: the owners' updates")
    assert evidence_headers == ["Action", "Date", "By", "Rating", "Update", "Evidence"]
    assert evidence[:1] + evidence[3:] == ["Weekly visit tracker", "Amber", "Two teams use the tracker.",
                                           "Tracker spreadsheet, May"]
    text = " ".join(pdf_text(made["pdf"]))
    assert "Two teams use the tracker." in text and "No action answers this yet." in text  # recommendation 2
    assert all(r[4] in text for r in word)


def test_the_ofsted_pack_shows_the_front_sheet_as_it_stood(client, board, tmp_path):
    from .conftest import later_extract

    viewer = board["people"]["viewer"]
    later_extract(board["council"], tmp_path)  # imported now: not known at the meeting
    made = files(board["council"], "ofsted", viewer, as_at=MEETING)
    client.force_login(viewer)
    front = page_rows(_main(client, reverse("portal:front_sheet", args=[NORTHBY]), as_at=MEETING.isoformat()))
    sheets = xlsx_sheets(made["xlsx"])
    compared = 0
    for caption in ("Child protection", "Children in care", "Workforce"):
        headers, *rows = sheet(sheets, caption)
        for row in rows:
            measure = TITLES[row[0]]
            on_page = row_for(front, measure.title)
            assert shown(row[1], measure.unit) == on_page[1] and shown(row[2], measure.unit) == on_page[2]
            compared += 1
    assert compared >= 10
    text = " ".join(pdf_text(made["pdf"]))
    assert "from the extract of 31 March 2021" in text  # not the later one
    assert "Second monitoring visit" in text and "Visits on time" in text
    word = next(t[1:] for t in docx_tables(made["docx"]) if t[0] == headers and t[1][0] == rows[0][0])
    assert [r[1] for r in word] == [shown(r[1], TITLES[r[0]].unit) for r in rows]


def test_the_advisers_pack_shows_the_overview_pages_figures(client, board):
    viewer = board["people"]["viewer"]
    made = files(None, "adviser", viewer)
    client.force_login(viewer)
    overview = page_rows(_main(client, reverse("overview")))
    headers, *rows = sheet(xlsx_sheets(made["xlsx"]), "Child protection")
    assert headers == ["Measure", "Northby", "England"]
    for row in rows:
        measure = TITLES[row[0]]
        on_page = next(r for r in overview if r and r[0].startswith(measure.title))
        assert on_page[1].startswith(shown(row[1], measure.unit))
    text = " ".join(pdf_text(made["pdf"]))
    assert all(shown(r[1], TITLES[r[0]].unit) in text for r in rows if r[1] is not None)
