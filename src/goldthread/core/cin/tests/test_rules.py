"""Every DfE rule declared in goldthread.core.cin.rules, with a hand-made failing and passing return each: the
failing return must raise exactly the expected (table, child) issues for that rule, the passing one none."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from goldthread.core.cin.rules import RULES, upn_check_letter, validate
from goldthread.core.returns import ERROR

from .build import assessment, census, child, cin, cpp, plan, s47

NFA = dict(nfa="1", closure="2024-06-03", reason="RC8", assessments=())


@dataclass
class Case:
    failing: tuple[str, ...]  # children of the failing return
    expected: set[tuple[str, str | None]]  # (table, child) of the issues it must raise
    passing: tuple[str, ...]  # children of the passing return
    failing_header: dict = field(default_factory=dict)
    passing_header: dict = field(default_factory=dict)


def closed(referral, closure, **kw):
    return cin(referral, closure=closure, **kw)


CASES: dict[str, Case] = {
    "100": Case((child(),), {("header", None)}, (child(),), failing_header={"reference": "2024-03-31"}),
    "8500": Case((child(None),), {("child_identifiers", None)}, (child("C1"),)),
    "8510": Case((child("C1"), child("C1")), {("child_identifiers", "C1")}, (child("C1"), child("C2"))),
    "1570": Case((child("X" * 21),), {("child_identifiers", "X" * 21)}, (child("X" * 20),)),
    "1510": Case((child(upn="A123456789123", upn_unknown=None),), {("child_identifiers", "C1")},
                 (child(upn="P123456789123", upn_unknown=None), child("C2", upn="A12345678912C", upn_unknown=None))),
    "8520": Case((child(birth="2025-04-01"),), {("child_identifiers", "C1")}, (child(birth="2025-03-31"),)),
    "8525": Case((child("C1", expected="2025-06-01"), child("C2", birth=None)),
                 {("child_identifiers", "C1"), ("child_identifiers", "C2")},
                 (child("C1"), child("C2", birth=None, expected="2025-06-01", sex="U"))),
    "4180": Case((child("C1", sex="1"), child("C2", sex=None, gender="7"), child("C3", sex=None)),
                 {("child_identifiers", "C1"), ("child_identifiers", "C2"), ("child_identifiers", "C3")},
                 (child("C1", sex="F"), child("C2", sex=None, gender="2"), child("C3", sex=None, gender="9"))),
    "8750": Case((child(birth=None, expected="2025-06-01", sex="F"),), {("child_identifiers", "C1")},
                 (child(birth=None, expected="2025-06-01", sex="U"), child("C2", sex="F"))),
    "8772": Case((child(upn_unknown="UN7"),), {("child_identifiers", "C1"), ("cin_details", "C1")},
                 (child(upn_unknown="UN7", cins=(cin(**NFA),)), child("C2", upn_unknown="UN1"))),
    "4220": Case((child("C1", ethnicity="XXXX"), child("C2", ethnicity=None)),
                 {("child_characteristics", "C1"), ("child_characteristics", "C2")}, (child(ethnicity="NOBT"),)),
    "8540": Case((child("C1", disabilities=("FOO",)), child("C2", disabilities=())),
                 {("disabilities", "C1"), ("child_characteristics", "C2")},
                 (child("C1"), child("C2", disabilities=("FOO",), cins=(cin(**NFA),)))),
    "8790": Case((child(disabilities=("NONE", "MOB")),), {("disabilities", "C1")},
                 (child(disabilities=("MOB", "HAND")),)),
    "8794": Case((child(disabilities=("MOB", "MOB")),), {("disabilities", "C1")},
                 (child(disabilities=("MOB", "HAND")),)),
    "8866": Case((child("C1", cins=(cin(source="11"),)), child("C2", cins=(cin(source=None),))),
                 {("cin_details", "C1"), ("cin_details", "C2")},
                 (child("C1", cins=(cin(source="5D"),)), child("C2", cins=(cin("2013-03-31", source=None),)))),
    "8650": Case((child(cins=(cin(need="N10"),)),), {("cin_details", "C1")},
                 (child("C1", cins=(cin(need="N0"),)), child("C2", cins=(cin(need=None),)))),
    "8610": Case((child(cins=(cin(need=None),)),), {("cin_details", "C1")},
                 (child(cins=(cin(need=None, **NFA),)),)),
    "8640": Case((child(cins=(closed("2024-06-03", "2024-08-01", reason="RC10"),)),), {("cin_details", "C1")},
                 (child(cins=(closed("2024-06-03", "2024-08-01", reason="RC9"),)),)),
    "8606": Case((child(cins=(cin("2014-07-24"),)),), {("cin_details", "C1"), ("child_identifiers", "C1")},
                 (child("C1", cins=(cin("2014-07-25"),)),
                  child("C2", birth=None, expected="2025-06-01", sex="U", cins=(cin("2024-08-25"),)))),
    "8820": Case((child("C1", cins=(closed("2024-04-01", "2024-09-01"), cin("2024-08-01"))),
                  child("C2", cins=(cin("2024-04-01"), cin("2024-08-01")))),
                 {("cin_details", "C1"), ("cin_details", "C2")},
                 (child("C1", cins=(closed("2024-04-01", "2024-09-01"), cin("2024-09-01"))),
                  child("C2", cins=(cin("2024-04-01", **{**NFA, "closure": None}), cin("2024-08-01"))))),
    "8565": Case((child(cins=(closed("2024-06-03", "2024-06-20", assessments=(assessment(),)),)),),
                 {("assessments", "C1"), ("cin_details", "C1")},
                 (child(cins=(closed("2024-06-03", "2024-07-01", assessments=(assessment(),)),)),)),
    "1103": Case((child(cins=(cin(assessments=(assessment("2024-06-01"),)),)),),
                 {("assessments", "C1"), ("cin_details", "C1")},
                 (child(cins=(cin(assessments=(assessment("2024-06-03"),)),)),)),
    "8608": Case((child(cins=(cin(assessments=(assessment("2024-07-02", authorised="2024-07-01"),)),)),),
                 {("assessments", "C1")},
                 (child(cins=(cin(assessments=(assessment("2024-07-01", authorised="2024-07-01"),)),)),)),
    "8736": Case((child(cins=(cin("2024-03-10", assessments=(assessment("2024-03-15", authorised=None),)),)),),
                 {("assessments", "C1")},
                 (child(cins=(cin("2024-03-10", assessments=(assessment("2024-04-01", authorised=None),)),)),)),
    "4000": Case((child(cins=(cin(plans=(plan("2024-06-03"),), **NFA),)),),
                 {("cin_plan_dates", "C1"), ("cin_details", "C1")}, (child(cins=(cin(plans=(plan(),)),)),)),
    "4004": Case((child(cins=(cin(plans=(plan("2024-07-01"), plan("2024-08-01"))),)),), {("cin_plan_dates", "C1")},
                 (child(cins=(cin(plans=(plan("2024-07-01", "2024-07-31"), plan("2024-08-01"))),)),)),
    "4011": Case((child(cins=(cin(plans=(plan("2024-07-01", "2024-06-30"),)),)),), {("cin_plan_dates", "C1")},
                 (child(cins=(cin(plans=(plan("2024-07-01", "2024-07-01"),)),)),)),
    "1104": Case((child("C1", cins=(cin(s47s=(s47(icpc="2024-06-01"),)),)), child("C2", cins=(cin(icpc="2024-06-02"),))),
                 {("section47", "C1"), ("cin_details", "C1"), ("cin_details", "C2")},
                 (child("C1", cins=(cin(s47s=(s47(icpc="2024-06-03"),)),)), child("C2", cins=(cin(icpc="2024-06-03"),)))),
    "8839": Case((child(cins=(cin(s47s=(s47("2024-06-05"), s47("2024-06-10"))),)),), {("section47", "C1")},
                 (child(cins=(cin(s47s=(s47("2024-06-05", not_required="1"), s47("2024-06-10"))),)),)),
    "1105": Case((child(cins=(cin(cpps=(cpp("2024-06-01"),)),)),),
                 {("child_protection_plans", "C1"), ("cin_details", "C1")},
                 (child(cins=(cin(cpps=(cpp("2024-06-03"),)),)),)),
    "2885": Case((child(cins=(cin(s47s=(s47(icpc="2024-06-19"),), cpps=(cpp("2024-06-20"),)),)),),
                 {("child_protection_plans", "C1")},
                 (child("C1", cins=(cin(s47s=(s47(icpc="2024-06-20"),), cpps=(cpp("2024-06-20"),)),)),
                  child("C2", cins=(cin(icpc="2024-06-20", cpps=(cpp("2024-06-20"),)),)),
                  child("C3", cins=(cin("2023-05-01", cpps=(cpp("2023-06-01"),)),)))),
    "8730": Case((child("C1", cins=(cin(cpps=(cpp(previous=None),)),)), child("C2", cins=(cin(cpps=(cpp(previous="-1"),)),))),
                 {("child_protection_plans", "C1"), ("child_protection_plans", "C2")},
                 (child(cins=(cin(cpps=(cpp(previous="3"),)),)),)),
    "8840": Case((child(cins=(cin(cpps=(cpp("2024-06-20", "2024-06-20"),)),)),), {("child_protection_plans", "C1")},
                 (child(cins=(cin(cpps=(cpp("2024-06-20", "2024-06-21"),)),)),)),
    "8841": Case((child("C1", cins=(cin(cpps=(cpp("2024-06-20", reviews=("2024-06-20",)),)),)),
                  child("C2", cins=(cin(cpps=(cpp("2024-06-20", reviews=("2024-09-10", "2024-06-19")),)),))),
                 {("reviews", "C1"), ("child_protection_plans", "C1"), ("reviews", "C2"),
                  ("child_protection_plans", "C2")},
                 (child(cins=(cin(cpps=(cpp("2024-06-20", reviews=("2024-06-21",)),)),)),)),
}


def test_every_rule_has_a_failing_and_a_passing_case():
    assert len(RULES) >= 25
    assert {r.code for r in RULES} == set(CASES)
    for r in RULES:
        assert r.severity == ERROR and r.message and r.affects, r.code


def test_the_base_child_breaks_no_rule(tmp_path):
    data = census(tmp_path, child("C1"), child("C2", cins=(cin(**NFA),)))
    assert data.issues == [] and validate(data) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_its_failing_case(code, tmp_path):
    case = CASES[code]
    data = census(tmp_path, *case.failing, **case.failing_header)
    issues = validate(data, [code])
    assert {(i.table, i.child) for i in issues} == case.expected
    rule = RULES[code]
    for i in issues:
        assert (i.code, i.message, i.severity, i.kind) == (code, rule.message, ERROR, "rule")
        assert i.field and set(i.field.split(", ")) <= set(rule.affects)
        assert i.row >= 1


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_its_passing_case(code, tmp_path):
    case = CASES[code]
    data = census(tmp_path, *case.passing, **case.passing_header)
    assert validate(data, [code]) == []


def test_issues_name_the_element_and_value(tmp_path):
    data = census(tmp_path, child("C9", ethnicity="XXXX", cins=(cin(cpps=(cpp("2024-06-20", "2024-06-20"),)),)))
    by_code = {i.code: i for i in validate(data, ["4220", "8840"])}
    assert (by_code["4220"].field, by_code["4220"].value, by_code["4220"].child) == ("Ethnicity", "XXXX", "C9")
    assert by_code["8840"].field == "CPPstartDate, CPPendDate"
    assert by_code["8840"].value == "2024-06-20, 2024-06-20"
    assert by_code["8840"].where == "child C9, child_protection_plans row 1, CPPstartDate, CPPendDate"


def test_repeated_children_each_get_an_issue(tmp_path):
    data = census(tmp_path, child("C1"), child("C1"), child("C2"))
    assert [(i.row, i.child) for i in validate(data, ["8510"])] == [(1, "C1"), (2, "C1")]


def test_upn_check_letter():
    # Weights 2..13 on characters 2..13, sum mod 23 in the check alphabet (no I, O or S).
    assert upn_check_letter("A123456789123") == "P"  # 404 mod 23 = 13
    assert upn_check_letter("X000000000000") == "A"
    assert upn_check_letter("X00000000000A") == "A"  # a temporary UPN's letter counts by its place (A = 0)
    assert upn_check_letter("X00000000000B") == "P"  # B = 1, x13 = 13 -> P
    assert upn_check_letter("X12345678912C") == "A"  # 365 + 2 x 13 = 391 = 17 x 23
    assert upn_check_letter("A12345") is None and upn_check_letter("A12345678912I") is None
