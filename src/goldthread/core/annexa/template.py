"""Annex A written out in Ofsted's template exactly.

One sheet per list, named as the template names them ("List 1" to "List 11"), the header row in row 1 with each
column headed exactly as Ofsted heads it (``goldthread.core.annexa.spec``), and each value as the template writes
it:

* codes in the template's lettered or coded form: "a) WBRI", "c) 1C: Individual: self", "N1 - Abuse or neglect",
  "C2: Full care order" (a value no code list knows is written as it was recorded, so nothing is lost);
* Yes/No as "a) Yes" or "b) No", and a disability not recorded as "c) Unknown";
* dates as date cells shown as dd/mm/yyyy; identifiers as text (leading zeros kept); counts and ages as numbers.

Every cell is written by its type (``write_string``, ``write_number``), never through xlsxwriter's ``write``: a
value starting with "=", "+", "-" or "@" is text, never a formula, whatever options the workbook has. The caller
opens the workbook: pages and packs with ``goldthread.downloads.xlsx_workbook`` (``goldthread.portal.ofsted``),
the synthetic generator with xlsxwriter itself; this module imports neither Django nor a workbook library.

``write_annex_a(book, annex)``  anything with the reader's ``table(n)`` (the reader's ``AnnexA``, a stored
                                extract's ``StoredAnnexA``, ``goldthread.core.annexa.tables.Tables``)
``write_lists(book, lists)``    plain records keyed by canonical column name, as the synthetic generator makes them
``write_sheet(book, layout, rows, formats)``  one list in a given layout: for writers that vary the template (the
                                generator's irregularities) and still write each cell as it does

Read back with ``goldthread.core.annexa.reader.read_annex_a``, the workbook gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from . import codes as c
from .spec import AGE, BOOL, CODE, DATE, ID, INT, LISTS, Column, ListSpec

SHEET_NAME = "List {n}"
COLUMN_WIDTH = 18
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FORMAT = {"bold": True, "text_wrap": True, "valign": "top"}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()  # a date cell holds the days since this day

# How the template writes each code list: "letter" a) Label, "letter_code" a) WBRI, "letter_code_label"
# a) 1A: Label, "code_dash" N1 - Label, "code_colon" C1: Label.
CODE_STYLES = {
    c.GENDER.name: "letter", c.ETHNICITY.name: "letter_code", c.SOURCE.name: "letter_code_label",
    c.PRIMARY_NEED.name: "code_dash", c.CLOSURE_REASON.name: "code_dash", c.CASE_STATUS.name: "letter",
    c.ABUSE_CATEGORY.name: "letter", c.LEGAL_STATUS.name: "code_colon", c.PERMANENCE_PLAN.name: "letter",
    c.REASON_CEASED.name: "letter_code_label", c.PLACEMENT_TYPE.name: "letter_code_label",
    c.PLACEMENT_PROVIDER.name: "letter_code_label", c.PLACEMENT_LOCATION.name: "letter",
    c.ELIGIBILITY.name: "letter", c.IN_TOUCH.name: "letter", c.SUITABILITY.name: "letter",
    c.ACTIVITY.name: "code_colon",
}

Writer = Callable[[Any, int, int, Any], None]  # (worksheet, row, column, value)


class Workbook(Protocol):
    """What this module needs of a workbook (an xlsxwriter Workbook)."""

    def add_format(self, properties: dict) -> Any: ...

    def add_worksheet(self, name: str) -> Any: ...


def letter(i: int) -> str:
    """The template's letter for the i-th option of a list: a, b, ... z, then za, zb, ..."""
    return "abcdefghijklmnopqrstuvwxyz"[i] if i < 26 else "z" + "abcdefghijklmnopqrstuvwxyz"[i - 26]


@functools.cache
def ofsted_codes(codes: c.CodeList) -> dict[str, str]:
    """Each code of the list as the template writes it."""
    style = CODE_STYLES[codes.name]
    return {item.code: {
        "letter": f"{letter(i)}) {item.label}", "letter_code": f"{letter(i)}) {item.code}",
        "letter_code_label": f"{letter(i)}) {item.code}: {item.label}",
        "code_dash": f"{item.code} - {item.label}", "code_colon": f"{item.code}: {item.label}",
    }[style] for i, item in enumerate(codes.codes)}


def writes_blank(col: Column) -> bool:
    """Whether the template writes something for a value not recorded: "c) Unknown" for a disability (a blank
    there reads as unknown too, but the template asks for the option)."""
    return col.name == "disability"


@dataclass(frozen=True)
class Formats:
    """The cell formats one workbook's sheets share."""

    date: Any
    header: Any


def formats(book: Workbook) -> Formats:
    return Formats(date=book.add_format({"num_format": DATE_FORMAT}), header=book.add_format(HEADER_FORMAT))


