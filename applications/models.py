import functools

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext_noop
from django_countries.fields import CountryField
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import email_is_normal
from tmverify import clock
from tmverify.jurisdictions import is_domestic


class FilingState(models.TextChoices):
    DRAFT = "draft", gettext_noop("Draft")
    AWAITING_SIGNATURE = "awaiting_signature", gettext_noop("Awaiting signature")
    SIGNED = "signed", gettext_noop("Signed")
    SUBMITTED = "submitted", gettext_noop("Submitted")
    WITHDRAWN = "withdrawn", gettext_noop("Withdrawn")
    # R23: office sanctions (applications/sanctions.py)
    SUSPENDED = "suspended", gettext_noop("Suspended pending administrative review")
    TERMINATED = "terminated", gettext_noop("Terminated by sanction order")
    # R21, R22: prosecution, after submission (applications/prosecution.py)
    OFFICE_ACTION = "office_action", gettext_noop("Office action issued")
    UNDER_EXAMINATION = "under_examination", gettext_noop("Under examination")
    PUBLISHED = "published", gettext_noop("Published for opposition")
    OPPOSED = "opposed", gettext_noop("Opposed")
    ALLOWED = "allowed", gettext_noop("Allowed: statement of use due")
    REGISTERED = "registered", gettext_noop("Registered")
    REFUSED = "refused", gettext_noop("Refused")
    ABANDONED = "abandoned", gettext_noop("Abandoned")


OPEN_STATES = [FilingState.DRAFT, FilingState.AWAITING_SIGNATURE, FilingState.SIGNED]
# R23: every live filing can be suspended or terminated; computed from the choices so
# states added later are covered without a second list.
_CLOSED_STATES = {FilingState.WITHDRAWN, FilingState.SUSPENDED, FilingState.TERMINATED}
SANCTIONABLE_STATES = [s for s in FilingState.values if s not in _CLOSED_STATES]
# R21, R22: where the examining office may issue an action or approve for publication
EXAMINABLE_STATES = [FilingState.SUBMITTED, FilingState.UNDER_EXAMINATION]
# submitted and not decided for good: an attorney may still withdraw or be revoked (R8, R24)
PENDING_STATES = [
    FilingState.SUBMITTED,
    FilingState.OFFICE_ACTION,
    FilingState.UNDER_EXAMINATION,
    FilingState.PUBLISHED,
    FilingState.OPPOSED,
    FilingState.ALLOWED,
    FilingState.ABANDONED,
]


class Basis(models.TextChoices):
    USE = "1a", gettext_noop("1(a) use in commerce")
    INTENT = "1b", gettext_noop("1(b) intent to use")
    FOREIGN_APPLICATION = "44d", gettext_noop("44(d) foreign application")
    FOREIGN_REGISTRATION = "44e", gettext_noop("44(e) foreign registration")


class EntityType(models.TextChoices):
    INDIVIDUAL = "individual", gettext_noop("Individual")
    CORPORATION = "corporation", gettext_noop("Corporation")
    LLC = "llc", gettext_noop("Limited liability company")
    PARTNERSHIP = "partnership", gettext_noop("Partnership")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", gettext_noop("Sole proprietorship")
    JOINT_VENTURE = "joint_venture", gettext_noop("Joint venture")
    TRUST = "trust", gettext_noop("Trust")
    ASSOCIATION = "association", gettext_noop("Association")
    OTHER = "other", gettext_noop("Other")


