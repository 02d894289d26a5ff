"""Inspection risk: each council's probability of being judged inadequate, and below good, at its next
Ofsted inspection, from data published before a date, with an honest rolling-origin backtest.

API
    score(national, as_of) -> DataFrame: one row per current council (153): la_code, la_name,
        p_inadequate, p_below_good, last_judgement, last_judgement_date, drivers (the three features
        that raise its p_inadequate most, in words, joined by "; "). Trained on every graded
        inspection published before `as_of`, features as at `as_of`.
    backtest(national, origins=range(2016, 2026), n_boot=1000, seed=0) -> dict (JSON-serialisable):
        rolling origin; AUC, PR-AUC (average precision), Brier score with bootstrap 95% intervals,
        calibration tables, for both targets, for the models and the baselines; `format_backtest`
        prints it.
    rolling_origin(examples, tests, models, ...): the evaluation machinery on any examples table
        (used by `backtest`, and by the tests on synthetic data).

Data and leakage: see `risk_features` (PUBLICATION_LAGS, `available`, what each feature means, the
feature date of an inspection). Training examples are inspections published strictly before the date
or origin, each with features as at its own feature date (before the inspection began); so nothing
published on or after the date enters, neither a figure nor a judgement.

Models (`MODELS`)
    logistic: L2-regularised logistic regression on every feature (FEATURE_COLUMNS except the grade
        rank). Each training window fits its own preprocessing: values clipped to the window's 1st and
        99th percentiles (one extreme council, such as the Isles of Scilly's 100% agency rate, must not
        dominate), missing values imputed with the window's median plus a 0/1 missing flag, then
        standardised with the window's mean and SD. C is chosen from C_GRID by an inner,
        time-respecting cross-validation inside the training window: the training inspections in
        publication order are cut into 5 blocks; blocks 1-2, 1-3 and 1-4 train and the next block
        validates; the C with the lowest validation log loss wins (ties: the smaller C). The primary
        model (`PRIMARY`): its coefficients are readable and give each council's drivers.
    gbm: gradient boosted trees (scikit-learn HistGradientBoosting) with monotone constraints (a worse
        value of an indicator, a worse last judgement, more deprivation can only raise risk; see
        `risk_features.Feature.monotone`), shallow and slow-learning with fixed settings (GBM_PARAMS,
        not tuned: ~400 examples are too few to tune trees on), missing values handled natively. A
        second candidate compared in the backtest.
    baselines, trained the same rolling way with the same logistic pipeline: previous judgement only
        (one-hot last judgement; none yet = all zero), deprivation only (IMD average score), and the two
        together; and the training base rate as a no-skill reference.

Calibration
    The logistic models are fitted by penalised maximum likelihood, so their mean prediction matches
    the training base rate; no Platt or isotonic step is fitted on top (with 20-70 inadequate
    judgements per training window it would add more noise than it removes). The one correction made
    is for drift between frameworks: SIF (2013-18) judged far more councils inadequate or below good
    than ILACS (2018-) does, so every model's log-odds are shifted by one constant so that its mean
    prediction over the training inspections of the framework in force on the prediction date equals
    their observed rate, once there are MIN_RECALIBRATION of them ("recalibration in the large": it
    changes no council's rank on a given date, so no driver; pooled over origins it does move AUC a
    little). Calibration is then reported, not assumed: the tables in the backtest.

Coherence
    Each target has its own model; p_below_good is then max(p_below_good, p_inadequate), as inadequate
    is below good. The backtest scores the adjusted probabilities.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import rankdata
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from ..measures.registry import NUMBER, PERCENT, RATE
from .bundle import NationalData
from .indicators import DATASETS, INDICATORS
from .risk_features import (
    CHANGE,
    DEPRIVATION_GROUP,
    FEATURE_BY_COLUMN,
    FEATURE_COLUMNS,
    INDICATOR_WORDS,
    MAX_AGE,
    OFSTED_GROUP,
    PREVIOUS_COLUMNS,
    PUBLICATION_LAGS,
    SIF_FEATURE_BUFFER,
    Y_BELOW_GOOD,
    Y_INADEQUATE,
    YEAR,
    FeatureSource,
    build_features,
    inspection_examples,
    next_inspections,
)

INADEQUATE, BELOW_GOOD = "inadequate", "below_good"
TARGETS = {INADEQUATE: Y_INADEQUATE, BELOW_GOOD: Y_BELOW_GOOD}
TARGET_LABELS = {INADEQUATE: "Inadequate", BELOW_GOOD: "Below good (requires improvement or inadequate)"}

LOGISTIC, GBM, BASE_RATE = "logistic", "gbm", "base_rate"


@dataclass(frozen=True)
class ModelSpec:
    """A model compared in the backtest: `kind` LOGISTIC, GBM or BASE_RATE, on `features`."""

    name: str
    label: str
    kind: str
    features: tuple[str, ...] = ()


LOGISTIC_FEATURES = tuple(c for c in FEATURE_COLUMNS if c != "prev_grade_rank")
GBM_FEATURES = tuple(c for c in FEATURE_COLUMNS if c not in PREVIOUS_COLUMNS)
IMD = ("imd_average_score",)

PRIMARY = "logistic"
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(PRIMARY, "Logistic regression, all features", LOGISTIC, LOGISTIC_FEATURES),
    ModelSpec("gbm", "Gradient boosting, monotone", GBM, GBM_FEATURES),
    ModelSpec("previous", "Baseline: previous judgement only", LOGISTIC, PREVIOUS_COLUMNS),
    ModelSpec("imd", "Baseline: deprivation (IMD) only", LOGISTIC, IMD),
    ModelSpec("previous_imd", "Baseline: previous judgement + IMD", LOGISTIC, PREVIOUS_COLUMNS + IMD),
    ModelSpec("base_rate", "Reference: training base rate", BASE_RATE),
)
# Differences reported with paired bootstrap intervals: (model, compared with).
COMPARISONS = (
    (PRIMARY, "previous_imd"), (PRIMARY, "previous"), (PRIMARY, "imd"), ("gbm", "previous_imd"), ("gbm", PRIMARY),
)

C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
DEFAULT_C = 0.1  # when the training window is too small for the inner cross-validation
INNER_BLOCKS = 5
GBM_PARAMS = {"learning_rate": 0.05, "max_iter": 150, "max_depth": 2, "min_samples_leaf": 15,
              "l2_regularization": 1.0, "early_stopping": False, "random_state": 0}
CALIBRATION_BINS = 5
WINSORISE = (1, 99)  # percentiles of the training window that logistic features are clipped to
MIN_TRAINING = 30  # inspections needed to fit a model for `score`
MIN_RECALIBRATION = 30  # training inspections under the framework in force needed to recalibrate to it
ILACS_START = pd.Timestamp(2018, 1, 1)
ORIGIN_MONTH_DAY = (4, 1)
WINDOW = pd.DateOffset(years=1)
_EPS = 1e-6


# --------------------------------------------------------------------------- the design matrix


@dataclass(frozen=True)
class _Design:
    """Median imputation + missing flags + standardisation, fitted on one training window."""

    columns: tuple[str, ...]  # feature columns observed at least once in training
    low: np.ndarray  # values are clipped to the training window's 1st and 99th percentiles
    high: np.ndarray
    medians: np.ndarray
    flagged: tuple[str, ...]  # columns with a missing value in training: they get a 0/1 flag
    names: tuple[str, ...]  # design columns (after dropping constants)
    sources: tuple[str, ...]  # the feature column each design column comes from
    mean: np.ndarray
    scale: np.ndarray
    keep: np.ndarray

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        values = np.clip(frame[list(self.columns)].to_numpy(dtype=float), self.low, self.high)
        missing = np.isnan(values)
        imputed = np.where(missing, self.medians, values)
        flags = np.column_stack([np.isnan(frame[c].to_numpy(dtype=float)) for c in self.flagged]) \
            if self.flagged else np.empty((len(frame), 0))
        return np.hstack([imputed, flags.astype(float)])[:, self.keep]

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        return (self.raw(frame) - self.mean) / self.scale


def _fit_design(frame: pd.DataFrame, features: tuple[str, ...]) -> _Design:
    values = frame[list(features)].to_numpy(dtype=float)
    seen = ~np.isnan(values)
    columns = tuple(c for c, s in zip(features, seen.any(axis=0), strict=True) if s)
    values = values[:, seen.any(axis=0)]
    low = np.array([np.percentile(col[~np.isnan(col)], WINSORISE[0]) for col in values.T])
    high = np.array([np.percentile(col[~np.isnan(col)], WINSORISE[1]) for col in values.T])
    values = np.clip(values, low, high)
    medians = np.array([np.median(col[~np.isnan(col)]) for col in values.T])
    flagged = tuple(c for c, s in zip(columns, np.isnan(values).any(axis=0), strict=True) if s)
    names = (*columns, *(f"{c} missing" for c in flagged))
    sources = (*columns, *flagged)
    imputed = np.where(np.isnan(values), medians, values)
    flags = np.column_stack([np.isnan(frame[c].to_numpy(dtype=float)) for c in flagged]) \
        if flagged else np.empty((len(frame), 0))
    full = np.hstack([imputed, flags.astype(float)])
    sd = full.std(axis=0) if len(full) else np.zeros(full.shape[1])
    keep = sd > 1e-12
    return _Design(columns, low, high, medians, flagged, tuple(n for n, k in zip(names, keep, strict=True) if k),
                   tuple(s for s, k in zip(sources, keep, strict=True) if k), full[:, keep].mean(axis=0),
                   sd[keep], keep)


# --------------------------------------------------------------------------- fitting


@dataclass
class FittedModel:
    """One model fitted on one training window for one target."""

    spec: ModelSpec
    base_rate: float
    design: _Design | None = None
    estimator: Any = None
    c: float | None = None
    used: tuple[str, ...] = ()  # GBM: the features observed in training
    offset: float = 0.0  # log-odds added by the recalibration to the framework in force (`_recalibrate`)
    recalibrated_on: int = 0  # training inspections the offset was fitted on (0: none)

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        if self.estimator is None:
            return np.full(len(frame), self.base_rate)
        if self.spec.kind == GBM:
            return self.estimator.predict_proba(frame[list(self.used)].to_numpy(dtype=float))[:, 1]
        return self.estimator.predict_proba(self.design.transform(frame))[:, 1]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return _shift(self.raw(frame), self.offset)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Logistic only: each design column's coefficient x standardised value (its push on the log-odds
        against an average training inspection), columns named as the design."""
        if self.spec.kind != LOGISTIC or self.estimator is None:
            raise ValueError("contributions need a fitted logistic model")
        z = self.design.transform(frame)
        return pd.DataFrame(z * self.estimator.coef_[0], columns=list(self.design.names), index=frame.index)

    def coefficients(self) -> dict[str, float]:
        if self.spec.kind != LOGISTIC or self.estimator is None:
            return {}
        out = {"(intercept)": float(self.estimator.intercept_[0])}
        out.update({n: float(c) for n, c in zip(self.design.names, self.estimator.coef_[0], strict=True)})
        return out


