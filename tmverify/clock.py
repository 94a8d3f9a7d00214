"""The one source of "now" and "today". Rules never ask the system clock directly.

Tests and the simulator set the clock; `TMVERIFY_TODAY` pins the date for demos.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

_pinned: datetime | None = None


def now() -> datetime:
    if _pinned is not None:
        return _pinned
    if settings.TMVERIFY_TODAY:
        pinned_day = date.fromisoformat(settings.TMVERIFY_TODAY)
        return datetime.combine(pinned_day, timezone.now().timetz())
    return timezone.now()


def today() -> date:
    return now().date()


def end_of_day(day: date) -> datetime:
    """The last moment of `day` (UTC, as the clock's days are): a day open to its end."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def set_now(moment: datetime) -> None:
    global _pinned
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    _pinned = moment


def set_today(day: date) -> None:
    """Pin the clock to noon UTC of `day`."""
    set_now(datetime.combine(day, time(12, 0), tzinfo=UTC))


def advance(delta: timedelta) -> None:
    set_now(now() + delta)


def reset() -> None:
    global _pinned
    _pinned = None
