"""Each pack section, built from the functions the pages read (no number is calculated a second time here): the
board's view of a priority (``plans.pages.progress``), the dashboard's cards (``portal.data.cards``), the published
comparison (``portal.data.national_comparison``), the workforce page's figures (``portal.data.workforce``), a
success measure's value and status (``plans.queries``), the plan as it stood (``plans.queries.stood_at``).

``build(context)`` returns the pack's sections as goldthread.core.packs.document blocks. A ``Context`` says whose
pack it is and as at when: ``live`` (as at today) reads what the pages show now; otherwise everything is as it was
known by the end of ``as_at`` (``known_at``): extracts imported by then, audits, updates, visits, targets and the
plan's wording as they stood, so the pack can be made again and match what the board saw."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from goldthread.charts import format_value
from goldthread.core.measures import ANNEX_A, REGISTRY
from goldthread.core.measures.registry import HIGHER, LOWER
from goldthread.core.packs.document import (
    AGGREGATE,
    CHILD_LEVEL,
    NAMED_WORKERS,
    Bullets,
    Cell,
    ChartBlock,
    Figure,
    KeyFigures,
    PageBreak,
    Paragraph,
    Section,
    Subheading,
    Table,
    long_date,
    short_date,
)
from goldthread.core.packs.kinds import Kind
from goldthread.core.plan.status import AT_RISK, MET, NO_DATA, NOT_YET_MEASURABLE, OFF_TRACK, ON_TRACK

Progress = Callable[[str, int, int], None]
NOT_PUBLISHED = "–"


# --------------------------------------------------------------------------- what a pack is built for


@dataclass
class Context:
    """Whose pack, of what kind, as at when. ``access`` is None for an operator's command (no person); the
    sections allowed follow ``levels`` (goldthread.accounts.access.may_see_pack_level for a person)."""

    council: object
    kind: Kind
    as_at: dt.date
    live: bool
    levels: frozenset[str]
    access: object | None = None
    options: dict = field(default_factory=dict)
    progress: Progress | None = None
    found: dict = field(default_factory=dict)  # what the sections found once and share

    @property
    def on(self) -> dt.date | None:
        """The ``on`` the plan's pages take: None for the live view."""
        return None if self.live else self.as_at

    @functools.cached_property
    def known_at(self) -> dt.datetime | None:
        from goldthread.plans.queries import end_of

        return None if self.live else end_of(self.as_at)

    @functools.cached_property
    def extracts(self) -> list:
        from goldthread.extracts.queries import live_extracts

        return list(live_extracts(self.council, known_at=self.known_at))

    @property
    def latest(self):
        return self.extracts[-1] if self.extracts else None

    @functools.cached_property
    def cards(self) -> dict:
        from goldthread.portal import data

        return data.cards(self.council, self.extracts, known_at=self.known_at)

    @functools.cached_property
    def card(self) -> dict:
        return {c.measure.id: c for group in self.cards.values() for c in group}

    @functools.cached_property
    def plan(self):
        plan = self.council.plans.first()
        if plan is not None and self.known_at is not None and plan.created_at > self.known_at:
            return None
        return plan

    @functools.cached_property
    def priorities(self) -> list:
        """The plan's priorities as they stood (those that existed then), each with its board view."""
        from goldthread.plans.pages import progress

        if self.plan is None:
            return []
        found = []
        for priority in self.plan.priorities.select_related("lead", "plan"):
            page = progress(self.council, priority, on=self.on)
            if page["then"] is not None and not page["then"]["existed"]:
                continue
            found.append((priority, page))
        return found

    @functools.cached_property
    def last_meeting(self):
        from goldthread.plans.pages import last_board_meeting

        return last_board_meeting(self.council, self.as_at, self.known_at)

    def allows(self, level: str) -> bool:
        return level in self.levels


