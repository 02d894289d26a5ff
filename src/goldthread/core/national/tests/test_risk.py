"""Inspection risk: publication lags and leakage, the scored table, the backtest report, and the evaluation
machinery on synthetic data where the answer is known. (The protocol, the held-back origins and the choice
of model: test_risk_protocol; the metrics: test_risk_metrics.)"""

import dataclasses
import datetime as dt
import json
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from goldthread.core.national.indicators import DATASETS, INDICATORS
from goldthread.core.national.risk import (
    BELOW_GOOD,
    EXTRA_COLUMNS,
    INADEQUATE,
    MODELS,
    RISK_CSV_COLUMNS,
    ModelSpec,
    auc_rows,
    average_precision,
    backtest,
    brier_rows,
    calibration_table,
    fit_both,
    fit_model,
    format_backtest,
    predict_both,
    rolling_origin,
    score,
)
from goldthread.core.national.risk_features import (
    CHANGE,
    FEATURE_COLUMNS,
    FEATURE_INDICATORS,
    PUBLICATION_LAGS,
    YEAR,
    FeatureSource,
    available,
    build_features,
    indicator_publication_date,
    inspection_examples,
    next_inspections,
    publication_dates,
)
from goldthread.core.national.risk_metrics import METRICS
from goldthread.core.national.risk_models import _fit_design

NORTH_NORTHANTS = "E06000061"
BASELINES = ("previous", "imd", "previous_imd")


@pytest.fixture(scope="module")
def source(feature_source):
    return feature_source


@pytest.fixture(scope="module")
def scored(national, source):
    started = time.perf_counter()
    table = score(national, dt.date(2025, 3, 31), model="gbm", source=source)
    return table, time.perf_counter() - started


def _current(national) -> list[str]:
    councils = national.councils
    return sorted(councils.loc[councils["status"] == "current", "la_code"])


# --------------------------------------------------------------------------- publication lags


def test_every_dataset_has_a_publication_lag():
    assert set(DATASETS) <= set(PUBLICATION_LAGS)
    assert "ofsted" in PUBLICATION_LAGS and PUBLICATION_LAGS["ofsted"].when is None
    for lag in PUBLICATION_LAGS.values():
        assert lag.rule


@pytest.mark.parametrize(("indicator_id", "year", "public_on"), [
    ("cin_rereferral_rate", 2024, dt.date(2024, 12, 1)),  # CIN census year to March 2024
    ("cpp_second_or_subsequent", 2019, dt.date(2019, 12, 1)),
    ("cla_rate", 2024, dt.date(2024, 12, 31)),  # CLA: printed rate, no ONS needed
    ("care_leavers_eet", 2022, dt.date(2022, 12, 31)),
    ("csww_turnover_rate", 2024, dt.date(2025, 3, 15)),  # workforce at 30 September 2024
    ("cpp_at_31_march_rate", 2024, dt.date(2024, 12, 1)),  # needs mid-2023 population: July 2024
    ("cpp_at_31_march_rate", 2023, dt.date(2024, 3, 31)),  # needs mid-2022 population: late
    ("cpp_at_31_march_rate", 2022, dt.date(2022, 12, 31)),  # needs mid-2021 population: December 2022
    ("ro3_csc_spend_per_child", 2025, dt.date(2026, 1, 31)),
    ("imd_average_score", 2019, dt.date(2019, 9, 26)),
    ("imd_average_score", 2025, dt.date(2025, 10, 30)),
    ("idaci_average_score", 2019, dt.date(2019, 9, 26)),
])
def test_publication_dates(indicator_id, year, public_on):
    assert indicator_publication_date(indicator_id, year) == public_on


def test_unknown_vintages_and_indicators_are_refused():
    with pytest.raises(ValueError):
        indicator_publication_date("imd_average_score", 2010)
    with pytest.raises(KeyError):
        indicator_publication_date("not_an_indicator", 2020)
    with pytest.raises(ValueError):
        PUBLICATION_LAGS["ofsted"].date(2020)


