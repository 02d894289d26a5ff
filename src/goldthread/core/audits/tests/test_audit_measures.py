"""The case-audit measures, checked on small hand-made audit and action tables.

as_at is Thursday 15 May 2025; the window is the three calendar months before it:
15 Feb 2025 < d <= 15 May 2025 (15 Feb is OUT, 16 Feb and 15 May are IN, 16 May is OUT).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from goldthread.core.annexa.tables import Tables
from goldthread.core.audits import audit_measure_ids
from goldthread.core.measures import CASE_AUDITS, GROUPS, REGISTRY, Context, compute_all

AS_AT = dt.date(2025, 5, 15)
IDS = ["audits_good_or_better", "audits_inadequate", "audit_actions_closed_on_time", "audit_actions_overdue",
       "audit_actions_verified", "audit_moderation_agreement", "audits_completed"]


class AuditData:
    def __init__(self, audits: pd.DataFrame | None = None, actions: pd.DataFrame | None = None):
        self.tables = {"audits": audits if audits is not None else pd.DataFrame(),
                       "audit_actions": actions if actions is not None else pd.DataFrame()}

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = pd.to_datetime(frame[c])
    return frame


def audits(rows: list[tuple]) -> pd.DataFrame:
    cols = ["audit_id", "child_id", "allocated_team", "allocated_worker", "submitted_on", "overall_grade",
            "moderated", "moderated_grade"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["tool_kind"] = "full"
    frame["status"] = ["moderated" if m else "submitted" for m in frame["moderated"]]
    return _dates(frame, ["submitted_on"])


def actions(rows: list[tuple]) -> pd.DataFrame:
    cols = ["action_id", "child_id", "allocated_team", "allocated_worker", "created_on", "due_date", "closed_on",
            "verified_on"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["audit_id"] = 1
    frame["status"] = ["verified" if v else "closed" if c else "open"
                       for c, v in zip(frame["closed_on"], frame["verified_on"], strict=True)]
    return _dates(frame, ["created_on", "due_date", "closed_on", "verified_on"])


AUDITS = audits([
    # id, child, team, worker, submitted, auditor's grade, moderated, moderator's grade
    (1, "C1", "North", "Ann", "2025-02-15", "good", False, None),                   # OUT: exactly 3 months
    (2, "C2", "North", "Ann", "2025-02-16", "good", False, None),                   # IN, good
    (3, "C3", "South", "Bob", "2025-05-15", "requires_improvement", True, "good"),  # IN (as_at), final good
    (4, "C4", "South", "Bob", "2025-04-01", "good", True, "inadequate"),            # IN, final inadequate
    (5, "C5", "North", "Cat", "2025-03-01", "outstanding", True, "outstanding"),    # IN, agreed
    (6, "C6", None, None, "2025-05-16", "inadequate", False, None),                 # OUT: after as_at
    (7, "C7", "North", "Cat", "2025-04-10", None, False, None),                     # IN, no grade
    (8, "C8", "South", "Bob", "2025-03-10", "inadequate", True, None),              # IN, moderated, no new grade
])

ACTIONS = actions([
    # id, child, team, worker, created, due, closed, verified
    (1, "C1", "North", "Ann", "2025-01-05", "2025-02-15", "2025-02-10", None),          # due OUT; closed OUT
    (2, "C2", "North", "Ann", "2025-01-05", "2025-02-16", "2025-02-16", "2025-02-20"),  # due IN, closed on due date
    (3, "C3", "South", "Bob", "2025-02-01", "2025-03-01", "2025-03-05", None),          # due IN, closed late
    (4, "C4", "South", "Bob", "2025-04-01", "2025-05-15", None, None),                  # due on as_at, open
    (5, "C5", "North", "Cat", "2025-04-01", "2025-05-01", None, None),                  # due IN, open: overdue
    (6, "C6", "North", "Cat", "2024-12-01", "2025-01-10", None, None),                  # due OUT, open: overdue
    (7, "C7", "South", "Bob", "2025-04-01", "2025-04-20", "2025-05-20", None),          # closed after as_at
    (9, "C9", "South", "Bob", "2025-03-01", "2025-04-01", "2025-03-30", "2025-05-16"),  # verified after as_at
    (10, "C1", "North", "Ann", "2025-01-20", "2025-03-15", "2025-02-15", "2025-02-20"),  # closed OUT, early
])


def compute(measure_id: str, data, as_at: dt.date = AS_AT):
    return REGISTRY[measure_id].compute(data, Context(as_at=as_at))


def check(result, value, numerator, denominator):
    got = (result.value, result.numerator, result.denominator)
    assert (result.value is None) if value is None else result.value == pytest.approx(value), got
    assert result.numerator == numerator and result.denominator == denominator, got


def in_numerator(result) -> set[int]:
    return {int(n) for n in result.rows.loc[result.rows["in_numerator"].astype(bool), "row_number"]}


def in_denominator(result) -> set[int]:
    return {int(n) for n in result.rows.loc[result.rows["in_denominator"].astype(bool), "row_number"]}


def breakdown(result, by="team") -> dict:
    return {r.group: (r.numerator, r.denominator) for r in result.breakdowns[by].itertuples()}


# --------------------------------------------------------------------------- registry


def test_audit_measures_are_registered_with_their_metadata():
    assert audit_measure_ids() == IDS
    assert "audits" in GROUPS
    expected = {  # id: (unit, polarity)
        "audits_good_or_better": ("percent", "higher is better"),
        "audits_inadequate": ("percent", "lower is better"),
        "audit_actions_closed_on_time": ("percent", "higher is better"),
        "audit_actions_overdue": ("count", "lower is better"),
        "audit_actions_verified": ("percent", "higher is better"),
        "audit_moderation_agreement": ("percent", "higher is better"),
        "audits_completed": ("count", "neither"),
    }
    for mid, (unit, polarity) in expected.items():
        m = REGISTRY[mid]
        assert (m.unit, m.polarity, m.group, m.source, m.lists) == (unit, polarity, "audits", CASE_AUDITS, ()), mid
        assert "three calendar months" in m.definition, mid
    results = compute_all(AuditData(AUDITS, ACTIONS), Context(as_at=AS_AT), source=CASE_AUDITS)
    assert list(results) == IDS and all(r.measure_id == mid for mid, r in results.items())


# --------------------------------------------------------------------------- audits


def test_audits_completed_counts_the_window():
    result = compute("audits_completed", AuditData(AUDITS))
    # 2, 3, 4, 5, 7, 8 in the window; 1 (15 Feb) and 6 (16 May) on the boundaries, OUT
    check(result, 6.0, 6.0, None)
    assert in_numerator(result) == {2, 3, 4, 5, 7, 8}
    assert set(result.rows["list_number"]) == {0}
    assert breakdown(result) == {"North": (3, None), "South": (3, None)}


def test_audits_completed_window_moves_with_as_at():
    # as_at 16 May: 16 Feb < d <= 16 May -> 3, 4, 5, 6, 7, 8 (2 on 16 Feb drops out, 6 on 16 May comes in)
    result = compute("audits_completed", AuditData(AUDITS), as_at=dt.date(2025, 5, 16))
    assert in_numerator(result) == {3, 4, 5, 6, 7, 8}


def test_audits_good_or_better_uses_the_moderated_grade():
    result = compute("audits_good_or_better", AuditData(AUDITS))
    # graded in window: 2 good, 3 good (moderated up from RI), 4 inadequate (moderated down from good),
    # 5 outstanding, 8 inadequate (moderated, no moderator grade: the auditor's stands); 7 has no grade.
    # good or better: 2, 3, 5 -> 3 of 5 = 60%
    check(result, 60.0, 3.0, 5.0)
    assert in_denominator(result) == {2, 3, 4, 5, 8}
    assert in_numerator(result) == {2, 3, 5}
    assert breakdown(result) == {"North": (2, 2), "South": (1, 3)}
    assert breakdown(result, "worker") == {"Ann": (1, 1), "Bob": (1, 3), "Cat": (1, 1)}
    details = dict(zip(result.rows["row_number"], result.rows["detail"], strict=True))
    assert details[3] == "Good" and details[4] == "Inadequate"


def test_audits_inadequate_uses_the_moderated_grade():
    result = compute("audits_inadequate", AuditData(AUDITS))
    # inadequate (final): 4 and 8 -> 2 of 5 = 40%; 6 is inadequate but after as_at
    check(result, 40.0, 2.0, 5.0)
    assert in_numerator(result) == {4, 8}


def test_moderation_agreement():
    result = compute("audit_moderation_agreement", AuditData(AUDITS))
    # moderated in window with both grades: 3 (RI vs good), 4 (good vs inadequate), 5 (agree);
    # 8 has no moderator grade -> not counted. 1 of 3
    check(result, 100 / 3, 1.0, 3.0)
    assert in_denominator(result) == {3, 4, 5}
    assert in_numerator(result) == {5}


def test_audit_window_boundaries():
    frame = audits([(1, "A", "T", "W", "2025-02-15", "good", True, "good"),   # exactly 3 months: OUT
                    (2, "B", "T", "W", "2025-05-15", "good", True, "good")])  # as_at: IN
    for mid in ("audits_good_or_better", "audit_moderation_agreement", "audits_completed"):
        assert in_denominator(compute(mid, AuditData(frame))) | in_numerator(compute(mid, AuditData(frame))) == {2}


# --------------------------------------------------------------------------- actions


def test_actions_closed_on_time():
    result = compute("audit_actions_closed_on_time", AuditData(actions=ACTIONS))
    # due in window (15 Feb < due <= 15 May): 2, 3, 4, 5, 7, 9, 10 (1 due 15 Feb OUT; 6 due Jan OUT).
    # closed on or before due: 2 (on the due date), 9 (early), 10 (early) -> 3 of 7
    check(result, 300 / 7, 3.0, 7.0)
    assert in_denominator(result) == {2, 3, 4, 5, 7, 9, 10}
    assert in_numerator(result) == {2, 9, 10}


def test_actions_overdue():
    result = compute("audit_actions_overdue", AuditData(actions=ACTIONS))
    # open at as_at: 4 (due on as_at: not before it), 5, 6 (due in January: still counts), 7 (closed after as_at)
    check(result, 3.0, 3.0, None)
    assert in_numerator(result) == {5, 6, 7}
    assert breakdown(result) == {"North": (2, None), "South": (1, None)}


def test_actions_overdue_only_once_created():
    late = actions([(1, "A", "T", "W", "2025-05-16", "2025-05-10", None, None)])  # recorded after as_at
    assert compute("audit_actions_overdue", AuditData(actions=late)).value == 0.0
    assert compute("audit_actions_overdue", AuditData(actions=late), as_at=dt.date(2025, 5, 16)).value == 1.0


def test_actions_verified():
    result = compute("audit_actions_verified", AuditData(actions=ACTIONS))
    # closed in window: 2 (16 Feb), 3, 9; 10 and 1 closed on/before 15 Feb OUT; 7 closed after as_at.
    # verified by as_at: 2 only (9 verified the day after) -> 1 of 3
    check(result, 100 / 3, 1.0, 3.0)
    assert in_denominator(result) == {2, 3, 9}
    assert in_numerator(result) == {2}


# --------------------------------------------------------------------------- empty inputs


@pytest.mark.parametrize("measure_id", IDS)
@pytest.mark.parametrize("data", [
    AuditData(),                                                      # no columns, no rows
    AuditData(AUDITS.iloc[:0], ACTIONS.iloc[:0]),                     # columns, no rows
    Tables({}),                                                       # an Annex A extract: no such tables
], ids=["no-columns", "no-rows", "no-tables"])
def test_empty_inputs_give_no_value_and_a_note(measure_id, data):
    result = compute(measure_id, data)
    assert result.value is None and result.note
    assert len(result.rows) == 0


def test_records_but_none_in_the_window():
    old = AuditData(AUDITS[AUDITS["audit_id"] == 1], ACTIONS[ACTIONS["action_id"] == 1])
    check(compute("audits_completed", old), 0.0, 0.0, None)
    check(compute("audit_actions_overdue", old), 0.0, 0.0, None)
    for mid in ("audits_good_or_better", "audits_inadequate", "audit_moderation_agreement",
                "audit_actions_closed_on_time", "audit_actions_verified"):
        result = compute(mid, old)
        assert result.value is None and "three months" in result.note, mid