def cell_writer(col: Column, fmt: Formats) -> Writer:
    """A function writing one column's values as the template does (a blank value is not passed to it, unless
    ``writes_blank``)."""
    if col.kind == DATE:
        date_format = fmt.date

        def write_date(sheet, r, j, value):
            sheet.write_number(r, j, value.toordinal() - EXCEL_EPOCH, date_format)

        return write_date
    if col.kind in (INT, AGE):
        def write_number(sheet, r, j, value):
            sheet.write_number(r, j, value)

        return write_number
    if col.kind == CODE:
        written = ofsted_codes(col.codes)

        def write_code(sheet, r, j, value):
            sheet.write_string(r, j, written.get(value, value))

        return write_code
    if col.kind == BOOL:
        def write_bool(sheet, r, j, value):
            sheet.write_string(r, j, UNKNOWN if value is None else YES if value else NO)

        return write_bool

    def write_text(sheet, r, j, value):  # identifiers and text: always a string cell
        sheet.write_string(r, j, value)

    return write_text


@dataclass
class Layout:
    """How one list is laid out on its sheet: its name, any rows above the header, and per column the header,
    the canonical column whose value it holds and the function writing it."""

    spec: ListSpec
    name: str
    headers: list[str]
    names: list[str]
    writers: list[Writer]
    title_rows: tuple[str, ...] = ()


def layout(spec: ListSpec, fmt: Formats) -> Layout:
    """The template's layout of a list."""
    return Layout(spec, SHEET_NAME.format(n=spec.number), [col.header for col in spec.columns],
                  [col.name for col in spec.columns], [cell_writer(col, fmt) for col in spec.columns])


def write_sheet(book: Workbook, sheet_layout: Layout, rows: Iterable[Mapping], fmt: Formats) -> int:
    """Write one list's sheet row by row (so a workbook in constant-memory mode can write it) and return the number
    of data rows written."""
    spec = sheet_layout.spec
    sheet = book.add_worksheet(sheet_layout.name)
    sheet.set_column(0, len(sheet_layout.names) - 1, COLUMN_WIDTH)
    r = 0
    for text in sheet_layout.title_rows:
        if text:
            sheet.write_string(r, 0, text)
        r += 1
    for j, text in enumerate(sheet_layout.headers):
        sheet.write_string(r, j, text, fmt.header)
    r += 1
    blank_written = {j for j, name in enumerate(sheet_layout.names)
                     if name in spec.names and writes_blank(spec.column(name))}
    pairs = list(zip(sheet_layout.writers, sheet_layout.names, strict=True))
    written = 0
    for row in rows:
        for j, (write, name) in enumerate(pairs):
            value = row[name]
            if value is not None or j in blank_written:
                write(sheet, r, j, value)
        r += 1
        written += 1
    return written


def write_lists(book: Workbook, lists: Mapping[int, Iterable[Mapping]]) -> dict[int, int]:
    """The eleven lists from records keyed by canonical column name (clean typed values: dates, ints, bools or
    None, canonical codes, text), in the template; a list not given is written with its header alone. Returns the
    rows written per list."""
    fmt = formats(book)
    return {spec.number: write_sheet(book, layout(spec, fmt), lists.get(spec.number, ()), fmt) for spec in LISTS}


def write_annex_a(book: Workbook, annex) -> dict[int, int]:
    """The eleven lists of ``annex`` (anything with the reader's ``table(n)``) in the template, in the order of
    their rows. Columns the template does not have (an export's own additions, kept aside with each row) are left
    out. Returns the rows written per list."""
    return write_lists(book, {spec.number: records(annex.table(spec.number), spec) for spec in LISTS})


# --------------------------------------------------------------------------- canonical tables as records


def records(table: pd.DataFrame, spec: ListSpec) -> Iterator[dict]:
    """The rows of a canonical table (as the reader returns it) as records of plain Python values: dates as
    ``datetime.date``, whole numbers as ``int``, Yes/No as ``bool``, text as ``str``, and None for a blank."""
    columns = [_plain(table[col.name], col.kind) for col in spec.columns]
    for values in zip(*columns, strict=True):
        yield dict(zip(spec.names, values, strict=True))


def _plain(series: pd.Series, kind: str) -> list:
    if kind == DATE:
        days = series.to_numpy(dtype="datetime64[D]")
        return [None if np.isnat(d) else d.item() for d in days]
    values = series.astype(object).to_numpy()
    if kind in (INT, AGE):
        return [None if _blank(v) else int(v) for v in values]
    if kind == BOOL:
        return [None if _blank(v) else bool(v) for v in values]
    if kind == ID:
        return [None if _blank(v) or str(v) == "" else str(v) for v in values]
    return [None if _blank(v) or str(v).strip() == "" else str(v) for v in values]


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
