"""Read a council's Annex A as it really comes.

Accepts an .xlsx/.xlsm, .xls or .ods workbook, or a folder or .zip of CSV files (one per list). Finds
each list by its sheet (or file) name or, failing that, by its headers; finds the header row below any
title or note rows; matches headers however the export spelled them; and returns one canonical typed
table per list with a list of validation issues. Nothing here imports Django.

Spreadsheets are parsed with calamine (the engine pandas uses for them); we call it directly so that
row numbers stay exactly those the user sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from .._gc import gc_paused
from . import spec as S
from .codes import normalise_text
from .issues import ERROR, WARNING, Issue, UnreadableFile
from .values import (
    code_parser,
    parse_age,
    parse_bool,
    parse_column,
    parse_date_column,
    parse_id,
    parse_int,
    parse_text,
)

MAX_UNCOMPRESSED_BYTES = 1024**3  # a large council's Annex A is ~100 MB unzipped
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 5000
HEADER_SEARCH_ROWS = 25

ACCEPTED = ("an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods), "
            "or a folder or .zip of CSV files, one per list")

Progress = Callable[[str, int, int], None]


@dataclass
class AnnexA:
    """One council's Annex A as canonical tables."""

    source_name: str
    extract_date: dt.date
    extract_date_inferred: bool
    tables: dict[int, pd.DataFrame]
    issues: list[Issue]
    found: dict[int, str] = field(default_factory=dict)  # list number -> sheet or file it came from
    rows_rejected: dict[int, int] = field(default_factory=dict)

    def table(self, number: int) -> pd.DataFrame:
        return self.tables[number]

    @property
    def row_counts(self) -> dict[int, int]:
        return {n: len(t) for n, t in self.tables.items()}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]


@dataclass
class RawSheet:
    name: str  # sheet name, or file name for CSVs
    rows: list[list]
    from_name: bool = False  # whether the list was identified by its name


# --------------------------------------------------------------------------- opening files