def test_every_lag_falls_after_the_period_it_describes():
    """A figure cannot be public before the period it describes has ended."""
    for indicator_id, each in INDICATORS.items():
        reference = DATASETS[each.source].reference_date
        if reference is None:
            continue
        for year in range(2013, 2026):
            assert indicator_publication_date(indicator_id, year) > dt.date(year, *reference)


@pytest.mark.parametrize("as_of", ["2016-04-01", "2019-09-26", "2019-09-27", "2023-12-01", "2025-03-31"])
def test_available_keeps_exactly_what_was_published_before_the_date(indicator_table, as_of):
    dates = publication_dates(indicator_table)
    kept = available(indicator_table, as_of)
    cutoff = pd.Timestamp(as_of)
    assert (dates[kept.index] < cutoff).all()
    assert (dates.drop(kept.index) >= cutoff).all()
    assert len(kept) < len(indicator_table)


def test_a_figure_is_available_from_the_day_after_it_is_published(indicator_table):
    """CIN 2023 re-referrals were published (taken as) 1 December 2023: not usable that day, usable the next."""
    rows = indicator_table[(indicator_table["indicator_id"] == "cin_rereferral_rate")
                           & (indicator_table["year"] == 2023)]
    assert available(rows, "2023-12-01").empty
    assert len(available(rows, "2023-12-02")) == len(rows)


# --------------------------------------------------------------------------- no leakage in the features

LEAK_DATES = ["2014-06-30", "2016-04-01", "2017-12-01", "2019-09-26", "2019-09-27", "2021-04-01", "2023-12-01",
              "2025-03-31"]


def _poisoned(source: FeatureSource, as_of: pd.Timestamp) -> FeatureSource:
    """The source with every figure and judgement published on or after `as_of` made absurd."""
    values = source.values.copy()
    future = values["published"] >= as_of
    values.loc[future, "value"] = values.loc[future, "value"] * 7 + 1000
    graded = source.graded.copy()
    later = graded["publication_date"] >= as_of
    graded.loc[later, "grade"] = graded.loc[later, "grade"].map(
        {"inadequate": "outstanding"}).fillna("inadequate")
    graded.loc[later, "publication_date"] = graded.loc[later, "publication_date"] + pd.Timedelta(days=1)
    return dataclasses.replace(source, values=values, graded=graded)


@pytest.mark.parametrize("as_of", LEAK_DATES)
def test_features_do_not_change_when_the_future_does(national, source, as_of):
    """Property: for any date, features built from the real data equal features built after corrupting
    every figure and judgement published on or after that date."""
    as_of = pd.Timestamp(as_of)
    queries = pd.DataFrame({"la_code": _current(national), "as_of": as_of})
    real = build_features(source, queries)
    poisoned = build_features(_poisoned(source, as_of), queries)
    pd.testing.assert_frame_equal(real, poisoned)


@pytest.mark.parametrize("as_of", LEAK_DATES)
def test_every_feature_value_was_published_before_the_date(national, source, as_of):
    as_of = pd.Timestamp(as_of)
    features = build_features(source, pd.DataFrame({"la_code": _current(national), "as_of": as_of}))
    for indicator_id, _, _ in FEATURE_INDICATORS:
        years = features[indicator_id + YEAR].dropna().astype(int)
        for year in years.unique():
            assert pd.Timestamp(indicator_publication_date(indicator_id, year)) < as_of, (indicator_id, year)
            # the change uses the year before, published earlier still
            assert pd.Timestamp(indicator_publication_date(indicator_id, year - 1)) < as_of
        assert features.loc[features[indicator_id].isna(), indicator_id + CHANGE].isna().all()
    for column, indicator_id in (("imd_vintage", "imd_average_score"), ("idaci_vintage", "idaci_average_score")):
        for vintage in features[column].dropna().astype(int).unique():
            assert pd.Timestamp(indicator_publication_date(indicator_id, vintage)) < as_of
    assert (features["last_publication_date"].dropna() < as_of).all()
    assert (features["last_inadequate_date"].dropna() < as_of).all()


