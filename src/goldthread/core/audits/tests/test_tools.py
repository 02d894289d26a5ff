"""Audit tools as data: grades, shipped tools, JSON round trip and validation of edited tools."""

from __future__ import annotations

import copy
import json

import pytest

from goldthread.core.audits.tools import (
    DEFAULT_TOOL,
    GRADES,
    SHIPPED_TOOLS,
    THEMATIC_TOOLS,
    ToolDefinition,
    good_or_better,
    grade_label,
    grade_rank,
    validate_definition,
)


def test_grade_scale():
    assert GRADES == ("outstanding", "good", "requires_improvement", "inadequate")
    assert [grade_label(g) for g in GRADES] == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert [grade_rank(g) for g in GRADES] == [1, 2, 3, 4]
    assert [good_or_better(g) for g in GRADES] == [True, True, False, False]
    assert good_or_better(None) is False
    with pytest.raises(ValueError, match="not a grade"):
        grade_rank("excellent")
    with pytest.raises(ValueError, match="not a grade"):
        grade_label("Good")  # labels are not keys


@pytest.mark.parametrize("tool", SHIPPED_TOOLS, ids=lambda t: t.key)
def test_shipped_tools_validate_clean_and_round_trip_through_json(tool):
    d = tool.to_dict()
    assert validate_definition(d) == []
    back = ToolDefinition.from_dict(json.loads(json.dumps(d)))
    assert back == tool
    assert back.to_dict() == d


def test_shipped_tools_content():
    assert SHIPPED_TOOLS == (DEFAULT_TOOL, *THEMATIC_TOOLS)
    assert len({t.key for t in SHIPPED_TOOLS}) == len(SHIPPED_TOOLS)
    assert DEFAULT_TOOL.name == "Practice quality audit" and DEFAULT_TOOL.kind == "full" and DEFAULT_TOOL.theme == ""
    titles = [s.title.lower() for s in DEFAULT_TOOL.sections]
    for word in ("voice", "assessment", "planning", "management oversight", "multi-agency", "impact"):
        assert any(word in t for t in titles), word
    for section in DEFAULT_TOOL.sections:
        assert 3 <= len(section.questions) <= 5, section.key
        assert all(q.guidance for q in section.questions), section.key
    assert len(THEMATIC_TOOLS) >= 2
    assert all(t.kind == "thematic" and t.theme for t in THEMATIC_TOOLS)
    neglect = next(t for t in THEMATIC_TOOLS if t.theme == "Neglect")
    neglect_titles = " ".join(s.title.lower() for s in neglect.sections)
    for word in ("recognition", "assessment tool", "chronology", "drift", "impact"):
        assert word in neglect_titles, word
    missing = next(t for t in THEMATIC_TOOLS if "missing" in t.theme.lower())
    missing_titles = " ".join(s.title.lower() for s in missing.sections)
    for word in ("return home interview", "exploitation", "planning"):
        assert word in missing_titles, word


def _broken(change) -> list[str]:
    d = copy.deepcopy(DEFAULT_TOOL.to_dict())
    change(d)
    return validate_definition(d)


def _one(problems: list[str], *words: str) -> None:
    assert len(problems) == 1, problems
    for word in words:
        assert word in problems[0], problems


def test_validate_catches_no_sections():
    _one(_broken(lambda d: d.update(sections=[])), "no sections")
    _one(_broken(lambda d: d.pop("sections")), "no sections")


def test_validate_catches_a_section_with_no_title():
    _one(_broken(lambda d: d["sections"][1].update(title="  ")), "Section 2", "no title")


def test_validate_catches_duplicate_section_keys():
    def dup(d):
        d["sections"][2]["key"] = d["sections"][0]["key"]
    _one(_broken(dup), "Section 3", "another section")


def test_validate_catches_duplicate_question_keys_across_sections():
    def dup(d):
        d["sections"][3]["questions"][1]["key"] = d["sections"][0]["questions"][0]["key"]
    _one(_broken(dup), "Section 4", "question 2", "another question")


def test_validate_catches_a_question_with_no_text():
    _one(_broken(lambda d: d["sections"][0]["questions"][2].update(text="")), "Section 1", "question 3", "no text")


def test_validate_catches_a_section_with_no_questions():
    _one(_broken(lambda d: d["sections"][0].update(questions=[])), "Section 1", "no questions")


def test_validate_catches_missing_keys_name_and_bad_kind_or_theme():
    _one(_broken(lambda d: d.update(name="")), "no name")
    _one(_broken(lambda d: d.update(key=None)), "no key")
    _one(_broken(lambda d: d["sections"][0].update(key="")), "Section 1", "no key")
    _one(_broken(lambda d: d["sections"][0]["questions"][0].update(key="")), "question 1", "no key")
    _one(_broken(lambda d: d.update(kind="partial")), "kind")
    _one(_broken(lambda d: d.update(kind="thematic")), "needs a theme")
    _one(_broken(lambda d: d.update(theme="Neglect")), "no theme")
    assert validate_definition("not a dict") == ["The tool definition is not in the expected form."]


def test_validate_reports_every_problem():
    def many(d):
        d["name"] = ""
        d["sections"][0]["title"] = ""
        d["sections"][1]["questions"][0]["text"] = ""
    assert len(_broken(many)) == 3


def test_from_dict_refuses_an_invalid_definition():
    d = DEFAULT_TOOL.to_dict()
    d["sections"] = []
    with pytest.raises(ValueError, match="no sections"):
        ToolDefinition.from_dict(d)


def test_from_dict_defaults_for_optional_fields():
    d = {"key": "mini", "name": "Mini", "kind": "full",
         "sections": [{"key": "s", "title": "S", "questions": [{"key": "q", "text": "Q?"}]}]}
    tool = ToolDefinition.from_dict(d)
    assert tool.description == "" and tool.theme == ""
    assert tool.sections[0].graded is True and tool.sections[0].guidance == ""
    assert tool.questions[0].guidance == ""
    assert tool.section("s").questions[0].text == "Q?"
