"""When each council's next full Ofsted inspection is due, and whether a visit has happened since its last.

A risk far from an inspection is time to act; so the early-warning lists show this beside every score.

The cycle (`CYCLES`)
    Under ILACS (from January 2018) a council judged good or outstanding gets a short inspection, and one
    judged requires improvement a standard inspection, "usually between six months before and six months
    after the three year anniversary of the previous inspection", with a focused visit in between. A
    council judged inadequate has no fixed date: monitoring visits follow the judgement and Ofsted
    re-inspects (a standard inspection) when they show enough progress; past re-inspections came a median
    of about three years later, so the same date is shown, marked as not fixed. Judgements under the old
    frameworks (SIF, to 2018) are timed the same way (ILACS replaced them as their councils came due).

    The anniversary runs from the day the last inspection began (Ofsted gives it for ILACS); where only the
    publication date is known (SIF), from that date minus LAG_WHEN_NO_START (ILACS reports appear a median
    52 days after the inspection starts). Councils created by reorganisation with no inspection of their
    own take their predecessors' last judgement, as the model does (`risk_features`).

    The history shows how well the rule has held (`timing_accuracy`): inspections due in 2020 to 2023 came a
    median of about 18 months late (Ofsted paused routine inspections from March 2020 during the pandemic
    and then caught up), and so did those due in 2016-17, when ILACS replaced SIF; those due in 2018-19
    and from 2024 came close to the anniversary. CATCH_UP_END marks the return to the cycle.

Visits
    Ofsted's in-year sheet is the only published list of focused and monitoring visits; the packaged
    workbook's covers visits from 1 April 2024. A visit since the last judgement is reported when one is
    known; when the last judgement came before the first known visit, "none recorded" says from when.

Everything here uses only what was published before the date asked about, like the model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .risk_features import FeatureSource, build_features

CYCLE = pd.DateOffset(years=3)
WINDOW = pd.DateOffset(months=6)
LAG_WHEN_NO_START = pd.Timedelta(days=52)
CATCH_UP_END = pd.Timestamp(2024, 1, 1)  # inspections due from this date came on time again


@dataclass(frozen=True)
class Cycle:
    """What comes next after a judgement: `inspection` in words, whether its date is `fixed` by the
    framework, and `basis`: the rule in words."""

    inspection: str
    fixed: bool
    basis: str


_ANNIVERSARY = "around the third anniversary of its last inspection (usually within six months either side)"
CYCLES = {
    "outstanding": Cycle("short inspection", True, f"a short inspection {_ANNIVERSARY}"),
    "good": Cycle("short inspection", True, f"a short inspection {_ANNIVERSARY}"),
    "requires improvement": Cycle("standard inspection", True, f"a standard inspection {_ANNIVERSARY}"),
    "adequate": Cycle("standard inspection", True, f"a standard inspection {_ANNIVERSARY}"),
    "inadequate": Cycle("re-inspection", False, "no fixed date: a standard re-inspection once monitoring visits "
                        "show enough progress, which in the past came about three years after the judgement"),
}
NOT_YET, OPEN, PASSED, NO_JUDGEMENT = "not yet due", "window open", "window passed", "no judgement"

TIMING_COLUMNS = [
    "la_code", "last_grade", "last_inspection_start", "next_inspection", "next_inspection_due", "window_opens",
    "window_closes", "fixed", "basis", "status", "visit_since", "visit_date", "visits_known_from", "data_to",
]


def visits_known_from(source: FeatureSource) -> pd.Timestamp | None:
    """1 April of the reporting year of the earliest visit in the data (Ofsted's in-year sheet runs April to
    March), or None when no visit is known at all."""
    if source.visits.empty:
        return None
    first = pd.Timestamp(source.visits["inspection_date"].dropna().min()
                         if source.visits["inspection_date"].notna().any()
                         else source.visits["publication_date"].min())
    return pd.Timestamp(first.year if first.month >= 4 else first.year - 1, 4, 1)


def data_to(source: FeatureSource) -> pd.Timestamp:
    """The latest publication in the Ofsted data: nothing published after it can show."""
    dates = [source.graded["publication_date"].max()]
    if not source.visits.empty:
        dates.append(source.visits["publication_date"].max())
    return pd.Timestamp(max(d for d in dates if not pd.isna(d)))


def _starts(source: FeatureSource) -> dict[tuple[str, pd.Timestamp], pd.Timestamp]:
    graded = source.graded
    start = graded["inspection_date"].where(graded["inspection_date"].notna(),
                                            graded["publication_date"] - LAG_WHEN_NO_START)
    return {(code, pd.Timestamp(published)): pd.Timestamp(s)
            for code, published, s in zip(graded["la_code"], graded["publication_date"], start, strict=True)}


def due_after(grade: str | None, start) -> tuple[pd.Timestamp | None, pd.Timestamp | None, pd.Timestamp | None]:
    """(due, window opens, window closes) after a judgement of `grade` whose inspection began on `start`."""
    if grade is None or pd.isna(start) or grade not in CYCLES:
        return None, None, None
    due = pd.Timestamp(start) + CYCLE
    return due, due - WINDOW, due + WINDOW


def _status(due: pd.Timestamp | None, opens, closes, as_of: pd.Timestamp) -> str:
    if due is None:
        return NO_JUDGEMENT
    if as_of < opens:
        return NOT_YET
    return OPEN if as_of <= closes else PASSED


def _visit_text(visit: pd.Series) -> str:
    theme = f" ({visit['visit_theme'][:1].lower()}{visit['visit_theme'][1:]})" if visit["visit_theme"] else ""
    return f"{visit['inspection_type']}, {pd.Timestamp(visit['publication_date']):%B %Y}{theme}"


def inspection_timing(source: FeatureSource, la_codes, as_of) -> pd.DataFrame:
    """For each council in `la_codes`, from what was published before `as_of`: its last judgement and when
    its inspection began, what comes next and when (TIMING_COLUMNS; dates as datetime.date or None):
    next_inspection_due with its window, `fixed` (False after inadequate), `basis` (the rule in words),
    `status` against `as_of` (NOT_YET, OPEN, PASSED, NO_JUDGEMENT), and the latest focused or monitoring
    visit published after the last judgement and before `as_of` (visit_since in words, "" if none known;
    visits_known_from: the date visits are known from)."""
    as_of = pd.Timestamp(as_of)
    codes = list(la_codes)
    features = build_features(source, pd.DataFrame({"la_code": codes, "as_of": as_of}))
    starts = _starts(source)
    known_from = visits_known_from(source)
    visits = source.visits[source.visits["publication_date"] < as_of]
    by_council = {code: group for code, group in visits.groupby("la_code", sort=False)}
    until = min(data_to(source), as_of - pd.Timedelta(days=1))
    rows = []
    for _, row in features.iterrows():
        grade = None if pd.isna(row["last_grade"]) else str(row["last_grade"])
        published = None if pd.isna(row["last_publication_date"]) else pd.Timestamp(row["last_publication_date"])
        start = starts.get((row["last_la_code"], published)) if published is not None else None
        due, opens, closes = due_after(grade, start)
        cycle = CYCLES.get(grade) if grade else None
        since = by_council.get(row["la_code"])
        visit = None
        if since is not None and published is not None:
            after = since[since["publication_date"] > published]
            if len(after):
                visit = after.iloc[-1]
        rows.append({
            "la_code": row["la_code"], "last_grade": grade,
            "last_inspection_start": None if start is None else start.date(),
            "next_inspection": cycle.inspection if cycle else None,
            "next_inspection_due": None if due is None else due.date(),
            "window_opens": None if opens is None else opens.date(),
            "window_closes": None if closes is None else closes.date(),
            "fixed": bool(cycle.fixed) if cycle else False,
            "basis": cycle.basis if cycle else "no graded inspection yet",
            "status": _status(due, opens, closes, as_of),
            "visit_since": "" if visit is None else _visit_text(visit),
            "visit_date": None if visit is None else pd.Timestamp(visit["publication_date"]).date(),
            "visits_known_from": None if known_from is None else known_from.date(),
            "data_to": until.date(),
        })
    return pd.DataFrame(rows, columns=TIMING_COLUMNS)


def timing_words(row, as_of: dt.date | None = None) -> str:
    """One line for a page or the command line: "Short inspection due about March 2026 (window September
    2025 to September 2026); window open now". `row`: a mapping with TIMING_COLUMNS."""
    due = row.get("next_inspection_due")
    if due is None:
        return "No graded inspection yet, so no date in the cycle."
    what = str(row["next_inspection"])
    when = f"{what[:1].upper()}{what[1:]} due about {due:%B %Y}"
    if row.get("fixed"):
        when += f" (window {row['window_opens']:%B %Y} to {row['window_closes']:%B %Y})"
    else:
        when += " (no fixed date after an inadequate judgement)"
    status = row.get("status")
    until = f"{row['data_to']:%d %B %Y}".lstrip("0") if row.get("data_to") else ""
    if status == OPEN:
        return f"{when}; the window is open now." if row.get("fixed") else f"{when}; about the usual time now."
    if status == PASSED:
        passed = "the window has passed" if row.get("fixed") else "past the usual time"
        return f"{when}; {passed} with no inspection in the data, which runs to {until}."
    return f"{when}."


