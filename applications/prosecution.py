"""Prosecution (R21, R22): the office's steps after submission and the filer's answers,
and the deadlines that fall due with time.

The office issues office actions, approves filings for publication and decides
oppositions; the filer responds, asks for an extension, petitions to revive, files a
statement of use and its extensions; anyone with an account may oppose a published
filing. Every filer step is a form signed in the step by a signatory (R14) and passes
the same identity rules as a submission (access, suspension, a verified account, R25).
Each deadline is a `Deadline` row computed from `tmverify.policy`; a filing has at most
one open at a time. `process_deadlines` closes what fell due, in time order, exactly once.
Each step locks the filing, asks the rules, runs the transition, saves and audits in one
transaction, as `applications.services` does.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.rules import acting_reasons, office_reasons, office_staff_reasons, suspension_reasons
from tmverify import audit, clock, policy
from tmverify.reasons import Reason, Refused, reason, refuse_if
from tmverify.uploads import stored_only_if_done, validate_upload

from . import emails, rules
from .models import (
    Application,
    Basis,
    Deadline,
    DeadlineKind,
    DeadlineOutcome,
    FilingState,
    FormKind,
    LaterForm,
    OfficeAction,
)
from .receipts import issue_later_form_receipt
from .sanctions import order_recipients
from .services import _fresh, _next_number, _on_filing, lock_filing

REGISTRATION_COUNTER = 2  # the SerialCounter row of registration numbers (7 digits)
FIRST_REGISTRATION = 7_000_000


# --- deadlines as data -----------------------------------------------------------------
def due_date(kind: str, counts_from: date, extensions: int = 0) -> date:
    """The last day of a `kind` period counted from `counts_from` with `extensions` used:
    months as the USPTO counts them, from the issue date (never from a moved deadline),
    then moved off a closed day (37 CFR 2.196); the opposition period's end never moves."""
    if kind == DeadlineKind.OPPOSITION:
        return policy.opposition_ends(counts_from)
    if kind == DeadlineKind.RESPONSE:
        months = policy.response_months(counts_from) + extensions * policy.RESPONSE_EXTENSION_MONTHS
    elif kind == DeadlineKind.REVIVAL:
        months = policy.REVIVAL_MONTHS
    else:
        months = policy.STATEMENT_OF_USE_MONTHS * (1 + extensions)
    return policy.next_open_day(policy.add_months(counts_from, months))


def _open_deadline(application: Application, kind: str, counts_from: date, **extra) -> Deadline:
    return Deadline.objects.create(
        application=application, kind=kind, counts_from=counts_from, due_on=due_date(kind, counts_from), **extra
    )


def _close(deadline: Deadline, outcome: str) -> None:
    deadline.closed_at = clock.now()
    deadline.outcome = outcome
    deadline.save(update_fields=["closed_at", "outcome"])


def open_deadline(application: Application) -> Deadline | None:
    """The filing's one open deadline, if any."""
    return application.deadlines.filter(closed_at__isnull=True).first()


def filer_deadline(application: Application) -> Deadline | None:
    """The deadline of the filer's next step (SCENARIOS v2, "Publication"): a response, a
    statement of use, or the last day to petition to revive; the opposition period is
    not the filer's."""
    deadline = open_deadline(application)
    if deadline is None or deadline.kind == DeadlineKind.OPPOSITION:
        return None
    return deadline


def _last_deadline(application: Application, kind: str) -> Deadline | None:
    return application.deadlines.filter(kind=kind).order_by("-opened_at", "-pk").first()


def _is_late(deadline: Deadline) -> bool:
    """A deadline day is open to its end (SCENARIOS v2)."""
    return clock.today() > deadline.due_on


def _classes(application: Application) -> int:
    return len({g.nice_class for g in application.goods.all() if g.nice_class})


def _notify(application: Application, what: str, *lines: str) -> None:
    """Mail the applicant and the attorneys of record on commit (read now, under the lock)."""
    to = order_recipients(application)
    if not to:
        return
    mark, serial, pk = application.mark, application.serial_number, application.pk
    transaction.on_commit(
        lambda: emails.send_prosecution_notice(
            to=to, mark=mark, serial=serial, filing_id=pk, what=what, lines=list(lines)
        )
    )