def number(value, unit: str) -> Cell:
    """A number as the pages print it (goldthread.charts.format_value), kept as a number for the workbook."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell(None, format_value(None, unit), unit)
    value = float(value)
    return Cell(int(value) if unit == "count" and value.is_integer() else value, format_value(value, unit), unit)


def text(value) -> Cell:
    return Cell.of(value)


def priority_title(priority, page) -> str:
    then = page.get("then")
    title = then["priority"].get("title", priority.title) if then and then.get("priority") else priority.title
    return f"Priority {priority.number}: {title}"


# --------------------------------------------------------------------------- charts with typed data tables

_NUMBER = re.compile(r"^(-?[\d,]*\.?\d+)(%| per 10,000| days)?$")
_UNITS = {"%": "percent", " per 10,000": "rate per 10,000", " days": "days"}


def typed(shown: str) -> Cell:
    """A chart table's printed cell (format_value's output) with its number for the workbook."""
    if shown in ("", "–"):
        return Cell(None, shown or "–")
    match = _NUMBER.match(shown)
    if not match:
        return Cell(shown, shown)
    value = float(match[1].replace(",", ""))
    unit = _UNITS.get(match[2] or "", "count" if "." not in match[1] else "number")
    return Cell(int(value) if unit == "count" else value, shown, unit)


def chart_block(chart, rows: list[tuple[Cell, ...]] | None = None, sheet: str = "") -> ChartBlock:
    """A page's chart with its data table: ``rows`` typed by the caller from the data the chart was drawn from;
    else the chart's own table, its numbers as numbers (``table.values`` in ``table.units``, each printed as the
    page prints it), or read back from the printed table for a chart that does not give them."""
    table = chart.table
    if rows is None:
        values, units = getattr(table, "values", None), getattr(table, "units", ())
        if values and len(values) == len(table.rows) and len(units) == len(table.headers):
            rows = [tuple([Cell(shown[0], shown[0])] + [Cell(v, text_, unit or "") if unit else typed(text_)
                                                        for v, text_, unit in zip(row[1:], shown[1:], units[1:],
                                                                                  strict=True)])
                    for row, shown in zip(values, table.rows, strict=True)]
        else:
            rows = [tuple([Cell(r[0], r[0])] + [typed(v) for v in r[1:]]) for r in table.rows]
    spec = chart.export_spec() if hasattr(chart, "export_spec") else chart.spec
    return ChartBlock(spec, chart.caption, Table(table.summary, tuple(table.headers), tuple(rows), sheet=sheet),
                      chart=chart)


def trajectory_block(status, chart) -> ChartBlock:
    """A success measure's trajectory chart (plans.pages.trajectory_chart) with its table typed from the same
    points: each value and what the plan expected on that day."""
    unit = status.unit
    rows = [(Cell(p.day, p.day.strftime("%b %Y")), number(p.value, unit), number(status.trajectory.expected(p.day), unit))
            for p in status.points]
    if len(chart.table.headers) != 3:  # no data yet: the chart's own (empty) table
        return chart_block(chart, sheet=status.title)
    return chart_block(chart, rows, sheet=status.title)


# --------------------------------------------------------------------------- words

STATUS_WORDS = {
    MET: "the target has been met",
    ON_TRACK: "on track: at or better than where the plan expected by now",
    AT_RISK: "a little behind where the plan expected by now",
    OFF_TRACK: "well behind where the plan expected by now, or past its date without being met",
    NO_DATA: "there is no figure yet",
    NOT_YET_MEASURABLE: "not measurable yet: the latest figure is from before the starting point",
}
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}


def in_sentence(label: str) -> str:
    """A kind's label inside a sentence: "Improvement board meeting" -> "improvement board meeting"; names and
    acronyms (Ofsted, DfE) kept as they are."""
    return label if label.startswith(("Ofsted", "DfE")) else label[:1].lower() + label[1:]


def _rag(rag: str) -> str:
    return RAG_WORDS.get(rag, "No update yet")


# --------------------------------------------------------------------------- the board pack


def board_summary(ctx: Context) -> Section:
    section = Section("summary", "Summary", AGGREGATE)
    latest = ctx.latest
    section.add(Paragraph(
        f"{ctx.council.name}, as at {long_date(ctx.as_at)}"
        + (f": the latest Annex A extract is as at {long_date(latest.extract_date)}." if latest else
           ": there is no Annex A extract yet.")
        + ("" if ctx.live else " Only what was known by the end of that day is in this pack."), "lead"))
    # What moved since the last board meeting
    meeting = ctx.last_meeting
    if meeting is None:
        section.add(Subheading("Since the last board meeting"),
                    Paragraph("No earlier board meeting is recorded, so nothing is compared."))
    else:
        moved = moved_since(ctx, meeting.date)
        section.add(Subheading(f"Since the last board meeting ({long_date(meeting.date)})"))
        better = [m for m in moved if m[3] is True]
        worse = [m for m in moved if m[3] is False]
        section.add(Paragraph(f"{len(better)} measure{'s' if len(better) != 1 else ''} got better and {len(worse)} "
                              f"got worse between the data the board saw on {long_date(meeting.date)} and now."))
        if moved:  # side by side, so that the summary stays on one page
            def cells(found) -> tuple:
                if found is None:
                    return (Cell(None, ""), Cell(None, ""), Cell(None, ""))
                card, then, _, _ = found
                unit = card.measure.unit
                return (text(card.measure.title), number(then, unit), number(card.value, unit))

            section.add(Table(
                f"Measures that got better and worse since {long_date(meeting.date)}",
                ("Got better", "Then", "Now", "Got worse", "Then", "Now"),
                tuple(cells(b) + cells(w) for b, w in itertools.zip_longest(better, worse)),
                sheet="Moved since last meeting", row_headers=False))
    # Each priority's status beside its owner's rating
    rows = []
    off = []
    for priority, page in ctx.priorities:
        title = priority_title(priority, page)
        items = [(None, row) for row in page["measures"]] + [
            (entry["action"], row) for entry in page["actions"] for row in entry["measures"]]
        if not items:
            rows.append((text(title), text("No success measure"), text("–"), text("–"), text("")))
        for action, row in items:
            status = row["status"]
            rows.append((text(title), text(status.title + (f" (action: {action.title})" if action else "")),
                         text(status.assessment.status), text(_rag(status.owner_rag)),
                         text(status.disagreement or "")))
            if status.assessment.status == OFF_TRACK:
                off.append(f"{status.title} ({title}): {status.assessment.explanation}"
                           + _latest_update_words(page, action))
        for entry in page["actions"]:
            if entry["overdue"]:
                state = entry["action"]
                off.append(f"Action overdue ({title}): {state.title}, due {long_date(state.due_date)}, "
                           f"{state.status_label.lower()}.")
    section.add(Subheading("Each priority: the data's status and the owner's rating"))
    if rows:
        section.add(Table("Each success measure's status from the data, beside its owner's latest rating",
                          ("Priority", "Success measure", "Status from the data", "Owner's rating", "Disagreement"),
                          tuple(rows), sheet="Priority status"))
    else:
        section.add(Paragraph("There is no improvement plan in goldthread yet." if ctx.plan is None else
                              "The plan has no priorities yet."))
    section.add(Subheading("Off track, and why"))
    section.add(Bullets(tuple(off)) if off else Paragraph("Nothing is off track and no action is overdue."))
    return section


def _latest_update_words(page: dict, action) -> str:
    """The owner's latest update on the priority or action a measure is on, as known then."""
    for update in page["updates"]:
        if (action is None and update.priority_id is not None) or (
                action is not None and update.action_id == action.pk):
            return (f" The owner's latest update ({short_date(timezone.localdate(update.written_at))}, "
                    f"{_rag(update.rag).lower()}): {' '.join(update.narrative.split())}")
    return ""


def moved_since(ctx: Context, day: dt.date) -> list[tuple]:
    """Measures with a better direction whose value changed between what was known at the end of ``day`` and
    the pack's data: (card now, value then, change, better), judged by the dashboard's own rule (Card.change and
    Card.better, with the value then as the previous value)."""
    from goldthread.extracts.queries import live_extracts
    from goldthread.plans.queries import end_of
    from goldthread.portal import data

    then_moment = end_of(day)
    then = {c.measure.id: c for group in data.cards(ctx.council, list(live_extracts(ctx.council, known_at=then_moment)),
                                                       known_at=then_moment).values() for c in group}
    found = []
    for card in ctx.card.values():
        before = then.get(card.measure.id)
        if before is None or before.value is None or card.value is None:
            continue
        compared = dataclasses.replace(card, previous=before.value)
        if compared.better is None:
            continue
        found.append((card, before.value, compared.change, compared.better))
    return found


