"""Every SSDA903 measure against a hand calculation on a small return for the year 1 April 2020 to 31 March 2021,
boundaries included (first and last day of the year, 16th birthday on 31 March, 30 months to the day)."""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.measures import REGISTRY, ids_from
from goldthread.core.measures.registry import ROW_COLUMNS, Context
from goldthread.core.ssda903.reader import return_from_rows
from goldthread.core.ssda903.synth import synthesise

AS_AT = dt.date(2021, 3, 31)


def compute(ret, ctx):
    return {mid: REGISTRY[mid].compute(ret, ctx) for mid in ids_from("SSDA903")}


def ep(child, decom, rne, dec="", rec="", ls="C2", place="U1"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
            "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec}


HEADER = {"A": "01/06/2010", "B": "15/03/2008", "C": "01/04/2005", "D": "31/03/2005", "E": "01/01/2018",
          "F": "01/01/2015", "G": "01/01/2010", "H": "01/01/2012", "I": "01/01/2006", "J": "01/01/2012",
          "K": "15/06/2003", "L": "31/03/2003", "M": "01/04/2002", "N": "01/01/2000", "O": "31/03/2000",
          "P": "01/04/1999", "Q": "01/01/1999"}
EPISODES = [
    # A: looked after since 2018, two moves in the year: 3 placements; current placement from 01/09/2020
    ep("A", "01/01/2018", "S", "01/05/2020", "X1"), ep("A", "01/05/2020", "P", "01/09/2020", "X1"),
    ep("A", "01/09/2020", "P"),
    # B: since 2017, only a legal status change since: 1 placement, same placement 4 years
    ep("B", "01/02/2017", "S", "01/06/2019", "X1"), ep("B", "01/06/2019", "L"),
    # C: period of care started exactly 30 months before 31 March 2021; 16 on 1 April 2021
    ep("C", "30/09/2018", "S"),
    # D: 16 on 31 March 2021, so not under 16
    ep("D", "01/01/2015", "S"),
    # E: started on the first day of the year, adopted on its last
    ep("E", "01/04/2020", "S", "01/07/2020", "X1"), ep("E", "01/07/2020", "L", "01/10/2020", "X1", ls="E1"),
    ep("E", "01/10/2020", "P", "31/03/2021", "E11", ls="E1", place="A5"),
    # F: short breaks only (left out everywhere)
    ep("F", "01/06/2020", "S", "03/06/2020", "E16", ls="V3"),
    # G: ceased the day before the year began
    ep("G", "01/01/2019", "S", "31/03/2020", "E4A"),
    # H: started on the last day of the year
    ep("H", "31/03/2021", "S"),
    # I: adopted in June 2020, placed for adoption (A4) on 01/12/2019, no placed-for-adoption row
    ep("I", "01/03/2019", "S", "01/12/2019", "X1"), ep("I", "01/12/2019", "P", "15/06/2020", "E12", ls="D1", place="A4"),
    # J: period of care one day short of 30 months
    ep("J", "01/10/2018", "S"),
]
MISSING = [
    {"CHILD": "A", "MISSING": "M", "MIS_START": "10/04/2020"}, {"CHILD": "A", "MISSING": "M", "MIS_START": "01/03/2021"},
    {"CHILD": "A", "MISSING": "A", "MIS_START": "31/03/2020"},  # before the year
    {"CHILD": "B", "MISSING": "A", "MIS_START": "01/04/2020"},
]
OC3 = [
    {"CHILD": "K", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "B1"},  # 17
    {"CHILD": "L", "IN_TOUCH": "NO", "ACTIV": "G5", "ACCOM": "B2"},  # 18 on 31 March
    {"CHILD": "M", "IN_TOUCH": "NREQ", "ACTIV": "P1", "ACCOM": "0"},  # 18
    {"CHILD": "N", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "Z1"},  # 21
    {"CHILD": "O", "IN_TOUCH": "YES", "ACTIV": "G6", "ACCOM": "C2"},  # 21 on 31 March
    {"CHILD": "P", "IN_TOUCH": "DIED", "ACTIV": "", "ACCOM": ""},  # 21
    {"CHILD": "Q", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"},  # 22: not in the cohort
]


@pytest.fixture(scope="module")
def results():
    ret = return_from_rows({
        "Header": [{"CHILD": c, "SEX": "1", "DOB": d, "ETHNIC": "WBRI"} for c, d in HEADER.items()],
        "Episodes": EPISODES, "Missing": MISSING, "OC3": OC3,
        "PlacedAdoption": [{"CHILD": "E", "DATE_PLACED": "01/10/2020"}],
        "AD1": [{"CHILD": "E", "DATE_INT": "01/06/2020", "DATE_MATCH": "01/09/2020"}],
    }, collection_year=2021)
    return compute(ret, Context(as_at=AS_AT, child_population=10_000))


EXPECTED = {  # measure: (numerator, denominator, value) by hand
    "ssda903_cla_31_march": (6, None, 6),  # A B C D H J
    "ssda903_cla_rate": (6, 10_000, 6.0),
    "ssda903_cla_started_rate": (2, 10_000, 2.0),  # E (1 April), H (31 March); F is a short break
    "ssda903_cla_ceased_rate": (2, 10_000, 2.0),  # E (31 March), I; G ceased before the year
    "ssda903_cla_3plus_placements": (1, 6, 100 / 6),  # A: carried over + 2 moves
    "ssda903_cla_long_term_stability": (2, 3, 200 / 3),  # base A B C (D is 16, H and J too recent); B, C stayed
    "ssda903_missing_children": (1, 8, 12.5),  # looked after in the year: A B C D E H I J
    "ssda903_missing_episodes": (2, None, 2),
    "ssda903_away_children": (1, 8, 12.5),  # B on 1 April; A's was the day before the year
    "ssda903_away_episodes": (1, None, 1),
    "ssda903_care_leavers_in_touch_17_18": (1, 3, 100 / 3),  # K L M
    "ssda903_care_leavers_eet_17_18": (2, 3, 200 / 3),  # K (F2), M (P1)
    "ssda903_care_leavers_suitable_17_18": (1, 3, 100 / 3),  # K (B1)
    "ssda903_care_leavers_in_touch_19_21": (2, 3, 200 / 3),  # N O P
    "ssda903_care_leavers_eet_19_21": (1, 3, 100 / 3),  # N
    "ssda903_care_leavers_suitable_19_21": (1, 3, 100 / 3),  # N (Z1)
    # E: 01/04/2020 -> 01/10/2020 = 183 days; I: 01/03/2019 -> 01/12/2019 = 275 days
    "ssda903_adoption_care_to_placed_days": (183 + 275, 2, (183 + 275) / 2),
    # E: placement order (E1) from 01/07/2020, matched 01/09/2020 = 62 days; I has no matching date
    "ssda903_adoption_authority_to_match_days": (62, 1, 62.0),
}


def test_every_ssda903_measure_is_checked_and_declared_well():
    assert set(EXPECTED) == set(ids_from("SSDA903"))
    for mid in EXPECTED:
        m = REGISTRY[mid]
        assert m.group in ("children_in_care", "care_leavers") and len(m.definition) > 80


@pytest.mark.parametrize("mid", sorted(EXPECTED))
def test_measure_equals_the_hand_calculation(results, mid):
    numerator, denominator, value = EXPECTED[mid]
    r = results[mid]
    assert r.numerator == numerator
    assert r.denominator == denominator
    assert r.value == pytest.approx(value)
    assert list(r.rows.columns) == ROW_COLUMNS


def test_rows_behind_name_the_children(results):
    rows = results["ssda903_cla_3plus_placements"].rows
    assert sorted(rows["child_id"]) == ["A", "B", "C", "D", "H", "J"]
    assert rows.loc[rows["in_numerator"], "child_id"].tolist() == ["A"]
    assert dict(zip(rows["child_id"], rows["detail"], strict=True))["A"] == 3
    stable = results["ssda903_cla_long_term_stability"].rows
    assert sorted(stable["child_id"]) == ["A", "B", "C"]


def test_national_twins_are_published_indicators():
    from goldthread.core.national.indicators import INDICATORS

    linked = {m.id: m.national for m in REGISTRY.values() if m.source == "SSDA903" and m.national}
    assert linked["ssda903_cla_rate"] == "cla_rate" and linked["ssda903_cla_started_rate"] == "cla_starting_rate"
    assert set(linked.values()) <= set(INDICATORS)


def test_a_synthetic_return_of_any_seed_gives_consistent_measures():
    ret = return_from_rows(synthesise(300, 2025, seed=7), collection_year=2025)
    out = compute(ret, Context(as_at=dt.date(2025, 3, 31), child_population=50_000))
    cla = out["ssda903_cla_31_march"].value
    assert 0 < cla <= 300 and out["ssda903_cla_3plus_placements"].denominator == cla
    assert out["ssda903_cla_rate"].value == pytest.approx(cla / 5)
    assert 0 <= out["ssda903_care_leavers_eet_19_21"].value <= 100
