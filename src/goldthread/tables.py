"""Every table a page shows, downloadable as CSV and Excel; every chart, as SVG and PNG.

A page declares what it offers in the same function that builds what it shows, from the same objects (no
second calculation of any number), and its view answers ``?download=<id>&format=csv|xlsx|svg|png`` with the
file: the same URL, the same access decorator, the same data as the page, so the permission matrix covers
every download with the page. An id the page does not offer, or a format the table or chart has not, is a 404.

``Table(id, title, columns, rows, ...)``   a declared table: its columns (``Column(label, kind)``: text, number,
                                          percent or date) and its rows of values (text, numbers, dates).
                                          Numbers are kept as the page prints them (rounded to the decimals shown,
                                          ``shown_number``), so the file holds exactly the page's values.
``table.text(value, column)``             a value as the page prints it (``charts.format_value``, Django's
                                          ``date`` filter), for templates and tests.
``table.csv()``                           CSV for Excel: UTF-8 with a byte-order mark; text that a spreadsheet
                                          would run (starting with = + - @, a tab or a line break) neutralised;
                                          numbers as numbers, dates as ISO dates (``downloads.csv_bytes``).
``table.xlsx()``                          an Excel workbook (``downloads.xlsx_workbook``: no cell is ever a
                                          formula): title, council and date, then the table as an Excel table,
                                          numbers as numbers formatted as the page prints them, dates as dates.
``table.write_sheet(workbook)``           the same sheet in a workbook of one's own (a pack's workbook).
``PageDownloads(council, page, as_at)``   what one page offers: ``add(table)``, ``add_chart(id, chart)``, and
                                          ``add_later(id, title, caption, build)`` for a table built only when
                                          downloaded (a paginated page's every row); file names name the
                                          council, the page, the table and the date as at.
``answer(request, offered)``              in a view: the download response when the request asks for one
                                          (``offered`` a PageDownloads, or a function returning one, called only
                                          then), else None.

Adopting it for a page (the early-warning table or a watchlist, say)::

    # where the page's data is built (pages.py, or the view's cached page function):
    files = tables.PageDownloads(council="England", page="Early warning", as_at=as_of)
    files.add(tables.Table("early-warning", "Early-warning scores", [
        tables.Column("Council"), tables.Column("Probability of inadequate", tables.PERCENT),
        tables.Column("Scored on", tables.DATE, date_format="j F Y")],
        [[s.council.name, 100 * s.p_inadequate, s.as_of] for s in scores]))
    context["downloads"] = files

    # in the view, after the access decorator has run and before rendering:
    if (response := tables.answer(request, context["downloads"])) is not None:
        return response

    {# in the template, under the table (and {% download_chart downloads "trend" %} under a chart): #}
    {% load gt_downloads %}
    {% download_table downloads "early-warning" %}

A view whose table holds child-level rows logs the export itself before answering (``tables.requested``
says whether a download was asked for), with ``log_child_access(..., action="export")``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.utils import dateformat, timezone

from goldthread import downloads
from goldthread.charts import NO_VALUE, Chart, format_value

TEXT, NUMBER, PERCENT, DATE = "text", "number", "percent", "date"
KINDS = (TEXT, NUMBER, PERCENT, DATE)
TABLE_FORMATS = ("csv", "xlsx")
CHART_FORMATS = ("svg", "png")
RATE = "rate per 10,000"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
# How Django's date formats the pages use read in Excel.
_EXCEL_DATES = {"j M Y": "d mmm yyyy", "j F Y": "d mmmm yyyy", "M Y": "mmm yyyy", "F Y": "mmmm yyyy",
                "Y-m-d": "yyyy-mm-dd", "d/m/Y": "dd/mm/yyyy"}


def missing(value) -> bool:
    """None, NaN, pandas' NA or NaT."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def decimals_for(value: float, unit: str | None, decimals: int | None = None) -> int:
    """The decimals goldthread prints a number with (``charts.format_value``): none for counts and days, one for
    percentages, rates and other units, and none for a whole number without a unit."""
    if decimals is not None:
        return decimals
    if unit in ("count", "days"):
        return 0
    if unit is None:
        return 0 if float(value).is_integer() else 1
    return 1


def shown_number(value, unit: str | None = None, decimals: int | None = None) -> int | float | None:
    """A number as the page shows it: rounded to the decimals printed (a whole number as an int), None when
    missing or not finite."""
    if missing(value):
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    places = decimals_for(value, unit, decimals)
    rounded = round(value, places)
    return int(rounded) if places == 0 else rounded


