"""Settings for tmverify, read from the environment (see README "Configuration")."""

import base64
import hashlib
import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def rp_id_of(site_url: str) -> str:
    """The host of `site_url` when it is a name, else localhost (WebAuthn refuses IPs)."""
    host = urlsplit(site_url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host or "localhost"
    return "localhost"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-tmverify-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",  # its translations of the country names
    # the second factor at sign-in: authenticator apps (TOTP) and recovery codes (static)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tmverify",
    "accounts",
    "applications",
    "console",
    "simulator",
    "provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tmverify.middleware.SecurityHeadersMiddleware",
    "tmverify.middleware.RequestBodyLimitMiddleware",
    "tmverify.middleware.PathParameterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a session that still owes its second factor reaches only the pages that take it
    # (not django-otp's OTPMiddleware: its user.is_verified() would hide the account's own
    # is_verified, the identity state)
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tmverify.middleware.DatabaseBusyMiddleware",
    "tmverify.middleware.SitePagesInDebugMiddleware",
]

ROOT_URLCONF = "tmverify.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tmverify.outbox.development",
            ],
        },
    },
]

WSGI_APPLICATION = "tmverify.wsgi.application"

# SQLite by default; DATABASE_URL=postgres://... for PostgreSQL. SQLite takes the write
# lock when a transaction starts (IMMEDIATE), so two writers queue instead of failing
# half-way with "database is locked".
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's own SQLite backend: a writer waits up to `timeout` seconds for the lock.
    # WAL lets readers go on while one writer commits; NORMAL syncs at checkpoints, which
    # in WAL mode still never corrupts the database (a power cut may lose the last commits).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # values travel apart from the SQL (server-side binding), so a statement run 5 times
    # on a connection is prepared: parsed and planned once (DECISIONS 35).
    # DJANGO_PG_PREPARE_THRESHOLD=off behind a pooler that cannot keep prepared
    # statements (PgBouncer's transaction mode before 1.21).
    prepare_after = os.environ.get("DJANGO_PG_PREPARE_THRESHOLD", "5")
    if prepare_after != "off" and not prepare_after.isdigit():
        raise ImproperlyConfigured("DJANGO_PG_PREPARE_THRESHOLD is a number of runs, or off.")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=None if prepare_after == "off" else int(prepare_after)
    )

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "applications:dashboard"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded evidence (notarized forms, pen-and-ink signatures) lives outside any public
# folder and is only ever served through views that check who is asking.
PRIVATE_UPLOAD_ROOT = Path(os.environ.get("TMVERIFY_UPLOAD_ROOT", BASE_DIR / "private_uploads"))
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# A request body longer than this is refused (413) from its Content-Length, unread: an
# upload at the limit and the form's fields around it fit.
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 256 * 1024
# What Django keeps of a body it reads: an accepted file stays in memory (nothing is
# spooled to disk), the other fields are bounded in size and number (the application form
# with its 60 goods rows is about 200 fields), and a form takes one file.
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
DATA_UPLOAD_MAX_NUMBER_FILES = 2

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Mail. Signing links travel by mail, so in production it leaves only through a real mail
# server: SMTP from the environment (`tmverify/checks.py` fails the deploy check on the
# console, locmem, file or dummy backend, or on no DJANGO_EMAIL_HOST). In debug it is
# printed to the console.
# In debug it is printed to the console and kept in the outbox folder, which /outbox/
# shows (tmverify/outbox.py).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "tmverify.outbox.OutboxBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
TMVERIFY_OUTBOX_DIR = Path(os.environ.get("TMVERIFY_OUTBOX_DIR", BASE_DIR / "outbox"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not env_bool("DJANGO_EMAIL_USE_SSL", False))
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "TEAS simulator <no-reply@tmverify.example>")
# Where people reach this site: the links in mail are built on it. Required in
# production (the deploy check says so); in debug, the development server.
TMVERIFY_SITE_URL = os.environ.get("TMVERIFY_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


# --- tmverify keys -------------------------------------------------------------------
# Production sets every key explicitly. In debug, keys are derived from SECRET_KEY so
# that `make run` works on a fresh machine.
def _derived_key(label: str) -> str:
    digest = hashlib.sha256(f"{SECRET_KEY}|{label}".encode()).digest()
    return base64.b64encode(digest).decode()


def _key_setting(name: str, label: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} is required when DJANGO_DEBUG is off.")
    return _derived_key(label)


def _parse_key_ring(value: str) -> dict[str, str]:
    """`kid:base64,kid2:base64` -> ordered {kid: base64}; the first key encrypts."""
    ring = {}
    for item in value.split(","):
        kid, _, key = item.strip().partition(":")
        if not kid or not key:
            raise ImproperlyConfigured("TMVERIFY_EVIDENCE_KEYS must look like 'kid:base64key,...'.")
        ring[kid] = key
    return ring


# AES-256-GCM keys for identity evidence at rest, newest first; older ones only decrypt.
TMVERIFY_EVIDENCE_KEYS = _parse_key_ring(
    os.environ.get("TMVERIFY_EVIDENCE_KEYS", "") or f"k1:{_key_setting('TMVERIFY_EVIDENCE_KEYS', 'evidence-k1')}"
)
# HMAC-SHA256 key for document fingerprints (duplicate detection without plaintext).
TMVERIFY_FINGERPRINT_KEY = _key_setting("TMVERIFY_FINGERPRINT_KEY", "fingerprint")
# Ed25519 private key seeds (base64, 32 bytes): the office signs receipts; the simulated
# identity provider (provider/) is an outside party with its own key.
TMVERIFY_OFFICE_SIGNING_KEY = _key_setting("TMVERIFY_OFFICE_SIGNING_KEY", "office-ed25519")
TMVERIFY_PROVIDER_SIGNING_KEY = _key_setting("TMVERIFY_PROVIDER_SIGNING_KEY", "provider-ed25519")
# The identity provider as tmverify's relying party (accounts/oidc.py) knows it: any
# OpenID Connect provider, by its issuer URL (discovery document, JWKS, authorize and
# token endpoints are read from `ISSUER/.well-known/openid-configuration`). By default
# the built-in simulated one (provider/) under this site's /provider. README
# "Identity provider" says how to point at ID.me or Login.gov.
TMVERIFY_OIDC_ISSUER = os.environ.get("TMVERIFY_OIDC_ISSUER", f"{TMVERIFY_SITE_URL}/provider").rstrip("/")
TMVERIFY_OIDC_CLIENT_ID = os.environ.get("TMVERIFY_OIDC_CLIENT_ID", "tmverify")
# client authentication at the token endpoint: private_key_jwt (Login.gov's) when a
# private key (PEM, RSA) is given, else the client secret (client_secret_basic or, with
# TMVERIFY_OIDC_CLIENT_AUTH=client_secret_post, in the body)
TMVERIFY_OIDC_CLIENT_KEY = os.environ.get("TMVERIFY_OIDC_CLIENT_KEY", "")
TMVERIFY_OIDC_CLIENT_KEY_ID = os.environ.get("TMVERIFY_OIDC_CLIENT_KEY_ID", "")
TMVERIFY_OIDC_CLIENT_SECRET = os.environ.get("TMVERIFY_OIDC_CLIENT_SECRET", "") or (
    "" if TMVERIFY_OIDC_CLIENT_KEY else _key_setting("TMVERIFY_OIDC_CLIENT_SECRET", "oidc-client-secret")
)
TMVERIFY_OIDC_CLIENT_AUTH = os.environ.get(
    "TMVERIFY_OIDC_CLIENT_AUTH", "private_key_jwt" if TMVERIFY_OIDC_CLIENT_KEY else "client_secret_basic"
)
# where the provider sends the person back (registered with the provider, exactly)
TMVERIFY_OIDC_REDIRECT_URI = os.environ.get(
    "TMVERIFY_OIDC_REDIRECT_URI", f"{TMVERIFY_SITE_URL}/accounts/identity/callback/"
)
TMVERIFY_OIDC_SCOPES = os.environ.get("TMVERIFY_OIDC_SCOPES", "openid profile tmverify_identity")
# IAL2 (identity proofed with a government ID), asked with acr_values; the ID token's
# acr must be one of these (space-separated, as acr_values itself)
TMVERIFY_OIDC_ACR_VALUES = os.environ.get("TMVERIFY_OIDC_ACR_VALUES", "http://idmanagement.gov/ns/assurance/ial/2")
# which ID token claim carries what verification needs (JSON, merged over these): the
# verified name, the document number or else a stable fingerprint of the document the
# provider gives, the country that issued it, and the method (online / video; absent,
# the method the person chose). An empty name switches a claim off.
TMVERIFY_OIDC_CLAIMS = {
    "given_name": "given_name",
    "family_name": "family_name",
    "document_number": "document_number",
    "document_fingerprint": "",
    "document_country": "document_country",
    "method": "verification_method",
    **json.loads(os.environ.get("TMVERIFY_OIDC_CLAIMS", "") or "{}"),
}
# seconds a call to the provider may take, and the clock skew tolerated on exp / iat
TMVERIFY_OIDC_TIMEOUT = float(os.environ.get("TMVERIFY_OIDC_TIMEOUT", "10"))
TMVERIFY_OIDC_LEEWAY = int(os.environ.get("TMVERIFY_OIDC_LEEWAY", "60"))
# how long an authorization (state, nonce, PKCE verifier) stays open
TMVERIFY_PROVIDER_RESULT_TTL = timedelta(minutes=10)
# The built-in provider's own side: the clients it knows (by default this site, with its
# secret), and what answers a verification without a browser (the simulator, the demo
# people, tests): a class whose instances `issue(nonce=, method=, passed=,
# document_country=, document_number=)` the claims its ID token would carry; named by
# string, as the provider is no app's import
TMVERIFY_PROVIDER_ISSUER = os.environ.get("TMVERIFY_PROVIDER_ISSUER", f"{TMVERIFY_SITE_URL}/provider").rstrip("/")
TMVERIFY_PROVIDER_CLIENTS = {
    TMVERIFY_OIDC_CLIENT_ID: {
        "client_secret": TMVERIFY_OIDC_CLIENT_SECRET,
        "jwks": json.loads(os.environ.get("TMVERIFY_PROVIDER_CLIENT_JWKS", "") or "null"),
        "redirect_uris": [TMVERIFY_OIDC_REDIRECT_URI],
    }
}
TMVERIFY_PROVIDER_DRIVER = os.environ.get("TMVERIFY_PROVIDER_DRIVER", "provider.issuer.SimulatedProvider")

# Policy profile: "enacted" (default) or "announced" (R2 mandatory date 2022-04-09).
TMVERIFY_POLICY = os.environ.get("TMVERIFY_POLICY", "enacted")
# Pins "today" for demos (YYYY-MM-DD); tests and the simulator set the clock directly.
TMVERIFY_TODAY = os.environ.get("TMVERIFY_TODAY", "")

# The audit chain's head is signed with the office key at every receipt and every this
# many events (and on `manage.py audit_checkpoint`); verify_audit_chain reports a longer
# stretch without a checkpoint, so lower it only for a fresh chain.
AUDIT_CHECKPOINT_EVERY = int(os.environ.get("TMVERIFY_AUDIT_CHECKPOINT_EVERY", "1000"))

# R5: failed provider attempts before a lockout, and the window/lock length.
IDV_MAX_ATTEMPTS = 5
IDV_ATTEMPT_WINDOW = timedelta(hours=6)
SIGNATURE_LINK_TTL = timedelta(days=30)
FRAUD_HOLD_AUTO_REJECT = timedelta(days=30)
# R23 signals: more than this many distinct applicants submitted by one account within
# the window raises high_volume_filer.
HIGH_VOLUME_APPLICANTS = 20
HIGH_VOLUME_WINDOW = timedelta(days=30)

AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend"]

# The second factor at sign-in (accounts/second_factor.py, docs/DECISIONS.md 81-85):
# office staff always, everyone when TMVERIFY_REQUIRE_MFA is on (the production default;
# development and tests default off, so `make run`'s demo filers sign in as before).
TMVERIFY_REQUIRE_MFA = env_bool("TMVERIFY_REQUIRE_MFA", not DEBUG)
# WebAuthn's relying party id: the site's own host name (a security key answers only the
# host it was registered on, and never an IP address). By default TMVERIFY_SITE_URL's
# host, or localhost when that is an address (http://127.0.0.1:8000 in debug: open the
# demo as http://localhost:8000 to use a security key).
TMVERIFY_WEBAUTHN_RP_ID = os.environ.get("TMVERIFY_WEBAUTHN_RP_ID", "") or rp_id_of(TMVERIFY_SITE_URL)
# the name authenticator apps show beside the account (TOTP's default tolerance stands:
# a code of the step before or after now, for a phone's clock a little off)
OTP_TOTP_ISSUER = "tmverify"
# django-otp's own back-off per device (1, 2, 4 ... seconds after each failure, without
# end) is off: the sign-in limits count every second-factor failure instead, the same
# limits as passwords, and never lock a person's factor for good (DECISIONS 83)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Sign-in limits (accounts/sign_in_limits.py): this many failures within the window, for
# one account, from one client address (password spraying over many accounts) or overall,
# pause sign-in there for the window, whatever the password.
SIGNIN_MAX_FAILURES = 10
SIGNIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("TMVERIFY_SIGNIN_MAX_FAILURES_PER_ADDRESS", "50"))
SIGNIN_MAX_FAILURES_OVERALL = int(os.environ.get("TMVERIFY_SIGNIN_MAX_FAILURES_OVERALL", "1000"))
SIGNIN_LOCK_WINDOW = timedelta(minutes=15)
# Where they are counted: Django's cache on Redis when REDIS_URL is set (shared by every
# worker and machine), else the database. The cache alias, or "" for the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
SIGNIN_LIMITS_CACHE = "default" if REDIS_URL else ""
# Where a suspended account is told to write to appeal (R23).
TMVERIFY_APPEALS_EMAIL = os.environ.get("TMVERIFY_APPEALS_EMAIL", "appeals@tmverify.example")

