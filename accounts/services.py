"""Identity use cases. Each locks its rows, asks the rules, runs the transition, saves
and audits in one transaction, and refuses with `Refused(reasons)`."""

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_countries import countries
from django_fsm import can_proceed

from tmverify import audit, clock, crypto
from tmverify.document_numbers import DocumentNumberError
from tmverify.reasons import Refused, reason, refuse_if
from tmverify.uploads import stored_only_if_done, validate_upload

from . import confirmation, emails, rules
from .evidence import seal_document
from .models import (
    ATTORNEY_ROLES,
    PROVIDER_METHODS,
    BarAdmission,
    IdentityState,
    PaperVerification,
    PatentIdentity,
    Role,
    Sponsorship,
    User,
    VerificationAttempt,
    VerificationRequest,
    normal_email,
)


@dataclass(frozen=True)
class ProviderResult:
    """What an identity provider established, as the relying party (accounts/oidc.py)
    read it from a checked ID token, or from the provider's refusal (`passed` False): the
    nonce of the request it answers, the method, and on a pass the verified name (when the
    provider gives one) and the document, by number or by the provider's own stable
    fingerprint of it."""

    nonce: str
    method: str
    passed: bool
    document_country: str = ""
    document_number: str = ""
    document_fingerprint: str = ""
    given_name: str = ""
    family_name: str = ""


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _check_role(role: str, *, allow_blank: bool = False) -> None:
    if role == "" and allow_blank:
        return
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.", code="role")


# --- accounts and their email (docs/DECISIONS.md 46-48) ----------------------------------------
def register_user(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    role: str = "",
    country: str = "US",
) -> User:
    """Create an account (one natural person), its email not yet confirmed, and mail it
    the confirmation link on commit. R7's carry-over waits for the confirmation. Raises
    ValidationError for a bad role or country, or an address that has an account
    (code "email"); the sign-up page asks `sign_up`, which never says so."""
    _check_role(role, allow_blank=True)
    if country.upper() not in countries:  # django-countries' ISO 3166-1 list: "USA" or "ZZ" is refused
        raise ValidationError("The country must be a two-letter ISO code.", code="country")
    taken = ValidationError("An account with this email already exists.", code="email")
    try:
        with audit.atomic():
            if User.objects.by_email(email).exists():
                raise taken
            user = User.objects.create_user(
                email, password, first_name=first_name, last_name=last_name, role=role, country=country.upper()
            )
            audit.record("account.created", user, actor=user, to_state=user.identity_state)
            _mail_confirmation_link(user, new_account=True)
    except IntegrityError:
        # one_account_per_email: a sign-up of the same address at the same moment won (the
        # block rolled back whole, to its savepoint when nested)
        if User.objects.by_email(email).exists():
            raise taken from None
        raise
    return user


def sign_up(*, email: str, first_name: str, last_name: str, password: str, country: str = "US") -> User | None:
    """The sign-up page's use case: whether the address has an account is never told. A
    new address gets an account and its confirmation link; a taken one gets no second
    account, and its owner a mail saying someone tried (both on commit, both within
    ACCOUNT_MAILS_MAX). The password is hashed either way, so the time taken does not
    tell them apart either. Returns the new account, or None."""
    try:
        return register_user(
            email=email, first_name=first_name, last_name=last_name, password=password, country=country
        )
    except ValidationError as error:
        if error.code != "email":
            raise
    make_password(password)  # as long as creating the account would have taken
    with audit.atomic():
        owner = User.objects.select_for_update().filter(email=normal_email(email)).first()
        if owner is not None:
            to, name = owner.email, owner.full_name
            _mail(owner, "account.sign_up_attempted", lambda: emails.send_sign_up_attempt(to=to, name=name))
    return None


# every mail an account is sent of its own, counted against ACCOUNT_MAILS_MAX
_MAIL_ACTIONS = ["account.confirmation_sent", "account.sign_up_attempted", "account.password_reset_sent"]


def _mail(user: User, action: str, send, *, new_account: bool = False) -> bool:
    """Record `action` on the account and `send` on commit, unless it has had
    ACCOUNT_MAILS_MAX mails within ACCOUNT_MAILS_WINDOW: then nothing, and False. The
    caller holds the account's row lock, so two requests at once cannot both pass; an
    account being created has had none, so it is not counted."""
    since = clock.now() - settings.ACCOUNT_MAILS_WINDOW
    if not new_account and (
        audit.trail(user).filter(action__in=_MAIL_ACTIONS, at__gt=since).count() >= settings.ACCOUNT_MAILS_MAX
    ):
        return False
    audit.record(action, user)
    transaction.on_commit(send)
    return True