def test_the_latest_published_figure_is_used(national, source):
    """On 2 December 2023 the CIN 2023 figures (public 1 December) are the latest; a day earlier, 2022's."""
    councils = _current(national)
    before = build_features(source, pd.DataFrame({"la_code": councils, "as_of": pd.Timestamp("2023-12-01")}))
    after = build_features(source, pd.DataFrame({"la_code": councils, "as_of": pd.Timestamp("2023-12-02")}))
    # (a council whose latest figure is suppressed falls back to the year before, if recent enough)
    assert before["cin_rereferral_rate" + YEAR].max() == 2022 and (before["cin_rereferral_rate" + YEAR] == 2022).sum() > 140
    assert after["cin_rereferral_rate" + YEAR].max() == 2023 and (after["cin_rereferral_rate" + YEAR] == 2023).sum() > 140
    # workforce at 30 September 2024 is public from 15 March 2025
    late = build_features(source, pd.DataFrame({"la_code": councils, "as_of": pd.Timestamp("2025-03-31")}))
    assert set(late["csww_turnover_rate" + YEAR].dropna()) <= {2023.0, 2024.0}
    assert (late["csww_turnover_rate" + YEAR] == 2024).sum() > 140


def test_training_examples_take_features_before_the_inspection(source):
    examples = inspection_examples(source)
    assert len(examples) > 400
    assert (examples["feature_date"] < examples["publication_date"]).all()
    ilacs = examples[examples["inspection_date"].notna()]
    assert (ilacs["feature_date"] == ilacs["inspection_date"]).all()
    assert (examples["last_publication_date"].dropna() < examples["feature_date"][
        examples["last_publication_date"].notna()]).all()
    assert set(examples["framework"]) == {"SIF", "SIF re-inspection", "ILACS"}
    assert (examples["y_below_good"] >= examples["y_inadequate"]).all()
    assert not examples.duplicated(["la_code", "publication_date"]).any()


def test_test_sets_are_each_councils_next_inspection(source):
    start, end = pd.Timestamp("2022-04-01"), pd.Timestamp("2023-04-01")
    test = next_inspections(source, start, end)
    assert len(test) and test["la_code"].is_unique
    assert ((test["publication_date"] >= start) & (test["publication_date"] < end)).all()
    assert (test["feature_date"] == start).all()
    assert (test["last_publication_date"].dropna() < start).all()


def test_reorganised_councils_take_their_predecessors_judgement(national, source):
    """North Northamptonshire (April 2021) had no inspection of its own until November 2022: before
    then its last judgement is Northamptonshire's inadequate (July 2019)."""
    features = build_features(source, pd.DataFrame({"la_code": [NORTH_NORTHANTS],
                                                    "as_of": [pd.Timestamp("2022-04-01")]}))
    assert features.loc[0, "last_grade"] == "inadequate"
    assert features.loc[0, "last_la_code"] == "E10000021"
    assert features.loc[0, "prev_inadequate"] == 1.0


# --------------------------------------------------------------------------- score


def test_score_covers_every_current_council(national, scored):
    table, seconds = scored
    assert list(table.columns) == [*RISK_CSV_COLUMNS, *EXTRA_COLUMNS]
    assert RISK_CSV_COLUMNS == ["la_code", "la_name", "p_inadequate", "p_below_good", "last_judgement",
                                "last_judgement_date", "drivers", "next_inspection_due"]
    assert table.attrs["model"] == "gbm"
    assert len(table) == 153 and sorted(table["la_code"]) == _current(national)
    assert table["la_name"].notna().all()
    for column in ("p_inadequate", "p_below_good"):
        assert table[column].between(0, 1).all()
    assert (table["p_below_good"] >= table["p_inadequate"]).all()
    assert seconds < 15  # a few seconds on a quiet machine
    assert table["p_inadequate"].is_monotonic_decreasing


def test_score_last_judgement_is_before_the_date(scored):
    table, _ = scored
    dates = table["last_judgement_date"].dropna()
    assert len(dates) == 153
    assert all(d < dt.date(2025, 3, 31) for d in dates)
    assert set(table["last_judgement"].str.split(" \\(").str[0]) <= {
        "outstanding", "good", "requires improvement", "inadequate"}


