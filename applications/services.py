"""Filing use cases: create, sign, request signatures, submit, and representation (R24:
appoint, accept or decline an appointment, withdraw, revoke).

Each locks the filing, asks `applications.rules`, runs the transition, saves and audits in
one transaction; mail goes out on commit. Refusals are `Refused(reasons)`.
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import translation
from django_fsm import can_proceed

from accounts.models import ATTORNEY_ROLES, Role, User, normal_email
from accounts.rules import acting_reasons, office_staff_reasons, suspension_reasons
from tmverify import audit, clock
from tmverify.reasons import Refused, reason, refuse_if
from tmverify.uploads import stored_only_if_done, validate_upload

from . import emails, rules
from .models import (
    Applicant,
    Application,
    Basis,
    EntityType,
    FilingState,
    Flag,
    GoodsEntry,
    Representation,
    SerialCounter,
    Signature,
    SignatureLink,
    SignatureMethod,
    SubmitterApplicant,
    applicant_key,
    with_current_representations,
)
from .receipts import issue_receipt


@dataclass
class ApplicantData:
    name: str = ""
    entity: str = ""
    citizenship: str = ""
    email: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    mailing_address: str = ""
    user: User | None = None

    @classmethod
    def for_person(cls, user: User) -> "ApplicantData":
        """An individual owner filing in their own name, domiciled in their country."""
        return cls(
            name=user.full_name,
            entity=EntityType.INDIVIDUAL,
            citizenship=user.country.code,
            email=user.email,
            street="1 Example Street",
            city="Capital City",
            country=user.country.code,
            user=user,
        )


@dataclass
class GoodsData:
    nice_class: int | None
    text: str = ""
    id_manual: bool = False


@dataclass
class FilingData:
    """What the applicant form holds; any part may be left out of a draft."""

    applicant: ApplicantData | None = None
    mark: str = ""
    basis: str = ""
    goods: list[GoodsData] = field(default_factory=list)
    first_use: date | None = None
    specimen: bool = False


def _validate(data: FilingData) -> None:
    problems = []
    if data.basis and data.basis not in Basis.values:
        problems.append(f"Unknown filing basis {data.basis!r}; use one of {', '.join(Basis.values)}.")
    for entry in data.goods:
        if entry.nice_class is not None and not 1 <= entry.nice_class <= 45:
            problems.append(f"Nice class {entry.nice_class} does not exist (classes run 1 to 45).")
    applicant = data.applicant
    if applicant is not None and applicant.entity and applicant.entity not in EntityType.values:
        problems.append(f"Unknown entity type {applicant.entity!r}.")
    if data.first_use and data.first_use > clock.today():
        problems.append("The date of first use cannot be in the future.")
    if problems:
        raise ValidationError(problems)


def _save_contents(application: Application, data: FilingData) -> None:
    applicant = None
    if data.applicant is not None:
        a = data.applicant
        applicant = Applicant.objects.create(
            name=a.name.strip(),
            entity=a.entity,
            citizenship=a.citizenship,
            email=a.email.strip(),
            domicile_street=a.street.strip(),
            domicile_city=a.city.strip(),
            domicile_region=a.region.strip(),
            domicile_postal_code=a.postal_code.strip(),
            domicile_country=a.country.upper(),
            mailing_address=a.mailing_address.strip(),
            user=a.user,
        )
    application.applicant = applicant
    application.mark = data.mark.strip()
    application.basis = data.basis
    application.first_use = data.first_use
    application.specimen = data.specimen
    application.save()
    application.goods.all().delete()
    GoodsEntry.objects.bulk_create(
        GoodsEntry(application=application, nice_class=g.nice_class, text=g.text.strip(), id_manual=g.id_manual)
        for g in data.goods
    )


def _raise_flags(application: Application, codes, *, detail: str = "", known: set[str] | None = None) -> set[str]:
    """Raise each of `codes` the filing does not have yet; flags are kept once raised.

    `known`: the filing's flags when already loaded (no query then). Returns the flags
    known to be on the filing afterwards."""
    if known is None:
        known = set(Flag.objects.filter(application=application, code__in=codes).values_list("code", flat=True))
    new = [code for code in dict.fromkeys(codes) if code not in known]
    # one insert for all of them; a concurrent raise of the same flag is absorbed by the
    # unique constraint
    Flag.objects.bulk_create(
        [Flag(application=application, code=code, detail=detail) for code in new], ignore_conflicts=True
    )
    for code in new:
        audit.record("filing.flag_raised", application, data={"flag": code})
    return known | set(new)


def _raise_standing_flags(application: Application) -> None:
    _raise_flags(application, rules.standing_flags(application))


def _staff_attorney_reasons(actor: User, attorney: User | None) -> list:
    """Staff reach a filing only through an attorney who actively sponsors them
    (docs/DECISIONS.md 9), so they must name one as its attorney of record."""
    if actor.role != Role.SUPPORT_STAFF:
        return []
    if attorney is None or not rules.is_own_act(actor, attorney):
        return [
            reason(
                "sponsorship_required",
                "Name as attorney of record an attorney who sponsors you: your access to the filing comes through them.",
            )
        ]
    return []


def _name_attorney(actor: User, application: Application, attorney: User) -> Representation:
    """R24: `attorney` stands on the filing, of record at once when it is their own act
    (`rules.is_own_act`), pending otherwise; a pending attorney is told by mail on commit.
    The caller audits it, as part of its own step."""
    representation = Representation(application=application, attorney=attorney, named_by=actor)
    if rules.is_own_act(actor, attorney):
        representation.accept()
    representation.save()
    if representation.is_pending:
        transaction.on_commit(
            lambda: emails.send_appointment_request(
                to=attorney.email,
                attorney_name=attorney.full_name,
                named_by=actor.full_name,
                mark=application.mark,
                applicant=application.applicant.name if application.applicant is not None else "",
                filing_id=application.pk,
            )
        )
    return representation


def create_application(actor: User, data: FilingData, *, attorney: User | None = None) -> Application:
    """Open a draft. Owners, attorneys and sponsored staff may (R2, R10, R11)."""
    _validate(data)
    with audit.refusals_recorded("filing.create", actor, actor), audit.atomic():
        actor = _fresh(actor)
        attorney = _fresh(attorney, actor)
        reasons = acting_reasons(actor)
        if attorney is None and actor.role in ATTORNEY_ROLES:
            attorney = actor  # an attorney who names no one is of record (SCENARIOS.md v2)
        if attorney is not None and not reasons:
            country = data.applicant.country if data.applicant is not None else ""
            reasons = rules.named_attorney_reasons(attorney, country)
        refuse_if(
            (reasons or _staff_attorney_reasons(actor, attorney)) + rules.domicile_country_reasons(data.applicant)
        )
        application = Application(created_by=actor)
        _save_contents(application, data)
        audit.record("filing.created", application, actor=actor, to_state=application.state)
        if attorney is not None:
            representation = _name_attorney(actor, application, attorney)
            audit.record(
                "filing.attorney_named",
                application,
                actor=actor,
                data={"attorney_id": attorney.pk, "state": representation.state},
            )
        _raise_standing_flags(application)
    return application


def _fresh(user: User | None, *loaded: User | None) -> User | None:
    """Rules judge accounts as they are in the database, never a caller's stale copy.

    `loaded`: accounts already read in this transaction (a locked filing's attorney or
    creator, say); one of them serves when it is the same account."""
    if user is None:
        return None
    for account in loaded:
        if account is not None and account.pk == user.pk:
            return account
    return User.objects.get(pk=user.pk)


def _on_filing(application: Application) -> tuple[User, ...]:
    """The accounts `lock_filing` read with the filing: its creator and the attorneys
    standing on it."""
    return (application.created_by, *(r.attorney for r in application.current_representations()))


@functools.cache
def _locked_filing(attorneys: bool):
    # built once, as rules._admissions_with_answers: each read below runs a clone of it
    filing = Application.objects.select_for_update(of=("self",))
    if not attorneys:
        return filing.select_related("applicant")
    return filing.select_related("applicant", "created_by").prefetch_related(with_current_representations())


def lock_filing(application: Application, *, with_contents: bool = False, attorneys: bool = True) -> Application:
    """The filing's row, locked until the transaction ends, with what the rules read: its
    applicant and creator, and its pending and of-record attorneys (R24); `with_contents`
    also loads goods, signatures, flags and the attorneys' bar admissions (with R23's
    answer), for the full gate and the receipt: one query each. `attorneys=False`: neither
    the attorneys nor the creator, for a step that asks no rule about them (the office's,
    the deadline job's); they are read when asked for all the same. Every change of
    representation locks the filing first, so what is read here stays true."""
    filing = _locked_filing(attorneys)
    if with_contents:
        filing = filing.prefetch_related(
            "goods",
            Prefetch("signatures", queryset=Signature.objects.select_related("signer")),
            "flags",
            rules.bar_admissions_with_answers(rules.ATTORNEYS_BAR_ADMISSIONS),
        )
    return filing.get(pk=application.pk)


def _supersede_signatures(application: Application) -> None:
    """What was signed no longer stands: signatures and outstanding links lapse."""
    now = clock.now()
    application.signatures.filter(superseded_at__isnull=True).update(superseded_at=now)
    application.signature_links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    if application.state != FilingState.DRAFT:
        application.return_to_draft()


def _standing_attorney_reasons(application: Application, data: FilingData) -> list:
    """An edit may not leave on the filing an attorney the rules would refuse to name for
    the edited applicant (a Canadian attorney once the domicile leaves Canada, R16)."""
    country = data.applicant.country if data.applicant is not None else ""
    return [
        found
        for representation in application.current_representations()
        for found in rules.named_attorney_reasons(representation.attorney, country)
    ]


def update_application(actor: User, application: Application, data: FilingData) -> Application:
    """Edit a draft; an edit after signing sends it back to draft for signing again."""
    _validate(data)
    with audit.refusals_recorded("filing.update", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(
            rules.access_reasons(actor, application)
            or (
                rules.filer_reasons(actor, application)
                or rules.state_reasons(application)
                or _standing_attorney_reasons(application, data)
            )
            + rules.domicile_country_reasons(data.applicant)
        )
        before = application.state
        _supersede_signatures(application)
        _save_contents(application, data)
        _raise_standing_flags(application)
        audit.record("filing.updated", application, actor=actor, from_state=before, to_state=application.state)
    return application


# --- signatures -------------------------------------------------------------------------
@dataclass(frozen=True)
class Signer:
    """A person asked to sign, as the requester named them: a name and an email. They need
    no account (R8, R9, R14: 37 CFR 2.193(e)(1)); none is looked up when they are asked."""

    name: str
    email: str

    @classmethod
    def named(cls, person: "Signer | User") -> "Signer":
        """`person` as a request names them, normalised (an account by its own name and
        email); ValidationError without a name or with a bad email."""
        name, email = (person.name, person.email) if isinstance(person, Signer) else (person.full_name, person.email)
        signer = cls(" ".join(name.split()), normal_email(email))
        limits = {part: SignatureLink._meta.get_field(f"signer_{part}").max_length for part in ("name", "email")}
        problems = [] if signer.name else ["Give the signer's name."]
        if len(signer.name) > limits["name"]:
            problems.append(f"The signer's name may be at most {limits['name']} characters long.")
        try:
            validate_email(signer.email)
            email_fits = len(signer.email) <= limits["email"]
        except ValidationError:
            email_fits = False
        if not email_fits:
            problems.append("Give the signer's email address.")
        if problems:
            raise ValidationError(problems)
        return signer

    @classmethod
    def of_account(cls, account: User) -> "Signer":
        return cls(account.full_name, account.email)

    @classmethod
    def on_link(cls, link: SignatureLink) -> "Signer":
        return cls(link.signer_name, link.signer_email)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_expiry(sent: datetime) -> datetime:
    """A link can be used through the last day of its time to live (SCENARIOS.md v2: the
    30th day after it was sent), to that day's end."""
    return clock.end_of_day((sent + settings.SIGNATURE_LINK_TTL).date())


def request_signature(actor: User, application: Application, signer: Signer | User) -> SignatureLink:
    """Email `signer` a single-use link, usable through the 30th day; older links to that
    address for this filing lapse. `signer`: the name and email the requester typed, or an
    account (its own). No account is looked up: nothing about one is told or needed.

    The returned link carries the raw token in `.token` (never stored, only hashed).
    Raises ValidationError for a missing name or a bad email, Refused when the actor may not.
    """
    signer = Signer.named(signer)
    with audit.refusals_recorded("filing.request_signature", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(rules.filer_reasons(actor, application) or rules.state_reasons(application))
        now = clock.now()
        application.signature_links.filter(
            signer_email=signer.email, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        link = SignatureLink.objects.create(
            application=application,
            signer_name=signer.name,
            signer_email=signer.email,
            requested_by=actor,
            token_hash=_hash_token(token),
            created_at=now,
            expires_at=_link_expiry(now),
        )
        before = application.state
        if application.state != FilingState.SIGNED:
            application.send_for_signature()
            application.save()
        audit.record(
            "filing.signature_requested",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"signer_name": signer.name, "signer_email": signer.email},
        )
        language = translation.get_language() or ""  # the request's: the mail and page are in it
        transaction.on_commit(
            lambda: emails.send_signature_request(
                to=signer.email,
                signer_name=signer.name,
                mark=application.mark,
                requested_by=actor.full_name,
                token=token,
                language=language,
            )
        )
    link.token = token
    return link


def find_link(token: str) -> SignatureLink | None:
    if not token:
        return None
    # token_hash is unique
    return (
        SignatureLink.objects.select_related("application", "requested_by")
        .filter(token_hash=_hash_token(token))
        .first()
    )


_LINK_INVALID = reason(
    "signature_link_invalid",
    "This signing link is not valid: it was never sent, already used, replaced by a newer one, or past the 30th day "
    "after it was sent. Ask the sender for a new link.",
)


def open_link(token: str) -> SignatureLink:
    """The usable link behind `token` (to show what is signed); refused when not valid."""
    link = find_link(token)
    if link is None or not link.is_usable():
        raise Refused(_LINK_INVALID)
    return link


def _record_signature(
    application,
    signer: Signer,
    account: User | None,
    *,
    text,
    title,
    method,
    declaration_accepted,
    upload=("", ""),
    upload_shows_declaration=False,
):
    """The signature of `signer` (their `account` when they have one), who entered it."""
    signature = Signature.objects.create(
        application=application,
        signer=account,
        signer_name=signer.name,
        signer_email=signer.email,
        text=text.strip(),
        title=title.strip(),
        signed_on=clock.today(),
        method=method,
        declaration_accepted=declaration_accepted,
        upload_name=upload[0],
        upload_content_type=upload[1],
        upload_shows_declaration=upload_shows_declaration,
    )
    before = application.state
    application.sign()
    application.save()
    audit.record(
        "filing.signed",
        application,
        # the one who entered it: the signer personally (R13), by their email when they
        # have no account
        actor=account or signer,
        from_state=before,
        to_state=application.state,
        data={"signer_id": account.pk if account else None, "signer_email": signer.email, "method": method},
    )
    return signature


def sign_by_link(token: str, *, signature: str, title: str, declaration_accepted: bool = True) -> Signature:
    """R8/R9/R14: the person the link names signs through it; no account, no verification.

    Judged by the link alone (never `forbidden`). Where an account holds the link's
    address now, the rules about accounts apply to it: suspended, support staff and
    office staff cannot sign."""
    link = find_link(token)
    if link is None:
        # a made-up token names no filing: refused, and not audited, so that anyone
        # on the public signing page cannot fill the audit log
        raise Refused(_LINK_INVALID)
    signer = Signer.on_link(link)
    with audit.refusals_recorded("filing.sign_by_link", link.application, signer), audit.atomic():
        link = SignatureLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
        if not link.is_usable():
            raise Refused(_LINK_INVALID)
        application = lock_filing(Application(pk=link.application_id))
        # the account that holds the address now, if any: asked at signing, never at the request
        account = User.objects.by_email(signer.email).first()
        suspended = suspension_reasons(account) if account else []
        office_staff = office_staff_reasons(account) if account else []
        refuse_if(
            suspended
            or rules.state_reasons(application)
            or office_staff + rules.signatory_reasons(account, application, name=signer.name, email=signer.email)
            or rules.signature_format_reasons(signature, title)
        )
        if not declaration_accepted:
            raise Refused(reason("signature_format", "Accept the declaration before you sign."))
        link.used_at = clock.now()
        link.save(update_fields=["used_at"])
        return _record_signature(
            application,
            signer,
            account,
            text=signature,
            title=title,
            method=SignatureMethod.LINK,
            declaration_accepted=True,
        )


def _personal_signature_reasons(
    actor: User, application: Application, signer: User | None, signature: str = ""
) -> list:
    """R13: only the named signer enters their signature; an attempt by another is
    flagged, whether the signer is named as such or typed between the slashes (issue 22:
    a paralegal typing /Dana Kim/ was refused as staff, and no signal counted it)."""
    if signer is not None and signer.pk != actor.pk:
        return [
            reason(
                "signature_not_personal",
                f"Only {signer.full_name} may enter {signer.first_name}'s signature; send them a signature request.",
            )
        ]
    named = rules.person_named_in_signature(signature, application, actor)
    if named:
        return [
            reason(
                "signature_not_personal",
                f"Only {named} may enter their own signature; send them a signature request.",
            )
        ]
    return []


def sign_application(
    actor: User,
    application: Application,
    *,
    signature: str,
    title: str,
    signer: User | None = None,
    declaration_accepted: bool = True,
    upload=None,
    upload_shows_declaration: bool = False,
) -> Signature:
    """Sign in the form (or upload a pen-and-ink page), as the signer personally (R12-R15).

    An upload is checked (type by content, size) before anything else and stored only once
    the signing is allowed; the signer must confirm the page shows the declaration (R15).
    """
    kind = validate_upload(upload) if upload is not None else None
    flagged = False
    with stored_only_if_done() as store, audit.refusals_recorded("filing.sign", application, actor):
        try:
            with audit.atomic():
                application = lock_filing(application)
                actor, signer = _fresh(actor, *_on_filing(application)), _fresh(signer, *_on_filing(application))
                refuse_if(rules.access_reasons(actor, application) or rules.suspension_reasons(actor))
                not_personal = _personal_signature_reasons(
                    actor, application, signer, signature if upload is None else ""
                )
                if not_personal:
                    flagged = True
                    raise Refused(office_staff_reasons(actor) + not_personal)
                format_reasons = [] if upload is not None else rules.signature_format_reasons(signature, title)
                if upload is not None and not title.strip():
                    format_reasons = [reason("signature_format", "Give your title beside the pen-and-ink signature.")]
                if upload is not None and not upload_shows_declaration:
                    # R15: a pen-and-ink page counts only when it shows the declaration text
                    format_reasons.append(
                        reason("signature_format", "Confirm that the uploaded page shows the declaration text.")
                    )
                refuse_if(
                    rules.state_reasons(application)
                    or acting_reasons(actor) + rules.signatory_reasons(actor, application) + format_reasons
                )
                if not declaration_accepted:
                    raise Refused(reason("signature_format", "Accept the declaration before you sign."))
                stored = store(upload, kind) if upload is not None else ("", "")
                return _record_signature(
                    application,
                    Signer.of_account(actor),
                    actor,
                    text=signature if upload is None else "",
                    title=title,
                    method=SignatureMethod.FORM if upload is None else SignatureMethod.UPLOAD,
                    declaration_accepted=True,
                    upload=stored,
                    upload_shows_declaration=upload is not None and upload_shows_declaration,
                )
        except Refused:
            if flagged:
                # R13: the refused attempt itself is kept as a flag on the filing
                with audit.atomic():
                    _raise_flags(application, ["signature_entered_by_other"], detail=f"attempted by account {actor.pk}")
            raise


# --- submission -------------------------------------------------------------------------
def can_submit(actor: User, application: Application) -> list:
    """The gate's answer now, without submitting: empty when it can go."""
    return rules.submission_reasons(actor, application)


def serial_number(counter: int) -> str:
    """The serial number the counter's value `counter` stands for: eight digits."""
    return f"{counter:08d}"


def _next_serial() -> str:
    """Add one to the serial counter and return its new value, eight digits."""
    return serial_number(_next_number(1, SerialCounter._meta.get_field("last").default))


def _next_number(row: int, start: int) -> int:
    """Add one to the counter row `row` and return its new value: one locking `UPDATE ...
    RETURNING` (SQLite 3.35+, PostgreSQL), which the ORM cannot say in one statement; the
    row is held until the transaction ends. The row is made on first use, at `start`.
    Row 1 counts serial numbers, row 2 registration numbers (applications.prosecution)."""
    meta, quote = SerialCounter._meta, connection.ops.quote_name
    table, last, pk = quote(meta.db_table), quote(meta.get_field("last").column), quote(meta.pk.column)
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 WHERE {pk} = %s RETURNING {last}", [row])
            found = cursor.fetchone()
            if found is not None:
                return found[0]
            SerialCounter.objects.get_or_create(pk=row, defaults={"last": start})  # a concurrent first one waits
    raise RuntimeError("the counter's row could not be made")


def _note_submission(submitter: User, application: Application) -> None:
    """Keep the per-applicant row `_is_high_volume` reads (one upsert)."""
    SubmitterApplicant.objects.bulk_create(
        [
            SubmitterApplicant(
                submitter=submitter,
                applicant_key=applicant_key(application.applicant.name),
                last_submitted_at=clock.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["submitter", "applicant_key"],
        update_fields=["last_submitted_at"],
    )


def _is_high_volume(submitter: User) -> bool:
    """More than HIGH_VOLUME_APPLICANTS distinct applicants in HIGH_VOLUME_WINDOW? Reads at
    most 21 index entries and returns at most one row (the 21st applicant of the window,
    if there is one), so a mill with 30,000 filings costs no more than an ordinary filer."""
    since = clock.now() - settings.HIGH_VOLUME_WINDOW
    too_many = settings.HIGH_VOLUME_APPLICANTS
    beyond = (
        SubmitterApplicant.objects.filter(submitter=submitter, last_submitted_at__gte=since)
        .order_by()
        .values_list("pk", flat=True)[too_many : too_many + 1]
    )
    return bool(list(beyond))


def submit_filing(actor: User, application: Application) -> Application:
    """Submit when the gate is clear: filing date, serial, fixed fee, flags and a signed receipt."""
    with audit.refusals_recorded("filing.submit", application, actor), audit.atomic():
        application = lock_filing(application, with_contents=True)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(rules.submission_reasons(actor, application))
        if not can_proceed(application.submit):  # the transition's own source: signed
            raise Refused(reason("signature_required"))
        fee = rules.fee_for(application)
        before = application.state
        _note_submission(actor, application)
        codes = rules.standing_flags(application) + (["high_volume_filer"] if _is_high_volume(actor) else [])
        flags = _raise_flags(application, codes, known={flag.code for flag in application.flags.all()})
        # the serial counter's row stays locked until commit, holding every other
        # submission back: taken last, once nothing but this filing's writes is left
        application.submit(by=actor, serial_number=_next_serial(), fee=fee)
        # ConcurrentTransitionMixin writes only where the state is still the one read
        application.save(update_fields=Application.SUBMISSION_FIELDS)
        submitted = audit.record(
            "filing.submitted",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"serial_number": application.serial_number, "fee": fee},
        )
        # the receipt carries the chain's head at its own submission, signed: made once
        # the event has its place in the chain, still in this transaction
        audit.when_linked(lambda: issue_receipt(application, flags, submitted))
    return application


def withdraw_filing(actor: User, application: Application) -> Application:
    """Abandon an unsubmitted filing; outstanding signing links lapse with it."""
    with audit.refusals_recorded("filing.withdraw", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(rules.filer_reasons(actor, application) or rules.state_reasons(application))
        before = application.state
        application.signature_links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=clock.now())
        application.withdraw()
        application.save()
        audit.record("filing.withdrawn", application, actor=actor, from_state=before, to_state=application.state)
    return application


# --- representation (R8, R16, R24) ------------------------------------------------------
def _attorneys_of_record_changed(application: Application) -> None:
    """R24: the declaration covered the old representation, so signatures and outstanding
    links lapse and a signed or awaiting filing returns to draft; a submitted filing's
    declaration was filed and stands."""
    if application.is_open:
        _supersede_signatures(application)
    application.touch()
    application.save()


def appoint_attorney(actor: User, application: Application, attorney: User) -> Application:
    """Add an attorney (R24): of record at once when the attorney or staff they sponsor
    appoint, and what was signed must be signed again; otherwise pending until the
    attorney accepts, and they are mailed."""
    with audit.refusals_recorded("filing.appoint_attorney", application, actor), audit.atomic():
        application = lock_filing(application)
        actor, attorney = _fresh(actor, *_on_filing(application)), _fresh(attorney, *_on_filing(application))
        refuse_if(
            rules.filer_reasons(actor, application)
            or rules.state_reasons(application) + rules.appointing_reasons(actor, application, attorney)
        )
        before = application.state
        representation = _name_attorney(actor, application, attorney)
        if representation.is_of_record:
            _attorneys_of_record_changed(application)
        application = lock_filing(application)  # read again, with the attorney just named
        if representation.is_of_record:
            _raise_standing_flags(application)  # R23: the new attorney's credentials
        audit.record(
            "filing.attorney_appointed",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"attorney_id": attorney.pk, "state": representation.state},
        )
    return application


def accept_appointment(actor: User, application: Application) -> Application:
    """R24: the attorney named by someone else accepts and is of record from now on; what
    was signed must be signed again."""
    with audit.refusals_recorded("filing.accept_appointment", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        representation = application.representation_of(actor)
        refuse_if(rules.answering_reasons(actor, application, representation, accepting=True))
        before = application.state
        representation.accept()
        representation.save()
        _attorneys_of_record_changed(application)
        _raise_standing_flags(application)  # R23: the new attorney's credentials
        audit.record(
            "filing.appointment_accepted", application, actor=actor, from_state=before, to_state=application.state
        )
    return application


def decline_appointment(actor: User, application: Application) -> Application:
    """R24: the attorney named by someone else declines; the appointment is dropped, and
    with it their sight of the filing. Nothing else changes."""
    with audit.refusals_recorded("filing.decline_appointment", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        representation = application.representation_of(actor)
        refuse_if(rules.answering_reasons(actor, application, representation, accepting=False))
        representation.decline()
        representation.save()
        audit.record("filing.appointment_declined", application, actor=actor)
    return application


def withdraw_representation(actor: User, application: Application) -> Application:
    """An attorney of record withdraws; signatures lapse, and once no attorney is left
    the owner must verify to act (R8)."""
    with audit.refusals_recorded("filing.withdraw_representation", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(rules.filer_reasons(actor, application) or rules.representation_state_reasons(application))
        representation = application.representation_of(actor)
        if representation is None or not representation.is_of_record:
            raise Refused(
                reason("role_not_permitted", "Only the attorney of record can withdraw the representation.", rule="R24")
            )
        before = application.state
        representation.withdraw()
        representation.save()
        _attorneys_of_record_changed(application)
        audit.record(
            "filing.representation_withdrawn", application, actor=actor, from_state=before, to_state=application.state
        )
    return application


def revoke_attorney(actor: User, application: Application, attorney: User) -> Application:
    """R24: the individual applicant ends an attorney's representation, or cancels an
    appointment still pending; signatures lapse when an attorney of record goes."""
    with audit.refusals_recorded("filing.revoke_attorney", application, actor), audit.atomic():
        application = lock_filing(application)
        actor = _fresh(actor, *_on_filing(application))
        refuse_if(
            rules.filer_reasons(actor, application)
            or rules.representation_state_reasons(application) + rules.revoking_reasons(actor, application, attorney)
        )
        representation = application.representation_of(attorney)
        was_of_record = representation.is_of_record
        before = application.state
        representation.revoke()
        representation.save()
        if was_of_record:
            _attorneys_of_record_changed(application)
        audit.record(
            "filing.attorney_revoked",
            application,
            actor=actor,
            from_state=before,
            to_state=application.state,
            data={"attorney_id": attorney.pk, "was": "of_record" if was_of_record else "pending"},
        )
    return application
