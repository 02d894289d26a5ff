"""Every Annex A measure in the registry, checked on small hand-made lists.

Each expected value is worked out by hand from the measure's written definition (``Measure.definition``)
and the product owner's conventions, never by calling the implementation. The working is written
beside each expectation.

Conventions under test (a contract other checks rely on):

* ``as_at`` is the extract date; the window is ``as_at - 6 calendar months < d <= as_at``.
* Open at ``as_at``: ``start <= as_at`` and (no end, or ``end > as_at``); an end ON ``as_at`` is closed.
* Working days from d1 to d2 are the weekdays after d1 up to and including d2 that are not England bank
  holidays; "within N working days" means that count <= N.

The extract date used throughout is Thursday 15 May 2025, so:

* the six-month window is 16 Nov 2024 .. 15 May 2025 (15 Nov 2024 is OUT, 16 May 2025 is OUT);
* the weeks before it hold England bank holidays on Good Friday 18 Apr, Easter Monday 21 Apr and the
  early May bank holiday Mon 5 May 2025; Christmas Day, Boxing Day 2024 and New Year's Day 2025 fall
  inside the window. Counting working days back from 15 May 2025 (k-th working day back):
  k=1 Thu 15 May, 2 Wed 14, 3 Tue 13, 4 Mon 12, 5 Fri 9, 6 Thu 8, 7 Wed 7, 8 Tue 6, [Mon 5 May holiday],
  9 Fri 2 May, 10 Thu 1 May, 11 Wed 30 Apr, 12 Tue 29, 13 Mon 28, 14 Fri 25, 15 Thu 24, 16 Wed 23,
  17 Tue 22, [Mon 21 and Fri 18 Apr holidays], 18 Thu 17, 19 Wed 16, 20 Tue 15, 21 Mon 14, 22 Fri 11 Apr.
  The working days from a date S to 15 May are the k whose day is after S, e.g. S = 30 Apr -> 10,
  S = 29 Apr -> 11, S = 14 Apr -> 20, S = 11 Apr -> 21.
"""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import ANNEX_A, REGISTRY, Context, Result, ids_from

ANNEX_A_IDS = ids_from(ANNEX_A)

# --------------------------------------------------------------------------- helpers

AS_AT = dt.date(2025, 5, 15)  # a Thursday

COVERED: set[str] = set()


def covers(*measure_ids: str):
    """Mark a test as covering ``measure_ids``; ``test_every_registered_measure_has_a_test`` checks that
    every id in REGISTRY is covered by at least one test in this module."""

    def mark(function):
        COVERED.update(measure_ids)
        return function

    return mark


def rec(child: str, *, team: str | None = None, worker: str | None = None, **fields) -> dict:
    """One record keyed by canonical column names. ISO strings given for ``*_date`` columns become
    ``datetime.date``; ``team``/``worker`` fill the allocation columns."""
    out: dict = {"child_id": child}
    for name, value in fields.items():
        if name.endswith("_date") and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        out[name] = value
    if team is not None:
        out["allocated_team"] = team
    if worker is not None:
        out["allocated_worker"] = worker
    return out


def compute(measure_id: str, lists: dict[int, list[dict]], **context) -> Result:
    """Compute one measure on the given lists at AS_AT (Context defaults unless overridden)."""
    ctx = Context(as_at=context.pop("as_at", AS_AT), **context)
    return REGISTRY[measure_id].compute(Tables(lists), ctx)


def check(result: Result, value, numerator, denominator) -> None:
    """Value, numerator and denominator together (value compared approximately)."""
    got = (result.value, result.numerator, result.denominator)
    if value is None:
        assert result.value is None, got
    else:
        assert result.value == pytest.approx(value), got
    assert result.numerator == (None if numerator is None else pytest.approx(numerator)), got
    assert result.denominator == (None if denominator is None else pytest.approx(denominator)), got


def numerator_children(result: Result) -> set[str]:
    return set(result.rows.loc[result.rows["in_numerator"].astype(bool), "child_id"])


def denominator_children(result: Result) -> set[str]:
    return set(result.rows.loc[result.rows["in_denominator"].astype(bool), "child_id"])


def numerator_row_numbers(result: Result) -> set[int]:
    return {int(n) for n in result.rows.loc[result.rows["in_numerator"].astype(bool), "row_number"]}


def breakdown(result: Result, by: str = "team") -> dict[str, tuple]:
    """{group: (numerator, denominator, value)} for the team or worker breakdown."""
    frame = result.breakdowns[by]
    return {row.group: (row.numerator, row.denominator, row.value) for row in frame.itertuples()}


def approx_breakdown(expected: dict[str, tuple]) -> dict[str, tuple]:
    return {g: tuple(None if v is None else pytest.approx(v) for v in t) for g, t in expected.items()}


# --------------------------------------------------------------------------- registry-wide checks

UNITS = {  # from the product owner's definitions: "%" -> percent, counts, per 10,000 -> rate, median
    "percent": {
        "contact_conversion", "re_referrals_12m", "referrals_nfa", "assessments_within_45wd",
        "assessments_child_seen", "assessments_nfa", "icpc_within_15wd", "s47_to_icpc", "icpc_to_cpp",
        "cin_visits_in_timescale", "cpp_visits_in_timescale", "cpp_seen_alone", "cpp_reviews_in_timescale",
        "cpp_second_or_subsequent", "cpp_open_2_years_plus", "cla_visits_in_timescale",
        "cla_reviews_in_timescale", "cla_health_assessment_in_date", "cla_3plus_placements", "cla_missing",
        "cla_placed_out_of_area", "care_leavers_in_touch", "care_leavers_suitable_accommodation",
        "care_leavers_eet", "care_leavers_pathway_plan_in_date", "unallocated",
    },
    "count": {
        "contacts", "referrals", "assessments_completed", "assessments_open_over_45wd", "s47_enquiries",
        "cin_open", "cpp_open", "cla_open", "caseload_over_threshold",
    },
    "rate per 10,000": {"referrals_per_10k", "cpp_per_10k", "cla_per_10k"},
    "number": {"caseload_median"},
}
# The first 39 measures, tested here; those added with the regional catalogue are tested in
# test_catalogue_measures.py, whose registry-wide check covers every measure in the registry.
ORIGINAL_IDS = {mid for ids in UNITS.values() for mid in ids}


def test_every_registered_measure_has_a_test():
    # Each of the first 39 measures is registered and has a test here; a test for a removed measure fails.
    assert len(ORIGINAL_IDS) == 39
    assert ORIGINAL_IDS <= set(ANNEX_A_IDS), "measures no longer registered"
    assert ORIGINAL_IDS - COVERED == set(), "measures without a test"
    assert COVERED - set(ANNEX_A_IDS) == set(), "tests for measures that are not registered"


@pytest.mark.parametrize("measure_id", sorted(ORIGINAL_IDS))
def test_unit_matches_the_product_definition(measure_id):
    expected = {mid: unit for unit, ids in UNITS.items() for mid in ids}
    assert REGISTRY[measure_id].unit == expected[measure_id]


