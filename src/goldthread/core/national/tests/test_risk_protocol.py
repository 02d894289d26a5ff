"""The evaluation cannot flatter: the protocol is fixed in code before the backtest runs, the held-back origins
are scored apart and never used to choose a model, and the primary model is chosen by the written rule."""

from __future__ import annotations

import copy
import dataclasses
import json

import pandas as pd
import pytest

from goldthread.core.national.risk import backtest
from goldthread.core.national.risk_features import FeatureSource
from goldthread.core.national.risk_models import MODELS
from goldthread.core.national.risk_protocol import (
    CANDIDATES,
    DEVELOPMENT_ORIGINS,
    HELD_BACK_ORIGINS,
    N_BOOT,
    PRIMARY_RULE,
    TIE,
    choose_primary,
    fingerprint,
    fixed_protocol,
    protocol,
)
from goldthread.core.national.risk_watchlist import SLIPPING_MODELS

DEVELOPMENT, HELD_BACK = (2022, 2023), (2024, 2025)


def _flip(source: FeatureSource, when: pd.Timestamp) -> FeatureSource:
    """Every judgement published on or after `when` turned round (inadequate <-> outstanding, good <->
    requires improvement): the held-back outcomes, and nothing before them, are changed."""
    graded = source.graded.copy()
    later = graded["publication_date"] >= when
    graded.loc[later, "grade"] = graded.loc[later, "grade"].map(
        {"inadequate": "outstanding", "outstanding": "inadequate", "good": "requires improvement",
         "requires improvement": "good"})
    return dataclasses.replace(source, graded=graded)


@pytest.fixture(scope="module")
def both(feature_source):
    """The same backtest on the real data and on data whose held-back judgements were all turned round."""
    real = backtest(source=feature_source, origins=DEVELOPMENT, held_back=HELD_BACK, n_boot=0)
    turned = backtest(source=_flip(feature_source, pd.Timestamp(HELD_BACK[0], 4, 1)), origins=DEVELOPMENT,
                      held_back=HELD_BACK, n_boot=0)
    return real, turned


def test_the_held_back_origins_are_never_used_to_choose_a_model(both):
    """Turning round every held-back judgement changes the held-back results and nothing the choice reads:
    the development results, the chosen models and their scores are identical."""
    real, turned = both
    for key in ("primary", "development"):
        assert json.dumps(real[key], sort_keys=True) == json.dumps(turned[key], sort_keys=True), key
    for key in ("primary", "development"):
        assert json.dumps(real["slipping"][key], sort_keys=True) == json.dumps(turned["slipping"][key],
                                                                                sort_keys=True), key
    real_auc = real["held_back"]["targets"]["below_good"]["models"][real["primary"]["model"]]["auc"]
    turned_auc = turned["held_back"]["targets"]["below_good"]["models"][real["primary"]["model"]]["auc"]
    assert real_auc["estimate"] != turned_auc["estimate"]  # the held-back result did see the change
    assert real["held_back"]["targets"]["inadequate"]["events"] != turned["held_back"]["targets"]["inadequate"]["events"]


def test_the_choice_is_the_rule_applied_to_the_development_origins(both):
    real, _ = both
    scores = {}
    for name in CANDIDATES:
        values = [t["models"][name]["same_date_auc"]["estimate"] for t in real["development"]["targets"].values()]
        scores[name] = sum(values) / len(values)
    best = max(CANDIDATES, key=lambda c: (scores[c] > scores[CANDIDATES[0]] + TIE, -CANDIDATES.index(c)))
    assert real["primary"]["model"] == best
    assert real["primary"]["rule"] == PRIMARY_RULE
    assert real["primary"]["scores"] == pytest.approx(scores)


def _development(scores: dict[str, list[float | None]]) -> dict:
    targets = {}
    for i, target in enumerate(("inadequate", "below_good")):
        targets[target] = {"models": {name: {"same_date_auc": {"estimate": values[i], "lower": None, "upper": None}}
                                      for name, values in scores.items()}}
    return {"targets": targets}


def test_the_rule_prefers_the_higher_same_date_auc_and_breaks_ties_by_the_order_written():
    assert choose_primary(_development({"gbm": [0.60, 0.70], "logistic": [0.70, 0.72]}))["model"] == "logistic"
    assert choose_primary(_development({"gbm": [0.66, 0.70], "logistic": [0.60, 0.70]}))["model"] == "gbm"
    # within TIE of each other: the first listed
    assert choose_primary(_development({"gbm": [0.650, 0.700], "logistic": [0.652, 0.704]}))["model"] == "gbm"
    assert choose_primary(_development({"gbm": [None, None], "logistic": [0.6, 0.6]}))["model"] == "logistic"
    with pytest.raises(ValueError):
        choose_primary(_development({"previous": [0.9, 0.9]}))


def test_the_protocol_is_fixed_in_code_and_every_report_says_whether_it_kept_to_it(small_report):
    fixed = fixed_protocol()
    assert fixed == protocol(MODELS, SLIPPING_MODELS)
    assert fixed["development_origins"] == [f"{y}-04-01" for y in DEVELOPMENT_ORIGINS]
    assert fixed["held_back_origins"] == [f"{y}-04-01" for y in HELD_BACK_ORIGINS]
    assert max(DEVELOPMENT_ORIGINS) < min(HELD_BACK_ORIGINS) and N_BOOT == 1000
    reported = {k: v for k, v in small_report["protocol"].items() if k not in ("fingerprint", "fixed")}
    assert reported == fixed and small_report["protocol"]["fingerprint"] == fingerprint(fixed)
    assert small_report["protocol"]["fixed"] is False  # the tests' quick run used other origins
    # Any change to a model, its features or its settings changes the fingerprint.
    changed = copy.deepcopy(fixed)
    changed["models"]["gbm"]["features"] = changed["models"]["gbm"]["features"][:-1]
    assert fingerprint(changed) != fingerprint(fixed)
    changed = protocol(tuple(dataclasses.replace(m, missing_flags=True) if m.name == "logistic" else m
                             for m in MODELS), SLIPPING_MODELS)
    assert fingerprint(changed) != fingerprint(fixed)


def test_an_origin_is_never_both_developed_on_and_held_back(feature_source):
    with pytest.raises(ValueError, match="both developed on and held back"):
        backtest(source=feature_source, origins=(2022,), held_back=(2022,), n_boot=0)
    with pytest.raises(ValueError, match="must come after"):
        backtest(source=feature_source, origins=(2023,), held_back=(2019,), n_boot=0)
