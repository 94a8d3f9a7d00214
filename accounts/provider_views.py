"""The simulated identity provider's own pages (an outside party, under /provider/).

The person enters their ID document and, this being a simulation, the outcome. The
provider signs its result and hands it back to tmverify by form post (as OpenID
Connect's form_post response mode does), so the result never appears in a URL.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tmverify import clock

from .forms import country_choices
from .models import Method, VerificationRequest
from .provider import get_provider


class ProviderCheckForm(forms.Form):
    document_country = forms.ChoiceField(label=_("Country that issued the document"), choices=country_choices)
    document_number = forms.CharField(
        label=_("Document number"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    outcome = forms.ChoiceField(
        label=_("Simulated outcome"),
        choices=[("pass", _("The document and face match (pass)")), ("fail", _("They do not match (fail)"))],
        widget=forms.RadioSelect,
        initial="pass",
    )


def _open_request(nonce: str):
    # The provider knows who it is checking from the authorization request the app
    # sent it; in this simulation that request is the app's nonce record.
    return (
        VerificationRequest.objects.filter(nonce=nonce, used_at__isnull=True, expires_at__gt=clock.now())
        .select_related("user")
        .first()
    )


def start(request, nonce):
    verification = _open_request(nonce)
    if verification is None:
        return render(request, "provider/unknown.html", status=404)
    form = ProviderCheckForm(request.POST or None, initial={"document_country": verification.user.country})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = get_provider().issue(
            subject=str(verification.user_id),
            nonce=verification.nonce,
            method=verification.method,
            passed=data["outcome"] == "pass",
            document_country=data["document_country"],
            document_number=data["document_number"].strip(),
        )
        return render(request, "provider/return.html", {"token": token, "passed": data["outcome"] == "pass"})
    # the link alone does not say who you are: the name shows only to the person who
    # started the check, signed in to tmverify in this browser
    mine = request.user.is_authenticated and request.user.pk == verification.user_id
    return render(
        request,
        "provider/check.html",
        {
            "form": form,
            "video": verification.method == Method.VIDEO,
            "name": verification.user.full_name if mine else "",
        },
    )
