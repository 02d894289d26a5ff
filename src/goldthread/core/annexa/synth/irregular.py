"""The irregularities real Annex A exports have, written into the synthetic workbook through Ofsted's template
(goldthread.core.annexa.template), which lays out each sheet and writes every cell the template's way unless a
variation says otherwise.

Each kind of irregularity is present, placed deterministically for the council, date and seed, and touches a small
share of cells: sheet names varied ("List 1", "list_1", "L1 Contacts", "List 1 - Contacts"); one or two title or
notes rows above the header on some sheets; header variants ("Age" for "Age of Child (Years)", List 8's UASC header
with a doubled bracket "(Y/N))", "Date of referral", curly quotes in List 8's 'Missing'/'Absent' headers, odd spacing
or case); an extra "Local ref" column the spec does not know; code values mixing Ofsted's lettered form
("a) WBRI"), bare codes ("WBRI") and labels ("White British"); Yes/No written as "a) Yes"/"b) No", Yes/No, Y/N,
TRUE/FALSE cells or "True"/"False" text; dates mostly as date cells, some as "dd/mm/yyyy" text, a few as serial
numbers in general-format cells; identifiers as text (some with leading zeros), written as numbers on some sheets
where they have none; a few duplicated rows; and a few suspect rows (an end date before its start, a date after
``as_at``, an age contradicting the date of birth, an unknown code).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from .. import codes as c
from .. import template
from ..spec import AGE, BOOL, CODE, DATE, ID, INT, LISTS, Column, ListSpec
from .draws import _below, _days, _int
from .history import _History

date = dt.date

_SHEET_TITLES = {1: "Contacts", 2: "Early help", 3: "Referrals", 4: "Assessments", 5: "Section 47 and ICPC",
                 6: "Children in need", 7: "Child protection", 8: "Children in care", 9: "Care leavers",
                 10: "Adoption", 11: "Adopters"}
_SHEET_SHORT = {1: "Contacts", 2: "Early Help", 3: "Referrals", 4: "Assessments", 5: "S47 ICPC", 6: "CIN",
                7: "Child Protection", 8: "CLA", 9: "Care Leavers", 10: "Adoption", 11: "Adopters"}
_SHEET_NAMES = (template.SHEET_NAME, "list_{n}", "L{n} {short}", "List {n} - {title}")

_BOOL_STYLES = ("lettered", "word", "yn", "excel", "text")
_BOOL_WORDS = {
    "lettered": (template.YES, template.NO, template.UNKNOWN), "word": ("Yes", "No", "Unknown"),
    "yn": ("Y", "N", "Unknown"), "text": ("True", "False", "Unknown"),
}
_ODD_HEADERS: tuple[Callable[[str], str], ...] = (
    str.upper, str.lower, lambda h: "  " + h, lambda h: h + " ", lambda h: h.replace(" ", "  ", 1),
    lambda h: h.replace(" ", "\n", 1),
)
_UNKNOWN_CODES = {"ethnicity": "WBRT", "placement_type": "U9"}  # codes in no code list


@functools.cache
def _code_forms(codes: c.CodeList) -> dict[str, dict[str, str]]:
    """code -> rendered value, for each way of writing the list: "ofsted" (the template's), "label", and "code"
    (bare) where councils write bare codes."""
    forms = {"ofsted": template.ofsted_codes(codes), "label": {item.code: item.label for item in codes.codes}}
    if _bare_codes_usable(codes):
        forms["code"] = {item.code: item.code for item in codes.codes}
    return forms


def _bare_codes_usable(codes: c.CodeList) -> bool:
    """Whether councils write this list's bare codes (DfE codes such as WBRI or U3, not our own names)."""
    return all(x.code.isdigit() or (len(x.code) <= 4 and x.code.isalnum() and x.code.isupper())
               for x in codes.codes)


@dataclass
class _SheetPlan:
    """How one list is written: sheet name, rows above the header, header text, and irregularities."""

    spec: ListSpec
    name: str
    headers: dict[str, str]  # column name -> header text
    title_rows: tuple[str, ...] = ()
    extra_at: int | None = None  # position of an extra "Local ref" column
    numeric_ids: bool = False  # identifiers without leading zeros written as numbers
    code_styles: dict[str, str] = field(default_factory=dict)  # column -> "ofsted" | "code" | "label"
    bool_styles: dict[str, str] = field(default_factory=dict)  # column -> one of _BOOL_STYLES
    noise: float = 0.0  # share of code and Yes/No cells written another way
    text_dates: float = 0.0  # share of dates written as dd/mm/yyyy text
    serial_dates: float = 0.0  # share of dates written as bare serial numbers
    duplicates: frozenset[int] = frozenset()  # rows written twice
    edits: dict[int, dict] = field(default_factory=dict)  # row -> values replaced (suspect rows)

    @classmethod
    def clean(cls, spec: ListSpec) -> _SheetPlan:
        return cls(spec, template.SHEET_NAME.format(n=spec.number), {col.name: col.header for col in spec.columns})


def _irregular_plans(rng: random.Random, data: dict[int, list[dict]], as_at: date,
                     history: _History) -> dict[int, _SheetPlan]:
    """Choose where the irregularities go. Each kind is placed at least once."""
    numbers = [spec.number for spec in LISTS]
    plans = {spec.number: _SheetPlan.clean(spec) for spec in LISTS}
    styles = [0, 1, 2, 3] + [_below(rng, 4) for _ in range(len(numbers) - 4)]
    rng.shuffle(styles)
    for n, style in zip(numbers, styles, strict=True):
        plans[n].name = _SHEET_NAMES[style].format(n=n, short=_SHEET_SHORT[n], title=_SHEET_TITLES[n])
    for i, n in enumerate(rng.sample(numbers, 4)):
        title = f"{history.council} Children's Services: Annex A {plans[n].spec.label}"
        notes = f"Extract as at {as_at:%d/%m/%Y}. Contains personal data: handle in line with policy."
        plans[n].title_rows = ((title,), (title, notes), (title, ""), (title,))[i]
    with_age = [n for n in numbers if "age" in plans[n].spec.names]
    for n in rng.sample(with_age, 6):
        plans[n].headers["age"] = "Age"
    plans[3].headers["referral_date"] = "Date of referral"
    plans[8].headers["uasc"] += ")"
    for name in ("missing_episodes_12m", "absent_episodes_12m"):
        plans[8].headers[name] = plans[8].headers[name].replace("'", "\u2018", 1).replace("'", "\u2019", 1)
    varied = {(3, "referral_date"), (8, "uasc"), (8, "missing_episodes_12m"), (8, "absent_episodes_12m")}
    plain = [(n, col) for n in numbers for col in plans[n].spec.names
             if (n, col) not in varied and plans[n].headers[col] != "Age"]
    for i, (n, col) in enumerate(rng.sample(plain, 8)):
        plans[n].headers[col] = _ODD_HEADERS[i % len(_ODD_HEADERS)](plans[n].headers[col])
    first, second = rng.sample(numbers, 2)
    plans[first].extra_at, plans[second].extra_at = 1, len(plans[second].spec.columns)
    for n in rng.sample(numbers, 5):
        plans[n].numeric_ids = True

    code_cols = [(n, col) for n in numbers for col in plans[n].spec.columns if col.kind == CODE]
    for n, col in code_cols:
        u = rng.random()
        style = "ofsted" if u >= 0.25 else ("label" if u < 0.12 else "code")
        if style == "code" and not _bare_codes_usable(col.codes):
            style = "label"
        plans[n].code_styles[col.name] = style
    bare = [(n, col) for n, col in code_cols if _bare_codes_usable(col.codes)]
    for style in ("code", "label"):
        if style not in {plans[n].code_styles[col.name] for n, col in code_cols}:
            n, col = rng.choice(bare)
            plans[n].code_styles[col.name] = style
    bool_cols = [(n, col.name) for n in numbers for col in plans[n].spec.columns if col.kind == BOOL]
    rng.shuffle(bool_cols)
    for i, (n, name) in enumerate(bool_cols):
        plans[n].bool_styles[name] = _BOOL_STYLES[i] if i < len(_BOOL_STYLES) else rng.choice(_BOOL_STYLES)

    for n in numbers:
        plan, rows = plans[n], data[n]
        plan.noise, plan.text_dates, plan.serial_dates = 0.03, 0.05, 0.015
        plan.duplicates = frozenset(i for i in range(len(rows)) if rng.random() < 0.003)
        if n in (1, 3) and rows and not plan.duplicates:
            plan.duplicates = frozenset({_below(rng, len(rows))})
    _suspect_rows(rng, plans, data, as_at)
    return plans


def _suspect_rows(rng: random.Random, plans: dict[int, _SheetPlan], data: dict[int, list[dict]],
                  as_at: date) -> None:
    """A few rows a careful reader should question."""

    def pick(n: int, wanted: Callable[[dict], bool] = bool) -> list[int]:
        rows = data[n]
        fit = [i for i, row in enumerate(rows) if wanted(row)] or list(range(len(rows)))
        return rng.sample(fit, min(len(fit), 1 + len(rows) // 3000))

    for n, start, end in ((7, "cpp_start_date", "cpp_end_date"), (8, "cla_start_date", "cla_end_date")):
        for i in pick(n, lambda row, end=end: row[end] is not None):
            plans[n].edits.setdefault(i, {})[end] = _days(data[n][i][start], -_int(rng, 1, 40))
    for n, name in ((1, "contact_date"), (3, "referral_date")):
        for i in pick(n):
            plans[n].edits.setdefault(i, {})[name] = _days(as_at, _int(rng, 1, 20))
    for i in pick(6):
        plans[6].edits.setdefault(i, {})["age"] = data[6][i]["age"] + rng.choice((3, 5, 7))
    for n, name in ((1, "ethnicity"), (8, "placement_type")):
        for i in pick(n):
            plans[n].edits.setdefault(i, {})[name] = _UNKNOWN_CODES[name]


def write(path: Path, data: dict[int, list[dict]], plans: dict[int, _SheetPlan] | None, key: str) -> dict[int, int]:
    """Write the sheets row by row (xlsxwriter's constant memory mode) and count the data rows written: in Ofsted's
    template exactly without ``plans``, else with the irregularities they place (``key`` seeds the cell-by-cell
    variations)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    if plans is None:
        counts = template.write_lists(book, data)
    else:
        fmt = template.formats(book)
        counts = {spec.number: template.write_sheet(book, *_irregular_sheet(plans[spec.number], data[spec.number],
                                                                            fmt, key), fmt)
                  for spec in LISTS}
    book.close()
    return counts


def _irregular_sheet(plan: _SheetPlan, rows: list[dict], fmt: template.Formats,
                     key: str) -> tuple[template.Layout, Iterator[dict]]:
    """The sheet's layout as ``plan`` varies the template, and its rows with the suspect edits and duplicates."""
    spec = plan.spec
    rng = random.Random(f"{key}|{spec.number}")  # for the cell-by-cell variations
    writers = [_cell_writer(col, plan, rng, fmt) for col in spec.columns]
    headers = [plan.headers[col.name] for col in spec.columns]
    names = [col.name for col in spec.columns]  # the value each column writes
    if plan.extra_at is not None:
        writers.insert(plan.extra_at, _local_ref_writer(spec))
        headers.insert(plan.extra_at, "Local ref")
        names.insert(plan.extra_at, spec.key[0])
    return template.Layout(spec, plan.name, headers, names, writers, plan.title_rows), _rows(plan, rows, rng)


def _rows(plan: _SheetPlan, rows: list[dict], rng: random.Random) -> Iterator[dict]:
    """The rows as written: suspect values swapped in, and a duplicated row written twice exactly (the cell-by-cell
    variations drawn again from the same state)."""
    for i, row in enumerate(rows):
        if i in plan.edits:
            row = {**row, **plan.edits[i]}
        if i in plan.duplicates:
            state = rng.getstate()
            yield row
            rng.setstate(state)
        yield row


_Writer = template.Writer


def _cell_writer(col: Column, plan: _SheetPlan, rng: random.Random, fmt: template.Formats) -> _Writer:
    """A function writing one column's values as `plan` says."""
    if col.kind == DATE:
        text, serial = plan.text_dates, plan.text_dates + plan.serial_dates
        date_format = fmt.date

        def write_date(sheet, r, j, value):
            u = rng.random() if serial else 1.0
            if u < text:
                sheet.write_string(r, j, value.strftime("%d/%m/%Y"))
            elif u < serial:
                sheet.write_number(r, j, value.toordinal() - template.EXCEL_EPOCH)
            else:
                sheet.write_number(r, j, value.toordinal() - template.EXCEL_EPOCH, date_format)

        return write_date
    if col.kind in (INT, AGE):
        return template.cell_writer(col, fmt)
    if col.kind == ID:
        numeric = plan.numeric_ids

        def write_id(sheet, r, j, value):
            if numeric and value[0] != "0" and value.isdigit():
                sheet.write_number(r, j, int(value))
            else:
                sheet.write_string(r, j, value)

        return write_id
    if col.kind == CODE:
        forms = _code_forms(col.codes)
        main = forms[plan.code_styles.get(col.name, "ofsted")]
        others = [table for table in forms.values() if table is not main]
        noise = plan.noise

        def write_code(sheet, r, j, value):
            table = rng.choice(others) if noise and rng.random() < noise else main
            sheet.write_string(r, j, table.get(value, value))

        return write_code
    if col.kind == BOOL:
        main = plan.bool_styles.get(col.name, "lettered")
        noise = plan.noise
        unknown = col.name == "disability"

        def write_bool(sheet, r, j, value):
            style = rng.choice(_BOOL_STYLES) if noise and rng.random() < noise else main
            if style == "excel":
                sheet.write_boolean(r, j, value)
            else:
                sheet.write_string(r, j, _BOOL_WORDS[style][0 if value else 1])

        if unknown:
            def write_disability(sheet, r, j, value):
                if value is None:
                    sheet.write_string(r, j, _BOOL_WORDS["word" if main == "excel" else main][2])
                else:
                    write_bool(sheet, r, j, value)

            return write_disability
        return write_bool

    def write_text(sheet, r, j, value):
        sheet.write_string(r, j, value)

    return write_text


def _local_ref_writer(spec: ListSpec) -> _Writer:
    """The extra column some councils add: their own reference for the record."""
    prefix = {11: "ADP"}.get(spec.number, "CS")

    def write(sheet, r, j, value):
        sheet.write_string(r, j, f"{prefix}/{int(value) % 1000003:07d}")

    return write
