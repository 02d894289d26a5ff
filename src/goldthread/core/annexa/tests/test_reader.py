"""read_annex_a: Annex A as councils really send it.

Every fixture is built here, in tmp_path, from plain ``{sheet name: rows}`` mappings, so each test
shows the cells it feeds the reader. Rows are lists of Python values: str and numbers are written as
text and number cells, ``datetime.date``/``datetime.datetime`` as real date cells, None as an empty
cell. CSV fixtures write the same values the way an export does (dates as dd/mm/yyyy).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
import python_calamine
import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from goldthread.core.annexa import spec as S
from goldthread.core.annexa.dates import date_in_name, date_saved, supported_latest_date
from goldthread.core.annexa.issues import ERROR, WARNING, Issue, UnreadableFile
from goldthread.core.annexa.reader import MAX_ZIP_MEMBERS, AnnexA, read_annex_a

D = dt.date
EXTRACT = D(2021, 3, 31)

Rows = list[list[object]]
Sheets = dict[str, Rows]

# --------------------------------------------------------------------------- fixture builders


def write_xlsx(path: Path, sheets: Sheets) -> Path:
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy",
                                           "strings_to_numbers": False, "strings_to_formulas": False})
    datetime_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, datetime_format)
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def write_xls(path: Path, sheets: Sheets) -> Path:
    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: Sheets) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.isoformat()))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def csv_cell(value: object) -> str:
    """A cell as a CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_bytes(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[csv_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def write_csv_folder(folder: Path, files: Sheets) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (folder / (name if name.lower().endswith(".csv") else f"{name}.csv")).write_bytes(csv_bytes(rows))
    return folder


def write_csv_zip(path: Path, files: Sheets, folder_inside: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in files.items():
            zf.writestr(folder_inside + (name if name.lower().endswith(".csv") else f"{name}.csv"), csv_bytes(rows))
    return path


WRITERS = {
    "xlsx": lambda tmp, sheets: write_xlsx(tmp / "annex.xlsx", sheets),
    "xls": lambda tmp, sheets: write_xls(tmp / "annex.xls", sheets),
    "ods": lambda tmp, sheets: write_ods(tmp / "annex.ods", sheets),
    "csv folder": lambda tmp, sheets: write_csv_folder(tmp / "annex", sheets),
    "csv zip": lambda tmp, sheets: write_csv_zip(tmp / "annex.zip", sheets, folder_inside="Annex A/"),
}


def subdir(tmp_path: Path, name: str) -> Path:
    path = tmp_path / re.sub(r"\W+", "_", name)
    path.mkdir()
    return path


def read(tmp_path: Path, sheets: Sheets, *, fmt: str = "xlsx", extract_date: dt.date | None = EXTRACT,
         **kwargs) -> AnnexA:
    """Write ``sheets`` in ``fmt`` and read it back."""
    return read_annex_a(WRITERS[fmt](tmp_path, sheets), extract_date=extract_date, **kwargs)


def issues(annex: AnnexA, kind: str | None = None, list_number: int | None = None,
           severity: str | None = None) -> list[Issue]:
    return [i for i in annex.issues
            if (kind is None or i.kind == kind) and (list_number is None or i.list_number == list_number)
            and (severity is None or i.severity == severity)]


def only_issue(annex: AnnexA, kind: str, list_number: int | None = None) -> Issue:
    found = issues(annex, kind, list_number)
    assert len(found) == 1, f"expected one {kind} issue, got {found}"
    return found[0]


def column_values(annex: AnnexA, number: int, name: str) -> list:
    """A table column as plain Python values: dates as datetime.date, blanks as None."""
    series = annex.table(number)[name]
    out = []
    for value in series.tolist():
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
            out.append(None)
        elif isinstance(value, pd.Timestamp):
            out.append(value.date())
        else:
            out.append(value)
    return out


def official_header(number: int, *names: str) -> list[str]:
    """Ofsted's headers for list ``number`` (all columns, or the canonical names given)."""
    spec = S.BY_NUMBER[number]
    return [c.header for c in spec.columns] if not names else [spec.column(n).header for n in names]


# --------------------------------------------------------------------------- the content used across tests

L1_HEADER = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
             "Contact Source"]
L3_HEADER = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral",
             "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
             "Allocated Worker"]
L8_HEADER = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
             "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
             "Does the Child have a Disability", "Date Started to be Looked After", "Child\u2019s Category of Need",
             "Child's Legal Status", "Placement Type", "Placement Provider",
             "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months",
             "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months",
             "Allocated Worker"]


def small_annex() -> Sheets:
    """Three lists written the ways councils write them."""
    return {
        "List 1": [
            L1_HEADER,
            ["000123", "b) Female", "a) WBRI", D(2015, 1, 25), 6, D(2021, 3, 1), "q) 6: Police"],
            [9212044, "Male", "WBRI", D(2010, 5, 5), 10.7, D(2021, 2, 1), "a) 1A: Individual"],
            ["C-77", "c) Not stated/recorded", "s) NOBT", None, None, D(2021, 1, 15), "e) 2A: Schools"],
        ],
        "List 3": [
            L3_HEADER,
            ["000123", "F", "MWBC", D(2012, 4, 4), 8, D(2021, 1, 15), "e) 2A: Schools", "No", 0, "Duty",
             "Ann Smith"],
            ["A2", "a) Male", "k) APKN", None, None, D(2021, 2, 20), "Police", "a) Yes", 2, "Duty", "Bob Jones"],
        ],
        "List 8": [
            L8_HEADER,
            [9212044, "Male", "WBRI", D(2010, 5, 5), 10, "b) No", "a) Yes", D(2019, 6, 1), "N1 - Abuse or Neglect",
             "C2: FCO", "c) U3: Foster placement - relative", "e) PR4 - Private provision", 2, 0, "Eve Park"],
        ],
    }


# --------------------------------------------------------------------------- 1. formats


@pytest.mark.parametrize("fmt", ["xls", "ods", "csv folder", "csv zip"])
def test_every_format_gives_the_same_tables_as_xlsx(tmp_path, fmt):
    sheets = small_annex()
    expected = read(subdir(tmp_path, "xlsx"), sheets)
    annex = read(subdir(tmp_path, fmt), sheets, fmt=fmt)
    for number in range(1, 12):
        pd.testing.assert_frame_equal(annex.table(number), expected.table(number), obj=f"{fmt} List {number}")

    def comparable(a: AnnexA):
        return [(i.severity, i.kind, i.list_number, i.row, i.column, i.value) for i in a.issues]

    assert comparable(annex) == comparable(expected)
    assert sorted(annex.found) == [1, 3, 8]