def test_score_before_a_reorganised_councils_first_inspection(national, source):
    table = score(national, "2022-04-01", model="logistic", source=source)
    row = table.set_index("la_code").loc[NORTH_NORTHANTS]
    assert row["last_judgement"] == "inadequate (as Northamptonshire)"
    assert row["last_judgement_date"] == dt.date(2019, 7, 29)


def test_score_refuses_a_date_with_too_little_history(national, source):
    with pytest.raises(ValueError):
        score(national, "2014-01-01", model="gbm", source=source)
    with pytest.raises(ValueError, match="no model called"):
        score(national, "2025-03-31", model="crystal_ball", source=source)


def test_score_is_deterministic(national, source, scored):
    again = score(national, dt.date(2025, 3, 31), model="gbm", source=source)
    pd.testing.assert_frame_equal(scored[0], again)


def test_every_council_has_its_inspection_timing(scored):
    """Beside every score: when the next inspection is due under the framework's cycle, and the words."""
    table, _ = scored
    assert table["next_inspection_due"].notna().all()
    for r in table.itertuples(index=False):
        assert r.window_opens < r.next_inspection_due < r.window_closes
        assert r.last_inspection_start < r.last_judgement_date < dt.date(2025, 3, 31)
    assert set(table["status"]) <= {"not yet due", "window open", "window passed"}


# --------------------------------------------------------------------------- backtest report


def test_backtest_report_has_every_metric_for_every_model(small_report):
    """Development and held-back blocks apart, each with every metric and its interval for every model and
    baseline, for both targets; the slipping watchlist's blocks for below good."""
    names = {m.name for m in MODELS}
    assert set(BASELINES) <= names
    blocks = [(small_report["development"], {INADEQUATE, BELOW_GOOD}, names),
              (small_report["held_back"], {INADEQUATE, BELOW_GOOD}, names),
              (small_report["slipping"]["development"], {BELOW_GOOD}, set(BASELINES) | {"gbm", "logistic"}),
              (small_report["slipping"]["held_back"], {BELOW_GOOD}, set(BASELINES) | {"gbm", "logistic"})]
    for block, targets, models in blocks:
        assert set(block["targets"]) == targets
        for target in block["targets"].values():
            assert target["n"] > 0 and 0 < target["events"] < target["n"]
            assert models <= set(target["models"])
            for model in target["models"].values():
                for metric in METRICS:
                    entry = model[metric]
                    assert set(entry) == {"estimate", "lower", "upper"}, (model["label"], metric)
                    if entry["lower"] is not None:
                        assert entry["lower"] <= entry["upper"], (model["label"], metric)
                for metric in ("auc", "same_date_auc", "pr_auc", "brier", "top_fifth_precision", "top10_lift"):
                    entry = model[metric]
                    assert entry["lower"] <= entry["estimate"] <= entry["upper"], (model["label"], metric)
                table = model["calibration"]
                assert sum(b["n"] for b in table) == target["n"]
                assert sum(b["events"] for b in table) == target["events"]
            base = target["models"]["base_rate"]
            assert base["same_date_auc"]["estimate"] == 0.5 and base["top_fifth_lift"]["estimate"] == 1.0
    assert small_report["held_back"]["note"].startswith("Scored once")
    json.dumps(small_report, allow_nan=False)


def test_pooled_auc_rewards_level_shifts_that_same_date_auc_ignores(small_report):
    """The base rate knows nothing about councils, only each year's level: same-date AUC 0.5 exactly, while
    the pooled AUC moves away from 0.5 with the years' levels."""
    base = small_report["development"]["targets"][BELOW_GOOD]["models"]["base_rate"]
    assert base["same_date_auc"]["estimate"] == 0.5
    assert base["auc"]["estimate"] != 0.5


