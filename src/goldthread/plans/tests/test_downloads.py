"""The improvement plan's front page downloaded as tables (goldthread.tables): priorities, actions and success
measures with their status hold exactly what the page shows, and text that starts like a formula stays text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from goldthread.conftest import NORTHBY
from goldthread.plans import actions as plans
from goldthread.portal.tests.download_helpers import (
    assert_same_cells,
    assert_same_values,
    download,
    download_links,
    page_table,
)

pytestmark = pytest.mark.django_db

PRIORITY = '=HYPERLINK("http://example.com","Visits")'
ACTION = "@SUM(A1:A9)"


@pytest.fixture
def plan(northby_extract, people):
    council, manager = northby_extract.council, people["manager"]
    plan = plans.create_plan(council, title="Northby's plan", vision="Children seen", recommendations="1. Visit.",
                             source="ILACS", user=manager)
    first = plans.save_priority(plan, None, title=PRIORITY, phase="Year 1", teams=["Team A"], lead=manager,
                                user=manager)
    late = plans.save_action(first, None, title=ACTION, owner=people["practitioner"], due_date=dt.date(2021, 1, 1),
                             recommendations=list(plan.recommendations.all()), user=manager)
    plans.save_action(first, None, title="+Tracker", owner=manager, due_date=dt.date(2031, 1, 1), user=manager)
    plans.add_success_measure(action=late, measure_id="cpp_visits_in_timescale", baseline_date=dt.date(2021, 1, 31),
                              baseline_value=50, target_date=dt.date(2022, 1, 31), target_value=90, user=manager)
    plans.add_success_measure(priority=first, measure_id="cla_visits_in_timescale",
                              baseline_date=dt.date(2021, 1, 31), baseline_value=40, target_date=dt.date(2022, 3, 31),
                              target_value=80, user=manager)
    plans.post_update(action=late, rag="green", narrative="Started", user=people["practitioner"])
    second = plans.save_priority(plan, None, title="-Leadership", phase="Year 2", user=manager)
    plans.save_action(second, None, title="Board", owner=manager, status="complete",
                      due_date=dt.date(2021, 2, 1), user=manager)
    return plan


def cards(html: str) -> list[str]:
    """Each priority's summary card as text."""
    found = html.split('<div class="govuk-summary-card">')[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", card.split("</details>")[0]).split()).replace("&quot;", '"')
            .replace("&#x27;", "'").replace("&amp;", "&") for card in found]


def test_the_plan_downloads_as_its_page_shows_it(client, people, plan):
    client.force_login(people["viewer"])
    url = reverse("plans:home", args=[NORTHBY])
    html = client.get(url).content.decode()
    for table_id in ("plan-priorities", "plan-actions", "plan-measures"):
        assert f"{url}?download={table_id}&format=csv" in download_links(html)

    header, rows = download(client, url, "plan-priorities")
    assert header == ["Phase", "Priority", "Title", "Lead", "Actions", "Complete", "Overdue"]
    assert [r[2] for r in rows] == [PRIORITY, "-Leadership"]  # text, never a formula (the download checks)
    assert [r[4:] for r in rows] == [[2, 0, 1], [1, 1, 0]]
    assert_same_values([[card] for card in cards(html)], [r[1:] for r in rows], skip=(None, "", 0))

    header, rows = download(client, url, "plan-actions")
    assert header == ["Priority", "Action", "Owner", "Due", "Status", "Overdue", "Answers"]
    assert [(r[1], r[5]) for r in rows] == [(ACTION, "Overdue"), ("+Tracker", "No"), ("Board", "No")]
    # On the page: the action (and what it answers), its owner, its due date (flagged when overdue), its status.
    assert_same_cells(page_table(html, "plan-actions"), [[*r[:5], r[5] if r[5] == "Overdue" else None, r[6]]
                                                         for r in rows], [None, 0, 1, 2, 3, 2, 0])

    header, rows = download(client, url, "plan-measures")
    assert header[:4] == ["Priority", "Action", "Measure", "Unit"]
    assert [r[1:5] for r in rows] == [[None, "Children in care visited within six weeks", "percent", 50],
                                      [ACTION, "Child protection visits within timescale", "percent", 0]]
    assert [r[6:9] for r in rows] == [[80, dt.date(2022, 3, 31), "Off track"], [90, dt.date(2022, 1, 31), "Off track"]]
    assert rows[1][10:] == ["Green", "The owner says green, but the data says off track."]
    # Measure; latest value and date; target and date; status from the data and why; the owner's rating.
    assert_same_cells(page_table(html, caption="Success measures"), rows,
                      [None, None, 0, None, 1, 1, 2, 2, 3, 3, 4, 4])
    assert client.get(url, {"download": "plan-nothing", "format": "csv"}).status_code == 404


def test_without_a_plan_there_is_nothing_to_download(client, people, northby_extract):
    client.force_login(people["manager"])
    url = reverse("plans:home", args=[NORTHBY])
    assert "download=" not in client.get(url).content.decode()
    assert client.get(url, {"download": "plan-priorities", "format": "csv"}).status_code == 404
