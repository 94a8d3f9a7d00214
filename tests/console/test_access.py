"""Who gets into the review console: every console URL x every persona."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def console_urls(office):
    hank, paper, filing = office["hank"], office["paper"], office["filing"]
    return [
        "/console/",
        "/console/accounts/user/",
        "/console/accounts/user/?identity_state__exact=fraud_hold",
        f"/console/accounts/user/{hank.pk}/change/",
        f"/console/accounts/user/{hank.pk}/transition/pass_fraud_review/",
        f"/console/accounts/user/{hank.pk}/transition/suspend/",
        "/console/accounts/paperverification/",
        f"/console/accounts/paperverification/{paper.pk}/change/",
        f"/console/accounts/paperverification/{paper.pk}/scan/",
        f"/console/accounts/paperverification/{paper.pk}/transition/approve/",
        "/console/applications/application/",
        f"/console/applications/application/{filing.pk}/change/",
        f"/console/applications/application/{filing.pk}/transition/suspend_for_review/",
        f"/console/applications/application/{filing.pk}/transition/terminate/",
        "/console/signals/",
        "/console/signals/many_owners/",
        "/console/signals/accounts_per_document/",
        "/console/audit/",
    ]


# persona -> expected status for every console page
EXPECTED = {
    "anonymous": 302,  # to the console's login page
    "li": 403,  # applicant: signed in, not office staff
    "dana": 403,  # attorney: signed in, not office staff
    "erin": 200,  # examiner
    "sam": 200,  # supervisor
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_console_access_matrix(client, office, persona):
    if persona != "anonymous":
        client.force_login(office[persona])
    for url in console_urls(office):
        response = client.get(url)
        assert response.status_code == EXPECTED[persona], (persona, url, response.status_code)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("console:login") + "?next=/console/")


@pytest.mark.parametrize("persona", EXPECTED)
def test_console_actions_are_post_only_and_closed_to_outsiders(client, office, persona):
    if persona != "anonymous":
        client.force_login(office[persona])
    act = "/console/signals/many_owners/act/"
    status = client.get(act).status_code
    assert status == {"anonymous": 302, "li": 403, "dana": 403, "erin": 405, "sam": 405}[persona]
    before = office["filing"].state
    response = client.post(
        f"/console/applications/application/{office['filing'].pk}/transition/suspend_for_review/", {"note": "x"}
    )
    assert response.status_code == (302 if persona in ("anonymous", "erin", "sam") else 403)
    office["filing"].refresh_from_db()
    # only the supervisor's POST may change anything
    assert office["filing"].state == ("suspended" if persona == "sam" else before)


def test_console_login_page_is_titled_as_the_review_console(client, db):
    response = client.get(reverse("console:login"))
    assert response.status_code == 200
    assert "review console" in response.content.decode().lower()


def test_unknown_objects_and_transitions_are_not_found(client, office):
    client.force_login(office["sam"])
    assert client.get("/console/accounts/user/999999/transition/suspend/").status_code == 404
    assert client.get("/console/accounts/paperverification/abc/scan/").status_code == 404
    assert client.get(f"/console/accounts/user/{office['hank'].pk}/transition/verify_with_provider/").status_code == 404
    assert client.get("/console/signals/no_such_signal/").status_code == 404
    assert client.post("/console/signals/many_owners/act/", {"account": "abc", "note": "x"}).status_code == 302


def test_nothing_is_edited_added_or_deleted_through_the_admin(client, office):
    client.force_login(office["sam"])
    hank = office["hank"]
    response = client.post(
        f"/console/accounts/user/{hank.pk}/change/", {"identity_state": "verified", "first_name": "Changed"}
    )
    assert response.status_code == 403
    assert client.get("/console/accounts/user/add/").status_code == 403
    assert client.post(f"/console/accounts/user/{hank.pk}/delete/").status_code == 403
    hank.refresh_from_db()
    assert (hank.identity_state, hank.first_name) == ("fraud_hold", "Hank")


def test_a_filer_opening_the_console_is_logged_in_one_line_without_a_traceback(client, caplog):
    from tests.factories import dana

    client.force_login(dana())
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/console/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Forbidden: /console/"]
    assert all(r.exc_info is None for r in records)
