"""Inspection risk, the models: the targets, the models compared (`MODELS`), each training window's design
matrix, fitting, recalibration to the framework in force, coherent predictions for both targets, and each
prediction split into what each feature adds (`FittedModel.contributions`, for the drivers).

Which model is primary is not decided here: `risk_protocol` fixes the candidates and the rule that picks
one from the backtest's development origins.

Models (`MODELS`)
    gbm: gradient boosted trees (scikit-learn HistGradientBoosting) with monotone constraints (a worse
        value of an indicator, a worse last judgement, more deprivation can only raise risk; see
        `risk_features.Feature.monotone`), shallow and slow-learning with fixed settings (GBM_PARAMS,
        not tuned: ~400 examples are too few to tune trees on), missing values handled natively. A
        candidate for primary.
    logistic: L2-regularised logistic regression on every feature (FEATURE_COLUMNS except the grade
        rank). Each training window fits its own preprocessing: values clipped to the window's 1st and
        99th percentiles (one extreme council, such as the Isles of Scilly's 100% agency rate, must not
        dominate), a missing value replaced by the window's median, then standardised with the
        window's mean and SD. No missing-value flag: the workforce census was first published in March
        2018, so "workforce figures missing" marked every inspection under the old framework (SIF, which
        judged far more councils inadequate) and a flag learnt the framework, not the council; a median
        says nothing either way. C is chosen from C_GRID by an inner, time-respecting cross-validation
        inside the training window: the training inspections in publication order are cut into 5
        blocks; blocks 1-2, 1-3 and 1-4 train and the next block validates; the C with the lowest
        validation log loss wins (ties: the smaller C). A candidate for primary.
    baselines, trained the same rolling way with the same logistic pipeline: previous judgement only
        (one-hot last judgement; none yet = all zero), deprivation only (IMD average score), and the two
        together; and the training base rate as a no-skill reference.

Contributions (what the drivers are made of)
    logistic: each design column's coefficient x standardised value: its push on the log-odds against
        an average training inspection.
    gbm: exact Shapley values of each feature on the log-odds, tree by tree (the trees are two splits
        deep, so each uses at most three features and every subset can be enumerated), with the
        "path-dependent" expectation: a feature left out follows both branches in proportion to the
        training inspections that went each way. A missing value follows the branch the model learnt
        for missing values. They sum, with the training average, to the council's log-odds exactly.

Calibration
    The logistic models are fitted by penalised maximum likelihood, so their mean prediction matches
    the training base rate; no Platt or isotonic step is fitted on top (with 20-70 inadequate
    judgements per training window it would add more noise than it removes). The one correction made
    is for drift between frameworks: SIF (2013-18) judged far more councils inadequate or below good
    than ILACS (2018-) does, so every model's log-odds are shifted by one constant so that its mean
    prediction over the training inspections of the framework in force on the prediction date equals
    their observed rate, once there are MIN_RECALIBRATION of them ("recalibration in the large": it
    changes no council's rank on a given date, so no driver; pooled over origins it does move AUC a
    little). Calibration is then reported, not assumed: the backtest's metrics and tables.

scikit-learn and SciPy are imported when a model is fitted or recalibrated, not with this module, so the
pages and the caveat (`risk_report`, `risk_drivers`) can use the names here without loading them.

Coherence
    Each target has its own model; p_below_good is then max(p_below_good, p_inadequate), as inadequate
    is below good (`predict_both`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import factorial
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
    """A model compared in the backtest: `kind` LOGISTIC, GBM or BASE_RATE, on `features`; a logistic
    model adds a 0/1 flag for each feature with missing values only if `missing_flags`."""

    name: str
    label: str
    kind: str
    features: tuple[str, ...] = ()
    missing_flags: bool = False


LOGISTIC_FEATURES = tuple(c for c in FEATURE_COLUMNS if c != "prev_grade_rank")
GBM_FEATURES = tuple(c for c in FEATURE_COLUMNS if c not in PREVIOUS_COLUMNS)
IMD = ("imd_average_score",)

MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("gbm", "Gradient boosting, monotone, all features", GBM, GBM_FEATURES),
    ModelSpec("logistic", "Logistic regression, all features (no missing-value flags)", LOGISTIC,
              LOGISTIC_FEATURES),
    ModelSpec("previous", "Baseline: previous judgement only", LOGISTIC, PREVIOUS_COLUMNS),
    ModelSpec("imd", "Baseline: deprivation (IMD) only", LOGISTIC, IMD),
    ModelSpec("previous_imd", "Baseline: previous judgement + IMD", LOGISTIC, PREVIOUS_COLUMNS + IMD),
    ModelSpec("base_rate", "Reference: training base rate", BASE_RATE),
)
MODEL_BY_NAME = {m.name: m for m in MODELS}

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
    """Clipping, median imputation (+ missing flags if asked) and standardisation, fitted on one window."""

    columns: tuple[str, ...]  # feature columns observed at least once in training
    low: np.ndarray  # values are clipped to the training window's 1st and 99th percentiles
    high: np.ndarray
    medians: np.ndarray
    flagged: tuple[str, ...]  # columns that get a 0/1 missing flag (only with missing_flags)
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


def _fit_design(frame: pd.DataFrame, features: tuple[str, ...], missing_flags: bool = True) -> _Design:
    values = frame[list(features)].to_numpy(dtype=float)
    seen = ~np.isnan(values)
    columns = tuple(c for c, s in zip(features, seen.any(axis=0), strict=True) if s)
    values = values[:, seen.any(axis=0)]
    low = np.array([np.percentile(col[~np.isnan(col)], WINSORISE[0]) for col in values.T])
    high = np.array([np.percentile(col[~np.isnan(col)], WINSORISE[1]) for col in values.T])
    values = np.clip(values, low, high)
    medians = np.array([np.median(col[~np.isnan(col)]) for col in values.T])
    flagged = tuple(c for c, s in zip(columns, np.isnan(values).any(axis=0), strict=True) if s) \
        if missing_flags else ()
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


# --------------------------------------------------------------------------- Shapley values of shallow trees


def _tree_contributions(nodes: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Exact path-dependent Shapley values of one HistGradientBoosting tree (`nodes`, as scikit-learn stores
    them) for the rows of `x` (raw feature values, NaN for missing), and the tree's expected value over
    its training inspections. Internal nodes' values are recomputed from their leaves (weighted by how
    many training inspections reached each), as the stored ones are not on the leaves' scale."""
    n_nodes = len(nodes)
    expected = np.zeros(n_nodes)
    for i in range(n_nodes - 1, -1, -1):  # children come after their parent
        node = nodes[i]
        if node["is_leaf"]:
            expected[i] = node["value"]
        else:
            left, right = int(node["left"]), int(node["right"])
            cl, cr = float(nodes[left]["count"]), float(nodes[right]["count"])
            expected[i] = (cl * expected[left] + cr * expected[right]) / (cl + cr) if cl + cr else 0.0
    goes_left = {}
    for i in range(n_nodes):
        node = nodes[i]
        if node["is_leaf"]:
            continue
        column = x[:, int(node["feature_idx"])]
        missing = np.isnan(column)
        with np.errstate(invalid="ignore"):
            goes_left[i] = np.where(missing, bool(node["missing_go_to_left"]), column <= node["num_threshold"])
    used = sorted({int(nodes[i]["feature_idx"]) for i in goes_left})

    def value(i: int, known: frozenset[int]) -> np.ndarray:
        node = nodes[i]
        if node["is_leaf"]:
            return np.full(len(x), float(node["value"]))
        left, right = int(node["left"]), int(node["right"])
        if int(node["feature_idx"]) in known:
            return np.where(goes_left[i], value(left, known), value(right, known))
        cl, cr = float(nodes[left]["count"]), float(nodes[right]["count"])
        total = cl + cr
        if not total:
            return np.full(len(x), expected[i])
        return (cl * value(left, known) + cr * value(right, known)) / total

    subsets = {frozenset(s): value(0, frozenset(s)) for k in range(len(used) + 1) for s in combinations(used, k)}
    out = np.zeros_like(x, dtype=float)
    m = len(used)
    for feature in used:
        others = [f for f in used if f != feature]
        for k in range(len(others) + 1):
            weight = factorial(k) * factorial(m - k - 1) / factorial(m)
            for subset in combinations(others, k):
                s = frozenset(subset)
                out[:, feature] += weight * (subsets[s | {feature}] - subsets[s])
    return out, float(expected[0])


