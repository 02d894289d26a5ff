"""A council admin manages the council's people: who has which role."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from goldthread.accounts.access import PEOPLE, council_view
from goldthread.accounts.actions import add_person, grant_role, revoke_role
from goldthread.accounts.models import ROLE_DESCRIPTIONS, Membership, Role
from goldthread.portal.posted import posted_id


class PersonForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               error_messages={"required": "Enter the person's username"})
    full_name = forms.CharField(label="Full name", max_length=150, required=False,
                                help_text="Only needed for a new account.")
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role"})
    worker_name = forms.CharField(label="Name in Annex A (practitioners)", max_length=200, required=False,
                                  help_text="Exactly as the Allocated Worker column writes it, so a practitioner "
                                            "sees their own children.")
    password = forms.CharField(label="First password (new accounts only)", required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text="At least 12 characters. Give it to the person securely; they can "
                                         "change it later.")

    def clean(self):
        data = super().clean()
        username = data.get("username", "").strip()
        exists = get_user_model().objects.filter(username=username).exists()
        if username and not exists:
            if not data.get("password"):
                self.add_error("password", "Enter a first password for the new account")
            else:
                try:
                    validate_password(data["password"])
                except ValidationError as exc:
                    self.add_error("password", " ".join(exc.messages))
        if data.get("role") == Role.PRACTITIONER and not data.get("worker_name", "").strip():
            self.add_error("worker_name", "Enter the practitioner's name as Annex A writes it")
        return data


class RoleForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Role.choices)


@council_view(PEOPLE, post=PEOPLE)
def people(request, *, access):
    council = access.council
    form = PersonForm(request.POST or None) if request.POST.get("action") == "add" else PersonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            data = form.cleaned_data
            membership = add_person(council, data["username"].strip(), data["role"], full_name=data["full_name"],
                                    worker_name=data["worker_name"].strip(), password=data["password"] or None)
            messages.success(request, f"{membership.user.username} is now {membership.get_role_display().lower()} "
                                      f"in {council.name}.")
            return redirect("portal:people", la=council.ons_code)
        if action in ("change", "remove"):
            membership = Membership.objects.filter(pk=posted_id(request.POST.get("membership")), council=council).first()
            if membership is None or membership.user == request.user:
                messages.error(request, "You cannot change your own role; ask another council admin.")
            elif action == "remove":
                revoke_role(membership.user, council)
                messages.success(request, f"{membership.user.username} no longer has a role in {council.name}.")
            elif request.POST.get("role") in Role.values:
                grant_role(membership.user, council, request.POST["role"], worker_name=membership.worker_name)
                messages.success(request, f"{membership.user.username}'s role is now "
                                          f"{Role(request.POST['role']).label.lower()}.")
            return redirect("portal:people", la=council.ons_code)
    memberships = Membership.objects.filter(council=council).select_related("user").order_by("user__username")
    return render(request, "portal/people.html", {
        "access": access, "council": council, "form": form, "memberships": memberships, "roles": Role.choices,
        "descriptions": {r.value: ROLE_DESCRIPTIONS[r] for r in Role}})
