"""Read a council's SSDA903 return as it comes: CSV tables (one file, a folder or a .zip of them) or the XML
the DfE's collection takes (root ``<EXPSSDA903>``), this year's with last year's.

Each CSV file is recognised by its exact set of headers (``spec.BY_HEADERS``), whatever it is called; last
year's files by their name (``_last``, ``last``, ``previous`` or ``prev`` in the file or folder name, or the
year before the collection year: ``episodes_2017.csv`` in a return for the year ending March 2018) or given
separately (``last_year=``). Values are typed: dates (strictly dd/mm/yyyy, as DfE's validator reads them)
as dates, whole numbers as numbers, codes and identifiers as text exactly as written (CHILD keeps its
leading zeros). A value that is not of its kind becomes a blank in the table and an ``Issue`` naming the
child, table, row, field and value; values DfE's own rules check (a date of birth, an episode's start, a
code) are reported by those rules (``goldthread.core.ssda903.rules``), once. A file that cannot be read at
all raises ``UnreadableFile`` with one sentence.

``read_parts`` is the reading process's side (``goldthread.core.untrusted`` runs it, limited in memory and
time); ``from_parts`` rebuilds the ``Return903`` from what crosses back; ``read_903_safely`` does both.
XML is parsed with defusedxml (no DTDs, no entity expansion, no external entities), streamed element by
element, and refused past ``MAX_XML_BYTES``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from .._gc import gc_paused
from ..zips import check_zip
from . import spec as S
from .issues import ERROR, WARNING, Issue, UnreadableFile

Progress = Callable[[str, int, int], None]

MAX_XML_BYTES = 1024**3  # a large council's 903 XML is tens of MB
MAX_ZIP_MEMBERS = 500
ACCEPTED = ("the SSDA903 tables as CSV files (one file, or a folder or .zip of them) or the return's XML "
            "(<EXPSSDA903>)")

_LAST_WORDS = re.compile(r"(?:^|[^a-z])(last|previous|prev|prior)(?:[^a-z]|$)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class Return903:
    """One council's SSDA903 return: this year's tables and last year's, typed, with what the reader found."""

    source_name: str
    collection_year: int  # the calendar year of the 31 March the collection year ends on
    tables: dict[str, pd.DataFrame]
    last: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)  # "Header" / "Header_last" -> the file it came from
    invalid: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # table -> field -> row positions
    collection_year_inferred: bool = False

    @property
    def collection_start(self) -> dt.date:
        return dt.date(self.collection_year - 1, 4, 1)

    @property
    def collection_end(self) -> dt.date:
        return dt.date(self.collection_year, 3, 31)

    def table(self, name: str) -> pd.DataFrame:
        """This year's table (``"Episodes_last"`` for last year's), empty with its columns when not given."""
        if name.endswith("_last"):
            base = name[: -len("_last")]
            return self.last.get(base, _empty(base))
        return self.tables.get(name, _empty(name))

    def invalid_rows(self, table: str, column: str) -> np.ndarray:
        """Row positions whose ``column`` held a value that is not of its kind (an impossible date, say)."""
        return np.asarray(self.invalid.get(table, {}).get(column, []), dtype=np.int64)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]


def _empty(name: str) -> pd.DataFrame:
    columns = S.BY_NAME[name].columns
    frame = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if S.KINDS[c] == S.DATE else
                                       "Int64" if S.KINDS[c] == S.INT else object) for c in columns})
    frame["row"] = pd.Series(dtype=np.int64)
    return frame


# --------------------------------------------------------------------------- opening the upload


@dataclass
class RawTable:
    name: str  # the file (or zip member) it came from
    headers: list[str]
    rows: list[list[str]]  # data rows, padded to the header's width
    lines: list[int]  # each row's line in the file
    last_hint: bool = False  # the name says it is last year's


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_table(name: str, data: bytes, last_hint: bool) -> RawTable | None:
    text = _decode(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=None))
        all_rows = list(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"{name} could not be read as a CSV file ({exc}); save it again as 'CSV UTF-8 "
                             "(comma delimited)'.") from None
    start = next((i for i, r in enumerate(all_rows) if any(c.strip() for c in r)), None)
    if start is None:
        return None
    headers = [h.strip().lstrip("\ufeff").upper() for h in all_rows[start]]
    width = len(headers)
    rows, lines = [], []
    for i in range(start + 1, len(all_rows)):
        r = all_rows[i]
        if not any(c.strip() for c in r):
            continue
        rows.append(r[:width] + [""] * (width - len(r)) if len(r) != width else r)
        lines.append(i + 1)
    return RawTable(name, headers, rows, lines, last_hint)


