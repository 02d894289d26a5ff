"""Uploading an Annex A workbook: the worker checks it, the report shows what it found (issues, the extract
date, how it differs from the previous extract), and it is imported only when the uploader confirms."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from goldthread import downloads
from goldthread.accounts.access import UPLOAD, council_view, log_child_access
from goldthread.core.annexa import spec as S
from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.annexa.reader import sniff
from goldthread.extracts.actions import UPLOAD_SUFFIXES, check_again, confirm_upload, receive_upload
from goldthread.extracts.models import Upload
from goldthread.extracts.queries import live_extracts

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class UploadForm(forms.Form):
    file = forms.FileField(label="Annex A file",
                           help_text="An Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods), or a "
                                     ".zip of CSV files, one per list.",
                           error_messages={"required": "Select the Annex A file to upload"})
    extract_date = forms.DateField(
        label="Extract date (optional)", required=False, input_formats=DATE_FORMATS,
        help_text="The date the extract was taken, for example 31/10/2026. If you leave it blank, goldthread "
                  "proposes one from the file and asks you to confirm it.",
        error_messages={"invalid": "Enter the extract date as day/month/year, like 31/10/2026"})

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("The selected file must be an .xlsx, .xls, .ods, .csv or .zip file")
        if uploaded.size > settings.GOLDTHREAD_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {settings.GOLDTHREAD_MAX_UPLOAD_BYTES // 1024**2} MB")
        if uploaded.size == 0:
            raise forms.ValidationError("The selected file is empty")
        # Only the first bytes are looked at here (nothing is parsed in the web server): a PDF or a web page is
        # refused at once; everything else is read by the worker in the limited reading process.
        head = next(uploaded.chunks(4096), b"")[:4096]
        uploaded.seek(0)
        try:
            sniff(head, uploaded.name)
        except UnreadableFile as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


class DateForm(forms.Form):
    extract_date = forms.DateField(
        label="Extract date", input_formats=DATE_FORMATS,
        error_messages={"required": "Enter the extract date", "invalid": "Enter the extract date as day/month/year, "
                        "like 31/10/2026"})


class ConfirmForm(forms.Form):
    date_confirmed = forms.BooleanField(required=False)
    concerns_read = forms.BooleanField(required=False)
    replace = forms.BooleanField(required=False)


def _upload_of(access, upload_id: int) -> Upload:
    upload = Upload.objects.filter(pk=upload_id, council=access.council).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


@council_view(UPLOAD, post=UPLOAD)
def upload(request, *, access):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = receive_upload(access, form.cleaned_data["file"], extract_date=form.cleaned_data["extract_date"])
        return redirect("portal:upload_report", la=access.council.ons_code, upload_id=received.pk)
    recent = Upload.objects.filter(council=access.council)[:5]
    return render(request, "portal/upload.html", {"access": access, "council": access.council, "form": form,
                                                  "recent": recent})


@council_view(UPLOAD, post=UPLOAD)
def report(request, upload_id: int, *, access):
    """The validation report: issues quote cells of child-level rows, so every view of it is logged."""
    upload = _upload_of(access, upload_id)
    date_form, confirm_error = DateForm(), None
    if request.method == "POST" and upload.status == Upload.VALIDATED:
        if "extract_date" in request.POST:
            date_form = DateForm(request.POST)
            if date_form.is_valid():
                check_again(access, upload, extract_date=date_form.cleaned_data["extract_date"])
                return redirect("portal:upload_report", la=access.council.ons_code, upload_id=upload.pk)
        else:
            confirm = ConfirmForm(request.POST)
            confirm.is_valid()
            try:
                confirm_upload(access, upload, replace=confirm.cleaned_data.get("replace", False),
                               date_confirmed=confirm.cleaned_data.get("date_confirmed", False),
                               concerns_read=confirm.cleaned_data.get("concerns_read", False))
            except ValueError as exc:
                confirm_error = str(exc)
            else:
                return redirect("portal:upload_report", la=access.council.ons_code, upload_id=upload.pk)
    clash = (live_extracts(access.council).filter(extract_date=upload.extract_date).first()
             if upload.extract_date else None)
    severity = request.GET.get("severity", "all")
    if severity not in ("all", "error", "warning"):
        severity = "all"
    issues = [i for i in upload.issues if severity == "all" or i["severity"] == severity]
    by_list = Counter((i["list_number"], i["severity"]) for i in upload.issues)
    summary = [{"label": s.label, "rows": upload.row_counts.get(str(s.number), 0),
                "errors": by_list.get((s.number, "error"), 0), "warnings": by_list.get((s.number, "warning"), 0)}
               for s in S.LISTS]
    if upload.issues:
        log_child_access(request, access, subject=f"validation report of {upload.original_name}"[:300],
                         why="checking an upload")
    return render(request, "portal/upload_report.html", {
        "access": access, "council": access.council, "upload": upload, "summary": summary, "clash": clash,
        "severity": severity, "page": Paginator(issues, 100).get_page(request.GET.get("page")),
        "date_form": date_form, "confirm_error": confirm_error,
        "status_url": reverse("portal:upload_status", args=[access.council.ons_code, upload.pk])})


@council_view(UPLOAD, post=None)
def status(request, upload_id: int, *, access):
    upload = _upload_of(access, upload_id)
    return JsonResponse({"status": upload.status, "progress": upload.progress, "message": upload.message})


@council_view(UPLOAD, post=None)
def issues_spreadsheet(request, upload_id: int, *, access):
    """The validation report as a spreadsheet: one row per issue (cell values as text, never formulas)."""
    upload = _upload_of(access, upload_id)
    # The issues quote cell values from child-level rows, so the download is a logged export.
    log_child_access(request, access, action="export", subject=f"validation issues of {upload.original_name}"[:300],
                     why="download of an upload's validation report")
    buffer = io.BytesIO()
    book = downloads.xlsx_workbook(buffer)
    sheet = book.add_worksheet("Validation issues")
    bold = book.add_format({"bold": True})
    downloads.put_row(sheet, 0, ["Severity", "List", "Sheet", "Row", "Column", "Value", "Expected", "Message"],
                      bold)
    for r, issue in enumerate(upload.issues, start=1):
        list_label = S.BY_NUMBER[issue["list_number"]].label if issue["list_number"] else ""
        downloads.put_row(sheet, r, [issue["severity"], list_label, issue["sheet"], issue["row"], issue["column"],
                                     issue["value"], issue["expected"], issue["message"]])
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 24)
    sheet.set_column(4, 7, 30)
    sheet.freeze_panes(1, 0)
    book.close()
    return downloads.attachment(buffer.getvalue(), f"{Path(upload.original_name).stem[:60]} validation issues.xlsx",
                                downloads.XLSX)
