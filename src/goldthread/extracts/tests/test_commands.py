"""The command line: goldthread import, measures and synth."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from goldthread import cli
from goldthread.core.measures import ANNEX_A, ids_from
from goldthread.extracts.models import Extract

SAMPLE = Path(__file__).resolve().parents[2] / "core" / "annexa" / "tests" / "data" / "annex_a_sample_liia.xlsx"


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the installed `goldthread` entry point in a fresh process, as a user would."""
    env = {**os.environ, "GOLDTHREAD_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "goldthread", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_import_alias_maps_to_the_command(monkeypatch):
    # main() makes broken pipes end the process quietly, as a command should; not inside the test run,
    # where a browser closing a socket would then kill pytest itself.
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    seen = {}
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.update(argv=argv))
    cli.main(["goldthread", "import", "file.xlsx", "--la", "373"])
    assert seen["argv"] == ["goldthread", "import_annex_a", "file.xlsx", "--la", "373"]


def test_import_prints_summary_and_succeeds(councils, capsys):
    call_command("import_annex_a", str(SAMPLE), "--la", "991", "--extract-date", "31/03/2021")
    out = capsys.readouterr().out
    assert "Imported annex_a_sample_liia.xlsx for Northby: extract as at 31/03/2021, 59 rows." in out
    assert "List 8 (Children in care): 5 rows from 'List 8'" in out
    assert "Validation: 0 errors, 7 warnings." in out
    assert "List 4 (Assessments): 5 warnings (bad value)" in out
    assert "'CS Assessment Updated' is not Yes, No or Unknown" in out
    assert Extract.objects.get().extract_date == dt.date(2021, 3, 31)

    call_command("import_annex_a", str(SAMPLE), "--la", "E06999901")
    assert "was already imported for Northby" in capsys.readouterr().out
    assert Extract.objects.count() == 1


def test_import_of_unreadable_file_exits_non_zero_with_one_sentence(councils, tmp_path, capsys):
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_annex_a", str(bad), "--la", "991")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("report.xlsx is not a spreadsheet: expected an Excel workbook")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert Extract.objects.count() == 0


