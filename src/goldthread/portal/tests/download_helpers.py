"""Reading downloaded tables back (with the csv module and openpyxl, as a person's spreadsheet would) and the
page's own table (from its HTML), to check the two hold the same values. Used by the download tests of every
app (goldthread.tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser

import openpyxl
from django.utils import dateformat

from goldthread.downloads import FORMULA_STARTS

XLSX_HEADER_ROW = 4  # the caption, a line naming the council and date, a blank row, then the table
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
DATE_FORMATS = ("j M Y", "j F Y", "M Y", "F Y")


# --------------------------------------------------------------------------- the page


class _Tables(HTMLParser):
    """Every <table>'s body rows (or the items of a list marked data-table), as the text of each cell; text in
    govuk-visually-hidden spans is left out (it is for screen readers, not a value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.stack: list[dict] = []
        self.cell: list[str] | None = None
        self.hidden = 0
        self.depth = 0  # element depth inside a hidden span
        self.caption: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.hidden:
            self.depth += tag not in ("br",)
            return
        if self.cell is not None:
            self.cell.append(" ")  # text in separate elements is separate words
        if tag == "span" and "govuk-visually-hidden" in (attrs.get("class") or ""):
            self.hidden, self.depth = 1, 1
            return
        if tag in ("table", "ul", "dl") and (tag == "table" or "data-table" in attrs):
            self.stack.append({"id": attrs.get("data-table"), "attrs": attrs, "caption": "", "rows": [],
                               "kind": tag, "row": None})
        elif not self.stack:
            return
        elif tag == "caption":
            self.caption = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.stack[-1]["row"] = []
        elif tag in ("td", "th") and self.stack[-1]["row"] is not None:
            self.cell = []
        elif tag in ("li", "div") and self.stack[-1]["kind"] in ("ul", "dl") and self.cell is None:
            if tag == "li" or "govuk-summary-list__row" in (attrs.get("class") or ""):
                self.stack[-1]["row"] = []
                self.cell = []

    def handle_endtag(self, tag):
        if self.cell is not None and not self.hidden:
            self.cell.append(" ")
        if self.hidden:
            self.depth -= 1
            if self.depth == 0:
                self.hidden = 0
            return
        if not self.stack:
            return
        top = self.stack[-1]
        if tag == "caption" and self.caption is not None:
            top["caption"] = " ".join("".join(self.caption).split())
            self.caption = None
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None and top["kind"] == "table":
            top["row"].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and top["row"] is not None and top["kind"] == "table":
            top["rows"].append(top["row"])
            top["row"] = None
        elif (tag == "li" or (tag == "div" and top["kind"] == "dl")) and top["row"] is not None and \
                top["kind"] != "table" and self.cell is not None:
            top["rows"].append([" ".join("".join(self.cell).split())])
            top["row"], self.cell = None, None
        elif tag == top["kind"]:
            self.tables.append(self.stack.pop())

    def handle_data(self, data):
        if self.hidden:
            return
        if self.caption is not None:
            self.caption.append(data)
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page_table(html: str, table_id: str | None = None, *, caption: str | None = None) -> list[list[str]]:
    """The body rows of the page's table marked ``data-table=table_id`` (or captioned ``caption``): each a list of
    cell texts."""
    found = [t for t in page_tables(html) if (table_id is None or t["id"] == table_id)
             and (caption is None or t["caption"] == caption)]
    assert found, f"no table {table_id or caption!r} on the page"
    return [row for t in found for row in t["rows"]]


def download_links(html: str) -> list[str]:
    """Every download link's href on a page."""
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*[?&](?:amp;)?download=[^"]*)"', html)]


# --------------------------------------------------------------------------- the files


def csv_table(body: bytes) -> tuple[list[str], list[list[str | None]]]:
    """A downloaded CSV read with the csv module: (header, rows of text, None for an empty cell), a neutralised
    cell ("'=...") given back as the text it holds. Fails if the file lacks Excel's byte-order mark or holds any
    cell a spreadsheet would run."""
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark for Excel"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    values = []
    for row in rows[1:]:
        out = []
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), f"{cell!r} would run"
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                out.append(cell[1:])
            else:
                out.append(cell or None)
        values.append(out)
    return rows[0], values


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _same(text: str | None, value) -> bool:
    """Whether a CSV cell holds what the workbook's cell holds."""
    if value is None or text is None:
        return value is None and text is None
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return _is_number(text) and float(text) == float(value)
    if isinstance(value, dt.date):
        return text == value.isoformat()
    return text == value.replace("_x000D_", "\r")


def xlsx_table(body: bytes) -> tuple[list[str], list[list]]:
    """A downloaded workbook read with openpyxl: (header, rows), dates as dates. Fails if any cell is a formula
    (openpyxl's data type "f", or an <f> element in the sheet's XML)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), f"a formula in {name}"
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"
    header = [c.value for c in rows[XLSX_HEADER_ROW - 1]]
    values = []
    for row in rows[XLSX_HEADER_ROW:]:
        values.append([c.value.date() if isinstance(c.value, dt.datetime) else c.value for c in row])
    if values == [["No rows."] + [None] * (len(header) - 1)]:
        values = []
    return header, values


def download(client, url: str, table_id: str, params: dict | None = None) -> tuple[list[str], list[list]]:
    """Download a table as CSV and as xlsx; both must hold the same header and values. Returns the header and the
    workbook's rows (typed: numbers, dates, text)."""
    files = {}
    for fmt in ("csv", "xlsx"):
        response = client.get(url, {**(params or {}), "download": table_id, "format": fmt})
        assert response.status_code == 200, (table_id, fmt, response.status_code)
        assert response["Content-Disposition"].startswith("attachment; filename=")
        files[fmt] = response.content
    header, texts = csv_table(files["csv"])
    xheader, rows = xlsx_table(files["xlsx"])
    assert header == xheader, (header, xheader)
    assert len(texts) == len(rows), f"the CSV and the workbook of {table_id} differ"
    for text_row, row in zip(texts, rows, strict=True):
        assert len(text_row) == len(row) and all(_same(t, v) for t, v in zip(text_row, row, strict=True)), \
            (table_id, text_row, row)
    return header, rows


# --------------------------------------------------------------------------- the same values


def _shows(text: str, value) -> bool:
    """Whether the page's text shows ``value``: text as it is; a number as one of the numbers printed (81.4 in
    "81.4%", 1234 in "1,234"); a date in one of the formats pages print dates in."""
    if isinstance(value, str):
        return value in text
    if isinstance(value, dt.date):
        return any(dateformat.format(value, f) in text for f in DATE_FORMATS)
    return any(abs(float(token.replace(",", "")) - float(value)) < 1e-9 for token in NUMBER.findall(text))


def assert_same_values(page_rows: list[list[str]], file_rows: list[list], *, skip=(None, "")) -> None:
    """Row for row, every value in the file is shown in the page's row (missing values excepted)."""
    assert len(page_rows) == len(file_rows), (len(page_rows), len(file_rows))
    for page_row, file_row in zip(page_rows, file_rows, strict=True):
        text = " | ".join(page_row)
        for value in file_row:
            if value in skip:
                continue
            assert _shows(text, value), f"{value!r} is not in the page's row: {text}"


def assert_same_cells(page_rows: list[list[str]], file_rows: list[list], columns: list[int | None]) -> None:
    """Cell for cell: page column ``columns[i]`` shows the file's column i (None: not compared)."""
    assert len(page_rows) == len(file_rows), (len(page_rows), len(file_rows))
    for page_row, file_row in zip(page_rows, file_rows, strict=True):
        for value, index in zip(file_row, columns, strict=True):
            if index is None or value is None:
                continue
            assert _shows(page_row[index], value), f"{value!r} is not in {page_row[index]!r} ({page_row})"
