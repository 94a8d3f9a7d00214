"""Security headers on every response.

The Content-Security-Policy allows only this site's own scripts, styles and images (no
inline script), and no framing. Pages are personal (filings, identities, signing links),
so nothing is cached unless a view says otherwise.
"""

from django.db import OperationalError
from django.shortcuts import render

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