def _shift(p: np.ndarray, offset: float) -> np.ndarray:
    if offset == 0.0:
        return p
    return expit(logit(np.clip(p, _EPS, 1 - _EPS)) + offset)


def framework_in_force(date) -> str:
    """The whole-service framework councils were inspected under on `date` (ILACS from January 2018)."""
    return "ILACS" if pd.Timestamp(date) >= ILACS_START else "SIF"


def _recalibrate(fitted: FittedModel, train: pd.DataFrame, y: np.ndarray, as_of) -> FittedModel:
    """Recalibration in the large: shift the log-odds so that the mean prediction over the training
    inspections made under the framework in force at `as_of` equals their observed rate, once there are
    MIN_RECALIBRATION of them (SIF judged far more councils inadequate or below good than ILACS does;
    the features rank councils, this sets the level). Ranking, and so AUC and drivers, is unchanged."""
    if as_of is None or "framework" not in train.columns:
        return fitted
    family = train["framework"].astype(str).map(lambda f: "ILACS" if f == "ILACS" else "SIF").to_numpy()
    same = family == framework_in_force(as_of)
    if same.sum() < MIN_RECALIBRATION:
        return fitted
    rate = float(y[same].mean())
    if fitted.estimator is None:
        fitted.base_rate, fitted.recalibrated_on = rate, int(same.sum())
        return fitted
    if not 0 < rate < 1:
        return fitted
    logits = logit(np.clip(fitted.raw(train.iloc[np.flatnonzero(same)]), _EPS, 1 - _EPS))
    fitted.offset = float(brentq(lambda d: expit(logits + d).mean() - rate, -20, 20))
    fitted.recalibrated_on = int(same.sum())
    return fitted


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000)


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def choose_c(train: pd.DataFrame, features: tuple[str, ...], y: np.ndarray) -> float:
    """C from C_GRID by expanding-window validation inside `train` (sorted by publication date)."""
    blocks = np.array_split(np.arange(len(train)), INNER_BLOCKS)
    losses = dict.fromkeys(C_GRID, 0.0)
    counted = 0
    for k in range(2, INNER_BLOCKS):
        fit_rows, check_rows = np.concatenate(blocks[:k]), blocks[k]
        if len(check_rows) == 0 or len(np.unique(y[fit_rows])) < 2:
            continue
        design = _fit_design(train.iloc[fit_rows], features)
        if not design.names:
            continue
        z_fit, z_check = design.transform(train.iloc[fit_rows]), design.transform(train.iloc[check_rows])
        for c in C_GRID:
            p = _logistic(c).fit(z_fit, y[fit_rows]).predict_proba(z_check)[:, 1]
            losses[c] += _log_loss(y[check_rows], p)
        counted += len(check_rows)
    if not counted:
        return DEFAULT_C
    return min(C_GRID, key=lambda c: (losses[c], c))


