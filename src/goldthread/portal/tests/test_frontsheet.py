"""The front sheet: the headline Annex A measures with the dashboard's own figures (latest, previous extract,
England), moving on with a newer extract, while the front sheet as it stood at a past moment stays as it was."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from goldthread.charts import format_value
from goldthread.conftest import NORTHBY, SAMPLE, SAMPLE_AS_AT, published_figure
from goldthread.core.measures import ANNEX_A, REGISTRY
from goldthread.extracts.actions import import_extract
from goldthread.extracts.models import Extract
from goldthread.plans.queries import end_of
from goldthread.portal import data
from goldthread.portal.frontsheet import HEADLINES, MEASURE_IDS, front_sheet
from goldthread.portal.frontsheet_views import IN_THE_FUTURE, NOT_A_DATE
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

RECEIVED = timezone.make_aware(dt.datetime(2021, 4, 6, 9, 0))  # the 31 March extract arrived then
VISIT = dt.date(2021, 5, 12)  # a monitoring visit, before the newer extract was imported
NEWER_AS_AT = dt.date(2021, 4, 30)


def newer_extract(council, tmp_path) -> Extract:
    """The sample a month on, with every child protection plan's last statutory visit two days before its date."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 7"]
    column = [c.value for c in sheet[1]].index("Date of the Last Statutory Visit") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = dt.datetime(2021, 4, 28)
    path = tmp_path / "northby-2021-04-30.xlsx"
    book.save(path)
    return import_extract(council, path, extract_date=NEWER_AS_AT, accept_warnings=True).extract


@pytest.fixture
def received(northby_extract):
    Extract.objects.filter(pk=northby_extract.pk).update(uploaded_at=RECEIVED)
    for indicator, value in (("cin_rereferral_rate", 22.4), ("cpp_second_or_subsequent", 23.3)):
        published_figure(indicator, 2024, value, area="England", level="national")
    return northby_extract.council


def figures(sheet) -> list[tuple]:
    return [(row.measure.id, row.value, row.previous, row.england, row.change, row.better) for row in sheet.rows]


def test_the_headlines_are_annex_a_measures_declared_once():
    assert len(MEASURE_IDS) == len(set(MEASURE_IDS)) >= 20
    assert all(REGISTRY[mid].source == ANNEX_A for mid in MEASURE_IDS)
    assert [label for label, _ in HEADLINES] == ["Front door", "Assessment", "Child protection", "Children in need",
                                                 "Children in care", "Care leavers", "Workforce"]


def test_each_figure_is_the_dashboards(received, client, people):
    sheet = front_sheet(received)
    assert (sheet.as_at, sheet.previous_as_at, sheet.known_at) == (SAMPLE_AS_AT, None, None)
    cards = {c.measure.id: c for group in data.cards(received, data.extracts_of(received)).values() for c in group}
    assert [row.measure.id for row in sheet.rows] == list(MEASURE_IDS)
    for row in sheet.rows:
        card = cards[row.measure.id]
        assert (row.value, row.numerator, row.denominator, row.previous, row.england, row.change, row.better,
                row.england_status) == (card.value, card.numerator, card.denominator, card.previous, card.england,
                                        card.change, card.better, card.england_status), row.measure.id
    stored = Figure.objects.get(extract__council=received, measure_id="cpp_visits_in_timescale").value
    assert sheet.row("cpp_visits_in_timescale").value == stored
    assert sheet.row("re_referrals_12m").england == (2024, 22.4)
    repeat = sheet.row("cpp_second_or_subsequent")
    assert repeat.england == (2024, 23.3) and repeat.value > 23.3 and repeat.england_status == "worse than England"
    assert sum(row.value is not None for row in sheet.rows) >= 15

    client.force_login(people["viewer"])
    page = client.get(reverse("portal:front_sheet", args=[NORTHBY])).content.decode()
    assert "as at <strong>31 March 2021</strong>" in page
    for row in sheet.rows:
        assert row.measure.title in page
    assert format_value(sheet.row("cpp_open").value, "count") in page
    assert '22.4% <span class="govuk-body-s">(2024)</span>' in page  # no value this month: no comparison
    assert f'{format_value(repeat.value, "percent")}</td>' in page
    assert '23.3% <span class="govuk-body-s">(2024; worse than England)</span>' in page


def test_a_newer_extract_moves_it_on_and_the_front_sheet_for_a_past_visit_does_not_change(received, tmp_path,
                                                                                          client, people):
    before_now = front_sheet(received)
    at_the_visit = front_sheet(received, known_at=end_of(VISIT))
    assert figures(at_the_visit) == figures(before_now)
    newer = newer_extract(received, tmp_path)

    now = front_sheet(received)
    assert (now.as_at, now.previous_as_at, now.source_name) == (NEWER_AS_AT, SAMPLE_AS_AT, newer.source_name)
    visits = now.row("cpp_visits_in_timescale")
    assert visits.value != before_now.row("cpp_visits_in_timescale").value
    assert visits.previous == before_now.row("cpp_visits_in_timescale").value
    assert visits.change in ("up", "down") and visits.better is (visits.change == "up")

    again = front_sheet(received, known_at=end_of(VISIT))
    assert again == at_the_visit
    assert (again.as_at, again.previous_as_at) == (SAMPLE_AS_AT, None)

    client.force_login(people["viewer"])
    past = client.get(reverse("portal:front_sheet", args=[NORTHBY]), {"as_at": VISIT.isoformat()}).content.decode()
    assert "as it stood at the end of 12 May 2021" in past and "as at <strong>31 March 2021</strong>" in past
    by_fields = client.get(reverse("portal:front_sheet", args=[NORTHBY]),
                           {"as_at-day": "12", "as_at-month": "5", "as_at-year": "2021"}).content.decode()
    assert "as at <strong>31 March 2021</strong>" in by_fields
    live = client.get(reverse("portal:front_sheet", args=[NORTHBY])).content.decode()
    assert "as at <strong>30 April 2021</strong>" in live


def test_before_any_extract_it_says_so(received, client, people):
    assert front_sheet(received, known_at=end_of(dt.date(2021, 4, 1))).rows == []
    client.force_login(people["viewer"])
    page = client.get(reverse("portal:front_sheet", args=[NORTHBY]), {"as_at": "2021-04-01"}).content.decode()
    assert "No Annex A extract for Northby had been imported by the end of 1 April 2021." in page


@pytest.mark.parametrize("query, message", [
    ({"as_at": "2021-02-30"}, NOT_A_DATE), ({"as_at": "yesterday"}, NOT_A_DATE),
    ({"as_at-day": "31", "as_at-month": "2", "as_at-year": "2021"}, NOT_A_DATE),
    ({"as_at-day": "1", "as_at-month": "1", "as_at-year": "99999"}, NOT_A_DATE),
    ({"as_at": "2999-01-01"}, IN_THE_FUTURE),
])
def test_a_date_that_cannot_be_used_gets_one_sentence(received, client, people, query, message):
    client.force_login(people["viewer"])
    response = client.get(reverse("portal:front_sheet", args=[NORTHBY]), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#as_at-day">{message}</a>' in page and "<title>Error: " in page
    assert "as at <strong>31 March 2021</strong>" in page  # the front sheet now, meanwhile
