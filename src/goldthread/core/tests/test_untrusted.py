"""Files from users are read in a separate, limited process: whatever a file does to that process, the caller
gets the same tables as reading in-process, or one sentence, and carries on."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import xlsxwriter

from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.reader import read_annex_a
from goldthread.core.annexa.transfer import read_annex_a_safely
from goldthread.core.untrusted import Limits, Parts, _frame_from, _frame_parts

SAMPLE = Path(__file__).resolve().parents[1] / "annexa" / "tests" / "data" / "annex_a_sample_liia.xlsx"
L1 = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
      "Contact Source"]


def test_the_limited_process_returns_exactly_what_reading_here_returns():
    here = read_annex_a(SAMPLE, extract_date=dt.date(2021, 3, 31))
    there = read_annex_a_safely(SAMPLE, extract_date=dt.date(2021, 3, 31))
    assert there.issues == here.issues and there.found == here.found and there.rows_rejected == here.rows_rejected
    assert (there.extract_date, there.extract_date_inferred) == (here.extract_date, False)
    for number, table in here.tables.items():
        pdt.assert_frame_equal(there.tables[number], table)
    proposed = read_annex_a_safely(SAMPLE)
    assert proposed.date_proposal == read_annex_a(SAMPLE).date_proposal


def test_progress_crosses_from_the_reading_process():
    seen = []
    read_annex_a_safely(SAMPLE, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert ("reading sheets", 11, 11) in seen and ("finding lists", 11, 11) in seen


def test_every_kind_of_column_crosses_without_pickle():
    frame = pd.DataFrame({
        "when": np.array(["2021-03-01", "NaT"], dtype="datetime64[ns]"),
        "count": pd.array([3, None], dtype="Int64"), "flag": pd.array([True, None], dtype="boolean"),
        "row": np.array([2, 3], dtype=np.int64), "text": np.array(["0012", None], dtype=object),
        "extra": np.array([{"Note": "=SUM(A1)"}, None], dtype=object)})
    arrays: dict = {}
    spec, texts = _frame_parts("t", frame, arrays)
    assert all(a.dtype != object for a in arrays.values())  # nothing that np.load would need pickle for

    class Npz(dict):
        pass

    back = _frame_from(spec, Npz(arrays), "t", texts)
    pdt.assert_frame_equal(back, frame)
    assert isinstance(Parts({}, {"t": frame}).frames["t"], pd.DataFrame)


def test_a_cell_address_far_off_the_sheet_is_one_sentence_and_this_process_carries_on(tmp_path):
    # calamine sizes the sheet from its dimension (A1:XFD1048576) and aborts the process trying to allocate it.
    path = tmp_path / "far off.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("List 1")
    sheet.write_row(0, 0, L1)
    sheet.write(1048575, 16383, "x")
    book.close()
    assert path.stat().st_size < 10_000
    with pytest.raises(UnreadableFile) as refused:
        read_annex_a_safely(path, display_name="contacts.xlsx")
    assert str(refused.value).startswith("contacts.xlsx could not be read: the spreadsheet library stopped on it")
    assert read_annex_a_safely(SAMPLE).row_counts[1] == 5  # and reading goes on as before


def test_a_file_that_expands_past_the_memory_limit_is_one_sentence(tmp_path):
    # 750,000 rows with a cell in columns A and AZ compress at under 200:1 (so the zip-bomb check passes the
    # file) but make a grid of 39 million cells: far more than 600 MB.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="AZ{r}"><v>{r * 7}</v></c></row>'
                   for r in range(1, 750_001))
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    '</Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships"><sheets><sheet name="List 1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                    '</Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                    f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>')
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size / info.compress_size < 200
    with pytest.raises(UnreadableFile) as refused:
        read_annex_a_safely(path, limits=Limits(memory_mb=600, seconds=120))
    message = str(refused.value)
    assert message.startswith("big.xlsx ") and ("600 MB of memory" in message or "stopped on it" in message)


def test_a_file_that_takes_too_long_is_stopped(tmp_path):
    stuck = tmp_path / "stuck.csv"
    os.mkfifo(stuck)  # opening it to read waits for a writer that never comes
    with pytest.raises(UnreadableFile) as refused:
        read_annex_a_safely(stuck, limits=Limits(seconds=1))
    assert str(refused.value).startswith("stuck.csv took longer than 1 minute to read")


def test_reading_errors_come_back_as_the_readers_own_sentence(tmp_path):
    pdf = tmp_path / "scan.xlsx"
    pdf.write_bytes(b"%PDF-1.4\x00 not a workbook")
    with pytest.raises(UnreadableFile, match="^scan.xlsx is not a spreadsheet"):
        read_annex_a_safely(pdf)
    with pytest.raises(UnreadableFile, match="^My file.xlsx is not a spreadsheet"):
        read_annex_a_safely(pdf, display_name="My file.xlsx")


def test_the_reading_process_gets_no_secrets(tmp_path, monkeypatch):
    from goldthread.core import untrusted

    monkeypatch.setenv("GOLDTHREAD_SECRET_KEY", "do-not-pass")
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/x")
    env = {k: os.environ[k] for k in untrusted._ENV_KEEP if k in os.environ} | untrusted._ENV_SET
    assert "GOLDTHREAD_SECRET_KEY" not in env and "DATABASE_URL" not in env


def test_limits_from_the_environment_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("GOLDTHREAD_READ_MEMORY_MB", "lots")
    with pytest.raises(ValueError, match="GOLDTHREAD_READ_MEMORY_MB must be a whole number greater than 0"):
        Limits.from_environment()
    monkeypatch.setenv("GOLDTHREAD_READ_MEMORY_MB", "900")
    assert Limits.from_environment().memory_mb == 900


def test_two_readers_each_read_part_of_the_sheets_and_together_the_same(tmp_path):
    from goldthread.core.annexa.files import share_of

    sizes = [8_900, 1_200, 3_700, 4_500, 1_200, 11_800, 1_700, 3_600, 1_100, 80, 290]
    first, second = share_of(sizes, (0, 2)), share_of(sizes, (1, 2))
    assert first | second == set(range(11)) and not first & second
    assert abs(sum(sizes[i] for i in first) - sum(sizes[i] for i in second)) < 1_000  # evenly spread
    assert share_of(sizes, None) == set(range(11))
    here = read_annex_a(SAMPLE)
    split = read_annex_a_safely(SAMPLE, readers=2)
    assert split.issues == here.issues and split.found == here.found and split.date_proposal == here.date_proposal
    for number, table in here.tables.items():
        pdt.assert_frame_equal(split.tables[number], table)


def test_a_duplicate_list_in_the_other_readers_share_is_still_found(tmp_path):
    # Two sheets both look like List 1: whichever reader reads each, the first in the file is the one used.
    book = xlsxwriter.Workbook(str(tmp_path / "dup.xlsx"))
    for title in ("List 1", "Contacts again"):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, L1)
        sheet.write_row(1, 0, ["1", "Male", "WBRI", "01/01/2015", "6", "01/03/2021", "Police"])
    book.close()
    here = read_annex_a(tmp_path / "dup.xlsx", extract_date=dt.date(2021, 3, 31))
    split = read_annex_a_safely(tmp_path / "dup.xlsx", extract_date=dt.date(2021, 3, 31), readers=2)
    assert [i.message for i in split.issues] == [i.message for i in here.issues]
    assert any(i.kind == "duplicate_list" and i.sheet == "Contacts again" for i in split.issues)
    assert split.found == {1: "List 1"}
