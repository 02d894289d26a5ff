"""Ofsted journeys and transitions: real rows checked against the two ODS publications, and hand-made
inspection tables for the edge cases."""

import pandas as pd
import pytest

from goldthread.core.national.interventions import NO_INTERVENTION, NOTICE_MODEL, STATUTORY_MODEL
from goldthread.core.national.journeys import (
    ADEQUATE_GROUP,
    DUPLICATE,
    FOLLOW_MERGE,
    FOLLOW_SAME,
    FOLLOW_SPLIT,
    GRADE_GROUP,
    GRADE_RANK,
    GRADED,
    NOT_YET,
    UNTIL_ABOLISHED,
    UNTIL_AS_OF,
    UNTIL_NEXT,
    format_table,
    journey,
    time_since_last,
    transition_table,
    transitions,
)

DONCASTER = "E08000017"
BCP = "E06000058"
NORTHAMPTONSHIRE, NORTH_NORTHANTS, WEST_NORTHANTS = "E10000021", "E06000061", "E06000062"
BOURNEMOUTH, POOLE = "E06000028", "E06000029"
HARTLEPOOL, MIDDLESBROUGH = "E06000001", "E06000002"


def _inspections(*rows) -> pd.DataFrame:
    """A hand-made inspections table: (la_code, framework, inspection_type, published, grade[, inspected,
    sources])."""
    records = []
    for row in rows:
        code, framework, kind, published, grade, *rest = row
        inspected = rest[0] if rest else None
        sources = rest[1] if len(rest) > 1 else "hand-made"
        records.append({
            "la_code": code, "la_name": None, "framework": framework, "inspection_type": kind,
            "inspection_date": pd.Timestamp(inspected) if inspected else pd.NaT,
            "publication_date": pd.Timestamp(published), "overall_effectiveness": grade,
            "leadership": None, "sources": sources,
        })
    return pd.DataFrame(records)


# ---- real data: values read from the ODS rows ------------------------------------------------------

def test_doncaster_journey(national):
    """Doncaster in the 2023 sheet: CPI 16/11/2012 inadequate, first SIF 27/11/2015 inadequate, SIF
    re-inspection 19/01/2018 good; in the 2025 history: ILACS standard inspected 14/02/2022, published
    08/04/2022, requires improvement; ILACS standard 20/01/2025 -> 18/03/2025 good; In-year sheet:
    focused visit 26/06/2024 (published 26/07/2024) on achieving permanence."""
    rows = journey(national.inspections, DONCASTER, as_of="2025-03-31")
    graded = rows[rows["graded"]]
    assert graded["framework"].tolist() == ["CPI", "SIF", "SIF re-inspection", "ILACS", "ILACS"]
    assert graded["grade"].tolist() == ["inadequate", "inadequate", "good", "requires improvement", "good"]
    assert graded["change"].tolist() == ["first", "same", "up", "down", "up"]
    assert graded["publication_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2012-11-16", "2015-11-27", "2018-01-19", "2022-04-08", "2025-03-18"]
    # 27/11/2015 to 19/01/2018: 366 (to 27/11/2016, a leap year) + 365 + 53 days.
    assert graded["days_in_grade"].tolist() == [1106, 784, 1540, 1075, 13]
    assert graded["in_grade_until"].tolist() == [UNTIL_NEXT] * 4 + [UNTIL_AS_OF]
    assert graded["whole_service"].tolist() == [False, True, True, True, True]
    assert graded.iloc[3]["inspection_date"] == pd.Timestamp("2022-02-14")
    assert graded.iloc[3][["leadership", "help_and_protection"]].tolist() == ["inadequate", "requires improvement"]
    visit = rows[rows["record"] == "focused visit"].iloc[0]
    assert visit["inspection_date"] == pd.Timestamp("2024-06-26") and visit["visit_theme"] == "Achieving permanence"
    assert not visit["graded"] and pd.isna(visit["grade"]) and pd.isna(visit["days_in_grade"])
    slac = rows.iloc[0]
    assert slac["framework"] == "SLAC" and slac["record"] == "inspection without overall grade"