def _mail_confirmation_link(user: User, *, new_account: bool = False) -> bool:
    to, name, token = user.email, user.full_name, confirmation.make_token(user)
    return _mail(
        user,
        "account.confirmation_sent",
        lambda: emails.send_email_confirmation(to=to, name=name, token=token),
        new_account=new_account,
    )


def resend_email_confirmation(user: User) -> bool:
    """A fresh confirmation link for an account still unconfirmed. False, sending
    nothing, when it is confirmed already or has had its mails for now."""
    with audit.atomic():
        user = _locked(user)
        return not user.has_confirmed_email and _mail_confirmation_link(user)


CONFIRMATION_LINK_INVALID = (
    "This confirmation link is not valid: it was already used, or it has expired. Sign in and ask for a new one."
)


def _account_confirmable(token: str, accounts) -> User | None:
    found = confirmation.read_token(token)
    user = None if found is None else accounts.filter(pk=found[0]).first()
    return user if user is not None and confirmation.is_bound_to(user, found[1]) else None


def account_to_confirm(token: str) -> User | None:
    """The account a confirmation link can still confirm, or None (read for the page
    that asks for the button press, which changes nothing)."""
    return _account_confirmable(token, User.objects)


def confirm_email(token: str) -> User:
    """Confirm the address the link was mailed to, once; then carry over a patent-side
    verification when its record names this person (R7). Raises ValidationError (code
    "confirmation_link") for a link that is not, or no longer, valid, changing nothing;
    as for a made-up signing link, that leaves no audit event (it names no one)."""
    with audit.atomic():
        user = _account_confirmable(token, User.objects.select_for_update())
        if user is None:
            raise ValidationError(CONFIRMATION_LINK_INVALID, code="confirmation_link")
        user.email_confirmed_at = clock.now()
        user.save(update_fields=["email_confirmed_at"])
        audit.record("account.email_confirmed", user, actor=user)
        _carry_over_patent(user)
    return user


def mail_password_reset(email: str) -> None:
    """Mail a link to choose a new password (Django's reset token) to the account with
    this address, when there is one that may sign in; the caller learns nothing."""
    with audit.atomic():
        user = User.objects.select_for_update().filter(email=normal_email(email), is_active=True).first()
        if user is None or not user.has_usable_password():
            return
        to, name = user.email, user.full_name
        uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
        _mail(
            user,
            "account.password_reset_sent",
            lambda: emails.send_password_reset(to=to, name=name, uid=uid, token=token),
        )


