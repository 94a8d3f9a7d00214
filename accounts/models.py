from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim, Upper
from django.utils.translation import gettext_noop
from django_countries.fields import CountryField
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_otp.models import Device, TimestampMixin

from tmverify import clock


class Role(models.TextChoices):
    OWNER = "owner", gettext_noop("Owner")
    US_ATTORNEY = "us_attorney", gettext_noop("US attorney")
    CA_ATTORNEY = "ca_attorney", gettext_noop("Canadian attorney")
    SUPPORT_STAFF = "support_staff", gettext_noop("Attorney support staff")


ATTORNEY_ROLES = {Role.US_ATTORNEY, Role.CA_ATTORNEY}
FILER_ROLES = {Role.OWNER, Role.US_ATTORNEY, Role.CA_ATTORNEY, Role.SUPPORT_STAFF}


class IdentityState(models.TextChoices):
    UNVERIFIED = "unverified", gettext_noop("Unverified")
    PENDING_REVIEW = "pending_review", gettext_noop("Paper form pending review")
    VERIFIED = "verified", gettext_noop("Verified")
    FRAUD_HOLD = "fraud_hold", gettext_noop("On hold for fraud review")
    REJECTED = "rejected", gettext_noop("Rejected")
    SUSPENDED = "suspended", gettext_noop("Suspended")


# `locked` is not stored: it overlays `unverified` while the attempt limiter locks (R5).
LOCKED = "locked"


class Method(models.TextChoices):
    ONLINE = "online", gettext_noop("Online provider")
    VIDEO = "video", gettext_noop("Video call with an agent")
    PAPER = "paper", gettext_noop("Notarized paper form")
    PATENT = "patent", gettext_noop("Carried over from the patent side")


PROVIDER_METHODS = {Method.ONLINE, Method.VIDEO}


def normal_email(value: str) -> str:
    """An email as it is stored and looked up: lower case, no surrounding space. Stored only
    so (a check constraint), an address is found by equality, through its unique index;
    a case-blind comparison reads every account."""
    return value.strip().lower()


