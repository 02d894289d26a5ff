"""Fixtures for the pack tests: Northby's plan as it stood at its improvement board on 10 May 2021 (the sample
extract as at 31 March received on 5 April, a priority with an action and success measures, audits, an update, the
board meeting and a coming monitoring visit), and readers for the three formats."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from goldthread.conftest import SAMPLE
from goldthread.store.models import Figure

D = dt.date
MEETING = D(2021, 5, 10)
TEAM = "Team A"


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def board(northby_extract, people):
    return make_board(northby_extract, people)


def make_board(northby_extract, people) -> dict:
    """Northby's plan as it stood at its May 2021 improvement board (see the module's docstring)."""
    from goldthread.audits.actions import ensure_shipped_tools
    from goldthread.audits.models import Audit, AuditAction, AuditTool
    from goldthread.extracts.models import Extract
    from goldthread.plans import actions as do
    from goldthread.plans.demo import dated
    from goldthread.plans.models import PlanAction, Visit

    council = northby_extract.council
    Extract.objects.filter(pk=northby_extract.pk).update(uploaded_at=at(2021, 4, 5, 9, 30))
    manager, owner = people["manager"], people["practitioner"]
    baseline = Figure.objects.get(extract=northby_extract, measure_id="cpp_visits_in_timescale").value
    with dated(at(2021, 4, 12, 10, 0)):
        plan = do.create_plan(council, title="Northby improvement plan", vision="Children are seen.",
                              recommendations="1. Visit children on plans on time.\n2. Improve supervision.",
                              source="ILACS 2021", user=manager)
        priority = do.save_priority(plan, None, title="Visits on time", teams=[TEAM], lead=people["council_admin"],
                                    user=manager)
        action = do.save_action(priority, None, title="Weekly visit tracker", owner=owner, due_date=D(2021, 5, 1),
                                status=PlanAction.IN_PROGRESS, recommendations=[plan.recommendations.first()],
                                user=manager)
        do.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale", baseline_date=D(2021, 3, 31),
                               baseline_value=baseline + 10, target_date=D(2022, 3, 31), target_value=95.0,
                               user=manager)
        do.add_success_measure(action=action, measure_id="audits_good_or_better", baseline_date=D(2021, 3, 1),
                               baseline_value=40.0, target_date=D(2022, 3, 1), target_value=80.0, user=manager)
    ensure_shipped_tools(council, people["auditor"])
    tool = AuditTool.objects.get(council=council, kind="full")
    audits = []
    for child, grade, hour in (("C1", "good", 11), ("C2", "requires_improvement", 12)):
        audit = Audit.objects.create(council=council, tool_version=tool.current, child_id=child, allocated_team=TEAM,
                                     status=Audit.SUBMITTED, overall_grade=grade, summary="Seen.",
                                     themes=["Drift and delay"])
        Audit.objects.filter(pk=audit.pk).update(submitted_at=at(2021, 4, 20, hour, 0), created_at=at(2021, 4, 20))
        audits.append(audit)
    audit_action = AuditAction.objects.create(audit=audits[0], council=council, kind=AuditAction.CHILD,
                                              description="Update the plan.", owner=owner, owner_name="pat",
                                              due_date=D(2021, 5, 5), priority=AuditAction.HIGH)
    AuditAction.objects.filter(pk=audit_action.pk).update(created_at=at(2021, 4, 21, 9, 0))
    with dated(at(2021, 5, 3, 9, 0)):
        do.post_update(action=action, rag="amber", narrative="Two teams use the tracker.",
                       evidence="Tracker spreadsheet, May", user=owner)
    with dated(at(MEETING.year, MEETING.month, MEETING.day, 16, 0)):
        do.record_visit(council, kind=Visit.BOARD, date=MEETING, title="May improvement board",
                        priorities=[priority], user=manager)
        do.record_visit(council, kind=Visit.MONITORING, date=D(2021, 6, 15), title="Second monitoring visit",
                        focus="Visits to children on plans.", priorities=[priority], user=manager)
    plan, priority, action = (type(o).objects.get(pk=o.pk) for o in (plan, priority, action))
    return {"council": council, "plan": plan, "priority": priority, "action": action, "tool": tool,
            "audits": audits, "audit_action": audit_action, "people": people, "extract": northby_extract}


def later_extract(council, tmp_path):
    """The sample as at 30 April (before the meeting), imported only now: every child on a plan visited on 28
    April, so the visits measure moves."""
    import openpyxl

    from goldthread.extracts.actions import import_extract

    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 7"]
    column = [c.value for c in sheet[1]].index("Date of the Last Statutory Visit") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = dt.datetime(2021, 4, 28)
    path = tmp_path / "northby-2021-04-30.xlsx"
    book.save(path)
    return import_extract(council, path, extract_date=D(2021, 4, 30), accept_warnings=True).extract


# --------------------------------------------------------------------------- reading the files back


def pdf_text(body: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (pypdf, independently of WeasyPrint)."""
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(body)).pages]


def docx_tables(body: bytes) -> list[list[list[str]]]:
    from docx import Document

    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(io.BytesIO(body)).tables]


def xlsx_sheets(body: bytes) -> dict[str, list[list]]:
    """Each sheet's rows of values (openpyxl, data_only=False: a formula would show as one)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets}


def xlsx_formulas(body: bytes) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


class _Rows(HTMLParser):
    """Every table row of a page, as the text of its cells."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("svg", "script", "style"):
            self._skip += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("svg", "script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def page_rows(html: str) -> list[list[str]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def row_for(rows: list[list[str]], title: str) -> list[str]:
    found = [r for r in rows if r and r[0] == title]
    assert found, f"no row for {title!r}"
    return found[0]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
