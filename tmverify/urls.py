from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("filings/", include("applications.urls")),
    path("console/", include("tmverify.console_urls", namespace="console")),
]
