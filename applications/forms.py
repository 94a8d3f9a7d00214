"""Forms for filings. They validate and normalise input into the services' data
(`FilingData`); the services in applications/services.py change state."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import country_choices
from accounts.models import User, normal_email

from . import id_manual
from .models import Basis, EntityType
from .services import ApplicantData, FilingData, GoodsData, Signer

ENTITY_CHOICES = [("", _("Choose the type"))] + [(value, _(text)) for value, text in EntityType.choices]
BASIS_CHOICES = [(value, _(text)) for value, text in Basis.choices]


class ApplicationForm(forms.Form):
    """One page: applicant and domicile, attorney, mark, basis. Goods are a formset."""

    # never ticked for the person: filing in one's own name is a choice they make (issue 22)
    applicant_is_me = forms.BooleanField(
        label=_("I am the applicant, filing in my own name as an individual"),
        required=False,
        help_text=_(
            "Tick it only if you own the mark yourself. For a company, or for anyone else, leave it empty and give "
            "the applicant's name and entity type below."
        ),
    )
    name = forms.CharField(
        label=_("Applicant's name"),
        max_length=200,
        required=False,
        help_text=_("The owner of the mark: a person or a company, e.g. Shenzhen Sunwave Co., Ltd."),
    )
    entity = forms.ChoiceField(label=_("Entity type"), choices=ENTITY_CHOICES, required=False)
    citizenship = forms.CharField(
        label=_("Citizenship or place of organisation"),
        max_length=64,
        required=False,
        help_text=_("Country of citizenship for a person; state or country of organisation for a company."),
    )
    email = forms.EmailField(label=_("Applicant's email"), required=False)
    street = forms.CharField(
        label=_("Domicile: street address"),
        max_length=200,
        required=False,
        help_text=_("Where the applicant really lives or has its principal place of business; not a P.O. box."),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("State, province or region"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    mailing_address = forms.CharField(
        label=_("Mailing address, if different"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attorney_email = forms.EmailField(
        label=_("Attorney of record: account email"),
        required=False,
        help_text=_(
            "Leave empty if no attorney represents the applicant. An attorney you name who is not you "
            "(or your sponsoring attorney) is asked by email and must accept before they are of record."
        ),
    )
    mark = forms.CharField(
        label=_("The mark"), max_length=200, required=False, help_text=_("The words of the mark, e.g. SUNWAVE.")
    )
    basis = forms.ChoiceField(label=_("Filing basis"), choices=BASIS_CHOICES, required=False, widget=forms.RadioSelect)
    first_use = forms.DateField(
        label=_("Date of first use in commerce (basis 1(a))"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    specimen = forms.BooleanField(
        label=_("A specimen showing the mark in use is attached (basis 1(a))"), required=False
    )

    def __init__(self, *args, user: User, with_attorney: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not with_attorney:
            del self.fields["attorney_email"]

    def clean(self):
        """Filing "as an individual, in my own name" and the applicant's fields must say the
        same thing: a conflict is the person's to settle, never replaced silently (issue 22)."""
        cleaned = super().clean()
        if not cleaned.get("applicant_is_me"):
            return cleaned
        entity = cleaned.get("entity")
        if entity and entity != EntityType.INDIVIDUAL:
            self.add_error(
                "entity",
                _(
                    "You ticked that you file in your own name as an individual, but chose “%(entity)s”. "
                    "Untick the box to file for a company or another person, or choose “individual”."
                )
                % {"entity": dict(ENTITY_CHOICES)[entity]},
            )
        name = " ".join((cleaned.get("name") or "").split())
        if name and name.casefold() != " ".join(self.user.full_name.split()).casefold():
            self.add_error(
                "name",
                _(
                    "You ticked that you file in your own name, but the applicant's name is “%(name)s”, not "
                    "yours (%(yours)s). Untick the box to file for someone else, or give your own name."
                )
                % {"name": name, "yours": self.user.full_name},
            )
        return cleaned

    def clean_attorney_email(self):
        email = normal_email(self.cleaned_data.get("attorney_email", ""))
        if not email:
            self.attorney = None
            return ""
        self.attorney = User.objects.by_email(email).first()
        if self.attorney is None:
            raise ValidationError(_("No account uses this email."))
        return email

    def applicant_data(self) -> ApplicantData:
        data = self.cleaned_data
        applicant = ApplicantData(
            name=data["name"],
            entity=data["entity"],
            citizenship=data["citizenship"].strip(),
            email=data["email"],
            street=data["street"],
            city=data["city"],
            region=data["region"],
            postal_code=data["postal_code"],
            country=data["country"],
            mailing_address=data["mailing_address"],
        )
        if data["applicant_is_me"]:
            applicant.user = self.user
            applicant.name = applicant.name or self.user.full_name
            applicant.email = applicant.email or self.user.email
            applicant.entity = "individual"
        return applicant