def test_xlsx_tables_hold_the_canonical_values(tmp_path):
    annex = read(tmp_path, small_annex())
    assert annex.row_counts[1] == 3 and annex.row_counts[3] == 2 and annex.row_counts[8] == 1
    assert column_values(annex, 1, "child_id") == ["000123", "9212044", "C-77"]
    assert column_values(annex, 1, "gender") == ["F", "M", "U"]
    assert column_values(annex, 1, "ethnicity") == ["WBRI", "WBRI", "NOBT"]
    assert column_values(annex, 1, "age") == [6, 10, None]
    assert column_values(annex, 1, "contact_date") == [D(2021, 3, 1), D(2021, 2, 1), D(2021, 1, 15)]
    assert column_values(annex, 1, "contact_source") == ["6", "1A", "2A"]
    assert column_values(annex, 1, "row_number") == [2, 3, 4]
    assert column_values(annex, 3, "referral_source") == ["2A", "6"]
    assert column_values(annex, 3, "referral_nfa") == [False, True]
    assert column_values(annex, 3, "referrals_last_12m") == [0, 2]
    expected_l8 = {"child_id": "9212044", "uasc": False, "disability": True, "category_of_need": "N1",
                   "legal_status": "C2", "placement_type": "U3", "placement_provider": "PR4",
                   "missing_episodes_12m": 2, "absent_episodes_12m": 0, "allocated_worker": "Eve Park"}
    assert {name: column_values(annex, 8, name)[0] for name in expected_l8} == expected_l8


def test_a_single_csv_file_is_read(tmp_path):
    path = tmp_path / "list_1_contacts.csv"
    path.write_bytes(csv_bytes(small_annex()["List 1"]))
    annex = read_annex_a(path, extract_date=EXTRACT)
    assert annex.found == {1: "list_1_contacts.csv"}
    assert column_values(annex, 1, "child_id") == ["000123", "9212044", "C-77"]


def test_csv_with_bom_semicolons_and_windows_encoding(tmp_path):
    text = "\ufeffChild Unique ID;Gender;Date of Contact;Allocated\n001;F;01/02/2021;Zo\xeb\n"
    folder = tmp_path / "csvs"
    folder.mkdir()
    (folder / "List 1.csv").write_bytes(text.encode("utf-8"))
    (folder / "List 3.csv").write_bytes(
        "Child Unique ID;Gender;Date of Referral;Allocated Worker\n002;F;01/02/2021;Zo\xeb\n".encode("cp1252"))
    annex = read_annex_a(folder, extract_date=EXTRACT)
    assert column_values(annex, 1, "child_id") == ["001"]
    assert column_values(annex, 1, "contact_date") == [D(2021, 2, 1)]
    assert annex.table(1)["extra"].iloc[0] == {"Allocated": "Zo\xeb"}
    assert column_values(annex, 3, "allocated_worker") == ["Zo\xeb"]


# --------------------------------------------------------------------------- 2. finding lists

L1_MINIMAL = [["Child Unique ID", "Gender", "Date of Contact"], ["1", "F", D(2021, 1, 5)]]
L10_MINIMAL = [["Child Unique ID", "Gender", "Date the Child Entered Care"], ["10", "M", D(2020, 2, 2)],
               ["11", "M", D(2020, 3, 3)]]
L11_MINIMAL = [["Individual adopter identifier", "Gender", "Date enquiry received"], ["A", "F", D(2020, 4, 4)],
               ["B", "F", D(2020, 5, 5)], ["C", "M", D(2020, 6, 6)]]


@pytest.mark.parametrize("name", ["List 1", "list_1", "LIST1", "L1 Contacts", "List 1 - Contacts", "Contacts",
                                  "List 01"])
def test_list_1_found_by_sheet_name(tmp_path, name):
    # These headers alone are too few to identify the list: the sheet name must do it.
    annex = read(tmp_path, {name: L1_MINIMAL})
    assert annex.found == {1: name}
    assert column_values(annex, 1, "child_id") == ["1"]
    assert not issues(annex, "unrecognised_sheet")


def minimal_list(number: int) -> Rows:
    """Too few columns for the headers alone to say which list this is."""
    spec = S.BY_NUMBER[number]
    required = [c.header for c in spec.columns if c.required]
    return [[required[0], "Gender", "Ethnicity", *required[1:]], ["X1", "F", "WBRI"] + [D(2020, 1, 1)] * (
        len(required) - 1)]


@pytest.mark.parametrize(("name", "number"), [
    ("Early help", 2), ("Referrals", 3), ("Assessments", 4), ("Section 47", 5), ("Children in need", 6),
    ("Child protection", 7), ("Children in care", 8), ("Looked after children", 8), ("Care leavers", 9),
    ("Adoption", 10), ("Adopters", 11), ("List 3 - Referrals", 3), ("L8 CLA", 8), ("List_09", 9),
    ("Contacts 2020-21", 1),
])
def test_lists_found_by_the_words_in_their_sheet_name(tmp_path, name, number):
    annex = read(tmp_path, {name: minimal_list(number)})
    assert annex.found == {number: name}
    assert annex.row_counts[number] == 1


def test_lists_10_and_11_are_not_confused_with_list_1(tmp_path):
    annex = read(tmp_path, {"List 10": L10_MINIMAL, "List 11": L11_MINIMAL, "List 1": L1_MINIMAL})
    assert annex.found == {1: "List 1", 10: "List 10", 11: "List 11"}
    assert annex.row_counts[1] == 1 and annex.row_counts[10] == 2 and annex.row_counts[11] == 3
    assert not issues(annex, severity=ERROR)
    assert not issues(annex, "duplicate_list")


def test_lists_10_and_11_without_list_1(tmp_path):
    annex = read(tmp_path, {"List 10 - Adoption": L10_MINIMAL, "List 11 - Adopters": L11_MINIMAL})
    assert annex.found == {10: "List 10 - Adoption", 11: "List 11 - Adopters"}
    assert annex.row_counts[1] == 0
    assert only_issue(annex, "missing_list", 1).severity == WARNING


@pytest.mark.parametrize("fmt", ["xlsx", "csv folder"])
def test_a_list_without_a_list_name_is_found_by_its_headers(tmp_path, fmt):
    sheets = {"Sheet1": small_annex()["List 3"], "Export (2)": small_annex()["List 8"],
              "Data": small_annex()["List 1"]}
    annex = read(tmp_path, sheets, fmt=fmt)
    suffix = ".csv" if fmt == "csv folder" else ""
    assert annex.found == {3: "Sheet1" + suffix, 8: "Export (2)" + suffix, 1: "Data" + suffix}
    assert annex.row_counts[3] == 2 and annex.row_counts[8] == 1 and annex.row_counts[1] == 3
    assert not issues(annex, "unrecognised_sheet")


def test_early_help_assessments_sheet_is_list_2(tmp_path):
    rows = [official_header(2), ["7", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), D(2021, 2, 1), "School"]]
    annex = read(tmp_path, {"Early Help Assessments": rows})
    assert annex.found == {2: "Early Help Assessments"}


