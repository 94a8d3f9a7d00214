"""Pages for people: sign up, sign in, identity verification, bar admissions and
sponsorships. Each view: access, form, one service call, messages, redirect."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tmverify.reasons import Refused

from . import oidc, services
from .forms import (
    BarAdmissionForm,
    ChooseRoleForm,
    NewPasswordForm,
    PaperVerificationForm,
    PasswordResetRequestForm,
    PersonByEmailForm,
    SignInForm,
    SignUpForm,
    StartVerificationForm,
)
from .models import Method, Role, Sponsorship, User
from .web import add_validation_error, filer_only, show_refusal


def signup(request):
    """The same answer whatever the address (docs/DECISIONS.md 47): the person is sent to
    "check your email", not signed in; a new address gets its confirmation link, a taken
    one a mail to its owner."""
    if request.user.is_authenticated:
        return redirect("applications:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_up(
                email=data["email"],
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                password=data["password1"],
                country=data["country"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def confirm_email(request, token):
    """The link in the confirmation mail. Opening it changes nothing (mail scanners open
    links); the button on its page confirms."""
    if request.method == "POST":
        try:
            account = services.confirm_email(token)
        except ValidationError:
            account = None
        else:
            if account.identity_method == Method.PATENT:
                messages.success(
                    request,
                    _("Your email address is confirmed, and your verification on the patent side carries over."),
                )
            else:
                messages.success(request, _("Your email address is confirmed."))
            if request.user == account:
                return redirect("accounts:identity")
            return redirect(reverse("accounts:login") + "?next=" + reverse("accounts:identity"))
    else:
        account = services.account_to_confirm(token)
    if account is None:
        return render(request, "accounts/confirm_email_invalid.html", status=404)
    return render(request, "accounts/confirm_email.html", {"account": account})


@login_required
def resend_confirmation(request):
    """A new confirmation link for the signed-in account: it can only ask for its own, so
    the page tells no one anything about other addresses."""
    user = request.user
    if request.method == "POST":
        # when there is nothing to confirm (done, or an office account) the page says so
        if not user.has_confirmed_email and not user.is_office_staff():
            if services.resend_email_confirmation(user):
                messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})
            else:
                messages.warning(
                    request,
                    _(
                        "You asked for several links within the hour. Use the newest one you received, or try again later."
                    ),
                )
        return redirect("accounts:resend_confirmation")
    return render(request, "accounts/resend_confirmation.html")


def password_reset(request):
    """Ask for a link to choose a new password; the same answer whatever the address."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mail_password_reset(form.cleaned_data["email"])
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next`, a filer lands on their filings (LOGIN_REDIRECT_URL) and an
        office account on the review console, where its work is."""
        if self.request.user.is_authenticated and self.request.user.is_office_staff():
            return reverse("console:index")
        return super().get_default_redirect_url()


@require_POST
@login_required
def keepalive(request):
    """Any request renews the idle session; this one only answers."""
    if request.headers.get("Sec-Fetch-Mode") == "cors" or request.headers.get("Sec-Fetch-Dest") == "empty":
        return HttpResponse(status=204)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("applications:dashboard")
    return redirect(target)


# --- identity ---------------------------------------------------------------------------
@login_required
def identity(request):
    user = request.user
    context = {
        "start_form": StartVerificationForm(initial={"role": user.role or None}),
        "role_form": ChooseRoleForm(),
        "paper": services.pending_paper_for(user),
    }
    return render(request, "accounts/identity.html", context)


@require_POST
@login_required
@filer_only("accounts:identity")
def start_verification(request):
    form = StartVerificationForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/identity.html", {"start_form": form, "role_form": ChooseRoleForm()}, status=400
        )
    role, method = form.cleaned_data["role"], form.cleaned_data["method"]
    if method == Method.PAPER:
        return redirect(reverse("accounts:paper") + f"?role={role}")
    try:
        authorization_url = oidc.start(request.user, method=method, role=role)
    except Refused as refused:
        show_refusal(request, refused)
        return redirect("accounts:identity")
    # to the provider's authorization endpoint (OpenID Connect); state, nonce and the
    # PKCE challenge are in the URL, the verifier that alone redeems the code is not
    return redirect(authorization_url)


@require_GET
@login_required
@filer_only("accounts:identity")
def verification_callback(request):
    """The provider sends the person back here with the request's state and a code (or
    an error); the code is redeemed and the ID token checked (accounts/oidc.py)."""
    try:
        oidc.finish(
            request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            issuer=request.GET.get("iss", ""),
        )
    except Refused as refused:
        show_refusal(request, refused)
    else:
        user = request.user
        if user.role == Role.OWNER and user.country.code != "US":
            # R16 where it bites: a foreign owner files through a US attorney (issue 22)
            messages.success(
                request,
                _("Your identity is verified. You live outside the United States, so you file with a US attorney."),
            )
        else:
            messages.success(request, _("Your identity is verified. You can now file."))
    return redirect("accounts:identity")


@login_required
@filer_only("accounts:identity")
def paper_verification(request):
    role = request.GET.get("role") or request.POST.get("role") or request.user.role
    role = role if role in Role.values else ""
    form = PaperVerificationForm(request.POST or None, request.FILES or None, initial={"role": role})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.file_paper_verification(
                request.user,
                role=data["role"],
                document_country=data["document_country"],
                document_number=data["document_number"],
                scan=data["scan"],
            )
        except ValidationError as error:
            add_validation_error(
                form, error, "document_number" if getattr(error, "code", None) == "document_number" else "scan"
            )
        except Refused as refused:
            show_refusal(request, refused)
            return redirect("accounts:identity")
        else:
            messages.success(request, _("Your notarized form is filed and pending review by the office."))
            return redirect("accounts:identity")
    role_label = dict(Role.choices).get(role, "")
    return render(request, "accounts/paper.html", {"form": form, "role": role, "role_label": role_label})


@require_POST
@login_required
@filer_only("accounts:identity")
def choose_role(request):
    form = ChooseRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("accounts:identity")
    try:
        services.choose_role(request.user, form.cleaned_data["role"])
    except Refused as refused:
        show_refusal(request, refused)
    else:
        messages.success(request, _("Your role is saved."))
    return redirect("accounts:identity")


# --- bar admissions (R16) -------------------------------------------------------------------
@login_required
@filer_only("accounts:identity")
def bar_admissions(request):
    form = BarAdmissionForm(request.POST or None, initial={"good_standing": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_bar_admission(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error, "admitted" if error.code == "admitted" else None)
        except Refused as refused:
            show_refusal(request, refused)
            return redirect("accounts:identity")
        else:
            messages.success(request, _("Your bar admission is saved."))
            return redirect("accounts:bar")
    admissions = request.user.bar_admissions.order_by("jurisdiction")
    return render(request, "accounts/bar.html", {"form": form, "admissions": admissions})


# --- sponsorships (R10) ---------------------------------------------------------------------
def _mine(user):
    return Sponsorship.objects.filter(Q(attorney=user) | Q(staff=user)).select_related("attorney", "staff")


@login_required
def sponsorships(request, sponsor_form=None, request_form=None, status=200):
    mine = _mine(request.user).order_by("-created_at", "-pk")
    context = {
        "given": [s for s in mine if s.attorney_id == request.user.pk],
        "received": [s for s in mine if s.staff_id == request.user.pk],
        "sponsor_form": sponsor_form or PersonByEmailForm(prefix="sponsor"),
        "request_form": request_form or PersonByEmailForm(prefix="request"),
    }
    return render(request, "accounts/sponsorships.html", context, status=status)


def _other_party(form):
    user = User.objects.by_email(form.cleaned_data["email"]).first()
    if user is None:
        form.add_error("email", _("No account uses this email. Ask them to create an account first."))
    return user


@require_POST
@login_required
@filer_only("accounts:sponsorships")
def sponsor(request):
    form = PersonByEmailForm(request.POST, prefix="sponsor")
    staff = _other_party(form) if form.is_valid() else None
    if staff is None:
        return sponsorships(request, sponsor_form=form, status=400)
    try:
        services.sponsor_staff(request.user, staff)
    except Refused as refused:
        show_refusal(request, refused)
    else:
        messages.success(request, _("You now sponsor %(name)s.") % {"name": staff.full_name})
    return redirect("accounts:sponsorships")


@require_POST
@login_required
@filer_only("accounts:sponsorships")
def request_sponsorship(request):
    form = PersonByEmailForm(request.POST, prefix="request")
    attorney = _other_party(form) if form.is_valid() else None
    if attorney is None:
        return sponsorships(request, request_form=form, status=400)
    try:
        services.request_sponsorship(request.user, attorney)
    except Refused as refused:
        show_refusal(request, refused)
    else:
        messages.success(request, _("Your request was sent to %(name)s.") % {"name": attorney.full_name})
    return redirect("accounts:sponsorships")


_DECISIONS = {
    "approve": (services.approve_sponsorship, _("The sponsorship is active.")),
    "deny": (services.deny_sponsorship, _("The request is denied.")),
    "end": (services.end_sponsorship, _("The sponsorship has ended.")),
}


@require_POST
@login_required
def decide_sponsorship(request, pk, decision):
    sponsorship = get_object_or_404(_mine(request.user), pk=pk)
    service, done = _DECISIONS[decision]
    try:
        service(request.user, sponsorship)
    except Refused as refused:
        show_refusal(request, refused)
    else:
        messages.success(request, done)
    return redirect("accounts:sponsorships")
