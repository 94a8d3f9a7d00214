"""Pages for filers: dashboard, the application form, signing, submission, receipts,
representation (R24: appointments waiting for an attorney's answer), and the public
signing page behind an emailed link.

Each view: scope the filing to the user (others' filings are 404), a form, one service
call, messages, redirect. The rules live in applications/rules.py and the services.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from accounts.models import ATTORNEY_ROLES, Role, Sponsorship
from accounts.rules import acting_reasons, sponsoring_attorney_ids
from accounts.web import add_validation_error, filer_only, show_refusal
from tmverify import clock
from tmverify.reasons import Refused

from . import id_manual, prosecution, rules, services
from .access import can_act, visible_filings
from .forms import (
    ApplicationForm,
    AttorneyForm,
    GoodsFormSet,
    LaterFormForm,
    LinkCodeForm,
    LinkSignForm,
    SignerForm,
    SignForm,
    UploadSignForm,
    application_initial,
    filing_data,
    goods_initial,
    has_content,
)
from .models import (
    FilingState,
    FormKind,
    LaterForm,
    Representation,
    RepresentationState,
    Signature,
    with_current_representations,
)
from .receipts import attorneys_named, later_form_receipt_document, receipt_document


def _filings(user):
    return (
        visible_filings(user)
        .select_related("applicant", "created_by")
        .prefetch_related(
            "goods",
            "flags",
            with_current_representations(),
            rules.ATTORNEYS_BAR_ADMISSIONS,
            Prefetch("signatures", queryset=Signature.objects.select_related("signer")),
        )
    )


def _filing(request, pk):
    """The user's filing, or 404: what is not yours is not found."""
    return get_object_or_404(_filings(request.user), pk=pk)


# --- dashboard ------------------------------------------------------------------------------
# one page of filings at a time: an attorney with thousands of clients still gets a quick page
DASHBOARD_PAGE_SIZE = 25


@login_required
def dashboard(request):
    user = request.user
    rows = []
    page = Paginator(_filings(user), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page.object_list:
        rows.append(
            {
                "application": application,
                "part": _part(user, application),
                "fee": rules.fee_for(application),
                "blocked": services.can_submit(user, application) if application.is_open else [],
            }
        )
    sponsorships = Sponsorship.objects.filter(staff=user) | Sponsorship.objects.filter(attorney=user)
    # R24: every appointment waiting for this attorney's answer, whichever page of filings is shown
    waiting = Representation.objects.filter(attorney=user, state=RepresentationState.PENDING).select_related(
        "application__applicant", "named_by"
    )
    context = {
        "rows": rows,
        "page": page,
        "due": _due(user),
        "appointments": waiting,
        "waiting_requests": sponsorships.filter(attorney=user, state=Sponsorship.State.REQUESTED).count(),
        "active_sponsorships": sponsorships.filter(state=Sponsorship.State.ACTIVE).select_related("attorney", "staff"),
    }
    return render(request, "applications/dashboard.html", context)


# R21, R22: what is due on the filings the person sees, soonest first
DUE_LIST_SIZE = 20


def _open_filer_deadlines(user):
    """The open deadlines of the filer's next steps (not the opposition period) on the
    filings `user` sees, soonest first."""
    return (
        prosecution.running_filer_deadlines()
        .filter(application__in=visible_filings(user))
        .select_related("application")
        .order_by("due_on", "pk")
    )


def _due(user) -> list[dict]:
    today = clock.today()
    return [
        {"deadline": deadline, "days_left": (deadline.due_on - today).days}
        for deadline in _open_filer_deadlines(user)[:DUE_LIST_SIZE]
    ]


@login_required
def deadlines_ics(request):
    """Every open deadline of the filer's next steps as an all-day event: a law firm's
    calendar subscribes to it and follows (R21, R22). Written by `icalendar`, which escapes
    the text and folds the long lines as RFC 5545 asks (a mark may be long, or odd)."""
    calendar = Calendar()
    calendar.add("prodid", "-//tmverify//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    now = clock.now()
    for deadline in _open_filer_deadlines(request.user):
        application = deadline.application
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}-{deadline.due_on:%Y%m%d}@tmverify")
        event.add("dtstamp", now)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + timedelta(days=1))
        event.add("summary", f"{deadline.get_kind_display()}: {application.mark} ({application.serial_number})")
        event.add("url", request.build_absolute_uri(reverse("applications:detail", args=[application.pk])))
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tmverify-deadlines.ics"'
    return response