def gbm_contributions(estimator, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Each feature's Shapley value on the log-odds of a fitted binary HistGradientBoostingClassifier for
    the rows of `x`, and the expected log-odds they are measured from: for every row, expected + the
    row's contributions = the model's raw log-odds (`decision_function`)."""
    total = np.zeros_like(x, dtype=float)
    expected = float(np.ravel(estimator._baseline_prediction)[0])
    for predictors in estimator._predictors:
        values, base = _tree_contributions(predictors[0].nodes, x)
        total += values
        expected += base
    return total, expected


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
    reference: dict[str, float] = field(default_factory=dict)  # GBM: training mean of each used feature

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        if self.estimator is None:
            return np.full(len(frame), self.base_rate)
        if self.spec.kind == GBM:
            return self.estimator.predict_proba(frame[list(self.used)].to_numpy(dtype=float))[:, 1]
        return self.estimator.predict_proba(self.design.transform(frame))[:, 1]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return _shift(self.raw(frame), self.offset)

    @property
    def explainable(self) -> bool:
        return self.estimator is not None and self.spec.kind in (LOGISTIC, GBM)

    @property
    def parts(self) -> tuple[str, ...]:
        """The columns of `contributions`: design columns (logistic) or the features used (GBM)."""
        if not self.explainable:
            return ()
        return tuple(self.design.names) if self.spec.kind == LOGISTIC else self.used

    def part_source(self, part: str) -> str:
        """The feature column a part comes from ("x missing" comes from x)."""
        return part.removesuffix(" missing")

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each part's push on the log-odds against an average training inspection (module notes):
        logistic, coefficient x standardised value; GBM, its Shapley value. Columns: `parts`."""
        if not self.explainable:
            raise ValueError("contributions need a fitted logistic or gradient boosting model")
        if self.spec.kind == GBM:
            values, _ = gbm_contributions(self.estimator, frame[list(self.used)].to_numpy(dtype=float))
            return pd.DataFrame(values, columns=list(self.used), index=frame.index)
        z = self.design.transform(frame)
        return pd.DataFrame(z * self.estimator.coef_[0], columns=list(self.design.names), index=frame.index)

    def average(self, column: str) -> float | None:
        """The average of a feature over the training inspections (logistic: after clipping and imputing,
        the reference its contributions are measured from)."""
        if self.spec.kind == GBM:
            return self.reference.get(column)
        if self.design is None or column not in self.design.names:
            return None
        return float(self.design.mean[self.design.names.index(column)])

    def slope(self, column: str) -> int:
        """+1 when the model raises the risk with the feature everywhere, -1 when it lowers it, 0 when
        that depends on the value (GBM without a monotone constraint) or the feature is unused."""
        if self.spec.kind == GBM:
            if column not in self.used:
                return 0
            return FEATURE_BY_COLUMN[column].monotone if column in FEATURE_BY_COLUMN else 0
        if self.design is None or column not in self.design.names:
            return 0
        coefficient = float(self.estimator.coef_[0][self.design.names.index(column)])
        return 0 if coefficient == 0 else (1 if coefficient > 0 else -1)

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


def single_threaded():
    """A context in which scikit-learn's models run on one thread. The models are tiny, so threads only add
    overhead (and run-to-run noise); the libraries are loaded first, as a limit set before OpenMP is loaded
    does not reach it."""
    import sklearn.ensemble  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _logistic(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000)


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def choose_c(train: pd.DataFrame, features: tuple[str, ...], y: np.ndarray, missing_flags: bool = False) -> float:
    """C from C_GRID by expanding-window validation inside `train` (sorted by publication date)."""
    blocks = np.array_split(np.arange(len(train)), INNER_BLOCKS)
    losses = dict.fromkeys(C_GRID, 0.0)
    counted = 0
    for k in range(2, INNER_BLOCKS):
        fit_rows, check_rows = np.concatenate(blocks[:k]), blocks[k]
        if len(check_rows) == 0 or len(np.unique(y[fit_rows])) < 2:
            continue
        design = _fit_design(train.iloc[fit_rows], features, missing_flags)
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

        x = train[list(used)].to_numpy(dtype=float)
        estimator = HistGradientBoostingClassifier(monotonic_cst=_monotone(used), **GBM_PARAMS)
        fitted.estimator = estimator.fit(x, y)
        fitted.used = used
        fitted.reference = {f: float(np.nanmean(x[:, j])) for j, f in enumerate(used)}
        return _recalibrate(fitted, train, y, as_of)
    design = _fit_design(train, spec.features, spec.missing_flags)
    if not design.names:
        return _recalibrate(fitted, train, y, as_of)
    fitted.c = choose_c(train, spec.features, y, spec.missing_flags)
    fitted.design = design
    fitted.estimator = _logistic(fitted.c).fit(design.transform(train), y)
    return _recalibrate(fitted, train, y, as_of)


def fit_targets(spec: ModelSpec, train: pd.DataFrame, as_of=None, targets: dict[str, str] = TARGETS
                ) -> dict[str, FittedModel]:
    return {name: fit_model(spec, train, column, as_of) for name, column in targets.items()}


def fit_both(spec: ModelSpec, train: pd.DataFrame, as_of=None) -> dict[str, FittedModel]:
    return fit_targets(spec, train, as_of, TARGETS)


def predict_targets(models: dict[str, FittedModel], frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each fitted target's probabilities; with both targets, made coherent: p_below_good >= p_inadequate."""
    out = {name: model.predict(frame) for name, model in models.items()}
    if INADEQUATE in out and BELOW_GOOD in out:
        out[BELOW_GOOD] = np.maximum(out[BELOW_GOOD], out[INADEQUATE])
    return out


def predict_both(models: dict[str, FittedModel], frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Both targets' probabilities, made coherent: p_below_good >= p_inadequate."""
    return predict_targets(models, frame)


__all__ = [
    "BASE_RATE", "BELOW_GOOD", "C_GRID", "GBM", "GBM_PARAMS", "INADEQUATE", "LOGISTIC", "MODELS", "MODEL_BY_NAME",
    "TARGETS", "TARGET_LABELS", "FittedModel", "ModelSpec", "choose_c", "fit_both", "fit_model", "fit_targets",
    "framework_in_force", "gbm_contributions", "predict_both", "predict_targets", "single_threaded",
]
