"""Files that are not a CIN census, or are built to attack the reader: each gets one sentence naming the file,
and nothing is returned (the reader raises before returning any table)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from goldthread.core.cin import read_cin_census, read_cin_census_safely
from goldthread.core.returns import UnreadableFile

from .build import child, message, write

DATA = Path(__file__).parent / "data"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://localhost:9/cin.dtd">
<Message><Children><Child/></Children></Message>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
<Message/>
"""


def one_sentence(message: str, name: str) -> None:
    assert message.startswith(name) and message.endswith(".")
    assert not re.search(r"[.!?] [A-Z]", message), message  # no second sentence
    assert "\n" not in message


@pytest.mark.parametrize("text, words", [
    (BILLION_LAUGHS, "document type declaration"),
    (EXTERNAL_ENTITY, "document type declaration"),
    (EXTERNAL_DTD, "document type declaration"),
    (PARAMETER_ENTITY, "document type declaration"),
    ("<Root><Children/></Root>", "its root element is <Root>, not <Message>"),
    ('<Message xmlns="urn:example:other"><Children/></Message>', "in the namespace 'urn:example:other'"),
    ("<Message><Children><Child><ChildIdentifiers>", "ends before its XML is complete"),
    ("<Message><Children></Child></Children></Message>", "is not well-formed XML"),
    ("<Message><Children>&nbsp;</Children></Message>", "uses an entity"),
    ("<Message><Header/><Children/></Message>", "has no children in it"),
    ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF document"),
    ("PK\x03\x04\x14\x00\x00\x00", "is a zip file or an Excel workbook"),
    ("LAchildID,CINreferralDate\nC1,2024-06-03\n", "is not an XML file"),
    ("<!DOCTYPE html><html><body>Sign in</body></html>", "is a web page"),
    ("", "is empty"),
])
def test_unreadable_files_get_one_sentence(tmp_path, text, words):
    path = tmp_path / "upload.xml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(UnreadableFile) as caught:
        read_cin_census(path, display_name="Northby CIN.xml")
    one_sentence(str(caught.value), "Northby CIN.xml")
    assert words in str(caught.value)


def test_a_truncated_real_return_is_refused(tmp_path):
    text = (DATA / "fake_CIN_data.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(UnreadableFile, match="ends before its XML is complete") as caught:
        read_cin_census(path)
    one_sentence(str(caught.value), "cut.xml")


def test_a_gigabyte_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.xml"
    with path.open("wb") as fh:  # a sparse 1 GB file: its size is real, writing it is instant
        fh.write(b"<Message><Children>")
        fh.truncate(1024**3 + 1)
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match=r"is 1\.0 GB, larger than the 512 MB") as caught:
        read_cin_census(path)
    assert time.monotonic() - started < 1  # refused from its size, not by reading it
    one_sentence(str(caught.value), "huge.xml")


def test_the_size_limit_can_be_set(tmp_path):
    path = write(tmp_path, message(child()))
    assert read_cin_census(path, max_bytes=100_000).children == 1
    with pytest.raises(UnreadableFile, match="larger than the 1 KB"):
        read_cin_census(path, max_bytes=1024)


def test_a_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match="is not a file that can be read"):
        read_cin_census(tmp_path / "nothing.xml")


@pytest.mark.parametrize("text, words", [
    (BILLION_LAUGHS, "document type declaration"),
    ("<Message><Children><Child><ChildIdentifiers>", "ends before its XML is complete"),
])
def test_the_limited_process_gives_the_same_sentence(tmp_path, text, words):
    path = tmp_path / "upload.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableFile, match=words) as caught:
        read_cin_census_safely(path, display_name="Northby CIN.xml")
    one_sentence(str(caught.value), "Northby CIN.xml")


def test_the_limited_process_applies_a_size_limit(tmp_path):
    path = write(tmp_path, message(child()))
    with pytest.raises(UnreadableFile, match="larger than the 1 KB"):
        read_cin_census_safely(path, max_bytes=1024)


def test_the_limit_for_uploads_comes_from_the_environment(tmp_path, monkeypatch):
    from goldthread.core.cin import synth

    path = synth.write(tmp_path / "cin.xml", 1500, seed=1)
    assert path.stat().st_size > 1024**2
    monkeypatch.setenv("GOLDTHREAD_XML_MAX_MB", "1")
    with pytest.raises(UnreadableFile, match="larger than the 1 MB"):
        read_cin_census_safely(path)
    monkeypatch.setenv("GOLDTHREAD_XML_MAX_MB", "2")
    assert read_cin_census_safely(path).children == 1500
