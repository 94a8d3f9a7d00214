"""Sign-in limits: failures per account, per client address and overall, within
SIGNIN_LOCK_WINDOW (issue 19).

Each attempt is counted before its password is hashed, and the count is read back with
it, so attempts arriving together see each other: at most the limit's worth of them get
their password checked. An attempt over any limit takes its count back and is refused
unchecked (it neither counts nor extends the pause); a right password takes its count
back too, so only failures remain counted.

Counts live in the database (`SignInFailure`: one row per attempt, committed before the
count), or in Django's cache named by SIGNIN_LIMITS_CACHE (Redis when REDIS_URL is set),
whose atomic `incr` counts per window: there an attempt counts in the current window and
the one before, so a pause lasts one to two windows.
"""

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Q

from tmverify import audit, clock

from .models import SignInFailure


def limits() -> dict[str, int]:
    return {
        "account": settings.SIGNIN_MAX_FAILURES,
        "address": settings.SIGNIN_MAX_FAILURES_PER_ADDRESS,
        "overall": settings.SIGNIN_MAX_FAILURES_OVERALL,
    }


@dataclass
class Attempt:
    email: str
    address: str
    counts: dict[str, int] = field(default_factory=dict)
    row_id: int | None = None
    keys: list[str] = field(default_factory=list)

    def over(self) -> list[str]:
        """The scopes whose limit this attempt would pass."""
        return [scope for scope, limit in limits().items() if self.counts.get(scope, 0) > limit]


def client_address(request) -> str:
    """The address the request came from, as the server saw it (REMOTE_ADDR: a proxy in
    front must pass the client's own, e.g. gunicorn's --forwarded-allow-ips)."""
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "")[:45]


def count_attempt(email: str, address: str) -> Attempt:
    """Count one attempt in every scope (no address: that scope is left out) and read the
    counts back, this attempt included."""
    attempt = Attempt(email, address)
    if settings.SIGNIN_LIMITS_CACHE:
        _count_in_cache(attempt)
    else:
        _count_in_database(attempt)
    return attempt


def take_back(attempt: Attempt) -> None:
    """The attempt was refused unchecked, or its password was right: it is no failure."""
    if attempt.row_id is not None:
        SignInFailure.objects.filter(pk=attempt.row_id).delete()
    cache = caches[settings.SIGNIN_LIMITS_CACHE] if attempt.keys else None
    for key in attempt.keys:
        with suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)


class SignInPaused(Exception):
    """The attempt was over a limit: refused unchecked, and not counted."""


def judge(email: str, address: str, check: Callable[[], bool], account_of: Callable[[], object] = lambda: None) -> bool:
    """Count one attempt, then `check()` it: a password, or a second factor (docs/DECISIONS.md
    83), which counts toward the same limits. Over a limit the attempt is taken back and
    SignInPaused raised before `check` runs; a right answer is taken back too. When the
    account's failures reach its limit, its pause is audited once (on `account_of()`, the
    account checked, when there is one)."""
    attempt = count_attempt(email, address)
    if attempt.over():
        take_back(attempt)
        raise SignInPaused
    if check():
        take_back(attempt)
        return True
    account = account_of()
    if account is not None and attempt.counts["account"] == settings.SIGNIN_MAX_FAILURES:
        # audited once, when the account's pause starts, so an attacker cannot flood the log
        with audit.atomic():
            audit.record("account.sign_in_locked", account, data={"minutes": 15})
    return False


def _count_in_database(attempt: Attempt) -> None:
    now = clock.now()
    # committed on its own before the count: concurrent attempts each see the others
    attempt.row_id = SignInFailure.objects.create(email=attempt.email, address=attempt.address, at=now).pk
    recent = SignInFailure.objects.filter(at__gt=now - settings.SIGNIN_LOCK_WINDOW)
    counted = {"account": Count("pk", filter=Q(email=attempt.email)), "overall": Count("pk")}
    if attempt.address:
        counted["address"] = Count("pk", filter=Q(address=attempt.address))
    attempt.counts = recent.aggregate(**counted)


def _count_in_cache(attempt: Attempt) -> None:
    cache = caches[settings.SIGNIN_LIMITS_CACHE]
    window = int(settings.SIGNIN_LOCK_WINDOW.total_seconds())
    current = int(clock.now().timestamp()) // window
    scopes = {"account": attempt.email, "overall": "*"}
    if attempt.address:
        scopes["address"] = attempt.address
    for scope, value in scopes.items():
        name = hashlib.sha256(value.encode()).hexdigest()[:32]  # no address or email kept in clear
        key, before = f"signin:{scope}:{name}:{current}", f"signin:{scope}:{name}:{current - 1}"
        cache.add(key, 0, timeout=2 * window)
        attempt.keys.append(key)
        attempt.counts[scope] = cache.incr(key) + (cache.get(before) or 0)