def _check_zip(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(f"{name} holds {len(infos):,} files inside it, far more than a spreadsheet does, "
                             "so it was not opened.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 10 * 1024**2 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(f"{name} expands to far more than its size when unzipped (it looks like a "
                                 "'zip bomb'), so it was not opened; an Annex A file is not compressed like that.")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(f"{name} expands to {total / 1024**3:.1f} GB when unzipped, more than the 1 GB "
                             "goldthread accepts, so it was not opened.")


def _kind(path: Path) -> str:
    if path.is_dir():
        return "dir"
    if not path.exists():
        raise UnreadableFile(f"{path.name} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise UnreadableFile(f"{path.name} is empty, with no content at all; expected {ACCEPTED}.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                _check_zip(zf, path.name)
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise UnreadableFile(f"{path.name} is damaged (it starts like an .xlsx or zip file but cannot be "
                                 "opened), so save a fresh copy from Excel and upload that.") from None
        if "[Content_Types].xml" in names:
            return "workbook"
        if "mimetype" in names or "content.xml" in names:
            return "workbook"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        with path.open("rb") as fh:
            blob = fh.read(2 * 1024**2)
        if "EncryptedPackage".encode("utf-16-le") in blob or "EncryptionInfo".encode("utf-16-le") in blob:
            raise UnreadableFile(f"{path.name} is password-protected, so it cannot be read: remove the password "
                                 "in Excel (File > Info > Protect Workbook > Encrypt with Password), save, and "
                                 "upload that copy.")
        return "workbook"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        raise UnreadableFile(f"{path.name} is a web page (HTML) saved with a spreadsheet name, which goldthread "
                             "cannot read: open it in Excel and save it as an Excel workbook (.xlsx).")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise UnreadableFile(f"{path.name} is not a spreadsheet: expected {ACCEPTED}.")
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv"
    raise UnreadableFile(f"{path.name} is not a spreadsheet: expected {ACCEPTED}.")


def _unreadable_workbook(path: Path, exc: Exception) -> UnreadableFile:
    if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return UnreadableFile(f"{path.name} is password-protected, so it cannot be read: remove the password in "
                              "Excel and upload that copy.")
    return UnreadableFile(f"{path.name} could not be read as a spreadsheet because it is damaged or in another "
                          f"format; expected {ACCEPTED}.")


def _read_workbook(path: Path, progress: Progress | None = None) -> list[RawSheet]:
    # calamine raises several exception types of its own for damaged files; only its calls are guarded.
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        metas = [m for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except Exception as exc:
        raise _unreadable_workbook(path, exc) from None
    sheets = []
    for step, meta in enumerate(metas, start=1):
        if progress:
            progress("reading sheets", step, len(metas))
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise _unreadable_workbook(path, exc) from None
        sheets.append(RawSheet(meta.name, rows))
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
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    return RawSheet(name, [r + [""] * (width - len(r)) for r in rows])


def _read_csvs(path: Path, kind: str) -> list[RawSheet]:
    sheets = []
    if kind == "dir":
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".txt", ".tsv"))
        if not files:
            raise UnreadableFile(f"The folder {path.name} has no CSV files in it: expected one CSV file per "
                                 "Annex A list (for example 'List 1.csv').")
        for file in files:
            sheets.append(_csv_rows(file.name, file.read_bytes()))
        return sheets
    with zipfile.ZipFile(path) as zf:
        members = [i for i in zf.infolist()
                   if not i.is_dir() and Path(i.filename).suffix.lower() in (".csv", ".txt", ".tsv")
                   and not Path(i.filename).name.startswith(("._", "~$"))]
        if not members:
            raise UnreadableFile(f"{path.name} is a zip file with no CSV files in it: expected {ACCEPTED}.")
        for info in members:
            sheets.append(_csv_rows(Path(info.filename).name, zf.read(info)))
    return sheets


def open_sheets(path: Path, progress: Progress | None = None) -> list[RawSheet]:
    """Every sheet (or CSV file) in the upload, as rows of raw cell values."""
    kind = _kind(path)
    if kind == "workbook":
        return _read_workbook(path, progress)
    if kind == "csv":
        return [_csv_rows(path.name, path.read_bytes())]
    return _read_csvs(path, kind)


# --------------------------------------------------------------------------- finding lists and headers

_LIST_NUMBER = re.compile(r"(?:^|[^a-z])(?:list|l)[\s_\-.]*0?(\d{1,2})(?!\d)")


def list_from_name(name: str) -> int | None:
    lowered = Path(name).stem.lower() if "." in name[-5:] else name.lower()
    if m := _LIST_NUMBER.search(lowered):
        number = int(m.group(1))
        return number if number in S.BY_NUMBER else None
    words = normalise_text(lowered)
    found = {spec.number for spec in S.LISTS for w in spec.words if re.search(rf"\b{w}s?\b", words)}
    # "children in care" also says "care"; the most specific wins only when unambiguous
    return found.pop() if len(found) == 1 else None


def _match_header(cells: list, spec: S.ListSpec) -> dict[int, S.Column]:
    """Column position -> spec column, for one candidate header row."""
    matched: dict[int, S.Column] = {}
    used: set[str] = set()
    for pos, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():
            continue
        norm = normalise_text(cell)
        for col in spec.columns:
            if col.name not in used and col.matches(norm):
                matched[pos] = col
                used.add(col.name)
                break
    return matched


def _best_header(rows: list[list], spec: S.ListSpec) -> tuple[int, dict[int, S.Column]] | None:
    best: tuple[int, dict[int, S.Column]] | None = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = _match_header(cells, spec)
        if best is None or len(matched) > len(best[1]):
            best = (index, matched)
    if best is None:
        return None
    names = {c.name for c in best[1].values()}
    key_cols = {c.name for c in spec.columns if c.required}
    if (len(names) >= 3 and key_cols & names) or (len(names) >= 2 and key_cols <= names):
        return best
    return None


_DEMOGRAPHIC = {"child_id", "gender", "ethnicity", "date_of_birth", "age", "disability", "uasc",
                "allocated_team", "allocated_worker", "family_id"}


def _list_from_headers(rows: list[list]) -> int | None:
    scores = []
    for spec in S.LISTS:
        found = _best_header(rows, spec)
        if found:
            specific = sum(1 for c in found[1].values() if c.name not in _DEMOGRAPHIC)
            scores.append((specific, spec.number))
    scores.sort(reverse=True)
    if scores and scores[0][0] >= 2 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][1]
    return None


# --------------------------------------------------------------------------- typed tables

_PARSERS = {S.ID: parse_id, S.TEXT: parse_text, S.INT: parse_int, S.AGE: parse_age, S.BOOL: parse_bool}
_DTYPES = {S.INT: "Int64", S.AGE: "Int64", S.BOOL: "boolean"}


@dataclass
class _Parsed:
    spec: S.ListSpec
    sheet: str
    table: pd.DataFrame
    headers: dict[str, str]  # canonical name -> header as written in the file
    issues: list[Issue]
    rejected: int


def _display(raw: object) -> str:
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y %H:%M") if raw.time() != dt.time() else raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _build_table(raw: RawSheet, spec: S.ListSpec, header_index: int, matched: dict[int, S.Column]) -> _Parsed:
    rows = raw.rows[header_index + 1:]
    header_cells = raw.rows[header_index]
    width = len(header_cells)
    columns = list(zip(*rows, strict=False)) if rows else [() for _ in range(width)]
    n = len(rows)
    row_numbers = np.arange(header_index + 2, header_index + 2 + n)
    issues: list[Issue] = []
    headers = {col.name: str(header_cells[pos]).strip() for pos, col in matched.items()}

    def issue(severity, kind, message, row=None, column=None, value=None, expected=None):
        issues.append(Issue(severity, kind, message, spec.number, raw.name, row, column, value, expected))

    present = np.zeros(n, dtype=bool)
    data: dict[str, object] = {}
    error_rows = np.zeros(n, dtype=bool)
    parsed_cols: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for pos, col in matched.items():
        values = np.asarray(columns[pos], dtype=object) if n else np.empty(0, dtype=object)
        if col.kind == S.DATE:
            out, bad = parse_date_column(values)
            blank = np.isnat(out) & ~bad
        else:
            parser = code_parser(col.codes) if col.kind == S.CODE else _PARSERS[col.kind]
            out, bad = parse_column(values, parser)
            blank = pd.isna(out) & ~bad
        present |= ~blank
        parsed_cols[col.name] = (values, out, bad)
        data[col.name] = out

    # Rows with nothing in any recognised column are spacing, not data.
    keep = present
    for name, (values, out, bad) in parsed_cols.items():
        col = spec.column(name)
        header = headers[name]
        bad_rows = np.flatnonzero(bad & keep)
        if col.kind == S.CODE:
            for i in bad_rows:
                issue(WARNING, "unknown_code",
                      f"'{_display(values[i])}' is not a recognised {col.codes.name} code; it is kept as written.",
                      int(row_numbers[i]), header, _display(values[i]), col.expected())
        else:
            severity = ERROR if col.required else WARNING
            consequence = "so the row cannot be used" if col.required else "so it is treated as blank"
            for i in bad_rows:
                issue(severity, "bad_value",
                      f"'{_display(values[i])}' is not {col.expected()}, {consequence}.",
                      int(row_numbers[i]), header, _display(values[i]), col.expected())
            if col.required:
                error_rows |= bad & keep
        if col.required:
            missing = (pd.isna(out) if col.kind != S.DATE else np.isnat(out)) & ~bad & keep
            for i in np.flatnonzero(missing):
                issue(ERROR, "missing_value", f"The row has no {col.header}, so it cannot be used.",
                      int(row_numbers[i]), header, "", col.expected())
            error_rows |= missing

    usable = keep & ~error_rows
    frame: dict[str, object] = {"row_number": row_numbers[usable]}
    for col in spec.columns:
        if col.name in data:
            values = data[col.name][usable]
        elif col.kind == S.DATE:
            values = np.full(int(usable.sum()), np.datetime64("NaT"), dtype="datetime64[ns]")
        else:
            values = np.full(int(usable.sum()), None, dtype=object)
        if col.kind in _DTYPES:
            values = pd.array(values, dtype=_DTYPES[col.kind])
        frame[col.name] = values
    extra_positions = [p for p in range(width) if p not in matched and not _is_blank_header(header_cells[p])]
    if extra_positions:
        names = [str(header_cells[p]).strip() for p in extra_positions]
        extras = [columns[p] for p in extra_positions]
        frame["extra"] = [
            {k: _display(v) for k, v in zip(names, cells, strict=True) if v not in ("", None)} or None
            for cells, ok in zip(zip(*extras, strict=True), usable, strict=True) if ok
        ]
    else:
        frame["extra"] = np.full(int(usable.sum()), None, dtype=object)
    table = pd.DataFrame(frame)
    table.index = pd.RangeIndex(len(table))
    return _Parsed(spec, raw.name, table, headers, issues, int(error_rows.sum()))


def _is_blank_header(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def empty_table(spec: S.ListSpec) -> pd.DataFrame:
    frame: dict[str, object] = {"row_number": pd.array([], dtype="int64")}
    for col in spec.columns:
        if col.kind == S.DATE:
            frame[col.name] = pd.array([], dtype="datetime64[ns]")
        else:
            frame[col.name] = pd.array([], dtype=_DTYPES.get(col.kind, object))
    frame["extra"] = pd.array([], dtype=object)
    return pd.DataFrame(frame)


# --------------------------------------------------------------------------- cross-field checks


def _row_checks(parsed: _Parsed, extract_date: dt.date) -> list[Issue]:
    spec, table, headers = parsed.spec, parsed.table, parsed.headers
    issues: list[Issue] = []
    if table.empty:
        return issues
    as_at = np.datetime64(extract_date, "ns")
    rows = table["row_number"].to_numpy()

    def add(kind, message, i, column=None, value=None, expected=None):
        issues.append(Issue(WARNING, kind, message, spec.number, parsed.sheet, int(rows[i]), column, value, expected))

    for col in spec.columns:
        if col.kind != S.DATE or col.name not in headers:
            continue
        values = table[col.name].to_numpy()
        for i in np.flatnonzero(values > as_at):
            shown = pd.Timestamp(values[i]).strftime("%d/%m/%Y")
            add("future_date", f"{shown} is after the extract date ({extract_date:%d/%m/%Y}).", i,
                headers[col.name], shown, f"a date on or before {extract_date:%d/%m/%Y}")
    for start, end in spec.date_pairs:
        if start not in headers or end not in headers:
            continue
        s, e = table[start].to_numpy(), table[end].to_numpy()
        for i in np.flatnonzero(e < s):
            add("end_before_start",
                f"{spec.column(end).header} ({pd.Timestamp(e[i]):%d/%m/%Y}) is before "
                f"{spec.column(start).header} ({pd.Timestamp(s[i]):%d/%m/%Y}).",
                i, headers[end], f"{pd.Timestamp(e[i]):%d/%m/%Y}", f"a date on or after {pd.Timestamp(s[i]):%d/%m/%Y}")
    if "age" in headers and "date_of_birth" in headers:
        dob = pd.to_datetime(table["date_of_birth"])
        years = extract_date.year - dob.dt.year
        before_birthday = (dob.dt.month > extract_date.month) | (
            (dob.dt.month == extract_date.month) & (dob.dt.day > extract_date.day))
        computed = (years - before_birthday.astype(int)).to_numpy(dtype=float, na_value=np.nan)
        stated = table["age"].to_numpy(dtype=float, na_value=np.nan)
        mismatch = np.abs(computed - stated) > 1
        for i in np.flatnonzero(mismatch):
            add("age_mismatch",
                f"Age {int(stated[i])} does not match the date of birth, which gives {int(computed[i])} at the "
                "extract date.", i, headers["age"], str(int(stated[i])), f"about {int(computed[i])}")
    key = [k for k in spec.key if k in headers]
    if key:
        dup = table.duplicated(subset=key, keep="first").to_numpy()
        if dup.any():
            first = table.groupby(key, dropna=False, sort=False)["row_number"].transform("first").to_numpy()
            for i in np.flatnonzero(dup):
                add("duplicate_row", f"This row repeats row {int(first[i])} "
                    f"(same {', '.join(spec.column(k).header for k in key)}).", i)
    return issues


def _infer_extract_date(parsed: list[_Parsed]) -> dt.date | None:
    """The latest date anywhere in the file (ignoring dates after today): an extract holds nothing later
    than the day it was taken, and its last-seen and review dates run right up to that day."""
    today = np.datetime64(dt.date.today(), "ns")
    latest = None
    for p in parsed:
        for col in p.spec.columns:
            if col.kind == S.DATE and col.name in p.headers:
                values = p.table[col.name].to_numpy()
                values = values[~np.isnat(values) & (values <= today)]
                if len(values):
                    candidate = values.max()
                    latest = candidate if latest is None or candidate > latest else latest
    return pd.Timestamp(latest).date() if latest is not None else None


# --------------------------------------------------------------------------- entry point


def read_annex_a(path: str | Path, *, extract_date: dt.date | None = None,
                 progress: Progress | None = None, display_name: str | None = None) -> AnnexA:
    """Read an Annex A file or folder. Raises UnreadableFile with one sentence when it cannot be read."""
    with gc_paused():
        return _read_annex_a(Path(path), extract_date, progress, display_name)


def _read_annex_a(path: Path, extract_date: dt.date | None, progress: Progress | None,
                  display_name: str | None) -> AnnexA:
    name = display_name or path.name
    try:
        raw_sheets = open_sheets(path, progress)
    except UnreadableFile as exc:
        if display_name:
            raise UnreadableFile(str(exc).replace(path.name, display_name, 1)) from None
        raise
    except OSError as exc:
        raise UnreadableFile(f"{name} could not be opened: {exc.strerror or exc}.") from None
    issues: list[Issue] = []
    assigned: dict[int, tuple[RawSheet, int, dict[int, S.Column]]] = {}
    for step, raw in enumerate(raw_sheets, start=1):
        if progress:
            progress("finding lists", step, len(raw_sheets))
        if not any(any(c not in ("", None) for c in r) for r in raw.rows[:HEADER_SEARCH_ROWS]):
            continue
        number = list_from_name(raw.name) or _list_from_headers(raw.rows)
        if number is None:
            issues.append(Issue(WARNING, "unrecognised_sheet",
                                f"'{raw.name}' was not recognised as an Annex A list, so it was not read.",
                                sheet=raw.name, expected="a sheet named like 'List 1' or with Annex A headers"))
            continue
        spec = S.BY_NUMBER[number]
        header = _best_header(raw.rows, spec)
        if header is None:
            issues.append(Issue(ERROR, "no_header",
                                f"No header row for {spec.label} was found in the first {HEADER_SEARCH_ROWS} rows, so "
                                "the list was not read.", number, raw.name,
                                expected=f"a header row with columns such as '{spec.columns[0].header}'"))
            continue
        if number in assigned:
            issues.append(Issue(WARNING, "duplicate_list",
                                f"'{raw.name}' also looks like {spec.label}; only '{assigned[number][0].name}' was read.",
                                number, raw.name))
            continue
        assigned[number] = (raw, *header)
    if not assigned:
        if any(i.kind == "no_header" for i in issues):
            raise UnreadableFile(f"{name} has sheets named like Annex A lists but no recognisable header row in "
                                 "any of them: expected a row of column names such as 'Child Unique ID'.")
        raise UnreadableFile(f"No Annex A list was found in {name}: expected sheets (or CSV files) named like "
                             "'List 1' to 'List 11', or with Annex A headers such as 'Child Unique ID'.")

    parsed: list[_Parsed] = []
    for step, (number, (raw, header_index, matched)) in enumerate(sorted(assigned.items()), start=1):
        if progress:
            progress("reading lists", step, len(assigned))
        spec = S.BY_NUMBER[number]
        missing_required = [c for c in spec.columns if c.required and c not in matched.values()]
        if missing_required:
            issues.append(Issue(ERROR, "missing_column",
                                f"{spec.label} has no '{missing_required[0].header}' column, so the list cannot "
                                "be used.", number, raw.name, header_index + 1, missing_required[0].header,
                                expected=f"a column headed '{missing_required[0].header}'"))
            continue
        result = _build_table(raw, spec, header_index, matched)
        missing = [c.header for c in spec.columns if c not in matched.values()]
        if missing:
            issues.append(Issue(WARNING, "missing_column",
                                f"{spec.label} has no column for: {'; '.join(missing)}. Measures that need "
                                f"{'it' if len(missing) == 1 else 'them'} will be blank.",
                                number, raw.name, header_index + 1))
        extra = [str(raw.rows[header_index][p]).strip() for p in range(len(raw.rows[header_index]))
                 if p not in matched and not _is_blank_header(raw.rows[header_index][p])]
        if extra:
            issues.append(Issue(WARNING, "extra_columns",
                                f"{spec.label} has {len(extra)} column{'s' if len(extra) > 1 else ''} goldthread "
                                f"does not use ({', '.join(repr(e) for e in extra)}); kept aside with each row.",
                                number, raw.name, header_index + 1))
        parsed.append(result)

    inferred = extract_date is None
    if extract_date is None:
        extract_date = _infer_extract_date(parsed)
        if extract_date is None:
            raise UnreadableFile(f"{name} has Annex A lists but no usable rows in any of them, so there is "
                                 "nothing to import.")
    tables: dict[int, pd.DataFrame] = {}
    rejected: dict[int, int] = {}
    for p in parsed:
        issues.extend(p.issues)
        issues.extend(_row_checks(p, extract_date))
        tables[p.spec.number] = p.table
        rejected[p.spec.number] = p.rejected
    for spec in S.LISTS:
        if spec.number not in tables:
            tables[spec.number] = empty_table(spec)
            if spec.number not in assigned:
                issues.append(Issue(WARNING, "missing_list", f"{spec.label} was not found in the file.", spec.number))
    if not any(len(t) for t in tables.values()):
        raise UnreadableFile(f"{name} has Annex A lists but no usable rows in any of them, so there is nothing "
                             "to import.")
    issues.sort(key=lambda i: (i.list_number or 0, i.row or 0))
    return AnnexA(name, extract_date, inferred, tables, issues,
                  {p.spec.number: p.sheet for p in parsed}, rejected)
