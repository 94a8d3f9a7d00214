"""Showing a service's answer on the page: refusals and validation errors become
messages (or form errors), never a 500."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from tmverify.reasons import Refused

from .templatetags.tmverify_web import reason_detail, reason_text


def show_refusal(request, refused: Refused) -> None:
    """One error message per reason: the sentence in the reader's language and its code."""
    for item in refused.reasons:
        detail = reason_detail(item)
        text = reason_text(item) + (f" ({detail})" if detail else "")
        messages.error(request, f"{text} [{item.code}]")


def add_validation_error(form, error: ValidationError, field: str | None = None) -> None:
    """A service's ValidationError on the form, each sentence translated when it can be."""
    for text in error.messages:
        form.add_error(field, gettext(text))
