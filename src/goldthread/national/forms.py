"""Forms for the intervention register, with GOV.UK error messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django import forms
from django.conf import settings

from goldthread.core.national.interventions import KINDS
from goldthread.councils.models import LocalAuthority

PARTS = ("day", "month", "year")


class CouncilChoice(forms.ModelChoiceField):
    def label_from_instance(self, council: LocalAuthority) -> str:
        return council.name if council.active else f"{council.name} (abolished)"


def _date(form: forms.Form, prefix: str, label: str, required: bool) -> dt.date | None:
    """A GOV.UK date input's three boxes -> a date, or None with the error on the first box that is wrong
    (``form.date_errors[prefix]`` holds the message and which boxes to highlight)."""
    given = {p: (form.data.get(f"{prefix}_{p}") or "").strip() for p in PARTS}

    def fail(message: str, parts=PARTS) -> None:
        form.date_errors[prefix] = {"message": message, "parts": set(parts)}
        form.add_error(f"{prefix}_{parts[0]}", message)

    if not any(given.values()):
        if required:
            fail(f"Enter the {label}")
        return None
    absent = [p for p in PARTS if not given[p]]
    if absent:
        fail(f"The {label} must include a {' and '.join(absent)}", absent)
        return None
    not_numbers = [p for p in PARTS if not (given[p].isascii() and given[p].isdigit())
                   or (p != "year" and len(given[p]) > 2)]
    if not_numbers:
        fail(f"The {label} must be a real date", not_numbers)
        return None
    if len(given["year"]) != 4:
        fail("Year must include 4 numbers", ["year"])
        return None
    try:
        return dt.date(int(given["year"]), int(given["month"]), int(given["day"]))
    except ValueError:
        fail(f"The {label} must be a real date")
        return None


class InterventionForm(forms.Form):
    council = CouncilChoice(
        queryset=LocalAuthority.objects.filter(fictional=False).order_by("-active", "name"),
        empty_label="Choose a council", label="Council",
        error_messages={"required": "Select the council", "invalid_choice": "Select the council"})
    kind = forms.ChoiceField(choices=list(KINDS.items()), label="Kind of intervention",
                             error_messages={"required": "Select the kind of intervention",
                                             "invalid_choice": "Select the kind of intervention"})
    start_date_day = forms.CharField(required=False)
    start_date_month = forms.CharField(required=False)
    start_date_year = forms.CharField(required=False)
    end_date_day = forms.CharField(required=False)
    end_date_month = forms.CharField(required=False)
    end_date_year = forms.CharField(required=False)
    notes = forms.CharField(required=False, max_length=5000, label="Notes (optional)",
                            error_messages={"max_length": "Notes must be 5,000 characters or fewer"})
    source = forms.CharField(required=False, max_length=2000, label="Source (optional)",
                             help_text="Where this is recorded, for example a link to the DfE notice or direction.",
                             error_messages={"max_length": "Source must be 2,000 characters or fewer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_errors: dict[str, dict] = {}

    @classmethod
    def initial_from(cls, intervention) -> dict:
        initial = {"council": intervention.council_id, "kind": intervention.kind, "notes": intervention.notes,
                   "source": intervention.source}
        for prefix in ("start_date", "end_date"):
            value = getattr(intervention, prefix)
            if value is not None:
                initial.update({f"{prefix}_day": value.day, f"{prefix}_month": value.month,
                                f"{prefix}_year": value.year})
        return initial

    def clean(self):
        cleaned = super().clean()
        cleaned["start_date"] = _date(self, "start_date", "start date", required=True)
        cleaned["end_date"] = _date(self, "end_date", "end date", required=False)
        start, end = cleaned["start_date"], cleaned["end_date"]
        if start and end and end < start:
            self.date_errors["end_date"] = {"message": "The end date must be the same as or after the start date",
                                            "parts": set(PARTS)}
            self.add_error("end_date_day", self.date_errors["end_date"]["message"])
        return cleaned

    @property
    def date_values(self) -> dict[str, dict[str, str]]:
        """What the date boxes show: as entered, or the entry's dates when changing one."""
        out = {}
        for prefix in ("start_date", "end_date"):
            out[prefix] = {}
            for part in PARTS:
                name = f"{prefix}_{part}"
                value = self.data.get(name) if self.is_bound else self.initial.get(name)
                out[prefix][part] = "" if value is None else str(value)
        return out

    ORDER = ["council", "kind", "start_date_day", "start_date_month", "start_date_year", "end_date_day",
             "end_date_month", "end_date_year", "notes", "source"]

    def error_fields(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary, in the order of the page; a problem with the whole
        form links to its first field."""
        anchors = {"kind": "kind", "decision": "decision"}
        first = self.ORDER[0]
        out = [(anchors.get(first, f"id_{first}"), message) for message in self.non_field_errors()]
        for name in self.ORDER:
            for message in self.errors.get(name, []):
                out.append((anchors.get(name, f"id_{name}"), message))
        return out


class CorrectionForm(InterventionForm):
    """A council's proposed correction to its own entry: the entry's parts as they should be, and why."""

    ORDER = [*InterventionForm.ORDER[1:], "reason"]

    reason = forms.CharField(max_length=5000, label="Why does the entry need correcting?",
                             help_text="For example, the date the DfE notice was lifted, and where that is recorded.",
                             error_messages={"required": "Say why the entry needs correcting",
                                             "max_length": "The reason must be 5,000 characters or fewer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["council"]


class DecisionForm(forms.Form):
    """A national editor's decision on a proposed correction."""

    ORDER = ["decision", "decision_reason"]
    error_fields = InterventionForm.error_fields

    decision = forms.ChoiceField(choices=[("accept", "Accept the correction"), ("reject", "Reject it")],
                                 label="Your decision",
                                 error_messages={"required": "Choose whether to accept or reject the correction",
                                                 "invalid_choice": "Choose whether to accept or reject the correction"})
    decision_reason = forms.CharField(required=False, max_length=5000, label="Reason",
                                      help_text="Needed when you reject the correction; the council will see it.",
                                      error_messages={"max_length": "The reason must be 5,000 characters or fewer"})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "Say why the correction is rejected")
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label="Upload a CSV file",
                           error_messages={"required": "Select a CSV file of interventions",
                                           "empty": "The selected file is empty"})

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in (".csv", ".txt"):
            raise forms.ValidationError("The selected file must be a CSV file")
        limit = getattr(settings, "GOLDTHREAD_MAX_UPLOAD_BYTES", 50 * 1024**2)
        if uploaded.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {limit // 1024**2} MB")
        return uploaded
