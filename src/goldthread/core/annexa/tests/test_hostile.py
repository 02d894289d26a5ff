"""Awkward and hostile input the reader meets in the wild: each is read properly, or becomes a validation
issue, or one sentence: never an exception the caller did not expect."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.reader import read_annex_a
from goldthread.core.annexa.transfer import read_annex_a_safely

AS_AT = dt.date(2021, 3, 31)
L1 = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
      "Contact Source"]
L8 = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date Started to be Looked After",
      "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"]


def csv_text(header: list[str], *rows: list[str], newline: str = "\r\n") -> bytes:
    return newline.join(",".join(r) for r in [header, *rows]).encode() + newline.encode()


def test_csv_saved_as_csv_macintosh_with_cr_only_line_ends_is_read(tmp_path):
    path = tmp_path / "List 1.csv"
    path.write_bytes(csv_text(L1, ["1", "Male", "WBRI", "01/01/2015", "6", "01/03/2021", "Police"],
                              ["2", "Female", "WBRI", "01/01/2016", "5", "02/03/2021", "Police"], newline="\r"))
    annex = read_annex_a(path, extract_date=AS_AT)
    assert annex.row_counts[1] == 2
    assert annex.table(1)["child_id"].tolist() == ["1", "2"]
    assert not [i for i in annex.issues if i.list_number == 1]


def test_a_huge_integer_is_a_bad_value_not_a_crash(tmp_path):
    path = tmp_path / "List 8.csv"
    path.write_bytes(csv_text(L8, ["1", "Male", "WBRI", "01/01/2015", "6", "01/03/2020", "9" * 40],
                              ["2", "Male", "WBRI", "01/01/2015", "6", "01/03/2020", "2147483648"],
                              ["3", "Male", "WBRI", "01/01/2015", "6", "01/03/2020", "2147483647"]))
    annex = read_annex_a(path, extract_date=AS_AT)
    bad = [(i.row, i.kind, i.expected) for i in annex.issues if i.column and i.column.startswith("Number of Ep")]
    assert bad == [(2, "bad_value", "a whole number from 0 to 2,147,483,647"),
                   (3, "bad_value", "a whole number from 0 to 2,147,483,647")]
    assert annex.table(8)["missing_episodes_12m"].tolist()[2] == 2147483647


def test_a_damaged_entry_in_a_zip_of_csvs_is_one_sentence(tmp_path):
    path = tmp_path / "annex.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("List 1.csv", csv_text(L1, ["1", "Male", "WBRI", "01/01/2015", "6", "01/03/2021", "Police"]) * 50)
    data = bytearray(path.read_bytes())
    start = data.index(b"List 1.csv") + len("List 1.csv")  # the first compressed bytes follow the local header
    data[start + 10:start + 40] = b"\xff" * 30
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile) as refused:
        read_annex_a(path, extract_date=AS_AT)
    assert str(refused.value) == ("annex.zip is damaged: 'List 1.csv' inside it cannot be unzipped, so nothing was "
                                  "read. Make the zip file again and upload that.")
    with pytest.raises(UnreadableFile, match="^annex.zip is damaged"):
        read_annex_a_safely(path, extract_date=AS_AT)


def test_a_truncated_zip_is_one_sentence(tmp_path):
    path = tmp_path / "cut.xlsx"
    whole = (Path(__file__).parent / "data" / "annex_a_sample_liia.xlsx").read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableFile, match="^cut.xlsx is damaged"):
        read_annex_a_safely(path, extract_date=AS_AT)


def test_an_unparseable_csv_is_one_sentence(tmp_path):
    path = tmp_path / "List 1.csv"
    path.write_bytes(csv_text(L1, ["1", "Male", "WBRI", "01/01/2015", "6", '"01/03/2021', "Police"]) + b"\x00" * 5)
    with pytest.raises(UnreadableFile):
        read_annex_a(path, extract_date=AS_AT)
