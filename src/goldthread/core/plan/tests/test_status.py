"""Success-measure status, checked on hand-computed examples.

Dates used throughout (days counted by hand):

* baseline 01/04/2026, target 01/04/2027: 365 days apart (no 29 February in between);
* 13/06/2026 is 73 days after the baseline (29 to 30 Apr, 31 more to 31 May, 13 more), so 73/365 = 1/5 of
  the way: from 60 to 80 the expected value is 64; from 40 to 20 it is 36;
* 01/07/2026 is 91 days after the baseline; 01/10/2026 is 183 days after it (and 92 after 01/07/2026);
  01/07/2026 to 01/04/2027 is 365 - 91 = 274 days.

The tolerance band is 0.25 x |target - baseline| = 0.25 x 20 = 5 for both 60 -> 80 and 40 -> 20.
"""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER
from goldthread.core.plan import STATUSES, Assessment, Point, Trajectory, assess, disagreement

D = dt.date
BASE_DAY, TARGET_DAY = D(2026, 4, 1), D(2027, 4, 1)
FIFTH = D(2026, 6, 13)  # 73 of the 365 days

UP = Trajectory(Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0))  # higher is better
DOWN = Trajectory(Point(BASE_DAY, 40.0), Point(TARGET_DAY, 20.0))  # lower is better


def status(trajectory, polarity, day, value, **kw):
    kw.setdefault("today", day)
    return assess(trajectory, polarity, Point(day, value), **kw)


# --- The expected path -------------------------------------------------------------------------------


def test_expected_is_linear_between_baseline_and_target():
    assert UP.expected(D(2026, 10, 1)) == pytest.approx(60 + 20 * 183 / 365)  # 70.027...
    assert UP.expected(FIFTH) == pytest.approx(64.0)
    assert DOWN.expected(FIFTH) == pytest.approx(36.0)


def test_expected_at_the_ends_before_the_baseline_and_after_the_target():
    assert UP.expected(BASE_DAY) == pytest.approx(60.0)
    assert UP.expected(TARGET_DAY) == pytest.approx(80.0)
    assert UP.expected(D(2026, 3, 31)) is None
    assert UP.expected(D(2027, 4, 2)) == pytest.approx(80.0)
    assert UP.expected(D(2030, 1, 1)) == pytest.approx(80.0)


def test_a_milestone_bends_the_path():
    t = Trajectory(Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(D(2026, 7, 1), 70.0),))
    assert t.expected(D(2026, 5, 1)) == pytest.approx(60 + 10 * 30 / 91)  # 63.30
    assert t.expected(D(2026, 7, 1)) == pytest.approx(70.0)
    assert t.expected(D(2026, 10, 1)) == pytest.approx(70 + 10 * 92 / 274)  # 73.36, not 70.03 as without it
    assert t.expected(TARGET_DAY) == pytest.approx(80.0)


def test_milestones_are_sorted_by_day_and_each_leg_is_straight():
    m1, m2 = Point(FIFTH, 64.0), Point(D(2026, 10, 1), 76.0)  # 73 and 183 days in
    t = Trajectory(Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), [m2, m1])
    assert t.milestones == (m1, m2)
    assert t.expected(D(2026, 8, 7)) == pytest.approx(64 + 12 * 55 / 110)  # halfway from m1 to m2: 70
    assert t.expected(D(2026, 12, 31)) == pytest.approx(76 + 4 * 91 / 182)  # halfway from m2 to target: 78


def test_a_milestone_changes_the_status():
    with_milestone = Trajectory(UP.baseline, UP.target, (Point(D(2026, 7, 1), 70.0),))
    # Without it the expected value on 01/07/2026 is 60 + 20 x 91/365 = 64.99, so 66 is on track;
    # with it the expected value is 70, so 66 is 4 worse, within the band of 5: at risk.
    assert status(UP, HIGHER, D(2026, 7, 1), 66.0).status == "on track"
    a = status(with_milestone, HIGHER, D(2026, 7, 1), 66.0)
    assert (a.status, a.expected, a.gap) == ("at risk", pytest.approx(70.0), pytest.approx(-4.0))


