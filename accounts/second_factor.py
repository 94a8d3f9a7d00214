"""The second factor at sign-in (issue 23, docs/DECISIONS.md 81-85): authenticator apps
(TOTP, django-otp's totp plugin), security keys (WebAuthn, py_webauthn) and one-time
recovery codes (django-otp's static plugin, kept as keyed digests).

A session that gave the password owes its second factor when the account has one, or
must enrol one first when the account needs one (office staff always, everyone when
TMVERIFY_REQUIRE_MFA is on); accounts.middleware keeps such a session on the pages that
take it. A factor passed marks the session verified through django-otp (`django_otp.login` keeps
the device's id in the session).

Every second-factor answer counts toward the sign-in limits as a password does
(`sign_in_limits.judge`). Enrolment, a pass with either factor, a recovery code used, new
recovery codes, and a factor removed (by its owner, or by office staff when it is lost)
are audited on the account.
"""

import hmac
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import django_otp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tmverify import audit
from tmverify.reasons import Refused, reason, refuse_if

from . import rules, sign_in_limits
from .models import SecurityKey, User
from .services import end_sessions

# what a signed-in session owes, kept in it from the password on (accounts.middleware)
PENDING_SESSION_KEY = "second_factor_pending"
CHALLENGE_SESSION_KEY = "webauthn_challenge"
RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery codes"
AUTHENTICATOR, SECURITY_KEY, RECOVERY = "authenticator", "security_key", "recovery_code"

WRONG_CODE = _(
    "That code is not right, or it was used already. Type the 6 digits your app shows now, or a recovery code."
)
WRONG_NEW_CODE = _(
    "That code is not right. Type the 6 digits the app shows now for tmverify (they change every 30 seconds)."
)
KEY_REFUSED = _("The security key's answer could not be checked. Try again, or use your authenticator app.")
PAUSED = _("Sign-in is paused after too many failures. Try again in 15 minutes.")
LAST_FACTOR = _(
    "This is your account's last second factor, and your account needs one: add another before you remove it."
)


@dataclass(frozen=True)
class Factor:
    """One of an account's second factors, as its pages list it."""

    kind: str
    device: TOTPDevice | SecurityKey

    @property
    def pk(self) -> int:
        return self.device.pk

    @property
    def name(self) -> str:
        return self.device.name


def is_required(user: User) -> bool:
    """Office staff always need a second factor; everyone when TMVERIFY_REQUIRE_MFA is on."""
    return settings.TMVERIFY_REQUIRE_MFA or user.is_office_staff()


def factors(user: User) -> list[Factor]:
    """The account's confirmed authenticators and security keys, oldest first."""
    apps = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    keys = SecurityKey.objects.filter(user=user, confirmed=True).order_by("pk")
    return [Factor(AUTHENTICATOR, d) for d in apps] + [Factor(SECURITY_KEY, k) for k in keys]


def has_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or SecurityKey.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def note_sign_in(sender, request, user: User, **kwargs) -> None:
    """At sign-in (the user_logged_in signal): the session owes a second factor when the
    account has one or needs one. Nothing is asked of an account with neither."""
    if request is not None and (has_factor(user) or is_required(user)):
        request.session[PENDING_SESSION_KEY] = True


def owed(request) -> str:
    """What the signed-in session still owes: "verify" (a second factor), "enrol" (the
    account needs one and has none), or "" (nothing). A session that passed one keeps
    its device's id (`django_otp.login`), so it costs no query; a reset by the office
    ends the account's sessions."""
    user = request.user
    if not user.is_authenticated or DEVICE_ID_SESSION_KEY in request.session:
        return ""
    # also a session from before the account needed one (made office staff, or the setting
    # turned on); office staff are always is_staff, so a filer's costs no query here
    may_need = settings.TMVERIFY_REQUIRE_MFA or user.is_staff
    if not request.session.get(PENDING_SESSION_KEY) and not (may_need and is_required(user)):
        return ""
    if has_factor(user):
        return "verify"
    return "enrol" if is_required(user) else ""


def _passed(request, device, kind: str, **data) -> None:
    """The session has its second factor: django-otp keeps the device in the session."""
    django_otp.login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    # a new session key once the session is worth more, as Django does at sign-in
    request.session.cycle_key()
    audit.record("account.second_factor_passed", request.user, actor=request.user, data={"kind": kind, **data})


def _judged(request, check) -> bool:
    """`check()` within the sign-in limits. Outside any transaction: each attempt's count
    is committed before it is checked, and stays when the step then refuses."""
    user = request.user
    try:
        return sign_in_limits.judge(user.email, sign_in_limits.client_address(request), check, lambda: user)
    except sign_in_limits.SignInPaused:
        raise ValidationError(PAUSED, code="paused") from None


