"""The helpers the statutory returns share (goldthread.core.returns): the rule book, issues and safe XML."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from goldthread.core.returns import (
    ERROR,
    WARNING,
    Issue,
    RuleBook,
    UnreadableFile,
    iter_xml,
    limit_from_environment,
    rows,
    shown,
    summarise,
)


class Return:
    def __init__(self, **tables):
        self.tables = tables

    def table(self, name):
        return self.tables[name]


def book() -> RuleBook:
    return RuleBook("test", fields={"episodes": {"CHILD": "child_id", "DECOM": "start", "DEC": "end"},
                                    "header": {"DOB": "birth"}})


def data() -> Return:
    episodes = pd.DataFrame({"row_number": [1, 2, 3], "child_id": ["A", "B", "C"],
                             "start": pd.to_datetime(["2024-01-02", "2024-03-01", None]),
                             "end": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-05-01"])})
    header = pd.DataFrame({"child_id": ["A", "B"], "birth": pd.to_datetime(["2010-01-01", None])})
    return Return(episodes=episodes, header=header)


def test_a_rule_names_the_child_row_fields_and_values():
    b = book()

    @b.rule(code="103", message="  The episode ends before it starts ", affects=["DECOM", "DEC"])
    def _(d):
        t = d.table("episodes")
        return {"episodes": rows(t["end"] < t["start"])}

    assert len(b) == 1 and b["103"].message == "The episode ends before it starts"
    assert b.validate(data()) == [Issue(ERROR, "rule", "The episode ends before it starts", code="103",
                                        table="episodes", row=1, child="A", field="DECOM, DEC",
                                        value="2024-01-02, 2024-01-01")]


def test_fields_can_be_named_per_table_and_a_missing_one_is_blank():
    b = book()

    @b.rule(code="1", message="Start missing", affects=["DECOM"], severity=WARNING)
    def _(d):
        t = d.table("episodes")
        return {"episodes": t["start"].isna().to_numpy(), "header": ([1, 1], ["DOB", "DECOM"])}

    issues = b.validate(data())
    assert [(i.severity, i.table, i.row, i.child, i.field, i.value) for i in issues] == [
        (WARNING, "episodes", 3, "C", "DECOM", None),  # a boolean mask works as well as positions
        (WARNING, "header", 2, "B", "DOB, DECOM", "(blank), (blank)")]  # positions once each; no row_number: +1


def test_rules_are_declared_once_with_fields_the_tables_have():
    b = book()
    b.rule(code="1", message="x", affects=["DEC"])(lambda d: {})
    with pytest.raises(ValueError, match="declared twice"):
        b.rule(code="1", message="y", affects=["DEC"])(lambda d: {})
    with pytest.raises(ValueError, match="no table has"):
        b.rule(code="2", message="z", affects=["NOPE"])
    assert b.validate(data()) == [] and b.validate(data(), ["1"]) == []


def test_issue_where_and_summary():
    issue = Issue(ERROR, "rule", "m", code="8840", table="child_protection_plans", row=4, child="C9", field="X")
    assert issue.where == "child C9, child_protection_plans row 4, X"
    assert Issue(WARNING, "bad_date", "m", table="header").where == "header"
    issues = [Issue(WARNING, "bad_date", "m", table="t"), Issue(ERROR, "rule", "m", code="2", table="t"),
              Issue(ERROR, "rule", "m", code="1", table="t"), Issue(ERROR, "rule", "m", code="2", table="t")]
    assert summarise(issues) == [(ERROR, "1", "t", 1), (ERROR, "2", "t", 2), (WARNING, "bad_date", "t", 1)]


def test_values_are_shown_as_text():
    assert shown(pd.Timestamp("2024-03-31")) == "2024-03-31"
    assert shown(np.datetime64("2024-03-31T00:00:00")) == "2024-03-31"
    assert [shown(v) for v in (None, pd.NA, pd.NaT, float("nan"), np.datetime64("NaT"))] == [None] * 5
    assert (shown(np.int64(3)), shown(True), shown("N1")) == ("3", "true", "N1")


def test_xml_in_a_namespace_when_one_is_expected(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text('<r:Root xmlns:r="urn:r"><r:A>1</r:A></r:Root>')
    tags = [e.tag for event, e in iter_xml(path, root="Root", namespace="urn:r", what="a test file")
            if event == "end"]
    assert tags == ["{urn:r}A", "{urn:r}Root"]
    with pytest.raises(UnreadableFile, match="in the namespace 'urn:r', not 'urn:other'"):
        list(iter_xml(path, root="Root", namespace="urn:other", what="a test file"))
    path.write_text("<Root/>")
    with pytest.raises(UnreadableFile, match="in no namespace, but a test file uses 'urn:r'"):
        list(iter_xml(path, root="Root", namespace="urn:r", what="a test file"))


def test_checks_made_before_parsing_raise_at_once(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableFile, match="is a PDF document"):
        iter_xml(path, root="Root", what="a test file")  # not even iterated


def test_byte_limits_from_the_environment(monkeypatch):
    monkeypatch.delenv("GOLDTHREAD_TEST_MAX_MB", raising=False)
    assert limit_from_environment("GOLDTHREAD_TEST_MAX_MB", 5) == 5
    monkeypatch.setenv("GOLDTHREAD_TEST_MAX_MB", "2")
    assert limit_from_environment("GOLDTHREAD_TEST_MAX_MB", 5) == 2 * 1024**2
    monkeypatch.setenv("GOLDTHREAD_TEST_MAX_MB", "lots")
    with pytest.raises(ValueError, match="whole number of megabytes"):
        limit_from_environment("GOLDTHREAD_TEST_MAX_MB", 5)
