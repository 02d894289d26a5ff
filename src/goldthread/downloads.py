"""Every file goldthread serves for download is made and named here.

``xlsx_workbook(buffer)``         an xlsxwriter workbook that never turns text into a formula, a link or a number:
                                  "=HYPERLINK(...)" from an uploaded file is written as that text, not run
                                  by Excel. Use it for every workbook built from data.
``put(sheet, row, col, value)``   writes one value by its type: text always as a string cell.
``content_disposition(name)``     a Content-Disposition header with a safe file name (no path separators,
                                  control characters or quotes; a readable ASCII name for old clients, and the
                                  full name as ``filename*``).
``attachment(body, name, type)``  an HttpResponse carrying a file, with that header.
``csv_bytes(rows)``               a CSV file for Excel (UTF-8 with a byte-order mark, CRLF line ends) in which
                                  no text cell can run as a formula: text starting with = + - @, a tab, a
                                  carriage return or a line feed is prefixed with an apostrophe
                                  (``csv_text``); numbers stay numbers and dates are written as ISO dates.

Tables and charts on pages are downloaded through ``goldthread.tables``, which writes them with these.

Downloads are never cached: goldthread.middleware.NoStoreMiddleware marks every response to a signed-in
person ``Cache-Control: no-store``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import PurePath
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
SVG = "image/svg+xml"
PNG = "image/png"

# What no option may turn back on: text stays text.
SAFE_XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def xlsx_workbook(target, options: dict | None = None):
    """An xlsxwriter Workbook writing to ``target`` (a path or a BytesIO; in memory by default) in which no
    string becomes a formula, a hyperlink or a number, whatever ``write`` or ``write_row`` is given."""
    import xlsxwriter  # here: only downloads need it

    return xlsxwriter.Workbook(target, {"in_memory": True, **(options or {}), **SAFE_XLSX_OPTIONS})


def put(sheet, row: int, col: int, value, fmt=None) -> None:
    """Write one cell by the value's type: blank for None or "", a date or time as an Excel date, a number as a
    number, and anything else as text (a string cell, never a formula, whatever it starts with)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def put_row(sheet, row: int, values, fmt=None) -> None:
    for col, value in enumerate(values):
        put(sheet, row, col, value, fmt)


# --------------------------------------------------------------------------- file names

MAX_NAME_CHARS = 120
FALLBACK_STEM = "download"
_UNSAFE = re.compile(r'[/\\:*?"<>|\']')  # path separators, quotes and what Windows refuses in a name
_SPACES = re.compile(r"\s+")


def safe_filename(name: str, default: str = FALLBACK_STEM) -> str:
    """A file name a browser can save as it is: no folders, no control or invisible formatting characters
    (so no right-to-left tricks with the extension), no quotes or characters Windows refuses, no leading dot,
    at most 120 characters with the extension kept. Nothing left: ``default``."""
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    text = _SPACES.sub(" ", _UNSAFE.sub("-", text)).strip(" .-")
    stem, suffix = _split(text)
    if len(suffix) > 10 or not re.fullmatch(r"(\.[A-Za-z0-9]+)?", suffix):
        stem, suffix = text, ""
    stem = stem[:MAX_NAME_CHARS - len(suffix)].rstrip(" .-")
    return f"{stem}{suffix}" if stem else f"{default}{suffix}"


def ascii_filename(name: str, default: str = FALLBACK_STEM) -> str:
    """The same name in ASCII for clients that ignore ``filename*``: accents dropped (Équipe -> Equipe), other
    characters left out; ``default`` if nothing is left of the name before its extension."""
    stem, suffix = _split(safe_filename(name, default))
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return safe_filename(f"{stem.strip(' .-') or default}{suffix}", default)


def _split(name: str) -> tuple[str, str]:
    suffix = PurePath(name).suffix if name else ""
    return (name[:-len(suffix)], suffix) if suffix else (name, "")


def content_disposition(name: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="Readable name.xlsx"``, plus ``filename*=utf-8''...`` when the safe name is not
    plain ASCII (RFC 6266: the ASCII name first, for clients that do not read ``filename*``)."""
    name = safe_filename(name)
    fallback = ascii_filename(name)
    header = content_disposition_header(as_attachment, fallback)
    if name != fallback:
        header += f"; filename*=utf-8''{quote(name, safe='')}"
    return header


def attachment(body: bytes | str, name: str, content_type: str) -> HttpResponse:
    """A file download: the body, its type, and a safe Content-Disposition."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


# --------------------------------------------------------------------------- CSV

# What makes a spreadsheet read a cell as a formula (or start one, after a tab or a line break).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"  # so Excel reads the file as UTF-8


def csv_text(text: str) -> str:
    """Text as a CSV cell no spreadsheet will run: an apostrophe before a leading = + - @, tab, carriage return
    or line feed (OWASP's advice for CSV injection); other text unchanged."""
    text = str(text)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_value(value) -> str | int | float:
    """One cell's value for ``csv_bytes``: blank for None, an ISO date for a date, a number as a number, and
    anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return csv_text(value)


def csv_bytes(rows) -> bytes:
    """Rows (lists of values) as a CSV file Excel opens correctly: UTF-8 with a byte-order mark, CRLF line ends,
    fields quoted where needed, every value written by ``csv_value``."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
