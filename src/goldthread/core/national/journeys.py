"""Councils' Ofsted journeys: their judgements over time, and where inadequate councils went next.

Works on the inspections table of `ofsted.read_inspections` (or any table with its columns; hand-made
ones need only la_code, framework, inspection_type, inspection_date, publication_date and
overall_effectiveness).

Definitions and decisions
* A *graded inspection* is a standard, short or re-inspection with an overall grade. Focused visits and
  monitoring visits carry no grade; SLAC inspections (2009-12) graded safeguarding and looked-after
  children separately with no overall grade. `journey` keeps all of these as rows flagged by `record`,
  but they never start, end or interrupt a period in a grade.
* Grades, best first: outstanding > good > adequate (the third grade of the 2009-13 SLAC/CPI-era
  frameworks) > requires improvement > inadequate (`GRADE_RANK`). Transition tables group adequate
  with requires improvement (`ADEQUATE_GROUP`): both mean "below good but not inadequate". (Ofsted's
  2023 publication already reports the older frameworks on the four-point scale, so the packaged data
  has no "adequate"; hand-entered tables may.)
* Dates and durations. Inspections before ILACS (2018) have only a publication date, so every duration
  runs from publication to publication (`DATE_BASIS`): a grade is in force from the day its report is
  published until the next graded report is. Years are days / 365.25.
* Two records of one inspection (the same council with the same publication date, or the same
  inspection date, e.g. from overlapping sources) count once: the record with an inspection date,
  then the one from Ofsted's ILACS history, then the first, is kept; the other stays in `journey`
  flagged as a duplicate, and the kept one's `note` says so (and what the other says if it differs).
* Transitions use whole-service inspections only by default (`WHOLE_SERVICE_FRAMEWORKS`: SIF, its
  re-inspections and ILACS): CPI (child protection) and TLAC (looked-after children) judged one service
  each, so a CPI judgement followed by a TLAC one is not a council's next overall judgement.
* Reorganised councils are followed through the `CodeMap`. Recoded councils are the same council
  (`CodeMap.canonical`). A council with no later graded inspection of its own that was abolished:
  - merged wholly into one successor (Bournemouth, Poole -> BCP): the successor's first graded
    inspection after the judgement is its next inspection (`followed` = FOLLOW_MERGE);
  - split between successors (Northamptonshire -> North and West Northamptonshire; Cumbria; the old
    Dorset county -> Dorset and BCP): its next inspection is its successors' first graded inspections
    taken together (`followed` = FOLLOW_SPLIT): complete only when every successor has had one, dated
    by the last of them (the day the whole former area had been judged again) and graded by the lowest
    of them (the former area counts as good only if all of it is). Until then it is "not yet
    re-inspected", and `successor_grades` shows the successors' grades so far.
  Each judgement is one row: nothing is dropped or counted twice, and a successor inspection that
  serves as the next inspection of more than one judgement is noted in `note`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import pandas as pd

from .interventions import MODELS, Register
from .lookups import CodeMap, read_code_map
from .ofsted import JUDGEMENTS

GRADE_RANK = {"outstanding": 5, "good": 4, "adequate": 3, "requires improvement": 2, "inadequate": 1}
GRADES = tuple(sorted(GRADE_RANK, key=GRADE_RANK.get, reverse=True))  # best first

# Transition tables count "adequate" (SLAC/CPI era, 2009-13) with "requires improvement": both are
# "below good but not inadequate".
ADEQUATE_GROUP = "requires improvement"
GRADE_GROUP = {grade: grade for grade in GRADES} | {"adequate": ADEQUATE_GROUP}
GOOD_OR_BETTER = ("outstanding", "good")
NOT_YET = "not yet re-inspected"
OUTCOMES = ("outstanding", "good", "requires improvement", "inadequate", NOT_YET)

GRADED_TYPES = ("standard", "short", "re-inspection")
VISIT_TYPES = ("focused visit", "monitoring visit")
WHOLE_SERVICE_FRAMEWORKS = ("SIF", "SIF re-inspection", "ILACS")
SUB_JUDGEMENTS = tuple(j for j in JUDGEMENTS if j != "overall_effectiveness")
DATE_BASIS = "publication_date"
DAYS_PER_YEAR = 365.25

# `record` values in a journey.
GRADED = "graded inspection"
NO_OVERALL = "inspection without overall grade"
DUPLICATE = "duplicate record"

# `followed` values in transitions.
FOLLOW_SAME = "same council"
FOLLOW_MERGE = "merged: successor's first inspection"
FOLLOW_SPLIT = "split: successors' first inspections"

# `in_grade_until` values in a journey.
UNTIL_NEXT = "next graded inspection"
UNTIL_AS_OF = "as_of"
UNTIL_ABOLISHED = "council abolished"

JOURNEY_COLUMNS = [
    "la_code", "la_name", "framework", "inspection_type", "record", "graded", "whole_service",
    "inspection_date", "publication_date", "grade", "change", "in_grade_until", "grade_until",
    "days_in_grade", *SUB_JUDGEMENTS, "visit_theme", "note", "sources",
]
TRANSITION_COLUMNS = [
    "la_code", "la_name", "framework", "inspection_type", "inspection_date", "publication_date", "grade",
    "grade_group", "followed", "next_la_code", "next_la_name", "next_framework", "next_inspection_date",
    "next_publication_date", "next_grade", "next_group", "days", "years", "days_waiting",
    "successor_grades", "interventions", "intervention_model", "note",
]


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _text(value) -> str:
    return "" if _blank(value) else str(value)


def _as_of(inspections: pd.DataFrame, as_of) -> pd.Timestamp:
    """`as_of`, or by default the latest publication date in the table (the data's currency)."""
    return pd.Timestamp(as_of) if as_of is not None else pd.Timestamp(inspections["publication_date"].max())


def _prepare(inspections: pd.DataFrame, code_map: CodeMap | None) -> pd.DataFrame:
    """The inspections with canonical codes, `grade`, `record`, `graded` and `note` (duplicates found)."""
    table = inspections.copy().reset_index(drop=True)
    for column in ("inspection_date", "publication_date"):
        table[column] = pd.to_datetime(table[column])
    for column in ("la_name", "sources", "source_note", "visit_theme", *JUDGEMENTS):
        if column not in table.columns:
            table[column] = None
    if code_map is not None:
        table["la_code"] = [code_map.canonical(c) or c for c in table["la_code"]]
    overall = table["overall_effectiveness"].map(lambda g: g if g in GRADE_RANK else None)
    graded_type = table["inspection_type"].isin(GRADED_TYPES)
    table["grade"] = overall.where(graded_type, None)
    table["record"] = table["inspection_type"].where(table["inspection_type"].isin(VISIT_TYPES), NO_OVERALL)
    table.loc[table["grade"].notna(), "record"] = GRADED
    table["note"] = table["source_note"].map(lambda v: None if _blank(v) else str(v))
    _mark_duplicates(table)
    table["graded"] = table["record"] == GRADED
    table["whole_service"] = table["framework"].isin(WHOLE_SERVICE_FRAMEWORKS)
    return table


def _add_note(table: pd.DataFrame, index, note: str) -> None:
    old = table.at[index, "note"]
    table.at[index, "note"] = note if _blank(old) else f"{old}; {note}"


def _mark_duplicates(table: pd.DataFrame) -> None:
    """Mark every graded record of an inspection already recorded (same council and publication date,
    or same inspection date) as DUPLICATE, noting it on the record kept."""
    graded = table[table["record"] == GRADED]
    order = graded.assign(
        _no_date=graded["inspection_date"].isna(),
        _not_history=~graded["sources"].map(_text).str.startswith("ILACS_inspection_history"),
        _position=range(len(graded)),
    ).sort_values(["la_code", "publication_date", "_no_date", "_not_history", "_position"])
    kept: dict[tuple, object] = {}
    for index, row in order.iterrows():
        keys = [(row["la_code"], "published", row["publication_date"])]
        if not pd.isna(row["inspection_date"]):
            keys.append((row["la_code"], "inspected", row["inspection_date"]))
        original = next((kept[k] for k in keys if k in kept), None)
        if original is None:
            kept.update(dict.fromkeys(keys, index))
            continue
        first = table.loc[original]
        table.at[index, "record"] = DUPLICATE
        _add_note(table, index, f"duplicate of the {first['framework']} {first['inspection_type']} inspection "
                                f"published {first['publication_date']:%Y-%m-%d}")
        differs = [f"{c} {row[c]}" for c in ("framework", "inspection_type", "grade")
                   if _text(row[c]) != _text(first[c])]
        also = f"also recorded in {_text(row['sources']) or 'another row'}"
        _add_note(table, original, also + (f", which gives {', '.join(differs)}" if differs else ""))


def _resolve(code_map: CodeMap | None, la_code: str) -> str:
    if code_map is None:
        return la_code
    code = code_map.canonical(la_code) or code_map.code_for_name(la_code)
    if code is None:
        raise KeyError(f"{la_code!r} is not a council code or name")
    return code


def journey(inspections: pd.DataFrame, la_code: str, *, as_of=None, code_map: CodeMap | None = None) -> pd.DataFrame:
    """One council's inspections and visits over time, oldest first, published on or before `as_of`
    (default: the latest publication date in `inspections`).

    `la_code` is the council's code in `inspections`; with a `code_map`, any code or name it knows.
    Columns: la_code, la_name, framework, inspection_type, record (GRADED, NO_OVERALL, DUPLICATE,
    "focused visit", "monitoring visit"), graded (bool: counts in the journey), whole_service,
    inspection_date, publication_date, grade (overall grade of graded rows), change ("first", "up",
    "down", "same" against the previous graded inspection, ranked by GRADE_RANK), in_grade_until
    (UNTIL_NEXT, UNTIL_AS_OF, or UNTIL_ABOLISHED when a `code_map` says the council ended first),
    grade_until (that date), days_in_grade (publication to grade_until), the SUB_JUDGEMENTS,
    visit_theme, note (duplicates, disagreements between sources), sources.
    """
    code = _resolve(code_map, la_code)
    as_of = _as_of(inspections, as_of)
    table = _prepare(inspections, code_map)
    rows = table[(table["la_code"] == code) & (table["publication_date"] <= as_of)]
    rows = rows.sort_values(["publication_date", "inspection_date"], kind="stable").copy()
    graded = rows[rows["graded"]]
    until = graded["publication_date"].shift(-1)
    reason = pd.Series(UNTIL_NEXT, index=graded.index, dtype=object)
    if len(graded):
        last = graded.index[-1]
        end = as_of
        reason[last] = UNTIL_AS_OF
        if code_map is not None and code_map.canonical(code):
            ended = code_map.council(code)["end_date"]
            if not pd.isna(ended) and ended < as_of:
                end, reason[last] = ended, UNTIL_ABOLISHED
        until[last] = end
    ranks = graded["grade"].map(GRADE_RANK).astype(float)  # numbers even when there is no graded row
    step = ranks.diff()
    change = step.map(lambda s: "first" if pd.isna(s) else "up" if s > 0 else "down" if s < 0 else "same")
    rows["change"] = change
    rows["grade_until"] = until
    rows["in_grade_until"] = reason
    # as dates even when the council has no row yet (an empty column has no dates to say so)
    rows["days_in_grade"] = (pd.to_datetime(rows["grade_until"]) - pd.to_datetime(rows["publication_date"])
                             ).dt.days.astype("Int64")
    if rows["la_name"].isna().all() and code_map is not None and code_map.canonical(code):
        rows["la_name"] = code_map.council(code)["la_name"]
    return rows[JOURNEY_COLUMNS].reset_index(drop=True)


def time_since_last(inspections: pd.DataFrame, la_code: str, as_of=None, *, code_map: CodeMap | None = None,
                    basis: str = DATE_BASIS) -> int | None:
    """Days from the council's latest graded inspection published on or before `as_of` (default: the
    latest publication date in `inspections`) to `as_of`; None if it has none.

    `basis` "publication_date" (default) counts from publication; "inspection_date" from the start of the
    inspection where the data gives one (ILACS), else from publication."""
    if basis not in ("publication_date", "inspection_date"):
        raise ValueError(f"basis must be 'publication_date' or 'inspection_date', not {basis!r}")
    as_of = _as_of(inspections, as_of)
    rows = journey(inspections, la_code, as_of=as_of, code_map=code_map)
    graded = rows[rows["graded"]]
    if graded.empty:
        return None
    last = graded.iloc[-1]
    since = last["publication_date"]
    if basis == "inspection_date" and not pd.isna(last["inspection_date"]):
        since = last["inspection_date"]
    return int((as_of - since).days)


def _groups(from_grades: Iterable[str]) -> list[str]:
    if isinstance(from_grades, str):
        from_grades = (from_grades,)
    groups = []
    for grade in from_grades:
        if grade not in GRADE_GROUP:
            raise ValueError(f"unknown grade {grade!r}: expected one of {', '.join(GRADES)}")
        if GRADE_GROUP[grade] not in groups:
            groups.append(GRADE_GROUP[grade])
    return groups


def _worst(rows: list[pd.Series]) -> pd.Series:
    return min(rows, key=lambda r: GRADE_RANK[r["grade"]])


def transitions(inspections: pd.DataFrame, interventions: pd.DataFrame | None = None, *,
                from_grades: Iterable[str] = ("inadequate",), start=None, end=None, as_of=None,
                frameworks: Iterable[str] | None = WHOLE_SERVICE_FRAMEWORKS,
                code_map: CodeMap | None = None) -> pd.DataFrame:
    """Every graded judgement in `from_grades` (grouped: "requires improvement" includes "adequate")
    published in [start, end], with the council's next graded inspection (see the module docstring for
    reorganised councils), one row per judgement.

    `as_of` (default: the latest publication date in `inspections`): inspections published later are
    ignored. `frameworks`: the frameworks counted, for both judgement and next inspection (None: all).
    `code_map`: default the packaged one. `interventions`: a register (see `interventions`); when
    given, `interventions` and `intervention_model` say what applied after each judgement (the
    council's and, when followed, its successors' register rows; `interventions.model_after`).

    Columns: TRANSITION_COLUMNS. next_group is the next grade grouped (GRADE_GROUP) or NOT_YET; days and
    years run publication to publication (NA if not re-inspected); days_waiting is the days from the
    judgement to as_of for those not yet re-inspected; followed is FOLLOW_SAME, FOLLOW_MERGE or
    FOLLOW_SPLIT; successor_grades lists a reorganised council's successors' first grades.
    """
    groups = _groups(from_grades)
    code_map = read_code_map() if code_map is None else code_map
    as_of = _as_of(inspections, as_of)
    frameworks = None if frameworks is None else tuple(frameworks)
    table = _prepare(inspections, code_map)
    graded = table[table["graded"] & (table["publication_date"] <= as_of)]
    if frameworks is not None:
        graded = graded[graded["framework"].isin(frameworks)]
    graded = graded.sort_values(["la_code", "publication_date"], kind="stable")
    by_council = {code: rows for code, rows in graded.groupby("la_code", sort=False)}
    first_after: dict[tuple[str, pd.Timestamp], pd.Series | None] = {}

    published = {code: pd.DatetimeIndex(rows["publication_date"]) for code, rows in by_council.items()}

    def next_of(code: str, date: pd.Timestamp) -> pd.Series | None:
        """The council's first graded inspection published after `date` (its rows are in publication order)."""
        if (code, date) not in first_after:
            rows = by_council.get(code)
            after = None if rows is None else published[code].searchsorted(date, side="right")
            first_after[code, date] = None if after is None or after >= len(rows) else rows.iloc[after]
        return first_after[code, date]

    starts = graded[graded["grade"].map(GRADE_GROUP).isin(groups)]
    if start is not None:
        starts = starts[starts["publication_date"] >= pd.Timestamp(start)]
    if end is not None:
        starts = starts[starts["publication_date"] <= pd.Timestamp(end)]
    register = None if interventions is None else Register(interventions)  # prepared once, not per judgement
    out = []
    for _, judged in starts.iterrows():
        code, date = judged["la_code"], judged["publication_date"]
        row = {c: judged.get(c) for c in ("la_code", "la_name", "framework", "inspection_type", "inspection_date",
                                          "publication_date", "grade")}
        row["grade_group"] = GRADE_GROUP[judged["grade"]]
        row["note"] = judged["note"]
        followed, following, nxt, successor_grades = FOLLOW_SAME, [code], next_of(code, date), None
        successors = code_map.successors(code) if code_map.canonical(code) else ()
        if nxt is None and successors and successors != (code,):
            following = [code, *successors]
            followed = FOLLOW_MERGE if code_map.current_code(code) else FOLLOW_SPLIT
            firsts = {s: next_of(s, date) for s in successors}
            successor_grades = "; ".join(
                f"{s} {'not yet inspected' if r is None else r['grade'] + ' ' + format(r['publication_date'], '%Y-%m-%d')}"
                for s, r in firsts.items())
            inspected = [r for r in firsts.values() if r is not None]
            if inspected and len(inspected) == len(firsts):
                nxt = _worst(inspected).copy()
                nxt["publication_date"] = pd.Series([r["publication_date"] for r in inspected]).max()
                nxt["inspection_date"] = pd.Series([r["inspection_date"] for r in inspected]).max()
                nxt["la_code"] = "; ".join(r["la_code"] for r in inspected)
                nxt["la_name"] = "; ".join(_text(r["la_name"]) for r in inspected)
                nxt["framework"] = "; ".join(dict.fromkeys(r["framework"] for r in inspected))
                if len({r["grade"] for r in inspected}) > 1:
                    row["note"] = _join(row["note"], "successors' grades differ: the lowest is used")
        row["followed"] = followed
        row["successor_grades"] = successor_grades
        if nxt is None:
            row.update(next_la_code=None, next_la_name=None, next_framework=None, next_inspection_date=pd.NaT,
                       next_publication_date=pd.NaT, next_grade=None, next_group=NOT_YET, days=None,
                       days_waiting=int((as_of - date).days))
        else:
            row.update(next_la_code=nxt["la_code"], next_la_name=nxt["la_name"], next_framework=nxt["framework"],
                       next_inspection_date=nxt["inspection_date"], next_publication_date=nxt["publication_date"],
                       next_grade=nxt["grade"], next_group=GRADE_GROUP[nxt["grade"]],
                       days=int((nxt["publication_date"] - date).days), days_waiting=None)
        if interventions is not None:
            next_date = row["next_publication_date"]
            kinds, row["intervention_model"] = register.kinds_after(following, date, next_date)
            row["interventions"] = "; ".join(kinds) or None
        else:
            row["interventions"] = row["intervention_model"] = None
        out.append(row)
    result = pd.DataFrame(out, columns=TRANSITION_COLUMNS)
    _note_shared(result)
    result["days"] = result["days"].astype("Int64")
    result["days_waiting"] = result["days_waiting"].astype("Int64")
    result["years"] = (result["days"].astype("Float64") / DAYS_PER_YEAR).round(2)
    for column in ("inspection_date", "publication_date", "next_inspection_date", "next_publication_date"):
        result[column] = pd.to_datetime(result[column])
    result = result.sort_values(["publication_date", "la_code"], ignore_index=True)
    result.attrs.update(from_grades=groups, start=start, end=end, as_of=as_of, frameworks=frameworks,
                        interventions_given=interventions is not None,
                        inspected_to=table["inspection_date"].max())
    return result


def _join(note, extra: str) -> str:
    return extra if _blank(note) else f"{note}; {extra}"


def _note_shared(result: pd.DataFrame) -> None:
    """Note judgements of different councils whose next inspection is the same (predecessors of one
    successor): each judgement is still one row."""
    reinspected = result[result["next_la_code"].notna()]
    for (_, _), rows in reinspected.groupby(["next_la_code", "next_publication_date"]):
        if rows["la_code"].nunique() > 1:
            for index in rows.index:
                others = ", ".join(sorted(set(rows["la_name"].map(_text)) - {_text(result.at[index, "la_name"])}))
                result.at[index, "note"] = _join(result.at[index, "note"], f"next inspection shared with {others}")


def transition_table(transitions: pd.DataFrame, *, by: str = "grade_group") -> pd.DataFrame:
    """The table research reports publish, from `transitions(...)`.

    by="grade_group": one row per starting grade (inadequate; requires improvement, which includes
    adequate). by="intervention_model": one row per model (all of `interventions.MODELS`), for
    transitions of one starting grade made with an interventions table.

    Columns: judgements, councils, a count per OUTCOMES and its share of all judgements ("<outcome> %"),
    "judged again" (re-inspected), "good or better %" (of those re-inspected), "median years", "q1 years", "q3 years"
    (years to the next graded inspection, of those re-inspected). attrs "title" and "note" describe it
    (used by `format_table`).
    """
    if by not in ("grade_group", "intervention_model"):
        raise ValueError(f"by must be 'grade_group' or 'intervention_model', not {by!r}")
    if by == "intervention_model":
        if transitions["intervention_model"].isna().all() and len(transitions):
            raise ValueError("these transitions were made without an interventions table")
        if transitions["grade_group"].nunique() > 1:
            raise ValueError("a table by intervention model needs transitions from one starting grade: "
                             f"these start from {', '.join(transitions['grade_group'].unique())}")
        keys = list(MODELS)
    else:
        keys = [g for g in reversed(GRADES) if g in set(transitions["grade_group"])]
    rows = []
    for key in keys:
        subset = transitions[transitions[by] == key]
        n = len(subset)
        counts = subset["next_group"].value_counts()
        reinspected = subset[subset["next_group"] != NOT_YET]
        years = reinspected["years"].astype(float)
        row = {"judgements": n, "councils": subset["la_code"].nunique()}
        row.update({o: int(counts.get(o, 0)) for o in OUTCOMES})
        row.update({f"{o} %": (100 * counts.get(o, 0) / n) if n else float("nan") for o in OUTCOMES})
        row["judged again"] = len(reinspected)
        row["good or better %"] = (100 * reinspected["next_group"].isin(GOOD_OR_BETTER).mean()
                                   if len(reinspected) else float("nan"))
        row["median years"] = years.median() if len(years) else float("nan")
        row["q1 years"] = years.quantile(0.25) if len(years) else float("nan")
        row["q3 years"] = years.quantile(0.75) if len(years) else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(keys, name="starting grade" if by == "grade_group" else
                                              "intervention model"))
    table.attrs.update(title=_title(transitions, by), note=_note(transitions, by))
    return table


