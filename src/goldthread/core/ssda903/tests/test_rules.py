"""Every DfE rule with a hand-made failing and passing case, and the shared sample's failures by rule and child."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from goldthread.core.ssda903.reader import RULE_CHECKED, read_903, return_from_rows
from goldthread.core.ssda903.rules import RULES, failing, validate

DATA = Path(__file__).parent / "data"
YEAR = 2021  # collection year 1 April 2020 to 31 March 2021


def ep(child, decom, rne="P", ls="C2", place="U1", dec="", rec="", **more):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
            "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec, **more}


def hd(child, dob="01/01/2010", sex="1", ethnic="WBRI", **more):
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": ethnic, **more}


# code -> (failing tables, {table: failing positions}, passing tables[, last year's tables for both])
CASES = {
    "101": ({"Header": [hd("1", sex="3"), hd("2", sex="")]}, {"Header": [0, 1]}, {"Header": [hd("1", sex="2")]}),
    "102": ({"Header": [hd("1", dob="31/02/2010"), hd("2", dob=""), hd("3", dob="2010-01-01")]},
            {"Header": [0, 1, 2]}, {"Header": [hd("1", dob="28/02/2010")]}),
    "103": ({"Header": [hd("1", ethnic="wbri"), hd("2", ethnic="")]}, {"Header": [0, 1]},
            {"Header": [hd("1", ethnic="NOBT")]}),
    "168": ({"Header": [hd("1", UPN="I012345678901"), hd("2", UPN="UN7"), hd("3", UPN="A01234567890")]},
            {"Header": [0, 1, 2]},
            {"Header": [hd("1", UPN="A012345678901"), hd("2", UPN="UN5"), hd("3", UPN="B01234567890C"),
                        hd("4", UPN="")]}),
    "351": ({"Header": [hd("1", dob="31/03/1999")]}, {"Header": [0]}, {"Header": [hd("1", dob="01/04/1999")]}),
    "611": ({"Header": [hd("1", sex="2", MOTHER="1")]}, {"Header": [0]},
            {"Header": [hd("1", sex="2", MOTHER="1", MC_DOB="01/01/2020"), hd("2", sex="2", MOTHER="0")]}),
    "202": ({"Header": [hd("1", sex="2")]}, {"Header": [0]}, {"Header": [hd("1", sex="1")]},
            {"Header": [hd("1", sex="1")]}),
    "203": ({"Header": [hd("1", dob="02/01/2010")]}, {"Header": [0]}, {"Header": [hd("1", dob="01/01/2010")]},
            {"Header": [hd("1", dob="01/01/2010")]}),
    "141": ({"Episodes": [ep("1", "32/01/2021", "S"), ep("2", "", "S")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "31/01/2021", "S")]}),
    "143": ({"Episodes": [ep("1", "01/05/2020", "s")]}, {"Episodes": [0]}, {"Episodes": [ep("1", "01/05/2020", "S")]}),
    "144": ({"Episodes": [ep("1", "01/05/2020", "S", ls="V1")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "01/05/2020", "S", ls="V2")]}),
    "145": ({"Episodes": [{**ep("1", "01/05/2020", "S"), "CIN": "N9"}]}, {"Episodes": [0]},
            {"Episodes": [{**ep("1", "01/05/2020", "S"), "CIN": "N8"}]}),
    "146": ({"Episodes": [ep("1", "01/05/2020", "S", place="R4")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "01/05/2020", "S", place="R5")]}),
    "148": ({"Episodes": [ep("1", "01/05/2020", "S", rec="X1"), ep("2", "01/05/2020", "S", dec="02/06/2020")]},
            {"Episodes": [0, 1]},
            {"Episodes": [ep("1", "01/05/2020", "S", dec="02/06/2020", rec="E13"), ep("2", "01/05/2020", "S")]}),
    "149": ({"Episodes": [ep("1", "01/05/2020", "S", dec="02/06/2020", rec="E4")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "01/05/2020", "S", dec="02/06/2020", rec="E4A")]}),
    "1009": ({"Episodes": [ep("1", "01/05/2020", REASON_PLACE_CHANGE="other")]}, {"Episodes": [0]},
             {"Episodes": [ep("1", "01/05/2020", REASON_PLACE_CHANGE="OTHER")]}),
    "354": ({"Episodes": [ep("1", "01/04/2021", "S")]}, {"Episodes": [0]}, {"Episodes": [ep("1", "31/03/2021", "S")]}),
    "356": ({"Episodes": [ep("1", "10/05/2020", "S", dec="09/05/2020", rec="E13")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "10/05/2020", "S", dec="10/05/2020", rec="E13")]}),
    "357": ({"Episodes": [ep("1", "01/05/2020", "P"), ep("1", "01/06/2020", "S")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="X1"), ep("1", "01/06/2020", "P"),
                          ep("2", "01/05/2019", "P")]}),  # child 2's first episode is before the year
    "142": ({"Episodes": [ep("1", "01/05/2020", "S"), ep("1", "01/06/2020", "P")]}, {"Episodes": [0]},
            {"Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="X1"), ep("1", "01/06/2020", "P")]}),
    "501": ({"Episodes": [ep("1", "01/05/2020", "S", dec="05/06/2020", rec="X1"), ep("1", "01/06/2020", "P")]},
            {"Episodes": [1]},
            {"Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="X1"), ep("1", "01/06/2020", "P")]}),
    "502": ({"Episodes": [ep("1", "02/05/2019", "S")]}, {"Episodes": [0]}, {"Episodes": [ep("1", "01/05/2019", "S")]},
            {"Episodes": [ep("1", "01/05/2019", "S")]}),
    "437": ({"Episodes": [ep("1", "01/05/2020", "S", dec="02/05/2020", rec="E2"), ep("1", "03/05/2020", "S")]},
            {"Episodes": [0]}, {"Episodes": [ep("1", "01/05/2020", "S", dec="02/05/2020", rec="E2")]}),
    "386": ({"Header": [hd("1", dob="01/06/2002")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E11")]}, {"Episodes": [0]},
            {"Header": [hd("1", dob="02/06/2002")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E11")]}),
    "387": ({"Header": [hd("1", dob="02/06/2006")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E5")]}, {"Episodes": [0]},
            {"Header": [hd("1", dob="01/06/2006")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E6")]}),
    "389": ({"Header": [hd("1", dob="02/06/2004")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E7")]}, {"Episodes": [0]},
            {"Header": [hd("1", dob="01/06/2004")],
             "Episodes": [ep("1", "01/05/2020", "S", dec="01/06/2020", rec="E7")]}),
    "359": ({"Header": [hd("1", dob="30/03/2003")], "Episodes": [ep("1", "01/05/2020", "S", ls="V2", place="K1")]},
            {"Episodes": [0]},
            {"Header": [hd("1", dob="30/03/2003"), hd("2", dob="31/03/2003")],
             "Episodes": [ep("1", "01/05/2020", "S", ls="V2", place="K2"), ep("2", "01/05/2020", "S")]}),
    "104": ({"UASC": [{"CHILD": "1", "DUC": "31/04/2021"}]}, {"UASC": [0]},
            {"UASC": [{"CHILD": "1", "DUC": "30/04/2021"}, {"CHILD": "2", "DUC": ""}]}),
    "151": ({"AD1": [{"CHILD": "1", "DATE_INT": "01/01/2021"}]}, {"AD1": [0]},
            {"AD1": [{"CHILD": "1", "DATE_INT": "01/01/2021", "DATE_MATCH": "01/02/2021", "FOSTER_CARE": "0",
                      "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L0"}, {"CHILD": "2"}]}),
    "153": ({"OC3": [{"CHILD": "1", "IN_TOUCH": "YES", "ACTIV": "F1"}]}, {"OC3": [0]},
            {"OC3": [{"CHILD": "1", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"}, {"CHILD": "2"}]}),
    "1006": ({"Missing": [{"CHILD": "1", "MISSING": "m", "MIS_START": "01/05/2020"}]}, {"Missing": [0]},
             {"Missing": [{"CHILD": "1", "MISSING": "M", "MIS_START": "01/05/2020"}]}),
    "1004": ({"Missing": [{"CHILD": "1", "MISSING": "M", "MIS_START": "10/24/2020"}, {"CHILD": "2", "MISSING": "A"}]},
             {"Missing": [0, 1]}, {"Missing": [{"CHILD": "1", "MISSING": "M", "MIS_START": "24/10/2020"}]}),
    "571": ({"Missing": [{"CHILD": "1", "MISSING": "M", "MIS_START": "20/03/2020", "MIS_END": "31/03/2020"},
                         {"CHILD": "2", "MISSING": "M", "MIS_START": "20/03/2021", "MIS_END": "01/04/2021"}]},
            {"Missing": [0, 1]},
            {"Missing": [{"CHILD": "1", "MISSING": "M", "MIS_START": "20/03/2020", "MIS_END": "01/04/2020"},
                         {"CHILD": "2", "MISSING": "M", "MIS_START": "20/03/2021", "MIS_END": "31/03/2021"},
                         {"CHILD": "3", "MISSING": "M", "MIS_START": "20/03/2021", "MIS_END": ""}]}),
}


def test_every_rule_has_a_case_and_the_rules_are_enough():
    assert set(CASES) == set(RULES)
    assert len(RULES) >= 25
    for r in RULES.values():
        assert r.message.endswith(".") and r.affects and r.code.isdigit()


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_the_failing_case_and_passes_the_passing_one(code):
    bad, expected, good, *last = CASES[code]
    last_year = last[0] if last else None
    failed = failing(return_from_rows(bad, collection_year=YEAR, last=last_year), code)
    assert {t: p.tolist() for t, p in failed.items()} == expected
    assert failing(return_from_rows(good, collection_year=YEAR, last=last_year), code) == {}


def test_an_issue_names_the_rule_child_table_field_and_value():
    ret = return_from_rows({"Header": [hd("C07", dob="31/02/2010")]}, collection_year=YEAR)
    (issue,) = validate(ret, ["102"])
    assert (issue.code, issue.child, issue.table, issue.field, issue.row) == ("102", "C07", "Header", "DOB", 2)
    assert issue.severity == "error" and issue.message.startswith("102: Date of birth is not a valid date")
    ret = return_from_rows({"Episodes": [ep("C08", "01/05/2020", "S", place="R4")]}, collection_year=YEAR)
    (issue,) = validate(ret, ["146"])
    assert (issue.child, issue.field, issue.value) == ("C08", "PLACE", "R4")


def test_rules_needing_last_year_are_skipped_without_it():
    ret = return_from_rows({"Header": [hd("1")]}, collection_year=YEAR)
    assert not any(i.code in ("202", "203", "502") for i in validate(ret))


def test_fields_the_reader_leaves_to_rules_are_checked_by_a_rule():
    covered = {field for r in RULES.values() for field in r.affects}
    assert {field for _, field in RULE_CHECKED} <= covered
    # and a bad value in a field no rule covers is reported by the reader instead
    ret = return_from_rows({"Header": [hd("9", MC_DOB="31/13/2020")]}, collection_year=YEAR)
    assert [(i.kind, i.child, i.field, i.value) for i in ret.issues] == [("bad_date", "9", "MC_DOB", "31/13/2020")]


# --------------------------------------------------------------------------- the shared sample


@pytest.fixture(scope="module")
def sample():
    ret = read_903(DATA / "ssda903_fake")
    return ret, validate(ret)


def test_sample_fails_the_rules_a_dfe_validator_raises(sample):
    ret, issues = sample
    assert ret.collection_year == 2018  # the latest episode starts on 31/03/2018
    by_rule = {(i.code, i.child) for i in issues}
    for code, child in [("148", "566910"),  # open episode with REC X1
                        ("142", "235151"),  # a later episode starts while this one is open
                        ("168", "411080"),  # UPN O068405655286 starts with O
                        ("357", "819792"),  # first episode in the year with RNE P
                        ("387", "686826"),  # moved to independent living (E6) under 14
                        ("389", "136957"),  # transferred to adult services (E7) under 16
                        ("437", "116056"),  # ceased E15 (18 or over) with a later episode
                        ("501", "708102")]:  # starts 11/01/2018 before the previous episode ended
        assert (code, child) in by_rule, (code, child)
    counts = Counter(i.code for i in issues)
    assert set(counts) == {"142", "148", "168", "357", "387", "389", "437", "501"}
    with (DATA / "ssda903_fake" / "episodes.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert counts["148"] == sum((r["DEC"] == "") != (r["REC"] == "") for r in rows) == 1413


def test_sample_reader_issues_name_child_field_and_value(sample):
    ret, _ = sample
    found = {(i.table, i.child, i.field, i.value) for i in ret.issues if i.kind == "unknown_code"}
    assert ("SWEpisodes", "CHILD10", "SW_REASON", "SWLAZY") in found
    assert ("OC3", "197474", "ACCOM", "01") in found
    assert sum(1 for i in ret.issues if i.field == "REASON_PLACED_CEASED") == 29  # "XXX" throughout


def test_xml_sample_gives_the_same_kinds_of_failure():
    ret = read_903(DATA / "fake_903.xml")
    counts = Counter(i.code for i in validate(ret))
    assert set(counts) == {"148", "168", "387", "389", "501"}
    assert counts["148"] == 133
