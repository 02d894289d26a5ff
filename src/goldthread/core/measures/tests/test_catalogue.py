"""The regional benchmarking tool's catalogue mapped onto goldthread: every item has an entry, every entry
names a measure (and dimension) goldthread has, and every item the catalogue flags as wrong says what goldthread
does instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goldthread.core.measures import REGISTRY
from goldthread.core.measures.breakdowns import dimensions_for
from goldthread.core.measures.catalogue import BREAKDOWNS, CATALOGUE, SCALAR
from goldthread.core.measures.dimensions import DIMENSIONS

# The catalogue's items: section A's 70 measures; section B's 24 categorical tables (C), 9 repeat-event tables
# (M), 11 age-by-gender cohorts (AG) and 9 ethnicity cohorts (ET): 53 breakdowns.
ITEMS = ({f"A{i}" for i in range(1, 71)} | {f"C{i}" for i in range(1, 25)} | {f"M{i}" for i in range(1, 10)}
         | {f"AG{i}" for i in range(1, 12)} | {f"ET{i}" for i in range(1, 10)})
DOC = Path(__file__).resolve().parents[5].parent / "shared" / "docs" / "regional-benchmark-measures.md"


def test_every_catalogue_item_has_an_entry():
    assert ITEMS - set(CATALOGUE) == set(), "catalogue items with no goldthread entry"
    assert set(CATALOGUE) - ITEMS == set(), "entries for items the catalogue does not have"
    assert len(SCALAR) == 70 and len(BREAKDOWNS) == 53


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_each_entry_names_a_registered_measure_and_an_applicable_dimension(item):
    entry = CATALOGUE[item]
    assert entry.name and entry.measure in REGISTRY
    if item.startswith("A") and not item.startswith("AG"):
        assert entry.dimension is None
    else:
        assert entry.dimension in DIMENSIONS
        assert entry.dimension in {d.id for d in dimensions_for(REGISTRY[entry.measure])}
    assert entry.reason is None or entry.reason.endswith((".", ")"))


def _doc_rows() -> dict[str, tuple[str, str]]:
    """{item id: (name, notes)} from the catalogue document's tables (A rows are numbered 1..70)."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        if re.fullmatch(r"\d{1,2}", cells[0]):
            rows[f"A{cells[0]}"] = (cells[1], cells[-1])
        elif re.fullmatch(r"[CM]\d{1,2}", cells[0]):
            rows[cells[0]] = (cells[1], cells[-1])
    return rows


@pytest.mark.skipif(not DOC.exists(), reason="the catalogue document is kept outside the repository")
def test_the_items_are_the_documents_and_flagged_bugs_have_a_reason():
    rows = _doc_rows()
    assert {k for k in rows} == {k for k in ITEMS if k[0] in "ACM" and not k.startswith("AG")}
    for item, (name, notes) in rows.items():
        if item.startswith("A"):
            assert CATALOGUE[item].name == name.replace(" (key has a leading space)", ""), item
        if re.search(r"bug|mislabelled|crash|inverted|likely 0%|questionable|diluted|never applies", notes, re.I):
            assert CATALOGUE[item].reason, f"{item} is flagged in the catalogue ({notes!r}) but has no reason"
