"""Case audits as files: one audit as a PDF (``audit_pdf``) or a Word document (``audit_docx``), and a
programme's audits as an Excel workbook (``programme_xlsx``).

The PDF and the Word document are made from the same content (``audit_content``), so the two cannot drift
apart. The PDF is rendered by WeasyPrint from ``audits/export_audit.html`` as a tagged PDF/UA-1 document,
with system fonts only and nothing fetched over the network. The workbook is made by
goldthread.downloads.xlsx_workbook, so no cell is ever a formula or a link built from what people typed; the
files' names (``audit_filename``, ``programme_filename``) are safe to send as they are. Views decide who may
download what and log the access; nothing here checks permissions.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from goldthread.accounts.models import display_name
from goldthread.core.audits.tools import GRADE_LABELS, GRADES, good_or_better
from goldthread.downloads import put, safe_filename, xlsx_workbook

from .models import Audit, AuditAction, AuditToolVersion, Contribution

MARKING = "OFFICIAL-SENSITIVE: contains personal data about a child"
PDF_VARIANT = "pdf/ua-1"
DOCX_FONT = "Arial"

NOT_GRADED, NO_GRADE, NOT_MODERATED = "Not graded", "No grade", "Not moderated"


# --------------------------------------------------------------------------- small formatting helpers


def _person(user) -> str:
    return display_name(user) if user is not None else ""


def _grade(grade: str | None, blank: str = NO_GRADE) -> str:
    return GRADE_LABELS.get(grade or "", blank)


def _date(day: dt.date | None) -> str:
    """27 March 2027 (GOV.UK style), or "" for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def _when(moment: dt.datetime | None) -> str:
    """27 March 2027 at 14:05, in local time, or "" for no time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{_date(local.date())} at {local:%H:%M}"


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _fields(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """Label/value rows, leaving out those with no value."""
    return [(label, value) for label, value in pairs if value]


def section_final_grade(audit: Audit, key: str) -> str:
    """A section's final grade: the moderator's if the audit has been moderated, else the auditor's."""
    if audit.status == Audit.MODERATED:
        moderated = (audit.moderated_sections or {}).get(key) or {}
        if moderated.get("grade"):
            return moderated["grade"]
    return ((audit.findings or {}).get(key) or {}).get("grade") or ""


# --------------------------------------------------------------------------- one audit's content


