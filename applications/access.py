"""Who may see a filing. Queries are scoped here: what is not yours is not found."""

from django.db.models import Q

from accounts.models import Role, User
from accounts.rules import sponsoring_attorney_ids

from .models import Applicant, Application


def visible_to(user: User) -> Q:
    """Creator, individual applicant, attorney of record, their sponsored staff, office staff."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_office_staff():
        return Q()
    # a subquery rather than a join, so each branch of the OR can use its own index
    own_applicants = Applicant.objects.filter(user=user).values("pk")
    visible = Q(created_by=user) | Q(applicant__in=own_applicants) | Q(attorney=user)
    if user.role == Role.SUPPORT_STAFF:
        visible |= Q(attorney_id__in=sponsoring_attorney_ids(user))
    return visible


def visible_filings(user: User):
    return Application.objects.filter(visible_to(user))


def can_access(user: User, application: Application) -> bool:
    """The same rule as `visible_to`, decided on a loaded filing without a query where it can."""
    if not user.is_authenticated:
        return False
    if application.attorney_id == user.pk:
        return True
    if application.applicant_id and application.applicant.user_id == user.pk:
        return True
    if application.created_by_id == user.pk:
        return True
    if user.is_office_staff():
        return True
    return (
        user.role == Role.SUPPORT_STAFF
        and application.attorney_id is not None
        and application.attorney_id in sponsoring_attorney_ids(user)
    )