def test_time_since_last_real(national):
    inspections = national.inspections
    assert time_since_last(inspections, DONCASTER, "2025-03-31") == 13
    assert time_since_last(inspections, DONCASTER, "2025-03-31", basis="inspection_date") == 70
    assert time_since_last(inspections, DONCASTER, "2025-03-17") == (pd.Timestamp("2025-03-17")
                                                                      - pd.Timestamp("2022-04-08")).days
    assert time_since_last(inspections, DONCASTER, "2012-01-01") is None  # only SLAC (no overall grade) by then
    # With a code map, old codes and names work: 371 is Doncaster's DfE code.
    assert time_since_last(inspections, "371", "2025-03-31", code_map=national.codes) == 13
    assert time_since_last(inspections, "Doncaster", "2025-03-31", code_map=national.codes) == 13


def test_abolished_council_grade_ends_with_the_council(national):
    """Northamptonshire: ILACS inspected 17/06/2019, published 29/07/2019, inadequate; abolished
    1 April 2021."""
    rows = journey(national.inspections, "Northamptonshire", code_map=national.codes)
    last = rows[rows["graded"]].iloc[-1]
    assert last["grade"] == "inadequate" and last["publication_date"] == pd.Timestamp("2019-07-29")
    assert last["in_grade_until"] == UNTIL_ABOLISHED and last["grade_until"] == pd.Timestamp("2021-04-01")
    assert last["days_in_grade"] == 612


@pytest.fixture(scope="module")
def inadequate_2013_2025(national):
    return transitions(national.inspections, start="2013-01-01", end="2025-12-31", code_map=national.codes)


def test_bcp_inadequate_to_good(inadequate_2013_2025):
    """BCP in the 2025 history: inspected 06/12/2021, published 11/02/2022, inadequate; inspected
    02/12/2024, published 29/01/2025, good."""
    bcp = inadequate_2013_2025.set_index("la_code").loc[BCP]
    assert bcp["followed"] == FOLLOW_SAME and bcp["next_grade"] == "good" and bcp["next_group"] == "good"
    assert bcp["next_inspection_date"] == pd.Timestamp("2024-12-02")
    assert bcp["days"] == 1083 and bcp["years"] == 2.97  # 3 years less 13 days, with 29/02/2024
    assert pd.isna(bcp["days_waiting"])


def test_northamptonshire_is_followed_to_both_successors(inadequate_2013_2025):
    """North and West Northamptonshire: both inspected 03/10/2022, published 25/11/2022, requires
    improvement."""
    row = inadequate_2013_2025[inadequate_2013_2025["la_code"] == NORTHAMPTONSHIRE]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["followed"] == FOLLOW_SPLIT
    assert row["next_la_code"] == f"{NORTH_NORTHANTS}; {WEST_NORTHANTS}"
    assert row["next_grade"] == "requires improvement" and row["days"] == 1215
    assert row["successor_grades"] == (f"{NORTH_NORTHANTS} requires improvement 2022-11-25; "
                                       f"{WEST_NORTHANTS} requires improvement 2022-11-25")


def test_real_inadequate_table(national, inadequate_2013_2025):
    t = inadequate_2013_2025
    # Independent count: whole-service inadequate judgements in the data, 2013-2025.
    inspections = national.inspections
    expected = inspections[inspections["framework"].isin(["SIF", "SIF re-inspection", "ILACS"])
                           & inspections["inspection_type"].isin(["standard", "short", "re-inspection"])
                           & (inspections["overall_effectiveness"] == "inadequate")]
    assert len(t) == len(expected) == 75
    assert t["la_code"].is_unique is False  # some councils were judged inadequate twice (Slough, Birmingham)
    table = transition_table(t)
    assert table.index.tolist() == ["inadequate"]
    row = table.loc["inadequate"]
    assert row[["judgements", "councils", "outstanding", "good", "requires improvement", "inadequate",
                NOT_YET]].tolist() == [75, 64, 1, 14, 32, 9, 19]
    assert row["judged again"] == 56 and round(row["good or better %"]) == 27
    # The one inadequate -> outstanding: Sunderland, SIF re-inspection 25/07/2018, ILACS published 20/08/2021.
    best = t[t["next_group"] == "outstanding"].iloc[0]
    assert best["la_name"] == "Sunderland" and best["next_publication_date"] == pd.Timestamp("2021-08-20")
    # Devon: ILACS 20/01/2020 inadequate; next inspected 30/09/2024 but published only 13/05/2025.
    devon = t[(t["la_name"] == "Devon") & (t["publication_date"] == "2020-03-17")].iloc[0]
    assert devon["next_grade"] == "inadequate" and devon["days"] == 1883
    waiting = t[t["next_group"] == NOT_YET]
    assert (waiting["days_waiting"] == (t.attrs["as_of"] - waiting["publication_date"]).dt.days).all()


