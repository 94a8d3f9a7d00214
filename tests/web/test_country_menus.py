"""The country menus come from django-countries: named in the page's language (Simplified
Chinese included), a blank "choose" first, and only real ISO 3166-1 codes accepted."""

import re

import pytest

from applications import services as filings
from applications.models import Application
from tests.factories import dana, filing_data, sunwave
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    menu = re.search(rf'<select[^>]* id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', menu)


@pytest.mark.parametrize(
    "language, blank, china", [("en", "Choose a country", "China"), ("zh-hans", "选择国家或地区", "中国")]
)
def test_the_sign_up_country_menu_is_in_the_page_language(client, language, blank, china):
    client.post("/i18n/setlang/", {"language": language})
    menu = options(client.get("/accounts/signup/").content.decode(), "id_country")
    assert menu[0] == ("", blank)
    assert ("CN", china) in menu
    assert len(menu) == 1 + 249  # every ISO 3166-1 country, once


def test_the_filing_forms_country_menu_is_in_chinese_on_chinese_pages(as_user):
    client = as_user(dana())
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    menu = dict(options(client.get("/filings/new/").content.decode(), "id_country"))
    assert (menu["CN"], menu["US"], menu["CA"]) == ("中国", "美国", "加拿大")


def test_an_unknown_country_code_is_refused_on_the_sign_up_page(client):
    page = client.post("/accounts/signup/", {"country": "ZZ"})
    assert "country" in page.context["form"].errors


def test_a_domicile_in_no_country_is_refused_as_no_domicile_and_creates_nothing():
    # SCENARIOS.md v2: a value the rules refuse is a refused step with its code
    attorney = dana()
    with pytest.raises(Refused) as refused:
        filings.create_application(attorney, filing_data(sunwave(country="ZZ")))
    assert refused.value.codes == ["domicile_required"]
    assert "'ZZ' is not a country's two-letter ISO code" in refused.value.reasons[0].message
    assert not Application.objects.exists()
