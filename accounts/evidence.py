"""Identity evidence at rest: the government ID is stored only encrypted (AES-GCM) and
bound to its account; duplicates are found through the keyed fingerprint (R6)."""

import json

from tmverify import crypto


def _context(user_pk: int) -> str:
    return f"identity-document:user:{user_pk}"


def seal_document(user_pk: int, country: str, number: str) -> str:
    return crypto.encrypt(json.dumps({"country": country.upper(), "number": number}), context=_context(user_pk))


def open_document(user_pk: int, sealed: str) -> tuple[str, str]:
    """(country, number); raises crypto.DecryptionError on a wrong key or tampering."""
    document = json.loads(crypto.decrypt(sealed, context=_context(user_pk)))
    return document["country"], document["number"]


def reseal(user_pk: int, sealed: str) -> str:
    """The same document under the newest key (key rotation)."""
    return crypto.encrypt(crypto.decrypt(sealed, context=_context(user_pk)), context=_context(user_pk))


def sealed_fields():
    """Every encrypted column, with how to find the account its context is bound to."""
    from .models import PaperVerification, User

    return [
        (User, "document_ciphertext", "pk"),
        (PaperVerification, "document_ciphertext", "user_id"),
    ]
