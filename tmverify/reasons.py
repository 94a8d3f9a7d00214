"""Reasons and refusals: the one way a rule says no.

Every reason carries a code from SCENARIOS.md and a sentence a person can act on. Views,
the console and the simulator all show the same reasons.
"""

from dataclasses import dataclass

CODES = {
    "identity_unverified": "Verify your identity before you do this.",
    "role_required": "Choose your trademark role (owner, US attorney, Canadian attorney or support staff) first.",
    "role_not_permitted": "Your role may not do this.",
    "verification_not_available": "Identity verification is not open yet for this role.",
    "verification_failed": "The identity provider could not confirm your identity. Check your document and try again.",
    "already_verified": "Your identity is already verified; verification is one-time.",
    "verification_locked": "Too many failed attempts. Try again after the lock ends.",
    "duplicate_identity": "This document is already behind another verified account; the account is on hold for office review.",
    "not_a_natural_person": "An account belongs to one natural person; use your own legal first and last name.",
    "account_suspended": "This account is suspended by the office.",
    "sponsorship_required": "Support staff need an active sponsorship from a verified attorney.",
    "forbidden": "You have no access to this.",
    "invalid_state": "This is not possible in the current state.",
    "signature_format": "Enter the signature between two forward slashes, like /Li Wei/, and give your title.",
    "signature_not_personal": "The named signer must enter their own signature.",
    "signatory_not_authorized": "This person may not sign this filing.",
    "signature_link_invalid": "This signing link is not valid (never sent, used, replaced or expired).",
    "signature_required": "The filing needs a valid signature before it can be submitted.",
    "filing_incomplete": "The filing-date minimum is missing.",
    "us_counsel_required": "An applicant domiciled outside the US must be represented by a US-licensed attorney.",
    "bar_info_required": "The attorney of record must give bar information.",
    "attorney_email_conflict": "The attorney's email may not be the applicant's email.",
    "domicile_required": "Give the applicant's domicile address.",
}

FLAGS = {
    "mail_drop_domicile": "The domicile looks like a post-office box, c/o, registered-agent or virtual office (R18).",
    "insufficient_information": "Required information was missing at filing; a surcharge applies (R20).",
    "high_volume_filer": "The submitting account filed for more than 20 unrelated applicants in 30 days (R23).",
    "shared_attorney_credentials": "The attorney's bar jurisdiction and number also stand on another account (R23).",
    "signature_entered_by_other": "Someone other than the signer tried to enter this filing's signature (R13).",
}


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown reason code {self.code!r}")

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def reason(code: str, message: str | None = None) -> Reason:
    return Reason(code, message or CODES[code])


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
