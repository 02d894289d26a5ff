"""Measures computed from a council's case audits.

They read the audits app's records, not an Annex A extract: ``data.table("audits")`` (one row per
submitted or moderated audit; drafts are never passed) and ``data.table("audit_actions")`` (one row per
action arising from an audit). Columns are listed in ``AUDIT_COLUMNS`` and ``ACTION_COLUMNS``.

Conventions (every definition below follows them):
- ``as_at`` is the date the measures are computed for. "The window" is the three calendar months before
  it: dates d with as_at minus 3 calendar months < d <= as_at.
- An audit's final grade is the moderator's overall grade if the audit has been moderated (and the
  moderator recorded one), otherwise the auditor's overall grade.
- The rows behind a measure are audits (row_number = audit_id) or actions (row_number = action_id) with
  list_number 0, meaning "case audits", so breakdowns by allocated team and worker work as for Annex A.
- No audit records at all (an empty table, or none given) gives no value and a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..audits.tools import GRADE_LABELS, INADEQUATE, good_or_better
from .registry import (
    CASE_AUDITS,
    COUNT,
    HIGHER,
    LOWER,
    NEITHER,
    PERCENT,
    Context,
    Data,
    Result,
    count_result,
    empty_rows,
    in_window,
    measure,
    percent_result,
    row_frame,
)

AUDIT_COLUMNS = ["audit_id", "child_id", "allocated_team", "allocated_worker", "tool_kind", "status",
                 "submitted_on", "overall_grade", "moderated", "moderated_grade"]
ACTION_COLUMNS = ["action_id", "audit_id", "child_id", "allocated_team", "allocated_worker", "created_on",
                  "due_date", "closed_on", "verified_on", "status"]
AUDITS_LIST = 0  # list_number of the rows behind a case-audit measure
WINDOW_MONTHS = 3

_DATES = {"submitted_on", "created_on", "due_date", "closed_on", "verified_on"}


def _table(data: Data, name: str, columns: list[str]) -> pd.DataFrame | None:
    """The table with the canonical columns (dates as datetime64[ns], ``row_number`` from the id), or None
    when there are no records."""
    try:
        t = data.table(name)  # type: ignore[arg-type]
    except KeyError:
        return None
    if t is None or t.empty or len(t.columns) == 0:
        return None
    t = t.reset_index(drop=True).copy()
    for col in columns:
        if col not in t:
            t[col] = None
        if col in _DATES:
            t[col] = pd.to_datetime(t[col], errors="coerce")
    t["row_number"] = t[columns[0]]
    return t


def _no_records(what: str) -> Result:
    return Result("", None, None, None, empty_rows(), note=f"No {what} have been recorded.")


def _percent(rows: pd.DataFrame, empty_note: str) -> Result:
    result = percent_result(rows)
    if not result.denominator:
        result.note = empty_note
    return result


def _grade_text(values) -> np.ndarray:
    return np.array([v.strip().lower() if isinstance(v, str) and v.strip() else None for v in values], dtype=object)


def _final_grades(t: pd.DataFrame) -> np.ndarray:
    """The moderator's overall grade where the audit is moderated and it is recorded, else the auditor's."""
    auditor = _grade_text(t["overall_grade"])
    moderator = _grade_text(t["moderated_grade"])
    moderated = t["moderated"].fillna(False).astype(bool).to_numpy()
    recorded = np.array([m is not None for m in moderator], dtype=bool)
    return np.where(moderated & recorded, moderator, auditor)


def _shown(grades: np.ndarray) -> np.ndarray:
    return np.array([GRADE_LABELS.get(g, "No grade") if g else "No grade" for g in grades], dtype=object)


def _submitted_in_window(t: pd.DataFrame, ctx: Context) -> pd.Series:
    return in_window(t["submitted_on"], ctx, WINDOW_MONTHS)


def _graded_audits(data: Data, ctx: Context, numerator) -> Result:
    t = _table(data, "audits", AUDIT_COLUMNS)
    if t is None:
        return _no_records("case audits")
    final = _final_grades(t)
    base = _submitted_in_window(t, ctx).to_numpy(dtype=bool) & np.array([g in GRADE_LABELS for g in final])
    hit = np.array([bool(numerator(g)) for g in final], dtype=bool)
    return _percent(row_frame(t, AUDITS_LIST, base, numerator=hit, detail=_shown(final)),
                    "No graded audits were submitted in the three months before this date.")


@measure(id="audits_good_or_better", title="Audits graded good or better", unit=PERCENT, polarity=HIGHER,
         group="audits", source=CASE_AUDITS, lists=(),
         definition="""Of case audits submitted in the three calendar months before the date (as at minus 3
         months < submitted date <= as at) that have a final grade, the percentage graded good or
         outstanding. The final grade is the moderator's overall grade if the audit has been moderated,
         otherwise the auditor's. Audits without an overall grade are not counted.""")
def audits_good_or_better(data: Data, ctx: Context) -> Result:
    return _graded_audits(data, ctx, good_or_better)


@measure(id="audits_inadequate", title="Audits graded inadequate", unit=PERCENT, polarity=LOWER,
         group="audits", source=CASE_AUDITS, lists=(),
         definition="""Of case audits submitted in the three calendar months before the date (as at minus 3
         months < submitted date <= as at) that have a final grade, the percentage graded inadequate. The
         final grade is the moderator's overall grade if the audit has been moderated, otherwise the
         auditor's. Audits without an overall grade are not counted.""")
