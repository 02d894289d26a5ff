"""The synthetic CIN census: deterministic, readable, clean unless asked for faults, and shaped like a return."""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.cin import read_cin_census, synth, validate


def test_the_same_seed_gives_the_same_return_and_another_seed_another():
    assert synth.generate(300, seed=5) == synth.generate(300, seed=5)
    assert synth.generate(300, seed=5) != synth.generate(300, seed=6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_clean_return_breaks_no_rule(tmp_path, seed):
    census = read_cin_census(synth.write(tmp_path / "cin.xml", 1500, seed=seed))
    assert census.issues == []
    assert validate(census) == []
    assert census.children == 1500 and census.reference_date == synth.DEFAULT_REFERENCE_DATE


def test_it_has_every_part_of_a_return(tmp_path):
    census = read_cin_census(synth.write(tmp_path / "cin.xml", 3000, seed=4, reference_date=dt.date(2024, 3, 31),
                                         la="873"))
    assert census.reference_date == dt.date(2024, 3, 31) and census.lea == "873"
    for name in ("disabilities", "cin_details", "assessments", "assessment_factors", "cin_plan_dates", "section47",
                 "child_protection_plans", "reviews"):
        assert len(census.table(name)) > 100, name
    ids = census.table("child_identifiers")
    assert ids["child_id"].str.match(r"^SYN\d{7}$").all()
    unborn = ids["birth_date"].isna()
    assert 0 < unborn.sum() < 150 and (ids.loc[unborn, "sex"] == "U").all()
    cin = census.table("cin_details")
    assert cin["referral_nfa"].mean() > 0.1  # some referrals with no further action
    assert cin["child_id"].duplicated().sum() > 50  # some children referred again
    start, end = census.year_start, census.reference_date
    closed = cin["closure_date"].dropna()
    assert (closed.dt.date >= start).all() and (closed.dt.date <= end).all()  # nothing closed before the year
    for name, column in (("cin_details", "referral_date"), ("assessments", "authorised_date"),
                         ("child_protection_plans", "end_date"), ("reviews", "review_date")):
        assert (census.table(name)[column].dropna().dt.date <= end).all(), name  # nothing after the census date


def test_faults_break_the_rules_they_name(tmp_path):
    census = read_cin_census(synth.write(tmp_path / "cin.xml", 2000, seed=1, faults=0.1))
    codes = {i.code for i in validate(census)}
    assert codes == set(synth.FAULTS)