def _part(user, application) -> str:
    """What the signed-in person is to the filing, for the dashboard."""
    representation = application.representation_of(user)
    if representation is not None:
        return _("Attorney of record") if representation.is_of_record else _("Named attorney: your answer is awaited")
    if application.applicant is not None and application.applicant.user_id == user.pk:
        return _("Applicant")
    if application.created_by_id == user.pk:
        return _("Prepared by you")
    if user.is_office_staff():
        return _("Office review")
    return _("Prepared for your sponsoring attorney")


# --- the application form -------------------------------------------------------------------
def _default_attorney_email(user) -> str:
    if user.role in ATTORNEY_ROLES:
        return user.email
    if user.role == Role.SUPPORT_STAFF:
        ids = sponsoring_attorney_ids(user)
        sponsorship = Sponsorship.objects.filter(staff=user, attorney_id__in=ids).select_related("attorney").first()
        return sponsorship.attorney.email if sponsorship else ""
    return ""


def _quote(form, goods):
    """The fee for the form's current entries, or None while the form has errors."""
    if not (form.is_valid() and goods.is_valid()):
        return None
    return rules.quote_fee_lines(filing_data(form, goods))


def _form_status(form, goods) -> int:
    return 200 if form.is_valid() and goods.is_valid() else 400


def _render_form(request, form, goods, application=None, quote=None, status=200):
    context = {
        # what stops the person saving at all, said before they type (issue 22)
        "blocked": acting_reasons(request.user),
        "form": form,
        "goods": goods,
        "application": application,
        "quote": quote,
        "quote_total": sum(line.amount for line in quote) if quote is not None else None,
    }
    return render(request, "applications/form.html", context, status=status)


@login_required
@filer_only("applications:dashboard")
def new_application(request):
    user = request.user
    if request.method == "POST":
        form = ApplicationForm(request.POST, user=user)
        goods = GoodsFormSet(request.POST, prefix="goods")
        if request.POST.get("action") == "quote" or not (
            form.is_valid() and goods.is_valid() and has_content(form, goods)
        ):
            return _render_form(request, form, goods, quote=_quote(form, goods), status=_form_status(form, goods))
        try:
            application = services.create_application(user, filing_data(form, goods), attorney=form.attorney)
        except ValidationError as error:
            add_validation_error(form, error)
        except Refused as refused:
            show_refusal(request, refused)
        else:
            messages.success(request, _("The draft is saved. The checklist shows what is still needed."))
            for attorney in application.pending_attorneys():
                messages.info(request, _asked(attorney))
            if not _filings(user).filter(pk=application.pk).exists():
                # an attorney who names another reaches the filing only once that one accepts
                messages.info(request, _("You are not its attorney of record, so the filing is not among yours."))
                return redirect("applications:dashboard")
            return redirect("applications:detail", pk=application.pk)
        return _render_form(request, form, goods, status=400)
    initial = {"attorney_email": _default_attorney_email(user)}
    if user.role == Role.OWNER:
        # the domicile country is a guess shown in the form; who the applicant is, is not
        # guessed (issue 22: a company was saved as its owner, ticked by default)
        initial.update(country=user.country)
    form = ApplicationForm(user=user, initial=initial)
    return _render_form(request, form, GoodsFormSet(prefix="goods"))


@login_required
@filer_only("applications:detail", "pk")
def edit_application(request, pk):
    application = _filing(request, pk)
    if not application.is_open:
        messages.error(request, _("This filing can no longer be changed."))
        return redirect("applications:detail", pk=pk)
    if not can_act(request.user, application):  # R24: an attorney still to accept reads only
        show_refusal(request, Refused(rules.access_reasons(request.user, application)))
        return redirect("applications:detail", pk=pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST, user=request.user, with_attorney=False)
        goods = GoodsFormSet(request.POST, prefix="goods")
        if request.POST.get("action") == "quote" or not (
            form.is_valid() and goods.is_valid() and has_content(form, goods)
        ):
            quote = _quote(form, goods)
            return _render_form(request, form, goods, application, quote=quote, status=_form_status(form, goods))
        try:
            services.update_application(request.user, application, filing_data(form, goods))
        except ValidationError as error:
            add_validation_error(form, error)
        except Refused as refused:
            show_refusal(request, refused)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("applications:detail", pk=pk)
        return _render_form(request, form, goods, application, status=400)
    form = ApplicationForm(user=request.user, with_attorney=False, initial=application_initial(application))
    goods = GoodsFormSet(prefix="goods", initial=goods_initial(application))
    return _render_form(request, form, goods, application)