def reset_password(user: User, password: str) -> User:
    """The new password chosen through a reset link (Django's view checked the link)."""
    with audit.atomic():
        user = _locked(user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("account.password_reset", user, actor=user)
    return user


def update_profile(user: User, *, first_name: str, last_name: str, role: str = "") -> User:
    """Self-service name and role changes; refused once verified, when they are locked (R3)."""
    _check_role(role, allow_blank=True)
    with audit.refusals_recorded("account.update", user, user), audit.atomic():
        user = _locked(user)
        # R25: an office account may correct its name, never take a filer's role
        refuse_if(rules.suspension_reasons(user) or (rules.office_staff_reasons(user) if role else []))
        if user.identity_state != IdentityState.UNVERIFIED:
            raise Refused(
                reason("invalid_state", "Your verified name and role are locked; ask the office to change them.")
            )
        user.first_name, user.last_name, user.role = first_name, last_name, role
        user.save(update_fields=["first_name", "last_name", "role"])
        audit.record("account.updated", user, actor=user)
    return user


def add_bar_admission(
    attorney: User, *, jurisdiction: str, number: str = "", admitted: date | str | None, good_standing: bool = True
) -> BarAdmission:
    """Record a bar admission (R16); raises ValidationError on bad input, Refused for an
    office account (R25). Any filer may hold one (a person who may later choose an
    attorney role, SCENARIOS.md v2); it stands for a filing only while they are an attorney."""
    refuse_if(rules.office_staff_reasons(attorney))  # R25
    if isinstance(admitted, str):
        try:
            admitted = date.fromisoformat(admitted.strip())
        except ValueError:
            raise ValidationError(
                f"The admission date {admitted!r} is not a date (YYYY-MM-DD).", code="admitted"
            ) from None
    elif admitted is not None and not isinstance(admitted, date):
        raise ValidationError("The admission date must be a date.", code="admitted")
    if not jurisdiction.strip():
        raise ValidationError("Give the bar jurisdiction.", code="jurisdiction")
    if admitted is not None and admitted > clock.today():
        raise ValidationError("The admission date cannot be in the future.", code="admitted")
    with audit.atomic():
        admission = BarAdmission.objects.create(
            attorney=attorney,
            jurisdiction=jurisdiction.strip(),
            number=number.strip(),
            admitted=admitted,
            good_standing=good_standing,
        )
        audit.record("account.bar_admission_added", attorney, actor=attorney, data={"jurisdiction": jurisdiction})
    return admission


def choose_role(user: User, role: str) -> User:
    """R7: a verified account with no role yet chooses one; afterwards it is locked (R3)."""
    _check_role(role)
    with audit.refusals_recorded("account.choose_role", user, user), audit.atomic():
        user = _locked(user)
        refuse_if(rules.suspension_reasons(user) or rules.office_staff_reasons(user))
        if not user.is_verified or user.role:
            raise Refused(reason("invalid_state", "Only a verified account with no role yet can choose one."))
        user.role = role
        user.save(update_fields=["role"])
        audit.record("account.role_chosen", user, actor=user, data={"role": role})
    return user


# --- verification through a provider (R4, R5, R6) ---------------------------------------
def start_verification(user: User, *, method: str, role: str) -> VerificationRequest:
    """Open one authorization at the provider (state, nonce, PKCE verifier, each used
    once); refused before anything reaches it."""
    if method not in PROVIDER_METHODS:
        raise ValidationError("Online and video verification go through the provider.", code="method")
    with audit.refusals_recorded("identity.start", user, user), audit.atomic():
        user = _locked(user)
        refuse_if(rules.verification_reasons(user, role))
        now = clock.now()
        request = VerificationRequest.objects.create(
            user=user,
            nonce=secrets.token_urlsafe(24),
            state=secrets.token_urlsafe(24),
            code_verifier=secrets.token_urlsafe(48),
            method=method,
            role=role,
            created_at=now,
            expires_at=now + settings.TMVERIFY_PROVIDER_RESULT_TTL,
        )
        audit.record("identity.started", user, actor=user, data={"method": method, "role": role})
    return request


def _record_failure(user: User, method: str) -> None:
    """R5: the Nth failure within the window (since the last lock) locks for the window."""
    now = clock.now()
    VerificationAttempt.objects.create(user=user, at=now, method=method, outcome=VerificationAttempt.Outcome.FAIL)
    failures = VerificationAttempt.objects.filter(
        user=user, outcome=VerificationAttempt.Outcome.FAIL, at__gt=now - settings.IDV_ATTEMPT_WINDOW
    )
    if user.idv_locked_until:
        # attempts are refused until the lock ends, so one made at that instant counts
        failures = failures.filter(at__gte=user.idv_locked_until)
    failures = failures.count()
    if failures >= settings.IDV_MAX_ATTEMPTS:
        user.idv_locked_until = now + settings.IDV_ATTEMPT_WINDOW
        # the one column, as an update: never a save that could trip over the state
        User.objects.filter(pk=user.pk).update(idv_locked_until=user.idv_locked_until)
        audit.record("identity.locked", user, actor=user, data={"until": user.idv_locked_until.isoformat()})


def _document_fingerprint(country: str, number: str) -> str:
    """The fingerprint of a document number in its normal form (tmverify.document_numbers);
    a number outside A-Z and 0-9 is a ValidationError."""
    try:
        return crypto.fingerprint(country, number)
    except DocumentNumberError as exc:
        raise ValidationError(str(exc), code="document_number") from exc


# R6/R23: a suspended account that was verified still holds its identity; otherwise a
# suspended filer could verify a fresh account with the same ID and carry on
def _other_verified_account(user: User, fingerprint: str) -> User | None:
    return (
        User.objects.filter(
            Q(identity_state=IdentityState.VERIFIED)
            | Q(identity_state=IdentityState.SUSPENDED, state_before_suspension=IdentityState.VERIFIED),
            document_fingerprint=fingerprint,
        )
        .exclude(pk=user.pk)
        .order_by("pk")
        .first()
    )


def _settle_identity(
    user: User, *, method: str, role: str, country: str, ciphertext: str, fp: str, approve, paper=None
) -> bool:
    """Store the evidence, then verify or (R6) hold for fraud; True when held.

    The check is not enough on its own: two accounts verifying one document at once both
    find no other. The database refuses the second verified account on a fingerprint
    (`one_verified_account_per_document`); the loser's save fails in its savepoint, and it
    is held for fraud next to the winner, whose row is committed by then."""

    def store_evidence(account):
        account.document_fingerprint = fp
        account.document_ciphertext = ciphertext
        account.role = role

    store_evidence(user)
    other = _other_verified_account(user, fp)
    before = user.identity_state
    if other is not None:
        user.hold_for_fraud(other, method)
        user.save()
    else:
        approve()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            other = _other_verified_account(user, fp)
            if other is None:  # not the fingerprint constraint after all
                raise
            # the row as it was (the failed save is rolled back), read afresh: `user` holds
            # the move that failed (the caller refuses, and reads it no more)
            user = User.objects.get(pk=user.pk)
            store_evidence(user)
            user.hold_for_fraud(other, method)
            user.save()
    audit.record(
        "identity.held_for_fraud" if other else "identity.verified",
        user,
        actor=user,
        from_state=before,
        to_state=user.identity_state,
        # a paper form's event names the form, so the form's own trail shows what it caused
        data={"method": method, "role": role, "document_country": country, **_paper_data(paper)},
    )
    return other is not None


def _paper_data(paper) -> dict:
    """The audit data naming the paper form an account's event comes from (`paper`), read
    back by `audit.trail_of_cause`."""
    return {"paper": paper.pk} if paper is not None else {}


_DUPLICATE = reason(
    "duplicate_identity",
    "This document is already behind another verified account; the account is on hold for office review.",
)


def _provider_document(user: User, result: ProviderResult) -> tuple[str, str]:
    """(fingerprint, sealed evidence) of the document the provider checked: by its number
    (normal form, tmverify.document_numbers), or by the provider's own stable fingerprint
    of it, keyed again here so no two providers' fingerprints can meet (R6)."""
    if result.document_number:
        try:
            fingerprint = _document_fingerprint(result.document_country, result.document_number)
        except ValidationError as exc:
            raise Refused(reason("verification_failed", exc.messages[0])) from exc
        return fingerprint, seal_document(user.pk, result.document_country, result.document_number)
    provider_fp = f"provider:{settings.TMVERIFY_OIDC_ISSUER}:{result.document_fingerprint}"
    return (
        crypto.keyed_digest(provider_fp),
        seal_document(user.pk, result.document_country, f"fingerprint:{result.document_fingerprint}"),
    )


def complete_verification(user: User, result: ProviderResult) -> User:
    """Accept the provider's result for an open, unexpired, unused request of this user's.

    A failure counts toward the lockout (R5); a duplicate document puts the account on
    fraud hold (R6). Both are kept, and the step is still refused.
    """
    outcome: Refused | None = None
    with audit.refusals_recorded("identity.verify", user, user):
        with audit.atomic():
            user = _locked(user)
            request = (
                VerificationRequest.objects.select_for_update()
                .filter(user=user, nonce=result.nonce, used_at__isnull=True, expires_at__gt=clock.now())
                .order_by("pk")
                .first()
            )
            if request is None or result.method != request.method:
                raise Refused(
                    reason("verification_failed", "The provider's result was already used or is not for this request.")
                )
            request.used_at = clock.now()
            request.save(update_fields=["used_at"])
            refuse_if(rules.verification_reasons(user, request.role))
            if not result.passed:
                _record_failure(user, request.method)
                outcome = Refused(reason("verification_failed"))
            else:
                refuse_if(rules.verified_name_reasons(user, result.given_name, result.family_name))
                fingerprint, ciphertext = _provider_document(user, result)
                VerificationAttempt.objects.create(
                    user=user, at=clock.now(), method=request.method, outcome=VerificationAttempt.Outcome.PASS
                )
                held = _settle_identity(
                    user,
                    method=request.method,
                    role=request.role,
                    country=result.document_country,
                    ciphertext=ciphertext,
                    fp=fingerprint,
                    approve=lambda: user.verify_with_provider(request.method),
                )
                if held:
                    outcome = Refused(_DUPLICATE)
        if outcome is not None:
            raise outcome
    return user


# --- notarized paper form (R4) ---------------------------------------------------------
def file_paper_verification(
    user: User, *, role: str, document_country: str, document_number: str, scan=None
) -> PaperVerification:
    """File the notarized form; the account waits for office review. The scan is checked
    first and stored only once the form is allowed; a refused form leaves no file."""
    fingerprint = _document_fingerprint(document_country, document_number)
    kind = validate_upload(scan) if scan is not None else None
    with (
        stored_only_if_done() as store,
        audit.refusals_recorded("identity.paper_filed", user, user),
        audit.atomic(),
    ):
        user = _locked(user)
        # the attempt limiter (R5) is about provider attempts; paper is reviewed by people
        refuse_if([r for r in rules.verification_reasons(user, role) if r.code != "verification_locked"])
        scan_name, scan_type = store(scan, kind) if scan is not None else ("", "")
        before = user.identity_state
        user.file_paper_form()
        user.save()
        paper = PaperVerification.objects.create(
            user=user,
            role=role,
            document_country=document_country.upper(),
            document_ciphertext=seal_document(user.pk, document_country, document_number),
            document_fingerprint=fingerprint,
            scan_name=scan_name,
            scan_content_type=scan_type,
            filed_at=clock.now(),
        )
        audit.record(
            "identity.paper_filed",
            user,
            actor=user,
            from_state=before,
            to_state=user.identity_state,
            data=_paper_data(paper),
        )
    return paper


def pending_paper_for(user: User) -> PaperVerification | None:
    return PaperVerification.objects.filter(user=user, state=PaperVerification.State.PENDING).first()


def review_paper_verification(
    reviewer: User, paper: PaperVerification, *, approve: bool, note: str = ""
) -> PaperVerification:
    """Office review of a paper form: approve (verified, or fraud hold on a duplicate) or reject."""
    outcome: Refused | None = None
    with audit.refusals_recorded("identity.paper_review", paper, reviewer):
        with audit.atomic():
            reviewer = User.objects.get(pk=reviewer.pk)
            refuse_if(rules.office_reasons(reviewer, "review_paper"))
            # lock the form and its account so two reviewers can't both decide
            paper = PaperVerification.objects.select_for_update().get(pk=paper.pk)
            user = _locked(User(pk=paper.user_id))  # by id: reading `paper.user` first would cost a query
            if user.pk == reviewer.pk:
                raise Refused(reason("forbidden", "You cannot review your own identity verification."))
            if paper.state != PaperVerification.State.PENDING or user.identity_state != IdentityState.PENDING_REVIEW:
                raise Refused(reason("invalid_state", "This paper form is not pending review."))
            if approve:
                paper.approve(reviewer, note)
                paper.save()
                audit.record(
                    "identity.paper_approved", paper, actor=reviewer, to_state=paper.state, data={"note": note}
                )
                held = _settle_identity(
                    user,
                    method="paper",
                    role=paper.role,
                    country=paper.document_country.code,
                    ciphertext=paper.document_ciphertext,
                    fp=paper.document_fingerprint,
                    approve=user.approve_paper_form,
                    paper=paper,
                )
                if held:
                    outcome = Refused(_DUPLICATE)
            else:
                paper.reject(reviewer, note)
                paper.save()
                before = user.identity_state
                user.reject_paper_form()
                user.save()
                audit.record(
                    "identity.paper_rejected", paper, actor=reviewer, to_state=paper.state, data={"note": note}
                )
                audit.record(
                    "identity.paper_rejected",
                    user,
                    actor=reviewer,
                    from_state=before,
                    to_state=user.identity_state,
                    data=_paper_data(paper),
                )
        if outcome is not None:
            raise outcome
    return paper


# --- office decisions on accounts (R3, R6, R23) ------------------------------------------
def _office_transition(
    action: str,
    officer: User,
    subject: User,
    permission: str,
    move,
    note: str,
    unmet: str = "This decision's conditions are not met.",
    prepare=None,
) -> User:
    """An office decision on an account; `unmet` says why, when the move's own
    conditions (not the account's state) forbid it. `prepare(officer, subject, note)`
    runs once every check has passed, just before the move."""
    with audit.refusals_recorded(action, subject, officer), audit.atomic():
        officer = User.objects.get(pk=officer.pk)
        refuse_if(rules.office_reasons(officer, permission))
        subject = _locked(subject)
        if subject.pk == officer.pk:
            raise Refused(reason("forbidden", "You cannot decide on your own account."))
        before = subject.identity_state
        transition = getattr(subject, move)
        if not can_proceed(transition, check_conditions=False):
            raise Refused(reason("invalid_state", f"Not possible while the account is {subject.identity_status}."))
        if not can_proceed(transition):
            raise Refused(reason("invalid_state", unmet))
        if prepare is not None:
            prepare(officer, subject, note)
        transition()
        try:
            with transaction.atomic():
                subject.save()
        except IntegrityError:
            # one_verified_account_per_document: another account verified on this
            # document in the meantime (a reinstatement, a parallel decision)
            raise Refused(reason("duplicate_identity", _DOCUMENT_TAKEN)) from None
        audit.record(
            action, subject, actor=officer, from_state=before, to_state=subject.identity_state, data={"note": note}
        )
    return subject


_DOCUMENT_TAKEN = "This account's document is behind another verified account, so it cannot be verified again."


def _suspend_other_holders(officer: User, subject: User, note: str) -> None:
    """SCENARIOS "One person, one account": passing a fraud hold suspends every other
    verified account on the document first, so the database never holds two."""
    others = User.objects.select_for_update().filter(
        identity_state=IdentityState.VERIFIED, document_fingerprint=subject.document_fingerprint
    )
    for other in others.exclude(pk=subject.pk).exclude(document_fingerprint="").order_by("pk"):
        other.suspend()
        other.save()
        audit.record(
            "account.suspended",
            other,
            actor=officer,
            from_state=IdentityState.VERIFIED,
            to_state=other.identity_state,
            data={"note": note, "fraud_review_passed_for": subject.pk},
        )
        end_sessions(other)
        _mail_suspension(other, note)


def review_fraud_hold(supervisor: User, subject: User, *, passed: bool, note: str = "") -> User:
    """R6: a supervisor passes (verified) or rejects (rejected) an account on fraud hold."""
    move = "pass_fraud_review" if passed else "reject_for_fraud"
    expired = "This fraud hold is older than 30 days: it can only be rejected."
    prepare = _suspend_other_holders if passed else None
    return _office_transition(
        "identity.fraud_review", supervisor, subject, "review_fraud", move, note, expired, prepare=prepare
    )


def place_fraud_hold(supervisor: User, subject: User, *, note: str = "") -> User:
    """R6, R23: a supervisor puts a verified account on fraud hold from its page; it
    cannot file until the hold is lifted (passed) or ends in rejection, by the office or
    after 30 days."""
    return _office_transition("identity.held_by_office", supervisor, subject, "review_fraud", "hold_for_review", note)


def reopen_rejected_identity(supervisor: User, subject: User, *, note: str = "") -> User:
    """Only office staff undo a fraud rejection; the account may then verify again."""
    return _office_transition("identity.reopened", supervisor, subject, "review_fraud", "reopen_identity", note)


def suspend_account(supervisor: User, subject: User, *, note: str = "") -> User:
    """R23: no login, no filing, until reinstated. Every open session of the account is
    deleted, so a copied session cookie does not come back with a reinstatement."""
    subject = _office_transition("account.suspended", supervisor, subject, "suspend_account", "suspend", note)
    end_sessions(subject)
    _mail_suspension(subject, note)
    return subject


def _mail_suspension(user: User, note: str) -> None:
    """Tell the account's owner, once the suspension is committed, why and how to appeal."""
    transaction.on_commit(lambda: emails.send_account_suspended(to=user.email, name=user.full_name, note=note))


def end_sessions(user: User, keep: str | None = None) -> None:
    """Delete the account's open sessions (they live 30 minutes: few enough to read), but
    the one whose key is `keep`."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()


def reinstate_account(supervisor: User, subject: User, *, note: str = "") -> User:
    """Back to the state before the suspension; not to verified when the office has since
    passed another account on the same document (`duplicate_identity`)."""
    return _office_transition(
        "account.reinstated", supervisor, subject, "suspend_account", "reinstate", note, prepare=_document_still_free
    )


def _document_still_free(officer: User, subject: User, note: str) -> None:
    if subject.state_before_suspension == IdentityState.VERIFIED and subject.document_fingerprint:
        taken = User.objects.filter(
            identity_state=IdentityState.VERIFIED, document_fingerprint=subject.document_fingerprint
        ).exclude(pk=subject.pk)
        if taken.exists():
            raise Refused(reason("duplicate_identity", _DOCUMENT_TAKEN))


def correct_verified_identity(
    officer: User, subject: User, *, first_name: str, last_name: str, role: str, note: str
) -> User:
    """R3: changing a verified name or role is an office-staff action."""
    _check_role(role, allow_blank=True)
    with audit.refusals_recorded("account.corrected", subject, officer), audit.atomic():
        officer = User.objects.get(pk=officer.pk)
        refuse_if(rules.office_reasons(officer, "review_fraud"))
        subject = _locked(subject)
        old = {"first_name": subject.first_name, "last_name": subject.last_name, "role": subject.role}
        subject.first_name, subject.last_name, subject.role = first_name, last_name, role
        subject.save(update_fields=["first_name", "last_name", "role"])
        audit.record("account.corrected", subject, actor=officer, data={"before": old, "note": note})
    return subject


# --- patent carry-over (R7) --------------------------------------------------------------
def _carry_over_patent(user: User) -> bool:
    """R7 for a locked account, when `rules.can_carry_over_patent`: verified by the
    method `patent`, with the role the record determines, or none to choose."""
    record = PatentIdentity.objects.filter(email=user.email).first()
    if not rules.can_carry_over_patent(user, record):
        return False
    before = user.identity_state
    user.carry_over_patent_verification()
    # R7: the patent record decides the role when it can; otherwise the person chooses.
    user.role = record.role
    user.save()
    audit.record(
        "identity.patent_carried_over",
        user,
        actor=user,
        from_state=before,
        to_state=user.identity_state,
        data={"role": record.role},
    )
    return True


PATENT_CSV_COLUMNS = ["email", "first_name", "last_name", "patent_account", "role", "verified_on"]


@dataclass
class PatentImport:
    imported: int
    carried_over: int


def import_patent_identities(text: str) -> PatentImport:
    """Load the patent-side registry from CSV; any bad row rejects the whole file.

    Raises ValidationError listing every bad row by line number.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PATENT_CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError([f"line 1: missing column(s): {', '.join(missing)}"])
    errors, rows, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        problems = []
        email = normal_email(row.get("email") or "")
        if "@" not in email:
            problems.append("email is not an email address")
        elif email in seen:
            problems.append("email appears twice in the file")
        if not (row.get("first_name") or "").strip() or not (row.get("last_name") or "").strip():
            problems.append("first and last name are required")
        role = (row.get("role") or "").strip()
        if role and role not in Role.values:
            problems.append(f"unknown role {role!r}")
        try:
            verified_on = date.fromisoformat((row.get("verified_on") or "").strip())
        except ValueError:
            problems.append("verified_on must be a date (YYYY-MM-DD)")
            verified_on = None
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        seen.add(email)
        rows.append((email, row, role, verified_on))
    if errors:
        raise ValidationError(errors)
    carried = 0
    with audit.atomic():
        for email, row, role, verified_on in rows:
            PatentIdentity.objects.update_or_create(
                email=email,
                defaults={
                    "first_name": row["first_name"].strip(),
                    "last_name": row["last_name"].strip(),
                    "patent_account": (row.get("patent_account") or "").strip(),
                    "role": role,
                    "verified_on": verified_on,
                },
            )
        # R7: only accounts that have confirmed the address on the record
        for user in User.objects.select_for_update().filter(
            email__in=[r[0] for r in rows], identity_state=IdentityState.UNVERIFIED, email_confirmed_at__isnull=False
        ):
            carried += _carry_over_patent(user)
    return PatentImport(imported=len(rows), carried_over=carried)


# --- sponsorship of support staff (R10) ---------------------------------------------------
def _open_sponsorship(attorney: User, staff: User) -> Sponsorship | None:
    return (
        Sponsorship.objects.select_for_update()
        .filter(attorney=attorney, staff=staff, state__in=[Sponsorship.State.REQUESTED, Sponsorship.State.ACTIVE])
        .first()
    )


def _sponsorship_party_reasons(attorney: User, staff: User) -> list:
    reasons = []
    if attorney.role not in ATTORNEY_ROLES:
        reasons.append(
            reason("role_not_permitted", "Only a US or Canadian attorney can sponsor support staff.", rule="R10")
        )
    if staff.role != Role.SUPPORT_STAFF:
        reasons.append(reason("role_not_permitted", "Only support staff can be sponsored.", rule="R10"))
    return reasons


def sponsor_staff(attorney: User, staff: User) -> Sponsorship:
    """The attorney sponsors a staff member; active at once."""
    with audit.refusals_recorded("sponsorship.sponsor", staff, attorney), audit.atomic():
        attorney, staff = _locked(attorney), User.objects.get(pk=staff.pk)
        refuse_if(rules.acting_reasons(attorney) or _sponsorship_party_reasons(attorney, staff))
        if _open_sponsorship(attorney, staff):
            raise Refused(reason("invalid_state", "This sponsorship is already requested or active."))
        sponsorship = Sponsorship.objects.create(attorney=attorney, staff=staff)
        sponsorship.approve()
        sponsorship.save()
        audit.record("sponsorship.sponsored", sponsorship, actor=attorney, to_state=sponsorship.state)
    return sponsorship


def request_sponsorship(staff: User, attorney: User) -> Sponsorship:
    """Staff ask an attorney to sponsor them; the attorney approves or denies."""
    with audit.refusals_recorded("sponsorship.request", attorney, staff), audit.atomic():
        staff, attorney = _locked(staff), User.objects.get(pk=attorney.pk)
        refuse_if(
            rules.suspension_reasons(staff)
            or rules.office_staff_reasons(staff)
            or _sponsorship_party_reasons(attorney, staff)
            or rules.identity_reasons(staff)
        )
        if _open_sponsorship(attorney, staff):
            raise Refused(reason("invalid_state", "This sponsorship is already requested or active."))
        sponsorship = Sponsorship.objects.create(attorney=attorney, staff=staff)
        audit.record("sponsorship.requested", sponsorship, actor=staff, to_state=sponsorship.state)
    return sponsorship


def find_sponsorship(attorney: User, staff: User) -> Sponsorship | None:
    """The newest sponsorship between the two, whatever its state."""
    return Sponsorship.objects.filter(attorney=attorney, staff=staff).order_by("-created_at", "-pk").first()


def _decide_sponsorship(action: str, actor: User, sponsorship: Sponsorship, move: str, parties) -> Sponsorship:
    with audit.refusals_recorded(action, sponsorship, actor), audit.atomic():
        sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        actor = User.objects.get(pk=actor.pk)
        if actor.pk not in parties(sponsorship):
            raise Refused(reason("forbidden", "This sponsorship is not yours."))
        refuse_if(rules.suspension_reasons(actor))
        if move != "end":
            refuse_if(rules.acting_reasons(actor))
        transition = getattr(sponsorship, move)
        if not can_proceed(transition):
            raise Refused(reason("invalid_state", f"This sponsorship is {sponsorship.state}."))
        before = sponsorship.state
        if move == "end":
            transition(by=actor)  # ending records who ended it
        else:
            transition()
        sponsorship.save()
        audit.record(action, sponsorship, actor=actor, from_state=before, to_state=sponsorship.state)
    return sponsorship


def approve_sponsorship(attorney: User, sponsorship: Sponsorship) -> Sponsorship:
    return _decide_sponsorship("sponsorship.approved", attorney, sponsorship, "approve", lambda s: {s.attorney_id})


def deny_sponsorship(attorney: User, sponsorship: Sponsorship) -> Sponsorship:
    return _decide_sponsorship("sponsorship.denied", attorney, sponsorship, "deny", lambda s: {s.attorney_id})


def end_sponsorship(actor: User, sponsorship: Sponsorship) -> Sponsorship:
    """Either side ends it at once (R10)."""
    return _decide_sponsorship("sponsorship.ended", actor, sponsorship, "end", lambda s: {s.attorney_id, s.staff_id})
