"""Crypto per operation: ID token verification (ES256), evidence encryption/decryption,
receipt signing/verification, audit hash.

    python -m bench.crypto_ops
"""

import argparse
import time
from datetime import date

from .common import emit, setup_django, summary


def _per_op(fn, calls: int, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return summary(samples)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    setup_django()

    from joserfc import jwt
    from joserfc.jwk import KeySet

    from applications.models import Application, Receipt
    from applications.receipts import check_receipt, receipt_document, sign_payload
    from applications.services import submit_filing
    from provider.issuer import ALGORITHM, SimulatedProvider, public_jwks, sign_id_token
    from tmverify import audit, clock, crypto
    from tmverify.models import AuditEvent

    from .data import attorney, clone_filings

    clock.set_today(date(2025, 6, 2))
    claims = SimulatedProvider().issue(
        nonce="n", method="online", passed=True, document_country="US", document_number="X1"
    )
    token = sign_id_token(claims, client_id="tmverify", issuer="https://provider.example")
    keys = KeySet.import_key_set(public_jwks())
    sealed = crypto.encrypt('{"country": "US", "number": "X1"}', context="identity-document:user:1")
    filing = submit_filing(attorney(), Application.objects.get(pk=clone_filings(1)[0]))
    document = receipt_document(Receipt.objects.get(application=filing))
    event = AuditEvent.objects.last()

    results = {
        # the ID token's signature (ES256), as the relying party checks it
        "id_token_verify": _per_op(lambda: jwt.decode(token, keys, algorithms=[ALGORITHM]), args.calls, args.runs),
        "evidence_encrypt": _per_op(
            lambda: crypto.encrypt('{"country": "US", "number": "X1"}', context="identity-document:user:1"),
            args.calls,
            args.runs,
        ),
        "evidence_decrypt": _per_op(
            lambda: crypto.decrypt(sealed, context="identity-document:user:1"), args.calls, args.runs
        ),
        "receipt_sign": _per_op(lambda: sign_payload(document["receipt"]), args.calls, args.runs),
        "receipt_verify": _per_op(lambda: check_receipt(document), args.calls, args.runs),
        "audit_hash": _per_op(lambda: audit.compute_hash(event), args.calls, args.runs),
    }
    emit({"bench": "crypto", "microseconds": results})


if __name__ == "__main__":
    main()