def _due_line(deadline: Deadline) -> str:
    return f"{deadline.get_kind_display()}: due {deadline.due_on.isoformat()} (the last day; a day is open to its end)."


# --- the rules of a filer's step ---------------------------------------------------------
_PASSED = {
    DeadlineKind.RESPONSE: gettext_noop("The time to respond ended on %(day)s."),
    DeadlineKind.REVIVAL: gettext_noop("The time to petition to revive ended on %(day)s."),
    DeadlineKind.STATEMENT_OF_USE: gettext_noop("The time to file the statement of use ended on %(day)s."),
    DeadlineKind.OPPOSITION: gettext_noop("The opposition period ended on %(day)s."),
}


def _passed(deadline: Deadline) -> list[Reason]:
    rule = "R22" if deadline.kind in (DeadlineKind.OPPOSITION, DeadlineKind.STATEMENT_OF_USE) else "R21"
    return [reason("deadline_passed", _PASSED[deadline.kind] % {"day": deadline.due_on.isoformat()}, rule=rule)]


def _not_now(application: Application) -> list[Reason]:
    return [reason("invalid_state", f"This filing is {application.get_state_display().lower()}: not possible now.")]


def _period_reasons(application: Application, kind: str, state: str) -> tuple[list[Reason], Deadline | None]:
    """Is the filing in `state` with its `kind` deadline open and not passed? The reasons
    against, and the deadline. A lapse the job has not processed yet is late all the
    same; a filing abandoned for missing it is `deadline_passed`, not `invalid_state`."""
    deadline = open_deadline(application)
    if application.state == state and deadline is not None and deadline.kind == kind:
        return (_passed(deadline) if _is_late(deadline) else []), deadline
    last = _last_deadline(application, kind)
    if last is not None and last.outcome == DeadlineOutcome.LAPSED:
        return _passed(last), None
    return _not_now(application), None


def signed_step_reasons(actor: User, application: Application, signature, title) -> list[Reason]:
    """Who may take a filer's step after submission, signing it in the form: access to the
    filing (with none, `forbidden` alone), not suspended, the identity rules of a
    submission (R2, R10, R11; office staff never, R25), a signatory (R14: never support
    staff), US counsel for a foreign applicant (R16, as on the application) and a
    signature in the form of R12 (not asked when `signature` is None: the
    checklist, before anything is typed)."""
    blocked = rules.access_reasons(actor, application) or suspension_reasons(actor)
    if blocked:
        return blocked
    form = [] if signature is None else rules.signature_format_reasons(signature, title)
    counsel = rules.us_counsel_reasons(application, application.attorneys_of_record(), clock.today())
    return acting_reasons(actor) + rules.signatory_reasons(actor, application) + counsel + form


def extension_reasons(deadline: Deadline | None) -> list[Reason]:
    """R21: one extension of a 3-month response period; R22: five of a statement of use."""
    if deadline is None:
        return []
    if deadline.kind == DeadlineKind.RESPONSE:
        if policy.response_months(deadline.counts_from) != policy.RESPONSE_MONTHS:
            return [
                reason(
                    "extension_not_available",
                    "A 6-month response period (an action issued before 2022-12-03) cannot be extended.",
                    rule="R21",
                )
            ]
        if deadline.extensions_used >= 1:
            return [reason("extension_not_available", "The response period was already extended once.", rule="R21")]
    elif deadline.extensions_used >= policy.STATEMENT_OF_USE_EXTENSIONS:
        return [
            reason(
                "extension_not_available",
                "All five extensions of the statement of use are used: file the statement of use.",
                rule="R22",
            )
        ]
    return []


def statement_of_use_reasons(first_use: date | None, specimen: bool) -> list[Reason]:
    missing = []
    if first_use is None:
        missing.append("the date of first use")
    elif first_use > clock.today():
        return [reason("filing_incomplete", "The date of first use cannot be in the future.", rule="R22")]
    if not specimen:
        missing.append("a specimen showing the mark in use")
    if missing:
        return [reason("filing_incomplete", "Give " + " and ".join(missing) + ".", rule="R22")]
    return []


