"""The pack document and the declared kinds (plain Python)."""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.packs.document import (
    AGGREGATE,
    CHILD_LEVEL,
    NAMED_WORKERS,
    Cell,
    ChartBlock,
    Pack,
    Section,
    Table,
    TitlePage,
    sheet_names,
)
from goldthread.core.packs.kinds import BOARD, COUNCIL_KINDS, KINDS, MEMBERS


def _pack(*levels: str) -> Pack:
    title = TitlePage("Pack", "Northby", "As at 1 May 2021", dt.date(2021, 5, 1))
    return Pack("board", title, [Section(f"s{n}", f"Section {n}", level) for n, level in enumerate(levels)])


def test_a_pack_is_marked_when_a_section_holds_named_workers_or_children():
    assert not _pack(AGGREGATE, AGGREGATE).marked and _pack(AGGREGATE).marking == ""
    assert _pack(AGGREGATE, NAMED_WORKERS).marking == "OFFICIAL-SENSITIVE: contains personal data (named workers' " \
                                                      "caseloads)"
    both = _pack(CHILD_LEVEL, AGGREGATE, NAMED_WORKERS)
    assert both.level == CHILD_LEVEL and both.child_level
    assert both.marking == ("OFFICIAL-SENSITIVE: contains personal data (children's records and named workers' "
                            "caseloads)")


def test_cells_keep_the_typed_value_and_the_printed_text():
    assert Cell.of(dt.date(2021, 3, 31)) == Cell(dt.date(2021, 3, 31), "31 Mar 2021")
    assert Cell.of(None) == Cell(None, "–") and Cell.of("=1+1") == Cell("=1+1", "=1+1")
    with pytest.raises(TypeError):
        Cell.of(81.4)  # a number is printed by the pages' formatter, with its unit
    with pytest.raises(ValueError):
        Table("t", ("a", "b"), ((Cell.of("x"),),))


def test_tables_and_charts_are_found_in_order_and_compared_by_content():
    table = Table("Trend", ("Date", "Value"), ((Cell.of("Mar 2021"), Cell(81.4, "81.4%", "percent")),))
    chart = ChartBlock({"mark": "line", "data": {"values": [1]}}, "A caption", table)
    section = Section("s", "S").add(table, chart)
    assert section.tables() == [table, table]
    assert chart == ChartBlock({"mark": "line", "data": {"values": [1]}}, "A caption", table)
    assert chart != ChartBlock({"mark": "bar", "data": {"values": [1]}}, "A caption", table)


def test_sheet_names_are_excel_safe_and_never_repeat():
    names = sheet_names(["About", "about", "A/B: [x]*?", "", "'quoted'", "x" * 40, "x" * 40, "x" * 40])
    assert names[:5] == ["About", "about (2)", "A B x", "Sheet", "quoted"]
    assert names[5] == "x" * 31 and names[6] == "x" * 27 + " (2)" and names[7] == "x" * 27 + " (3)"
    assert len({n.casefold() for n in names}) == len(names) and all(len(n) <= 31 for n in names)


def test_each_kind_declares_its_sections_and_a_council_chooses_among_them():
    assert [k.key for k in COUNCIL_KINDS] == ["board", "dfe", "ofsted", "members"]
    assert not KINDS["adviser"].per_council
    assert BOARD.default_sections() == ["summary", "priorities", "scorecard", "workforce"]  # children: chosen only
    assert BOARD.chosen(["workforce", "nonsense", "children"]) == ["summary", "workforce", "children"]
    assert BOARD.section("children").level == CHILD_LEVEL and BOARD.section("workforce").level == NAMED_WORKERS
    # The members' report names nobody: every section holds aggregate figures only.
    assert {s.level for s in MEMBERS.sections} == {AGGREGATE}
