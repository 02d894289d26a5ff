"""goldthread demo and goldthread synth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from goldthread.core.annexa.reader import read_annex_a
from goldthread.extracts.management.commands import demo
from goldthread.extracts.models import Extract
from goldthread.national.actions import load_packaged
from goldthread.store.queries import has_national


@pytest.mark.slow
def test_demo_sets_up_councils_extracts_national_data_and_logins(db, settings, tmp_path, monkeypatch, capsys):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(demo, "DEMO_COUNCILS", tuple((code, {**config, "size": "small"})
                                                     for code, config in demo.DEMO_COUNCILS))
    # The early-warning scores load_packaged computes at its end are tested in national (test_pages); here only
    # that the demo loads the national data.
    monkeypatch.setattr(demo, "load_packaged", lambda: load_packaged(with_risk=False))
    call_command("demo", "--no-serve", "--months", "2")
    out = capsys.readouterr().out
    last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    previous = last.replace(day=1) - dt.timedelta(days=1)
    for name in ("Northby", "Southmoor"):
        dates = list(Extract.objects.filter(council__name=name).order_by("extract_date")
                     .values_list("extract_date", flat=True))
        assert dates == [previous, last]
        assert f"{name}: extract as at {last:%d/%m/%Y} imported" in out
    assert has_national()
    users = get_user_model().objects
    director = users.get(username="director")
    assert director.check_password(demo.DEMO_PASSWORD)
    assert director.memberships.get().role == "council_admin"
    assert {m.council.name for m in users.get(username="adviser").memberships.all()} == {"Northby", "Southmoor"}
    assert not users.get(username="national").memberships.exists()
    practitioner = users.get(username="practitioner").memberships.get()
    assert practitioner.role == "practitioner" and practitioner.worker_name  # a real allocated worker
    assert not any(u.is_superuser for u in users.all())
    # Every extract has its measures computed at import.
    assert all(e.figures.count() > 30 for e in Extract.objects.all())

    # Running it again reuses what is there.
    call_command("demo", "--no-serve", "--months", "2")
    assert Extract.objects.count() == 4
    assert "already there" in capsys.readouterr().out


def test_synth_writes_a_workbook_the_reader_accepts(tmp_path, capsys):
    out = tmp_path / "north.xlsx"
    call_command("synth", "--size", "small", "--profile", "struggling", "--seed", "3", "--as-at", "2025-03-31",
                 "--out", str(out))
    printed = capsys.readouterr().out
    assert printed.startswith(f"Wrote {out} (")
    annex = read_annex_a(out, extract_date=dt.date(2025, 3, 31))
    assert annex.errors == []  # the planted irregularities are all usable rows: warnings
    assert {w.kind for w in annex.warnings} >= {"duplicate_row", "future_date", "end_before_start", "unknown_code"}
    total = sum(annex.row_counts.values())
    assert 1500 < total < 3000
    assert f"{sum(annex.row_counts.values()) + sum(annex.rows_rejected.values()):,} rows" in printed