class Applicant(models.Model):
    """The owner of the mark: a person or an organisation, with its domicile (R18)."""

    name = models.CharField(max_length=200, blank=True)
    entity = models.CharField(max_length=30, choices=EntityType.choices, blank=True)
    # Country of citizenship, or state/country of organisation.
    citizenship = models.CharField(max_length=64, blank=True)
    email = models.EmailField(blank=True)
    domicile_street = models.CharField(max_length=200, blank=True)
    domicile_city = models.CharField(max_length=100, blank=True)
    domicile_region = models.CharField(max_length=100, blank=True)
    domicile_postal_code = models.CharField(max_length=20, blank=True)
    domicile_country = CountryField(blank=True)
    mailing_address = models.TextField(blank=True)
    # Set when the applicant is an individual owner with an account here.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="applicants"
    )

    def __str__(self):
        return self.name or "(unnamed applicant)"

    @property
    def has_domicile(self) -> bool:
        return bool(self.domicile_street.strip() and self.domicile_country)

    @property
    def has_address(self) -> bool:
        return self.has_domicile or bool(self.mailing_address.strip())

    @property
    def is_foreign(self) -> bool:
        """R16: domiciled outside the United States and its territories."""
        return bool(self.domicile_country) and not is_domestic(self.domicile_country)


