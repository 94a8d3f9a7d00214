"""Cryptography helpers: evidence encryption (AES-GCM), fingerprints (HMAC-SHA256),
signatures (Ed25519) and canonical JSON.

Encrypted values are stored as `kid$base64(nonce || ciphertext)`; the key id says which
key of TMVERIFY_EVIDENCE_KEYS decrypts them, so keys can rotate.
"""

import base64
import functools
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from . import document_numbers


class DecryptionError(Exception):
    pass


def canonical_json(value) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- encryption at rest --------------------------------------------------------------
@functools.cache
def _aesgcm(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) != 32:
        raise ValueError("evidence keys must be 32 bytes (AES-256)")
    return AESGCM(key)


def current_key_id() -> str:
    return next(iter(settings.TMVERIFY_EVIDENCE_KEYS))


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the newest key; `context` is bound as associated data."""
    kid = current_key_id()
    nonce = os.urandom(12)
    ciphertext = _aesgcm(settings.TMVERIFY_EVIDENCE_KEYS[kid]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{kid}${b64encode(nonce + ciphertext)}"


def decrypt(token: str, *, context: str) -> str:
    kid, sep, body = token.partition("$")
    key = settings.TMVERIFY_EVIDENCE_KEYS.get(kid)
    if not sep or key is None:
        raise DecryptionError(f"no evidence key {kid!r} is configured")
    raw = b64decode(body)
    try:
        return _aesgcm(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except Exception as exc:  # InvalidTag and malformed input alike
        raise DecryptionError("evidence could not be decrypted") from exc


# --- fingerprints ----------------------------------------------------------------------
def normalise_document(country: str, number: str, *, lenient: bool = False) -> str:
    """`COUNTRY:NUMBER` in the number's normal form (document_numbers). Raises
    DocumentNumberError on a number outside the alphabet; `lenient` drops those
    characters instead, as the fingerprints stored before issue 18 did (migrations only)."""
    normal = document_numbers.fold(number)[0] if lenient else document_numbers.normal_number(number)
    return f"{country.strip().upper()}:{normal}"


def keyed_digest(text: str) -> str:
    """HMAC-SHA256 under the fingerprint key: equal texts match, the text is never stored."""
    return hmac.new(settings.TMVERIFY_FINGERPRINT_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def fingerprint(country: str, number: str, *, lenient: bool = False) -> str:
    """Keyed fingerprint of a government ID: equal documents match, plaintext never stored."""
    return keyed_digest(normalise_document(country, number, lenient=lenient))


# --- Ed25519 -------------------------------------------------------------------------
@functools.cache
def private_key(seed_b64: str) -> Ed25519PrivateKey:
    seed = base64.b64decode(seed_b64)
    return Ed25519PrivateKey.from_private_bytes(seed[:32])


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return b64encode(key.sign(message))


def verify(public_key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public_key.verify(b64decode(signature), message)
    except (InvalidSignature, ValueError, TypeError):  # TypeError: a signature that is not text
        return False
    return True


def office_key() -> Ed25519PrivateKey:
    return private_key(settings.TMVERIFY_OFFICE_SIGNING_KEY)


def office_public_key() -> Ed25519PublicKey:
    return office_key().public_key()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
