"""What the statutory returns (the CIN census, the SSDA903 return, ...) share: row-level issues, a registry of
DfE validation rules, and reading XML from users safely. Plain Python, no Django.

**Issues.** ``Issue`` says what is wrong in terms an analyst can act on: the child, the table, the row, the
field (as the DfE names it: ``CPPstartDate``, ``DECOM``) and the value, with a severity (``ERROR``: DfE would not
accept the return with it; ``WARNING``: read, but check it) and, for a DfE rule, its code. A file that cannot be
read at all raises ``UnreadableFile`` (one sentence), the exception the Annex A reader uses, so callers treat
every kind of file alike.

**Rules.** A ``RuleBook`` holds one return's DfE rules, each declared once with ``@book.rule(code=...,
message=..., affects=[...])``. A rule's function takes the return (anything with ``table(name) -> DataFrame``)
and returns its failing rows as ``{table name: row positions}`` (0-based positions in that table's frame), or
``{table name: (row positions, [fields to show])}`` to name the fields shown for that table (a field the table
lacks shows as blank: "this child has no <Disability>").
``book.validate(data)`` runs every rule and turns each failing row into one ``Issue`` naming the rule, the
child, the table, the row and the affected fields of that table with their values. The book is told, per
table, which DfE field each column holds (``fields``), so rules speak in DfE field names and tables keep
goldthread's column names::

    CIN = RuleBook("CIN census", fields={"cin_details": {"CINreferralDate": "referral_date", ...}, ...})

    @CIN.rule(code="8840", message="Child Protection Plan cannot start and end on the same day",
              affects=["CPPstartDate", "CPPendDate"])
    def _8840(data):
        t = data.table("child_protection_plans")
        return {"child_protection_plans": rows(t["start_date"] == t["end_date"])}

**XML.** ``iter_xml`` streams an XML file (``iterparse``) through defusedxml with document type declarations,
entity definitions and external references all refused, after a size limit and a look at the first bytes,
and checks the root element and its namespace: anything wrong becomes one ``UnreadableFile`` sentence. Readers
clear each record's element once read, so memory stays flat however long the file. Run it in the limited
reading process (goldthread.core.untrusted) for files from users.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol
from xml.etree.ElementTree import Element, ParseError

import numpy as np
import pandas as pd
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from .annexa.issues import ERROR, WARNING, UnreadableFile

__all__ = ["ERROR", "WARNING", "Issue", "Rule", "RuleBook", "UnreadableFile", "XmlStream", "iter_xml", "local_name", "rows",
           "summarise"]


# --------------------------------------------------------------------------- issues


@dataclass(frozen=True)
class Issue:
    severity: str  # ERROR: DfE would not accept the return with it; WARNING: read, but check it
    kind: str  # a stable slug: "rule" (a DfE validation rule), bad_date, bad_number, unknown_code, ...
    message: str  # one plain sentence
    code: str | None = None  # the DfE rule's code, for kind "rule"
    table: str | None = None  # the table the row is in ("cin_details", "episodes", ...)
    file: str | None = None  # the file (or part of a zip) the row came from, when a return has several
    row: int | None = None  # the row in its table, counting from 1 in file order
    child: str | None = None  # the child's identifier in the return (LAchildID, CHILD)
    field: str | None = None  # the field(s) as the DfE names them, comma-separated when a rule affects several
    value: str | None = None  # the value(s) found, in the same order
    expected: str | None = None  # what was expected, where that helps
    last_year: bool = False  # the row is in last year's tables (returns that carry them)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        parts = []
        if self.child:
            parts.append(f"child {self.child}")
        if self.table:
            parts.append(f"{'last year, ' if self.last_year else ''}{self.table} row {self.row}" if self.row
                         else self.table)
        if self.field:
            parts.append(self.field)
        return ", ".join(parts)


def summarise(issues: list[Issue]) -> list[tuple[str, str, str | None, int]]:
    """Counts by (severity, rule code or kind, table), errors first, then by code."""
    counts: dict[tuple[str, str, str | None], int] = {}
    for issue in issues:
        key = (issue.severity, issue.code or issue.kind, issue.table)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((k[0], k[1], k[2], n) for k, n in counts.items()),
                  key=lambda r: (r[0] != ERROR, r[1], r[2] or ""))


def shown(value: Any) -> str | None:
    """A cell as an issue shows it: dates as YYYY-MM-DD, blanks as None, everything else as text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- rules


class Tables(Protocol):
    def table(self, name: str) -> pd.DataFrame: ...


Failing = Mapping[str, Any]  # table name -> row positions (array, list, Index or boolean mask)


