"""The improvement plan's front page as downloads (goldthread.tables): its priorities, their actions and the
success measures with their status, built from what ``pages.overview`` gives the page (no second calculation:
an action is overdue by ``ActionState.overdue``, a measure's status is the plan's own assessment)."""

from __future__ import annotations

import datetime as dt

from django.utils.text import capfirst

from goldthread.accounts.models import display_name
from goldthread.tables import DATE, NUMBER, Column, PageDownloads, Table

from .pages import ActionState


def _person(user, default: str) -> str:
    return display_name(user) if user is not None else default


def action_rows(phases: dict[str, list[dict]], today: dt.date) -> dict[int, list[dict]]:
    """Each priority's actions as the page lists them: {priority id: [{"action": ActionState, "overdue": bool}]}."""
    return {entry["priority"].pk: [{"action": state, "overdue": state.overdue(today)} for state in
                                   (ActionState.now(a) for a in entry["priority"].actions.all())]
            for entries in phases.values() for entry in entries}


def plan_downloads(council, plan, phases: dict[str, list[dict]], actions: dict[int, list[dict]],
                   today: dt.date) -> PageDownloads:
    offered = PageDownloads(council.name, "Improvement plan", today)
    entries = [(phase, entry) for phase, found in phases.items() for entry in found]
    offered.add(Table("plan-priorities", "Priorities", [
        Column("Phase"), Column("Priority", NUMBER, decimals=0), Column("Title"), Column("Lead"),
        Column("Actions", NUMBER, unit="count"), Column("Complete", NUMBER, unit="count"),
        Column("Overdue", NUMBER, unit="count")],
        [[phase, e["priority"].number, e["priority"].title, _person(e["priority"].lead, "not named"), e["actions"],
          e["complete"], e["overdue"]] for phase, e in entries],
        caption=f"{plan.title}: priorities"))
    offered.add(Table("plan-actions", "Actions", [
        Column("Priority", NUMBER, decimals=0), Column("Action"), Column("Owner"), Column("Due", DATE),
        Column("Status"), Column("Overdue"), Column("Answers")],
        [[e["priority"].number, row["action"].title, _person(row["action"].owner, "No owner"), row["action"].due_date,
          row["action"].status_label, "Overdue" if row["overdue"] else "No", ", ".join(row["action"].answers)]
         for _, e in entries for row in actions.get(e["priority"].pk, [])],
        caption=f"{plan.title}: actions"))
    measures = []
    for _, e in entries:
        for row in e["measures"]:
            status = row["status"]
            on_action = status.measure.action if status.measure.action_id else None
            measures.append([
                e["priority"].number, on_action.title if on_action else "", status.title, status.unit,
                status.latest.value if status.latest else None, status.latest.day if status.latest else None,
                status.target.value, status.target.day, capfirst(status.assessment.status),
                status.assessment.explanation, capfirst(status.owner_rag) if status.owner_rag else "No update yet",
                status.disagreement or ""])
    offered.add(Table("plan-measures", "Success measures", [
        Column("Priority", NUMBER, decimals=0), Column("Action"), Column("Measure"), Column("Unit"),
        Column("Latest", NUMBER, unit_from="Unit"), Column("Latest date", DATE),
        Column("Target", NUMBER, unit_from="Unit"), Column("Target date", DATE), Column("From the data"),
        Column("Why"), Column("Owner's rating"), Column("Disagreement")], measures,
        caption=f"{plan.title}: success measures and their status"))
    return offered