def _priority_blocks(ctx: Context, priority, page: dict) -> list:
    """One priority for the board: measures against trajectories (chart and table), actions with overdue ones
    flagged, the audit picture for its teams, the visits that looked at it, and what changed since the last
    board meeting."""
    blocks: list = [Subheading(priority_title(priority, page))]
    then = page.get("then")
    lead = then["lead"] if then else priority.lead
    description = (then["priority"].get("description", "") if then else priority.description) or ""
    teams = (then["priority"].get("teams", []) if then else priority.teams) or []
    if description.strip():
        blocks.append(Paragraph(" ".join(description.split())))
    from goldthread.accounts.models import display_name

    blocks.append(Paragraph(f"Lead: {display_name(lead) if lead else 'not named'}. Teams: "
                            f"{', '.join(teams) if teams else 'all teams'}.", "note"))
    if page["measures"]:
        for row in page["measures"]:
            status = row["status"]
            blocks.append(Paragraph(f"{status.title}: {status.assessment.status}. {status.assessment.explanation} "
                                    f"Baseline {format_value(status.baseline.value, status.unit)} on "
                                    f"{short_date(status.baseline.day)}; target "
                                    f"{format_value(status.target.value, status.unit)} by "
                                    f"{short_date(status.target.day)}."))
            if status.disagreement:
                blocks.append(Paragraph(status.disagreement, "warning"))
            blocks.append(trajectory_block(status, row["chart"]))
    else:
        blocks.append(Paragraph("No success measure on the priority itself."))
    if page["actions"]:
        blocks.append(Table(
            f"Actions under priority {priority.number}",
            ("Action", "Owner", "Due", "Status", "Overdue", "Success measures"),
            tuple((text(a["action"].title), text(display_name(a["action"].owner) if a["action"].owner else "No owner"),
                   text(a["action"].due_date), text(a["action"].status_label), text("Overdue" if a["overdue"] else ""),
                   text("; ".join(f"{r['status'].title}: {r['status'].assessment.status}" for r in a["measures"])))
                  for a in page["actions"]),
            sheet=f"P{priority.number} actions"))
    else:
        blocks.append(Paragraph("No actions yet."))
    audits = page["audits"]
    span = f"the three months to {long_date(ctx.as_at)}" if not ctx.live else "the last three months"
    blocks.append(Paragraph(
        f"Case audits in {span}" + (f" of children in {', '.join(audits['teams'])}" if audits["teams"] else "")
        + f": {audits['count']}"
        + (f", {format_value(audits['good_share'], 'percent')} good or better" if audits["count"] else "")
        + f". {audits['open_actions']} audit action{'s' if audits['open_actions'] != 1 else ''} open, "
          f"{audits['overdue_actions']} overdue."))
    if audits["count"]:
        blocks.append(Table(f"Final grades of the audits for priority {priority.number}",
                            tuple(label for label, _ in audits["counts"]),
                            (tuple(number(n, "count") for _, n in audits["counts"]),),
                            sheet=f"P{priority.number} audit grades", row_headers=False))
    if page["visits"]:
        blocks.append(Paragraph("Visits and reviews that looked at this priority:", "note"))
        blocks.append(Bullets(tuple(f"{v.get_kind_display()}, {long_date(v.date)}: {v.title}"
                                    for v in page["visits"])))
    changes = page.get("changes") or []
    updates_since = page.get("updates_since") or []
    if page.get("meeting") is not None and (changes or updates_since):
        blocks.append(Paragraph(f"Since the last board meeting ({long_date(page['meeting'].date)}):", "note"))
        blocks.append(Bullets(tuple(
            [f"{c.note}{': ' + c.title if c.title else ''} ({short_date(timezone.localdate(c.at))})" for c in changes]
            + [f"Update from {u.author_name} ({u.get_rag_display().lower()}), "
               f"{short_date(timezone.localdate(u.written_at))}" for u in updates_since])))
    return blocks


def board_priorities(ctx: Context) -> Section:
    section = Section("priorities", "Progress on each priority", AGGREGATE)
    if not ctx.priorities:
        return section.add(Paragraph("There is no improvement plan in goldthread yet." if ctx.plan is None else
                                     "The plan has no priorities yet."))
    for n, (priority, page) in enumerate(ctx.priorities):
        if n:
            section.add(PageBreak())
        section.add(*_priority_blocks(ctx, priority, page))
    return section


def scorecard(ctx: Context) -> Section:
    """The measures with a better direction, as the dashboard and measure pages show them: value, target status,
    England, and for a real council its published figure against its statistical neighbours with its quartile."""
    from goldthread.portal import data

    section = Section("scorecard", "Performance scorecard", AGGREGATE)
    rows = []
    for label, cards in ctx.cards.items():
        for card in cards:
            measure = card.measure
            if measure.polarity not in (HIGHER, LOWER):
                continue
            published = data.national_comparison(ctx.council, measure)
            as_at = card.series[-1][0] if card.series else None
            rows.append((
                text(measure.title), text(label), number(card.value, measure.unit), text(as_at),
                number(card.target, measure.unit), text(card.target_status or "–"),
                number(card.england[1] if card.england else None, measure.unit),
                text(str(card.england[0]) if card.england else ""),
                number(published["neighbours"] if published else None, published["unit"] if published else measure.unit),
                number(published["quartile"] if published else None, "count"),
            ))
    if not rows:
        return section.add(Paragraph("There are no measures yet: the council has no extract or audits."))
    section.add(Paragraph(
        "Each measure with a better direction. England's figure is the latest published; statistical neighbours "
        "(their average) and the quartile (1 is best) are the council's published figures for the same indicator, "
        "shown for real councils where one is published." + ("" if not ctx.council.fictional else
                                                            f" {ctx.council.name} is a demonstration council, so it "
                                                            "has no published figures of its own.")))
    section.add(Table("Performance scorecard", ("Measure", "Area", "Value", "As at", "Target", "Target status",
                                                "England", "England's year", "Statistical neighbours", "Quartile"),
                      tuple(rows), sheet="Scorecard"))
    return section


def workforce_section(ctx: Context, *, named: bool = True, key: str = "workforce",
                      heading: str = "Workforce") -> Section:
    """The workforce page's figures for the latest extract known then: the workforce measures, the caseload
    distribution (chart and table), the workers over the threshold (by name, only where ``named``), caseloads by
    team and unallocated work."""
    from goldthread.portal import data

    section = Section(key, heading, NAMED_WORKERS if named else AGGREGATE)
    figures = data.workforce(ctx.council, ctx.extracts)
    if not figures:
        return section.add(Paragraph("There is no Annex A extract yet."))
    latest = ctx.latest
    cards = [c for c in ctx.card.values() if c.measure.group == "workforce"]
    threshold = figures["threshold"]
    section.add(Paragraph(f"Caseloads as at {long_date(latest.extract_date)}: distinct children with open work per "
                          f"allocated worker. The council's caseload threshold is {threshold} children."))
    section.add(KeyFigures("Workforce measures", tuple(Figure(c.measure.title, number(c.value, c.measure.unit))
                                                       for c in cards)))
    section.add(chart_block(figures["distribution"], sheet="Caseload distribution"))
    over = figures["over"]
    if named:
        if over:
            section.add(Table(f"Workers with more than {threshold} children", ("Worker", "Children"),
                              tuple((text(w.group), number(w.value, "count")) for w in over), sheet="Over threshold"))
        else:
            section.add(Paragraph(f"No worker has more than {threshold} children."))
    else:
        section.add(Paragraph(f"{len(over)} worker{'s' if len(over) != 1 else ''} had more than {threshold} "
                              f"children (nobody is named here)."))
    section.add(Table("Median caseload by team", ("Team", "Workers", "Median caseload"),
                      tuple((text(t.group), number(t.denominator, "count"), number(t.value, "number"))
                            for t in figures["teams"]), sheet="Caseload by team"))
    return section