def audits_inadequate(data: Data, ctx: Context) -> Result:
    return _graded_audits(data, ctx, lambda g: g == INADEQUATE)


@measure(id="audit_actions_closed_on_time", title="Audit actions completed on time", unit=PERCENT,
         polarity=HIGHER, group="audits", source=CASE_AUDITS, lists=(),
         definition="""Of actions from case audits due in the three calendar months before the date (as at
         minus 3 months < due date <= as at), the percentage closed on or before their due date.""")
def audit_actions_closed_on_time(data: Data, ctx: Context) -> Result:
    t = _table(data, "audit_actions", ACTION_COLUMNS)
    if t is None:
        return _no_records("audit actions")
    base = in_window(t["due_date"], ctx, WINDOW_MONTHS)
    on_time = t["closed_on"].notna() & (t["closed_on"] <= t["due_date"])
    shown = t["due_date"].dt.strftime("due %d/%m/%Y")
    return _percent(row_frame(t, AUDITS_LIST, base, numerator=on_time, detail=shown),
                    "No audit actions were due in the three months before this date.")


@measure(id="audit_actions_overdue", title="Audit actions overdue", unit=COUNT, polarity=LOWER,
         group="audits", source=CASE_AUDITS, lists=(),
         definition="""Actions from case audits open at the date (created on or before it, and not closed by
         it: no closed date, or one after the date) whose due date is before the date. Unlike the other
         case-audit measures this is not limited to the three calendar months before the date: an action
         overdue for longer still counts.""")
def audit_actions_overdue(data: Data, ctx: Context) -> Result:
    t = _table(data, "audit_actions", ACTION_COLUMNS)
    if t is None:
        return _no_records("audit actions")
    as_at = ctx.as_at64
    is_open = (t["created_on"] <= as_at) & (t["closed_on"].isna() | (t["closed_on"] > as_at))
    overdue = is_open & (t["due_date"] < as_at)
    days = (as_at - t["due_date"]).dt.days
    shown = np.array([f"{int(d)} days overdue" if d == d else None for d in days], dtype=object)
    return count_result(row_frame(t, AUDITS_LIST, overdue, detail=shown))


@measure(id="audit_actions_verified", title="Audit actions verified (loop closed)", unit=PERCENT,
         polarity=HIGHER, group="audits", source=CASE_AUDITS, lists=(),
         definition="""Of actions from case audits closed in the three calendar months before the date (as at
         minus 3 months < closed date <= as at), the percentage verified by someone other than the action's
         owner (a verified date on or before the date): the loop closed.""")
def audit_actions_verified(data: Data, ctx: Context) -> Result:
    t = _table(data, "audit_actions", ACTION_COLUMNS)
    if t is None:
        return _no_records("audit actions")
    base = in_window(t["closed_on"], ctx, WINDOW_MONTHS)
    verified = t["verified_on"].notna() & (t["verified_on"] <= ctx.as_at64)
    return _percent(row_frame(t, AUDITS_LIST, base, numerator=verified),
                    "No audit actions were closed in the three months before this date.")


@measure(id="audit_moderation_agreement", title="Moderation agreeing with the auditor's grade", unit=PERCENT,
         polarity=HIGHER, group="audits", source=CASE_AUDITS, lists=(),
         definition="""Of moderated case audits submitted in the three calendar months before the date (as at
         minus 3 months < submitted date <= as at) where both the auditor and the moderator recorded an
         overall grade, the percentage where the two grades are the same.""")
def audit_moderation_agreement(data: Data, ctx: Context) -> Result:
    t = _table(data, "audits", AUDIT_COLUMNS)
    if t is None:
        return _no_records("case audits")
    auditor = _grade_text(t["overall_grade"])
    moderator = _grade_text(t["moderated_grade"])
    both = np.array([a in GRADE_LABELS and m in GRADE_LABELS for a, m in zip(auditor, moderator, strict=True)])
    moderated = t["moderated"].fillna(False).astype(bool).to_numpy()
    base = _submitted_in_window(t, ctx).to_numpy(dtype=bool) & moderated & both
    shown = np.array([f"{GRADE_LABELS.get(a, 'No grade')} / moderated {GRADE_LABELS.get(m, 'no grade')}"
                      for a, m in zip(auditor, moderator, strict=True)], dtype=object)
    return _percent(row_frame(t, AUDITS_LIST, base, numerator=auditor == moderator, detail=shown),
                    "No audits submitted in the three months before this date have been moderated.")


@measure(id="audits_completed", title="Case audits completed", unit=COUNT, polarity=NEITHER, group="audits",
         source=CASE_AUDITS, lists=(),
         definition="""Case audits submitted in the three calendar months before the date (as at minus 3
         months < submitted date <= as at), whether or not they have been moderated.""")
def audits_completed(data: Data, ctx: Context) -> Result:
    t = _table(data, "audits", AUDIT_COLUMNS)
    if t is None:
        return _no_records("case audits")
    return count_result(row_frame(t, AUDITS_LIST, _submitted_in_window(t, ctx), detail=_shown(_final_grades(t))))