def email_is_normal(name: str, field: str = "email") -> models.CheckConstraint:
    """`normal_email`, said to the database: the table's `field` is stored only so."""
    return models.CheckConstraint(condition=Q(**{field: Lower(Trim(field))}), name=name)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def by_email(self, email: str):
        return self.filter(email=normal_email(email))

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normal_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(ConcurrentTransitionMixin, AbstractBaseUser, PermissionsMixin):
    """One account is one natural person (R1), with a one-time identity state (R3)."""

    email = models.EmailField()
    first_name = models.CharField("legal first name", max_length=100)
    last_name = models.CharField("legal last name", max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    country = CountryField(default="US")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=clock.now)
    # When the account proved, through an emailed link, that it receives mail at `email`;
    # null until then: it may sign in, but not verify or file (docs/DECISIONS.md 46).
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    identity_state = FSMField(
        max_length=20, choices=IdentityState.choices, default=IdentityState.UNVERIFIED, protected=True
    )
    identity_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # State to return to when a suspension is lifted.
    state_before_suspension = models.CharField(max_length=20, choices=IdentityState.choices, blank=True)
    # R6: keyed fingerprint of the verified document; the number itself only encrypted.
    document_fingerprint = models.CharField(max_length=64, blank=True)
    document_ciphertext = models.TextField(blank=True)
    # R6: the verified account whose document this account presented.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    held_at = models.DateTimeField(null=True, blank=True)
    # R5: set when the attempt limiter locks; attempts before it no longer count.
    idv_locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        # Set in Meta, not on the fields: on PostgreSQL a field's own index comes with a
        # second one for LIKE prefixes, which nothing here asks (tests/tmverify/test_indexes.py)
        constraints = [
            models.UniqueConstraint(fields=["email"], name="one_account_per_email"),
            email_is_normal("account_email_is_normal"),
            # R6, said to the database: concurrent verifications of one document cannot
            # both succeed. A suspended account that was verified is not covered: passing
            # a fraud hold suspends the other account and verifies the held one, which
            # leaves exactly that pair (SCENARIOS "One person, one account"); the services
            # still treat it as holding its document (`_other_verified_account`).
            models.UniqueConstraint(
                fields=["document_fingerprint"],
                condition=Q(identity_state="verified") & ~Q(document_fingerprint=""),
                name="one_verified_account_per_document",
            ),
        ]
        indexes = [models.Index(fields=["document_fingerprint"])]
        permissions = [
            ("review_paper", "Can review paper identity verifications"),
            ("review_fraud", "Can decide fraud holds"),
            ("suspend_account", "Can suspend and reinstate accounts"),
            ("sanction_filing", "Can suspend and terminate filings"),
            # R21, R22: the office's prosecution steps
            ("examine_filing", "Can issue office actions and approve filings for publication"),
            ("decide_opposition", "Can decide oppositions"),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    # --- predicates -------------------------------------------------------------------
    @property
    def is_verified(self) -> bool:
        return self.identity_state == IdentityState.VERIFIED

    @property
    def has_confirmed_email(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.identity_state == IdentityState.SUSPENDED

    @property
    def is_attorney(self) -> bool:
        return self.role in ATTORNEY_ROLES

    def is_locked(self, now=None) -> bool:
        now = now or clock.now()
        return bool(self.idv_locked_until and now < self.idv_locked_until)

    @property
    def identity_status(self) -> str:
        """The identity state as SCENARIOS.md reports it, with the lockout overlay."""
        if self.identity_state == IdentityState.UNVERIFIED and self.is_locked():
            return LOCKED
        return self.identity_state

    def is_office_staff(self) -> bool:
        # office staff are always is_staff (make_office_staff); skip the permission queries
        return self.is_staff and self.has_perm("accounts.review_paper")

    def is_supervisor(self) -> bool:
        return self.is_staff and self.has_perm("accounts.review_fraud")

    # --- transitions (the one list of allowed moves) ----------------------------------
    def _mark_verified(self, method: str) -> None:
        self.identity_method = method
        self.verified_at = clock.now()

    @transition(field=identity_state, source=IdentityState.UNVERIFIED, target=IdentityState.VERIFIED)
    def verify_with_provider(self, method: str):
        self._mark_verified(method)

    @transition(field=identity_state, source=IdentityState.UNVERIFIED, target=IdentityState.VERIFIED)
    def carry_over_patent_verification(self):
        self._mark_verified(Method.PATENT)

    @transition(field=identity_state, source=IdentityState.UNVERIFIED, target=IdentityState.PENDING_REVIEW)
    def file_paper_form(self):
        pass

    @transition(field=identity_state, source=IdentityState.PENDING_REVIEW, target=IdentityState.VERIFIED)
    def approve_paper_form(self):
        self._mark_verified(Method.PAPER)

    @transition(field=identity_state, source=IdentityState.PENDING_REVIEW, target=IdentityState.UNVERIFIED)
    def reject_paper_form(self):
        pass

    @transition(
        field=identity_state,
        source=[IdentityState.UNVERIFIED, IdentityState.PENDING_REVIEW],
        target=IdentityState.FRAUD_HOLD,
    )
    def hold_for_fraud(self, duplicate_of, method: str):
        self.duplicate_of = duplicate_of
        self.identity_method = method
        self.held_at = clock.now()

    @transition(field=identity_state, source=IdentityState.VERIFIED, target=IdentityState.FRAUD_HOLD)
    def hold_for_review(self):
        """A supervisor's own hold (R6, R23): the account is verified, and the office
        doubts it; lifting it (`pass_fraud_review`) gives the verification back."""
        self.duplicate_of = None
        self.held_at = clock.now()

    @property
    def fraud_hold_expired(self) -> bool:
        """R6: a hold older than FRAUD_HOLD_AUTO_REJECT ("older" is strict) can only end in
        rejection, whether or not `process_deadlines` has run since."""
        return self.held_at is not None and self.held_at < clock.now() - settings.FRAUD_HOLD_AUTO_REJECT

    def _fraud_hold_open(self) -> bool:
        return not self.fraud_hold_expired

    @transition(
        field=identity_state,
        source=IdentityState.FRAUD_HOLD,
        target=IdentityState.VERIFIED,
        conditions=[_fraud_hold_open],
    )
    def pass_fraud_review(self):
        self.verified_at = clock.now()

    @transition(field=identity_state, source=IdentityState.FRAUD_HOLD, target=IdentityState.REJECTED)
    def reject_for_fraud(self):
        pass

    @transition(field=identity_state, source=IdentityState.REJECTED, target=IdentityState.UNVERIFIED)
    def reopen_identity(self):
        self.identity_method = ""
        self.document_fingerprint = ""
        self.document_ciphertext = ""
        self.duplicate_of = None

    @transition(
        field=identity_state,
        source=[s for s in IdentityState.values if s != IdentityState.SUSPENDED],
        target=IdentityState.SUSPENDED,
    )
    def suspend(self):
        self.state_before_suspension = self.identity_state

    @transition(
        field=identity_state,
        source=IdentityState.SUSPENDED,
        target=RETURN_VALUE(*[s for s in IdentityState.values if s != IdentityState.SUSPENDED]),
    )
    def reinstate(self):
        previous = self.state_before_suspension or IdentityState.UNVERIFIED
        self.state_before_suspension = ""
        return previous


def bar_credential(ref=F) -> dict[str, Upper]:
    """A bar credential as R23's shared-credentials flag and the fraud signals compare it:
    the admission's number and jurisdiction, each without case (both are stored trimmed).
    `ref=OuterRef` gives the outer query's admission's. The index `bar_credential` is on
    these expressions, so a credential is found without reading every admission."""
    return {"bar_number": Upper(ref("number")), "bar_jurisdiction": Upper(ref("jurisdiction"))}


class BarAdmission(models.Model):
    """An attorney's bar admission (R16): jurisdiction, number where issued, standing."""

    attorney = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bar_admissions")
    jurisdiction = models.CharField(max_length=64)
    number = models.CharField(max_length=32, blank=True)
    admitted = models.DateField(null=True, blank=True)
    good_standing = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(*bar_credential().values(), name="bar_credential")]

    def __str__(self):
        return f"{self.jurisdiction} {self.number or '(no number)'}"

    @property
    def is_complete(self) -> bool:
        return bool(self.jurisdiction and self.admitted and self.good_standing)


class VerificationRequest(models.Model):
    """One authorization at the identity provider (OpenID Connect): the state the person
    comes back with, the nonce its ID token must echo, and the PKCE verifier that alone
    redeems its code; each used once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_requests")
    nonce = models.CharField(max_length=64)
    state = models.CharField(max_length=64, default="")
    code_verifier = models.CharField(max_length=128, default="")
    method = models.CharField(max_length=10, choices=Method.choices)
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nonce"], name="one_request_per_nonce"),
            models.UniqueConstraint(fields=["state"], condition=~models.Q(state=""), name="one_request_per_state"),
        ]


class VerificationAttempt(models.Model):
    """One answer of the provider, for R5. A locked attempt never reaches the provider;
    it leaves only its audited refusal."""

    class Outcome(models.TextChoices):
        PASS = "pass"
        FAIL = "fail"

    # indexed as the first column of Meta.indexes
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_attempts", db_index=False)
    at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        indexes = [models.Index(fields=["user", "outcome", "at"])]


class PaperVerification(ConcurrentTransitionMixin, models.Model):
    """A notarized paper verification form waiting for office review (R4)."""

    class State(models.TextChoices):
        PENDING = "pending", gettext_noop("Pending review")
        APPROVED = "approved", gettext_noop("Approved")
        REJECTED = "rejected", gettext_noop("Rejected")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="paper_verifications")
    role = models.CharField(max_length=20, choices=Role.choices)
    document_country = CountryField()
    document_ciphertext = models.TextField()
    document_fingerprint = models.CharField(max_length=64)
    scan_name = models.CharField(max_length=100, blank=True)
    scan_content_type = models.CharField(max_length=50, blank=True)
    state = FSMField(max_length=10, choices=State.choices, default=State.PENDING, protected=True)
    filed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        indexes = [models.Index(fields=["document_fingerprint"])]

    def __str__(self):
        # a person's review, as the console's titles and links read it (issue 22)
        return f"Paper review of {self.user.full_name} <{self.user.email}>, filed {self.filed_at:%Y-%m-%d}"

    def _decide(self, reviewer, reason):
        self.reviewed_by = reviewer
        self.reviewed_at = clock.now()
        self.review_reason = reason

    @transition(field=state, source=State.PENDING, target=State.APPROVED)
    def approve(self, reviewer, reason=""):
        self._decide(reviewer, reason)

    @transition(field=state, source=State.PENDING, target=State.REJECTED)
    def reject(self, reviewer, reason=""):
        self._decide(reviewer, reason)


class PatentIdentity(models.Model):
    """A person verified through the patent side (R7), imported from the patent registry."""

    email = models.EmailField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    patent_account = models.CharField(max_length=64, blank=True)
    # The trademark role the patent record determines; blank when it cannot.
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    verified_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email"], name="one_patent_identity_per_email"),
            email_is_normal("patent_email_is_normal"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>"


class Sponsorship(ConcurrentTransitionMixin, models.Model):
    """A verified attorney sponsors a support-staff member (R10)."""

    class State(models.TextChoices):
        REQUESTED = "requested", gettext_noop("Requested")
        ACTIVE = "active", gettext_noop("Active")
        DENIED = "denied", gettext_noop("Denied")
        ENDED = "ended", gettext_noop("Ended")

    attorney = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sponsorships_given")
    staff = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sponsorships")
    state = FSMField(max_length=10, choices=State.choices, default=State.REQUESTED, protected=True)
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attorney", "staff"],
                condition=Q(state__in=["requested", "active"]),
                name="one_open_sponsorship_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.attorney.full_name} sponsors {self.staff.full_name} ({self.state})"

    @transition(field=state, source=State.REQUESTED, target=State.ACTIVE)
    def approve(self):
        self.decided_at = clock.now()

    @transition(field=state, source=State.REQUESTED, target=State.DENIED)
    def deny(self):
        self.decided_at = clock.now()

    @transition(field=state, source=[State.REQUESTED, State.ACTIVE], target=State.ENDED)
    def end(self, by):
        self.ended_at = clock.now()
        self.ended_by = by


class SignInFailure(models.Model):
    """A failed sign-in (or one being checked) for an email address, from a client
    address, for the sign-in limits (`accounts.sign_in_limits`)."""

    email = models.CharField(max_length=254)
    address = models.CharField(max_length=45, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["address", "at"]),
            models.Index(fields=["at"], name="signin_failure_at"),
        ]


class SecurityKey(TimestampMixin, Device):
    """A WebAuthn security key, a second factor at sign-in (docs/DECISIONS.md 81). A
    django-otp device, so that a session it verified reads as any other's
    (`request.user.is_verified()`); it answers a signed challenge, never a typed token
    (accounts/second_factor.py checks it with py_webauthn)."""

    # the credential's id as the browser gives it (base64url), and its COSE public key
    credential_id = models.CharField(max_length=1400)
    public_key = models.BinaryField()
    # the authenticator's signature counter: a clone shows as a count that goes back
    sign_count = models.PositiveBigIntegerField(default=0)

    class Meta(Device.Meta):
        constraints = [models.UniqueConstraint(fields=["credential_id"], name="one_account_per_security_key")]

    def verify_token(self, token):
        return False
