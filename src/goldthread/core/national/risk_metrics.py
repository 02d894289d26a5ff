"""Inspection risk, the metrics: every figure the backtest reports, vectorised over bootstrap resamples,
with percentile bootstrap intervals and calibration tables. Plain numerics: no model, no data.

Every metric function takes 2-D `p` and `y` (one row per resample, one column per pooled test inspection)
and, where the metric needs it, `groups`: the origin of each column. A resample (`stratified_resamples`)
draws inspections with replacement within each origin, so every column keeps its origin and each year's
test set keeps its size.

METRICS (key: what it is)
    auc                pooled ROC AUC: every (event, non-event) pair of the pooled inspections, whatever
                       their origins; it rewards a model for the level shifting between years (SIF judged
                       more councils inadequate than ILACS), not only for ranking councils.
    same_date_auc      AUC over pairs of inspections scored at the same origin only: how well the model ranks
                       councils against each other on one date, which is what a list of councils uses.
    pr_auc             average precision (area under the precision-recall curve), pooled.
    brier              mean squared error of the probabilities (lower is better).
    top_fifth_precision, top_fifth_lift, top10_precision, top10_lift
                       in each origin's test set, the fifth (rounded up) and the 10 inspections with the
                       highest predictions: the share of them that had the event, pooled over origins
                       (events found / inspections flagged), and the lift: events found divided by the
                       events a random choice of as many inspections in each year would find on average.
                       Ties at the cut are shared (each tied inspection counts in proportion), so a model
                       that gives everyone the same probability has a lift of exactly 1.
    calibration_in_the_large
                       observed event rate minus the mean prediction (0 is right on average; negative:
                       the model predicts too many events).
    calibration_slope  slope of the logistic regression of the events on the logit of the predictions
                       (1 is right; below 1: predictions too extreme).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata

CALIBRATION_BINS = 5
TOP_FIFTH, TOP_N = 0.2, 10
_EPS = 1e-6

METRICS = {
    "auc": "AUC, pooled over years",
    "same_date_auc": "AUC, same date",
    "pr_auc": "PR-AUC",
    "brier": "Brier score",
    "top_fifth_precision": "precision in each year's top fifth",
    "top_fifth_lift": "lift in each year's top fifth",
    "top10_precision": "precision in each year's top 10",
    "top10_lift": "lift in each year's top 10",
    "calibration_in_the_large": "observed minus predicted rate",
    "calibration_slope": "calibration slope",
}
# Metrics where a lower value is better (everything else: higher is better, or, for calibration, closer
# to 0 or 1).
LOWER_IS_BETTER = frozenset({"brier"})


def auc_rows(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of 2-D `p` against 0/1 `y` (ties count half); NaN for a row with one class."""
    p, y = np.atleast_2d(p), np.atleast_2d(y).astype(float)
    ranks = rankdata(p, axis=1)
    n1 = y.sum(axis=1)
    n0 = y.shape[1] - n1
    both = (n1 > 0) & (n0 > 0)
    u = (ranks * y).sum(axis=1) - n1 * (n1 + 1) / 2
    return np.where(both, u / np.where(both, n1 * n0, 1.0), np.nan)


def _group_slices(groups: np.ndarray) -> list[np.ndarray]:
    groups = np.asarray(groups)
    return [np.flatnonzero(groups == g) for g in dict.fromkeys(groups.tolist())]


