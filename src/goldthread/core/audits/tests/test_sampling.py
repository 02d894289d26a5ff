"""Candidates, risk factors and reproducible samples.

The extract date is Thursday 15 May 2025 (as in the Annex A measure tests). Working days back from it:
1 Thu 15 May, 2 Wed 14, ... 8 Tue 6, [Mon 5 May bank holiday], 9 Fri 2 May, 10 Thu 1 May, ...; so a
visit on 14 May is 1 working day before, on 1 May 9 (the days after 1 May up to 15 May).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from goldthread.core.annexa.tables import Tables
from goldthread.core.audits.sampling import (
    RISK_FACTORS,
    SamplingPlan,
    allocate,
    candidate_columns,
    candidates,
    draw_sample,
    recently_audited,
)
from goldthread.core.measures import Context

AS_AT = dt.date(2025, 5, 15)
CTX = Context(as_at=AS_AT)


def rec(child: str, *, team: str | None = None, worker: str | None = None, **fields) -> dict:
    out: dict = {"child_id": child}
    for name, value in fields.items():
        out[name] = dt.date.fromisoformat(value) if name.endswith("_date") and isinstance(value, str) else value
    if team is not None:
        out["allocated_team"] = team
    if worker is not None:
        out["allocated_worker"] = worker
    return out


LISTS = {
    3: [  # referrals: window 16 Nov 2024 .. 15 May 2025
        rec("C6", referral_date="2025-03-01", referrals_last_12m=2),  # repeat, in window -> repeat_referral
        rec("C8", referral_date="2025-04-01", referrals_last_12m=3),  # repeat, but C8 has no open work
        rec("C1", referral_date="2025-01-15", referrals_last_12m=1),  # first referral -> no
        rec("C7", referral_date="2024-10-01", referrals_last_12m=2),  # repeat, before the window -> no
    ],
    4: [  # assessments
        rec("C1", assessment_start_date="2025-04-01", assessment_authorised_date="2025-04-20",
            team="Front Door", worker="Fay"),                                      # authorised: not open
        rec("C9", assessment_start_date="2025-05-01", team="Front Door", worker="Fay"),   # open
        rec("C10", assessment_start_date="2025-05-01", team="Front Door", worker="Fay"),  # open
        rec("C11", assessment_start_date="2025-04-01", assessment_authorised_date="2025-05-10"),  # not open
    ],
    6: [  # children in need
        rec("C3", cin_start_date="2025-01-01", case_status="CPP", last_seen_date="2025-01-01",
            team="East", worker="Dee"),   # on a CP plan: not in the CIN visits measure
        rec("C5", cin_start_date="2025-01-01", case_status="LAC", team="East", worker="Dee"),
        rec("C6", cin_start_date="2025-02-01", case_status="CIN", last_seen_date="2025-05-01",
            team="East", worker="Dee"),   # seen 9 working days ago: in time
        rec("C7", cin_start_date="2025-02-01", case_status="CIN", last_seen_date="2025-03-01",
            team="East", worker="Dee"),   # seen 1 March: out of timescale
        rec("C8", cin_start_date="2024-06-01", cin_closure_date="2025-04-01", case_status="CIN",
            team="East", worker="Dee"),   # closed: not open
    ],
    7: [  # child protection plans
        rec("C1", cpp_start_date="2025-03-01", last_visit_date="2025-05-14", previous_cpps=0,
            team="North", worker="Ann"),  # visit 1 wd ago, review due 1 Jun: no factors
        rec("C2", cpp_start_date="2023-01-01", last_visit_date="2025-04-01", latest_review_date="2025-03-01",
            previous_cpps=2, team="North", worker="Ann"),  # visit out, 2+ years; earlier plans but started long ago
        rec("C3", cpp_start_date="2025-02-01", last_visit_date="2025-05-13", previous_cpps=1,
            team="South", worker="Bob"),  # no review, due 1 May: overdue; second plan started in window
        rec("C4", cpp_start_date="2024-01-01", cpp_end_date="2025-05-15", team="South", worker="Cat"),  # ended
        rec("C12", cpp_start_date="2025-05-16", team="North", worker="Ann"),  # starts after as_at: not open
        rec("C13", cpp_start_date="2025-04-20", team="North"),  # no visit recorded: out; not allocated
    ],
    8: [  # children in care
        rec("C4", cla_start_date="2024-06-01", last_visit_date="2025-05-01", latest_review_date="2025-03-01",
            placements_last_12m=3, team="South", worker="Cat"),  # visited 14 days ago, reviewed; 3 placements
        rec("C5", cla_start_date="2025-01-01", last_visit_date="2025-03-01", placements_last_12m=1,
            team="South"),  # visit 75 days ago: out; no review, first due late January: overdue
        rec("C14", cla_start_date="2024-01-01", cla_end_date="2025-04-01", placements_last_12m=5),  # ceased
    ],
    9: [rec("C9", team="Leaving Care", worker="Eve")],
}

EXPECTED_FACTORS = {  # worked by hand from the comments above
    "cp_visits_overdue": {"C2", "C13"},
    "cin_visits_overdue": {"C7"},
    "cla_visits_overdue": {"C5"},
    "cp_review_overdue": {"C3"},
    "cla_review_overdue": {"C5"},
    "placements_3plus": {"C4"},
    "cp_plan_2_years_plus": {"C2"},
    "repeat_referral": {"C6", "C8"},
    "repeat_cp_plan": {"C3"},
}


@pytest.fixture(scope="module")
def data():
    return Tables(LISTS)


@pytest.fixture(scope="module")
def cands(data):
    return candidates(data, CTX)


def test_risk_factors_are_declared_with_plain_english_definitions():
    assert set(RISK_FACTORS) == set(EXPECTED_FACTORS)
    for fid, factor in RISK_FACTORS.items():
        assert factor.id == fid and factor.title and factor.definition and factor.weight > 0


@pytest.mark.parametrize("factor_id", sorted(EXPECTED_FACTORS))
def test_each_risk_factor_flags_exactly_the_right_children(data, factor_id):
    assert RISK_FACTORS[factor_id].function(data, CTX) == EXPECTED_FACTORS[factor_id]


def test_candidates_are_the_children_with_open_work(cands):
    assert list(cands.columns) == candidate_columns()
    assert list(cands["child_id"]) == ["C1", "C10", "C13", "C2", "C3", "C4", "C5", "C6", "C7", "C9"]  # sorted
    by_child = cands.set_index("child_id")
    assert by_child.loc["C3", "lists"] == (6, 7)
    assert by_child.loc["C4", "lists"] == (8,)  # the plan ended on as_at
    assert by_child.loc["C9", "lists"] == (4, 9)
    assert by_child.loc["C1", "lists"] == (7,)  # its assessment was authorised


def test_candidate_cohort_and_allocation_come_from_the_most_relevant_list(cands):
    by_child = cands.set_index("child_id")
    expect = {  # child: (cohort, team, worker)
        "C1": ("Child protection", "North", "Ann"),
        "C3": ("Child protection", "South", "Bob"),        # CP beats its CIN row (East, Dee)
        "C5": ("Children in care", "South", None),         # care beats its CIN row; not allocated -> None
        "C6": ("Children in need", "East", "Dee"),
        "C9": ("Care leavers", "Leaving Care", "Eve"),     # care leaver beats its open assessment
        "C10": ("Assessment", "Front Door", "Fay"),
        "C13": ("Child protection", "North", None),
    }
    for child, (cohort, team, worker) in expect.items():
        row = by_child.loc[child]
        assert (row["cohort"], row["allocated_team"], row["allocated_worker"]) == (cohort, team, worker), child


def test_candidate_risk_columns_and_score(cands):
    by_child = cands.set_index("child_id")
    for fid, children in EXPECTED_FACTORS.items():
        assert set(cands.loc[cands[fid], "child_id"]) == children - {"C8"}, fid  # C8 has no open work
        assert cands[fid].dtype == bool
    assert by_child.loc["C2", "risk_factors"] == ("cp_visits_overdue", "cp_plan_2_years_plus")
    assert by_child.loc["C1", "risk_factors"] == ()
    w = {fid: f.weight for fid, f in RISK_FACTORS.items()}
    assert by_child.loc["C2", "risk_score"] == w["cp_visits_overdue"] + w["cp_plan_2_years_plus"]
    assert by_child.loc["C5", "risk_score"] == w["cla_visits_overdue"] + w["cla_review_overdue"]
    assert by_child.loc["C1", "risk_score"] == 0
    custom = candidates(Tables(LISTS), CTX, weights={"cp_visits_overdue": 10})
    assert custom.set_index("child_id").loc["C2", "risk_score"] == 10 + w["cp_plan_2_years_plus"]


def test_candidates_of_an_empty_extract():
    out = candidates(Tables({}), CTX)
    assert out.empty and list(out.columns) == candidate_columns()
    assert draw_sample(out, size=5, method="random", seed=1).empty


def test_risk_reason_names_the_factors(cands):
    out = draw_sample(cands, size=len(cands), method="risk", seed=3)
    reasons = dict(zip(out["child_id"], out["reason"], strict=True))
    assert reasons["C2"] == "Risk-weighted: CP visits out of timescale; CP plan open 2 years or more"
    assert reasons["C1"] == "Risk-weighted: no risk factors apply"


# --------------------------------------------------------------------------- samples on a larger set

TEAMS = {"A": 100, "B": 60, "C": 30, "D": 10}


def many(n_risky: int = 0) -> pd.DataFrame:
    """200 candidates: teams A..D of 100, 60, 30, 10; cohorts alternate; the first ``n_risky`` children have
    CP visits out of timescale."""
    rows = []
    i = 0
    for team, n in TEAMS.items():
        for _ in range(n):
            rows.append({"child_id": f"K{i:03d}", "allocated_team": team, "allocated_worker": f"W{i % 7}",
                         "cohort": ("Child protection", "Children in need")[i % 2], "lists": (7,)})
            i += 1
    frame = pd.DataFrame(rows)
    for fid in RISK_FACTORS:
        frame[fid] = False
    frame.loc[: n_risky - 1, "cp_visits_overdue"] = True if n_risky else False
    frame["risk_factors"] = [("cp_visits_overdue",) if r else () for r in frame["cp_visits_overdue"]]
    frame["risk_score"] = frame["cp_visits_overdue"] * float(RISK_FACTORS["cp_visits_overdue"].weight)
    return frame[candidate_columns()]


@pytest.mark.parametrize("method,stratify_by", [("random", None), ("stratified", "team"),
                                                ("stratified", "cohort"), ("risk", None)])
def test_same_seed_same_sample_in_any_row_order(method, stratify_by):
    frame = many(n_risky=30)
    first = draw_sample(frame, size=20, method=method, seed=42, stratify_by=stratify_by)
    again = draw_sample(frame, size=20, method=method, seed=42, stratify_by=stratify_by)
    shuffled = frame.sample(frac=1, random_state=7).reset_index(drop=True)
    assert list(shuffled["child_id"]) != list(frame["child_id"])
    reordered = draw_sample(shuffled, size=20, method=method, seed=42, stratify_by=stratify_by)
    assert len(first) == 20 and first["child_id"].is_unique
    assert list(first["child_id"]) == list(again["child_id"]) == list(reordered["child_id"])
    assert list(first["order"]) == list(range(1, 21))
    other = draw_sample(frame, size=20, method=method, seed=43, stratify_by=stratify_by)
    assert set(other["child_id"]) != set(first["child_id"])


def test_random_sample_reason_and_columns():
    out = draw_sample(many(), size=5, method="random", seed=1)
    assert list(out.columns) == [*candidate_columns(), "reason", "order"]
    assert set(out["reason"]) == {"Randomly selected"}


def test_exclude_removes_children_before_sampling():
    frame = many()
    excluded = frozenset(frame["child_id"].iloc[::2])  # half of them
    for seed in range(5):
        out = draw_sample(frame, size=30, method="random", seed=seed, exclude=excluded)
        assert not set(out["child_id"]) & excluded
    everyone_else = draw_sample(frame, size=500, method="random", seed=0, exclude=excluded)
    assert set(everyone_else["child_id"]) == set(frame["child_id"]) - excluded


@pytest.mark.parametrize("method,stratify_by", [("random", None), ("stratified", "team"), ("risk", None)])
def test_size_larger_than_available_returns_all(method, stratify_by):
    frame = many(n_risky=5)
    out = draw_sample(frame, size=1000, method=method, seed=9, stratify_by=stratify_by)
    assert sorted(out["child_id"]) == sorted(frame["child_id"])
    assert list(out["order"]) == list(range(1, 201))


def test_allocation_is_proportional_by_largest_remainder():
    # 20 of 200: exact shares 10, 6, 3, 1
    assert allocate(TEAMS, 20) == {"A": 10, "B": 6, "C": 3, "D": 1}
    # 5 of 200: shares 2.5, 1.5, 0.75, 0.25 -> floors 2, 1, 0, 0; the 2 left go to the largest remainders,
    # C (.75) then A (.5, tied with B but larger) -> 3, 1, 1, 0; D must get one: taken from A, the furthest
    # above its share (3 - 2.5) -> 2, 1, 1, 1
    assert allocate(TEAMS, 5) == {"A": 2, "B": 1, "C": 1, "D": 1}
    # fewer places than strata: shares 1, .6, .4 -> a 1, then b by remainder; c gets none
    assert allocate({"a": 5, "b": 3, "c": 2}, 2) == {"a": 1, "b": 1, "c": 0}
    assert allocate({"a": 5, "b": 0}, 3) == {"a": 3}
    assert allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}


def test_stratified_sample_by_team_is_proportional_with_every_team_represented():
    out = draw_sample(many(), size=5, method="stratified", stratify_by="team", seed=11)
    assert out["allocated_team"].value_counts().to_dict() == {"A": 2, "B": 1, "C": 1, "D": 1}
    reasons = dict(zip(out["allocated_team"], out["reason"], strict=False))
    assert reasons["A"] == "Selected from team A (2 of 100)"
    assert reasons["D"] == "Selected from team D (1 of 10)"
    out = draw_sample(many(), size=20, method="stratified", stratify_by="team", seed=11)
    assert out["allocated_team"].value_counts().to_dict() == {"A": 10, "B": 6, "C": 3, "D": 1}


def test_stratified_by_cohort_and_unallocated_team():
    frame = many()
    frame.loc[frame["allocated_team"] == "D", "allocated_team"] = None
    out = draw_sample(frame, size=8, method="stratified", stratify_by="cohort", seed=2)
    assert out["cohort"].value_counts().to_dict() == {"Child protection": 4, "Children in need": 4}
    assert set(out["reason"]) == {"Selected from cohort Child protection (4 of 100)",
                                  "Selected from cohort Children in need (4 of 100)"}
    out = draw_sample(frame, size=20, method="stratified", stratify_by="team", seed=2)
    unallocated = out[out["allocated_team"].isna()]
    assert list(unallocated["reason"]) == ["Selected from children with no allocated team (1 of 10)"]


def _frequencies(frame: pd.DataFrame, seeds: int, **kwargs) -> pd.Series:
    """For each child, the share of ``seeds`` samples of 5 (seeds 0, 1, ...) that include them."""
    chosen = pd.concat([draw_sample(frame, size=5, method="risk", seed=s, **kwargs)["child_id"] for s in range(seeds)])
    return chosen.value_counts().reindex(frame["child_id"], fill_value=0) / seeds


def test_risk_weighting_favours_children_with_risk_factors_but_not_certainly():
    frame = many().iloc[:20].reset_index(drop=True)  # 20 children; K000 has CP visits out of timescale
    frame.loc[0, "cp_visits_overdue"] = True
    frame.loc[0, "risk_factors"] = ("cp_visits_overdue",)
    seeds = 300
    freq = _frequencies(frame, seeds)
    risky, plain = freq["K000"], freq.drop("K000")
    # weight 3 -> chance proportional to 4 against 1 for each of the 19 others: risky is picked in about 65%
    # of samples of 5, the others in about 23% each
    assert risky > 1.8 * plain.mean(), (risky, plain.mean())
    assert risky > plain.max()
    assert risky < 0.95  # more likely, not certain
    # with its weight set to 0, the risky child is no more likely than anyone (5 of 20 = 25%)
    equal = _frequencies(frame, seeds, weights={"cp_visits_overdue": 0})
    assert abs(equal["K000"] - 0.25) < 0.1, equal["K000"]
    assert abs(equal["K000"] - equal.drop("K000").mean()) < 0.1


def test_validation_errors():
    frame = many()
    with pytest.raises(ValueError, match="Unknown sampling method"):
        draw_sample(frame, size=5, method="systematic", seed=1)
    with pytest.raises(ValueError, match="Cannot stratify by"):
        draw_sample(frame, size=5, method="stratified", stratify_by="worker", seed=1)
    with pytest.raises(ValueError, match="needs stratify_by"):
        draw_sample(frame, size=5, method="stratified", seed=1)
    with pytest.raises(ValueError, match="at least 1"):
        draw_sample(frame, size=0, method="random", seed=1)
    with pytest.raises(ValueError, match="whole number"):
        draw_sample(frame, size=2.5, method="random", seed=1)
    with pytest.raises(ValueError, match="not a risk factor"):
        draw_sample(frame, size=5, method="risk", seed=1, weights={"bad": 1})
    with pytest.raises(ValueError, match="0 or more"):
        draw_sample(frame, size=5, method="risk", seed=1, weights={"cp_visits_overdue": -1})
    with pytest.raises(ValueError, match="more than once"):
        draw_sample(pd.concat([frame, frame.iloc[:1]]), size=5, method="random", seed=1)


def test_sampling_plan_round_trips_and_redraws_identically():
    plan = SamplingPlan(size=12, method="risk", seed=20250515, weights={"repeat_referral": 4},
                        exclude_months=3)
    stored = json.loads(json.dumps(plan.to_dict()))
    assert stored == {"size": 12, "method": "risk", "seed": 20250515, "stratify_by": None,
                      "weights": {"repeat_referral": 4.0}, "exclude_months": 3}
    back = SamplingPlan.from_dict(stored)
    assert back == plan
    frame = many(n_risky=40)
    exclude = {"K001", "K002"}
    a = back.draw(frame, exclude=exclude)
    b = draw_sample(frame, size=12, method="risk", seed=20250515, weights={"repeat_referral": 4}, exclude=exclude)
    assert list(a["child_id"]) == list(b["child_id"])
    with pytest.raises(ValueError):
        SamplingPlan(size=5, method="stratified", seed=1, stratify_by="region")
    with pytest.raises(ValueError):
        SamplingPlan(size=5, method="random", seed=1, exclude_months=-1)


def test_recently_audited():
    audits = pd.DataFrame({"child_id": ["A", "B", "C", "D"],
                           "submitted_on": pd.to_datetime(["2025-02-15", "2025-02-16", "2025-05-15", "2025-05-16"])})
    # three months before 15 May: 15 Feb is out, 16 Feb and 15 May are in, 16 May is after
    assert recently_audited(audits, AS_AT, 3) == {"B", "C"}
    assert recently_audited(audits, AS_AT, 0) == frozenset()
