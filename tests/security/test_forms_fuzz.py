"""Every form of the project posted through the test client with arbitrary values
(unicode, huge, empty, almost-valid): never a 500, and nothing written when refused.

"Refused" is a status of 400 or more, a form shown again with errors, or an error
message. A refusal may leave exactly the traces the design asks for: the audit event of
a refused action (`*.refused`), a failed sign-in (the sign-in limiter) and a failed
provider attempt (R5). Any other new or lost row fails the test.
"""

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts import forms as account_forms
from applications import forms as filing_forms
from console.site import NoteForm, SignalActForm
from provider.views import ProviderCheckForm

pytestmark = pytest.mark.django_db

# rows a refusal may leave behind, by design (see the module docstring)
TRACES = {"tmverify.AuditHead", "accounts.SignInFailure", "accounts.VerificationAttempt"}

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
huge = st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(1_000, 300_000))
dates = st.sampled_from(["2015-01-10", "2023-06-01", "2999-12-31", "0001-01-01", "2023-02-30", "1-1-1"])
emails = st.sampled_from(["dana@example.test", "li@example.test", "pat@example.test", "uri@example.test"])
files = st.builds(
    lambda head, body, name: SimpleUploadedFile(name, head + body, content_type="application/pdf"),
    st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<html>", b"GIF89a"]),
    st.binary(max_size=2_000),
    st.sampled_from(["scan.pdf", "x.png", "noext", "../../etc/passwd", "a" * 300 + ".pdf", "名字.pdf"]),
)


def choice_values(field) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _ in label]
        else:
            values.append(str(value))
    return values or [""]


def value_for(field) -> st.SearchStrategy:
    """Arbitrary text always; plus values a real page would send, so deeper paths run."""
    if isinstance(field, forms.FileField):
        return st.one_of(files, text)
    likely = {
        forms.ChoiceField: lambda: st.sampled_from(choice_values(field)),
        forms.EmailField: lambda: emails,
        forms.DateField: lambda: dates,
        forms.BooleanField: lambda: st.sampled_from(["on", ""]),
        forms.IntegerField: lambda: st.integers(-(10**20), 10**20).map(str),
    }
    for kind, make in likely.items():
        if isinstance(field, kind):
            return st.one_of(make(), text, huge, st.just(""))
    return st.one_of(text, huge, st.just(""), st.sampled_from(["/Dana Kim/", "/Li Wei/", "CEO", "Dana Kim"]))


def fields_of(form_class, prefix="", **kwargs) -> dict:
    form = form_class(**kwargs)
    return {(f"{prefix}-{name}" if prefix else name): value_for(field) for name, field in form.fields.items()}


def goods_fields() -> dict:
    fields = {
        f"goods-{key}": st.one_of(st.sampled_from(["0", "1", "3", "61", "-1", "x"]), text)
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    }
    for n in range(2):
        fields.update(fields_of(filing_forms.GoodsForm, prefix=f"goods-{n}"))
    return fields


def application_fields(with_attorney=True) -> dict:
    return {
        **fields_of(filing_forms.ApplicationForm, user=None, with_attorney=with_attorney),
        **goods_fields(),
        "action": st.sampled_from(["", "quote", "save"]),
    }