# --- authenticator apps (TOTP) ---------------------------------------------------------
def authenticator_to_add(user: User) -> TOTPDevice:
    """The account's authenticator waiting for its first code (one at most: made on first
    ask, with a fresh random key, and kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=str(_("Authenticator app")))
    return device


def add_authenticator(request, code: str, name: str = "") -> list[str]:
    """Confirm the waiting authenticator with a code it shows now; the session counts as
    verified by it. Returns the account's recovery codes when this made its first ones
    (else []). Raises ValidationError for a wrong code (counted as a sign-in failure)."""
    user = request.user
    device = authenticator_to_add(user)
    code = "".join(code.split())
    if not _judged(request, lambda: code.isdigit() and device.verify_token(code)):
        raise ValidationError(WRONG_NEW_CODE, code="wrong_code")
    with audit.atomic():
        device.confirmed = True
        device.name = name.strip()[:64] or device.name
        device.save(update_fields=["confirmed", "name"])
        return _added(request, device, AUTHENTICATOR)


def _added(request, device, kind: str) -> list[str]:
    user = request.user
    audit.record("account.second_factor_added", user, actor=user, data={"kind": kind, "name": device.name})
    first = not recovery_codes_left(user)
    codes = _new_recovery_codes(user) if first else []
    django_otp.login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    if first:
        # sessions opened with the password alone before there was a factor end here
        request.session.cycle_key()
        end_sessions(user, keep=request.session.session_key)
    return codes


# --- recovery codes (django-otp's static tokens, kept as keyed digests) -----------------
def _digest(code: str) -> str:
    """A recovery code as stored: keyed (the fingerprint key), so a copy of the database
    does not give the codes, and short enough for django-otp's token column."""
    normal = "".join(code.split()).replace("-", "").lower()
    key = f"recovery-codes|{settings.TMVERIFY_FINGERPRINT_KEY}".encode()
    return hmac.new(key, normal.encode(), "sha256").hexdigest()[:16]


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_digest(code)) for code in codes])
    audit.record("account.recovery_codes_made", user, actor=user, data={"count": len(codes)})
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    """New recovery codes for an account with a second factor; the old ones stop working."""
    with audit.atomic():
        return _new_recovery_codes(user)


# --- signing in with a code --------------------------------------------------------------
def pass_with_code(request, code: str) -> str:
    """Check a code from an authenticator app or a recovery code (used up) for the signed-in
    session; returns the kind that passed. Raises ValidationError when none matches (a
    sign-in failure) or sign-in is paused."""
    user = request.user
    code = "".join(code.split())
    passed = []

    def right_code() -> bool:
        # the devices locked while checked: one code cannot pass twice at once
        with transaction.atomic():
            if code.isdigit():
                for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                    if device.verify_token(code):
                        passed.append((device, AUTHENTICATOR))
                        return True
            # any shape is tried as a recovery code: its digest says nothing of it
            recovery = StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_DEVICE_NAME).first()
            if code and recovery is not None and recovery.verify_token(_digest(code)):
                passed.append((recovery, RECOVERY))
                return True
        return False

    if not _judged(request, right_code):
        raise ValidationError(WRONG_CODE, code="wrong_code")
    with audit.atomic():
        device, kind = passed[0]
        if kind == RECOVERY:
            left = recovery_codes_left(user)
            audit.record("account.recovery_code_used", user, actor=user, data={"left": left})
            _passed(request, device, kind, left=left)
        else:
            _passed(request, device, kind)
    return kind


# --- security keys (WebAuthn) ------------------------------------------------------------
def _origin(request) -> str:
    """The page's origin as the browser must have seen it; its host must be the relying
    party id or a name under it (WebAuthn scopes every key to the id)."""
    host = urlsplit(f"//{request.get_host()}").hostname or ""
    rp_id = settings.TMVERIFY_WEBAUTHN_RP_ID
    if host != rp_id and not host.endswith("." + rp_id):
        raise ValidationError(
            _("Security keys work on this site only at its own address, %(host)s."), params={"host": rp_id}
        )
    return f"{request.scheme}://{request.get_host()}"


def _challenge(request, options) -> dict:
    """The options as the browser's JSON methods read them; the challenge kept in the
    session, for one answer."""
    request.session[CHALLENGE_SESSION_KEY] = bytes_to_base64url(options.challenge)
    return json.loads(options_to_json(options))


def _take_challenge(request) -> bytes:
    """The challenge this session was given, once: a second answer to it is refused."""
    value = request.session.pop(CHALLENGE_SESSION_KEY, "")
    return base64url_to_bytes(value) if value else b""


def key_registration_options(request) -> dict:
    """The browser's `navigator.credentials.create` options for a new key of the signed-in
    account. Raises ValidationError when the page is not at the relying party's host."""
    user = request.user
    _origin(request)
    options = generate_registration_options(
        rp_id=settings.TMVERIFY_WEBAUTHN_RP_ID,
        rp_name="tmverify",
        user_name=user.email,
        user_id=str(user.pk).encode(),
        user_display_name=user.full_name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.DISCOURAGED
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_key_id(k)) for k in SecurityKey.objects.filter(user=user)
        ],
    )
    return _challenge(request, options)


def _key_id(key: SecurityKey) -> bytes:
    return base64url_to_bytes(key.credential_id)


