"""goldthread risk and goldthread risk backtest."""

from __future__ import annotations

import csv
import json

from django.core.management import call_command

COLUMNS = ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement", "last_judgement_date", "drivers"]


def test_risk_writes_one_row_per_council(tmp_path, capsys):
    out = tmp_path / "risk.csv"
    call_command("risk", "--as-of", "2025-03-31", "--csv", str(out))
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 153 == len({r["la_code"] for r in rows})  # every current council once
    for r in rows:
        assert 0 <= float(r["p_inadequate"]) <= float(r["p_below_good"]) <= 1
        assert len([d for d in r["drivers"].split("; ") if d]) <= 3
        assert r["last_judgement_date"] < "2025-03-31"  # only what was published before the date
    sheffield = next(r for r in rows if r["la_code"] == "E08000019")
    assert sheffield["la_name"] == "Sheffield"
    printed = capsys.readouterr().out
    assert printed.startswith("Probability of each council's next Ofsted judgement")
    assert "153 councils in all" in printed


def test_backtest_prints_the_comparison_and_saves_json(tmp_path, capsys):
    out = tmp_path / "backtest.json"
    call_command("risk", "backtest", "--resamples", "50", "--json", str(out))
    printed = capsys.readouterr().out
    for model in ("Baseline: previous judgement only", "Baseline: deprivation (IMD) only",
                  "Baseline: previous judgement + IMD"):
        assert printed.count(model) == 2  # once per target
    report = json.loads(out.read_text())
    auc = report["targets"]["inadequate"]["models"]["logistic"]["auc"]
    assert auc["lower"] <= auc["estimate"] <= auc["upper"]
