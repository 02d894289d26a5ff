"""The per-cell parsers in goldthread.core.annexa.values: each returns (value, ok), ok False when a
value is present but not of the expected kind."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from goldthread.core.annexa import codes as c
from goldthread.core.annexa.values import (
    code_parser,
    is_blank,
    parse_age,
    parse_bool,
    parse_column,
    parse_date,
    parse_date_column,
    parse_id,
    parse_int,
    parse_text,
)

D = dt.date
INVALID = (None, False)
BLANK = (None, True)
TODAY = dt.date.today()

# --------------------------------------------------------------------------- blanks


@pytest.mark.parametrize("raw", [None, "", "   ", "\t", float("nan")])
def test_blank_cells(raw):
    assert is_blank(raw)
    for parser in (parse_date, parse_bool, parse_int, parse_age, parse_id, parse_text, code_parser(c.GENDER)):
        assert parser(raw) == BLANK, parser


@pytest.mark.parametrize("raw", [0, 0.0, "0", False, "x"])
def test_not_blank(raw):
    assert not is_blank(raw)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("raw", "expected"), [
    (D(2021, 3, 31), D(2021, 3, 31)),
    (dt.datetime(2021, 3, 31, 23, 59), D(2021, 3, 31)),
    (pd.Timestamp("2021-03-31 10:00"), D(2021, 3, 31)),
    ("31/03/2021", D(2021, 3, 31)),
    ("1/3/2021", D(2021, 3, 1)),
    (" 01/03/2021 ", D(2021, 3, 1)),
    ("01-03-2021", D(2021, 3, 1)),
    ("01.03.2021", D(2021, 3, 1)),
    ("16/09/2020 00:00", D(2020, 9, 16)),
    ("16/09/2020 13:45:10", D(2020, 9, 16)),
    ("2020-09-16", D(2020, 9, 16)),
    ("2020-9-6", D(2020, 9, 6)),
    ("2020-09-16T13:45:00", D(2020, 9, 16)),
    ("2020-09-16 13:45:00", D(2020, 9, 16)),
    ("2020-09-16T13:45:00.123", D(2020, 9, 16)),
    ("2020-09-16T13:45:00Z", D(2020, 9, 16)),
    ("2020-09-16T13:45:00+01:00", D(2020, 9, 16)),
    ("16 Sep 2020", D(2020, 9, 16)),
    ("16-Sep-2020", D(2020, 9, 16)),
    ("16 September 2020", D(2020, 9, 16)),
    ("29/02/2024", D(2024, 2, 29)),
])
def test_parse_date_accepts(raw, expected):
    assert parse_date(raw) == (expected, True)


@pytest.mark.parametrize("raw", [
    "31/02/2024",  # no such day
    "29/02/2023",  # not a leap year
    "2024-02-30",
    "31/04/2021",
    "13/13/2021",
    "00/01/2021",
    "12/31/2021",  # month-first (US) is not accepted: there is no month 31
    "16 Foo 2020",
    "yesterday",
    "not known",
    True,
    False,
])
def test_parse_date_rejects(raw):
    assert parse_date(raw) == INVALID


def test_two_digit_years_pivot_on_next_year():
    this_year = TODAY.year % 100
    assert parse_date(f"01/02/{this_year:02d}") == (D(TODAY.year, 2, 1), True)
    next_year = (TODAY.year + 1) % 100
    assert parse_date(f"01/02/{next_year:02d}") == (D(TODAY.year + 1, 2, 1), True)
    after = (TODAY.year + 2) % 100
    assert parse_date(f"01/02/{after:02d}")[0].year == TODAY.year + 2 - 100
    assert parse_date("16/09/85") == (D(1985, 9, 16), True)
    assert parse_date("16/09/05") == (D(2005, 9, 16), True)
    assert parse_date("31/02/20") == INVALID


@pytest.mark.parametrize(("raw", "expected"), [
    (44197, D(2021, 1, 1)),
    (44197.0, D(2021, 1, 1)),
    (44197.99, D(2021, 1, 1)),  # a time of day is dropped
    ("44197", D(2021, 1, 1)),  # numeric text, as in a CSV
    (" 44197.5 ", D(2021, 1, 1)),
    (61, D(1900, 3, 1)),
    (np.float64(44197.0), D(2021, 1, 1)),
])
def test_excel_serial_dates(raw, expected):
    assert parse_date(raw) == (expected, True)


@pytest.mark.parametrize(("raw", "expected"), [
    (61, (D(1900, 3, 1), True)),  # the first serial after Excel's phantom 29/02/1900
    (60, INVALID),  # Excel's 29/02/1900, a day that never was
    (1, INVALID),  # before March 1900 Excel's serials are a day out, and no case dates are that old
    (73050, (D(2099, 12, 31), True)),
    (0, INVALID),
    (0.5, INVALID),
    (-1, INVALID),
    (73051, INVALID),  # 01/01/2100, past the documented range
    (9212044, INVALID),  # an identifier in a date column
    ("9212044", INVALID),
    ("-44197", INVALID),
])
def test_serial_range_is_1_mar_1900_to_31_dec_2099(raw, expected):
    """values.py documents the accepted serials as 61 (1 March 1900) to 73050 (31 December 2099)."""
    assert parse_date(raw) == expected


# --------------------------------------------------------------------------- booleans


@pytest.mark.parametrize(("raw", "expected"), [
    ("Yes", True), ("YES", True), ("yes", True), (" Yes ", True), ("Yes\xa0", True), ("Y", True), ("y", True),
    ("True", True), ("TRUE", True), ("true", True), ("a) Yes", True), ("A) YES", True), ("a)Yes", True),
    ("No", False), ("NO", False), (" no", False), ("N", False), ("n", False), ("False", False),
    ("FALSE", False), ("b) No", False), ("B) no ", False),
    ("Unknown", None), ("UNKNOWN", None), (" unknown ", None), ("c) Unknown", None), ("Not known", None),
    (True, True), (False, False), (1, True), (0, False), (1.0, True), (0.0, False), ("1", True), ("0", False),
])
def test_parse_bool_accepts(raw, expected):
    assert parse_bool(raw) == (expected, True)


@pytest.mark.parametrize("raw", ["Maybe", "CS Assessment Updated", "Yes please", "2", 2, 0.5, "d) Other",
                                 D(2021, 1, 1)])
def test_parse_bool_rejects(raw):
    assert parse_bool(raw) == INVALID


# --------------------------------------------------------------------------- whole numbers and ages


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), (3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3.0", 3),
                                               ("12", 12), (np.int64(4), 4)])
def test_parse_int_accepts(raw, expected):
    assert parse_int(raw) == (expected, True)


@pytest.mark.parametrize("raw", [-1, "-1", 2.5, "2.5", "three", "3 times", True, False, "1,234", D(2021, 1, 1)])
def test_parse_int_rejects(raw):
    assert parse_int(raw) == INVALID


@pytest.mark.parametrize(("raw", "expected"), [
    (0, 0), (6, 6), (6.138261464750171, 6), (6.99, 6), ("12", 12), ("12.7", 12), (" 7 ", 7), (25, 25),
    (25.999, 25), (0.19, 0), ("0", 0),
])
def test_parse_age_truncates_fractional_years(raw, expected):
    assert parse_age(raw) == (expected, True)


@pytest.mark.parametrize("raw", [26, 26.0, "26", 30, 99, -1, "-1", -0.5, "six", "6 years", True, "inf", "nan",
                                 D(2015, 1, 1)])
def test_parse_age_rejects_26_or_over_negative_and_non_numbers(raw):
    assert parse_age(raw) == INVALID


# --------------------------------------------------------------------------- identifiers and text


@pytest.mark.parametrize(("raw", "expected"), [
    ("000123", "000123"),
    (" 000123 ", "000123"),
    (9212044.0, "9212044"),
    (9212044, "9212044"),
    (np.float64(9212044.0), "9212044"),
    ("9212044", "9212044"),
    ("AB-12/3", "AB-12/3"),
    (12345678901234.0, "12345678901234"),
    ("0", "0"),
    (0, "0"),
])
def test_parse_id_keeps_identifiers_as_text(raw, expected):
    assert parse_id(raw) == (expected, True)


@pytest.mark.parametrize("raw", [D(2020, 1, 1), dt.datetime(2020, 1, 1, 9, 30), pd.Timestamp("2020-01-01"),
                                 dt.time(9, 30), dt.timedelta(days=3), True, False])
def test_parse_id_rejects_dates_and_booleans(raw):
    assert parse_id(raw) == INVALID


@pytest.mark.parametrize(("raw", "expected"), [("Ann Smith", "Ann Smith"), (" Ann\xa0Smith ", "Ann Smith"),
                                               (3.0, "3"), (D(2021, 1, 2), "02/01/2021"), ("T28 2WB", "T28 2WB")])
def test_parse_text(raw, expected):
    assert parse_text(raw) == (expected, True)


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(("codes", "raw", "expected"), [
    (c.ETHNICITY, "a) WBRI", "WBRI"),
    (c.ETHNICITY, "WBRI", "WBRI"),
    (c.ETHNICITY, "wbri", "WBRI"),
    (c.ETHNICITY, " s) NOBT ", "NOBT"),
    (c.ETHNICITY, "White British", "WBRI"),
    (c.ETHNICITY, "k) APKN", "APKN"),
    (c.GENDER, "Female", "F"),
    (c.GENDER, "b) Female", "F"),
    (c.GENDER, "female", "F"),
    (c.GENDER, "a) Male", "M"),
    (c.GENDER, "M", "M"),
    (c.GENDER, "c) Not stated/recorded", "U"),
    (c.GENDER, "d) Neither", "N"),
    (c.SOURCE, "q) 6: Police", "6"),
    (c.SOURCE, "a) 1A: Individual", "1A"),
    (c.SOURCE, "u) 10: Unknown", "10"),
    (c.SOURCE, "6", "6"),
    (c.SOURCE, "Police", "6"),
    (c.SOURCE, "e) 2A: Schools", "2A"),
    (c.PLACEMENT_TYPE, "c) U3: Foster placement - relative", "U3"),
    (c.PLACEMENT_TYPE, "f) U6: Foster placement - not FFA", "U6"),
    (c.PLACEMENT_TYPE, "U3", "U3"),
    (c.PLACEMENT_PROVIDER, "e) PR4 - Private provision", "PR4"),
    (c.PLACEMENT_PROVIDER, "b) PR1 - Own provision", "PR1"),
    (c.PRIMARY_NEED, "N1 - Abuse or Neglect", "N1"),
    (c.PRIMARY_NEED, "Abuse or neglect", "N1"),
    (c.LEGAL_STATUS, "C2: FCO", "C2"),
    (c.LEGAL_STATUS, "E1: Placement order", "E1"),
    (c.REASON_CEASED, "a) E11: Adopted - application unopposed", "E11"),
    (c.ACTIVITY, "F1: Full time in higher education", "F1"),
])
def test_code_parser_recognises_lettered_bare_and_labelled_codes(codes, raw, expected):
    assert code_parser(codes)(raw) == (expected, True)


@pytest.mark.parametrize(("codes", "raw", "expected"), [
    (c.SOURCE, 6, "6"),
    (c.SOURCE, 6.0, "6"),  # a bare numeric code typed into Excel is a number cell
    (c.SOURCE, 10.0, "10"),
    (c.SOURCE, 4.0, "4"),
    (c.GENDER, 2.0, "F"),
])
def test_code_parser_reads_numeric_codes_from_number_cells(codes, raw, expected):
    assert code_parser(codes)(raw) == (expected, True)


@pytest.mark.parametrize(("codes", "raw"), [
    (c.PRIMARY_NEED, "PSRMEM - Support with memory and cognition"),
    (c.ETHNICITY, "Martian"),
    (c.SOURCE, "Z9: Carrier pigeon"),
    (c.PLACEMENT_TYPE, "q) ZZ9: Somewhere"),
])
def test_code_parser_keeps_unknown_codes_as_written(codes, raw):
    assert code_parser(codes)(raw) == (raw, False)
    assert code_parser(codes)(f"  {raw} ") == (raw, False)


# --------------------------------------------------------------------------- whole columns


def test_parse_column_aligns_values_and_flags_bad_cells():
    values = pd.Series(["Yes", None, "maybe", "Yes", float("nan"), "b) No", "maybe", ""], dtype=object)
    out, bad = parse_column(values, parse_bool)
    assert list(out) == [True, None, None, True, None, False, None, None]
    assert list(bad) == [False, False, True, False, False, False, True, False]
    assert len(out) == len(bad) == len(values)


def test_parse_column_with_code_parser():
    values = pd.Series(["a) WBRI", "Martian", "WBRI", None], dtype=object)
    out, bad = parse_column(values, code_parser(c.ETHNICITY))
    assert list(out) == ["WBRI", "Martian", "WBRI", None]
    assert list(bad) == [False, True, False, False]


def test_parse_column_identifiers():
    values = pd.Series(["000123", 9212044.0, D(2020, 1, 1), "000123", None], dtype=object)
    out, bad = parse_column(values, parse_id)
    assert list(out) == ["000123", "9212044", None, "000123", None]
    assert list(bad) == [False, False, True, False, False]


def test_parse_column_empty():
    out, bad = parse_column(pd.Series([], dtype=object), parse_int)
    assert len(out) == 0 and len(bad) == 0


def test_parse_date_column():
    values = pd.Series([D(2021, 1, 1), "02/01/2021", None, "31/02/2024", 44197.0, "", "2021-01-03T08:00:00",
                        D(1960, 5, 5), "02/01/2021"], dtype=object)
    out, bad = parse_date_column(values)
    assert out.dtype == np.dtype("datetime64[ns]")
    expected = ["2021-01-01", "2021-01-02", "NaT", "NaT", "2021-01-01", "NaT", "2021-01-03", "1960-05-05",
                "2021-01-02"]
    assert [str(v)[:10] if not np.isnat(v) else "NaT" for v in out] == expected
    assert list(bad) == [False, False, False, True, False, False, False, False, False]


def test_parse_date_column_all_blank():
    out, bad = parse_date_column(pd.Series([None, "", None], dtype=object))
    assert np.isnat(out).all() and not bad.any()
