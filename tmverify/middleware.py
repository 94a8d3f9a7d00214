"""Security headers on every response.

The Content-Security-Policy allows only this site's own scripts, styles and images (no
inline script), and no framing. Pages are personal (filings, identities, signing links),
so nothing is cached unless a view says otherwise.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views import defaults


def _provider_origin() -> str:
    """The identity provider's origin when it is another site: starting a verification is
    a form posted here that redirects there (accounts/views.py, start_verification), and
    browsers hold such a redirect to form-action."""
    issuer = urlsplit(settings.TMVERIFY_OIDC_ISSUER)
    return f" {issuer.scheme}://{issuer.netloc}" if issuer.scheme and issuer.netloc else ""


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'" + _provider_origin(),
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy())
        response.setdefault("Cache-Control", "no-store")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class DatabaseBusyMiddleware:
    """SQLite allows one writer at a time; when the wait for the lock runs out, the
    transaction was rolled back whole. Say so and ask to retry, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception).lower():
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = "2"
            return response
        return None


class SitePagesInDebugMiddleware:
    """Under DJANGO_DEBUG Django answers a missing page or a refusal with its technical
    pages (the URL patterns, the settings); a person walking the site in development
    should meet the site's own 404 and 403 pages, as in production, in their language.
    Off debug it does nothing: Django's handlers render the same templates (404.html,
    403.html)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            # no URL pattern matched: Django's technical 404 lists them all
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None


# Every path parameter here is an id, a key or a signed, URL-safe token, or a path of
# them (the review console's object ids and its catch-all): nothing else is a format any
# of them has.
PATH_PARAMETER = re.compile(r"[A-Za-z0-9_.:~/-]*")


class PathParameterMiddleware:
    """A path parameter with a character outside that alphabet (a NUL, a control
    character, a quote, broken UTF-8) is not found, for everyone, before any view, sign-in
    redirect or database sees it (PostgreSQL refuses a NUL in a query with an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, str) and not PATH_PARAMETER.fullmatch(value):
                # answered, not raised: a view middleware's exception skips the others'
                # process_exception, and the site's page is shown in debug too
                return defaults.page_not_found(request, Http404("No such page."))
        return None


class RequestBodyLimitMiddleware:
    """A body whose Content-Length is over REQUEST_MAX_BYTES is refused (413) before a
    byte of it is read: Django would otherwise read and spool it (to disk, for files)
    before any form could say the file is too large."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads such a body as empty
        if declared > settings.REQUEST_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            # before LocaleMiddleware: the page picks the reader's language itself
            with translation.override(translation.get_language_from_request(request)):
                return render(request, "too_large.html", {"limit": limit}, status=413)
        return self.get_response(request)
