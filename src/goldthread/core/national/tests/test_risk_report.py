"""The accuracy caveat: one text, from the backtest's own figures, for the pages, the command line and
the exports."""

from __future__ import annotations

import copy

import pytest

from goldthread.core.national.risk import backtest
from goldthread.core.national.risk_report import NOT_TESTED, PROMPT, accuracy_caveat, accuracy_figures


@pytest.fixture(scope="module")
def report(national):
    return backtest(national, origins=(2017, 2019, 2022), n_boot=60, seed=0)


def _auc(report: dict, target: str, model: str = "logistic") -> dict:
    return report["targets"][target]["models"][model]["auc"]


def test_the_caveat_quotes_the_backtest(report):
    sentences = accuracy_caveat(report)
    assert sentences[-1] == PROMPT
    text = " ".join(sentences)
    n = report["targets"]["inadequate"]["n"]
    assert f"tested on {n} past inspections" in text.lower()
    for target in ("inadequate", "below_good"):
        auc = _auc(report, target)
        assert f"{auc['estimate']:.2f}" in text and f"{auc['lower']:.2f} to {auc['upper']:.2f}" in text
    best = _auc(report, "inadequate", "previous_imd")
    assert "previous judgement and its deprivation does" in text and f"(AUC {best['estimate']:.2f})" in text


def test_the_caveat_says_when_the_model_is_no_better_than_chance(report):
    """An interval reaching 0.5 gives "It cannot reliably pick out ..."; one above it does not."""
    chance = copy.deepcopy(report)
    _auc(chance, "inadequate").update(estimate=0.55, lower=0.45, upper=0.65)
    assert accuracy_caveat(chance)[0].startswith("It cannot reliably pick out the councils that will be judged "
                                                 "inadequate: tested on")
    assert accuracy_figures(chance)["inadequate"]["chance"]
    skilled = copy.deepcopy(report)
    _auc(skilled, "inadequate").update(estimate=0.8, lower=0.7, upper=0.9)
    assert accuracy_caveat(skilled)[0].startswith("Tested on ")
    assert "0.80 (95% interval 0.70 to 0.90)" in accuracy_caveat(skilled)[0]
    assert not accuracy_figures(skilled)["inadequate"]["chance"]


def test_the_caveat_reads_a_stored_summary_as_the_full_report(report):
    """The pages keep the report without its predictions: the caveat is the same."""
    summary = {k: v for k, v in report.items() if k != "predictions"}
    assert accuracy_caveat(summary) == accuracy_caveat(report)


def test_without_a_backtest_the_caveat_says_do_not_rely_on_it():
    assert accuracy_caveat(None) == [NOT_TESTED, PROMPT]
    assert "not been tested" in NOT_TESTED and "not as a forecast" in PROMPT
