"""A council's settings: visit intervals, caseload threshold, sign-in rule and targets per measure."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from goldthread.accounts.access import SETTINGS, council_view
from goldthread.core.measures import REGISTRY
from goldthread.councils.actions import TargetError, save_settings
from goldthread.councils.models import CouncilSettings
from goldthread.councils.queries import targets_of


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CouncilSettings
        fields = ["cp_visit_working_days", "cin_visit_working_days", "caseload_threshold", "child_population",
                  "require_two_factor"]


def _target_fields(council) -> dict[str, forms.Field]:
    """One field per measure with a better direction. A target the improvement plan set (with a baseline and a
    date) says so: there is one target per measure, so changing it here changes the plan's."""
    current = targets_of(council)
    fields = {}
    for measure in REGISTRY.values():
        if measure.polarity == "neither":
            continue
        target = current.get(measure.id)
        hint = f"{measure.unit}; {measure.polarity}"
        path = target.trajectory if target is not None else None
        if path is not None:
            hint += (f". The improvement plan's target, due by {path.target.day:%-d %B %Y} from "
                     f"{path.baseline.value:g} on {path.baseline.day:%-d %B %Y}: changing it here changes it in "
                     "the plan too")
        fields[f"target_{measure.id}"] = forms.FloatField(
            label=measure.title, required=False, initial=target.value if target is not None else None, help_text=hint)
    return fields


@council_view(SETTINGS, post=SETTINGS)
def council_settings(request, *, access):
    council = access.council
    form = SettingsForm(request.POST or None, instance=council.settings)
    targets = forms.Form(request.POST or None)
    targets.fields.update(_target_fields(council))
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        try:
            save_settings(council, form.cleaned_data, {k.removeprefix("target_"): v
                                                       for k, v in targets.cleaned_data.items()}, user=request.user)
        except TargetError as exc:
            for measure_id, problem in exc.errors.items():
                targets.add_error(f"target_{measure_id}", problem)
        else:
            messages.success(request, "Settings saved. Measures have been recomputed with them.")
            return redirect("portal:settings", la=council.ons_code)
    return render(request, "portal/settings.html", {"access": access, "council": council, "form": form,
                                                    "targets": targets})