@dataclass
class StepCheck:
    """What a filer's step needs from the rules: the reasons against it and the deadline
    it answers."""

    reasons: list[Reason]
    deadline: Deadline | None


def check_step(actor: User, application: Application, kind: str, *, signature="", title="", **form) -> StepCheck:
    """Every reason `actor` may not file `kind` (a `FormKind`) now; the services refuse
    with it. The pages' checklist asks it with `signature=None`: what blocks the step
    whatever is typed in its form."""
    if kind == FormKind.OPPOSITION:
        return _opposition_check(actor, application)
    identity = signed_step_reasons(actor, application, signature, title)
    if identity and identity[0].code == "forbidden":
        return StepCheck(identity, None)
    if kind in (FormKind.RESPONSE, FormKind.RESPONSE_EXTENSION):
        period, deadline = _period_reasons(application, DeadlineKind.RESPONSE, FilingState.OFFICE_ACTION)
        if kind == FormKind.RESPONSE_EXTENSION:
            if application.state == FilingState.UNDER_EXAMINATION and period and period[0].code == "invalid_state":
                period = [reason("invalid_state", "A response was filed: the period can no longer be extended.")]
            period = period or extension_reasons(deadline)
    elif kind == FormKind.REVIVAL:
        period, deadline = _period_reasons(application, DeadlineKind.REVIVAL, FilingState.ABANDONED)
        if not period and application.abandoned_from == FilingState.ALLOWED:
            period = extension_reasons(_last_deadline(application, DeadlineKind.STATEMENT_OF_USE))
    else:
        period, deadline = _period_reasons(application, DeadlineKind.STATEMENT_OF_USE, FilingState.ALLOWED)
        if kind == FormKind.SOU_EXTENSION:
            period = period or extension_reasons(deadline)
        elif signature is not None:
            period = period + statement_of_use_reasons(form.get("first_use"), form.get("specimen", False))
    return StepCheck(identity + period, deadline)


def _opposition_check(actor: User, application: Application) -> StepCheck:
    """R22: anyone with an account, verified or not, within the 30 days; never office staff
    (R25), never a suspended account."""
    blocked = suspension_reasons(actor) or office_staff_reasons(actor)
    if blocked:
        return StepCheck(blocked, None)
    deadline = open_deadline(application)
    if application.state == FilingState.PUBLISHED and deadline is not None:
        return StepCheck(_passed(deadline) if _is_late(deadline) else [], deadline)
    last = _last_deadline(application, DeadlineKind.OPPOSITION)
    if last is not None and clock.today() > last.due_on and application.state != FilingState.OPPOSED:
        return StepCheck(_passed(last), None)
    if application.state == FilingState.OPPOSED:
        return StepCheck([reason("invalid_state", "This filing is already opposed.")], None)
    return StepCheck(_not_now(application), None)


# what a filer may do next, by the filing's state (the pages' checklist)
_NEXT = {
    FilingState.OFFICE_ACTION: [FormKind.RESPONSE, FormKind.RESPONSE_EXTENSION],
    FilingState.ABANDONED: [FormKind.REVIVAL],
    FilingState.ALLOWED: [FormKind.STATEMENT_OF_USE, FormKind.SOU_EXTENSION],
}


@dataclass
class NextStep:
    kind: str
    label: str
    reasons: list[Reason]
    fee: int


def next_steps(actor: User, application: Application) -> list[NextStep]:
    """The filer's steps the filing's state calls for, each with what blocks it for
    `actor` now and its fee today."""
    return [
        NextStep(
            kind,
            FormKind(kind).label,
            check_step(actor, application, kind, signature=None).reasons,
            fee_of(kind, application),
        )
        for kind in _NEXT.get(application.state, [])
    ]


# --- the filer's steps -------------------------------------------------------------------
_FEES = {
    FormKind.RESPONSE: "response",
    FormKind.RESPONSE_EXTENSION: "response_extension",
    FormKind.REVIVAL: "revival",
    FormKind.STATEMENT_OF_USE: "statement_of_use",
    FormKind.SOU_EXTENSION: "sou_extension",
    FormKind.OPPOSITION: "opposition",
}


