"""Template helpers for the filer pages: refusal reasons in the reader's language, and
where to go to fix each one."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, gettext_noop

from tmverify.reasons import FLAG_RULES, FLAGS, general_sentence

from .. import rules

register = template.Library()

# The specific sentences the services and rules give as reasons or errors; listed so
# that makemessages collects them and the pages can show them translated. Each code's
# and flag's general sentence (tmverify/reasons.py) and the labels declared on the
# models are marked where they are defined. Sentences built
# at run time (names, dates) fall back to the translated sentence for their code,
# with the English detail beside it.
STATIC_SENTENCES = [
    gettext_noop("This account is suspended by the office; it cannot act until reinstated."),
    gettext_noop("Your verified name and role are locked; ask the office to change them."),
    gettext_noop("Only a verified account with no role yet can choose one."),
    gettext_noop("The provider's result was already used or is not for this request."),
    gettext_noop("Only a US or Canadian attorney can sponsor support staff."),
    gettext_noop("Only support staff can be sponsored."),
    gettext_noop("This sponsorship is already requested or active."),
    gettext_noop("This sponsorship is not yours."),
    gettext_noop("You have no access to this filing."),
    gettext_noop("Give the applicant's own email, not the attorney's."),
    gettext_noop("Accept the declaration before you sign."),
    gettext_noop("Give your title beside the pen-and-ink signature."),
    gettext_noop("Only the attorney of record can withdraw the representation."),
    gettext_noop("Office staff examine and review; they cannot file, sign or act for a party."),
    gettext_noop("Choose the role you verify as: owner, US attorney, Canadian attorney or support staff."),
    gettext_noop(
        "Sign the filing in the form, or request a signature by email from someone who may sign: the owner, an "
        "officer or employee of the applicant, or an attorney."
    ),
    gettext_noop("The applicant is domiciled outside the US: appoint a US-licensed attorney of record."),
    gettext_noop("A Canadian attorney may act only for an applicant domiciled in Canada."),
    gettext_noop("A Canadian attorney may act only beside a US attorney: appoint a US-licensed attorney too."),
    gettext_noop(
        "No attorney of record is a US attorney: at least one must be a US attorney with complete US bar information."
    ),
    gettext_noop(
        "You are named attorney on this filing but have not accepted: accept the appointment before you act on it."
    ),
    gettext_noop("Support staff may name only an attorney who sponsors them; an attorney of record appoints others."),
    gettext_noop("No appointment on this filing is waiting for your answer."),
    gettext_noop("Only the individual applicant can revoke an attorney."),
    gettext_noop("Give the applicant's domicile: the street address where they really are."),
    gettext_noop(
        "This signing link is not valid: it was never sent, already used, replaced by a newer one, or past the 30th "
        "day after it was sent. Ask the sender for a new link."
    ),
    gettext_noop(
        "This confirmation link is not valid: it was already used, or it has expired. Sign in and ask for a new one."
    ),
    gettext_noop("The country must be a two-letter ISO code."),
    gettext_noop("The date of first use cannot be in the future."),
    gettext_noop("The file is empty."),
    gettext_noop("Give the signer's name."),
    gettext_noop("Give the signer's email address."),
    gettext_noop("Upload a PDF, PNG or JPEG file."),
]

# Where a person fixes each blocking reason.
_FIX_AT = {
    "email_unconfirmed": "accounts:resend_confirmation",
    "identity_unverified": "accounts:identity",
    "role_required": "accounts:identity",
    "verification_locked": "accounts:identity",
    "sponsorship_required": "accounts:sponsorships",
    "bar_info_required": "accounts:bar",
}
_FIX_IN_FILING = {
    "filing_incomplete",
    "attorney_email_conflict",
    "domicile_required",
}


def _is_english() -> bool:
    return (get_language() or "en").startswith("en")


@register.filter
def reason_text(item) -> str:
    """The reason's sentence in the reader's language."""
    translated = gettext(item.message)
    if translated != item.message or _is_english():
        return translated
    return gettext(general_sentence(item.code) or item.message)


@register.filter
def reason_detail(item) -> str:
    """The specific English sentence when only the code's general sentence is translated."""
    if _is_english() or gettext(item.message) != item.message or item.message == general_sentence(item.code):
        return ""
    return item.message


@register.filter
def flag_text(code: str) -> str:
    return gettext(FLAGS.get(code, code))


@register.filter
def flag_rule(code: str) -> str:
    """The rule a flag stands for (`R18`), for the link beside it."""
    return FLAG_RULES.get(code, "")


@register.simple_tag
def fix_url(item, application=None) -> str:
    """Where to go to act on a reason; empty when it is acted on where it is shown."""
    if item.code in _FIX_AT:
        return reverse(_FIX_AT[item.code])
    if item.code in _FIX_IN_FILING and application is not None and application.is_open:
        return reverse("applications:edit", args=[application.pk])
    if item.code == "signature_required" and application is not None:
        return reverse("applications:detail", args=[application.pk]) + "#sign"
    if item.code == "us_counsel_required" and application is not None and application.is_open:
        # R24: attorneys are appointed (and accept) on the filing's page, not in the form
        return reverse("applications:detail", args=[application.pk]) + "#representation"
    return ""


@register.inclusion_tag("includes/identity_standing.html", takes_context=True)
def identity_standing(context, link: bool = True) -> dict:
    """The one sentence on where the signed-in person's identity stands, with the step
    to take (`link=False` on the identity page itself)."""
    user = context["request"].user
    standing = rules.identity_standing(user)
    sentence = gettext(standing.sentence)
    if standing.date is not None:
        shown = "Y-m-d H:i" if standing.status == "locked" else "Y-m-d"
        sentence = sentence % {"date": date_format(standing.date, shown)}
    return {"standing": standing, "sentence": sentence, "link": link, "user": user}


@register.simple_tag
def rule_link(rule: str) -> str:
    """The rule as a link to its entry on /rules/, set beside a sentence instead of
    "(R24)" inside it (issue 22)."""
    return format_html(
        '<a class="rule-link" href="{}#{}" title="{}">{}</a>',
        reverse("rules"),
        rule,
        gettext("The rule behind this"),
        rule,
    )


@register.simple_tag
def session_seconds(which: str) -> int:
    """Seconds of idleness before the warning ("warn", 5 minutes early) or the end."""
    if which == "warn":
        return max(settings.SESSION_COOKIE_AGE - 5 * 60, 0)
    return settings.SESSION_COOKIE_AGE


@register.simple_tag
def link_days(which: str) -> int:
    """How many days an emailed link works: the "confirmation" link or the "password" one."""
    if which == "password":
        return settings.PASSWORD_RESET_TIMEOUT // 86400
    return settings.EMAIL_CONFIRMATION_TTL.days


@register.filter
def label(value) -> str:
    """Translate a label declared on a model (state, role, method)."""
    return gettext(str(value)) if value else ""