def audit_content(audit: Audit) -> dict:
    """Everything an exported audit shows, in order, as plain strings, label/value rows and tables
    ({"headers": [...], "rows": [[...]]}). ``audit_pdf`` and ``audit_docx`` both render this."""
    version = audit.tool_version
    moderated = audit.status == Audit.MODERATED
    findings = audit.findings or {}
    moderated_sections = audit.moderated_sections or {}

    details = _fields(
        ("Council", audit.council.name),
        ("Child ID", audit.child_id),
        ("Allocated team", audit.allocated_team),
        ("Allocated worker", audit.allocated_worker),
        ("Cohort", audit.cohort),
        ("Why the child was chosen", audit.selection_reason),
        ("Programme", audit.programme.title if audit.programme_id else ""),
        ("Re-audit of", f"Audit {audit.reaudit_of_id}" if audit.reaudit_of_id else ""),
        ("Audit tool", f"{version.tool.name}, version {version.number}"),
        ("Audit reference", f"Audit {audit.pk}"),
        ("Status", audit.get_status_display()),
        ("Auditor", _person(audit.auditor)),
        ("Due", _date(audit.due_date)),
        ("Submitted", _when(audit.submitted_at)),
        ("Moderator", _person(audit.moderator)),
        ("Moderated", _when(audit.moderated_at)),
    )

    grade_rows, sections = [], []
    for section in version.sections:
        key, graded = section["key"], section.get("graded", True)
        entry = findings.get(key) or {}
        answers = entry.get("answers") or {}
        given = _grade(entry.get("grade")) if graded else NOT_GRADED
        mod = moderated_sections.get(key) or {}
        if not graded:
            mod_grade, mod_reason = "", ""
        elif not moderated:
            mod_grade, mod_reason = NOT_MODERATED, ""
        else:
            mod_grade = _grade(mod.get("grade") or entry.get("grade"))
            agreed = mod.get("agreed", mod.get("grade") in (None, "", entry.get("grade")))
            mod_reason = mod.get("reason") or ("Agreed with the auditor" if agreed else "")
        if graded:
            grade_rows.append([section["title"], given, mod_grade, mod_reason])
        sections.append({
            "title": section["title"],
            "questions": {
                "headers": ["Question", "Answer"],
                "rows": [[q["text"], (answers.get(q["key"]) or "").strip() or "Not answered"]
                         for q in section.get("questions", [])],
            },
            "fields": _fields(
                ("Evidence", (entry.get("evidence") or "").strip() or "None recorded"),
                ("Auditor's grade", given),
                ("Moderated grade", mod_grade),
                ("Moderator's reason", mod_reason),
            ),
        })

    overall_reason = audit.moderation_reason or (
        "Agreed with the auditor" if moderated and audit.moderated_grade == audit.overall_grade else "")
    grade_rows.append(["Overall", _grade(audit.overall_grade),
                       _grade(audit.moderated_grade) if moderated else NOT_MODERATED, overall_reason])

    contributions: list[Contribution] = list(audit.contributions.all())
    actions: list[AuditAction] = list(audit.actions.select_related("closed_by", "verified_by"))
    return {
        "title": f"Case audit of child {audit.child_id}",
        "council": audit.council.name,
        "marking": MARKING,
        "produced": _when(timezone.now()),
        "details": details,
        "overall": _fields(
            ("Auditor's overall grade", _grade(audit.overall_grade)),
            ("Moderated overall grade", _grade(audit.moderated_grade) if moderated else NOT_MODERATED),
            ("Moderator's reason", overall_reason),
            ("Final grade", _grade(audit.final_grade)),
        ),
        "grades": {"headers": ["Section", "Auditor's grade", "Moderated grade", "Moderator's reason"],
                   "rows": grade_rows},
        "summary": audit.summary.strip() or "No summary recorded.",
        "themes": list(audit.themes or []),
        "sections": sections,
        "contributions": {
            "headers": ["Who", "Role", "When", "Reflection"],
            "rows": [[c.author_name, c.get_role_display(), _when(c.created_at), c.text] for c in contributions],
        },
        "actions": [{
            "heading": f"Action {n}",
            "fields": _fields(
                ("Action", a.description),
                ("For", a.get_kind_display()),
                ("Owner", a.owner_name),
                ("Due", _date(a.due_date)),
                ("Priority", a.get_priority_display()),
                ("Status", a.get_status_display()),
                ("Closed", " by ".join(filter(None, [_when(a.closed_at), _person(a.closed_by)]))),
                ("Evidence", a.evidence),
                ("Verified", " by ".join(filter(None, [_when(a.verified_at), _person(a.verified_by)]))),
                ("Verification note", a.verification_note),
            ),
        } for n, a in enumerate(actions, start=1)],
    }


# --------------------------------------------------------------------------- file names


def audit_filename(audit: Audit, kind: str) -> str:
    """The download's name, e.g. "Case audit 12 - Northby.pdf": no child ID (names show in download lists and
    folders), nothing that could make a path or break the header (goldthread.downloads.safe_filename)."""
    return safe_filename(f"Case audit {audit.pk} - {audit.council.name}.{kind}")


def programme_filename(programme) -> str:
    """E.g. "Audit programme 3 - March 2021 practice audits.xlsx", whatever the programme's title holds."""
    return safe_filename(f"Audit programme {programme.pk} - {programme.title}.xlsx")


# --------------------------------------------------------------------------- PDF


