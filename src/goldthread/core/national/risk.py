"""Inspection risk: each council's probability of being judged inadequate, and below good, at its next
Ofsted inspection, from data published before a date; the "slipping from good" watchlist; and an honest
rolling-origin backtest run by a protocol fixed in code.

API (everything importable from here)
    score(national, as_of, model=...) -> DataFrame: one row per current council (153), RISK_CSV_COLUMNS
        first (la_code, la_name, p_inadequate, p_below_good, last_judgement, last_judgement_date,
        drivers, next_inspection_due), then the questions the drivers prompt and the inspection timing
        (`inspection_timing`). Trained on every graded inspection published before `as_of`, features
        as at `as_of`. `model`: the primary model the backtest chose (`report["primary"]["model"]`);
        without it the protocol's rule is applied to a quick development run first.
    watchlist(national, as_of, model=...) -> DataFrame: the councils whose last judgement was good or
        outstanding, WATCHLIST_CSV_COLUMNS first (la_code, la_name, last_judgement,
        last_judgement_date, next_inspection_due, p_below_good, drivers), highest p_below_good first,
        from the slipping model (`risk_watchlist`) the backtest chose.
    backtest(national, ...) -> dict (JSON-serialisable): the protocol's development block, primary
        model, held-back block, the watchlist's own backtest, the inspection cycle's accuracy and the
        features' coverage (`risk_backtest`); `format_backtest` prints it, `accuracy_caveat` says what it
        means.

One module per layer:
    risk_features     what each feature means, publication lags, features as at a date, training examples
    risk_models       the models compared, the design matrix, fitting, recalibration, contributions
    risk_protocol     what is fixed before the backtest runs: origins, held-back origins, the choice rule
    risk_metrics      AUC (pooled and same-date), PR-AUC, Brier, top fifth and top 10, calibration
    risk_backtest     the rolling-origin backtest
    risk_watchlist    the slipping-from-good population and its models
    risk_drivers      what pushes a council's risk up, in words, and the questions it prompts
    risk_report       the backtest as text, and the one caveat
    inspection_timing when the next inspection is due, and visits since the last
    risk (here)       scoring every current council, and the watchlist, at a date

Data and leakage: see `risk_features` (PUBLICATION_LAGS, `available`, what each feature means, the
feature date of an inspection). Training examples are inspections published strictly before the date
or origin, each with features as at its own feature date (before the inspection began); so nothing
published on or after the date enters, neither a figure nor a judgement.
"""

from __future__ import annotations

import pandas as pd

from .bundle import NationalData
from .inspection_timing import TIMING_COLUMNS, inspection_timing
from .risk_backtest import COMPARISONS, backtest, origin_date, rolling_origin
from .risk_drivers import BELOW_GOOD_OUTCOME, INADEQUATE_OUTCOME, SEPARATOR, explain
from .risk_features import (
    Y_BELOW_GOOD,
    Y_INADEQUATE,
    FeatureSource,
    build_features,
    inspection_examples,
    next_inspections,
)
from .risk_metrics import auc_rows, average_precision, brier_rows, calibration_table
from .risk_models import (
    BELOW_GOOD,
    C_GRID,
    GBM_PARAMS,
    INADEQUATE,
    MODEL_BY_NAME,
    MODELS,
    TARGETS,
    FittedModel,
    ModelSpec,
    choose_c,
    fit_both,
    fit_model,
    fit_targets,
    predict_both,
    predict_targets,
    single_threaded,
)
from .risk_protocol import CANDIDATES, DEVELOPMENT_ORIGINS, MIN_TRAINING, choose_primary
from .risk_report import format_backtest
from .risk_watchlist import SLIPPING_CANDIDATES, SLIPPING_MODELS, SLIPPING_TARGETS, slipping_population

RISK_CSV_COLUMNS = ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement", "last_judgement_date",
                    "drivers", "next_inspection_due"]
WATCHLIST_CSV_COLUMNS = ["la_code", "la_name", "last_judgement", "last_judgement_date", "next_inspection_due",
                         "p_below_good", "drivers"]
SCORE_COLUMNS = RISK_CSV_COLUMNS  # the columns `score` gives first (and `goldthread risk --csv` writes)
EXTRA_COLUMNS = ["questions", *(c for c in TIMING_COLUMNS if c not in ("la_code", "next_inspection_due",
                                                                        "last_grade"))]


