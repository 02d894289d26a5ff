"""The accuracy caveats: one text each (the early-warning scores, the slipping-from-good watchlist), from the
backtest's own figures, for the pages, the command line and every export."""

from __future__ import annotations

import copy

import pytest

from goldthread.core.national.risk import score, watchlist
from goldthread.core.national.risk_report import (
    COLUMN_NOTES,
    NOT_TESTED,
    PROMPT,
    accuracy_caveat,
    accuracy_figures,
    export_note,
    slipping_caveat,
    slipping_figures,
    years_text,
)


@pytest.fixture(scope="module")
def report(small_report):
    return small_report


def _entry(report: dict, target: str, metric: str = "auc", model: str | None = None, block: str = "development") -> dict:
    model = model or report["primary"]["model"]
    return report[block]["targets"][target]["models"][model][metric]


def _f(x: float) -> str:
    return f"{x:.2f}"


def test_the_caveat_quotes_the_backtest(report):
    sentences = accuracy_caveat(report)
    assert sentences[-1] == PROMPT
    text = " ".join(sentences)
    n = report["development"]["targets"]["inadequate"]["n"]
    assert f"tested on {n} past inspections (2017 to 2022)" in text.lower()
    for target in ("inadequate", "below_good"):
        auc, same = _entry(report, target), _entry(report, target, "same_date_auc")
        assert _f(auc["estimate"]) in text and f"{_f(auc['lower'])} to {_f(auc['upper'])}" in text
        assert _f(same["estimate"]) in text
    best = _entry(report, "inadequate", "same_date_auc", "previous_imd")
    assert "Compared on the same date, knowing only each council's previous judgement and its deprivation does" in text
    assert f"(AUC {_f(best['estimate'])})" in text
    lift = _entry(report, "inadequate", "top_fifth_lift")
    assert f"{lift['estimate']:.1f} times as many as a random fifth would hold" in text
    held = report["held_back"]["targets"]["inadequate"]
    assert f"Held back from all of this and scored once, the {held['n']} inspections published from 1 April 2024" in text
    assert _f(_entry(report, "inadequate", block="held_back")["estimate"]) in text


def test_the_caveat_says_when_the_model_is_no_better_than_chance_or_than_the_baseline(report):
    """An interval reaching 0.5 (pooled or same-date) gives "It cannot reliably pick out ..."; one above it
    does not. The baseline comparison is made on the same date: a difference whose interval reaches 0 is
    "about as well"."""
    primary = report["primary"]["model"]
    chance = copy.deepcopy(report)
    _entry(chance, "inadequate").update(estimate=0.55, lower=0.45, upper=0.65)
    assert accuracy_caveat(chance)[0].startswith("It cannot reliably pick out the councils that will be judged "
                                                 "inadequate: tested on")
    assert accuracy_figures(chance)["inadequate"]["chance"]
    skilled = copy.deepcopy(report)
    _entry(skilled, "inadequate").update(estimate=0.8, lower=0.7, upper=0.9)
    _entry(skilled, "inadequate", "same_date_auc").update(estimate=0.78, lower=0.68, upper=0.88)
    assert accuracy_caveat(skilled)[0].startswith("Tested on ")
    assert "0.80 (95% interval 0.70 to 0.90)" in accuracy_caveat(skilled)[0]
    assert not accuracy_figures(skilled)["inadequate"]["chance"]
    difference = skilled["development"]["targets"]["inadequate"]["differences"][f"{primary} - previous_imd"]
    difference["same_date_auc"].update(estimate=0.1, lower=0.02, upper=0.2)
    assert "previous judgement and its deprivation does less well" in " ".join(accuracy_caveat(skilled))
    difference["same_date_auc"].update(estimate=0.02, lower=-0.05, upper=0.1)
    assert "previous judgement and its deprivation does about as well" in " ".join(accuracy_caveat(skilled))


def test_the_caveat_warns_when_the_probabilities_are_too_extreme(report):
    """A calibration slope whose interval lies below 1 (high probabilities came true less often than said) is
    said in words; one consistent with 1 is not."""
    extreme = copy.deepcopy(report)
    _entry(extreme, "inadequate", "calibration_slope").update(estimate=0.35, lower=0.13, upper=0.6)
    _entry(extreme, "below_good", "calibration_slope").update(estimate=0.9, lower=0.6, upper=1.3)
    text = " ".join(accuracy_caveat(extreme))
    assert "Its probabilities are too extreme" in text and "(calibration slope 0.35 for inadequate, where 1" in text
    right = copy.deepcopy(extreme)
    _entry(right, "inadequate", "calibration_slope").update(estimate=1.0, lower=0.7, upper=1.3)
    assert "calibration slope" not in " ".join(accuracy_caveat(right))


def test_the_caveat_reads_a_stored_summary_as_the_full_report(report):
    """The pages keep the report without its predictions: the caveats are the same."""
    summary = {k: v for k, v in report.items() if k != "predictions"}
    assert accuracy_caveat(summary) == accuracy_caveat(report)
    assert slipping_caveat(summary) == slipping_caveat(report)


def test_the_watchlist_has_its_own_caveat_from_its_own_backtest(report):
    sentences = slipping_caveat(report)
    text = " ".join(sentences)
    figures = slipping_figures(report)
    assert sentences[-1] == PROMPT and figures["n"] == report["slipping"]["development"]["targets"]["below_good"]["n"]
    assert f"{figures['n']} past inspections of councils last judged good or outstanding" in text
    assert f"{figures['events']} were judged below good" in text
    assert _f(figures["auc"]["estimate"]) in text and _f(figures["same_date_auc"]["estimate"]) in text
    assert "workforce figures (vacancy, agency, turnover, caseload)" in text
    assert text != " ".join(accuracy_caveat(report))


def test_without_a_backtest_the_caveats_say_do_not_rely_on_them():
    assert accuracy_caveat(None) == [NOT_TESTED, PROMPT] == slipping_caveat(None)
    assert "not been tested" in NOT_TESTED and "not as a forecast" in PROMPT


def test_an_export_carries_the_caveat_the_columns_and_the_inspection_rules(national, feature_source, report):
    table = score(national, "2025-03-31", model=report["primary"]["model"], source=feature_source)
    note = export_note("risk", table, report)
    for sentence in accuracy_caveat(report):
        assert sentence in note
    for column in ("la_code", "p_inadequate", "drivers", "next_inspection_due"):
        assert f"  {column}: {COLUMN_NOTES[column]}" in note
    assert "Scored with what was published before 2025-03-31" in note and "protocol " in note
    assert "a short inspection around the third anniversary" in note and "no fixed date" in note
    assert "Focused and monitoring visits are known from 2024-04-01 only." in note
    slipping = watchlist(national, "2025-03-31", model=report["slipping"]["primary"]["model"], source=feature_source)
    note = export_note("slipping", slipping, report)
    assert all(sentence in note for sentence in slipping_caveat(report)) and "p_inadequate" not in note


def test_the_years_a_feature_covers_are_labelled_as_published():
    assert years_text({"years": [2013, 2014, 2025], "source": "cin_c1"}) == "2012-13 to 2024-25 (with gaps)"
    assert years_text({"years": [2025], "source": "ro3"}) == "2024-25"
    assert years_text({"years": [2017, 2018], "source": "csww"}) == "September 2017 to 2018"
    assert years_text({"years": [], "source": "ro3"}) == "none loaded"
