"""The `/rules/` page: every rule anchored (`/rules/#R16`), in English and Chinese, open to
everyone; and the checklist links each reason's rule there instead of printing the code
or "(R16)" in the sentence."""

import html
import re

import pytest

from tests.factories import draft, sunwave
from tmverify.rulebook import RULES

pytestmark = pytest.mark.django_db


def test_the_rules_page_anchors_every_rule_from_r1_to_r25(client):
    page = client.get("/rules/").content.decode()

    assert re.findall(r'<article class="rule" id="(R\d+)"', page) == [f"R{n}" for n in range(1, 26)]
    assert [f'href="#R{n}"' in page for n in range(1, 26)] == [True] * 25
    assert "Foreign applicants need a US attorney" in page
    assert "Not built yet" in page  # R21, R22


def test_the_rules_page_is_in_chinese_for_a_chinese_reader(client):
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    page = client.get("/rules/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "外国申请人需要美国律师" in page and "tmverify 执行的规则" in page
    assert RULES["R16"].source in page  # citations stay as written


def test_the_checklist_links_each_reasons_rule_and_prints_neither_the_code_nor_the_rule_in_the_sentence(as_user, dana):
    filing = draft(dana, applicant=sunwave(street="", email="dana@example.test"))

    page = as_user(dana).get(f"/filings/{filing.pk}/").content.decode()
    checklist = re.search(r'<ul class="reasons">(.*?)</ul>', page, re.S).group(1)

    assert '<a class="rule-link" href="/rules/#R18"' in checklist  # domicile_required
    assert '<a class="rule-link" href="/rules/#R17"' in checklist  # attorney_email_conflict
    assert '<a class="rule-link" href="/rules/#R15"' in checklist  # signature_required
    visible = html.unescape(re.sub(r"<[^>]+>", " ", checklist))
    assert "domicile_required" not in visible and "(R18)" not in visible
    assert "Give the applicant's domicile: the street address where they really are." in visible


def test_a_flag_links_its_rule_too(as_user, dana):
    filing = draft(dana, applicant=sunwave(street="Postfach 1234"))

    page = as_user(dana).get(f"/filings/{filing.pk}/").content.decode()
    flags = re.search(r'<ul class="flags">(.*?)</ul>', page, re.S).group(1)

    assert 'data-code="mail_drop_domicile"' in flags and 'href="/rules/#R18"' in flags


def test_the_checklist_links_the_rule_in_chinese_too(as_user, dana):
    filing = draft(dana, applicant=sunwave(email="dana@example.test"))
    client = as_user(dana)
    client.post("/i18n/setlang/", {"language": "zh-hans"})

    page = client.get(f"/filings/{filing.pk}/submit/").content.decode()

    assert "请填写申请人自己的电子邮箱，而不是律师的。" in page
    assert '<a class="rule-link" href="/rules/#R17"' in page