def test_an_unrecognised_sheet_is_a_warning_and_skipped(tmp_path):
    sheets = {"Notes": [["Annex A return for Ofsted"], ["Prepared by the performance team on 31/03/2021"]],
              **small_annex()}
    annex = read(tmp_path, sheets)
    warning = only_issue(annex, "unrecognised_sheet")
    assert warning.severity == WARNING
    assert warning.sheet == "Notes"
    assert "Notes" in warning.message
    assert "Notes" not in annex.found.values()
    assert annex.row_counts[1] == 3


def test_a_second_sheet_for_the_same_list_is_a_warning(tmp_path):
    annex = read(tmp_path, {"List 1": L1_MINIMAL, "List 1 (old)": L1_MINIMAL + [["2", "M", D(2020, 1, 1)]]})
    assert annex.found == {1: "List 1"}
    assert annex.row_counts[1] == 1
    warning = only_issue(annex, "duplicate_list", 1)
    assert (warning.severity, warning.sheet) == (WARNING, "List 1 (old)")


def test_mac_resource_files_in_a_zip_are_ignored(tmp_path):
    path = write_csv_zip(tmp_path / "annex.zip", {"List 1.csv": L1_MINIMAL}, folder_inside="Annex A/")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("__MACOSX/Annex A/._List 1.csv", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
        zf.writestr("Annex A/~$List 3.csv", b"\x00lock")
    annex = read_annex_a(path, extract_date=EXTRACT)
    assert annex.found == {1: "List 1.csv"}
    assert not issues(annex, "unrecognised_sheet")


def test_display_name_is_the_source_name(tmp_path):
    path = write_xlsx(tmp_path / "tmp_upload_8f3a.xlsx", small_annex())
    annex = read_annex_a(path, extract_date=EXTRACT, display_name="Annex A March 2021.xlsx")
    assert annex.source_name == "Annex A March 2021.xlsx"


def test_csv_files_are_found_by_their_names(tmp_path):
    files = {"list_3_referrals.csv": [["Child Unique ID", "Gender", "Date of Referral"], ["3", "F", D(2021, 1, 1)]],
             "List 1 - Contacts.csv": L1_MINIMAL,
             "annex_a_list_10.csv": L10_MINIMAL,
             "L11 adopters.csv": L11_MINIMAL}
    for fmt in ("csv folder", "csv zip"):
        annex = read(subdir(tmp_path, fmt), files, fmt=fmt)
        assert annex.found == {3: "list_3_referrals.csv", 1: "List 1 - Contacts.csv", 10: "annex_a_list_10.csv",
                               11: "L11 adopters.csv"}, fmt
        assert annex.row_counts[3] == 1 and annex.row_counts[10] == 2 and annex.row_counts[11] == 3


# --------------------------------------------------------------------------- 3. headers


def test_headers_match_whatever_their_case_spacing_and_punctuation(tmp_path):
    sheets = {
        "List 1": [["  CHILD UNIQUE ID ", "gender", "ETHNICITY", "date of birth", "Age", "Date of contact:",
                    "contact  source"],
                   ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"]],
        "List 3": [["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of child (years)",
                    "Date of referral", "Referral Source", "Referral NFA", "Number of referrals in last 12 months",
                    "Allocated team", "Allocated worker"],
                   ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 2), "6", "N", 1, "T", "W"]],
        "List 8": [L8_HEADER, small_annex()["List 8"][1]],
    }
    annex = read(tmp_path, sheets)
    assert not issues(annex, "extra_columns")
    assert {i.list_number for i in issues(annex, "missing_column")} == {8}  # List 8 is a partial header
    assert column_values(annex, 1, "contact_source") == ["6"]
    assert column_values(annex, 1, "age") == [6]
    assert column_values(annex, 3, "referral_date") == [D(2021, 1, 2)]
    assert column_values(annex, 3, "age") == [6]
    assert column_values(annex, 8, "uasc") == [False]
    assert column_values(annex, 8, "category_of_need") == ["N1"]
    assert column_values(annex, 8, "missing_episodes_12m") == [2]
    assert column_values(annex, 8, "absent_episodes_12m") == [0]


def test_full_list_8_header_with_doubled_bracket_and_curly_quotes(tmp_path):
    header = official_header(8)
    header[header.index(S.L8.column("uasc").header)] += ")"
    for name in ("missing_episodes_12m", "absent_episodes_12m"):
        index = header.index(S.L8.column(name).header)
        header[index] = re.sub(r"'(\w+)'", "\u2018\\1\u2019", header[index])
    assert "(Y/N))" in header[5] and "\u2018Missing\u2019" in header[28] and "\u2018Absent\u2019" in header[29]
    row = ["1", "F", "WBRI", D(2010, 1, 1), 11, "Yes", "No", D(2020, 1, 1)] + [None] * (len(header) - 8)
    row[28], row[29], row[-1] = 4, 1, "Wendy Lu"
    annex = read(tmp_path, {"List 8": [header, row]})
    assert not issues(annex, "missing_column")
    assert not issues(annex, "extra_columns")
    assert not issues(annex, "bad_value")
    assert column_values(annex, 8, "uasc") == [True]
    assert column_values(annex, 8, "missing_episodes_12m") == [4]
    assert column_values(annex, 8, "absent_episodes_12m") == [1]
    assert column_values(annex, 8, "allocated_worker") == ["Wendy Lu"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv folder"])
def test_title_rows_above_the_header_keep_the_row_numbers_the_user_sees(tmp_path, fmt):
    rows = [["Ofsted Annex A - List 1: Contacts"],
            ["OFFICIAL-SENSITIVE. Extract run 31/03/2021"],
            L1_HEADER,
            ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"],
            ["2", "F", "WBRI", D(2015, 1, 1), 6, "not a date", "6"]]
    width = len(L1_HEADER)
    sheets = {"List 1": [r + [None] * (width - len(r)) for r in rows]}
    annex = read(tmp_path, sheets, fmt=fmt)
    assert column_values(annex, 1, "row_number") == [4]
    error = only_issue(annex, "bad_value", 1)
    assert error.row == 5
    assert error.column == "Date of Contact"


def test_blank_rows_and_a_blank_first_column_above_the_header(tmp_path):
    # header on row 3 of the sheet, starting in column B; rows 1 and 2 empty
    rows = [[], [], [None, *L1_HEADER], [None, "1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"]]
    annex = read(tmp_path, {"List 1": rows})
    assert column_values(annex, 1, "row_number") == [4]
    assert column_values(annex, 1, "child_id") == ["1"]
    assert annex.table(1)["extra"].iloc[0] is None


def test_one_title_row(tmp_path):
    rows = [["List 1 - Contacts"], L1_HEADER, ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"]]
    annex = read(tmp_path, {"List 1": rows})
    assert column_values(annex, 1, "row_number") == [3]


def test_extra_columns_are_kept_aside_and_reported_once_per_list(tmp_path):
    sheets = {
        "List 1": [[*L1_HEADER, "Locality", "Notes"],
                   ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6", "North", "called twice"],
                   ["2", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 2), "6", None, None],
                   ["3", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 3), "6", "South", D(2021, 1, 4)]],
        "List 3": [[*L3_HEADER, "Locality"], [*small_annex()["List 3"][1], "East"]],
    }
    annex = read(tmp_path, sheets)
    extras = annex.table(1)["extra"].tolist()
    assert extras[0] == {"Locality": "North", "Notes": "called twice"}
    assert extras[1] is None or extras[1] == {}
    assert extras[2] == {"Locality": "South", "Notes": "04/01/2021"}
    assert "Locality" not in annex.table(1).columns
    warning = only_issue(annex, "extra_columns", 1)
    assert warning.severity == WARNING
    assert "Locality" in warning.message and "Notes" in warning.message
    assert only_issue(annex, "extra_columns", 3).severity == WARNING
    assert annex.table(3)["extra"].tolist() == [{"Locality": "East"}]


