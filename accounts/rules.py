"""Identity rules (R1-R7, R10, R11): who may act, as reasons rather than booleans."""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop

from tmverify import clock, policy
from tmverify.reasons import Reason, reason

from .models import ATTORNEY_ROLES, IdentityState, PatentIdentity, Role, Sponsorship, User

# R1: words that make a name read as a company or a shared desk. A word counts only when
# it stands alone: "Mary Office-Smith" is a person, "Office Admin" is not.
_NOT_A_PERSON = re.compile(
    r"((?<![\w-])(llc|l\.l\.c|inc|incorporated|ltd|limited|corp|corporation|company|gmbh|plc|llp|"
    r"pty|admin|administrator|support|desk|team|office|department|dept|group|services|paralegals|"
    r"trademarks|holdings)(?![\w-])|(?<![\w-])co\.(?!\w)|公司|有限)",
    re.IGNORECASE,
)


def is_natural_person_name(first_name: str, last_name: str) -> bool:
    """R1: both names present and neither reads as a company or a shared desk."""
    if not first_name.strip() or not last_name.strip():
        return False
    return not _NOT_A_PERSON.search(f"{first_name} {last_name}")


def identity_required(user: User, on: date | None = None) -> bool:
    """R2/R11: does this account need a verified identity to act on this day?"""
    on = on or clock.today()
    return on >= policy.current().mandatory_date(user.role or Role.OWNER)


# R25: the sentence every filer step gives an office account, so it reads the same everywhere
OFFICE_STAFF_DO_NOT_FILE = "Office staff examine and review; they cannot file, sign or act for a party."


def office_staff_reasons(user: User) -> list[Reason]:
    """R25: an office account (examiner, supervisor) never takes a filer's step: it
    cannot verify as a filer, choose a role, give bar information, file, sign or act for
    a party. The one predicate every filer step asks (through `acting_reasons` and
    `verification_reasons`, or directly)."""
    if user.is_office_staff():
        return [reason("role_not_permitted", OFFICE_STAFF_DO_NOT_FILE, rule="R25")]
    return []


def suspension_reasons(user: User) -> list[Reason]:
    if user.is_suspended:
        return [reason("account_suspended", "This account is suspended by the office; it cannot act until reinstated.")]
    return []


def email_reasons(user: User) -> list[Reason]:
    """An account verifies and acts as a filer only once it has confirmed, through the
    emailed link, that it receives mail at its address (docs/DECISIONS.md 46); whatever
    the date, as it is the project's own rule, not one of the policy calendar's."""
    if not user.has_confirmed_email:
        return [reason("email_unconfirmed")]
    return []


def identity_reasons(user: User, on: date | None = None) -> list[Reason]:
    """What stops this account acting as a filer today: its unconfirmed email (whatever
    the date), role (R7) and identity (R2, R11). Before the mandatory date an account need
    neither verify nor choose a role (SCENARIOS.md v2, "Who may do what")."""
    reasons = email_reasons(user)
    if not identity_required(user, on):
        return reasons
    if not user.role:
        reasons.append(reason("role_required"))
    if not user.is_verified:
        # the sentence every page says of this status (issue 22), without a date in it
        standing = identity_standing(user, on)
        message = standing.sentence if standing.date is None else UNVERIFIED
        reasons.append(reason("identity_unverified", message, rule=_verification_rule(user.role)))
    return reasons


@dataclass(frozen=True)
class IdentityStanding:
    """Where a person's identity stands, as every page says it (issue 22: the dashboard
    and the identity page said different things while a paper form was pending)."""

    status: str  # identity_status: verified, unverified, locked, pending_review, ...
    sentence: str  # English, marked for translation; may hold %(date)s
    tone: str  # "good", "warn" or "bad": how the notice looks
    may_file: bool  # whether the identity lets the person file today (R2, R11)
    date: datetime.date | datetime.datetime | None = None  # in the sentence, as %(date)s


_STANDING = {
    IdentityState.VERIFIED: (gettext_noop("Your identity is verified."), "good"),
    IdentityState.PENDING_REVIEW: (
        gettext_noop("Your notarized paper form is pending review by the office: you can file once it is approved."),
        "warn",
    ),
    IdentityState.FRAUD_HOLD: (
        gettext_noop(
            "Your account is on hold for office review of your identity: you cannot file while it is on hold."
        ),
        "bad",
    ),
    IdentityState.REJECTED: (
        gettext_noop("Your identity verification was rejected after office review. Only the office can reopen it."),
        "bad",
    ),
    IdentityState.SUSPENDED: (
        gettext_noop("This account is suspended by the office: it cannot file or sign until the office reinstates it."),
        "bad",
    ),
}
VERIFIED_BY_PATENT = gettext_noop("Your identity is verified through the patent side of the office.")
UNVERIFIED = gettext_noop(
    "Your identity is not verified yet: verify it online, by video call or with a notarized paper form before you file."
)
UNVERIFIED_NOT_REQUIRED = gettext_noop(
    "Your identity is not verified. Your role need not verify before %(date)s, so until then you can file without it."
)
LOCKED_OUT = gettext_noop(
    "Your identity is not verified, and online and video attempts are locked until %(date)s UTC after too many "
    "failures: wait, or use the notarized paper form."
)