def fee_of(kind: str, application: Application, on: date | None = None) -> int:
    """The form's fee as 37 CFR 2.6 stood on `on` (today by default)."""
    return policy.prosecution_fee(_FEES[kind], on or clock.today(), _classes(application))


def _file_form(
    actor: User, application: Application, kind: str, *, signature="", title="", text="", upload=None, **form
) -> LaterForm:
    """Lock, check, record the form and run what it does (`_EFFECTS`), audit; or Refused.
    An upload (a specimen) is checked (type by content, size) before anything else and
    stored only once the form is filed."""
    upload_kind = validate_upload(upload) if upload is not None else None
    if upload is not None:
        form["specimen"] = True
    with (
        stored_only_if_done() as store,
        audit.refusals_recorded(f"filing.{kind}", application, actor),
        audit.atomic(),
    ):
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        check = check_step(actor, application, kind, signature=signature, title=title, **form)
        refuse_if(check.reasons)
        before = application.state
        signed = kind != FormKind.OPPOSITION
        stored_name, stored_type = store(upload, upload_kind) if upload is not None else ("", "")
        later = LaterForm.objects.create(
            application=application,
            kind=kind,
            filed_by=actor,
            filed_at=clock.now(),
            deadline=check.deadline,
            signer_name=actor.full_name if signed else "",
            signature=signature.strip() if signed else "",
            title=title.strip() if signed else "",
            fee=fee_of(kind, application),
            first_use=form.get("first_use"),
            specimen=bool(form.get("specimen", False)),
            specimen_upload=stored_name,
            specimen_content_type=stored_type,
            text=text,
        )
        _EFFECTS[kind](application, check.deadline)
        application.save()
        filed = audit.record(
            f"filing.{kind}_filed",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"form_id": later.pk, "fee": later.fee},
        )
        # signed once the event has its place in the chain, still in this transaction
        audit.when_linked(lambda: issue_later_form_receipt(later, application, filed))
    return later


def _respond(application: Application, deadline: Deadline) -> None:
    _close(deadline, DeadlineOutcome.MET)
    OfficeAction.objects.filter(pk=deadline.office_action_id).update(responded_at=clock.now())
    application.answer_office_action()


def _extend(application: Application, deadline: Deadline) -> None:
    deadline.extensions_used += 1
    deadline.due_on = due_date(deadline.kind, deadline.counts_from, deadline.extensions_used)
    # the new day gets its own reminders
    deadline.reminded_30_at = deadline.reminded_7_at = None
    deadline.save(update_fields=["extensions_used", "due_on", "reminded_30_at", "reminded_7_at"])
    application.touch()


def _revive(application: Application, deadline: Deadline) -> None:
    """The petition includes the response (R21), or for a missed statement of use a
    request for the next extension (37 CFR 2.66(c)): the period runs on from the lapsed
    deadline's notice of allowance."""
    lapsed_sou = _last_deadline(application, DeadlineKind.STATEMENT_OF_USE)
    _close(deadline, DeadlineOutcome.MET)
    if application.revive() == FilingState.ALLOWED:
        extensions = lapsed_sou.extensions_used + 1
        Deadline.objects.create(
            application=application,
            kind=DeadlineKind.STATEMENT_OF_USE,
            counts_from=lapsed_sou.counts_from,
            extensions_used=extensions,
            due_on=due_date(DeadlineKind.STATEMENT_OF_USE, lapsed_sou.counts_from, extensions),
        )
    else:
        action = application.office_actions.order_by("-issued_on", "-pk").first()
        if action is not None:
            OfficeAction.objects.filter(pk=action.pk).update(responded_at=clock.now())


def _statement_of_use(application: Application, deadline: Deadline) -> None:
    _close(deadline, DeadlineOutcome.MET)
    _register(application, clock.today())


def _oppose(application: Application, deadline: Deadline) -> None:
    application.oppose()
    _notify(application, "Opposition filed", "A notice of opposition was filed; the office will decide it.")


_EFFECTS = {
    FormKind.RESPONSE: _respond,
    FormKind.RESPONSE_EXTENSION: _extend,
    FormKind.REVIVAL: _revive,
    FormKind.STATEMENT_OF_USE: _statement_of_use,
    FormKind.SOU_EXTENSION: _extend,
    FormKind.OPPOSITION: _oppose,
}