class GoodsForm(forms.Form):
    entry = forms.ChoiceField(label=_("Pick from the ID Manual"), required=False)
    nice_class = forms.IntegerField(label=_("Class"), required=False, min_value=1, max_value=45)
    text = forms.CharField(
        label=_("Or describe in your own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Free-form text costs more than an ID Manual entry."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", _("(none)"))] + id_manual.grouped_choices()

    def clean(self):
        cleaned = super().clean()
        entry_id, text, nice_class = (
            cleaned.get("entry"),
            (cleaned.get("text") or "").strip(),
            cleaned.get("nice_class"),
        )
        if entry_id and text:
            raise ValidationError(_("Pick an ID Manual entry or write your own words, not both."))
        if text and nice_class is None:
            self.add_error("nice_class", _("Give the class of this good or service (1 to 45)."))
        return cleaned

    def goods_data(self) -> GoodsData | None:
        data = self.cleaned_data
        if data.get("entry"):
            entry = id_manual.by_id()[data["entry"]]
            return GoodsData(entry["class"], entry["text"], True)
        text = (data.get("text") or "").strip()
        if not text:
            return None
        # typed words that are exactly an ID Manual entry count as one
        return GoodsData(data["nice_class"], text, id_manual.find(data["nice_class"], text) is not None)


class BaseGoodsFormSet(forms.BaseFormSet):
    def goods_data(self) -> list[GoodsData]:
        return [g for g in (form.goods_data() for form in self.forms if form.is_valid()) if g is not None]


GoodsFormSet = forms.formset_factory(GoodsForm, formset=BaseGoodsFormSet, extra=3, max_num=50, absolute_max=60)


def goods_initial(application) -> list[dict]:
    rows = []
    for goods in application.goods.all():
        entry = id_manual.find(goods.nice_class, goods.text) if goods.id_manual else None
        if entry is not None:
            rows.append({"entry": entry["id"]})
        else:
            rows.append({"nice_class": goods.nice_class, "text": goods.text})
    return rows


def application_initial(application) -> dict:
    applicant = application.applicant
    initial = {
        "mark": application.mark,
        "basis": application.basis,
        "first_use": application.first_use,
        "specimen": application.specimen,
    }
    if applicant is not None:
        initial.update(
            applicant_is_me=applicant.user_id is not None,
            name=applicant.name,
            entity=applicant.entity,
            citizenship=applicant.citizenship,
            email=applicant.email,
            street=applicant.domicile_street,
            city=applicant.domicile_city,
            region=applicant.domicile_region,
            postal_code=applicant.domicile_postal_code,
            country=applicant.domicile_country,
            mailing_address=applicant.mailing_address,
        )
    return initial


def has_content(form: ApplicationForm, goods: BaseGoodsFormSet) -> bool:
    """Whether the valid form holds anything of a filing: the mark, the applicant or one
    good; an empty form gets a form error instead of becoming a blank draft (issue 22)."""
    data = form.cleaned_data
    if data.get("mark") or data.get("name") or data.get("applicant_is_me") or goods.goods_data():
        return True
    form.add_error(
        None,
        _("The form is empty. Give at least the mark, the applicant or one good or service, then save the draft."),
    )
    return False


def filing_data(form: ApplicationForm, goods: BaseGoodsFormSet) -> FilingData:
    data = form.cleaned_data
    return FilingData(
        applicant=form.applicant_data(),
        mark=data["mark"],
        basis=data["basis"],
        goods=goods.goods_data(),
        first_use=data["first_use"],
        specimen=data["specimen"],
    )


class SignForm(forms.Form):
    signature = forms.CharField(
        label=_("Electronic signature"),
        max_length=200,
        help_text=_("Any text between two forward slashes, e.g. /Li Wei/."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    title = forms.CharField(
        label=_("Your title or position"), max_length=100, help_text=_("e.g. CEO, Owner, Attorney of record.")
    )
    declaration = forms.BooleanField(
        label=_("I have read the declaration and I sign it, knowing the warning under 18 U.S.C. 1001"), required=True
    )


class LinkSignForm(SignForm):
    name = forms.CharField(label=_("Your first and last name"), max_length=200)
    field_order = ["signature", "name", "title", "declaration"]

    def __init__(self, *args, signer_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer_name = signer_name

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if name.casefold() != " ".join(self.signer_name.split()).casefold():
            raise ValidationError(_("Type your name as the request names you: %(name)s.") % {"name": self.signer_name})
        return name


class LinkCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Signing code"),
        help_text=_("The code in the email that asked you to sign."),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class UploadSignForm(forms.Form):
    page = forms.FileField(
        label=_("Scan of the signed page"),
        help_text=_("PDF, PNG or JPEG, at most 5 MB. The page must show the declaration text."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    title = forms.CharField(label=_("Your title or position"), max_length=100)
    shows_declaration = forms.BooleanField(label=_("The page I upload shows the full declaration text"), required=True)
    declaration = forms.BooleanField(
        label=_("I have read the declaration and I sign it, knowing the warning under 18 U.S.C. 1001"), required=True
    )


class SignerForm(forms.Form):
    """Who is asked to sign, as the requester names them. No account is looked up: the
    signer needs none (R14), and the page tells nothing about the address's owner."""

    name = forms.CharField(
        label=_("Signer's name"),
        max_length=200,
        help_text=_("First and last name, as the signer will type it beside their signature."),
    )
    email = forms.EmailField(
        label=_("Signer's email"),
        max_length=254,
        help_text=_("The signing link goes to this address. The signer needs no account."),
    )

    def __init__(self, *args, **kwargs):
        # ids of their own: the attorney form on the same page has an email field too
        kwargs.setdefault("auto_id", "signer_%s")
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return normal_email(self.cleaned_data["email"])

    def signer(self) -> Signer:
        return Signer(self.cleaned_data["name"], self.cleaned_data["email"])


class AttorneyForm(forms.Form):
    email = forms.EmailField(
        label=_("New attorney's account email"),
        help_text=_(
            "The email of the attorney's own account here: ask them to create one and verify it, with their bar "
            "admission, first. They are emailed and must accept."
        ),
    )

    def clean_email(self):
        email = normal_email(self.cleaned_data["email"])
        self.person = User.objects.by_email(email).first()
        if self.person is None:
            raise ValidationError(_("No account uses this email."))
        return email


# --- prosecution (R21, R22): a form filed after submission, signed in the form ---------------
class LaterFormForm(SignForm):
    """A response, an extension, a petition to revive or a statement of use: signed in the
    form by a signatory (R14). Only the fields its kind asks for are shown."""

    text = forms.CharField(
        label=_("Your response to the examining attorney"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    first_use = forms.DateField(
        label=_("Date of first use in commerce"),
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    specimen = forms.FileField(
        label=_("Specimen showing the mark in use"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 5 MB: a label, a tag, a web page where the goods are sold."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    field_order = ["text", "first_use", "specimen", "signature", "title", "declaration"]

    # which of the optional fields each kind of form shows
    FIELDS = {"response": {"text"}, "revival": {"text"}, "statement_of_use": {"first_use", "specimen"}}

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        for name in {"text", "first_use", "specimen"} - self.FIELDS.get(kind, set()):
            del self.fields[name]