def children_behind(ctx: Context) -> Section:
    """For each success measure off track or at risk on an Annex A measure, the children behind the figure who
    need attention (not yet counted where higher is better; counted where lower is better), as the golden
    thread lists them: from the extract in use then, through the person's child filter, with their audits as
    known then."""
    from goldthread.audits.models import Audit
    from goldthread.extracts.actions import measure_context
    from goldthread.portal import data

    section = Section("children", "Children behind the measures off track", CHILD_LEVEL)
    latest = ctx.latest
    if latest is None:
        return section.add(Paragraph("There is no Annex A extract yet."))
    seen = set()
    for priority, page in ctx.priorities:
        rows = list(page["measures"]) + [r for entry in page["actions"] for r in entry["measures"]]
        for row in rows:
            status = row["status"]
            measure = REGISTRY.get(status.measure.measure_id)
            if (measure is None or measure.source != ANNEX_A or status.assessment.status not in (OFF_TRACK, AT_RISK)
                    or measure.id in seen):
                continue
            seen.add(measure.id)
            frame = data.rows_behind(latest, measure, measure_context(ctx.council, latest.extract_date))
            if ctx.access is not None:
                frame = ctx.access.child_filter(frame)
            if measure.unit == "percent" and measure.polarity == HIGHER:
                frame = frame[frame["in_denominator"] & ~frame["in_numerator"]]
            else:
                frame = frame[frame["in_numerator"]]
            children = list(dict.fromkeys(frame["child_id"].astype(str)))
            firsts = frame.drop_duplicates("child_id")
            teams = dict(zip(firsts["child_id"].astype(str), firsts["allocated_team"], strict=True))
            audits = Audit.objects.filter(council=ctx.council, child_id__in=children[:200],
                                          status__in=(Audit.SUBMITTED, Audit.MODERATED))
            if ctx.known_at is not None:
                audits = audits.filter(submitted_at__lte=ctx.known_at)
            audited: dict[str, int] = {}
            for child_id in audits.values_list("child_id", flat=True):
                audited[child_id] = audited.get(child_id, 0) + 1
            section.add(Subheading(f"{status.title} ({priority_title(priority, page)}): {status.assessment.status}"))
            if not children:
                section.add(Paragraph("No child in the figure needs attention" +
                                      (" among the children allocated to you." if ctx.access is not None
                                       and ctx.access.own_children_only else ".")))
                continue
            section.add(Table(f"Children behind '{status.title}' needing attention, as at "
                              f"{long_date(latest.extract_date)}", ("Child ID", "Team", "Case audits"),
                              tuple((text(c), text(teams.get(c)), number(audited.get(c, 0), "count"))
                                    for c in children[:200]), sheet=f"Children {measure.id}"))
            if len(children) > 200:
                section.add(Paragraph(f"The first 200 of {len(children)} children are listed.", "note"))
    if not seen:
        section.add(Paragraph("No success measure on an Annex A measure is off track or at risk."))
    return section


# --------------------------------------------------------------------------- the DfE review pack


def _notice(ctx: Context):
    """The notice or direction the review is against: the latest improvement notice, statutory direction or
    commissioner in the intervention register starting by the pack's date (as recorded then); None if none."""
    from goldthread.national.models import Intervention

    found = Intervention.objects.filter(council=ctx.council, start_date__lte=ctx.as_at,
                                        kind__in=("improvement_notice", "statutory_direction", "commissioner"))
    if ctx.known_at is not None:
        found = found.filter(created_at__lte=ctx.known_at)
    return found.order_by("-start_date", "-pk").first()


def _recommendations(ctx: Context) -> list[dict]:
    """Each recommendation or requirement as it stood, with the actions (as they stood) that answered it then."""
    from goldthread.plans.models import PlanAction, Recommendation
    from goldthread.plans.pages import ActionState
    from goldthread.plans.queries import stood_at

    plan = ctx.plan
    if plan is None:
        return []
    kinds = dict(Recommendation.KINDS)
    if ctx.live:
        found = []
        for rec in plan.recommendations.prefetch_related("actions__recommendations", "actions__owner",
                                                         "actions__priority"):
            actions = [(a, ActionState.now(a)) for a in rec.actions.all()]
            found.append({"pk": rec.pk, "reference": rec.reference, "text": rec.text, "kind": kinds.get(rec.kind, ""),
                          "source": rec.source, "actions": actions})
        return found
    from django.contrib.auth import get_user_model

    stood = stood_at(plan, ctx.known_at)
    references = {pk: snap.get("reference", "") for (kind, pk), snap in stood.items() if kind == "recommendation"}
    snapshots = {pk: snap for (kind, pk), snap in stood.items() if kind == "planaction"}
    people = get_user_model().objects.in_bulk([s.get("owner") for s in snapshots.values() if s.get("owner")])
    objects = PlanAction.objects.in_bulk(list(snapshots))
    found = []
    for (kind, pk), snap in sorted(stood.items(), key=lambda item: item[0][1]):
        if kind != "recommendation":
            continue
        actions = [(objects[apk], ActionState.then(apk, asnap, people, references))
                   for apk, asnap in sorted(snapshots.items()) if pk in asnap.get("recommendations", [])
                   and apk in objects]
        found.append({"pk": pk, "reference": snap.get("reference", ""), "text": snap.get("text", ""),
                      "kind": kinds.get(snap.get("kind", ""), ""), "source": snap.get("source", ""),
                      "actions": actions})
    return found


def _updates(ctx: Context, action) -> list:
    updates = action.updates.all()
    if ctx.known_at is not None:
        updates = updates.filter(written_at__lte=ctx.known_at)
    return list(updates.order_by("-written_at", "-pk")[:5])


