"""A pack as one document: a title page and a list of sections, each a heading and blocks. The PDF, the Word
document and the workbook are all rendered from this model (goldthread.packs.render), so the three cannot say
different things.

Blocks:

``Paragraph(text, kind)``     a paragraph: "body", "lead" (larger, first on a summary), "note" (smaller) or
                              "warning" (called out)
``Bullets(items)``            a bulleted list
``Subheading(text)``          a heading inside a section (a priority within "Progress on each priority")
``KeyFigures(caption, figures)``  a few headline figures, each a label, a value (a ``Cell``) and a note
``Table(caption, headers, rows)``  a table of ``Cell``s: each cell keeps its typed value (a number, a date,
                              text or None) for the workbook and the text the pages print, for the PDF and Word
``ChartBlock(spec, caption, table)``  a page's own chart (its Vega-Lite spec), with its caption and data table
``PageBreak()``               the next block starts a new page (PDF and Word; the workbook ignores it)

Every section says what level of personal data it holds (``AGGREGATE``, ``NAMED_WORKERS``, ``CHILD_LEVEL``):
a pack holding either of the last two is marked OFFICIAL-SENSITIVE on every page. Plain Python: nothing here
imports Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

AGGREGATE = "aggregate"  # figures about groups of children: no child, no named worker
NAMED_WORKERS = "named workers"  # names social workers with their caseloads
CHILD_LEVEL = "child level"  # identifies children
LEVELS = (AGGREGATE, NAMED_WORKERS, CHILD_LEVEL)

MARKING = "OFFICIAL-SENSITIVE"
MARKING_REASONS = {NAMED_WORKERS: "named workers' caseloads", CHILD_LEVEL: "children's records"}


def long_date(day: dt.date | None) -> str:
    """31 March 2021 (GOV.UK style), or "" for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: dt.date | None) -> str:
    """31 Mar 2021, or "" for no date."""
    return f"{day.day} {day:%b %Y}" if day else ""


@dataclass(frozen=True)
class Cell:
    """One value as the workbook gets it (``value``: int, float, date, datetime, str or None) and as the PDF and
    Word print it (``text``). ``unit`` says how a number reads ("percent", "count", ...) so the workbook can show
    it the same way while keeping the number itself."""

    value: object
    text: str
    unit: str = ""

    @classmethod
    def of(cls, value) -> Cell:
        """Text as itself, a date as "31 Mar 2021", None as a dash. Numbers need their unit: use a formatter."""
        if value is None or value == "":
            return cls(None, "–")
        if isinstance(value, dt.datetime):
            return cls(value, short_date(value.date()))
        if isinstance(value, dt.date):
            return cls(value, short_date(value))
        if isinstance(value, bool):
            return cls("Yes" if value else "No", "Yes" if value else "No")
        if isinstance(value, int | float):
            raise TypeError("a number needs its unit: build its Cell with the page's formatter")
        return cls(str(value), str(value))


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # body, lead, note, warning


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: Cell
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    caption: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    sheet: str = ""  # the workbook's sheet name for it ("" : made from the caption)
    row_headers: bool = True  # the first column names each row

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"a row of {len(row)} cells under {len(self.headers)} headers in '{self.caption}'")


@dataclass(frozen=True, eq=False)
class ChartBlock:
    """A page's chart: its Vega-Lite spec (rendered for print by goldthread.packs.render), the caption the page
    shows under it, and the same numbers as a table. ``chart`` is the page's chart object itself where there is
    one (goldthread.charts.Chart, whose ``svg_document()`` and ``png()`` draw it for files); it is not compared."""

    spec: dict
    caption: str
    table: Table
    chart: object | None = None

    def __eq__(self, other) -> bool:  # the spec is a dict: compare what it says, not identity
        return isinstance(other, ChartBlock) and (self.spec, self.caption, self.table) == (
            other.spec, other.caption, other.table)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Bullets | Subheading | KeyFigures | Table | ChartBlock | PageBreak


@dataclass
class Section:
    key: str
    heading: str
    level: str = AGGREGATE
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> Section:
        self.blocks.extend(blocks)
        return self

    def tables(self) -> list[Table]:
        """Every table in the section, a chart's data table included, in order."""
        found = []
        for block in self.blocks:
            if isinstance(block, Table):
                found.append(block)
            elif isinstance(block, ChartBlock):
                found.append(block.table)
        return found


@dataclass
class TitlePage:
    title: str
    council: str
    subtitle: str  # e.g. "As at 10 May 2021" or "For the improvement board of 10 May 2021"
    as_at: dt.date
    contact: str = ""
    logo_png: bytes | None = None
    produced: str = ""  # when and by whom, e.g. "Produced by goldthread on 12 May 2021 at 09:14"


@dataclass
class Pack:
    kind: str
    title_page: TitlePage
    sections: list[Section]

    @property
    def level(self) -> str:
        """The most personal level of data any section holds."""
        return max((s.level for s in self.sections), key=LEVELS.index, default=AGGREGATE)

    @property
    def marked(self) -> bool:
        return self.level != AGGREGATE

    @property
    def marking(self) -> str:
        """The protective marking for every page ("" for a pack of aggregate figures only)."""
        if not self.marked:
            return ""
        reasons = [MARKING_REASONS[level] for level in (CHILD_LEVEL, NAMED_WORKERS)
                   if any(s.level == level for s in self.sections)]
        return f"{MARKING}: contains personal data ({' and '.join(reasons)})"

    @property
    def child_level(self) -> bool:
        return any(s.level == CHILD_LEVEL for s in self.sections)

    def tables(self) -> list[tuple[Section, Table]]:
        return [(section, table) for section in self.sections for table in section.tables()]

    def key_figures(self) -> list[tuple[Section, KeyFigures]]:
        return [(section, block) for section in self.sections for block in section.blocks
                if isinstance(block, KeyFigures)]


# --------------------------------------------------------------------------- workbook sheet names

SHEET_NAME_CHARS = 31
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_names(wanted: list[str]) -> list[str]:
    """Excel sheet names for the wanted names, in order: at most 31 characters, none of []:*?/\\ , not starting
    or ending with an apostrophe, never blank and never the same twice (case-insensitively, as Excel compares
    them): a repeat gets " (2)", " (3)"... within the limit."""
    found, taken = [], set()
    for name in wanted:
        base = " ".join(name.translate(_NOT_IN_SHEET_NAMES).split()).strip("'") or "Sheet"
        candidate, n = base[:SHEET_NAME_CHARS].strip(), 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = base[:SHEET_NAME_CHARS - len(suffix)].strip() + suffix
        taken.add(candidate.casefold())
        found.append(candidate)
    return found
