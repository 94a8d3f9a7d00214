"""Office staff: users in the `examiner` and `supervisor` groups with declared permissions."""

from django.contrib.auth.models import Group, Permission

OFFICE_GROUPS = {
    "examiner": ["review_paper", "examine_filing"],
    "supervisor": [
        "review_paper",
        "review_fraud",
        "suspend_account",
        "sanction_filing",
        "examine_filing",
        "decide_opposition",
    ],
}


def office_group(name: str) -> Group:
    """The group with exactly its declared permissions (created on first use)."""
    if name not in OFFICE_GROUPS:
        raise ValueError(f"unknown office group {name!r}")
    group, _ = Group.objects.get_or_create(name=name)
    permissions = Permission.objects.filter(content_type__app_label="accounts", codename__in=OFFICE_GROUPS[name])
    group.permissions.set(permissions)
    return group


def make_office_staff(user, group_name: str) -> None:
    """Put `user` in the office group. Django caches an instance's permissions once asked,
    so an instance that was asked before keeps its old answer: read the account again."""
    user.groups.add(office_group(group_name))
    user.is_staff = True
    # the one column, as an update: a copy read before a transition still saves it
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
