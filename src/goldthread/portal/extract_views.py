"""A council's extracts: which one each page uses, where each came from, withdrawing one (council admins), and
downloading one in Ofsted's Annex A template (roles that see every child)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from goldthread import downloads
from goldthread.accounts.access import (
    AGGREGATES,
    SETTINGS,
    council_view,
    log_child_access,
    may_export_every_child,
    may_withdraw_extracts,
)
from goldthread.extracts.actions import reinstate_extract, withdraw_extract
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import latest_extract

from . import ofsted

# ?download=ofsted on an extract's page: the extract in Ofsted's Annex A template.
OFSTED_DOWNLOAD = "ofsted"
NOT_EVERY_CHILD = ("The Annex A download holds every child's records. Your role shows you only the children "
                   "allocated to you, so you cannot download it: ask a manager or analyst.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is this extract being withdrawn?", max_length=1000, widget=forms.Textarea,
        help_text="For example: 'exported before the month's data was complete'. It is recorded with the extract.",
        error_messages={"required": "Say why the extract is being withdrawn"})


@council_view(AGGREGATES, post=None)
def extracts(request, *, access):
    found = Extract.objects.filter(council=access.council).select_related("uploaded_by", "withdrawn_by")
    return render(request, "portal/extracts.html", {
        "access": access, "council": access.council, "extracts": found.order_by("-extract_date", "-uploaded_at"),
        "live": latest_extract(access.council), "can_withdraw": may_withdraw_extracts(access)})


@council_view(AGGREGATES, post=SETTINGS)
def extract(request, extract_id: int, *, access):
    """One extract: where it came from, its validation summary, accepted differences, and (council admins)
    withdraw or reinstate it."""
    found = Extract.objects.filter(pk=extract_id, council=access.council).select_related(
        "uploaded_by", "withdrawn_by").first()
    if found is None:
        raise Http404("No such extract.")
    if request.method == "GET" and request.GET.get("download") == OFSTED_DOWNLOAD:
        return _ofsted_annex_a(request, access, found)
    form, problem = WithdrawForm(), None
    if request.method == "POST":
        if request.POST.get("action") == "reinstate":
            try:
                reinstate_extract(access, found)
            except ValueError as exc:
                problem = str(exc)
            else:
                return redirect("portal:extract", la=access.council.ons_code, extract_id=found.pk)
        else:
            form = WithdrawForm(request.POST)
            if form.is_valid():
                withdraw_extract(access, found, reason=form.cleaned_data["reason"])
                return redirect("portal:extract", la=access.council.ons_code, extract_id=found.pk)
    return render(request, "portal/extract.html", {
        "access": access, "council": access.council, "extract": found, "form": form, "problem": problem,
        "in_use": latest_extract(access.council) == found, "can_withdraw": may_withdraw_extracts(access),
        "can_download": may_export_every_child(access) and found.purged_at is None,
        "ofsted_download": OFSTED_DOWNLOAD})


def _ofsted_annex_a(request, access, extract: Extract):
    """The extract written back out in Ofsted's template (goldthread.portal.ofsted), logged as a child-level
    export."""
    if not may_export_every_child(access):
        raise PermissionDenied(NOT_EVERY_CHILD)
    if extract.purged_at is not None:
        raise Http404("This extract's rows were deleted.")
    body = ofsted.annex_a_workbook(extract)
    log_child_access(request, access, action="export", subject=f"Annex A as at {extract.extract_date:%d/%m/%Y} "
                     "in Ofsted's template (spreadsheet)", why="downloaded the extract in Ofsted's template")
    return downloads.attachment(body, ofsted.annex_a_filename(extract), downloads.XLSX)
