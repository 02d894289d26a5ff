"""Inspection risk, the evaluation: the rolling-origin backtest of every model in `risk_models.MODELS`.

At each origin (1 April of each year) every model is trained on the inspections published strictly before
it and scores each council's next inspection published in the 12 months from it, with features as at the
origin; the out-of-sample predictions are pooled over origins and evaluated (`risk_metrics`: AUC, PR-AUC,
Brier score with bootstrap intervals, paired across models, and calibration tables) for both targets.
`rolling_origin` is the machinery on any examples table (used by `backtest`, and by the tests on synthetic
data); `backtest` runs it on the national data. `risk_report.format_backtest` prints the report.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .bundle import NationalData
from .risk_features import (
    MAX_AGE,
    PUBLICATION_LAGS,
    SIF_FEATURE_BUFFER,
    Y_BELOW_GOOD,
    Y_INADEQUATE,
    FeatureSource,
    inspection_examples,
    next_inspections,
)
from .risk_metrics import (
    CALIBRATION_BINS,
    METRICS,
    auc_rows,
    bootstrap_interval,
    calibration_table,
    json_number,
    metric_rows,
)
from .risk_models import (
    C_GRID,
    GBM_PARAMS,
    INADEQUATE,
    MODELS,
    PRIMARY,
    TARGET_LABELS,
    TARGETS,
    ModelSpec,
    fit_both,
    predict_both,
)

# Differences reported with paired bootstrap intervals: (model, compared with).
COMPARISONS = (
    (PRIMARY, "previous_imd"), (PRIMARY, "previous"), (PRIMARY, "imd"), ("gbm", "previous_imd"), ("gbm", PRIMARY),
)
ORIGIN_MONTH_DAY = (4, 1)
WINDOW = pd.DateOffset(years=1)


def rolling_origin(examples: pd.DataFrame, tests: dict[pd.Timestamp, pd.DataFrame],
                   models: tuple[ModelSpec, ...] = MODELS, *, n_boot: int = 1000, seed: int = 0,
                   comparisons=COMPARISONS) -> dict:
    """Train each model on the `examples` published strictly before each origin (a key of `tests`), score
    that origin's test inspections, pool the predictions and evaluate them.

    `examples` and each test frame need publication_date, Y_INADEQUATE, Y_BELOW_GOOD and the models'
    features (la_code is kept when present). Returns the report's "origins", "targets" and "predictions".
    """
    origins, predictions = [], []
    for origin in sorted(tests):
        origin = pd.Timestamp(origin)
        train = examples[examples["publication_date"] < origin]
        test = tests[origin]
        if len(test) and (test["publication_date"] < origin).any():
            raise ValueError(f"origin {origin:%Y-%m-%d}: a test inspection was published before the origin")
        fitted = {spec.name: fit_both(spec, train, origin) for spec in models}
        row = {"origin": f"{origin:%Y-%m-%d}", "n_train": len(train),
               "train_last_published": None if train.empty else f"{train['publication_date'].max():%Y-%m-%d}",
               "n_test": len(test)}
        for name, column in TARGETS.items():
            row[f"train_{name}"] = int(train[column].sum())
            row[f"test_{name}"] = int(test[column].sum())
        row["logistic_c"] = {name: fitted[models[0].name][name].c for name in TARGETS}
        row["recalibrated_on"] = fitted[models[0].name][INADEQUATE].recalibrated_on
        row["offset"] = {name: json_number(fitted[models[0].name][name].offset) for name in TARGETS}
        if len(test):
            frame = pd.DataFrame({"origin": row["origin"],
                                  "la_code": test["la_code"].to_numpy() if "la_code" in test else None,
                                  "publication_date": test["publication_date"].dt.strftime("%Y-%m-%d").to_numpy(),
                                  Y_INADEQUATE: test[Y_INADEQUATE].to_numpy(dtype=int),
                                  Y_BELOW_GOOD: test[Y_BELOW_GOOD].to_numpy(dtype=int)})
            for spec in models:
                for name, p in predict_both(fitted[spec.name], test).items():
                    frame[f"{spec.name}__{name}"] = p
            for name, column in TARGETS.items():
                row[f"auc_{name}"] = json_number(auc_rows(frame[f"{models[0].name}__{name}"].to_numpy(),
                                                   frame[column].to_numpy())[0])
            predictions.append(frame)
        origins.append(row)
    pooled = pd.concat(predictions, ignore_index=True) if predictions else pd.DataFrame()
    return {"origins": origins, "targets": _evaluate(pooled, models, n_boot, seed, comparisons),
            "predictions": _records(pooled)}


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for record in frame.to_dict("records"):
        out.append({k: (json_number(v) if isinstance(v, float) else int(v) if isinstance(v, np.integer) else v)
                    for k, v in record.items()})
    return out


def _evaluate(pooled: pd.DataFrame, models: tuple[ModelSpec, ...], n_boot: int, seed: int, comparisons) -> dict:
    rng = np.random.default_rng(seed)
    n = len(pooled)
    resamples = rng.integers(0, n, size=(n_boot, n)) if n and n_boot else np.empty((0, n), dtype=int)
    report = {}
    for name, column in TARGETS.items():
        y = pooled[column].to_numpy(dtype=float) if n else np.array([])
        target = {"label": TARGET_LABELS[name], "n": n, "events": int(y.sum()),
                  "base_rate": json_number(y.mean()) if n else None, "models": {}, "differences": {}}
        boot: dict[str, dict[str, np.ndarray]] = {}
        for spec in models:
            p = pooled[f"{spec.name}__{name}"].to_numpy(dtype=float) if n else np.array([])
            entry: dict[str, Any] = {"label": spec.label, "mean_predicted": json_number(p.mean()) if n else None}
            boot[spec.name] = {}
            for metric in METRICS:
                estimate = float(metric_rows(metric, p, y)[0]) if n else float("nan")
                samples = metric_rows(metric, p[resamples], y[resamples]) if len(resamples) else np.array([])
                boot[spec.name][metric] = samples
                entry[metric] = bootstrap_interval(estimate, samples)
            entry["calibration"] = calibration_table(p, y)
            target["models"][spec.name] = entry
        for first, second in comparisons:
            if first not in boot or second not in boot:
                continue
            key = f"{first} - {second}"
            target["differences"][key] = {}
            for metric in ("auc", "pr_auc", "brier"):
                estimate = _value(target["models"][first][metric]) - _value(target["models"][second][metric])
                samples = boot[first][metric] - boot[second][metric]
                target["differences"][key][metric] = bootstrap_interval(estimate, samples)
        report[name] = target
    return report


def _value(entry: dict) -> float:
    return float("nan") if entry["estimate"] is None else entry["estimate"]


def origin_date(year: int) -> pd.Timestamp:
    return pd.Timestamp(year, *ORIGIN_MONTH_DAY)


def backtest(national: NationalData, origins=range(2016, 2026), n_boot: int = 1000, seed: int = 0,
             models: tuple[ModelSpec, ...] = MODELS) -> dict:
    """The rolling-origin backtest on the national data.

    For each origin year Y (origin = 1 April Y): train on every graded whole-service inspection PUBLISHED
    before the origin (features as at each one's feature date); score each council's first graded
    inspection PUBLISHED in the year from the origin, with features as at the origin (what a forecast
    made that day could use). Out-of-sample predictions are pooled over origins; metrics and bootstrap
    intervals (resampling pooled inspections, paired across models) for both targets. JSON-serialisable.
    """
    with threadpool_limits(limits=1):  # tiny models: threads only add overhead (and run-to-run noise)
        return _backtest(national, origins, n_boot, seed, models)


def _backtest(national: NationalData, origins, n_boot: int, seed: int, models: tuple[ModelSpec, ...]) -> dict:
    started = time.perf_counter()
    source = FeatureSource.from_national(national)
    examples = inspection_examples(source)
    tests = {origin_date(y): next_inspections(source, origin_date(y), origin_date(y) + WINDOW) for y in origins}
    result = rolling_origin(examples, tests, models, n_boot=n_boot, seed=seed)
    report = {"settings": _settings(origins, n_boot, seed, models, examples), **result}
    report["runtime_seconds"] = round(time.perf_counter() - started, 2)
    return report


def _settings(origins, n_boot: int, seed: int, models: tuple[ModelSpec, ...], examples: pd.DataFrame) -> dict:
    return {
        "origins": [f"{origin_date(y):%Y-%m-%d}" for y in origins],
        "design": "rolling origin: for each origin (1 April), train on graded whole-service inspections "
                  "published before it, each with features as at its own feature date; test on each "
                  "council's first graded inspection published in the 12 months from the origin, with "
                  "features as at the origin; predictions pooled over origins",
        "feature_date": f"inspection start date, or (SIF, no start date) publication date minus "
                        f"{SIF_FEATURE_BUFFER.days} days; figures and judgements must be published strictly "
                        f"before it",
        "stale_after": f"an indicator value counts only if published within {MAX_AGE.years} years before the date",
        "publication_lags": {k: lag.rule for k, lag in PUBLICATION_LAGS.items()},
        "examples": {"inspections": len(examples),
                     "first_published": f"{examples['publication_date'].min():%Y-%m-%d}",
                     "last_published": f"{examples['publication_date'].max():%Y-%m-%d}"},
        "n_boot": n_boot, "seed": seed, "interval": "95% percentile bootstrap over pooled test inspections",
        "models": {s.name: {"label": s.label, "kind": s.kind, "features": list(s.features)} for s in models},
        "c_grid": list(C_GRID), "gbm_params": dict(GBM_PARAMS), "calibration_bins": CALIBRATION_BINS,
        "coherence": "p_below_good = max(p_below_good, p_inadequate)",
    }


__all__ = ["COMPARISONS", "ORIGIN_MONTH_DAY", "WINDOW", "backtest", "origin_date", "rolling_origin"]
