"""Signing in and out, and the one-time code step."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import SIGNED_IN, signed_in


class SignInForm(auth_views.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app", max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "spellcheck": "false"}))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def two_factor(request):
    """Enter a one-time code; the first time, set up the authenticator app from a QR code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", "That code is not right or has expired. Enter the current 6-digit code.")
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@signed_in(post=SIGNED_IN)
def sign_out(request):
    if request.method == "POST":
        return auth_views.LogoutView.as_view()(request)
    return render(request, "accounts/logout.html")