@pytest.mark.parametrize("baseline, target, milestones, message", [
    (Point(BASE_DAY, 60.0), Point(BASE_DAY, 80.0), (), "must be after the baseline date"),
    (Point(BASE_DAY, 60.0), Point(D(2026, 1, 1), 80.0), (), "must be after the baseline date"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(BASE_DAY, 65.0),), "must fall after the baseline"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(TARGET_DAY, 65.0),), "before the target date"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(D(2026, 1, 1), 65.0),), "must fall after"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(D(2028, 1, 1), 65.0),), "must fall after"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, 80.0), (Point(FIFTH, 65.0), Point(FIFTH, 66.0)), "two milestones"),
    (Point(BASE_DAY, float("nan")), Point(TARGET_DAY, 80.0), (), "needs a number"),
    (Point(BASE_DAY, 60.0), Point(TARGET_DAY, None), (), "needs a number"),
])
def test_invalid_trajectories_raise_a_plain_sentence(baseline, target, milestones, message):
    with pytest.raises(ValueError, match=message) as raised:
        Trajectory(baseline, target, milestones)
    assert str(raised.value)[0].isupper() and str(raised.value).endswith(".")


# --- Statuses at the boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize("value, expected_status, gap", [
    (80.0, "met", 16.0),  # reaches the target early
    (85.0, "met", 21.0),
    (66.0, "on track", 2.0),
    (64.0, "on track", 0.0),  # exactly at the expected value
    (61.0, "at risk", -3.0),
    (59.0, "at risk", -5.0),  # exactly at the edge of the band
    (58.99, "off track", -5.01),  # just past it
    (50.0, "off track", -14.0),
])
def test_higher_is_better(value, expected_status, gap):
    a = status(UP, HIGHER, FIFTH, value)
    assert a.status == expected_status
    assert a.expected == pytest.approx(64.0)
    assert a.gap == pytest.approx(gap)


@pytest.mark.parametrize("value, expected_status, gap", [
    (20.0, "met", 16.0),
    (15.0, "met", 21.0),
    (33.0, "on track", 3.0),  # below the expected 36 is better
    (36.0, "on track", 0.0),
    (39.0, "at risk", -3.0),
    (41.0, "at risk", -5.0),
    (41.01, "off track", -5.01),
    (45.0, "off track", -9.0),
])
def test_lower_is_better(value, expected_status, gap):
    a = status(DOWN, LOWER, FIFTH, value)
    assert a.status == expected_status
    assert a.expected == pytest.approx(36.0)
    assert a.gap == pytest.approx(gap)


def test_boundaries_hold_on_an_expected_value_that_is_not_a_round_number():
    day = D(2026, 10, 1)
    expected = 60 + 20 * 183 / 365  # 70.0274
    assert status(UP, HIGHER, day, expected).status == "on track"
    assert status(UP, HIGHER, day, expected - 5).status == "at risk"
    assert status(UP, HIGHER, day, expected - 5.001).status == "off track"
    assert status(DOWN, LOWER, day, 40 - 20 * 183 / 365 + 5).status == "at risk"
    # 0.1 -> 0.7 (band 0.25 x 0.6 = 0.15): in floating point the shortfall below comes out as
    # 0.15000000000000002, which must still count as exactly at the edge of the band.
    small = Trajectory(Point(BASE_DAY, 0.1), Point(TARGET_DAY, 0.7))
    assert status(small, HIGHER, day, 0.1 + 0.6 * 183 / 365 - 0.15).status == "at risk"
    assert status(small, HIGHER, day, 0.1 + 0.6 * 183 / 365 - 0.151).status == "off track"


def test_the_tolerance_sets_the_band():
    # tolerance 0.1: band 0.1 x 20 = 2 around the expected 64
    assert status(UP, HIGHER, FIFTH, 62.0, tolerance=0.1).status == "at risk"
    assert status(UP, HIGHER, FIFTH, 61.9, tolerance=0.1).status == "off track"
    assert status(UP, HIGHER, FIFTH, 63.9, tolerance=0.0).status == "off track"