def _title(transitions: pd.DataFrame, by: str) -> str:
    present = set(transitions["grade_group"])
    grades = [g for g in reversed(GRADES) if g in present] or transitions.attrs.get("from_grades") or ["?"]
    title = f"Ofsted: the next graded inspection after an overall judgement of {' or '.join(grades)}"
    return title + (", by intervention model" if by == "intervention_model" else "")


def _day(value, default: str) -> str:
    return default if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def _note(transitions: pd.DataFrame, by: str) -> str:
    attrs = transitions.attrs
    frameworks = attrs.get("frameworks")
    which = ("Inspections of all frameworks" if frameworks is None
             else f"Inspections ({', '.join(frameworks)})")
    first = transitions["publication_date"].min() if len(transitions) else None
    last = transitions["publication_date"].max() if len(transitions) else None
    period = f"{_day(attrs.get('start'), _day(first, '?'))} to {_day(attrs.get('end'), _day(last, '?'))}"
    reinspected = int((transitions["next_group"] != NOT_YET).sum())
    followed = int((transitions["followed"] != FOLLOW_SAME).sum())
    inspected_to = attrs.get("inspected_to")
    coverage = "" if inspected_to is None or pd.isna(inspected_to) else (
        f" (the data hold inspections begun by {_day(inspected_to, '?')})")
    parts = [
        f"{which} published {period}: {len(transitions)} judgements of "
        f"{transitions['la_code'].nunique()} councils; {reinspected} re-inspected by "
        f"{_day(attrs.get('as_of'), '?')}{coverage}.",
        "% of all judgements; 'good or better %' and years (publication to next publication) of those "
        "re-inspected.",
        f"Adequate (pre-2013) counts as {ADEQUATE_GROUP}.",
    ]
    if followed:
        parts.append(f"{followed} followed to successor councils after reorganisation (split areas take the "
                     "lowest successor grade).")
    if by == "intervention_model":
        parts.append("Models from the user-entered intervention register: 'no recorded intervention' means "
                     "none in the register.")
    return " ".join(parts)


