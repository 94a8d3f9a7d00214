"""Security headers on every response.

The Content-Security-Policy allows only this site's own scripts, styles and images (no
inline script), and no framing. Pages are personal (filings, identities, signing links),
so nothing is cached unless a view says otherwise.
"""

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
