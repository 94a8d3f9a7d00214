"""The submission gate: every reason a filing cannot go, each with a sentence to act on.

One module, one place per rule. `can_submit`, `submit_filing`, the pages and the
simulator all ask `submission_reasons`.
"""

import functools
import re
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django_countries import countries

from accounts.models import ATTORNEY_ROLES, BarAdmission, Role, User, bar_credential
from accounts.rules import acting_reasons, sponsoring_attorney_ids, suspension_reasons
from tmverify import clock, policy
from tmverify.jurisdictions import is_us_bar
from tmverify.reasons import Reason, reason

from .access import can_access, can_act
from .models import PENDING_STATES, Application, Basis, FilingState, Representation, SignatureLink

# R12: text between exactly two forward slashes that holds a letter or digit (SCENARIOS.md
# v2 "Small print": "/ /" and "/.-/" are no signature)
SIGNATURE_PATTERN = re.compile(r"^/[^/]*[^\W_][^/]*/$")

# R18: a domicile presumed not to be where the applicant really is: TMEP 601.01(c)(i) names
# post-office boxes, c/o, commercial mail receiving agencies, registered agents, private
# mailboxes, APO/FPO/DPO, highway contract routes, virtual offices and shared workspaces.
# Post-office boxes are written in the filer's own language too (docs/DECISIONS.md 55).
_MAIL_DROP_PATTERNS = (
    # English: PO Box, P.O. Box, GPO Box, POB, P.O.B., Post Office Box, Postal Box, Post Box
    r"\b(?:g\.?\s*)?p\.?\s*o\.?\s*box\b",
    r"\bp\.?\s*o\.?\s*b\b",
    r"\bpost(?:al)?\s*(?:office\s+)?box\b",
    r"^\s*box\s+\d",  # Swedish and others: "Box 1234" as the whole street
    r"\b(?:private|locked)\s+bag\b",
    r"\b(?:general\s+delivery|poste\s+restante)\b",
    r"\bc\s*/\s*o\b",
    r"\bcare\s+of\b",
    r"\bregistered\s+agent\b",
    r"\bpmb\b",
    r"\bprivate\s+mail\s*box\b",
    r"\bcommercial\s+mail\s+receiving\b",
    r"\bcmra\b",
    r"\bvirtual\s+office\b",
    r"\b(?:apo|fpo|dpo)\b",
    r"\bhcr?\s*\d",  # highway contract route
    # German, Dutch, Danish and Norwegian, Finnish
    r"\bpostfach\b",
    r"\bpostbus\b",
    r"\bpostboks\b",
    r"\bpostilokero\b",
    # Spanish: Apartado (Postal, de Correos), Apdo., Casilla (de Correo)
    r"\bapartado\b",
    r"\bapdo\b",
    r"\bcasilla\b",
    # Portuguese, French, Italian, Polish
    r"\bcaixa\s+postal\b",
    r"\bbo[iî]te\s+postale\b",
    r"\bb\.?\s?p\.?\s+\d",  # French "BP 7"
    r"\bcasella\s+postale\b",
    r"\bskrytka\s+pocztowa\b",
    # Russian: абонентский ящик, а/я
    r"абонентский\s+ящик",
    r"(?<!\w)а\s*/\s*я(?!\w)",
    # Chinese 信箱 (邮政信箱, 100号信箱), Japanese 私書箱 (Chinese 私书箱), Korean 사서함
    r"信箱",
    r"私[書书]箱",
    r"사서함",
)
_MAIL_DROP = re.compile("|".join(f"(?:{pattern})" for pattern in _MAIL_DROP_PATTERNS), re.IGNORECASE)


def is_mail_drop(street: str) -> bool:
    """R18: the domicile street reads as a post-office box or another mail drop."""
    return bool(_MAIL_DROP.search(street or ""))


def domicile_country_reasons(applicant) -> list[Reason]:
    """R18: an address in no country is no domicile. `applicant`: the typed contents
    (`ApplicantData`, or None); a saved applicant's country is always a known one."""
    country = applicant.country if applicant is not None else ""
    if country and country.upper() not in countries:  # django-countries' ISO 3166-1 list
        return [
            reason(
                "domicile_required",
                f"The domicile country {country!r} is not a country's two-letter ISO code: give the country "
                "where the applicant really is.",
            )
        ]
    return []


