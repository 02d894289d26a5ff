"""What the audit pages read and how their forms map to what actions take. No state changes here."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from goldthread.core.audits import audit_measure_ids
from goldthread.core.audits import learning as L
from goldthread.core.audits.tools import GRADES, grade_label
from goldthread.core.measures import CASE_AUDITS, REGISTRY
from goldthread.extracts.queries import latest_extract
from goldthread.portal import data as portal_data
from goldthread.store.queries import council_figures

from .models import Audit, AuditAction, Programme

# Tags an auditor can choose for what they found; councils add their own (kept from earlier audits).
DEFAULT_THEMES = (
    "Child's voice not evident", "Drift and delay", "Chronology missing or out of date",
    "Management oversight not evident", "Supervision not reflective", "Plan not SMART",
    "Contingency planning weak", "Multi-agency information not shared", "Risk analysis weak",
    "Neglect not recognised", "Father or male carers not engaged", "Good direct work with the child",
    "Strong multi-agency working", "Impact for the child evident",
)


def summary(council) -> dict:
    """Counts anyone in the council may see (aggregates, no children)."""
    counts = Audit.objects.filter(council=council).aggregate(
        planned=Count("pk", filter=Q(status__in=(Audit.PLANNED, Audit.DRAFT))),
        complete=Count("pk", filter=Q(status__in=(Audit.SUBMITTED, Audit.MODERATED))),
        moderated=Count("pk", filter=Q(status=Audit.MODERATED)))
    today = timezone.localdate()
    actions = AuditAction.objects.filter(council=council).aggregate(
        open=Count("pk", filter=Q(status=AuditAction.OPEN)),
        overdue=Count("pk", filter=Q(status=AuditAction.OPEN, due_date__lt=today)),
        awaiting=Count("pk", filter=Q(status=AuditAction.CLOSED)),
        verified=Count("pk", filter=Q(status=AuditAction.VERIFIED)))
    return {**counts, "actions": actions}


def programme_progress(council) -> list[dict]:
    programmes = Programme.objects.filter(council=council).select_related("tool_version__tool").annotate(
        cases=Count("audits"), done=Count("audits", filter=Q(audits__status__in=(Audit.SUBMITTED, Audit.MODERATED))),
        unallocated=Count("audits", filter=Q(audits__auditor__isnull=True)))
    return list(programmes)


# --------------------------------------------------------------------------- tools


def sections_from_form(post) -> list[dict]:
    """A tool's sections from the edit form: section-N-title, -guidance, -graded and -questions (one question
    per line; "question | guidance" gives guidance). Blank sections are dropped; keys are kept from
    section-N-key, or made from the position."""
    sections, n = [], 0
    while f"section-{n}-title" in post:
        title = post.get(f"section-{n}-title", "").strip()
        lines = [line.strip() for line in post.get(f"section-{n}-questions", "").splitlines() if line.strip()]
        key = post.get(f"section-{n}-key", "").strip() or f"section_{n + 1}"
        if title or lines:
            questions = []
            for i, line in enumerate(lines, start=1):
                text, _, guidance = line.partition("|")
                questions.append({"key": f"{key}_q{i}", "text": text.strip(), "guidance": guidance.strip()})
            sections.append({"key": key, "title": title, "guidance": post.get(f"section-{n}-guidance", "").strip(),
                             "graded": post.get(f"section-{n}-graded") == "yes", "questions": questions})
        n += 1
    return sections


def question_lines(section: dict) -> str:
    return "\n".join(f"{q['text']} | {q['guidance']}" if q.get("guidance") else q["text"]
                     for q in section.get("questions", []))


# --------------------------------------------------------------------------- conducting and reading an audit


def findings_from_form(audit: Audit, post) -> dict:
    found = {}
    for section in audit.tool_version.sections:
        key = section["key"]
        found[key] = {"evidence": post.get(f"evidence-{key}", ""), "grade": post.get(f"grade-{key}", ""),
                      "answers": {q["key"]: post.get(f"answer-{q['key']}", "") for q in section.get("questions", [])}}
    return found


def conduct_form(audit: Audit, findings: dict) -> list[dict]:
    """The tool's sections with what has been recorded so far."""
    form = []
    for section in audit.tool_version.sections:
        entry = findings.get(section["key"]) or {}
        answers = entry.get("answers") or {}
        form.append({**section, "evidence": entry.get("evidence", ""), "grade": entry.get("grade", ""),
                     "questions": [{**q, "answer": answers.get(q["key"], "")} for q in section.get("questions", [])]})
    return form


