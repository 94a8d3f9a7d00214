"""Every URL of the project x every persona: the expected status, and CSRF on every URL
that takes a POST.

The URL configuration is walked (console and provider included), so a new URL without a
row in MATRIX fails `test_every_url_pattern_has_a_row_in_the_matrix`. Each cell runs in
a savepoint that is rolled back, so the cells do not depend on each other's order.

Statuses: 200 page; 302 redirect (for `anon`, to a sign-in page; for office staff on a
filer's form or step, to a page they may read, with the R25 refusal; for others, after
the action or to where the page lives now); 400 form errors; 403 wrong role; 404 not yours
or no such thing; 405 wrong method. POST rows send an empty body.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve

from tests.security.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# Objects in {braces} come from the `personas` fixture: {sunwave} is Dana's draft for Li's
# company (Pat may see it), {olivias} Olivia's own submitted filing, {appointed} Olivia's
# own draft naming Dana, who has not accepted (R24), {dana} Dana's account, {waiting} Uri's
# request to Dana, {active} Dana's sponsorship of Pat, {paper} Paula's notarized form with
# its scan, {mallory} Mallory's account, {token} Li's signing code (a link mailed before
# the code left the path opens its form, filled in, whatever the code), {ticket} the
# authorization request of Uma's open provider check, {confirm} the link mailed to Nell to confirm her
# email, {uid} Li's id as a password-reset link gives it. /outbox/ is development's only
# (DJANGO_DEBUG): not found here, as in production (tests/web/test_outbox.py opens it).
MATRIX = """
method url                                                   anon uown vown other link atty staff ustaff exam super
GET    /                                                      200  200  200  200   200  200  200   200    200  200
GET    /rules/                                                200  200  200  200   200  200  200   200    200  200
GET    /outbox/                                               404  404  404  404   404  404  404   404    404  404
GET    /accounts/signup/                                      200  302  302  302   302  302  302   302    302  302
GET    /accounts/signup/sent/                                 200  200  200  200   200  200  200   200    200  200
GET    /accounts/confirm/                                     302  200  200  200   200  200  200   200    200  200
GET    /accounts/confirm/{confirm}/                           200  200  200  200   200  200  200   200    200  200
GET    /accounts/confirm/made-up-token/                       404  404  404  404   404  404  404   404    404  404
GET    /accounts/login/                                       200  302  302  302   302  302  302   302    302  302
GET    /accounts/password/reset/                              200  200  200  200   200  200  200   200    200  200
GET    /accounts/password/reset/sent/                         200  200  200  200   200  200  200   200    200  200
GET    /accounts/password/reset/{uid}/made-up-token/          200  200  200  200   200  200  200   200    200  200
GET    /accounts/password/reset/done/                         200  200  200  200   200  200  200   200    200  200
POST   /accounts/logout/                                      302  302  302  302   302  302  302   302    302  302
POST   /accounts/keepalive/                                   302  302  302  302   302  302  302   302    302  302
GET    /accounts/second-factor/                               302  302  302  302   302  302  302   302    302  302
GET    /accounts/security/                                    302  200  200  200   200  200  200   200    200  200
GET    /accounts/security/authenticator/                      302  200  200  200   200  200  200   200    200  200
GET    /accounts/security/key/                                302  200  200  200   200  200  200   200    200  200
POST   /accounts/security/recovery-codes/                     302  302  302  302   302  302  302   302    200  200
POST   /accounts/security/authenticator/999999/remove/        302  302  302  302   302  302  302   302    302  302
POST   /accounts/security/key/999999/remove/                  302  302  302  302   302  302  302   302    302  302
GET    /accounts/identity/                                    302  200  200  200   200  200  200   200    200  200
POST   /accounts/identity/start/                              302  400  400  400   400  400  400   400    302  302
GET    /accounts/identity/callback/                           302  302  302  302   302  302  302   302    302  302
GET    /accounts/identity/paper/                              302  200  200  200   200  200  200   200    302  302
POST   /accounts/identity/role/                               302  302  302  302   302  302  302   302    302  302
GET    /accounts/bar/                                         302  200  200  200   200  200  200   200    302  302
GET    /accounts/sponsorships/                                302  200  200  200   200  200  200   200    200  200
POST   /accounts/sponsorships/sponsor/                        302  400  400  400   400  400  400   400    302  302
POST   /accounts/sponsorships/request/                        302  400  400  400   400  400  400   400    302  302
POST   /accounts/sponsorships/{waiting}/approve/              302  404  404  404   404  302  404   302    404  404
POST   /accounts/sponsorships/{waiting}/deny/                 302  404  404  404   404  302  404   302    404  404
POST   /accounts/sponsorships/{active}/end/                   302  404  404  404   404  302  302   404    404  404
GET    /filings/                                              302  200  200  200   200  200  200   200    200  200
GET    /filings/new/                                          302  200  200  200   200  200  200   200    302  302
POST   /filings/fee-quote/                                    302  200  200  200   200  200  200   200    200  200
GET    /filings/id-manual/                                    200  200  200  200   200  200  200   200    200  200
GET    /filings/{sunwave}/                                    302  404  404  404   404  200  200   404    200  200
GET    /filings/{olivias}/                                    302  404  200  404   404  404  404   404    200  200
GET    /filings/{sunwave}/edit/                               302  404  404  404   404  200  200   404    302  302
GET    /filings/{olivias}/edit/                               302  404  302  404   404  404  404   404    302  302
POST   /filings/{sunwave}/sign/                               302  404  404  404   404  400  400   404    302  302
POST   /filings/{sunwave}/sign/upload/                        302  404  404  404   404  400  400   404    302  302
POST   /filings/{sunwave}/request-signature/                  302  404  404  404   404  400  400   404    302  302
POST   /filings/{sunwave}/withdraw/                           302  404  404  404   404  302  302   404    302  302
POST   /filings/{sunwave}/appoint/                            302  404  404  404   404  400  400   404    302  302
POST   /filings/{sunwave}/accept/                             302  404  404  404   404  302  302   404    302  302
POST   /filings/{sunwave}/decline/                            302  404  404  404   404  302  302   404    302  302
POST   /filings/{sunwave}/attorneys/{dana}/revoke/            302  404  404  404   404  302  302   404    302  302
POST   /filings/{sunwave}/attorneys/{mallory}/revoke/         302  404  404  404   404  404  404   404    302  302
GET    /filings/{appointed}/                                  302  404  200  404   404  200  404   404    200  200
GET    /filings/{appointed}/edit/                             302  404  200  404   404  302  404   404    302  302
POST   /filings/{appointed}/accept/                           302  404  302  404   404  302  404   404    302  302
POST   /filings/{appointed}/decline/                          302  404  302  404   404  302  404   404    302  302
POST   /filings/{appointed}/attorneys/{dana}/revoke/          302  404  302  404   404  302  404   404    302  302
POST   /filings/{appointed}/appoint/                          302  404  400  404   404  400  404   404    302  302
GET    /filings/{sunwave}/submit/                             302  404  404  404   404  200  200   404    200  200
GET    /filings/{olivias}/submit/                             302  404  302  404   404  404  404   404    302  302
GET    /filings/{olivias}/receipt/                            302  404  200  404   404  404  404   404    200  200
GET    /filings/{sunwave}/receipt/                            302  404  404  404   404  404  404   404    404  404
GET    /filings/{olivias}/receipt/download/                   302  404  200  404   404  404  404   404    200  200
POST   /filings/{olivias}/forms/response/                     302  404  400  404   404  404  404   404    302  302
POST   /filings/{sunwave}/forms/response/                     302  404  404  404   404  400  400   404    302  302
GET    /filings/{olivias}/forms/receipts/999999/              302  404  404  404   404  404  404   404    404  404
GET    /filings/deadlines.ics                                 302  200  200  200   200  200  200   200    200  200
GET    /filings/sign/                                         200  200  200  200   200  200  200   200    200  200
GET    /filings/sign/{token}/                                 200  200  200  200   200  200  200   200    200  200
GET    /filings/sign/made-up-token/                           200  200  200  200   200  200  200   200    200  200
GET    /provider/.well-known/openid-configuration             200  200  200  200   200  200  200   200    200  200
GET    /provider/jwks/                                        200  200  200  200   200  200  200   200    200  200
GET    /provider/authorize/                                   400  400  400  400   400  400  400   400    400  400
POST   /provider/token/                                       401  401  401  401   401  401  401   401    401  401
POST   /i18n/setlang/                                         302  302  302  302   302  302  302   302    302  302
GET    /console/                                              302  403  403  403   403  403  403   403    200  200
GET    /console/login/                                        200  200  200  200   200  200  200   200    302  302
POST   /console/logout/                                       302  302  302  302   302  302  302   302    302  302
GET    /console/password_change/                              302  403  403  403   403  403  403   403    200  200
GET    /console/password_change/done/                         302  403  403  403   403  403  403   403    200  200
GET    /console/autocomplete/                                 302  403  403  403   403  403  403   403    403  403
GET    /console/jsi18n/                                       302  403  403  403   403  403  403   403    200  200
GET    /console/r/{user_type}/{mallory}/                      302  403  403  403   403  403  403   403    404  404
GET    /console/accounts/                                     302  403  403  403   403  403  403   403    200  200
GET    /console/no-such-page/                                 302  403  403  403   403  403  403   403    404  404
GET    /console/signals/                                      302  403  403  403   403  403  403   403    200  200
GET    /console/signals/many_owners/                          302  403  403  403   403  403  403   403    200  200
POST   /console/signals/many_owners/act/                      302  403  403  403   403  403  403   403    302  302
GET    /console/audit/                                        302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/user/                                302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/user/add/                            302  403  403  403   403  403  403   403    403  403
GET    /console/accounts/user/{mallory}/                      302  403  403  403   403  403  403   403    302  302
GET    /console/accounts/user/{mallory}/change/               302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/user/{mallory}/history/              302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/user/{mallory}/delete/               302  403  403  403   403  403  403   403    403  403
GET    /console/accounts/user/{mallory}/transition/suspend/   302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/user/{mallory}/second-factor/reset/  302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/paperverification/                   302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/paperverification/add/               302  403  403  403   403  403  403   403    403  403
GET    /console/accounts/paperverification/{paper}/           302  403  403  403   403  403  403   403    302  302
GET    /console/accounts/paperverification/{paper}/change/    302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/paperverification/{paper}/history/   302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/paperverification/{paper}/delete/    302  403  403  403   403  403  403   403    403  403
GET    /console/accounts/paperverification/{paper}/scan/      302  403  403  403   403  403  403   403    200  200
GET    /console/accounts/paperverification/{paper}/transition/approve/  302  403  403  403   403  403  403   403    200  200
GET    /console/applications/application/                     302  403  403  403   403  403  403   403    200  200
GET    /console/applications/application/add/                 302  403  403  403   403  403  403   403    403  403
GET    /console/applications/application/{sunwave}/           302  403  403  403   403  403  403   403    302  302
GET    /console/applications/application/{sunwave}/change/    302  403  403  403   403  403  403   403    200  200
GET    /console/applications/application/{sunwave}/history/   302  403  403  403   403  403  403   403    200  200
GET    /console/applications/application/{sunwave}/delete/    302  403  403  403   403  403  403   403    403  403
GET    /console/applications/application/{sunwave}/transition/suspend_for_review/  302  403  403  403   403  403  403   403    200  200
"""


def _rows():
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert header[2:] == PERSONAS, "the table's columns are the personas, in order"
    return [(method, url, dict(zip(PERSONAS, map(int, statuses), strict=True))) for method, url, *statuses in body]


ROWS = _rows()


def url_patterns(patterns=None, prefix=""):
    """Every route of the URL configuration, includes followed, as Django joins them."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern)) if prefix else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        else:
            yield route