def _is_last(name: str, year: int | None) -> bool:
    lowered = name.lower().replace("-", "_").replace(" ", "_")
    for stem in ("previous_permanence", "prev_perm"):  # a table's name, not "last year"
        lowered = lowered.replace(stem, "table")
    if _LAST_WORDS.search(lowered):
        return True
    if year is not None:
        years = {int(y) for y in _YEAR.findall(PurePosixPath(lowered).name)}
        return (year - 1) in years and year not in years
    return False


def _check_zip(zf: zipfile.ZipFile, name: str) -> None:
    check_zip(zf, name, max_members=MAX_ZIP_MEMBERS, holds="an SSDA903 return has")


def _what(path: Path) -> str:
    """"dir", "zip", "xml" or "csv", or UnreadableFile."""
    if path.is_dir():
        return "dir"
    if not path.exists():
        raise UnreadableFile(f"{path.name} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise UnreadableFile(f"{path.name} is empty; expected {ACCEPTED}.")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        lowered = text[:200].lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            raise UnreadableFile(f"{path.name} is a web page (HTML), not an SSDA903 return; expected {ACCEPTED}.")
        return "xml"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"{path.name} is not an SSDA903 return: expected {ACCEPTED}.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(f"{path.name} is an Excel workbook; save each SSDA903 table as a CSV file instead.")
    return "csv"


def _raw_tables(path: Path, year: int | None, force_last: bool) -> list[RawTable]:
    kind = _what(path)
    found: list[RawTable] = []
    if kind == "csv":
        table = _csv_table(path.name, path.read_bytes(), force_last or _is_last(path.name, year))
        return [table] if table else []
    if kind == "dir":
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".txt")
                       and not p.name.startswith(("._", "~$")))
        if not files:
            raise UnreadableFile(f"The folder {path.name} has no CSV files in it: expected {ACCEPTED}.")
        for f in files:
            rel = f.relative_to(path).as_posix()
            table = _csv_table(rel, f.read_bytes(), force_last or _is_last(rel, year))
            if table:
                found.append(table)
        return found
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                _check_zip(zf, path.name)
                members = [i for i in zf.infolist() if not i.is_dir()
                           and PurePosixPath(i.filename).suffix.lower() in (".csv", ".txt")
                           and not PurePosixPath(i.filename).name.startswith(("._", "~$"))]
                if not members:
                    raise UnreadableFile(f"{path.name} is a zip file with no CSV files in it: expected {ACCEPTED}.")
                for info in members:
                    try:
                        data = zf.read(info)
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
                        raise UnreadableFile(f"{path.name} is damaged: '{info.filename}' inside it cannot be unzipped, "
                                             "so nothing was read.") from None
                    table = _csv_table(info.filename, data, force_last or _is_last(info.filename, year))
                    if table:
                        found.append(table)
        except (zipfile.BadZipFile, ValueError, OverflowError, NotImplementedError, EOFError):
            raise UnreadableFile(f"{path.name} is damaged (it starts like a zip file but cannot be opened), so "
                                 "nothing was read.") from None
        return found
    return _xml_tables(path, force_last)


# --------------------------------------------------------------------------- XML


_XML_HEADER = {"CHILDID": "CHILD", "UPN": "UPN", "SEX": "SEX", "DOB": "DOB", "ETHNIC": "ETHNIC", "MOTHER": "MOTHER",
               "MC_DOB": "MC_DOB"}
_XML_OC3 = ("IN_TOUCH", "ACTIV", "ACCOM")
_XML_AD1 = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
# Repeated groups inside HEADER (or CHILD): element -> table
_XML_GROUPS = {"AREVIEW": "Reviews", "AMISSING": "Missing", "AD_PLACED": "PlacedAdoption", "PERMANENCE": "PrevPerm",
               "OC2": "OC2", "SW_EPISODE": "SWEpisodes", "SWEPISODE": "SWEpisodes", "DOLO": "DoLo"}