@pytest.mark.parametrize("measure_id", sorted(ORIGINAL_IDS))
def test_empty_data_does_not_crash(measure_id):
    # No rows on any list: a percentage has no denominator -> None; a count is 0; a rate with a known
    # population is 0 per 10,000; a median over no workers has no value.
    result = REGISTRY[measure_id].compute(Tables({}), Context(as_at=AS_AT, child_population=10_000))
    unit = REGISTRY[measure_id].unit
    if unit in ("percent", "number"):
        assert result.value is None
    else:
        assert result.value == 0.0
    assert len(result.rows) == 0


def test_empty_data_examples_of_each_kind():
    empty: dict[int, list[dict]] = {}
    # percent: 0 of 0 -> no value
    assert compute("assessments_within_45wd", empty).value is None
    # count: nothing to count -> 0
    check(compute("contacts", empty), 0.0, 0.0, None)
    # rate: no population -> no value; with a population, 0 referrals -> 0 per 10,000
    assert compute("referrals_per_10k", empty).value is None
    check(compute("referrals_per_10k", empty, child_population=10_000), 0.0, 0.0, 10_000.0)


# =========================================================================== Front door

CONTACTS = [  # List 1, rows 2..8
    rec("K1", contact_date="2024-11-15"),  # row 2: exactly 6 months before as_at -> OUT
    rec("K2", contact_date="2024-11-16"),  # row 3: first day of the window -> IN
    rec("K3", contact_date="2025-01-10"),  # row 4: IN
    rec("K4", contact_date="2025-03-03"),  # row 5: IN
    rec("K4", contact_date="2025-03-04"),  # row 6: IN, same child again (events, not children)
    rec("K5", contact_date="2025-05-15"),  # row 7: as_at itself -> IN
    rec("K6", contact_date="2025-05-16"),  # row 8: the day after as_at -> OUT
]

REFERRALS = [  # List 3, rows 2..7
    rec("R1", referral_date="2024-11-15", team="North", worker="Ann"),  # row 2: OUT (exactly 6 months)
    rec("R2", referral_date="2024-11-16", team="North", worker="Ann"),  # row 3: IN
    rec("R3", referral_date="2025-02-01", team="South", worker="Bob"),  # row 4: IN
    rec("R3", referral_date="2025-04-01", team="South", worker="Bob"),  # row 5: IN (same child, counts again)
    rec("R4", referral_date="2025-05-15"),                              # row 6: IN (as_at), unallocated
    rec("R5", referral_date="2025-05-16", team="South", worker="Bob"),  # row 7: OUT (after as_at)
]


@covers("contacts")
def test_contacts_in_window_are_counted_as_events():
    result = compute("contacts", {1: CONTACTS})
    # rows 3, 4, 5, 6, 7 in window (K4 twice) -> 5 contacts; rows 2 and 8 are on the boundaries, OUT
    check(result, 5.0, 5.0, None)
    assert numerator_row_numbers(result) == {3, 4, 5, 6, 7}


@covers("contacts")
def test_contacts_window_moves_with_as_at():
    # as_at 16 May 2025: window 16 Nov 2024 < d <= 16 May 2025 -> rows 4..8 (K2 on 16 Nov drops out, K6 in)
    result = compute("contacts", {1: CONTACTS}, as_at=dt.date(2025, 5, 16))
    check(result, 5.0, 5.0, None)
    assert numerator_row_numbers(result) == {4, 5, 6, 7, 8}


@covers("referrals")
def test_referrals_in_window_with_team_breakdown():
    result = compute("referrals", {3: REFERRALS})
    # rows 3, 4, 5, 6 in window -> 4 referrals (R3 twice: events)
    check(result, 4.0, 4.0, None)
    assert numerator_row_numbers(result) == {3, 4, 5, 6}
    # by team: North row 3 -> 1; South rows 4, 5 -> 2; row 6 has no team -> "Not allocated" 1
    teams = breakdown(result, "team")
    assert {g: v[0] for g, v in teams.items()} == {"North": 1, "South": 2, "Not allocated": 1}
    assert {g: v[2] for g, v in teams.items()} == {"North": 1.0, "South": 2.0, "Not allocated": 1.0}


@covers("referrals_per_10k")
def test_referrals_per_10k_is_doubled_to_a_year():
    result = compute("referrals_per_10k", {3: REFERRALS}, child_population=40_000)
    # 4 referrals in six months, x2 = 8 a year, / 40,000 children x 10,000 = 2.0 (not doubled would be 1.0)
    check(result, 2.0, 4.0, 40_000.0)


@covers("referrals_per_10k")
def test_referrals_per_10k_without_population_has_no_value():
    result = compute("referrals_per_10k", {3: REFERRALS})  # child_population None
    assert result.value is None
    assert result.numerator == 4.0  # the count is still known: rows 3..6


@covers("contact_conversion")
def test_contact_conversion_is_referrals_over_contacts_in_window():
    result = compute("contact_conversion", {1: CONTACTS, 3: REFERRALS})
    # referrals in window 4 (rows 3-6 of List 3) / contacts in window 5 (rows 3-7 of List 1) = 80%
    check(result, 80.0, 4.0, 5.0)


@covers("contact_conversion")
def test_contact_conversion_can_exceed_100_percent():
    contacts = [rec("K1", contact_date="2024-11-15"),  # OUT
                rec("K2", contact_date="2025-05-15")]  # IN
    result = compute("contact_conversion", {1: contacts, 3: REFERRALS})
    # 4 referrals in window / 1 contact in window = 400% (a ratio of two counts of events)
    check(result, 400.0, 4.0, 1.0)


@covers("re_referrals_12m")
def test_re_referrals_count_2_or_more_and_blank_is_not_a_re_referral():
    referrals = [
        rec("A", referral_date="2025-01-10", referrals_last_12m=1),     # IN, only this referral -> no
        rec("B", referral_date="2025-02-10", referrals_last_12m=2),     # IN, 2 (boundary) -> re-referral
        rec("C", referral_date="2025-03-10", referrals_last_12m=3),     # IN -> re-referral
        rec("D", referral_date="2025-04-10", referrals_last_12m=None),  # IN, blank -> no earlier referral
        rec("E", referral_date="2025-05-10", referrals_last_12m=0),     # IN -> no
        rec("F", referral_date="2024-11-15", referrals_last_12m=5),     # OUT (exactly 6 months)
        rec("G", referral_date="2025-05-16", referrals_last_12m=4),     # OUT (after as_at)
    ]
    result = compute("re_referrals_12m", {3: referrals})
    # B, C of A..E -> 2 of 5 = 40%
    check(result, 40.0, 2.0, 5.0)
    assert numerator_children(result) == {"B", "C"}
    assert denominator_children(result) == {"A", "B", "C", "D", "E"}