def test_a_missing_optional_column_is_a_warning_and_the_column_is_blank(tmp_path):
    header = [h for h in L1_HEADER if h != "Contact Source"]
    rows = [header, ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1)]]
    annex = read(tmp_path, {"List 1": rows})
    warning = only_issue(annex, "missing_column", 1)
    assert warning.severity == WARNING
    assert "Contact Source" in warning.message
    assert "contact_source" in annex.table(1).columns
    assert column_values(annex, 1, "contact_source") == [None]
    assert annex.row_counts[1] == 1


@pytest.mark.parametrize(("number", "missing"), [(1, "Child Unique ID"), (1, "Date of Contact"),
                                                 (3, "Date of Referral"), (3, "Child Unique ID")])
def test_a_missing_required_column_is_an_error_and_the_list_is_not_used(tmp_path, number, missing):
    sheets = small_annex()
    name = f"List {number}"
    position = sheets[name][0].index(missing)
    sheets[name] = [[c for i, c in enumerate(r) if i != position] for r in sheets[name]]
    annex = read(tmp_path, sheets)
    error = only_issue(annex, "missing_column", number)
    assert error.severity == ERROR
    assert error.column == missing
    assert error.sheet == name
    assert missing in error.message
    assert annex.row_counts[number] == 0
    assert list(annex.table(number).columns) == ["row_number", *S.BY_NUMBER[number].names, "extra"]
    other = 3 if number == 1 else 1
    assert annex.row_counts[other] > 0  # the other lists are still read


# --------------------------------------------------------------------------- 4. values


def test_codes_in_every_style(tmp_path):
    rows = [L1_HEADER,
            ["1", "a) Male", "a) WBRI", None, None, D(2021, 1, 1), "q) 6: Police"],
            ["2", "Female", "WBRI", None, None, D(2021, 1, 1), "a) 1A: Individual"],
            ["3", "b) Female", "k) APKN", None, None, D(2021, 1, 1), "u) 10: Unknown"],
            ["4", "F", "Pakistani", None, None, D(2021, 1, 1), "6"],
            ["5", "m", "wbri", None, None, D(2021, 1, 1), "Police"]]
    l8 = [["Child Unique ID", "Date Started to be Looked After", "Placement Type", "Placement Provider",
           "Child's Legal Status"],
          ["1", D(2020, 1, 1), "c) U3: Foster placement - relative", "e) PR4 - Private provision", "C2: FCO"],
          ["2", D(2020, 1, 1), "U6", "PR1", "e) Accommodated under S20"],
          ["3", D(2020, 1, 1), "k) P1: Placed with parents", "b) PR1 - Own provision", "E1: Placement order"]]
    annex = read(tmp_path, {"List 1": rows, "List 8": l8})
    assert column_values(annex, 1, "gender") == ["M", "F", "F", "F", "M"]
    assert column_values(annex, 1, "ethnicity") == ["WBRI", "WBRI", "APKN", "APKN", "WBRI"]
    assert column_values(annex, 1, "contact_source") == ["6", "1A", "10", "6", "6"]
    assert column_values(annex, 8, "placement_type") == ["U3", "U6", "P1"]
    assert column_values(annex, 8, "placement_provider") == ["PR4", "PR1", "PR1"]
    assert column_values(annex, 8, "legal_status") == ["C2", "V2", "E1"]
    assert not issues(annex, "unknown_code")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_bare_numeric_codes_typed_into_number_cells(tmp_path, fmt):
    # Typing 6 (Police) or 10 (Unknown) into Excel makes a number cell, not text.
    rows = [L1_HEADER, ["1", "F", "WBRI", None, None, D(2021, 1, 1), 6],
            ["2", "F", "WBRI", None, None, D(2021, 1, 2), 10], ["3", "F", "WBRI", None, None, D(2021, 1, 3), 4]]
    annex = read(tmp_path, {"List 1": rows}, fmt=fmt)
    assert column_values(annex, 1, "contact_source") == ["6", "10", "4"]
    assert not issues(annex, "unknown_code")


