"""Office sanctions on filings (R23): suspend pending administrative review, reinstate,
terminate with a sanction order, and sweep an account with its pending filings.

Each service locks the filing, checks the officer's `sanction_filing` permission, runs
the transition, writes the sanction order and one audit event per filing in the same
transaction; the applicant and the attorney of record are emailed on commit.
"""

from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django_fsm import can_proceed

from accounts import services as accounts
from accounts.models import User
from accounts.rules import office_reasons
from tmverify import audit, clock
from tmverify.reasons import Refused, reason, refuse_if

from .models import SANCTIONABLE_STATES, Application, RepresentationState, SanctionOrder, filings_where
from .services import lock_filing

_MOVES = {
    SanctionOrder.Kind.SUSPENSION: ("filing.suspended", "suspend_for_review"),
    SanctionOrder.Kind.REINSTATEMENT: ("filing.reinstated", "reinstate_after_review"),
    SanctionOrder.Kind.TERMINATION: ("filing.terminated", "terminate"),
}


def _require_reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("A sanction order must name its reason.", code="reason")
    return text


def _officer(officer: User, *permissions: str) -> User:
    officer = User.objects.get(pk=officer.pk)
    for permission in permissions:
        refuse_if(office_reasons(officer, permission))
    return officer


def _issue(officer: User, application: Application, kind: str, why: str) -> SanctionOrder:
    """Run the move on a locked filing, write the order and its audit event (inside a transaction)."""
    action, move = _MOVES[kind]
    transition = getattr(application, move)
    if not can_proceed(transition):
        raise Refused(
            reason("invalid_state", f"Not possible while the filing is {application.get_state_display().lower()}.")
        )
    before = application.state
    transition()
    application.save()
    order = SanctionOrder.objects.create(
        application=application, kind=kind, reason=why, issued_by=officer, issued_at=clock.now()
    )
    audit.record(
        action,
        application,
        actor=officer,
        from_state=before,
        to_state=application.state,
        data={"order": order.pk, "note": why},
    )
    transaction.on_commit(partial(_send_order, application, order))
    return order


def _sanction(officer: User, application: Application, kind: str, why: str) -> Application:
    why = _require_reason(why)
    action, _ = _MOVES[kind]
    with audit.refusals_recorded(action, application, officer), audit.atomic():
        officer = _officer(officer, "sanction_filing")
        application = lock_filing(application)
        _issue(officer, application, kind, why)
    return application


def suspend_filing(officer: User, application: Application, *, note: str) -> Application:
    """R23: suspend a live filing pending administrative review; it can be reinstated."""
    return _sanction(officer, application, SanctionOrder.Kind.SUSPENSION, note)


def reinstate_filing(officer: User, application: Application, *, note: str) -> Application:
    """Lift a suspension: the filing returns to the state it was suspended from."""
    return _sanction(officer, application, SanctionOrder.Kind.REINSTATEMENT, note)


def terminate_filing(officer: User, application: Application, *, note: str) -> Application:
    """R23: terminate a filing tied to a filing mill; final."""
    return _sanction(officer, application, SanctionOrder.Kind.TERMINATION, note)


def pending_filings_of(account: User):
    """Live filings the account created, submitted or stands on as attorney of record."""
    return Application.objects.filter(
        Q(created_by=account)
        | Q(submitted_by=account)
        | filings_where(RepresentationState.OF_RECORD, attorney=account),
        state__in=SANCTIONABLE_STATES,
    )


@dataclass
class Sweep:
    account_suspended: bool = False
    filings_suspended: list[int] = field(default_factory=list)


def suspend_account_and_filings(supervisor: User, account: User, *, note: str) -> Sweep:
    """R23, one step from a fraud-signal row: suspend the account (unless it already is)
    and every pending filing of it, one audit event per object changed. All or nothing."""
    why = _require_reason(note)
    sweep = Sweep()
    with audit.refusals_recorded("account.sanctioned", account, supervisor), audit.atomic():
        supervisor = _officer(supervisor, "suspend_account", "sanction_filing")
        if supervisor.pk == account.pk:
            raise Refused(reason("forbidden", "You cannot decide on your own account."))
        account = User.objects.select_for_update().get(pk=account.pk)
        if not account.is_suspended:
            accounts.suspend_account(supervisor, account, note=why)
            sweep.account_suspended = True
        # lock in a stable order so two supervisors sweeping overlapping accounts can't deadlock
        for pk in pending_filings_of(account).order_by("pk").values_list("pk", flat=True):
            application = lock_filing(Application(pk=pk))
            if application.state in SANCTIONABLE_STATES:
                _issue(supervisor, application, SanctionOrder.Kind.SUSPENSION, why)
                sweep.filings_suspended.append(pk)
    return sweep


# --- mail ---------------------------------------------------------------------------------
_WHAT = {
    SanctionOrder.Kind.SUSPENSION: "is suspended pending administrative review",
    SanctionOrder.Kind.REINSTATEMENT: "is reinstated after administrative review",
    SanctionOrder.Kind.TERMINATION: "is terminated",
}


def order_recipients(application: Application) -> list[str]:
    """The applicant and the attorneys of record, each once. The attorneys' addresses are
    read in one query of their own: the office's steps and the deadline job lock a filing
    without its representations (`lock_filing(attorneys=False)`), whose prefetch, with every
    attorney's account, costs four times this."""
    emails = []
    if application.applicant_id and application.applicant.email:
        emails.append(application.applicant.email)
    emails += (
        User.objects.filter(
            representations__application=application, representations__state=RepresentationState.OF_RECORD
        )
        .exclude(email="")
        .order_by("representations__named_at", "representations__pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(e.lower() for e in emails))


def _send_order(application: Application, order: SanctionOrder) -> None:
    recipients = order_recipients(application)
    if not recipients:
        return
    name = application.mark or "(no mark)"
    ref = f"serial number {application.serial_number}" if application.serial_number else f"filing {application.pk}"
    body = (
        f"Sanction order {order.pk} ({order.get_kind_display()}), issued {order.issued_at:%Y-%m-%d}.\n\n"
        f"The trademark application for {name} ({ref}) {_WHAT[order.kind]}.\n\n"
        f"Reason: {order.reason}\n\n"
        "This order was issued by the trademark office under its rules on filing-mill sanctions.\n"
    )
    send_mail(f"Sanction order {order.pk}: {name}", body, None, recipients)