def _success_measures(ctx: Context) -> list[tuple]:
    """Every success measure in the plan as it stood (the priorities' and their actions'), with its status:
    [(priority, action or None, status row)] from the board views."""
    found = []
    for priority, page in ctx.priorities:
        found.extend((priority, page, None, row) for row in page["measures"])
        found.extend((priority, page, entry["action"], row) for entry in page["actions"] for row in entry["measures"])
    return found


def dfe_summary(ctx: Context) -> Section:
    section = Section("summary", "Summary", AGGREGATE)
    recommendations = _recommendations(ctx)
    answered = sum(1 for r in recommendations if r["actions"])
    actions = {state.pk: state for r in recommendations for _, state in r["actions"]}
    actions.update({entry["action"].pk: entry["action"] for _, page in ctx.priorities for entry in page["actions"]})
    complete = sum(1 for a in actions.values() if a.status == "complete")
    overdue = sum(1 for a in actions.values() if a.overdue(ctx.as_at))
    measures = _success_measures(ctx)
    good = sum(1 for *_, row in measures if row["status"].assessment.status in (MET, ON_TRACK))
    off = sum(1 for *_, row in measures if row["status"].assessment.status == OFF_TRACK)
    notice = _notice(ctx)
    section.add(Paragraph(
        f"{ctx.council.name}, as at {long_date(ctx.as_at)}. "
        + (f"Against the {in_sentence(notice.get_kind_display())} from {long_date(notice.start_date)}." if notice else
           "No improvement notice or direction is recorded in the intervention register."), "lead"))
    section.add(KeyFigures("The plan at a glance", (
        Figure("Requirements and recommendations", number(len(recommendations), "count")),
        Figure("With an action answering them", number(answered, "count")),
        Figure("Actions", number(len(actions), "count")),
        Figure("Actions complete", number(complete, "count")),
        Figure("Actions overdue", number(overdue, "count")),
        Figure("Success measures", number(len(measures), "count")),
        Figure("Met or on track", number(good, "count")),
        Figure("Off track", number(off, "count")),
    )))
    unanswered = [r for r in recommendations if not r["actions"]]
    if unanswered:
        section.add(Paragraph("Not yet answered by any action: " + "; ".join(
            f"{r['reference']}" for r in unanswered) + ".", "warning"))
    return section


def dfe_requirements(ctx: Context) -> Section:
    from goldthread.accounts.models import display_name

    section = Section("requirements", "Requirements and recommendations", AGGREGATE)
    recommendations = _recommendations(ctx)
    if not recommendations:
        return section.add(Paragraph("There is no improvement plan in goldthread yet." if ctx.plan is None else
                                     "The plan records no requirement or recommendation."))
    for rec in recommendations:
        section.add(Subheading(f"{rec['reference']}: {rec['kind']}"))
        section.add(Paragraph(" ".join(rec["text"].split())))
        if rec["source"]:
            section.add(Paragraph(f"Source: {rec['source']}.", "note"))
        if not rec["actions"]:
            section.add(Paragraph("No action answers this yet.", "warning"))
            continue
        section.add(Table(f"Actions answering {rec['reference']}", ("Action", "Owner", "Due", "Status", "Overdue"),
                          tuple((text(state.title), text(display_name(state.owner) if state.owner else "No owner"),
                                 text(state.due_date), text(state.status_label),
                                 text("Overdue" if state.overdue(ctx.as_at) else ""))
                                for _, state in rec["actions"]), sheet=f"{rec['reference']} actions"))
        evidence = []
        for action, state in rec["actions"]:
            for update in _updates(ctx, action):
                evidence.append((text(state.title), text(timezone.localdate(update.written_at)),
                                 text(update.author_name), text(_rag(update.rag)),
                                 text(" ".join(update.narrative.split())),
                                 text("; ".join(line.strip() for line in update.evidence.splitlines() if line.strip()))))
        if evidence:
            section.add(Table(f"Evidence for {rec['reference']}: the owners' updates", (
                "Action", "Date", "By", "Rating", "Update", "Evidence"), tuple(evidence),
                sheet=f"{rec['reference']} evidence"))
        else:
            section.add(Paragraph("No progress update has been posted on these actions yet.", "note"))
    return section


def dfe_measures(ctx: Context) -> Section:
    """Each success measure: its value at the notice (the latest value on or before the notice's start, as
    known at the pack's date, from plans.queries.series), now, its target and status."""
    from goldthread.plans.queries import series

    section = Section("measures", "Measures against the baseline at the notice", AGGREGATE)
    notice = _notice(ctx)
    if notice is not None:
        start, what = notice.start_date, f"the {in_sentence(notice.get_kind_display())} ({long_date(notice.start_date)})"
    elif ctx.plan is not None:
        start = timezone.localdate(ctx.plan.created_at)
        what = f"the start of the plan ({long_date(start)}), as no notice is recorded"
    else:
        return section.add(Paragraph("There is no improvement plan in goldthread yet."))
    measures = _success_measures(ctx)
    if not measures:
        return section.add(Paragraph("The plan has no success measures yet."))
    section.add(Paragraph(f"Each success measure at {what}, and now."))
    rows = []
    for priority, page, action, row in measures:
        status = row["status"]
        at_notice = series(ctx.council, status.measure.measure_id, start, known_at=ctx.known_at)
        before = at_notice[-1] if at_notice else None
        latest = status.latest
        rows.append((text(status.title), text(priority_title(priority, page) + (f"; action: {action.title}" if action
                                                                              else "")),
                     number(before.value if before else None, status.unit), text(before.day if before else None),
                     number(latest.value if latest else None, status.unit), text(latest.day if latest else None),
                     number(status.target.value, status.unit), text(status.target.day),
                     text(status.assessment.status)))
    section.add(Table(f"Success measures at {what.split(' (')[0]} and now",
                      ("Measure", "Where in the plan", "At the notice", "Its date", "Latest", "Its date", "Target", "By", "Status"),
                      tuple(rows), sheet="Measures since the notice"))
    return section


def visits_section(ctx: Context) -> Section:
    from goldthread.plans.models import Visit

    section = Section("visits", "Reviews and visits", AGGREGATE)
    visits = Visit.objects.filter(council=ctx.council)
    if ctx.known_at is not None:
        visits = visits.filter(recorded_at__lte=ctx.known_at)
    visits = list(visits.order_by("date", "pk"))
    if not visits:
        return section.add(Paragraph("No visit, review or board meeting is recorded."))
    section.add(Table("Visits, reviews and board meetings", ("Date", "Kind", "Title", "Focus", "Findings"),
                      tuple((text(v.date), text(v.get_kind_display()), text(v.title),
                             text(" ".join(v.focus.split())), text(" ".join(v.findings.split()) if v.date <= ctx.as_at
                                                                  else "Still to come"))
                            for v in visits), sheet="Visits", row_headers=False))
    return section


