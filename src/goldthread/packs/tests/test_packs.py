"""Packs: a pack for a past board meeting is the same however much is recorded afterwards; no cell is ever a
formula; the PDF is tagged with a bookmark per section, page numbers and the protective marking where it holds
personal data; the Word document uses Word's heading styles; what each role's pack holds; the record of each
pack; the `goldthread pack` command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from goldthread.accounts.access import access_for, may_download_pack, may_generate_pack, may_see_pack_level
from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import OTHER_CHILD, PRACTITIONER_WORKER, PRACTITIONERS_CHILD
from goldthread.core.packs.document import AGGREGATE, CHILD_LEVEL, NAMED_WORKERS
from goldthread.core.packs.kinds import KINDS
from goldthread.councils.models import CouncilSettings
from goldthread.packs import actions, render
from goldthread.packs.models import GeneratedPack, PackSettings

from .conftest import MEETING, docx_tables, later_extract, pdf_text, xlsx_formulas, xlsx_sheets

pytestmark = pytest.mark.django_db


def _document(board, kind: str, role: str = "viewer", as_at=None):
    access = access_for(board["people"][role], board["council"])
    day, live = actions.resolve_as_at(as_at)
    return actions.document(board["council"], KINDS[kind], as_at=day, live=live, levels=actions.levels_for(access),
                            access=access)


def _cells(body: bytes) -> dict:
    """The workbook's cells, less the About sheet's line saying when it was produced."""
    sheets = xlsx_sheets(body)
    sheets["About"] = [row for row in sheets["About"] if row[0] != "Produced"]
    return sheets


# --------------------------------------------------------------------------- as at a past board meeting


def _later_everything(board, tmp_path):
    """An extract dated before the meeting but imported now, an audit submitted now and the earlier one moderated,
    a progress update, a new action and a changed one, a new success measure and a later target."""
    from goldthread.audits.models import Audit
    from goldthread.councils.actions import set_target
    from goldthread.plans import actions as do

    later_extract(board["council"], tmp_path)
    audit = Audit.objects.create(council=board["council"], tool_version=board["tool"].current, child_id="C3",
                                 allocated_team="Team A", status=Audit.SUBMITTED, overall_grade="outstanding")
    Audit.objects.filter(pk=audit.pk).update(submitted_at=timezone.now())
    Audit.objects.filter(pk=board["audits"][0].pk).update(status=Audit.MODERATED, moderated_grade="inadequate",
                                                          moderated_at=timezone.now())
    manager = board["people"]["manager"]
    do.post_update(action=board["action"], rag="red", narrative="Stalled.", user=board["people"]["practitioner"])
    do.save_action(board["priority"], board["action"], title="Daily visit tracker", owner=board["action"].owner,
                   due_date=dt.date(2021, 12, 31), status="complete", user=manager)
    do.save_action(board["priority"], None, title="Practice standards", owner=manager, due_date=dt.date(2021, 9, 30),
                   user=manager)
    do.add_success_measure(priority=board["priority"], measure_id="assessments_within_45wd",
                           baseline_date=dt.date(2021, 3, 31), baseline_value=50.0, target_date=dt.date(2022, 3, 31),
                           target_value=90.0, user=manager)
    set_target(board["council"], "cpp_visits_in_timescale", 99.0, user=board["people"]["council_admin"])


@pytest.mark.parametrize("kind", ["board", "dfe", "ofsted", "members"])
def test_a_pack_for_a_past_board_meeting_does_not_change_when_more_is_recorded(board, tmp_path, kind):
    before = _document(board, kind, as_at=MEETING)
    before_cells = _cells(render.xlsx(before))
    live_before = _document(board, kind)
    _later_everything(board, tmp_path)
    after = _document(board, kind, as_at=MEETING)
    assert after.sections == before.sections
    assert _cells(render.xlsx(after)) == before_cells
    # ... while the pack as at today does show what came later (so the comparison above can fail).
    assert _document(board, kind).sections != live_before.sections


def test_a_past_board_pack_reads_what_was_known_then(board):
    pack = _document(board, "board", as_at=MEETING)
    assert pack.title_page.subtitle == "For the improvement board meeting of 10 May 2021 (May improvement board)"
    cells = xlsx_sheets(render.xlsx(pack))
    status = next(rows for rows in cells.values() if rows and rows[0][0].startswith("Each success measure's status"))
    # The priority's own measure and its action's audit measure, with the owner's rating from before the meeting.
    assert [r[1:4] for r in status[2:]] == [
        ["Child protection visits within timescale", "at risk", "No update yet"],
        ["Audits graded good or better (action: Weekly visit tracker)", "on track", "Amber"]]
    text = " ".join(" ".join(map(str, r)) for r in cells["Summary"] if r) if "Summary" in cells else ""
    assert "Stalled." not in text
    bullets = [b for s in pack.sections if s.key == "summary" for b in s.blocks if hasattr(b, "items")]
    assert any("Weekly visit tracker, due 1 May 2021" in item for b in bullets for item in b.items)


# --------------------------------------------------------------------------- no formulas, ever


FORMULAS = ("=HYPERLINK(\"http://example.com\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "=cmd|' /C calc'!A0")


def test_no_cell_is_ever_a_formula_whatever_the_data_starts_with(board):
    """Text people typed that a spreadsheet would run (an action's title, an update and its evidence, the title
    page's title and contact) is in the workbook as that text."""
    from goldthread.plans import actions as do

    manager = board["people"]["manager"]
    do.add_recommendation(board["plan"], kind="notice", reference="R9", text="Answer it.", source="DfE", user=manager)
    recommendation = board["plan"].recommendations.get(reference="R9")
    action = do.save_action(board["priority"], None, title=FORMULAS[0], owner=manager, due_date=dt.date(2031, 1, 1),
                            recommendations=[recommendation], user=manager)
    do.post_update(action=action, rag="green", narrative=FORMULAS[1], evidence=FORMULAS[3], user=manager)
    do.post_update(action=action, rag="green", narrative=FORMULAS[2], user=manager)
    for kind in ("dfe", "board"):
        PackSettings.objects.create(council=board["council"], kind=kind, title=FORMULAS[4], contact=FORMULAS[5],
                                    sections=KINDS[kind].keys)
    for kind in ("dfe", "board", "members", "ofsted"):
        body = render.xlsx(_document(board, kind, role="manager"))
        assert xlsx_formulas(body) == [], kind
        values = {v for rows in xlsx_sheets(body).values() for row in rows for v in row if isinstance(v, str)}
        expected = {"dfe": FORMULAS, "board": (FORMULAS[0], FORMULAS[4], FORMULAS[5])}.get(kind, ())
        for text in expected:
            assert text in values, (kind, text)


# --------------------------------------------------------------------------- the PDF and the Word document


def test_the_pdf_is_tagged_with_a_bookmark_per_section_page_numbers_and_the_marking(board):
    from pypdf import PdfReader

    pack = _document(board, "board")
    assert pack.marked and [s.level for s in pack.sections].count(NAMED_WORKERS) == 1  # the workforce section
    body = render.pdf(pack)
    reader = PdfReader(io.BytesIO(body))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert [o["/Title"] for o in reader.outline if isinstance(o, dict)] == [s.heading for s in pack.sections]
    fonts = {font.get_object()["/BaseFont"].split("+")[-1] for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts == {"Liberation-Sans", "Liberation-Sans-Bold"}  # embedded, the same on every machine
    pages = pdf_text(body)
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    # A pack of aggregate figures only carries no marking.
    members = pdf_text(render.pdf(_document(board, "members")))
    assert not any("OFFICIAL-SENSITIVE" in page for page in members)


def test_rendering_fetches_nothing_and_text_stays_text(board):
    fetcher = render._offline_fetcher()
    for url in ("http://example.com/x.png", "file:///etc/passwd", "https://127.0.0.1/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    PackSettings.objects.create(council=board["council"], kind="members", sections=KINDS["members"].keys,
                                title='<img src="http://example.com/x.png"> Members', contact="</style><b>x</b>")
    pack = _document(board, "members")
    html = render.html(pack)
    assert '<img src="http' not in html and "&lt;img src=&quot;http://example.com/x.png&quot;&gt;" in html
    assert "</style><b>" not in html
    text = " ".join(pdf_text(render.pdf(pack)))
    assert '<img src="http://example.com/x.png"> Members' in text


def test_the_word_document_uses_headings_and_real_tables(board):
    from docx import Document

    pack = _document(board, "board")
    doc = Document(io.BytesIO(render.docx(pack)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Contents"] + [s.heading for s in pack.sections]
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["Improvement board pack"]
    assert "Priority 1: Visits on time" in [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    tables = docx_tables(render.docx(pack))
    assert len(tables) >= 6 and all(len(t) >= 1 for t in tables)
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert doc.core_properties.language == "en-GB"


# --------------------------------------------------------------------------- roles


def test_who_may_make_which_pack_and_what_it_holds(board, people):
    council = board["council"]
    everyone = {role: access_for(people[role], council) for role in people if role not in ("other_council",
                                                                                            "national")}
    for role, access in everyone.items():
        for kind in ("board", "dfe", "ofsted", "members"):
            assert may_generate_pack(access, kind), (role, kind)
        assert not may_generate_pack(access, "adviser") and not may_generate_pack(access, "nonsense")
        assert may_see_pack_level(access, AGGREGATE) and may_see_pack_level(access, NAMED_WORKERS)
        assert may_see_pack_level(access, CHILD_LEVEL) == (role != "viewer"), role
    assert not may_generate_pack(access_for(people["other_council"], council), "board")
    assert not may_generate_pack(None, "members")


def test_a_viewers_board_pack_has_no_child_level_pages_and_a_managers_has_them(board):
    PackSettings.objects.create(council=board["council"], kind="board", sections=KINDS["board"].keys)
    viewer = _document(board, "board", "viewer")
    manager = _document(board, "board", "manager")
    assert [s.key for s in viewer.sections] == ["summary", "priorities", "scorecard", "workforce"]
    assert [s.key for s in manager.sections] == ["summary", "priorities", "scorecard", "workforce", "children"]
    assert manager.child_level and not viewer.child_level
    assert "children's records" in manager.marking and "children's records" not in viewer.marking


def test_a_practitioners_children_section_lists_only_their_own_children(board):
    from goldthread.councils.actions import set_target

    PackSettings.objects.create(council=board["council"], kind="board", sections=KINDS["board"].keys)
    set_target(board["council"], "cpp_visits_in_timescale", 99.0, user=None)
    analyst = _document(board, "board", "analyst")
    practitioner = _document(board, "board", "practitioner")
    listed = {role: {cell.text for s in pack.sections if s.key == "children" for t in s.tables() for row in t.rows
                     for cell in row[:1]} for role, pack in (("analyst", analyst), ("practitioner", practitioner))}
    from goldthread.extracts.models import ROW_MODELS

    own = {c for model in ROW_MODELS.values() if "allocated_worker" in {f.name for f in model._meta.fields}
           for c in model.objects.filter(extract=board["extract"], allocated_worker__iexact=PRACTITIONER_WORKER)
           .values_list("child_id", flat=True)}
    assert PRACTITIONERS_CHILD in own and OTHER_CHILD not in own
    assert OTHER_CHILD in listed["analyst"]  # a child allocated to someone else needs attention
    assert listed["practitioner"] == listed["analyst"] & own


def test_a_pack_listing_children_is_logged_and_downloaded_again_only_by_those_who_may_see_them(board, client):
    from django.urls import reverse

    from goldthread.conftest import NORTHBY

    PackSettings.objects.create(council=board["council"], kind="board", sections=KINDS["board"].keys)
    manager = access_for(board["people"]["manager"], board["council"])
    client.force_login(board["people"]["manager"])
    response = client.post(reverse("packs:new", args=[NORTHBY]), {"kind": "board", "as_at": "today",
                                                                  "format": "xlsx"})
    record = GeneratedPack.objects.get()
    assert response.status_code == 302 and record.child_level and record.status == GeneratedPack.QUEUED
    entry = AccessLogEntry.objects.get()
    assert entry.action == "export" and entry.username == "max" and "lists children" in entry.subject
    assert actions.make_queued(record.pk) == GeneratedPack.READY
    record.refresh_from_db()
    assert record.child_level and record.sections[-1] == "children" and record.file_name.endswith(".xlsx")
    for role, allowed in (("viewer", False), ("practitioner", False), ("analyst", True), ("council_admin", True)):
        assert may_download_pack(access_for(board["people"][role], board["council"]), record) == allowed, role
    client.force_login(board["people"]["viewer"])
    assert client.get(reverse("packs:download", args=[NORTHBY, record.pk])).status_code == 404
    client.force_login(board["people"]["analyst"])
    download = client.get(reverse("packs:download", args=[NORTHBY, record.pk]))
    assert download.status_code == 200 and download.content == bytes(record.file)
    assert AccessLogEntry.objects.filter(username="ana", action="export").count() == 1
    assert manager is not None


def test_a_role_taken_away_before_the_worker_makes_the_pack_means_no_pack(board):
    from goldthread.accounts.models import Membership

    record = actions.request_pack(access_for(board["people"]["analyst"], board["council"]), "members", fmt="pdf")
    Membership.objects.filter(user=board["people"]["analyst"]).delete()
    assert actions.make_queued(record.pk) == GeneratedPack.REFUSED
    record.refresh_from_db()
    assert record.file is None and "no longer has a role" in record.message


# --------------------------------------------------------------------------- records


def test_every_pack_is_recorded_with_its_file_data_version_and_who(board):
    council = board["council"]
    version = CouncilSettings.objects.get(council=council).data_version
    access = access_for(board["people"]["analyst"], council)
    record = actions.generate(council, "members", fmt="docx", as_at=MEETING, access=access)
    record.refresh_from_db()
    assert (record.kind, record.council, record.as_at, record.live, record.format) == (
        "members", council, MEETING, False, "docx")
    assert record.requested_by == board["people"]["analyst"] and record.requested_by_name == "ana"
    assert record.data_version == version and record.status == GeneratedPack.READY
    assert bytes(record.file)[:2] == b"PK" and record.size == len(bytes(record.file))
    assert record.file_name == "Members report - Northby - as at 10 May 2021.docx"
    assert record.sections == ["summary", "priorities", "performance", "workforce", "audits"]
    with pytest.raises(actions.PackRefused):
        actions.generate(council, "members", fmt="pdf", as_at=timezone.localdate() + dt.timedelta(days=1),
                         access=access)
    southmoor = board["people"]["other_council"].memberships.get().council
    with pytest.raises(PermissionDenied):  # an analyst's access in Southmoor makes no pack of Northby's
        actions.generate(council, "members", fmt="pdf", access=access_for(board["people"]["other_council"],
                                                                          southmoor))
    assert GeneratedPack.objects.count() == 1


# --------------------------------------------------------------------------- the command line


def test_the_pack_command_writes_the_file_and_records_it(board, tmp_path, capsys):
    out = tmp_path / "board.xlsx"
    call_command("pack", "board", "--la", "991", "--as-at", "10/05/2021", "--format", "xlsx", "--out", str(out),
                 verbosity=0)
    record = GeneratedPack.objects.get()
    assert out.read_bytes() == bytes(record.file) and record.via == GeneratedPack.COMMAND
    assert record.as_at == MEETING and record.requested_by is None and record.requested_by_name == "command line"
    assert "Wrote" in capsys.readouterr().out
    assert not record.child_level and AccessLogEntry.objects.count() == 0
    # With --child-level the sections listing children are in, and the export is in the access log.
    from goldthread.councils.actions import set_target

    set_target(board["council"], "cpp_visits_in_timescale", 99.0, user=None)
    PackSettings.objects.create(council=board["council"], kind="board", sections=KINDS["board"].keys)
    call_command("pack", "board", "--la", "E06999901", "--out", str(tmp_path / "b.pdf"), "--child-level",
                 verbosity=0)
    latest = GeneratedPack.objects.first()
    assert latest.child_level and AccessLogEntry.objects.get().username.startswith("goldthread pack board")


@pytest.mark.parametrize("arguments, message", [
    (["nonsense", "--la", "991"], "There is no pack called 'nonsense'"),
    (["board", "--la", "991", "--format", "pptx"], "There is no format 'pptx'"),
    (["board", "--la", "991", "--as-at", "31/02/2021"], "'31/02/2021' is not a date"),
    (["board", "--la", "991", "--as-at", "01/01/2999"], "A pack cannot be as at a date still to come"),
    (["board", "--la", "999"], "No council has the code '999'"),
])
def test_the_pack_command_refuses_with_one_sentence_and_status_2(board, tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as stopped:
        call_command("pack", *arguments, "--out", str(tmp_path / "x.pdf"), verbosity=0)
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(message) and "\n" not in error and "Traceback" not in error
    assert not (tmp_path / "x.pdf").exists()


def test_the_pack_command_refuses_an_output_folder_that_does_not_exist(board, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("pack", "members", "--la", "991", "--out", str(tmp_path / "no" / "x.pdf"), verbosity=0)
    assert stopped.value.code == 2 and "give a file name in a folder that exists" in capsys.readouterr().err