def _monotone(features: tuple[str, ...]) -> list[int]:
    return [FEATURE_BY_COLUMN[f].monotone if f in FEATURE_BY_COLUMN else 0 for f in features]


def fit_model(spec: ModelSpec, train: pd.DataFrame, target: str, as_of=None) -> FittedModel:
    """Fit `spec` for `target` (a column of 0/1) on `train`; with `as_of` (the date predictions are made
    at) and a `framework` column, recalibrate to the framework in force then (`_recalibrate`)."""
    train = train.sort_values("publication_date", kind="stable")
    y = train[target].to_numpy(dtype=int)
    base_rate = float(y.mean()) if len(y) else 0.0
    fitted = FittedModel(spec, base_rate)
    if spec.kind == BASE_RATE or len(np.unique(y)) < 2:
        return _recalibrate(fitted, train, y, as_of)
    if spec.kind == GBM:
        # Features with no value at all in the training window carry nothing (and trip the binner).
        used = tuple(f for f in spec.features if train[f].notna().any())
        if not used:
            return _recalibrate(fitted, train, y, as_of)
        estimator = HistGradientBoostingClassifier(monotonic_cst=_monotone(used), **GBM_PARAMS)
        fitted.estimator = estimator.fit(train[list(used)].to_numpy(dtype=float), y)
        fitted.used = used
        return _recalibrate(fitted, train, y, as_of)
    design = _fit_design(train, spec.features)
    if not design.names:
        return _recalibrate(fitted, train, y, as_of)
    fitted.c = choose_c(train, spec.features, y)
    fitted.design = design
    fitted.estimator = _logistic(fitted.c).fit(design.transform(train), y)
    return _recalibrate(fitted, train, y, as_of)