# --------------------------------------------------------------------------- the members' report (plain words)

PLAIN_HEADLINES = ("cin_open", "cpp_open", "cla_open", "care_leavers_in_touch")


def _sentence(card) -> str:
    measure = card.measure
    words = f"{measure.title}: {format_value(card.value, measure.unit)}"
    if card.change in ("up", "down"):
        words += f", {card.change} from {format_value(card.previous, measure.unit)}"
        if card.better is not None:
            words += " (better)" if card.better else " (worse)"
    elif card.change == "no change":
        words += ", about the same as before"
    return words + "."


def members_summary(ctx: Context) -> Section:
    section = Section("summary", "At a glance", AGGREGATE)
    latest = ctx.latest
    if latest is None and not ctx.card:
        return section.add(Paragraph(f"{ctx.council.name} has no figures in goldthread yet."))
    directional = [c for c in ctx.card.values() if c.better is not None]
    better = [c for c in directional if c.better]
    worse = [c for c in directional if not c.better]
    previous = ctx.extracts[-2].extract_date if len(ctx.extracts) > 1 else None
    section.add(Paragraph(
        f"These are {ctx.council.name}'s figures for children's services as at {long_date(ctx.as_at)}"
        + (f", from the council's data of {long_date(latest.extract_date)}" if latest else "") + ". "
        + (f"Since the data of {long_date(previous)}, {len(better)} of the measures where we know which way is better "
           f"got better and {len(worse)} got worse." if previous else ""), "lead"))
    headline = [ctx.card[mid] for mid in PLAIN_HEADLINES if mid in ctx.card]
    if headline:
        section.add(KeyFigures("Children we work with", tuple(
            Figure(c.measure.title, number(c.value, c.measure.unit)) for c in headline)))
    if better:
        section.add(Paragraph("What got better:", "note"), Bullets(tuple(_sentence(c) for c in better)))
    if worse:
        section.add(Paragraph("What got worse:", "note"), Bullets(tuple(_sentence(c) for c in worse)))
    measures = _success_measures(ctx)
    if measures:
        counts = {}
        for *_, row in measures:
            counts[row["status"].assessment.status] = counts.get(row["status"].assessment.status, 0) + 1
        section.add(Paragraph(
            f"The improvement plan has {len(measures)} measure{'s' if len(measures) != 1 else ''} of success: "
            f"{counts.get(MET, 0) + counts.get(ON_TRACK, 0)} met or on track, {counts.get(AT_RISK, 0)} a little "
            f"behind and {counts.get(OFF_TRACK, 0)} well behind where the plan expected by now."))
    return section


def members_priorities(ctx: Context) -> Section:
    section = Section("priorities", "How the improvement plan is going", AGGREGATE)
    if not ctx.priorities:
        return section.add(Paragraph("There is no improvement plan in goldthread yet." if ctx.plan is None else
                                     "The plan has no priorities yet."))
    for priority, page in ctx.priorities:
        section.add(Subheading(priority_title(priority, page)))
        rows = list(page["measures"]) + [r for entry in page["actions"] for r in entry["measures"]]
        sentences = []
        for row in rows:
            status = row["status"]
            latest = status.latest
            if latest is None:
                sentences.append(f"{status.title}: there is no figure yet.")
                continue
            expected = status.trajectory.expected(latest.day)
            sentences.append(
                f"{status.title} was {format_value(latest.value, status.unit)} in {latest.day:%B %Y}"
                + (f"; the plan expected {format_value(expected, status.unit)} by then" if expected is not None else "")
                + f" and aims for {format_value(status.target.value, status.unit)} by {long_date(status.target.day)}."
                f" This is {STATUS_WORDS.get(status.assessment.status, status.assessment.status)}.")
        section.add(Bullets(tuple(sentences)) if sentences else Paragraph("It has no measure of success yet."))
        actions = page["actions"]
        done = sum(1 for a in actions if a["action"].status == "complete")
        late = sum(1 for a in actions if a["overdue"])
        section.add(Paragraph(f"It has {len(actions)} action{'s' if len(actions) != 1 else ''}: {done} complete and "
                              f"{late} overdue."))
    return section


def members_performance(ctx: Context) -> Section:
    section = Section("performance", "How we compare", AGGREGATE)
    rows = []
    for card in ctx.card.values():
        measure = card.measure
        if measure.polarity not in (HIGHER, LOWER) or (card.england is None and card.target is None):
            continue
        rows.append((text(measure.title), number(card.value, measure.unit),
                     text({"up": "Up", "down": "Down", "no change": "About the same"}.get(card.change, "–")
                          + ("" if card.better is None else " (better)" if card.better else " (worse)")),
                     number(card.england[1] if card.england else None, measure.unit),
                     text(card.england_status or "–"), number(card.target, measure.unit),
                     text(card.target_status or "No target")))
    if not rows:
        return section.add(Paragraph("No measure has a target or a published figure for England yet."))
    section.add(Paragraph("Each measure with a target or a figure for England. England's figure is the latest "
                          "published for all councils."))
    section.add(Table("How we compare", ("Measure", "Our figure", "Since last time", "England", "Against England",
                                         "Our target", "Against our target"), tuple(rows), sheet="How we compare"))
    return section


def members_audits(ctx: Context) -> Section:
    section = Section("audits", "What case audits tell us", AGGREGATE)
    cards = [c for c in ctx.card.values() if c.measure.group == "audits" and c.value is not None]
    if not cards:
        return section.add(Paragraph("There are no completed case audits yet."))
    section.add(Paragraph("Managers and auditors read a sample of children's records every month and grade the "
                          "practice they find. Over the last three months:"))
    section.add(Bullets(tuple(_sentence(c) for c in cards)))
    return section


# --------------------------------------------------------------------------- the Ofsted monitoring visit pack

OFSTED_VISITS = ("monitoring", "focused")


def _visits(council_id: int, as_at: dt.date, known_at: dt.datetime | None) -> tuple:
    """(the Ofsted visit the pack is for: the next monitoring or focused visit on or after the day, else the
    latest before it; the Ofsted visit before that one), as recorded by ``known_at``."""
    from goldthread.plans.models import Visit

    visits = Visit.objects.filter(council_id=council_id, kind__in=OFSTED_VISITS)
    if known_at is not None:
        visits = visits.filter(recorded_at__lte=known_at)
    coming = visits.filter(date__gte=as_at).order_by("date", "pk").first()
    if coming is not None:
        return coming, visits.filter(date__lt=as_at).order_by("-date", "-pk").first()
    latest = visits.filter(date__lt=as_at).order_by("-date", "-pk").first()
    before = visits.filter(date__lt=latest.date).order_by("-date", "-pk").first() if latest else None
    return latest, before


