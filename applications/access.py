"""Who may see a filing. Queries are scoped here: what is not yours is not found.

One rule (SCENARIOS.md v2, "Access to a filing"; docs/DECISIONS.md 9), stated once in
`_grounds` as pairs of a query (for lists, `visible_to`) and a test on one loaded filing
(for the gate, `can_access`), so the two can never disagree."""

from collections.abc import Callable, Iterator

from django.db.models import Q

from accounts.models import ATTORNEY_ROLES, Role, User
from accounts.rules import sponsoring_attorney_ids

from .models import Applicant, Application

Ground = tuple[Callable[[], Q], Callable[[Application], bool]]


def reaches_only_through_representation(user: User) -> bool:
    """Attorneys and support staff reach a filing as its attorney of record or through
    that attorney's active sponsorship, never as its creator: it ends with them."""
    return user.role in ATTORNEY_ROLES or user.role == Role.SUPPORT_STAFF


def _grounds(user: User) -> Iterator[Ground]:
    """Each way `user` reaches a filing, cheapest test first; a query is built only
    when asked (the staff's sponsorships are read then)."""
    if not user.is_authenticated:
        return
    if user.is_office_staff():  # they read every filing (R25: and take only the office's steps)
        yield (lambda: Q(pk__isnull=False)), (lambda filing: True)
        return
    yield (lambda: Q(attorney=user)), (lambda filing: filing.attorney_id == user.pk)
    # a subquery rather than a join, so each branch of the OR can use its own index
    yield (
        (lambda: Q(applicant__in=Applicant.objects.filter(user=user).values("pk"))),
        (lambda filing: filing.applicant_id is not None and filing.applicant.user_id == user.pk),
    )
    if not reaches_only_through_representation(user):
        yield (lambda: Q(created_by=user)), (lambda filing: filing.created_by_id == user.pk)
    if user.role == Role.SUPPORT_STAFF:
        # R10 with v2 "Sponsorship": only while the attorney is verified and not suspended
        yield (
            (lambda: Q(attorney_id__in=sponsoring_attorney_ids(user))),
            (lambda filing: filing.attorney_id is not None and filing.attorney_id in sponsoring_attorney_ids(user)),
        )


def visible_to(user: User) -> Q:
    """Individual applicant, attorney of record, staff an attorney of record actively
    sponsors, the creator unless an attorney or staff, office staff."""
    visible = Q(pk__in=[])
    for query, _ in _grounds(user):
        visible |= query()
    return visible


def visible_filings(user: User):
    return Application.objects.filter(visible_to(user))


def can_access(user: User, application: Application) -> bool:
    """The same rule as `visible_to`, decided on a loaded filing without a query where it can."""
    return any(holds(application) for _, holds in _grounds(user))