def _offline_fetcher():
    """A WeasyPrint URL fetcher that only reads data: URLs, so rendering never touches the network or the
    file system, whatever ends up in the HTML."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.strip().lower().startswith("data:"):
                raise ValueError(f"goldthread exports fetch nothing; refused {url[:80]!r}")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols={"data"}, allow_redirects=False)


def audit_pdf(audit: Audit) -> bytes:
    """A completed audit as a tagged, A4 PDF (PDF/UA-1 where WeasyPrint supports it)."""
    import weasyprint  # here: it loads Pango, which only the PDF export needs

    html = render_to_string("audits/export_audit.html", {"c": audit_content(audit)})
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_offline_fetcher())
    options = {}
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:  # pragma: no cover - an older or reorganised WeasyPrint
        VARIANTS = {}  # noqa: N806
    if PDF_VARIANT in VARIANTS:
        options["pdf_variant"] = PDF_VARIANT
    else:  # pragma: no cover
        options["pdf_tags"] = True
    return document.write_pdf(**options)


# --------------------------------------------------------------------------- Word


def _repeat_header(row) -> None:
    """Mark a table row as a header row (repeated on each page, read as headers by screen readers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _bold_cell(cell, text: str) -> None:
    cell.text = ""
    cell.paragraphs[0].add_run(text).bold = True


def _docx_table(doc, table: dict) -> None:
    grid = doc.add_table(rows=1, cols=len(table["headers"]))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table["headers"], strict=True):
        _bold_cell(cell, text)
    _repeat_header(grid.rows[0])
    for row in table["rows"]:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _docx_fields(doc, fields: list[tuple[str, str]]) -> None:
    grid = doc.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in fields:
        cells = grid.add_row().cells
        _bold_cell(cells[0], label)
        cells[1].text = value


def audit_docx(audit: Audit) -> bytes:
    """The same content as ``audit_pdf``, as a Word document with real headings and tables."""
    from docx import Document
    from docx.shared import Pt

    c = audit_content(audit)
    doc = Document()
    doc.core_properties.title = c["title"]
    doc.core_properties.author = c["council"]
    doc.core_properties.subject = MARKING
    doc.core_properties.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = DOCX_FONT, Pt(11)
    for section in doc.sections:
        section.footer.paragraphs[0].text = MARKING
        section.header.paragraphs[0].text = "OFFICIAL-SENSITIVE"

    doc.add_paragraph(MARKING).runs[0].bold = True
    doc.add_heading(c["title"], level=1)
    doc.add_paragraph(f"{c['council']}. Produced by goldthread on {c['produced']}.")
    doc.add_heading("About this audit", level=2)
    _docx_fields(doc, c["details"])
    doc.add_heading("Overall grade", level=2)
    _docx_fields(doc, c["overall"])
    doc.add_heading("Summary", level=2)
    for para in c["summary"].splitlines() or [""]:
        if para.strip():
            doc.add_paragraph(para.strip())
    doc.add_heading("Grades by section", level=2)
    _docx_table(doc, c["grades"])
    doc.add_heading("Findings by section", level=2)
    for section in c["sections"]:
        doc.add_heading(section["title"], level=3)
        _docx_table(doc, section["questions"])
        doc.add_paragraph()
        _docx_fields(doc, section["fields"])
    doc.add_heading("Themes", level=2)
    if c["themes"]:
        for theme in c["themes"]:
            doc.add_paragraph(theme, style="List Bullet")
    else:
        doc.add_paragraph("No themes were tagged.")
    doc.add_heading("Practice conversation", level=2)
    if c["contributions"]["rows"]:
        _docx_table(doc, c["contributions"])
    else:
        doc.add_paragraph("No contributions to the practice conversation have been recorded.")
    doc.add_heading("Actions", level=2)
    if not c["actions"]:
        doc.add_paragraph("No actions were agreed.")
    for action in c["actions"]:
        doc.add_heading(action["heading"], level=3)
        _docx_fields(doc, action["fields"])

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- a programme's workbook