def ofsted_visits(ctx: Context) -> tuple:
    """The visit the pack is for and the one before, found once per pack."""
    if "ofsted_visits" not in ctx.found:
        ctx.found["ofsted_visits"] = _visits(ctx.council.pk, ctx.as_at, ctx.known_at)
    return ctx.found["ofsted_visits"]


def ofsted_front_sheet(ctx: Context) -> Section:
    """The front sheet of headline Annex A measures (goldthread.portal.frontsheet), as it stood then."""
    from goldthread.portal.frontsheet import front_sheet

    section = Section("front_sheet", "Front sheet", AGGREGATE)
    visit, _ = ofsted_visits(ctx)
    if visit is not None:
        section.add(Paragraph(f"For the {in_sentence(visit.get_kind_display())} of {long_date(visit.date)}: {visit.title}."
                              + (f" Its focus: {' '.join(visit.focus.split())}" if visit.focus.strip() else ""),
                              "lead"))
    sheet = front_sheet(ctx.council, known_at=ctx.known_at)
    if sheet.as_at is None:
        return section.add(Paragraph("There is no Annex A extract yet."))
    section.add(Paragraph(f"The headline Annex A measures from the extract of {long_date(sheet.as_at)}"
                          + (f", compared with the extract of {long_date(sheet.previous_as_at)}"
                             if sheet.previous_as_at else "") + ", with England's latest published figure."))
    for label, rows in sheet.sections:
        section.add(Table(label, ("Measure", "Value", "Previous", "Change", "England", "Against England"), tuple(
            (text(row.measure.title), number(row.value, row.unit), number(row.previous, row.unit),
             text({"up": "Up", "down": "Down", "no change": "No change"}.get(row.change, "–")
                  + ("" if row.better is None else " (better)" if row.better else " (worse)")),
             number(row.england_value, row.unit), text(row.england_status or "–"))
            for row in rows), sheet=f"Front sheet {label}"))
    return section


def ofsted_priorities(ctx: Context) -> Section:
    """Progress on the priorities the visit will look at (its ``priorities``; every priority when it names
    none), each as the board's view shows it."""
    section = Section("priorities", "Progress on the priorities the visit will look at", AGGREGATE)
    visit, _ = ofsted_visits(ctx)
    wanted = set(visit.priorities.values_list("pk", flat=True)) if visit is not None else set()
    chosen = [(p, page) for p, page in ctx.priorities if not wanted or p.pk in wanted]
    if not ctx.priorities:
        return section.add(Paragraph("There is no improvement plan in goldthread yet." if ctx.plan is None else
                                     "The plan has no priorities yet."))
    section.add(Paragraph(
        ("The priorities the visit will look at." if wanted else "The visit names no priority, so every priority "
         "is here.") if visit is not None else "No Ofsted visit is recorded, so every priority is here."))
    for n, (priority, page) in enumerate(chosen):
        if n:
            section.add(PageBreak())
        section.add(*_priority_blocks(ctx, priority, page))
    return section


def learning_records(council, *, since: dt.datetime | None, known_at: dt.datetime | None) -> list:
    """The completed audits' learning records as the audits' learning page builds them, for audits submitted after
    ``since`` and, with ``known_at``, as known then."""
    from goldthread.audits.pages import records

    return records(council, since=since, known_at=known_at)


def ofsted_learning(ctx: Context) -> Section:
    """What the audits since the last Ofsted visit teach, with the audits' learning functions
    (goldthread.core.audits.learning): grades by month, sections weakest first, themes, moderation."""
    from goldthread.core.audits import learning as L
    from goldthread.core.audits.tools import GRADES, grade_label
    from goldthread.plans.queries import end_of

    section = Section("learning", "Audit learning since the last visit", AGGREGATE)
    visit, before = ofsted_visits(ctx)
    last = before if visit is not None and visit.date >= ctx.as_at else visit
    since = end_of(last.date) if last is not None else None
    records = learning_records(ctx.council, since=since, known_at=ctx.known_at)
    section.add(Paragraph((f"Case audits submitted since the {in_sentence(last.get_kind_display())} of "
                           f"{long_date(last.date)}" if last else "Every case audit (no earlier Ofsted visit is "
                                                                  "recorded)")
                          + f": {len(records)}. A final grade is the moderator's where the audit was moderated, "
                            "otherwise the auditor's."))
    if not records:
        return section
    labels = tuple(grade_label(g) for g in GRADES)
    months = L.by_month(records)
    section.add(Table("Final grades of the audits submitted each month", ("Month", "Audits", *labels,
                                                                          "Good or better"),
                      tuple((text(dt.date.fromisoformat(m.label).strftime("%B %Y")), number(m.total, "count"),
                             *(number(n, "count") for n in m.in_order()), number(m.good_or_better, "percent"))
                            for m in months), sheet="Audits by month"))
    sections = L.by_section(records)
    weak = L.weak_sections(records)
    if weak:
        section.add(Paragraph("Recurring weaknesses (half or more of audits below good): "
                              + "; ".join(s.label for s in weak) + ".", "warning"))
    section.add(Table("Final section grades, weakest first", ("Section", "Graded", *labels, "Good or better"),
                      tuple((text(s.label), number(s.total, "count"), *(number(n, "count") for n in s.in_order()),
                             number(s.good_or_better, "percent")) for s in sections), sheet="Audits by section"))
    themes = L.themes(records)
    if themes:
        section.add(Table("Themes found", ("Theme", "Audits", "Months", "Recurring"), tuple(
            (text(t.name), number(t.audits, "count"), number(t.months, "count"), text("Yes" if t.recurring else "No"))
            for t in themes), sheet="Audit themes"))
    agreed, moderated = L.moderation_agreement(records)
    section.add(Paragraph(f"Moderation: {agreed} of {moderated} moderated audit{'s' if moderated != 1 else ''} kept "
                          "the auditor's overall grade."))
    return section