# Email confirmation (docs/DECISIONS.md 46-48): a link works this long, once; and an
# account is sent at most this many mails of its own (confirmation links, sign-up
# notices, password resets) within the window, so no one can flood an inbox through us.
EMAIL_CONFIRMATION_TTL = timedelta(days=3)
ACCOUNT_MAILS_MAX = 3
ACCOUNT_MAILS_WINDOW = timedelta(hours=1)

# R23 fraud signals on the review console: a row is listed when its count reaches the
# threshold.
SIGNAL_OWNERS_PER_ACCOUNT = 20  # distinct applicants one account filed for
SIGNAL_ACCOUNTS_PER_BAR_NUMBER = 2  # accounts giving one bar jurisdiction and number
SIGNAL_FILINGS_PER_BAR_NUMBER = 50  # filings whose attorney of record gives one bar number
SIGNAL_SIGNATURES_BY_OTHERS = 1  # an account's filings flagged signature_entered_by_other
SIGNAL_STAFF_PER_ATTORNEY = 10  # support staff one attorney sponsors at once
SIGNAL_MAIL_DROP_FILINGS = 3  # an account's filings flagged mail_drop_domicile
SIGNAL_ACCOUNTS_PER_DOCUMENT = 2  # accounts presenting one identity document

# --- population runs on Celery (`simulate --backend celery`, simulator/celery.py) --------
# One Redis is the broker and the result store of every machine of a run; there is no
# default, so a worker never settles for a broker of its own choosing.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or None
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# a block's summary stays a day in Redis; the resume file is the lasting record
CELERY_RESULT_EXPIRES = timedelta(days=1)
# a worker process takes one block at a time, so blocks spread evenly over the workers
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# a block taken by a machine that vanished goes back to the queue after this long; a
# block of 1,000 people takes 10 to 60 s of one core, so 10 minutes never cuts one short
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