def row_count() -> int:
    """Rows in every table of the project's apps and of auth (sessions are not counted)."""
    labels = {"tmverify", "accounts", "applications", "auth"}
    return sum(model.objects.count() for model in apps.get_models() if model._meta.app_label in labels)


def signed_in(personas, persona) -> str:
    """A session key for `persona`, signed in once per test (sign-in is the slow part)."""
    sessions = personas.setdefault("sessions", {})
    if persona not in sessions:
        client = Client()
        client.force_login(personas["users"][persona])
        sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions[persona]


def call(personas, persona, method, url, client=None, data=None, counted=False):
    """One request as `persona`, rolled back afterwards: the response, and with `counted`
    also whether it changed the number of rows."""
    client = client or Client()
    if persona != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = signed_in(personas, persona)
    with transaction.atomic():
        before = row_count() if counted else 0
        url = url.format(**personas["objects"])
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        changed = counted and row_count() != before
        transaction.set_rollback(True)
    return (response, changed) if counted else response


def test_every_url_pattern_has_a_row_in_the_matrix():
    routes = set(url_patterns())
    # placeholders resolve like real values: `{sunwave}` -> <int:pk> needs digits
    covered = {resolve(_sample(url)).route for _, url, _ in ROWS}
    assert routes - covered == set(), "URL patterns without an expectation in MATRIX"
    assert len(routes) >= 70  # the walk reaches the console's and the provider's URLs


