"""The shared samples (data-to-insight's fake CIN census files) raise the issues a DfE validator would: each rule,
the child that breaks it, and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldthread.core.cin import read_cin_census, validate
from goldthread.core.cin.rules import upn_check_letter

DATA = Path(__file__).parent / "data"

# (rule, table, child, field, value) for the two children of the 2024/25 sample (and the 2026/27 one, the same
# children with a pre-proceedings module).
EXPECTED_2024 = {
    # Year 2023 with ReferenceDate 31/03/2024: the reference date must be 31 March of the collection year.
    ("100", "header", None, "ReferenceDate, Year", "2024-03-31, 2023"),
    # A123456789123: the weighted sum of its digits is 404, 404 mod 23 = 13, so it should start with P.
    ("1510", "child_identifiers", "DfEX0000001", "UPN", "A123456789123"),
    # <Sex>1</Sex>: the 2024/25 form takes M, F or U.
    ("4180", "child_identifiers", "DfEX0000001", "Sex", "1"),
    # 23 characters.
    ("1570", "child_identifiers", "child_fails_assessments", "LAchildID", "child_fails_assessments"),
    # Closed 27/02/2023, but the assessment started in 2028 and the plan ended 14/03/2023.
    ("8565", "cin_details", "DfEX0000001", "CINclosureDate, DateOfInitialCPC", "2023-02-27, 2022-12-06"),
    ("8565", "assessments", "DfEX0000001", "AssessmentActualStartDate, AssessmentAuthorisationDate",
     "2028-04-28, 2020-09-19"),
    ("8565", "child_protection_plans", "DfEX0000001", "CPPendDate", "2023-03-14"),
    # Started 28/04/2028, authorised 19/09/2020.
    ("8608", "assessments", "DfEX0000001", "AssessmentActualStartDate, AssessmentAuthorisationDate",
     "2028-04-28, 2020-09-19"),
    # The assessment started 25/12/2023, before the referral of 24/10/2024.
    ("1103", "assessments", "child_fails_assessments", "AssessmentActualStartDate", "2023-12-25"),
    ("1103", "cin_details", "child_fails_assessments", "CINreferralDate", "2024-10-24"),
    # The section 47's conference (17/06/2022) and the plan's start (17/02/2022) are before the referral (06/10/2022).
    ("1104", "section47", "DfEX0000001", "DateOfInitialCPC", "2022-06-17"),
    ("1104", "cin_details", "DfEX0000001", "DateOfInitialCPC, CINreferralDate", "2022-12-06, 2022-10-06"),
    ("1105", "child_protection_plans", "DfEX0000001", "CPPstartDate", "2022-02-17"),
    ("1105", "cin_details", "DfEX0000001", "CINreferralDate", "2022-10-06"),
}


@pytest.mark.parametrize("name", ["CIN_Census_2024.xml", "CIN_Census_2026.xml"])
def test_the_2024_and_2026_samples(name):
    census = read_cin_census(DATA / name)
    issues = validate(census)
    assert {(i.code, i.table, i.child, i.field, i.value) for i in issues} == EXPECTED_2024
    assert len(issues) == len(EXPECTED_2024)
    # The reader's own finding: "RB" is not a factor identified at assessment.
    assert [(i.kind, i.child, i.field, i.value) for i in census.issues] == [
        ("unknown_code", "DfEX0000001", "AssessmentFactors", "RB")]


def test_the_older_gender_current_sample():
    census = read_cin_census(DATA / "fake_CIN_data.xml")
    issues = validate(census)
    by_code: dict[str, list] = {}
    for i in issues:
        by_code.setdefault(i.code, []).append(i)
    assert {code: len(found) for code, found in by_code.items()} == {"100": 1, "1510": 320, "8790": 5, "8794": 10}
    # Reference date 21/07/2022, not 31/03/2022.
    assert by_code["100"][0].value == "2022-07-21, 2022"
    # Random UPNs: 320 of the 332 have the wrong check letter.
    first = by_code["1510"][0]
    assert (first.child, first.value) == ("RND000215205141", "A850728973744")
    assert upn_check_letter("A850728973744") != "A"
    # NONE beside other disabilities: the others are reported.
    assert {(i.child, i.value) for i in by_code["8790"]} >= {("RND000769651687", "VIS"), ("RND000769651687", "LD")}
    # The same disability twice: both rows.
    assert [(i.child, i.row, i.value) for i in by_code["8794"][:2]] == [
        ("RND000785618044", 28, "MOB"), ("RND000785618044", 29, "MOB")]
    ids = census.table("child_identifiers")
    passing = set(ids["child_id"]) - {i.child for i in by_code["1510"]}
    assert len(passing) == 12
    for upn in ids.loc[ids["child_id"].isin(passing), "upn"]:
        assert upn_check_letter(upn) == upn[0]
