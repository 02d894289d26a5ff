"""Inspection risk, the evaluation: the rolling-origin backtest of every model, run by the fixed protocol
(`risk_protocol`).

At each origin (1 April of each year) every model is trained on the inspections published strictly before
it and scores each council's next inspection published in the 12 months from it, with features as at the
origin. The out-of-sample predictions of a block of origins are pooled and evaluated (`risk_metrics`: every
metric with a 95% bootstrap interval, resampling inspections within each origin, paired across models; and
calibration tables), for each target.

`backtest` runs, in this order:
    1. the development block (DEVELOPMENT_ORIGINS), every model in MODELS;
    2. the choice of the primary model from it (`risk_protocol.choose_primary`);
    3. the held-back block (HELD_BACK_ORIGINS), scored once, after the choice, reported apart;
    4. the same three steps for the "slipping from good" watchlist (`risk_watchlist`): its own models,
       population and choice;
    5. how well the inspection cycle foretells when councils are inspected (`inspection_timing`), and
       which years each feature covers.
`rolling_origin` is the machinery for one block on any examples table (also used by the tests on
synthetic data). `risk_report.format_backtest` prints the report.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from .bundle import NationalData
from .inspection_timing import timing_accuracy
from .risk_features import (
    FEATURE_INDICATORS,
    MAX_AGE,
    PUBLICATION_LAGS,
    SIF_FEATURE_BUFFER,
    FeatureSource,
    inspection_examples,
    next_inspections,
)
from .risk_metrics import (
    CALIBRATION_BINS,
    METRICS,
    TOP_FIFTH,
    TOP_N,
    bootstrap_interval,
    json_number,
    metric_table,
    same_date_auc_rows,
    stratified_resamples,
)
from .risk_metrics import calibration_table as _calibration_table
from .risk_models import (
    MODELS,
    TARGET_LABELS,
    TARGETS,
    ModelSpec,
    fit_targets,
    predict_targets,
    single_threaded,
)
from .risk_protocol import (
    CANDIDATES,
    DEVELOPMENT_ORIGINS,
    HELD_BACK_ORIGINS,
    MIN_TRAINING,
    N_BOOT,
    SEED,
    choose_primary,
    fingerprint,
    protocol,
)
from .risk_watchlist import (
    POPULATION,
    SLIPPING_CANDIDATES,
    SLIPPING_COMPARISONS,
    SLIPPING_MODELS,
    SLIPPING_TARGETS,
    slipping_population,
)

# Differences reported with paired bootstrap intervals: (model, compared with).
COMPARISONS = (
    ("gbm", "previous_imd"), ("logistic", "previous_imd"), ("gbm", "previous"), ("logistic", "previous"),
    ("gbm", "imd"), ("logistic", "imd"), ("gbm", "logistic"),
)
DIFFERENCE_METRICS = ("auc", "same_date_auc", "pr_auc", "brier", "top_fifth_precision")
ORIGIN_MONTH_DAY = (4, 1)
WINDOW = pd.DateOffset(years=1)
DEVELOPMENT, HELD_BACK = "development", "held_back"
HELD_BACK_NOTE = ("Scored once, after the primary model was chosen on the development origins; never used to "
                  "choose a model, a feature or a setting.")


def rolling_origin(examples: pd.DataFrame, tests: dict[pd.Timestamp, pd.DataFrame],
                   models: tuple[ModelSpec, ...] = MODELS, *, n_boot: int = N_BOOT, seed: int = SEED,
                   comparisons=COMPARISONS, targets: dict[str, str] = TARGETS) -> dict:
    """Train each model on the `examples` published strictly before each origin (a key of `tests`), score
    that origin's test inspections, pool the predictions and evaluate them.

    `examples` and each test frame need publication_date, the `targets`' columns and the models' features
    (la_code is kept when present). Returns {"origins", "targets", "predictions"}."""
    with single_threaded():
        return _rolling_origin(examples, tests, models, n_boot, seed, comparisons, targets)


def _rolling_origin(examples, tests, models, n_boot, seed, comparisons, targets) -> dict:
    origins, predictions = [], []
    for origin in sorted(tests):
        origin = pd.Timestamp(origin)
        train = examples[examples["publication_date"] < origin]
        test = tests[origin]
        if len(test) and (test["publication_date"] < origin).any():
            raise ValueError(f"origin {origin:%Y-%m-%d}: a test inspection was published before the origin")
        fitted = {spec.name: fit_targets(spec, train, origin, targets) for spec in models}
        row: dict[str, Any] = {
            "origin": f"{origin:%Y-%m-%d}", "n_train": len(train),
            "train_last_published": None if train.empty else f"{train['publication_date'].max():%Y-%m-%d}",
            "n_test": len(test)}
        for name, column in targets.items():
            row[f"train_{name}"] = int(train[column].sum())
            row[f"test_{name}"] = int(test[column].sum())
        row["logistic_c"] = {m: {t: f.c for t, f in fitted[m].items()} for m in fitted
                             if any(f.c is not None for f in fitted[m].values())}
        row["recalibrated_on"] = max((f.recalibrated_on for m in fitted.values() for f in m.values()), default=0)
        if len(test):
            frame = pd.DataFrame({"origin": row["origin"],
                                  "la_code": test["la_code"].to_numpy() if "la_code" in test else None,
                                  "publication_date": test["publication_date"].dt.strftime("%Y-%m-%d").to_numpy()})
            for column in targets.values():
                frame[column] = test[column].to_numpy(dtype=int)
            for spec in models:
                for name, p in predict_targets(fitted[spec.name], test).items():
                    frame[f"{spec.name}__{name}"] = p
            for name, column in targets.items():
                row[f"auc_{name}"] = {spec.name: json_number(same_date_auc_rows(
                    frame[f"{spec.name}__{name}"].to_numpy(), frame[column].to_numpy(),
                    np.zeros(len(frame)))[0]) for spec in models}
            predictions.append(frame)
        origins.append(row)
    pooled = pd.concat(predictions, ignore_index=True) if predictions else pd.DataFrame()
    return {"origins": origins, "targets": _evaluate(pooled, models, n_boot, seed, comparisons, targets),
            "predictions": _records(pooled)}


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for record in frame.to_dict("records"):
        out.append({k: (json_number(v) if isinstance(v, float) else int(v) if isinstance(v, np.integer) else v)
                    for k, v in record.items()})
    return out


def _evaluate(pooled: pd.DataFrame, models: tuple[ModelSpec, ...], n_boot: int, seed: int, comparisons,
              targets: dict[str, str]) -> dict:
    rng = np.random.default_rng(seed)
    n = len(pooled)
    groups = pooled["origin"].to_numpy() if n else np.array([])
    resamples = stratified_resamples(groups, n_boot, rng) if n and n_boot else np.empty((0, n), dtype=int)
    report = {}
    for name, column in targets.items():
        y = pooled[column].to_numpy(dtype=float) if n else np.array([])
        by_origin = pooled.groupby("origin", sort=True)[column] if n else None
        target = {"label": TARGET_LABELS[name], "n": n, "events": int(y.sum()),
                  "base_rate": json_number(y.mean()) if n else None,
                  "per_origin": {o: {"n": int(len(s)), "events": int(s.sum())} for o, s in by_origin} if n else {},
                  "models": {}, "differences": {}}
        boot: dict[str, dict[str, np.ndarray]] = {}
        for spec in models:
            p = pooled[f"{spec.name}__{name}"].to_numpy(dtype=float) if n else np.array([])
            entry: dict[str, Any] = {"label": spec.label, "mean_predicted": json_number(p.mean()) if n else None}
            estimates = metric_table(p, y, groups) if n else {m: np.array([np.nan]) for m in METRICS}
            samples = metric_table(p[resamples], y[resamples], groups) if len(resamples) else \
                {m: np.array([]) for m in METRICS}
            boot[spec.name] = samples
            for metric in METRICS:
                entry[metric] = bootstrap_interval(float(estimates[metric][0]), samples[metric])
            entry["calibration"] = _calibration_table(p, y)
            target["models"][spec.name] = entry
        for first, second in comparisons:
            if first not in boot or second not in boot:
                continue
            key = f"{first} - {second}"
            target["differences"][key] = {}
            for metric in DIFFERENCE_METRICS:
                estimate = _value(target["models"][first][metric]) - _value(target["models"][second][metric])
                samples = boot[first][metric] - boot[second][metric]
                target["differences"][key][metric] = bootstrap_interval(estimate, samples)
        report[name] = target
    return report


def _value(entry: dict) -> float:
    return float("nan") if entry["estimate"] is None else entry["estimate"]


def origin_date(year: int) -> pd.Timestamp:
    return pd.Timestamp(year, *ORIGIN_MONTH_DAY)


def _block(examples: pd.DataFrame, tests: dict, models, n_boot: int, seed: int, comparisons, targets,
           block: str) -> tuple[dict, list[dict]]:
    result = rolling_origin(examples, tests, models, n_boot=n_boot, seed=seed, comparisons=comparisons,
                            targets=targets)
    predictions = [{"block": block, **p} for p in result.pop("predictions")]
    return result, predictions


def backtest(national: NationalData | None = None, *, source: FeatureSource | None = None,
             origins=DEVELOPMENT_ORIGINS, held_back=HELD_BACK_ORIGINS, n_boot: int = N_BOOT, seed: int = SEED,
             models: tuple[ModelSpec, ...] = MODELS, slipping_models: tuple[ModelSpec, ...] = SLIPPING_MODELS
             ) -> dict:
    """The rolling-origin backtest on the national data (`source`, or one built from `national`), by the
    protocol: development block, choice of the primary model, held-back block, and the same for the
    slipping-from-good watchlist; then the inspection cycle's accuracy and the features' coverage.

    Origin year Y is 1 April Y: train on every graded whole-service inspection PUBLISHED before it
    (features as at each one's feature date); test on each council's first graded inspection PUBLISHED in
    the year from it, with features as at the origin (what a forecast made that day could use).
    JSON-serialisable. Other `origins`, `held_back` or models than the protocol's are allowed (tests use
    fewer, for speed); the report's protocol then says `fixed`: false."""
    with single_threaded():
        return _backtest(national, source, tuple(origins), tuple(held_back), n_boot, seed, models, slipping_models)


