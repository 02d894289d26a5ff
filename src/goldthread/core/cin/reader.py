"""Reading a CIN census XML file, as councils submit it to the DfE, into flat tables (goldthread.core.cin.spec).

The file is streamed safely (goldthread.core.returns.iter_xml: defusedxml, no DTDs or entities, a size limit,
the root must be <Message> with no namespace); each <Child> is turned into rows as soon as it has been read
and then dropped, so memory stays flat. Both forms of the child's sex are read: <Sex> (M, F, U; from
2024/25) and <GenderCurrent> (1, 2, 0, 9; up to 2023/24, read as M, F, U, U). The 2026/27 pre-proceedings
module (<PreProceedingsandFGDM>) is read into its own table.

Values are typed (dates as dates, 0/1 and false/true as booleans, whole numbers as numbers) and codes checked
against the DfE's code sets. A value that is not of its type, or not in its code set, becomes an ``Issue``
naming the child (LAchildID), the element and the value; the value itself is left blank in the table. Coded
elements that a DfE validation rule checks (Sex 4180, Ethnicity 4220, Disability 8540, ReferralSource 8866,
PrimaryNeedCode 8650, ReasonForClosure 8640) keep what was written and are left to that rule, so a wrong code
is reported once, with the DfE's code. Elements the census does not have are ignored with a warning.

A file that cannot be read at all (not XML, the wrong root or namespace, cut short, a document type
declaration, too large, no children) raises ``UnreadableFile`` with one sentence. Nothing here imports Django;
for files from users run it in the limited reading process (goldthread.core.cin.transfer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

import numpy as np
import pandas as pd

from .. import returns
from ..returns import ERROR, WARNING, Issue, UnreadableFile
from . import codes as C
from . import spec as S

WHAT = "a CIN census file"
Progress = Callable[[str, int, int], None]
MAX_BYTES = returns.DEFAULT_MAX_XML_BYTES
_INT_LIMIT = 10**9

# Elements inside each group that the reader knows, and where their values go.
_SCALARS = {t.name: t.by_element() for t in S.TABLES.values()}


@dataclass
class CINCensus:
    """A CIN census as read: its tables (``table(name)``), the issues found reading it, and its header."""

    tables: dict[str, pd.DataFrame]
    issues: list[Issue] = field(default_factory=list)
    name: str = ""
    sex_element: str = "Sex"  # how the file gave the child's sex: "Sex" or "GenderCurrent"

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def header(self) -> dict:
        h = self.tables["header"]
        return {c: (None if pd.isna(v) else v) for c, v in h.iloc[0].items()} if len(h) else {}

    @property
    def reference_date(self) -> dt.date | None:
        """The census's reference date (<ReferenceDate>, 31 March at the end of the collection year)."""
        value = self.header.get("reference_date")
        return None if value is None else pd.Timestamp(value).date()

    @property
    def year_start(self) -> dt.date | None:
        """The first day of the census year: the day after the reference date a year before (1 April)."""
        ref = self.reference_date
        return None if ref is None else (pd.Timestamp(ref) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()

    @property
    def children(self) -> int:
        return len(self.tables["child_identifiers"])

    @property
    def lea(self) -> str | None:
        return self.header.get("lea")


class _Rows:
    """A table's rows as lists of raw values, one list per column."""

    def __init__(self, table: S.Table):
        self.table = table
        self.columns: dict[str, list] = {c: [] for c in table.all_columns}

    def add(self, child: str | None, ids: tuple, values: dict) -> int:
        cols = self.columns
        number = len(cols["row_number"]) + 1
        cols["row_number"].append(number)
        cols["child_id"].append(child)
        for name, value in zip(self.table.ids, ids, strict=True):
            cols[name].append(value)
        for column in self.table.columns:
            cols[column.name].append(values.get(column.name))
        return number


def _text(element: Element) -> str | None:
    text = element.text
    if text is None:
        return None
    text = text.strip()
    return text or None


class _Builder:
    def __init__(self):
        self.rows = {name: _Rows(t) for name, t in S.TABLES.items()}
        self.issues: list[Issue] = []
        self.cin_id = self.assessment_id = self.cpp_id = 0
        self.sex_elements: set[str] = set()
        self.header_seen = False

    # ---- issues about the structure

    def _unexpected(self, element: Element, parent: str, child: str | None, table: str) -> None:
        tag = returns.local_name(element.tag)
        who = f" for child {child}" if child else ""
        self.issues.append(Issue(WARNING, "unexpected_element",
                                 f"<{tag}> inside <{parent}>{who} is not part of the CIN census, so it was ignored.",
                                 table=table, child=child, field=tag, value=_text(element)))

    def _repeated(self, tag: str, parent: str, child: str | None, table: str) -> None:
        who = f" for child {child}" if child else ""
        self.issues.append(Issue(WARNING, "repeated_element",
                                 f"<{tag}> appears more than once in <{parent}>{who}; the first was used.",
                                 table=table, child=child, field=tag))

    def _scalars(self, element: Element, table: str, child: str | None, groups: dict | None = None,
                 skip: tuple[str, ...] = ()) -> tuple[dict, list[Element]]:
        """The values of a group's single-value elements, by column, and its sub-group elements (those named in
        ``groups``), in order. Anything else is reported and ignored."""
        known = _SCALARS[table]
        values: dict = {}
        nested: list[Element] = []
        for sub in element:
            tag = sub.tag
            if not isinstance(tag, str):  # a comment or processing instruction
                continue
            column = known.get(tag)
            if column is not None:
                if column.name in values:
                    self._repeated(tag, element.tag, child, table)
                else:
                    values[column.name] = _text(sub)
            elif groups is not None and tag in groups:
                nested.append(sub)
            elif tag not in skip:
                self._unexpected(sub, element.tag, child, table)
        return values, nested

    # ---- the header

    def header(self, element: Element) -> None:
        if self.header_seen:
            self.issues.append(Issue(WARNING, "repeated_element", "<Header> appears more than once; the first "
                                     "was used.", table="header", field="Header"))
            return
        self.header_seen = True
        values: dict = {}
        for part in element:
            if part.tag in ("CollectionDetails", "Source"):
                found, _ = self._scalars(part, "header", None)
                for key, value in found.items():
                    values.setdefault(key, value)
            elif isinstance(part.tag, str):
                self._unexpected(part, "Header", None, "header")
        self.rows["header"].add(None, (), values)

    # ---- a child

    def child(self, element: Element) -> None:
        identifiers = characteristics = None
        details: list[Element] = []
        for part in element:
            tag = part.tag
            if tag == "CINdetails":
                details.append(part)
            elif tag == "ChildIdentifiers":
                identifiers = identifiers if identifiers is not None else part
            elif tag == "ChildCharacteristics":
                characteristics = characteristics if characteristics is not None else part
            elif isinstance(tag, str):
                self._unexpected(part, "Child", None, "child_identifiers")
        child = None
        values: dict = {}
        if identifiers is not None:
            found = identifiers.find("LAchildID")
            child = _text(found) if found is not None else None
            values, _ = self._scalars(identifiers, "child_identifiers", child, skip=("LAchildID", "GenderCurrent"))
            gender = identifiers.find("GenderCurrent")
            if "sex" in values:
                self.sex_elements.add("Sex")
                if gender is not None:
                    self.issues.append(Issue(WARNING, "repeated_element", f"Child {child} has both <Sex> and "
                                             "<GenderCurrent>; <Sex> was used.", table="child_identifiers",
                                             child=child, field="GenderCurrent", value=_text(gender)))
            elif gender is not None:
                self.sex_elements.add("GenderCurrent")
                raw = _text(gender)
                values["sex"] = C.GENDER_CURRENT.get(raw, raw) if raw is not None else None
        self.rows["child_identifiers"].add(child, (), values)

        values = {}
        disabilities: list[Element] = []
        if characteristics is not None:
            values, groups = self._scalars(characteristics, "child_characteristics", child, groups={"Disabilities"})
            for group in groups:
                for sub in group:
                    if sub.tag == "Disability":
                        disabilities.append(sub)
                    elif isinstance(sub.tag, str):
                        self._unexpected(sub, "Disabilities", child, "disabilities")
        self.rows["child_characteristics"].add(child, (), values)
        for sub in disabilities:
            self.rows["disabilities"].add(child, (), {"disability": _text(sub)})

        for cin in details:
            self._cin_details(cin, child)

    def _cin_details(self, element: Element, child: str | None) -> None:
        self.cin_id += 1
        cin_id = self.cin_id
        values, groups = self._scalars(element, "cin_details", child, groups={
            "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans", "PreProceedingsandFGDM"})
        self.rows["cin_details"].add(child, (cin_id,), values)
        for group in groups:
            tag = group.tag
            if tag == "Assessments":
                self.assessment_id += 1
                values, nested = self._scalars(group, "assessments", child, groups={"FactorsIdentifiedAtAssessment"})
                self.rows["assessments"].add(child, (cin_id, self.assessment_id), values)
                for factors in nested:
                    for sub in factors:
                        if sub.tag == "AssessmentFactors":
                            self.rows["assessment_factors"].add(child, (cin_id, self.assessment_id),
                                                                {"factor": _text(sub)})
                        elif isinstance(sub.tag, str):
                            self._unexpected(sub, "FactorsIdentifiedAtAssessment", child, "assessment_factors")
            elif tag == "CINPlanDates":
                values, _ = self._scalars(group, "cin_plan_dates", child)
                self.rows["cin_plan_dates"].add(child, (cin_id,), values)
            elif tag == "Section47":
                values, _ = self._scalars(group, "section47", child)
                self.rows["section47"].add(child, (cin_id,), values)
            elif tag == "ChildProtectionPlans":
                self.cpp_id += 1
                values, nested = self._scalars(group, "child_protection_plans", child, groups={"Reviews"})
                self.rows["child_protection_plans"].add(child, (cin_id, self.cpp_id), values)
                for reviews in nested:
                    for sub in reviews:
                        if sub.tag == "CPPreviewDate":
                            self.rows["reviews"].add(child, (cin_id, self.cpp_id), {"review_date": _text(sub)})
                        elif isinstance(sub.tag, str):
                            self._unexpected(sub, "Reviews", child, "reviews")
            else:  # PreProceedingsandFGDM
                values, _ = self._scalars(group, "pre_proceedings", child)
                self.rows["pre_proceedings"].add(child, (cin_id,), values)

    # ---- typed tables

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: self._frame(rows) for name, rows in self.rows.items()}

    def _frame(self, rows: _Rows) -> pd.DataFrame:
        table, cols = rows.table, rows.columns
        n = len(cols["row_number"])
        data: dict[str, object] = {"row_number": np.asarray(cols["row_number"], dtype=np.int64),
                                   "child_id": _objects(cols["child_id"])}
        for name in table.ids:
            data[name] = np.asarray(cols[name], dtype=np.int64)
        children, numbers = data["child_id"], data["row_number"]
        for column in table.columns:
            raw = _objects(cols[column.name])
            data[column.name] = self._typed(column, raw, table, children, numbers)
        frame = pd.DataFrame(data, index=pd.RangeIndex(n))
        return frame[table.all_columns]

    def _typed(self, column: S.Column, raw: np.ndarray, table: S.Table, children, numbers):
        present = np.array([v is not None for v in raw], dtype=bool)
        if column.kind == S.DATE:
            values, bad = _dates(raw, present)
            self._bad(bad, column, table, raw, children, numbers, "bad_date", "is not a date in the form YYYY-MM-DD",
                      "a date, YYYY-MM-DD")
            return values
        if column.kind == S.BOOL:
            values, bad = _booleans(raw, present)
            self._bad(bad, column, table, raw, children, numbers, "bad_value", "is not 1 or 0 (true or false)",
                      "1 or 0")
            return values
        if column.kind == S.INT:
            values, bad = _integers(raw, present)
            self._bad(bad, column, table, raw, children, numbers, "bad_number", "is not a whole number",
                      "a whole number")
            return values
        if column.kind == S.CODE and column.rule is None and column.codes:
            known = set(column.codes)
            bad = present & np.array([v not in known for v in raw], dtype=bool)
            self._bad(bad, column, table, raw, children, numbers, "unknown_code",
                      "is not one of the DfE's codes for it", ", ".join(column.codes))
        return raw

    def _bad(self, bad: np.ndarray, column: S.Column, table: S.Table, raw, children, numbers, kind: str,
             problem: str, expected: str) -> None:
        for i in np.flatnonzero(bad):
            child = children[i]
            who = f" for child {child}" if child else ""
            self.issues.append(Issue(ERROR, kind, f"{column.element}{who} is '{raw[i]}', which {problem}.",
                                     table=table.name, row=int(numbers[i]), child=child, field=column.element,
                                     value=raw[i], expected=expected))


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _dates(raw: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """xs:date text (YYYY-MM-DD, optionally with a time zone, which is dropped) as datetime64[ns]."""
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not present.any():
        return out, np.zeros(len(raw), dtype=bool)
    text = pd.Series(raw[present], dtype=object)
    shaped = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?").fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_datetime(text.str.slice(0, 10).where(shaped), format="%Y-%m-%d", errors="coerce")
    out[present] = parsed.to_numpy(dtype="datetime64[ns]")
    bad = present.copy()
    bad[present] = np.isnat(out[present])
    return out, bad


def _booleans(raw: np.ndarray, present: np.ndarray) -> tuple[pd.arrays.BooleanArray, np.ndarray]:
    truth = {"1": True, "true": True, "0": False, "false": False}
    values = np.zeros(len(raw), dtype=bool)
    mask = np.ones(len(raw), dtype=bool)
    bad = np.zeros(len(raw), dtype=bool)
    for i in np.flatnonzero(present):
        found = truth.get(raw[i].lower())
        if found is None:
            bad[i] = True
        else:
            values[i], mask[i] = found, False
    return pd.arrays.BooleanArray(values, mask), bad


def _integers(raw: np.ndarray, present: np.ndarray) -> tuple[pd.arrays.IntegerArray, np.ndarray]:
    values = np.zeros(len(raw), dtype=np.int64)
    mask = np.ones(len(raw), dtype=bool)
    bad = np.zeros(len(raw), dtype=bool)
    for i in np.flatnonzero(present):
        text = raw[i]
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit() and abs(int(text)) < _INT_LIMIT:
            values[i], mask[i] = int(text), False
        else:
            bad[i] = True
    return pd.arrays.IntegerArray(values, mask), bad


def read_cin_census(path: str | Path, *, display_name: str | None = None, progress: Progress | None = None,
                    max_bytes: int | None = None) -> CINCensus:
    """Read a CIN census XML file (see the module's docstring). Raises ``UnreadableFile`` (one sentence) when
    the file cannot be read at all."""
    path = Path(path)
    name = display_name or path.name
    stream = returns.iter_xml(path, root="Message", what=WHAT, name=name, max_bytes=max_bytes or MAX_BYTES)
    builder = _Builder()
    stack: list[Element] = []
    children_read = 0
    for event, element in stream:
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        tag = element.tag
        depth = len(stack)
        if tag == "Child" and depth == 2 and stack[1].tag == "Children":
            builder.child(element)
            stack[1].remove(element)
            children_read += 1
            if progress is not None and children_read % 2000 == 0:
                progress("Reading the children", stream.position, stream.size)
        elif tag == "Header" and depth == 1:
            builder.header(element)
            stack[0].remove(element)
        elif depth == 1 and tag != "Children":
            builder._unexpected(element, "Message", None, "header")
            stack[0].remove(element)
        elif depth == 2 and stack[1].tag == "Children":
            builder._unexpected(element, "Children", None, "child_identifiers")
            stack[1].remove(element)
    if children_read == 0:
        raise UnreadableFile(f"{name} has no children in it (no <Child> inside <Children>), so there is nothing "
                             "to read: expected the CIN census as your system exports it.")
    if not builder.header_seen:
        builder.issues.append(Issue(WARNING, "missing_element", f"{name} has no <Header>, so its reference date "
                                    "and local authority are not known.", table="header", field="Header"))
        builder.rows["header"].add(None, (), {})
    if progress is not None:
        progress("Reading the children", stream.size, stream.size)
    frames = builder.frames()
    sex = "GenderCurrent" if builder.sex_elements == {"GenderCurrent"} else "Sex"
    return CINCensus(frames, builder.issues, name, sex)
