import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_pages_render(as_user, dana, li):
    application = factories.draft(dana)
    client = as_user(dana)
    for url in [
        "/",
        "/filings/",
        "/filings/new/",
        f"/filings/{application.pk}/",
        f"/filings/{application.pk}/edit/",
        f"/filings/{application.pk}/submit/",
        "/accounts/identity/",
        "/accounts/bar/",
        "/accounts/sponsorships/",
        "/filings/id-manual/?q=shirt",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
