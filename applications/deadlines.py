"""Deadlines that fall due with time: safe to run at any interval, any number of times.

- Fraud holds older than FRAUD_HOLD_AUTO_REJECT are rejected (R6); "older" is strict, as for links.
- Signing links past their 30 days are marked revoked (they are refused anyway), as of
  the moment they expired, so the record does not depend on when the job ran.
- Finished lockouts (R5) are cleared.
- Prosecution deadlines that passed (R21, R22) abandon, allow or register, in time order
  (`applications.prosecution.process_prosecution_deadlines`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts.models import IdentityState, User
from tmverify import audit, clock

from .models import SignatureLink
from .prosecution import ProsecutionRun, process_prosecution_deadlines


@dataclass
class DeadlineRun:
    holds_rejected: int = 0
    links_expired: int = 0
    lockouts_lifted: int = 0
    prosecution: ProsecutionRun | None = None


def process_deadlines() -> DeadlineRun:
    now = clock.now()
    run = DeadlineRun()
    cutoff = now - settings.FRAUD_HOLD_AUTO_REJECT
    for pk in User.objects.filter(identity_state=IdentityState.FRAUD_HOLD, held_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with audit.atomic():
            user = User.objects.select_for_update().get(pk=pk)
            # re-check under the lock: a supervisor may have decided meanwhile
            if user.identity_state != IdentityState.FRAUD_HOLD or not user.fraud_hold_expired:
                continue
            user.reject_for_fraud()
            user.save()
            audit.record(
                "identity.fraud_hold_expired",
                user,
                from_state=IdentityState.FRAUD_HOLD,
                to_state=user.identity_state,
                data={"held_at": user.held_at.isoformat()},
            )
            run.holds_rejected += 1
    with transaction.atomic():
        run.links_expired = SignatureLink.objects.filter(
            expires_at__lt=now, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=F("expires_at"))
        run.lockouts_lifted = User.objects.filter(idv_locked_until__lte=now).update(idv_locked_until=None)
    run.prosecution = process_prosecution_deadlines()
    return run