def ofsted_self_evaluation(ctx: Context) -> Section:
    """The self-evaluation kept with the plan (goldthread.plans.selfevaluation), as it stood then."""
    from goldthread.accounts.models import display_name
    from goldthread.plans.selfevaluation import self_evaluation

    section = Section("self_evaluation", "Self-evaluation", AGGREGATE)
    if ctx.plan is None:
        return section.add(Paragraph("There is no improvement plan in goldthread yet, so no self-evaluation."))
    found = self_evaluation(ctx.plan, known_at=ctx.known_at)
    if not found.written:
        return section.add(Paragraph("The council had not written its self-evaluation yet."))
    if found.written_at:
        who = f" by {display_name(found.written_by)}" if found.written_by else ""
        section.add(Paragraph(f"As written{who} on {long_date(timezone.localdate(found.written_at))}.", "note"))
    for paragraph in [p for p in re.split(r"\n\s*\n", found.text.strip()) if p.strip()]:
        section.add(Paragraph(" ".join(paragraph.split())))
    return section


# --------------------------------------------------------------------------- the adviser's pack


def adviser_sections(found, keys: list[str], progress: Progress | None = None) -> list[Section]:
    """The adviser's pack from the adviser's overview (goldthread.portal.overview.overview: every council the
    person has a role in, as now or as known at the end of a day), section by section."""
    from goldthread.accounts.models import display_name

    built = []
    councils = found.councils
    if "measures" in keys:
        section = Section("measures", "Headline measures side by side", AGGREGATE)
        if not councils:
            section.add(Paragraph("You have no role in any council, so there is nothing to compare."))
        for label, measures in found.sections:
            rows = []
            for measure in measures:
                cards = [entry.headline.get(measure.id) for entry in councils]
                england = next((c.england for c in cards if c is not None and c.england), None)
                rows.append(tuple([text(measure.title)]
                                  + [number(c.value if c else None, measure.unit) for c in cards]
                                  + [number(england[1] if england else None, measure.unit)]))
            if councils:
                section.add(Table(label, tuple(["Measure"] + [e.council.name for e in councils] + ["England"]),
                                  tuple(rows), sheet=f"Headline {label}"))
        if councils:
            section.add(Paragraph("Figures from each council's latest extract in use "
                                  + ("now" if found.known_at is None else f"on {long_date(found.day)}") + ": "
                                  + "; ".join(f"{e.council.name} as at {long_date(e.extract.extract_date)}"
                                              if e.extract else f"{e.council.name} has no extract"
                                              for e in councils) + ".", "note"))
        built.append(section)
    if "plans" in keys:
        section = Section("plans", "Improvement plans", AGGREGATE)
        for entry in councils:
            section.add(Subheading(entry.council.name))
            if entry.plan is None:
                section.add(Paragraph("No improvement plan in goldthread."))
                continue
            section.add(Table(f"{entry.council.name}: each priority", (
                "Priority", "Success measures by status", "Lead's rating", "Actions", "Overdue"),
                tuple((text(f"Priority {p.number}: {p.title}"),
                       text("; ".join(f"{status}: {n}" for status, n in p.counts) or "No success measure"),
                       text(_rag(p.lead_rating)), number(p.actions, "count"), number(p.overdue, "count"))
                      for p in entry.plan.priorities), sheet=f"{entry.council.name} plan"))
        if not councils:
            section.add(Paragraph("You have no role in any council."))
        built.append(section)
    if "overdue" in keys:
        section = Section("overdue", "Overdue actions", AGGREGATE)
        rows = [(text(entry.council.name), text(f"Priority {o.priority_number}: {o.priority_title}"),
                 text(o.action.title), text(display_name(o.action.owner) if o.action.owner else "No owner"),
                 text(o.action.due_date), number(o.days_overdue, "count"))
                for entry in councils for o in entry.overdue]
        section.add(Table("Plan actions past their due date", ("Council", "Priority", "Action", "Owner", "Due",
                                                              "Days overdue"), tuple(rows), sheet="Overdue actions")
                    if rows else Paragraph("No council has an overdue plan action."))
        audit = [(text(entry.council.name), number(entry.audit_actions_overdue.count, "count"),
                  text(entry.audit_actions_overdue.as_at)) for entry in councils if entry.audit_actions_overdue]
        if audit:
            section.add(Table("Case-audit actions overdue", ("Council", "Overdue", "As at"), tuple(audit),
                              sheet="Audit actions overdue"))
        built.append(section)
    if "visits" in keys:
        section = Section("visits", "Coming visits and meetings", AGGREGATE)
        rows = [(text(entry.council.name), text(v.date), text(v.get_kind_display()), text(v.title),
                 text(" ".join(v.focus.split()))) for entry in councils for v in entry.visits]
        section.add(Table("Visits, reviews and meetings still to come", ("Council", "Date", "Kind", "Title", "Focus"),
                          tuple(rows), sheet="Coming visits") if rows else
                    Paragraph("No visit, review or meeting is recorded as coming."))
        built.append(section)
    return built


# --------------------------------------------------------------------------- which function builds which section

BUILDERS: dict[tuple[str, str], Callable[[Context], Section]] = {
    ("board", "summary"): board_summary,
    ("board", "priorities"): board_priorities,
    ("board", "scorecard"): scorecard,
    ("board", "workforce"): workforce_section,
    ("board", "children"): children_behind,
    ("dfe", "summary"): dfe_summary,
    ("dfe", "requirements"): dfe_requirements,
    ("dfe", "measures"): dfe_measures,
    ("dfe", "visits"): visits_section,
    ("members", "summary"): members_summary,
    ("members", "priorities"): members_priorities,
    ("members", "performance"): members_performance,
    ("members", "workforce"): lambda ctx: workforce_section(ctx, named=False, heading="Our social workers' caseloads"),
    ("members", "audits"): members_audits,
    ("ofsted", "front_sheet"): ofsted_front_sheet,
    ("ofsted", "priorities"): ofsted_priorities,
    ("ofsted", "learning"): ofsted_learning,
    ("ofsted", "self_evaluation"): ofsted_self_evaluation,
}


def available(kind: Kind) -> list[str]:
    """The kind's sections that can be built now (another engineer's page function may still be missing)."""
    return [s.key for s in kind.sections if (kind.key, s.key) in BUILDERS]


def build(ctx: Context, keys: list[str]) -> list[Section]:
    """The chosen sections the person's role allows, in the kind's order, each from its builder."""
    chosen = [k for k in ctx.kind.chosen(keys) if (ctx.kind.key, k) in BUILDERS
              and ctx.allows(ctx.kind.section(k).level)]
    sections = []
    for n, key in enumerate(chosen):
        if ctx.progress:
            ctx.progress("building the sections", n, len(chosen))
        section = BUILDERS[(ctx.kind.key, key)](ctx)
        section.heading = ctx.kind.section(key).title
        sections.append(section)
    return sections