@covers("referrals_nfa")
def test_referrals_nfa_yes_only():
    referrals = [
        rec("A", referral_date="2025-01-10", referral_nfa=True, team="North"),   # IN, NFA
        rec("B", referral_date="2025-02-10", referral_nfa=False, team="North"),  # IN
        rec("C", referral_date="2025-03-10", referral_nfa=None, team="South"),   # IN, unknown -> not NFA
        rec("D", referral_date="2025-05-15", referral_nfa=True, team="South"),   # IN, NFA
        rec("E", referral_date="2024-11-15", referral_nfa=True, team="South"),   # OUT
    ]
    result = compute("referrals_nfa", {3: referrals})
    # A, D of A..D -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "D"}
    # North: A of A, B -> 1/2 = 50%; South: D of C, D -> 1/2 = 50% (E out of window)
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 2, 50.0)})


# =========================================================================== Assessment


@covers("assessments_completed")
def test_assessments_completed_by_authorisation_date():
    assessments = [
        rec("A", assessment_start_date="2024-10-01", assessment_authorised_date="2024-11-15"),  # row 2: OUT
        rec("B", assessment_start_date="2024-10-20", assessment_authorised_date="2024-11-16"),  # row 3: IN
        rec("C", assessment_start_date="2025-05-01", assessment_authorised_date="2025-05-15"),  # row 4: IN
        rec("D", assessment_start_date="2025-05-01", assessment_authorised_date="2025-05-16"),  # row 5: OUT
        rec("E", assessment_start_date="2025-04-01"),  # row 6: not authorised -> OUT
    ]
    result = compute("assessments_completed", {4: assessments})
    # rows 3 and 4 authorised in window -> 2
    check(result, 2.0, 2.0, None)
    assert numerator_row_numbers(result) == {3, 4}


@covers("assessments_within_45wd")
def test_assessments_within_45_working_days_across_christmas():
    assessments = [
        # Mon 18 Nov 2024 -> Thu 23 Jan 2025: Nov 19-22 (4), Nov 25-29 (9), Dec 2-6 (14), Dec 9-13 (19),
        # Dec 16-20 (24), Dec 23, 24, 27 (27; 25 and 26 Dec are holidays), Dec 30, 31, Jan 2, 3 (31; 1 Jan
        # holiday), Jan 6-10 (36), Jan 13-17 (41), Jan 20-23 (45) -> 45 wd: within. (Ignoring bank
        # holidays it would be 48; counting the start day too it would be 46: both would fail it.)
        rec("A", assessment_start_date="2024-11-18", assessment_authorised_date="2025-01-23", team="North"),
        # same start, Fri 24 Jan -> 46 wd: out of timescale
        rec("B", assessment_start_date="2024-11-18", assessment_authorised_date="2025-01-24", team="North"),
        # Thu 1 May -> Thu 15 May: k=1..9 in the table above (5 May holiday) -> 9 wd: within
        rec("C", assessment_start_date="2025-05-01", assessment_authorised_date="2025-05-15", team="South"),
        # authorised exactly 6 months before as_at -> not in the window
        rec("D", assessment_start_date="2024-09-01", assessment_authorised_date="2024-11-15", team="South"),
        rec("E", assessment_start_date="2025-04-01", team="South"),  # not authorised
        rec("F", assessment_start_date="2025-04-01", assessment_authorised_date="2025-05-16", team="South"),
    ]
    result = compute("assessments_within_45wd", {4: assessments})
    # denominator A, B, C; numerator A, C -> 2 of 3 = 66.7%
    check(result, 200 / 3, 2.0, 3.0)
    assert numerator_children(result) == {"A", "C"}
    assert denominator_children(result) == {"A", "B", "C"}
    # North: A of A, B -> 50%; South: C of C -> 100%
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 1, 100.0)})


@covers("assessments_open_over_45wd")
def test_open_assessments_over_45_working_days_across_easter():
    assessments = [
        # Mon 10 Mar -> Thu 15 May: Mar 11-14 (4), 17-21 (9), 24-28 (14), Mar 31-Apr 4 (19), Apr 7-11 (24),
        # Apr 14-17 (28; Good Friday), Apr 22-25 (32; Easter Monday), Apr 28-May 2 (37), May 6-9 (41;
        # 5 May holiday), May 12-15 (45) -> 45 wd: NOT over 45 (48 if bank holidays were ignored)
        rec("A", assessment_start_date="2025-03-10"),
        # Fri 7 Mar -> adds Mon 10 Mar -> 46 wd: over
        rec("B", assessment_start_date="2025-03-07"),
        # authorised after as_at -> still open at as_at; far over 45 wd
        rec("C", assessment_start_date="2025-01-02", assessment_authorised_date="2025-05-16"),
        # authorised ON as_at -> closed
        rec("D", assessment_start_date="2025-01-02", assessment_authorised_date="2025-05-15"),
        # starts after as_at -> not open
        rec("E", assessment_start_date="2025-05-16"),
        # long closed
        rec("F", assessment_start_date="2024-06-01", assessment_authorised_date="2024-09-01"),
    ]
    result = compute("assessments_open_over_45wd", {4: assessments})
    # B and C -> 2
    check(result, 2.0, 2.0, None)
    assert numerator_children(result) == {"B", "C"}


