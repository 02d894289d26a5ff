"""Read a council's Annex A as it really comes.

Accepts an .xlsx/.xlsm, .xls or .ods workbook, or a folder or .zip of CSV files (one per list). Finds
each list by its sheet (or file) name or, failing that, by its headers; finds the header row below any
title or note rows; matches headers however the export spelled them; and returns one canonical typed
table per list with a list of validation issues. Nothing here imports Django.

Reading has two steps. ``read_sheets`` opens the file (goldthread.core.annexa.files) and turns each sheet
that looks like a list into a typed table with its row-level issues: it touches the file's bytes, so for files
from users it runs in the limited reading process, and for a large file two such processes each read half
the sheets. ``assemble`` then works only on what they found: it decides which sheet is which list, proposes
the extract date when none was given (goldthread.core.annexa.dates) and checks rows against it.
``read_annex_a`` does both, here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._gc import gc_paused
from ..zips import MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES  # noqa: F401 (the reader's public names)
from . import spec as S
from .codes import normalise_text
from .dates import DateProposal, date_saved, propose_extract_date
from .files import (  # noqa: F401 (the reader's public names, as before the split)
    ACCEPTED,
    MAX_ZIP_MEMBERS,
    Progress,
    RawSheet,
    open_sheets,
    sniff,
)
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

HEADER_SEARCH_ROWS = 25


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
    date_proposal: DateProposal | None = None  # how the extract date was proposed, when none was given

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
class ParsedList:
    """One list read from one sheet: its typed table and what was found wrong in its rows."""

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


def _build_table(raw: RawSheet, spec: S.ListSpec, header_index: int, matched: dict[int, S.Column]) -> ParsedList:
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
    return ParsedList(spec, raw.name, table, headers, issues, int(error_rows.sum()))


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


def _row_checks(parsed: ParsedList, extract_date: dt.date) -> list[Issue]:
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


# --------------------------------------------------------------------------- reading sheets


@dataclass
class Candidate:
    """A sheet that looked like a list, as a reader found it."""

    index: int  # the sheet's position in the file
    sheet: str
    number: int
    has_header: bool
    issues: list[Issue]  # about the sheet as a whole: no header row, a missing column, extra columns
    parsed: ParsedList | None  # None without a header row or without a required column


@dataclass
class SheetsFound:
    """What one reader found in the sheets it read (all of them, or its share)."""

    candidates: list[Candidate]
    unrecognised: list[tuple[int, Issue]]  # (sheet index, issue) for sheets that are no list
    saved: dt.date | None = None  # when the workbook was saved, from its properties (the first reader's)


def read_sheets(path: str | Path, *, progress: Progress | None = None, share: tuple[int, int] | None = None,
                display_name: str | None = None) -> SheetsFound:
    """Open the file and read every sheet that looks like a list (or, with ``share=(k, n)``, the k-th of n
    readers' share of them) into a typed table. Raises UnreadableFile with one sentence."""
    path = Path(path)
    name = display_name or path.name
    with gc_paused():
        try:
            raw_sheets = open_sheets(path, progress, share)
        except UnreadableFile as exc:
            if display_name:
                raise UnreadableFile(str(exc).replace(path.name, display_name, 1)) from None
            raise
        except OSError as exc:
            raise UnreadableFile(f"{name} could not be opened: {exc.strerror or exc}.") from None
        found = SheetsFound([], [], date_saved(path) if path.is_file() and (share is None or share[0] == 0) else None)
        for step, (index, raw) in enumerate(raw_sheets, start=1):
            if progress:
                progress("finding lists", step, len(raw_sheets))
            if not any(any(c not in ("", None) for c in r) for r in raw.rows[:HEADER_SEARCH_ROWS]):
                continue
            number = list_from_name(raw.name) or _list_from_headers(raw.rows)
            if number is None:
                found.unrecognised.append((index, Issue(
                    WARNING, "unrecognised_sheet", f"'{raw.name}' was not recognised as an Annex A list, so it was "
                    "not read.", sheet=raw.name, expected="a sheet named like 'List 1' or with Annex A headers")))
                continue
            found.candidates.append(_read_list(index, raw, number))
        return found


def _read_list(index: int, raw: RawSheet, number: int) -> Candidate:
    spec = S.BY_NUMBER[number]
    header = _best_header(raw.rows, spec)
    if header is None:
        return Candidate(index, raw.name, number, False, [Issue(
            ERROR, "no_header", f"No header row for {spec.label} was found in the first {HEADER_SEARCH_ROWS} rows, "
            "so the list was not read.", number, raw.name,
            expected=f"a header row with columns such as '{spec.columns[0].header}'")], None)
    header_index, matched = header
    missing_required = [c for c in spec.columns if c.required and c not in matched.values()]
    if missing_required:
        return Candidate(index, raw.name, number, True, [Issue(
            ERROR, "missing_column", f"{spec.label} has no '{missing_required[0].header}' column, so the list "
            "cannot be used.", number, raw.name, header_index + 1, missing_required[0].header,
            expected=f"a column headed '{missing_required[0].header}'")], None)
    parsed = _build_table(raw, spec, header_index, matched)
    issues = []
    missing = [c.header for c in spec.columns if c not in matched.values()]
    if missing:
        issues.append(Issue(WARNING, "missing_column",
                            f"{spec.label} has no column for: {'; '.join(missing)}. Measures that need "
                            f"{'it' if len(missing) == 1 else 'them'} will be blank.",
                            number, raw.name, header_index + 1))
    header_cells = raw.rows[header_index]
    extra = [str(header_cells[p]).strip() for p in range(len(header_cells))
             if p not in matched and not _is_blank_header(header_cells[p])]
    if extra:
        issues.append(Issue(WARNING, "extra_columns",
                            f"{spec.label} has {len(extra)} column{'s' if len(extra) > 1 else ''} goldthread "
                            f"does not use ({', '.join(repr(e) for e in extra)}); kept aside with each row.",
                            number, raw.name, header_index + 1))
    return Candidate(index, raw.name, number, True, issues, parsed)


# --------------------------------------------------------------------------- assembling Annex A


def assemble(found: list[SheetsFound], *, name: str, extract_date: dt.date | None = None,
             today: dt.date | None = None) -> AnnexA:
    """Annex A from what the readers found: the first sheet (in the file's order) that looks like each list is
    that list; the extract date is ``extract_date`` or proposed from the file; rows are checked against it.
    Raises UnreadableFile when no list can be used."""
    with gc_paused():
        return _assemble(found, name, extract_date, today or dt.date.today())


def _assemble(found: list[SheetsFound], name: str, extract_date: dt.date | None, today: dt.date) -> AnnexA:
    candidates = sorted((c for f in found for c in f.candidates), key=lambda c: c.index)
    by_sheet: list[tuple[int, Issue]] = [item for f in found for item in f.unrecognised]
    assigned: dict[int, Candidate] = {}
    for candidate in candidates:
        if not candidate.has_header:
            by_sheet.extend((candidate.index, issue) for issue in candidate.issues)
        elif candidate.number in assigned:
            spec = S.BY_NUMBER[candidate.number]
            by_sheet.append((candidate.index, Issue(
                WARNING, "duplicate_list", f"'{candidate.sheet}' also looks like {spec.label}; only "
                f"'{assigned[candidate.number].sheet}' was read.", candidate.number, candidate.sheet)))
        else:
            assigned[candidate.number] = candidate
    issues = [issue for _, issue in sorted(by_sheet, key=lambda item: item[0])]
    if not assigned:
        if any(i.kind == "no_header" for i in issues):
            raise UnreadableFile(f"{name} has sheets named like Annex A lists but no recognisable header row in "
                                 "any of them: expected a row of column names such as 'Child Unique ID'.")
        raise UnreadableFile(f"No Annex A list was found in {name}: expected sheets (or CSV files) named like "
                             "'List 1' to 'List 11', or with Annex A headers such as 'Child Unique ID'.")
    parsed: list[ParsedList] = []
    for _, candidate in sorted(assigned.items()):
        issues.extend(candidate.issues)
        if candidate.parsed is not None:
            parsed.append(candidate.parsed)

    inferred = extract_date is None
    proposal = None
    if extract_date is None:
        saved = next((f.saved for f in found if f.saved is not None), None)
        proposal = propose_extract_date(parsed, name, saved, today)
        if proposal is None:
            raise UnreadableFile(f"{name} has Annex A lists but no usable rows in any of them, so there is "
                                 "nothing to import.")
        extract_date = proposal.date
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
    return AnnexA(name, extract_date, inferred, tables, issues, {p.spec.number: p.sheet for p in parsed}, rejected,
                  proposal)


# --------------------------------------------------------------------------- entry point


def read_annex_a(path: str | Path, *, extract_date: dt.date | None = None,
                 progress: Progress | None = None, display_name: str | None = None,
                 today: dt.date | None = None) -> AnnexA:
    """Read an Annex A file or folder. Raises UnreadableFile with one sentence when it cannot be read.

    Without ``extract_date``, one is proposed from the file (``AnnexA.date_proposal`` says how) and the rows
    are checked against it; the person importing the file confirms or corrects it. This runs in whatever
    process calls it: for files from users, call ``goldthread.core.annexa.transfer.read_annex_a_safely``."""
    path = Path(path)
    found = read_sheets(path, progress=progress, display_name=display_name)
    return assemble([found], name=display_name or path.name, extract_date=extract_date, today=today)