class Application(ConcurrentTransitionMixin, models.Model):
    """A TEAS-style trademark application; submitted only when every rule passes."""

    applicant = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    mark = models.CharField(max_length=200, blank=True)
    basis = models.CharField(max_length=3, choices=Basis.choices, blank=True)
    first_use = models.DateField(null=True, blank=True)
    specimen = models.BooleanField(default=False)
    # created_by and submitted_by are indexed as the first column of Meta.indexes
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_filings", db_index=False
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    state = FSMField(max_length=20, choices=FilingState.choices, default=FilingState.DRAFT, protected=True)
    # NULL until submitted: one_filing_per_serial_number allows many NULLs, not many ""
    serial_number = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001
    filing_date = models.DateField(null=True, blank=True)
    fee = models.PositiveIntegerField(null=True, blank=True, help_text="Fixed at submission, whole dollars.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_filings",
        db_index=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # R23: where a suspended filing returns when the suspension is lifted.
    state_before_suspension = models.CharField(max_length=20, choices=FilingState.choices, blank=True)
    # R21, R22: the office's notices, each on its date
    published_on = models.DateField(null=True, blank=True)
    allowed_on = models.DateField(null=True, blank=True, help_text="The notice of allowance's date.")
    registered_on = models.DateField(null=True, blank=True)
    # NULL until registered, as serial_number
    registration_number = models.CharField(max_length=7, null=True, blank=True)  # noqa: DJ001
    abandoned_on = models.DateField(null=True, blank=True, help_text="The notice of abandonment's date.")
    # where a revived filing returns: an office action's response was missed, or the statement of use
    abandoned_from = models.CharField(max_length=20, choices=FilingState.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["serial_number"], name="one_filing_per_serial_number"),
            models.UniqueConstraint(fields=["registration_number"], name="one_filing_per_registration_number"),
        ]
        indexes = [
            models.Index(fields=["created_by", "state"]),
            models.Index(fields=["submitted_by", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.mark or '(no mark)'} [{self.serial_number or self.get_state_display()}]"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def touch(self):
        self.updated_at = clock.now()

    # --- representation (R24) ---------------------------------------------------------------
    def current_representations(self) -> list["Representation"]:
        """Its pending and of-record representations, each with its attorney, oldest first:
        the one answer to who stands on the filing. Read with the filing where it is loaded
        (`with_current_representations`: `lock_filing`, the pages), else here in one query
        and kept with the filing, as Django keeps what it prefetched (`refresh_from_db`
        forgets it)."""
        prefetch_related_objects([self], with_current_representations())
        return [r for r in self.representations.all() if r.state in CURRENT_REPRESENTATION_STATES]

    def attorneys_of_record(self) -> list:
        """R24: the attorneys whose own act put them on the filing; only they satisfy a rule."""
        return [r.attorney for r in self.current_representations() if r.is_of_record]

    def pending_attorneys(self) -> list:
        """R24: attorneys named by someone else who have not accepted yet."""
        return [r.attorney for r in self.current_representations() if r.is_pending]

    def representation_of(self, user) -> "Representation | None":
        """`user`'s pending or of-record representation on this filing, if any."""
        return next((r for r in self.current_representations() if r.attorney_id == user.pk), None)

    # --- transitions ------------------------------------------------------------------
    @transition(
        field=state, source=[FilingState.DRAFT, FilingState.AWAITING_SIGNATURE], target=FilingState.AWAITING_SIGNATURE
    )
    def send_for_signature(self):
        self.touch()

    @transition(field=state, source=OPEN_STATES, target=FilingState.SIGNED)
    def sign(self):
        self.touch()

    @transition(field=state, source=OPEN_STATES, target=FilingState.DRAFT)
    def return_to_draft(self):
        """Content or representation changed: what was signed no longer stands."""
        self.touch()

    # what `submit` changes, all a submission saves
    SUBMISSION_FIELDS = ("state", "submitted_by", "submitted_at", "filing_date", "serial_number", "fee", "updated_at")

    @transition(field=state, source=FilingState.SIGNED, target=FilingState.SUBMITTED)
    def submit(self, *, by, serial_number: str, fee: int):
        now = clock.now()
        self.submitted_by = by
        self.submitted_at = now
        self.filing_date = now.date()
        self.serial_number = serial_number
        self.fee = fee
        self.updated_at = now

    @transition(field=state, source=OPEN_STATES, target=FilingState.WITHDRAWN)
    def withdraw(self):
        self.touch()

    # R23: office sanctions, run only through applications/sanctions.py
    @transition(field=state, source=SANCTIONABLE_STATES, target=FilingState.SUSPENDED)
    def suspend_for_review(self):
        self.state_before_suspension = self.state
        self.touch()

    @transition(field=state, source=FilingState.SUSPENDED, target=RETURN_VALUE(*SANCTIONABLE_STATES))
    def reinstate_after_review(self):
        previous = self.state_before_suspension or FilingState.DRAFT
        self.state_before_suspension = ""
        self.touch()
        return previous

    @transition(field=state, source=[*SANCTIONABLE_STATES, FilingState.SUSPENDED], target=FilingState.TERMINATED)
    def terminate(self):
        self.touch()

    # R21, R22: prosecution, run only through applications/prosecution.py
    @transition(field=state, source=EXAMINABLE_STATES, target=FilingState.OFFICE_ACTION)
    def receive_office_action(self):
        self.touch()

    @transition(field=state, source=FilingState.OFFICE_ACTION, target=FilingState.UNDER_EXAMINATION)
    def answer_office_action(self):
        self.touch()

    @transition(field=state, source=[FilingState.OFFICE_ACTION, FilingState.ALLOWED], target=FilingState.ABANDONED)
    def abandon(self, *, notice_on):
        self.abandoned_from = self.state
        self.abandoned_on = notice_on
        self.touch()

    @transition(
        field=state,
        source=FilingState.ABANDONED,
        target=RETURN_VALUE(FilingState.UNDER_EXAMINATION, FilingState.ALLOWED),
    )
    def revive(self):
        """Back to examination with the response the petition included, or to allowance."""
        was_allowed = self.abandoned_from == FilingState.ALLOWED
        self.abandoned_from = ""
        self.touch()
        return FilingState.ALLOWED if was_allowed else FilingState.UNDER_EXAMINATION

    @transition(field=state, source=EXAMINABLE_STATES, target=FilingState.PUBLISHED)
    def publish(self, *, on):
        self.published_on = on
        self.touch()

    @transition(field=state, source=FilingState.PUBLISHED, target=FilingState.OPPOSED)
    def oppose(self):
        self.touch()

    @transition(field=state, source=FilingState.OPPOSED, target=FilingState.REFUSED)
    def refuse_after_opposition(self):
        self.touch()

    @transition(field=state, source=FilingState.OPPOSED, target=FilingState.PUBLISHED)
    def dismiss_opposition(self):
        self.touch()

    @transition(field=state, source=FilingState.PUBLISHED, target=FilingState.ALLOWED)
    def allow(self, *, on):
        self.allowed_on = on
        self.touch()

    @transition(field=state, source=[FilingState.PUBLISHED, FilingState.ALLOWED], target=FilingState.REGISTERED)
    def register(self, *, number: str, on):
        self.registration_number = number
        self.registered_on = on
        self.touch()


class RepresentationState(models.TextChoices):
    PENDING = "pending", gettext_noop("Waiting for the attorney to accept")
    OF_RECORD = "of_record", gettext_noop("Attorney of record")
    DECLINED = "declined", gettext_noop("Declined by the attorney")
    WITHDRAWN = "withdrawn", gettext_noop("Withdrawn by the attorney")
    REVOKED = "revoked", gettext_noop("Revoked by the applicant")


CURRENT_REPRESENTATION_STATES = [RepresentationState.PENDING, RepresentationState.OF_RECORD]


class Representation(ConcurrentTransitionMixin, models.Model):
    """An attorney's standing on one filing (R24): of record only by the attorney's own act
    (filing it, through staff they sponsor, or accepting); named by anyone else it is
    pending. Ended rows stay: they are the filing's history of representation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="representations")
    # indexed as the first column of Meta.indexes
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations", db_index=False
    )
    state = FSMField(
        max_length=20, choices=RepresentationState.choices, default=RepresentationState.PENDING, protected=True
    )
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(default=clock.now)
    # when the attorney's own act made it of record; when it ended (declined, withdrawn, revoked)
    of_record_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["named_at", "pk"]
        constraints = [
            # an attorney stands on a filing once at a time; ended rows are history
            models.UniqueConstraint(
                fields=["application", "attorney"],
                condition=Q(state__in=CURRENT_REPRESENTATION_STATES),
                name="one_current_representation_per_attorney",
            )
        ]
        indexes = [models.Index(fields=["attorney", "state"])]

    def __str__(self):
        return f"{self.attorney} on filing {self.application_id} ({self.state})"

    @property
    def is_of_record(self) -> bool:
        return self.state == RepresentationState.OF_RECORD

    @property
    def is_pending(self) -> bool:
        return self.state == RepresentationState.PENDING

    @transition(field=state, source=RepresentationState.PENDING, target=RepresentationState.OF_RECORD)
    def accept(self):
        """The attorney's own act: naming themselves, through staff they sponsor, or accepting."""
        self.of_record_at = clock.now()

    @transition(field=state, source=RepresentationState.PENDING, target=RepresentationState.DECLINED)
    def decline(self):
        self.ended_at = clock.now()

    @transition(field=state, source=RepresentationState.OF_RECORD, target=RepresentationState.WITHDRAWN)
    def withdraw(self):
        self.ended_at = clock.now()

    @transition(field=state, source=CURRENT_REPRESENTATION_STATES, target=RepresentationState.REVOKED)
    def revoke(self):
        self.ended_at = clock.now()


def filings_where(state: str, **attorneys) -> Q:
    """Filings on which the attorney (`attorney=`) or one of them (`attorney__in=`) stands
    in `state`: a subquery rather than a join, so that in an OR each branch can use its
    own index."""
    return Q(pk__in=Representation.objects.filter(state=state, **attorneys).values("application"))


@functools.cache
def _current_representations():
    # built once: every locked read and every page asks for it, and building its filter
    # cost a fifth of a millisecond each time; each use takes a clone (`.all()`)
    return Representation.objects.filter(state__in=CURRENT_REPRESENTATION_STATES).select_related("attorney")


def with_current_representations() -> Prefetch:
    """How a filing's pending and of-record representations are read with it, each with
    its attorney (`Application.current_representations`); ended ones are history, left
    unread. Further lookups go through it (`"representations__attorney__bar_admissions"`)."""
    return Prefetch("representations", queryset=_current_representations().all())


class GoodsEntry(models.Model):
    """One goods or services entry in a Nice class; from the ID Manual or free-form text."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="goods")
    nice_class = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    id_manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["nice_class", "pk"]


class Flag(models.Model):
    """A warning raised on a filing (R13, R18, R20, R23); never blocks, never removed."""

    # indexed as the first column of one_flag_per_code
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags", db_index=False)
    code = models.CharField(max_length=40)
    raised_at = models.DateTimeField(default=clock.now)
    detail = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "code"], name="one_flag_per_code")]
        indexes = [models.Index(fields=["code"])]


class SignatureMethod(models.TextChoices):
    FORM = "form", gettext_noop("Signed in the form")
    LINK = "link", gettext_noop("Signed through the emailed link")
    UPLOAD = "upload", gettext_noop("Pen-and-ink page uploaded")


class Signature(models.Model):
    """An electronic signature (R12-R15): entered by the signer personally.

    The signer is a person, not necessarily an account (R14: 37 CFR 2.193(e)(1)): their
    name and email, and their account when they signed in the form or an account held
    their address when they signed through a link."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    signer_name = models.CharField(max_length=200)
    signer_email = models.EmailField()  # normalised (accounts.models.normal_email)
    text = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=100)
    signed_on = models.DateField()
    method = models.CharField(max_length=10, choices=SignatureMethod.choices)
    upload_name = models.CharField(max_length=100, blank=True)
    upload_content_type = models.CharField(max_length=50, blank=True)
    # R15: the signer confirmed the uploaded pen-and-ink page shows the declaration text.
    upload_shows_declaration = models.BooleanField(default=False)
    declaration_accepted = models.BooleanField(default=False)
    # Set when the filing changed after signing; the signature no longer counts.
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_on", "pk"]
        constraints = [email_is_normal("signature_signer_email_is_normal", "signer_email")]


class SignatureLink(models.Model):
    """A single-use, expiring signing link. Only a hash of the token is stored.

    It names the person asked to sign as the requester typed them, name and email: no
    account is looked up when it is sent, and none is needed to sign (R8, R9, R14)."""

    # indexed as the first column of Meta.indexes
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="signature_links", db_index=False
    )
    signer_name = models.CharField(max_length=200)
    signer_email = models.EmailField()  # normalised (accounts.models.normal_email)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="one_link_per_token"),
            email_is_normal("link_signer_email_is_normal", "signer_email"),
        ]
        indexes = [models.Index(fields=["application", "signer_email"])]

    def is_usable(self, now=None) -> bool:
        now = now or clock.now()
        return self.used_at is None and self.revoked_at is None and now <= self.expires_at


