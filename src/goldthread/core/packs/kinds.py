"""The pack kinds, each a declared list of sections. A section is built by the function of the same key in
goldthread.packs.sections from the functions the pages read; what is declared here is what the settings page
offers, what the roles allow (each section's level of personal data) and the order. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import AGGREGATE, CHILD_LEVEL, NAMED_WORKERS


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    level: str
    description: str
    default: bool = True  # in the pack unless the council takes it out (child-level sections start out)
    required: bool = False  # always in the pack (the summary a pack is read for)


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    audience: str
    description: str
    sections: tuple[SectionSpec, ...]
    per_council: bool = True  # False: the adviser's pack covers every council the person has a role in

    @property
    def in_sentence(self) -> str:
        """The title inside a sentence: "Make the improvement board pack", "the DfE review pack"."""
        return self.title if self.title.startswith(("DfE", "Ofsted")) else self.title[:1].lower() + self.title[1:]

    def section(self, key: str) -> SectionSpec:
        return next(s for s in self.sections if s.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def default_sections(self) -> list[str]:
        return [s.key for s in self.sections if s.default or s.required]

    def chosen(self, keys) -> list[str]:
        """The council's choice (unknown keys dropped, required sections kept), in the declared order."""
        wanted = set(keys) | {s.key for s in self.sections if s.required}
        return [s.key for s in self.sections if s.key in wanted]


BOARD = Kind(
    "board", "Improvement board pack", "the improvement board",
    "For each board meeting: a one-page summary (what moved since the last meeting, each priority's status beside "
    "its owner's rating, what is off track and why), then each priority's measures against their trajectories, "
    "actions, audit picture and visits, a scorecard of the headline measures, and the workforce.",
    (
        SectionSpec("summary", "Summary", AGGREGATE, "One page: what moved since the last board meeting, better and "
                    "worse; each priority's status from the data beside its owner's rating; what is off track and "
                    "why.", required=True),
        SectionSpec("priorities", "Progress on each priority", AGGREGATE, "Per priority: its success measures "
                    "against their trajectories (chart and table), its actions with overdue ones flagged, the audit "
                    "picture for its teams and the visits that looked at it."),
        SectionSpec("scorecard", "Performance scorecard", AGGREGATE, "The measures with a better direction: value, "
                    "target status, England, statistical neighbours and quartile."),
        SectionSpec("workforce", "Workforce", NAMED_WORKERS, "Caseloads per worker against the threshold, the "
                    "workers over it (named), caseloads by team and unallocated work."),
        SectionSpec("children", "Children behind the measures off track", CHILD_LEVEL, "For each success measure "
                    "off track or at risk, the children behind the figure who need attention, with their audits. "
                    "Only in packs made by people whose role includes child-level records.", default=False),
    ))

DFE = Kind(
    "dfe", "DfE review pack", "the DfE adviser or commissioner",
    "For the six-monthly review or improvement notice: each requirement or recommendation with the actions that "
    "answer it and their evidence, and the measures against the baseline at the notice.",
    (
        SectionSpec("summary", "Summary", AGGREGATE, "How many requirements and recommendations have actions, how "
                    "many actions are complete or overdue, and how the success measures stand.", required=True),
        SectionSpec("requirements", "Requirements and recommendations", AGGREGATE, "Each requirement or "
                    "recommendation, the actions that answer it, their status and their evidence (owners' "
                    "updates)."),
        SectionSpec("measures", "Measures against the baseline at the notice", AGGREGATE, "Each success measure's "
                    "value at the notice (or the plan's start), now, its target and its status."),
        SectionSpec("visits", "Reviews and visits", AGGREGATE, "Ofsted visits, DfE reviews and board meetings: "
                    "what they looked at and found."),
    ))

OFSTED = Kind(
    "ofsted", "Ofsted monitoring visit pack", "Ofsted's inspectors",
    "For a monitoring visit: the front sheet of headline Annex A measures, progress on the priorities the visit "
    "will look at, the audit learning since the last visit and the council's self-evaluation. The Annex A workbook "
    "in Ofsted's template is a separate download beside the pack.",
    (
        SectionSpec("front_sheet", "Front sheet", AGGREGATE, "One page of the headline Annex A measures, the "
                    "summary inspectors read first.", required=True),
        SectionSpec("priorities", "Progress on the priorities the visit will look at", AGGREGATE, "Each priority "
                    "the visit looks at: measures against trajectories, actions, audit picture."),
        SectionSpec("learning", "Audit learning since the last visit", AGGREGATE, "Case audits since the last "
                    "Ofsted visit: grades by month, weakest sections, recurring themes, moderation."),
        SectionSpec("self_evaluation", "Self-evaluation", AGGREGATE, "The council's self-evaluation, as written "
                    "and kept with its improvement plan."),
    ))

MEMBERS = Kind(
    "members", "Members' report", "elected members (scrutiny, corporate parenting board)",
    "The same figures in plain language, for scrutiny and the corporate parenting board: no child-level data and "
    "no named workers.",
    (
        SectionSpec("summary", "At a glance", AGGREGATE, "The headline figures in plain words: what got better, "
                    "what got worse, how the plan is going.", required=True),
        SectionSpec("priorities", "How the improvement plan is going", AGGREGATE, "Each priority in plain words: "
                    "its measures, where they should be by now and where they are."),
        SectionSpec("performance", "How we compare", AGGREGATE, "Each measure with a target or a published "
                    "comparison, against England."),
        SectionSpec("workforce", "Our social workers' caseloads", AGGREGATE, "Caseloads and unallocated work, as "
                    "numbers only (nobody is named)."),
        SectionSpec("audits", "What case audits tell us", AGGREGATE, "The quality of practice seen in case "
                    "audits, in plain words."),
    ))

ADVISER = Kind(
    "adviser", "Adviser's pack", "the DfE adviser or commissioner, across their councils",
    "For a person with roles in several councils: each council's headline measures side by side, plan status per "
    "priority, overdue actions and coming visits.",
    (
        SectionSpec("measures", "Headline measures side by side", AGGREGATE, "The front sheet's headline measures "
                    "for each council, with England's figure.", required=True),
        SectionSpec("plans", "Improvement plans", AGGREGATE, "Each council's plan: each priority's success measures "
                    "by status, its lead's rating, its actions and how many are overdue."),
        SectionSpec("overdue", "Overdue actions", AGGREGATE, "Every council's plan actions past their due date."),
        SectionSpec("visits", "Coming visits and meetings", AGGREGATE, "Ofsted visits, DfE reviews and board "
                    "meetings still to come."),
    ),
    per_council=False)

KINDS: dict[str, Kind] = {k.key: k for k in (BOARD, DFE, OFSTED, MEMBERS, ADVISER)}
COUNCIL_KINDS = tuple(k for k in KINDS.values() if k.per_council)

FORMATS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel"}
