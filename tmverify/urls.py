from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("filings/", include("applications.urls")),
    # the simulated identity provider: an outside party with its own pages
    path("provider/", include("provider.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("console.urls", namespace="console")),
]
