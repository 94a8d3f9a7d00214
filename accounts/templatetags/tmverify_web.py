"""Template helpers for the filer pages: refusal reasons in the reader's language, and
where to go to fix each one."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_noop

from tmverify.reasons import CODES, FLAGS

register = template.Library()

# Static sentences the services and rules give as reasons or errors; listed so that
# makemessages collects them and the pages can show them translated. Sentences built
# at run time (names, dates) fall back to the translated sentence for their code,
# with the English detail beside it.
STATIC_SENTENCES = [
    # every reason code's and flag's general sentence (tmverify/reasons.py)
    gettext_noop("Verify your identity before you do this."),
    gettext_noop("Choose your trademark role (owner, US attorney, Canadian attorney or support staff) first."),
    gettext_noop("Your role may not do this."),
    gettext_noop("Identity verification is not open yet for this role."),
    gettext_noop("The identity provider could not confirm your identity. Check your document and try again."),
    gettext_noop("Your identity is already verified; verification is one-time."),
    gettext_noop("Too many failed attempts. Try again after the lock ends."),
    gettext_noop("This document is already behind another verified account; the account is on hold for office review."),
    gettext_noop("An account belongs to one natural person; use your own legal first and last name."),
    gettext_noop("This account is suspended by the office."),
    gettext_noop("Support staff need an active sponsorship from a verified attorney."),
    gettext_noop("You have no access to this."),
    gettext_noop("This is not possible in the current state."),
    gettext_noop("Enter the signature between two forward slashes, like /Li Wei/, and give your title."),
    gettext_noop("The named signer must enter their own signature."),
    gettext_noop("This person may not sign this filing."),
    gettext_noop("This signing link is not valid (never sent, used, replaced or expired)."),
    gettext_noop("The filing needs a valid signature before it can be submitted."),
    gettext_noop("The filing-date minimum is missing."),
    gettext_noop("An applicant domiciled outside the US must be represented by a US-licensed attorney."),
    gettext_noop("The attorney of record must give bar information."),
    gettext_noop("The attorney's email may not be the applicant's email."),
    gettext_noop("Give the applicant's domicile address."),
    gettext_noop("The domicile looks like a post-office box, c/o, registered-agent or virtual office (R18)."),
    gettext_noop("Required information was missing at filing; a surcharge applies (R20)."),
    gettext_noop("The submitting account filed for more than 20 unrelated applicants in 30 days (R23)."),
    gettext_noop("The attorney's bar jurisdiction and number also stand on another account (R23)."),
    gettext_noop("Someone other than the signer tried to enter this filing's signature (R13)."),
    gettext_noop("This account is suspended by the office; it cannot act until reinstated."),
    gettext_noop("Your verified name and role are locked; ask the office to change them."),
    gettext_noop("Only a verified account with no role yet can choose one."),
    gettext_noop("The provider's result was already used or is not for this request."),
    gettext_noop("Only a US or Canadian attorney can sponsor support staff."),
    gettext_noop("Only support staff can be sponsored."),
    gettext_noop("This sponsorship is already requested or active."),
    gettext_noop("This sponsorship is not yours."),
    gettext_noop("You have no access to this filing."),
    gettext_noop("Give the applicant's own email, not the attorney's (R17)."),
    gettext_noop("Accept the declaration before you sign."),
    gettext_noop("Give your title beside the pen-and-ink signature."),
    gettext_noop("Only the attorney of record can withdraw the representation."),
    gettext_noop("Verify your identity (online, by video or with the notarized paper form) before you do this."),
    gettext_noop("Your notarized paper form is waiting for office review; you can act once it is approved."),
    gettext_noop("Your account is on hold for office review of a duplicate identity."),
    gettext_noop("Your identity verification was rejected; contact the office."),
    gettext_noop("Choose the role you verify as: owner, US attorney, Canadian attorney or support staff."),
    gettext_noop(
        "Sign the filing in the form, or request a signature by email from the attorney of record or the owner."
    ),
    gettext_noop("The applicant is domiciled outside the US: appoint a US-licensed attorney of record (R16)."),
    gettext_noop("A Canadian attorney may act only for parties in Canada: appoint a US-licensed attorney (R16)."),
    gettext_noop("Give the applicant's domicile: the street address where they really are (R18)."),
    gettext_noop(
        "This signing link is not valid: it was never sent, already used, replaced by a newer one, or older than "
        "30 days. Ask the sender for a new link."
    ),
    gettext_noop("An account with this email already exists."),
    gettext_noop("The country must be a two-letter ISO code."),
    gettext_noop("The date of first use cannot be in the future."),
    gettext_noop("The file is empty."),
    gettext_noop("Upload a PDF, PNG or JPEG file."),
    # state and role labels declared on the models
    gettext_noop("Draft"),
    gettext_noop("Awaiting signature"),
    gettext_noop("Signed"),
    gettext_noop("Submitted"),
    gettext_noop("Withdrawn"),
    gettext_noop("Suspended pending administrative review"),
    gettext_noop("Terminated by sanction order"),
    gettext_noop("Owner"),
    gettext_noop("US attorney"),
    gettext_noop("Canadian attorney"),
    gettext_noop("Attorney support staff"),
    gettext_noop("Unverified"),
    gettext_noop("Paper form pending review"),
    gettext_noop("Verified"),
    gettext_noop("On hold for fraud review"),
    gettext_noop("Rejected"),
    gettext_noop("Suspended"),
    gettext_noop("Online provider"),
    gettext_noop("Video call with an agent"),
    gettext_noop("Notarized paper form"),
    gettext_noop("Carried over from the patent side"),
    gettext_noop("Individual"),
    gettext_noop("Corporation"),
    gettext_noop("Limited liability company"),
    gettext_noop("Partnership"),
    gettext_noop("Sole proprietorship"),
    gettext_noop("Joint venture"),
    gettext_noop("Trust"),
    gettext_noop("Association"),
    gettext_noop("Other"),
    gettext_noop("Requested"),
    gettext_noop("Active"),
    gettext_noop("Denied"),
    gettext_noop("Ended"),
    gettext_noop("1(a) use in commerce"),
    gettext_noop("1(b) intent to use"),
    gettext_noop("44(d) foreign application"),
    gettext_noop("44(e) foreign registration"),
]

# Where a person fixes each blocking reason.
_FIX_AT = {
    "identity_unverified": "accounts:identity",
    "role_required": "accounts:identity",
    "verification_locked": "accounts:identity",
    "sponsorship_required": "accounts:sponsorships",
    "bar_info_required": "accounts:bar",
}
_FIX_IN_FILING = {
    "filing_incomplete",
    "us_counsel_required",
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
    return gettext(CODES.get(item.code, item.message))


@register.filter
def reason_detail(item) -> str:
    """The specific English sentence when only the code's general sentence is translated."""
    if _is_english() or gettext(item.message) != item.message or item.message == CODES.get(item.code):
        return ""
    return item.message


@register.filter
def flag_text(code: str) -> str:
    return gettext(FLAGS.get(code, code))


@register.simple_tag
def fix_url(item, application=None) -> str:
    """Where to go to act on a reason; empty when it is acted on where it is shown."""
    if item.code in _FIX_AT:
        return reverse(_FIX_AT[item.code])
    if item.code in _FIX_IN_FILING and application is not None and application.is_open:
        return reverse("applications:edit", args=[application.pk])
    if item.code == "signature_required" and application is not None:
        return reverse("applications:detail", args=[application.pk]) + "#sign"
    return ""


@register.simple_tag
def session_seconds(which: str) -> int:
    """Seconds of idleness before the warning ("warn", 5 minutes early) or the end."""
    if which == "warn":
        return max(settings.SESSION_COOKIE_AGE - 5 * 60, 0)
    return settings.SESSION_COOKIE_AGE


@register.filter
def label(value) -> str:
    """Translate a label declared on a model (state, role, method)."""
    return gettext(str(value)) if value else ""