def _xml_tables(path: Path, force_last: bool, max_bytes: int | None = None) -> list[RawTable]:
    """The tables the XML holds, streamed child by child. defusedxml refuses DTDs (and with them entity
    expansion and external entities)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    limit = MAX_XML_BYTES if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise UnreadableFile(f"{path.name} is {size / 1024**2:,.0f} MB, larger than the {limit / 1024**2:,.0f} MB "
                             "goldthread reads for an SSDA903 XML return, so it was not read.")
    rows: dict[str, list[list[str]]] = {t.name: [] for t in S.TABLES}
    lines: dict[str, list[int]] = {t.name: [] for t in S.TABLES}
    position = 0

    def add(table: str, values: dict[str, str]) -> None:
        rows[table].append([values.get(c, "") for c in S.BY_NAME[table].columns])
        lines[table].append(position)

    def text(el) -> str:
        return (el.text or "").strip()

    try:
        context = iterparse(str(path), events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                            forbid_external=True)
        root = None
        for event, el in context:
            if root is None:
                root = el
                if el.tag != "EXPSSDA903":
                    where = (f" in the namespace {el.tag[1:].partition('}')[0]}" if el.tag.startswith("{") else "")
                    raise UnreadableFile(f"{path.name} is XML but not an SSDA903 return: its root element is "
                                         f"<{_tag(el.tag)}>{where}, where a return has <EXPSSDA903> and no "
                                         "namespace.")
                continue
            if event != "end" or el.tag != "CHILD":
                continue
            position += 1
            header = el.find("HEADER")
            hvals = {}
            if header is not None:
                for sub in header:
                    if sub.tag in _XML_HEADER:
                        hvals[_XML_HEADER[sub.tag]] = text(sub)
            child, dob, sex = hvals.get("CHILD", ""), hvals.get("DOB", ""), hvals.get("SEX", "")
            add("Header", hvals)
            common = {"CHILD": child, "DOB": dob}
            if header is not None:
                duc = header.findtext("DUC")
                if duc is not None and duc.strip():
                    add("UASC", {**common, "SEX": sex, "DUC": duc.strip()})
                oc3 = {c: (header.findtext(c) or "").strip() for c in _XML_OC3}
                if any(oc3.values()):
                    add("OC3", {**common, **oc3})
                ad1 = {c: (header.findtext(c) or "").strip() for c in _XML_AD1}
                if any(ad1.values()):
                    add("AD1", {**common, **ad1})
            for holder in (header, el):
                if holder is None:
                    continue
                for sub in holder:
                    table = _XML_GROUPS.get(sub.tag)
                    if table:
                        add(table, {**common, **{g.tag: text(g) for g in sub}})
            for episode in el.iter("EPISODE"):
                values = {g.tag: text(g) for g in episode}
                values["PLACE"] = values.pop("PL", values.get("PLACE", ""))
                add("Episodes", {"CHILD": child, **values})
            el.clear()
        if root is None:
            raise UnreadableFile(f"{path.name} is empty XML, with no SSDA903 return in it.")
    except DefusedXmlException:
        raise UnreadableFile(f"{path.name} declares a document type or entities, which an SSDA903 return never "
                             "does and which can be used to attack the server, so it was not read.") from None
    except ParseError as exc:
        raise UnreadableFile(f"{path.name} is not well-formed XML ({_parse_error(exc)}): it may be cut short or "
                             "damaged, so nothing was read.") from None
    return [RawTable(f"{path.name} ({S.BY_NAME[name].title})", list(S.BY_NAME[name].columns), rows[name],
                     lines[name], force_last, ) for name in rows if rows[name] or name == "Header"]


def _tag(tag: str) -> str:
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def _parse_error(exc) -> str:
    line, column = getattr(exc, "position", (None, None))
    return f"line {line}, column {column}" if line else "the file ends before the return does"


# --------------------------------------------------------------------------- typing


def _parse_dates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] for each value (NaT when blank or not a real dd/mm/yyyy date), and where a value was
    present but not a date."""
    codes, uniques = pd.factorize(values)
    parsed = np.empty(len(uniques) + 1, dtype="datetime64[D]")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, raw in enumerate(uniques):
        parsed[i] = np.datetime64("NaT")
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            continue
        m = _DATE.match(text)
        if m is None:
            bad[i] = True
            continue
        try:
            parsed[i] = np.datetime64(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "D")
        except ValueError:
            bad[i] = True
    parsed[-1] = np.datetime64("NaT")
    bad[-1] = False
    return parsed[codes].astype("datetime64[ns]"), bad[codes]


