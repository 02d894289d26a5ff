"""Inspection risk, the metrics: AUC, PR-AUC (average precision) and Brier score, vectorised over bootstrap
resamples, percentile bootstrap intervals, and calibration tables. Plain numerics: no model, no data."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata

CALIBRATION_BINS = 5

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


def metric_rows(metric: str, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`metric` (a key of METRICS) of each row of 2-D `p` against `y`."""
    if metric == "auc":
        return auc_rows(p, y)
    if metric == "brier":
        return brier_rows(p, y)
    return np.array([average_precision(a, b) for a, b in zip(np.atleast_2d(p), np.atleast_2d(y), strict=True)])


METRICS = {"auc": "AUC", "pr_auc": "PR-AUC", "brier": "Brier"}


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
    "CALIBRATION_BINS", "METRICS", "auc_rows", "average_precision", "bootstrap_interval", "brier_rows",
    "calibration_table", "json_number", "metric_rows",
]