def _sample(url: str) -> str:
    return url.format_map(_Digits())


class _Digits(dict):
    def __missing__(self, key):
        return "7"


def test_each_persona_gets_the_expected_status_on_every_url(personas):
    wrong = []
    for method, url, expected in ROWS:
        got = {persona: call(personas, persona, method, url).status_code for persona in PERSONAS}
        wrong += [f"{method} {url} as {p}: {got[p]}, expected {expected[p]}" for p in PERSONAS if got[p] != expected[p]]
    assert wrong == []


def test_anonymous_visitors_are_sent_to_the_right_sign_in_page(personas):
    for method, url, expected in ROWS:
        if expected["anon"] != 302 or url.startswith(("/accounts/logout/", "/console/logout/", "/i18n/")):
            continue  # signing out and switching language go back to where the visitor was
        location = call(personas, "anon", method, url)["Location"]
        login = "/console/login/" if url.startswith("/console/") else "/accounts/login/"
        assert location.startswith(login + "?next="), (url, location)


def test_outsiders_posting_to_others_objects_change_nothing(personas):
    refused = 0
    for method, url, expected in ROWS:
        for persona, status in expected.items():
            if method == "POST" and status in (403, 404):
                response, changed = call(personas, persona, method, url, counted=True)
                assert (response.status_code, changed) == (status, False), (persona, url)
                refused += 1
    assert refused > 50
    # the check can see a change: the attorney's own withdrawal is one
    assert call(personas, "atty", "POST", "/filings/{sunwave}/withdraw/", counted=True)[1]