# form -> (persona, URL, fields). Personas and objects as in tests/security/conftest.py.
FORMS = {
    "sign up": ("anon", "/accounts/signup/", fields_of(account_forms.SignUpForm)),
    "sign in": ("anon", "/accounts/login/", {"username": st.one_of(emails, text), "password": text}),
    "forgotten password": ("anon", "/accounts/password/reset/", fields_of(account_forms.PasswordResetRequestForm)),
    "start verification": ("uown", "/accounts/identity/start/", fields_of(account_forms.StartVerificationForm)),
    "provider check": ("anon", "/provider/authorize/", fields_of(ProviderCheckForm)),
    "paper form": ("uown", "/accounts/identity/paper/", fields_of(account_forms.PaperVerificationForm)),
    "choose role": ("link", "/accounts/identity/role/", fields_of(account_forms.ChooseRoleForm)),
    "bar admission": ("atty", "/accounts/bar/", fields_of(account_forms.BarAdmissionForm)),
    "sponsor staff": ("atty", "/accounts/sponsorships/sponsor/", fields_of(account_forms.PersonByEmailForm, "sponsor")),
    "request sponsorship": (
        "ustaff",
        "/accounts/sponsorships/request/",
        fields_of(account_forms.PersonByEmailForm, "request"),
    ),
    "new application": ("atty", "/filings/new/", application_fields()),
    "edit application": ("atty", "/filings/{sunwave}/edit/", application_fields(with_attorney=False)),
    "fee quote": ("vown", "/filings/fee-quote/", application_fields(with_attorney=False)),
    "sign": ("atty", "/filings/{sunwave}/sign/", fields_of(filing_forms.SignForm)),
    "pen-and-ink upload": ("atty", "/filings/{sunwave}/sign/upload/", fields_of(filing_forms.UploadSignForm)),
    "request signature": ("atty", "/filings/{sunwave}/request-signature/", fields_of(filing_forms.SignerForm)),
    "appoint attorney": ("atty", "/filings/{sunwave}/appoint/", fields_of(filing_forms.AttorneyForm)),
    "sign by link": ("anon", "/filings/sign/", fields_of(filing_forms.LinkSignForm, signer_name="Li Wei")),
    "add an authenticator app": (
        "vown",
        "/accounts/security/authenticator/",
        fields_of(account_forms.NewAuthenticatorForm),
    ),
    "add a security key": (
        "vown",
        "/accounts/security/key/",
        {"name": text, "credential": st.one_of(text, huge, st.just('{"id": "AAAA", "response": {}}'))},
    ),
    "console: remove lost second factor": (
        "super",
        "/console/accounts/user/{mallory}/second-factor/reset/",
        fields_of(NoteForm),
    ),
    "console: suspend account": ("super", "/console/accounts/user/{mallory}/transition/suspend/", fields_of(NoteForm)),
    "console: approve paper": (
        "exam",
        "/console/accounts/paperverification/{paper}/transition/approve/",
        fields_of(NoteForm),
    ),
    "console: act on a signal": ("super", "/console/signals/many_owners/act/", fields_of(SignalActForm)),
}


# what those forms always carry besides what a person types: the authorization request
# the provider's page signed into its form, the signing code (posted, never in the URL)
CARRIED = {
    "provider check": {"authorization": "{ticket}"},
    "sign by link": {"code": "{token}", "step": "sign"},
}


def snapshot() -> dict:
    labels = {"tmverify", "accounts", "applications", "auth"}
    rows = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.label not in TRACES
    }
    from tmverify.models import AuditEvent

    rows["tmverify.AuditEvent"] = AuditEvent.objects.exclude(action__endswith=".refused").count()
    return rows


def was_refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if any(m.level >= constants.ERROR for m in get_messages(response.wsgi_request)):
        return True
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [value for context in contexts if context is not None for value in context.flatten().values()]
    for value in values:
        if isinstance(value, forms.BaseForm | BaseFormSet) and value.is_bound and not value.is_valid():
            return True
    return False


@pytest.mark.parametrize("name", FORMS)
@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_input_gives_errors_or_a_result_never_a_500_and_refusals_write_nothing(personas, name, data):
    persona, url, fields = FORMS[name]
    values = data.draw(st.fixed_dictionaries({}, optional=fields), label="posted")
    values.update({key: value.format(**personas["objects"]) for key, value in CARRIED.get(name, {}).items()})
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        if persona != "anon":
            client.force_login(personas["users"][persona])
        before = snapshot()
        response = client.post(url.format(**personas["objects"]), values)
        assert response.status_code < 500, (name, values)
        if was_refused(response):
            assert snapshot() == before, (name, values)
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=st.fixed_dictionaries({}, optional={"state": st.one_of(text, huge), "code": text, "error": text}))
@example(answer={"state": "a\x00b", "code": "c"})  # PostgreSQL refuses a NUL in a query (found so)
def test_any_answer_at_the_provider_callback_is_refused_never_a_500_and_writes_nothing(personas, answer):
    # the provider's redirect back (GET): without the state of an open request, nothing
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        client.force_login(personas["users"]["uown"])
        before = snapshot()
        response = client.get("/accounts/identity/callback/", answer)
        assert response.status_code == 302 and was_refused(response), answer
        assert snapshot() == before, answer
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, database=None)
@given(query=st.one_of(text, huge), nice_class=st.one_of(text, st.integers().map(str)))
def test_the_id_manual_search_answers_any_query(query, nice_class):
    assert Client().get("/filings/id-manual/", {"q": query, "class": nice_class}).status_code == 200


def test_the_fuzzing_sees_a_write_when_input_is_accepted(personas):
    """The snapshot is not blind: a valid bar admission through the same path writes a row."""
    client = Client()
    client.force_login(personas["users"]["atty"])
    before = snapshot()
    response = client.post(
        "/accounts/bar/", {"jurisdiction": "CA", "number": "9", "admitted": "2016-02-01", "good_standing": "on"}
    )
    assert not was_refused(response)
    assert snapshot() != before
