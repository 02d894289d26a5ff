"""Uploading an Annex A workbook: validate, show the report, import when confirmed."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import xlsxwriter
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from goldthread.accounts.access import UPLOAD, council_view, log_child_access
from goldthread.core.annexa import spec as S
from goldthread.extracts.actions import UPLOAD_SUFFIXES, confirm_upload_in_background, receive_upload
from goldthread.extracts.models import Extract, Upload


class UploadForm(forms.Form):
    file = forms.FileField(label="Annex A file",
                           help_text="An Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods), or a "
                                     ".zip of CSV files, one per list.",
                           error_messages={"required": "Select the Annex A file to upload"})
    extract_date = forms.DateField(
        label="Extract date (optional)", required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="The date the extract was taken, for example 31/10/2026. Leave blank to use the latest date in "
                  "the file.", error_messages={"invalid": "Enter the extract date as day/month/year, like 31/10/2026"})

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("The selected file must be an .xlsx, .xls, .ods, .csv or .zip file")
        if uploaded.size > settings.GOLDTHREAD_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {settings.GOLDTHREAD_MAX_UPLOAD_BYTES // 1024**2} MB")
        if uploaded.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return uploaded


def _upload_of(access, upload_id: int) -> Upload:
    upload = Upload.objects.filter(pk=upload_id, council=access.council).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload


@council_view(UPLOAD)
def upload(request, *, access):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        received = receive_upload(access.council, form.cleaned_data["file"], request.user,
                                  form.cleaned_data["extract_date"])
        if received.status == Upload.REFUSED:
            form.add_error("file", received.message)
        else:
            return redirect("portal:upload_report", la=access.council.ons_code, upload_id=received.pk)
    recent = Upload.objects.filter(council=access.council)[:5]
    return render(request, "portal/upload.html", {"access": access, "council": access.council, "form": form,
                                                  "recent": recent})


@council_view(UPLOAD)
def report(request, upload_id: int, *, access):
    upload = _upload_of(access, upload_id)
    clash = (Extract.objects.filter(council=access.council, extract_date=upload.extract_date).first()
             if upload.extract_date else None)
    if request.method == "POST" and upload.status == Upload.VALIDATED:
        confirm_upload_in_background(upload, replace=bool(request.POST.get("replace")))
        return redirect("portal:upload_report", la=access.council.ons_code, upload_id=upload.pk)
    upload.refresh_from_db()
    severity = request.GET.get("severity", "all")
    issues = [i for i in upload.issues if severity == "all" or i["severity"] == severity]
    by_list = Counter((i["list_number"], i["severity"]) for i in upload.issues)
    summary = [{"label": s.label, "rows": upload.row_counts.get(str(s.number), 0),
                "errors": by_list.get((s.number, "error"), 0), "warnings": by_list.get((s.number, "warning"), 0)}
               for s in S.LISTS]
    return render(request, "portal/upload_report.html", {
        "access": access, "council": access.council, "upload": upload, "summary": summary, "clash": clash,
        "severity": severity, "page": Paginator(issues, 100).get_page(request.GET.get("page")),
        "status_url": reverse("portal:upload_status", args=[access.council.ons_code, upload.pk])})


@council_view(UPLOAD)
def status(request, upload_id: int, *, access):
    upload = _upload_of(access, upload_id)
    return JsonResponse({"status": upload.status, "progress": upload.progress, "message": upload.message})


@council_view(UPLOAD)
def issues_spreadsheet(request, upload_id: int, *, access):
    """The validation report as a spreadsheet: one row per issue."""
    upload = _upload_of(access, upload_id)
    # The issues quote cell values from child-level rows, so the download is a logged export.
    log_child_access(request, access, action="export", subject=f"validation issues of {upload.original_name}",
                     why="download of an upload's validation report")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Validation issues")
    bold = book.add_format({"bold": True})
    headers = ["Severity", "List", "Sheet", "Row", "Column", "Value", "Expected", "Message"]
    sheet.write_row(0, 0, headers, bold)
    for r, issue in enumerate(upload.issues, start=1):
        list_label = S.BY_NUMBER[issue["list_number"]].label if issue["list_number"] else ""
        sheet.write_row(r, 0, [issue["severity"], list_label, issue["sheet"] or "", issue["row"] or "",
                               issue["column"] or "", issue["value"] or "", issue["expected"] or "", issue["message"]])
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 24)
    sheet.set_column(4, 7, 30)
    sheet.freeze_panes(1, 0)
    book.close()
    name = Path(upload.original_name).stem[:60]
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name} validation issues.xlsx"'
    return response