@covers("assessments_child_seen")
def test_assessments_child_seen_yes_only():
    assessments = [
        rec("A", assessment_start_date="2024-12-01", assessment_authorised_date="2025-01-10", child_seen=True),
        rec("B", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-10", child_seen=False),
        rec("C", assessment_start_date="2025-02-01", assessment_authorised_date="2025-03-10", child_seen=None),
        rec("D", assessment_start_date="2025-04-01", assessment_authorised_date="2025-05-15", child_seen=True),
        # authorised exactly 6 months before -> not in the window
        rec("E", assessment_start_date="2024-10-01", assessment_authorised_date="2024-11-15", child_seen=True),
    ]
    result = compute("assessments_child_seen", {4: assessments})
    # A..D in window; seen A, D (C unknown counts as not seen) -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "D"}


@covers("assessments_nfa")
def test_assessments_nfa_is_an_explicit_no():
    assessments = [
        rec("A", assessment_start_date="2024-12-01", assessment_authorised_date="2025-01-10", needs_support=False),
        rec("B", assessment_start_date="2025-01-01", assessment_authorised_date="2025-02-10", needs_support=True),
        rec("C", assessment_start_date="2025-02-01", assessment_authorised_date="2025-03-10", needs_support=None),
        rec("D", assessment_start_date="2025-04-01", assessment_authorised_date="2025-05-15", needs_support=True),
        rec("E", assessment_start_date="2024-10-01", assessment_authorised_date="2024-11-15", needs_support=False),
        rec("F", assessment_start_date="2025-04-01", needs_support=False),  # not authorised
    ]
    result = compute("assessments_nfa", {4: assessments})
    # A..D authorised in window; only A answered No (C blank is not counted as No) -> 1 of 4 = 25%
    check(result, 25.0, 1.0, 4.0)
    assert numerator_children(result) == {"A"}


# =========================================================================== Child protection

# ---- section 47 enquiries and ICPCs (List 5)


@covers("s47_enquiries")
def test_s47_enquiries_by_strategy_discussion_date():
    s47 = [
        rec("A", s47_start_date="2024-11-15"),  # row 2: OUT
        rec("B", s47_start_date="2024-11-16"),  # row 3: IN
        rec("C", s47_start_date="2025-02-02"),  # row 4: IN
        rec("C", s47_start_date="2025-03-03"),  # row 5: IN, same child again (events)
        rec("D", s47_start_date="2025-05-15"),  # row 6: IN
        rec("E", s47_start_date="2025-05-16"),  # row 7: OUT
    ]
    result = compute("s47_enquiries", {5: s47})
    # rows 3..6 -> 4
    check(result, 4.0, 4.0, None)
    assert numerator_row_numbers(result) == {3, 4, 5, 6}


@covers("icpc_within_15wd")
def test_icpc_within_15_working_days_across_easter():
    s47 = [
        # Wed 2 Apr -> Fri 25 Apr: Apr 3-4 (2), 7-11 (7), 14-17 (11; Good Friday), 22-25 (15; Easter
        # Monday) -> 15 wd: within (17 if bank holidays were ignored)
        rec("A", s47_start_date="2025-04-02", icpc_date="2025-04-25", team="North"),
        # Tue 1 Apr -> 16 wd: late
        rec("B", s47_start_date="2025-04-01", icpc_date="2025-04-25", team="North"),
        # ICPC exactly 6 months before as_at -> not in the window
        rec("C", s47_start_date="2024-11-01", icpc_date="2024-11-15", team="South"),
        # ICPC on Sat 16 Nov (in window although the strategy discussion is not): Nov 4-8 (5), 11-15 (10),
        # Sat 16 not a working day -> 10 wd: within
        rec("D", s47_start_date="2024-11-01", icpc_date="2024-11-16", team="South"),
        rec("E", s47_start_date="2025-05-01", team="South"),  # no ICPC
    ]
    result = compute("icpc_within_15wd", {5: s47})
    # ICPCs in window A, B, D; within 15 wd A, D -> 2 of 3
    check(result, 200 / 3, 2.0, 3.0)
    assert numerator_children(result) == {"A", "D"}
    assert denominator_children(result) == {"A", "B", "D"}
    # North: A of A, B -> 50%; South: D of D -> 100%
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 1, 100.0)})


@covers("s47_to_icpc")
def test_s47_to_icpc_by_strategy_discussion_in_window():
    s47 = [
        rec("A", s47_start_date="2024-11-15", icpc_date="2024-11-20"),  # s47 OUT
        rec("B", s47_start_date="2024-11-16", icpc_date="2024-12-01"),  # IN, conference
        rec("C", s47_start_date="2025-02-01", icpc_date="2025-02-20"),  # IN, conference
        rec("D", s47_start_date="2025-03-01"),                          # IN, none
        rec("E", s47_start_date="2025-04-01"),                          # IN, none
        rec("F", s47_start_date="2025-05-15", icpc_unnecessary=True),   # IN, none (deemed unnecessary)
        rec("G", s47_start_date="2025-05-16", icpc_date="2025-05-20"),  # s47 OUT
    ]
    result = compute("s47_to_icpc", {5: s47})
    # B..F in window; B, C have an ICPC date -> 2 of 5 = 40%
    check(result, 40.0, 2.0, 5.0)
    assert numerator_children(result) == {"B", "C"}


@covers("icpc_to_cpp")
def test_icpc_to_cpp_yes_only():
    s47 = [
        rec("A", s47_start_date="2024-11-01", icpc_date="2024-11-15", icpc_resulted_in_cpp=True),  # OUT
        rec("B", s47_start_date="2024-11-01", icpc_date="2024-11-16", icpc_resulted_in_cpp=True),  # IN, plan
        rec("C", s47_start_date="2025-01-20", icpc_date="2025-02-01", icpc_resulted_in_cpp=False),  # IN
        rec("D", s47_start_date="2025-02-15", icpc_date="2025-03-01", icpc_resulted_in_cpp=None),  # IN, blank
        rec("E", s47_start_date="2025-05-01", icpc_date="2025-05-15", icpc_resulted_in_cpp=True),  # IN, plan
        rec("F", s47_start_date="2025-05-10"),  # no conference -> not an ICPC
    ]
    result = compute("icpc_to_cpp", {5: s47})
    # ICPCs in window B, C, D, E; plans B, E -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"B", "E"}


# ---- children in need (List 6)

CIN_EPISODES = [
    rec("A", cin_start_date="2025-01-01", team="North"),  # open
    rec("A", cin_start_date="2024-06-01", team="North"),  # open too: same child, counts once
    rec("B", cin_start_date="2025-05-15", team="North"),  # starts ON as_at -> open
    rec("C", cin_start_date="2025-05-16", team="North"),  # starts after as_at -> not open
    rec("D", cin_start_date="2024-01-01", cin_closure_date="2025-05-15", team="South"),  # closed ON as_at
    rec("E", cin_start_date="2024-01-01", cin_closure_date="2025-05-16", team="South"),  # closes after -> open
    rec("F", cin_start_date="2024-01-01", cin_closure_date="2025-01-01", team="South"),  # closed
]


@covers("cin_open")
def test_cin_open_counts_distinct_children_open_at_as_at():
    result = compute("cin_open", {6: CIN_EPISODES})
    # A (two open rows, once), B, E -> 3 children
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"A", "B", "E"}
    # North: A, B -> 2 (A once); South: E -> 1
    teams = breakdown(result)
    assert {g: v[0] for g, v in teams.items()} == {"North": 2, "South": 1}


@covers("cin_visits_in_timescale")
def test_cin_visits_within_20_working_days_one_row_per_child():
    cin = [
        # Mon 14 Apr -> 15 May: k=1..20 (Good Friday, Easter Monday, 5 May are holidays) -> 20 wd: in
        rec("A", cin_start_date="2024-06-01", case_status="CIN", last_seen_date="2025-04-14", team="North"),
        # Fri 11 Apr -> 21 wd: out
        rec("B", cin_start_date="2024-06-01", case_status="CIN", last_seen_date="2025-04-11", team="North"),
        # never seen -> out
        rec("C", cin_start_date="2024-06-01", case_status="CIN", team="South"),
        # on a CP plan, not a CIN plan -> not in the denominator
        rec("D", cin_start_date="2024-06-01", case_status="CPP", last_seen_date="2025-05-14", team="South"),
        # closed ON as_at -> not open
        rec("E", cin_start_date="2024-06-01", cin_closure_date="2025-05-15", case_status="CIN",
            last_seen_date="2025-05-14", team="South"),
        # one child, two open rows: most recent date seen (1 May -> 10 wd) counts -> in
        rec("F", cin_start_date="2024-06-01", case_status="CIN", last_seen_date="2025-03-01", team="South"),
        rec("F", cin_start_date="2025-02-01", case_status="CIN", last_seen_date="2025-05-01", team="South"),
    ]
    result = compute("cin_visits_in_timescale", {6: cin})
    # children A, B, C, F; in timescale A, F -> 2 of 4 = 50%
    # (counting F's rows separately would give 2/5 or 3/5; ignoring bank holidays would drop A: 1/4)
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "F"}
    assert denominator_children(result) == {"A", "B", "C", "F"}
    # North: A of A, B -> 50%; South: F of C, F -> 50%
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 2, 50.0)})

    # a council interval of 21 working days brings B (21 wd) in -> 3 of 4 = 75%
    wider = compute("cin_visits_in_timescale", {6: cin}, cin_visit_working_days=21)
    check(wider, 75.0, 3.0, 4.0)