BOOLS = [("Yes", True), ("No", False), ("Y", True), ("N", False), ("True", True), ("False", False),
         ("Unknown", None), ("YES", True), ("no", False), ("y", True), ("n", False), ("TRUE", True),
         ("false", False), ("UNKNOWN", None), ("a) Yes", True), ("b) No", False), ("c) Unknown", None),
         (" yes ", True), ("A) YES", True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv folder"])
def test_yes_no_unknown_in_any_case(tmp_path, fmt):
    rows = [["Child Unique ID", "Gender", "Date of Referral", "Referral NFA?"]]
    rows += [[str(i), "F", D(2021, 1, 1), raw] for i, (raw, _) in enumerate(BOOLS)]
    annex = read(tmp_path, {"List 3": rows}, fmt=fmt)
    assert column_values(annex, 3, "referral_nfa") == [expected for _, expected in BOOLS]
    assert not issues(annex, "bad_value")


def test_real_boolean_cells(tmp_path):
    rows = [["Child Unique ID", "Gender", "Date of Referral", "Referral NFA?"], ["1", "F", D(2021, 1, 1), True],
            ["2", "F", D(2021, 1, 1), False]]
    annex = read(tmp_path, {"List 3": rows})
    assert column_values(annex, 3, "referral_nfa") == [True, False]


DATES_XLSX = [
    (44197, D(2021, 1, 1)),  # an Excel serial in a number cell formatted General
    (44198.75, D(2021, 1, 2)),  # a serial with a time of day
    ("03/01/2021", D(2021, 1, 3)),
    ("4/1/2021", D(2021, 1, 4)),
    ("2021-01-05", D(2021, 1, 5)),
    ("2021-01-06T09:15:00", D(2021, 1, 6)),
    ("2021-01-07 09:15:00", D(2021, 1, 7)),
    (D(2021, 1, 8), D(2021, 1, 8)),  # a real date cell
    (dt.datetime(2021, 1, 9, 14, 30), D(2021, 1, 9)),  # a real date-time cell
]


def test_dates_in_every_style_in_xlsx(tmp_path):
    rows = [["Child Unique ID", "Gender", "Date of Contact"]]
    rows += [[str(i), "F", raw] for i, (raw, _) in enumerate(DATES_XLSX)]
    annex = read(tmp_path, {"List 1": rows})
    assert column_values(annex, 1, "contact_date") == [expected for _, expected in DATES_XLSX]
    assert not issues(annex, severity=ERROR)


def test_dates_in_every_style_in_csv(tmp_path):
    cells = [("44197", D(2021, 1, 1)), ("03/01/2021", D(2021, 1, 3)), ("2021-01-05", D(2021, 1, 5)),
             ("2021-01-06T09:15:00", D(2021, 1, 6)), ("2021-01-07 09:15:00", D(2021, 1, 7)),
             ("08/01/2021 14:30", D(2021, 1, 8))]
    rows = [["Child Unique ID", "Gender", "Date of Contact"]] + [[str(i), "F", raw] for i, (raw, _) in enumerate(cells)]
    annex = read(tmp_path, {"List 1": rows}, fmt="csv folder")
    assert column_values(annex, 1, "contact_date") == [expected for _, expected in cells]
    assert not issues(annex, severity=ERROR)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv folder"])
def test_identifiers_are_text_with_leading_zeros_kept(tmp_path, fmt):
    rows = [["Child Unique ID", "Gender", "Date of Contact"], ["000123", "F", D(2021, 1, 1)],
            [9212044, "F", D(2021, 1, 2)], ["AB-12", "F", D(2021, 1, 3)], [" 0042 ", "F", D(2021, 1, 4)]]
    annex = read(tmp_path, {"List 1": rows}, fmt=fmt)
    assert column_values(annex, 1, "child_id") == ["000123", "9212044", "AB-12", "0042"]


def test_ages_are_whole_years(tmp_path):
    rows = [["Child Unique ID", "Date of Contact", "Age"], ["1", D(2021, 1, 1), 6.138261464750171],
            ["2", D(2021, 1, 1), "12"], ["3", D(2021, 1, 1), 0], ["4", D(2021, 1, 1), 17.99]]
    annex = read(tmp_path, {"List 1": rows})
    assert column_values(annex, 1, "age") == [6, 12, 0, 17]


# --------------------------------------------------------------------------- 5. issues

ISSUES_L1 = [
    L1_HEADER,
    ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"],  # row 2: good
    [None, "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 2), "6"],  # row 3: no child id -> error
    ["3", "F", "WBRI", D(2015, 1, 1), 6, "yesterday", "6"],  # row 4: bad required date -> error
    ["4", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 5, 1), "6"],  # row 5: after the extract date
    ["5", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 5), "Z9: Carrier pigeon"],  # row 6: unknown code
    ["6", "F", "WBRI", D(2010, 6, 1), 3, D(2021, 1, 6), "6"],  # row 7: age contradicts date of birth
    ["7", "F", "WBRI", "31/02/2010", "six", D(2021, 1, 7), "6"],  # row 8: bad optional date and age
    [None, None, None, None, None, None, None],  # row 9: spacer
    ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 1), "6"],  # row 10: repeats row 2
    [D(2020, 1, 1), "F", "WBRI", D(2015, 1, 1), 6, D(2021, 1, 11), "6"],  # row 11: a date as the child id
]
ISSUES_L2 = [official_header(2),
             ["1", "F", "WBRI", D(2015, 1, 1), 6, D(2021, 2, 1), D(2021, 1, 15), "School"]]  # row 2: end < start


@pytest.fixture
def issues_annex(tmp_path) -> AnnexA:
    return read(tmp_path, {"List 1": ISSUES_L1, "List 2": ISSUES_L2})


def test_error_rows_are_left_out_and_warning_rows_kept(issues_annex):
    assert column_values(issues_annex, 1, "row_number") == [2, 5, 6, 7, 8, 10]
    assert issues_annex.rows_rejected[1] == 3
    rows_with_errors = {i.row for i in issues(issues_annex, list_number=1, severity=ERROR)}
    assert rows_with_errors == {3, 4, 11}


def test_every_issue_names_list_sheet_row_column_value_and_severity(issues_annex):
    cell_kinds = {"bad_value", "missing_value", "unknown_code", "future_date", "end_before_start", "age_mismatch"}
    found = issues(issues_annex, list_number=1) + issues(issues_annex, list_number=2)
    assert {i.kind for i in found} == cell_kinds | {"duplicate_row"}
    for issue in found:
        assert issue.severity in (ERROR, WARNING)
        assert issue.sheet == f"List {issue.list_number}"
        assert issue.message and "\n" not in issue.message
        if issue.kind in cell_kinds:
            assert issue.row and issue.column and issue.expected, issue
            assert issue.column in ISSUES_L1[0] + ISSUES_L2[0], issue  # the header as written
            assert issue.value is not None, issue
        if issue.kind == "duplicate_row":
            assert issue.row


def test_missing_required_value(issues_annex):
    issue = [i for i in issues(issues_annex, "missing_value", 1) if i.row == 3]
    assert len(issue) == 1
    assert issue[0].severity == ERROR
    assert issue[0].column == "Child Unique ID"
    assert issue[0].value in ("", None)
    assert issue[0].expected


def test_invalid_required_value(issues_annex):
    issue = [i for i in issues(issues_annex, list_number=1) if i.row == 4]
    assert len(issue) == 1
    assert (issue[0].severity, issue[0].kind) == (ERROR, "bad_value")
    assert (issue[0].column, issue[0].value) == ("Date of Contact", "yesterday")
    assert "date" in issue[0].expected


def test_a_date_cell_as_the_child_id_is_an_error(issues_annex):
    issue = [i for i in issues(issues_annex, list_number=1) if i.row == 11]
    assert len(issue) == 1
    assert (issue[0].severity, issue[0].kind, issue[0].column) == (ERROR, "bad_value", "Child Unique ID")
    assert issue[0].value == "01/01/2020"


def test_date_after_the_extract_date(issues_annex):
    issue = only_issue(issues_annex, "future_date", 1)
    assert (issue.severity, issue.row, issue.column, issue.value) == (WARNING, 5, "Date of Contact", "01/05/2021")
    assert "31/03/2021" in issue.expected
    assert D(2021, 5, 1) in column_values(issues_annex, 1, "contact_date")


