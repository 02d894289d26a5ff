"""Importing Annex A extracts: stored all or nothing, recognised when repeated, measures precomputed."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from goldthread.core.annexa import spec as S
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.reader import read_annex_a
from goldthread.core.measures import ANNEX_A, compute_all, ids_from
from goldthread.extracts import actions
from goldthread.extracts.actions import ImportRefused, import_extract, measure_context, recompute_measures
from goldthread.extracts.models import ROW_MODELS, Extract, ValidationIssue
from goldthread.extracts.queries import StoredAnnexA, latest_extract
from goldthread.store.models import Figure, FigureCell

SAMPLE = Path(__file__).resolve().parents[2] / "core" / "annexa" / "tests" / "data" / "annex_a_sample_liia.xlsx"
AS_AT = dt.date(2021, 3, 31)


def snapshot() -> dict[str, int]:
    """Row counts of every table an import writes."""
    counts = {"extracts": Extract.objects.count(), "issues": ValidationIssue.objects.count(),
              "figures": Figure.objects.count(), "cells": FigureCell.objects.count()}
    counts.update({f"list{n}": model.objects.count() for n, model in ROW_MODELS.items()})
    return counts


def edited_copy(tmp_path: Path, name: str = "edited.xlsx", *, sheet="List 3", cell="A2", value="X123") -> Path:
    """The sample with one cell changed: a different file with the same extract date."""
    book = openpyxl.load_workbook(SAMPLE)
    book[sheet][cell] = value
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def northby(councils):
    return councils.get(ons_code="E06999901")


def test_import_stores_rows_issues_and_measure_values(northby):
    outcome = import_extract(northby, SAMPLE, extract_date=AS_AT)
    extract = outcome.extract
    annex = read_annex_a(SAMPLE, extract_date=AS_AT)

    assert outcome.created and not outcome.replaced
    assert extract.extract_date == AS_AT and not extract.extract_date_inferred
    assert extract.source_name == "annex_a_sample_liia.xlsx"
    assert len(extract.sha256) == 64
    for number, model in ROW_MODELS.items():
        stored = model.objects.filter(extract=extract).count()
        assert stored == annex.row_counts[number] == extract.row_counts[str(number)]
    assert extract.total_rows == 59
    # The sample's irregularities are warnings, not errors, and every one is stored.
    assert extract.error_count == 0
    assert extract.warning_count == len(annex.warnings) == extract.issues.count()
    free_text = extract.issues.filter(list_number=4, kind="bad_value")
    assert free_text.count() == 5
    assert set(free_text.values_list("value", flat=True)) == {"CS Assessment Updated"}
    assert set(free_text.values_list("row", flat=True)) == {2, 3, 4, 5, 6}
    # Measures are computed at import, one value per registered measure, equal to a fresh computation.
    expected = compute_all(annex, measure_context(northby, AS_AT))
    stored_values = {v.measure_id: v for v in extract.figures.all()}
    assert set(stored_values) == set(ids_from(ANNEX_A))
    for mid, result in expected.items():
        assert stored_values[mid].value == result.value
        assert stored_values[mid].numerator == result.numerator


def test_rows_keep_identifiers_row_numbers_and_extra_columns(northby, tmp_path):
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 1"]
    sheet["H1"] = "Local ref"
    sheet["H2"] = "ABC-1"
    sheet["A3"] = "000123"
    path = tmp_path / "with-extra.xlsx"
    book.save(path)
    extract = import_extract(northby, path, extract_date=AS_AT).extract
    rows = {r.row_number: r for r in ROW_MODELS[1].objects.filter(extract=extract)}
    assert rows[2].child_id == "9212044"  # a number cell, stored as text without '.0'
    assert rows[2].extra == {"Local ref": "ABC-1"}
    assert rows[3].child_id == "000123"  # leading zeros kept
    assert rows[3].extra is None
    assert extract.issues.filter(kind="extra_columns", list_number=1).count() == 1


def test_same_file_again_changes_nothing(northby, tmp_path):
    first = import_extract(northby, SAMPLE, extract_date=AS_AT)
    before = snapshot()
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(SAMPLE, renamed)
    again = import_extract(northby, renamed, extract_date=dt.date(2021, 4, 30))
    assert not again.created
    assert again.extract.pk == first.extract.pk
    assert snapshot() == before


def test_other_file_for_same_date_is_refused_unless_replacing(northby, tmp_path):
    first = import_extract(northby, SAMPLE, extract_date=AS_AT).extract
    before = snapshot()
    edited = edited_copy(tmp_path)
    with pytest.raises(ImportRefused, match="already has an extract as at 31/03/2021"):
        import_extract(northby, edited, extract_date=AS_AT)
    assert snapshot() == before

    outcome = import_extract(northby, edited, extract_date=AS_AT, replace=True)
    assert outcome.created and outcome.replaced
    assert not Extract.objects.filter(pk=first.pk).exists()
    assert ROW_MODELS[3].objects.filter(extract=outcome.extract, child_id="X123").count() == 1
    assert snapshot() == before  # same sizes: the old extract's rows were replaced, not added to


def test_failure_part_way_leaves_database_exactly_as_before(northby, tmp_path, monkeypatch):
    import_extract(northby, SAMPLE, extract_date=AS_AT)
    before = snapshot()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fail after the extract, its rows and its issues have been written, inside the transaction.
    monkeypatch.setattr(actions, "record_extract", fail)
    with pytest.raises(RuntimeError):
        import_extract(northby, edited_copy(tmp_path), extract_date=dt.date(2021, 4, 30))
    assert snapshot() == before
    # A failed replacement must not lose the extract it was replacing.
    with pytest.raises(RuntimeError):
        import_extract(northby, edited_copy(tmp_path, "again.xlsx", value="Y9"), extract_date=AS_AT, replace=True)
    assert snapshot() == before
    assert Extract.objects.get().extract_date == AS_AT


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("[Content_Types].xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return path


def _encrypted(path: Path) -> Path:
    # An OLE2 compound file holding an 'EncryptedPackage' stream is how Excel stores a password-protected .xlsx.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: (p / "notes.xlsx").write_bytes(b"just some text, not a workbook") and p / "notes.xlsx",
     "is not a spreadsheet"),
    (lambda p: _zip_bomb(p / "bomb.xlsx"), "zip bomb"),
    (lambda p: _encrypted(p / "locked.xlsx"), "password-protected"),
    (lambda p: (p / "empty.xlsx").write_bytes(b"") is not None and p / "empty.xlsx", "is empty"),
])
def test_hostile_or_broken_files_change_nothing(northby, tmp_path, make, message):
    import_extract(northby, SAMPLE, extract_date=AS_AT)
    before = snapshot()
    path = make(tmp_path)
    with pytest.raises(UnreadableFile) as caught:
        import_extract(northby, path)
    assert message in str(caught.value)
    assert path.name in str(caught.value)
    assert "\n" not in str(caught.value)
    assert snapshot() == before


def test_future_extract_date_is_refused(northby):
    with pytest.raises(ImportRefused, match="in the future"):
        import_extract(northby, SAMPLE, extract_date=dt.date.today() + dt.timedelta(days=1))
    assert Extract.objects.count() == 0


def test_stored_rows_read_back_exactly_as_the_reader_gave_them(northby):
    extract = import_extract(northby, SAMPLE, extract_date=AS_AT).extract
    annex = read_annex_a(SAMPLE, extract_date=AS_AT)
    stored = StoredAnnexA(extract)
    for list_spec in S.LISTS:
        expected = annex.table(list_spec.number)
        actual = stored.table(list_spec.number)
        assert list(actual.columns) == list(expected.columns)
        for name in list_spec.names:
            left, right = actual[name], expected[name]
            assert left.isna().tolist() == right.isna().tolist(), (list_spec.number, name)
            if list_spec.column(name).kind == S.DATE:
                assert (left.dropna().to_numpy() == right.dropna().to_numpy()).all()
            else:
                assert left.dropna().astype(object).tolist() == right.dropna().astype(object).tolist(), name
    # So recomputing from the database gives the values computed at import.
    at_import = {v.measure_id: v.value for v in extract.figures.all()}
    recomputed = recompute_measures(extract)
    assert {mid: r.value for mid, r in recomputed.items()} == at_import


def test_settings_and_population_reach_the_measures(northby):
    northby.settings.cp_visit_working_days = 1
    northby.settings.child_population = 10_000
    northby.settings.save()
    extract = import_extract(northby, SAMPLE, extract_date=AS_AT).extract
    values = {v.measure_id: v for v in extract.figures.all()}
    # The sample has 4 children looked after at 31/03/2021: 4 per 10,000 children.
    assert values["cla_open"].value == 4
    assert values["cla_per_10k"].value == pytest.approx(4.0)
    assert values["cla_per_10k"].denominator == 10_000
    ctx = measure_context(northby, AS_AT)
    assert ctx.cp_visit_working_days == 1 and ctx.child_population == 10_000


def test_latest_extract_picks_by_date(northby, tmp_path):
    import_extract(northby, SAMPLE, extract_date=AS_AT)
    later = import_extract(northby, edited_copy(tmp_path), extract_date=dt.date(2021, 4, 30)).extract
    assert latest_extract(northby) == later
    assert latest_extract(northby, dt.date(2021, 4, 1)).extract_date == AS_AT
    assert latest_extract(northby, dt.date(2021, 1, 1)) is None


def test_measure_values_are_the_registry_ids(northby):
    extract = import_extract(northby, SAMPLE, extract_date=AS_AT).extract
    frame = pd.DataFrame(list(extract.figures.values("measure_id", "value")))
    assert sorted(frame["measure_id"]) == sorted(ids_from(ANNEX_A))
