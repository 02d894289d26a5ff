"""The national pages: published data for everyone signed in; the intervention register's forms for national
editors, and proposed corrections from a council's managers (who may do what: goldthread.accounts.access).
Views stay thin: data from pages.py, changes from actions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from goldthread import downloads, tables
from goldthread.accounts.access import (
    CORRECTION_PROPOSER,
    NATIONAL_EDITOR,
    may_decide_proposal,
    may_edit_register,
    may_propose_correction,
    may_read_all_proposals,
    national_editor,
    proposing_councils,
    signed_in,
    visible_proposals,
)
from goldthread.core.national import interventions as iv
from goldthread.councils.models import LocalAuthority

from . import pages
from .actions import (
    InterventionError,
    InterventionImportError,
    decide_proposal,
    import_interventions,
    propose_correction,
    save_intervention,
)
from .forms import CorrectionForm, DecisionForm, ImportForm, InterventionForm
from .models import Intervention, InterventionProposal


def _region(request) -> str:
    region = request.GET.get("region", "")
    return region if region in dict(pages.regions()) else ""


@signed_in(post=None)
def rug(request):
    region, sort = _region(request), request.GET.get("sort", "")
    context = pages.rug_page(region, sort if sort in pages.HEADLINE else "")
    if (response := tables.answer(request, context.get("downloads"))) is not None:
        return response
    context.update(regions=pages.regions(), region=region, sort=sort, polarity_words=pages.POLARITY_WORDS)
    return render(request, "national/rug.html", context)


@signed_in(post=None)
def indicators(request):
    return render(request, "national/indicators.html", {"groups": pages.indicator_groups(),
                                                        "polarity_words": pages.POLARITY_WORDS})


@signed_in(post=None)
def council(request, la: str):
    found = LocalAuthority.objects.filter(ons_code=la).first()
    if found is None:
        raise Http404("No such council.")
    context = pages.council_page(found, request.GET.get("indicator", ""))
    context["downloads"] = pages.benchmark_downloads(found, context.get("groups", []), context.get("trend"))
    if (response := tables.answer(request, context["downloads"])) is not None:
        return response
    context["can_edit"] = may_edit_register(request.user)
    context["may_propose"] = found.pk in proposing_councils(request.user)
    return render(request, "national/council.html", context)


@signed_in(post=None)
def risk(request):
    region, order = _region(request), request.GET.get("order", "")
    order = order if order in pages.RISK_ORDERS else ""
    context = pages.risk_page(region, order)
    if (response := tables.answer(request, context["downloads"])) is not None:
        return response
    context.update(regions=pages.regions(), region=region, order=order)
    return render(request, "national/risk.html", context)


@signed_in(post=None)
def watchlist(request):
    """The slipping-from-good watchlist: councils judged good or outstanding, by their risk of a below-good
    judgement next, with the inspection timing and the watchlist's own tested accuracy beside them."""
    region, order = _region(request), request.GET.get("order", "")
    order = order if order in pages.WATCHLIST_ORDERS else ""
    context = pages.watchlist_page(region, order)
    if (response := tables.answer(request, context["downloads"])) is not None:
        return response
    context.update(regions=pages.regions(), region=region, order=order)
    return render(request, "national/watchlist.html", context)


@signed_in(post=None)
def journeys(request):
    context = pages.journeys_page()
    if (response := tables.answer(request, context.get("downloads"))) is not None:
        return response
    return render(request, "national/journeys.html", context)


@signed_in(post=None)
def interventions(request):
    council_code = request.GET.get("council", "")
    context = pages.register_page(council_code)
    context["page"] = Paginator(context.pop("entries"), 50).get_page(request.GET.get("page"))
    context.update(council_code=council_code, can_edit=may_edit_register(request.user),
                   proposing=proposing_councils(request.user))
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


@national_editor(post=NATIONAL_EDITOR)
def intervention_new(request):
    return _edit(request, None)


@national_editor(post=NATIONAL_EDITOR)
def intervention_edit(request, intervention_id: int):
    return _edit(request, get_object_or_404(Intervention.objects.select_related("council"), pk=intervention_id))


@national_editor(post=NATIONAL_EDITOR)
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


@signed_in(post=None)
def intervention_template(request):
    return downloads.attachment(iv.TEMPLATE_CSV, "interventions-template.csv", downloads.CSV)


# --------------------------------------------------------------------------- proposed corrections


def _date_error(form, exc: InterventionError) -> None:
    target = {"start_date": "start_date_day", "end_date": "end_date_day"}.get(exc.field, exc.field)
    if exc.field in ("start_date", "end_date"):
        form.date_errors[exc.field] = {"message": str(exc), "parts": set()}
    form.add_error(target if target in form.fields else None, str(exc))


@signed_in(rule=CORRECTION_PROPOSER, post=CORRECTION_PROPOSER)
def intervention_propose(request, intervention_id: int):
    """A manager or council admin proposes a correction to an entry for their own council."""
    entry = get_object_or_404(Intervention.objects.select_related("council"), pk=intervention_id)
    if not may_propose_correction(request.user, entry):
        raise PermissionDenied(f"Only managers and council admins in {entry.council.name} can propose a correction "
                               "to its entries in the register.")
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                propose_correction(entry, request.user, kind=data["kind"], start_date=data["start_date"],
                                   end_date=data["end_date"], notes=data["notes"], source=data["source"],
                                   reason=data["reason"])
            except InterventionError as exc:
                _date_error(form, exc)
            else:
                messages.success(request, f"Correction proposed for {entry.council.name}. A national editor will "
                                          "accept or reject it.")
                return redirect("national:proposals")
    else:
        form = CorrectionForm(initial=CorrectionForm.initial_from(entry))
    pending = entry.proposals.filter(status=InterventionProposal.PENDING).count()
    return render(request, "national/intervention_propose.html", {"form": form, "intervention": entry,
                                                                  "kinds": iv.KINDS, "pending": pending})


@signed_in(post=None)
def proposals(request):
    """Proposed corrections: all of them for national roles and staff, a council's own for its managers."""
    found = visible_proposals(request.user, InterventionProposal.objects.select_related(
        "intervention", "council"))
    return render(request, "national/proposals.html", {
        "pending": [p for p in found if p.status == InterventionProposal.PENDING],
        "decided": [p for p in found if p.status != InterventionProposal.PENDING][:50],
        "reads_all": may_read_all_proposals(request.user), "can_decide": may_edit_register(request.user),
        "kinds": iv.KINDS})


@national_editor(post=NATIONAL_EDITOR)
def proposal(request, proposal_id: int):
    """A national editor compares a proposed correction with the entry and accepts or rejects it."""
    found = get_object_or_404(InterventionProposal.objects.select_related("intervention__council", "council"),
                              pk=proposal_id)
    decidable = found.status == InterventionProposal.PENDING and may_decide_proposal(request.user, found)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide_proposal(found, request.user, accept=form.cleaned_data["decision"] == "accept",
                            reason=form.cleaned_data["decision_reason"])
        except InterventionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            verb = "accepted: the register has been changed" if form.cleaned_data["decision"] == "accept" \
                else "rejected"
            messages.success(request, f"Correction for {found.council.name} {verb}.")
            return redirect("national:proposals")
    return render(request, "national/proposal.html", {"proposal": found, "entry": found.intervention, "form": form,
                                                      "decidable": decidable, "kinds": iv.KINDS})
