"""When each council's next full inspection is due under the framework's cycle, and whether a visit has
happened since its last judgement: from the real Ofsted data, using only what was published before the date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from goldthread.core.national.inspection_timing import (
    CYCLES,
    NOT_YET,
    OPEN,
    PASSED,
    due_after,
    inspection_timing,
    timing_accuracy,
    timing_words,
    visit_words,
    visits_known_from,
)

HARTLEPOOL, DARLINGTON, SHEFFIELD, NORTH_NORTHANTS = "E06000001", "E06000002", "E08000019", "E06000061"


def _one(source, code: str, as_of: str) -> dict:
    return inspection_timing(source, [code], as_of).iloc[0].to_dict()


def test_the_cycle_by_last_judgement():
    start = pd.Timestamp(2022, 10, 10)
    due, opens, closes = due_after("good", start)
    assert due == pd.Timestamp(2025, 10, 10) and opens == pd.Timestamp(2025, 4, 10) and closes == pd.Timestamp(2026, 4, 10)
    assert CYCLES["good"].inspection == CYCLES["outstanding"].inspection == "short inspection"
    assert CYCLES["requires improvement"].inspection == "standard inspection" and CYCLES["requires improvement"].fixed
    assert not CYCLES["inadequate"].fixed and "no fixed date" in CYCLES["inadequate"].basis
    assert due_after(None, start) == (None, None, None)


def test_due_date_from_the_last_inspection_and_a_visit_since(feature_source):
    """Darlington: requires improvement, inspection begun 13 March 2023, so a standard inspection due
    around March 2026; a focused visit on care leavers published 2 September 2024."""
    before = _one(feature_source, DARLINGTON, "2024-09-02")
    after = _one(feature_source, DARLINGTON, "2024-09-03")
    for row in (before, after):
        assert row["last_grade"] == "requires improvement" and row["last_inspection_start"] == dt.date(2023, 3, 13)
        assert row["next_inspection"] == "standard inspection" and row["next_inspection_due"] == dt.date(2026, 3, 13)
        assert (row["window_opens"], row["window_closes"]) == (dt.date(2025, 9, 13), dt.date(2026, 9, 13))
        assert row["status"] == NOT_YET and row["visits_known_from"] == dt.date(2024, 4, 1)
    assert before["visit_since"] == ""
    assert visit_words(before) == "None recorded since April 2024 (earlier visits are not in the data)."
    assert after["visit_since"] == "focused visit, September 2024 (care leavers)"
    assert visit_words(after) == "Yes: focused visit, September 2024 (care leavers)."
    assert timing_words(after) == ("Standard inspection due about March 2026 (window September 2025 to September "
                                   "2026).")


def test_only_what_was_published_before_the_date(feature_source):
    """In April 2022 Darlington's last judgement was inadequate (November 2019): a re-inspection with no fixed
    date; visits were not published then, so nothing is said about them."""
    row = _one(feature_source, DARLINGTON, "2022-04-01")
    assert row["last_grade"] == "inadequate" and not row["fixed"]
    assert row["next_inspection_due"] == dt.date(2022, 11, 25)
    assert "no fixed date after an inadequate judgement" in timing_words(row)
    assert visit_words(row) == "Not known: visits are in the data only from April 2024."
    assert row["data_to"] < dt.date(2022, 4, 1)


@pytest.mark.parametrize(("as_of", "status"), [("2021-06-01", OPEN), ("2022-04-01", PASSED), ("2020-12-01", NOT_YET)])
def test_status_against_the_window(feature_source, as_of, status):
    """Hartlepool, good, inspection begun 23 July 2018: window January 2021 to January 2022 (the pandemic
    pause delayed its next inspection well past it)."""
    row = _one(feature_source, HARTLEPOOL, as_of)
    assert row["next_inspection_due"] == dt.date(2021, 7, 23) and row["status"] == status
    if status == PASSED:
        assert "the window has passed with no inspection in the data, which runs to" in timing_words(row)


def test_a_reorganised_council_is_timed_from_its_predecessors_judgement(feature_source):
    row = _one(feature_source, NORTH_NORTHANTS, "2022-04-01")
    assert row["last_grade"] == "inadequate" and row["last_inspection_start"] == dt.date(2019, 6, 17)
    assert row["next_inspection_due"] == dt.date(2022, 6, 17)


def test_every_current_council_has_a_due_date_in_2025(national, feature_source):
    councils = national.councils
    current = councils.loc[councils["status"] == "current", "la_code"]
    table = inspection_timing(feature_source, current, "2025-03-31")
    assert len(table) == 153 and table["next_inspection_due"].notna().all()
    assert (table["last_inspection_start"] < dt.date(2025, 3, 31)).all()
    assert visits_known_from(feature_source) == pd.Timestamp(2024, 4, 1)
    assert 30 < (table["visit_since"] != "").sum() < 60  # the councils with a visit since, in 2024-25


def test_how_well_the_cycle_has_held(feature_source):
    """Since the return to the cycle, inspections come close to the third anniversary; over the whole history
    (the move to ILACS, the pandemic pause) far less so."""
    accuracy = timing_accuracy(feature_source)
    recent, everything = accuracy["since_catch_up"], accuracy["all"]
    assert recent["n"] >= 10 and recent["in_window"] >= 0.8 and abs(recent["median_months_from_due"]) < 3
    assert everything["n"] > 200 and everything["in_window"] < 0.5