# ---- child protection plans (List 7)

CP_PLANS = [
    rec("A", cpp_start_date="2024-09-01", team="North"),  # open
    rec("A", cpp_start_date="2025-02-01", team="North"),  # open too: same child, counts once
    rec("B", cpp_start_date="2025-05-15", team="South"),  # starts ON as_at -> open
    rec("C", cpp_start_date="2025-05-16", team="South"),  # starts after -> not open
    rec("D", cpp_start_date="2024-01-01", cpp_end_date="2025-05-15", team="South"),  # ended ON as_at
    rec("E", cpp_start_date="2024-01-01", cpp_end_date="2025-05-16", team="South"),  # ends after -> open
]


@covers("cpp_open")
def test_cpp_open_counts_distinct_children():
    result = compute("cpp_open", {7: CP_PLANS})
    # A (once), B, E -> 3
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"A", "B", "E"}
    teams = breakdown(result)
    assert {g: v[0] for g, v in teams.items()} == {"North": 1, "South": 2}


@covers("cpp_per_10k")
def test_cpp_per_10k_distinct_children_over_population():
    result = compute("cpp_per_10k", {7: CP_PLANS}, child_population=20_000)
    # 3 distinct children / 20,000 x 10,000 = 1.5 (4 open rows would give 2.0; not doubled: a snapshot)
    check(result, 1.5, 3.0, 20_000.0)
    assert compute("cpp_per_10k", {7: CP_PLANS}).value is None  # population unknown


@covers("cpp_visits_in_timescale")
def test_cpp_visits_within_10_working_days():
    plans = [
        # Wed 30 Apr -> 15 May: k=1..10 (5 May holiday) -> 10 wd: in (11 if bank holidays were ignored)
        rec("A", cpp_start_date="2025-01-01", last_visit_date="2025-04-30", team="North", worker="Ann"),
        # Tue 29 Apr -> 11 wd: out
        rec("B", cpp_start_date="2025-01-01", last_visit_date="2025-04-29", team="North", worker="Ann"),
        # no visit recorded -> out
        rec("C", cpp_start_date="2025-01-01", team="North", worker="Cat"),
        # visited on as_at -> 0 wd: in
        rec("D", cpp_start_date="2025-01-01", last_visit_date="2025-05-15", team="South", worker="Dee"),
        # ended ON as_at -> not open
        rec("E", cpp_start_date="2025-01-01", cpp_end_date="2025-05-15", last_visit_date="2025-05-14"),
        # starts after as_at -> not open
        rec("F", cpp_start_date="2025-05-16", last_visit_date="2025-05-14"),
    ]
    result = compute("cpp_visits_in_timescale", {7: plans})
    # open plans A, B, C, D; in timescale A, D -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "D"}
    assert denominator_children(result) == {"A", "B", "C", "D"}
    # North: A of A, B, C -> 33.3%; South: D of D -> 100%
    assert breakdown(result) == approx_breakdown({"North": (1, 3, 100 / 3), "South": (1, 1, 100.0)})
    # by worker: Ann A of A, B -> 50%; Cat C of C -> 0%; Dee D of D -> 100%
    assert breakdown(result, "worker") == approx_breakdown(
        {"Ann": (1, 2, 50.0), "Cat": (0, 1, 0.0), "Dee": (1, 1, 100.0)})

    # a council interval of 11 working days brings B (11 wd) in -> 3 of 4 = 75%
    wider = compute("cpp_visits_in_timescale", {7: plans}, cp_visit_working_days=11)
    check(wider, 75.0, 3.0, 4.0)


@covers("cpp_seen_alone")
def test_cpp_seen_alone_yes_only():
    plans = [
        rec("A", cpp_start_date="2025-01-01", seen_alone=True),
        rec("B", cpp_start_date="2025-01-01", seen_alone=False),
        rec("C", cpp_start_date="2025-01-01", seen_alone=None),  # unknown -> not seen alone
        rec("D", cpp_start_date="2025-01-01", cpp_end_date="2025-05-15", seen_alone=True),  # closed
    ]
    result = compute("cpp_seen_alone", {7: plans})
    # open A, B, C; seen alone A -> 1 of 3
    check(result, 100 / 3, 1.0, 3.0)
    assert numerator_children(result) == {"A"}


@covers("cpp_reviews_in_timescale")
def test_cpp_reviews_3_months_first_then_6_months():
    plans = [
        # no review: due 3 months after 15 Feb = 15 May; as_at is not after it -> in time
        rec("A", cpp_start_date="2025-02-15"),
        # no review: due 14 May; as_at 15 May is after it -> overdue (a 6-month rule would say in time)
        rec("B", cpp_start_date="2025-02-14"),
        # latest review 15 Nov 2024: next due 15 May 2025 -> in time (a 3-month rule would say overdue)
        rec("C", cpp_start_date="2024-06-01", latest_review_date="2024-11-15"),
        # latest review 14 Nov 2024: due 14 May -> overdue
        rec("D", cpp_start_date="2024-06-01", latest_review_date="2024-11-14"),
        # new plan, first review due 1 Jul -> in time
        rec("E", cpp_start_date="2025-04-01"),
        # ended ON as_at -> not open
        rec("F", cpp_start_date="2020-01-01", cpp_end_date="2025-05-15"),
    ]
    result = compute("cpp_reviews_in_timescale", {7: plans})
    # open A..E; in time A, C, E -> 3 of 5 = 60%
    check(result, 60.0, 3.0, 5.0)
    assert numerator_children(result) == {"A", "C", "E"}