def _percent(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def programme_xlsx(programme, audits) -> bytes:
    """A programme's audits as a workbook: "Audits" (one row per audit), "Actions" (one row per action),
    "Summary" (final grades and moderation agreement) and "About". ``audits`` are the Audit objects the
    person may see, already filtered by the caller."""
    audits = list(audits)
    prefetch_related_objects(audits, "auditor")
    versions = AuditToolVersion.objects.in_bulk({a.tool_version_id for a in audits})
    actions_by_audit: dict[int, list[AuditAction]] = {}
    for action in AuditAction.objects.filter(audit__in=[a.pk for a in audits]).select_related(
            "audit", "closed_by", "verified_by").order_by("audit_id", "due_date", "pk"):
        actions_by_audit.setdefault(action.audit_id, []).append(action)

    # One column per graded section, across every tool version the audits use, in the tools' order.
    section_titles: dict[str, str] = {}
    for version in [versions[pk] for pk in dict.fromkeys(a.tool_version_id for a in audits)]:
        for section in version.sections:
            if section.get("graded", True):
                section_titles.setdefault(section["key"], section["title"])

    out = io.BytesIO()
    book = xlsx_workbook(out)  # text from audits (a summary, a theme, a child ID) is never a formula or link
    book.set_properties({"title": f"{programme.title}: case audits", "subject": MARKING,
                         "company": programme.council.name, "comments": MARKING})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F3F2F1",
                              "bottom": 1})
    text = book.add_format({"num_format": "@", "valign": "top"})
    wrap = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    whole = book.add_format({"num_format": "0", "valign": "top"})
    percent = book.add_format({"num_format": "0%", "valign": "top"})
    title_format = book.add_format({"bold": True, "font_size": 14})

    def sheet_with(name: str, columns: list[tuple[str, float, object]]):
        sheet = book.add_worksheet(name)
        for i, (label, width, fmt) in enumerate(columns):
            sheet.set_column(i, i, width, fmt)
            sheet.write_string(0, i, label, header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, 0, len(columns) - 1)
        return sheet

    # Audits
    columns = [("Child ID", 14, text), ("Allocated team", 22, text), ("Allocated worker", 22, text),
               ("Cohort", 16, text), ("Why chosen", 36, wrap), ("Auditor", 20, text), ("Status", 12, text),
               ("Due", 12, day), ("Submitted", 12, day), ("Auditor's overall grade", 20, text),
               ("Moderated grade", 20, text), ("Final grade", 20, text),
               *[(title, 20, text) for title in section_titles.values()],
               ("Themes", 36, wrap), ("Actions", 10, whole), ("Open actions", 10, whole),
               ("Awaiting verification", 13, whole)]
    sheet = sheet_with("Audits", columns)
    for r, audit in enumerate(audits, start=1):
        actions = actions_by_audit.get(audit.pk, [])
        moderated = audit.status == Audit.MODERATED
        values = [
            audit.child_id, audit.allocated_team, audit.allocated_worker, audit.cohort, audit.selection_reason,
            _person(audit.auditor), audit.get_status_display(), audit.due_date, _local_day(audit.submitted_at),
            _grade(audit.overall_grade, ""), _grade(audit.moderated_grade, "") if moderated else "",
            _grade(audit.final_grade, "") if audit.is_complete else "",
            *[_grade(section_final_grade(audit, key), "") if audit.is_complete else "" for key in section_titles],
            "; ".join(audit.themes or []), len(actions),
            sum(a.status == AuditAction.OPEN for a in actions), sum(a.status == AuditAction.CLOSED for a in actions),
        ]
        for col, (value, (_, _, fmt)) in enumerate(zip(values, columns, strict=True)):
            put(sheet, r, col, value, fmt)

    # Actions
    columns = [("Child ID", 14, text), ("Audit", 8, whole), ("For", 20, text), ("Action", 40, wrap),
               ("Owner", 20, text), ("Due", 12, day), ("Priority", 10, text), ("Status", 26, text),
               ("Created", 12, day), ("Closed", 12, day), ("Evidence", 40, wrap), ("Verified", 12, day),
               ("Verified by", 20, text), ("Verification note", 36, wrap)]
    sheet = sheet_with("Actions", columns)
    rows = [a for audit in audits for a in actions_by_audit.get(audit.pk, [])]
    for r, a in enumerate(rows, start=1):
        values = [a.audit.child_id, a.audit_id, a.get_kind_display(), a.description, a.owner_name, a.due_date,
                  a.get_priority_display(), a.get_status_display(), _local_day(a.created_at),
                  _local_day(a.closed_at), a.evidence, _local_day(a.verified_at), _person(a.verified_by),
                  a.verification_note]
        for col, (value, (_, _, fmt)) in enumerate(zip(values, columns, strict=True)):
            put(sheet, r, col, value, fmt)

    # Summary
    complete = [a for a in audits if a.is_complete]
    finals = Counter(a.final_grade for a in complete if a.final_grade in GRADES)
    graded = sum(finals.values())
    both = [a for a in complete if a.status == Audit.MODERATED and a.overall_grade in GRADES
            and a.moderated_grade in GRADES]
    agreed = sum(a.overall_grade == a.moderated_grade for a in both)
    n_moderated = sum(a.status == Audit.MODERATED for a in complete)
    section_pairs = [(((a.findings or {}).get(k) or {}).get("grade"), m.get("grade"))
                     for a in complete if a.status == Audit.MODERATED
                     for k, m in (a.moderated_sections or {}).items()]
    section_agreed = sum(given == final for given, final in section_pairs)
    sheet = sheet_with("Summary", [("Measure", 52, wrap), ("Number", 12, whole), ("Per cent", 12, percent)])
    summary_rows = [
        ("Audits in this file", len(audits), None),
        ("Completed (submitted or moderated)", len(complete), _percent(len(complete), len(audits))),
        ("Moderated (of completed audits)", n_moderated, _percent(n_moderated, len(complete))),
        *[(f"Final grade: {GRADE_LABELS[g]}", finals.get(g, 0), _percent(finals.get(g, 0), graded)) for g in GRADES],
        ("Good or better (final grade good or outstanding)", sum(finals[g] for g in finals if good_or_better(g)),
         _percent(sum(finals[g] for g in finals if good_or_better(g)), graded)),
        ("Moderation agreeing with the auditor's overall grade", agreed, _percent(agreed, len(both))),
        ("Moderation agreeing with the auditor's section grades", section_agreed,
         _percent(section_agreed, len(section_pairs))),
        ("Actions", len(rows), None),
        ("Actions open", sum(a.status == AuditAction.OPEN for a in rows), _percent(
            sum(a.status == AuditAction.OPEN for a in rows), len(rows))),
        ("Actions verified (loop closed)", sum(a.status == AuditAction.VERIFIED for a in rows), _percent(
            sum(a.status == AuditAction.VERIFIED for a in rows), len(rows))),
    ]
    for r, values in enumerate(summary_rows, start=1):
        for col, (value, fmt) in enumerate(zip(values, (wrap, whole, percent), strict=True)):
            put(sheet, r, col, value, fmt)
    note = len(summary_rows) + 2
    sheet.write_string(note, 0, "Percentages of final grades are of completed audits with a final grade. The "
                                "final grade is the moderator's if the audit has been moderated, otherwise the "
                                "auditor's. Moderation agreement is of moderated audits.", wrap)

    # About
    version = programme.tool_version
    about = book.add_worksheet("About")
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 90, wrap)
    about.write_string(0, 0, MARKING, title_format)
    about_rows = [
        ("What this file is", f"The case audits of the programme '{programme.title}' ({programme.council.name}, "
                              f"{programme.month:%B %Y}), exported from goldthread."),
        ("Produced", _when(timezone.now())),
        ("Personal data", "This file contains personal data about children (their IDs and what their case "
                          "audits found) and the names of staff. Store and share it only as your council's "
                          "information governance rules allow for OFFICIAL-SENSITIVE information, and "
                          "delete it when it is no longer needed."),
        ("Audit tool", f"{version.tool.name}, version {version.number}"),
        ("Sample drawn from", f"The Annex A extract of {_date(programme.extract_date)}"),
        ("Audits", f"{len(audits)} (only those you may see)"),
        ("Sheets", "Audits: one row per audit. Actions: one row per action agreed at audit. Summary: final "
                   "grades and moderation agreement. Final grades are the moderator's where the audit has "
                   "been moderated, otherwise the auditor's."),
    ]
    for r, (label, value) in enumerate(about_rows, start=2):
        about.write_string(r, 0, label, header)
        about.write_string(r, 1, value, wrap)

    book.close()
    return out.getvalue()