def rows(mask) -> np.ndarray:
    """The positions where a boolean mask (Series or array; missing counts as False) is true."""
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    return np.flatnonzero(np.asarray(mask, dtype=bool))


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    affects: tuple[str, ...]  # DfE field names
    function: Callable[[Any], Failing]
    severity: str = ERROR

    def failing(self, data) -> dict[str, tuple[np.ndarray, tuple[str, ...] | None]]:
        """{table: (sorted unique row positions, the fields to show or None for the rule's own)} where this rule
        fails."""
        found = self.function(data) or {}
        out = {}
        for table, positions in found.items():
            fields = None
            if isinstance(positions, tuple):
                positions, fields = positions
            arr = np.asarray(positions)
            if arr.dtype == bool:
                arr = np.flatnonzero(arr)
            arr = np.unique(arr.astype(np.int64))
            if len(arr):
                out[table] = (arr, tuple(fields) if fields else None)
        return out


class RuleBook:
    """One return's DfE rules.

    ``fields``: per table, {DfE field name: column in goldthread's frame}. ``child_column``: the column holding
    the child's identifier in every table. ``row_column``: the column holding a row's number in its table
    (counting from 1); without it, position + 1."""

    def __init__(self, name: str, *, fields: Mapping[str, Mapping[str, str]], child_column: str = "child_id",
                 row_column: str = "row_number"):
        self.name = name
        self.fields = {t: dict(f) for t, f in fields.items()}
        self.child_column = child_column
        self.row_column = row_column
        self.rules: dict[str, Rule] = {}

    def rule(self, *, code: str, message: str, affects: list[str] | tuple[str, ...], severity: str = ERROR):
        """Declare a rule. The decorated function returns its failing rows as {table: row positions}."""
        known = {f for columns in self.fields.values() for f in columns}
        unknown = [f for f in affects if f not in known]
        if unknown:
            raise ValueError(f"rule {code!r} affects fields no table has: {unknown}")

        def register(function: Callable[[Any], Failing]) -> Callable[[Any], Failing]:
            if code in self.rules:
                raise ValueError(f"rule {code!r} is declared twice")
            self.rules[code] = Rule(code, " ".join(message.split()), tuple(affects), function, severity)
            return function

        return register

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, code: str) -> Rule:
        return self.rules[code]

    def issues_for(self, rule: Rule, data: Tables, failing: Mapping[str, tuple]) -> list[Issue]:
        out: list[Issue] = []
        for table, (positions, fields) in failing.items():
            frame = data.table(table)
            columns = self.fields.get(table, {})
            if fields is None:  # the rule's fields that this table holds
                affected = [(f, columns[f]) for f in rule.affects if f in columns and columns[f] in frame.columns]
            else:  # fields named by the rule for this table (one it lacks shows as blank: a missing group)
                affected = [(f, columns.get(f) if columns.get(f) in frame.columns else None) for f in fields]
            sub = frame.iloc[positions]
            numbers = (sub[self.row_column].tolist() if self.row_column in sub.columns
                       else (positions + 1).tolist())
            children = sub[self.child_column].tolist() if self.child_column in sub.columns else [None] * len(sub)
            values = [sub[c].tolist() if c is not None else [None] * len(sub) for _, c in affected]
            field = ", ".join(f for f, _ in affected) or None
            for i, (number, child) in enumerate(zip(numbers, children, strict=True)):
                found = [shown(v[i]) for v in values]
                if len(found) == 1:
                    value = found[0]
                else:
                    value = ", ".join("(blank)" if v is None else v for v in found) or None
                out.append(Issue(rule.severity, "rule", rule.message, code=rule.code, table=table,
                                 row=int(number), child=shown(child), field=field, value=value))
        return out

    def validate(self, data: Tables, codes: list[str] | None = None) -> list[Issue]:
        """Every rule's issues (or just ``codes``'), rule by rule in declaration order."""
        out: list[Issue] = []
        for rule in (self.rules[c] for c in codes) if codes else self.rules.values():
            out.extend(self.issues_for(rule, data, rule.failing(data)))
        return out


# --------------------------------------------------------------------------- XML from users

DEFAULT_MAX_XML_BYTES = 512 * 1024**2  # the largest council's CIN census is a few tens of MB


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    if n >= 1024**2:
        return f"{n / 1024**2:.0f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _first_bytes(path: Path, name: str, what: str, max_bytes: int) -> None:
    """Refuse, before parsing, a file that is missing, empty, too large or plainly not XML."""
    if not path.is_file():
        raise UnreadableFile(f"{name} is not a file that can be read: expected {what} (an XML file).")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{name} is empty, with no content at all: expected {what} (an XML file).")
    if size > max_bytes:
        raise UnreadableFile(f"{name} is {_size(size)}, larger than the {_size(max_bytes)} that {what} can be, "
                             "so it was not read.")
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise UnreadableFile(f"{name} is a zip file or an Excel workbook, not XML: expected {what}, the XML file "
                             "your case management system exports.")
    if head.startswith(b"%PDF"):
        raise UnreadableFile(f"{name} is a PDF document, not XML: expected {what}.")
    text = head
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, "ignore").encode("utf-8", "ignore")
            break
    if not text.lstrip().startswith(b"<"):
        raise UnreadableFile(f"{name} is not an XML file (it does not start with '<'): expected {what}.")
    if text.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise UnreadableFile(f"{name} is a web page (HTML), not {what}.")


