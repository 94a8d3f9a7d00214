"""oidc-provider (tests/oidc/provider.mjs) started for a test, and tmverify pointed at it:
for tests/oidc/test_oidc_provider.py and the browser journey through it
(tests/browser/test_oidc_journey.py)."""

import json
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from accounts import oidc

HERE = Path(__file__).parent
NODE = shutil.which("node")
IAL2 = "http://idmanagement.gov/ns/assurance/ial/2"
IAL1 = "http://idmanagement.gov/ns/assurance/ial/1"
SECRET = "tmverify-test-secret-0123456789"
DEFAULT_CALLBACK = "http://127.0.0.1:8000/accounts/identity/callback/"
# the test person as the provider knows her (no verification_method: tmverify then
# takes the method the person chose)
ACCOUNTS = {
    "li": {"given_name": "Li", "family_name": "Wei", "document_number": "E9876543", "document_country": "CN"},
}


def missing() -> str:
    """Why the oidc-provider tests cannot run here; empty when they can."""
    if NODE is None:
        return "Node.js is not installed (apt-get install nodejs): the oidc-provider tests need it"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "tests/oidc/node_modules is missing: run `npm ci` in tests/oidc for the oidc-provider tests"
    return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def _client_key() -> tuple[str, dict]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, {**RSAKey.import_key(pem).as_dict(private=False), "kid": "tmverify-test", "use": "sig"}


@contextmanager
def oidc_provider(redirect_uri: str, *, userinfo_only: bool = False):
    """oidc-provider on a free port, with tmverify's clients: by secret, by private key,
    and another service's (same secret) for the wrong audience; the person's claims in
    the ID token, or with `userinfo_only` (oidc-provider's default) only from UserInfo."""
    port = _free_port()
    pem, public = _client_key()
    common = {"redirect_uris": [redirect_uri], "grant_types": ["authorization_code"], "response_types": ["code"]}
    clients = [
        {"client_id": "tmverify", "client_secret": SECRET, **common},
        {"client_id": "another-service", "client_secret": SECRET, **common},
        {
            "client_id": "tmverify-pkjwt",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [public]},
            **common,
        },
    ]
    process = subprocess.Popen(
        [NODE, str(HERE / "provider.mjs")],
        cwd=HERE,
        env={
            "PORT": str(port),
            "CONFIG": json.dumps({"clients": clients, "accounts": ACCOUNTS, "userinfoOnly": userinfo_only}),
            "PATH": "",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://localhost:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None:
                pytest.fail(f"oidc-provider did not start: {process.stdout.read()}")
            time.sleep(0.2)
        yield SimpleNamespace(issuer=issuer, private_key=pem)
    finally:
        process.terminate()
        process.wait(timeout=10)


def point_at(settings, provider, client_id="tmverify"):
    """tmverify configured for the provider, as README "Identity provider" says."""
    settings.TMVERIFY_OIDC_ISSUER = provider.issuer
    settings.TMVERIFY_OIDC_CLIENT_ID = client_id
    settings.TMVERIFY_OIDC_CLIENT_SECRET = SECRET
    settings.TMVERIFY_OIDC_CLIENT_AUTH = "client_secret_basic"
    oidc.forget_provider()
