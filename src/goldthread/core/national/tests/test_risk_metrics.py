"""The backtest's metrics, checked against scikit-learn or a direct count, including what each one is for:
same-date AUC ignores shifts of level between years, the top fifth and top 10 share ties fairly, the
calibration slope reads over- and under-confidence, and the bootstrap keeps each year's test set."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from goldthread.core.national.risk_metrics import (
    METRICS,
    auc_rows,
    average_precision_rows,
    calibration_rows,
    metric_table,
    same_date_auc_rows,
    stratified_resamples,
    top_k,
    top_rows,
)


def test_vectorised_average_precision_agrees_with_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=(8, 150))
    p = np.round(rng.random((8, 150)), 1)  # many ties
    assert np.allclose(average_precision_rows(p, y), [average_precision_score(a, b) for a, b in zip(y, p, strict=True)])
    assert np.isnan(average_precision_rows(np.array([0.2, 0.4]), np.array([0, 0]))[0])


def test_same_date_auc_counts_only_pairs_scored_on_the_same_date():
    rng = np.random.default_rng(2)
    groups = np.repeat([0, 1, 2], 40)
    y = rng.integers(0, 2, size=(4, 120))
    p = np.round(rng.random((4, 120)), 2)
    expected = []
    for row_p, row_y in zip(p, y, strict=True):
        u = pairs = 0.0
        for g in range(3):
            members = groups == g
            n1 = row_y[members].sum()
            u += (rankdata(row_p[members]) * row_y[members]).sum() - n1 * (n1 + 1) / 2
            pairs += n1 * (members.sum() - n1)
        expected.append(u / pairs)
    assert np.allclose(same_date_auc_rows(p, y, groups), expected)
    # A model that only knows each year's level: perfect pooled ranking when the levels differ, none on the day.
    level = np.repeat([0.1, 0.5], 50)
    outcome = np.r_[np.zeros(45), np.ones(5), np.ones(45), np.zeros(5)]
    assert auc_rows(level, outcome)[0] > 0.8
    assert same_date_auc_rows(level, outcome, np.repeat([0, 1], 50))[0] == 0.5


def test_top_fifth_and_top_ten_share_ties_and_lift_against_chance():
    groups = np.repeat([0, 1], 10)
    y = np.r_[[1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]]
    p = np.r_[np.linspace(1, 0.1, 10), np.linspace(1, 0.1, 10)]
    precision, lift = top_rows(p, y, groups, share=0.2)  # top 2 of each year: both events of year 1, none of year 2
    assert top_k(10, share=0.2) == 2 and top_k(7, share=0.2) == 2 and top_k(6, count=10) == 6
    assert precision[0] == pytest.approx(2 / 4)
    assert lift[0] == pytest.approx(2 / (2 * 0.2 + 2 * 0.1))
    # Everyone tied: the share flagged holds the year's rate exactly, a lift of 1.
    precision, lift = top_rows(np.full(20, 0.3), y, groups, share=0.2)
    assert precision[0] == pytest.approx(3 / 20) and lift[0] == pytest.approx(1.0)
    precision, lift = top_rows(np.full(20, 0.3), y, groups, count=10)
    assert lift[0] == pytest.approx(1.0)


def test_calibration_slope_agrees_with_an_unpenalised_logistic_fit():
    rng = np.random.default_rng(3)
    p = np.clip(rng.random(400), 0.02, 0.98)
    # true risk p**3 spreads wider than p (the predictions are too timid: slope above 1); p**0.4 narrower
    # (too extreme: slope below 1)
    for power, steeper in ((3.0, True), (0.4, False)):
        y = (rng.random(400) < p ** power).astype(int)
        in_large, slope = calibration_rows(p, y)
        x = np.log(p / (1 - p)).reshape(-1, 1)
        reference = LogisticRegression(C=1e10, max_iter=1000).fit(x, y).coef_[0][0]
        assert slope[0] == pytest.approx(reference, rel=1e-3)
        assert (slope[0] > 1) == steeper
        assert in_large[0] == pytest.approx(y.mean() - p.mean())
    assert np.isnan(calibration_rows(p, np.zeros(400))[1][0])


def test_every_metric_is_computed_for_every_resample_within_each_year():
    rng = np.random.default_rng(4)
    groups = np.repeat(["2019", "2020", "2021"], [30, 10, 20])
    resamples = stratified_resamples(groups, 50, rng)
    assert resamples.shape == (50, 60)
    assert (groups[resamples] == groups).all()  # every column keeps its year; each year keeps its size
    y = rng.integers(0, 2, 60)
    p = rng.random(60)
    table = metric_table(p[resamples], y[resamples], groups)
    assert set(table) == set(METRICS)
    assert all(len(values) == 50 for values in table.values())
    single = metric_table(p, y, groups)
    assert single["auc"][0] == pytest.approx(roc_auc_score(y, p))