def shown_places(shown, unit: str | None = None, decimals: int | None = None) -> int:
    """The decimals of a number ``shown_number`` gave: as its unit's, and for a number without a unit, none for
    an int (a whole number on the page) and one for a float."""
    if decimals is not None or unit is not None:
        return decimals_for(shown, unit, decimals)
    return 0 if isinstance(shown, int) else 1


def shown_text(shown, unit: str | None = None, decimals: int | None = None, compact: bool = False) -> str:
    """A number ``shown_number`` gave, printed as the page printed the number it came from."""
    return number_text(shown, unit, shown_places(shown, unit, decimals) if not missing(shown) else None, compact)


def number_text(value, unit: str | None = None, decimals: int | None = None, compact: bool = False) -> str:
    """A number as the pages print it: 81.4%, 1,234, 12 days, 67.0 per 10,000 (67.0 when ``compact``: the
    column names the unit)."""
    if missing(value):
        return NO_VALUE
    if decimals is None:
        text = format_value(value, unit)
    else:
        suffix = {"percent": "%", RATE: " per 10,000", "days": " days"}.get(unit or "", "")
        grouping = "" if unit == "percent" else ","  # as charts.format_value: 4334.0%, 1,234
        text = f"{float(value):{grouping}.{decimals}f}{suffix}"
    return text.removesuffix(" per 10,000") if compact else text