@require_POST
@login_required
def fee_quote(request):
    """The fee for the form as it is now, as an HTML fragment (the fee script asks)."""
    form = ApplicationForm(request.POST, user=request.user, with_attorney=False)
    goods = GoodsFormSet(request.POST, prefix="goods")
    quote = _quote(form, goods)
    total = sum(line.amount for line in quote) if quote is not None else None
    return render(request, "applications/_fee.html", {"quote": quote, "quote_total": total})


# --- one filing -----------------------------------------------------------------------------
def _asked(attorney) -> str:
    return _("%(name)s was asked to accept the appointment; until they do, they are not an attorney of record.") % {
        "name": attorney.full_name
    }


def _detail(request, application, status=200, **forms):
    user = request.user
    representation = application.representation_of(user)
    context = {
        "application": application,
        # R24: a pending attorney reads the filing and answers; every other step is refused
        "may_act": can_act(user, application),
        "waiting_for_me": representation is not None and representation.is_pending,
        "may_revoke": application.applicant is not None and application.applicant.user_id == user.pk,
        "fee": rules.fee_for(application),
        "fee_lines": rules.fee_lines(application, application.filing_date),
        "blocked": services.can_submit(user, application) if application.is_open else [],
        # R16 explained where it bites: the checklist asks for a US attorney (issue 22)
        "signatures": rules.valid_signatures(application),
        "may_sign": application.is_open and rules.is_authorized_signatory(user, application),
        "sign_form": forms.get("sign_form") or SignForm(initial={"signature": f"/{user.full_name}/"}),
        "upload_form": forms.get("upload_form") or UploadSignForm(),
        "signer_form": forms.get("signer_form") or SignerForm(),
        "attorney_form": forms.get("attorney_form") or AttorneyForm(),
        "flags": sorted(flag.code for flag in application.flags.all()),
    }
    if not application.is_open:
        context.update(_prosecution(user, application, forms.get("later_forms", {})))
    # R16 explained where it bites: when the checklist asks for a US attorney (issue 22)
    context["needs_us_counsel"] = any(item.code == "us_counsel_required" for item in context["blocked"])
    return render(request, "applications/detail.html", context, status=status)


def _prosecution(user, application, bound: dict) -> dict:
    """R21, R22 on the filing's page: the deadline and the days left, the office's letters,
    the filer's next steps with what blocks each and their forms, and the forms filed."""
    deadline = prosecution.filer_deadline(application)
    acting = can_act(user, application) and not user.is_office_staff()
    steps = prosecution.next_steps(user, application) if acting else []
    return {
        "deadline": deadline,
        "days_left": (deadline.due_on - clock.today()).days if deadline else None,
        "office_actions": application.office_actions.all(),
        "steps": [
            {"step": step, "form": bound.get(step.kind) or LaterFormForm(kind=step.kind, initial=_signing(user))}
            for step in steps
        ],
        "later_forms": application.later_forms.select_related("filed_by"),
    }


def _signing(user) -> dict:
    return {"signature": f"/{user.full_name}/"}


@login_required
def detail(request, pk):
    return _detail(request, _filing(request, pk))


# each filer's form after submission and the service that files it (R21, R22)
_LATER_FORMS = {
    FormKind.RESPONSE: lambda user, filing, data, upload: prosecution.respond_to_office_action(
        user, filing, signature=data["signature"], title=data["title"], text=data["text"]
    ),
    FormKind.RESPONSE_EXTENSION: lambda user, filing, data, upload: prosecution.request_response_extension(
        user, filing, signature=data["signature"], title=data["title"]
    ),
    FormKind.REVIVAL: lambda user, filing, data, upload: prosecution.petition_to_revive(
        user, filing, signature=data["signature"], title=data["title"], text=data["text"]
    ),
    FormKind.STATEMENT_OF_USE: lambda user, filing, data, upload: prosecution.file_statement_of_use(
        user, filing, signature=data["signature"], title=data["title"], first_use=data["first_use"], upload=upload
    ),
    FormKind.SOU_EXTENSION: lambda user, filing, data, upload: prosecution.request_sou_extension(
        user, filing, signature=data["signature"], title=data["title"]
    ),
}


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def later_form(request, pk, kind):
    """File a response, an extension, a petition to revive or a statement of use."""
    application = _filing(request, pk)
    if kind not in _LATER_FORMS:
        raise Http404
    form = LaterFormForm(request.POST, request.FILES, kind=kind)
    if not form.is_valid():
        return _detail(request, application, status=400, later_forms={kind: form})
    try:
        _LATER_FORMS[kind](request.user, application, form.cleaned_data, form.cleaned_data.get("specimen"))
    except ValidationError as error:  # the specimen's type or size
        add_validation_error(form, error, "specimen")
        return _detail(request, application, status=400, later_forms={kind: form})
    except Refused as refused:
        return _after(request, application, refused, "", "#prosecution")
    done = _("Filed: %(form)s. Its signed receipt is listed on this page.") % {"form": FormKind(kind).label}
    return _after(request, application, None, done, "#prosecution")


