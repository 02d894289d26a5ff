"""National data in the database: loading publications, benchmarks, journeys, the intervention register."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from goldthread.core.national._util import data_folder
from goldthread.national.actions import (
    InterventionImportError,
    NationalLoadError,
    import_interventions,
    load_files,
    load_packaged,
)
from goldthread.national.models import (
    AggregateValue,
    IndicatorValue,
    Inspection,
    Intervention,
    NationalFile,
    StatisticalNeighbour,
)

CLA_CSV = data_folder(None) / "dfe" / "cla_number_and_rate_per_10k_children.csv"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (IndicatorValue, AggregateValue, Inspection, StatisticalNeighbour,
                                                    NationalFile, Intervention)}


def test_packaged_data_loads_and_serves_benchmarks_and_journeys(db, capsys):
    report = load_packaged(with_risk=False)
    assert report.inspections == Inspection.objects.count() > 700
    assert report.values == IndicatorValue.objects.count() > 30_000
    assert NationalFile.objects.count() == 26  # every packaged publication, with its hash
    # DfE's published CLA rate: Sheffield 2025 is 54 per 10,000, England 67 (measures.md).
    assert IndicatorValue.objects.get(indicator_id="cla_rate", council__ons_code="E08000019", year=2025).value == 54
    assert AggregateValue.objects.get(indicator_id="cla_rate", geography="England", year=2025).value == 67
    # A suppressed figure is stored as NULL with its marker, never as 0.
    suppressed = IndicatorValue.objects.filter(marker__in=["c", "x", "z", "u", "low", "k"])
    assert suppressed.exists() and not suppressed.filter(value=0).exists()
    # Doncaster's journey is in the inspection history: inadequate in 2015, good at its 2018 re-inspection.
    doncaster = Inspection.objects.filter(council__name="Doncaster").order_by("publication_date")
    assert ("SIF", "inadequate") in [(i.framework, i.overall_effectiveness) for i in doncaster]

    again = load_packaged(with_risk=False)  # loading twice replaces, never duplicates
    assert again.values == report.values and IndicatorValue.objects.count() == report.values

    call_command("national", "benchmarks", "--la", "373")
    out = capsys.readouterr().out
    assert out.startswith("Sheffield (Yorkshire and the Humber)")
    line = next(row for row in out.splitlines() if row.startswith("Children in care per 10,000 children"))
    assert line.split()[6:9] == ["2025", "54.0", "67.0"]  # year, Sheffield, England

    call_command("national", "journeys")
    table = capsys.readouterr().out
    assert table.startswith("Ofsted: the next graded inspection after an overall judgement of inadequate")
    first_row = table.splitlines()[5].split()
    # 75 inadequate judgements of 64 councils in the packaged history (the core's tests count them).
    assert first_row[:3] == ["inadequate", "75", "64"]

    call_command("national", "journeys", "--la", "Doncaster")
    assert "SIF re-inspection  re-inspection good" in capsys.readouterr().out


def test_newer_file_of_the_same_format_replaces_its_years(db, tmp_path):
    load_packaged(with_risk=False)
    before = IndicatorValue.objects.count()
    # Next year's file: same format, a new name, Sheffield's 2025 rate revised.
    text = CLA_CSV.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row["new_la_code"] == "E08000019" and row["time_period"] == "2025" and \
                row["population_type"] == "Children looked after on 31 March each year":
            row["rate_per_10000"] = "55"
    newer = tmp_path / "cla_number_and_rate_per_10k_children_2026.csv"
    with newer.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = load_files([newer])
    assert report.files[0][:2] == (newer.name, "cla_rate")
    assert IndicatorValue.objects.get(indicator_id="cla_rate", council__ons_code="E08000019", year=2025).value == 55
    assert IndicatorValue.objects.count() == before  # replaced, not added to
    assert NationalFile.objects.filter(name=newer.name, dataset="cla_rate").exists()


def test_an_unrecognised_file_changes_nothing(db, tmp_path):
    load_packaged(with_risk=False)
    before = counts()
    good = tmp_path / "cla.csv"
    shutil.copy(CLA_CSV, good)
    odd = tmp_path / "budget.csv"
    odd.write_text("year,service,amount\n2025,roads,100\n")
    with pytest.raises(NationalLoadError, match="budget.csv is not a publication goldthread recognises"):
        load_files([good, odd])  # the good file first: it must not be loaded either
    assert counts() == before


def test_load_command_refuses_with_one_sentence(db, tmp_path, capsys):
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    with pytest.raises(SystemExit) as exit_:
        call_command("national", "load", str(odd))
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("notes.txt is not a publication goldthread recognises")


def test_benchmarks_before_any_load_says_what_to_do(councils, capsys):
    with pytest.raises(SystemExit):
        call_command("national", "benchmarks", "--la", "373")
    assert "run 'goldthread national load' first" in capsys.readouterr().err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_interventions_import_is_all_or_nothing(councils, tmp_path, capsys):
    good = write(tmp_path / "good.csv", "la_code,kind,start_date,end_date,notes\n"
                 "371,improvement_notice,01/06/2015,,notice after inadequate\n"
                 "E08000017,commissioner,2015-10-01,2017-03-31,\n")
    count, problems = import_interventions(good)
    assert count == 2 and not [p for p in problems if p.severity == "error"]
    doncaster = Intervention.objects.filter(council__ons_code="E08000017")
    assert doncaster.count() == 2
    assert {i.kind for i in doncaster} == {"improvement_notice", "commissioner"}

    bad = write(tmp_path / "bad.csv", "la_code,kind,start_date,end_date,notes\n"
                "Sheffield,dfe_adviser,01/01/2024,,\n"
                "Nowhere Borough,trust,01/01/2024,,\n")
    with pytest.raises(InterventionImportError) as caught:
        import_interventions(bad)
    assert any(p.row == 3 and p.column == "la_code" for p in caught.value.problems)
    assert Intervention.objects.count() == 2  # Sheffield's valid row was not imported either

    count, _ = import_interventions(good)  # the same rows again update, never duplicate
    assert Intervention.objects.count() == 2

    with pytest.raises(SystemExit):
        call_command("national", "interventions", "import", str(bad))
    err = capsys.readouterr().err
    assert "bad.csv, row 3, column la_code" in err
    assert "nothing was imported" in err

    call_command("national", "interventions", "list")
    listed = capsys.readouterr().out
    assert "Doncaster: DfE-appointed children's services commissioner, 01/10/2015 to 31/03/2017" in listed
