"""A council's settings: visit intervals, caseload threshold, sign-in rule and targets per measure."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from goldthread.accounts.access import SETTINGS, council_view
from goldthread.core.measures import REGISTRY
from goldthread.councils.actions import save_settings
from goldthread.councils.models import CouncilSettings, MeasureTarget


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CouncilSettings
        fields = ["cp_visit_working_days", "cin_visit_working_days", "caseload_threshold", "child_population",
                  "require_two_factor"]


def _target_fields(council) -> dict[str, forms.Field]:
    current = dict(MeasureTarget.objects.filter(council=council).values_list("measure_id", "target"))
    fields = {}
    for measure in REGISTRY.values():
        if measure.polarity == "neither":
            continue
        fields[f"target_{measure.id}"] = forms.FloatField(
            label=measure.title, required=False, initial=current.get(measure.id),
            help_text=f"{measure.unit}; {measure.polarity}")
    return fields


@council_view(SETTINGS)
def council_settings(request, *, access):
    council = access.council
    form = SettingsForm(request.POST or None, instance=council.settings)
    targets = forms.Form(request.POST or None)
    targets.fields.update(_target_fields(council))
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        save_settings(council, form.cleaned_data, {k.removeprefix("target_"): v
                                                   for k, v in targets.cleaned_data.items()})
        messages.success(request, "Settings saved. Measures have been recomputed with them.")
        return redirect("portal:settings", la=council.ons_code)
    return render(request, "portal/settings.html", {"access": access, "council": council, "form": form,
                                                    "targets": targets})
