"""R20 fees by filing date: TEAS Plus/Standard ($225/$275 before 2021-01-02, then
$250/$350) until 2025-01-17; from then $350 a class plus surcharges. Shown on drafts,
fixed at submission. SCENARIOS.md v2 corrected the first era, the Plus filing that misses
required information, and the long-text surcharge (free-form text only)."""

from datetime import date

import pytest

from accounts.models import User
from applications import rules
from applications import services as filings
from applications.services import GoodsData
from tests.factories import dana, draft, signed_by_attorney, sunwave
from tmverify import clock

pytestmark = pytest.mark.django_db

FIRST_ERA = date(2021, 1, 1)
OLD_ERA = date(2025, 1, 17)
NEW_ERA = date(2025, 1, 18)


def fee_on(day, **overrides) -> int:
    """The fee a draft of Dana's shows on `day` (Dana verified on the tests' first day)."""
    attorney = User.objects.filter(email="dana@example.test").first() or dana()
    clock.set_today(day)
    return rules.fee_for(draft(attorney, **overrides))


def goods(*entries):
    return {"goods": [GoodsData(nice_class, text, id_manual) for nice_class, text, id_manual in entries]}


ID_9 = (9, "Portable solar chargers", True)
ID_11 = (11, "Solar lamps", True)
FREE_9 = (9, "Solar-powered gadgets of every kind", False)


# --- before 2021-01-02 -------------------------------------------------------------------
def test_before_2021_01_02_teas_plus_is_225_a_class_and_teas_standard_275():
    assert fee_on(FIRST_ERA, **goods(ID_9, ID_11)) == 450
    assert fee_on(FIRST_ERA, **goods(ID_9, (11, "Lamps that glow", False))) == 550
    assert fee_on(date(2021, 1, 2), **goods(ID_9, ID_11)) == 500


# --- 2021-01-02 to 2025-01-17 ------------------------------------------------------------
def test_teas_plus_is_250_a_class_when_every_entry_is_from_the_id_manual():
    assert fee_on(OLD_ERA, **goods(ID_9)) == 250
    assert fee_on(OLD_ERA, **goods(ID_9, ID_11)) == 500


def test_one_free_form_entry_makes_the_whole_application_teas_standard_at_350_a_class():
    assert fee_on(OLD_ERA, **goods(ID_9, (11, "Lamps that glow", False))) == 700


@pytest.mark.parametrize("day", [FIRST_ERA, OLD_ERA])
def test_a_teas_plus_filing_missing_required_information_pays_teas_standard_and_is_flagged(day):
    # 37 CFR 2.22(c); SCENARIOS.md v2 "Fees"
    attorney = dana()
    clock.set_today(day)
    filing = draft(attorney, applicant=sunwave(entity=""), **goods(ID_9))

    assert rules.fee_for(filing) == (275 if day == FIRST_ERA else 350)
    assert list(filing.flags.values_list("code", flat=True)) == ["insufficient_information"]


# --- from 2025-01-18 --------------------------------------------------------------------
def test_the_base_fee_is_350_a_class_from_2025_01_18():
    assert fee_on(NEW_ERA, **goods(ID_9)) == 350
    assert fee_on(NEW_ERA, **goods(ID_9, ID_11)) == 700


def test_free_form_text_adds_200_per_class_that_has_it():
    assert fee_on(NEW_ERA, **goods(FREE_9, ID_11)) == 900
    assert fee_on(NEW_ERA, **goods(FREE_9, (9, "More gadgets", False), ID_11)) == 900
    assert fee_on(NEW_ERA, **goods(FREE_9, (11, "Lamps that glow", False))) == 1100


@pytest.mark.parametrize(("characters", "fee"), [(1000, 550), (1001, 750), (2000, 750), (2001, 950), (3500, 1150)])
def test_each_started_1000_characters_of_free_form_text_beyond_the_first_1000_in_a_class_adds_200(characters, fee):
    assert fee_on(NEW_ERA, **goods((9, "x" * characters, False))) == fee


def test_the_free_form_text_of_one_class_is_counted_together_and_apart_from_other_classes():
    assert fee_on(NEW_ERA, **goods((9, "x" * 600, False), (9, "y" * 600, False))) == 750
    assert fee_on(NEW_ERA, **goods((9, "x" * 900, False), (11, "y" * 900, False))) == 1100


def test_id_manual_text_does_not_count_toward_the_long_text_surcharge():
    # 89 FR 91062: the surcharge is for free-form text (SCENARIOS.md v2 "Fees")
    assert fee_on(NEW_ERA, **goods((9, "x" * 600, True), (9, "y" * 600, True))) == 350
    assert fee_on(NEW_ERA, **goods((9, "x" * 1100, True), (9, "y" * 950, False))) == 550


@pytest.mark.parametrize(
    "missing",
    [
        {"applicant": sunwave(entity="")},
        {"applicant": sunwave(citizenship="")},
        {"basis": ""},
        {"basis": "1a", "specimen": True},  # no date of first use
        {"basis": "1a", "first_use": date(2020, 1, 1)},  # no specimen
    ],
)
def test_missing_required_information_adds_100_a_class_and_raises_the_flag(missing):
    clock.set_today(NEW_ERA)
    filing = draft(dana(), **missing, **goods(ID_9, ID_11))

    assert rules.fee_for(filing) == 700 + 200
    assert list(filing.flags.values_list("code", flat=True)) == ["insufficient_information"]


def test_a_use_based_application_with_first_use_and_specimen_has_no_surcharge():
    assert fee_on(NEW_ERA, basis="1a", first_use=date(2020, 1, 1), specimen=True, **goods(ID_9)) == 350


def test_insufficient_information_is_flagged_before_2025_01_18_too():
    clock.set_today(OLD_ERA)
    filing = draft(dana(), applicant=sunwave(entity=""))
    assert list(filing.flags.values_list("code", flat=True)) == ["insufficient_information"]


def test_the_fee_lines_explain_the_total():
    clock.set_today(NEW_ERA)
    filing = draft(dana(), applicant=sunwave(entity=""), **goods(FREE_9, (9, "z" * 1500, False)))
    lines = rules.fee_lines(filing)
    assert [line.amount for line in lines] == [350, 200, 200, 100]
    assert sum(line.amount for line in lines) == rules.fee_for(filing)


# --- fixed at submission -----------------------------------------------------------------
def test_the_fee_is_fixed_at_submission_whatever_the_date_later():
    clock.set_today(OLD_ERA)
    attorney = dana()
    filing = signed_by_attorney(attorney, **goods(ID_9))
    assert rules.fee_for(filing) == 250  # shown on the draft

    filings.submit_filing(attorney, filing)
    clock.set_today(date(2025, 3, 1))
    filing.refresh_from_db()

    assert filing.fee == rules.fee_for(filing) == 250
    assert filing.receipt.payload["fee"]["total"] == 250


def test_a_draft_shows_the_fee_of_the_day_it_would_be_submitted():
    clock.set_today(OLD_ERA)
    filing = draft(dana(), **goods(ID_9))
    assert rules.fee_for(filing) == 250
    clock.set_today(NEW_ERA)
    assert rules.fee_for(filing) == 350
    assert rules.fee_for(filing, on=OLD_ERA) == 250
