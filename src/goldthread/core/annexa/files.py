"""Opening a file from a user as rows of raw cell values: .xlsx/.xlsm, .xls and .ods workbooks (read with
calamine, called directly so that row numbers stay exactly those the user sees), a single CSV, or a folder or
.zip of CSVs. Anything that cannot be opened becomes one sentence (``UnreadableFile``). This is the part of
reading that touches the file's bytes: for files from users it runs in the limited reading process
(goldthread.core.untrusted). Nothing here imports Django."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from ..zips import check_zip
from .issues import UnreadableFile

MAX_ZIP_MEMBERS = 5000

ACCEPTED = ("an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods), "
            "or a folder or .zip of CSV files, one per list")

Progress = Callable[[str, int, int], None]


@dataclass
class RawSheet:
    name: str  # sheet name, or file name for CSVs
    rows: list[list]
    from_name: bool = False  # whether the list was identified by its name


def _check_zip(zf: zipfile.ZipFile, name: str) -> None:
    check_zip(zf, name, max_members=MAX_ZIP_MEMBERS, holds="a spreadsheet does",
              bomb_hint="; an Annex A file is not compressed like that")


def sniff(head: bytes, name: str) -> str:
    """What a file is from its first bytes alone ("zip-like", "ole", "csv"), or UnreadableFile: safe to run
    anywhere (it parses nothing), so the upload page can refuse a PDF at once."""
    if not head:
        raise UnreadableFile(f"{name} is empty, with no content at all; expected {ACCEPTED}.")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip-like"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        raise UnreadableFile(f"{name} is a web page (HTML) saved with a spreadsheet name, which goldthread "
                             "cannot read: open it in Excel and save it as an Excel workbook (.xlsx).")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise UnreadableFile(f"{name} is not a spreadsheet: expected {ACCEPTED}.")
    if Path(name).suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv"
    raise UnreadableFile(f"{name} is not a spreadsheet: expected {ACCEPTED}.")


def _kind(path: Path) -> str:
    if path.is_dir():
        return "dir"
    if not path.exists():
        raise UnreadableFile(f"{path.name} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(4096)
    kind = sniff(head, path.name)
    if kind == "zip-like":
        try:
            with zipfile.ZipFile(path) as zf:
                _check_zip(zf, path.name)
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OverflowError, NotImplementedError, EOFError):
            raise UnreadableFile(f"{path.name} is damaged (it starts like an .xlsx or zip file but cannot be "
                                 "opened), so save a fresh copy from Excel and upload that.") from None
        if "[Content_Types].xml" in names or "mimetype" in names or "content.xml" in names:
            return "workbook"
        return "zip"
    if kind == "ole":
        with path.open("rb") as fh:
            blob = fh.read(2 * 1024**2)
        if "EncryptedPackage".encode("utf-16-le") in blob or "EncryptionInfo".encode("utf-16-le") in blob:
            raise UnreadableFile(f"{path.name} is password-protected, so it cannot be read: remove the password "
                                 "in Excel (File > Info > Protect Workbook > Encrypt with Password), save, and "
                                 "upload that copy.")
        return "workbook"
    return kind


def _unreadable_workbook(path: Path, exc: Exception) -> UnreadableFile:
    if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return UnreadableFile(f"{path.name} is password-protected, so it cannot be read: remove the password in "
                              "Excel and upload that copy.")
    return UnreadableFile(f"{path.name} could not be read as a spreadsheet because it is damaged or in another "
                          f"format; expected {ACCEPTED}.")


def share_of(sizes: list[int], share: tuple[int, int] | None) -> set[int]:
    """Which of the sheets (by index) one of ``share[1]`` readers reads, so that together they read every sheet
    once with the work evenly spread: the largest sheets first, each to the reader with least so far (the
    same answer in every reader, so no sheet is read twice or missed). Every sheet without ``share``."""
    if share is None or share[1] <= 1:
        return set(range(len(sizes)))
    loads = [0] * share[1]
    mine = set()
    for index in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        reader = min(range(share[1]), key=lambda r: (loads[r], r))
        loads[reader] += sizes[index] + 1
        if reader == share[0]:
            mine.add(index)
    return mine


def _workbook_sizes(path: Path, count: int) -> list[int]:
    """How big each worksheet is, as far as the zip's directory tells (``xl/worksheets/sheetN.xml`` for an
    .xlsx in the usual order); zeros when it does not, which spreads the sheets round-robin."""
    try:
        with zipfile.ZipFile(path) as zf:
            sizes = {info.filename: info.file_size for info in zf.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return [0] * count
    return [sizes.get(f"xl/worksheets/sheet{i + 1}.xml", 0) for i in range(count)]


def _read_workbook(path: Path, progress: Progress | None = None,
                   share: tuple[int, int] | None = None) -> list[tuple[int, RawSheet]]:
    # calamine raises several exception types of its own for damaged files; only its calls are guarded.
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        metas = [m for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except Exception as exc:
        raise _unreadable_workbook(path, exc) from None
    mine = share_of(_workbook_sizes(path, len(metas)) if share else [0] * len(metas), share)
    sheets = []
    for step, (index, meta) in enumerate([(i, m) for i, m in enumerate(metas) if i in mine], start=1):
        if progress:
            progress("reading sheets", step, len(mine))
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise _unreadable_workbook(path, exc) from None
        sheets.append((index, RawSheet(meta.name, rows)))
    return sheets


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(name: str, data: bytes) -> RawSheet:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # newline=None reads Windows (CR LF), Unix (LF) and old Mac (CR only: Excel's "CSV (Macintosh)") line ends.
    try:
        rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"{name} could not be read as a CSV file ({exc}); save it again from Excel as "
                             "'CSV UTF-8 (comma delimited)'.") from None
    width = max((len(r) for r in rows), default=0)
    return RawSheet(name, [r + [""] * (width - len(r)) for r in rows])


def _read_csvs(path: Path, kind: str, share: tuple[int, int] | None = None) -> list[tuple[int, RawSheet]]:
    sheets = []
    if kind == "dir":
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".txt", ".tsv"))
        if not files:
            raise UnreadableFile(f"The folder {path.name} has no CSV files in it: expected one CSV file per "
                                 "Annex A list (for example 'List 1.csv').")
        mine = share_of([f.stat().st_size for f in files], share)
        return [(i, _csv_rows(file.name, file.read_bytes())) for i, file in enumerate(files) if i in mine]
    with zipfile.ZipFile(path) as zf:
        members = [i for i in zf.infolist()
                   if not i.is_dir() and Path(i.filename).suffix.lower() in (".csv", ".txt", ".tsv")
                   and not Path(i.filename).name.startswith(("._", "~$"))]
        if not members:
            raise UnreadableFile(f"{path.name} is a zip file with no CSV files in it: expected {ACCEPTED}.")
        mine = share_of([info.file_size for info in members], share)
        for index, info in enumerate(members):
            if index not in mine:
                continue
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
                raise UnreadableFile(f"{path.name} is damaged: '{Path(info.filename).name}' inside it cannot be "
                                     "unzipped, so nothing was read. Make the zip file again and upload that.") from None
            sheets.append((index, _csv_rows(Path(info.filename).name, data)))
    return sheets


def open_sheets(path: Path, progress: Progress | None = None,
                share: tuple[int, int] | None = None) -> list[tuple[int, RawSheet]]:
    """The sheets (or CSV files) of the upload, as (position in the file, rows of raw cell values): every one,
    or with ``share=(k, n)`` the k-th of n readers' share (see ``share_of``)."""
    kind = _kind(path)
    if kind == "workbook":
        return _read_workbook(path, progress, share)
    if kind == "csv":
        return [(0, _csv_rows(path.name, path.read_bytes()))] if not share or share[0] == 0 else []
    return _read_csvs(path, kind, share)
