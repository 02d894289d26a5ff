"""Inspection risk, the protocol: everything the evaluation decides, fixed in code before it runs.

An evaluation flatters when what it measures is also what it chose: a feature set kept because it scored
well, a setting tuned on the test years, a model picked on the figures it is then reported with. So:

    * The models, their feature sets and settings are fixed in `risk_models` (MODELS, GBM_PARAMS,
      C_GRID: the one setting tuned, and only inside each training window) and `risk_watchlist`
      (SLIPPING_MODELS). Nothing here or in the command line changes them; `fingerprint()` is a digest of
      all of it, printed with every report, so two reports can be seen to come from the same protocol.
    * The origins are split in two, in advance: DEVELOPMENT_ORIGINS (1 April 2016 to 2023) are the
      ones every model is compared on; HELD_BACK_ORIGINS (1 April 2024 and 2025: the 2024-25 and
      2025-26 inspections) are scored once, after the choice below, and reported apart. Nothing in the
      code reads a held-back result to decide anything (`choose_primary` takes the development results
      only; a test changes every held-back judgement and checks that nothing else moves).
    * The primary model (the one behind the scores and drivers) is chosen from CANDIDATES by
      PRIMARY_RULE, applied by `choose_primary` to the development results of each backtest run.

The figures of a run that departs from the protocol (other origins or models, as the tests use for speed)
say so: the report's protocol has `fixed` false.
"""

from __future__ import annotations

import hashlib
import json

from .risk_models import C_GRID, GBM_PARAMS, INADEQUATE, MIN_RECALIBRATION, TARGETS, WINSORISE, ModelSpec

DEVELOPMENT_ORIGINS: tuple[int, ...] = tuple(range(2016, 2024))
HELD_BACK_ORIGINS: tuple[int, ...] = (2024, 2025)
N_BOOT = 1000
SEED = 0
# An origin is scored only when at least this many inspections are there to train on (the slipping
# watchlist's population is small: before 2020 it had too few).
MIN_TRAINING = 30

# The primary model is one of these (listed in order of preference when they tie).
CANDIDATES: tuple[str, ...] = ("gbm", "logistic")
CHOICE_METRIC = "same_date_auc"
TIE = 0.005
PRIMARY_RULE = (
    "On the development origins only, the candidate (monotone gradient boosting, then logistic regression "
    "without missing-value flags) with the higher same-date AUC averaged over the targets it is fitted for; "
    f"a difference under {TIE} goes to the one listed first. Held-back origins are never read.")


def choose_primary(development: dict, candidates: tuple[str, ...] = CANDIDATES) -> dict:
    """Apply PRIMARY_RULE to a development block's "targets" (`risk_backtest.rolling_origin`'s): returns
    {"model", "rule", "scores": {candidate: mean same-date AUC or None}}. Candidates missing from the
    results are skipped; with no score at all, the first candidate present is taken."""
    targets = development["targets"]
    scores: dict[str, float | None] = {}
    for name in candidates:
        values = [t["models"][name][CHOICE_METRIC]["estimate"] for t in targets.values() if name in t["models"]]
        if not values:
            continue
        known = [v for v in values if v is not None]
        scores[name] = sum(known) / len(known) if known else None
    if not scores:
        raise ValueError("none of the candidate models was evaluated")
    best = next(iter(scores))
    for name, value in scores.items():
        if value is None:
            continue
        if scores[best] is None or value > scores[best] + TIE:
            best = name
    return {"model": best, "rule": PRIMARY_RULE,
            "scores": {k: (None if v is None else round(v, 6)) for k, v in scores.items()}}


def _spec(spec: ModelSpec) -> dict:
    return {"label": spec.label, "kind": spec.kind, "features": list(spec.features),
            "missing_flags": spec.missing_flags}


def protocol(models: tuple[ModelSpec, ...], slipping_models: tuple[ModelSpec, ...]) -> dict:
    """The fixed protocol as data (what `fingerprint` digests)."""
    return {
        "development_origins": [f"{y}-04-01" for y in DEVELOPMENT_ORIGINS],
        "held_back_origins": [f"{y}-04-01" for y in HELD_BACK_ORIGINS],
        "candidates": list(CANDIDATES), "primary_rule": PRIMARY_RULE, "choice_metric": CHOICE_METRIC,
        "models": {s.name: _spec(s) for s in models},
        "slipping_models": {s.name: _spec(s) for s in slipping_models},
        "targets": sorted(TARGETS), "first_target": INADEQUATE,
        "c_grid": list(C_GRID), "gbm_params": dict(GBM_PARAMS), "winsorise": list(WINSORISE),
        "min_recalibration": MIN_RECALIBRATION, "min_training": MIN_TRAINING, "seed": SEED,
    }


def fixed_protocol() -> dict:
    """The protocol of the fixed models (`risk_models.MODELS`, `risk_watchlist.SLIPPING_MODELS`)."""
    from .risk_models import MODELS
    from .risk_watchlist import SLIPPING_MODELS

    return protocol(MODELS, SLIPPING_MODELS)


def fingerprint(fixed: dict) -> str:
    """A short digest of a protocol (`protocol()`): equal digests, equal protocols."""
    text = json.dumps(fixed, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


__all__ = [
    "CANDIDATES", "CHOICE_METRIC", "DEVELOPMENT_ORIGINS", "HELD_BACK_ORIGINS", "MIN_TRAINING", "N_BOOT", "PRIMARY_RULE", "SEED",
    "TIE", "choose_primary", "fingerprint", "fixed_protocol", "protocol",
]