def audit_view(audit: Audit) -> dict:
    """The audit as read: each section with its questions, answers, evidence and grades (auditor's and
    moderated)."""
    sections = []
    for section in conduct_form(audit, audit.findings):
        moderated = (audit.moderated_sections or {}).get(section["key"])
        sections.append({**section, "grade_label": grade_label(section["grade"]) if section["grade"] in GRADES else "",
                         "moderated": moderated,
                         "moderated_label": grade_label(moderated["grade"]) if moderated else ""})
    return {"sections": sections,
            "overall_label": grade_label(audit.overall_grade) if audit.overall_grade else "",
            "moderated_label": grade_label(audit.moderated_grade) if audit.moderated_grade else "",
            "final_label": grade_label(audit.final_grade) if audit.final_grade else ""}


def theme_options(council) -> list[str]:
    used = set()
    for themes in Audit.objects.filter(council=council).exclude(themes=[]).values_list("themes", flat=True):
        used.update(themes)
    return sorted(set(DEFAULT_THEMES) | used)


def child_sections(access, child_id: str) -> dict:
    """The child's rows in the latest extract, shown beside the audit form."""
    extract = latest_extract(access.council)
    if extract is None:
        return {"extract": None, "sections": []}
    return {"extract": extract, "sections": portal_data.child_display(portal_data.child_rows(extract, child_id))}


# --------------------------------------------------------------------------- learning


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def records(council, *, since: dt.datetime | None = None, known_at: dt.datetime | None = None) -> list[L.AuditRecord]:
    """The completed audits as learning records: all of them, or those submitted after ``since``; with
    ``known_at``, as known then (submitted by then, with a moderator's grades only where moderated by then)."""
    audits = Audit.objects.filter(council=council, status__in=(Audit.SUBMITTED, Audit.MODERATED)).select_related(
        "tool_version")
    if since is not None:
        audits = audits.filter(submitted_at__gt=since)
    if known_at is not None:
        audits = audits.filter(submitted_at__lte=known_at)
    found = []
    for audit in audits:
        moderated = audit.status == Audit.MODERATED and (known_at is None or (
            audit.moderated_at is not None and audit.moderated_at <= known_at))
        titles = {s["key"]: s["title"] for s in audit.tool_version.sections if s.get("graded", True)}
        sections = {}
        for key, title in titles.items():
            grade = (((audit.moderated_sections or {}).get(key) or {}).get("grade") if moderated else None) or \
                ((audit.findings or {}).get(key) or {}).get("grade")
            if grade in GRADES:
                sections[title] = grade
        final = (audit.moderated_grade if moderated else "") or audit.overall_grade
        found.append(L.AuditRecord(
            month=_month(timezone.localdate(audit.submitted_at)), team=audit.allocated_team,
            final_grade=final, sections=sections, themes=tuple(audit.themes or ()), moderated=moderated,
            agreed=(audit.moderated_grade == audit.overall_grade) if moderated else None))
    return found


def audit_cards(council) -> list[dict]:
    """The latest stored value of each audit measure, with its previous month's."""
    stored: dict[str, list] = {}
    for value in council_figures(council, CASE_AUDITS):
        stored.setdefault(value.measure_id, []).append(value)
    return [{"measure": REGISTRY[mid], "latest": stored[mid][-1],
             "previous": stored[mid][-2] if len(stored[mid]) > 1 else None}
            for mid in audit_measure_ids() if mid in stored]


def learning(council) -> dict:
    found = records(council)
    months = L.by_month(found)
    for month in months:
        month.month = dt.date.fromisoformat(month.label)
    agreed, moderated = L.moderation_agreement(found)
    action_months: Counter = Counter()
    for created in AuditAction.objects.filter(council=council).values_list("created_at", flat=True):
        action_months[_month(timezone.localdate(created))] += 1
    return {"records": len(found), "months": months, "teams": L.by_team(found), "sections": L.by_section(found),
            "weak_sections": L.weak_sections(found), "themes": L.themes(found), "agreed": agreed,
            "moderated": moderated, "grade_labels": [grade_label(g) for g in GRADES], "cards": audit_cards(council),
            "action_months": action_months, "recurring_months": L.RECURRING_MONTHS}