def test_the_target_date_passing_without_meeting_it_is_off_track_even_when_close():
    # 79.9 on 31/03/2027: expected 60 + 20 x 364/365 = 79.945, 0.045 worse: at risk on the day...
    a = status(UP, HIGHER, D(2027, 3, 31), 79.9)
    assert (a.status, a.gap) == ("at risk", pytest.approx(79.9 - (60 + 20 * 364 / 365)))
    # ...but off track once today is after the target date
    late = status(UP, HIGHER, D(2027, 3, 31), 79.9, today=D(2027, 4, 2))
    assert late.status == "off track"
    assert "target date has passed" in late.explanation
    # a value on the target date itself, today being that date: judged against the target, within the band
    on_the_day = status(UP, HIGHER, TARGET_DAY, 79.9)
    assert (on_the_day.status, on_the_day.expected, on_the_day.gap) == (
        "at risk", pytest.approx(80.0), pytest.approx(-0.1))
    # a value dated after the target date
    assert status(UP, HIGHER, D(2027, 4, 2), 79.9).status == "off track"
    assert status(DOWN, LOWER, D(2027, 4, 2), 20.1).status == "off track"


def test_met_before_or_after_the_target_date():
    assert status(UP, HIGHER, FIFTH, 80.0, today=D(2028, 1, 1)).status == "met"
    assert status(UP, HIGHER, D(2027, 5, 1), 80.5).status == "met"
    assert status(DOWN, LOWER, D(2027, 5, 1), 19.5).status == "met"


def test_no_data_and_not_yet_measurable():
    a = assess(UP, HIGHER, None, today=FIFTH)
    assert (a.status, a.expected, a.gap) == ("no data", None, None)
    # before the baseline, even a value past the target cannot be judged
    b = status(UP, HIGHER, D(2026, 3, 31), 90.0)
    assert (b.status, b.expected, b.gap) == ("not yet measurable", None, None)


def test_today_defaults_to_the_system_date():
    old = Trajectory(Point(D(2020, 1, 1), 60.0), Point(D(2021, 1, 1), 80.0))
    # On track on its own day, but the system date is long past 01/01/2021.
    assert assess(old, HIGHER, Point(D(2020, 1, 1), 60.0)).status == "off track"


# --- Maintaining a level: band tolerance x max(|baseline|, 1) ----------------------------------------

KEEP = Trajectory(Point(BASE_DAY, 90.0), Point(TARGET_DAY, 90.0))  # band 0.25 x 90 = 22.5
ZERO = Trajectory(Point(BASE_DAY, 0.0), Point(TARGET_DAY, 0.0))  # band 0.25 x max(0, 1) = 0.25


@pytest.mark.parametrize("trajectory, polarity, day, value, expected_status", [
    (KEEP, HIGHER, D(2026, 10, 1), 90.0, "on track"),  # holding the level is not yet "met"
    (KEEP, HIGHER, D(2026, 10, 1), 95.0, "on track"),
    (KEEP, HIGHER, D(2026, 10, 1), 67.5, "at risk"),  # 22.5 below: the edge of the band
    (KEEP, HIGHER, D(2026, 10, 1), 67.4, "off track"),
    (KEEP, HIGHER, TARGET_DAY, 90.0, "met"),  # held on the target date
    (KEEP, HIGHER, D(2027, 5, 1), 91.0, "met"),
    (ZERO, LOWER, D(2026, 10, 1), 0.0, "on track"),
    (ZERO, LOWER, D(2026, 10, 1), 0.25, "at risk"),
    (ZERO, LOWER, D(2026, 10, 1), 0.26, "off track"),
    (ZERO, LOWER, TARGET_DAY, 0.0, "met"),
])
def test_maintaining_a_level(trajectory, polarity, day, value, expected_status):
    assert status(trajectory, polarity, day, value).status == expected_status


def test_maintaining_a_level_with_no_value_from_the_target_date_once_it_has_passed_is_off_track():
    assert status(KEEP, HIGHER, D(2027, 3, 1), 90.0, today=D(2027, 4, 15)).status == "off track"


# --- Refusals ----------------------------------------------------------------------------------------


def test_a_measure_with_no_better_direction_cannot_be_a_success_measure():
    with pytest.raises(ValueError, match="higher or lower is better"):
        status(UP, NEITHER, FIFTH, 70.0)
    with pytest.raises(ValueError, match="higher or lower is better"):
        assess(UP, NEITHER, None, today=FIFTH)  # even with no data
    with pytest.raises(ValueError, match="polarity"):
        status(UP, "sideways", FIFTH, 70.0)