def test_unknown_code_is_kept_as_written(issues_annex):
    issue = only_issue(issues_annex, "unknown_code", 1)
    assert (issue.severity, issue.row, issue.column) == (WARNING, 6, "Contact Source")
    assert issue.value == "Z9: Carrier pigeon"
    assert issue.expected and "1A" in issue.expected
    row = issues_annex.table(1).set_index("row_number").loc[6]
    assert row["contact_source"] == "Z9: Carrier pigeon"


def test_age_contradicting_the_date_of_birth(issues_annex):
    issue = only_issue(issues_annex, "age_mismatch", 1)
    assert (issue.severity, issue.row, issue.column, issue.value) == (WARNING, 7, "Age of Child (Years)", "3")
    assert "10" in issue.expected  # born 01/06/2010: 10 on 31/03/2021


def test_invalid_optional_values_are_treated_as_blank(issues_annex):
    found = {(i.column, i.value) for i in issues(issues_annex, "bad_value", 1) if i.row == 8}
    assert found == {("Date of Birth", "31/02/2010"), ("Age of Child (Years)", "six")}
    assert all(i.severity == WARNING for i in issues(issues_annex, list_number=1) if i.row == 8)
    row = issues_annex.table(1).set_index("row_number").loc[8]
    assert pd.isna(row["date_of_birth"]) and pd.isna(row["age"])


def test_duplicate_row_names_the_row_it_repeats(issues_annex):
    issue = only_issue(issues_annex, "duplicate_row", 1)
    assert (issue.severity, issue.row) == (WARNING, 10)
    assert re.search(r"\brow 2\b", issue.message)


def test_end_before_start(issues_annex):
    issue = only_issue(issues_annex, "end_before_start", 2)
    assert (issue.severity, issue.row, issue.column, issue.value) == (
        WARNING, 2, "Assessment completion date", "15/01/2021")
    assert "01/02/2021" in issue.expected
    assert issues_annex.row_counts[2] == 1


def test_blank_spacer_rows_are_ignored_silently(issues_annex):
    assert not [i for i in issues_annex.issues if i.list_number == 1 and i.row == 9]


def test_blank_rows_between_and_after_the_data(tmp_path):
    rows = [L1_HEADER, ["1", "F", "WBRI", None, None, D(2021, 1, 1), "6"], [None] * 7, ["", "  ", "", "", "", "", ""],
            ["2", "F", "WBRI", None, None, D(2021, 1, 2), "6"], [None] * 7, [None] * 7]
    for fmt in ("xlsx", "csv folder"):
        annex = read(subdir(tmp_path, fmt), {"List 1": rows}, fmt=fmt)
        assert column_values(annex, 1, "row_number") == [2, 5], fmt
        assert not issues(annex, list_number=1), fmt


# --------------------------------------------------------------------------- 6. unreadable files


def encrypted_xlsx(path: Path) -> Path:
    """A genuinely encrypted workbook (Excel's 'Encrypt with Password'), made with msoffcrypto-tool."""
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (a dev dependency) is not installed")
    plain = path.with_name("plain.xlsx")
    write_xlsx(plain, small_annex())
    out = io.BytesIO()
    with plain.open("rb") as fh:
        msoffcrypto.OfficeFile(fh).encrypt("secret", out)
    path.write_bytes(out.getvalue())
    return path


def zeros_member(zf: zipfile.ZipFile, name: str, megabytes: int) -> None:
    chunk = bytes(1024**2)
    with zf.open(name, "w", force_zip64=True) as member:
        for _ in range(megabytes):
            member.write(chunk)