def test_merged_councils_share_a_next_inspection(national):
    t = transitions(national.inspections, from_grades=("requires improvement",), code_map=national.codes)
    # Bournemouth: SIF 30/06/2014 and ILACS 24/08/2018 requires improvement; Poole: SIF 24/11/2017 requires
    # improvement; both merged into BCP on 1 April 2019, first inspected 06/12/2021 (inadequate).
    bournemouth = t[t["la_code"] == BOURNEMOUTH]
    assert bournemouth["followed"].tolist() == [FOLLOW_SAME, FOLLOW_MERGE]
    assert bournemouth["next_publication_date"].tolist() == [pd.Timestamp("2018-08-24"), pd.Timestamp("2022-02-11")]
    merged = t[t["la_code"].isin([BOURNEMOUTH, POOLE]) & (t["followed"] == FOLLOW_MERGE)].set_index("la_code")
    assert merged.index.tolist() == [POOLE, BOURNEMOUTH]
    assert set(merged["next_la_code"]) == {BCP} and set(merged["next_grade"]) == {"inadequate"}
    assert merged.loc[BOURNEMOUTH, "note"] == "next inspection shared with Poole"
    # The old Dorset county split between Dorset (good, 19/11/2021) and BCP (inadequate, 11/02/2022).
    dorset = t[t["la_code"] == "E10000009"].iloc[0]
    assert dorset["followed"] == FOLLOW_SPLIT and dorset["next_grade"] == "inadequate"
    assert dorset["next_publication_date"] == pd.Timestamp("2022-02-11")
    assert "lowest" in dorset["note"]


# ---- hand-made edge cases ---------------------------------------------------------------------------

def test_grade_order_and_adequate():
    assert sorted(GRADE_RANK, key=GRADE_RANK.get, reverse=True) == [
        "outstanding", "good", "adequate", "requires improvement", "inadequate"]
    assert GRADE_GROUP["adequate"] == ADEQUATE_GROUP == "requires improvement"


def test_adequate_grade():
    table = _inspections(
        (HARTLEPOOL, "CPI", "standard", "2012-06-01", "good"),
        (HARTLEPOOL, "CPI", "standard", "2012-12-01", "adequate"),
        (HARTLEPOOL, "SIF", "standard", "2014-12-01", "requires improvement"),
        (HARTLEPOOL, "ILACS", "standard", "2018-12-01", "adequate"),
    )
    rows = journey(table, HARTLEPOOL)
    assert rows["change"].tolist() == ["first", "down", "down", "up"]
    t = transitions(table, from_grades=("requires improvement",), frameworks=None)
    assert t["grade"].tolist() == ["adequate", "requires improvement", "adequate"]
    assert t["grade_group"].tolist() == [ADEQUATE_GROUP] * 3
    assert t["next_grade"].tolist()[:2] == ["requires improvement", "adequate"]
    assert t["next_group"].tolist() == ["requires improvement", "requires improvement", NOT_YET]
    table_ = transition_table(t)
    assert table_.index.tolist() == ["requires improvement"]
    assert table_.loc["requires improvement", ["judgements", "requires improvement", NOT_YET]].tolist() == [3, 2, 1]
    assert "Adequate (pre-2013) counts as requires improvement" in table_.attrs["note"]
    # "adequate" selects its group; whole-service transitions (the default) leave the CPI judgement out.
    assert transitions(table, from_grades=("adequate",))["framework"].tolist() == ["SIF", "ILACS"]