def _cell(value, kind: str) -> str:
    if value is None or pd.isna(value):
        return "-"
    if kind == "pct":
        return f"{value:.0f}%"
    if kind == "years":
        return f"{value:.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}" if isinstance(value, (int, float)) else str(value)


def _header_lines(text: str) -> tuple[str, str]:
    """A header on at most two lines, split at the space that makes the longer line shortest."""
    words = str(text).split()
    if len(words) < 2:
        return "", str(text)
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    return min(splits, key=lambda s: max(len(s[0]), len(s[1])))


def format_table(df: pd.DataFrame) -> str:
    """A plain-text rendering for a terminal: the title, the table (text left-aligned, numbers right;
    a count with a matching "<name> %" column shows as "n (p%)", percentages to 0 dp, "q1 years" and
    "q3 years" as one "IQR years" column), then the note wrapped to the table's width."""
    columns: list[tuple[str, list[str]]] = []
    index_name = df.index.name or ""
    columns.append((index_name, [str(i) for i in df.index]))
    names = list(df.columns)
    for name in names:
        values = df[name]
        if name.endswith(" %") and name[:-2] in names:
            continue
        if name == "q3 years" and "q1 years" in names:
            continue
        if f"{name} %" in names:
            cells = [f"{_cell(n, 'n')} ({_cell(p, 'pct')})" if not pd.isna(p) else _cell(n, "n")
                     for n, p in zip(values, df[f"{name} %"], strict=True)]
        elif name == "q1 years" and "q3 years" in names:
            name = "IQR years"
            cells = ["-" if pd.isna(a) else f"{_cell(a, 'years')}-{_cell(b, 'years')}"
                     for a, b in zip(values, df["q3 years"], strict=True)]
        elif name.endswith("%"):
            cells = [_cell(v, "pct") for v in values]
        elif name.endswith("years"):
            cells = [_cell(v, "years") for v in values]
        else:
            cells = [_cell(v, "n") for v in values]
        columns.append((name, cells))
    headers = [_header_lines(name) for name, _ in columns]
    widths = [max([len(h[0]), len(h[1]), *map(len, cells)]) for h, (_, cells) in zip(headers, columns, strict=True)]

    def line(cells: list[str]) -> str:
        out = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(out).rstrip()

    body = [line([h[0] for h in headers]), line([h[1] for h in headers]),
            "  ".join("-" * w for w in widths)]
    body += [line([cells[i] for _, cells in columns]) for i in range(len(df))]
    width = max(len(b) for b in body)
    title = df.attrs.get("title", "")
    note = textwrap.fill(df.attrs.get("note", ""), width=max(width, 60), break_on_hyphens=False)
    lines = ([title, ""] if title else []) + body + (["", note] if note else [])
    return "\n".join(lines) + "\n"