# --- access and acting -----------------------------------------------------------------
def access_reasons(user: User, application: Application) -> list[Reason]:
    """May `user` take a filer's step on this filing at all? `forbidden` alone otherwise."""
    if can_act(user, application):
        return []
    if can_access(user, application):  # R24: only named, not accepted yet
        return [reason("forbidden", PENDING_ATTORNEY_DOES_NOT_ACT)]
    return _NO_ACCESS


_NO_ACCESS = [reason("forbidden", "You have no access to this filing.")]


# R24: the sentence every filer step gives an attorney whose appointment is pending
PENDING_ATTORNEY_DOES_NOT_ACT = (
    "You are named attorney on this filing but have not accepted: accept the appointment before you act on it."
)


def state_reasons(application: Application) -> list[Reason]:
    if not application.is_open:
        return [reason("invalid_state", f"This filing is already {application.get_state_display().lower()}.")]
    return []


def representation_state_reasons(application: Application) -> list[Reason]:
    """An attorney may withdraw, or be revoked, on an open filing and on one submitted and
    still pending (R21, R22: whoever is left must answer the office, R8)."""
    if application.state in PENDING_STATES:
        return []
    return state_reasons(application)


def filer_reasons(user: User, application: Application) -> list[Reason]:
    """May this account act on this filing at all? Access (with none, `forbidden` alone:
    SCENARIOS.md v2 "Reasons"), suspension, then identity."""
    blocked = access_reasons(user, application) or suspension_reasons(user)
    if blocked:
        return blocked
    return acting_reasons(user)


# --- attorneys by consent (R24) ------------------------------------------------------------
def is_own_act(actor: User, attorney: User) -> bool:
    """R24: naming `attorney` is the attorney's own act when they take the step, or support
    staff they actively sponsor take it (R10); then they are of record at once."""
    if actor.pk == attorney.pk:
        return True
    return actor.role == Role.SUPPORT_STAFF and attorney.pk in sponsoring_attorney_ids(actor)


def named_attorney_reasons(attorney: User, domicile_country: str) -> list[Reason]:
    """Who may be named attorney on a filing whose applicant is domiciled in
    `domicile_country` (a code, or "" when not given yet): an attorney, never office staff
    (R25), and a Canadian attorney only for an applicant domiciled in Canada (R16)."""
    if attorney.is_office_staff():  # R25: the office is never of record for a party
        return [
            reason("role_not_permitted", f"{attorney.full_name} is office staff and cannot be of record.", rule="R25")
        ]
    if attorney.role not in ATTORNEY_ROLES:
        return [
            reason(
                "role_not_permitted", f"{attorney.full_name} is not an attorney and cannot be of record.", rule="R24"
            )
        ]
    if attorney.role == Role.CA_ATTORNEY and str(domicile_country).upper() != "CA":
        return [
            reason(
                "role_not_permitted",
                "A Canadian attorney may act only for an applicant domiciled in Canada.",
                rule="R16",
            )
        ]
    return []


def appointing_reasons(actor: User, application: Application, attorney: User) -> list[Reason]:
    """May `actor` add `attorney` to the filing (beside the filer reasons)? Support staff
    name only an attorney who sponsors them; an attorney stands on a filing once."""
    reasons = []
    if actor.role == Role.SUPPORT_STAFF and not is_own_act(actor, attorney):
        reasons.append(
            reason(
                "role_not_permitted",
                "Support staff may name only an attorney who sponsors them; an attorney of record appoints others.",
                rule="R24",
            )
        )
    applicant = application.applicant
    reasons += named_attorney_reasons(attorney, applicant.domicile_country if applicant is not None else "")
    current = application.representation_of(attorney)
    if current is not None:
        reasons.append(reason("invalid_state", _ALREADY[current.state] % {"name": attorney.full_name}))
    return reasons


_ALREADY = {
    "of_record": "%(name)s is already an attorney of record on this filing.",
    "pending": "%(name)s is already named on this filing and has not accepted yet.",
}


