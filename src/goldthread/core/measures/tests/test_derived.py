"""The shared derived columns: whole calendar months, ages, one row per child, and rows built on demand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from goldthread.core.annexa.tables import Tables
from goldthread.core.measures.derived import months_before, view, whole_months, whole_months_to
from goldthread.core.measures.registry import one_per_child, row_frame
from goldthread.core.measures.tests.test_annex_a_measures import rec


def _d(*days: str) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


def test_whole_months_at_month_ends_and_leap_days():
    start = _d("2023-01-10", "2023-01-11", "2023-03-31", "2023-03-31", "2024-02-29", "2024-02-29", "2025-01-31",
               "2025-05-16", "NaT")
    end = _d("2025-01-10", "2025-01-10", "2025-03-30", "2025-03-31", "2025-02-28", "2025-03-01", "2025-02-28",
             "2025-05-15", "2025-05-15")
    # 24 exactly; 23 (a day short); 23 (30 Mar less 24 months is 30 Mar 2023, before the 31st); 24; 28 Feb 2025
    # less 12 months is 28 Feb 2024, before 29 Feb: 11; 1 Mar: 12; 31 Jan -> 28 Feb is 1 month (28 Feb less a
    # month is 28 Jan... no: 31 Jan <= 28 Jan is false, so 0); ends before it starts: -1; no start: NaN
    got = whole_months(start, end)
    assert list(got[:8]) == [24, 23, 23, 24, 11, 12, 0, -1] and np.isnan(got[8])


def test_whole_months_agrees_with_months_before_and_the_fast_form():
    rng = np.random.default_rng(5)
    starts = (np.datetime64("2015-01-01") + rng.integers(0, 4000, 3000)).astype("datetime64[D]")
    for day in (dt.date(2025, 2, 28), dt.date(2024, 2, 29), dt.date(2025, 3, 31), dt.date(2025, 5, 15)):
        got = whole_months(starts, np.datetime64(day, "D"))
        fast = whole_months_to(starts, day)
        assert np.array_equal(got, fast)
        for m in (1, 6, 12, 24, 30):
            assert np.array_equal(got >= m, starts <= months_before(day, m).astype("datetime64[D]")), (day, m)


def test_age_from_date_of_birth_else_stated_age():
    t = Tables({1: [rec("A", contact_date="2025-01-01", date_of_birth="2009-05-15", age=3),  # DOB wins: 16
                    rec("B", contact_date="2025-01-01", date_of_birth="2009-05-16"),         # 15
                    rec("C", contact_date="2025-01-01", age=7),                              # stated
                    rec("D", contact_date="2025-01-01", date_of_birth="2025-06-01"),         # unborn: -2
                    rec("E", contact_date="2025-01-01")]})                                   # unknown: -1
    assert list(view(t, 1).age(dt.date(2025, 5, 15))) == [16, 15, 7, -2, -1]


def test_one_row_per_child_and_rows_on_demand_match_the_frame_helpers():
    rng = np.random.default_rng(9)
    records = [rec(f"C{rng.integers(0, 40)}", cin_start_date=str(np.datetime64("2024-01-01") + int(rng.integers(0, 500))),
                   last_seen_date=(None if rng.random() < 0.2 else str(np.datetime64("2025-01-01")
                                                                            + int(rng.integers(0, 100)))),
                   team=str(rng.choice(["North", " South", None], p=[0.4, 0.4, 0.2])))
               for _ in range(300)]
    t = Tables({6: records})
    table = t.table(6)
    v = view(t, 6)
    mask = (table["cin_start_date"] > np.datetime64("2024-06-01")).to_numpy()
    expected = one_per_child(table[mask], "last_seen_date")
    got = v.one_per_child(mask, "last_seen_date")
    assert list(table.iloc[got]["row_number"]) == list(expected["row_number"])
    numerator = table["last_seen_date"].notna().to_numpy()
    frame = row_frame(table, 6, mask, numerator=numerator, detail=table["last_seen_date"])
    rows = v.select(mask, numerator=numerator, detail=table["last_seen_date"]).frame()
    pd.testing.assert_frame_equal(rows, frame)


def test_a_view_lives_on_its_table_and_is_rebuilt_for_a_copy():
    t = Tables({1: [rec("A", contact_date="2025-01-01")]})
    assert view(t, 1) is view(t, 1)
    copied = t.table(1).copy()
    from goldthread.core.measures.derived import view_of

    assert view_of(copied, 1) is not view(t, 1)
