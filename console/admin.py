"""The review console's pages: accounts and paper verifications, then filings.

Each page is a ConsoleModelAdmin on the console's own site (site.py); every action calls
one service of accounts or applications (sanctions run in applications/sanctions.py).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts import second_factor, services
from accounts.evidence import open_document
from accounts.models import IdentityState, PaperVerification, User
from applications import prosecution, sanctions
from applications.models import Application, Representation, with_current_representations
from tmverify import audit
from tmverify.crypto import DecryptionError
from tmverify.document_numbers import fold, masked
from tmverify.uploads import open_upload

from .site import ConsoleAction, ConsoleModelAdmin, admin_link, audit_table, site


@admin.register(User, site=site)
class AccountAdmin(ConsoleModelAdmin):
    fsm_fields = ["identity_state"]
    list_display = ["full_name", "email", "role", "identity_state", "hold_trigger_link", "held_at", "date_joined"]
    list_filter = ["identity_state", "role"]
    list_select_related = ["duplicate_of"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        ("Account", {"fields": ["email", "first_name", "last_name", "role", "country", "date_joined", "is_active"]}),
        (
            "Identity",
            {
                "fields": [
                    "identity_state",
                    "identity_method",
                    "verified_at",
                    "state_before_suspension",
                    "idv_locked_until",
                    "held_at",
                    "hold_trigger",
                ]
            },
        ),
        ("Second factor at sign-in", {"fields": ["second_factors"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]
    readonly_fields = ["hold_trigger", "second_factors", "audit_trail"]
    console_actions = {
        "hold_for_review": ConsoleAction(
            "Put on fraud hold",
            "review_fraud",
            lambda officer, user, note: services.place_fraud_hold(officer, user, note=note),
            "Account put on fraud hold: it cannot file until the hold is lifted.",
        ),
        "pass_fraud_review": ConsoleAction(
            "Pass fraud review (lift the hold)",
            "review_fraud",
            lambda officer, user, note: services.review_fraud_hold(officer, user, passed=True, note=note),
            "Hold lifted, fraud review passed: the account is verified.",
        ),
        "reject_for_fraud": ConsoleAction(
            "Reject for fraud",
            "review_fraud",
            lambda officer, user, note: services.review_fraud_hold(officer, user, passed=False, note=note),
            "Rejected for fraud: only office staff can reopen it.",
        ),
        "reopen_identity": ConsoleAction(
            "Reopen rejected identity",
            "review_fraud",
            lambda officer, user, note: services.reopen_rejected_identity(officer, user, note=note),
            "Identity reopened: the account may verify again.",
        ),
        "suspend": ConsoleAction(
            "Suspend account",
            "suspend_account",
            lambda officer, user, note: services.suspend_account(officer, user, note=note),
            "Account suspended: it cannot sign in or file, and its sessions have ended.",
        ),
        "reinstate": ConsoleAction(
            "Reinstate account",
            "suspend_account",
            lambda officer, user, note: services.reinstate_account(officer, user, note=note),
            "Account reinstated.",
        ),
    }

    # not a transition of the identity state: its own page, through the same form and run
    second_factor_reset = ConsoleAction(
        "Remove lost second factor",
        "suspend_account",
        lambda officer, user, note: second_factor.reset_second_factor(officer, user, note=note),
        "Second factor removed: the account's sessions have ended, and it enrols again at its next sign-in.",
    )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/second-factor/reset/",
                self.admin_site.admin_view(self.reset_second_factor_view),
                name="accounts_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def reset_second_factor_view(self, request, object_id):
        return self.console_action_view(request, object_id, self.second_factor_reset)

    @admin.display(description="Second factors")
    def second_factors(self, user):
        found = second_factor.factors(user)
        listed = format_html_join(", ", "{} ({})", ((f.name, f.kind.replace("_", " ")) for f in found)) or "none"
        if not found:
            return listed
        url = reverse("admin:accounts_user_reset_second_factor", args=[user.pk], current_app=self.admin_site.name)
        return format_html(
            '{}; {} recovery code(s) left. <a class="console-action" href="{}">Remove lost second factor</a>',
            listed,
            second_factor.recovery_codes_left(user),
            url,
        )

    def get_ordering(self, request):
        # the fraud-hold queue reads oldest hold first
        if request.GET.get("identity_state__exact") == IdentityState.FRAUD_HOLD:
            return ["held_at", "pk"]
        return ["-date_joined", "-pk"]

    @admin.display(description="Hold triggered by")
    def hold_trigger_link(self, user):
        return admin_link(user.duplicate_of) if user.duplicate_of_id else ""

    @admin.display(description="What triggered the hold")
    def hold_trigger(self, user):
        if not user.duplicate_of_id:
            return "—"
        other = user.duplicate_of
        sharing = []
        if user.document_fingerprint:
            sharing = User.objects.filter(document_fingerprint=user.document_fingerprint).exclude(pk=user.pk)
        return format_html(
            "The government ID presented here is already behind the verified account {} "
            "({}, verified {} by {}). Accounts presenting the same document: {}.",
            admin_link(other),
            other.get_identity_state_display(),
            other.verified_at.strftime("%Y-%m-%d") if other.verified_at else "—",
            other.identity_method or "—",
            format_html_join(", ", "{}", ((admin_link(u),) for u in sharing)) or "none other",
        )


class PaperQueueFilter(admin.SimpleListFilter):
    """The work queue opens on pending forms; decided ones are one click away."""

    title = "status"
    parameter_name = "status"
    default = PaperVerification.State.PENDING

    def lookups(self, request, model_admin):
        return [*PaperVerification.State.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == "all" else queryset.filter(state=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(PaperVerification, site=site)
class PaperVerificationAdmin(ConsoleModelAdmin):
    fsm_fields = ["state"]
    list_display = ["filed_at", "applicant_link", "applicant_email", "role", "document_country", "state", "scan_link"]
    list_filter = [PaperQueueFilter]
    list_select_related = ["user"]
    ordering = ["filed_at", "pk"]
    search_fields = ["user__email", "user__last_name"]
    fieldsets = [
        ("Applicant", {"fields": ["applicant_link", "applicant_details"]}),
        ("Notarized form", {"fields": ["role", "document_country", "filed_at", "typed_number", "scan_panel"]}),
        ("Decision", {"fields": ["state", "reviewed_by", "reviewed_at", "review_reason"]}),
        ("Audit trail", {"fields": ["audit_trail", "applicant_audit_trail"]}),
    ]
    readonly_fields = [
        "applicant_link",
        "applicant_details",
        "typed_number",
        "scan_panel",
        "audit_trail",
        "applicant_audit_trail",
    ]
    console_actions = {
        "approve": ConsoleAction(
            "Approve",
            "review_paper",
            lambda officer, paper, note: services.review_paper_verification(officer, paper, approve=True, note=note),
            "Paper verification approved: the account is verified.",
        ),
        "reject": ConsoleAction(
            "Reject",
            "review_paper",
            lambda officer, paper, note: services.review_paper_verification(officer, paper, approve=False, note=note),
            "Paper verification rejected: the account may try again.",
        ),
    }

    def get_urls(self):
        return [
            path(
                "<path:object_id>/scan/",
                self.admin_site.admin_view(self.scan_view),
                name="accounts_paperverification_scan",
            ),
            *super().get_urls(),
        ]

    def scan_view(self, request, object_id):
        """The uploaded scan, only through this view: the file has no public URL."""
        paper = self.get_object(request, unquote(object_id))
        if paper is None or not paper.scan_name:
            raise Http404
        try:
            scan = open_upload(paper.scan_name)
        except FileNotFoundError as exc:
            raise Http404 from exc
        suffix = paper.scan_name.rsplit(".", 1)[-1]
        # an attachment: never rendered as a page of this site, whatever a reader makes of it
        return FileResponse(
            scan, content_type=paper.scan_content_type, as_attachment=True, filename=f"paper-{paper.pk}.{suffix}"
        )

    def _scan_url(self, paper):
        return reverse("admin:accounts_paperverification_scan", args=[paper.pk], current_app=self.admin_site.name)

    @admin.display(description="Applicant")
    def applicant_link(self, paper):
        return admin_link(paper.user, paper.user.full_name)

    @admin.display(description="Email")
    def applicant_email(self, paper):
        return paper.user.email

    @admin.display(description="Details")
    def applicant_details(self, paper):
        user = paper.user
        return format_html(
            "{} &lt;{}&gt;, country {}, account role {}, identity {}, account opened {}",
            user.full_name,
            user.email,
            user.country,
            user.get_role_display() or "none",
            user.get_identity_state_display(),
            user.date_joined.strftime("%Y-%m-%d"),
        )

    @admin.display(description="Scan")
    def scan_link(self, paper):
        if not paper.scan_name:
            return "none"
        return format_html('<a href="{}">open</a>', self._scan_url(paper))

    @admin.display(description="Document number typed")
    def typed_number(self, paper):
        """The number as the applicant typed it, all but its last four hidden, to compare
        with the scan; and what it reads as when look-alike characters were folded."""
        try:
            _, number = open_document(paper.user_id, paper.document_ciphertext)
        except DecryptionError:
            return "The stored number cannot be decrypted with the configured keys."
        typed = masked(number)
        normal = fold(number)[0]
        if normal == number.strip():
            return format_html("<code>{}</code> (compare with the number on the scan)", typed)
        return format_html(
            "<code>{}</code>, read as <code>{}</code> once spaces, dashes and look-alike characters "
            "are folded (compare with the number on the scan)",
            typed,
            masked(normal),
        )

    @admin.display(description="Uploaded scan")
    def scan_panel(self, paper):
        if not paper.scan_name:
            return "No scan was uploaded."
        url = self._scan_url(paper)
        if paper.scan_content_type.startswith("image/"):
            return format_html('<a href="{0}"><img src="{0}" alt="notarized form scan" class="console-scan"></a>', url)
        return format_html('<a href="{}">Open the scan ({})</a>', url, paper.scan_content_type)

    @admin.display(description="Applicant's audit trail")
    def applicant_audit_trail(self, paper):
        return audit_table(audit.trail(paper.user).order_by("seq"))

    @admin.display(description="Audit trail of this review")
    def audit_trail(self, paper):
        # the form's own events and the account's that it caused: filed, verified or held,
        # rejected (issue 22: the review's trail said "No events" beside them)
        return audit_table(audit.trail_of_cause(paper, paper.user, "paper").order_by("seq"))


# --- filings ---------------------------------------------------------------------------
@admin.register(Application, site=site)
class FilingAdmin(ConsoleModelAdmin):
    fsm_fields = ["state"]
    list_display = [
        "mark",
        "serial_number",
        "state",
        "applicant",
        "created_by",
        "attorney_names",
        "flag_codes",
        "created_at",
    ]
    list_filter = ["state", "flags__code"]
    list_select_related = ["applicant", "created_by"]
    # any attorney ever named on it (R24: its history stays)
    search_fields = [
        "mark",
        "serial_number",
        "applicant__name",
        "created_by__email",
        "representations__attorney__email",
    ]
    fieldsets = [
        ("Filing", {"fields": ["mark", "basis", "serial_number", "filing_date", "fee", "state"]}),
        ("People", {"fields": ["applicant_details", "created_by_link", "submitted_by_link"]}),
        ("Representation", {"fields": ["representation_history"]}),
        ("Contents", {"fields": ["goods_list", "signature_list", "flag_list"]}),
        ("Prosecution", {"fields": ["prosecution_record"]}),
        ("Sanctions", {"fields": ["state_before_suspension", "orders"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]
    readonly_fields = [
        "applicant_details",
        "representation_history",
        "created_by_link",
        "submitted_by_link",
        "goods_list",
        "signature_list",
        "flag_list",
        "orders",
        "prosecution_record",
        "audit_trail",
    ]
    console_actions = {
        # R21, R22: the examining office's steps; the note is the action's text or the reason
        "receive_office_action": ConsoleAction(
            "Issue an office action",
            "examine_filing",
            lambda officer, filing, note: prosecution.issue_office_action(officer, filing, text=note),
            "Office action issued; the response period is open.",
            note_label="Text of the office action",
        ),
        "publish": ConsoleAction(
            "Approve for publication",
            "examine_filing",
            lambda officer, filing, note: prosecution.approve_for_publication(officer, filing, note=note),
            "Approved for publication; the 30-day opposition period is open.",
        ),
        "refuse_after_opposition": ConsoleAction(
            "Sustain the opposition (refuse the filing)",
            "decide_opposition",
            lambda officer, filing, note: prosecution.decide_opposition(officer, filing, sustained=True, note=note),
            "Opposition sustained; the filing is refused.",
        ),
        "dismiss_opposition": ConsoleAction(
            "Dismiss the opposition",
            "decide_opposition",
            lambda officer, filing, note: prosecution.decide_opposition(officer, filing, sustained=False, note=note),
            "Opposition dismissed; the filing goes on when the opposition period ends (at once if it has).",
        ),
        "suspend_for_review": ConsoleAction(
            "Suspend pending administrative review",
            "sanction_filing",
            lambda officer, filing, note: sanctions.suspend_filing(officer, filing, note=note),
            "Filing suspended pending administrative review; the applicant and attorney are notified.",
        ),
        "reinstate_after_review": ConsoleAction(
            "Reinstate after review",
            "sanction_filing",
            lambda officer, filing, note: sanctions.reinstate_filing(officer, filing, note=note),
            "Filing reinstated to where it was; the applicant and attorney are notified.",
        ),
        "terminate": ConsoleAction(
            "Terminate (sanction order)",
            "sanction_filing",
            lambda officer, filing, note: sanctions.terminate_filing(officer, filing, note=note),
            "Filing terminated by sanction order; the applicant and attorney are notified.",
        ),
    }

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("flags", with_current_representations())

    @admin.display(description="Flags")
    def flag_codes(self, filing):
        return ", ".join(sorted(f.code for f in filing.flags.all()))

    @admin.display(description="Applicant")
    def applicant_details(self, filing):
        a = filing.applicant
        if a is None:
            return "—"
        address = ", ".join(
            p for p in [a.domicile_street, a.domicile_city, a.domicile_region, a.domicile_postal_code] if p
        )
        return format_html(
            "{} ({}, {}), {}; domicile: {} {}",
            a.name or "(unnamed)",
            a.get_entity_display() or "entity not given",
            a.citizenship or "citizenship not given",
            a.email or "no email",
            address or "none",
            a.domicile_country,
        )

    @admin.display(description="Attorneys of record")
    def attorney_names(self, filing):
        return ", ".join(attorney.full_name for attorney in filing.attorneys_of_record()) or "—"

    @admin.display(description="Attorneys named, in order (pending ones satisfy no rule)")
    def representation_history(self, filing):
        # every row, ended ones too: not `filing.representations`, which keeps the filter
        # of the current ones the list page prefetches
        rows = Representation.objects.filter(application=filing).select_related("attorney", "named_by")
        return (
            format_html_join(
                "",
                "<div>{}: {}, named by {} on {}{}{}</div>",
                (
                    (
                        admin_link(r.attorney),
                        r.get_state_display(),
                        r.named_by.full_name,
                        r.named_at.strftime("%Y-%m-%d"),
                        f"; of record from {r.of_record_at:%Y-%m-%d}" if r.of_record_at else "",
                        f"; ended {r.ended_at:%Y-%m-%d}" if r.ended_at else "",
                    )
                    for r in rows
                ),
            )
            or "—"
        )

    @admin.display(description="Created by")
    def created_by_link(self, filing):
        return admin_link(filing.created_by)

    @admin.display(description="Submitted by")
    def submitted_by_link(self, filing):
        return admin_link(filing.submitted_by)

    @admin.display(description="Goods and services")
    def goods_list(self, filing):
        return format_html_join(
            "",
            "<div>Class {}: {}{}</div>",
            ((g.nice_class or "?", g.text, " (ID Manual)" if g.id_manual else "") for g in filing.goods.all()),
        )

    @admin.display(description="Signatures")
    def signature_list(self, filing):
        return format_html_join(
            "",
            "<div>{} {} ({}), {} on {}{}</div>",
            (
                (
                    s.text or "(pen and ink)",
                    s.signer_name,
                    s.title,
                    s.get_method_display(),
                    s.signed_on,
                    " — superseded" if s.superseded_at else "",
                )
                for s in filing.signatures.all()
            ),
        )

    @admin.display(description="Flags")
    def flag_list(self, filing):
        return format_html_join(
            "",
            "<div><strong>{}</strong> raised {} {}</div>",
            ((f.code, f.raised_at.strftime("%Y-%m-%d"), f.detail) for f in filing.flags.all()),
        )

    @admin.display(description="Office actions, deadlines and later forms")
    def prosecution_record(self, filing):
        actions = format_html_join(
            "",
            "<div>Office action {} ({}): {}</div>",
            ((a.issued_on, "final" if a.final else "non-final", a.text) for a in filing.office_actions.all()),
        )
        deadlines = format_html_join(
            "",
            "<div>{} due {} ({} extension(s)) {}</div>",
            (
                (d.get_kind_display(), d.due_on, d.extensions_used, d.get_outcome_display() or "open")
                for d in filing.deadlines.order_by("opened_at", "pk")
            ),
        )
        forms = format_html_join(
            "",
            "<div>{} filed {} by {}, ${}</div>",
            (
                (f.get_kind_display(), f.filed_at.strftime("%Y-%m-%d"), f.filed_by.email, f.fee)
                for f in filing.later_forms.select_related("filed_by")
            ),
        )
        return actions + deadlines + forms or "—"

    @admin.display(description="Sanction orders")
    def orders(self, filing):
        return format_html_join(
            "",
            "<div>Order {}: {} on {} by {}. Reason: {}</div>",
            (
                (o.pk, o.get_kind_display(), o.issued_at.strftime("%Y-%m-%d"), o.issued_by.email, o.reason)
                for o in filing.sanction_orders.select_related("issued_by")
            ),
        )