def answering_reasons(
    actor: User, application: Application, representation: Representation | None, *, accepting: bool
) -> list[Reason]:
    """May `actor` accept (`accepting`) or decline an appointment on this filing? Only the
    attorney named, while it is pending (`invalid_state` otherwise). Accepting is acting:
    the identity rules apply and the filing must be open; declining asks neither."""
    blocked = suspension_reasons(actor) or ([] if can_access(actor, application) else _NO_ACCESS)
    if blocked:
        return blocked
    reasons = acting_reasons(actor) if accepting else []
    if representation is None or not representation.is_pending:
        reasons.append(reason("invalid_state", "No appointment on this filing is waiting for your answer."))
    elif accepting:
        reasons += state_reasons(application)
    return reasons


def revoking_reasons(actor: User, application: Application, attorney: User) -> list[Reason]:
    """R24: the individual applicant may end an attorney's representation (or cancel an
    appointment still pending); nobody else, support staff least of all."""
    applicant = application.applicant
    if applicant is None or applicant.user_id != actor.pk:
        return [reason("role_not_permitted", "Only the individual applicant can revoke an attorney.", rule="R24")]
    if application.representation_of(attorney) is None:
        return [reason("invalid_state", f"{attorney.full_name} is not an attorney on this filing.")]
    return []


# --- signatures (R12-R14) ----------------------------------------------------------------
def signature_format_reasons(text: str, title: str) -> list[Reason]:
    if not SIGNATURE_PATTERN.match((text or "").strip()) or not (title or "").strip():
        return [reason("signature_format")]
    return []


def _folded_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def person_named_in_signature(signature: str, application: Application, actor: User) -> str:
    """R13: the full name of another person on the filing (its creator, an attorney on it,
    an individual applicant) that the typed signature `/Name/` is, or "": entering it is
    entering someone else's signature, refused and flagged whoever types it."""
    typed = _folded_name((signature or "").strip().strip("/"))
    if not typed or typed == _folded_name(actor.full_name):
        return ""
    people = [application.created_by, *(r.attorney for r in application.current_representations())]
    names = [person.full_name for person in people if person.pk != actor.pk]
    applicant = application.applicant
    if applicant is not None and applicant.entity == "individual" and applicant.user_id != actor.pk:
        names.append(applicant.name)
    return next((name for name in names if _folded_name(name) == typed), "")


def is_authorized_signatory(signer: User | None, application: Application, *, email: str = "") -> bool:
    """R14: an attorney of record (R24: a pending one is not), the individual applicant, the
    creator holding the owner role (an officer or employee of the applicant, signing with
    their title), or anyone a signature request for this filing named; never support staff,
    never office staff (R25).

    `signer`: the person's account, None for a person without one (37 CFR 2.193(e)(1));
    `email`: the address a request would have named them by (default: the account's)."""
    if signer is not None:
        if signer.role == Role.SUPPORT_STAFF or signer.is_office_staff():
            return False
        if any(attorney.pk == signer.pk for attorney in application.attorneys_of_record()):
            return True
        if application.applicant_id and application.applicant.user_id == signer.pk:
            return True
        if application.created_by_id == signer.pk and signer.role == Role.OWNER:
            return True
        email = email or signer.email
    return SignatureLink.objects.filter(application=application.pk, signer_email=email).exists()


def signatory_reasons(
    signer: User | None, application: Application, *, name: str = "", email: str = ""
) -> list[Reason]:
    """`name`, `email`: the person as a signature request named them (default: the account's)."""
    if not is_authorized_signatory(signer, application, email=email):
        return [
            reason(
                "signatory_not_authorized",
                f"{name or signer.full_name} may not sign this filing: it must be the attorney of record, the "
                "individual applicant, an officer or employee of the applicant who prepared it with the owner "
                "role, or someone a signature request for this filing named (never support staff or office staff).",
            )
        ]
    return []


def valid_signatures(application: Application) -> list:
    return [
        s
        for s in application.signatures.all()
        if s.superseded_at is None and is_authorized_signatory(s.signer, application, email=s.signer_email)
    ]


def signature_reasons(application: Application) -> list[Reason]:
    if not valid_signatures(application):
        return [
            reason(
                "signature_required",
                "Sign the filing in the form, or request a signature by email from someone who may sign: the owner, "
                "an officer or employee of the applicant, or an attorney.",
            )
        ]
    return []