def local_name(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


class XmlStream:
    """("start" | "end", element) events from an XML file, read safely (see ``iter_xml``); ``position`` and
    ``size`` (bytes) say how far reading has gone, for progress."""

    def __init__(self, path: Path, *, root: str, what: str, name: str, max_bytes: int, namespace: str):
        self.path, self.root, self.what, self.name, self.namespace = path, root, what, name, namespace
        _first_bytes(path, name, what, max_bytes)
        self.size = path.stat().st_size
        self._fh = None

    @property
    def position(self) -> int:
        return self._fh.tell() if self._fh is not None and not self._fh.closed else self.size

    def __iter__(self) -> Iterator[tuple[str, Element]]:
        expected = f"{{{self.namespace}}}{self.root}" if self.namespace else self.root
        name, what = self.name, self.what
        try:
            with self.path.open("rb") as fh:
                self._fh = fh
                first = True
                for event, element in iterparse(fh, events=("start", "end"), forbid_dtd=True,
                                                forbid_entities=True, forbid_external=True):
                    if first:
                        first = False
                        _check_root(element.tag, expected, self.root, self.namespace, name, what)
                    yield event, element
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
            raise UnreadableFile(f"{name} contains a document type declaration (<!DOCTYPE>), which {what} "
                                 "never has and which can be used to attack the program reading it (by expanding "
                                 "entities or fetching external files), so it was not read.") from None
        except ParseError as exc:
            raise UnreadableFile(_parse_error(exc, name, what)) from None


def iter_xml(path: str | Path, *, root: str, what: str, name: str | None = None,
             max_bytes: int = DEFAULT_MAX_XML_BYTES, namespace: str = "") -> XmlStream:
    """Stream ("start" | "end", element) events from an XML file, safely: the file must be at most
    ``max_bytes``, start like XML, have no document type declaration (so no entity expansion, no external
    entities or DTDs), be well-formed to its end, and have the root element ``root`` in ``namespace`` (none by
    default). Anything else raises ``UnreadableFile`` with one sentence naming the file as the user knows it
    (``name``) and saying what was expected (``what``: "a CIN census file"); the checks made before parsing
    (size, first bytes) raise at once, the others while iterating. The caller clears elements it has read
    (``element.clear()``, and removes them from their parent) so that memory stays flat."""
    path = Path(path)
    return XmlStream(path, root=root, what=what, name=name or path.name, max_bytes=max_bytes, namespace=namespace)


def _check_root(tag: str, expected: str, root: str, namespace: str, name: str, what: str) -> None:
    if tag == expected:
        return
    found_ns, _, found = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if found == root:
        if found_ns:
            raise UnreadableFile(f"{name} has its <{root}> element in the namespace '{found_ns}', "
                                 f"{'not ' + repr(namespace) if namespace else 'but ' + what + ' has none'}, so "
                                 "it was not read: it is not the DfE's format.")
        raise UnreadableFile(f"{name} has its <{root}> element in no namespace, but {what} uses '{namespace}', "
                             "so it was not read.")
    raise UnreadableFile(f"{name} is XML but not {what}: its root element is <{found}>, not <{root}>.")


def _parse_error(exc: ParseError, name: str, what: str) -> str:
    line, column = getattr(exc, "position", (None, None))
    text = str(exc)
    if "no element found" in text or "unclosed token" in text:
        return (f"{name} ends before its XML is complete (at line {line}), so it was not read: it may have been "
                "cut short while saving or uploading; export it again and upload the new file.")
    if "undefined entity" in text:
        return (f"{name} uses an entity (&name;) that XML does not define, at line {line}, so it was not read: "
                f"{what} has none.")
    return (f"{name} is not well-formed XML (a problem at line {line}, column {column}), so it was not read: "
            f"expected {what} as your system exports it.")


def limit_from_environment(variable: str, default: int) -> int:
    """A byte limit from a whole number of megabytes in ``variable`` (GOLDTHREAD_..._MAX_MB), or ``default``."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{variable} must be a whole number of megabytes greater than 0 (it is {raw!r}).")
    return int(raw) * 1024**2
