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
    from goldthread.national.models import AggregateValue

    AggregateValue.objects.create(indicator_id="cla_rate", geography="England", level="National", year=2024, value=70)
    AggregateValue.objects.create(indicator_id="cla_rate", geography="England", level="National", year=2025, value=67)
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


def test_measures_on_unreadable_file_exits_non_zero(tmp_path):
    bad = tmp_path / "scan.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    done = run_cli("measures", str(bad), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("scan.xlsx is not a spreadsheet: expected an Excel workbook (.xlsx or .xls), an "
                                   "OpenDocument spreadsheet (.ods), or a folder or .zip of CSV files, one per list.")
    assert done.stdout == ""