def test_import_for_unknown_council_is_refused(councils, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_annex_a", str(SAMPLE), "--la", "E99999999")
    assert exit_.value.code == 2
    assert "No council has the code 'E99999999'" in capsys.readouterr().err


def test_measures_for_a_council_reads_stored_values(councils, capsys):
    call_command("import_annex_a", str(SAMPLE), "--la", "991", "--extract-date", "2021-03-31")
    capsys.readouterr()
    call_command("measures", "991", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ids_from(ANNEX_A)
    cla = next(r for r in rows if r["id"] == "cla_open")
    assert cla == {"id": "cla_open", "title": "Children in care", "unit": "count", "value": 4.0,
                   "numerator": 4.0, "denominator": None}
    call_command("measures", "991", "--as-at", "2021-03-31")
    out = capsys.readouterr().out
    assert out.startswith("Northby: measures as at 31/03/2021")
    assert "Children in care  " in out


def test_measures_for_a_council_show_england_beside_linked_measures(councils, capsys):
    from goldthread.conftest import published_figure

    published_figure("cla_rate", 2024, 70, area="England")
    published_figure("cla_rate", 2025, 67, area="England")
    call_command("import_annex_a", str(SAMPLE), "--la", "991", "--extract-date", "2021-03-31")
    capsys.readouterr()
    call_command("measures", "991")
    lines = capsys.readouterr().out.splitlines()
    rate = next(line for line in lines if line.startswith("Children in care per 10,000 children"))
    assert rate.endswith("England 67 (2025)")  # the latest year, from the published England figure
    count = next(line for line in lines if line.startswith("Children in care "))
    assert "England" not in count  # no national counterpart


def test_measures_for_a_council_without_extracts_is_refused(councils, capsys):
    with pytest.raises(SystemExit):
        call_command("measures", "992")
    assert "Southmoor has no Annex A extract" in capsys.readouterr().err


def test_measures_on_a_file_in_a_fresh_process(tmp_path):
    done = run_cli("measures", str(SAMPLE), "--as-at", "2021-03-31", "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {tuple(sorted(r)) for r in rows} == {("denominator", "id", "numerator", "title", "unit", "value")}
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == set(ids_from(ANNEX_A))
    # Rows 3 and 4 of the sample's List 7 are the plans with no end date (the others ended before
    # 31/03/2021), so two children are on plans.
    assert by_id["cpp_open"]["value"] == 2
    assert by_id["contacts"]["value"] == 0  # the sample's contacts are all from September 2020


def test_measures_breakdowns_on_a_file_split_every_measure_by_every_dimension(tmp_path):
    done = run_cli("measures", str(SAMPLE), "--as-at", "2021-03-31", "--breakdowns", "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    splits = json.loads(done.stdout)
    assert {tuple(sorted(s)) for s in splits} == {("cells", "dimension", "measure")}
    assert {tuple(sorted(c)) for s in splits for c in s["cells"]} == {("denominator", "label", "numerator", "value")}
    by_key = {(s["measure"], s["dimension"]): s["cells"] for s in splits}
    # The two children on plans on 31/03/2021 (List 7 rows 3 and 4): a boy of 5 and a girl of 14, both on plans
    # for physical abuse started on 8/2/2021, both allocated to Petra Wills.
    assert by_key[("cpp_open", "age_band_by_gender")] == [
        {"label": "Male, 5 to 9", "value": 1.0, "numerator": 1.0, "denominator": None},
        {"label": "Female, 10 to 15", "value": 1.0, "numerator": 1.0, "denominator": None}]
    assert [(c["label"], c["value"]) for c in by_key[("cpp_open", "latest_category_of_abuse")]] == [
        ("Physical abuse", 2.0)]
    assert [(c["label"], c["value"]) for c in by_key[("cpp_open", "cpp_duration")]] == [("Under 3 months", 2.0)]
    assert [(c["label"], c["value"]) for c in by_key[("cpp_open", "worker")]] == [("Petra Wills", 2.0)]
    # Every measure made from rows is split: each has its team and worker splits at least.
    assert {mid for mid, dimension in by_key if dimension == "team"} >= {"cpp_open", "cla_open", "assessments_completed"}

    text = run_cli("measures", str(SAMPLE), "--as-at", "2021-03-31", "--breakdowns", tmp_path=tmp_path)
    assert text.returncode == 0, text.stderr
    block = text.stdout.split("\nChildren on child protection plans by age band by gender\n", 1)[1].split("\n\n")[0]
    assert [" ".join(line.split()) for line in block.splitlines()] == ["Male, 5 to 9 1", "Female, 10 to 15 1"]


def test_measures_breakdowns_for_a_council_are_the_stored_ones(councils, capsys):
    call_command("import_annex_a", str(SAMPLE), "--la", "991", "--extract-date", "2021-03-31")
    capsys.readouterr()
    call_command("measures", "991", "--breakdowns", "--json")
    splits = {(s["measure"], s["dimension"]): s["cells"] for s in json.loads(capsys.readouterr().out)}
    assert [(c["label"], c["value"]) for c in splits[("cpp_open", "gender")]] == [("Male", 1.0), ("Female", 1.0)]
    assert [(c["label"], c["value"]) for c in splits[("cpp_open", "team")]] == [("Locality 4 Unit 1", 2.0)]


def test_measures_on_unreadable_file_exits_non_zero(tmp_path):
    bad = tmp_path / "scan.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    done = run_cli("measures", str(bad), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("scan.xlsx is not a spreadsheet: expected an Excel workbook (.xlsx or .xls), an "
                                   "OpenDocument spreadsheet (.ods), or a folder or .zip of CSV files, one per list.")
    assert done.stdout == ""
