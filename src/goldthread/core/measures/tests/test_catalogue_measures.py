"""The measures added to cover the regional benchmarking tool's catalogue, checked on small hand-made lists.

As in test_annex_a_measures.py, each expected value is worked out by hand from the measure's written definition
and the conventions (``goldthread.core.measures.annex_a``), never by calling the implementation. The extract date
is Thursday 15 May 2025: the six-month window is 16 Nov 2024 .. 15 May 2025; as_at less 12 months is 15 May
2024, less 24 months 15 May 2023, less 30 months 15 Nov 2022. Working days back from 15 May 2025 are tabled in
test_annex_a_measures.py (k=9 is Fri 2 May, because Mon 5 May is a bank holiday).

This module also holds the registry-wide check: every Annex A measure has a test here or in
test_annex_a_measures.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import ANNEX_A, REGISTRY, Context, ids_from
from goldthread.core.measures.tests import test_annex_a_measures as first
from goldthread.core.measures.tests.test_annex_a_measures import (
    AS_AT,
    CONTACTS,
    REFERRALS,
    breakdown,
    check,
    compute,
    denominator_children,
    numerator_children,
    numerator_row_numbers,
    rec,
)

COVERED: set[str] = set()


def covers(*measure_ids: str):
    def mark(function):
        COVERED.update(measure_ids)
        return function
    return mark


# --------------------------------------------------------------------------- registry-wide checks

UNITS = {  # the unit each added measure's definition gives
    "percent": {
        "contacts_to_referral_children", "early_help_to_referral_children", "assessments_needs_support",
        "assessments_disabled", "s47_icpc_unnecessary", "s47_disabled", "cin_disabled", "cpp_ended_2_years_plus",
        "cpp_disabled", "cla_started_uasc", "cla_started_second_period", "cla_uasc", "cla_disabled",
        "cla_long_term_stability", "cla_12m_plus_share", "cla_dental_check_in_date", "cla_return_interview_offered",
        "cla_return_interview_accepted", "cla_absent", "care_leavers_in_touch_17_18", "care_leavers_in_touch_19_21",
        "care_leavers_suitable_accommodation_17_18", "care_leavers_suitable_accommodation_19_21",
        "care_leavers_eet_17_18", "care_leavers_eet_19_21", "care_leavers_disabled", "care_leavers_uasc",
    },
    "count": {
        "contact_children", "children_referred", "early_help_assessments", "early_help_children",
        "assessments_started", "assessments_open", "children_assessed", "icpcs", "cin_in_window", "cin_started",
        "cin_closed", "cpp_started", "cpp_ended", "cla_started", "cla_ended", "cla_12m_plus", "care_leavers",
        "care_leavers_17_18", "care_leavers_19_21",
    },
    "rate per 10,000": {
        "contacts_per_10k", "contact_children_per_10k", "children_referred_per_10k", "early_help_assessments_per_10k",
        "early_help_children_per_10k", "assessments_started_per_10k", "assessments_open_per_10k",
        "children_assessed_per_10k", "assessments_completed_per_10k", "assessments_open_over_45wd_per_10k",
        "s47_per_10k", "icpcs_per_10k", "cin_in_window_per_10k", "cin_started_per_10k", "cin_closed_per_10k",
        "cin_per_10k", "cpp_started_per_10k", "cpp_ended_per_10k", "cla_started_per_10k", "cla_ended_per_10k",
        "cla_12m_plus_per_10k", "care_leavers_per_10k", "care_leavers_17_18_per_10k", "care_leavers_19_21_per_10k",
    },
}
ADDED = {mid for ids in UNITS.values() for mid in ids}
AGE_BANDS = {"age_band": {"17 to 18": 4_000, "19 to 21": 6_000}}


def test_every_annex_a_measure_has_a_test_here_or_in_the_first_module():
    registered = set(ids_from(ANNEX_A))
    assert ADDED.isdisjoint(first.ORIGINAL_IDS)
    assert registered == ADDED | first.ORIGINAL_IDS, "measures without a unit and definition check"
    assert registered - (COVERED | first.COVERED) == set(), "measures without a test"
    assert COVERED - registered == set(), "tests for measures that are not registered"


@pytest.mark.parametrize("measure_id", sorted(ADDED))
def test_unit_matches_the_definition(measure_id):
    expected = {mid: unit for unit, ids in UNITS.items() for mid in ids}
    assert REGISTRY[measure_id].unit == expected[measure_id]


@pytest.mark.parametrize("measure_id", sorted(ADDED))
def test_empty_data_gives_no_value_or_zero(measure_id):
    # No rows: a percentage has no value; a count is 0; a rate with its population is 0 per 10,000.
    ctx = Context(as_at=AS_AT, child_population=10_000, populations=AGE_BANDS)
    result = REGISTRY[measure_id].compute(Tables({}), ctx)
    if REGISTRY[measure_id].unit == "percent":
        assert result.value is None
    else:
        assert result.value == 0.0
    assert len(result.rows) == 0


def test_every_count_of_children_or_events_has_a_rate():
    # "rates per 10,000 children for every count": caseload_over_threshold counts workers, so has none
    counts = {mid for mid in ids_from(ANNEX_A) if REGISTRY[mid].unit == "count"} - {"caseload_over_threshold"}
    rates = {mid for mid in ids_from(ANNEX_A) if REGISTRY[mid].unit == "rate per 10,000"}
    named = {"cin_open": "cin_per_10k", "cpp_open": "cpp_per_10k", "cla_open": "cla_per_10k",
             "s47_enquiries": "s47_per_10k"}
    assert {named.get(c, f"{c}_per_10k") for c in counts} <= rates


# =========================================================================== front door


@covers("contacts_per_10k")
def test_contacts_per_10k_doubled_to_a_year():
    # 5 contacts in the window (rows 3-7), x2 = 10 a year / 10,000 children x 10,000 = 10.0
    check(compute("contacts_per_10k", {1: CONTACTS}, child_population=10_000), 10.0, 5.0, 10_000.0)
    assert compute("contacts_per_10k", {1: CONTACTS}).value is None  # no population: no rate


@covers("contact_children", "contact_children_per_10k")
def test_children_with_a_contact_are_distinct_and_not_doubled():
    # K2, K3, K4 (twice), K5 in the window -> 4 children; K1 and K6 on the boundaries are out
    check(compute("contact_children", {1: CONTACTS}), 4.0, 4.0, None)
    # 4 children / 8,000 x 10,000 = 5.0 (a count of children is not doubled)
    check(compute("contact_children_per_10k", {1: CONTACTS}, child_population=8_000), 5.0, 4.0, 8_000.0)


CONVERSION_CONTACTS = [  # List 1
    rec("C1", contact_date="2025-01-10"),  # row 2: C1's first contact in the window
    rec("C1", contact_date="2025-03-01"),  # row 3
    rec("C2", contact_date="2025-03-01"),  # row 4
    rec("C3", contact_date="2025-04-01"),  # row 5
    rec("C4", contact_date="2024-11-10"),  # row 6: OUT of the window
    rec("C4", contact_date="2025-02-02"),  # row 7: C4's first contact in the window
    rec("C5", contact_date="2025-05-15"),  # row 8: as_at
    rec("C6", contact_date="2025-01-05"),  # row 9
    rec("C7", contact_date="2024-11-15"),  # row 10: OUT (exactly 6 months)
]
CONVERSION_REFERRALS = [  # List 3
    rec("C1", referral_date="2025-02-01"),  # after C1's first contact -> counts
    rec("C2", referral_date="2025-02-01"),  # before C2's contact -> no
    rec("C3", referral_date="2025-04-01"),  # the same day as the contact -> counts (on or after)
    rec("C4", referral_date="2024-12-01"),  # in the window but before C4's first contact in it -> no
    rec("C5", referral_date="2025-05-16"),  # after as_at: not in the window -> no
    rec("C6", referral_date="2024-11-15"),  # not in the window -> no
    rec("C7", referral_date="2025-03-01"),  # C7 has no contact in the window: not in the total
]


@covers("contacts_to_referral_children")
def test_contact_to_referral_by_child_on_or_after_the_first_contact():
    result = compute("contacts_to_referral_children", {1: CONVERSION_CONTACTS, 3: CONVERSION_REFERRALS})
    # children with a contact in the window: C1..C6 = 6; referred on or after: C1, C3 -> 2 of 6
    check(result, 100 * 2 / 6, 2.0, 6.0)
    assert denominator_children(result) == {"C1", "C2", "C3", "C4", "C5", "C6"}
    assert numerator_children(result) == {"C1", "C3"}
    # one row per child: the first contact in the window (C1 row 2, C4 row 7)
    assert sorted(result.rows["row_number"]) == [2, 4, 5, 7, 8, 9]
    details = dict(zip(result.rows["child_id"], result.rows["detail"], strict=True))
    assert details["C1"] == "referred 01/02/2025" and pd.isna(details["C2"])


@covers("early_help_assessments", "early_help_assessments_per_10k", "early_help_children",
        "early_help_children_per_10k")
def test_early_help_assessments_as_events_and_children():
    early_help = [
        rec("E1", eh_start_date="2024-11-15"),  # OUT
        rec("E1", eh_start_date="2024-11-16"),  # IN
        rec("E1", eh_start_date="2025-03-01"),  # IN, E1 again
        rec("E2", eh_start_date="2025-05-15"),  # IN
        rec("E3", eh_start_date="2025-05-16", eh_completion_date="2025-05-20"),  # OUT
    ]
    check(compute("early_help_assessments", {2: early_help}), 3.0, 3.0, None)  # 3 events
    # 3 x 2 / 12,000 x 10,000 = 5.0
    check(compute("early_help_assessments_per_10k", {2: early_help}, child_population=12_000), 5.0, 3.0, 12_000.0)
    check(compute("early_help_children", {2: early_help}), 2.0, 2.0, None)  # E1, E2
    check(compute("early_help_children_per_10k", {2: early_help}, child_population=4_000), 5.0, 2.0, 4_000.0)


@covers("early_help_to_referral_children")
def test_early_help_stepped_up_to_a_referral_by_child():
    early_help = [rec("E1", eh_start_date="2025-01-01"), rec("E2", eh_start_date="2025-03-01"),
                  rec("E3", eh_start_date="2024-11-01")]  # E3 out of the window
    referrals = [rec("E1", referral_date="2025-03-01"),  # after E1's early help -> counts
                 rec("E2", referral_date="2025-01-01"),  # before E2's -> no
                 rec("E3", referral_date="2025-01-01")]  # E3 is not in the total
    result = compute("early_help_to_referral_children", {2: early_help, 3: referrals})
    check(result, 50.0, 1.0, 2.0)
    assert numerator_children(result) == {"E1"}


@covers("children_referred", "children_referred_per_10k")
def test_children_referred_are_distinct_with_team_split():
    result = compute("children_referred", {3: REFERRALS})
    # in the window: R2, R3 (twice), R4 -> 3 children
    check(result, 3.0, 3.0, None)
    # by team, distinct children: North R2 -> 1; South R3 -> 1 (two referrals); Not allocated R4 -> 1
    assert {g: v[0] for g, v in breakdown(result).items()} == {"North": 1, "South": 1, "Not allocated": 1}
    check(compute("children_referred_per_10k", {3: REFERRALS}, child_population=6_000), 5.0, 3.0, 6_000.0)


# =========================================================================== assessment


@covers("assessments_within_45wd", "icpc_within_15wd")
def test_a_span_running_backwards_is_not_within_the_timescale():
    # the regional tool counts a negative span as in time; goldthread keeps it in the total, not in time
    assessments = [
        rec("A", assessment_start_date="2025-03-10", assessment_authorised_date="2025-03-07"),  # backwards
        rec("B", assessment_start_date="2025-05-16", assessment_authorised_date="2025-05-15"),  # a day backwards
        rec("C", assessment_start_date="2025-03-03", assessment_authorised_date="2025-03-17"),  # 10 working days
    ]
    result = compute("assessments_within_45wd", {4: assessments})
    check(result, 100 / 3, 1.0, 3.0)
    assert numerator_children(result) == {"C"}
    s47 = [rec("S", s47_start_date="2025-05-10", icpc_date="2025-05-09"),  # conference before the strategy discussion
           rec("T", icpc_date="2025-05-09"),                               # no strategy discussion date
           rec("U", s47_start_date="2025-04-30", icpc_date="2025-05-15")]  # 10 working days
    result = compute("icpc_within_15wd", {5: s47})
    check(result, 100 / 3, 1.0, 3.0)
    assert numerator_children(result) == {"U"}


ASSESSMENTS = [
    rec("A1", assessment_start_date="2024-11-15", assessment_authorised_date="2024-12-20"),  # row 2
    rec("A2", assessment_start_date="2024-11-16", assessment_authorised_date="2025-01-10"),  # row 3
    rec("A2", assessment_start_date="2025-02-01"),                                          # row 4: open
    rec("A3", assessment_start_date="2025-05-15"),                                          # row 5: open
    rec("A4", assessment_start_date="2025-05-16"),                                          # row 6: not started
    rec("A5", assessment_start_date="2024-06-01", assessment_authorised_date="2025-05-16"),  # row 7: open
    rec("A6", assessment_start_date="2025-01-01", assessment_authorised_date="2025-05-15"),  # row 8
]


@covers("assessments_started", "assessments_started_per_10k")
def test_assessments_started_in_the_window():
    # starts in the window: rows 3 (16 Nov), 4, 5 (as_at), 8 -> 4 (row 2 on 15 Nov and row 6 after as_at out)
    result = compute("assessments_started", {4: ASSESSMENTS})
    check(result, 4.0, 4.0, None)
    assert numerator_row_numbers(result) == {3, 4, 5, 8}
    check(compute("assessments_started_per_10k", {4: ASSESSMENTS}, child_population=10_000), 8.0, 4.0, 10_000.0)


@covers("assessments_open", "assessments_open_per_10k")
def test_open_assessments_at_the_extract_date():
    # open: row 4 (no authorisation), 5 (started on as_at), 7 (authorised after as_at); row 8 authorised ON
    # as_at is closed; row 6 starts after as_at
    result = compute("assessments_open", {4: ASSESSMENTS})
    check(result, 3.0, 3.0, None)
    assert numerator_row_numbers(result) == {4, 5, 7}
    check(compute("assessments_open_per_10k", {4: ASSESSMENTS}, child_population=10_000), 3.0, 3.0, 10_000.0)


@covers("assessments_completed_per_10k", "children_assessed", "children_assessed_per_10k")
def test_assessments_completed_rate_and_children_assessed():
    # authorised in the window: row 2 (20 Dec), row 3 (10 Jan), row 8 (as_at) -> 3 events, x2 / 10,000 = 6.0
    check(compute("assessments_completed_per_10k", {4: ASSESSMENTS}, child_population=10_000), 6.0, 3.0, 10_000.0)
    twice = [*ASSESSMENTS, rec("A6", assessment_start_date="2025-02-01", assessment_authorised_date="2025-03-01")]
    # children: A1, A2, A6 (twice) -> 3
    check(compute("children_assessed", {4: twice}), 3.0, 3.0, None)
    check(compute("children_assessed_per_10k", {4: twice}, child_population=3_000), 10.0, 3.0, 3_000.0)


@covers("assessments_open_over_45wd_per_10k")
def test_open_assessments_over_45_working_days_rate():
    assessments = [
        rec("A", assessment_start_date="2025-01-02"),  # open; far more than 45 working days
        rec("B", assessment_start_date="2025-05-01"),  # open; 9 working days (k=9 is 2 May)
        rec("C", assessment_start_date="2025-01-02", assessment_authorised_date="2025-03-01"),  # closed
    ]
    # 1 / 5,000 x 10,000 = 2.0, not doubled: a count at one date
    check(compute("assessments_open_over_45wd_per_10k", {4: assessments}, child_population=5_000), 2.0, 1.0, 5_000.0)


@covers("assessments_needs_support")
def test_assessments_needing_support_yes_only_of_completed():
    assessments = [
        rec("A", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-01", needs_support=True),
        rec("B", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-01", needs_support=False),
        rec("C", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-01", needs_support=None),
        rec("D", assessment_start_date="2025-01-01", assessment_authorised_date="2025-05-15", needs_support=True),
        rec("E", assessment_start_date="2025-04-01", needs_support=True),  # open: not in the total
    ]
    result = compute("assessments_needs_support", {4: assessments})
    check(result, 50.0, 2.0, 4.0)  # A, D of A..D
    assert numerator_children(result) == {"A", "D"}


@covers("assessments_disabled")
def test_children_assessed_who_are_disabled_latest_assessment():
    assessments = [
        rec("D1", assessment_start_date="2024-12-01", assessment_authorised_date="2025-01-10", disability=True),
        rec("D1", assessment_start_date="2025-02-01", assessment_authorised_date="2025-03-10", disability=False),
        rec("D2", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-01", disability=True),
        rec("D3", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-01", disability=None),
        rec("D4", assessment_start_date="2024-09-01", assessment_authorised_date="2024-10-01", disability=True),
    ]
    result = compute("assessments_disabled", {4: assessments})
    # D1's latest says No; D2 Yes; D3 unknown stays in the total; D4 out of the window -> 1 of 3
    check(result, 100 / 3, 1.0, 3.0)
    assert denominator_children(result) == {"D1", "D2", "D3"}
    assert sorted(result.rows["row_number"]) == [3, 4, 5]  # D1's row is its latest (row 3)


# =========================================================================== child protection

S47 = [
    rec("S1", s47_start_date="2024-11-15", icpc_date="2024-11-15", icpc_unnecessary=True),  # row 2: OUT
    rec("S2", s47_start_date="2024-11-16", icpc_date="2024-11-16", icpc_unnecessary=False, disability=True),
    rec("S3", s47_start_date="2025-05-01", icpc_date="2025-05-15", disability=False),         # row 4
    rec("S3", s47_start_date="2025-05-10", icpc_unnecessary=True, disability=True),          # row 5
    rec("S4", s47_start_date="2025-05-15", icpc_unnecessary=None),                           # row 6
    rec("S5", s47_start_date="2025-05-16", icpc_date="2025-05-20", icpc_unnecessary=True),   # row 7: OUT
]


@covers("s47_per_10k")
def test_s47_rate_doubled():
    # strategy discussions in the window: rows 3, 4, 5, 6 -> 4, x2 / 8,000 x 10,000 = 10.0
    check(compute("s47_per_10k", {5: S47}, child_population=8_000), 10.0, 4.0, 8_000.0)


@covers("icpcs", "icpcs_per_10k")
def test_initial_conferences_by_conference_date():
    # ICPC dates in the window: row 3 (16 Nov), row 4 (as_at) -> 2; row 2 (15 Nov) and row 7 (20 May) out
    result = compute("icpcs", {5: S47})
    check(result, 2.0, 2.0, None)
    assert numerator_row_numbers(result) == {3, 4}
    check(compute("icpcs_per_10k", {5: S47}, child_population=4_000), 10.0, 2.0, 4_000.0)


@covers("s47_icpc_unnecessary")
def test_s47_conference_deemed_unnecessary_yes_only():
    # rows 3-6 in the window: row 5 Yes; row 3 No; rows 4 and 6 blank -> 1 of 4
    result = compute("s47_icpc_unnecessary", {5: S47})
    check(result, 25.0, 1.0, 4.0)
    assert numerator_row_numbers(result) == {5}


@covers("s47_disabled")
def test_children_in_s47_enquiries_who_are_disabled():
    # children S2 (Yes), S3 (latest row 5: Yes), S4 (blank) -> 2 of 3
    result = compute("s47_disabled", {5: S47})
    check(result, 200 / 3, 2.0, 3.0)
    assert numerator_children(result) == {"S2", "S3"}


CIN = [
    rec("N1", cin_start_date="2024-01-01", cin_closure_date="2024-11-15"),  # row 2: closed as the window began
    rec("N2", cin_start_date="2024-01-01", cin_closure_date="2024-11-16"),  # row 3: open on the window's 1st day
    rec("N3", cin_start_date="2025-05-15", disability=True),                # row 4: starts on as_at
    rec("N4", cin_start_date="2025-05-16"),                                 # row 5: after as_at
    rec("N5", cin_start_date="2023-01-01", disability=True),                # row 6: open
    rec("N5", cin_start_date="2025-01-01", disability=False),               # row 7: open, N5's latest
]


@covers("cin_in_window", "cin_in_window_per_10k")
def test_children_in_need_at_any_time_in_the_window():
    # N2 (closed 16 Nov, after the window began), N3, N5 -> 3 children; N1 closed on 15 Nov; N4 starts later
    result = compute("cin_in_window", {6: CIN})
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"N2", "N3", "N5"}
    check(compute("cin_in_window_per_10k", {6: CIN}, child_population=10_000), 3.0, 3.0, 10_000.0)


@covers("cin_started", "cin_started_per_10k", "cin_closed", "cin_closed_per_10k")
def test_children_in_need_episodes_started_and_closed():
    # started in the window: rows 4 (as_at) and 7 -> 2 events; closed: row 3 (16 Nov) -> 1 (row 2's 15 Nov is out)
    check(compute("cin_started", {6: CIN}), 2.0, 2.0, None)
    check(compute("cin_started_per_10k", {6: CIN}, child_population=10_000), 4.0, 2.0, 10_000.0)
    check(compute("cin_closed", {6: CIN}), 1.0, 1.0, None)
    check(compute("cin_closed_per_10k", {6: CIN}, child_population=10_000), 2.0, 1.0, 10_000.0)


@covers("cin_per_10k", "cin_disabled")
def test_children_in_need_rate_and_disabled_at_the_extract_date():
    # open at as_at: N3, N5 (two episodes) -> 2 children / 4,000 x 10,000 = 5.0
    check(compute("cin_per_10k", {6: CIN}, child_population=4_000), 5.0, 2.0, 4_000.0)
    # N3 Yes; N5's latest open episode (row 7) says No -> 1 of 2
    result = compute("cin_disabled", {6: CIN})
    check(result, 50.0, 1.0, 2.0)
    assert sorted(result.rows["row_number"]) == [4, 7]


CPP = [
    rec("P1", cpp_start_date="2023-01-10", cpp_end_date="2025-01-10"),  # 24 months exactly -> 2 years
    rec("P2", cpp_start_date="2023-01-11", cpp_end_date="2025-01-10"),  # one day short -> 23 months
    rec("P3", cpp_start_date="2023-03-31", cpp_end_date="2025-03-30"),  # 23 months
    rec("P4", cpp_start_date="2023-03-31", cpp_end_date="2025-03-31"),  # 24 months
    rec("P5", cpp_start_date="2021-01-01", cpp_end_date="2024-11-15"),  # ended out of the window
    rec("P6", cpp_start_date="2025-05-15", disability=True),            # started on as_at, open
    rec("P7", cpp_start_date="2024-11-16", cpp_end_date="2025-05-16"),  # open at as_at (ends after)
]


@covers("cpp_started", "cpp_started_per_10k", "cpp_ended", "cpp_ended_per_10k")
def test_plans_started_and_ended_in_the_window():
    # started: P6 (as_at), P7 (16 Nov) -> 2; ended: P1, P2, P3, P4 -> 4 (P5 on 15 Nov out, P7 after as_at)
    check(compute("cpp_started", {7: CPP}), 2.0, 2.0, None)
    check(compute("cpp_started_per_10k", {7: CPP}, child_population=2_000), 20.0, 2.0, 2_000.0)
    check(compute("cpp_ended", {7: CPP}), 4.0, 4.0, None)
    check(compute("cpp_ended_per_10k", {7: CPP}, child_population=8_000), 10.0, 4.0, 8_000.0)


@covers("cpp_ended_2_years_plus")
def test_plans_ended_lasting_two_years_whole_calendar_months():
    result = compute("cpp_ended_2_years_plus", {7: CPP})
    # of P1..P4: P1 (10 Jan 2023 -> 10 Jan 2025) and P4 (31 Mar -> 31 Mar) -> 2 of 4
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"P1", "P4"}


@covers("cpp_disabled")
def test_children_on_plans_who_are_disabled():
    # open at as_at: P6 (Yes), P7 (blank) -> 1 of 2
    check(compute("cpp_disabled", {7: CPP}), 50.0, 1.0, 2.0)


# =========================================================================== children in care

STARTS = [
    rec("L1", cla_start_date="2024-12-01", cla_end_date="2025-01-01", uasc=True, subsequent_period_12m=False),
    rec("L1", cla_start_date="2025-03-01", uasc=False, subsequent_period_12m=True),  # L1's latest start
    rec("L2", cla_start_date="2025-05-15", uasc=True, subsequent_period_12m=None),
    rec("L3", cla_start_date="2024-11-15", cla_end_date="2024-12-10", uasc=True),    # started out of the window
    rec("L4", cla_start_date="2020-01-01", cla_end_date="2025-05-15"),               # ended on as_at
    rec("L5", cla_start_date="2020-01-01", cla_end_date="2025-05-16"),               # still looked after
]


@covers("cla_started", "cla_started_per_10k", "cla_ended", "cla_ended_per_10k")
def test_children_starting_and_ceasing_care_are_distinct():
    # started in the window: L1 (twice), L2 -> 2 children; ceased: L1 (1 Jan), L3 (10 Dec), L4 (as_at) -> 3
    check(compute("cla_started", {8: STARTS}), 2.0, 2.0, None)
    check(compute("cla_started_per_10k", {8: STARTS}, child_population=10_000), 2.0, 2.0, 10_000.0)
    result = compute("cla_ended", {8: STARTS})
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"L1", "L3", "L4"}
    check(compute("cla_ended_per_10k", {8: STARTS}, child_population=3_000), 10.0, 3.0, 3_000.0)


@covers("cla_started_uasc", "cla_started_second_period")
def test_children_starting_care_uasc_and_second_period_latest_start():
    # L1's latest start in the window says UASC No, second period Yes; L2 UASC Yes, second period blank
    result = compute("cla_started_uasc", {8: STARTS})
    check(result, 50.0, 1.0, 2.0)
    assert numerator_children(result) == {"L2"}
    result = compute("cla_started_second_period", {8: STARTS})
    check(result, 50.0, 1.0, 2.0)
    assert numerator_children(result) == {"L1"}


IN_CARE = [
    rec("T1", cla_start_date="2024-05-15", uasc=True, disability=True, last_dental_check_date="2024-05-16",
        absent_episodes_12m=1, missing_episodes_12m=2, return_interview_offered=True, return_interview_accepted=True),
    rec("T2", cla_start_date="2024-05-16", uasc=None, disability=None, last_dental_check_date="2025-01-01",
        absent_episodes_12m=0, missing_episodes_12m=1, return_interview_offered=None),
    rec("T3", cla_start_date="2020-01-01", cla_end_date="2025-05-16", uasc=False, disability=False,
        last_dental_check_date="2024-05-15", missing_episodes_12m=0, return_interview_offered=True,
        return_interview_accepted=False),
    rec("T4", cla_start_date="2020-01-01", cla_end_date="2025-05-15", uasc=True, disability=True,
        last_dental_check_date="2025-01-01", absent_episodes_12m=3),  # ceased on as_at: not in care
]


@covers("cla_uasc", "cla_disabled", "cla_absent")
def test_children_in_care_uasc_disabled_and_absent():
    # in care at as_at: T1, T2, T3
    check(compute("cla_uasc", {8: IN_CARE}), 100 / 3, 1.0, 3.0)  # T1
    check(compute("cla_disabled", {8: IN_CARE}), 100 / 3, 1.0, 3.0)  # T1; T2 unknown stays in the total
    result = compute("cla_absent", {8: IN_CARE})
    check(result, 100 / 3, 1.0, 3.0)  # T1 (1); T2 0; T3 blank counts as none; T4 (3) is not in care
    assert numerator_children(result) == {"T1"}


@covers("cla_12m_plus", "cla_12m_plus_per_10k", "cla_12m_plus_share", "cla_dental_check_in_date")
def test_children_in_care_12_months_or_more_and_dental_checks():
    # T1 started 15 May 2024 (exactly 12 months) and T3 (2020) -> 2; T2 (16 May 2024) is short by a day
    result = compute("cla_12m_plus", {8: IN_CARE})
    check(result, 2.0, 2.0, None)
    assert numerator_children(result) == {"T1", "T3"}
    check(compute("cla_12m_plus_per_10k", {8: IN_CARE}, child_population=10_000), 2.0, 2.0, 10_000.0)
    check(compute("cla_12m_plus_share", {8: IN_CARE}), 200 / 3, 2.0, 3.0)
    # of T1, T3: T1's check 16 May 2024 is within 12 months; T3's 15 May 2024 is not (exactly 12 months)
    result = compute("cla_dental_check_in_date", {8: IN_CARE})
    check(result, 50.0, 1.0, 2.0)
    assert numerator_children(result) == {"T1"}
    assert denominator_children(result) == {"T1", "T3"}


@covers("cla_return_interview_offered", "cla_return_interview_accepted")
def test_return_interviews_after_going_missing():
    # went missing: T1 (2, offered), T2 (1, offered blank) -> 1 of 2; T3 (0) is not in the total
    result = compute("cla_return_interview_offered", {8: IN_CARE})
    check(result, 50.0, 1.0, 2.0)
    assert denominator_children(result) == {"T1", "T2"}
    # offered: T1 (accepted), T3 (offered, declined) -> 1 of 2
    result = compute("cla_return_interview_accepted", {8: IN_CARE})
    check(result, 50.0, 1.0, 2.0)
    assert denominator_children(result) == {"T1", "T3"}


@covers("cla_long_term_stability")
def test_long_term_placement_stability_dfe_definition():
    long_term = [
        # 13, in care since 15 Nov 2022 (exactly 30 months), placed 15 May 2023 (exactly 2 years): stable
        rec("S1", date_of_birth="2012-01-01", cla_start_date="2022-11-15", placement_start_date="2023-05-15"),
        # in care since 16 Nov 2022: a day short of 30 months -> not in the total
        rec("S2", date_of_birth="2012-01-01", cla_start_date="2022-11-16", placement_start_date="2023-01-01"),
        # 16 on as_at (born 15 May 2009) -> not under 16
        rec("S3", date_of_birth="2009-05-15", cla_start_date="2019-01-01", placement_start_date="2020-01-01"),
        # 15 (born 16 May 2009), placed 16 May 2023: a day short of 2 years -> in the total, not stable
        rec("S4", date_of_birth="2009-05-16", cla_start_date="2019-01-01", placement_start_date="2023-05-16"),
        # no date of birth, stated age 10, no placement date -> in the total, not stable
        rec("S5", age=10, cla_start_date="2019-01-01"),
        # age unknown -> left out
        rec("S6", cla_start_date="2019-01-01", placement_start_date="2020-01-01"),
        # ceased on as_at -> not in care
        rec("S7", date_of_birth="2012-01-01", cla_start_date="2019-01-01", cla_end_date="2025-05-15",
            placement_start_date="2020-01-01"),
    ]
    result = compute("cla_long_term_stability", {8: long_term})
    check(result, 100 / 3, 1.0, 3.0)
    assert denominator_children(result) == {"S1", "S4", "S5"}
    assert numerator_children(result) == {"S1"}


# =========================================================================== care leavers

LEAVERS = [
    rec("Y1", date_of_birth="2008-05-15", in_touch="IN_TOUCH", accommodation_suitability="SUITABLE",
        activity="F1", disability=True, uasc=True),          # 17 on as_at
    rec("Y2", date_of_birth="2008-05-16", in_touch="IN_TOUCH", accommodation_suitability="SUITABLE",
        activity="F1"),                                      # 16: in no age group
    rec("Y3", date_of_birth="2006-05-16", in_touch="NOT_IN_TOUCH", accommodation_suitability="NOT_SUITABLE",
        activity="G5", disability=None),                     # 18
    rec("Y4", date_of_birth="2006-05-15", in_touch="EXCLUDE", accommodation_suitability="EXCLUDE",
        activity="P3", uasc=False),                          # 19 on as_at
    rec("Y5", date_of_birth="2003-05-16", in_touch=None, accommodation_suitability=None, activity=None),  # 21
    rec("Y6", date_of_birth="2003-05-15", in_touch="IN_TOUCH", accommodation_suitability="SUITABLE",
        activity="F2"),                                      # 22: in no age group
    rec("Y7", age=20, in_touch="IN_TOUCH", accommodation_suitability="SUITABLE", activity="G4"),  # stated 20
    rec("Y7", age=20, in_touch="NOT_IN_TOUCH", accommodation_suitability="NOT_SUITABLE", activity="F5"),  # repeat
]


@covers("care_leavers", "care_leavers_17_18", "care_leavers_19_21")
def test_care_leavers_counted_once_by_age_at_the_extract_date():
    check(compute("care_leavers", {9: LEAVERS}), 7.0, 7.0, None)  # Y1..Y7, Y7 once
    result = compute("care_leavers_17_18", {9: LEAVERS})
    check(result, 2.0, 2.0, None)
    assert numerator_children(result) == {"Y1", "Y3"}
    result = compute("care_leavers_19_21", {9: LEAVERS})
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"Y4", "Y5", "Y7"}


@covers("care_leavers_per_10k", "care_leavers_17_18_per_10k", "care_leavers_19_21_per_10k")
def test_care_leaver_rates_per_young_people_of_their_age():
    # 17-21: Y1, Y3, Y4, Y5, Y7 -> 5 / (4,000 + 6,000) x 10,000 = 5.0
    check(compute("care_leavers_per_10k", {9: LEAVERS}, populations=AGE_BANDS), 5.0, 5.0, 10_000.0)
    check(compute("care_leavers_17_18_per_10k", {9: LEAVERS}, populations=AGE_BANDS), 5.0, 2.0, 4_000.0)
    check(compute("care_leavers_19_21_per_10k", {9: LEAVERS}, populations=AGE_BANDS), 5.0, 3.0, 6_000.0)
    # the population aged 0 to 17 is not the right base: without 17-21 figures there is no rate
    unknown = compute("care_leavers_per_10k", {9: LEAVERS}, child_population=60_000)
    assert unknown.value is None and unknown.numerator == 5.0
    assert "aged 17 to 21" in unknown.note


@covers("care_leavers_in_touch_17_18", "care_leavers_in_touch_19_21")
def test_care_leavers_in_touch_by_age():
    # 17-18: Y1 in touch, Y3 not -> 1 of 2
    check(compute("care_leavers_in_touch_17_18", {9: LEAVERS}), 50.0, 1.0, 2.0)
    # 19-21: Y4 Exclude (left out), Y5 blank (not in touch), Y7's last row not in touch -> 0 of 2
    result = compute("care_leavers_in_touch_19_21", {9: LEAVERS})
    check(result, 0.0, 0.0, 2.0)
    assert denominator_children(result) == {"Y5", "Y7"}


@covers("care_leavers_suitable_accommodation_17_18", "care_leavers_suitable_accommodation_19_21")
def test_care_leavers_suitably_accommodated_by_age():
    check(compute("care_leavers_suitable_accommodation_17_18", {9: LEAVERS}), 50.0, 1.0, 2.0)  # Y1 of Y1, Y3
    check(compute("care_leavers_suitable_accommodation_19_21", {9: LEAVERS}), 0.0, 0.0, 2.0)  # Y5, Y7 (Y4 excl.)


@covers("care_leavers_eet_17_18", "care_leavers_eet_19_21")
def test_care_leavers_in_education_employment_or_training_by_age():
    check(compute("care_leavers_eet_17_18", {9: LEAVERS}), 50.0, 1.0, 2.0)  # Y1 F1; Y3 G5
    # 19-21: Y4 P3 (yes), Y5 blank, Y7's last row F5 (yes) -> 2 of 3
    result = compute("care_leavers_eet_19_21", {9: LEAVERS})
    check(result, 200 / 3, 2.0, 3.0)
    assert numerator_children(result) == {"Y4", "Y7"}


@covers("care_leavers_disabled", "care_leavers_uasc")
def test_care_leavers_disabled_and_uasc():
    check(compute("care_leavers_disabled", {9: LEAVERS}), 100 / 7, 1.0, 7.0)  # Y1
    check(compute("care_leavers_uasc", {9: LEAVERS}), 100 / 7, 1.0, 7.0)  # Y1