@covers("cpp_second_or_subsequent")
def test_cpp_second_or_subsequent_for_plans_starting_in_window():
    plans = [
        rec("A", cpp_start_date="2024-11-15", previous_cpps=2),  # starts exactly 6 months before -> OUT
        rec("B", cpp_start_date="2024-11-16", previous_cpps=1),  # IN, 1 previous -> counted
        rec("C", cpp_start_date="2025-01-10", cpp_end_date="2025-03-01", previous_cpps=0),  # IN (closed since)
        rec("D", cpp_start_date="2025-03-01", previous_cpps=0),  # IN, first plan
        rec("E", cpp_start_date="2025-05-15", previous_cpps=3),  # IN -> counted
        rec("F", cpp_start_date="2025-05-16", previous_cpps=1),  # OUT
        rec("G", cpp_start_date="2023-01-01", previous_cpps=1),  # open but started before the window
    ]
    result = compute("cpp_second_or_subsequent", {7: plans})
    # started in window B, C, D, E; 1+ previous B, E -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"B", "E"}
    assert denominator_children(result) == {"B", "C", "D", "E"}


@covers("cpp_open_2_years_plus")
def test_cpp_open_two_calendar_years_or_more():
    plans = [
        rec("A", cpp_start_date="2023-05-15"),  # exactly 2 years before as_at -> counted
        rec("B", cpp_start_date="2023-05-16"),  # a day short of 2 years -> not
        rec("C", cpp_start_date="2021-01-01"),  # counted
        rec("D", cpp_start_date="2025-01-01"),  # not
        rec("E", cpp_start_date="2022-01-01", cpp_end_date="2025-05-15"),  # ended ON as_at -> not open
    ]
    result = compute("cpp_open_2_years_plus", {7: plans})
    # open A, B, C, D; 2+ years A, C -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "C"}


# =========================================================================== Children in care

CLA_PERIODS = [
    rec("A", cla_start_date="2024-02-01", team="North"),  # open
    rec("A", cla_start_date="2025-03-01", team="North"),  # open too: same child, counts once
    rec("B", cla_start_date="2025-05-15", team="North"),  # starts ON as_at -> looked after
    rec("C", cla_start_date="2025-05-16", team="South"),  # starts after -> not
    rec("D", cla_start_date="2023-01-01", cla_end_date="2025-05-15", team="South"),  # ceased ON as_at -> not
    rec("E", cla_start_date="2023-01-01", cla_end_date="2025-05-16", team="South"),  # ceases after -> yes
]


@covers("cla_open")
def test_cla_open_counts_distinct_children():
    result = compute("cla_open", {8: CLA_PERIODS})
    # A (once), B, E -> 3
    check(result, 3.0, 3.0, None)
    assert numerator_children(result) == {"A", "B", "E"}
    teams = breakdown(result)
    assert {g: v[0] for g, v in teams.items()} == {"North": 2, "South": 1}


@covers("cla_per_10k")
def test_cla_per_10k_distinct_children_over_population():
    result = compute("cla_per_10k", {8: CLA_PERIODS}, child_population=12_000)
    # 3 children / 12,000 x 10,000 = 2.5 (4 rows would give 3.33)
    check(result, 2.5, 3.0, 12_000.0)
    assert compute("cla_per_10k", {8: CLA_PERIODS}).value is None


@covers("cla_visits_in_timescale")
def test_cla_visits_within_42_calendar_days():
    # 15 May 2025 less 42 days: less 15 -> 30 Apr, less 27 more -> 3 Apr 2025
    children = [
        rec("A", cla_start_date="2024-01-01", last_visit_date="2025-04-03", team="North"),  # 42 days -> in
        rec("B", cla_start_date="2024-01-01", last_visit_date="2025-04-02", team="North"),  # 43 days -> out
        rec("C", cla_start_date="2024-01-01", team="South"),  # no visit -> out
        rec("D", cla_start_date="2024-01-01", last_visit_date="2025-05-15", team="South"),  # 0 days -> in
        rec("E", cla_start_date="2024-01-01", cla_end_date="2025-05-15", last_visit_date="2025-05-14"),  # ceased
    ]
    result = compute("cla_visits_in_timescale", {8: children})
    # looked after A..D; in time A, D -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "D"}
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 2, 50.0)})


@covers("cla_reviews_in_timescale")
def test_cla_reviews_20_working_days_first_then_6_months():
    children = [
        # no review; started Mon 14 Apr: the 20th working day after it is 15 May (Good Friday, Easter
        # Monday and 5 May are holidays) -> due 15 May, as_at not after it -> in time
        # (ignoring bank holidays it would be due 12 May -> overdue)
        rec("A", cla_start_date="2025-04-14"),
        # no review; started Fri 11 Apr: the 20th working day after is 14 May -> overdue
        rec("B", cla_start_date="2025-04-11"),
        # review 15 Nov 2024 -> next due 15 May 2025 -> in time
        rec("C", cla_start_date="2024-01-01", latest_review_date="2024-11-15"),
        # review 14 Nov 2024 -> due 14 May 2025 -> overdue
        rec("D", cla_start_date="2024-01-01", latest_review_date="2024-11-14"),
        # new, first review not yet due -> in time
        rec("E", cla_start_date="2025-05-01"),
        # ceased ON as_at -> not looked after
        rec("F", cla_start_date="2020-01-01", cla_end_date="2025-05-15"),
    ]
    result = compute("cla_reviews_in_timescale", {8: children})
    # A..E; in time A, C, E -> 3 of 5 = 60%
    check(result, 60.0, 3.0, 5.0)
    assert numerator_children(result) == {"A", "C", "E"}


@covers("cla_health_assessment_in_date")
def test_cla_health_assessment_12_months_or_6_if_under_5():
    # 12 months before as_at: 15 May 2024 (OUT), so in date means 16 May 2024 .. 15 May 2025;
    # 6 months before: 15 Nov 2024 (OUT), so in date means 16 Nov 2024 .. 15 May 2025.
    long_ago = "2024-01-01"
    children = [
        # aged 10: 12-month rule; 16 May 2024 -> in
        rec("A", date_of_birth="2015-01-01", cla_start_date=long_ago, last_health_assessment_date="2024-05-16"),
        # aged 10; exactly 12 months before -> out
        rec("B", date_of_birth="2015-01-01", cla_start_date=long_ago, last_health_assessment_date="2024-05-15"),
        # aged 3: 6-month rule; 16 Nov 2024 -> in
        rec("C", date_of_birth="2022-01-01", cla_start_date=long_ago, last_health_assessment_date="2024-11-16"),
        # aged 3; exactly 6 months before -> out (would be in under a 12-month rule)
        rec("D", date_of_birth="2022-01-01", cla_start_date=long_ago, last_health_assessment_date="2024-11-15"),
        # 5th birthday ON as_at: aged 5, not under 5 -> 12-month rule; 15 Nov 2024 -> in
        rec("E", date_of_birth="2020-05-15", cla_start_date=long_ago, last_health_assessment_date="2024-11-15"),
        # 5th birthday the day after as_at: aged 4 -> 6-month rule; 15 Nov 2024 -> out
        rec("K", date_of_birth="2020-05-16", cla_start_date=long_ago, last_health_assessment_date="2024-11-15"),
        # no date of birth, stated age 4 ("age comes from ... the stated age where there is none"):
        # 6-month rule; 1 Oct 2024 -> out (in under a 12-month rule)
        rec("F", age=4, cla_start_date=long_ago, last_health_assessment_date="2024-10-01"),
        # looked after since Mon 14 Apr: 20 wd to as_at (k=1..20) -> in the denominator; no assessment -> out
        rec("G", date_of_birth="2015-01-01", cla_start_date="2025-04-14"),
        # looked after since Tue 15 Apr: 19 wd -> not yet 20 working days -> excluded
        rec("H", date_of_birth="2015-01-01", cla_start_date="2025-04-15"),
        # ceased ON as_at -> excluded
        rec("J", date_of_birth="2015-01-01", cla_start_date=long_ago, cla_end_date="2025-05-15",
            last_health_assessment_date="2025-01-01"),
    ]
    result = compute("cla_health_assessment_in_date", {8: children})
    # denominator A, B, C, D, E, K, F, G (8); in date A, C, E (3) -> 37.5%
    check(result, 37.5, 3.0, 8.0)
    assert numerator_children(result) == {"A", "C", "E"}
    assert denominator_children(result) == {"A", "B", "C", "D", "E", "K", "F", "G"}