@login_required
def later_form_receipt(request, pk, form_pk):
    """A later form's signed receipt as JSON, to keep and check with `verify_receipt`."""
    application = _filing(request, pk)
    form = get_object_or_404(LaterForm, pk=form_pk, application=application, receipt_signature__gt="")
    response = HttpResponse(
        json.dumps(later_form_receipt_document(form), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    name = f"receipt-{application.serial_number}-{form.kind}-{form.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _after(request, application, refused: Refused | None, done: str, anchor: str = ""):
    if refused is not None:
        show_refusal(request, refused)
    else:
        messages.success(request, done)
    return redirect(reverse("applications:detail", args=[application.pk]) + anchor)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def sign(request, pk):
    application = _filing(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _detail(request, application, status=400, sign_form=form)
    try:
        services.sign_application(
            request.user,
            application,
            signature=form.cleaned_data["signature"],
            title=form.cleaned_data["title"],
            declaration_accepted=form.cleaned_data["declaration"],
        )
    except Refused as refused:
        return _after(request, application, refused, "", "#sign")
    return _after(request, application, None, _("Signed. You can now submit the filing."))


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def sign_upload(request, pk):
    application = _filing(request, pk)
    form = UploadSignForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, application, status=400, upload_form=form)
    try:
        services.sign_application(
            request.user,
            application,
            signature="",
            title=form.cleaned_data["title"],
            declaration_accepted=form.cleaned_data["declaration"],
            upload=form.cleaned_data["page"],
            upload_shows_declaration=form.cleaned_data["shows_declaration"],
        )
    except ValidationError as error:
        add_validation_error(form, error, "page")
        return _detail(request, application, status=400, upload_form=form)
    except Refused as refused:
        return _after(request, application, refused, "", "#sign")
    return _after(request, application, None, _("The pen-and-ink signature is recorded."))


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def request_signature(request, pk):
    application = _filing(request, pk)
    form = SignerForm(request.POST)
    if not form.is_valid():
        return _detail(request, application, status=400, signer_form=form)
    signer = form.signer()
    try:
        services.request_signature(request.user, application, signer)
    except ValidationError as error:
        add_validation_error(form, error)
        return _detail(request, application, status=400, signer_form=form)
    except Refused as refused:
        return _after(request, application, refused, "", "#request")
    # issue 19: the name and address the requester typed, never an account's name
    done = _("A signing link was emailed to %(name)s at %(email)s.") % {"name": signer.name, "email": signer.email}
    return _after(request, application, None, done)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def withdraw(request, pk):
    done = _("You no longer represent the applicant in this filing.")
    return _representation_step(request, _filing(request, pk), services.withdraw_representation, done)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def appoint(request, pk):
    application = _filing(request, pk)
    form = AttorneyForm(request.POST)
    if not form.is_valid():
        return _detail(request, application, status=400, attorney_form=form)
    try:
        application = services.appoint_attorney(request.user, application, form.person)
    except Refused as refused:
        return _after(request, application, refused, "")
    if application.representation_of(form.person).is_pending:
        return _after(request, application, None, _asked(form.person))
    done = _("%(name)s is now an attorney of record. The filing must be signed again.") % {
        "name": form.person.full_name
    }
    return _after(request, application, None, done)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def accept(request, pk):
    done = _(
        "You are now an attorney of record on this filing. Signatures given before lapse: it must be signed again."
    )
    return _representation_step(request, _filing(request, pk), services.accept_appointment, done)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def decline(request, pk):
    done = _("You declined the appointment. The filing is no longer shown to you.")
    return _representation_step(request, _filing(request, pk), services.decline_appointment, done)


@require_POST
@login_required
@filer_only("applications:detail", "pk")
def revoke(request, pk, attorney_pk):
    application = _filing(request, pk)
    # only an attorney standing on this filing can be revoked: anyone else is not found
    representation = next((r for r in application.current_representations() if r.attorney_id == attorney_pk), None)
    if representation is None:
        raise Http404("No such attorney on this filing.")
    done = _("%(name)s no longer represents the applicant in this filing.") % {
        "name": representation.attorney.full_name
    }
    return _representation_step(request, application, services.revoke_attorney, done, representation.attorney)


def _representation_step(request, application, step, done: str, *args):
    """One change of representation (R24): `step(user, filing, *args)`, its refusal or
    `done` as a message, then back to the filing while the person can still see it (one
    who withdrew, declined or was revoked no longer can), else to the dashboard."""
    try:
        step(request.user, application, *args)
    except Refused as refused:
        return _after(request, application, refused, "")
    messages.success(request, done)
    if _filings(request.user).filter(pk=application.pk).exists():
        return redirect("applications:detail", pk=application.pk)
    return redirect("applications:dashboard")


@login_required
def submit(request, pk):
    application = _filing(request, pk)
    if application.state == FilingState.SUBMITTED:
        return redirect("applications:receipt", pk=pk)
    if request.method == "POST":
        try:
            services.submit_filing(request.user, application)
        except Refused as refused:
            show_refusal(request, refused)
            return redirect("applications:submit", pk=pk)
        messages.success(request, _("Submitted. Keep the signed receipt."))
        return redirect("applications:receipt", pk=pk)
    context = {
        "application": application,
        "fee": rules.fee_for(application),
        "fee_lines": rules.fee_lines(application),
        "blocked": services.can_submit(request.user, application) if application.is_open else [],
    }
    return render(request, "applications/submit.html", context)


def _submitted(request, pk):
    application = _filing(request, pk)
    receipt = getattr(application, "receipt", None)
    if receipt is None:
        raise Http404("This filing has no receipt yet.")
    return application, receipt


@login_required
def receipt(request, pk):
    application, stored = _submitted(request, pk)
    context = {"application": application, "receipt": stored, "attorneys": attorneys_named(stored.payload)}
    return render(request, "applications/receipt.html", context)


@login_required
def receipt_download(request, pk):
    application, stored = _submitted(request, pk)
    body = json.dumps(receipt_document(stored), indent=2, ensure_ascii=False, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{application.serial_number}.json"'
    return response


# --- the public signing page (R8, R9) ---------------------------------------------------------
def sign_by_link(request, token=""):
    """No login: the code from the email is the credential. It arrives in a POSTed form,
    never in the URL (the mail's link carries it in the fragment, which the page's script
    posts; without script the person pastes it), so access logs and Referer headers never
    hold it. A GET only shows the form (`token`: a link mailed before, filled in)."""
    if request.method != "POST":
        # the request's language (`?lang=`, from the mail) for a browser that chose none
        chosen = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        language = _site_language(request.GET.get("lang", "")) if not chosen else ""
        if language:
            translation.activate(language)
        response = render(request, "applications/sign_link_code.html", {"form": LinkCodeForm(initial={"code": token})})
        return _keep_language(response, language)
    code = request.POST.get("code", "").strip()
    # the page's own language switcher posts the code with the language: switching keeps
    # the application open instead of asking for the code again
    language = _site_language(request.POST.get("language", "")) if request.POST.get("step") == "language" else ""
    if language:
        translation.activate(language)
    try:
        link = services.open_link(code)
    except Refused as refused:
        return render(request, "applications/sign_link_invalid.html", {"reasons": refused.reasons}, status=404)
    application = link.application
    signing = request.POST.get("step") == "sign"
    form = LinkSignForm(request.POST if signing else None, signer_name=link.signer_name)
    if signing and form.is_valid():
        try:
            services.sign_by_link(
                code,
                signature=form.cleaned_data["signature"],
                title=form.cleaned_data["title"],
                declaration_accepted=form.cleaned_data["declaration"],
            )
        except Refused as refused:
            show_refusal(request, refused)
        else:
            return render(request, "applications/sign_link_done.html", {"application": application})
    context = {"link": link, "application": application, "form": form, "code": code}
    response = render(request, "applications/sign_link.html", context, status=400 if form.errors else 200)
    return _keep_language(response, language)


def _site_language(code: str) -> str:
    """`code` when it is one of the site's languages, else ""."""
    return code if code in dict(settings.LANGUAGES) else ""


def _keep_language(response, language: str):
    """Remember a language the signing page chose, as Django's language switcher does."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


# --- the ID Manual ---------------------------------------------------------------------------
def id_manual_search(request):
    query = request.GET.get("q", "")[:100]
    try:
        nice_class = int(request.GET.get("class") or 0) or None
    except ValueError:
        nice_class = None
    results = id_manual.search(query, nice_class) if (query or nice_class) else []
    context = {"query": query, "nice_class": nice_class, "classes": id_manual.classes(), "results": results}
    return render(request, "applications/id_manual.html", context)