def _backtest(national, source, origins, held_back, n_boot, seed, models, slipping_models) -> dict:
    started = time.perf_counter()
    overlap = set(origins) & set(held_back)
    if overlap:
        raise ValueError(f"an origin cannot be both developed on and held back: {sorted(overlap)}")
    if held_back and origins and origin_date(min(held_back)) < origin_date(max(origins)) + WINDOW:
        raise ValueError("the held-back origins must come after the development origins' test years")
    if source is None:
        if national is None:
            raise ValueError("backtest needs the national data or a feature source")
        source = FeatureSource.from_national(national)
    examples = inspection_examples(source)
    development_tests = {origin_date(y): next_inspections(source, origin_date(y), origin_date(y) + WINDOW)
                         for y in origins}
    held_tests = {origin_date(y): next_inspections(source, origin_date(y), origin_date(y) + WINDOW)
                  for y in held_back}
    candidates = tuple(c for c in CANDIDATES if c in {m.name for m in models})
    slipping_candidates = tuple(c for c in SLIPPING_CANDIDATES if c in {m.name for m in slipping_models})

    # 1-3: the main model. The choice reads the development block only.
    development, predictions = _block(examples, development_tests, models, n_boot, seed, COMPARISONS, TARGETS,
                                      DEVELOPMENT)
    primary = choose_primary(development, candidates)
    held, more = _block(examples, held_tests, models, n_boot, seed, COMPARISONS, TARGETS, HELD_BACK)
    predictions += more

    # 4: the slipping-from-good watchlist, on its own population (origins with too little to train on
    # are left out, by the protocol's MIN_TRAINING).
    slipping_examples = slipping_population(examples)

    def slipping_tests(tests: dict) -> dict:
        return {o: slipping_population(t) for o, t in tests.items()
                if int((slipping_examples["publication_date"] < o).sum()) >= MIN_TRAINING}

    slip_dev, more = _block(slipping_examples, slipping_tests(development_tests), slipping_models, n_boot, seed,
                            SLIPPING_COMPARISONS, SLIPPING_TARGETS, f"slipping_{DEVELOPMENT}")
    predictions += more
    slip_primary = choose_primary(slip_dev, slipping_candidates)
    slip_held, more = _block(slipping_examples, slipping_tests(held_tests), slipping_models, n_boot, seed,
                             SLIPPING_COMPARISONS, SLIPPING_TARGETS, f"slipping_{HELD_BACK}")
    predictions += more

    fixed = protocol(MODELS, SLIPPING_MODELS)
    inspections_to = source.graded["publication_date"].max()
    report = {
        "protocol": {**fixed, "fingerprint": fingerprint(fixed),
                     "fixed": (origins == DEVELOPMENT_ORIGINS and held_back == HELD_BACK_ORIGINS
                               and models == MODELS and slipping_models == SLIPPING_MODELS and seed == SEED)},
        "settings": _settings(origins, held_back, n_boot, seed, models, examples),
        "data": {"fingerprint": source.fingerprint(), "inspections_to": f"{inspections_to:%Y-%m-%d}"},
        DEVELOPMENT: development,
        "primary": primary,
        HELD_BACK: {**held, "note": HELD_BACK_NOTE},
        "slipping": {"population": POPULATION, DEVELOPMENT: slip_dev, "primary": slip_primary,
                     HELD_BACK: {**slip_held, "note": HELD_BACK_NOTE},
                     "models": {s.name: {"label": s.label, "kind": s.kind, "features": list(s.features)}
                                for s in slipping_models}},
        "timing": timing_accuracy(source),
        "coverage": _coverage(source, development_tests),
        "predictions": predictions,
    }
    report["runtime_seconds"] = round(time.perf_counter() - started, 2)
    return report


