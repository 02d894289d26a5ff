"""A stored extract written back out in Ofsted's Annex A template: read back by goldthread it gives the same rows
and every measure as stored at import, with no new issue; downloaded from the extract's page only by roles that see
every child, and logged as a child-level export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import NORTHBY, OTHER_CHILD, PRACTITIONERS_CHILD, SAMPLE_AS_AT, SOUTHMOOR
from goldthread.core.annexa.reader import read_annex_a
from goldthread.core.annexa.spec import LISTS
from goldthread.core.annexa.synth import SynthConfig, write_workbook
from goldthread.core.measures import compute_all
from goldthread.extracts.actions import file_digest, import_annex, measure_context
from goldthread.extracts.queries import StoredAnnexA, load_table
from goldthread.portal import ofsted
from goldthread.portal.extract_views import NOT_EVERY_CHILD
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

MEDIUM_AS_AT = dt.date(2025, 9, 30)


def round_trip(extract, tmp_path):
    """The extract in Ofsted's template, read back by goldthread as of its extract date."""
    path = tmp_path / ofsted.annex_a_filename(extract)
    path.write_bytes(ofsted.annex_a_workbook(extract))
    return read_annex_a(path, extract_date=extract.extract_date)


def assert_same_rows_and_measures(extract, back):
    for spec in LISTS:
        stored = load_table(extract, spec.number)[list(spec.names)]
        pd.testing.assert_frame_equal(back.table(spec.number)[list(spec.names)].reset_index(drop=True), stored,
                                      obj=spec.label)
    results = compute_all(back, measure_context(extract.council, extract.extract_date))
    stored = {v.measure_id: (v.value, v.numerator, v.denominator) for v in Figure.objects.filter(extract=extract)}
    assert {mid: (r.value, r.numerator, r.denominator) for mid, r in results.items()} == stored
    assert sum(value is not None for value, _, _ in stored.values()) >= 20  # the comparison compared something


def test_the_liia_sample_round_trips(northby_extract, sample_annex, tmp_path):
    back = round_trip(northby_extract, tmp_path)
    assert back.row_counts == {n: len(load_table(northby_extract, n)) for n in range(1, 12)}
    assert_same_rows_and_measures(northby_extract, back)
    # The sample's own values that no code list knows are kept as recorded (they were warned about at import, and
    # are again); the template adds no issue of its own: no missing list or column, no bad value, no date or age
    # problem, no duplicate.
    imported, _ = sample_annex
    recorded = sorted((i.list_number, i.column, i.value) for i in imported.issues if i.kind == "unknown_code")
    assert recorded and sorted((i.list_number, i.column, i.value) for i in back.issues) == recorded
    assert {i.kind for i in back.issues} == {"unknown_code"}
    # Lists the sample had no column for are written with Ofsted's header, so they are found and read.
    assert not [i for i in back.issues if i.kind in ("missing_column", "missing_list", "bad_value")]


def test_a_clean_synthetic_medium_extract_round_trips_with_no_issue(councils, tmp_path):
    council = councils.get(ons_code=SOUTHMOOR)
    path = tmp_path / "medium.xlsx"
    write_workbook(path, SynthConfig(size="medium", profile="improving", seed=7, council_name="Southmoor"),
                   MEDIUM_AS_AT, irregular=False)
    annex = read_annex_a(path, extract_date=MEDIUM_AS_AT)
    assert annex.issues == []
    extract = import_annex(council, annex, sha256=file_digest(path), source_name=path.name).extract
    back = round_trip(extract, tmp_path)
    assert back.issues == []
    assert sum(back.row_counts.values()) > 10_000
    assert_same_rows_and_measures(extract, back)


def test_the_workbook_is_ofsteds_template(northby_extract):
    book = openpyxl.load_workbook(io.BytesIO(ofsted.annex_a_workbook(northby_extract)))
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    assert [c.value for c in book["List 9"][1]] == [col.header for col in LISTS[8].columns]
    stored = StoredAnnexA(northby_extract).table(7)
    sheet = book["List 7"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == stored["child_id"].tolist()
    assert PRACTITIONERS_CHILD in stored["child_id"].tolist() and OTHER_CHILD in stored["child_id"].tolist()
    dates = [cell for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7) for cell in row]
    assert dates and all(cell.is_date and cell.number_format == "dd/mm/yyyy" for cell in dates)
    assert not [cell for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


# --------------------------------------------------------------------------- the download


def download_url(extract) -> str:
    return reverse("portal:extract", args=[NORTHBY, extract.pk]) + "?download=ofsted"


@pytest.mark.parametrize("role", ["analyst", "auditor", "manager", "council_admin"])
def test_roles_that_see_every_child_download_it_and_it_is_logged(client, people, northby_extract, role):
    client.force_login(people[role])
    page = client.get(reverse("portal:extract", args=[NORTHBY, northby_extract.pk])).content.decode()
    assert "Download Annex A as at 31 March 2021 in Ofsted's template (spreadsheet)" in page
    assert AccessLogEntry.objects.count() == 0  # the page itself shows no child
    response = client.get(download_url(northby_extract))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="Northby Annex A as at 2021-03-31.xlsx"'
    assert "no-store" in response["Cache-Control"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["List 7"].max_row == 1 + len(load_table(northby_extract, 7))
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.child_id) == (people[role].username, "export", "")
    assert entry.subject == "Annex A as at 31/03/2021 in Ofsted's template (spreadsheet)"
    assert entry.why == "downloaded the extract in Ofsted's template"


@pytest.mark.parametrize("role", ["practitioner", "viewer", "other_council"])
def test_roles_that_do_not_see_every_child_cannot_download_it_and_are_not_offered_it(client, people,
                                                                                       northby_extract, role):
    client.force_login(people[role])
    response = client.get(download_url(northby_extract))
    assert response.status_code == 403
    assert "spreadsheet" not in response["Content-Type"]
    if role == "practitioner":  # sees the extract page, and only their own children elsewhere
        assert NOT_EVERY_CHILD.replace("'", "&#x27;") in response.content.decode()
        page = client.get(reverse("portal:extract", args=[NORTHBY, northby_extract.pk]))
        assert page.status_code == 200 and "Ofsted's template" not in page.content.decode()
    assert AccessLogEntry.objects.count() == 0


def test_an_extract_whose_rows_were_deleted_is_not_offered(client, people, northby_extract):
    from django.utils import timezone

    northby_extract.withdrawn_at = northby_extract.purged_at = timezone.now()
    northby_extract.save()
    client.force_login(people["analyst"])
    page = client.get(reverse("portal:extract", args=[NORTHBY, northby_extract.pk])).content.decode()
    assert "Ofsted's template" not in page and "Ofsted&#x27;s template" not in page
    assert client.get(download_url(northby_extract)).status_code == 404
    assert AccessLogEntry.objects.count() == 0


def test_the_sample_is_the_extract_at_its_date(northby_extract):
    assert northby_extract.extract_date == SAMPLE_AS_AT
