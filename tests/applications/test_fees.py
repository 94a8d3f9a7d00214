"""R20 fees by filing date: TEAS Plus/Standard before 2025-01-18; from then $350 a class
plus surcharges. Shown on drafts, fixed at submission."""

from datetime import date

import pytest

from accounts.models import User
from applications import rules
from applications import services as filings
from applications.services import GoodsData
from tests.factories import dana, draft, signed_by_attorney, sunwave
from tmverify import clock

pytestmark = pytest.mark.django_db

OLD_ERA = date(2025, 1, 17)
NEW_ERA = date(2025, 1, 18)


def fee_on(day, **overrides) -> int:
    """The fee a draft of Dana's shows on `day`."""
    clock.set_today(day)
    attorney = User.objects.filter(email="dana@example.test").first() or dana()
    return rules.fee_for(draft(attorney, **overrides))


def goods(*entries):
    return {"goods": [GoodsData(nice_class, text, id_manual) for nice_class, text, id_manual in entries]}


ID_9 = (9, "Portable solar chargers", True)
ID_11 = (11, "Solar lamps", True)
FREE_9 = (9, "Solar-powered gadgets of every kind", False)


# --- before 2025-01-18 -------------------------------------------------------------------
def test_teas_plus_is_250_a_class_when_every_entry_is_from_the_id_manual():
    assert fee_on(OLD_ERA, **goods(ID_9)) == 250
    assert fee_on(OLD_ERA, **goods(ID_9, ID_11)) == 500


def test_one_free_form_entry_makes_the_whole_application_teas_standard_at_350_a_class():
    assert fee_on(OLD_ERA, **goods(ID_9, (11, "Lamps that glow", False))) == 700


def test_missing_information_costs_nothing_extra_before_2025_01_18():
    assert fee_on(OLD_ERA, applicant=sunwave(entity=""), **goods(ID_9)) == 250


# --- from 2025-01-18 --------------------------------------------------------------------
def test_the_base_fee_is_350_a_class_from_2025_01_18():
    assert fee_on(NEW_ERA, **goods(ID_9)) == 350
    assert fee_on(NEW_ERA, **goods(ID_9, ID_11)) == 700


def test_free_form_text_adds_200_per_class_that_has_it():
    assert fee_on(NEW_ERA, **goods(FREE_9, ID_11)) == 900
    assert fee_on(NEW_ERA, **goods(FREE_9, (9, "More gadgets", False), ID_11)) == 900
    assert fee_on(NEW_ERA, **goods(FREE_9, (11, "Lamps that glow", False))) == 1100


@pytest.mark.parametrize(("characters", "fee"), [(1000, 350), (1001, 550), (2000, 550), (2001, 750), (3500, 950)])
def test_each_started_1000_characters_beyond_the_first_1000_in_a_class_adds_200(characters, fee):
    assert fee_on(NEW_ERA, **goods((9, "x" * characters, True))) == fee


def test_the_text_of_one_class_is_counted_together_and_apart_from_other_classes():
    assert fee_on(NEW_ERA, **goods((9, "x" * 600, True), (9, "y" * 600, True))) == 550
    assert fee_on(NEW_ERA, **goods((9, "x" * 900, True), (11, "y" * 900, True))) == 700


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


def test_insufficient_information_is_not_flagged_before_2025_01_18():
    clock.set_today(OLD_ERA)
    filing = draft(dana(), applicant=sunwave(entity=""))
    assert not filing.flags.exists()


def test_the_fee_lines_explain_the_total():
    clock.set_today(NEW_ERA)
    filing = draft(dana(), applicant=sunwave(entity=""), **goods(FREE_9, (9, "z" * 1500, True)))
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
