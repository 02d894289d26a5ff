"""The slipping-from-good watchlist: only councils last judged good or outstanding, ranked by the watchlist's
own model's probability of a below-good judgement next, with its drivers (in "judged below good" words) and the
inspection timing beside each; trained on that population only."""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.national.risk import EXTRA_COLUMNS, WATCHLIST_CSV_COLUMNS, watchlist
from goldthread.core.national.risk_drivers import SEPARATOR
from goldthread.core.national.risk_features import build_features, inspection_examples
from goldthread.core.national.risk_watchlist import (
    GOOD_GRADES,
    SLIPPING_MODELS,
    WORKFORCE,
    slipping_population,
)

AS_OF = dt.date(2025, 3, 31)


@pytest.fixture(scope="module", params=["logistic", "gbm"])
def listed(request, national, feature_source):
    return watchlist(national, AS_OF, model=request.param, source=feature_source)


def test_only_councils_last_judged_good_or_outstanding(listed, national, feature_source):
    assert list(listed.columns) == [*WATCHLIST_CSV_COLUMNS, *EXTRA_COLUMNS]
    assert WATCHLIST_CSV_COLUMNS == ["la_code", "la_name", "last_judgement", "last_judgement_date",
                                     "next_inspection_due", "p_below_good", "drivers"]
    councils = national.councils
    current = councils.loc[councils["status"] == "current", "la_code"]
    import pandas as pd

    features = build_features(feature_source, pd.DataFrame({"la_code": current, "as_of": pd.Timestamp(AS_OF)}))
    good = set(features.loc[features["last_grade"].isin(GOOD_GRADES), "la_code"])
    assert set(listed["la_code"]) == good and 50 < len(good) < 120
    assert listed["last_judgement"].str.split(" \\(").str[0].isin(GOOD_GRADES).all()
    assert listed["p_below_good"].between(0, 1).all() and listed["p_below_good"].is_monotonic_decreasing
    assert listed["next_inspection_due"].notna().all()
    assert (listed["last_judgement_date"] < AS_OF).all()


def test_its_drivers_say_below_good_and_come_from_its_figures(listed):
    texts = [d for drivers in listed["drivers"] for d in drivers.split(SEPARATOR) if d]
    assert texts and all("judged below good" in t and "judged inadequate" not in t.split(". In past")[1]
                         for t in texts)
    subjects = {"social worker vacancy", "agency social workers", "social worker turnover", "caseload",
                "deprivation", "last inspection", "judged inadequate"}
    assert all(any(s in t for s in subjects) for t in texts), texts
    questions = [q for qs in listed["questions"] for q in qs.split(SEPARATOR) if q]
    assert len(questions) == len(texts) and all(q.endswith("?") for q in questions)


def test_the_watchlist_models_use_the_workforce_figures_and_the_baseline_features():
    features = {m.name: set(m.features) for m in SLIPPING_MODELS}
    for indicator in WORKFORCE:
        assert {indicator, indicator + "__change"} <= features["gbm"] & features["logistic"]
    assert features["previous_imd"] <= features["logistic"]  # the baseline nested: what workforce adds is measured


def test_trained_on_the_population_only(feature_source):
    examples = inspection_examples(feature_source)
    population = slipping_population(examples)
    assert 100 < len(population) < len(examples)
    assert population["last_grade"].isin(GOOD_GRADES).all()
    assert (population["last_publication_date"] < population["feature_date"]).all()


def test_too_little_history_is_refused(national, feature_source):
    with pytest.raises(ValueError, match="too few graded inspections"):
        watchlist(national, "2019-01-01", model="logistic", source=feature_source)
