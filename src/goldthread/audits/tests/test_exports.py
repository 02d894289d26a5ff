"""Exports of case audits: one audit as PDF and Word, a programme as an Excel workbook.

The audit is built through the same actions the pages use, and the files are read back with tools that
do not share code with the writers (pypdf for the PDF, python-docx and openpyxl for the Office files)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest

from goldthread.audits import actions
from goldthread.audits.exports import MARKING, audit_content, audit_docx, audit_pdf, programme_xlsx
from goldthread.audits.models import Audit, AuditAction, AuditTool
from goldthread.conftest import NORTHBY

LEADING_ZEROS_ID = "0042137"
SUMMARY = "Visits are regular but the plan has drifted since the review in January."
REFLECTION = "I agree the plan drifted; I had five new cases in January."
EVIDENCE = "Core group on 3 March 2021 set new actions; minutes on the record."
VERIFICATION = "Checked the minutes and the revised plan on the record."
MODERATION_REASON = "The record shows the child's views shaped the revised plan."
SECTION_REASON = "Wishes and feelings are recorded in the child's own words at each visit."


@pytest.fixture
def audited(councils, northby_extract, people):
    """A programme of three audits, one of them submitted, with a contribution, moderated, and with an
    action closed and verified. Returns (programme, audit)."""
    council = councils.get(ons_code=NORTHBY)
    people["auditor"].first_name, people["auditor"].last_name = "Audrey", "Quinn"
    people["practitioner"].first_name, people["practitioner"].last_name = "Ezra", "Leigh"
    people["manager"].first_name, people["manager"].last_name = "Max", "Moderator"
    people["council_admin"].first_name, people["council_admin"].last_name = "Ana", "Checker"
    for user in people.values():
        user.save()
    actions.ensure_shipped_tools(council)
    version = AuditTool.objects.get(council=council, kind=AuditTool.FULL).current
    programme = actions.create_programme(council, title="March 2021 audits", month=dt.date(2021, 3, 1),
                                         tool_version=version, size=3, method="random", seed=1,
                                         user=people["manager"])
    audit = programme.audits.order_by("pk").first()
    # Annex A child IDs are text and may start with zeros; the workbook must keep them.
    # The practitioner reflects on the audit, so the child is theirs.
    Audit.objects.filter(pk=audit.pk).update(child_id=LEADING_ZEROS_ID, allocated_worker="Ezra Leigh")
    audit.refresh_from_db()
    findings = {
        section["key"]: {
            "evidence": f"Evidence for {section['title']}.",
            "grade": "requires_improvement",
            "answers": {q["key"]: f"Answer to {q['key']}." for q in section["questions"]},
        }
        for section in version.sections
    }
    audit = actions.save_audit(audit, revision=audit.revision, findings=findings,
                               overall_grade="requires_improvement", summary=SUMMARY,
                               themes=["Drift and delay", "=HYPERLINK(\"http://example.com\")"],
                               user=people["auditor"], submit=True)
    actions.add_contribution(audit, people["practitioner"], role="allocated_worker", text=REFLECTION)
    first = version.sections[0]["key"]
    audit = actions.moderate(audit, people["manager"], overall_grade="good",
                             sections={first: {"grade": "good", "reason": SECTION_REASON}},
                             reason=MODERATION_REASON)
    action = actions.add_action(audit, kind=AuditAction.CHILD, description="Hold a core group to revise the plan.",
                                owner=people["practitioner"], due_date=dt.date(2021, 4, 30),
                                priority=AuditAction.HIGH, user=people["auditor"])
    action = actions.close_action(action, people["practitioner"], evidence=EVIDENCE)
    actions.verify_action(action, people["council_admin"], accept=True, note=VERIFICATION)
    audit.refresh_from_db()
    return programme, audit


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- content


def test_content_has_what_the_audit_recorded(audited):
    _, audit = audited
    c = audit_content(audit)
    assert c["title"] == f"Case audit of child {LEADING_ZEROS_ID}"
    assert ("Child ID", LEADING_ZEROS_ID) in c["details"]
    assert ("Audit tool", "Practice quality audit, version 1") in c["details"]
    assert ("Auditor", "Audrey Quinn") in c["details"]
    assert dict(c["overall"]) == {"Auditor's overall grade": "Requires improvement",
                                  "Moderated overall grade": "Good", "Moderator's reason": MODERATION_REASON,
                                  "Final grade": "Good"}
    first, second = c["grades"]["rows"][:2]
    assert first[1:] == ["Requires improvement", "Good", SECTION_REASON]
    assert second[1:] == ["Requires improvement", "Requires improvement", "Agreed with the auditor"]
    assert c["grades"]["rows"][-1][0] == "Overall"
    assert len(c["sections"]) == len(audit.tool_version.sections)
    assert c["contributions"]["rows"][0][:2] == ["Ezra Leigh", "Allocated worker"]
    fields = dict(c["actions"][0]["fields"])
    assert fields["Evidence"] == EVIDENCE and fields["Status"] == "Verified"
    assert fields["Verified"].endswith("by Ana Checker") and fields["Verification note"] == VERIFICATION


# --------------------------------------------------------------------------- PDF


@pytest.fixture
def pdf(audited):
    from pypdf import PdfReader

    _, audit = audited
    data = audit_pdf(audit)
    return data, PdfReader(io.BytesIO(data))


def test_pdf_shows_the_audit(pdf, audited):
    data, reader = pdf
    assert data.startswith(b"%PDF-1.7")
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    for expected in (f"Case audit of child {LEADING_ZEROS_ID}", "Requires improvement", "Good", "Ezra Leigh",
                     "Allocated worker", REFLECTION, EVIDENCE, VERIFICATION, SUMMARY, MODERATION_REASON,
                     "Practice quality audit, version 1", "Audrey Quinn", "Max Moderator", "Drift and delay",
                     "Hold a core group to revise the plan.", "30 April 2021", "Answer to voice_seen."):
        assert expected in text, expected
    for page in reader.pages:
        assert MARKING in _squash(page.extract_text())


def test_pdf_is_tagged_and_titled_with_embedded_liberation_fonts(pdf):
    _, reader = pdf
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Case audit of child {LEADING_ZEROS_ID}"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Liberation-Sans" in f for f in fonts), fonts


def test_pdf_rendering_fetches_nothing(audited, caplog):
    from goldthread.audits.exports import _offline_fetcher

    fetcher = _offline_fetcher()
    for url in ("http://example.com/logo.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="fetch nothing"):
            fetcher(url)
    assert fetcher("data:text/plain,hi").read() == b"hi"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        audit_pdf(audited[1])
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


# --------------------------------------------------------------------------- Word


def _docx(audit):
    from docx import Document

    return Document(io.BytesIO(audit_docx(audit)))


def _table_text(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_has_real_headings_tables_and_the_marking(audited):
    _, audit = audited
    doc = _docx(audit)
    headings = {(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")}
    assert ("Heading 1", f"Case audit of child {LEADING_ZEROS_ID}") in headings
    for title in ("About this audit", "Overall grade", "Summary", "Grades by section", "Findings by section",
                  "Themes", "Practice conversation", "Actions"):
        assert ("Heading 2", title) in headings
    for section in audit.tool_version.sections:
        assert ("Heading 3", section["title"]) in headings
    tables = [_table_text(t) for t in doc.tables]
    grades = next(t for t in tables if t[0] == ["Section", "Auditor's grade", "Moderated grade",
                                                "Moderator's reason"])
    assert grades[1][1:] == ["Requires improvement", "Good", SECTION_REASON]
    assert grades[-1] == ["Overall", "Requires improvement", "Good", MODERATION_REASON]
    conversation = next(t for t in tables if t[0][0] == "Who")
    assert conversation[1][:2] == ["Ezra Leigh", "Allocated worker"] and conversation[1][3] == REFLECTION
    action = next(t for t in tables if t[0] == ["Action", "Hold a core group to revise the plan."])
    assert ["Evidence", EVIDENCE] in action and ["Status", "Verified"] in action
    header_rows = [t.rows[0]._tr for t in doc.tables if t.rows[0].cells[0].text in ("Section", "Question", "Who")]
    assert header_rows and all(tr.xpath("./w:trPr/w:tblHeader") for tr in header_rows)
    assert all(s.footer.paragraphs[0].text == MARKING for s in doc.sections)
    assert doc.core_properties.title == f"Case audit of child {LEADING_ZEROS_ID}"


def test_docx_and_pdf_show_the_same_content(audited):
    """Every piece of text in the shared content reaches the Word document, and the PDF holds the same words."""
    from pypdf import PdfReader

    _, audit = audited
    c = audit_content(audit)
    doc = _docx(audit)
    docx_text = "\n".join([p.text for p in doc.paragraphs]
                          + [cell.text for t in doc.tables for row in t.rows for cell in row.cells])
    pdf_text = _squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(audit_pdf(audit))).pages))
    strings = [c["title"], c["summary"], *c["themes"],
               *[v for pair in c["details"] + c["overall"] for v in pair],
               *[cell for row in [c["grades"]["headers"], *c["grades"]["rows"]] for cell in row],
               *[cell for s in c["sections"] for row in s["questions"]["rows"] for cell in row],
               *[v for s in c["sections"] for pair in s["fields"] for v in pair],
               *[cell for row in c["contributions"]["rows"] for cell in row],
               *[v for a in c["actions"] for pair in a["fields"] for v in pair]]
    missing_docx = [s for s in strings if s not in docx_text]
    missing_pdf = [s for s in strings if _squash(s) not in pdf_text]
    assert missing_docx == [] and missing_pdf == []


def test_a_planned_audit_exports_without_findings(audited):
    programme, done = audited
    planned = programme.audits.exclude(pk=done.pk).first()
    c = audit_content(planned)
    assert ("Status", "Planned") in c["details"]
    assert all(row[1] == "Not answered" for s in c["sections"] for row in s["questions"]["rows"])
    assert c["actions"] == [] and c["contributions"]["rows"] == []
    doc = _docx(planned)
    assert "No actions were agreed." in [p.text for p in doc.paragraphs]


# --------------------------------------------------------------------------- Excel


def _workbook(programme, audits):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(programme_xlsx(programme, audits)))


def _rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_workbook_sheets_and_audits(audited):
    programme, audit = audited
    book = _workbook(programme, programme.audits.all())
    assert book.sheetnames == ["Audits", "Actions", "Summary", "About"]
    sheet = book["Audits"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    rows = _rows(sheet)
    assert len(rows) == 3
    sections = [s["title"] for s in audit.tool_version.sections]
    assert list(rows[0])[:12] == ["Child ID", "Allocated team", "Allocated worker", "Cohort", "Why chosen",
                                  "Auditor", "Status", "Due", "Submitted", "Auditor's overall grade",
                                  "Moderated grade", "Final grade"]
    assert list(rows[0])[12:12 + len(sections)] == sections
    done = next(r for r in rows if r["Child ID"] == LEADING_ZEROS_ID)
    child_cell = next(c for c in sheet["A"] if c.value == LEADING_ZEROS_ID)
    assert child_cell.data_type == "s"
    assert all(isinstance(r["Child ID"], str) for r in rows)
    assert (done["Auditor's overall grade"], done["Moderated grade"], done["Final grade"]) == (
        "Requires improvement", "Good", "Good")
    assert done[sections[0]] == "Good" and done[sections[1]] == "Requires improvement"
    assert done["Status"] == "Moderated" and done["Auditor"] == "Audrey Quinn"
    assert done["Due"] == dt.datetime(2021, 3, 31)
    assert (done["Actions"], done["Open actions"], done["Awaiting verification"]) == (1, 0, 0)
    # A theme that looks like a formula stays text.
    assert done["Themes"] == "=HYPERLINK(\"http://example.com\"); Drift and delay"
    theme_cell = next(c for c in sheet[1] if c.value == "Themes").column_letter
    assert sheet[f"{theme_cell}{child_cell.row}"].data_type == "s"
    planned = [r for r in rows if r["Child ID"] != LEADING_ZEROS_ID]
    assert all(r["Final grade"] is None and r["Status"] == "Planned" for r in planned)


def test_workbook_actions_summary_and_about(audited):
    programme, _ = audited
    book = _workbook(programme, programme.audits.all())
    (action,) = _rows(book["Actions"])
    assert action["Child ID"] == LEADING_ZEROS_ID
    assert (action["Evidence"], action["Status"], action["Verified by"]) == (EVIDENCE, "Verified", "Ana Checker")
    assert action["Due"] == dt.datetime(2021, 4, 30)
    summary = {r["Measure"]: (r["Number"], r["Per cent"]) for r in _rows(book["Summary"]) if r["Measure"]}
    assert summary["Final grade: Good"] == (1, 1)
    assert summary["Final grade: Requires improvement"] == (0, 0)
    assert summary["Good or better (final grade good or outstanding)"] == (1, 1)
    assert summary["Moderation agreeing with the auditor's overall grade"] == (0, 0)
    sections = len([s for s in programme.tool_version.sections if s.get("graded", True)])
    assert summary["Moderation agreeing with the auditor's section grades"] == (
        sections - 1, pytest.approx((sections - 1) / sections))
    about = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    assert MARKING in about and "personal data" in about and "March 2021 audits" in about


def test_workbook_holds_only_the_audits_given(audited):
    programme, audit = audited
    book = _workbook(programme, programme.audits.exclude(pk=audit.pk))
    assert [r["Child ID"] for r in _rows(book["Audits"])] != [] and LEADING_ZEROS_ID not in [
        r["Child ID"] for r in _rows(book["Audits"])]
    assert _rows(book["Actions"]) == []
    empty = _workbook(programme, [])
    assert _rows(empty["Audits"]) == [] and empty.sheetnames == ["Audits", "Actions", "Summary", "About"]
