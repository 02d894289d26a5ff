"""goldthread.tables and the charts' files on their own: what a downloaded table or chart holds, whatever its
data, and how a request for one is answered."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import struct
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from django.http import Http404
from django.test import RequestFactory

from goldthread import charts, downloads, tables
from goldthread.portal.tests.download_helpers import csv_table, xlsx_table
from goldthread.tables import DATE, NUMBER, PERCENT, Column, PageDownloads, Table

SVG = "{http://www.w3.org/2000/svg}"
DANGEROUS = ["=HYPERLINK(\"http://example.com\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tX", "\rY", "\nZ"]


def team_table(names=("North", "South")) -> Table:
    return Table("teams", "By team", [Column("Team"), Column("Value", PERCENT), Column("Children", NUMBER,
                                                                                         unit="count"),
                                      Column("Since", DATE)],
                 [[name, 81.44 + i, 12 + i, dt.date(2021, 3, 31)] for i, name in enumerate(names)])


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_csv_neutralises_every_cell_a_spreadsheet_would_run_and_keeps_numbers_as_numbers():
    body = team_table(DANGEROUS).csv()
    assert body.startswith(downloads.BOM.encode()) and b"\r\n" in body
    cells = [row[0] for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))][1:]
    assert cells == [f"'{name}" for name in DANGEROUS]
    header, rows = csv_table(body)  # fails on any cell that would run
    assert header == ["Team", "Value (%)", "Children", "Since"]
    assert [row[0] for row in rows] == DANGEROUS
    assert rows[0][1:] == ["81.4", "12", "2021-03-31"]  # a number as a number, a date as an ISO date
    # A negative number is a number, not text to neutralise.
    negative = Table("n", "N", [Column("Change", NUMBER, decimals=1)], [[-2.25]]).csv().decode("utf-8-sig")
    assert negative.splitlines()[1] == "-2.2"


def test_xlsx_never_holds_a_formula_and_writes_numbers_and_dates_by_type():
    table = team_table(DANGEROUS)
    body = table.xlsx(council="Northby", as_at=dt.date(2021, 3, 31))
    header, rows = xlsx_table(body)  # fails on any formula
    assert header == ["Team", "Value (%)", "Children", "Since"]
    # Text as it was given (a carriage return is stored as Excel's escape for it, _x000D_).
    assert [row[0].replace("_x000D_", "\r") for row in rows] == DANGEROUS
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet["A1"].value == "By team" and sheet["A2"].value == "Northby. As at 31 March 2021."
    first = sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"]
    assert [c.data_type for c in first] == ["s", "n", "n", "d"]
    assert first[1].value == 81.4 and first[1].number_format == '#,##0.0"%"'  # shows 81.4%, as the page does
    assert first[2].value == 12 and first[2].number_format == "#,##0"
    assert first[3].is_date and first[3].number_format == "d mmm yyyy"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "xl/tables/table1.xml" in archive.namelist()  # an Excel table, with its header row


def test_numbers_in_files_are_the_numbers_the_page_prints():
    """Rounded to the decimals printed, so a file's value is exactly the page's: format_value of the raw value
    (what a template prints) equals format_value of the value in the file, for every unit."""
    rng = random.Random(12)
    for unit in ("percent", "count", "days", "rate per 10,000", "number", None):
        for _ in range(400):
            value = rng.choice([rng.uniform(0, 200), rng.randint(0, 5000), rng.randint(0, 400) / 8])
            shown = tables.shown_number(value, unit)
            assert tables.shown_text(shown, unit) == charts.format_value(value, unit), (value, unit)
            assert tables.number_text(value, unit) == charts.format_value(value, unit)
            table = Table("t", "T", [Column("V", NUMBER, unit=unit)], [[value]])
            assert table.rows == [[shown]] and table.display_rows == [[charts.format_value(value, unit)]]
    assert tables.shown_number(float("nan")) is None and tables.shown_number(None, "count") is None
    assert tables.shown_number(float("inf")) is None
    assert tables.number_text(54.04, "rate per 10,000", compact=True) == "54.0"
    assert tables.number_text(43.5, "percent", decimals=0) == "44%"


def test_a_column_mixing_units_takes_each_rows_unit():
    table = Table("mixed", "Mixed", [Column("Measure"), Column("Unit"), Column("Value", NUMBER, unit_from="Unit")],
                  [["Visits", "percent", 81.44], ["Children", "count", 1234.4], ["Days", "days", 12.6]])
    assert table.rows == [["Visits", "percent", 81.4], ["Children", "count", 1234], ["Days", "days", 13]]
    assert [r[2] for r in table.display_rows] == ["81.4%", "1,234", "13 days"]
    sheet = openpyxl.load_workbook(io.BytesIO(table.xlsx())).worksheets[0]
    assert [sheet.cell(row, 3).number_format for row in (5, 6, 7)] == ['#,##0.0"%"', "#,##0", '#,##0" days"']


def test_a_table_is_declared_properly_or_not_at_all():
    with pytest.raises(ValueError, match="lower-case"):
        Table("Bad id", "x", [Column("A")], [])
    with pytest.raises(ValueError, match="must differ"):
        Table("t", "x", [Column("A"), Column("A")], [])
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        Table("t", "x", [Column("A")], [["a", "b"]])
    with pytest.raises(ValueError, match="not a date"):
        Table("t", "x", [Column("When", DATE)], [["31/03/2021"]])
    with pytest.raises(ValueError, match="unknown column kind"):
        Column("A", "money")


def test_file_names_name_the_council_the_page_the_table_and_the_date():
    offered = PageDownloads("Northby", "Children in care: visits", dt.date(2021, 3, 31))
    offered.add(team_table())
    response = offered.response("teams", "xlsx")
    assert response["Content-Type"] == downloads.XLSX
    assert response["Content-Disposition"] == \
        'attachment; filename="Northby - Children in care- visits - By team 2021-03-31.xlsx"'
    assert offered.response("teams", "csv")["Content-Type"] == downloads.CSV


def test_a_request_is_answered_only_for_what_the_page_offers():
    offered = PageDownloads("Northby", "Dashboard", dt.date(2021, 3, 31))
    offered.add(team_table())
    offered.add_chart("trend", charts.trend([("Mar 2021", 50.0)], title="Visits", unit="percent"))
    get = RequestFactory().get
    assert tables.answer(get("/"), offered) is None
    assert tables.answer(get("/", {"download": "teams", "format": "csv"}), lambda: offered).status_code == 200
    for params in ({"download": "nothing", "format": "csv"}, {"download": "teams", "format": "pdf"},
                   {"download": "teams", "format": "svg"}, {"download": "trend", "format": "csv"},
                   {"download": "teams"}, {"download": ""}, {"download": "teams", "format": "CSV"}):
        with pytest.raises(Http404):
            tables.answer(get("/", params), offered)
    with pytest.raises(Http404):  # a page with nothing to offer
        tables.answer(get("/", {"download": "teams", "format": "csv"}), None)
    # A function is called only when a download is asked for; so is a table offered for later.
    assert tables.answer(get("/"), lambda: pytest.fail("built for nothing")) is None
    built = []
    offered.add_later("every-row", "Rows", "Every row", lambda: built.append(1) or Table("every-row", "Rows", [Column("A")],
                                                                                     [["x"]]))
    assert built == [] and offered.tables["every-row"].caption == "Every row"
    assert tables.answer(get("/", {"download": "every-row", "format": "xlsx"}), offered).status_code == 200
    assert built == [1]


def test_a_charts_data_table_downloads_with_its_numbers():
    chart = charts.distribution([12, 15, 22, 25, 9, 18, 30], title="Children per worker", unit="count",
                                threshold=20)
    table = tables.from_chart("bands", chart, first="Children per worker")
    assert table.display_rows == chart.table.rows
    assert table.rows[0] == ["8 to 9", 1]


def test_chart_files_carry_the_title_and_print_sharply():
    chart = charts.trend([("Jan 2021", 60.0), ("Feb 2021", 64.5)], title="Visits in time", unit="percent",
                         target=80)
    svg = chart.svg_document()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") != "100%"
    assert root.find(f"{SVG}title").text == "Visits in time" and root.find(f"{SVG}desc").text == chart.caption
    assert "Visits in time" in "".join(root.itertext())  # drawn in the image, not only named
    png = chart.png(scale=2)
    width, height = png_size(png)
    assert abs(width - 2 * float(root.get("width"))) <= 2 and abs(height - 2 * float(root.get("height"))) <= 2
    assert b"pHYs" in png[:200]  # its resolution recorded, so a document places it at the chart's size
    ppm = struct.unpack(">II", png[png.index(b"pHYs") + 4:png.index(b"pHYs") + 12])
    assert ppm[0] == round(192 / 0.0254)
    # A sparkline has no title on the page; its file has one.
    spark = charts.sparkline([3, 4, 5], unit="count", title="Contacts: trend")
    assert "Contacts: trend" in "".join(ET.fromstring(spark.svg_document()).itertext())
    assert "Contacts: trend" not in spark.svg()