def test_unknown_grade_refused():
    with pytest.raises(ValueError, match="unknown grade 'satisfactory'"):
        transitions(_inspections(), from_grades=("satisfactory",))


def test_not_yet_reinspected():
    table = _inspections(
        (HARTLEPOOL, "ILACS", "standard", "2023-03-01", "inadequate", "2023-01-09"),
        (HARTLEPOOL, "ILACS", "monitoring visit", "2023-09-01", None, "2023-08-01"),
    )
    t = transitions(table, as_of="2024-03-01")
    row = t.iloc[0]
    assert row["next_group"] == NOT_YET and pd.isna(row["next_grade"]) and pd.isna(row["days"])
    assert row["days_waiting"] == 366
    assert time_since_last(table, HARTLEPOOL, "2024-03-01") == 366
    assert time_since_last(table, HARTLEPOOL, "2024-03-01", basis="inspection_date") == 417
    rows = journey(table, HARTLEPOOL, as_of="2024-03-01")
    assert rows["in_grade_until"].iloc[0] == UNTIL_AS_OF and rows["days_in_grade"].iloc[0] == 366
    table_ = transition_table(t)
    assert table_.loc["inadequate", [NOT_YET, f"{NOT_YET} %", "judged again"]].tolist() == [1, 100.0, 0]
    assert pd.isna(table_.loc["inadequate", "median years"])


def test_visits_never_carry_or_break_a_grade():
    table = _inspections(
        (HARTLEPOOL, "ILACS", "standard", "2019-03-01", "inadequate", "2019-01-07"),
        (HARTLEPOOL, "ILACS", "monitoring visit", "2019-07-01", None, "2019-06-01"),
        (HARTLEPOOL, "ILACS", "focused visit", "2020-02-01", "good", "2020-01-06"),  # a stray grade is ignored
        (HARTLEPOOL, "ILACS", "standard", "2021-03-01", "good", "2021-01-11"),
    )
    rows = journey(table, HARTLEPOOL)
    assert rows["record"].tolist() == [GRADED, "monitoring visit", "focused visit", GRADED]
    assert rows["days_in_grade"].tolist()[0] == 731 and pd.isna(rows["grade"].iloc[2])
    t = transitions(table)
    assert t["next_grade"].tolist() == ["good"] and t["days"].tolist() == [731]


def test_same_inspection_from_two_sources_counts_once():
    table = _inspections(
        (HARTLEPOOL, "ILACS", "standard", "2019-03-01", "inadequate", None, "LA_inspections_2009-2023"),
        (HARTLEPOOL, "ILACS", "standard", "2019-03-01", "inadequate", "2019-01-07", "ILACS_inspection_history"),
        (HARTLEPOOL, "ILACS", "short", "2022-03-01", "good", "2022-01-10", "ILACS_inspection_history"),
        (HARTLEPOOL, "ILACS", "standard", "2022-03-01", "requires improvement", None, "LA_inspections_2009-2023"),
    )
    rows = journey(table, HARTLEPOOL)
    assert rows["record"].tolist() == [GRADED, DUPLICATE, GRADED, DUPLICATE]
    kept = rows[rows["graded"]]
    assert kept["inspection_date"].notna().all()  # the record with the inspection date is kept
    assert kept["days_in_grade"].tolist()[0] == 1096
    assert kept["note"].tolist() == [
        "also recorded in LA_inspections_2009-2023",
        "also recorded in LA_inspections_2009-2023, which gives inspection_type standard, grade requires improvement",
    ]
    assert rows["note"].iloc[1] == "duplicate of the ILACS standard inspection published 2019-03-01"
    t = transitions(table)
    assert len(t) == 1 and t["next_grade"].tolist() == ["good"]