@functools.cache
def bomb_bytes(as_workbook: bool) -> bytes:
    """A ~300 KB zip holding a 300 MB member of zeros (built once: it takes about half a second)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if as_workbook:
            zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
            zeros_member(zf, "xl/worksheets/sheet1.xml", 300)
        else:
            zf.writestr("List 1.csv", "Child Unique ID,Gender,Date of Contact\n1,F,01/01/2021\n")
            zeros_member(zf, "List 2.csv", 300)
    return out.getvalue()


def bomb_zip(path: Path) -> Path:
    path.write_bytes(bomb_bytes(False))
    return path


def bomb_xlsx(path: Path) -> Path:
    path.write_bytes(bomb_bytes(True))
    return path


def many_members_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"f{i}.csv", "")
    return path


def png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00\xff\x00\x00" * 4
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def truncated_xlsx(path: Path) -> Path:
    good = write_xlsx(path.with_name("whole.xlsx"), small_annex()).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def no_list_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"Sheet1": [["Name", "Amount", "When"], ["Ann", 3, D(2021, 1, 1)]],
                             "Sheet2": [["Just some notes"]]})


def headerless_lists_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"List 1": [["1", "F", D(2021, 1, 1)]], "List 3": [["x", "y"], ["z", "w"]]})


def no_usable_rows_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"List 1": [L1_HEADER], "List 3": [L3_HEADER, [None] * len(L3_HEADER)]})


def all_rows_rejected_xlsx(path: Path) -> Path:
    return write_xlsx(path, {"List 1": [L1_HEADER, [None, "F", "WBRI", None, None, D(2021, 1, 1), "6"],
                                        ["2", "F", "WBRI", None, None, "soon", "6"]]})


def zip_without_csv(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.pdf", b"%PDF-1.4 not really")
        zf.writestr("photo.jpg", b"\xff\xd8\xff\xe0")
    return path


UNREADABLE = {
    # case: (file name, builder, a word the message must use to say what is wrong or expected)
    "random bytes": ("annex.xlsx", lambda p: p.write_bytes(random.Random(1).randbytes(20_000)), r"\.xlsx|Excel"),
    "text named .xlsx": ("annex.xlsx", lambda p: p.write_text("Child Unique ID, Date of Contact\n1, 2021\n"),
                         r"\.xlsx|Excel"),
    "png named .xlsx": ("annex.xlsx", png, r"\.xlsx|Excel"),
    "password-protected": ("annex.xlsx", encrypted_xlsx, r"password"),
    "zip bomb (.zip)": ("annex.zip", bomb_zip, r"zip bomb|unzipped"),
    "zip bomb (.xlsx)": ("annex.xlsx", bomb_xlsx, r"zip bomb|unzipped"),
    "too many zip members": ("annex.zip", many_members_zip, r"files"),
    "empty file": ("annex.xlsx", lambda p: p.write_bytes(b""), r"empty"),
    "html saved as .xls": ("annex.xls", lambda p: p.write_text(
        "<html><body><table><tr><td>Child Unique ID</td></tr></table></body></html>"), r"HTML|web page"),
    "no recognisable list": ("annex.xlsx", no_list_xlsx, r"List 1|Child Unique ID"),
    "lists without headers": ("annex.xlsx", headerless_lists_xlsx, r"header|Child Unique ID"),
    "lists without rows": ("annex.xlsx", no_usable_rows_xlsx, r"no usable rows"),
    "every row rejected": ("annex.xlsx", all_rows_rejected_xlsx, r"no usable rows"),
    "zip with no csv": ("annex.zip", zip_without_csv, r"CSV"),
    "empty folder": ("annex", lambda p: p.mkdir(), r"CSV"),
    "truncated xlsx": ("annex.xlsx", truncated_xlsx, r"damaged"),
}


def build_unreadable(tmp_path: Path, case: str) -> Path:
    name, build, _ = UNREADABLE[case]
    path = tmp_path / "upload" / name
    path.parent.mkdir()
    build(path)
    return path


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_file_raises_a_clear_message(tmp_path, case):
    path = build_unreadable(tmp_path, case)
    with pytest.raises(UnreadableFile) as caught:
        read_annex_a(path)
    message = str(caught.value)
    assert caught.value.__cause__ is None
    assert path.name in message, message
    assert re.search(UNREADABLE[case][2], message.replace(path.name, "")), message
    assert "Traceback" not in message and "\n" not in message
    assert not re.search(r"Error\b|Exception|errno|\[Errno|File \"", message), message
    assert len(message) < 400


def sentences(message: str, file_name: str) -> list[str]:
    text = message.replace(file_name, "FILE")
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text.strip()) if s]


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_file_message_is_one_sentence(tmp_path, case):
    path = build_unreadable(tmp_path, case)
    with pytest.raises(UnreadableFile) as caught:
        read_annex_a(path)
    message = str(caught.value)
    assert message.endswith("."), message
    assert len(sentences(message, path.name)) == 1, message


@pytest.mark.parametrize("case", ["empty file", "no recognisable list", "truncated xlsx", "empty folder"])
def test_unreadable_message_uses_the_display_name(tmp_path, case):
    path = build_unreadable(tmp_path, case)
    with pytest.raises(UnreadableFile) as caught:
        read_annex_a(path, display_name="Annex A March 2021.xlsx")
    assert "Annex A March 2021.xlsx" in str(caught.value)
    assert path.name not in str(caught.value).replace("Annex A March 2021.xlsx", "")


def test_the_password_protected_fixture_is_genuinely_encrypted(tmp_path):
    path = build_unreadable(tmp_path, "password-protected")
    msoffcrypto = pytest.importorskip("msoffcrypto")
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an OLE2 container
    with path.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()


def test_a_file_that_does_not_exist(tmp_path):
    with pytest.raises(UnreadableFile) as caught:
        read_annex_a(tmp_path / "gone.xlsx")
    assert "gone.xlsx" in str(caught.value)


# --------------------------------------------------------------------------- 7. the shared LIIA sample

SAMPLE = Path(__file__).resolve().parent / "data" / "annex_a_sample_liia.xlsx"  # copy of shared/data/samples


@pytest.fixture(scope="module")
def sample() -> AnnexA:
    return read_annex_a(SAMPLE)


@pytest.fixture(scope="module")
def sample_cells() -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_path(str(SAMPLE))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def test_sample_reads_all_eleven_lists_without_errors(sample, sample_cells):
    assert sample.found == {n: f"List {n}" for n in range(1, 12)}
    assert not sample.errors, sample.errors
    for n in range(1, 12):
        data_rows = [r for r in sample_cells[f"List {n}"][1:] if any(c not in ("", None) for c in r)]
        assert sample.row_counts[n] == len(data_rows), n
    assert sample.source_name == SAMPLE.name


def test_sample_irregularities_are_warnings(sample, sample_cells):
    free_text = issues(sample, "bad_value", 4)
    header = "Was the child assessed as requiring LA children's social care support?"
    expected_rows = [i + 1 for i, r in enumerate(sample_cells["List 4"]) if i and r[9] == "CS Assessment Updated"]
    assert expected_rows
    assert sorted(i.row for i in free_text) == expected_rows
    assert all((i.severity, i.column, i.value) == (WARNING, header, "CS Assessment Updated") for i in free_text)
    assert set(column_values(sample, 4, "needs_support")) == {None}

    need = only_issue(sample, "unknown_code", 6)
    assert (need.severity, need.row, need.column) == (WARNING, 2, "Primary Need Code")
    assert need.value == "PSRMEM - Support with memory and cognition"
    assert column_values(sample, 6, "primary_need")[0] == "PSRMEM - Support with memory and cognition"

    missing = only_issue(sample, "missing_column", 9)
    assert missing.severity == WARNING
    for header in ("Allocated Personal Advisor", "Latest Pathway Plan Review Date", "Latest Date of Contact",
                   "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)"):
        assert header in missing.message
    assert set(column_values(sample, 9, "personal_adviser")) == {None}
    assert not issues(sample, "missing_column", 8)  # the doubled bracket and curly quotes are matched
    assert not issues(sample, "extra_columns")


def test_sample_canonical_values(sample, sample_cells):
    # List 1 row 2 is: 9212044, 'Female', 'a) WBRI', 25/01/2015, 6.138..., 16/09/2020, 'q) 6: Police'
    assert sample_cells["List 1"][1][:3] == [9212044.0, "Female", "a) WBRI"]
    first = sample.table(1).iloc[0]
    assert (first["row_number"], first["child_id"], first["gender"], first["ethnicity"]) == (2, "9212044", "F",
                                                                                             "WBRI")
    assert first["date_of_birth"] == pd.Timestamp(2015, 1, 25) and first["age"] == 6
    assert first["contact_date"] == pd.Timestamp(2020, 9, 16) and first["contact_source"] == "6"
    # List 3 row 2: worker written with a non-breaking space; referral source 's) 8: Other'; NFA 'No'
    assert sample_cells["List 3"][1][6:11] == ["s) 8: Other", "No", 0.0, "Multi Agency Safeguarding Hub",
                                               "Dustin\xa0Hazlett"]
    referral = sample.table(3).iloc[0]
    assert (referral["referral_source"], referral["referral_nfa"], referral["referrals_last_12m"]) == ("8", False, 0)
    assert referral["allocated_worker"] == "Dustin Hazlett"
    # List 8 row 2: 'f) U6: Foster placement - not FFA', 'e) PR4 - Private provision', 'E1: Placement order'
    cla = sample.table(8).iloc[0]
    assert (cla["child_id"], cla["placement_type"], cla["placement_provider"], cla["legal_status"]) == (
        "1761444", "U6", "PR4", "E1")
    assert cla["category_of_need"] == "N1" and cla["uasc"] == False  # noqa: E712
    assert cla["cla_start_date"] == pd.Timestamp(2009, 8, 6)
    # List 10 'Date of Adoption Order ' has a trailing space in the header
    assert column_values(sample, 10, "adoption_order_date")[0] == D(2009, 8, 31)
    assert column_values(sample, 10, "family_id")[0] == "14159183"
    # List 11 identifiers
    assert column_values(sample, 11, "adopter_id")[0] == "7105179"
    assert column_values(sample, 11, "children_placed")[:2] == [1, 2]


def test_sample_extract_date_is_proposed_leaving_out_its_stray_latest_dates(sample, sample_cells):
    dates = sorted({(v.date() if isinstance(v, dt.datetime) else v) for rows in sample_cells.values() for r in rows
                    for v in r if isinstance(v, dt.date)})
    assert dates[-1] == D(2021, 3, 15)  # the latest date in the file, on one row
    assert sample.extract_date_inferred is True
    assert sample.extract_date == D(2021, 3, 2)
    proposal = sample.date_proposal
    assert (proposal.basis, proposal.latest, proposal.later) == ("row dates", D(2021, 3, 15), 2)
    assert "the 2 later dates (up to 15/03/2021) stand apart from the rest and may be mistyped" in proposal.reason
    late = issues(sample, "future_date")
    assert [(i.value, i.expected) for i in late] == [("05/03/2021", "a date on or before 02/03/2021"),
                                                     ("15/03/2021", "a date on or before 02/03/2021")]


# --------------------------------------------------------------------------- 8. extract date


def test_explicit_extract_date_is_used(tmp_path):
    annex = read(tmp_path, small_annex(), extract_date=D(2021, 2, 15))
    assert annex.extract_date == D(2021, 2, 15)
    assert annex.extract_date_inferred is False
    late = {(i.row, i.value) for i in issues(annex, "future_date", 1)}
    assert late == {(2, "01/03/2021")}


def test_extract_date_is_proposed_from_the_dates_not_after_today(tmp_path):
    sheets = small_annex()
    sheets["List 3"].append(["A9", "F", "WBRI", None, None, D(2099, 1, 1), "6", "No", 0, "T", "W"])
    annex = read(tmp_path, sheets, extract_date=None, today=D(2026, 12, 3))
    assert annex.extract_date_inferred is True
    assert annex.extract_date == D(2021, 3, 1)  # the latest date up to today, across all lists
    assert annex.date_proposal.basis == "row dates"
    late = only_issue(annex, "future_date", 3)
    assert (late.row, late.value) == (4, "01/01/2099")


def contacts(days: dict[dt.date, int]) -> Sheets:
    """List 1 with so many contacts on each day."""
    rows, n = [L1_HEADER], 0
    for day, count in days.items():
        for _ in range(count):
            n += 1
            rows.append([f"C{n}", "Male", "WBRI", D(2015, 1, 1), 6, day, "Police"])
    return {"List 1": rows}


def test_a_lone_mistyped_date_after_the_extract_is_never_the_proposal(tmp_path):
    # A month of contacts, about 20 a day up to 30 November, and one typed as 2 December.
    days = {D(2026, 11, 1) + dt.timedelta(days=i): 20 for i in range(30)}
    annex = read(tmp_path, contacts({**days, D(2026, 12, 2): 1}), extract_date=None, today=D(2026, 12, 3))
    assert annex.extract_date == D(2026, 11, 30)
    assert (annex.date_proposal.latest, annex.date_proposal.later) == (D(2026, 12, 2), 1)
    assert "the one later date (up to 02/12/2026) stands apart from the rest" in annex.date_proposal.reason
    late = only_issue(annex, "future_date", 1)
    assert (late.value, late.expected) == ("02/12/2026", "a date on or before 30/11/2026")


def test_a_quiet_last_day_still_counts_when_it_holds_a_quarter_of_a_usual_day(tmp_path):
    days = {D(2026, 11, 1) + dt.timedelta(days=i): 20 for i in range(29)}
    annex = read(tmp_path, contacts({**days, D(2026, 11, 30): 5, D(2026, 12, 1): 4}), extract_date=None,
                 today=D(2026, 12, 3))
    assert annex.extract_date == D(2026, 11, 30)  # 5 of a usual 20 is enough; 4 is not


def test_a_date_in_the_file_name_is_proposed_first(tmp_path):
    days = {D(2026, 11, 1) + dt.timedelta(days=i): 20 for i in range(30)}
    path = write_xlsx(tmp_path / "Northby Annex A 28-11-2026.xlsx", contacts(days))
    annex = read_annex_a(path, today=D(2026, 12, 3))
    assert annex.extract_date == D(2026, 11, 28)
    assert annex.date_proposal.basis == "file name"
    assert annex.date_proposal.reason == "The file name 'Northby Annex A 28-11-2026.xlsx' gives 28/11/2026."
    assert {i.value for i in issues(annex, "future_date")} == {"29/11/2026", "30/11/2026"}


@pytest.mark.parametrize(("name", "expected"), [
    ("annex_a_2026-11-30.xlsx", D(2026, 11, 30)), ("AnnexA_20261130.xlsx", D(2026, 11, 30)),
    ("annex a 30.11.2026.xlsx", D(2026, 11, 30)), ("annex a 30_11_2026.ods", D(2026, 11, 30)),
    ("Annex A 30 Nov 2026.xlsx", D(2026, 11, 30)), ("annex-a-30th-november-2026.xlsx", D(2026, 11, 30)),
    ("annex a 1-3-2021.xlsx", D(2021, 3, 1)), ("annex a 2026-02-30.xlsx", None), ("annex a v2 final.xlsx", None),
    ("annex 12345678.xlsx", None),
])
def test_dates_in_file_names(name, expected):
    assert date_in_name(name) == expected


def test_the_date_a_workbook_was_saved_is_read_from_its_properties(tmp_path):
    path = tmp_path / "props.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("docProps/core.xml", '<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">'
                                         "2026-11-30T17:02:11Z</dcterms:modified></cp:coreProperties>")
    assert date_saved(path) == D(2026, 11, 30)
    assert date_saved(tmp_path / "missing.xlsx") is None


def test_supported_latest_date_in_a_sparse_file_skips_a_date_cut_off_by_a_gap():
    counts = pd.Series([1, 1, 1, 1], index=pd.to_datetime(["2021-01-02", "2021-01-10", "2021-01-20", "2021-03-15"]))
    assert supported_latest_date(counts) == D(2021, 1, 20)  # 15 March is 54 days after anything else
    assert supported_latest_date(pd.Series(dtype="int64")) is None


# --------------------------------------------------------------------------- 9. progress


def test_progress_is_reported(tmp_path):
    calls: list[tuple[str, int, int]] = []
    sheets = {"Notes": [["read me"]], **small_annex()}
    read(tmp_path, sheets, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert calls
    for stage, done, total in calls:
        assert isinstance(stage, str) and stage
        assert isinstance(done, int) and isinstance(total, int)
        assert 0 <= done <= total
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    for stage in stages:
        steps = [(d, t) for s, d, t in calls if s == stage]
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)
        assert steps[-1][0] == steps[-1][1], f"{stage} never reached its total"
