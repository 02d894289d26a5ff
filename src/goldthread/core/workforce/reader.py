"""Reading a council's workforce list (the template in goldthread.core.workforce) and checking it.

``read_workforce`` opens a CSV, .xlsx, .xls or .ods file (the first sheet whose headers are the template's),
finds the header row (up to 20 rows down, below any title), matches headers however they are spelled
(``template.ALIASES``), and types each value: text kept as written, Filled/Vacant and Permanent/Agency in the
usual words, numbers, dates as dd/mm/yyyy, ISO or Excel dates. A value that cannot be used becomes an ``Issue``
naming the row (as the spreadsheet numbers it), the post, the column and the value; a row without a post ID or a
usable status or FTE is left out (an error). ``validate(list, month_end)`` then checks the rows against the month
the list describes. A file that cannot be read at all raises ``UnreadableFile`` (one sentence).

``read_parts`` runs in the limited reading process (kind "workforce" in goldthread.core.untrusted).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..annexa.issues import ERROR, WARNING, UnreadableFile
from ..workdays import working_days_between
from . import template as T

Progress = Callable[[str, int, int], None]
HEADER_SEARCH_ROWS = 20
ACCEPTED = "the workforce template as a CSV file or a spreadsheet (.xlsx, .xls or .ods)"
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Issue:
    severity: str
    kind: str
    message: str
    row: int | None = None  # the row as the spreadsheet numbers it
    post_id: str | None = None
    column: str | None = None  # as headed in the file
    value: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class WorkforceList:
    source_name: str
    posts: pd.DataFrame  # post_id, team, status, contract, fte, start_date, leaving_date, absence_days, caseload, row
    issues: list[Issue] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # template column -> header in the file
    rows_rejected: int = 0

    def table(self, name: str) -> pd.DataFrame:
        if name != "posts":
            raise KeyError(name)
        return self.posts

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]


def _norm(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


_ALIAS = {_norm(a): column for column, names in T.ALIASES.items() for a in (column, *names)}


def _rows_of(path: Path) -> list[tuple[str, list[list]]]:
    """(sheet name, rows of raw cells) for each sheet, or the CSV as one."""
    if not path.exists():
        raise UnreadableFile(f"{path.name} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise UnreadableFile(f"{path.name} is empty; expected {ACCEPTED}.")
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                    for name in book.sheet_names]
        except Exception:  # noqa: BLE001 - calamine raises its own kinds for damaged files
            raise UnreadableFile(f"{path.name} could not be opened as a spreadsheet: it is damaged, "
                                 f"password-protected or in another format; expected {ACCEPTED}.") from None
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"{path.name} is not a workforce list: expected {ACCEPTED}.")
    import csv
    import io

    from ..ssda903.reader import _decode

    try:
        return [(path.name, list(csv.reader(io.StringIO(_decode(path.read_bytes()), newline=None))))]
    except csv.Error as exc:
        raise UnreadableFile(f"{path.name} could not be read as a CSV file ({exc}).") from None


def _find_header(rows: list[list]) -> tuple[int, dict[int, str]] | None:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched: dict[int, str] = {}
        for pos, cell in enumerate(cells):
            column = _ALIAS.get(_norm(cell)) if isinstance(cell, str) else None
            if column and column not in matched.values():
                matched[pos] = column
        if set(T.REQUIRED) <= set(matched.values()):
            return index, matched
    return None


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _date(v) -> tuple[dt.date | None, bool]:
    if _blank(v):
        return None, True
    if isinstance(v, dt.datetime):
        return v.date(), True
    if isinstance(v, dt.date):
        return v, True
    if isinstance(v, int | float):
        return (_EXCEL_EPOCH + dt.timedelta(days=int(v)), True) if 61 <= v <= 73050 else (None, False)
    text = str(v).strip()
    try:
        if m := _DMY.match(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), True
        if m := _YMD.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), True
    except ValueError:
        pass
    return None, False


def _number(v) -> tuple[float | None, bool]:
    if _blank(v):
        return None, True
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v), True
    try:
        return float(str(v).strip()), True
    except ValueError:
        return None, False


def read_workforce(path: str | Path, *, display_name: str | None = None,
                   progress: Progress | None = None) -> WorkforceList:
    path = Path(path)
    name = display_name or path.name
    found = None
    for sheet, rows in _rows_of(path):
        header = _find_header(rows)
        if header is not None:
            found = (sheet, rows, header)
            break
    if found is None:
        raise UnreadableFile(f"{name} has no sheet with the workforce template's headers: it needs at least "
                             f"{', '.join(T.REQUIRED)} (the template has {', '.join(T.COLUMNS)}).")
    sheet, rows, (at, columns) = found
    headers = {column: _text(rows[at][pos]) for pos, column in columns.items()}
    issues: list[Issue] = []
    records = []
    rejected = 0
    for index in range(at + 1, len(rows)):
        cells = rows[index]
        if all(_blank(c) for c in cells):
            continue
        if progress and index % 1000 == 0:
            progress("reading posts", index, len(rows))
        raw = {column: (cells[pos] if pos < len(cells) else None) for pos, column in columns.items()}
        row = index + 1
        record, problems, usable = _record(raw, row, headers)
        issues.extend(problems)
        if usable:
            records.append(record)
        else:
            rejected += 1
    posts = pd.DataFrame.from_records(records, columns=[*T.FIELDS.values(), "row"])
    for column in ("start_date", "leaving_date"):
        posts[column] = pd.to_datetime(posts[column]).astype("datetime64[ns]")
    for column in ("fte", "absence_days", "caseload"):
        posts[column] = posts[column].astype(float)
    posts["row"] = posts["row"].astype(np.int64)
    return WorkforceList(name, posts, issues, headers, rejected)


def _record(raw: dict, row: int, headers: dict[str, str]) -> tuple[dict, list[Issue], bool]:
    problems: list[Issue] = []
    post = None if _blank(raw.get(T.POST_ID)) else _text(raw[T.POST_ID])

    def issue(severity: str, kind: str, column: str, message: str) -> None:
        value = raw.get(column)
        problems.append(Issue(severity, kind, message, row, post, headers.get(column, column),
                              None if _blank(value) else _text(value)))

    usable = True
    if post is None:
        issue(ERROR, "missing_value", T.POST_ID, f"Row {row} has no {T.POST_ID}, so it was left out.")
        usable = False
    team = None if _blank(raw.get(T.TEAM)) else _text(raw[T.TEAM])
    if team is None:
        issue(WARNING, "missing_value", T.TEAM, f"Post {post} has no team; it is counted under 'Not recorded'.")
        team = "Not recorded"
    status = T.STATUS_WORDS.get(_norm(raw.get(T.STATUS))) if not _blank(raw.get(T.STATUS)) else None
    if status is None:
        issue(ERROR, "bad_value", T.STATUS, f"Post {post}: '{T.STATUS}' must be Filled or Vacant, so the row was "
              "left out.")
        usable = False
    contract = T.CONTRACT_WORDS.get(_norm(raw.get(T.CONTRACT))) if not _blank(raw.get(T.CONTRACT)) else None
    if status == T.FILLED and contract is None:
        issue(ERROR, "bad_value", T.CONTRACT, f"Post {post} is filled, so '{T.CONTRACT}' must be Permanent or "
              "Agency; the row was left out.")
        usable = False
    if status == T.VACANT and contract is not None:
        issue(WARNING, "inconsistent", T.CONTRACT, f"Post {post} is vacant but says '{_text(raw[T.CONTRACT])}' "
              f"under '{T.CONTRACT}'; that was ignored.")
        contract = None
    fte, ok = _number(raw.get(T.FTE))
    if fte is None or not ok or fte <= 0:
        issue(ERROR, "bad_value", T.FTE, f"Post {post}: FTE must be a number more than 0, so the row was left out.")
        usable = False
    elif fte > 1:
        issue(WARNING, "implausible", T.FTE, f"Post {post} has an FTE of {fte:g}, more than one full-time post.")
    dates = {}
    for column in (T.START, T.LEAVING):
        dates[column], ok = _date(raw.get(column))
        if not ok:
            issue(ERROR, "bad_date", column, f"Post {post}: '{column}' is not a date (expected dd/mm/yyyy); it was "
                  "treated as blank.")
    numbers = {}
    for column in (T.ABSENCE, T.CASELOAD):
        numbers[column], ok = _number(raw.get(column))
        if not ok or (numbers[column] is not None and numbers[column] < 0):
            issue(ERROR, "bad_value", column, f"Post {post}: '{column}' must be a number, 0 or more; it was treated "
                  "as blank.")
            numbers[column] = None
    record = {"post_id": post, "team": team, "status": status, "contract": contract, "fte": fte,
              "start_date": dates[T.START], "leaving_date": dates[T.LEAVING], "absence_days": numbers[T.ABSENCE],
              "caseload": numbers[T.CASELOAD], "row": row}
    return record, problems, usable


def in_post(posts: pd.DataFrame, day) -> pd.Series:
    """Filled posts whose worker was in post on ``day``: started on or before it (or no start date given) and not
    left before it (leaving date blank or on or after it)."""
    day = np.datetime64(day, "ns")
    return (posts["status"].eq(T.FILLED) & (posts["start_date"].isna() | (posts["start_date"] <= day))
            & (posts["leaving_date"].isna() | (posts["leaving_date"] >= day)))


def validate(workforce: WorkforceList, month_end: dt.date) -> list[Issue]:
    """Checks against the month the list describes (ending ``month_end``)."""
    p = workforce.posts
    end = np.datetime64(month_end, "ns")
    month_start = np.datetime64(month_end.replace(day=1), "ns")
    days_in_month = int(working_days_between(np.array([month_start - np.timedelta64(1, "D")], dtype="datetime64[ns]"),
                                             np.array([end], dtype="datetime64[ns]"))[0])
    out: list[Issue] = []
    headers = workforce.headers

    def add(mask, severity, kind, column, message: Callable[[pd.Series], str]):
        for _, r in p[mask].iterrows():
            value = r[T.FIELDS[column]]
            shown = value.strftime("%d/%m/%Y") if isinstance(value, pd.Timestamp) else (
                None if pd.isna(value) else f"{value:g}" if isinstance(value, float) else str(value))
            out.append(Issue(severity, kind, message(r), int(r["row"]), r["post_id"], headers.get(column, column), shown))

    add(p["start_date"] > end, WARNING, "future_date", T.START,
        lambda r: f"Post {r['post_id']}: the start date is after the month the list describes.")
    add(p["leaving_date"] < p["start_date"], ERROR, "date_order", T.LEAVING,
        lambda r: f"Post {r['post_id']}: the leaving date is before the start date.")
    add(p["leaving_date"] > end, WARNING, "future_date", T.LEAVING,
        lambda r: f"Post {r['post_id']}: the leaving date is after the month the list describes; the worker is "
                  "counted as in post.")
    add(p["leaving_date"] < end - np.timedelta64(365, "D"), WARNING, "old_leaver", T.LEAVING,
        lambda r: f"Post {r['post_id']}: the worker left more than 12 months ago, so the row is not needed.")
    add(p["status"].eq(T.VACANT) & (p["start_date"].notna() | p["leaving_date"].notna()), WARNING, "inconsistent",
        T.START, lambda r: f"Post {r['post_id']} is vacant but has a start or leaving date.")
    add(p["status"].eq(T.VACANT) & p["caseload"].gt(0), WARNING, "inconsistent", T.CASELOAD,
        lambda r: f"Post {r['post_id']} is vacant but has a caseload.")
    add(p["status"].eq(T.FILLED) & p["leaving_date"].lt(month_start) & p["caseload"].gt(0), WARNING,
        "inconsistent", T.CASELOAD, lambda r: f"Post {r['post_id']}: the worker has left but has a caseload.")
    add(p["absence_days"] > days_in_month, WARNING, "implausible", T.ABSENCE,
        lambda r: f"Post {r['post_id']}: more absence days than the {days_in_month} working days in the month.")
    current = p[in_post(p, end)]
    dup = current["post_id"].duplicated(keep=False) & current.duplicated(["post_id", "start_date"], keep=False)
    add(p.index.isin(current.index[dup]), WARNING, "duplicate", T.POST_ID,
        lambda r: f"Post {r['post_id']} appears more than once with the same start date.")
    return out


# --------------------------------------------------------------------------- the limited reading process


def read_parts(path: Path, *, display_name: str | None = None, progress: Progress | None = None):
    from ..untrusted import Parts

    w = read_workforce(path, display_name=display_name, progress=progress)
    return Parts({"source_name": w.source_name, "issues": [i.as_dict() for i in w.issues], "headers": w.headers,
                  "rows_rejected": w.rows_rejected}, {"posts": w.posts})


def from_parts(parts) -> WorkforceList:
    posts = parts.frames["posts"]
    for column in ("start_date", "leaving_date"):
        posts[column] = posts[column].astype("datetime64[ns]")
    meta = parts.meta
    return WorkforceList(meta["source_name"], posts, [Issue(**x) for x in meta["issues"]], meta["headers"],
                         meta["rows_rejected"])


def read_workforce_safely(path: str | Path, *, display_name: str | None = None, progress: Progress | None = None,
                          limits=None) -> WorkforceList:
    from ..untrusted import read_untrusted

    return from_parts(read_untrusted("workforce", path, display_name=display_name, progress=progress, limits=limits))
