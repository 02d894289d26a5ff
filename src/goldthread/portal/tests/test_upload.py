"""Uploading on the portal: the worker checks the file, the report shows what it found, the uploader confirms
a proposed date and any differences from the previous extract, and only then is it imported."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goldthread.accounts.models import AccessLogEntry
from goldthread.conftest import NORTHBY, SAMPLE, SAMPLE_AS_AT
from goldthread.extracts.models import Extract, Upload


def sample_upload(name: str = "annex-a.xlsx", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else SAMPLE.read_bytes(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def analyst(client, people):
    client.force_login(people["analyst"])
    return client


def test_upload_is_checked_by_the_worker_then_imported_when_confirmed(analyst, run_jobs, settings):
    url = reverse("portal:upload", args=[NORTHBY])
    response = analyst.post(url, {"file": sample_upload(), "extract_date": "31/03/2021"})
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/uploads/{upload.pk}/")
    assert upload.status == Upload.CHECKING and upload.extract_date_given
    stored = settings.DATA_DIR / "uploads" / upload.stored_name
    assert stored.exists() and oct(stored.stat().st_mode & 0o777) == "0o600"
    waiting = analyst.get(response["Location"]).content.decode()
    assert "Checking the file" in waiting and "Import this extract" not in waiting
    assert AccessLogEntry.objects.count() == 0  # nothing child-level shown yet

    assert run_jobs() == 1
    upload.refresh_from_db()
    assert upload.status == Upload.VALIDATED and Extract.objects.count() == 0  # nothing imported before confirming
    report = analyst.get(response["Location"]).content.decode()
    assert "&#x27;CS Assessment Updated&#x27; is not Yes, No or Unknown" in report  # the sample's free text
    assert "List 4, sheet 'List 4', row 2, column 'Was the child assessed" in report
    assert "31 March 2021 (as you gave it)" in report
    assert "Import this extract" in report and "Check the extract date" not in report
    seen = AccessLogEntry.objects.get()  # the report quotes cells of child-level rows: logged
    assert (seen.action, seen.username, seen.subject) == ("view", "ana", "validation report of annex-a.xlsx")

    sheet = analyst.get(reverse("portal:upload_issues", args=[NORTHBY, upload.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Severity", "List", "Sheet", "Row", "Column", "Value", "Expected", "Message")
    assert len(rows) - 1 == len(upload.issues) == 7

    analyst.post(response["Location"])
    upload.refresh_from_db()
    assert upload.status == Upload.QUEUED and Extract.objects.count() == 0
    assert "Waiting to import" in analyst.get(response["Location"]).content.decode()
    assert run_jobs() == 1
    upload.refresh_from_db()
    assert upload.status == Upload.IMPORTED and upload.extract.extract_date == SAMPLE_AS_AT
    assert not stored.exists()  # the file is deleted once imported
    assert analyst.get(reverse("portal:upload_status", args=[NORTHBY, upload.pk])).json()["status"] == "imported"
    assert "Extract imported" in analyst.get(response["Location"]).content.decode()
    dashboard = analyst.get(reverse("portal:dashboard", args=[NORTHBY])).content.decode()
    assert "Measures as at <strong>31 March 2021</strong>" in dashboard


def test_a_proposed_extract_date_must_be_confirmed_or_corrected(analyst, run_jobs):
    response = analyst.post(reverse("portal:upload", args=[NORTHBY]), {"file": sample_upload()})
    report_url = response["Location"]
    run_jobs()
    upload = Upload.objects.get()
    assert (upload.extract_date, upload.extract_date_given) == (dt.date(2021, 3, 2), False)
    report = analyst.get(report_url).content.decode()
    assert "Check the extract date" in report and "goldthread proposes <strong>2 March 2021</strong>" in report
    assert "the 2 later dates (up to 15/03/2021) stand apart from the rest and may be mistyped" in report

    refused = analyst.post(report_url, {})  # import without confirming the date
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page and 'href="#id_date_confirmed">Confirm the extract date' in page
    assert Upload.objects.get().status == Upload.VALIDATED

    corrected = analyst.post(report_url, {"extract_date": "31/03/2021"})  # the right date: checked again
    assert corrected.status_code == 302
    assert Upload.objects.get().status == Upload.CHECKING
    run_jobs()
    upload.refresh_from_db()
    assert (upload.status, upload.extract_date, upload.extract_date_given) == (
        Upload.VALIDATED, SAMPLE_AS_AT, True)
    assert not [i for i in upload.issues if i["kind"] == "future_date"]  # 5 and 15 March are before 31 March
    analyst.post(report_url, {})
    run_jobs()
    assert Extract.objects.get().extract_date == SAMPLE_AS_AT


def test_a_proposed_date_once_confirmed_is_the_extract_date(analyst, run_jobs):
    report_url = analyst.post(reverse("portal:upload", args=[NORTHBY]), {"file": sample_upload()})["Location"]
    run_jobs()
    analyst.post(report_url, {"date_confirmed": "on"})
    run_jobs()
    extract = Extract.objects.get()
    assert extract.extract_date == dt.date(2021, 3, 2) and extract.extract_date_inferred


def test_a_bad_date_on_the_report_is_an_error_message(analyst, run_jobs):
    report_url = analyst.post(reverse("portal:upload", args=[NORTHBY]), {"file": sample_upload()})["Location"]
    run_jobs()
    page = analyst.post(report_url, {"extract_date": "31/02/2021"}).content.decode()
    assert 'href="#id_extract_date">Enter the extract date as day/month/year' in page
    assert Upload.objects.get().status == Upload.VALIDATED


def test_unreadable_upload_is_refused_on_the_form(analyst):
    response = analyst.post(reverse("portal:upload", args=[NORTHBY]),
                            {"file": SimpleUploadedFile("scan.xlsx", b"%PDF-1.4\x00 not a workbook")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "scan.xlsx is not a spreadsheet: expected an Excel workbook" in page
    assert Upload.objects.count() == 0 and Extract.objects.count() == 0


def test_a_damaged_workbook_is_refused_by_the_worker_and_its_file_deleted(analyst, run_jobs, settings):
    half = SAMPLE.read_bytes()[:4000]
    report_url = analyst.post(reverse("portal:upload", args=[NORTHBY]),
                              {"file": sample_upload("broken.xlsx", half)})["Location"]
    upload = Upload.objects.get()
    run_jobs()
    upload.refresh_from_db()
    assert upload.status == Upload.REFUSED and upload.message.startswith("broken.xlsx is damaged")
    assert not (settings.DATA_DIR / "uploads" / upload.stored_name).exists()
    page = analyst.get(report_url).content.decode()
    assert "The extract was not imported" in page and "broken.xlsx is damaged" in page


def test_wrong_file_type_is_refused_before_reading(analyst):
    response = analyst.post(reverse("portal:upload", args=[NORTHBY]),
                            {"file": SimpleUploadedFile("notes.docx", b"PK\x03\x04...")})
    assert "The selected file must be an .xlsx, .xls, .ods, .csv or .zip file" in response.content.decode()


def test_another_councils_upload_is_not_found(client, people, run_jobs):
    client.force_login(people["analyst"])
    client.post(reverse("portal:upload", args=[NORTHBY]), {"file": sample_upload(), "extract_date": "31/03/2021"})
    upload = Upload.objects.get()
    client.force_login(people["other_council"])
    assert client.get(reverse("portal:upload_report", args=["E06999902", upload.pk])).status_code == 404
