"""The simulated identity provider's own pages (an outside party, under /provider/).

The person enters their ID document and, this being a simulation, the outcome. The
provider signs its result and hands it back to tmverify by form post (as OpenID
Connect's form_post response mode does), so the result never appears in a URL.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
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


def start(request, ticket):
    # The provider knows who it is checking from the authorization request the app
    # sent it, signed and unexpired (issuer.read_request).
    asked = read_request(ticket)
    if asked is None:
        return render(request, "provider/unknown.html", status=404)
    # the link alone does not say who you are: the name (and country) show only to the
    # person who started the check, signed in to tmverify in this browser
    mine = request.user.is_authenticated and str(request.user.pk) == asked.subject
    form = ProviderCheckForm(
        request.POST or None, initial={"document_country": getattr(request.user, "country", "") if mine else ""}
    )
    if request.method == "POST" and form.is_valid():
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
    return render(
        request,
        "provider/check.html",
        {"form": form, "video": asked.method == VIDEO, "name": request.user.get_full_name() if mine else ""},
    )