def respond_to_office_action(
    actor: User, application: Application, *, signature: str, title: str, text=""
) -> LaterForm:
    """R21: a signed response before the deadline; the filing goes back to examination."""
    return _file_form(actor, application, FormKind.RESPONSE, signature=signature, title=title, text=text)


def request_response_extension(actor: User, application: Application, *, signature: str, title: str) -> LaterForm:
    """R21: once, for a 3-month period, before the deadline and any response ($125)."""
    return _file_form(actor, application, FormKind.RESPONSE_EXTENSION, signature=signature, title=title)


def petition_to_revive(actor: User, application: Application, *, signature: str, title: str, text="") -> LaterForm:
    """R21: within 2 months of the notice of abandonment, the response included."""
    return _file_form(actor, application, FormKind.REVIVAL, signature=signature, title=title, text=text)


def file_statement_of_use(
    actor: User,
    application: Application,
    *,
    signature: str,
    title: str,
    first_use: date | None,
    specimen: bool = False,
    upload=None,
) -> LaterForm:
    """R22: with the date of first use and a specimen (`upload`, its scan, or `specimen`:
    given otherwise), before its deadline: registered."""
    return _file_form(
        actor,
        application,
        FormKind.STATEMENT_OF_USE,
        signature=signature,
        title=title,
        first_use=first_use,
        specimen=specimen,
        upload=upload,
    )


def request_sou_extension(actor: User, application: Application, *, signature: str, title: str) -> LaterForm:
    """R22: six more months for the statement of use, at most five times."""
    return _file_form(actor, application, FormKind.SOU_EXTENSION, signature=signature, title=title)


def file_opposition(actor: User, application: Application, *, text="") -> LaterForm:
    """R22: within 30 days of publication; takes no signature here."""
    return _file_form(actor, application, FormKind.OPPOSITION, text=text)


# --- the office's steps ------------------------------------------------------------------
def _office_step(actor: User, application: Application, permission: str, states) -> None:
    """R25: only office staff with `permission` take the office's steps, from `states`.
    The account is read again in place, to see a suspension: the same object keeps the
    permissions Django's backend cached on it at its first check, so an examiner taking
    step after step (the simulator's) has them read once, not twice a step."""
    actor.refresh_from_db()
    refuse_if(office_reasons(actor, permission))
    if application.state not in states:
        raise Refused(_not_now(application))


def issue_office_action(actor: User, application: Application, *, text: str, final: bool = False) -> OfficeAction:
    """R21: a letter to the filer; the response period (3 or 6 months) opens."""
    text = (text or "").strip() or "The examining attorney requires further information; see the letter."
    with audit.refusals_recorded("filing.issue_office_action", application, actor), audit.atomic():
        application = lock_filing(application, attorneys=False)
        _office_step(actor, application, "examine_filing", [FilingState.SUBMITTED, FilingState.UNDER_EXAMINATION])
        before = application.state
        today = clock.today()
        action = OfficeAction.objects.create(
            application=application, issued_by=actor, issued_on=today, text=text, final=final
        )
        deadline = _open_deadline(application, DeadlineKind.RESPONSE, today, office_action=action)
        application.receive_office_action()
        application.save()
        _notify(
            application,
            "Office action",
            f"The examining attorney issued {'a final' if final else 'an'} office action on {today.isoformat()}:",
            text,
            _due_line(deadline),
        )
        audit.record(
            "filing.office_action_issued",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"office_action_id": action.pk, "final": final, "due_on": deadline.due_on.isoformat()},
        )
    return action


def approve_for_publication(actor: User, application: Application, *, note: str = "") -> Application:
    """R22: published today; the 30-day opposition period opens."""
    with audit.refusals_recorded("filing.approve_for_publication", application, actor), audit.atomic():
        application = lock_filing(application, attorneys=False)
        _office_step(actor, application, "examine_filing", [FilingState.SUBMITTED, FilingState.UNDER_EXAMINATION])
        before = application.state
        today = clock.today()
        application.publish(on=today)
        application.save()
        period = _open_deadline(application, DeadlineKind.OPPOSITION, today)
        _notify(
            application,
            "Published for opposition",
            f"The mark was published on {today.isoformat()}; anyone may oppose it through {period.due_on.isoformat()}.",
        )
        audit.record(
            "filing.published",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"note": note} if note else None,
        )
    return application


