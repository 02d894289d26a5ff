"""goldthread risk, goldthread risk watchlist --slipping and goldthread risk backtest: the columns the issue
lists, the caveat beside every CSV, and the backtest's every metric with the held-back result apart."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command

from goldthread.core.national.risk_metrics import METRICS
from goldthread.core.national.risk_report import accuracy_caveat, slipping_caveat
from goldthread.national.models import RiskBacktest, RiskScore, SlippingScore
from goldthread.national.pages import timing_of

from .risk_setup import AS_OF, store_packaged_risk

COLUMNS = ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement", "last_judgement_date", "drivers",
           "next_inspection_due"]
WATCHLIST = ["la_code", "la_name", "last_judgement", "last_judgement_date", "next_inspection_due", "p_below_good",
             "drivers"]


def _rows(path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_risk_writes_one_row_per_council_with_its_next_inspection_and_the_caveat_beside_it(councils, tmp_path,
                                                                                             capsys):
    store_packaged_risk()  # the backtest on these figures is stored: the command reuses it
    out = tmp_path / "risk.csv"
    call_command("risk", "--as-of", AS_OF.isoformat(), "--csv", str(out))
    rows = _rows(out)
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 153 == len({r["la_code"] for r in rows})  # every current council once
    stored = {s.council.ons_code: s for s in RiskScore.objects.select_related("council")}
    for r in rows:
        assert 0 <= float(r["p_inadequate"]) <= float(r["p_below_good"]) <= 1
        assert len([d for d in r["drivers"].split("; ") if d]) <= 3
        assert r["last_judgement_date"] < AS_OF.isoformat()  # only what was published before the date
        assert r["last_judgement_date"] < r["next_inspection_due"]
        score = stored[r["la_code"]]  # the same model and figures as the pages
        assert float(r["p_inadequate"]) == pytest.approx(score.p_inadequate, abs=5e-5)
        assert r["next_inspection_due"] == score.next_inspection_due.isoformat()
    sheffield = next(r for r in rows if r["la_code"] == "E08000019")
    assert sheffield["la_name"] == "Sheffield"
    about = (tmp_path / "risk-about.txt").read_text()
    caveat = accuracy_caveat(RiskBacktest.objects.get().summary)
    assert all(sentence in about for sentence in caveat)
    assert "next_inspection_due: when its next full inspection is due" in about
    printed = _words(capsys.readouterr().out)
    assert printed.startswith("Probability of each council's next Ofsted judgement")
    assert all(sentence in printed for sentence in caveat)
    assert "153 councils in all; all written to" in printed and "risk-about.txt" in printed
    top = RiskScore.objects.order_by("-p_inadequate").first()
    assert _words(timing_of(top).words) in printed


def test_the_slipping_watchlist_writes_exactly_its_columns(councils, tmp_path, capsys):
    store_packaged_risk()
    out = tmp_path / "slipping.csv"
    call_command("risk", "watchlist", "--slipping", "--as-of", AS_OF.isoformat(), "--csv", str(out))
    rows = _rows(out)
    assert list(rows[0]) == WATCHLIST
    assert len(rows) == SlippingScore.objects.count() > 50
    assert {r["last_judgement"].split(" (")[0] for r in rows} <= {"good", "outstanding"}
    probabilities = [float(r["p_below_good"]) for r in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(r["next_inspection_due"] > r["last_judgement_date"] for r in rows)
    about = (tmp_path / "slipping-about.txt").read_text()
    caveat = slipping_caveat(RiskBacktest.objects.get().summary)
    assert all(sentence in about for sentence in caveat) and "p_inadequate" not in about
    printed = _words(capsys.readouterr().out)
    assert printed.startswith("Slipping from good: councils judged good or outstanding")
    assert all(sentence in printed for sentence in caveat)
    first = SlippingScore.objects.select_related("council").order_by("-p_below_good").first()
    assert rows[0]["la_code"] == first.council.ons_code


def test_a_watchlist_must_be_named_and_a_too_early_date_is_refused_at_once(db, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("risk", "watchlist")
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip().startswith("Say which watchlist: 'goldthread risk watchlist --slipping'")
    with pytest.raises(SystemExit):
        call_command("risk", "watchlist", "--slipping", "--as-of", "2018-01-01")
    err = capsys.readouterr().err.strip()
    assert err.startswith("Cannot list councils as at 01/01/2018: too few graded inspections") and "\n" not in err


def test_backtest_prints_every_metric_and_saves_them_with_the_held_back_result_apart(db, tmp_path, capsys):
    """The real protocol (every origin), with few resamples: every metric for every model and baseline, the
    development and held-back blocks apart, the watchlist's own backtest, and both caveats in the file."""
    out = tmp_path / "backtest.json"
    call_command("risk", "backtest", "--resamples", "20", "--json", str(out))
    printed = _words(capsys.readouterr().out)
    report = json.loads(out.read_text())
    assert report["protocol"]["fixed"] is True and report["settings"]["n_boot"] == 20
    assert report["settings"]["origins"] == [f"{y}-04-01" for y in range(2016, 2024)]
    assert [o["origin"] for o in report["held_back"]["origins"]] == ["2024-04-01", "2025-04-01"]
    for block in (report["development"], report["held_back"]):
        for target in block["targets"].values():
            for name in ("gbm", "logistic", "previous", "imd", "previous_imd", "base_rate"):
                assert set(METRICS) <= set(target["models"][name])
    assert set(report["slipping"]["held_back"]["targets"]) == {"below_good"}
    assert report["caveat"] == accuracy_caveat(report) and report["slipping_caveat"] == slipping_caveat(report)
    for sentence in report["caveat"] + report["slipping_caveat"]:
        assert sentence in printed
    for model in ("Baseline: previous judgement only", "Baseline: deprivation (IMD) only",
                  "Baseline: previous judgement + IMD"):
        assert printed.count(model) >= 4  # in every table of both targets
    assert printed.index("Development: 2016 to 2023") < printed.index("Held back: 2024 to 2025")
    assert report["primary"]["model"] in ("gbm", "logistic") and f"Primary model (*): {report['primary']['model']}" \
        in printed
    assert report["runtime_seconds"] < 30
    assert {p["block"] for p in report["predictions"]} == {"development", "held_back", "slipping_development",
                                                           "slipping_held_back"}