def same_date_auc_rows(p: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """AUC over (event, non-event) pairs of columns in the same group only, for each row; NaN when no
    group has both."""
    p, y = np.atleast_2d(p), np.atleast_2d(y).astype(float)
    u_total = np.zeros(p.shape[0])
    pairs = np.zeros(p.shape[0])
    for columns in _group_slices(groups):
        ranks = rankdata(p[:, columns], axis=1)
        yg = y[:, columns]
        n1 = yg.sum(axis=1)
        n0 = len(columns) - n1
        u_total += (ranks * yg).sum(axis=1) - n1 * (n1 + 1) / 2
        pairs += n1 * n0
    return np.where(pairs > 0, u_total / np.where(pairs > 0, pairs, 1.0), np.nan)


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


def average_precision_rows(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`average_precision` of each row, vectorised (same step definition; ties handled as one threshold)."""
    p, y = np.atleast_2d(p).astype(float), np.atleast_2d(y).astype(float)
    order = np.argsort(-p, axis=1, kind="mergesort")
    p_sorted = np.take_along_axis(p, order, axis=1)
    y_sorted = np.take_along_axis(y, order, axis=1)
    tp = np.cumsum(y_sorted, axis=1)
    seen = np.arange(1, p.shape[1] + 1)
    positives = tp[:, -1] if p.shape[1] else np.zeros(p.shape[0])
    # Only the last position of each run of tied predictions is a threshold.
    last = np.ones_like(p_sorted, dtype=bool)
    if p.shape[1] > 1:
        last[:, :-1] = p_sorted[:, 1:] != p_sorted[:, :-1]
    precision = tp / seen
    recall = tp / np.where(positives > 0, positives, 1.0)[:, None]
    # Recall gained since the previous threshold, on thresholds only (recall never falls, so the previous
    # threshold's recall is the running maximum of the thresholds' recalls before this position).
    at_thresholds = np.where(last, recall, 0.0)
    before = np.zeros_like(at_thresholds)
    if p.shape[1] > 1:
        before[:, 1:] = np.maximum.accumulate(at_thresholds, axis=1)[:, :-1]
    total = np.where(last, (recall - before) * precision, 0.0).sum(axis=1)
    return np.where(positives > 0, total, np.nan)


def brier_rows(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((np.atleast_2d(p) - np.atleast_2d(y)) ** 2).mean(axis=1)


def top_k(n: int, share: float | None = None, count: int | None = None) -> int:
    """How many of a year's `n` test inspections its top fifth (`share`) or top `count` holds."""
    if share is not None:
        return min(n, math.ceil(share * n))
    return min(n, int(count))


def _flagged_events(p: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Expected events among the `k` highest predictions of each row, ties at the cut shared."""
    if k <= 0:
        return np.zeros(p.shape[0])
    ordered = -np.sort(-p, axis=1)
    cut = ordered[:, k - 1][:, None]
    above = p > cut
    tied = p == cut
    room = k - above.sum(axis=1)
    tied_events = (y * tied).sum(axis=1)
    return (y * above).sum(axis=1) + tied_events * room / tied.sum(axis=1)


def top_rows(p: np.ndarray, y: np.ndarray, groups: np.ndarray, *, share: float | None = None,
             count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(precision, lift) of each row in each group's top `share` (or top `count`), pooled over groups:
    precision = events flagged / inspections flagged; lift = events flagged / the events a random choice
    of as many inspections per group would flag. NaN where nothing is flagged or no group has an event."""
    p, y = np.atleast_2d(p).astype(float), np.atleast_2d(y).astype(float)
    found = np.zeros(p.shape[0])
    chance = np.zeros(p.shape[0])
    flagged = 0
    for columns in _group_slices(groups):
        k = top_k(len(columns), share, count)
        found += _flagged_events(p[:, columns], y[:, columns], k)
        chance += k * y[:, columns].mean(axis=1)
        flagged += k
    precision = found / flagged if flagged else np.full(p.shape[0], np.nan)
    lift = np.where(chance > 0, found / np.where(chance > 0, chance, 1.0), np.nan)
    return precision, lift


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def calibration_rows(p: np.ndarray, y: np.ndarray, iterations: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """(observed rate minus mean prediction, calibration slope) of each row. The slope is fitted by Newton's
    method on all rows at once (logistic regression of y on logit(p) with an intercept); NaN for a row with
    one class, or where the fit does not settle (separation)."""
    p, y = np.atleast_2d(p).astype(float), np.atleast_2d(y).astype(float)
    in_large = y.mean(axis=1) - p.mean(axis=1)
    x = _logit(p)
    a, b = np.zeros(p.shape[0]), np.ones(p.shape[0])
    for _ in range(iterations):
        mu = 1 / (1 + np.exp(-np.clip(a[:, None] + b[:, None] * x, -30, 30)))
        w = mu * (1 - mu)
        r = y - mu
        ga, gb = r.sum(axis=1), (r * x).sum(axis=1)
        haa, hab, hbb = w.sum(axis=1), (w * x).sum(axis=1), (w * x * x).sum(axis=1)
        det = haa * hbb - hab * hab
        ok = det > 1e-12
        det = np.where(ok, det, 1.0)
        step_a = np.where(ok, (hbb * ga - hab * gb) / det, 0.0)
        step_b = np.where(ok, (haa * gb - hab * ga) / det, 0.0)
        a, b = a + np.clip(step_a, -5, 5), b + np.clip(step_b, -5, 5)
    one_class = (y.min(axis=1) == y.max(axis=1))
    unsettled = ~np.isfinite(b) | (np.abs(b) > 20)
    return in_large, np.where(one_class | unsettled, np.nan, b)


def metric_table(p: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict[str, np.ndarray]:
    """Every metric of METRICS for each row of 2-D `p` against `y`."""
    p, y = np.atleast_2d(p).astype(float), np.atleast_2d(y).astype(float)
    fifth_precision, fifth_lift = top_rows(p, y, groups, share=TOP_FIFTH)
    ten_precision, ten_lift = top_rows(p, y, groups, count=TOP_N)
    in_large, slope = calibration_rows(p, y)
    return {
        "auc": auc_rows(p, y),
        "same_date_auc": same_date_auc_rows(p, y, groups),
        "pr_auc": average_precision_rows(p, y),
        "brier": brier_rows(p, y),
        "top_fifth_precision": fifth_precision, "top_fifth_lift": fifth_lift,
        "top10_precision": ten_precision, "top10_lift": ten_lift,
        "calibration_in_the_large": in_large, "calibration_slope": slope,
    }


def stratified_resamples(groups: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n) column indices: each resample draws, for each group, as many columns of that group as it
    has, with replacement, into that group's own positions."""
    groups = np.asarray(groups)
    out = np.empty((n_boot, len(groups)), dtype=int)
    for columns in _group_slices(groups):
        out[:, columns] = rng.choice(columns, size=(n_boot, len(columns)), replace=True)
    return out


def bootstrap_interval(estimate: float, samples: np.ndarray) -> dict[str, float | None]:
    """The estimate with the 2.5th and 97.5th percentiles of its bootstrap `samples` (NaN samples dropped)."""
    samples = samples[~np.isnan(samples)]
    if not len(samples) or math.isnan(estimate):
        return {"estimate": json_number(estimate), "lower": None, "upper": None}
    lower, upper = np.percentile(samples, [2.5, 97.5])
    return {"estimate": json_number(estimate), "lower": json_number(lower), "upper": json_number(upper)}


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
        rows.append({"bin": g + 1, "n": int(members.sum()), "p_min": json_number(p[members].min()),
                     "p_max": json_number(p[members].max()), "mean_predicted": json_number(p[members].mean()),
                     "events": int(y[members].sum()), "observed_rate": json_number(y[members].mean())})
    return rows


def json_number(value) -> float | None:
    """A float rounded to 6 places for a JSON report; None for NaN or None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


__all__ = [
    "CALIBRATION_BINS", "LOWER_IS_BETTER", "METRICS", "TOP_FIFTH", "TOP_N", "auc_rows", "average_precision",
    "average_precision_rows", "bootstrap_interval", "brier_rows", "calibration_rows", "calibration_table",
    "json_number", "metric_table", "same_date_auc_rows", "stratified_resamples", "top_k", "top_rows",
]