def test_split_council_waits_for_every_successor(national):
    table = _inspections(
        (NORTHAMPTONSHIRE, "ILACS", "standard", "2019-07-29", "inadequate", "2019-06-17"),
        (NORTH_NORTHANTS, "ILACS", "standard", "2022-11-25", "good", "2022-10-03"),
    )
    t = transitions(table, as_of="2023-06-30", code_map=national.codes)
    row = t.iloc[0]
    assert row["followed"] == FOLLOW_SPLIT and row["next_group"] == NOT_YET
    assert row["successor_grades"] == f"{NORTH_NORTHANTS} good 2022-11-25; {WEST_NORTHANTS} not yet inspected"
    both = pd.concat([table, _inspections((WEST_NORTHANTS, "ILACS", "standard", "2023-02-10", "requires improvement",
                                           "2023-01-09"))])
    row = transitions(both, as_of="2023-06-30", code_map=national.codes).iloc[0]
    assert row["next_grade"] == "requires improvement"  # the lower of the two
    assert row["next_publication_date"] == pd.Timestamp("2023-02-10")  # when the whole area was judged again
    assert row["next_inspection_date"] == pd.Timestamp("2023-01-09")
    assert row["days"] == (pd.Timestamp("2023-02-10") - pd.Timestamp("2019-07-29")).days
    assert row["note"] == "successors' grades differ: the lowest is used"


def test_recoded_council_is_one_council(national):
    table = _inspections(
        ("E10000002", "SIF", "standard", "2014-08-08", "inadequate"),  # Buckinghamshire's county code
        ("E06000060", "ILACS", "standard", "2022-02-11", "requires improvement", "2021-12-06"),
    )
    row = transitions(table, code_map=national.codes).iloc[0]
    assert row["la_code"] == "E06000060" and row["followed"] == FOLLOW_SAME
    assert row["next_grade"] == "requires improvement"
    assert journey(table, "825", code_map=national.codes)["graded"].sum() == 2


def test_period_and_starting_grades():
    table = _inspections(
        (HARTLEPOOL, "SIF", "standard", "2014-01-10", "inadequate"),
        (HARTLEPOOL, "SIF re-inspection", "re-inspection", "2016-01-10", "requires improvement"),
        (HARTLEPOOL, "ILACS", "standard", "2019-01-10", "good", "2018-11-05"),
        (MIDDLESBROUGH, "ILACS", "standard", "2019-12-10", "inadequate", "2019-10-07"),
        (MIDDLESBROUGH, "ILACS", "standard", "2023-05-25", "requires improvement", "2023-03-13"),
    )
    t = transitions(table, from_grades=("inadequate", "requires improvement"), start="2015-01-01")
    assert t[["la_code", "grade", "next_group"]].values.tolist() == [
        [HARTLEPOOL, "requires improvement", "good"], [MIDDLESBROUGH, "inadequate", "requires improvement"],
        [MIDDLESBROUGH, "requires improvement", NOT_YET]]
    assert transitions(table, end="2019-01-01")["la_code"].tolist() == [HARTLEPOOL]
    table_ = transition_table(t)
    assert table_.index.tolist() == ["inadequate", "requires improvement"]
    assert table_.loc["requires improvement", "good or better %"] == 100.0
    assert table_.loc["inadequate", "median years"] == pytest.approx(1262 / 365.25, abs=0.01)


def _register(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"la_code": code, "kind": kind, "start_date": pd.Timestamp(start),
                          "end_date": pd.Timestamp(end) if end else pd.NaT} for code, kind, start, end in rows])


