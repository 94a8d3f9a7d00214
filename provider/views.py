"""The simulated identity provider's own pages (an outside party, under /provider/).

The person enters their ID document and, this being a simulation, the outcome. The
provider signs its result and hands it back to tmverify by form post (as OpenID
Connect's form_post response mode does), so the result never appears in a URL.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_countries import countries

from .issuer import SimulatedProvider, read_request

VIDEO = "video"


class ProviderCheckForm(forms.Form):
    document_country = forms.ChoiceField(
        label=_("Country that issued the document"), choices=lambda: [("", _("Choose a country")), *countries]
    )
    document_number = forms.CharField(
        label=_("Document number"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    outcome = forms.ChoiceField(
        label=_("Simulated outcome"),
        choices=[("pass", _("The document and face match (pass)")), ("fail", _("They do not match (fail)"))],
        widget=forms.RadioSelect,
        initial="pass",
    )


@csrf_exempt  # the app's signed request arrives from the app's page, another party's
@require_POST
def start(request):
    """The app's signed request (posted by the browser, never in a URL) opens the check;
    the check's own form, posted back with it, finishes it."""
    # The provider knows who it is checking from the authorization request the app
    # sent it, signed and unexpired (issuer.read_request).
    asked = read_request(request.POST.get("request", ""))
    if asked is None:
        return render(request, "provider/unknown.html", status=404)
    if "outcome" in request.POST:
        return _finish(request, asked)
    return _check_page(request, asked, ProviderCheckForm(initial=_initial(request, asked)))


def _mine(request, asked) -> bool:
    # the request alone does not say who you are: the name (and country) show only to the
    # person who started the check, signed in to tmverify in this browser
    return request.user.is_authenticated and str(request.user.pk) == asked.subject


def _initial(request, asked) -> dict:
    return {"document_country": getattr(request.user, "country", "") if _mine(request, asked) else ""}


def _check_page(request, asked, form, status=200):
    context = {
        "form": form,
        "video": asked.method == VIDEO,
        "name": request.user.get_full_name() if _mine(request, asked) else "",
        "signed_request": request.POST["request"],
    }
    return render(request, "provider/check.html", context, status=status)


@csrf_protect  # the provider's own form: its CSRF token is checked as any form's
def _finish(request, asked):
    form = ProviderCheckForm(request.POST)
    if not form.is_valid():
        return _check_page(request, asked, form, status=400)
    data = form.cleaned_data
    token = SimulatedProvider().issue(
        subject=asked.subject,
        nonce=asked.nonce,
        method=asked.method,
        passed=data["outcome"] == "pass",
        document_country=data["document_country"],
        document_number=data["document_number"].strip(),
    )
    return render(
        request,
        "provider/return.html",
        {"token": token, "passed": data["outcome"] == "pass", "redirect_uri": asked.redirect_uri},
    )
