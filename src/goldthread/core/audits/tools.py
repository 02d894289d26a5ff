"""Audit tools (the forms auditors fill in) as plain data.

A tool is a list of sections, each with questions and short guidance for the auditor. The Django app
stores each version of a tool as JSON (``ToolDefinition.to_dict``) and reads it back with
``ToolDefinition.from_dict``; ``validate_definition`` checks a definition a user has edited and says, in
plain English, what is wrong with it.

Grades use Ofsted's four-point scale. The shipped tools follow the themes of the ILACS evaluation
criteria in our own words; they are a starting point that a council copies and adapts.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- grades

OUTSTANDING = "outstanding"
GOOD = "good"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"

GRADES: tuple[str, ...] = (OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE)
GRADE_LABELS: dict[str, str] = {
    OUTSTANDING: "Outstanding",
    GOOD: "Good",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    INADEQUATE: "Inadequate",
}
GRADE_CHOICES: tuple[tuple[str, str], ...] = tuple((g, GRADE_LABELS[g]) for g in GRADES)


def _check_grade(grade: str) -> str:
    if grade not in GRADE_LABELS:
        raise ValueError(f"{grade!r} is not a grade; expected one of {', '.join(GRADES)}")
    return grade


def grade_label(grade: str) -> str:
    """'requires_improvement' -> 'Requires improvement'."""
    return GRADE_LABELS[_check_grade(grade)]


def grade_rank(grade: str) -> int:
    """1 for outstanding up to 4 for inadequate."""
    return GRADES.index(_check_grade(grade)) + 1


def good_or_better(grade: str | None) -> bool:
    """True for good or outstanding; False for the other grades and for no grade."""
    return grade in (OUTSTANDING, GOOD)


# --------------------------------------------------------------------------- definitions

FULL = "full"
THEMATIC = "thematic"
KINDS = (FULL, THEMATIC)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    guidance: str = ""

    def to_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "guidance": self.guidance}

    @classmethod
    def from_dict(cls, d: dict) -> Question:
        return cls(key=d["key"], text=d["text"], guidance=d.get("guidance", "") or "")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    guidance: str
    questions: tuple[Question, ...]
    graded: bool = True  # the auditor gives the section a grade

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "guidance": self.guidance, "graded": self.graded,
                "questions": [q.to_dict() for q in self.questions]}

    @classmethod
    def from_dict(cls, d: dict) -> Section:
        return cls(key=d["key"], title=d["title"], guidance=d.get("guidance", "") or "",
                   questions=tuple(Question.from_dict(q) for q in d.get("questions", ())),
                   graded=bool(d.get("graded", True)))


@dataclass(frozen=True)
class ToolDefinition:
    key: str
    name: str
    description: str
    kind: str  # "full" or "thematic"
    theme: str  # "" for a full audit
    sections: tuple[Section, ...]

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "description": self.description, "kind": self.kind,
                "theme": self.theme, "sections": [s.to_dict() for s in self.sections]}

    @classmethod
    def from_dict(cls, d: dict) -> ToolDefinition:
        """Read a stored definition. Raises ValueError listing the problems if it is not valid."""
        problems = validate_definition(d)
        if problems:
            raise ValueError("This audit tool cannot be used: " + " ".join(problems))
        return cls(key=d["key"], name=d["name"], description=d.get("description", "") or "", kind=d["kind"],
                   theme=d.get("theme", "") or "", sections=tuple(Section.from_dict(s) for s in d["sections"]))

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def _blank(value) -> bool:
    return not isinstance(value, str) or not value.strip()


def validate_definition(d: dict) -> list[str]:
    """Plain-English problems with a tool definition (a dict as ``to_dict`` makes it); empty if none."""
    if not isinstance(d, dict):
        return ["The tool definition is not in the expected form."]
    problems: list[str] = []
    if _blank(d.get("key")):
        problems.append("The tool has no key.")
    if _blank(d.get("name")):
        problems.append("The tool has no name.")
    kind = d.get("kind")
    if kind not in KINDS:
        problems.append(f"The tool's kind must be 'full' or 'thematic', not {kind!r}.")
    theme = d.get("theme", "")
    if kind == THEMATIC and _blank(theme):
        problems.append("A thematic tool needs a theme.")
    if kind == FULL and not _blank(theme):
        problems.append("A full audit tool has no theme; remove it or make the tool thematic.")
    sections = d.get("sections")
    if not isinstance(sections, list | tuple) or not sections:
        problems.append("The tool has no sections.")
        return problems
    section_keys: set[str] = set()
    question_keys: set[str] = set()
    for i, s in enumerate(sections, start=1):
        if not isinstance(s, dict):
            problems.append(f"Section {i} is not in the expected form.")
            continue
        title = s.get("title")
        where = f"Section {i}" + ("" if _blank(title) else f" ({title.strip()})")
        if _blank(title):
            problems.append(f"Section {i} has no title.")
        key = s.get("key")
        if _blank(key):
            problems.append(f"{where} has no key.")
        elif key in section_keys:
            problems.append(f"{where} has the key {key!r}, which another section already uses.")
        else:
            section_keys.add(key)
        if "graded" in s and not isinstance(s["graded"], bool):
            problems.append(f"{where}: 'graded' must be true or false.")
        questions = s.get("questions")
        if not isinstance(questions, list | tuple) or not questions:
            problems.append(f"{where} has no questions.")
            continue
        for j, q in enumerate(questions, start=1):
            if not isinstance(q, dict):
                problems.append(f"{where}, question {j} is not in the expected form.")
                continue
            if _blank(q.get("text")):
                problems.append(f"{where}, question {j} has no text.")
            qkey = q.get("key")
            if _blank(qkey):
                problems.append(f"{where}, question {j} has no key.")
            elif qkey in question_keys:
                problems.append(f"{where}, question {j} has the key {qkey!r}, which another question already uses.")
            else:
                question_keys.add(qkey)
    return problems


# --------------------------------------------------------------------------- shipped tools


def _section(key: str, title: str, guidance: str, *questions: tuple[str, str, str], graded: bool = True) -> Section:
    return Section(key, title, guidance, tuple(Question(k, text, help_) for k, text, help_ in questions), graded)


DEFAULT_TOOL = ToolDefinition(
    key="practice_quality",
    name="Practice quality audit",
    description="A full audit of the quality of practice for one child, organised around the themes Ofsted "
                "looks at in an inspection of local authority children's services (ILACS). Read the record "
                "for the last six months at least, talk to the worker if you can, and grade what the record "
                "shows has happened for the child, not what was intended.",
    kind=FULL,
    theme="",
    sections=(
        _section(
            "voice", "The child's voice and lived experience",
            "Look for the child as a person in the record: what daily life is like for them, and whether "
            "their views shape the work.",
            ("voice_seen", "Is the child seen, and seen alone where that is right for them, as often as "
                           "their plan says?",
             "Check visit dates against the plan. Note when the child was last seen alone and why not, if not."),
            ("voice_views", "Are the child's wishes and feelings recorded in their own words or by "
                            "observation?",
             "For babies and children who do not use words, look for observations of behaviour, "
             "attachment and play."),
            ("voice_lived", "Does the record give a clear picture of the child's day-to-day life?",
             "Could someone who has never met the child describe a typical day for them after reading it?"),
            ("voice_identity", "Are the child's identity, culture, faith, language and any disability "
                               "understood and considered?",
             "Look for how these shape the plan, not only whether they are recorded."),
        ),
        _section(
            "assessment", "Assessment and analysis of need and risk",
            "Judge whether the latest assessment explains what is happening for the child and why, and "
            "what needs to change.",
            ("assess_timely", "Was the assessment completed in a timescale that suited the child's needs?",
             "Note the start and authorisation dates; consider whether any delay left the child at risk."),
            ("assess_analysis", "Does the assessment analyse risk and need, rather than only describe them?",
             "Look for a clear view of what the worries are, what is working well and how likely harm is."),
            ("assess_history", "Does it use the child's and family's history, including a chronology?",
             "Past referrals, plans and patterns should inform the view of risk today."),
            ("assess_family", "Were parents, carers and the wider family involved, including fathers and "
                              "partners?",
             "Check that every significant adult in the child's life has been considered."),
        ),
        _section(
            "planning", "Planning and review",
            "Judge whether the plan is clear, specific to this child, and reviewed in time.",
            ("plan_smart", "Is there an up-to-date plan with specific actions, owners and timescales?",
             "A good plan says who will do what by when, and how everyone will know it has worked."),
            ("plan_needs", "Does the plan address the needs and risks found in the assessment?",
             "Trace each main worry in the assessment to an action in the plan."),
            ("plan_review", "Are plans reviewed on time, with the right people, and changed when they are "
                            "not working?",
             "Look at conference, core group or review dates and whether reviews led to changes."),
            ("plan_permanence", "Is there a clear plan for permanence or a route to step down or closure?",
             "The child should not stay on a plan longer than they need to, nor leave it too soon."),
        ),
        _section(
            "oversight", "Management oversight and supervision",
            "Judge whether managers know the child's circumstances and make a difference to the work.",
            ("oversight_recorded", "Is there regular, recorded management oversight of this child's case?",
             "Note the date of the last recorded management decision or case discussion."),
            ("oversight_reflective", "Does supervision reflect on the child's experience and challenge the "
                                     "plan?",
             "Look for analysis and direction, not only a list of tasks."),
            ("oversight_actions", "Are management actions followed up and completed?",
             "Check whether actions set in supervision were done by the date given."),
        ),
        _section(
            "partners", "Multi-agency working",
            "Judge whether the agencies around the child share information and work together to help.",
            ("partners_involved", "Are the right agencies involved, for example school, health and police?",
             "Consider who knows the child best and whether they are part of the plan."),
            ("partners_sharing", "Is information shared promptly and used in decisions?",
             "Look for partner contributions to assessments, meetings and reviews."),
            ("partners_escalation", "Where agencies disagreed or did not act, was this challenged and "
                                    "resolved?",
             "Note any use of escalation or resolution processes and their outcome."),
        ),
        _section(
            "impact", "Impact and progress for the child",
            "The most important section: judge what has changed for the child because of our work.",
            ("impact_progress", "Is there evidence that the child's circumstances have improved?",
             "Compare the child's situation now with when this period of work began."),
            ("impact_safety", "Is the child safer, and is any remaining risk understood and managed?",
             "Consider whether the child is exposed to the same harm as before."),
            ("impact_drift", "Has the work avoided drift and delay?",
             "Look for long gaps between actions, repeated actions not done, and plans that stand still."),
            ("impact_outcomes", "Are the child's health, education and emotional wellbeing improving?",
             "Look for school attendance, health checks and how the child is doing emotionally."),
        ),
    ),
)

NEGLECT_TOOL = ToolDefinition(
    key="neglect",
    name="Neglect thematic audit",
    description="A thematic audit of how well neglect is recognised and responded to. Use it for children "
                "where neglect is, or may be, the main concern.",
    kind=THEMATIC,
    theme="Neglect",
    sections=(
        _section(
            "recognition", "Recognition of neglect",
            "Judge whether neglect was recognised early and for what it is.",
            ("recognition_early", "Was neglect recognised at the earliest opportunity?",
             "Look back at contacts and referrals: were early signs noticed or explained away?"),
            ("recognition_impact", "Is the impact of neglect on this child, at their age, understood?",
             "Consider development, health, school and emotional wellbeing, not only home conditions."),
            ("recognition_cumulative", "Is the cumulative harm of neglect over time recognised?",
             "A series of low-level concerns can amount to significant harm."),
        ),
        _section(
            "tool", "Use of a neglect assessment tool",
            "Judge whether the council's neglect assessment tool (for example the Graded Care Profile) was "
            "used and used well.",
            ("tool_used", "Was a neglect assessment tool completed?",
             "Note which tool and when it was completed."),
            ("tool_with_family", "Was it completed with the family, and did it inform the plan?",
             "The tool should help the family see what needs to change."),
            ("tool_repeated", "Was it repeated to measure change?",
             "Comparing scores over time shows whether things are getting better."),
        ),
        _section(
            "chronology", "Chronology",
            "Judge whether there is a chronology that helps the worker see patterns.",
            ("chronology_current", "Is there an up-to-date chronology of significant events?",
             "Check the date of the latest entry."),
            ("chronology_used", "Has the chronology been analysed and used to inform decisions?",
             "Look for patterns named in assessments or plans, such as repeated episodes."),
            ("chronology_partners", "Does it include information from partner agencies?",
             "Health, school and police events often show neglect first."),
        ),
        _section(
            "drift", "Drift and delay",
            "Judge whether the child has waited too long for things to change.",
            ("drift_timescales", "Are there clear timescales for change that are in step with the child's "
                                 "needs?",
             "Young children cannot wait long for things to improve."),
            ("drift_escalation", "When change did not happen, was the response escalated?",
             "Consider step-up to child protection, pre-proceedings or legal advice."),
            ("drift_repeat", "Has the child been stepped down and referred back again for the same "
                             "concerns?",
             "Repeated cycles of closure and re-referral suggest drift."),
        ),
        _section(
            "impact", "Impact",
            "Judge what difference our work has made for the child.",
            ("impact_change", "Have the child's basic needs been met more consistently?",
             "Look for evidence from the child, carers and partners, not only parents' accounts."),
            ("impact_sustained", "Is change likely to last?",
             "Consider whether improvements held when support reduced."),
            ("impact_child", "Is the child doing better, in their own words or as seen by others?",
             "Include school attendance, health and development."),
        ),
    ),
)

MISSING_TOOL = ToolDefinition(
    key="missing",
    name="Children missing from home or care thematic audit",
    description="A thematic audit of the response when a child goes missing from home or care, including "
                "the risk of exploitation.",
    kind=THEMATIC,
    theme="Children missing from home or care",
    sections=(
        _section(
            "return_interviews", "Return home interviews",
            "Judge whether the child was offered a return home interview and whether it helped.",
            ("rhi_offered", "Was a return home interview offered within 72 hours of every episode?",
             "List the episodes in the period and when an interview was offered for each."),
            ("rhi_quality", "Did the interview explore why the child went missing and where they were?",
             "Look for push and pull factors, and who the child was with."),
            ("rhi_used", "Was what the child said shared and used to update plans?",
             "Check that the information reached the worker, carers and partners."),
        ),
        _section(
            "exploitation", "Risk of exploitation",
            "Judge whether the risk of criminal or sexual exploitation was recognised and acted on.",
            ("exploitation_screened", "Was the risk of exploitation assessed, using the council's screening "
                                      "tool?",
             "Note the date and outcome of the latest screening."),
            ("exploitation_mapping", "Are people, places and associates of concern known and shared with "
                                     "partners?",
             "Look for intelligence shared with police and any disruption activity."),
            ("exploitation_multiagency", "Was the child discussed at the relevant multi-agency meeting?",
             "For example a missing and exploitation panel, and what it decided."),
        ),
        _section(
            "planning", "Planning",
            "Judge whether plans reduce the risk of the child going missing again.",
            ("planning_strategy", "Was a strategy meeting held when the risk was high enough?",
             "Consider repeated or long episodes, and episodes with signs of harm."),
            ("planning_plan", "Does the child's plan set out what carers and agencies will do if the child "
                              "goes missing?",
             "Look for a clear missing plan with agreed actions and contacts."),
            ("planning_impact", "Have episodes of going missing reduced, and is the child safer?",
             "Compare the number and length of episodes over the period."),
        ),
    ),
)

THEMATIC_TOOLS: tuple[ToolDefinition, ...] = (NEGLECT_TOOL, MISSING_TOOL)
SHIPPED_TOOLS: tuple[ToolDefinition, ...] = (DEFAULT_TOOL, *THEMATIC_TOOLS)