def test_a_target_worse_than_the_baseline_or_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="worse than the baseline"):
        status(UP, LOWER, FIFTH, 70.0)  # 60 -> 80 where lower is better
    with pytest.raises(ValueError, match="worse than the baseline"):
        status(DOWN, HIGHER, FIFTH, 30.0)
    with pytest.raises(ValueError, match="tolerance"):
        status(UP, HIGHER, FIFTH, 70.0, tolerance=-0.1)


# --- Wording -----------------------------------------------------------------------------------------


def test_the_explanation_gives_the_numbers_in_one_sentence():
    t = Trajectory(Point(D(2026, 3, 31), 60.0), Point(D(2028, 3, 31), 80.0), (Point(D(2027, 3, 31), 68.5),))
    a = status(t, HIGHER, D(2027, 3, 31), 71.0)
    assert a == Assessment("on track", pytest.approx(68.5), pytest.approx(2.5),
                           "At 71.0 on 31/03/2027 against an expected 68.5 (target 80.0 by 31/03/2028): on track.")
    assert status(UP, HIGHER, FIFTH, 61.0).explanation == (
        "At 61.0 on 13/06/2026 against an expected 64.0 (target 80.0 by 01/04/2027): "
        "at risk, 3.0 worse than expected but within the tolerance of 5.0.")
    assert status(UP, HIGHER, FIFTH, 58.0).explanation == (
        "At 58.0 on 13/06/2026 against an expected 64.0 (target 80.0 by 01/04/2027): "
        "off track, 6.0 worse than expected, beyond the tolerance of 5.0.")
    assert status(UP, HIGHER, D(2027, 4, 2), 79.9).explanation == (
        "At 79.9 on 02/04/2027 against an expected 80.0 (target 80.0 by 01/04/2027): "
        "off track, as the target date has passed without the target being met.")
    assert status(UP, HIGHER, FIFTH, 81.0).explanation == (
        "At 81.0 on 13/06/2026 against an expected 64.0 (target 80.0 by 01/04/2027): met.")


def test_every_status_has_a_plain_english_template():
    assert list(STATUSES) == ["met", "on track", "at risk", "off track", "no data", "not yet measurable"]
    for template in STATUSES.values():
        sentence = template.format(target="80.0", target_day="01/04/2027", band="5.0")
        assert sentence[0].isupper() and sentence.endswith(".") and "{" not in sentence


# --- The owner's RAG against the data ----------------------------------------------------------------


@pytest.mark.parametrize("computed, rag, sentence", [
    ("met", "green", None),
    ("met", "amber", "The owner says amber, but the data says met."),
    ("met", "red", "The owner says red, but the data says met."),
    ("on track", "green", None),
    ("on track", "amber", "The owner says amber, but the data says on track."),
    ("on track", "red", "The owner says red, but the data says on track."),
    ("at risk", "green", "The owner says green, but the data says at risk."),
    ("at risk", "amber", None),
    ("at risk", "red", "The owner says red, but the data says at risk."),
    ("off track", "green", "The owner says green, but the data says off track."),
    ("off track", "amber", "The owner says amber, but the data says off track."),
    ("off track", "red", None),
])
def test_disagreement_for_each_pair(computed, rag, sentence):
    assert disagreement(computed, rag) == sentence


@pytest.mark.parametrize("computed", list(STATUSES))
@pytest.mark.parametrize("rag", ["", None, "blue"])
def test_no_disagreement_without_an_owner_rating(computed, rag):
    assert disagreement(computed, rag) is None


@pytest.mark.parametrize("computed", ["no data", "not yet measurable"])
@pytest.mark.parametrize("rag", ["green", "amber", "red"])
def test_no_disagreement_when_the_data_cannot_say(computed, rag):
    assert disagreement(computed, rag) is None


def test_disagreement_reads_the_rating_loosely_and_refuses_an_unknown_status():
    assert disagreement("off track", " Green ") == "The owner says green, but the data says off track."
    with pytest.raises(ValueError, match="not a status"):
        disagreement("on-track", "green")