def _parse_ints(values: np.ndarray) -> tuple[pd.arrays.IntegerArray, np.ndarray]:
    codes, uniques = pd.factorize(values)
    out = np.zeros(len(uniques) + 1, dtype=np.int64)
    mask = np.ones(len(uniques) + 1, dtype=bool)
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, raw in enumerate(uniques):
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            continue
        if re.fullmatch(r"-?\d{1,9}", text):
            out[i], mask[i] = int(text), False
        else:
            bad[i] = True
    return pd.arrays.IntegerArray(out[codes], mask[codes]), bad[codes]


def _texts(values: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(values)
    cleaned = np.array([v.strip() if isinstance(v, str) and v.strip() else None for v in uniques] + [None],
                       dtype=object)
    return cleaned[codes]


def type_table(raw: RawTable, spec: S.TableSpec, year: int) -> tuple[pd.DataFrame, dict[str, list[int]], list[Issue]]:
    """The typed table, where values were not of their kind, and issues for them (those no DfE rule checks)."""
    n = len(raw.rows)
    by_header = {h: i for i, h in enumerate(raw.headers)}
    matrix = np.array(raw.rows, dtype=object).reshape(n, len(raw.headers)) if n else np.empty((0, len(raw.headers)),
                                                                                                 dtype=object)
    data: dict[str, object] = {}
    invalid: dict[str, list[int]] = {}
    issues: list[Issue] = []
    children = _texts(matrix[:, by_header["CHILD"]]) if n else np.empty(0, dtype=object)
    for column in spec.columns:
        values = matrix[:, by_header[column]] if n else np.empty(0, dtype=object)
        kind = S.KINDS[column]
        if kind == S.DATE:
            data[column], bad = _parse_dates(values)
        elif kind == S.INT:
            data[column], bad = _parse_ints(values)
        else:
            data[column] = _texts(values)
            bad = np.zeros(n, dtype=bool)
            if kind in (S.CODE, S.FLAG):
                allowed = set(S.codes(column, year)) if kind == S.CODE else {"0", "1"}
                present = pd.notna(data[column])
                bad = present & ~pd.Series(data[column]).isin(allowed).to_numpy()
        positions = np.flatnonzero(bad)
        if len(positions):
            invalid[column] = positions.tolist()
            if (spec.name, column) not in RULE_CHECKED:
                issues.extend(_value_issue(raw, spec, column, kind, int(p), children[p], values[p], year)
                              for p in positions)
    frame = pd.DataFrame(data, columns=list(spec.columns))
    frame["row"] = np.asarray(raw.lines, dtype=np.int64)
    blank = np.flatnonzero(pd.isna(children))
    issues.extend(Issue(ERROR, "missing_child_id", f"A row of the {spec.title} table has no CHILD identifier, so it "
                        "cannot be linked to a child.", table=spec.name, file=raw.name, row=raw.lines[p],
                        field="CHILD", last_year=raw.last_hint) for p in blank)
    return frame, invalid, issues


def _value_issue(raw: RawTable, spec: S.TableSpec, column: str, kind: str, p: int, child, value, year: int) -> Issue:
    shown = str(value).strip()
    if kind == S.DATE:
        message, slug = f"{column} '{shown}' is not a date written as dd/mm/yyyy.", "bad_date"
    elif kind == S.INT:
        message, slug = f"{column} '{shown}' is not a whole number.", "bad_number"
    elif kind == S.FLAG:
        message, slug = f"{column} '{shown}' must be 0 or 1.", "unknown_code"
    else:
        message, slug = (f"{column} '{shown}' is not one of the DfE codes for {column} in {year - 1}-{year % 100:02d}.",
                         "unknown_code")
    return Issue(ERROR, slug, message, table=spec.name, file=raw.name, row=raw.lines[p],
                 child=child, field=column, value=shown, last_year=raw.last_hint)


# Fields whose invalid values a declared DfE rule reports (goldthread.core.ssda903.rules; a test checks this
# matches the rules), so the reader does not report them twice.
RULE_CHECKED = frozenset({
    ("Header", "SEX"), ("Header", "DOB"), ("Header", "ETHNIC"),
    ("Episodes", "DECOM"), ("Episodes", "RNE"), ("Episodes", "LS"), ("Episodes", "CIN"), ("Episodes", "PLACE"),
    ("Episodes", "REC"), ("Episodes", "REASON_PLACE_CHANGE"), ("UASC", "DUC"), ("Missing", "MISSING"),
    ("Missing", "MIS_START"),
})


# --------------------------------------------------------------------------- the whole return


def _infer_year(raws: list[tuple[RawTable, S.TableSpec]]) -> int | None:
    """The collection year from this year's episodes: the 31 March on or after the latest episode start."""
    latest = None
    for raw, spec in raws:
        if spec.name == "Episodes" and not raw.last_hint and raw.rows:
            at = raw.headers.index("DECOM")
            dates, _ = _parse_dates(np.array([r[at] for r in raw.rows], dtype=object))
            dates = dates[~np.isnat(dates)]
            if len(dates) and (latest is None or dates.max() > latest):
                latest = dates.max()
    if latest is None:
        return None
    day = pd.Timestamp(latest).date()
    return day.year if (day.month, day.day) <= (3, 31) else day.year + 1


def _identify(raws: list[RawTable]) -> tuple[list[tuple[RawTable, S.TableSpec]], list[Issue]]:
    matched, issues = [], []
    for raw in raws:
        spec = S.BY_HEADERS.get(frozenset(raw.headers))
        if spec is None:
            headers = set(raw.headers)
            best = max(S.TABLES, key=lambda t: len(t.header_set & headers))
            missing = sorted(best.header_set - headers)
            extra = sorted(headers - best.header_set)
            hint = ""
            if len(best.header_set & headers) >= len(best.columns) // 2:
                hint = (f" It looks like the {best.title} table, but " + "; ".join(
                    p for p in (f"it lacks {', '.join(missing)}" if missing else "",
                                f"it has {', '.join(extra)} as well" if extra else "") if p) + ".")
            issues.append(Issue(WARNING, "unrecognised_file", f"{raw.name} was not read: its headers are not those of "
                                f"any SSDA903 table.{hint}", file=raw.name))
            continue
        matched.append((raw, spec))
    return matched, issues


def read_903(path: str | Path, *, last_year: str | Path | None = None, collection_year: int | None = None,
             display_name: str | None = None, progress: Progress | None = None) -> Return903:
    """Read a return (and last year's, when given separately or found by name) into a ``Return903``."""
    path = Path(path)
    name = display_name or path.name
    with gc_paused():
        if progress:
            progress("reading files", 0, 1)
        raws = _raw_tables(path, collection_year, False)
        if last_year is not None:
            raws += _raw_tables(Path(last_year), collection_year, True)
        matched, issues = _identify(raws)
        if not any(not raw.last_hint for raw, _ in matched):
            raise UnreadableFile(f"{name} holds no SSDA903 table this goldthread recognises: each CSV file must have "
                                 "exactly the DfE's headers for one table (for example CHILD, SEX, DOB, ETHNIC, UPN, "
                                 "MOTHER, MC_DOB for the header table).")
        year = collection_year or _infer_year(matched)
        inferred = collection_year is None
        if year is None:
            year = dt.date.today().year if dt.date.today().month <= 3 else dt.date.today().year + 1
        if collection_year is None:  # file names with a year can say "last year" only once the year is known
            for raw, _ in matched:
                raw.last_hint = raw.last_hint or _is_last(raw.name, year)
        ret = Return903(name, year, {}, {}, issues, {}, {}, inferred)
        for step, (raw, spec) in enumerate(matched, start=1):
            if progress:
                progress("typing tables", step, len(matched))
            target = ret.last if raw.last_hint else ret.tables
            key = spec.name + ("_last" if raw.last_hint else "")
            if spec.name in target:
                ret.issues.append(Issue(WARNING, "duplicate_table", f"{raw.name} holds the {spec.title} table "
                                        f"{'for last year ' if raw.last_hint else ''}again (already read from "
                                        f"{ret.found[key]}), so it was left out; name last year's files with "
                                        "'_last'.", table=spec.name, file=raw.name, last_year=raw.last_hint))
                continue
            frame, invalid, typed_issues = type_table(raw, spec, year - 1 if raw.last_hint else year)
            target[spec.name] = frame
            ret.found[key] = raw.name
            if invalid and not raw.last_hint:
                ret.invalid[spec.name] = invalid
            ret.issues.extend(typed_issues)
    return ret


# --------------------------------------------------------------------------- across the process boundary


def to_parts(ret: Return903):
    from ..untrusted import Parts

    frames = {f"this:{k}": v for k, v in ret.tables.items()} | {f"last:{k}": v for k, v in ret.last.items()}
    meta = {"source_name": ret.source_name, "collection_year": ret.collection_year, "found": ret.found,
            "invalid": ret.invalid, "issues": [i.as_dict() for i in ret.issues],
            "collection_year_inferred": ret.collection_year_inferred}
    return Parts(meta, frames)


def from_parts(parts) -> Return903:
    meta = parts.meta
    tables = {k.partition(":")[2]: v for k, v in parts.frames.items() if k.startswith("this:")}
    last = {k.partition(":")[2]: v for k, v in parts.frames.items() if k.startswith("last:")}
    for frames in (tables, last):
        for name, frame in frames.items():
            for column in S.BY_NAME[name].columns:
                if S.KINDS[column] == S.DATE:
                    frame[column] = frame[column].astype("datetime64[ns]")
    return Return903(meta["source_name"], meta["collection_year"], tables, last,
                     [Issue(**x) for x in meta["issues"]], meta["found"], meta["invalid"],
                     meta["collection_year_inferred"])


def read_parts(path: Path, *, display_name: str | None = None, progress: Progress | None = None,
               last_year: str | None = None, collection_year: int | None = None):
    """The reading process's side (registered as kind "ssda903" in goldthread.core.untrusted.READERS)."""
    return to_parts(read_903(path, last_year=last_year, collection_year=collection_year, display_name=display_name,
                             progress=progress))


def read_903_safely(path: str | Path, *, last_year: str | Path | None = None, collection_year: int | None = None,
                    display_name: str | None = None, progress: Progress | None = None, limits=None) -> Return903:
    """``read_903`` in the limited reading process: the same result, or ``UnreadableFile`` with one sentence
    whatever the file does to the reading process."""
    from ..untrusted import read_untrusted

    options = {"collection_year": collection_year}
    if last_year is not None:
        options["last_year"] = str(Path(last_year).resolve())
    return from_parts(read_untrusted("ssda903", path, options=options, display_name=display_name, progress=progress,
                                     limits=limits))


def return_from_rows(tables: dict[str, list[dict]], *, collection_year: int,
                     last: dict[str, list[dict]] | None = None, source_name: str = "test") -> Return903:
    """A ``Return903`` from rows written as they would be in the CSV files (every value text, dates
    dd/mm/yyyy; a missing column is blank): for tests and the synthetic generator."""
    ret = Return903(source_name, collection_year, {}, {}, [], {}, {})
    for rows_by_table, is_last in ((tables, False), (last or {}, True)):
        for name, rows in rows_by_table.items():
            spec = S.BY_NAME[name]
            raw = RawTable(f"{name}.csv", list(spec.columns),
                           [["" if r.get(c) is None else str(r.get(c)) for c in spec.columns] for r in rows],
                           list(range(2, len(rows) + 2)), is_last)
            frame, invalid, issues = type_table(raw, spec, collection_year - 1 if is_last else collection_year)
            (ret.last if is_last else ret.tables)[name] = frame
            if invalid and not is_last:
                ret.invalid[name] = invalid
            ret.issues.extend(issues)
    return ret