def identity_standing(user: User, on: date | None = None) -> IdentityStanding:
    """The one answer to "is my identity verified, and can I file?" for `user` today,
    read from the identity state, the lockout (R5) and the policy calendar (R2, R11)."""
    status = user.identity_status
    if status == "locked":
        return IdentityStanding(status, LOCKED_OUT, "bad", False, user.idv_locked_until)
    if status == IdentityState.UNVERIFIED:
        if identity_required(user, on):
            return IdentityStanding(status, UNVERIFIED, "warn", False)
        mandatory = policy.current().mandatory_date(user.role or Role.OWNER)
        return IdentityStanding(status, UNVERIFIED_NOT_REQUIRED, "warn", True, mandatory)
    if status == IdentityState.VERIFIED and user.identity_method == "patent":
        return IdentityStanding(status, VERIFIED_BY_PATENT, "good", True)
    sentence, tone = _STANDING[status]
    return IdentityStanding(status, sentence, tone, status == IdentityState.VERIFIED)


def _verification_rule(role: str) -> str:
    """The rule that makes `role` verify: R11 for support staff, R2 for the others."""
    return "R11" if role == Role.SUPPORT_STAFF else "R2"


def sponsoring_attorney_ids(staff: User) -> list[int]:
    """R10: attorneys whose active sponsorship lets this staff member act (for them)."""
    active = Sponsorship.objects.filter(staff=staff, state=Sponsorship.State.ACTIVE).select_related("attorney")
    return [s.attorney_id for s in active if is_sponsoring_attorney(s.attorney)]


def is_sponsoring_attorney(attorney: User) -> bool:
    return (
        attorney.role in ATTORNEY_ROLES
        and not attorney.is_suspended
        and (attorney.is_verified or not identity_required(attorney))
    )


def sponsorship_reasons(user: User) -> list[Reason]:
    if user.role == Role.SUPPORT_STAFF and not sponsoring_attorney_ids(user):
        return [reason("sponsorship_required")]
    return []


def acting_reasons(user: User, on: date | None = None) -> list[Reason]:
    """Every reason this account may not act as a filer today (suspension first; an
    office account only `role_not_permitted`, R25: docs/DECISIONS.md 40)."""
    suspended = suspension_reasons(user)
    if suspended:
        return suspended
    return office_staff_reasons(user) or identity_reasons(user, on) + sponsorship_reasons(user)


def verification_reasons(user: User, role: str, on: date | None = None) -> list[Reason]:
    """May this account start identity verification now, for `role`? (R1-R5, and a
    confirmed email: docs/DECISIONS.md 46)."""
    on = on or clock.today()
    blocked = suspension_reasons(user) or office_staff_reasons(user)
    if blocked:
        return blocked
    if user.identity_state == IdentityState.VERIFIED:
        return [reason("already_verified")]
    if user.identity_state != IdentityState.UNVERIFIED:
        return [reason("invalid_state", identity_standing(user, on).sentence)]
    reasons = email_reasons(user)
    if role not in Role.values:
        return reasons + [
            reason(
                "role_required",
                "Choose the role you verify as: owner, US attorney, Canadian attorney or support staff.",
                rule="R4",
            )
        ]
    opens = policy.current().opening_date(role)
    if on < opens:
        reasons.append(
            reason(
                "verification_not_available",
                f"Identity verification for this role opens on {opens.isoformat()}.",
                rule=_verification_rule(role),
            )
        )
    if not is_natural_person_name(user.first_name, user.last_name):
        reasons.append(reason("not_a_natural_person"))
    if user.is_locked():
        until = user.idv_locked_until.strftime("%Y-%m-%d %H:%M UTC")
        reasons.append(reason("verification_locked", f"Too many failed attempts; try again after {until}."))
    return reasons


def normal_name(value: str) -> str:
    """A name as R7 compares it: Unicode NFKC, case-folded (NFKC again, as folding can undo
    it), whitespace runs as one space, trimmed: "ＧＲＡＣＥ  hopper" reads "grace hopper"."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.split())


def verified_name_reasons(user: User, given_name: str, family_name: str) -> list[Reason]:
    """R3: the name a provider verified (when it gives one) is the account's, compared as
    R7 compares names (`normal_name`); else the step is refused, and the person corrects
    the account's name while it is still theirs to change."""
    if not (given_name or family_name):
        return []
    if normal_name(given_name) == normal_name(user.first_name) and normal_name(family_name) == normal_name(
        user.last_name
    ):
        return []
    verified = f"{given_name} {family_name}".strip()
    return [
        reason(
            "verification_failed",
            f"The provider verified the name {verified}, but this account is in the name {user.full_name}. "
            "Correct your account's name to the one on your ID, then verify again.",
            rule="R3",
        )
    ]


def can_carry_over_patent(user: User, record: PatentIdentity | None) -> bool:
    """R7: the patent record of the account's address carries over to it only once the
    account has confirmed that address, and only when its first and last names are the
    record's (`normal_name`); never to an account already past `unverified`, nor to an
    office account (R25)."""
    return (
        record is not None
        and record.email == user.email
        and user.has_confirmed_email
        and user.identity_state == IdentityState.UNVERIFIED
        and normal_name(record.first_name) == normal_name(user.first_name)
        and normal_name(record.last_name) == normal_name(user.last_name)
        and not user.is_office_staff()
    )


def office_reasons(user: User, permission: str) -> list[Reason]:
    """Office-staff actions: the account must hold the permission (examiner/supervisor)."""
    if user.is_suspended:
        return suspension_reasons(user)
    if not user.has_perm(f"accounts.{permission}"):
        return [reason("role_not_permitted", "Only office staff with this permission may do this.", rule="R25")]
    return []
