"""Filing receipts: the submitted filing as canonical JSON, signed with the office key.

The office signs, once, the SHA-256 digest of each top-level field: a checker holding
only the public key can then say which part of an altered receipt changed. A receipt
carries the audit chain's head right after its submission, signed (`audit_head`), so a
filer's copy anchors the history outside the database. Since R24 it lists `attorneys`
(of record only) where older receipts name one `attorney`.

Formats (docs/DECISIONS.md 50): version 3, labelled `"format": "tmverify.receipt"`, signs
the labelled digests; receipts issued before carry no label and still check: version 2
signed the bare digests, version 1 the whole payload and each field on its own. A
receipt is checked against the fields it was signed with.
"""

from dataclasses import dataclass, field

from accounts.rules import identity_required
from tmverify import audit, clock, crypto
from tmverify.models import AuditEvent

from .models import Application, LaterForm, Receipt, SignatureMethod
from .rules import fee_lines, valid_signatures


def _verification_of(user, *, via_link: bool = False) -> str:
    """`user`: an account, or None for a person without one, who can only have signed by link."""
    if user is not None and user.is_verified:
        return f"verified ({user.identity_method})"
    if via_link or user is None:
        return "exempt: signed through an emailed link (R8/R9)"
    if not identity_required(user):
        return "not required on this date (R2/R11)"
    return "unverified"


def build_payload(application: Application, flags) -> dict:
    applicant = application.applicant
    return {
        "serial_number": application.serial_number,
        "filing_date": application.filing_date.isoformat(),
        "applicant": {
            "name": applicant.name,
            "entity": applicant.entity,
            "citizenship": applicant.citizenship,
            "email": applicant.email,
            "domicile": {
                "street": applicant.domicile_street,
                "city": applicant.domicile_city,
                "region": applicant.domicile_region,
                "postal_code": applicant.domicile_postal_code,
                "country": applicant.domicile_country.code,
            },
        },
        "mark": application.mark,
        "basis": application.basis,
        "first_use": application.first_use.isoformat() if application.first_use else None,
        "specimen": application.specimen,
        "goods": [{"class": g.nice_class, "text": g.text, "id_manual": g.id_manual} for g in application.goods.all()],
        # R24: attorneys of record only; one named but not accepted stands on nothing
        "attorneys": [
            {
                "name": attorney.full_name,
                "email": attorney.email,
                "role": attorney.role,
                "bar": [
                    {
                        "jurisdiction": b.jurisdiction,
                        "number": b.number,
                        "admitted": b.admitted and b.admitted.isoformat(),
                    }
                    for b in attorney.bar_admissions.all()
                ],
            }
            for attorney in application.attorneys_of_record()
        ],
        "signatures": [
            {
                "signer": s.signer_name,
                "signature": s.text,
                "title": s.title,
                "date": s.signed_on.isoformat(),
                "method": s.method,
                **(
                    {"page_shows_declaration": s.upload_shows_declaration} if s.method == SignatureMethod.UPLOAD else {}
                ),
                "identity": _verification_of(s.signer, via_link=s.method == SignatureMethod.LINK),
            }
            for s in valid_signatures(application)
        ],
        "fee": {
            "total": application.fee,
            "lines": [
                {"label": line.label, "amount": line.amount} for line in fee_lines(application, application.filing_date)
            ],
        },
        "submitted_by": {
            "name": application.submitted_by.full_name,
            "role": application.submitted_by.role,
            "identity": _verification_of(application.submitted_by),
        },
        "flags": sorted(flags),
    }


def attorneys_named(payload: dict) -> list[str]:
    """The attorneys of record a receipt names: `attorneys` since R24, one `attorney` before."""
    if "attorneys" in payload:
        return [attorney["name"] for attorney in payload["attorneys"]]
    return [payload["attorney"]["name"]] if payload.get("attorney") else []


def _field_message(serial: str, name: str, value) -> bytes:
    """What a receipt issued before field digests signed for one field."""
    return crypto.canonical_json({"serial_number": serial, "field": name, "value": value})


