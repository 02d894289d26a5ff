"""Annex A written out in Ofsted's template: sheets, headers and cells as the template has them, no cell ever a
formula, and a workbook goldthread reads back with no issue, the same rows and the same measures."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from goldthread.core.annexa import template
from goldthread.core.annexa.codes import ABUSE_CATEGORY, ETHNICITY, LEGAL_STATUS, PRIMARY_NEED, SOURCE
from goldthread.core.annexa.reader import read_annex_a
from goldthread.core.annexa.spec import BY_NUMBER, CODE, LISTS
from goldthread.core.annexa.synth import SynthConfig, generate
from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import Context, compute_all

AS_AT = dt.date(2026, 3, 31)
D = dt.date
# Text a spreadsheet would run as a formula if it were written with xlsxwriter's write() and default options.
FORMULAS = ("=HYPERLINK(\"http://example.com\",\"x\")", "+44 20 7946 0000", "-1+2", "@SUM(A1:A2)")


def write(path, annex) -> dict[int, int]:
    """Write with xlsxwriter's default options, under which write() turns "=..." into a formula: the template must
    not depend on the options to keep text as text."""
    book = xlsxwriter.Workbook(str(path))
    counts = template.write_annex_a(book, annex)
    book.close()
    return counts


def child(child_id: str, **more) -> dict:
    return {"child_id": child_id, "gender": "F", "ethnicity": "WBRI", "date_of_birth": D(2015, 6, 1), "age": 10,
            **more}


@pytest.fixture
def tricky(tmp_path):
    """A few rows with what goes wrong in spreadsheets: leading zeros, text that looks like a formula, an unknown
    code as recorded, blanks, and a disability not recorded."""
    tables = Tables({
        1: [child("00123", contact_date=D(2026, 3, 2), contact_source="1C")],
        6: [child("00123", disability=None, cin_start_date=D(2025, 11, 3), primary_need="N1",
                  case_status="CPP", allocated_team=FORMULAS[1], allocated_worker=FORMULAS[0])],
        7: [child("00123", disability=True, cpp_start_date=D(2025, 12, 1), initial_category="NEG",
                  latest_category="NEG", last_visit_date=D(2026, 3, 20), seen_alone=None, epo_last_6m=False,
                  previous_cpps=2, allocated_team=FORMULAS[2], allocated_worker=FORMULAS[3])],
        8: [child("0456", uasc=False, disability=False, cla_start_date=D(2024, 2, 29), legal_status="C2",
                  placement_type="U9", placement_la="Northby", placements_last_12m=1)],
    })
    path = tmp_path / "annex_a.xlsx"
    return write(path, tables), openpyxl.load_workbook(path), path


def test_each_list_is_a_sheet_named_and_headed_as_in_the_template(tricky):
    counts, book, _ = tricky
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    for spec in LISTS:
        sheet = book[f"List {spec.number}"]
        assert [c.value for c in sheet[1]] == [col.header for col in spec.columns], spec.label
        assert sheet.max_row == 1 + counts[spec.number]
    assert counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 0, 10: 0, 11: 0}


def test_cells_are_written_as_the_template_writes_them_and_none_is_a_formula(tricky):
    _, book, _ = tricky

    def row(n: int) -> dict:
        sheet = book[f"List {n}"]
        return {BY_NUMBER[n].columns[j].name: cell for j, cell in enumerate(sheet[2])}

    contact, cin, cp, cla = row(1), row(6), row(7), row(8)
    assert contact["child_id"].value == "00123" and contact["child_id"].data_type == "s"  # text, zeros kept
    assert cla["child_id"].value == "0456"
    assert contact["ethnicity"].value == "a) WBRI"
    assert contact["contact_source"].value == "c) 1C: Individual: self"
    assert contact["gender"].value == "b) Female"
    assert cin["primary_need"].value == "N1 - Abuse or neglect"
    assert cin["case_status"].value == "b) Child Protection plan"
    assert cla["legal_status"].value == "C2: Full care order"
    assert cla["placement_type"].value == "U9"  # no code list knows it: written as recorded
    assert cp["initial_category"].value == "a) Neglect"
    for cell, day in ((contact["contact_date"], dt.datetime(2026, 3, 2)),
                      (cla["cla_start_date"], dt.datetime(2024, 2, 29)), (cp["date_of_birth"], dt.datetime(2015, 6, 1))):
        assert cell.value == day and cell.is_date and cell.number_format == "dd/mm/yyyy"
    assert (cp["previous_cpps"].value, cp["age"].value) == (2, 10) and cp["previous_cpps"].data_type == "n"
    assert (cp["disability"].value, cp["epo_last_6m"].value, cla["uasc"].value) == ("a) Yes", "b) No", "b) No")
    assert cin["disability"].value == "c) Unknown"  # not recorded: the template's option
    assert cp["seen_alone"].value is None and cp["cpp_end_date"].value is None  # blank stays blank
    assert [cin["allocated_worker"].value, cin["allocated_team"].value, cp["allocated_team"].value,
            cp["allocated_worker"].value] == [FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3]]
    assert not [cell.coordinate for sheet in book for line in sheet.iter_rows() for cell in line
                if cell.data_type == "f"]


def test_a_value_no_code_list_knows_reads_back_as_recorded(tricky):
    _, _, path = tricky
    annex = read_annex_a(path, extract_date=AS_AT)
    assert [(i.kind, i.list_number, i.value) for i in annex.issues] == [("unknown_code", 8, "U9")]
    assert annex.table(8)["placement_type"].tolist() == ["U9"]
    assert annex.table(6)["allocated_worker"].tolist() == [FORMULAS[0]]
    assert annex.table(1)["child_id"].tolist() == ["00123"]


def test_every_code_reads_back_as_itself():
    for spec in LISTS:
        for col in spec.columns:
            if col.kind == CODE:
                for code, text in template.ofsted_codes(col.codes).items():
                    assert col.codes.parse(text) == code, (spec.label, col.name, text)
    # The styles differ by list, as in Ofsted's template.
    assert template.ofsted_codes(ETHNICITY)["NOBT"] == "t) NOBT"
    assert template.ofsted_codes(SOURCE)["10"] == "v) 10: Unknown"
    assert template.ofsted_codes(PRIMARY_NEED)["N0"] == "N0 - Not stated"
    assert template.ofsted_codes(LEGAL_STATUS)["V2"] == "V2: Single period of accommodation under section 20"
    assert template.ofsted_codes(ABUSE_CATEGORY)["MUL"] == "e) Multiple"


def test_synthetic_lists_round_trip_with_no_issue_the_same_rows_and_the_same_measures(tmp_path):
    data = generate(SynthConfig(profile="struggling", seed=4), AS_AT)
    original = Tables(data)
    path = tmp_path / "synthetic.xlsx"
    counts = write(path, original)
    assert counts == {n: len(rows) for n, rows in data.items()} and sum(counts.values()) > 1500
    back = read_annex_a(path, extract_date=AS_AT)
    assert back.issues == []
    for spec in LISTS:
        got = back.table(spec.number)[list(spec.names)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, original.table(spec.number)[list(spec.names)], obj=spec.label)
        assert list(template.records(got, spec)) == data[spec.number], spec.label
    context = Context(as_at=AS_AT, child_population=40_000)
    before, after = compute_all(original, context), compute_all(back, context)
    assert {k: r.as_dict() for k, r in after.items()} == {k: r.as_dict() for k, r in before.items()}
    assert sum(r.value is not None for r in before.values()) >= 30


def test_records_give_plain_python_values():
    table = Tables({8: [child("007", uasc=True, disability=None, cla_start_date=D(2025, 1, 2), placements_last_12m=3,
                                legal_status="C1")]}).table(8)
    (row,) = list(template.records(table, BY_NUMBER[8]))
    assert row["child_id"] == "007" and row["uasc"] is True and row["disability"] is None
    assert type(row["cla_start_date"]) is dt.date and row["cla_start_date"] == D(2025, 1, 2)
    assert type(row["placements_last_12m"]) is int and row["placements_last_12m"] == 3
    assert row["cla_end_date"] is None and row["legal_status"] == "C1" and list(row) == list(BY_NUMBER[8].names)
