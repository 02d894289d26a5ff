"""Reading an SSDA903 return: CSV tables (file, folder, zip), XML, last year's tables, typing, hostile files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goldthread.core.ssda903 import reader as R
from goldthread.core.ssda903.issues import UnreadableFile
from goldthread.core.ssda903.reader import read_903, read_903_safely
from goldthread.core.untrusted import Limits

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "ssda903_fake"
COUNTS = {"Header": 2675, "Episodes": 5050, "Reviews": 12582, "UASC": 132, "OC2": 2675, "OC3": 53, "AD1": 29,
          "PlacedAdoption": 29, "PrevPerm": 2675, "Missing": 43, "SWEpisodes": 1, "DoLo": 1}


def _sizes(ret):
    return {k: len(v) for k, v in ret.tables.items()}


def test_folder_of_csv_tables_is_read_by_headers_and_typed():
    ret = read_903(SAMPLE)
    assert _sizes(ret) == COUNTS and ret.last == {}
    assert ret.found["PrevPerm"] == "previous_permanence.csv"  # "previous" in a table's name is not last year
    assert ret.collection_year == 2018 and ret.collection_year_inferred
    eps = ret.table("Episodes")
    assert eps["DECOM"].dtype == "datetime64[ns]" and eps["DEC"].isna().sum() == 1413
    first = eps.iloc[0]
    assert (first["CHILD"], first["DECOM"], first["RNE"], first["row"]) == ("566910", pd.Timestamp(2016, 2, 15), "L", 2)
    assert ret.table("OC2")["SDQ_SCORE"].dtype == "Int64"
    assert ret.table("Header")["CHILD"].map(type).eq(str).all()


def test_renamed_files_are_recognised_by_their_headers(tmp_path):
    shutil.copy(SAMPLE / "header.csv", tmp_path / "children.csv")
    shutil.copy(SAMPLE / "episodes.csv", tmp_path / "export 3.csv")
    (tmp_path / "notes.csv").write_text("CHILD,NOTE\n1,hello\n")
    ret = read_903(tmp_path)
    assert set(ret.tables) == {"Header", "Episodes"}
    (warning,) = [i for i in ret.issues if i.kind == "unrecognised_file"]
    assert warning.file == "notes.csv" and "not read" in warning.message


def test_zip_with_last_years_tables_by_name(tmp_path):
    archive = tmp_path / "return.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SAMPLE / "header.csv", "header.csv")
        zf.write(SAMPLE / "episodes.csv", "episodes.csv")
        zf.write(SAMPLE / "header.csv", "header_last.csv")
        zf.write(SAMPLE / "episodes.csv", "previous year/episodes.csv")
    ret = read_903(archive)
    assert set(ret.tables) == set(ret.last) == {"Header", "Episodes"}
    assert ret.found["Episodes_last"] == "previous year/episodes.csv"
    assert len(ret.table("Episodes_last")) == 5050


def test_last_year_given_separately_or_by_the_year_in_its_name(tmp_path):
    this, last = tmp_path / "this", tmp_path / "before"
    this.mkdir(), last.mkdir()
    shutil.copy(SAMPLE / "episodes.csv", this / "episodes_2018.csv")
    shutil.copy(SAMPLE / "episodes.csv", this / "episodes_2017.csv")
    shutil.copy(SAMPLE / "header.csv", last / "header.csv")
    ret = read_903(this, last_year=last)
    assert set(ret.tables) == {"Episodes"} and set(ret.last) == {"Episodes", "Header"}
    assert ret.found["Episodes"] == "episodes_2018.csv" and ret.found["Episodes_last"] == "episodes_2017.csv"


def test_xml_return_is_read_into_the_same_tables():
    ret = read_903(DATA / "fake_903.xml")
    sizes = _sizes(ret)
    assert (sizes["Header"], sizes["Episodes"], sizes["Reviews"], sizes["Missing"], sizes["UASC"]) == (
        253, 459, 1206, 6, 12)
    eps = ret.table("Episodes")
    assert eps.iloc[0][["CHILD", "PLACE", "LS"]].tolist() == ["907440", "R5", "J3"]  # <PL> is PLACE
    assert ret.collection_year == 2018


def test_bad_values_become_issues_naming_child_table_field_and_value(tmp_path):
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                                         "A1,1,01/01/2010,WBRI,,2,31/02/2020\n"
                                         ",2,01/01/2011,WBRI,,,\n")
    (tmp_path / "oc2.csv").write_text("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
                                      "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,"
                                      "INTERVENTION_OFFERED\nA1,01/01/2010,twelve,,0,1,1,1,1,0,0,0\n")
    ret = read_903(tmp_path, collection_year=2021)
    found = {(i.kind, i.table, i.child, i.field, i.value, i.row) for i in ret.issues}
    assert ("unknown_code", "Header", "A1", "MOTHER", "2", 2) in found
    assert ("bad_date", "Header", "A1", "MC_DOB", "31/02/2020", 2) in found
    assert ("bad_number", "OC2", "A1", "SDQ_SCORE", "twelve", 2) in found
    assert ("missing_child_id", "Header", None, "CHILD", None, 3) in found
    assert pd.isna(ret.table("Header")["MC_DOB"].iloc[0]) and pd.isna(ret.table("OC2")["SDQ_SCORE"].iloc[0])


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"<html><body>Sign in</body></html>", "web page"),
    (b"\x00\x01\x02binary", "not an SSDA903 return"),
    (b"A,B\n1,2\n", "no SSDA903 table"),
])
def test_unreadable_files_get_one_sentence(tmp_path, content, words):
    path = tmp_path / "return.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as exc:
        read_903(path)
    assert words in str(exc.value) and str(exc.value).count(". ") <= 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&lol3;</CHILDID></HEADER></CHILD></EXPSSDA903>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&xxe;</CHILDID></HEADER></CHILD></EXPSSDA903>"""


