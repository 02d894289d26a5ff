"""Inspection risk, the drivers: what pushes a council's probability up, in words, and the question each
one prompts.

A driver is one group of the model's parts (`FittedModel.contributions`): an indicator (its latest value,
its change from the year before, and for a logistic model with flags their missing flags), the Ofsted
history, or deprivation. A part's contribution is its effect on the council's log-odds against an average
training inspection (logistic: coefficient x standardised value; gradient boosting: its Shapley value);
a group's push is the sum of its parts'. A driver is listed only when

    * its push is positive (it raises the council's risk), and
    * one of its parts (the value, the change, the last judgement, ...) also pushes the risk up by
      itself and can be put in words whose direction agrees with the figures they quote: "high" only for
      a value above the comparison quoted, "rose" only for a value above last year's, and so on.

The words describe that part (the one pushing up most, when several do), and drivers are listed largest
part first: what the words say is what is ranked. (The rest of a group, such as the change of a figure
whose level is described, is not described.)

Which way is "more risk": where the model raises the risk with a feature everywhere (a logistic
coefficient's sign, a monotone constraint of the gradient boosting model), that way; where it depends on
the value (gradient boosting without a constraint), the side of the training average the council is on.

Each driver says why, from what the model has learnt: "In past inspections, councils with fewer repeat
plans were more often judged inadequate" (or "judged below good", for the slipping-from-good watchlist:
`outcome`). Where the model has learnt that the less worrying-looking value goes with more risk (fewer
repeat plans, lower turnover) it says so, with a possible reading or a plain warning that the pattern is a
question to ask, never a claim of cause. Nothing here changes a probability: only which drivers are
listed and their words.

Each driver also carries a `question`: the figure in a few words and what an adviser might ask about it
("the social worker vacancy rate rose from 12.0% to 21.0% in a year: is the front door holding, and are
caseloads safe?"). The council pages show these: the scores are a prompt for questions, not a forecast.

Values are compared with England's figure for the same year where it lies on the side the words say,
otherwise with the average of the training inspections (the model's own reference point). A missing
figure is named only where the model learnt something from the figure being missing (gradient boosting,
or a logistic model with missing-value flags), and only when fewer than `n` drivers with a figure push the
risk up.

Driver texts and questions never contain "; " (`drivers` joins a council's drivers with it).
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
# The outcome the words say councils were "more often" given.
INADEQUATE_OUTCOME, BELOW_GOOD_OUTCOME = "judged inadequate", "judged below good"

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

# What to ask about each indicator when it is high (or rose) and when it is low (or fell).
QUESTIONS: dict[str, dict[str, str]] = {
    "cin_rereferral_rate": {
        HIGH: "are cases closed before help has made a lasting difference?",
        LOW: "are new concerns about children already known recorded as re-referrals?"},
    "cpp_at_31_march_rate": {
        HIGH: "is the threshold for child protection understood and applied consistently?",
        LOW: "are risks to children recognised and escalated in time?"},
    "cpp_second_or_subsequent": {
        HIGH: "are plans ending before the risk to the child has really reduced?",
        LOW: "is renewed risk to a child who had a plan before recognised?"},
    "cla_rate": {
        HIGH: "are families getting help early enough to stay together safely?",
        LOW: "do children who need care come into care in time?"},
    "cla_3plus_placements": {
        HIGH: "are there enough homes that suit the children in care?",
        LOW: "are children kept in homes that no longer meet their needs?"},
    "care_leavers_eet": {
        HIGH: "which care leavers are not reached, and why?",
        LOW: "what help do care leavers get into education, training and work?"},
    "csww_turnover_rate": {
        HIGH: "what is driving social workers to leave, and how often do children change worker?",
        LOW: "is the workforce stable because it is well supported, or because posts are covered by agency staff?"},
    "csww_agency_rate": {
        HIGH: "how stable are children's relationships with their social workers?",
        LOW: "are posts filled, or simply left vacant?"},
    "csww_vacancy_rate": {
        HIGH: "is the front door holding, and are caseloads safe?",
        LOW: "are vacancies covered in ways the figures do not show?"},
    "csww_average_caseload": {
        HIGH: "are caseloads small enough for good practice?",
        LOW: "is the work being counted, and reaching social workers, as it should?"},
    "ro3_csc_spend_per_child": {
        HIGH: "what is driving the cost, and is it buying good help?",
        LOW: "is the budget enough for the level of need?"},
}

_IMD, _IDACI = "imd_average_score", "idaci_average_score"
_DEPRIVATION = ((_IMD, "imd_vintage", "IMD", 1), (_IDACI, "idaci_vintage", "IDACI", 3))
_GRADE_COLUMNS = frozenset(PREVIOUS_COLUMNS) | {"prev_grade_rank"}


@dataclass(frozen=True)
class Driver:
    """One thing pushing a council's probability up, with the figures its words quote.

    push: the group's contribution to the log-odds (> 0). part: the contribution of the part the words
    describe (`kind`; > 0). direction: HIGH or LOW (the value against `compared_with`), ROSE or FELL (the
    value against last year's, `compared_with`), or None (a judgement, a missing figure). value and
    compared_with are rounded as printed. text: why, in words; question: the prompt for an adviser."""

    group: str
    kind: str
    push: float
    part: float
    direction: str | None
    value: float | None
    compared_with: float | None
    text: str
    question: str = ""


def _group(source_column: str) -> str:
    return FEATURE_BY_COLUMN[source_column].group


def drivers(model: FittedModel, features: pd.DataFrame, source: FeatureSource, names: dict[str, str],
            n: int = 3, outcome: str = INADEQUATE_OUTCOME) -> list[str]:
    """Up to `n` drivers raising each council's risk (rows of `features`), largest first, in words joined
    by "; " ("" when nothing in its figures pushes its risk up). See `explain`."""
    return [SEPARATOR.join(d.text for d in found) for found in explain(model, features, source, names, n, outcome)]


def explain(model: FittedModel, features: pd.DataFrame, source: FeatureSource, names: dict[str, str],
            n: int = 3, outcome: str = INADEQUATE_OUTCOME) -> list[list[Driver]]:
    """For each row of `features`, up to `n` `Driver`s: the groups whose push is positive and that have a
    part pushing the risk up that can be put in words (module notes), largest part first; a missing figure
    only after every driver with a figure."""
    if not model.explainable:
        return [[] for _ in range(len(features))]
    contributions = model.contributions(features)
    parts_of = list(model.parts)
    groups = [_group(model.part_source(p)) for p in parts_of]
    by_group = contributions.T.groupby(groups, sort=False).sum().T
    members: dict[str, list[str]] = {}
    for name, group in zip(parts_of, groups, strict=True):
        members.setdefault(group, []).append(name)
    current = set(source.code_map.councils.loc[source.code_map.councils["status"] == "current", "la_code"])
    context = _Context(source, names, model, current, outcome)
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
    model: FittedModel
    current: set[str]
    outcome: str

    def average(self, column: str) -> float | None:
        return self.model.average(column)

    def direction(self, column: str, value: float, up: str, down: str) -> str | None:
        """`up` or `down`: the way the model raises risk with `column` (module notes); None when it
        cannot be said (an unused feature, or a free one with no training average)."""
        slope = self.model.slope(column)
        if slope:
            return up if slope > 0 else down
        if self.model.spec.kind != "gbm":
            return None
        average = self.average(column)
        if average is None or value == average:
            return None
        return up if value > average else down


def _describe(group: str, push: float, row: pd.Series, parts: dict[str, float], context: _Context) -> Driver | None:
    if group == OFSTED_GROUP:
        candidates = _ofsted(push, row, parts, context)
    elif group == DEPRIVATION_GROUP:
        candidates = _deprivation(push, row, parts, context)
    else:
        candidates = _indicator(group, push, row, parts, context)
    candidates = [c for c in candidates if c is not None and c.part > 0]
    return max(candidates, key=lambda c: c.part) if candidates else None


def _more_often(context: _Context) -> str:
    return f"were more often {context.outcome}"


# --------------------------------------------------------------------------- indicators


def _indicator(group: str, push: float, row: pd.Series, parts: dict[str, float],
               context: _Context) -> list[Driver | None]:
    value = row[group]
    if pd.isna(value):
        return [_missing(group, push, _missing_part(group, parts, context), context)]
    year = int(row[group + YEAR])
    return [_level(group, push, parts.get(group, 0.0), float(value), year, context),
            _move(group, push, parts.get(group + CHANGE, 0.0), float(value), row[group + CHANGE], year, context)]


def _missing_part(group: str, parts: dict[str, float], context: _Context) -> float:
    """What the model learnt from the figure being missing: its flag (logistic with flags), or the
    contributions of the missing value and change (gradient boosting routes missing values); 0 for a
    logistic model without flags, which only fills in the median."""
    if context.model.spec.kind == "gbm":
        return parts.get(group, 0.0) + parts.get(group + CHANGE, 0.0)
    return parts.get(f"{group} missing", 0.0)


def _level(group: str, push: float, part: float, value: float, year: int, context: _Context) -> Driver | None:
    """The latest value, when it pushes the risk up by itself: HIGH when the model raises the risk with
    higher values (here), LOW when with lower ones."""
    average = context.average(group)
    if not part > 0 or average is None:
        return None
    direction = context.direction(group, value, HIGH, LOW)
    if direction is None:
        return None
    shown = _shown(group, value)
    comparisons = []
    england = _england(context.source, group, year)
    if england is not None:
        comparisons.append(england)
    comparisons.append((PAST_AVERAGE, average))
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
            f"In past inspections, councils with {words.more if direction == HIGH else words.fewer} "
            f"{_more_often(context)}{_reading(group, direction)}")
    short_against = {ENGLAND: f"against {other_text} in England", COUNCIL_MEDIAN: f"against a median of {other_text}",
                     PAST_AVERAGE: f"against {other_text} on average"}[label]
    question = (f"{words.subject} is {direction} ({_value_text(group, value, short=True)} in {_period(group, year)}, "
                f"{short_against}): {QUESTIONS[group][direction]}")
    return Driver(group, LEVEL, push, part, direction, shown, other_shown, text, question)


def _move(group: str, push: float, part: float, value: float, change, year: int, context: _Context) -> Driver | None:
    """The change from the year before, when it pushes the risk up by itself and moved the way the model
    raises the risk with (a rise when rises do; a fall when falls do)."""
    if not part > 0 or pd.isna(change):
        return None
    direction = context.direction(group + CHANGE, float(change), ROSE, FELL)
    if direction is None:
        return None
    before = value - float(change)
    shown, before_shown = _shown(group, value), _shown(group, before)
    if not ((shown > before_shown) if direction == ROSE else (shown < before_shown)):
        return None  # it moved the other way, or too little to print: the words would contradict the figures
    words = WORDS[group]
    moved = "risen" if direction == ROSE else "fallen"
    text = (f"{words.subject} {direction} by {_delta_text(group, shown - before_shown)}, from "
            f"{_value_text(group, before, short=True)} to {_value_text(group, value)} "
            f"({_period(group, year - 1)} to {_period(group, year)}). In past inspections, councils where "
            f"{words.subject} had {moved} {_more_often(context)}"
            f"{_reading(group, HIGH if direction == ROSE else LOW)}")
    question = (f"{words.subject} {direction} from {_value_text(group, before, short=True)} to "
                f"{_value_text(group, value, short=True)} in a year ({_period(group, year - 1)} to "
                f"{_period(group, year)}): {QUESTIONS[group][HIGH if direction == ROSE else LOW]}")
    return Driver(group, MOVE, push, part, direction, shown, before_shown, text, question)


def _missing(group: str, push: float, part: float, context: _Context) -> Driver | None:
    if not part > 0:
        return None
    text = (f"no recent published figure for {INDICATOR_WORDS[group]}. In past inspections, councils without a "
            f"recent figure {_more_often(context)} (often because those inspections came before the figure was "
            f"first published).")
    question = (f"no recent published figure for {INDICATOR_WORDS[group]}: is it recorded and returned to the "
                f"DfE, and what does the council's own figure show?")
    return Driver(group, MISSING, push, part, None, None, None, text, question)


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
    grade_part = sum(v for k, v in parts.items() if context.model.part_source(k) in _GRADE_COLUMNS)
    if pd.isna(grade):
        # No judgement yet: the grade parts and the missing years since the last one are that one fact.
        first = grade_part + parts.get("years_since_last missing", 0.0) + parts.get("years_since_last", 0.0)
        return [Driver(OFSTED_GROUP, LAST_JUDGEMENT, push, first, None, None, None,
                       f"no graded Ofsted inspection yet. In past inspections, councils inspected for the first "
                       f"time {_more_often(context)}.",
                       "no graded Ofsted inspection of its own yet: how well do leaders know the quality of "
                       "practice, and how do they test it?")]
    when = _month(row["last_publication_date"])
    whose = "" if row["last_la_code"] == row["la_code"] else \
        f" (as {context.names.get(row['last_la_code'], row['last_la_code'])})"
    out = []
    if grade_part > 0:
        expected = grade in ("requires improvement", "inadequate", "adequate")
        reading = "." if expected else f". {_AGAINST_EXPECTATION}."
        question = ("how far has the service moved on the last inspection's recommendations?" if expected else
                    "how do leaders check that practice is still as good as the last inspection found?")
        out.append(Driver(OFSTED_GROUP, LAST_JUDGEMENT, push, grade_part, None, None, None,
                          f"judged {grade} at its last inspection ({when}{whose}). In past inspections, councils "
                          f"last judged {grade} {_more_often(context)} at the next one{reading}",
                          f"judged {grade} at its last inspection ({when}{whose}): {question}"))
    history = parts.get("previously_inadequate", 0.0)
    if history > 0:
        again = " again" if context.outcome == INADEQUATE_OUTCOME else ""
        if row["previously_inadequate"] == 1:
            out.append(Driver(OFSTED_GROUP, HISTORY, push, history, None, None, None,
                              f"judged inadequate in {_month(row['last_inadequate_date'])}. In past inspections, "
                              f"councils judged inadequate before {_more_often(context)}{again}.",
                              f"judged inadequate in {_month(row['last_inadequate_date'])}: are the improvements "
                              f"made since then holding?"))
        else:
            first = context.source.graded["publication_date"].min()
            out.append(Driver(OFSTED_GROUP, HISTORY, push, history, None, None, None,
                              f"not judged inadequate at any inspection since {first:%Y}. In past inspections, "
                              f"councils never judged inadequate {_more_often(context)} than those "
                              f"that had been, which can reflect the support and checks that follow an "
                              f"inadequate judgement.",
                              f"not judged inadequate since {first:%Y}: without the checks that follow an "
                              f"inadequate judgement, how do leaders find out what is not working?"))
    out.append(_years(push, row, parts.get("years_since_last", 0.0), grade, when, whose, context))
    return out


def _years(push: float, row: pd.Series, part: float, grade: str, when: str, whose: str,
           context: _Context) -> Driver | None:
    years = row["years_since_last"]
    average_value = context.average("years_since_last")
    if not part > 0 or pd.isna(years) or average_value is None:
        return None
    direction = context.direction("years_since_last", float(years), HIGH, LOW)
    if direction is None:
        return None
    shown, average = round(float(years), 1), round(float(average_value), 1)
    if not ((shown > average) if direction == HIGH else (shown < average)):
        return None
    last = f"({grade}, {when}{whose})"
    if direction == HIGH:
        text = (f"{shown:.1f} years since its last graded inspection {last}, against {average:.1f} years on "
                f"average at past inspections. In past inspections, councils that had gone longer without an "
                f"inspection {_more_often(context)}.")
        question = (f"{shown:.1f} years since its last graded inspection: what has changed since, and would an "
                    f"inspection find what leaders expect?")
    else:
        text = (f"only {shown:.1f} years since its last graded inspection {last}, against {average:.1f} years "
                f"on average at past inspections. In past inspections, councils inspected again sooner "
                f"{_more_often(context)}, which can reflect Ofsted returning sooner where it has concerns.")
        question = (f"only {shown:.1f} years since its last graded inspection: what concerns might bring Ofsted "
                    f"back early?")
    return Driver(OFSTED_GROUP, YEARS, push, part, direction, shown, average, text, question)


# --------------------------------------------------------------------------- deprivation


def _deprivation(push: float, row: pd.Series, parts: dict[str, float], context: _Context) -> list[Driver | None]:
    out = []
    for column, vintage_column, label, digits in _DEPRIVATION:
        value, part = row[column], parts.get(column, 0.0)
        average_value = context.average(column)
        if pd.isna(value) or not part > 0 or average_value is None:
            continue
        direction = context.direction(column, float(value), HIGH, LOW)
        if direction is None:
            continue
        shown, average = round(float(value), digits), round(float(average_value), digits)
        if not ((shown > average) if direction == HIGH else (shown < average)):
            continue
        vintage = int(row[vintage_column])
        values = context.source.values
        peers = values[(values["indicator_id"] == column) & (values["year"] == vintage)
                       & values["la_code"].isin(context.current)]
        rank = int((peers["value"] > value).sum()) + 1
        reading = "." if direction == HIGH else f". {_AGAINST_EXPECTATION}."
        place = f"{'the' if rank == 1 else _ordinal(rank)} most deprived of {len(peers)} councils"
        text = (f"deprivation is {direction}: {label} {vintage} average score {shown:.{digits}f} "
                f"({place}), against {average:.{digits}f} on average at past inspections. In past inspections, "
                f"councils serving {'more' if direction == HIGH else 'less'} deprived areas "
                f"{_more_often(context)}{reading}")
        question = (f"deprivation is {direction} ({place}, {label} {vintage}): "
                    + ("is the service resourced and organised for the level of need?" if direction == HIGH else
                       "are needs that deprivation figures miss being recognised?"))
        out.append(Driver(DEPRIVATION_GROUP, DEPRIVATION, push, part, direction, shown, average, text, question))
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


__all__ = [
    "BELOW_GOOD_OUTCOME", "EXPECTED", "INADEQUATE_OUTCOME", "NO_DRIVERS", "QUESTIONS", "SEPARATOR", "WORDS", "Driver",
    "drivers", "explain",
]