def primary_model(source: FeatureSource, candidates: tuple[str, ...] = CANDIDATES,
                  models: tuple[ModelSpec, ...] = MODELS, population: bool = False) -> str:
    """The protocol's choice among `candidates`, from a development run without bootstrap (what
    `backtest` chooses, without its intervals); `population`: the slipping watchlist's."""
    examples = inspection_examples(source)
    tests = {origin_date(y): next_inspections(source, origin_date(y), origin_date(y) + pd.DateOffset(years=1))
             for y in DEVELOPMENT_ORIGINS}
    specs = tuple(m for m in models if m.name in candidates)
    targets = SLIPPING_TARGETS if population else TARGETS
    if population:
        examples = slipping_population(examples)
        tests = {o: slipping_population(t) for o, t in tests.items()
                 if int((examples["publication_date"] < o).sum()) >= MIN_TRAINING}
    result = rolling_origin(examples, tests, specs, n_boot=0, comparisons=(), targets=targets)
    return choose_primary(result, candidates)["model"]


def check_history(source: FeatureSource, as_of, *, slipping: bool = False) -> None:
    """Raise ValueError (one sentence) when too few graded inspections were published before `as_of` to fit
    the models (`slipping`: the watchlist's, on councils judged good or outstanding): a quick check before
    anything long runs."""
    _train(source, pd.Timestamp(as_of), population=slipping)


def _train(source: FeatureSource, as_of: pd.Timestamp, population: bool = False) -> pd.DataFrame:
    examples = inspection_examples(source)
    if population:
        examples = slipping_population(examples)
    train = examples[examples["publication_date"] < as_of]
    if len(train) < MIN_TRAINING or train[Y_BELOW_GOOD if population else Y_INADEQUATE].nunique() < 2:
        raise ValueError(f"too few graded inspections published before {as_of:%Y-%m-%d} to fit a model "
                         f"({len(train)})")
    return train


def _current(source: FeatureSource) -> pd.DataFrame:
    councils = source.code_map.councils
    return councils[councils["status"] == "current"].sort_values("la_code")


def _last_judgements(features: pd.DataFrame, names: dict[str, str]) -> tuple[list, list]:
    last = [None if pd.isna(g) else (g if code == own else f"{g} (as {names.get(code, code)})")
            for g, code, own in zip(features["last_grade"], features["last_la_code"], features["la_code"],
                                    strict=True)]
    dates = [None if pd.isna(d) else pd.Timestamp(d).date() for d in features["last_publication_date"]]
    return last, dates


def _with_timing(out: pd.DataFrame, source: FeatureSource, as_of: pd.Timestamp) -> pd.DataFrame:
    timing = inspection_timing(source, out["la_code"], as_of).drop(columns=["la_code", "last_grade"])
    return pd.concat([out.reset_index(drop=True), timing.reset_index(drop=True)], axis=1)


def score(national: NationalData | None, as_of, *, model: str | None = None,
          source: FeatureSource | None = None) -> pd.DataFrame:
    """Every current council's probability of being judged inadequate / below good at its next inspection,
    from what was public before `as_of` (the primary `model`, trained on inspections published before it).

    Columns RISK_CSV_COLUMNS then EXTRA_COLUMNS, highest p_inadequate first. last_judgement is the last
    whole-service grade published before `as_of` (a reorganised council's predecessor's, "(as <name>)",
    until it has its own), last_judgement_date its publication date. drivers: up to three things that
    push p_inadequate up, largest first, in words that say why, joined by "; " ("" when nothing does;
    `risk_drivers`); questions: the question each prompts, joined the same way. next_inspection_due and
    the timing columns: `inspection_timing`. attrs: as_of, model, n_train, events."""
    with single_threaded():
        return _score(national, pd.Timestamp(as_of), model, source)


