"""The CIN census measures, each against a hand calculation from its definition.

The hand-made return below is for the census year 1 April 2024 to 31 March 2025 (reference date 31/03/2025),
with a child population of 10,000 so that a rate per 10,000 equals its count. Its boundaries: a referral exactly
12 months after the previous one (a re-referral) and one a day later (not); bank holidays inside working-day
counts (Christmas, the spring bank holiday, Easter); a child on two plans; plans that lasted exactly two years;
episodes and plans ending on the reference date (no longer open) and a referral on it. A second test recomputes
the measures for a synthetic return of 3,000 children with plain loops over its records.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from goldthread.core.cin import read_cin_census, synth
from goldthread.core.cin.tests.build import assessment, child, cin, cpp, message, s47, write
from goldthread.core.measures.cin_census import CIN_CENSUS, ROW_TABLES, compute, context_for
from goldthread.core.measures.registry import COUNT, PERCENT, RATE, REGISTRY, ids_from
from goldthread.core.national.indicators import INDICATORS
from goldthread.core.workdays import working_days

NFA = dict(nfa="1", assessments=())


def hand_made_return() -> str:
    return message(
        # Referred 15/06/2023, then exactly 12 months later (with no further action): a re-referral.
        child("C1", cins=(cin("2023-06-15", closure="2023-09-01", assessments=()),
                          cin("2024-06-15", closure="2024-06-15", reason="RC8", **NFA))),
        # Referred 14/06/2023, then 12 months and a day later: not a re-referral. A3: 9 working days.
        child("C2", cins=(cin("2023-06-14", closure="2023-08-01", assessments=()),
                          cin("2024-06-15", assessments=(assessment("2024-06-17", authorised="2024-06-28"),)))),
        # Two referrals in the year, the second a re-referral. S2: 16 working days (over the spring bank holiday).
        child("C3", cins=(cin("2024-05-01", closure="2024-07-01", assessments=(),
                              s47s=(s47("2024-05-20", icpc="2024-06-12"),)),
                          cin("2024-10-01", assessments=()))),
        # A1: 45 working days over Christmas (25, 26 December and 1 January are bank holidays); A2: 46; A5 open.
        child("C4", cins=(cin("2024-12-19", assessments=(assessment("2024-12-20", authorised="2025-02-26"),
                                                         assessment("2024-12-20", authorised="2025-02-27"),
                                                         assessment("2025-03-03", authorised=None, factors=()))),)),
        # S1: 15 working days over the spring bank holiday (27/05/2024); the CIN details repeat its conference.
        child("C5", cins=(cin("2024-05-17", icpc="2024-06-11", assessments=(),
                              s47s=(s47("2024-05-20", icpc="2024-06-11"),), cpps=(cpp("2024-06-11"),)),)),
        # Two plans: the second says no previous plan, but the return holds the first. It ends on 31/03/2025.
        child("C6", cins=(cin("2021-12-01", assessments=(),
                              cpps=(cpp("2022-01-10", "2024-01-10"), cpp("2024-07-01", "2025-03-31", previous="0"))),)),
        # P4 open exactly 2 years on 31/03/2025. S3 started before the year, its conference in it (Easter between).
        # A4 authorised before the year.
        child("C7", cins=(cin("2023-03-01", assessments=(assessment("2024-03-01", authorised="2024-03-28"),),
                              s47s=(s47("2024-03-25", icpc="2024-04-10"),), cpps=(cpp("2023-03-31"),)),)),
        # P5 open a day short of 2 years.
        child("C8", cins=(cin("2023-03-20", assessments=(), cpps=(cpp("2023-04-01"),)),)),
        # A conference recorded only on the CIN details (moved in from another council); S4 needed none.
        child("C9", cins=(cin("2024-10-20", icpc="2024-11-05", assessments=(),
                              s47s=(s47("2025-03-20", not_required="1"),)),)),
        # P6 ended in the year after exactly 2 years; P8 a day short.
        child("C10", cins=(cin("2022-04-01", closure="2024-06-01", assessments=(),
                               cpps=(cpp("2022-05-01", "2024-05-01"),)),)),
        child("C11", cins=(cin("2022-04-01", closure="2024-06-01", assessments=(),
                               cpps=(cpp("2022-05-02", "2024-05-01"),)),)),
        # On two plans at once on 31/03/2025 (P9: 2 previous plans; P10 after P9); S5's conference is dated
        # before its enquiry started, so it is left out of the timeliness measure.
        child("C12", cins=(cin("2024-08-20", assessments=(), s47s=(s47("2024-09-02", icpc="2024-08-30"),),
                               cpps=(cpp("2024-09-01", previous="2"), cpp("2024-10-01"))),)),
        # Closed on the reference date: no longer in need on it.
        child("C13", cins=(cin("2024-11-01", closure="2025-03-31", assessments=()),)),
        # Referred on the reference date; referred the day before the year began; referred on its first day (NFA).
        child("C14", cins=(cin("2025-03-31", assessments=()),)),
        child("C15", cins=(cin("2024-03-31", assessments=()),)),
        child("C16", cins=(cin("2024-04-01", closure="2024-04-01", reason="RC8", **NFA),)),
        # A referral with no further action and no closure date is not an episode of need.
        child("C17", cins=(cin("2025-01-10", **NFA),)),
    )


# measure id -> (value, numerator, denominator), worked out by hand from the definitions (see the comments).
EXPECTED = {
    # C1 R2, C2 R2, C3 R1 and R2, C4, C5, C9, C12, C13, C14, C16, C17; not C15 (31/03/2024) nor earlier ones.
    "cin_referrals": (12, 12, None),
    "cin_referrals_per_10k": (12.0, 12, 10_000),
    # C1 R2 (previous 15/06/2023, exactly 12 months before) and C3 R2 (previous 01/05/2024); not C2 R2.
    "cin_re_referrals_12m": (100 * 2 / 12, 2, 12),
    # C1 R2, C16, C17.
    "cin_referrals_nfa": (25.0, 3, 12),
    # A1, A2, A3 (A4 authorised 28/03/2024, A5 not authorised).
    "cin_assessments_completed": (3, 3, None),
    # A3 (9 working days), A1 (45); not A2 (46).
    "cin_assessments_within_45wd": (100 * 2 / 3, 2, 3),
    # C2, C3, C4, C5, C6, C7, C8, C9, C12, C14, C15; not C1, C16, C17 (NFA), C10, C11 (closed), C13 (closed on 31/03).
    "cin_children_in_need_31_march": (11, 11, None),
    "cin_children_in_need_per_10k": (11.0, 11, 10_000),
    # S1, S2 (20/05/2024), S5 (02/09/2024), S4 (20/03/2025); not S3 (25/03/2024).
    "cin_section47s": (4, 4, None),
    "cin_section47s_per_10k": (4.0, 4, 10_000),
    # S1, S2, S3, S5 and C9's; C5's CIN-details conference is S1's (same child, same date), counted once.
    "cin_icpcs": (5, 5, None),
    "cin_icpcs_per_10k": (5.0, 5, 10_000),
    # S1 (15 working days), S3 (10) of S1, S2 (16), S3; S5 (dated before its enquiry) and C9's (no enquiry) left out.
    "cin_icpc_within_15wd": (100 * 2 / 3, 2, 3),
    # P1 (11/06/2024), P3 (01/07/2024), P9 (01/09/2024), P10 (01/10/2024).
    "cin_cpp_starting": (4, 4, None),
    # P3 (C6's earlier plan), P9 (2 previous), P10 (C12's earlier P9); not P1.
    "cin_cpp_second_or_subsequent": (75.0, 3, 4),
    # Open on 31/03/2025: P1 (C5), P4 (C7), P5 (C8), P9 and P10 (C12, once); P3 ended on it.
    "cin_cpp_open_31_march": (4, 4, None),
    "cin_cpp_per_10k": (4.0, 4, 10_000),
    # Of P1, P4, P5, P9, P10: P4 (started 31/03/2023, exactly 2 years before); not P5 (01/04/2023).
    "cin_cpp_open_2_years_plus": (20.0, 1, 5),
    # P3 (31/03/2025), P6 and P8 (01/05/2024); P2 ended before the year.
    "cin_cpp_ending": (3, 3, None),
    # P6 (01/05/2022 to 01/05/2024: exactly 2 years); not P8 (from 02/05/2022) nor P3.
    "cin_cpp_ended_2_years_plus": (100 / 3, 1, 3),
}


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("cin"), hand_made_return())
    census = read_cin_census(path)
    assert census.issues == []
    return census


def test_the_boundaries_are_what_the_comments_say():
    # Working days after the first date up to and including the second, less weekends and bank holidays.
    assert working_days(dt.date(2024, 12, 20), dt.date(2025, 2, 26)) == 45
    assert working_days(dt.date(2024, 12, 20), dt.date(2025, 2, 27)) == 46
    assert working_days(dt.date(2024, 5, 20), dt.date(2024, 6, 11)) == 15  # 16 without 27/05/2024
    assert working_days(dt.date(2024, 5, 20), dt.date(2024, 6, 12)) == 16
    assert working_days(dt.date(2024, 3, 25), dt.date(2024, 4, 10)) == 10  # Good Friday and Easter Monday
    assert working_days(dt.date(2024, 6, 17), dt.date(2024, 6, 28)) == 9


@pytest.mark.parametrize("measure_id", sorted(EXPECTED))
def test_measure_equals_the_hand_calculation(hand_made, measure_id):
    result = compute(hand_made, context_for(hand_made, 10_000))[measure_id]
    value, numerator, denominator = EXPECTED[measure_id]
    assert result.value == pytest.approx(value)
    assert result.numerator == numerator
    assert result.denominator == denominator
    rows = result.rows
    counted = rows[rows["in_numerator"]]
    children = measure_id in ("cin_children_in_need_31_march", "cin_children_in_need_per_10k",
                              "cin_cpp_open_31_march", "cin_cpp_per_10k")
    assert (counted["child_id"].nunique() if children else len(counted)) == numerator
    assert rows["list_number"].isna().all()


def test_every_cin_census_measure_is_computed_and_declared(hand_made):
    ids = ids_from(CIN_CENSUS)
    assert set(ids) == set(EXPECTED) == set(ROW_TABLES)
    units = {COUNT: [], PERCENT: [], RATE: []}
    for mid in ids:
        m = REGISTRY[mid]
        assert m.source == CIN_CENSUS and m.lists == () and m.group in ("front_door", "assessment", "child_protection")
        assert "(CIN census)" in m.title and len(m.definition) > 60
        units[m.unit].append(mid)
        if m.national:  # a published twin: the same kind of figure
            twin = INDICATORS[m.national]
            assert (twin.unit, twin.polarity) == (m.unit, m.polarity), mid
    assert len(units[RATE]) == 5 and len(units[PERCENT]) == 7 and len(units[COUNT]) == 8
    assert {m: REGISTRY[m].national for m in ids if REGISTRY[m].national} == {
        "cin_referrals_per_10k": "cin_referrals_rate", "cin_re_referrals_12m": "cin_rereferral_rate",
        "cin_referrals_nfa": "cin_referrals_nfa", "cin_children_in_need_per_10k": "cin_at_31_march_rate",
        "cin_icpc_within_15wd": "cin_icpc_within_15wd", "cin_cpp_second_or_subsequent": "cpp_second_or_subsequent",
        "cin_cpp_per_10k": "cpp_at_31_march_rate", "cin_cpp_open_2_years_plus": "cpp_2_years_plus",
        "cin_assessments_within_45wd": "cin_assessments_within_45wd", "cin_section47s_per_10k": "s47_rate",
        "cin_icpcs_per_10k": "icpc_rate", "cin_cpp_ended_2_years_plus": "cpp_ended_2_years_plus"}


def test_rates_need_the_child_population(hand_made):
    results = compute(hand_made, context_for(hand_made))
    for mid in ("cin_referrals_per_10k", "cin_children_in_need_per_10k", "cin_cpp_per_10k"):
        assert results[mid].value is None and "population" in results[mid].note
    assert results["cin_referrals"].value == 12


def test_a_return_without_a_reference_date_has_no_measures(tmp_path):
    census = read_cin_census(write(tmp_path, message(child(), header=False)))
    with pytest.raises(ValueError, match="no reference date"):
        context_for(census)


def test_the_rows_behind_a_number_are_the_records_counted(hand_made):
    result = compute(hand_made, context_for(hand_made, 10_000))["cin_re_referrals_12m"]
    repeats = result.rows[result.rows["in_numerator"]]
    assert repeats["child_id"].tolist() == ["C1", "C3"]
    assert repeats["detail"].tolist() == ["2023-06-15", "2024-05-01"]  # the previous referral
    cin = hand_made.table("cin_details").set_index("row_number")
    assert [cin.loc[n, "referral_date"] for n in repeats["row_number"]] == [pd.Timestamp("2024-06-15"),
                                                                           pd.Timestamp("2024-10-01")]
    icpc = compute(hand_made, context_for(hand_made, 10_000))["cin_icpcs"].rows
    assert sorted(zip(icpc["child_id"], icpc["detail"], strict=True)) == [
        ("C12", "section47"), ("C3", "section47"), ("C5", "section47"), ("C7", "section47"), ("C9", "cin_details")]


# --------------------------------------------------------------------------- a larger return, by plain loops


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def _date(v):
    return None if v is None else pd.Timestamp(v).date()


def by_loops(census, population: int) -> dict[str, tuple]:
    """The measures recomputed record by record, straight from their definitions."""
    ref = census.reference_date
    start = dt.date(ref.year - 1, ref.month, ref.day) + dt.timedelta(days=1)

    def in_year(d):
        return d is not None and start <= d <= ref

    def months_earlier(d, n):
        return (pd.Timestamp(d) - pd.DateOffset(months=n)).date()

    cin = _records(census.table("cin_details"))
    referrals = [r for r in cin if in_year(_date(r["referral_date"]))]
    repeat = 0
    for r in referrals:
        day = _date(r["referral_date"])
        earlier = [_date(o["referral_date"]) for o in cin if o["child_id"] == r["child_id"]
                   and o["referral_date"] is not None and _date(o["referral_date"]) < day]
        repeat += bool(earlier) and max(earlier) >= months_earlier(day, 12)
    in_need = {r["child_id"] for r in cin if _date(r["referral_date"]) <= ref and r["referral_nfa"] is not True
               and (r["closure_date"] is None or _date(r["closure_date"]) > ref)}

    done = [a for a in _records(census.table("assessments")) if in_year(_date(a["authorised_date"]))]
    quick = sum(working_days(_date(a["start_date"]), _date(a["authorised_date"])) <= 45 for a in done)

    s47 = _records(census.table("section47"))
    held = [s for s in s47 if in_year(_date(s["icpc_date"])) and _date(s["icpc_date"]) >= _date(s["start_date"])]
    timely = sum(working_days(_date(s["start_date"]), _date(s["icpc_date"])) <= 15 for s in held)

    plans = _records(census.table("child_protection_plans"))
    starting = [p for p in plans if in_year(_date(p["start_date"]))]
    again = sum((p["previous_plans"] or 0) >= 1 or any(
        o["child_id"] == p["child_id"] and _date(o["start_date"]) < _date(p["start_date"]) for o in plans)
        for p in starting)
    open_ = [p for p in plans if _date(p["start_date"]) <= ref and (p["end_date"] is None or _date(p["end_date"]) > ref)]
    ending = [p for p in plans if in_year(_date(p["end_date"]))]
    lasted = sum(_date(p["end_date"]) >= (pd.Timestamp(p["start_date"]) + pd.DateOffset(years=2)).date()
                 for p in ending)
    return {
        "cin_referrals": (len(referrals), None),
        "cin_re_referrals_12m": (repeat, len(referrals)),
        "cin_children_in_need_31_march": (len(in_need), None),
        "cin_assessments_within_45wd": (quick, len(done)),
        "cin_icpc_within_15wd": (timely, len(held)),
        "cin_section47s_per_10k": (sum(in_year(_date(s["start_date"])) for s in s47), population),
        "cin_cpp_second_or_subsequent": (again, len(starting)),
        "cin_cpp_open_31_march": (len({p["child_id"] for p in open_}), None),
        "cin_cpp_open_2_years_plus": (sum(_date(p["start_date"]) <= months_earlier(ref, 24) for p in open_),
                                      len(open_)),
        "cin_cpp_ended_2_years_plus": (lasted, len(ending)),
    }


def test_a_synthetic_return_matches_the_definitions_record_by_record(tmp_path):
    census = read_cin_census(synth.write(tmp_path / "cin.xml", 3000, seed=11))
    results = compute(census, context_for(census, 60_000))
    expected = by_loops(census, 60_000)
    for mid, (numerator, denominator) in expected.items():
        assert (results[mid].numerator, results[mid].denominator) == (numerator, denominator), mid
        assert numerator > 0, mid  # the synthetic return exercises every measure checked here
