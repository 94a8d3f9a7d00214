"""Generated populations: the same seed gives the same result, the mix is the one described
(many countries, attorneys, staff, inventors, mills) and the rules visibly bite."""

from datetime import date

import pytest
from django.db import transaction

from accounts.models import PatentIdentity, Sponsorship, User
from applications.models import Application, Representation
from simulator.population import run_population
from simulator.report import population_html, population_lines
from tmverify import clock, policy
from tmverify.reasons import CODES, FLAGS

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def population():
    return run_population(400, seed=11, on=date(2024, 6, 1))


def isolated(size, seed):
    """One population in its own rolled-back transaction, as the command gives each run a fresh database."""
    with transaction.atomic():
        summary = run_population(size, seed=seed)
        transaction.set_rollback(True)
    return summary


def test_the_same_seed_gives_the_same_result():
    first = isolated(150, 5)
    second = isolated(150, 5)

    assert first.as_dict() == second.as_dict()
    assert population_html(first) == population_html(second)
    assert first.filings_submitted > 0


def test_another_seed_gives_another_population():
    assert isolated(150, 5).as_dict() != isolated(150, 6).as_dict()


def test_the_population_has_the_people_asked_for_and_every_kind_of_filer(population):
    assert sum(population.people_by_outcome.values()) == 400
    assert User.objects.filter(is_staff=False).count() == 400
    assert set(list(population.people_by_country)[:3]) >= {"US", "CN"}
    assert len(population.people_by_country) >= 10
    assert set(population.people_by_role) >= {"owner", "us_attorney", "ca_attorney", "support_staff"}
    assert set(population.people_by_method) >= {"online", "video", "paper", "patent"}
    assert PatentIdentity.objects.exists()
    assert Sponsorship.objects.filter(state="active").exists()
    assert Sponsorship.objects.filter(state="requested").exists()
    assert population.units["filing mill"] >= 1


def test_the_rules_block_filings_the_mills_raise_every_flag_and_the_fees_add_up(population):
    submitted = Application.objects.filter(serial_number__isnull=False)  # submitted, wherever prosecution took it
    assert population.filings_submitted == submitted.count() > 0
    assert population.filings_attempted == population.filings_submitted + population.filings_blocked
    assert population.filings_blocked > 0
    assert set(population.blocked_by_reason) <= set(CODES)
    assert {"us_counsel_required", "identity_unverified", "signature_required"} <= set(population.blocked_by_reason)
    # insufficient_information is raised in every era (SCENARIOS.md v2 "Fees")
    assert set(population.flags) == set(FLAGS)
    assert population.fees_collected == sum(a.fee for a in submitted)

    text = "\n".join(population_lines(population))
    html = population_html(population)
    assert f"{population.filings_submitted:,} submitted" in text
    assert f"fees collected: ${population.fees_collected:,}" in text
    for code in population.blocked_by_reason:
        assert code in text and code in html
    assert "<svg" in html and "<script" not in html


def test_canadian_firms_file_beside_us_co_counsel_who_accepted(population):
    # R16 with R24: a Canadian attorney acts only beside a US one, who is of record by accepting
    both = Application.objects.filter(
        representations__state="of_record", representations__attorney__role="ca_attorney"
    ).filter(representations__state="of_record", representations__attorney__role="us_attorney")
    assert both.filter(serial_number__isnull=False).exists()
    # named by the Canadian attorney, so of record only because the US attorney accepted
    assert Representation.objects.filter(
        attorney__role="us_attorney", named_by__role="ca_attorney", state="of_record"
    ).exists()
    assert population.blocked_by_reason.get("role_not_permitted", 0) > 0  # a Canadian firm's client outside Canada


def test_after_the_new_fees_the_population_pays_surcharges():
    summary = run_population(200, seed=2, on=date(2025, 3, 1))

    assert summary.flags.get("insufficient_information", 0) > 0


def test_the_run_resets_the_clock_and_policy():
    run_population(30, seed=1, on=date(2022, 9, 1))

    assert policy.current().name == "enacted"
    assert clock.today() != date(2022, 9, 1)


def test_a_population_before_verification_opened_files_without_verifying():
    summary = run_population(60, seed=4, on=date(2016, 3, 1))

    assert summary.refusals_by_reason["verification_not_available"] > 0
    assert not set(summary.people_by_method) & {"online", "video", "paper"}
    assert summary.filings_submitted > 0
    assert "us_counsel_required" not in summary.blocked_by_reason  # R16 applies from 2019-08-03
