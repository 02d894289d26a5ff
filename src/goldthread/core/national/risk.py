"""Inspection risk: each council's probability of being judged inadequate, and below good, at its next
Ofsted inspection, from data published before a date, with an honest rolling-origin backtest.

API (everything importable from here)
    score(national, as_of) -> DataFrame: one row per current council (153): la_code, la_name,
        p_inadequate, p_below_good, last_judgement, last_judgement_date, drivers (up to three things
        that raise its p_inadequate, most first, each in words that say why, joined by "; "; see
        `risk_drivers`). Trained on every graded inspection published before `as_of`, features as at
        `as_of`.
    backtest(national, origins=range(2016, 2026), n_boot=1000, seed=0) -> dict (JSON-serialisable):
        rolling origin; AUC, PR-AUC (average precision), Brier score with bootstrap 95% intervals,
        calibration tables, for both targets, for the models and the baselines; `format_backtest`
        prints it.
    rolling_origin(examples, tests, models, ...): the evaluation machinery on any examples table
        (used by `backtest`, and by the tests on synthetic data).

One module per layer:
    risk_features   what each feature means, publication lags, features as at a date, training examples
    risk_models     the models compared, the design matrix, fitting, recalibration, coherent predictions
    risk_metrics    AUC, PR-AUC, Brier, bootstrap intervals, calibration tables
    risk_backtest   the rolling-origin backtest
    risk_drivers    what pushes a council's risk up, in words
    risk_report     the backtest as text
    risk (here)     scoring every current council at a date

Data and leakage: see `risk_features` (PUBLICATION_LAGS, `available`, what each feature means, the
feature date of an inspection). Training examples are inspections published strictly before the date
or origin, each with features as at its own feature date (before the inspection began); so nothing
published on or after the date enters, neither a figure nor a judgement. The models, their calibration
and coherence (p_below_good >= p_inadequate): `risk_models`.
"""

from __future__ import annotations

import pandas as pd
from threadpoolctl import threadpool_limits

from .bundle import NationalData
from .risk_backtest import COMPARISONS, backtest, origin_date, rolling_origin
from .risk_drivers import drivers as council_drivers
from .risk_features import Y_INADEQUATE, FeatureSource, build_features, inspection_examples
from .risk_metrics import auc_rows, average_precision, brier_rows, calibration_table
from .risk_models import (
    BELOW_GOOD,
    C_GRID,
    GBM_PARAMS,
    INADEQUATE,
    MODELS,
    PRIMARY,
    TARGETS,
    FittedModel,
    ModelSpec,
    choose_c,
    fit_both,
    fit_model,
    predict_both,
)
from .risk_report import format_backtest

MIN_TRAINING = 30  # inspections needed to fit a model for `score`

SCORE_COLUMNS = ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement", "last_judgement_date",
                 "drivers"]


def score(national: NationalData, as_of, *, source: FeatureSource | None = None) -> pd.DataFrame:
    """Every current council's probability of being judged inadequate / below good at its next inspection,
    from what was public before `as_of` (PRIMARY model, trained on inspections published before it).

    Columns SCORE_COLUMNS, highest p_inadequate first. last_judgement is the last whole-service grade
    published before `as_of` (a reorganised council's predecessor's, "(as <name>)", until it has its own),
    last_judgement_date its publication date. drivers: up to three things that push p_inadequate up
    against an average training inspection (logistic coefficient x standardised value; an indicator's
    level, change and missing flags, the Ofsted history and deprivation are each one group, listed only
    when the group and the part described both push up), largest first, in words that say why, joined
    by "; "; "" when nothing does (see `risk_drivers`: a missing figure is named only when fewer than
    three published ones push up).
    attrs: as_of, n_train, events, the chosen C and the coefficients of both models.
    """
    with threadpool_limits(limits=1):
        return _score(national, as_of, source)


def _score(national: NationalData, as_of, source: FeatureSource | None) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of)
    source = FeatureSource.from_national(national) if source is None else source
    examples = inspection_examples(source)
    train = examples[examples["publication_date"] < as_of]
    if len(train) < MIN_TRAINING or train[Y_INADEQUATE].nunique() < 2:
        raise ValueError(f"too few graded inspections published before {as_of:%Y-%m-%d} to fit a model "
                         f"({len(train)})")
    spec = next(s for s in MODELS if s.name == PRIMARY)
    models = fit_both(spec, train, as_of)
    councils = source.code_map.councils
    current = councils[councils["status"] == "current"].sort_values("la_code")
    features = build_features(source, pd.DataFrame({"la_code": current["la_code"], "as_of": as_of}))
    p = predict_both(models, features)
    names = source.council_names()
    drivers = council_drivers(models[INADEQUATE], features, source, names)
    last = [None if pd.isna(g) else (g if code == own else f"{g} (as {names.get(code, code)})")
            for g, code, own in zip(features["last_grade"], features["last_la_code"], features["la_code"],
                                    strict=True)]
    out = pd.DataFrame({
        "la_code": features["la_code"].to_numpy(),
        "la_name": current["la_name"].to_numpy(),
        "p_inadequate": p[INADEQUATE],
        "p_below_good": p[BELOW_GOOD],
        "last_judgement": last,
        "last_judgement_date": [None if pd.isna(d) else pd.Timestamp(d).date()
                                for d in features["last_publication_date"]],
        "drivers": drivers,
    })
    out = out.sort_values(["p_inadequate", "la_code"], ascending=[False, True], ignore_index=True)
    out.attrs.update(as_of=f"{as_of:%Y-%m-%d}", n_train=len(train),
                     events={n: int(train[c].sum()) for n, c in TARGETS.items()},
                     c={n: m.c for n, m in models.items()},
                     coefficients={n: m.coefficients() for n, m in models.items()})
    return out[SCORE_COLUMNS]


__all__ = [
    "BELOW_GOOD", "C_GRID", "COMPARISONS", "GBM_PARAMS", "INADEQUATE", "MODELS", "PRIMARY", "SCORE_COLUMNS",
    "TARGETS", "FittedModel", "ModelSpec", "auc_rows", "average_precision", "backtest", "brier_rows",
    "calibration_table", "choose_c", "fit_both", "fit_model", "format_backtest", "origin_date", "predict_both",
    "rolling_origin", "score",
]