def decide_opposition(actor: User, application: Application, *, sustained: bool, note: str = "") -> Application:
    """R22: sustained, the filing is refused; dismissed, it is published again and goes on
    when the period ends, at once when it has (dated the day of the decision)."""
    with audit.refusals_recorded("filing.decide_opposition", application, actor), audit.atomic():
        application = lock_filing(application, attorneys=False)
        _office_step(actor, application, "decide_opposition", [FilingState.OPPOSED])
        before = application.state
        LaterForm.objects.filter(application=application, kind=FormKind.OPPOSITION, decision="").update(
            decision="sustained" if sustained else "dismissed", decided_at=clock.now()
        )
        period = open_deadline(application)
        if sustained:
            application.refuse_after_opposition()
            if period is not None:
                _close(period, DeadlineOutcome.MET)
        else:
            application.dismiss_opposition()
            if period is not None and _is_late(period):
                _close(period, DeadlineOutcome.LAPSED)
                _end_publication(application, clock.today())
        application.save()
        _notify(
            application,
            "Opposition decided",
            "The opposition is sustained: the application is refused."
            if sustained
            else "The opposition is dismissed: the application goes on.",
        )
        audit.record(
            "filing.opposition_decided",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"decision": "sustained" if sustained else "dismissed", **({"note": note} if note else {})},
        )
    return application


def _register(application: Application, on: date) -> None:
    number = _next_number(REGISTRATION_COUNTER, FIRST_REGISTRATION)
    application.register(number=f"{number:07d}", on=on)
    _notify(application, "Registered", f"The mark is registered on {on.isoformat()}, registration number {number:07d}.")


def _end_publication(application: Application, on: date) -> Deadline | None:
    """R22: unopposed to the end, a use-based filing (1a, 44d, 44e) registers and an
    intent-to-use one is allowed, the notice of allowance dated `on`; the statement of
    use is due 6 months after it."""
    if application.basis == Basis.INTENT:
        application.allow(on=on)
        deadline = _open_deadline(application, DeadlineKind.STATEMENT_OF_USE, on)
        _notify(
            application,
            "Notice of allowance",
            f"The notice of allowance is dated {on.isoformat()}. File the statement of use, or ask for an "
            "extension, before its deadline.",
            _due_line(deadline),
        )
        return deadline
    _register(application, on)
    return None


# --- deadlines that fall due --------------------------------------------------------------
# each kind of deadline acts only while the filing is in the state it belongs to: an
# opposed filing's period waits for the decision (SCENARIOS v2, "Publication")
_LAPSES_IN = {
    DeadlineKind.RESPONSE: FilingState.OFFICE_ACTION,
    DeadlineKind.REVIVAL: FilingState.ABANDONED,
    DeadlineKind.OPPOSITION: FilingState.PUBLISHED,
    DeadlineKind.STATEMENT_OF_USE: FilingState.ALLOWED,
}


def running_deadlines():
    """Open deadlines whose clock runs: the filing is in the state its kind belongs to (a
    suspended or terminated filing's deadline is neither reminded, listed nor lapsed)."""
    current = Q()
    for kind, state in _LAPSES_IN.items():
        current |= Q(kind=kind, application__state=state)
    return Deadline.objects.filter(current, closed_at__isnull=True)


def running_filer_deadlines():
    """The running deadlines of a filer's next step: not the opposition period, which is
    not the filer's (SCENARIOS v2, "Publication"); reminded, and listed on the pages."""
    return running_deadlines().exclude(kind=DeadlineKind.OPPOSITION)


def _due(today: date):
    return running_deadlines().filter(due_on__lt=today)


@dataclass
class ProsecutionRun:
    abandoned: int = 0
    revival_closed: int = 0
    allowed: int = 0
    registered: int = 0
    reminders: int = 0
    opened: Deadline | None = None  # what the last lapse opened


