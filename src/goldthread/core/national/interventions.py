"""A register of government interventions in councils' children's services, entered by users.

When Ofsted judges a council's children's services inadequate, the Department for Education (DfE)
intervenes: it appoints an improvement adviser, usually issues an improvement notice (non-statutory)
or a statutory direction under s497A of the Education Act 1996 (which may appoint a children's services
commissioner or move services into a children's services trust or another alternative delivery model),
and the council sets up an improvement board. No machine-readable register of these is published in
goldthread's national data folder, so users enter them in a CSV (`TEMPLATE_CSV` is the template) read by
`read_interventions_csv`.

The register is used by `journeys.transitions` to say which *intervention model* applied after a
judgement: the strongest kind in force in the window after it (`MODEL_WINDOW_MONTHS`, see
`interventions_after`). The ranking is statutory direction / commissioner / trust > improvement notice
> adviser or improvement board only > no recorded intervention. "No recorded intervention" means none
is in the register, not that none happened: the register is only as complete as its users make it.

Reading is all-or-nothing: `read_interventions_csv` returns every row it read (none dropped) with the
list of `Problem`s found, each with a severity. A caller must refuse the whole file when any problem is
an error (`has_errors`, or `raise_for_errors` which raises `InterventionFileError`); warnings are for
the user to read and do not stop a file being accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from ._util import name_key
from .intervention_kinds import (  # noqa: F401 (the vocabulary, kept light for the models to import)
    ADVISER_MODEL,
    KINDS,
    MODELS,
    NO_INTERVENTION,
    NOTICE_MODEL,
    STATUTORY_MODEL,
)
from .lookups import CodeMap

# The model each kind puts a council in. Any statutory direction counts as the statutory model, with
# or without a commissioner or trust: all three are the s497A route.
MODEL_OF_KIND: dict[str, str] = {
    "statutory_direction": STATUTORY_MODEL,
    "commissioner": STATUTORY_MODEL,
    "trust": STATUTORY_MODEL,
    "improvement_notice": NOTICE_MODEL,
    "dfe_adviser": ADVISER_MODEL,
    "improvement_board": ADVISER_MODEL,
}

# An intervention counts towards the model "after" a judgement when it is in force at some time in the
# window from the judgement date to this many months after it (or to the next graded inspection, if
# that comes sooner). So one issued up to 12 months after the judgement counts (DfE usually acts within
# weeks of publication; 12 months allows for a notice later escalated to a direction), as does one
# already in force on the judgement date (issued after the inspection but before publication, or still
# in force from an earlier judgement), but not one that ended on or before the judgement date.
MODEL_WINDOW_MONTHS = 12

COLUMNS = [
    "row", "la_code", "la_name", "council_as_given", "kind", "kind_label", "model", "start_date",
    "end_date", "notes", "source", "valid",
]
REQUIRED_COLUMNS = ("la_code", "kind", "start_date")
OPTIONAL_COLUMNS = ("end_date", "notes", "source")

ERROR = "error"
WARNING = "warning"

# Example rows start their notes with this; a file still holding one is refused.
EXAMPLE_MARK = "EXAMPLE"

_EXAMPLE_NOTE = "EXAMPLE ONLY - illustrative, not a checked record: delete this row. "
TEMPLATE_ROWS = (
    ("la_code", "kind", "start_date", "end_date", "notes", "source"),
    ("E10000021", "trust", "01/11/2020", "",
     _EXAMPLE_NOTE + "Services run by a children's services trust; a blank end date means still in force",
     "the DfE direction: its title and date, or a link"),
    ("825", "improvement_notice", "2014-10-01", "2018-03-31",
     _EXAMPLE_NOTE + "la_code may be an ONS code (E10000021), a DfE code (825) or a council's name; "
     "dates dd/mm/yyyy or yyyy-mm-dd", "the DfE improvement notice: its title and date, or a link"),
)


def _csv_text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


# The downloadable template: the header and two example rows (refused if uploaded unchanged).
TEMPLATE_CSV = _csv_text(TEMPLATE_ROWS)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (severity "error") or worth checking ("warning") in an interventions file.

    `row` is the row as a spreadsheet shows it (the header is row 1); None for the file as a whole.
    """

    severity: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        value = "" if self.value is None else f" {self.value!r}"
        return f"{self.severity}: {', '.join(where)}:{value} {self.message}"