def field_digests(payload: dict) -> dict[str, str]:
    return {name: crypto.sha256_hex(crypto.canonical_json(value)) for name, value in payload.items()}


RECEIPT_FORMAT, RECEIPT_VERSION = "tmverify.receipt", 3
# R21, R22: a form filed after submission (docs/DECISIONS.md 69), labelled as its own kind
# so that one can never pass for the other
LATER_FORM_FORMAT, LATER_FORM_VERSION = "tmverify.later_form_receipt", 1
FORMATS = {RECEIPT_FORMAT: RECEIPT_VERSION, LATER_FORM_FORMAT: LATER_FORM_VERSION}
# what every receipt's payload holds, whatever its version: a message the office signed
# that lacks them (another kind of message) is not a receipt
RECEIPT_FIELDS = {"serial_number", "filing_date", "applicant", "mark", "signatures", "fee", "submitted_by"}


def _digests_message(digests: dict[str, str], *, labelled: bool = True, kind: str = RECEIPT_FORMAT) -> bytes:
    if not labelled:  # version 2
        return crypto.canonical_json({"receipt_field_digests": digests})
    return crypto.canonical_json({"format": kind, "version": FORMATS[kind], "field_digests": digests})


def sign_payload(payload: dict, kind: str = RECEIPT_FORMAT) -> tuple[str, dict[str, str]]:
    """The office's one signature over the digest of each field, and those digests."""
    digests = field_digests(payload)
    return crypto.sign(crypto.office_key(), _digests_message(digests, kind=kind)), digests


def issue_receipt(application: Application, flags, submitted: AuditEvent) -> Receipt:
    """Sign and keep the receipt of a filing just submitted with `flags` (codes); it carries
    the chain's head at `submitted` (the submission's event, linked), signed."""
    payload = build_payload(application, flags)
    payload["audit_head"] = audit.signed_head(submitted)
    signature, digests = sign_payload(payload)
    return Receipt.objects.create(
        application=application, payload=payload, signature=signature, field_digests=digests, created_at=clock.now()
    )


def build_later_form_payload(form: LaterForm, application: Application) -> dict:
    """A later form as filed (R21, R22): which filing, what it was, who signed it and with
    what standing, its fee, the deadline it answered and where it left the filing."""
    deadline = form.deadline
    return {
        "form": form.kind,
        "serial_number": application.serial_number,
        "mark": application.mark,
        "filed_at": form.filed_at.isoformat(),
        "deadline": {"kind": deadline.kind, "due_on": deadline.due_on.isoformat()} if deadline else None,
        "signature": (
            {"signer": form.signer_name, "signature": form.signature, "title": form.title} if form.signature else None
        ),
        "first_use": form.first_use.isoformat() if form.first_use else None,
        "specimen": form.specimen,
        "fee": form.fee,
        "filed_by": {
            "name": form.filed_by.full_name,
            "role": form.filed_by.role,
            "identity": _verification_of(form.filed_by),
        },
        "state_after": application.state,
        "registration_number": application.registration_number,
    }


def issue_later_form_receipt(form: LaterForm, application: Application, filed: AuditEvent) -> None:
    """Sign and keep the receipt of a later form just filed; it carries the chain's head at
    `filed` (the form's event, linked), signed, as an application's receipt does."""
    payload = build_later_form_payload(form, application)
    payload["audit_head"] = audit.signed_head(filed)
    form.receipt_payload = payload
    form.receipt_signature, _ = sign_payload(payload, LATER_FORM_FORMAT)
    form.save(update_fields=["receipt_payload", "receipt_signature"])


def later_form_receipt_document(form: LaterForm) -> dict:
    """What the filer downloads for a later form; `check_receipt` checks it."""
    return {
        "receipt": form.receipt_payload,
        "signature": form.receipt_signature,
        "format": LATER_FORM_FORMAT,
        "version": LATER_FORM_VERSION,
        "field_digests": field_digests(form.receipt_payload),
        "public_key": crypto.b64encode(crypto.public_key_bytes(crypto.office_key())),
    }