# --- contents (R16-R19) -------------------------------------------------------------------
def has_us_bar_information(attorney: User) -> bool:
    """R16: a US attorney with a complete admission to a US bar (a state, DC or a
    territory: `tmverify.jurisdictions.is_us_bar`)."""
    return attorney.role == Role.US_ATTORNEY and any(
        admission.is_complete and is_us_bar(admission.jurisdiction) for admission in attorney.bar_admissions.all()
    )


def _us_counsel_message(attorneys: list[User]) -> str:
    if any(attorney.role == Role.CA_ATTORNEY for attorney in attorneys):
        return "A Canadian attorney may act only beside a US attorney: appoint a US-licensed attorney too."
    return "The applicant is domiciled outside the US: appoint a US-licensed attorney of record."


def bar_reasons(attorneys: list[User]) -> list[Reason]:
    """R16: a filing with attorneys of record needs at least one US attorney among them
    with complete US bar information (docs/DECISIONS.md 44, 54)."""
    if not attorneys or any(has_us_bar_information(attorney) for attorney in attorneys):
        return []
    us_attorneys = [attorney for attorney in attorneys if attorney.role == Role.US_ATTORNEY]
    if not us_attorneys:
        message = (
            "No attorney of record is a US attorney: at least one must be a US attorney with complete US bar "
            "information."
        )
    else:
        names = " or ".join(attorney.full_name for attorney in us_attorneys)
        message = (
            f"{names} must give US bar information: a state, DC or US territory as jurisdiction, admission date, "
            "bar number where one is issued, and good standing."
        )
    return [reason("bar_info_required", message)]


def _same_email(first: str, second: str) -> bool:
    """R17 and "Small print": emails compare without case or surrounding spaces."""
    return bool(first.strip()) and first.strip().casefold() == second.strip().casefold()


def us_counsel_reasons(application: Application, attorneys: list[User], on: date) -> list[Reason]:
    """R16 on `on`, for the filing and every later form (37 CFR 2.11(a): a foreign-domiciled
    applicant is represented by a US attorney in all trademark matters): a US attorney
    of record when the applicant is foreign, and US bar information among the attorneys."""
    if on < policy.current().us_counsel_required_from:  # both R16 duties, from 2019-08-03
        return []
    applicant = application.applicant
    reasons = []
    if applicant is not None and applicant.is_foreign and not any(a.role == Role.US_ATTORNEY for a in attorneys):
        reasons.append(reason("us_counsel_required", _us_counsel_message(attorneys)))
    return reasons + bar_reasons(attorneys)


def content_reasons(application: Application, on: date | None = None) -> list[Reason]:
    on = on or clock.today()
    applicant = application.applicant
    reasons = []
    missing = []
    if applicant is None or not applicant.name.strip():
        missing.append("the applicant's name")
    if applicant is None or not applicant.has_address:
        missing.append("the applicant's address")
    if applicant is None or not applicant.email:
        missing.append("the applicant's email")
    if not application.mark.strip():
        missing.append("the mark")
    if not any(g.nice_class and g.text.strip() for g in application.goods.all()):
        missing.append("at least one good or service with its class")
    if missing:
        reasons.append(reason("filing_incomplete", "Add " + ", ".join(missing) + " (the filing-date minimum)."))
    attorneys = application.attorneys_of_record()  # R24: a pending attorney satisfies nothing
    reasons += us_counsel_reasons(application, attorneys, on)
    if applicant is not None and any(_same_email(attorney.email, applicant.email) for attorney in attorneys):
        reasons.append(reason("attorney_email_conflict", "Give the applicant's own email, not the attorney's."))
    if applicant is None or not applicant.has_domicile:
        reasons.append(
            reason("domicile_required", "Give the applicant's domicile: the street address where they really are.")
        )
    return reasons


def submission_reasons(user: User, application: Application, on: date | None = None) -> list[Reason]:
    """Every reason `user` cannot submit `application` now; empty when it can go."""
    blocked = access_reasons(user, application) or suspension_reasons(user)
    if blocked:
        return blocked
    if application.state not in (FilingState.DRAFT, FilingState.AWAITING_SIGNATURE, FilingState.SIGNED):
        return state_reasons(application)
    return acting_reasons(user, on) + signature_reasons(application) + content_reasons(application, on)


