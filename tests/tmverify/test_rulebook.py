"""The rules R1..R25 (tmverify.rulebook): each with a title, a text and a source, and in
Chinese; every reason code and flag names one of them or, for state and access, none;
docs/RULES.md describes each rule and cites a source for it and for every fee."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from tmverify.reasons import CODE_RULES, CODES, FLAG_RULES, FLAGS, Reason, reason
from tmverify.rulebook import GROUPS, RULES, rule_ids

ROOT = Path(__file__).resolve().parents[2]


def test_the_rulebook_holds_r1_to_r25_once_each_with_a_title_a_text_and_a_source():
    ids = [rule.id for _, rules in GROUPS for rule in rules]
    assert sorted(ids, key=lambda i: int(i[1:])) == rule_ids() == [f"R{n}" for n in range(1, 26)]
    assert all(rule.title and rule.text and rule.source for rule in RULES.values())


@pytest.mark.parametrize("rule_id", [f"R{n}" for n in range(1, 26)])
def test_each_rule_and_its_group_are_translated_into_chinese(rule_id):
    rule = RULES[rule_id]
    with translation.override("zh-hans"):
        for text in (rule.title, rule.text, rule.status_label):
            assert translation.gettext(text) != text
            assert re.search(r"[\u4e00-\u9fff]", translation.gettext(text))


def test_every_code_and_flag_names_a_rule_or_none():
    assert set(CODE_RULES) == set(CODES)
    assert set(FLAG_RULES) == set(FLAGS)
    assert {rule for rule in [*CODE_RULES.values(), *FLAG_RULES.values()] if rule} <= set(RULES)
    assert all(FLAG_RULES.values())


def test_a_reason_takes_its_codes_rule_unless_it_names_another_or_none():
    assert reason("us_counsel_required").rule == "R16"
    assert reason("role_not_permitted", "Office staff do not file.", rule="R25").rule == "R25"
    assert reason("signature_required", rule="").rule == ""
    with pytest.raises(ValueError, match="unknown rule"):
        Reason("forbidden", "No.", "R99")


def test_no_reason_sentence_or_flag_sentence_carries_its_rule_id():
    # the pages print the id as a link beside the sentence, never inside it
    sentences = [*CODES.values(), *FLAGS.values()]
    assert [s for s in sentences if re.search(r"\(R\d+\)", s)] == []


def test_docs_rules_md_has_a_section_and_a_source_for_every_rule_and_every_fee():
    text = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    by_id = {section.split()[0]: section for section in sections}
    assert sorted(by_id, key=lambda i: int(i[1:])) == rule_ids()
    assert [rule_id for rule_id, section in by_id.items() if "Source:" not in section] == []
    fees = by_id["R20"]
    for amount in ("$225", "$275", "$250", "$350", "$200", "$100", "$125"):
        assert amount in fees or amount in by_id["R21"]
    for citation in ("79 FR 74633", "85 FR 73197", "89 FR 91062", "37 CFR 2.22"):
        assert citation in fees
