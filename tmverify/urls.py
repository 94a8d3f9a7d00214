from django.urls import include, path
from django.views.generic import TemplateView

from . import outbox
from .rulebook import GROUPS

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # the rules R1..R25, each anchored (/rules/#R16): the reasons on every checklist link here
    path("rules/", TemplateView.as_view(template_name="rules.html", extra_context={"groups": GROUPS}), name="rules"),
    path("accounts/", include("accounts.urls")),
    path("filings/", include("applications.urls")),
    # the simulated identity provider: an outside party with its own pages
    path("provider/", include("provider.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("console.urls", namespace="console")),
    # development only (DJANGO_DEBUG): the mail the site sent; 404 otherwise
    path("outbox/", outbox.outbox, name="outbox"),
]
