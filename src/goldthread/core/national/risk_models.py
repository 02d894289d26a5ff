"""Inspection risk, the models: the targets, the models compared (`MODELS`), each training window's design
matrix, fitting, recalibration to the framework in force, and coherent predictions for both targets.

Models (`MODELS`)
    logistic: L2-regularised logistic regression on every feature (FEATURE_COLUMNS except the grade
        rank). Each training window fits its own preprocessing: values clipped to the window's 1st and
        99th percentiles (one extreme council, such as the Isles of Scilly's 100% agency rate, must not
        dominate), missing values imputed with the window's median plus a 0/1 missing flag, then
        standardised with the window's mean and SD. C is chosen from C_GRID by an inner,
        time-respecting cross-validation inside the training window: the training inspections in
        publication order are cut into 5 blocks; blocks 1-2, 1-3 and 1-4 train and the next block
        validates; the C with the lowest validation log loss wins (ties: the smaller C). The primary
        model (`PRIMARY`): its coefficients are readable and give each council's drivers
        (`risk_drivers`).
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
    little). Calibration is then reported, not assumed: the tables in the backtest (`risk_backtest`).

scikit-learn and SciPy are imported when a model is fitted or recalibrated, not with this module, so the
pages and the caveat (`risk_report`, `risk_drivers`) can use the names here without loading them.

Coherence
    Each target has its own model; p_below_good is then max(p_below_good, p_inadequate), as inadequate
    is below good (`predict_both`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .risk_features import FEATURE_BY_COLUMN, FEATURE_COLUMNS, PREVIOUS_COLUMNS, Y_BELOW_GOOD, Y_INADEQUATE

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

C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
DEFAULT_C = 0.1  # when the training window is too small for the inner cross-validation
INNER_BLOCKS = 5
GBM_PARAMS = {"learning_rate": 0.05, "max_iter": 150, "max_depth": 2, "min_samples_leaf": 15,
              "l2_regularization": 1.0, "early_stopping": False, "random_state": 0}
WINSORISE = (1, 99)  # percentiles of the training window that logistic features are clipped to
MIN_RECALIBRATION = 30  # training inspections under the framework in force needed to recalibrate to it
ILACS_START = pd.Timestamp(2018, 1, 1)
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
    from scipy.special import expit, logit

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
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    logits = logit(np.clip(fitted.raw(train.iloc[np.flatnonzero(same)]), _EPS, 1 - _EPS))
    fitted.offset = float(brentq(lambda d: expit(logits + d).mean() - rate, -20, 20))
    fitted.recalibrated_on = int(same.sum())
    return fitted


def _logistic(c: float):
    from sklearn.linear_model import LogisticRegression

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
        from sklearn.ensemble import HistGradientBoostingClassifier

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


__all__ = [
    "BASE_RATE", "BELOW_GOOD", "C_GRID", "GBM", "GBM_PARAMS", "INADEQUATE", "LOGISTIC", "MODELS", "PRIMARY",
    "TARGETS", "TARGET_LABELS", "FittedModel", "ModelSpec", "choose_c", "fit_both", "fit_model",
    "framework_in_force", "predict_both",
]
