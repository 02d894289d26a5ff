"""National data in the database: loading publications, benchmarks, journeys, the intervention register."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from goldthread.accounts.models import Membership, NationalRole
from goldthread.core.national._util import data_folder
from goldthread.national.actions import (
    InterventionError,
    InterventionImportError,
    NationalLoadError,
    decide_proposal,
    import_interventions,
    load_files,
    load_packaged,
    propose_correction,
    save_intervention,
)
from goldthread.national.models import (
    Inspection,
    Intervention,
    InterventionProposal,
    NationalFile,
    StatisticalNeighbour,
)
from goldthread.store.models import NATIONAL, Figure

CLA_CSV = data_folder(None) / "dfe" / "cla_number_and_rate_per_10k_children.csv"


def council_figures(indicator_id: str | None = None):
    """Published figures of councils (all, or one indicator's) in the measure store."""
    found = Figure.objects.filter(source=NATIONAL, council__isnull=False)
    return found if indicator_id is None else found.filter(measure_id=f"national:{indicator_id}")


def area_figures(indicator_id: str | None = None):
    """Published figures of England and the regions (all, or one indicator's)."""
    found = Figure.objects.filter(source=NATIONAL, council__isnull=True)
    return found if indicator_id is None else found.filter(measure_id=f"national:{indicator_id}")


def counts() -> dict[str, int]:
    return {"council figures": council_figures().count(), "area figures": area_figures().count()} | {
        m.__name__: m.objects.count() for m in (Inspection, StatisticalNeighbour, NationalFile, Intervention)}


@pytest.mark.slow
def test_packaged_data_loads_and_serves_benchmarks_and_journeys(db, capsys):
    report = load_packaged(with_risk=False)
    assert report.inspections == Inspection.objects.count() > 700
    assert report.values == council_figures().count() > 30_000
    assert NationalFile.objects.count() == 28  # every packaged file (LAIT's dataset and dictionary among them), with its hash
    # DfE's published CLA rate: Sheffield 2025 is 54 per 10,000, England 67 (measures.md).
    assert council_figures("cla_rate").get(council__ons_code="E08000019", year=2025).value == 54
    assert area_figures("cla_rate").get(area="England", year=2025).value == 67
    # A suppressed figure is stored as NULL with its marker, never as 0.
    suppressed = council_figures().filter(marker__in=["c", "x", "z", "u", "low", "k"])
    assert suppressed.exists() and not suppressed.filter(value=0).exists()
    # Doncaster's journey is in the inspection history: inadequate in 2015, good at its 2018 re-inspection.
    doncaster = Inspection.objects.filter(council__name="Doncaster").order_by("publication_date")
    assert ("SIF", "inadequate") in [(i.framework, i.overall_effectiveness) for i in doncaster]

    again = load_packaged(with_risk=False)  # loading twice replaces, never duplicates
    assert again.values == report.values and council_figures().count() == report.values

    # The early-warning model reads what was stored: the same figures and inspections as the files themselves.
    from goldthread.core.national.bundle import load_all
    from goldthread.core.national.risk_features import FeatureSource
    from goldthread.national.actions import risk_source

    stored, packaged = risk_source(), FeatureSource.from_national(load_all())
    assert stored.fingerprint() == packaged.fingerprint()
    assert len(stored.values) == len(packaged.values) and len(stored.graded) == len(packaged.graded) > 400

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


def test_newer_file_of_the_same_format_replaces_its_years(db, tmp_path, capsys):
    load_packaged(with_risk=False)
    before = council_figures().count()
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
    report = load_files([newer], with_risk=False)
    assert report.files[0][:2] == (newer.name, "cla_rate")
    assert council_figures("cla_rate").get(council__ons_code="E08000019", year=2025).value == 55
    assert council_figures().count() == before  # replaced, not added to
    assert NationalFile.objects.filter(name=newer.name, dataset="cla_rate").exists()

    # Every year of an RO3 workbook is read, and reaches the early-warning model: spending per child for
    # 2023-24 (public from 31 January 2025) is a figure the model can use from then.
    from goldthread.core.national.risk_features import build_features
    from goldthread.core.national.tests.ro3_workbook import write_ro3_workbook
    from goldthread.national.actions import risk_source

    workbook = write_ro3_workbook(tmp_path / "RO3_LA_Data_two_years.xlsx", {"2023-24": 0.9, "2024-25": 1.0})
    call_command("national", "load", str(workbook), "--no-risk")
    out = capsys.readouterr().out
    assert f"{workbook.name}: ro3, " in out and "(2 years: 2023-24 to 2024-25)" in out
    assert "The early-warning scores were not recomputed" in out
    spend = council_figures("ro3_csc_spend_per_child").filter(council__ons_code="E06000058")
    # the 2023-24 sheet is 2024-25's spending x 0.9, per child of its own year's population (mid-2023)
    assert {v.year: round(v.numerator / spend.get(year=2025).numerator, 6) for v in spend} == {2024: 0.9, 2025: 1.0}
    assert spend.get(year=2024).denominator != spend.get(year=2025).denominator
    source = risk_source()
    coverage = {c["indicator_id"]: c for c in source.coverage()}
    assert coverage["ro3_csc_spend_per_child"]["years"] == [2024, 2025]
    assert coverage["ro3_csc_spend_per_child"]["first_public"] == "2025-01-31"
    import pandas as pd

    features = build_features(source, pd.DataFrame({"la_code": ["E06000058"], "as_of": [pd.Timestamp("2025-03-31")]}))
    assert features.loc[0, "ro3_csc_spend_per_child__year"] == 2024 and features.loc[0, "ro3_csc_spend_per_child"] > 0


def test_an_unrecognised_file_changes_nothing(db, tmp_path):
    load_packaged(with_risk=False)
    before = counts()
    good = tmp_path / "cla.csv"
    shutil.copy(CLA_CSV, good)
    odd = tmp_path / "budget.csv"
    odd.write_text("year,service,amount\n2025,roads,100\n")
    with pytest.raises(NationalLoadError, match="budget.csv is not a publication goldthread recognises"):
        load_files([good, odd], with_risk=False)  # the good file first: it must not be loaded either
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


# --------------------------------------------------------------------------- who changes the register


@pytest.fixture
def register_people(councils, people):
    """Council roles from the shared fixture, two national editors, and Sheffield's and Doncaster's managers."""
    users = get_user_model()
    found = dict(people)
    for key in ("editor", "second_editor"):
        found[key] = users.objects.create_user(key)
        NationalRole.objects.create(user=found[key], role=NationalRole.EDITOR, organisation="DfE")
    for key, code in (("sheffield_manager", "E08000019"), ("doncaster_admin", "E08000017")):
        found[key] = users.objects.create_user(key)
        Membership.objects.create(user=found[key], council=councils.get(ons_code=code),
                                  role="manager" if key == "sheffield_manager" else "council_admin")
    return found


def test_only_national_editors_change_the_register_whoever_calls_the_action(councils, register_people, tmp_path):
    sheffield = councils.get(ons_code="E08000019")
    entry = {"council": sheffield, "kind": "trust", "start_date": dt.date(2020, 1, 1)}
    for person in ("manager", "council_admin", "sheffield_manager", "national", "viewer"):
        with pytest.raises(PermissionDenied, match="Only national editors"):
            save_intervention(None, **entry, user=register_people[person])
    good = write(tmp_path / "good.csv", "la_code,kind,start_date\n371,improvement_notice,01/06/2015\n")
    with pytest.raises(PermissionDenied):
        import_interventions(good, created_by=register_people["sheffield_manager"])
    assert not Intervention.objects.exists()

    saved = save_intervention(None, **entry, user=register_people["editor"])
    assert saved.created_by == register_people["editor"]
    assert import_interventions(good, created_by=register_people["second_editor"])[0] == 1
    staff = get_user_model().objects.create_user("stan", is_staff=True)
    assert save_intervention(saved, **entry, notes="Checked", user=staff).notes == "Checked"
    # The operator's command on the server records no one, and may.
    assert save_intervention(saved, **entry, notes="By the operator").updated_by is None


def test_a_correction_is_proposed_by_the_entrys_own_council_and_decided_by_another_national_editor(
        councils, register_people):
    sheffield, doncaster = councils.get(ons_code="E08000019"), councils.get(ons_code="E08000017")
    entry = Intervention.objects.create(council=sheffield, kind="trust", start_date=dt.date(2020, 1, 1))
    other = Intervention.objects.create(council=sheffield, kind="commissioner", start_date=dt.date(2019, 1, 1))
    change = {"kind": "trust", "start_date": dt.date(2020, 1, 1), "end_date": dt.date(2024, 3, 31),
              "reason": "Services returned to the council."}
    for person in ("manager", "doncaster_admin", "editor", "viewer", "national"):  # not Sheffield's manager
        with pytest.raises(PermissionDenied):
            propose_correction(entry, register_people[person], **change)
    with pytest.raises(InterventionError, match="Say why"):
        propose_correction(entry, register_people["sheffield_manager"], **{**change, "reason": " "})
    with pytest.raises(InterventionError, match="Change at least one part"):
        propose_correction(entry, register_people["sheffield_manager"], **{**change, "end_date": None})
    with pytest.raises(InterventionError, match="end date must be"):
        propose_correction(entry, register_people["sheffield_manager"], **{**change, "end_date": dt.date(2019, 1, 1)})
    assert not InterventionProposal.objects.exists()

    proposal = propose_correction(entry, register_people["sheffield_manager"], **change)
    assert (proposal.status, proposal.proposed_by_name, proposal.council) == ("pending", "sheffield_manager",
                                                                             sheffield)
    for person in ("sheffield_manager", "council_admin", "doncaster_admin"):
        with pytest.raises(PermissionDenied):
            decide_proposal(proposal, register_people[person], accept=True)
    with pytest.raises(InterventionError, match="Say why the correction is rejected"):
        decide_proposal(proposal, register_people["editor"], accept=False, reason="")
    decided = decide_proposal(proposal, register_people["editor"], accept=True)
    entry.refresh_from_db()
    assert decided.status == "accepted" and entry.end_date == dt.date(2024, 3, 31)
    assert entry.updated_by == register_people["editor"] and decided.decided_by_name == "editor"
    with pytest.raises(InterventionError, match="already been decided"):
        decide_proposal(proposal, register_people["second_editor"], accept=False, reason="No")

    # An editor who is also the council's manager may propose, but another editor decides.
    Membership.objects.create(user=register_people["editor"], council=sheffield, role="manager")
    own = propose_correction(other, register_people["editor"], kind="commissioner", start_date=dt.date(2020, 1, 1),
                             reason="The commissioner started in 2020.")
    with pytest.raises(PermissionDenied):
        decide_proposal(own, register_people["editor"], accept=True)
    # Accepting a correction obeys the register's rules: one entry per council, kind and start date.
    Intervention.objects.create(council=sheffield, kind="commissioner", start_date=dt.date(2020, 1, 1))
    with pytest.raises(InterventionError, match="already has"):
        decide_proposal(own, register_people["second_editor"], accept=True)
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "pending" and other.start_date == dt.date(2019, 1, 1)
    assert decide_proposal(own, register_people["second_editor"], accept=False, reason="Duplicate").status == "rejected"
    assert doncaster.interventions.count() == 0
