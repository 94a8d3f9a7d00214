"""Showing a service's answer on the page: refusals and validation errors become
messages (or form errors), never a 500."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from tmverify.reasons import Refused

from .rules import office_staff_reasons
from .templatetags.tmverify_web import reason_detail, reason_text


def reason_html(item) -> str:
    """A reason as a person reads it: the sentence in their language, and its rule as a
    link to its entry on /rules/; the code and "(R16)" are never printed (issue 22)."""
    detail = reason_detail(item)
    text = reason_text(item) + (f" ({detail})" if detail else "")
    if not item.rule:
        return format_html("{}", text)
    return format_html(
        '{} <a class="rule-link" href="{}#{}" title="{}">{}</a>',
        text,
        reverse("rules"),
        item.rule,
        gettext("The rule behind this"),
        item.rule,
    )


def show_refusal(request, refused: Refused) -> None:
    """One error message per reason, its code a class of the message (`reason-CODE`) for
    scripts and tests, not a word of the sentence."""
    for item in refused.reasons:
        messages.error(request, reason_html(item), extra_tags=f"reason-{item.code}")


def add_validation_error(form, error: ValidationError, field: str | None = None) -> None:
    """A service's ValidationError on the form, each sentence translated when it can be."""
    for text in error.messages:
        form.add_error(field, gettext(text))


def filer_only(to: str, *carried: str):
    """R25 on the pages: an office account is not shown a filer's form nor taken through
    a filer's step; it is sent to the page `to` (with the view's URL arguments named in
    `carried`) with the reason, before any form is read. The services refuse it too."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            reasons = office_staff_reasons(request.user)
            if reasons:
                show_refusal(request, Refused(reasons))
                return redirect(to, **{name: kwargs[name] for name in carried})
            return view(request, *args, **kwargs)

        return guarded

    return decorate