@covers("cla_3plus_placements")
def test_cla_three_or_more_placements():
    children = [
        rec("A", cla_start_date="2024-01-01", placements_last_12m=2),
        rec("B", cla_start_date="2024-01-01", placements_last_12m=3),  # boundary: 3 -> counted
        rec("C", cla_start_date="2024-01-01", placements_last_12m=5),
        rec("D", cla_start_date="2024-01-01", placements_last_12m=None),  # looked after, blank: not 3+
        rec("E", cla_start_date="2024-01-01", cla_end_date="2025-05-15", placements_last_12m=4),  # ceased
    ]
    result = compute("cla_3plus_placements", {8: children})
    # looked after A, B, C, D; 3+ B, C -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"B", "C"}


@covers("cla_missing")
def test_cla_missing_at_least_one_episode():
    children = [
        rec("A", cla_start_date="2024-01-01", missing_episodes_12m=0),
        rec("B", cla_start_date="2024-01-01", missing_episodes_12m=1),  # boundary: 1 -> counted
        rec("C", cla_start_date="2024-01-01", missing_episodes_12m=0, absent_episodes_12m=3),  # absent, not missing
        rec("D", cla_start_date="2024-01-01", missing_episodes_12m=None),
        rec("E", cla_start_date="2025-05-16", missing_episodes_12m=2),  # not yet looked after
    ]
    result = compute("cla_missing", {8: children})
    # looked after A..D; missing B -> 1 of 4 = 25%
    check(result, 25.0, 1.0, 4.0)
    assert numerator_children(result) == {"B"}


@covers("cla_placed_out_of_area")
def test_cla_placed_out_of_area_blank_counts_in_total():
    children = [
        rec("A", cla_start_date="2024-01-01", placement_location="OUT", team="North"),
        rec("B", cla_start_date="2024-01-01", placement_location="IN", team="North"),
        rec("C", cla_start_date="2024-01-01", placement_location=None, team="South"),  # in total, not out
        rec("D", cla_start_date="2024-01-01", placement_location="OUT", team="South"),
        rec("E", cla_start_date="2024-01-01", cla_end_date="2025-05-15", placement_location="OUT"),  # ceased
    ]
    result = compute("cla_placed_out_of_area", {8: children})
    # looked after A..D; out A, D -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"A", "D"}
    assert denominator_children(result) == {"A", "B", "C", "D"}
    assert breakdown(result) == approx_breakdown({"North": (1, 2, 50.0), "South": (1, 2, 50.0)})


# =========================================================================== Care leavers


@covers("care_leavers_in_touch")
def test_care_leavers_in_touch_excluding_exclude():
    leavers = [
        rec("A", in_touch="IN_TOUCH", team="Leaving care"),
        rec("B", in_touch="IN_TOUCH", team="Leaving care"),
        rec("C", in_touch="NOT_IN_TOUCH", team="Leaving care"),
        rec("D", in_touch="NOT_RECORDED", team="Leaving care"),  # not recorded -> not in touch
        rec("E", in_touch=None, team="Leaving care"),            # blank -> not in touch
        rec("F", in_touch="EXCLUDE", team="Leaving care"),       # excluded from the total
    ]
    result = compute("care_leavers_in_touch", {9: leavers})
    # A..E; in touch A, B -> 2 of 5 = 40%
    check(result, 40.0, 2.0, 5.0)
    assert numerator_children(result) == {"A", "B"}
    assert "F" not in denominator_children(result)
    assert breakdown(result) == approx_breakdown({"Leaving care": (2, 5, 40.0)})


@covers("care_leavers_suitable_accommodation")
def test_care_leavers_suitable_accommodation_excluding_exclude():
    leavers = [
        rec("A", accommodation_suitability="SUITABLE"),
        rec("B", accommodation_suitability="SUITABLE"),
        rec("C", accommodation_suitability="SUITABLE"),
        rec("D", accommodation_suitability="NOT_SUITABLE"),
        rec("E", accommodation_suitability=None),  # blank -> in the total, not suitable
        rec("F", accommodation_suitability="EXCLUDE"),
        rec("G", accommodation_suitability="EXCLUDE"),
    ]
    result = compute("care_leavers_suitable_accommodation", {9: leavers})
    # A..E; suitable A, B, C -> 3 of 5 = 60% (not excluding would give 3 of 7)
    check(result, 60.0, 3.0, 5.0)
    assert numerator_children(result) == {"A", "B", "C"}


@covers("care_leavers_eet")
def test_care_leavers_eet_all_f_and_p_codes():
    eet = ["F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5"]
    not_eet = ["G4", "G5", "G6", None]
    leavers = [rec(f"E{i}", activity=code) for i, code in enumerate(eet)]
    leavers += [rec(f"N{i}", activity=code) for i, code in enumerate(not_eet)]
    result = compute("care_leavers_eet", {9: leavers})
    # 10 EET codes of 14 care leavers -> 71.4%
    check(result, 1000 / 14, 10.0, 14.0)
    assert numerator_children(result) == {f"E{i}" for i in range(10)}


@covers("care_leavers_pathway_plan_in_date")
def test_care_leavers_pathway_plan_reviewed_in_last_six_months():
    leavers = [
        rec("A", pathway_plan_review_date="2024-11-15"),  # exactly 6 months before -> out
        rec("B", pathway_plan_review_date="2024-11-16"),  # in
        rec("C", pathway_plan_review_date="2025-05-15"),  # as_at -> in
        rec("D", pathway_plan_review_date="2025-05-16"),  # after as_at -> not "within the six months before"
        rec("E"),                                         # no date -> not in date
    ]
    result = compute("care_leavers_pathway_plan_in_date", {9: leavers})
    # B, C of 5 -> 40%
    check(result, 40.0, 2.0, 5.0)
    assert numerator_children(result) == {"B", "C"}


