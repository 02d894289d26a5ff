"""A council's extracts: which one each page uses, where each came from, and withdrawing one (council admins)."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render

from goldthread.accounts.access import AGGREGATES, SETTINGS, council_view, may_withdraw_extracts
from goldthread.extracts.actions import reinstate_extract, withdraw_extract
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import latest_extract


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
        "in_use": latest_extract(access.council) == found, "can_withdraw": may_withdraw_extracts(access)})
