"""The built-in provider's own record: the authorization codes it hands out, each
redeemable once, by the client it was issued to, with the PKCE verifier it was bound to."""

from django.db import models


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)  # SHA-256: a leaked table redeems nothing
    client_id = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=2000)
    code_challenge = models.CharField(max_length=128)
    # what the ID token will say (nonce, acr, name, document, method), sealed (AES-GCM, the
    # core's evidence keys) so no document number stands in a table; emptied once redeemed
    sealed_claims = models.TextField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