def _coverage(source: FeatureSource, tests: dict) -> list[dict]:
    pooled = pd.concat(list(tests.values()), ignore_index=True) if tests else pd.DataFrame()
    out = []
    for entry in source.coverage():
        column = entry["indicator_id"]
        used = int(pooled[column].notna().sum()) if len(pooled) else 0
        out.append({**entry, "backtest_inspections": used, "backtest_pooled": len(pooled)})
    return out


def _settings(origins, held_back, n_boot: int, seed: int, models: tuple[ModelSpec, ...], examples: pd.DataFrame) -> dict:
    return {
        "origins": [f"{origin_date(y):%Y-%m-%d}" for y in origins],
        "held_back_origins": [f"{origin_date(y):%Y-%m-%d}" for y in held_back],
        "design": "rolling origin: for each origin (1 April), train on graded whole-service inspections "
                  "published before it, each with features as at its own feature date; test on each "
                  "council's first graded inspection published in the 12 months from the origin, with "
                  "features as at the origin; predictions pooled over the origins of a block",
        "feature_date": f"inspection start date, or (SIF, no start date) publication date minus "
                        f"{SIF_FEATURE_BUFFER.days} days; figures and judgements must be published strictly "
                        f"before it",
        "stale_after": f"an indicator value counts only if published within {MAX_AGE.years} years before the date",
        "publication_lags": {k: lag.rule for k, lag in PUBLICATION_LAGS.items()},
        "examples": {"inspections": len(examples),
                     "first_published": f"{examples['publication_date'].min():%Y-%m-%d}",
                     "last_published": f"{examples['publication_date'].max():%Y-%m-%d}"},
        "n_boot": n_boot, "seed": seed,
        "interval": "95% percentile bootstrap, resampling test inspections within each origin, paired across models",
        "top": f"each origin's top fifth (rounded up) and top {TOP_N} predictions; ties at the cut shared",
        "top_fifth": TOP_FIFTH,
        "models": {s.name: {"label": s.label, "kind": s.kind, "features": list(s.features)} for s in models},
        "calibration_bins": CALIBRATION_BINS,
        "coherence": "p_below_good = max(p_below_good, p_inadequate)",
        "indicators": [i for i, _, _ in FEATURE_INDICATORS],
    }


__all__ = [
    "COMPARISONS", "DEVELOPMENT", "DIFFERENCE_METRICS", "HELD_BACK", "HELD_BACK_NOTE", "ORIGIN_MONTH_DAY", "WINDOW",
    "backtest", "origin_date", "rolling_origin",
]