def applicant_key(name: str) -> str:
    """Applicants are told apart by name, whatever its case or surrounding spaces."""
    return " ".join(name.split()).casefold()


class SubmitterApplicant(models.Model):
    """The last time an account submitted a filing for an applicant (by `applicant_key`).

    Derived from submitted filings and kept with each submission, so that "more than 20
    distinct applicants in the last 30 days" (`high_volume_filer`) reads at most 21 index
    entries, however many filings the account submits.
    """

    # indexed as the first column of Meta.indexes
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    applicant_key = models.CharField(max_length=200)
    last_submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submitter", "applicant_key"], name="one_row_per_submitter_applicant")
        ]
        indexes = [models.Index(fields=["submitter", "last_submitted_at"])]


class SerialCounter(models.Model):
    """The last number issued of a sequence, locked per use so none is given twice: row 1
    serial numbers, row 2 registration numbers (R22)."""

    last = models.PositiveIntegerField(default=97_000_000)


class Receipt(models.Model):
    """The submitted filing as canonical JSON, signed with the office's Ed25519 key: one
    signature over the SHA-256 digest of each field (`applications.receipts`)."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="receipt")
    payload = models.JSONField()
    signature = models.CharField(max_length=100)
    field_digests = models.JSONField(null=True)
    # receipts issued before field digests: each field signed on its own
    field_signatures = models.JSONField(null=True)
    created_at = models.DateTimeField()


class SanctionOrder(models.Model):
    """R23: the office's written order suspending, reinstating or terminating a filing."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", gettext_noop("Suspension pending administrative review")
        REINSTATEMENT = "reinstatement", gettext_noop("Reinstatement after review")
        TERMINATION = "termination", gettext_noop("Termination")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="sanction_orders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self):
        return f"Order {self.pk}: {self.get_kind_display()}"


