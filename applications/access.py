"""Who may see a filing, and who may act on it. Queries are scoped here: what is not yours
is not found.

One rule (SCENARIOS.md v2, "Access to a filing"; docs/DECISIONS.md 9), stated once in
`_grounds` as a query (for lists, `visible_to`) and a test on one loaded filing (for the
gate, `can_access` and `can_act`), so the two can never disagree. Each ground says
whether it lets the person act: an attorney whose appointment is pending may read the
filing, to accept or decline it, and nothing else (R24)."""

from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.db.models import Q

from accounts.models import ATTORNEY_ROLES, Role, User
from accounts.rules import sponsoring_attorney_ids

from .models import Applicant, Application, RepresentationState, filings_where


class Ground(NamedTuple):
    query: Callable[[], Q]
    holds: Callable[[Application], bool]
    acts: bool = True  # False: it lets the person read the filing, not act on it


def reaches_only_through_representation(user: User) -> bool:
    """Attorneys and support staff reach a filing as its attorney of record or through
    that attorney's active sponsorship, never as its creator: it ends with them."""
    return user.role in ATTORNEY_ROLES or user.role == Role.SUPPORT_STAFF


def _sponsored_by_one_of_record(staff: User, filing: Application) -> bool:
    of_record = {attorney.pk for attorney in filing.attorneys_of_record()}
    return bool(of_record) and not of_record.isdisjoint(sponsoring_attorney_ids(staff))


def _grounds(user: User) -> Iterator[Ground]:
    """Each way `user` reaches a filing, cheapest test first; a query is built only
    when asked (the staff's sponsorships are read then)."""
    if not user.is_authenticated:
        return
    if user.is_office_staff():  # they read every filing (R25: and take only the office's steps)
        yield Ground(lambda: Q(pk__isnull=False), lambda filing: True)
        return
    yield Ground(
        lambda: filings_where(RepresentationState.OF_RECORD, attorney=user),
        lambda filing: any(attorney.pk == user.pk for attorney in filing.attorneys_of_record()),
    )
    yield Ground(
        lambda: Q(applicant__in=Applicant.objects.filter(user=user).values("pk")),
        lambda filing: filing.applicant_id is not None and filing.applicant.user_id == user.pk,
    )
    if not reaches_only_through_representation(user):
        yield Ground(lambda: Q(created_by=user), lambda filing: filing.created_by_id == user.pk)
    if user.role == Role.SUPPORT_STAFF:
        # R10 with v2 "Sponsorship": only while the attorney is verified and not suspended
        yield Ground(
            lambda: filings_where(RepresentationState.OF_RECORD, attorney__in=sponsoring_attorney_ids(user)),
            lambda filing: _sponsored_by_one_of_record(user, filing),
        )
    # R24: named by someone else and not accepted yet: to read it, and accept or decline
    yield Ground(
        lambda: filings_where(RepresentationState.PENDING, attorney=user),
        lambda filing: any(attorney.pk == user.pk for attorney in filing.pending_attorneys()),
        acts=False,
    )


def visible_to(user: User) -> Q:
    """Individual applicant, attorneys of record and pending ones, staff an attorney of
    record actively sponsors, the creator unless an attorney or staff, office staff."""
    visible = Q(pk__in=[])
    for ground in _grounds(user):
        visible |= ground.query()
    return visible


def visible_filings(user: User):
    return Application.objects.filter(visible_to(user))


def can_access(user: User, application: Application) -> bool:
    """The same rule as `visible_to`, decided on a loaded filing without a query where it can."""
    return any(ground.holds(application) for ground in _grounds(user))


def can_act(user: User, application: Application) -> bool:
    """May `user` take a filer's step on it at all? Access by a ground that acts: not only
    a pending appointment (R24). Whether the step itself is allowed is the rules' answer."""
    return any(ground.holds(application) for ground in _grounds(user) if ground.acts)
