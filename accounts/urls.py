from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from . import second_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", TemplateView.as_view(template_name="accounts/signup_sent.html"), name="signup_sent"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirm/", views.resend_confirmation, name="resend_confirmation"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        TemplateView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("second-factor/", second_factor_views.second_factor_step, name="second_factor"),
    path("security/", second_factor_views.security, name="security"),
    path("security/authenticator/", second_factor_views.add_authenticator, name="add_authenticator"),
    path("security/key/", second_factor_views.add_security_key, name="add_security_key"),
    path("security/recovery-codes/", second_factor_views.new_recovery_codes, name="new_recovery_codes"),
    path(
        "security/authenticator/<int:pk>/remove/",
        second_factor_views.remove_factor,
        {"kind": "authenticator"},
        name="remove_authenticator",
    ),
    path(
        "security/key/<int:pk>/remove/",
        second_factor_views.remove_factor,
        {"kind": "security_key"},
        name="remove_security_key",
    ),
    path("identity/", views.identity, name="identity"),
    path("identity/start/", views.start_verification, name="start_verification"),
    path("identity/callback/", views.verification_callback, name="verification_callback"),
    path("identity/paper/", views.paper_verification, name="paper"),
    path("identity/role/", views.choose_role, name="choose_role"),
    path("bar/", views.bar_admissions, name="bar"),
    path("sponsorships/", views.sponsorships, name="sponsorships"),
    path("sponsorships/sponsor/", views.sponsor, name="sponsor"),
    path("sponsorships/request/", views.request_sponsorship, name="request_sponsorship"),
    path(
        "sponsorships/<int:pk>/approve/", views.decide_sponsorship, {"decision": "approve"}, name="approve_sponsorship"
    ),
    path("sponsorships/<int:pk>/deny/", views.decide_sponsorship, {"decision": "deny"}, name="deny_sponsorship"),
    path("sponsorships/<int:pk>/end/", views.decide_sponsorship, {"decision": "end"}, name="end_sponsorship"),
]