def add_security_key(request, credential: str, name: str = "") -> list[str]:
    """Register the key that answered this session's challenge; the session counts as
    verified by it. Returns the first recovery codes when this made them (else []).
    Raises ValidationError when the answer does not hold (nothing is stored)."""
    user = request.user
    challenge = _take_challenge(request)
    origin = _origin(request)
    try:
        if not challenge:
            raise WebAuthnException("no challenge")
        found = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.TMVERIFY_WEBAUTHN_RP_ID,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise ValidationError(KEY_REFUSED, code="key_refused") from None
    credential_id = bytes_to_base64url(found.credential_id)
    with audit.atomic():
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise ValidationError(_("This security key is registered already."), code="key_taken")
        key = SecurityKey.objects.create(
            user=user,
            name=name.strip()[:64] or str(_("Security key")),
            credential_id=credential_id,
            public_key=found.credential_public_key,
            sign_count=found.sign_count,
        )
        return _added(request, key, SECURITY_KEY)


def key_sign_in_options(request) -> dict:
    """The browser's `navigator.credentials.get` options for the signed-in account's keys.
    Raises ValidationError when the page is not at the relying party's host."""
    _origin(request)
    keys = SecurityKey.objects.filter(user=request.user, confirmed=True)
    options = generate_authentication_options(
        rp_id=settings.TMVERIFY_WEBAUTHN_RP_ID,
        allow_credentials=[PublicKeyCredentialDescriptor(id=_key_id(k)) for k in keys],
        user_verification=UserVerificationRequirement.DISCOURAGED,
    )
    return _challenge(request, options)


def pass_with_security_key(request, credential: str) -> None:
    """Check a key's answer to this session's challenge (a sign-in failure when it does
    not hold). Raises ValidationError when it does not."""
    user = request.user
    challenge = _take_challenge(request)
    origin = _origin(request)

    def right_answer() -> bool:
        try:
            credential_id = json.loads(credential)["id"]
        except (ValueError, TypeError, KeyError):
            return False
        with transaction.atomic():
            key = SecurityKey.objects.select_for_update().filter(user=user, credential_id=credential_id).first()
            return key is not None and bool(challenge) and _answered(key, credential, challenge, origin, passed)

    passed = []
    if not _judged(request, right_answer):
        raise ValidationError(KEY_REFUSED, code="key_refused")
    with audit.atomic():
        _passed(request, passed[0], SECURITY_KEY)


def _answered(key: SecurityKey, credential: str, challenge: bytes, origin: str, passed: list) -> bool:
    """Whether `credential` is `key`'s signature over the challenge; its counter moves on."""
    try:
        found = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.TMVERIFY_WEBAUTHN_RP_ID,
            expected_origin=origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return False
    key.sign_count = found.new_sign_count
    key.set_last_used_timestamp(commit=False)
    key.save(update_fields=["sign_count", "last_used_at"])
    passed.append(key)
    return True


# --- removing factors --------------------------------------------------------------------
def remove_factor(request, kind: str, pk: int) -> Factor:
    """The account's owner removes one of its factors, in a session verified by a second
    factor; never the last one of an account that needs one. Raises ValidationError."""
    user = request.user
    with audit.atomic():
        # lock the account: two removals at once cannot both leave it without a factor
        User.objects.select_for_update().filter(pk=user.pk).first()
        mine = {(f.kind, f.pk): f for f in factors(user)}
        factor = mine.get((kind, pk))
        if factor is None:
            raise ValidationError(_("There is no such factor on your account."), code="not_found")
        if len(mine) == 1 and is_required(user):
            raise ValidationError(LAST_FACTOR, code="last_factor")
        factor.device.delete()
        audit.record("account.second_factor_removed", user, actor=user, data={"kind": factor.kind, "name": factor.name})
        if len(mine) == 1:
            StaticDevice.objects.filter(user=user).delete()
    return factor


def reset_second_factor(officer: User, subject: User, *, note: str) -> int:
    """Office staff who may suspend accounts remove a lost factor (R3's spirit: who the
    account's owner is stays out of self-service): every factor and recovery code of the
    account goes and its sessions end; it enrols again at its next sign-in when it needs
    one. Returns how many factors went. Raises Refused (the permission, one's own account)."""
    with audit.refusals_recorded("account.second_factor_reset", subject, officer), audit.atomic():
        officer = User.objects.get(pk=officer.pk)
        refuse_if(rules.office_reasons(officer, "suspend_account"))
        if subject.pk == officer.pk:
            raise Refused(reason("forbidden", "You cannot decide on your own account."))
        # the account locked: a factor added meanwhile waits, then goes too
        subject = User.objects.select_for_update().get(pk=subject.pk)
        removed = [f.kind for f in factors(subject)]
        TOTPDevice.objects.filter(user=subject).delete()
        SecurityKey.objects.filter(user=subject).delete()
        StaticDevice.objects.filter(user=subject).delete()
        audit.record("account.second_factor_reset", subject, actor=officer, data={"removed": removed, "note": note})
        end_sessions(subject)
    return len(removed)