def _score(national, as_of: pd.Timestamp, model: str | None, source: FeatureSource | None) -> pd.DataFrame:
    source = FeatureSource.from_national(national) if source is None else source
    train = _train(source, as_of)
    name = model or primary_model(source)
    if name not in MODEL_BY_NAME:
        raise ValueError(f"no model called {name!r}")
    fitted = fit_both(MODEL_BY_NAME[name], train, as_of)
    current = _current(source)
    features = build_features(source, pd.DataFrame({"la_code": current["la_code"], "as_of": as_of}))
    p = predict_both(fitted, features)
    names = source.council_names()
    found = explain(fitted[INADEQUATE], features, source, names, outcome=INADEQUATE_OUTCOME)
    last, dates = _last_judgements(features, names)
    out = pd.DataFrame({
        "la_code": features["la_code"].to_numpy(),
        "la_name": current["la_name"].to_numpy(),
        "p_inadequate": p[INADEQUATE],
        "p_below_good": p[BELOW_GOOD],
        "last_judgement": last,
        "last_judgement_date": dates,
        "drivers": [SEPARATOR.join(d.text for d in ds) for ds in found],
        "questions": [SEPARATOR.join(d.question for d in ds) for ds in found],
    })
    out = _with_timing(out, source, as_of)
    out = out.sort_values(["p_inadequate", "la_code"], ascending=[False, True], ignore_index=True)
    out = out[[*RISK_CSV_COLUMNS, *EXTRA_COLUMNS]]
    out.attrs.update(as_of=f"{as_of:%Y-%m-%d}", model=name, label=MODEL_BY_NAME[name].label, n_train=len(train),
                     events={n: int(train[c].sum()) for n, c in TARGETS.items()})
    return out


def watchlist(national: NationalData | None, as_of, *, model: str | None = None,
              source: FeatureSource | None = None) -> pd.DataFrame:
    """The "slipping from good" watchlist at `as_of`: every current council whose last judgement published
    before it was good or outstanding, with its probability of a below-good judgement next (the slipping
    `model` the backtest chose, trained on that population's inspections published before `as_of`), what
    pushes it up and the questions it prompts, and the inspection timing. Columns WATCHLIST_CSV_COLUMNS
    then EXTRA_COLUMNS, highest p_below_good first."""
    with single_threaded():
        return _watchlist(national, pd.Timestamp(as_of), model, source)


def _watchlist(national, as_of: pd.Timestamp, model: str | None, source: FeatureSource | None) -> pd.DataFrame:
    source = FeatureSource.from_national(national) if source is None else source
    train = _train(source, as_of, population=True)
    specs = {s.name: s for s in SLIPPING_MODELS}
    name = model or primary_model(source, SLIPPING_CANDIDATES, SLIPPING_MODELS, population=True)
    if name not in specs:
        raise ValueError(f"no slipping model called {name!r}")
    fitted = fit_targets(specs[name], train, as_of, SLIPPING_TARGETS)
    current = _current(source)
    features = build_features(source, pd.DataFrame({"la_code": current["la_code"], "as_of": as_of}))
    keep = slipping_population(features).index
    features = features.loc[keep].reset_index(drop=True)
    names = source.council_names()
    p = predict_targets(fitted, features)[BELOW_GOOD]
    found = explain(fitted[BELOW_GOOD], features, source, names, outcome=BELOW_GOOD_OUTCOME)
    last, dates = _last_judgements(features, names)
    out = pd.DataFrame({
        "la_code": features["la_code"].to_numpy(),
        "la_name": [names.get(c, c) for c in features["la_code"]],
        "last_judgement": last,
        "last_judgement_date": dates,
        "p_below_good": p,
        "drivers": [SEPARATOR.join(d.text for d in ds) for ds in found],
        "questions": [SEPARATOR.join(d.question for d in ds) for ds in found],
    })
    out = _with_timing(out, source, as_of)
    out = out.sort_values(["p_below_good", "la_code"], ascending=[False, True], ignore_index=True)
    out = out[[*WATCHLIST_CSV_COLUMNS, *EXTRA_COLUMNS]]
    out.attrs.update(as_of=f"{as_of:%Y-%m-%d}", model=name, label=specs[name].label, n_train=len(train),
                     events={BELOW_GOOD: int(train[Y_BELOW_GOOD].sum())})
    return out


__all__ = [
    "BELOW_GOOD", "CANDIDATES", "COMPARISONS", "C_GRID", "EXTRA_COLUMNS", "GBM_PARAMS", "INADEQUATE", "MODELS",
    "RISK_CSV_COLUMNS", "SCORE_COLUMNS", "SLIPPING_MODELS", "TARGETS", "WATCHLIST_CSV_COLUMNS", "FittedModel",
    "ModelSpec", "auc_rows", "average_precision", "backtest", "brier_rows", "calibration_table", "check_history", "choose_c",
    "fit_both", "fit_model", "format_backtest", "origin_date", "predict_both", "primary_model", "rolling_origin",
    "score", "watchlist",
]
