"""Turning cells as exports write them into typed values.

Each parser takes one distinct raw value and returns ``(value, ok)``: ``ok`` is False when the raw
value is present but not of the expected kind. Columns are parsed by their distinct values only
(``parse_column``), which keeps a 70,000-row workbook fast: a date column has a few thousand distinct
values, a code column a few dozen.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .codes import CodeList, normalise_text

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial numbers we accept as dates: 61 (1 March 1900; Excel counts a 29 February 1900 that never
# was, so earlier serials are a day out) to 73050 (31 December 2099).
_SERIAL_MIN, _SERIAL_MAX = 61, 73050
_EPOCH = dt.date(1970, 1, 1)

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_D_MON_Y = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3,9})[ \-,]+(\d{4})$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

_TRUE = frozenset({"yes", "y", "true", "t", "1", "a yes"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "b no"})
_UNKNOWN = frozenset({"unknown", "u", "not known", "c unknown", "n a", "na", "not recorded"})


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not raw.strip()


def _as_text(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip().replace("\xa0", " ")
    if isinstance(raw, float) and raw.is_integer():  # a code typed into a number cell: 6 not 6.0
        return str(int(raw))
    return str(raw)


def _serial_to_date(serial: float) -> dt.date | None:
    if _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


def _two_digit_year(yy: int) -> int:
    pivot = dt.date.today().year % 100 + 1
    return 2000 + yy if yy <= pivot else 1900 + yy


def parse_date(raw: object) -> tuple[dt.date | None, bool]:
    if is_blank(raw):
        return None, True
    if isinstance(raw, dt.datetime):
        return raw.date(), True
    if isinstance(raw, dt.date):
        return raw, True
    if isinstance(raw, pd.Timestamp):
        return raw.date(), True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, int | float):
        found = _serial_to_date(float(raw))
        return found, found is not None
    text = _as_text(raw)
    try:
        if m := _DMY.match(text):
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            return dt.date(_two_digit_year(year) if len(m[3]) == 2 else year, month, day), True
        if m := _YMD.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), True
        if m := _D_MON_Y.match(text):
            month = _MONTHS.get(m[2][:3].lower())
            if month is None:
                return None, False
            return dt.date(int(m[3]), month, int(m[1])), True
    except ValueError:  # 31/02/2024 and the like
        return None, False
    if _NUMBER.match(text):
        found = _serial_to_date(float(text))
        return found, found is not None
    return None, False


def parse_bool(raw: object) -> tuple[bool | None, bool]:
    if is_blank(raw):
        return None, True
    if isinstance(raw, bool):
        return raw, True
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw), True
    key = normalise_text(_as_text(raw))
    if key in _TRUE:
        return True, True
    if key in _FALSE:
        return False, True
    if key in _UNKNOWN:
        return None, True
    return None, False


# The largest whole number a count can hold (the databases' integer): anything larger is a typing error, and
# would not fit a column of counts.
MAX_WHOLE_NUMBER = 2_147_483_647


def parse_int(raw: object) -> tuple[int | None, bool]:
    if is_blank(raw):
        return None, True
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = _as_text(raw)
        if not _NUMBER.match(text):
            return None, False
        value = float(text)
    if value < 0 or not value.is_integer() or value > MAX_WHOLE_NUMBER:
        return None, False
    return int(value), True


def parse_age(raw: object) -> tuple[int | None, bool]:
    """Ages come as whole years, or as fractional years from some exports; both are truncated."""
    if is_blank(raw):
        return None, True
    if isinstance(raw, bool):
        return None, False
    try:
        value = float(raw) if isinstance(raw, int | float) else float(_as_text(raw))
    except ValueError:
        return None, False
    if not 0 <= value < 26:
        return None, False
    return int(value), True


def parse_id(raw: object) -> tuple[str | None, bool]:
    """Identifiers are text. A number cell is written without a trailing '.0'; a date cell is wrong."""
    if is_blank(raw):
        return None, True
    if isinstance(raw, bool | dt.date | dt.datetime | dt.time | dt.timedelta):
        return None, False
    if isinstance(raw, float):
        return (str(int(raw)), True) if raw.is_integer() else (repr(raw), True)
    if isinstance(raw, int):
        return str(raw), True
    return _as_text(raw), True


def parse_text(raw: object) -> tuple[str | None, bool]:
    if is_blank(raw):
        return None, True
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), True
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y"), True
    return _as_text(raw), True


def code_parser(codes: CodeList) -> Callable[[object], tuple[str | None, bool]]:
    """Unknown codes are kept as written (nothing is lost) and flagged."""

    def parse(raw: object) -> tuple[str | None, bool]:
        if is_blank(raw):
            return None, True
        text = _as_text(raw)
        found = codes.parse(text)
        return (found, True) if found else (text, False)

    return parse


def _factorised(values, parser: Callable[[object], tuple[object, bool]]):
    # Factorise the raw object array itself: a Series would first infer a string dtype, slow to iterate.
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    if parser in (parse_id, parse_text) and all(type(u) is str for u in uniques):
        # The common case, identifiers and text as text cells: strip them in one pass.
        stripped = [u.strip().replace("\xa0", " ") for u in uniques]
        parsed = [(t or None, True) for t in stripped]
    else:
        parsed = [parser(u) for u in uniques]
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    bad[:-1] = [not p[1] for p in parsed]
    return codes, [p[0] for p in parsed], bad[codes]


def parse_column(values, parser: Callable[[object], tuple[object, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column by its distinct values. Returns the parsed values (an object array aligned with
    ``values``, None where blank) and a boolean array marking cells present but not valid."""
    codes, parsed, bad = _factorised(values, parser)
    out = np.empty(len(parsed) + 1, dtype=object)
    out[:-1] = parsed
    out[-1] = None  # code -1 (missing) indexes the last slot
    return out[codes], bad


_NAT_DAYS = np.iinfo(np.int64).min


def parse_date_column(values) -> tuple[np.ndarray, np.ndarray]:
    """Like ``parse_column`` for dates, returning a datetime64[ns] array (NaT where blank or invalid)."""
    codes, parsed, bad = _factorised(values, parse_date)
    days = np.empty(len(parsed) + 1, dtype=np.int64)
    days[:-1] = [(d - _EPOCH).days if d is not None else _NAT_DAYS for d in parsed]
    days[-1] = _NAT_DAYS
    out = days[codes].view("datetime64[D]")
    return out.astype("datetime64[ns]"), bad