def test_backtest_trains_only_on_inspections_published_before_each_origin(small_report, source):
    examples = inspection_examples(source)
    for row in small_report["development"]["origins"] + small_report["held_back"]["origins"]:
        origin = pd.Timestamp(row["origin"])
        assert pd.Timestamp(row["train_last_published"]) < origin
        assert row["n_train"] == int((examples["publication_date"] < origin).sum())
    blocks = set()
    for prediction in small_report["predictions"]:
        origin = pd.Timestamp(prediction["origin"])
        assert origin <= pd.Timestamp(prediction["publication_date"]) < origin + pd.DateOffset(years=1)
        blocks.add(prediction["block"])
    assert blocks == {"development", "held_back", "slipping_development", "slipping_held_back"}
    held = {p["origin"] for p in small_report["predictions"] if p["block"].endswith("held_back")}
    assert held == {"2024-04-01"}


def _corrupted_from(source: FeatureSource, when: pd.Timestamp) -> FeatureSource:
    """Every figure published on or after `when` made absurd and every judgement then changed (dates kept)."""
    values = source.values.copy()
    future = values["published"] >= when
    values.loc[future, "value"] = values.loc[future, "value"] * 7 + 1000
    graded = source.graded.copy()
    later = graded["publication_date"] >= when
    graded.loc[later, "grade"] = graded.loc[later, "grade"].map(
        {"inadequate": "outstanding", "outstanding": "inadequate", "good": "requires improvement",
         "requires improvement": "good"})
    return dataclasses.replace(source, values=values, graded=graded)


@pytest.mark.parametrize("year", [2019, 2023])
def test_no_prediction_uses_anything_published_after_its_origin(source, year):
    """Property, on the whole pipeline: every model's predictions at an origin are the same when every figure
    and judgement published on or after the origin is corrupted (only the outcomes being predicted change)."""
    origin = pd.Timestamp(year, 4, 1)
    bad = _corrupted_from(source, origin)

    def run(s: FeatureSource) -> pd.DataFrame:
        tests = {origin: next_inspections(s, origin, origin + pd.DateOffset(years=1))}
        result = rolling_origin(inspection_examples(s), tests, MODELS, n_boot=0, comparisons=())
        return pd.DataFrame(result["predictions"])

    real, corrupted = run(source), run(bad)
    predicted = [c for c in real.columns if "__" in c]
    pd.testing.assert_frame_equal(real[["la_code", *predicted]], corrupted[["la_code", *predicted]])
    assert not real["y_inadequate"].equals(corrupted["y_inadequate"])  # the outcomes did change


def test_backtest_is_deterministic(source, small_report):
    again = backtest(source=source, origins=(2017, 2019, 2022), held_back=(2024,), n_boot=40, seed=0)
    first = {k: v for k, v in small_report.items() if k != "runtime_seconds"}
    second = {k: v for k, v in again.items() if k != "runtime_seconds"}
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_format_backtest_prints_the_comparison(small_report):
    text = format_backtest(small_report)
    for model in MODELS:
        assert model.label in text
    for words in ("AUC pooled", "AUC same date", "PR-AUC", "top fifth: precision", "top fifth: lift",
                  "top 10: precision", "top 10: lift", "Brier", "observed - predicted", "slope", "Calibration",
                  "Per origin", "Inadequate", "Below good", "Primary model (*)", "Held back: 2024",
                  "Slipping from good", "When inspections come", "Which years each feature covers",
                  "NOT the fixed protocol"):
        assert words in text, words
    held = text.index("Held back: 2024")
    assert text.index("Development: 2017 to 2022") < held < text.index("Slipping from good")


# --------------------------------------------------------------------------- machinery on synthetic data


def _synthetic(n: int = 1600, seed: int = 1) -> pd.DataFrame:
    """Inspections spread over 2010-2021 where inadequate is a known logistic function of `signal`."""
    rng = np.random.default_rng(seed)
    signal, noise = rng.normal(size=n), rng.normal(size=n)
    y1 = rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 2.5 * signal)))
    y2 = y1 | (rng.random(n) < 1 / (1 + np.exp(-(0.0 + 2.0 * signal))))
    days = np.sort(rng.integers(0, 12 * 365, size=n))
    frame = pd.DataFrame({
        "la_code": [f"X{i:04d}" for i in range(n)],
        "publication_date": pd.Timestamp("2010-01-01") + pd.to_timedelta(days, unit="D"),
        "y_inadequate": y1.astype(int), "y_below_good": y2.astype(int),
        "signal": signal, "noise": noise,
    })
    frame.loc[rng.random(n) < 0.1, "noise"] = np.nan  # missing values are imputed within each training window
    return frame