# --- fees (R20) -----------------------------------------------------------------------
def missing_information(application) -> list[str]:
    """R20: required information whose absence raises `insufficient_information` and
    costs the TEAS Standard fee (before 2025-01-18) or a surcharge (from then).

    Takes a saved `Application` or unsaved `FilingData` (same attribute names)."""
    applicant = application.applicant
    missing = []
    if applicant is None or not applicant.entity:
        missing.append("entity type")
    if applicant is None or not applicant.citizenship:
        missing.append("citizenship")
    if not application.basis:
        missing.append("filing basis")
    elif application.basis == Basis.USE:
        if application.first_use is None:
            missing.append("date of first use")
        if not application.specimen:
            missing.append("specimen")
    return missing


def fee_lines(application: Application, on: date | None = None) -> list[policy.FeeLine]:
    on = on or clock.today()
    goods = [(g.nice_class, g.text, g.id_manual) for g in application.goods.all() if g.nice_class]
    return policy.fee_lines(goods, on, bool(missing_information(application)))


def quote_fee_lines(data, on: date | None = None) -> list[policy.FeeLine]:
    """R20 for contents not saved yet (a form's `FilingData`): the same lines a saved
    draft with these contents would show."""
    on = on or clock.today()
    goods = [(g.nice_class, g.text, g.id_manual) for g in data.goods if g.nice_class]
    return policy.fee_lines(goods, on, bool(missing_information(data)))


def fee_for(application: Application, on: date | None = None) -> int:
    """The fee fixed at submission, or what it would be if submitted on `on`."""
    if application.fee is not None:
        return application.fee
    return sum(line.amount for line in fee_lines(application, on))


# --- flags (never blocking) --------------------------------------------------------------
def bar_shared_elsewhere() -> Exists:
    """For a bar admission (annotated, or in a filter): its credential
    (`accounts.models.bar_credential`, never with an empty number) also stands on another
    account (R23)."""
    return Exists(
        BarAdmission.objects.alias(**bar_credential())
        .filter(**bar_credential(OuterRef))
        .exclude(number="")
        .exclude(attorney=OuterRef("attorney"))
    )


# from a filing, through its current representations, to each attorney's bar admissions
ATTORNEYS_BAR_ADMISSIONS = "representations__attorney__bar_admissions"


@functools.cache
def _admissions_with_answers():
    # built once: a queryset is never changed by its use (each use runs a clone), and
    # building this annotated subquery cost more than running it (bench/findings.md 37)
    return BarAdmission.objects.annotate(shared_elsewhere=bar_shared_elsewhere())


def bar_admissions_with_answers(lookup: str = "bar_admissions") -> Prefetch:
    """How an attorney's bar admissions are read wherever R23 is asked: each with
    `shared_elsewhere`, the answer of `bar_shared_elsewhere`, in the same query.
    `lookup`: the path to them (`ATTORNEYS_BAR_ADMISSIONS` from a filing)."""
    return Prefetch(lookup, queryset=_admissions_with_answers().all())


def shares_attorney_credentials(attorney: User) -> bool:
    """R23: one of the attorney's bar numbers, in its jurisdiction, also stands on another
    account. The admissions come with the answer (`bar_admissions_with_answers`): read
    here in one query unless the caller read them so already."""
    prefetch_related_objects([attorney], bar_admissions_with_answers())
    return any(admission.shared_elsewhere for admission in attorney.bar_admissions.all())


def standing_flags(application: Application) -> list[str]:
    """Flags that follow from the filing's contents as they are now."""
    flags = []
    applicant = application.applicant
    if applicant is not None and is_mail_drop(applicant.domicile_street):
        flags.append("mail_drop_domicile")
    if any(shares_attorney_credentials(attorney) for attorney in application.attorneys_of_record()):
        flags.append("shared_attorney_credentials")
    if missing_information(application):  # in every era; its cost is R20's (docs/DECISIONS.md 12)
        flags.append("insufficient_information")
    return flags