def fit_both(spec: ModelSpec, train: pd.DataFrame, as_of=None) -> dict[str, FittedModel]:
    return {name: fit_model(spec, train, column, as_of) for name, column in TARGETS.items()}


def predict_both(models: dict[str, FittedModel], frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Both targets' probabilities, made coherent: p_below_good >= p_inadequate."""
    p_inadequate = models[INADEQUATE].predict(frame)
    p_below = np.maximum(models[BELOW_GOOD].predict(frame), p_inadequate)
    return {INADEQUATE: p_inadequate, BELOW_GOOD: p_below}


# --------------------------------------------------------------------------- metrics


def auc_rows(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of 2-D `p` against 0/1 `y` (ties count half); NaN for a row with one class."""
    p, y = np.atleast_2d(p), np.atleast_2d(y).astype(float)
    ranks = rankdata(p, axis=1)
    n1 = y.sum(axis=1)
    n0 = y.shape[1] - n1
    both = (n1 > 0) & (n0 > 0)
    u = (ranks * y).sum(axis=1) - n1 * (n1 + 1) / 2
    return np.where(both, u / np.where(both, n1 * n0, 1.0), np.nan)


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    """Average precision (area under the precision-recall curve, scikit-learn's step definition)."""
    y = np.asarray(y, dtype=float)
    positives = y.sum()
    if positives == 0:
        return float("nan")
    order = np.argsort(-np.asarray(p, dtype=float), kind="mergesort")
    p_sorted, y_sorted = np.asarray(p, dtype=float)[order], y[order]
    tp, fp = np.cumsum(y_sorted), np.cumsum(1 - y_sorted)
    last = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    tp, fp = tp[last], fp[last]
    precision, recall = tp / (tp + fp), tp / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier_rows(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((np.atleast_2d(p) - np.atleast_2d(y)) ** 2).mean(axis=1)


def _metric_rows(metric: str, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    if metric == "auc":
        return auc_rows(p, y)
    if metric == "brier":
        return brier_rows(p, y)
    return np.array([average_precision(a, b) for a, b in zip(np.atleast_2d(p), np.atleast_2d(y), strict=True)])


METRICS = {"auc": "AUC", "pr_auc": "PR-AUC", "brier": "Brier"}


def _interval(estimate: float, samples: np.ndarray) -> dict[str, float | None]:
    samples = samples[~np.isnan(samples)]
    if not len(samples) or math.isnan(estimate):
        return {"estimate": _num(estimate), "lower": None, "upper": None}
    lower, upper = np.percentile(samples, [2.5, 97.5])
    return {"estimate": _num(estimate), "lower": _num(lower), "upper": _num(upper)}


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Inspections in `bins` equal-sized groups by predicted probability (ties split by order): n,
    range and mean of predictions, events and the observed rate."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if not len(p):
        return []
    order = np.argsort(p, kind="mergesort")
    group = np.empty(len(p), dtype=int)
    group[order] = np.arange(len(p)) * bins // len(p)
    rows = []
    for g in range(bins):
        members = group == g
        if not members.any():
            continue
        rows.append({"bin": g + 1, "n": int(members.sum()), "p_min": _num(p[members].min()),
                     "p_max": _num(p[members].max()), "mean_predicted": _num(p[members].mean()),
                     "events": int(y[members].sum()), "observed_rate": _num(y[members].mean())})
    return rows


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


# --------------------------------------------------------------------------- rolling origin


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
        row["offset"] = {name: _num(fitted[models[0].name][name].offset) for name in TARGETS}
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
                row[f"auc_{name}"] = _num(auc_rows(frame[f"{models[0].name}__{name}"].to_numpy(),
                                                   frame[column].to_numpy())[0])
            predictions.append(frame)
        origins.append(row)
    pooled = pd.concat(predictions, ignore_index=True) if predictions else pd.DataFrame()
    return {"origins": origins, "targets": _evaluate(pooled, models, n_boot, seed, comparisons),
            "predictions": _records(pooled)}


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for record in frame.to_dict("records"):
        out.append({k: (_num(v) if isinstance(v, float) else int(v) if isinstance(v, np.integer) else v)
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
                  "base_rate": _num(y.mean()) if n else None, "models": {}, "differences": {}}
        boot: dict[str, dict[str, np.ndarray]] = {}
        for spec in models:
            p = pooled[f"{spec.name}__{name}"].to_numpy(dtype=float) if n else np.array([])
            entry: dict[str, Any] = {"label": spec.label, "mean_predicted": _num(p.mean()) if n else None}
            boot[spec.name] = {}
            for metric in METRICS:
                estimate = float(_metric_rows(metric, p, y)[0]) if n else float("nan")
                samples = _metric_rows(metric, p[resamples], y[resamples]) if len(resamples) else np.array([])
                boot[spec.name][metric] = samples
                entry[metric] = _interval(estimate, samples)
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
                target["differences"][key][metric] = _interval(estimate, samples)
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


# --------------------------------------------------------------------------- printing


def _fmt(entry: dict, digits: int) -> str:
    if entry["estimate"] is None:
        return "-"
    if entry["lower"] is None:
        return f"{entry['estimate']:.{digits}f}"
    return f"{entry['estimate']:.{digits}f} ({entry['lower']:.{digits}f} to {entry['upper']:.{digits}f})"


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def format_backtest(report: dict) -> str:
    """The backtest as plain text for a terminal: per target, every model's AUC, PR-AUC and Brier score
    with 95% intervals and mean prediction, differences against the baselines, the primary model's
    calibration table; then counts per origin."""
    settings = report.get("settings", {})
    origins = report["origins"]
    lines = ["Ofsted inspection risk: rolling-origin backtest",
             f"Origins {origins[0]['origin']} to {origins[-1]['origin']} (1 April each year). At each origin, models are "
             "trained on inspections published before it and score each council's next inspection published "
             "in the 12 months after it, using only figures published before the origin.",
             f"Pooled out-of-sample inspections: {report['targets'][INADEQUATE]['n']}. Intervals: "
             f"{settings.get('interval', 'bootstrap 95%')} ({settings.get('n_boot', '?')} resamples)."]
    for target in report["targets"].values():
        lines += ["", f"{target['label']}: {target['events']} of {target['n']} inspections "
                      f"({100 * (target['base_rate'] or 0):.1f}%)"]
        rows = [[m["label"], _fmt(m["auc"], 2), _fmt(m["pr_auc"], 2), _fmt(m["brier"], 3),
                 "-" if m["mean_predicted"] is None else f"{m['mean_predicted']:.3f}"]
                for m in target["models"].values()]
        lines += _table(["model", "AUC (95% CI)", "PR-AUC (95% CI)", "Brier (95% CI)", "mean p"], rows)
        if target["differences"]:
            labels = {k: m["label"] for k, m in target["models"].items()}
            rows = []
            for key, diff in target["differences"].items():
                first, second = key.split(" - ")
                rows.append([f"{_short(labels[first])} minus {_short(labels[second])}", _fmt(diff["auc"], 2),
                             _fmt(diff["pr_auc"], 2), _fmt(diff["brier"], 3)])
            lines += ["", *_table(["difference (paired bootstrap)", "AUC", "PR-AUC", "Brier"], rows)]
        primary = target["models"].get(PRIMARY)
        if primary and primary["calibration"]:
            rows = [[str(b["bin"]), str(b["n"]), f"{b['p_min']:.2f}-{b['p_max']:.2f}", f"{b['mean_predicted']:.3f}",
                     str(b["events"]), f"{b['observed_rate']:.3f}"] for b in primary["calibration"]]
            lines += ["", f"Calibration, {primary['label'].lower()} (fifths of predicted probability):",
                      *_table(["fifth", "n", "predicted", "mean predicted", "events", "observed"], rows)]
    rows = [[o["origin"], str(o["n_train"]), str(o[f"train_{INADEQUATE}"]), str(o[f"train_{BELOW_GOOD}"]),
             str(o["n_test"]), str(o[f"test_{INADEQUATE}"]), str(o[f"test_{BELOW_GOOD}"]),
             _opt(o.get(f"auc_{INADEQUATE}")), _opt(o.get(f"auc_{BELOW_GOOD}"))] for o in origins]
    lines += ["", "Per origin (train: inspections published before the origin; test: the 12 months after; "
              "AUC of the logistic model, small samples):",
              *_table(["origin", "train", "inadequate", "below good", "test", "inadequate", "below good",
                       "AUC inad.", "AUC below"], rows)]
    if "runtime_seconds" in report:
        lines += ["", f"Runtime {report['runtime_seconds']:.1f} s."]
    return "\n".join(lines) + "\n"


def _short(label: str) -> str:
    return label.split(": ", 1)[-1].split(",")[0]


def _opt(value) -> str:
    return "-" if value is None else f"{value:.2f}"


# --------------------------------------------------------------------------- scoring


SCORE_COLUMNS = ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement", "last_judgement_date",
                 "drivers"]


def score(national: NationalData, as_of, *, source: FeatureSource | None = None) -> pd.DataFrame:
    """Every current council's probability of being judged inadequate / below good at its next inspection,
    from what was public before `as_of` (PRIMARY model, trained on inspections published before it).

    Columns SCORE_COLUMNS, highest p_inadequate first. last_judgement is the last whole-service grade
    published before `as_of` (a reorganised council's predecessor's, "(as <name>)", until it has its own),
    last_judgement_date its publication date. drivers: the three things that push p_inadequate up most
    against an average training inspection (logistic coefficient x standardised value, summed over an
    indicator's level, change and missing flags; the Ofsted history; deprivation), in words, joined by
    "; " (see `_drivers`: a missing figure is named only when fewer than three published ones push up).
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
    drivers = _drivers(models[INADEQUATE], features, source, names)
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


# --------------------------------------------------------------------------- drivers in words

_PLURAL = {"cin_rereferral_rate", "cpp_second_or_subsequent", "cla_3plus_placements", "care_leavers_eet"}
_GRADE_WORDS = {"outstanding": "outstanding", "good": "good", "requires improvement": "requires improvement",
                "inadequate": "inadequate", "adequate": "adequate"}


def _group(design_source: str) -> str:
    feature = FEATURE_BY_COLUMN[design_source]
    return feature.group


def _described(group: str, row: pd.Series) -> bool:
    """Whether the council has a figure for the group (an indicator's latest value; Ofsted and
    deprivation always describe something)."""
    return group in (OFSTED_GROUP, DEPRIVATION_GROUP) or not pd.isna(row[group])


def _drivers(model: FittedModel, features: pd.DataFrame, source: FeatureSource, names: dict[str, str],
             n: int = 3) -> list[str]:
    """The `n` driver groups raising each council's risk most, in words. Groups whose push comes from a
    missing figure (the missing flags mostly mark years before a dataset existed) are named only when
    fewer than `n` groups with a figure push risk up; then any remaining group, largest push first."""
    contributions = model.contributions(features)
    groups = [_group(s) for s in model.design.sources]
    by_group = contributions.T.groupby(groups, sort=False).sum().T
    means = dict(zip(model.design.names, model.design.mean, strict=True))
    current = set(source.code_map.councils.loc[source.code_map.councils["status"] == "current", "la_code"])
    out = []
    for index in features.index:
        row = features.loc[index]
        totals = by_group.loc[index].sort_values(ascending=False, kind="stable")
        up = totals[totals > 0]
        described = [g for g in up.index if _described(g, row)]
        chosen = (described + [g for g in up.index if g not in described]
                  + [g for g in totals.index if g not in up.index])[:n]
        phrases = []
        for group in chosen:
            parts = {name: contributions.at[index, name]
                     for name, s in zip(model.design.names, model.design.sources, strict=True) if _group(s) == group}
            phrases.append(_phrase(group, row, parts, means, source, names, current))
        out.append("; ".join(phrases))
    return out


def _period(indicator_id: str, year: int) -> str:
    reference = DATASETS[INDICATORS[indicator_id].source].reference_date
    if reference == (3, 31):
        return f"{year - 1}-{year % 100:02d}"
    if reference == (9, 30):
        return f"September {year}"
    return str(year)


def _value_text(indicator_id: str, value: float, short: bool = False) -> str:
    """A value with its unit ("28.0%", "95 per 10,000 children"); `short` drops the words after it."""
    unit = INDICATORS[indicator_id].unit
    if indicator_id == "ro3_csc_spend_per_child":
        return f"£{value:,.0f}" + ("" if short else " per child")
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == RATE:
        return f"{value:.0f}" + ("" if short else " per 10,000 children")
    if indicator_id == "csww_average_caseload":
        return f"{value:.1f}" + ("" if short else " cases per social worker")
    return f"{value:.1f}" if unit == NUMBER else f"{value:g}"


def _delta_text(indicator_id: str, delta: float) -> str:
    unit = INDICATORS[indicator_id].unit
    size = abs(delta)
    if indicator_id == "ro3_csc_spend_per_child":
        return f"£{size:,.0f}"
    if unit == PERCENT:
        return f"{size:.1f} points"
    if unit == RATE:
        return f"{size:.0f} per 10,000"
    if indicator_id == "csww_average_caseload":
        return f"{size:.1f} cases"
    return f"{size:.1f}"


def _england(source: FeatureSource, indicator_id: str, year: int) -> tuple[str, float] | None:
    rows = source.england[(source.england["indicator_id"] == indicator_id) & (source.england["year"] == year)]
    if len(rows):
        return "England", float(rows["value"].iloc[0])
    councils = source.values[(source.values["indicator_id"] == indicator_id) & (source.values["year"] == year)]
    if len(councils):
        return "council median", float(councils["value"].median())
    return None


def _month(value) -> str:
    return f"{pd.Timestamp(value):%B %Y}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _phrase(group: str, row: pd.Series, parts: dict[str, float], means: dict[str, float],
            source: FeatureSource, names: dict[str, str], current: set[str]) -> str:
    if group == OFSTED_GROUP:
        return _ofsted_phrase(row, parts, names)
    if group == DEPRIVATION_GROUP:
        return _deprivation_phrase(row, means, source, current)
    words = INDICATOR_WORDS[group]
    verb = "are" if group in _PLURAL else "is"
    value, change = row[group], row[group + CHANGE]
    if pd.isna(value):
        return f"no recent published figure for {words}"
    year = int(row[group + YEAR])
    level_push = sum(v for k, v in parts.items() if not k.startswith(group + CHANGE))
    change_push = sum(v for k, v in parts.items() if k.startswith(group + CHANGE))
    if change_push > level_push and not pd.isna(change) and change != 0:
        moved = "rose" if change > 0 else "fell"
        return (f"{words} {moved} by {_delta_text(group, change)} to {_value_text(group, value)} "
                f"({_period(group, year)})")
    high = value > means.get(group, value)
    compare = _england(source, group, year)
    against = "" if compare is None else f", {compare[0]} {_value_text(group, compare[1], short=True)}"
    return f"{words} {verb} {'high' if high else 'low'} ({_value_text(group, value)} in {_period(group, year)}{against})"


def _ofsted_phrase(row: pd.Series, parts: dict[str, float], names: dict[str, str]) -> str:
    grade = row["last_grade"]
    if pd.isna(grade):
        return "no graded Ofsted inspection yet"
    when = _month(row["last_publication_date"])
    whose = "" if row["last_la_code"] == row["la_code"] else f" (as {names.get(row['last_la_code'], row['last_la_code'])})"
    years_push = sum(v for k, v in parts.items() if k.startswith("years_since_last"))
    grade_push = sum(v for k, v in parts.items() if not k.startswith("years_since_last"))
    earlier = ""
    if grade != "inadequate" and not pd.isna(row["last_inadequate_date"]):
        earlier = f", inadequate in {_month(row['last_inadequate_date'])}"
    if years_push > grade_push:
        return (f"{row['years_since_last']:.1f} years since its last graded inspection "
                f"({_GRADE_WORDS.get(grade, grade)}, {when}{whose}{earlier})")
    return f"judged {_GRADE_WORDS.get(grade, grade)} at its last inspection ({when}{whose}{earlier})"


def _deprivation_phrase(row: pd.Series, means: dict[str, float], source: FeatureSource, current: set[str]) -> str:
    for column, vintage_column, label in (("imd_average_score", "imd_vintage", "IMD"),
                                          ("idaci_average_score", "idaci_vintage", "IDACI")):
        value = row[column]
        if pd.isna(value):
            continue
        vintage = int(row[vintage_column])
        peers = source.values[(source.values["indicator_id"] == column) & (source.values["year"] == vintage)
                              & source.values["la_code"].isin(current)]
        rank = int((peers["value"] > value).sum()) + 1
        high = value > means.get(column, value)
        score_text = f"{value:.1f}" if label == "IMD" else f"{value:.3f}"
        return (f"{'high' if high else 'low'} deprivation ({label} {vintage} average score {score_text}, "
                f"{_ordinal(rank)} most deprived of {len(peers)} councils)")
    return "no deprivation figure published for the area"


__all__ = [
    "BELOW_GOOD", "C_GRID", "COMPARISONS", "GBM_PARAMS", "INADEQUATE", "MODELS", "PRIMARY", "SCORE_COLUMNS",
    "TARGETS", "FittedModel", "ModelSpec", "auc_rows", "average_precision", "backtest", "brier_rows",
    "calibration_table", "choose_c", "fit_both", "fit_model", "format_backtest", "origin_date", "predict_both",
    "rolling_origin", "score",
]