def receipt_document(receipt: Receipt) -> dict:
    """What the filer downloads and anyone can check with the office's public key."""
    if receipt.field_digests is None:  # version 1
        proof = {"field_signatures": receipt.field_signatures}
    elif "audit_head" in receipt.payload:
        proof = {"format": RECEIPT_FORMAT, "version": RECEIPT_VERSION, "field_digests": receipt.field_digests}
    else:  # version 2
        proof = {"field_digests": receipt.field_digests}
    return {
        "receipt": receipt.payload,
        "signature": receipt.signature,
        **proof,
        "public_key": crypto.b64encode(crypto.public_key_bytes(crypto.office_key())),
    }


@dataclass
class ReceiptCheck:
    valid: bool
    altered: list[str] = field(default_factory=list)
    problem: str = ""
    not_a_receipt: bool = False


def _altered(payload: dict, signed: dict, unchanged) -> list[str]:
    """The fields of `payload` that are not as signed: `unchanged(name)` says for a field
    both have."""
    altered = []
    for name in sorted(set(payload) | set(signed)):
        if name not in payload:
            altered.append(f"{name} (removed)")
        elif name not in signed:
            altered.append(f"{name} (added)")
        elif not unchanged(name):
            altered.append(name)
    return altered


def _checked(altered: list[str]) -> ReceiptCheck:
    if altered:
        return ReceiptCheck(False, altered, "the receipt was altered")
    return ReceiptCheck(True)


NOT_THE_OFFICES = "the receipt's signature is not the office's"


def _not_a_receipt(why: str) -> ReceiptCheck:
    return ReceiptCheck(False, problem=f"not a receipt: {why}", not_a_receipt=True)


def check_receipt(document: dict, public_key=None) -> ReceiptCheck:
    """Valid, or which fields were altered, added or removed; `not_a_receipt` when the
    document is no filing receipt of a version this office issues."""
    public_key = public_key or crypto.office_public_key()
    try:
        payload, signature = document["receipt"], document["signature"]
        signed = document["field_digests"] if "field_digests" in document else document["field_signatures"]
    except (KeyError, TypeError):
        payload = signature = signed = None
    if not isinstance(payload, dict) or not isinstance(signed, dict) or not isinstance(signature, str):
        return _not_a_receipt("receipt, signature and field_digests (or field_signatures) are required")
    labelled = "format" in document or "version" in document
    kind = document.get("format")
    if labelled and (kind not in FORMATS or FORMATS[kind] != document.get("version")):
        known = " or ".join(f"{name!r} version {version}" for name, version in FORMATS.items())
        return _not_a_receipt(f"format {kind!r} version {document.get('version')!r} is not {known}")
    if "field_digests" in document:
        message = _digests_message(signed, labelled=labelled, kind=kind if labelled else RECEIPT_FORMAT)
        if not crypto.verify(public_key, message, signature):
            return ReceiptCheck(False, problem=NOT_THE_OFFICES)
        digests = field_digests(payload)
        return _checked(_altered(payload, signed, lambda name: digests[name] == signed[name]))
    # version 1: the whole payload signed, and each field on its own
    serial = payload.get("serial_number")
    if crypto.verify(public_key, crypto.canonical_json(payload), signature):
        # the office signed this message, but another kind of message (a version 2
        # digests message, a version 1 field) is not a receipt
        if not set(payload) >= RECEIPT_FIELDS or not isinstance(serial, str):
            return _not_a_receipt("the signed message is not a filing receipt")
        return ReceiptCheck(True)
    altered = _altered(
        payload,
        signed,
        lambda name: crypto.verify(public_key, _field_message(serial, name, payload[name]), signed[name]),
    )
    return _checked(altered) if altered else ReceiptCheck(False, problem=NOT_THE_OFFICES)