def visit_words(row) -> str:
    """Whether a visit happened since the last judgement, in words."""
    if row.get("visit_since"):
        return f"Yes: {row['visit_since']}."
    known = row.get("visits_known_from")
    if known is None:
        return "Not known: no visits are in the data."
    until = row.get("data_to")
    if until is not None and until < known:
        return f"Not known: visits are in the data only from {known:%B %Y}."
    start = row.get("last_inspection_start")
    if start is not None and start >= known:
        return "None recorded since the last judgement."
    return f"None recorded since {known:%B %Y} (earlier visits are not in the data)."


def timing_accuracy(source: FeatureSource) -> dict:
    """How well the cycle foretells when councils are inspected, from the history: for the graded
    inspections that followed a judgement with a fixed cycle, the share that began inside the window and
    the median distance from the due date in months (positive: late), for those due from CATCH_UP_END,
    for all of them (pandemic and framework change included), and for re-inspections after inadequate
    due from CATCH_UP_END."""
    graded = source.graded.sort_values(["la_code", "publication_date"], kind="stable")
    start = graded["inspection_date"].where(graded["inspection_date"].notna(),
                                            graded["publication_date"] - LAG_WHEN_NO_START)
    frame = pd.DataFrame({"la_code": graded["la_code"].to_numpy(), "grade": graded["grade"].to_numpy(),
                          "start": start.to_numpy()})
    frame["next_start"] = frame.groupby("la_code")["start"].shift(-1)
    frame = frame[frame["next_start"].notna() & frame["grade"].isin(list(CYCLES))]
    due = frame["start"] + pd.DateOffset(years=3)
    months = (frame["next_start"] - due).dt.days / 30.4375
    inside = months.abs() <= 6.0
    fixed = frame["grade"].map(lambda g: CYCLES[g].fixed)

    def summary(mask) -> dict:
        n = int(mask.sum())
        return {"n": n, "in_window": None if not n else round(float(inside[mask].mean()), 4),
                "median_months_from_due": None if not n else round(float(months[mask].median()), 1),
                "median_abs_months": None if not n else round(float(months[mask].abs().median()), 1)}

    recent = (due >= CATCH_UP_END).to_numpy()
    return {"since_catch_up": summary(recent & fixed.to_numpy()),
            "since_catch_up_inadequate": summary(recent & ~fixed.to_numpy()),
            "all": summary(np.ones(len(frame), dtype=bool) & fixed.to_numpy()),
            "catch_up_end": f"{CATCH_UP_END:%Y-%m-%d}"}


__all__ = [
    "CYCLE", "CYCLES", "LAG_WHEN_NO_START", "NOT_YET", "NO_JUDGEMENT", "OPEN", "PASSED", "TIMING_COLUMNS", "WINDOW",
    "Cycle", "data_to", "due_after", "inspection_timing", "timing_accuracy", "timing_words", "visit_words",
    "visits_known_from",
]
