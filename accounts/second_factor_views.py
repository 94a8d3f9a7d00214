"""Pages of the second factor at sign-in (accounts.second_factor): the account's factors,
adding an authenticator app or a security key, recovery codes, and the step after the
password. Each view: form, one service call, messages, redirect."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import second_factor
from .forms import NewAuthenticatorForm, SecondFactorCodeForm, SecurityKeyForm
from .web import add_validation_error


def _next(request) -> str:
    """Where the person was going (a page of this site), else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("applications:dashboard")
    return target


def _codes_or_next(request, codes: list[str]):
    """After a first factor: its recovery codes, shown once; else on to where they were going."""
    if codes:
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
    return redirect(_next(request))


@login_required
def security(request):
    user = request.user
    context = {
        "factors": second_factor.factors(user),
        "codes_left": second_factor.recovery_codes_left(user),
        "must_enrol": second_factor.owed(request) == "enrol",
        "required": second_factor.is_required(user),
        "next": _next(request) if "next" in request.GET else "",
    }
    return render(request, "accounts/security.html", context)


@login_required
def add_authenticator(request):
    device = second_factor.authenticator_to_add(request.user)
    form = NewAuthenticatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.add_authenticator(request, form.cleaned_data["code"], form.cleaned_data["name"])
        except ValidationError as error:
            add_validation_error(form, error, "code")
        else:
            messages.success(request, _("Your authenticator app is added: sign-in now asks for its code."))
            return _codes_or_next(request, codes)
    key = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "secret": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "next": _next(request) if "next" in request.GET or "next" in request.POST else "",
    }
    return render(request, "accounts/add_authenticator.html", context, status=400 if form.errors else 200)


@login_required
def add_security_key(request):
    form = SecurityKeyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            codes = second_factor.add_security_key(request, form.cleaned_data["credential"], form.cleaned_data["name"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Your security key is added: sign-in now accepts it."))
            return _codes_or_next(request, codes)
    elif form.is_bound:
        form.add_error(None, second_factor.KEY_REFUSED)
    options, elsewhere = _key_options(second_factor.key_registration_options, request)
    context = {
        "form": form,
        "options": options,
        "elsewhere": elsewhere,
        "next": _next(request) if "next" in request.GET or "next" in request.POST else "",
    }
    return render(request, "accounts/add_security_key.html", context, status=400 if form.errors else 200)


def _key_options(make, request) -> tuple[dict | None, str]:
    """The browser's options for a key, or why there are none (the page is not at the
    relying party's address)."""
    try:
        return make(request), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


@require_POST
@login_required
def new_recovery_codes(request):
    if not second_factor.factors(request.user):
        messages.error(request, _("Add an authenticator app or a security key first."))
        return redirect("accounts:security")
    codes = second_factor.renew_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@require_POST
@login_required
def remove_factor(request, kind, pk):
    try:
        factor = second_factor.remove_factor(request, kind, pk)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, _(text))
    else:
        messages.success(request, _("“%(name)s” is removed from your account.") % {"name": factor.name})
    return redirect("accounts:security")


@login_required
def second_factor_step(request):
    """After the password: a code (authenticator or recovery) or a security key."""
    if second_factor.owed(request) != "verify":
        return redirect(_next(request))
    by_key = "credential" in request.POST
    code_form = SecondFactorCodeForm(request.POST if request.method == "POST" and not by_key else None)
    key_form = SecurityKeyForm(request.POST if by_key else None)
    status = 200
    if request.method == "POST":
        try:
            if code_form.is_bound and code_form.is_valid():
                kind = second_factor.pass_with_code(request, code_form.cleaned_data["code"])
                if kind == second_factor.RECOVERY:
                    left = second_factor.recovery_codes_left(request.user)
                    messages.warning(
                        request,
                        _(
                            "You signed in with a recovery code; %(left)s are left. If your authenticator app or "
                            "key is lost, make new codes on the Sign-in security page."
                        )
                        % {"left": left},
                    )
                return redirect(_next(request))
            if key_form.is_bound and key_form.is_valid():
                second_factor.pass_with_security_key(request, key_form.cleaned_data["credential"])
                return redirect(_next(request))
            if key_form.is_bound:
                key_form.add_error(None, second_factor.KEY_REFUSED)
        except ValidationError as error:
            add_validation_error(
                code_form if code_form.is_bound else key_form, error, "code" if code_form.is_bound else None
            )
        status = 400
    has_keys = any(f.kind == second_factor.SECURITY_KEY for f in second_factor.factors(request.user))
    options, elsewhere = _key_options(second_factor.key_sign_in_options, request) if has_keys else (None, "")
    context = {
        "code_form": code_form,
        "key_form": key_form,
        "options": options,
        "elsewhere": elsewhere,
        "next": _next(request),
    }
    return render(request, "accounts/second_factor.html", context, status=status)
