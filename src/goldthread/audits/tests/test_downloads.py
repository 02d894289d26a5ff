"""What the audits show, downloaded from the learning page (goldthread.tables): the audit measures and the
final grades by month, team, section and theme hold exactly what the page shows; a theme that starts like a
formula stays text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.audits import actions as audits
from goldthread.audits.models import AuditTool
from goldthread.conftest import NORTHBY
from goldthread.portal.tests.download_helpers import assert_same_cells, download, download_links, page_table

pytestmark = pytest.mark.django_db

THEMES = ['=HYPERLINK("http://example.com","x")', "+Drift", "@Neglect"]


@pytest.fixture
def audited(northby_extract, people):
    council, auditor = northby_extract.council, people["auditor"]
    audits.ensure_shipped_tools(council, auditor)
    tool = AuditTool.objects.get(council=council, name="Practice quality audit")
    programme = audits.create_programme(council, title="March", month=dt.date(2021, 3, 1), tool_version=tool.current,
                                        size=3, method="random", seed=1, user=auditor)
    for audit, grade, themes in zip(programme.audits.order_by("pk"), ("good", "requires_improvement", "inadequate"),
                                    (THEMES[:2], THEMES[1:], ["-2+3"]), strict=True):
        findings = {s["key"]: {"evidence": "seen", "grade": grade} for s in tool.current.sections}
        audits.save_audit(audit, revision=audit.revision, findings=findings, overall_grade=grade, summary="fine",
                          themes=themes, user=auditor, submit=True)
    return council


def test_the_learning_pages_tables_download_as_the_page_shows_them(client, people, audited):
    client.force_login(people["viewer"])
    url = reverse("audits:learning", args=[NORTHBY])
    html = client.get(url).content.decode()
    mapping = {"learning-measures": [0, None, 1, 2, 2, 3],
               "learning-months": list(range(8)), "learning-teams": list(range(7)),
               "learning-sections": list(range(7)), "learning-themes": [0, 1, 2, 3, 3, 4]}
    for table_id, columns in mapping.items():
        assert f"{url}?download={table_id}&format=xlsx" in download_links(html)
        header, rows = download(client, url, table_id)  # fails on any formula or any cell that would run
        assert rows, table_id
        assert_same_cells(page_table(html, table_id), rows, columns)
    header, rows = download(client, url, "learning-themes")
    assert header == ["Theme", "Audits", "Months", "First", "Latest", "Recurring"]
    assert {r[0]: r[1] for r in rows} == {THEMES[0]: 1, THEMES[1]: 2, THEMES[2]: 1, "-2+3": 1}
    header, rows = download(client, url, "learning-months")
    # Submitted this month: one good, one requiring improvement, one inadequate; a third good or better.
    assert rows == [[timezone.localdate().replace(day=1), 3, 0, 1, 1, 1, 33.3, 0]]
    assert client.get(url, {"download": "learning-themes", "format": "png"}).status_code == 404


def test_the_audits_behind_an_audit_measure_download_as_listed_and_are_logged(client, people, audited):
    from goldthread.accounts.models import AccessLogEntry

    client.force_login(people["auditor"])
    url = reverse("portal:measure_children", args=[NORTHBY, "audits_good_or_better"])
    html = client.get(url, {"show": "all"}).content.decode()
    header, rows = download(client, url, "children", {"show": "all"})
    assert [r[2].split()[0] for r in rows] == ["Audit"] * 3 and sorted(r[5] for r in rows) == ["No", "No", "Yes"]
    assert_same_cells(page_table(html, "children"), rows, [0, 1, 2, 3, 4, 5, 6])
    assert AccessLogEntry.objects.filter(user=people["auditor"], action="export").count() == 2
    # The measure's trend and its breakdown by team download from its page too.
    measure = reverse("portal:measure", args=[NORTHBY, "audits_good_or_better"])
    page = client.get(measure).content.decode()
    _, rows = download(client, measure, "by-team")
    assert_same_cells(page_table(page, "by-team"), rows, [0, 1, 2, 3])
    _, rows = download(client, measure, "trend")
    assert_same_cells(page_table(page, "trend"), rows, [0, 1])