# R25: the filer's steps an office account is sent away from before any form is read
# (submission is refused by the service, which audits the attempt; the provider's
# redirect back, a GET, is in MATRIX: 302 for the office)
OFFICE_REFUSED = [
    "/accounts/identity/start/",
    "/accounts/identity/paper/",
    "/accounts/identity/role/",
    "/accounts/bar/",
    "/accounts/sponsorships/sponsor/",
    "/accounts/sponsorships/request/",
    "/filings/new/",
    "/filings/{sunwave}/edit/",
    "/filings/{sunwave}/sign/",
    "/filings/{sunwave}/sign/upload/",
    "/filings/{sunwave}/request-signature/",
    "/filings/{sunwave}/withdraw/",
    "/filings/{sunwave}/appoint/",
    "/filings/{sunwave}/accept/",
    "/filings/{sunwave}/decline/",
    "/filings/{sunwave}/attorneys/{dana}/revoke/",
]


def test_office_staff_posting_to_the_filer_pages_are_refused_and_change_nothing(personas):
    for persona in ("exam", "super"):
        for url in OFFICE_REFUSED:
            response, changed = call(personas, persona, "POST", url, counted=True)
            assert (response.status_code, changed) == (302, False), (persona, url)
            assert not response["Location"].startswith("/accounts/login/"), (persona, url)


def user_of(url: str, expected: dict) -> str:
    """The persona who can use a URL: office staff in the console; elsewhere the first who
    gets the page, else the first whose request reaches the view (form errors, or a
    redirect after the action)."""
    if url.startswith("/console/"):
        return "exam"
    for wanted in (200, 400, 302):
        for persona in PERSONAS:
            if expected[persona] == wanted and not (persona == "anon" and wanted == 302):
                return persona
    return "super"


def is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF verification failed" in getattr(response, "content", b"")


# POSTs that carry their own credential instead of a CSRF token: the provider's token
# endpoint, a back-channel call from the client's server authenticated as the client
# (the provider's own check form keeps the token: tests/web/test_web_accounts.py
# ::test_the_providers_own_form_keeps_its_csrf_check)
CSRF_EXEMPT = {"provider/token/"}


def test_every_url_that_takes_a_post_refuses_one_without_a_csrf_token(personas):
    checked = set()
    for _, url, expected in ROWS:
        if resolve(_sample(url)).route in CSRF_EXEMPT:
            continue
        persona = user_of(url, expected)
        allowed = call(personas, persona, "POST", url)
        if allowed.status_code == 405:
            continue  # the URL takes no POST at all
        token = _get_new_csrf_string()
        strict = Client(enforce_csrf_checks=True)
        with transaction.atomic():
            before = row_count()
            if persona != "anon":
                strict.force_login(personas["users"][persona])
            refused = strict.post(url.format(**personas["objects"]))
            assert is_csrf_refusal(refused) and row_count() == before, (persona, url)
            transaction.set_rollback(True)
        # the same request with the token gets through the check: the 403 was the token's
        strict = Client(enforce_csrf_checks=True)
        strict.cookies["csrftoken"] = token
        with_token = call(personas, persona, "POST", url, client=strict, data={"csrfmiddlewaretoken": token})
        assert not is_csrf_refusal(with_token), (persona, url)
        checked.add(resolve(_sample(url)).route)
    state_changing = {
        "accounts/login/",
        "accounts/signup/",
        "accounts/confirm/",
        "accounts/confirm/<str:token>/",
        "accounts/password/reset/",
        "accounts/identity/paper/",
        "filings/new/",
        "filings/<int:pk>/sign/",
        "filings/<int:pk>/submit/",
        "filings/sign/",
        "accounts/sponsorships/<int:pk>/approve/",
        "console/accounts/user/<path:object_id>/transition/<str:transition_name>/",
        "console/signals/<str:key>/act/",
    }
    assert state_changing <= checked, state_changing - checked


def test_post_only_urls_answer_a_get_with_405(personas):
    for method, url, expected in ROWS:
        persona = user_of(url, expected)
        if method == "POST" and not url.startswith("/i18n/"):  # Django's language switch takes both
            assert call(personas, persona, "GET", url).status_code == 405, url
