"""Disproportionality: each group's share of the children at each stage beside its share of the population,
worked out by hand from the module's definition (goldthread.core.measures.disproportionality)."""

from __future__ import annotations

import pytest

from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import Context
from goldthread.core.measures.disproportionality import POPULATION_SOURCES, disproportionality
from goldthread.core.measures.tests.test_annex_a_measures import AS_AT, rec

LISTS = {
    3: [rec("F1", referral_date="2025-01-10", gender="F"), rec("F1", referral_date="2025-02-10", gender="F"),
        rec("F2", referral_date="2025-03-10", gender="F"), rec("M1", referral_date="2025-03-10", gender="M"),
        rec("U1", referral_date="2025-03-10", gender=None),
        rec("M9", referral_date="2024-11-15", gender="M")],  # out of the window
    4: [rec("F1", assessment_start_date="2025-01-11", assessment_authorised_date="2025-02-01", gender="F"),
        rec("M1", assessment_start_date="2025-03-11", assessment_authorised_date="2025-04-01", gender="M"),
        rec("M2", assessment_start_date="2025-03-11", assessment_authorised_date="2025-04-01", gender="M"),
        rec("F2", assessment_start_date="2025-03-11", gender="F")],  # open: not assessed yet
    7: [rec("F1", cpp_start_date="2025-03-01", gender="F"),
        rec("M1", cpp_start_date="2024-03-01", cpp_end_date="2025-01-01", gender="M")],  # ended
    8: [rec("M1", cla_start_date="2025-04-01", gender="M"), rec("M2", cla_start_date="2024-01-01", gender="M"),
        rec("M2", cla_start_date="2022-01-01", cla_end_date="2023-01-01", gender="M")],  # an earlier period
}
POPULATION = {"gender": {"Female": 4_000, "Male": 6_000}}


def test_shares_rates_and_ratios_by_gender():
    table = disproportionality(Tables(LISTS), Context(as_at=AS_AT, populations=POPULATION), "gender")
    assert table.population_known and table.note is None
    # children at each stage: referred F1, F2, M1, U1; assessed F1, M1, M2; on a plan F1; in care M1, M2
    assert table.totals == {"referral": 4.0, "assessment": 3.0, "cp_plan": 1.0, "in_care": 2.0}
    rows = {r.group: r for r in table.rows}
    assert [r.group for r in table.rows] == ["Male", "Female", "Not recorded"]
    female, male, unknown = rows["Female"], rows["Male"], rows["Not recorded"]
    assert (female.population, female.population_share) == (4_000, 40.0)
    assert (male.population, male.population_share) == (6_000, 60.0)
    assert (unknown.population, unknown.population_share) == (None, None)
    # referred: F 2 (50% of 4), M 1 (25%), not recorded 1 (25%); rates per 10,000: F 2/4,000 = 5.0, M 1/6,000
    # = 1.667; all children with a population figure: 3/10,000 = 3.0; ratios F 5/3 = 1.667, M 1.667/3 = 0.556
    assert vars(female.stages["referral"]) == pytest.approx({"children": 2.0, "share": 50.0, "rate": 5.0,
                                                             "rate_ratio": 5 / 3})
    assert vars(male.stages["referral"]) == pytest.approx({"children": 1.0, "share": 25.0, "rate": 10 / 6,
                                                           "rate_ratio": (10 / 6) / 3})
    assert vars(unknown.stages["referral"]) == {"children": 1.0, "share": 25.0, "rate": None, "rate_ratio": None}
    # assessed: F 1 (rate 2.5), M 2 (3.333); overall 3/10,000 = 3.0 -> ratios 0.833, 1.111
    assert female.stages["assessment"].rate_ratio == pytest.approx(2.5 / 3)
    assert male.stages["assessment"].rate_ratio == pytest.approx((20 / 6) / 3)
    # on a plan: F1 only -> F rate 2.5, overall 1.0, ratio 2.5; M none: rate 0, ratio 0
    assert female.stages["cp_plan"].rate_ratio == pytest.approx(2.5)
    assert (male.stages["cp_plan"].children, male.stages["cp_plan"].rate_ratio) == (0.0, 0.0)
    # in care: M1, M2 (M2 once, its current period) -> M rate 3.333, overall 2.0, ratio 1.667; unrecorded 0%
    assert male.stages["in_care"].rate_ratio == pytest.approx((20 / 6) / 2)
    assert unknown.stages["in_care"].share == 0.0


def test_without_a_population_the_shares_stand_alone_and_it_says_why():
    table = disproportionality(Tables(LISTS), Context(as_at=AS_AT), "gender")
    assert not table.population_known
    assert table.note == POPULATION_SOURCES["gender"]
    assert all(c.rate is None and c.rate_ratio is None for r in table.rows for c in r.stages.values())
    assert {r.group: r.stages["referral"].share for r in table.rows} == {"Male": 25.0, "Female": 50.0,
                                                                          "Not recorded": 25.0}


@pytest.mark.parametrize("dimension", ["ethnicity", "age_band"])
def test_the_other_dimensions_say_where_their_population_comes_from(dimension):
    table = disproportionality(Tables(LISTS), Context(as_at=AS_AT), dimension)
    assert table.note == POPULATION_SOURCES[dimension]
    assert table.totals["referral"] == 4.0


def test_disability_leaves_out_referrals_which_do_not_record_it():
    lists = {**LISTS, 4: [dict(r, disability=r["child_id"] == "M1") for r in LISTS[4]]}
    table = disproportionality(Tables(lists), Context(as_at=AS_AT), "disability")
    assert [s[0] for s in table.stages] == ["assessment", "cp_plan", "in_care"]
    assert table.note == POPULATION_SOURCES["disability"] + " Referred: the list does not record disability."
    assessed = {r.group: r.stages["assessment"].children for r in table.rows}
    assert assessed == {"Disabled": 1.0, "Not disabled": 2.0, "Unknown or not recorded": 0.0}


def test_a_group_with_a_population_but_no_children_still_has_a_row():
    populations = {"gender": {"Female": 4_000, "Male": 6_000, "Neither": 100}}
    table = disproportionality(Tables(LISTS), Context(as_at=AS_AT, populations=populations), "gender")
    neither = {r.group: r for r in table.rows}["Neither"]
    assert neither.stages["referral"].children == 0.0 and neither.stages["referral"].rate_ratio == 0.0


def test_only_the_four_dimensions():
    with pytest.raises(ValueError):
        disproportionality(Tables(LISTS), Context(as_at=AS_AT), "placement_type")
