"""Benchmarks and the tartan rug: ranking rules on small tables built by hand, then real values read by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER
from goldthread.core.national.benchmarks import (
    BENCHMARK_COLUMNS,
    benchmarks,
    rank_and_quartile,
    rug,
    trend_word,
)
from goldthread.core.national.indicators import INDICATORS

HARTLEPOOL = "E06000001"

# --------------------------------------------------------------------------- ranking rules, by hand


def test_rank_and_quartile_by_polarity():
    values = pd.Series({"a": 10.0, "b": 20.0, "c": 30.0, "d": 40.0, "e": np.nan})
    lower = rank_and_quartile(values, LOWER)
    assert lower["rank"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert lower["quartile"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert (lower["rank_of"] == 4).all() and "e" not in lower.index  # missing: not ranked, not counted
    higher = rank_and_quartile(values, HIGHER)
    assert higher["rank"].to_dict() == {"a": 4, "b": 3, "c": 2, "d": 1}
    assert higher["quartile"].to_dict() == {"a": 4, "b": 3, "c": 2, "d": 1}
    neither = rank_and_quartile(values, NEITHER)
    assert neither["rank"].to_dict() == {"a": 4, "b": 3, "c": 2, "d": 1}  # by value, descending
    assert neither["quartile"].isna().all()


def test_quartile_boundaries():
    eight = rank_and_quartile(pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8], index=list("abcdefgh")), LOWER)
    assert eight["quartile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    five = rank_and_quartile(pd.Series([1.0, 2, 3, 4, 5], index=list("abcde")), LOWER)
    # ceil(4 x rank / 5): 0.8, 1.6, 2.4, 3.2, 4.0
    assert five["quartile"].tolist() == [1, 2, 3, 4, 4]
    ties = rank_and_quartile(pd.Series({"a": 5.0, "b": 5.0, "c": 7.0, "d": 9.0}), LOWER)
    assert ties["rank"].tolist() == [1, 1, 3, 4] and ties["quartile"].tolist() == [1, 1, 3, 4]
    zeros = rank_and_quartile(pd.Series({"a": 0.0, "b": 0.0, "c": 3.0}), LOWER)
    assert zeros["rank"].tolist() == [1, 1, 3]


def test_trend_words():
    assert trend_word(20.0, 25.0, LOWER) == "improved"
    assert trend_word(20.0, 25.0, HIGHER) == "worsened"
    assert trend_word(30.0, 25.0, HIGHER) == "improved"
    assert trend_word(30.0, 25.0, NEITHER) == "increased"
    assert trend_word(20.0, 25.0, NEITHER) == "decreased"
    assert trend_word(0.1 + 0.2, 0.3, LOWER) == "no change"
    assert trend_word(20.0, None, LOWER) == "no previous year"
    assert trend_word(20.0, float("nan"), LOWER) == "no previous year"
    assert trend_word(float("nan"), 20.0, LOWER) == "not available"


# --------------------------------------------------------------------------- a small world, by hand


def _world():
    councils = pd.DataFrame({
        "la_code": ["A", "B", "C", "D", "E", "X"],
        "la_name": ["Aton", "Bton", "Cton", "Dton", "Eton", "Xton"],
        "region_code": ["R1", "R1", "R1", "R2", "R2", "R1"],
        "region_name": ["One", "One", "One", "Two", "Two", "One"],
        "status": ["current"] * 5 + ["abolished"],
    })
    neighbours = pd.DataFrame({
        "model": [2025, 2025, 2025, 2021],
        "la_code": ["A", "A", "A", "A"],
        "rank": [1, 2, 3, 1],
        "neighbour_code": ["B", "D", "E", "C"],
    })
    rows = [
        # re-referrals (lower is better); C suppressed; X abolished with the best value
        ("cin_rereferral_rate", "A", 2025, 20.0, None), ("cin_rereferral_rate", "B", 2025, 10.0, None),
        ("cin_rereferral_rate", "C", 2025, np.nan, "c"), ("cin_rereferral_rate", "D", 2025, 30.0, None),
        ("cin_rereferral_rate", "E", 2025, 40.0, None), ("cin_rereferral_rate", "X", 2025, 5.0, None),
        ("cin_rereferral_rate", "A", 2024, 25.0, None),
        # EET (higher is better); A and D tie; E not available
        ("care_leavers_eet", "A", 2025, 50.0, None), ("care_leavers_eet", "B", 2025, 60.0, None),
        ("care_leavers_eet", "C", 2025, 40.0, None), ("care_leavers_eet", "D", 2025, 50.0, None),
        ("care_leavers_eet", "E", 2025, np.nan, "x"), ("care_leavers_eet", "A", 2024, 50.0, None),
        # CLA rate (no better direction)
        ("cla_rate", "A", 2025, 100.0, None), ("cla_rate", "B", 2025, 50.0, None),
        ("cla_rate", "C", 2025, 80.0, None), ("cla_rate", "D", 2025, 120.0, None),
        ("cla_rate", "E", 2025, 60.0, None), ("cla_rate", "A", 2024, 90.0, None),
    ]
    values = pd.DataFrame(rows, columns=["indicator_id", "la_code", "year", "value", "marker"])
    values["numerator"] = np.nan
    values["denominator"] = np.nan
    aggregates = pd.DataFrame({
        "indicator_id": ["cin_rereferral_rate", "cla_rate", "cla_rate"],
        "geography": ["England", "England", "R2"],
        "year": [2025, 2025, 2025],
        "value": [22.6, 67.0, 70.0],
        "derived": [False, True, False],
    })
    return values, councils, neighbours, aggregates


def test_benchmarks_on_a_hand_made_table():
    values, councils, neighbours, aggregates = _world()
    table = benchmarks(values, councils, neighbours, aggregates, "A")
    assert list(table.columns) == BENCHMARK_COLUMNS
    rows = table.set_index("indicator_id")
    assert list(rows.index) == ["cin_rereferral_rate", "cla_rate", "care_leavers_eet"]  # registry order

    rr = rows.loc["cin_rereferral_rate"]
    # current councils with a value: B 10, A 20, D 30, E 40 (C suppressed, X abolished)
    assert (rr["rank"], rr["rank_of"], rr["quartile"]) == (2, 4, 2)
    assert (rr["england"], rr["england_source"]) == (22.6, "published")
    assert (rr["region"], rr["region_source"]) == (15.0, "mean of councils")  # (20 + 10) / 2: not C, not X
    assert rr["neighbours"] == pytest.approx((10 + 30 + 40) / 3)
    assert (rr["neighbours_with_value"], rr["neighbours_in_model"]) == (3, 3)
    assert (rr["previous_year"], rr["previous_value"], rr["change"], rr["trend"]) == (2024, 25.0, -5.0, "improved")

    eet = rows.loc["care_leavers_eet"]
    assert (eet["rank"], eet["rank_of"], eet["quartile"]) == (2, 4, 2)  # B 60 first, A and D tie at 2
    assert (eet["england"], eet["england_source"]) == (50.0, "mean of councils")  # (50 + 60 + 40 + 50) / 4
    assert eet["trend"] == "no change"

    cla = rows.loc["cla_rate"]
    assert (cla["rank"], cla["rank_of"]) == (2, 5) and pd.isna(cla["quartile"])  # D 120 first
    assert "descending" in cla["rank_order"]
    assert (cla["england"], cla["england_source"]) == (67.0, "derived")
    assert (cla["region"], cla["region_source"]) == (pytest.approx((100 + 50 + 80) / 3), "mean of councils")
    assert cla["trend"] == "increased"


def test_benchmarks_missing_values_and_other_options():
    values, councils, neighbours, aggregates = _world()
    e = benchmarks(values, councils, neighbours, aggregates, "E").set_index("indicator_id")
    eet = e.loc["care_leavers_eet"]
    assert math.isnan(eet["value"]) and eet["marker"] == "x" and pd.isna(eet["rank"]) and eet["rank_of"] == 4
    assert eet["trend"] == "not available"
    assert (e.loc["cla_rate", "region"], e.loc["cla_rate", "region_source"]) == (70.0, "published")
    # The 2021 neighbour model: A's only neighbour, C, has no re-referral value.
    old = benchmarks(values, councils, neighbours, None, "A", neighbour_model="2021").set_index("indicator_id")
    assert math.isnan(old.loc["cin_rereferral_rate", "neighbours"])
    assert (old.loc["cin_rereferral_rate", "neighbours_with_value"], old.loc["cin_rereferral_rate", "neighbours_in_model"]) == (0, 1)
    assert old.loc["cin_rereferral_rate", "england_source"] == "mean of councils"
    # An earlier year: only A has a 2024 value.
    earlier = benchmarks(values, councils, neighbours, aggregates, "A", year=2024).set_index("indicator_id")
    assert (earlier.loc["cin_rereferral_rate", "rank"], earlier.loc["cin_rereferral_rate", "rank_of"]) == (1, 1)
    assert earlier.loc["cin_rereferral_rate", "trend"] == "no previous year"
    # The abolished council gets its values but no rank.
    x = benchmarks(values, councils, neighbours, aggregates, "X").set_index("indicator_id")
    assert x.loc["cin_rereferral_rate", "value"] == 5.0 and pd.isna(x.loc["cin_rereferral_rate", "rank"])
    with pytest.raises(KeyError):
        benchmarks(values, councils, neighbours, aggregates, "Q")


def test_rug_on_a_hand_made_table():
    values, councils, _, _ = _world()
    table = rug(values, councils, ["cin_rereferral_rate", "cla_rate"])
    assert list(table.index) == ["A", "B", "C", "D", "E"]  # current councils only, by region then name
    assert table[("cin_rereferral_rate", "quartile")].tolist()[:2] == [2, 1]
    assert pd.isna(table.at["C", ("cin_rereferral_rate", "quartile")])
    assert table[("cla_rate", "quartile")].isna().all()
    assert table.at["D", ("cla_rate", "value")] == 120.0
    assert table.attrs["years"] == {"cin_rereferral_rate": 2025, "cla_rate": 2025}


# --------------------------------------------------------------------------- the real files


@pytest.fixture(scope="module")
def hartlepool(national, indicator_table, aggregate_table):
    return benchmarks(indicator_table, national.councils, national.statistical_neighbours, aggregate_table,
                      HARTLEPOOL).set_index("indicator_id")


def test_hartlepool_read_by_hand(hartlepool):
    cla = hartlepool.loc["cla_rate"]
    # cla file, 2025, LA rows: Blackpool 184, Stoke-on-Trent 170, Hartlepool 157 are the three highest;
    # 151 councils print a number (Cumbria, Northamptonshire and Scilly: z; City of London: c).
    assert (cla["year"], cla["value"], cla["rank"], cla["rank_of"]) == (2025, 157, 3, 151)
    assert pd.isna(cla["quartile"]) and (cla["england"], cla["england_source"]) == (67, "published")
    # Hartlepool's ten 2025-model neighbours (Redcar 144, Sunderland 90, South Tyneside 97, Blackpool 184,
    # Middlesbrough 138, Gateshead 124, Durham 118, Halton 132, Rotherham 80, Knowsley 90).
    assert cla["neighbours"] == pytest.approx(119.7) and cla["neighbours_with_value"] == 10
    rr = hartlepool.loc["cin_rereferral_rate"]
    assert (rr["value"], rr["england"], rr["region"], rr["region_code"]) == (26.5, 22.6, 20.7, "E12000001")
    assert rr["region_source"] == "published"
    assert (rr["previous_year"], rr["previous_value"], rr["trend"]) == (2024, 24.9, "worsened")
    assert rr["change"] == pytest.approx(1.6)
    referrals = hartlepool.loc["cin_referrals_rate"]
    assert referrals["england_source"] == "derived" and referrals["england"] == pytest.approx(519.436, abs=1e-3)


def test_a_suppressed_value_is_not_ranked_or_counted(hartlepool):
    plans = hartlepool.loc["cpp_2_years_plus"]
    # d5 2025: 153 council rows, 59 of them "c" (Hartlepool's among them): 94 ranked.
    assert math.isnan(plans["value"]) and plans["marker"] == "c"
    assert pd.isna(plans["rank"]) and pd.isna(plans["quartile"]) and plans["rank_of"] == 94
    assert plans["trend"] == "not available"


def test_real_ranks_at_the_ends(national, indicator_table, aggregate_table):
    def row(code, indicator_id):
        table = benchmarks(indicator_table, national.councils, national.statistical_neighbours, aggregate_table, code)
        return table.set_index("indicator_id").loc[indicator_id]

    # c1 2025: Isles of Scilly prints 0.0 re-referrals, the lowest; Isle of Wight 46.7, the highest.
    scilly, wight = row("E06000053", "cin_rereferral_rate"), row("E06000046", "cin_rereferral_rate")
    assert (scilly["rank"], scilly["quartile"]) == (1, 1) and (wight["rank"], wight["quartile"]) == (153, 4)
    assert row("E06000009", "cla_rate")["rank"] == 1  # Blackpool 184
    # Kingston's workforce is reported jointly with Richmond's: no value, no rank.
    kingston = row("E09000021", "csww_turnover_rate")
    assert math.isnan(kingston["value"]) and pd.isna(kingston["rank"]) and kingston["year"] == 2025
    # Cumbria was abolished in 2023: its last values are shown, never ranked.
    cumbria = row("E10000006", "cla_rate")
    assert (cumbria["year"], cumbria["value"]) == (2023, 82) and pd.isna(cumbria["rank"])


def test_real_rug(national, indicator_table, hartlepool):
    ids = ["cla_rate", "cin_rereferral_rate", "csww_turnover_rate"]
    table = rug(indicator_table, national.councils, ids)
    assert len(table) == 153 and table.attrs["years"] == dict.fromkeys(ids, 2025)
    assert table.at[HARTLEPOOL, ("cla_rate", "value")] == 157
    assert table.at[HARTLEPOOL, ("cin_rereferral_rate", "quartile")] == hartlepool.loc["cin_rereferral_rate", "quartile"]
    assert table[("cla_rate", "quartile")].isna().all()
    for indicator_id in ids:
        quartiles = table[(indicator_id, "quartile")].dropna()
        if INDICATORS[indicator_id].polarity != NEITHER:
            assert set(quartiles) == {1, 2, 3, 4}
