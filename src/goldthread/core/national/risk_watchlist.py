"""Inspection risk, the "slipping from good" watchlist: councils whose last judgement was good or outstanding,
ranked by their risk of a below-good judgement (requires improvement or inadequate) at their next
inspection, from the published workforce figures that go with slipping.

Why a list of its own: the early-warning model barely picks out the councils that will be judged
inadequate (most of its skill is the previous judgement and deprivation), but among councils judged good
or outstanding, the one framing where published indicators added measurable signal in the re-analysis
behind issue 14 was slipping below good, from vacancy, agency and caseload figures.

Population: an inspection belongs if the council's last judgement published before it (before its feature
date; a reorganised council's predecessors' as for the model) was good or outstanding. Training, testing
and scoring all use that population only.

Models (`SLIPPING_MODELS`, fixed before the backtest runs; `risk_protocol` picks the primary from
SLIPPING_CANDIDATES with the same rule as the main model)
    gbm, logistic: the previous judgement (outstanding or good), deprivation (IMD average score) and the
        four workforce figures (vacancy, agency, turnover, caseload) with their changes from the year
        before: the baseline's features plus the workforce, so what the workforce adds is measured.
    the baselines: previous judgement only, deprivation only, both; and the training base rate.
The target is below good only (`SLIPPING_TARGETS`); the recalibration to the framework in force works as
for the main model.
"""

from __future__ import annotations

import pandas as pd

from .risk_features import CHANGE, Y_BELOW_GOOD
from .risk_models import BASE_RATE, BELOW_GOOD, GBM, IMD, LOGISTIC, ModelSpec

GOOD_GRADES = ("good", "outstanding")
WORKFORCE = ("csww_vacancy_rate", "csww_agency_rate", "csww_turnover_rate", "csww_average_caseload")
WORKFORCE_FEATURES = tuple(f for ind in WORKFORCE for f in (ind, ind + CHANGE))
PREVIOUS_GOOD = ("prev_outstanding", "prev_good")

SLIPPING_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("gbm", "Gradient boosting, monotone: workforce, previous judgement, IMD", GBM,
              (*WORKFORCE_FEATURES, "prev_grade_rank", *IMD)),
    ModelSpec("logistic", "Logistic regression: workforce, previous judgement, IMD", LOGISTIC,
              (*WORKFORCE_FEATURES, *PREVIOUS_GOOD, *IMD)),
    ModelSpec("previous", "Baseline: previous judgement only", LOGISTIC, PREVIOUS_GOOD),
    ModelSpec("imd", "Baseline: deprivation (IMD) only", LOGISTIC, IMD),
    ModelSpec("previous_imd", "Baseline: previous judgement + IMD", LOGISTIC, (*PREVIOUS_GOOD, *IMD)),
    ModelSpec("base_rate", "Reference: training base rate", BASE_RATE),
)
SLIPPING_CANDIDATES = ("gbm", "logistic")
SLIPPING_TARGETS = {BELOW_GOOD: Y_BELOW_GOOD}
SLIPPING_COMPARISONS = (
    ("gbm", "previous_imd"), ("logistic", "previous_imd"), ("gbm", "previous"), ("logistic", "previous"),
    ("gbm", "logistic"),
)
POPULATION = ("councils whose last judgement published before the date was good or outstanding (a reorganised "
              "council without its own: its predecessors')")


def in_population(frame: pd.DataFrame) -> pd.Series:
    """Rows (examples, test inspections or councils' features) whose last judgement was good or outstanding."""
    return frame["last_grade"].isin(GOOD_GRADES)


def slipping_population(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[in_population(frame)]


__all__ = [
    "GOOD_GRADES", "POPULATION", "SLIPPING_CANDIDATES", "SLIPPING_COMPARISONS", "SLIPPING_MODELS",
    "SLIPPING_TARGETS", "WORKFORCE", "WORKFORCE_FEATURES", "in_population", "slipping_population",
]
