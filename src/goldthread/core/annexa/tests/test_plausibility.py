"""Comparing a new extract with the council's previous one: hand-made profiles, worked from the rules in
goldthread.core.annexa.plausibility."""

from __future__ import annotations

import datetime as dt

from goldthread.core.annexa.plausibility import DEFAULT_HIGH, DEFAULT_LOW, Profile, compare, usual_band

OCT, NOV = dt.date(2026, 10, 31), dt.date(2026, 11, 30)
ROWS = {n: 0 for n in range(1, 12)}


def profile(day, rows=None, children=range(1000), teams=("A", "B", "C", "D"), workers=tuple("pqrstuvw")):
    return Profile.build(day, {**ROWS, **(rows or {})}, [f"C{i}" for i in children], teams, workers)


def kinds(concerns):
    return sorted(c.key for c in concerns)


def test_the_next_month_of_the_same_council_raises_nothing():
    before = profile(OCT, {1: 6600, 3: 1500, 7: 500})
    after = profile(NOV, {1: 6450, 3: 1540, 7: 480}, children=range(100, 1100))
    assert compare(after, before, council="Northby", population=48_000) == []


def test_no_previous_extract_no_comparison():
    assert compare(profile(NOV, {1: 5}), None) == []


def test_a_small_councils_file_in_a_medium_council_raises_every_difference():
    before = profile(OCT, {1: 6605, 3: 1496, 7: 500}, children=range(5000))
    after = profile(NOV, {1: 851, 3: 201, 7: 63}, children=range(90_000, 90_700), teams=("North", "South"),
                    workers=("x", "y", "z"))
    concerns = compare(after, before, council="Northby", population=48_000)
    assert kinds(concerns) == ["carry_over:", "population:", "rows:1", "rows:3", "rows:7", "teams:", "workers:"]
    rows1 = next(c for c in concerns if c.key == "rows:1")
    assert rows1.message == ("List 1 (Contacts) has 851 rows against 6,605 in the previous extract (as at 31/10/2026): "
                             "down 87%, outside the usual change of -40% to +67%.")
    carry = next(c for c in concerns if c.kind == "carry_over").message
    assert carry.startswith("Only 0 of the 5,000 children in the previous extract (as at 31/10/2026) (0%)")
    population = next(c for c in concerns if c.kind == "population").message
    # 700 children against 5,000: a council of 48,000 x 700 / 5,000 = 6,720 children, rounded to 6,700.
    assert "about 6,700 children aged 0-17, not Northby's 48,000" in population


def test_a_change_just_inside_the_default_band_is_not_a_concern_and_just_outside_is():
    before = profile(OCT, {1: 1000})
    inside = profile(NOV, {1: 1670})  # +67%, the default top of the band
    outside = profile(NOV, {1: 1680})
    assert compare(inside, before) == []
    assert kinds(compare(outside, before)) == ["rows:1"]
    assert kinds(compare(profile(NOV, {1: 600}), before)) == []
    assert kinds(compare(profile(NOV, {1: 590}), before)) == ["rows:1"]


def test_small_lists_may_move_a_lot():
    before = profile(OCT, {10: 10})
    assert compare(profile(NOV, {10: 34}), before) == []  # +240%, but only 24 rows
    assert kinds(compare(profile(NOV, {10: 35}), before)) == ["rows:10"]


def test_a_list_appearing_or_vanishing_is_a_concern():
    before = profile(OCT, {2: 400})
    gone = compare(profile(NOV, {2: 0}), before)
    assert [c.message for c in gone] == ["List 2 (Early help assessments) has no rows; the previous extract (as at 31/10/2026) "
                                         "had 400."]
    assert kinds(compare(profile(NOV, {2: 400, 9: 60}), profile(OCT, {2: 400}))) == ["rows:9"]


def test_the_usual_band_widens_with_the_councils_own_history():
    history = [{1: 1000}, {1: 2000}, {1: 1000}]  # it has doubled and halved before
    low, high = usual_band(history, 1)
    assert (low, high) == (0.4, 2.5)  # 0.5 x 0.8 and 2 x 1.25
    assert usual_band(history[:2], 1) == (DEFAULT_LOW, DEFAULT_HIGH)  # one change is not yet a pattern
    before = profile(OCT, {1: 1000})
    assert compare(profile(NOV, {1: 2400}), before, history=[{1: 1000}, {1: 2000}]) == []
    assert kinds(compare(profile(NOV, {1: 2400}), before)) == ["rows:1"]


def test_children_carried_over_are_expected_only_between_extracts_close_together():
    before = profile(OCT, children=range(1000))
    few = profile(NOV, children=range(750, 1750))  # 250 of 1,000 kept: 25%
    assert kinds(compare(few, before)) == ["carry_over:"]
    enough = profile(NOV, children=range(700, 1700))  # 30% kept
    assert compare(enough, before) == []
    a_year_later = profile(dt.date(2027, 10, 31), children=range(750, 1750))
    assert compare(a_year_later, before) == []


def test_teams_and_workers_in_common():
    before = profile(OCT, teams=("A", "B", "C", "D"), workers=("p", "q", "r", "s", "t"))
    renamed = profile(NOV, teams=("A", "E", "F", "G"), workers=("p", "w", "x", "y", "z"))
    concerns = compare(renamed, before)
    assert kinds(concerns) == ["teams:", "workers:"]
    assert concerns[0].message == ("Only 1 of the 4 teams in the previous extract (as at 31/10/2026) (25%) appear in "
                                   "this file.")
    half = profile(NOV, teams=("A", "B", "E", "F"), workers=("p", "q", "x", "y", "z"))  # 50% and 40% are enough
    assert compare(half, before) == []


def test_blank_and_padded_names_are_the_same_names():
    before = Profile.build(OCT, ROWS, ["1", " 2 ", None, ""], [" Team A", "Team B ", None], ["x"])
    assert before.children == frozenset({"1", "2"}) and before.teams == frozenset({"Team A", "Team B"})


def test_the_implied_population_tolerates_ordinary_growth():
    before = profile(OCT, children=range(1000))
    grown = profile(NOV, children=range(1550))  # a council 55% bigger: within the factor of 1.6
    assert [c.kind for c in compare(grown, before, population=48_000)] == []
    assert [c.kind for c in compare(profile(NOV, children=range(1650)), before, population=48_000)] == ["population"]
