"""The review console for office staff: an AdminSite of its own at /console/.

Only members of the `examiner` and `supervisor` groups get in. Nothing changes state in
the admin itself: the console's models are view-only, their protected FSM fields
read-only, and every action is a `ConsoleAction` that calls one service with the
officer's reason. Refusals come back as admin error messages.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from django_fsm.admin import FSMAdminMixin

from accounts.models import IdentityState, PaperVerification, User
from accounts.office import OFFICE_GROUPS
from applications import fraud_signals
from applications.models import Application, FilingState
from applications.sanctions import suspend_account_and_filings
from tmverify import audit
from tmverify.reasons import Refused


def console_groups(user) -> set[str]:
    """The office groups `user` belongs to (cached on the instance for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "office_groups_of_request", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=OFFICE_GROUPS).values_list("name", flat=True))
        user.office_groups_of_request = cached
    return cached


def is_console_user(user) -> bool:
    return bool(user.is_active and not user.is_suspended and console_groups(user))


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required. Kept in the audit trail (and named in any order sent).",
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError("Give the reason for this decision.")
        return note


class SignalActForm(NoteForm):
    account = forms.IntegerField(widget=forms.HiddenInput)


def report_refusal(request, exc: Refused) -> None:
    for r in exc.reasons:
        messages.error(request, f"Refused ({r.code}): {r.message}")


@dataclass(frozen=True)
class ConsoleAction:
    """One console decision: the FSM transition it stands for, and the service that runs it."""

    label: str
    permission: str
    run: Callable  # (officer, obj, note) -> anything; raises Refused
    done: str
    note_label: str = "Reason"  # what the note is: a reason, or an office action's text