class InterventionFileError(ValueError):
    """An interventions file with errors: the whole file is refused. `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == ERROR]
        super().__init__(f"{len(errors)} error(s); the file was not read:\n" + "\n".join(map(str, errors)))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


def raise_for_errors(problems: list[Problem]) -> None:
    """Raise InterventionFileError when any problem is an error (the all-or-nothing rule)."""
    if has_errors(problems):
        raise InterventionFileError(problems)


def _accepted_kinds() -> str:
    return ", ".join(KINDS) + " (or their labels, e.g. \"DfE improvement notice (non-statutory)\")"


def kind_key(text: str) -> str | None:
    """A kind as a user wrote it -> its KINDS key: the key or the label, any case, spaces or hyphens
    for underscores ("Improvement notice" -> "improvement_notice"). None when not a kind."""
    words = re.sub(r"[\s\-_]+", "_", str(text).strip().lower())
    if words in KINDS:
        return words
    by_label = {re.sub(r"[\s\-_]+", "_", label.lower()): key for key, label in KINDS.items()}
    return by_label.get(words)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_EXPECTED = "expected a date as dd/mm/yyyy (e.g. 01/04/2021) or yyyy-mm-dd (e.g. 2021-04-01)"


def parse_date(text: str) -> dt.date | None:
    """dd/mm/yyyy (UK order, one-digit day or month allowed) or ISO yyyy-mm-dd; None if neither or
    not a real day."""
    text = str(text).strip()
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _UK.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _candidates(code_map: CodeMap, name: str) -> list[str]:
    key = name_key(name)
    councils = code_map.councils
    return sorted(code for code, own, aka in councils[["la_code", "la_name", "also_known_as"]].itertuples(index=False)
                  if key in {name_key(n) for n in (own, *aka)})


def resolve_council(code_map: CodeMap, text: str, on: dt.date | None = None) -> tuple[str | None, str | None]:
    """A council as a user wrote it (ONS code, DfE three-digit code, or name, abolished councils
    included) -> (la_code, None), or (None, why not)."""
    text = str(text).strip()
    if code := code_map.canonical(text):
        return code, None
    candidates = _candidates(code_map, text)
    if len(candidates) > 1 and on is not None:
        existing = [c for c in candidates if code_map.exists_on(c, on)]
        candidates = existing or candidates
    if len(candidates) == 1:
        return candidates[0], None
    if candidates:
        names = ", ".join(f"{c} {code_map.council(c)['la_name']}" for c in candidates)
        return None, f"names more than one council ({names}); use the council's code"
    return None, ("is not a council: expected an ONS code (e.g. E10000021), a DfE three-digit code "
                  "(e.g. 928) or a council's name")


def _normal_header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def _text_of(source: str | Path | IO) -> tuple[str, str, list[str]]:
    """(file name for messages, text, warnings about the encoding)."""
    if hasattr(source, "read"):
        name = Path(str(getattr(source, "name", "") or "uploaded file")).name
        data = source.read()
    else:
        name = Path(source).name
        data = Path(source).read_bytes()
    if isinstance(data, str):
        return name, data, []
    try:
        return name, data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return name, data.decode("cp1252", errors="replace"), [
            "the file is not UTF-8 text; it was read as Windows-1252 (save it as \"CSV UTF-8\" to be sure)"]


def read_interventions_csv(path: str | Path | IO, code_map: CodeMap) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a user's interventions CSV. Returns (table, problems); refuse the file if any problem is an
    error (see `has_errors`): rows are never dropped, so an unchecked table may hold invalid rows.

    Columns read (header names in any case): la_code (ONS code, DfE three-digit code or council name,
    abolished councils included), kind (a KINDS key or label), start_date, end_date (optional; blank
    = still in force), notes, source (both optional). Dates: dd/mm/yyyy or yyyy-mm-dd.

    Table columns: row (as in the file, header = row 1), la_code (resolved; NA if not), la_name,
    council_as_given, kind (KINDS key; NA if unknown), kind_label, model (MODEL_OF_KIND), start_date,
    end_date (Timestamps; NaT when blank or invalid), notes, source, valid (no error on this row).
    """
    name, text, encoding_warnings = _text_of(path)
    problems: list[Problem] = [Problem(WARNING, name, None, None, None, w) for w in encoding_warnings]

    def add(severity, row, column, value, message):
        problems.append(Problem(severity, name, row, column, value, message))

    records = list(csv.reader(io.StringIO(text)))
    empty = pd.DataFrame(columns=COLUMNS)
    if not records or not any(cell.strip() for cell in records[0]):
        add(ERROR, 1, None, None, "the file has no header row: expected columns "
            + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS))
        return empty, problems
    header = [_normal_header(h) for h in records[0]]
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for column in dict.fromkeys(header):
        if header.count(column) > 1 and column in known:
            add(ERROR, 1, column, None, "this column appears more than once")
    for original, column in zip(records[0], header, strict=True):
        if column and column not in known:
            add(WARNING, 1, original.strip(), None, "is not a column goldthread reads; it is ignored")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    for column in missing:
        add(ERROR, 1, None, None, f"missing column {column!r}: the header must have "
            + ", ".join(REQUIRED_COLUMNS) + " (and may have " + ", ".join(OPTIONAL_COLUMNS) + ")")
    if missing or has_errors(problems):
        return empty, problems

    where = {c: header.index(c) for c in known if c in header}
    rows = []
    first_seen: dict[tuple, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a row of data
        errors_before = sum(p.severity == ERROR for p in problems)
        if len(record) > len(header):
            add(ERROR, number, None, None,
                f"has {len(record)} values but the header has {len(header)} columns (a comma inside a "
                "value needs the value in double quotes)")

        def cell(column, record=record):
            index = where.get(column)
            return record[index].strip() if index is not None and index < len(record) else ""

        given = {c: cell(c) for c in known}
        dates = {}
        for column in ("start_date", "end_date"):
            value = given[column]
            if not value:
                if column == "start_date":
                    add(ERROR, number, column, None, "is empty: a start date is required")
                dates[column] = None
                continue
            dates[column] = parse_date(value)
            if dates[column] is None:
                add(ERROR, number, column, value, f"is not a date: {DATE_EXPECTED}")
        start, end = dates["start_date"], dates["end_date"]
        if start and end and end < start:
            add(ERROR, number, "end_date", given["end_date"], f"is before the start date ({given['start_date']})")

        la_code = None
        if not given["la_code"]:
            add(ERROR, number, "la_code", None, "is empty: expected the council's ONS code, DfE code or name")
        else:
            la_code, why = resolve_council(code_map, given["la_code"], start)
            if why:
                add(ERROR, number, "la_code", given["la_code"], why)
            elif start and not code_map.exists_on(la_code, start):
                council = code_map.council(la_code)
                ended = council["end_date"]
                span = (f"was abolished on {ended:%d/%m/%Y}" if not pd.isna(ended) and pd.Timestamp(start) >= ended
                        else f"was created on {council['start_date']:%d/%m/%Y}")
                add(WARNING, number, "start_date", given["start_date"],
                    f"is a day {council['la_name']} did not exist ({council['la_name']} {span})")

        kind = None
        if not given["kind"]:
            add(ERROR, number, "kind", None, f"is empty: expected one of {_accepted_kinds()}")
        else:
            kind = kind_key(given["kind"])
            if kind is None:
                add(ERROR, number, "kind", given["kind"], f"is not a kind of intervention: expected one of "
                    f"{_accepted_kinds()}")

        if given["notes"].upper().startswith(EXAMPLE_MARK):
            add(ERROR, number, "notes", given["notes"][:30] + ("..." if len(given["notes"]) > 30 else ""),
                "marks this as an example row from the template: delete the row")

        if la_code and kind and start:
            key = (la_code, kind, start)
            if key in first_seen:
                add(ERROR, number, None, None, f"duplicates row {first_seen[key]} (same council, kind and "
                    "start date)")
            else:
                first_seen[key] = number

        valid = sum(p.severity == ERROR for p in problems) == errors_before
        rows.append({
            "row": number,
            "la_code": la_code,
            "la_name": code_map.council(la_code)["la_name"] if la_code else None,
            "council_as_given": given["la_code"],
            "kind": kind,
            "kind_label": KINDS.get(kind) if kind else None,
            "model": MODEL_OF_KIND.get(kind) if kind else None,
            "start_date": pd.Timestamp(start) if start else pd.NaT,
            "end_date": pd.Timestamp(end) if end else pd.NaT,
            "notes": given["notes"] or None,
            "source": given["source"] or None,
            "valid": valid,
        })
    if not rows:
        add(ERROR, None, None, None, "the file has a header but no rows of interventions")
        return empty, problems
    table = pd.DataFrame(rows, columns=COLUMNS)
    _warn_overlaps(table, add)
    problems.sort(key=lambda p: -1 if p.row is None else p.row)  # file order (stable within a row)
    return table, problems


def _warn_overlaps(table: pd.DataFrame, add) -> None:
    """Two periods of the same kind for one council that overlap are probably one entered twice."""
    valid = table[table["valid"]].sort_values(["la_code", "kind", "start_date", "row"])
    for (_, _), group in valid.groupby(["la_code", "kind"]):
        previous = None
        for record in group.itertuples(index=False):
            if previous is not None and (pd.isna(previous.end_date) or record.start_date <= previous.end_date):
                add(WARNING, record.row, "start_date", f"{record.start_date:%d/%m/%Y}",
                    f"overlaps row {previous.row} ({record.la_name}, {record.kind}): check it is not the same "
                    "intervention entered twice")
            # `previous` is the period reaching furthest so far (an open-ended one reaches furthest).
            if previous is None or (not pd.isna(previous.end_date)
                                    and (pd.isna(record.end_date) or record.end_date > previous.end_date)):
                previous = record


def _codes(la_code: str | Iterable[str]) -> set[str]:
    return {la_code} if isinstance(la_code, str) else set(la_code)


def _usable(interventions: pd.DataFrame) -> pd.DataFrame:
    """The register's rows that can count: valid ones (when a `valid` column says), with dates."""
    table = interventions
    if "end_date" not in table.columns:
        table = table.assign(end_date=pd.NaT)
    table = table.assign(start_date=pd.to_datetime(table["start_date"]), end_date=pd.to_datetime(table["end_date"]))
    if "valid" in table.columns:
        table = table[table["valid"].astype(bool)]
    return table.dropna(subset=["la_code", "kind", "start_date"])


def in_force(interventions: pd.DataFrame, la_code: str | Iterable[str], on_date) -> list[str]:
    """The kinds of intervention in force for the council(s) on `on_date`: started on or before it and
    not ended before it (the end date is the last day in force). Strongest model first, then by start."""
    when = pd.Timestamp(on_date)
    table = _usable(interventions)
    table = table[table["la_code"].isin(_codes(la_code)) & (table["start_date"] <= when)
                  & (table["end_date"].isna() | (table["end_date"] >= when))]
    return _ordered_kinds(table)


KIND_ORDER = {kind: position for position, kind in enumerate(KINDS)}


def _ordered(kinds_and_starts: Iterable[tuple[str, pd.Timestamp]]) -> list[str]:
    """Kinds, strongest model first, then in KINDS' order, then by start; each once."""
    ranked = sorted(kinds_and_starts, key=lambda ks: (MODELS.index(MODEL_OF_KIND[ks[0]]), KIND_ORDER[ks[0]], ks[1]))
    return list(dict.fromkeys(kind for kind, _ in ranked))


def _ordered_kinds(table: pd.DataFrame) -> list[str]:
    return _ordered(zip(table["kind"], table["start_date"], strict=True))


class Register:
    """The register prepared once for many questions about what followed a judgement (the journeys table asks
    one per judgement): its usable rows (`_usable`), grouped by council."""

    def __init__(self, interventions: pd.DataFrame):
        self.table = _usable(interventions)
        self._by_code: dict[str, list[tuple[int, str, pd.Timestamp, pd.Timestamp]]] = {}
        for position, (code, kind, start, end) in enumerate(zip(
                self.table["la_code"], self.table["kind"], self.table["start_date"], self.table["end_date"],
                strict=True)):
            self._by_code.setdefault(code, []).append((position, kind, start, end))

    def after(self, la_code: str | Iterable[str], judgement_date, next_date=None) -> list[tuple]:
        """The rows (position, kind, start, end) counted by `interventions_after`, in the register's order."""
        start = pd.Timestamp(judgement_date)
        window_end = start + pd.DateOffset(months=MODEL_WINDOW_MONTHS)
        if next_date is not None and not pd.isna(next_date):
            window_end = min(window_end, pd.Timestamp(next_date) - pd.Timedelta(days=1))
        return sorted(row for code in _codes(la_code) for row in self._by_code.get(code, ())
                      if row[2] <= window_end and (pd.isna(row[3]) or row[3] > start))

    def kinds_after(self, la_code: str | Iterable[str], judgement_date, next_date=None) -> tuple[list[str], str]:
        """The kinds counted after a judgement, in order of start, and the intervention model they make."""
        rows = self.after(la_code, judgement_date, next_date)
        by_start = [kind for _, kind, _, _ in sorted(rows, key=lambda row: (row[2], row[0]))]
        return list(dict.fromkeys(by_start)), model_of_kinds((kind, start) for _, kind, start, _ in rows)


def interventions_after(interventions: pd.DataFrame, la_code: str | Iterable[str], judgement_date,
                        next_date=None) -> pd.DataFrame:
    """The register's rows that count as "after" a judgement (see MODEL_WINDOW_MONTHS): in force at
    some time from the judgement date (exclusive of ones ended on it) to the earlier of the judgement
    date + MODEL_WINDOW_MONTHS and the day before `next_date` (the next graded inspection; None when
    there is none yet)."""
    register = Register(interventions)
    return register.table.iloc[[row[0] for row in register.after(la_code, judgement_date, next_date)]]


def model_of_kinds(kinds_and_starts: Iterable[tuple[str, pd.Timestamp]]) -> str:
    """The strongest model of the kinds given (each with its start); NO_INTERVENTION when there are none."""
    kinds = _ordered(kinds_and_starts)
    return MODEL_OF_KIND[kinds[0]] if kinds else NO_INTERVENTION


def model_after(interventions: pd.DataFrame, la_code: str | Iterable[str], judgement_date, next_date=None) -> str:
    """The intervention model after a judgement: the strongest model of the kinds counted by
    `interventions_after`; NO_INTERVENTION when the register has none."""
    counted = interventions_after(interventions, la_code, judgement_date, next_date)
    return model_of_kinds(zip(counted["kind"], counted["start_date"], strict=True))
