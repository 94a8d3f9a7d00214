"""Populations with prosecution (R21, R22): the same people as without, their submitted
filings then taken through office actions, publication and statements of use; outcomes by
country and representation, and the abandonments an identity rule caused."""

from datetime import date

import pytest
from django.db import transaction

from simulator.population import run_population
from simulator.report import population_html, population_lines

pytestmark = pytest.mark.django_db(transaction=False)


def isolated(size, seed, **options):
    with transaction.atomic():
        summary = run_population(size, seed=seed, on=date(2024, 6, 1), **options)
        transaction.set_rollback(True)
    return summary


def test_prosecution_takes_the_same_people_further_and_no_prosecution_stops_at_submission():
    without = isolated(300, 7, prosecution=False)
    with_it = isolated(300, 7)
    # the same people and the same filings submitted
    for name in ("people_by_role", "people_by_country", "filings_attempted", "filings_submitted", "fees_collected"):
        assert getattr(with_it, name) == getattr(without, name)
    assert not without.prosecution_outcomes and not without.later_forms
    assert "after prosecution" not in "\n".join(population_lines(without))
    # every submitted filing ends somewhere, counted once by country and by representation
    assert sum(with_it.prosecution_outcomes.values()) == with_it.filings_submitted
    assert sum(with_it.outcomes_by_country.values()) == with_it.filings_submitted
    assert sum(with_it.outcomes_by_representation.values()) == with_it.filings_submitted
    assert with_it.prosecution_outcomes.get("registered", 0) > 0
    assert with_it.prosecution_outcomes.get("abandoned", 0) > 0
    assert {"response", "statement_of_use"} <= set(with_it.later_forms)
    assert "abandonments traced to an identity rule" in "\n".join(population_lines(with_it))
    assert "Outcomes by representation" in population_html(with_it)


def test_an_attorney_withdrawing_from_an_owner_who_never_verified_abandons_the_filing_for_an_identity_rule():
    summary = isolated(500, 7)
    assert summary.abandoned_by_identity_rule > 0
    assert summary.refusals_by_reason.get("identity_unverified", 0) >= summary.abandoned_by_identity_rule
