"""Reasons and refusals: the one way a rule says no.

Every reason carries a code from SCENARIOS.md and a sentence a person can act on. Views,
the console and the simulator all show the same reasons.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from .rulebook import RULES

CODES = {
    "identity_unverified": gettext_noop("Verify your identity before you do this."),
    "role_required": gettext_noop(
        "Choose your trademark role (owner, US attorney, Canadian attorney or support staff) first."
    ),
    "role_not_permitted": gettext_noop("Your role may not do this."),
    "verification_not_available": gettext_noop("Identity verification is not open yet for this role."),
    "verification_failed": gettext_noop(
        "The identity provider could not confirm your identity. Check your document and try again."
    ),
    "already_verified": gettext_noop("Your identity is already verified; verification is one-time."),
    "verification_locked": gettext_noop("Too many failed attempts. Try again after the lock ends."),
    "duplicate_identity": gettext_noop(
        "This document is already behind another verified account; the account is on hold for office review."
    ),
    "not_a_natural_person": gettext_noop(
        "An account belongs to one natural person; use your own legal first and last name."
    ),
    "account_suspended": gettext_noop("This account is suspended by the office."),
    "sponsorship_required": gettext_noop("Support staff need an active sponsorship from a verified attorney."),
    "forbidden": gettext_noop("You have no access to this."),
    "invalid_state": gettext_noop("This is not possible in the current state."),
    "signature_format": gettext_noop(
        "Enter the signature between two forward slashes, like /Li Wei/, and give your title."
    ),
    "signature_not_personal": gettext_noop("The named signer must enter their own signature."),
    "signatory_not_authorized": gettext_noop("This person may not sign this filing."),
    "signature_link_invalid": gettext_noop("This signing link is not valid (never sent, used, replaced or expired)."),
    "signature_required": gettext_noop("The filing needs a valid signature before it can be submitted."),
    "filing_incomplete": gettext_noop("The filing-date minimum is missing."),
    "us_counsel_required": gettext_noop(
        "An applicant domiciled outside the US must be represented by a US-licensed attorney."
    ),
    "bar_info_required": gettext_noop("The attorney of record must give bar information."),
    "attorney_email_conflict": gettext_noop("The attorney's email may not be the applicant's email."),
    "domicile_required": gettext_noop("Give the applicant's domicile address."),
    "deadline_passed": gettext_noop("The period for this step has ended."),
    "extension_not_available": gettext_noop("No (further) extension exists for this deadline."),
}

# Codes of the project's own, beyond the contract of SCENARIOS.md (docs/SCENARIOS.md,
# "Project extensions"). Scenario files cannot expect them: their actors never meet them.
EXTENSION_CODES = {
    "email_unconfirmed": gettext_noop(
        "Confirm your email address first: open the link we emailed you, or ask for a new one."
    ),
}

FLAGS = {
    "mail_drop_domicile": gettext_noop(
        "The domicile looks like a post-office box, c/o, registered-agent or virtual office."
    ),
    "insufficient_information": gettext_noop(
        "Required information was missing: the filing pays the TEAS Standard fee or a surcharge."
    ),
    "high_volume_filer": gettext_noop("The submitting account filed for more than 20 unrelated applicants in 30 days."),
    "shared_attorney_credentials": gettext_noop(
        "The attorney's bar jurisdiction and number also stand on another account."
    ),
    "signature_entered_by_other": gettext_noop("Someone other than the signer tried to enter this filing's signature."),
}

# The rule (tmverify.rulebook) a code or flag stands for, which the pages link to
# (`/rules/#R16`) beside the sentence; a reason may name another where it is made
# (docs/DECISIONS.md 56). Codes about the state of things or access name none.
CODE_RULES = {
    "identity_unverified": "R2",
    "role_required": "R7",
    "role_not_permitted": "",
    "verification_not_available": "R2",
    "verification_failed": "R4",
    "already_verified": "R3",
    "verification_locked": "R5",
    "duplicate_identity": "R6",
    "not_a_natural_person": "R1",
    "account_suspended": "R23",
    "sponsorship_required": "R10",
    "forbidden": "",
    "invalid_state": "",
    "signature_format": "R12",
    "signature_not_personal": "R13",
    "signatory_not_authorized": "R14",
    "signature_link_invalid": "R8",
    "signature_required": "R15",
    "filing_incomplete": "R19",
    "us_counsel_required": "R16",
    "bar_info_required": "R16",
    "attorney_email_conflict": "R17",
    "domicile_required": "R18",
    "deadline_passed": "R21",
    "extension_not_available": "R21",
}
FLAG_RULES = {
    "mail_drop_domicile": "R18",
    "insufficient_information": "R20",
    "high_volume_filer": "R23",
    "shared_attorney_credentials": "R23",
    "signature_entered_by_other": "R13",
}


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    # the rule's id (`R16`), for the link beside the sentence; "" when none applies
    rule: str = ""

    def __post_init__(self):
        if self.code not in CODES and self.code not in EXTENSION_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")
        if self.rule and self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}")

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "rule": self.rule}


def general_sentence(code: str) -> str:
    """The code's own sentence (the contract's codes and the project's extensions)."""
    return CODES.get(code) or EXTENSION_CODES.get(code, "")


def reason(code: str, message: str | None = None, *, rule: str | None = None) -> Reason:
    """A reason with its code's sentence unless given one, and its code's rule unless
    given another (`rule=""`: none)."""
    return Reason(code, message or general_sentence(code), CODE_RULES.get(code, "") if rule is None else rule)


class Refused(Exception):
    """A service said no; `reasons` holds every blocking reason."""

    def __init__(self, reasons):
        if isinstance(reasons, Reason):
            reasons = [reasons]
        self.reasons = list(reasons)
        if not self.reasons:
            raise ValueError("Refused needs at least one reason")
        super().__init__("; ".join(f"{r.code}: {r.message}" for r in self.reasons))

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def refuse_if(reasons: list[Reason]) -> None:
    if reasons:
        raise Refused(reasons)
