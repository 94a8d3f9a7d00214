"""Forms for accounts, identity verification and sponsorships. They validate and
normalise input; the services in accounts/services.py change state (Django's reset view
saves its form, so that form's `save` is the service call)."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tmverify.document_numbers import DocumentNumberError, normal_number

from . import services
from .models import Method, Role, User, normal_email

ROLE_CHOICES = [
    (Role.OWNER, _("Owner: I file for myself or my company")),
    (Role.US_ATTORNEY, _("US attorney")),
    (Role.CA_ATTORNEY, _("Canadian attorney")),
    (Role.SUPPORT_STAFF, _("Attorney support staff (paralegal)")),
]
METHOD_CHOICES = [
    (Method.ONLINE, _("Online: government photo ID and a selfie (fastest)")),
    (Method.VIDEO, _("Video call with an agent (for people without a US ID)")),
    (Method.PAPER, _("Notarized paper form, reviewed by the office (takes longer)")),
]


def country_choices():
    """The country menu: a blank first, then django-countries' ISO 3166-1 list named and
    sorted in the active language (a callable, so each request gets its own language)."""
    return [("", _("Choose a country")), *countries]


class SignUpForm(forms.Form):
    first_name = forms.CharField(
        label=_("Legal first name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Legal last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    country = forms.ChoiceField(
        label=_("Country where you live"), choices=country_choices, initial="US", help_text=_("Where you reside.")
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self):
        return normal_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            # an unsaved account: what the similarity validator compares the password with
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", in_readers_words(error))
        return cleaned


# the account's fields Django's similarity validator names in its message, marked here so
# that the message reads whole in Chinese (issue 22: the password rules stayed English)
SIMILAR_TO = [gettext_noop("legal first name"), gettext_noop("legal last name"), gettext_noop("email")]


def in_readers_words(error: ValidationError) -> ValidationError:
    """The password validators' errors with the field each names in the reader's language."""
    for item in error.error_list:
        if item.code == "password_too_similar" and item.params:
            item.params = {**item.params, "verbose_name": gettext(str(item.params["verbose_name"]))}
    return error


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("The email or password is wrong, or sign-in is paused after too many failures. Try again."),
        "inactive": _("This account cannot sign in."),
        "suspended": _(
            "This account is suspended by the trademark office: it cannot sign in or file. The email sent when it "
            "was suspended says why. To appeal, write to %(appeals)s from this account's email address, saying why "
            "the suspension should end."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # the backend says so only to whoever gave the account's right password
            if getattr(self.request, "sign_in_refused", "") == "suspended":
                raise ValidationError(
                    self.error_messages["suspended"],
                    code="suspended",
                    params={"appeals": settings.TMVERIFY_APPEALS_EMAIL},
                ) from None
            raise


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your account's email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class NewPasswordForm(SetPasswordForm):
    """Django's form for the reset link's page (its view checked the link). Saving goes
    through the service, which writes the one column and audits it."""

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, in_readers_words(error))

    def save(self, commit=True):
        return services.reset_password(self.user, self.cleaned_data["new_password1"])


class StartVerificationForm(forms.Form):
    role = forms.ChoiceField(label=_("Your trademark role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("How you verify"), choices=METHOD_CHOICES, widget=forms.RadioSelect)


class ChooseRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Your trademark role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)


class PaperVerificationForm(forms.Form):
    role = forms.ChoiceField(label=_("Your trademark role"), choices=ROLE_CHOICES)
    document_country = forms.ChoiceField(label=_("Country that issued your ID document"), choices=country_choices)
    document_number = forms.CharField(
        label=_("ID document number"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    scan = forms.FileField(
        label=_("Scan of the signed and notarized form"),
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def clean_document_number(self):
        number = self.cleaned_data["document_number"].strip()
        try:
            normal_number(number)  # the service checks it again; here the form says so on its field
        except DocumentNumberError as exc:
            raise forms.ValidationError(str(exc), code="document_number") from None
        return number


class BarAdmissionForm(forms.Form):
    jurisdiction = forms.CharField(
        label=_("Bar jurisdiction"), max_length=64, help_text=_("The US state or territory, e.g. NY; or the province.")
    )
    number = forms.CharField(
        label=_("Bar number"), max_length=32, required=False, help_text=_("Leave empty if your bar issues none.")
    )
    admitted = forms.DateField(label=_("Date of admission"), widget=forms.DateInput(attrs={"type": "date"}))
    good_standing = forms.BooleanField(label=_("I am an active member in good standing"), required=False)


class PersonByEmailForm(forms.Form):
    email = forms.EmailField(label=_("Their email"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def clean_email(self):
        return normal_email(self.cleaned_data["email"])


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class NewAuthenticatorForm(forms.Form):
    name = forms.CharField(
        label=_("A name for it"),
        max_length=64,
        required=False,
        help_text=_("So you can tell your factors apart, e.g. “Phone”."),
    )
    code = forms.CharField(
        label=_("The code the app shows now"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


class SecurityKeyForm(forms.Form):
    """What the page's script fills in: the browser's answer (JSON) to the challenge."""

    name = forms.CharField(
        label=_("A name for it"), max_length=64, required=False, help_text=_("E.g. “Blue key on my keyring”.")
    )
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20000)
