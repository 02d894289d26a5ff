"""The workforce list: template, reader, row-level checks and the measures by hand (month ending 30 September 2025)."""

from __future__ import annotations

import datetime as dt

import pytest

from goldthread.core.measures import REGISTRY, ids_from
from goldthread.core.measures.registry import Context
from goldthread.core.workforce import template as T
from goldthread.core.workforce.reader import (
    UnreadableFile,
    read_workforce,
    read_workforce_safely,
    validate,
)

MONTH_END = dt.date(2025, 9, 30)  # September 2025: 22 working days, no bank holiday
LIST = """Workforce list, September 2025
Post ID,Team,Filled or vacant,Permanent or agency,FTE,Start date,Leaving date,Absence days in the month,Caseload
P1,T1,Filled,Permanent,1,01/01/2020,,2,18
P2,T1,Filled,Agency,1,01/06/2025,,,20
P3,T1,Vacant,,1,,,,
P4,T2,Filled,Permanent,0.5,01/01/2021,30/06/2025,0,
P5,T2,Filled,Permanent,0.5,01/07/2025,,1,10
P6,T2,Filled,Permanent,1,15/10/2024,,,
P7,T2,Filled,,1,01/01/2020,,,5
P8,T2,Filled,Permanent,1,01/10/2025,,,
P9,T1,Filled,Permanent,abc,01/01/2020,,,
"""


@pytest.fixture()
def listing(tmp_path):
    path = tmp_path / "workforce.csv"
    path.write_text(LIST)
    return read_workforce(path)


def compute(data):
    ctx = Context(as_at=MONTH_END)
    return {mid: REGISTRY[mid].compute(data, ctx) for mid in ids_from("Workforce")}


def test_reader_types_rows_and_leaves_out_unusable_ones(listing):
    assert listing.posts["post_id"].tolist() == ["P1", "P2", "P3", "P4", "P5", "P6", "P8"]
    assert listing.rows_rejected == 2
    p4 = listing.posts.iloc[3]
    assert (p4["fte"], p4["leaving_date"], p4["row"]) == (0.5, dt.datetime(2025, 6, 30), 6)
    problems = {(i.post_id, i.column, i.severity) for i in listing.issues}
    assert ("P7", "Permanent or agency", "error") in problems and ("P9", "FTE", "error") in problems


def test_validate_checks_rows_against_the_month(listing):
    found = {(i.post_id, i.kind) for i in validate(listing, MONTH_END)}
    assert found == {("P8", "future_date")}


@pytest.mark.parametrize("mid, numerator, denominator, value, teams", [
    # in post on 30/09: P1 permanent 1, P2 agency 1, P5 permanent 0.5, P6 permanent 1
    ("workforce_agency_rate", 1, 3.5, 100 / 3.5, {"T1": 50.0, "T2": 0.0}),
    # vacant P3 (1) + agency-covered P2 (1) over those plus permanent 2.5
    ("workforce_vacancy_rate", 2, 4.5, 200 / 4.5, {"T1": 200 / 3, "T2": 0.0}),
    # leaver P4 0.5 FTE; average permanent FTE over the 12 month ends: (P1 12 + P4 9 x 0.5 + P5 3 x 0.5 + P6 12) / 12
    ("workforce_turnover_rate", 0.5, 2.5, 20.0, {"T1": 0.0, "T2": 0.5 / 1.5 * 100}),
    # 3 days lost / (2.5 permanent FTE x 22 working days)
    ("workforce_sickness_absence_rate", 3, 55, 300 / 55, {"T1": 200 / 22, "T2": 100 / 33}),
    # cases 18 + 20 + 10 over case holders' FTE 1 + 1 + 0.5
    ("workforce_average_caseload", 48, 2.5, 19.2, {"T1": 19.0, "T2": 20.0}),
])
def test_measures_equal_the_hand_calculation(listing, mid, numerator, denominator, value, teams):
    r = compute(listing)[mid]
    assert r.numerator == pytest.approx(numerator) and r.denominator == pytest.approx(denominator)
    assert r.value == pytest.approx(value)
    team = r.breakdowns["team"].set_index("group")["value"].to_dict()
    assert team == pytest.approx(teams)
    assert r.rows["child_id"].isna().all()  # no child behind a workforce figure


def test_every_workforce_measure_is_checked():
    assert set(ids_from("Workforce")) == {"workforce_agency_rate", "workforce_vacancy_rate", "workforce_turnover_rate",
                                          "workforce_sickness_absence_rate", "workforce_average_caseload"}
    assert REGISTRY["workforce_average_caseload"].national == "csww_average_caseload"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_file_reads_back(tmp_path, suffix):
    path = T.write_template(tmp_path / f"template{suffix}")
    listing = read_workforce(path)
    assert listing.posts["post_id"].tolist() == [r[0] for r in T.EXAMPLE]
    assert listing.headers[T.CASELOAD] == "Caseload" and not [i for i in listing.issues if i.severity == "error"]


def test_headers_as_councils_spell_them(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("post number,TEAM NAME,status,Contract type,fte,Start,End date,Sickness days,Cases\n"
                    "X1,Front door,F,Locum,1,2025-01-02,,0,12\n")
    posts = read_workforce(path).posts
    assert posts.iloc[0][["post_id", "team", "status", "contract", "caseload"]].tolist() == [
        "X1", "Front door", "filled", "agency", 12.0]


def test_unreadable_list_gets_one_sentence(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Role\nA,B\n")
    with pytest.raises(UnreadableFile, match="has no sheet with the workforce template's headers"):
        read_workforce(path)


def test_read_in_the_limited_process(tmp_path):
    path = tmp_path / "workforce.csv"
    path.write_text(LIST)
    safe = read_workforce_safely(path)
    assert safe.posts["post_id"].tolist() == read_workforce(path).posts["post_id"].tolist()
    assert compute(safe)["workforce_average_caseload"].value == pytest.approx(19.2)