# =========================================================================== Workforce

OPEN = "2025-01-01"  # a start date well before as_at


def caseload_lists() -> dict[int, list[dict]]:
    """Ann holds C1 (on an assessment, CIN and CP: one child), C2 and C3 -> 3 children.
    Bob holds C4 and C1 (C1 in care, another list, another worker) -> 2 children.
    Closed or not-yet-started work and an unallocated child are not in anyone's caseload."""
    return {
        4: [
            rec("C1", assessment_start_date=OPEN, worker="Ann", team="North"),  # open assessment
            rec("C6", assessment_start_date=OPEN, assessment_authorised_date="2025-05-15",
                worker="Ann", team="North"),  # authorised ON as_at -> closed
            rec("C10", assessment_start_date="2025-05-16", worker="Bob", team="South"),  # not started
        ],
        6: [
            rec("C1", cin_start_date=OPEN, worker="Ann", team="North"),
            rec("C3", cin_start_date=OPEN, worker="Ann", team="North"),
            rec("C9", cin_start_date=OPEN),  # open, no worker
            rec("C8", cin_start_date=OPEN, cin_closure_date="2025-05-15", worker="Bob", team="South"),  # closed
        ],
        7: [
            rec("C1", cpp_start_date=OPEN, worker="Ann", team="North"),
            rec("C4", cpp_start_date=OPEN, worker="Bob", team="South"),
        ],
        8: [
            rec("C2", cla_start_date=OPEN, worker="Ann", team="North"),
            rec("C1", cla_start_date=OPEN, worker="Bob", team="South"),
            rec("C7", cla_start_date=OPEN, cla_end_date="2025-05-10", worker="Bob", team="South"),  # ceased
        ],
    }


@covers("caseload_median")
def test_caseload_median_distinct_children_per_worker():
    result = compute("caseload_median", caseload_lists())
    # Ann {C1, C2, C3} = 3 (C1 once although on three of her lists); Bob {C4, C1} = 2 (C1 counts for
    # him too). Median of [3, 2] = 2.5. (Counting C1 per row would give Ann 5 -> 3.5; dropping C1 from
    # Bob -> 2.0; counting closed work -> Ann 4, Bob 4 -> 4.0.)
    # numerator: distinct children with open work and a worker C1, C2, C3, C4 = 4; denominator: 2 workers
    check(result, 2.5, 4.0, 2.0)


def _children(worker: str, prefix: str, n: int, list_number: int) -> list[dict]:
    start = {4: "assessment_start_date", 6: "cin_start_date", 7: "cpp_start_date", 8: "cla_start_date"}
    return [rec(f"{prefix}{i:02d}", worker=worker, team="T", **{start[list_number]: OPEN}) for i in range(n)]


def threshold_lists() -> dict[int, list[dict]]:
    """Big: 20 CIN children + 1 open assessment = 21 children.
    Edge: 19 CIN children + 1 in care = 20 children; 5 of the CIN children are also on CP plans (no more
    children) and a closed CIN episode for another child does not count.
    Small: 2 CIN children."""
    return {
        4: [rec("B20", assessment_start_date=OPEN, worker="Big")],
        6: [*_children("Big", "B", 20, 6), *_children("Edge", "E", 19, 6), *_children("Small", "S", 2, 6),
            rec("EX", cin_start_date=OPEN, cin_closure_date="2025-05-01", worker="Edge")],
        7: _children("Edge", "E", 5, 7),  # E00..E04 again
        8: [rec("E19", cla_start_date=OPEN, worker="Edge")],
    }


@covers("caseload_over_threshold")
def test_caseload_over_threshold_default_and_council_setting():
    result = compute("caseload_over_threshold", threshold_lists())
    # default threshold 20: Big 21 > 20 -> over; Edge 20 is not more than 20; Small 2 -> 1 worker of 3
    check(result, 1.0, 1.0, 3.0)

    # council threshold 19: Big 21 and Edge 20 -> 2 of 3
    check(compute("caseload_over_threshold", threshold_lists(), caseload_threshold=19), 2.0, 2.0, 3.0)
    # council threshold 1: all three (Small has 2 > 1) -> 3 of 3
    check(compute("caseload_over_threshold", threshold_lists(), caseload_threshold=1), 3.0, 3.0, 3.0)


@covers("caseload_over_threshold")
def test_caseload_over_threshold_counts_a_child_once_per_worker():
    # Ann holds the same 2 children on all four lists: 2 children, not 8 rows; threshold 2 -> not over.
    # Bob holds one of them on List 8 only: 1 child.
    lists: dict[int, list[dict]] = {
        4: [rec("X", assessment_start_date=OPEN, worker="Ann"), rec("Y", assessment_start_date=OPEN, worker="Ann")],
        6: [rec("X", cin_start_date=OPEN, worker="Ann"), rec("Y", cin_start_date=OPEN, worker="Ann")],
        7: [rec("X", cpp_start_date=OPEN, worker="Ann"), rec("Y", cpp_start_date=OPEN, worker="Ann")],
        8: [rec("X", cla_start_date=OPEN, worker="Ann"), rec("Y", cla_start_date=OPEN, worker="Bob")],
    }
    check(compute("caseload_over_threshold", lists, caseload_threshold=2), 0.0, 0.0, 2.0)
    # threshold 1: Ann has 2 > 1 -> over; Bob has 1 -> not
    check(compute("caseload_over_threshold", lists, caseload_threshold=1), 1.0, 1.0, 2.0)
    # and the median over Ann 2, Bob 1 is 1.5; children with a worker X, Y = 2; workers 2
    check(compute("caseload_median", lists), 1.5, 2.0, 2.0)


@covers("unallocated")
def test_unallocated_children_with_open_work():
    lists = {
        4: [rec("C3", assessment_start_date=OPEN)],  # C3: open assessment, no worker
        6: [
            rec("C1", cin_start_date=OPEN, worker="Ann", team="North"),  # C1 allocated here ...
            rec("C2", cin_start_date=OPEN),                              # C2 no worker
            rec("C3", cin_start_date="2024-01-01", cin_closure_date="2025-01-01", worker="Bob"),  # closed work
            rec("C6", cin_start_date="2024-01-01", cin_closure_date="2025-05-15"),  # closed ON as_at
        ],
        7: [
            rec("C1", cpp_start_date=OPEN),  # ... and unallocated here: allocated on some open work
            rec("C5", cpp_start_date=OPEN, worker="Bob", team="South"),
        ],
        8: [rec("C2", cla_start_date=OPEN)],  # C2 again, no worker: one child
    }
    result = compute("unallocated", lists)
    # children with open work C1, C2, C3, C5 (C6 closed); no worker on any open work C2, C3
    # (C3's worker is only on closed work) -> 2 of 4 = 50%
    check(result, 50.0, 2.0, 4.0)
    assert numerator_children(result) == {"C2", "C3"}
    assert denominator_children(result) == {"C1", "C2", "C3", "C5"}