def _excel_number_format(unit: str | None, places: int, compact: bool) -> str:
    body = "#,##0" + ("." + "0" * places if places else "")
    if unit == "percent":
        return body + '"%"'
    if unit == RATE and not compact:
        return body + '" per 10,000"'
    if unit == "days":
        return body + '" days"'
    return body


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its label (as the page heads it) and kind. A number's ``unit`` ("count", "days", "rate per
    10,000", or None) says how it is printed; ``unit_from`` names another column holding each row's unit, for a
    column mixing units (a dashboard's values); ``decimals`` overrides the unit's; ``compact`` prints a rate
    without "per 10,000" (the header says it). A date prints with ``date_format`` (Django's ``date`` filter)."""

    label: str
    kind: str = TEXT
    unit: str | None = None
    unit_from: str | None = None
    decimals: int | None = None
    compact: bool = False
    date_format: str = "j M Y"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.kind == PERCENT and self.unit is None:
            object.__setattr__(self, "unit", "percent")

    @property
    def numeric(self) -> bool:
        return self.kind in (NUMBER, PERCENT)

    @property
    def file_label(self) -> str:
        """The header in files, where a number carries no unit: "(%)", "(per 10,000)" or "(days)" added when
        the label does not say it already."""
        words = self.label.lower()
        if self.unit == "percent" and "%" not in words and "percent" not in words:
            return f"{self.label} (%)"
        if self.unit == RATE and "10,000" not in words:
            return f"{self.label} (per 10,000)"
        if self.unit == "days" and "days" not in words:
            return f"{self.label} (days)"
        return self.label


@dataclasses.dataclass
class Table:
    """A table as a page shows it. ``title`` is short (it names the file and the sheet); ``caption`` says what
    the table is (the page's caption; the title when not given); ``note`` is said above it in the workbook."""

    id: str
    title: str
    columns: list[Column]
    rows: list[list]
    caption: str = ""
    note: str = ""

    def __post_init__(self):
        if not _ID.fullmatch(self.id):
            raise ValueError(f"a table id is lower-case letters, digits and hyphens: {self.id!r}")
        labels = [c.label for c in self.columns]
        if len(set(labels)) != len(labels):
            raise ValueError(f"table {self.id}: column labels must differ: {labels}")
        self.columns = list(self.columns)
        self.caption = self.caption or self.title
        self._units = [labels.index(c.unit_from) if c.unit_from else None for c in self.columns]
        self.rows = [self._normalised(list(row)) for row in self.rows]

    def unit(self, row: list, index: int) -> str | None:
        column, source = self.columns[index], self._units[index]
        return (row[source] or None) if source is not None else column.unit

    def _normalised(self, row: list) -> list:
        if len(row) != len(self.columns):
            raise ValueError(f"table {self.id}: a row has {len(row)} values for {len(self.columns)} columns")
        out = []
        for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if column.numeric:
                out.append(shown_number(value, self.unit(row, index), column.decimals))
            elif column.kind == DATE:
                if not missing(value) and not isinstance(value, dt.date):
                    raise ValueError(f"table {self.id}: {column.label} holds {value!r}, not a date")
                out.append(None if missing(value) else value)
            else:
                out.append(None if missing(value) else str(value))
        return out

    # ------------------------------------------------------------------ as the page prints it

    def text(self, row: list, index: int) -> str:
        """The value in column ``index`` of ``row`` as the page prints it."""
        column, value = self.columns[index], row[index]
        if column.numeric:
            return shown_text(value, self.unit(row, index), column.decimals, column.compact)
        if column.kind == DATE:
            return dateformat.format(value, column.date_format) if value is not None else NO_VALUE
        return value or ""

    @property
    def display_rows(self) -> list[list[str]]:
        return [[self.text(row, i) for i in range(len(self.columns))] for row in self.rows]

    @property
    def html_rows(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells as (text as printed, whether numeric), for a page's template."""
        return [[(self.text(row, i), c.numeric) for i, c in enumerate(self.columns)] for row in self.rows]

    # ------------------------------------------------------------------ files

    def csv(self) -> bytes:
        return downloads.csv_bytes([[c.file_label for c in self.columns], *self.rows])

    def xlsx(self, *, council: str = "", as_at: dt.date | None = None) -> bytes:
        buffer = io.BytesIO()
        workbook = downloads.xlsx_workbook(buffer)
        workbook.set_properties({"title": self.caption, "company": council, "comments": "Downloaded from goldthread"})
        self.write_sheet(workbook, council=council, as_at=as_at)
        workbook.close()
        return buffer.getvalue()

    def write_sheet(self, workbook, *, council: str = "", as_at: dt.date | None = None, name: str | None = None):
        """Write the table as one sheet of ``workbook`` (made by ``downloads.xlsx_workbook``): the caption, a line
        naming the council and the date as at, then the table (an Excel table with a header row), each value
        written by its type (``downloads.put``). Returns the worksheet."""
        sheet = workbook.add_worksheet(_sheet_name(workbook, name or self.title))
        formats = _Formats(workbook)
        sheet.write_string(0, 0, self.caption, formats.get("title"))
        when = f"As at {dateformat.format(as_at, 'j F Y')}" if as_at else ""
        about = ". ".join(part.rstrip(".") for part in (council, when, self.note) if part)
        if about:
            sheet.write_string(1, 0, about + ".")
        top = 3
        widths = [len(c.file_label) for c in self.columns]
        for r, row in enumerate(self.rows, start=top + 1):
            for i, value in enumerate(row):
                downloads.put(sheet, r, i, value, self._cell_format(formats, row, i))
                widths[i] = max(widths[i], len(self.text(row, i)))
        if self.rows:
            sheet.add_table(top, 0, top + len(self.rows), len(self.columns) - 1, {
                "name": f"t{len(workbook.worksheets())}_{self.id.replace('-', '_')}", "style": "Table Style Light 1",
                "columns": [{"header": c.file_label, "header_format": formats.get("header")} for c in self.columns]})
        else:
            for i, column in enumerate(self.columns):
                sheet.write_string(top, i, column.file_label, formats.get("header"))
            sheet.write_string(top + 1, 0, "No rows.")
        for i, width in enumerate(widths):
            sheet.set_column(i, i, min(max(width + 2, 8), 60))
        sheet.freeze_panes(top + 1, 0)
        return sheet

    def _cell_format(self, formats: _Formats, row: list, index: int):
        column, value = self.columns[index], row[index]
        if column.numeric and value is not None:
            unit = self.unit(row, index)
            places = shown_places(value, unit, column.decimals)
            return formats.get("number", _excel_number_format(unit, places, column.compact))
        if column.kind == DATE:
            return formats.get("date", _EXCEL_DATES.get(column.date_format, "d mmm yyyy"))
        return None


class _Formats:
    """A workbook's cell formats, made once each."""

    def __init__(self, workbook):
        self.workbook, self.made = workbook, {}

    def get(self, kind: str, pattern: str = ""):
        key = (kind, pattern)
        if key not in self.made:
            spec = {"title": {"bold": True, "font_size": 14}, "header": {"bold": True, "text_wrap": True,
                                                                        "valign": "top"},
                    "number": {"num_format": pattern}, "date": {"num_format": pattern}}[kind]
            self.made[key] = self.workbook.add_format(spec)
        return self.made[key]


def _sheet_name(workbook, title: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\, not blank), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31].strip() or "Table"
    name, n = base, 2
    while workbook.get_worksheet_by_name(name) is not None:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name


def from_chart(table_id: str, chart: Chart, *, title: str | None = None, first: str | None = None) -> Table:
    """A chart's data table (``chart.table``) as a downloadable table: its labels, and its numbers as numbers."""
    data = chart.table
    units = list(data.units) + [None] * (len(data.headers) - len(data.units))
    columns = [Column(first or data.headers[0] or "Category")]
    columns += [Column(h, NUMBER, unit=u) for h, u in zip(data.headers[1:], units[1:], strict=True)]
    return Table(table_id, title or chart.title or data.summary, columns, data.values, caption=data.summary)


# --------------------------------------------------------------------------- what a page offers


@dataclasses.dataclass(frozen=True)
class LaterTable:
    """A table a page offers but builds only for a download: its id, title and caption (for the links), and the
    function that builds it (a ``Table`` with the same id)."""

    id: str
    title: str
    caption: str
    build: Callable[[], Table]


@dataclasses.dataclass
class PageDownloads:
    """The tables and charts one page offers for download. ``council`` (a name; "England" for national pages)
    and ``page`` name the files with each table's or chart's title and the date the page is as at."""

    council: str
    page: str
    as_at: dt.date | None = None
    tables: dict[str, Table | LaterTable] = dataclasses.field(default_factory=dict)
    charts: dict[str, Chart] = dataclasses.field(default_factory=dict)

    def add(self, table: Table | LaterTable) -> Table | LaterTable:
        if not _ID.fullmatch(table.id) or table.id in self.tables or table.id in self.charts:
            raise ValueError(f"not a new table id: {table.id!r}")
        self.tables[table.id] = table
        return table

    def add_later(self, table_id: str, title: str, caption: str, build: Callable[[], Table]) -> LaterTable:
        """A table built only when it is downloaded (the page shows one page of its rows): ``build()`` makes it."""
        return self.add(LaterTable(table_id, title, caption, build))

    def add_chart(self, chart_id: str, chart: Chart | None) -> Chart | None:
        if chart is None:
            return None
        if not _ID.fullmatch(chart_id) or chart_id in self.tables or chart_id in self.charts:
            raise ValueError(f"not a new chart id: {chart_id!r}")
        self.charts[chart_id] = chart
        return chart

    def filename(self, title: str, extension: str) -> str:
        day = self.as_at or timezone.localdate()
        parts = [self.council, self.page] + ([title] if title and title != self.page else [])
        return downloads.safe_filename(f"{' - '.join(p for p in parts if p)} {day:%Y-%m-%d}.{extension}")

    def response(self, item_id: str, file_format: str) -> HttpResponse:
        """The file for ``?download=item_id&format=file_format``; Http404 for anything not offered."""
        if item_id in self.tables and file_format in TABLE_FORMATS:
            table = self.tables[item_id]
            if isinstance(table, LaterTable):
                table = table.build()
            if file_format == "csv":
                return downloads.attachment(table.csv(), self.filename(table.title, "csv"), downloads.CSV)
            return downloads.attachment(table.xlsx(council=self.council, as_at=self.as_at),
                                        self.filename(table.title, "xlsx"), downloads.XLSX)
        if item_id in self.charts and file_format in CHART_FORMATS:
            chart = self.charts[item_id]
            title = chart.title or item_id
            if file_format == "svg":
                return downloads.attachment(chart.svg_document(), self.filename(title, "svg"), downloads.SVG)
            return downloads.attachment(chart.png(scale=2), self.filename(title, "png"), downloads.PNG)
        raise Http404("There is no such download on this page.")


def requested(request) -> tuple[str, str] | None:
    """(id, format) when the request asks for a download (``?download=...``), else None."""
    if "download" not in request.GET:
        return None
    return request.GET.get("download", ""), request.GET.get("format", "")


def answer(request, offered: PageDownloads | Callable[[], PageDownloads | None] | None) -> HttpResponse | None:
    """The download the request asks for (Http404 when the page offers no such table or chart, or not in that
    format), or None when it asks for none. ``offered`` may be a function, called only for a download."""
    wanted = requested(request)
    if wanted is None:
        return None
    found = offered() if callable(offered) else offered
    if found is None:
        raise Http404("There is no such download on this page.")
    return found.response(*wanted)
