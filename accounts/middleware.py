"""A signed-in session that still owes its second factor (accounts.second_factor) reaches
only the pages that take it: every other page sends it there, and back afterwards."""

from urllib.parse import urlencode

from django.shortcuts import redirect

from . import second_factor

# URL names open to a session by what it owes; signing out and the language always
OPEN_WHILE = {
    "verify": {"accounts:second_factor"},
    "enrol": {"accounts:security", "accounts:add_authenticator", "accounts:add_security_key"},
}
ALWAYS_OPEN = {"accounts:logout", "set_language"}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        owed = second_factor.owed(request)
        if not owed:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALWAYS_OPEN or name in OPEN_WHILE[owed]:
            return None
        target = "accounts:second_factor" if owed == "verify" else "accounts:security"
        back = request.get_full_path() if request.method == "GET" else ""
        response = redirect(target)
        if back:
            response["Location"] += "?" + urlencode({"next": back})
        return response