# reminders before a filer's deadline, latest first: a run that finds both windows open
# (a deadline opened 10 days before it falls due, a job that ran late) sends the nearer one
REMINDERS = ((7, "reminded_7_at"), (30, "reminded_30_at"))


def _send_reminders(today: date, run: ProsecutionRun) -> None:
    """Each open deadline of a filer's step is reminded 30 and 7 days before, once each,
    whatever the interval between runs: the reminder's column is claimed by one
    conditional update, which only one run can win."""
    for days, column in REMINDERS:
        waiting = (
            running_filer_deadlines()
            .filter(due_on__lte=today + timedelta(days=days), due_on__gte=today)
            .filter(**{f"{column}__isnull": True})
            .select_related("application__applicant")
        )
        for deadline in waiting:
            claimed = (
                {"reminded_30_at": clock.now()}
                if days == 30
                else {"reminded_7_at": clock.now(), "reminded_30_at": clock.now()}
            )
            with transaction.atomic():
                if not Deadline.objects.filter(pk=deadline.pk, **{f"{column}__isnull": True}).update(**claimed):
                    continue  # another run sent it
                left = (deadline.due_on - today).days
                _notify(
                    deadline.application,
                    f"Reminder: {left} day(s) left",
                    _due_line(deadline),
                )
            run.reminders += 1


def _lapse(deadline: Deadline, application: Application, run: ProsecutionRun) -> None:
    """What a passed deadline does, dated by the deadline, never by when the job ran; the
    deadline it opens, if any, is on `run.opened`."""
    before = application.state
    _close(deadline, DeadlineOutcome.LAPSED)
    run.opened = None
    if deadline.kind in (DeadlineKind.RESPONSE, DeadlineKind.STATEMENT_OF_USE):
        notice = deadline.due_on + timedelta(days=1)
        application.abandon(notice_on=notice)
        revival = run.opened = _open_deadline(application, DeadlineKind.REVIVAL, notice)
        run.abandoned += 1
        _notify(
            application,
            "Notice of abandonment",
            f"The application is abandoned as of {notice.isoformat()}: the {deadline.get_kind_display().lower()} "
            f"was due {deadline.due_on.isoformat()}. A petition to revive may be filed until "
            f"{revival.due_on.isoformat()}.",
        )
    elif deadline.kind == DeadlineKind.OPPOSITION:
        run.opened = _end_publication(application, deadline.due_on)
        if application.state == FilingState.ALLOWED:
            run.allowed += 1
        else:
            run.registered += 1
    else:
        run.revival_closed += 1
    application.save()
    audit.record(
        f"filing.{deadline.kind}_deadline_passed",
        application,
        from_state=before,
        to_state=application.state,
        data={"deadline_id": deadline.pk, "due_on": deadline.due_on.isoformat()},
    )


PAGE = 200  # deadlines read at once by the job


def process_prosecution_deadlines() -> ProsecutionRun:
    """Close every deadline that passed before today, earliest first, each in its own
    transaction under the filing's lock: what one lapse opens (a revival period, a
    statement of use) is taken in its turn when it too has passed. Safe at any interval
    and under concurrent runs: a deadline closed meanwhile is skipped."""
    today = clock.today()
    run = ProsecutionRun()
    while True:
        # a page of what is due, earliest first; read again whenever a lapse opens a
        # deadline already passed that falls before the rest of the page
        found = list(_due(today).order_by("due_on", "pk").values_list("pk", "application_id", "due_on")[:PAGE])
        if not found:
            _send_reminders(today, run)
            return run
        for index, (pk, application_pk, _) in enumerate(found):
            with audit.atomic():
                # the filing first, as every step locks it: the deadline changes only under it
                application = lock_filing(Application(pk=application_pk), attorneys=False)
                deadline = Deadline.objects.filter(pk=pk, closed_at__isnull=True, due_on__lt=today).first()
                if deadline is None or application.state != _LAPSES_IN[deadline.kind]:
                    continue  # another run took it, an extension moved it, or a step moved the filing on
                _lapse(deadline, application, run)
            rest = found[index + 1 :]
            if run.opened is not None and run.opened.due_on < today and rest and run.opened.due_on < rest[0][2]:
                break