@pytest.mark.parametrize("content, words", [
    (BILLION_LAUGHS, "declares a document type"),
    (EXTERNAL, "declares a document type"),
    (b"<?xml version='1.0'?><EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID>", "not well-formed"),
    (b"<?xml version='1.0'?><Message><Children/></Message>", "root element is <Message>"),
    (b"<?xml version='1.0'?><x:EXPSSDA903 xmlns:x='urn:other'/>", "in the namespace urn:other"),
])
def test_hostile_or_wrong_xml_gets_one_sentence_and_nothing_read(tmp_path, content, words):
    path = tmp_path / "return.xml"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as exc:
        read_903(path)
    assert words in str(exc.value)
    assert "/etc/passwd" not in str(exc.value) and "root:" not in str(exc.value)


def test_xml_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(R, "MAX_XML_BYTES", 1024)
    path = tmp_path / "big.xml"
    path.write_bytes(b"<EXPSSDA903>" + b"<CHILD><HEADER><CHILDID>1</CHILDID></HEADER></CHILD>" * 100 + b"</EXPSSDA903>")
    with pytest.raises(UnreadableFile, match="larger than"):
        read_903(path)


def test_the_limited_reading_process_gives_the_same_return():
    direct, safe = read_903(SAMPLE), read_903_safely(SAMPLE, display_name="our return")
    assert _sizes(safe) == COUNTS and safe.source_name == "our return"
    for name in direct.tables:
        a, b = direct.table(name), safe.table(name)
        assert list(a.columns) == list(b.columns)
        for column in a.columns:
            assert np.array_equal(a[column].isna().to_numpy(), b[column].isna().to_numpy()), (name, column)
            assert a[column].dropna().astype(str).tolist() == b[column].dropna().astype(str).tolist()
    assert [i.as_dict() for i in direct.issues] == [i.as_dict() for i in safe.issues]
    assert safe.invalid == direct.invalid


def test_hostile_xml_through_the_limited_process(tmp_path):
    path = tmp_path / "lol.xml"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(UnreadableFile, match="document type"):
        read_903_safely(path, limits=Limits(memory_mb=1024, seconds=60))