# --- prosecution (R21, R22) ----------------------------------------------------------------
class OfficeAction(models.Model):
    """An examining attorney's letter: its text, and the response period it opens."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="office_actions")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    text = models.TextField()
    final = models.BooleanField(default=False)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_on", "pk"]


class DeadlineKind(models.TextChoices):
    RESPONSE = "response", gettext_noop("Response to the office action")
    REVIVAL = "revival", gettext_noop("Petition to revive")
    OPPOSITION = "opposition", gettext_noop("End of the opposition period")
    STATEMENT_OF_USE = "statement_of_use", gettext_noop("Statement of use")


class DeadlineOutcome(models.TextChoices):
    MET = "met", gettext_noop("Met")
    LAPSED = "lapsed", gettext_noop("Passed")


class Deadline(models.Model):
    """A period running on a filing (R21, R22), as data: what it is for, the action or
    notice it counts from, the extensions used and the day it ends (moved under 37 CFR
    2.196 where it moves). A filing has at most one open deadline at a time; it closes
    once, met or lapsed, and `process_deadlines` acts only on open ones."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    counts_from = models.DateField(help_text="The issue date of the action or notice it belongs to.")
    office_action = models.ForeignKey(
        OfficeAction, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    extensions_used = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    opened_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=DeadlineOutcome.choices, blank=True)
    # reminders (30 and 7 days before), each sent once
    reminded_30_at = models.DateTimeField(null=True, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(closed_at__isnull=True), name="one_open_deadline_per_filing"
            )
        ]
        indexes = [models.Index(fields=["due_on"], condition=Q(closed_at__isnull=True), name="open_deadlines_by_day")]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_on} (filing {self.application_id})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FormKind(models.TextChoices):
    RESPONSE = "response", gettext_noop("Response to an office action")
    RESPONSE_EXTENSION = "response_extension", gettext_noop("Request for an extension of time to respond")
    REVIVAL = "revival", gettext_noop("Petition to revive")
    STATEMENT_OF_USE = "statement_of_use", gettext_noop("Statement of use")
    SOU_EXTENSION = "sou_extension", gettext_noop("Request for an extension of time to file a statement of use")
    OPPOSITION = "opposition", gettext_noop("Notice of opposition")


class LaterForm(models.Model):
    """A form filed after submission (R21, R22): signed in the form by a signatory (R14),
    except a notice of opposition, which a third party files unsigned here. Its fee is the
    one of 37 CFR 2.6 on the day it was filed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="later_forms")
    kind = models.CharField(max_length=20, choices=FormKind.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    deadline = models.ForeignKey(Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="forms")
    signer_name = models.CharField(max_length=200, blank=True)
    signature = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=100, blank=True)
    fee = models.PositiveIntegerField(default=0)
    first_use = models.DateField(null=True, blank=True)
    specimen = models.BooleanField(default=False)
    # the specimen's scan when one was uploaded (tmverify.uploads: private, type by content)
    specimen_upload = models.CharField(max_length=100, blank=True)
    specimen_content_type = models.CharField(max_length=50, blank=True)
    text = models.TextField(blank=True)
    # a notice of opposition: the supervisor's decision
    decision = models.CharField(max_length=10, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # the receipt (applications.receipts), signed like the application's
    receipt_payload = models.JSONField(null=True, blank=True)
    receipt_signature = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on filing {self.application_id}"