def _tests_by_origin(frame: pd.DataFrame, years) -> dict:
    out = {}
    for year in years:
        start = pd.Timestamp(year, 4, 1)
        out[start] = frame[(frame["publication_date"] >= start) & (frame["publication_date"] < start + pd.DateOffset(years=1))]
    return out


def test_evaluation_recovers_a_known_signal_and_rejects_a_baseline_without_it():
    frame = _synthetic()
    models = (ModelSpec("with_signal", "with the signal", "logistic", ("signal", "noise")),
              ModelSpec("gbm_signal", "boosting with the signal", "gbm", ("signal", "noise")),
              ModelSpec("without_signal", "noise only", "logistic", ("noise",)))
    result = rolling_origin(frame, _tests_by_origin(frame, range(2014, 2021)), models, n_boot=200, seed=0,
                            comparisons=(("with_signal", "without_signal"),))
    for target in (INADEQUATE, BELOW_GOOD):
        got = result["targets"][target]["models"]
        assert got["with_signal"]["auc"]["estimate"] > 0.8
        assert got["gbm_signal"]["auc"]["estimate"] > 0.75
        noise_only = got["without_signal"]["auc"]
        assert 0.4 < noise_only["estimate"] < 0.6 and noise_only["upper"] < 0.6  # chance, nowhere near 0.8
        assert got["with_signal"]["brier"]["estimate"] < got["without_signal"]["brier"]["estimate"]
        assert result["targets"][target]["differences"]["with_signal - without_signal"]["auc"]["lower"] > 0.15
    # well specified: the calibration table's observed rates follow the predictions
    table = result["targets"][INADEQUATE]["models"]["with_signal"]["calibration"]
    assert [b["observed_rate"] for b in table] == sorted(b["observed_rate"] for b in table)
    for row in table:
        assert abs(row["observed_rate"] - row["mean_predicted"]) < 0.12


def test_rolling_origin_refuses_test_inspections_published_before_the_origin():
    frame = _synthetic(300)
    origin = pd.Timestamp("2015-04-01")
    with pytest.raises(ValueError):
        rolling_origin(frame, {origin: frame[frame["publication_date"] >= pd.Timestamp("2015-01-01")]},
                       MODELS[-1:], n_boot=0)


def test_an_inspection_published_on_the_origin_is_not_trained_on():
    frame = _synthetic(300)
    origin = pd.Timestamp("2015-04-01")
    frame.loc[150, "publication_date"] = origin
    result = rolling_origin(frame, {origin: frame[frame["publication_date"] >= origin].iloc[:20]}, MODELS[-1:],
                            n_boot=0)
    assert result["origins"][0]["n_train"] == int((frame["publication_date"] < origin).sum())
    assert pd.Timestamp(result["origins"][0]["train_last_published"]) < origin


def test_probabilities_are_coherent_by_construction():
    frame = _synthetic(600)
    # a below-good model that knows nothing and an inadequate model that does: without the adjustment
    # some inadequate probabilities would exceed the below-good ones
    frame["y_below_good"] = np.random.default_rng(3).integers(0, 2, len(frame)) | frame["y_inadequate"]
    fitted = fit_both(ModelSpec("m", "m", "logistic", ("signal",)), frame)
    p = predict_both(fitted, frame)
    assert (p[BELOW_GOOD] >= p[INADEQUATE]).all()
    assert (fitted[BELOW_GOOD].predict(frame) < p[INADEQUATE]).any()


