"""Review console pages for filings (tmverify/console.py); sanctions run in sanctions.py."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from tmverify.console import ConsoleAction, ConsoleModelAdmin, admin_link, site

from . import sanctions
from .models import Application


@admin.register(Application, site=site)
class FilingAdmin(ConsoleModelAdmin):
    fsm_fields = ["state"]
    list_display = ["mark", "serial_number", "state", "applicant", "created_by", "attorney", "flag_codes", "created_at"]
    list_filter = ["state", "flags__code"]
    list_select_related = ["applicant", "created_by", "attorney"]
    search_fields = ["mark", "serial_number", "applicant__name", "created_by__email", "attorney__email"]
    fieldsets = [
        ("Filing", {"fields": ["mark", "basis", "serial_number", "filing_date", "fee", "state"]}),
        ("People", {"fields": ["applicant_details", "attorney_link", "created_by_link", "submitted_by_link"]}),
        ("Contents", {"fields": ["goods_list", "signature_list", "flag_list"]}),
        ("Sanctions (R23)", {"fields": ["state_before_suspension", "orders"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]
    readonly_fields = [
        "applicant_details",
        "attorney_link",
        "created_by_link",
        "submitted_by_link",
        "goods_list",
        "signature_list",
        "flag_list",
        "orders",
        "audit_trail",
    ]
    console_actions = {
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
        return super().get_queryset(request).prefetch_related("flags")

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

    @admin.display(description="Attorney of record")
    def attorney_link(self, filing):
        return admin_link(filing.attorney)

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
                    s.signer.full_name,
                    s.title,
                    s.get_method_display(),
                    s.signed_on,
                    " — superseded" if s.superseded_at else "",
                )
                for s in filing.signatures.select_related("signer")
            ),
        )

    @admin.display(description="Flags")
    def flag_list(self, filing):
        return format_html_join(
            "",
            "<div><strong>{}</strong> raised {} {}</div>",
            ((f.code, f.raised_at.strftime("%Y-%m-%d"), f.detail) for f in filing.flags.all()),
        )

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
