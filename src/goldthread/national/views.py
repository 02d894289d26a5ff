"""The national pages: published data for everyone signed in; the intervention register's forms for
intervention editors (see access.py). Views stay thin: data from pages.py, changes from actions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from goldthread.accounts.access import signed_in
from goldthread.core.national import interventions as iv
from goldthread.councils.models import LocalAuthority

from . import pages
from .access import can_edit_interventions, intervention_editor
from .actions import InterventionError, InterventionImportError, import_interventions, save_intervention
from .forms import ImportForm, InterventionForm
from .models import Intervention


def _region(request) -> str:
    region = request.GET.get("region", "")
    return region if region in dict(pages.regions()) else ""


@signed_in
def rug(request):
    region, sort = _region(request), request.GET.get("sort", "")
    context = pages.rug_page(region, sort if sort in pages.HEADLINE else "")
    context.update(regions=pages.regions(), region=region, sort=sort, polarity_words=pages.POLARITY_WORDS)
    return render(request, "national/rug.html", context)


@signed_in
def indicators(request):
    return render(request, "national/indicators.html", {"groups": pages.indicator_groups(),
                                                        "polarity_words": pages.POLARITY_WORDS})


@signed_in
def council(request, la: str):
    found = LocalAuthority.objects.filter(ons_code=la).first()
    if found is None:
        raise Http404("No such council.")
    context = pages.council_page(found, request.GET.get("indicator", ""))
    context["can_edit"] = can_edit_interventions(request.user)
    return render(request, "national/council.html", context)


@signed_in
def risk(request):
    region, order = _region(request), request.GET.get("order", "")
    context = pages.risk_page(region, order)
    context.update(regions=pages.regions(), region=region, order=order)
    return render(request, "national/risk.html", context)


@signed_in
def journeys(request):
    return render(request, "national/journeys.html", pages.journeys_page())


@signed_in
def interventions(request):
    council_code = request.GET.get("council", "")
    context = pages.register_page(council_code)
    context["page"] = Paginator(context.pop("entries"), 50).get_page(request.GET.get("page"))
    context.update(council_code=council_code, can_edit=can_edit_interventions(request.user))
    return render(request, "national/interventions.html", context)


def _edit(request, intervention: Intervention | None):
    if request.method == "POST":
        form = InterventionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = save_intervention(intervention, council=data["council"], kind=data["kind"],
                                          start_date=data["start_date"], end_date=data["end_date"],
                                          notes=data["notes"], source=data["source"], user=request.user)
            except InterventionError as exc:
                target = {"start_date": "start_date_day", "end_date": "end_date_day"}.get(exc.field, exc.field)
                if exc.field in ("start_date", "end_date"):
                    form.date_errors[exc.field] = {"message": str(exc), "parts": set()}
                form.add_error(target, str(exc))
            else:
                verb = "added to" if intervention is None else "changed in"
                messages.success(request, f"{saved.get_kind_display()} for {saved.council.name} {verb} the register")
                return redirect(f"{reverse('national:interventions')}?council={saved.council.ons_code}")
    else:
        form = InterventionForm(initial=InterventionForm.initial_from(intervention) if intervention else None)
    return render(request, "national/intervention_form.html", {"form": form, "intervention": intervention,
                                                               "kinds": iv.KINDS})


@intervention_editor
def intervention_new(request):
    return _edit(request, None)


@intervention_editor
def intervention_edit(request, intervention_id: int):
    return _edit(request, get_object_or_404(Intervention.objects.select_related("council"), pk=intervention_id))


@intervention_editor
def intervention_import(request):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context = {"form": form, "problems": None, "imported": None, "kinds": iv.KINDS}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            count, warnings = import_interventions(uploaded, created_by=request.user)
        except InterventionImportError as exc:
            context.update(problems=exc.problems, refused=str(exc),
                           errors=[p for p in exc.problems if p.severity == iv.ERROR])
        else:
            context.update(imported=count, warnings=warnings, file_name=uploaded.name)
    return render(request, "national/intervention_import.html", context)


@signed_in
def intervention_template(request):
    response = HttpResponse(iv.TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="interventions-template.csv"'
    return response