def test_imputation_is_fitted_on_the_training_window_only():
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [0.0, 1.0, 0.0, 1.0]})
    later = pd.DataFrame({"a": [np.nan, 100.0], "b": [1.0, 0.0]})
    design = _fit_design(train, ("a", "b"))
    assert design.names == ("a", "b", "a missing")
    raw = design.raw(later)
    assert raw[0, 0] == 2.0 and raw[0, 2] == 1.0  # the training median, flagged
    assert raw[1, 0] == pytest.approx(np.percentile([1.0, 2.0, 3.0], 99))  # clipped to the training range
    all_missing = _fit_design(pd.DataFrame({"a": [np.nan] * 3, "b": [0.0, 1.0, 1.0]}), ("a", "b"))
    assert all_missing.names == ("b",)


def test_recalibration_matches_the_framework_in_force():
    frame = _synthetic(800)
    frame["framework"] = np.where(frame["publication_date"] < pd.Timestamp("2018-01-01"), "SIF", "ILACS")
    # ILACS judges fewer councils inadequate
    ilacs = frame["framework"] == "ILACS"
    frame.loc[ilacs, "y_inadequate"] = frame.loc[ilacs, "y_inadequate"] * (np.arange(ilacs.sum()) % 3 == 0)
    as_of = pd.Timestamp("2021-12-31")
    fitted = fit_model(ModelSpec("m", "m", "logistic", ("signal",)), frame, "y_inadequate", as_of)
    assert fitted.recalibrated_on == int(ilacs.sum()) and fitted.offset < 0
    assert fitted.predict(frame[ilacs]).mean() == pytest.approx(frame.loc[ilacs, "y_inadequate"].mean(), abs=1e-6)
    uncalibrated = fit_model(ModelSpec("m", "m", "logistic", ("signal",)), frame, "y_inadequate")
    assert np.argsort(fitted.predict(frame)).tolist() == np.argsort(uncalibrated.predict(frame)).tolist()


def test_metrics_agree_with_scikit_learn():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, size=(5, 120))
    p = np.round(rng.random((5, 120)), 1)  # ties
    for row_p, row_y, auc, brier in zip(p, y, auc_rows(p, y), brier_rows(p, y), strict=True):
        assert auc == pytest.approx(roc_auc_score(row_y, row_p))
        assert average_precision(row_p, row_y) == pytest.approx(average_precision_score(row_y, row_p))
        assert brier == pytest.approx(brier_score_loss(row_y, row_p))
    assert np.isnan(auc_rows(np.array([0.1, 0.2]), np.array([1, 1]))[0])


def test_calibration_table_groups_by_predicted_probability():
    p = np.linspace(0, 1, 100)
    y = (p > 0.5).astype(int)
    table = calibration_table(p, y, bins=5)
    assert [b["n"] for b in table] == [20] * 5
    assert [b["observed_rate"] for b in table] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert table[0]["p_max"] < table[1]["p_min"]


def test_gradient_boosting_contributions_add_up_to_its_log_odds():
    """The drivers of the gradient boosting model are its exact Shapley values: with the training average they
    add up to each council's log-odds (before the recalibration's constant shift)."""
    frame = _synthetic(800)
    frame["other"] = np.random.default_rng(5).normal(size=len(frame))
    frame.loc[::9, "other"] = np.nan
    fitted = fit_model(ModelSpec("g", "g", "gbm", ("signal", "noise", "other")), frame, "y_inadequate")
    contributions = fitted.contributions(frame.iloc[:200])
    from goldthread.core.national.risk_models import gbm_contributions

    _, expected = gbm_contributions(fitted.estimator, frame[list(fitted.used)].iloc[:200].to_numpy(dtype=float))
    raw = fitted.estimator.decision_function(frame[list(fitted.used)].iloc[:200].to_numpy(dtype=float))
    assert np.allclose(contributions.sum(axis=1).to_numpy() + expected, raw, atol=1e-9)
    # the signal carries the model: its contributions vary most
    assert contributions["signal"].std() > 3 * contributions["noise"].std()


def test_feature_list_is_documented():
    from goldthread.core.national.risk_features import FEATURES

    assert len({f.column for f in FEATURES}) == len(FEATURES) == len(FEATURE_COLUMNS)
    for feature in FEATURES:
        assert feature.description and feature.monotone in (-1, 0, 1)
    for model in MODELS:
        assert set(model.features) <= set(FEATURE_COLUMNS)