def test_intervention_models_and_table():
    table = _inspections(
        (HARTLEPOOL, "ILACS", "standard", "2019-03-01", "inadequate", "2019-01-07"),
        (HARTLEPOOL, "ILACS", "standard", "2022-03-01", "good", "2022-01-10"),
        (MIDDLESBROUGH, "ILACS", "standard", "2020-01-24", "inadequate", "2019-11-04"),
        (MIDDLESBROUGH, "ILACS", "standard", "2023-05-25", "requires improvement", "2023-03-13"),
        ("E06000003", "ILACS", "standard", "2021-01-24", "inadequate", "2020-11-02"),
    )
    register = _register(
        (HARTLEPOOL, "improvement_notice", "2019-04-01", "2022-04-01"),
        (MIDDLESBROUGH, "dfe_adviser", "2020-02-01", None),
        (MIDDLESBROUGH, "statutory_direction", "2020-06-01", None),
    )
    t = transitions(table, register, as_of="2024-01-01")
    assert t["intervention_model"].tolist() == [NOTICE_MODEL, STATUTORY_MODEL, NO_INTERVENTION]
    assert t["interventions"].tolist()[:2] == ["improvement_notice", "dfe_adviser; statutory_direction"]
    assert pd.isna(t["interventions"].iloc[2])
    by_model = transition_table(t, by="intervention_model")
    assert by_model.index.name == "intervention model" and len(by_model) == 4
    assert by_model.loc[NOTICE_MODEL, ["judgements", "good", "good or better %"]].tolist() == [1, 1, 100.0]
    assert by_model.loc[STATUTORY_MODEL, "good or better %"] == 0.0
    assert by_model.loc["adviser / improvement board only", "judgements"] == 0
    assert "intervention register" in by_model.attrs["note"]
    text = format_table(by_model)
    assert "commissioner / trust (statutory direction)" in text
    with pytest.raises(ValueError, match="without an interventions table"):
        transition_table(transitions(table, as_of="2024-01-01"), by="intervention_model")
    mixed = transitions(table, register, from_grades=("inadequate", "requires improvement"), as_of="2024-01-01")
    with pytest.raises(ValueError, match="one starting grade"):
        transition_table(mixed, by="intervention_model")


def test_format_table():
    table = _inspections(
        (HARTLEPOOL, "ILACS", "standard", "2019-03-01", "inadequate", "2019-01-07"),
        (HARTLEPOOL, "ILACS", "standard", "2022-03-01", "good", "2022-01-10"),
        (MIDDLESBROUGH, "ILACS", "standard", "2020-01-24", "inadequate", "2019-11-04"),
        (MIDDLESBROUGH, "ILACS", "standard", "2023-05-25", "requires improvement", "2023-03-13"),
        ("E06000003", "ILACS", "standard", "2021-01-24", "inadequate", "2020-11-02"),
    )
    text = format_table(transition_table(transitions(table, start="2019-01-01", end="2021-12-31",
                                                     as_of="2024-01-01")))
    lines = text.splitlines()
    assert lines[0] == "Ofsted: the next graded inspection after an overall judgement of inadequate"
    assert lines[2].split() == ["starting", "requires", "not", "yet", "judged", "good", "or", "median", "IQR"]
    assert lines[3].split() == ["grade", "judgements", "councils", "outstanding", "good", "improvement",
                                "inadequate", "re-inspected", "again", "better", "%", "years", "years"]
    row = lines[5]
    assert row.startswith("inadequate") and row.split("  ")[-1].strip() == "3.1-3.2"
    assert "1 (33%)" in row and "0 (0%)" in row and "50%" in row
    # Columns are aligned: every header and data line has the same length.
    assert len({len(line) for line in lines[2:6]}) == 1
    note = " ".join(lines[7:])
    assert note.startswith("Inspections (SIF, SIF re-inspection, ILACS) published 01 Jan 2019 to 31 Dec 2021: "
                           "3 judgements of 3 councils; 2 re-inspected by 01 Jan 2024")


def test_title_follows_the_rows_given(inadequate_2013_2025, national):
    both = transitions(national.inspections, from_grades=("inadequate", "requires improvement"),
                       start="2013-01-01", end="2025-12-31", code_map=national.codes)
    assert transition_table(both).attrs["title"].endswith("of inadequate or requires improvement")
    only = transition_table(both[both["grade_group"] == "inadequate"])
    assert only.attrs["title"].endswith("of inadequate")
    assert only.equals(transition_table(inadequate_2013_2025))
