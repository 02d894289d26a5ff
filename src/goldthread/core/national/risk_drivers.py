"""Inspection risk, the drivers: what pushes a council's probability of 'inadequate' up, in words.

A driver is one group of the primary (logistic) model's design columns: an indicator (its latest value,
its change from the year before and their missing flags), the Ofsted history, or deprivation. Its push
is the sum of its columns' contributions (coefficient x standardised value: its effect on the council's
log-odds against an average training inspection). A driver is listed only when

    * its push is positive (it raises the council's risk), and
    * one of its parts (the value, the change, the last judgement, ...) also pushes the risk up by
      itself and can be put in words whose direction agrees with the figures they quote: "high" only for
      a value above the comparison quoted, "rose" only for a value above last year's, and so on.

The words describe that part (the one pushing up most, when several do), and drivers are listed largest
part first: what the words say is what is ranked. (The rest of a group, such as the missing-value flags
of a council that has a figure, shifts every such council alike and is not described.)

Each driver says why, from what the model has learnt: "In past inspections, councils with fewer repeat
plans were more often judged inadequate". Where the model has learnt that the less worrying-looking value
goes with more risk (fewer repeat plans, lower turnover) it says so, with a possible reading or a plain
warning that the pattern is a question to ask, never a claim of cause. Nothing here changes a
probability: only which drivers are listed and their words.

Values are compared with England's figure for the same year where it lies on the side the words say,
otherwise with the average of the training inspections (the model's own reference point). A missing
figure (mostly years before a dataset existed) is named only when fewer than `n` drivers with a figure
push the risk up.

Driver texts never contain "; " (`drivers` joins a council's drivers with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..measures.registry import NUMBER, PERCENT, RATE
from .indicators import DATASETS, INDICATORS
from .risk_features import (
    CHANGE,
    DEPRIVATION_GROUP,
    FEATURE_BY_COLUMN,
    FEATURE_INDICATORS,
    INDICATOR_WORDS,
    OFSTED_GROUP,
    PREVIOUS_COLUMNS,
    YEAR,
    FeatureSource,
)

if TYPE_CHECKING:
    from .risk_models import FittedModel

SEPARATOR = "; "
# What a page or the command line says for a council with no driver.
NO_DRIVERS = "No published figure stands out as raising it."
HIGH, LOW, ROSE, FELL = "high", "low", "rose", "fell"
# What a driver describes (`Driver.kind`).
LEVEL, MOVE, MISSING, LAST_JUDGEMENT, HISTORY, YEARS, DEPRIVATION = (
    "level", "change", "missing", "last judgement", "history", "years since", "deprivation")

# What a value is compared with: England's figure for the year, else the median council's; or, where that
# lies on the other side, the training inspections' average (the model's own reference point).
ENGLAND, COUNCIL_MEDIAN, PAST_AVERAGE = "England", "council median", "past inspections"

_AGAINST_EXPECTATION = "This goes against what you might expect, so treat it as a question to ask, not a finding"


@dataclass(frozen=True)
class IndicatorWords:
    """How a driver talks about an indicator: `subject` takes "is"; `more` and `fewer` complete "councils
    with ..."; `if_high` / `if_low` are possible readings ("which can mean ...") for a direction that is
    not the expected one (None: the plain warning `_AGAINST_EXPECTATION`)."""

    subject: str
    more: str
    fewer: str
    if_high: str | None = None
    if_low: str | None = None


WORDS: dict[str, IndicatorWords] = {
    "cin_rereferral_rate": IndicatorWords(
        "the rate of re-referrals within 12 months", "more re-referrals", "fewer re-referrals",
        if_low="which can mean cases are kept open for longer, or new concerns about a child already known are "
               "not recorded as re-referrals"),
    "cpp_at_31_march_rate": IndicatorWords(
        "the child protection plan rate", "more children on child protection plans for their population",
        "fewer children on child protection plans for their population",
        if_high="which can reflect higher need in the area",
        if_low="which can mean some risks to children are not being picked up"),
    "cpp_second_or_subsequent": IndicatorWords(
        "the share of repeat child protection plans", "more repeat plans",
        "fewer repeat plans",
        if_low="which can mean plans end too early, or renewed risk to a child who had a plan before is not "
               "recognised"),
    "cla_rate": IndicatorWords(
        "the rate of children in care", "more children in care for their population",
        "fewer children in care for their population",
        if_high="which can reflect higher need in the area",
        if_low="which can mean some children are not brought into care when they need to be"),
    "cla_3plus_placements": IndicatorWords(
        "the share of children in care with three or more placements in the year",
        "more children moving placement three or more times", "fewer children moving placement three or more times"),
    "care_leavers_eet": IndicatorWords(
        "the share of care leavers aged 19 to 21 in education, employment or training",
        "more care leavers in education, employment or training",
        "fewer care leavers in education, employment or training"),
    "csww_turnover_rate": IndicatorWords(
        "social worker turnover", "higher social worker turnover", "lower social worker turnover"),
    "csww_agency_rate": IndicatorWords(
        "the share of agency social workers", "more agency social workers", "fewer agency social workers"),
    "csww_vacancy_rate": IndicatorWords(
        "the social worker vacancy rate", "more social worker posts vacant", "fewer social worker posts vacant"),
    "csww_average_caseload": IndicatorWords(
        "the average social worker caseload", "higher caseloads", "lower caseloads"),
    "ro3_csc_spend_per_child": IndicatorWords(
        "children's social care spending per child", "higher spending per child", "lower spending per child",
        if_high="which can reflect higher need, or the cost of placements",
        if_low="which can reflect tighter budgets"),
}
# The direction in which each indicator is expected to raise risk (+1 higher, -1 lower, 0 neither).
EXPECTED = {indicator_id: sign for indicator_id, _, sign in FEATURE_INDICATORS}

_IMD, _IDACI = "imd_average_score", "idaci_average_score"
_DEPRIVATION = ((_IMD, "imd_vintage", "IMD", 1), (_IDACI, "idaci_vintage", "IDACI", 3))
_GRADE_COLUMNS = frozenset(PREVIOUS_COLUMNS)


@dataclass(frozen=True)
class Driver:
    """One thing pushing a council's p_inadequate up, with the figures its words quote.

    push: the group's contribution to the log-odds (> 0). part: the contribution of the part the words
    describe (`kind`; > 0). direction: HIGH or LOW (the value against `compared_with`), ROSE or FELL (the
    value against last year's, `compared_with`), or None (a judgement, a missing figure). value and
    compared_with are rounded as printed."""

    group: str
    kind: str
    push: float
    part: float
    direction: str | None
    value: float | None
    compared_with: float | None
    text: str


def _group(design_source: str) -> str:
    return FEATURE_BY_COLUMN[design_source].group


def drivers(model: FittedModel, features: pd.DataFrame, source: FeatureSource, names: dict[str, str],
            n: int = 3) -> list[str]:
    """Up to `n` drivers raising each council's risk (rows of `features`), largest first, in words joined
    by "; " ("" when nothing in its figures pushes its risk up). See `explain`."""
    return [SEPARATOR.join(d.text for d in found) for found in explain(model, features, source, names, n)]


def explain(model: FittedModel, features: pd.DataFrame, source: FeatureSource, names: dict[str, str],
            n: int = 3) -> list[list[Driver]]:
    """For each row of `features`, up to `n` `Driver`s: the groups whose push is positive and that have a
    part pushing the risk up that can be put in words (module notes), largest part first; a missing figure
    only after every driver with a figure."""
    contributions = model.contributions(features)
    names_of = list(model.design.names)
    groups = [_group(s) for s in model.design.sources]
    by_group = contributions.T.groupby(groups, sort=False).sum().T
    members: dict[str, list[str]] = {}
    for name, group in zip(names_of, groups, strict=True):
        members.setdefault(group, []).append(name)
    means = dict(zip(names_of, model.design.mean, strict=True))
    coefficients = dict(zip(names_of, model.estimator.coef_[0], strict=True))
    current = set(source.code_map.councils.loc[source.code_map.councils["status"] == "current", "la_code"])
    context = _Context(source, names, means, coefficients, current)
    out = []
    for index in features.index:
        row = features.loc[index]
        totals = by_group.loc[index].sort_values(ascending=False, kind="stable")
        found, missing = [], []
        for group, push in totals.items():
            if not push > 0:
                break
            parts = {name: float(contributions.at[index, name]) for name in members[group]}
            driver = _describe(group, float(push), row, parts, context)
            if driver is not None:
                (missing if driver.kind == MISSING else found).append(driver)
        found.sort(key=lambda d: -d.part)  # stable: equal parts keep the order of their groups' pushes
        missing.sort(key=lambda d: -d.part)
        out.append((found + missing)[:n])
    return out


@dataclass(frozen=True)
class _Context:
    source: FeatureSource
    names: dict[str, str]
    means: dict[str, float]
    coefficients: dict[str, float]
    current: set[str]


def _describe(group: str, push: float, row: pd.Series, parts: dict[str, float], context: _Context) -> Driver | None:
    if group == OFSTED_GROUP:
        candidates = _ofsted(push, row, parts, context)
    elif group == DEPRIVATION_GROUP:
        candidates = _deprivation(push, row, parts, context)
    else:
        candidates = _indicator(group, push, row, parts, context)
    candidates = [c for c in candidates if c is not None and c.part > 0]
    return max(candidates, key=lambda c: c.part) if candidates else None


# --------------------------------------------------------------------------- indicators


def _indicator(group: str, push: float, row: pd.Series, parts: dict[str, float],
               context: _Context) -> list[Driver | None]:
    value = row[group]
    if pd.isna(value):
        flag = parts.get(f"{group} missing", 0.0)
        return [_missing(group, push, flag)]
    year = int(row[group + YEAR])
    return [_level(group, push, parts.get(group, 0.0), float(value), year, context),
            _move(group, push, parts.get(group + CHANGE, 0.0), float(value), row[group + CHANGE], year, context)]


def _level(group: str, push: float, part: float, value: float, year: int, context: _Context) -> Driver | None:
    """The latest value, when it pushes the risk up by itself: HIGH when the model has learnt that higher
    values go with more risk (so the value is above the training average), LOW when lower ones do."""
    coefficient = context.coefficients.get(group, 0.0)
    if not part > 0 or coefficient == 0:
        return None
    direction = HIGH if coefficient > 0 else LOW
    shown = _shown(group, value)
    comparisons = []
    england = _england(context.source, group, year)
    if england is not None:
        comparisons.append(england)
    comparisons.append((PAST_AVERAGE, context.means[group]))
    agrees = [(label, other) for label, other in comparisons
              if ((shown > _shown(group, other)) if direction == HIGH else (shown < _shown(group, other)))]
    if not agrees:
        return None  # no comparison the words could honestly quote
    label, other = agrees[0]
    other_shown = _shown(group, other)
    words = WORDS[group]
    other_text = _value_text(group, other, short=True)
    against = {ENGLAND: f"against {other_text} in England", COUNCIL_MEDIAN: f"against a council median of {other_text}",
               PAST_AVERAGE: f"against an average of {other_text} at past inspections"}[label]
    text = (f"{words.subject} is {direction}: {_value_text(group, value)} in {_period(group, year)}, {against}. "
            f"In past inspections, councils with {words.more if direction == HIGH else words.fewer} were more "
            f"often judged inadequate{_reading(group, direction)}")
    return Driver(group, LEVEL, push, part, direction, shown, other_shown, text)


def _move(group: str, push: float, part: float, value: float, change, year: int, context: _Context) -> Driver | None:
    """The change from the year before, when it pushes the risk up by itself and moved the way the model
    has learnt goes with more risk (a rise when rises do; a fall when falls do)."""
    coefficient = context.coefficients.get(group + CHANGE, 0.0)
    if not part > 0 or pd.isna(change) or coefficient == 0:
        return None
    direction = ROSE if coefficient > 0 else FELL
    before = value - float(change)
    shown, before_shown = _shown(group, value), _shown(group, before)
    if not ((shown > before_shown) if direction == ROSE else (shown < before_shown)):
        return None  # it moved the other way, or too little to print: the words would contradict the figures
    words = WORDS[group]
    moved = "risen" if direction == ROSE else "fallen"
    text = (f"{words.subject} {direction} by {_delta_text(group, shown - before_shown)}, from "
            f"{_value_text(group, before, short=True)} to {_value_text(group, value)} "
            f"({_period(group, year - 1)} to {_period(group, year)}). In past inspections, councils where "
            f"{words.subject} had {moved} were more often judged inadequate"
            f"{_reading(group, HIGH if direction == ROSE else LOW)}")
    return Driver(group, MOVE, push, part, direction, shown, before_shown, text)


def _missing(group: str, push: float, flag: float) -> Driver | None:
    if not flag > 0:
        return None
    text = (f"no recent published figure for {INDICATOR_WORDS[group]}. In past inspections, councils without a "
            f"recent figure were more often judged inadequate (often because those inspections came before the "
            f"figure was first published).")
    return Driver(group, MISSING, push, flag, None, None, None, text)


def _reading(group: str, direction: str) -> str:
    """Why a value in `direction` may go with more risk, when that is not the expected direction."""
    expected = EXPECTED.get(group, 0)
    if (direction == HIGH and expected > 0) or (direction == LOW and expected < 0):
        return "."
    words = WORDS[group]
    reading = words.if_high if direction == HIGH else words.if_low
    if reading:
        return f", {reading}."
    return f". {_AGAINST_EXPECTATION}."


# --------------------------------------------------------------------------- the Ofsted history


def _ofsted(push: float, row: pd.Series, parts: dict[str, float], context: _Context) -> list[Driver | None]:
    grade = row["last_grade"]
    grade_part = sum(v for k, v in parts.items() if k in _GRADE_COLUMNS)
    if pd.isna(grade):
        first = grade_part + parts.get("years_since_last missing", 0.0)
        return [Driver(OFSTED_GROUP, LAST_JUDGEMENT, push, first, None, None, None,
                       "no graded Ofsted inspection yet. In past inspections, councils inspected for the first "
                       "time were more often judged inadequate.")]
    when = _month(row["last_publication_date"])
    whose = "" if row["last_la_code"] == row["la_code"] else \
        f" (as {context.names.get(row['last_la_code'], row['last_la_code'])})"
    out = []
    if grade_part > 0:
        reading = "." if grade in ("requires improvement", "inadequate", "adequate") else f". {_AGAINST_EXPECTATION}."
        out.append(Driver(OFSTED_GROUP, LAST_JUDGEMENT, push, grade_part, None, None, None,
                          f"judged {grade} at its last inspection ({when}{whose}). In past inspections, councils "
                          f"last judged {grade} were more often judged inadequate at the next one{reading}"))
    history = parts.get("previously_inadequate", 0.0)
    if history > 0:
        if row["previously_inadequate"] == 1:
            out.append(Driver(OFSTED_GROUP, HISTORY, push, history, None, None, None,
                              f"judged inadequate in {_month(row['last_inadequate_date'])}. In past inspections, "
                              f"councils judged inadequate before were more often judged inadequate again."))
        else:
            first = context.source.graded["publication_date"].min()
            out.append(Driver(OFSTED_GROUP, HISTORY, push, history, None, None, None,
                              f"not judged inadequate at any inspection since {first:%Y}. In past inspections, "
                              f"councils never judged inadequate were more often judged inadequate than those "
                              f"that had been, which can reflect the support and checks that follow an "
                              f"inadequate judgement."))
    out.append(_years(push, row, parts.get("years_since_last", 0.0), grade, when, whose, context))
    return out


def _years(push: float, row: pd.Series, part: float, grade: str, when: str, whose: str,
           context: _Context) -> Driver | None:
    coefficient = context.coefficients.get("years_since_last", 0.0)
    years = row["years_since_last"]
    if not part > 0 or pd.isna(years) or coefficient == 0 or "years_since_last" not in context.means:
        return None
    shown, average = round(float(years), 1), round(float(context.means["years_since_last"]), 1)
    direction = HIGH if coefficient > 0 else LOW
    if not ((shown > average) if direction == HIGH else (shown < average)):
        return None
    last = f"({grade}, {when}{whose})"
    if direction == HIGH:
        text = (f"{shown:.1f} years since its last graded inspection {last}, against {average:.1f} years on "
                f"average at past inspections. In past inspections, councils that had gone longer without an "
                f"inspection were more often judged inadequate.")
    else:
        text = (f"only {shown:.1f} years since its last graded inspection {last}, against {average:.1f} years "
                f"on average at past inspections. In past inspections, councils inspected again sooner were more "
                f"often judged inadequate, which can reflect Ofsted returning sooner where it has concerns.")
    return Driver(OFSTED_GROUP, YEARS, push, part, direction, shown, average, text)


# --------------------------------------------------------------------------- deprivation


def _deprivation(push: float, row: pd.Series, parts: dict[str, float], context: _Context) -> list[Driver | None]:
    out = []
    for column, vintage_column, label, digits in _DEPRIVATION:
        value, part = row[column], parts.get(column, 0.0)
        coefficient = context.coefficients.get(column, 0.0)
        if pd.isna(value) or not part > 0 or coefficient == 0 or column not in context.means:
            continue
        direction = HIGH if coefficient > 0 else LOW
        shown, average = round(float(value), digits), round(float(context.means[column]), digits)
        if not ((shown > average) if direction == HIGH else (shown < average)):
            continue
        vintage = int(row[vintage_column])
        values = context.source.values
        peers = values[(values["indicator_id"] == column) & (values["year"] == vintage)
                       & values["la_code"].isin(context.current)]
        rank = int((peers["value"] > value).sum()) + 1
        reading = "." if direction == HIGH else f". {_AGAINST_EXPECTATION}."
        text = (f"deprivation is {direction}: {label} {vintage} average score {shown:.{digits}f} "
                f"({'the' if rank == 1 else _ordinal(rank)} most deprived of {len(peers)} councils), against {average:.{digits}f} on "
                f"average at past inspections. In past inspections, councils serving "
                f"{'more' if direction == HIGH else 'less'} deprived areas were more often judged "
                f"inadequate{reading}")
        out.append(Driver(DEPRIVATION_GROUP, DEPRIVATION, push, part, direction, shown, average, text))
    return out


# --------------------------------------------------------------------------- figures in words


def _period(indicator_id: str, year: int) -> str:
    reference = DATASETS[INDICATORS[indicator_id].source].reference_date
    if reference == (3, 31):
        return f"{year - 1}-{year % 100:02d}"
    if reference == (9, 30):
        return f"September {year}"
    return str(year)


def _digits(indicator_id: str) -> int:
    """Decimal places a value of the indicator is printed with."""
    unit = INDICATORS[indicator_id].unit
    if indicator_id == "ro3_csc_spend_per_child" or unit == RATE:
        return 0
    return 1 if unit in (PERCENT, NUMBER) or indicator_id == "csww_average_caseload" else 3


def _shown(indicator_id: str, value: float) -> float:
    """The value as printed (so a comparison in words is a comparison of the printed figures)."""
    return float(np.round(value, _digits(indicator_id)))


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
    return f"{value:.{_digits(indicator_id)}f}"


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
        return ENGLAND, float(rows["value"].iloc[0])
    councils = source.values[(source.values["indicator_id"] == indicator_id) & (source.values["year"] == year)]
    if len(councils):
        return COUNCIL_MEDIAN, float(councils["value"].median())
    return None


def _month(value) -> str:
    return f"{pd.Timestamp(value):%B %Y}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


__all__ = ["EXPECTED", "NO_DRIVERS", "SEPARATOR", "WORDS", "Driver", "drivers", "explain"]