class ConsoleSite(admin.AdminSite):
    site_header = "Trademark office review console"
    site_title = "Review console"
    index_title = "Work queues"
    index_template = "console/index.html"
    enable_nav_sidebar = False

    def has_permission(self, request):
        return is_console_user(request.user)

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the login page; signed-in people who are not office
        staff get a 403 rather than a login form they can do nothing with."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if (
                request.user.is_authenticated
                and not self.has_permission(request)
                and request.path != reverse("admin:logout", current_app=self.name)
            ):
                # answered, not raised: Django logs a raised PermissionDenied with its
                # traceback, and a filer knocking on the console is one line ("Forbidden")
                return permission_denied(request, PermissionDenied())
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def get_urls(self):
        return [
            path("signals/", self.admin_view(self.signals_view), name="signals"),
            path("signals/<str:key>/", self.admin_view(self.signal_detail_view), name="signal_detail"),
            path("signals/<str:key>/act/", self.admin_view(self.signal_act_view), name="signal_act"),
            path("audit/", self.admin_view(self.audit_view), name="audit"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        queues = {
            "paper_pending": PaperVerification.objects.filter(state=PaperVerification.State.PENDING).count(),
            "fraud_holds": User.objects.filter(identity_state=IdentityState.FRAUD_HOLD).count(),
            "suspended_accounts": User.objects.filter(identity_state=IdentityState.SUSPENDED).count(),
            "suspended_filings": Application.objects.filter(state=FilingState.SUSPENDED).count(),
        }
        return super().index(request, {**(extra_context or {}), "queues": queues})

    # --- fraud signals (R23) -----------------------------------------------------------
    def _context(self, request, title, **extra):
        return {**self.each_context(request), "title": title, **extra}

    def signals_view(self, request):
        signals = fraud_signals.all_signals()
        return TemplateResponse(
            request, "console/signals.html", self._context(request, "Fraud signals", signals=signals)
        )

    def _spec(self, key):
        spec = fraud_signals.SIGNALS_BY_KEY.get(key)
        if spec is None:
            raise Http404("No such signal.")
        return spec

    def signal_detail_view(self, request, key):
        signal = fraud_signals.evaluate(self._spec(key), with_filings=True)
        context = self._context(
            request,
            signal.spec.title,
            signal=signal,
            form=NoteForm(),
            can_act=request.user.has_perm("accounts.suspend_account")
            and request.user.has_perm("accounts.sanction_filing"),
        )
        return TemplateResponse(request, "console/signal_detail.html", context)

    @method_decorator(require_POST)
    def signal_act_view(self, request, key):
        """R23: suspend the account of a signal row and its pending filings, in one step."""
        self._spec(key)
        form = SignalActForm(request.POST)
        back = reverse("admin:signal_detail", kwargs={"key": key}, current_app=self.name)
        if not form.is_valid():
            messages.error(request, "Give the reason for suspending the account and its filings.")
            return HttpResponseRedirect(back)
        account = get_object_or_404(User, pk=form.cleaned_data["account"])
        try:
            sweep = suspend_account_and_filings(request.user, account, note=form.cleaned_data["note"])
        except Refused as exc:
            report_refusal(request, exc)
        else:
            done = "suspended" if sweep.account_suspended else "already suspended"
            messages.success(
                request, f"{account} {done}; {len(sweep.filings_suspended)} pending filing(s) suspended for review."
            )
        return HttpResponseRedirect(back)

    # --- audit chain ---------------------------------------------------------------------
    def audit_view(self, request):
        report = audit.verify_chain()
        return TemplateResponse(request, "console/audit.html", self._context(request, "Audit chain", report=report))


site = ConsoleSite(name="console")


class ConsoleModelAdmin(FSMAdminMixin, admin.ModelAdmin):
    """View-only pages for office staff; decisions go through `console_actions`.

    FSMAdminMixin keeps the protected state fields read-only and provides the per-object
    transition URL; its view is replaced so that a transition runs the service, never
    the model method directly.
    """

    change_form_template = "console/change_form.html"
    console_actions: dict[str, ConsoleAction] = {}
    list_per_page = 50

    # office staff read everything in the console; nothing is added, edited or deleted here
    def has_module_permission(self, request):
        return is_console_user(request.user)

    def has_view_permission(self, request, obj=None):
        return is_console_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def is_fsm_transition_visible(self, transition):
        return transition.name in self.console_actions

    def available_actions(self, request, obj) -> list[tuple[str, ConsoleAction]]:
        """Console actions the state allows now and the officer's permissions cover."""
        if obj is None:
            return []
        names = {
            t.name
            for field in self.fsm_fields
            for t in getattr(obj, f"get_available_{field}_transitions")()
            if self.is_fsm_transition_visible(t)
        }
        return [
            (name, action)
            for name, action in self.console_actions.items()
            if name in names and request.user.has_perm(f"accounts.{action.permission}")
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {}), "console_actions": self.available_actions(request, obj)}
        return super().change_view(request, object_id, form_url, context)

    def _change_url(self, obj):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name
        )

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        action = self.console_actions.get(transition_name)
        if action is None:
            raise Http404
        return self.console_action_view(request, object_id, action)

    def console_action_view(self, request, object_id, action: ConsoleAction):
        """GET: the reason form. POST: one service call, a message, back to the object."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        form = NoteForm(request.POST if request.method == "POST" else None)
        form.fields["note"].label = action.note_label
        if request.method == "POST" and form.is_valid():
            try:
                action.run(request.user, obj, form.cleaned_data["note"])
            except Refused as exc:
                report_refusal(request, exc)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, action.done)
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{action.label}: {obj}",
            "opts": self.model._meta,
            "original": obj,
            "action": action,
            "form": form,
            "allowed": request.user.has_perm(f"accounts.{action.permission}"),
        }
        return TemplateResponse(request, "console/transition_form.html", context)

    # --- shared read-only panels --------------------------------------------------------
    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        return audit_table(audit.trail(obj).order_by("seq"))


def audit_table(events):
    rows = format_html_join(
        "",
        "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                e.seq,
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.action,
                e.actor_label or "(system)",
                f"{e.from_state} → {e.to_state}" if e.from_state or e.to_state else "",
                ", ".join(e.reasons),
                e.data.get("note", ""),
            )
            for e in events
        ),
    )
    if not rows:
        return "No events."
    return format_html(
        '<table class="console-audit"><thead><tr><th>Seq</th><th>At (UTC)</th><th>Action</th><th>By</th>'
        "<th>State</th><th>Reasons</th><th>Note</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def admin_link(obj, label=None):
    """A link to `obj`'s console page, or a dash."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=site.name)
    return format_html('<a href="{}">{}</a>', url, label or str(obj))
