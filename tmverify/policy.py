"""The policy calendar: every date and fee of DESIGN.md, by profile.

`enacted` holds the dates as enacted; `announced` moves R2's mandatory date to the one
first announced (2022-04-09, later postponed). Nothing else in the code holds a date.
"""

import calendar
import functools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The span the scenario language's clock may cover (SCENARIOS.md: a scenario starts between
# these days): dates far beyond it overflow Python's calendar once deadlines are added.
SIMULATED_FROM, SIMULATED_TO = date(2019, 1, 1), date(2035, 12, 31)


@dataclass(frozen=True)
class Policy:
    name: str
    # R2: verification opens, then becomes mandatory for owners and attorneys.
    verification_opens: date = date(2022, 1, 8)
    verification_mandatory: date = date(2022, 8, 6)
    # R11: support staff self-verification opens, then becomes mandatory.
    staff_verification_opens: date = date(2023, 10, 14)
    staff_verification_mandatory: date = date(2024, 1, 20)
    # R16: foreign-domiciled applicants need US counsel.
    us_counsel_required_from: date = date(2019, 8, 3)
    # R20: the fee schedule changed on these filing dates (37 CFR 2.6(a)(1)): TEAS Plus and
    # TEAS Standard rose (85 FR 73197), then gave way to a base fee and surcharges (89 FR 91062).
    teas_fees_raised_from: date = date(2021, 1, 2)
    new_fees_from: date = date(2025, 1, 18)
    # R21: shorter office-action response period for actions issued from this date.
    short_response_period_from: date = date(2022, 12, 3)

    def mandatory_date(self, role: str) -> date:
        """The day identity verification becomes required for `role` (R2, R11)."""
        if role == "support_staff":
            return self.staff_verification_mandatory
        return self.verification_mandatory

    def opening_date(self, role: str) -> date:
        if role == "support_staff":
            return self.staff_verification_opens
        return self.verification_opens


PROFILES = {
    "enacted": Policy(name="enacted"),
    "announced": Policy(name="announced", verification_mandatory=date(2022, 4, 9)),
}

# R20 fees, whole dollars, a class. TEAS Plus and TEAS Standard before 2021-01-02, then
# until 2025-01-17:
FEE_TEAS_PLUS_BEFORE_2021 = 225
FEE_TEAS_STANDARD_BEFORE_2021 = 275
FEE_TEAS_PLUS = 250
FEE_TEAS_STANDARD = 350
# from 2025-01-18:
FEE_BASE = 350
FEE_INSUFFICIENT_INFORMATION = 100
FEE_FREE_FORM_TEXT = 200
FEE_EXTRA_TEXT = 200
FREE_TEXT_CHARACTERS = 1000

_active: Policy | None = None


def current() -> Policy:
    if _active is not None:
        return _active
    return PROFILES[settings.TMVERIFY_POLICY]


def activate(name: str) -> None:
    global _active
    if name not in PROFILES:
        raise ValueError(f"unknown policy profile {name!r} (use one of {sorted(PROFILES)})")
    _active = PROFILES[name]


def deactivate() -> None:
    global _active
    _active = None


@contextmanager
def profile(name: str):
    previous = _active
    activate(name)
    try:
        yield current()
    finally:
        globals()["_active"] = previous


# R20 fee lines. The English label goes into signed receipts; pages show `localized`.
_FEE_LABELS = {
    "teas_plus": gettext_noop("TEAS Plus, %(count)s class(es) x $%(unit)s"),
    "teas_standard": gettext_noop("TEAS Standard, %(count)s class(es) x $%(unit)s"),
    "base": gettext_noop("Base application, %(count)s class(es) x $%(unit)s"),
    "free_form": gettext_noop("Free-form text, %(count)s class(es) x $%(unit)s"),
    "extra_text": gettext_noop("Additional text, %(count)s x $%(unit)s"),
    "insufficient_information": gettext_noop("Insufficient information, %(count)s class(es) x $%(unit)s"),
}


@dataclass(frozen=True)
class FeeLine:
    kind: str
    count: int
    unit: int

    @property
    def amount(self) -> int:
        return self.count * self.unit

    @property
    def label(self) -> str:
        return _FEE_LABELS[self.kind] % {"count": self.count, "unit": self.unit}

    @property
    def localized(self) -> str:
        return gettext(_FEE_LABELS[self.kind]) % {"count": self.count, "unit": self.unit}


def fee_lines(goods: list[tuple[int, str, bool]], on: date, information_missing: bool) -> list[FeeLine]:
    """R20: the fee lines for goods given as (class, text, from_id_manual), filed on `on`.

    At least one class is always charged: the filing-date minimum includes the fee for
    one class (R19). Before 2025-01-18 an application is TEAS Plus only when every entry
    is from the ID Manual and no required information is missing; one that misses some
    pays TEAS Standard (37 CFR 2.22(c)).
    """
    classes: dict[int, list[tuple[str, bool]]] = {}
    for nice_class, text, id_manual in goods:
        classes.setdefault(nice_class, []).append((text or "", id_manual))
    count = max(len(classes), 1)
    calendar = current()
    if on < calendar.new_fees_from:
        if on < calendar.teas_fees_raised_from:
            plus, standard = FEE_TEAS_PLUS_BEFORE_2021, FEE_TEAS_STANDARD_BEFORE_2021
        else:
            plus, standard = FEE_TEAS_PLUS, FEE_TEAS_STANDARD
        all_id_manual = bool(goods) and all(id_manual for _, _, id_manual in goods)
        if all_id_manual and not information_missing:
            return [FeeLine("teas_plus", count, plus)]
        return [FeeLine("teas_standard", count, standard)]
    lines = [FeeLine("base", count, FEE_BASE)]
    free_form = sum(1 for entries in classes.values() if any(not m for _, m in entries))
    if free_form:
        lines.append(FeeLine("free_form", free_form, FEE_FREE_FORM_TEXT))
    extra_blocks = 0
    for entries in classes.values():
        # only free-form text counts: ID Manual entries cost no surcharge (89 FR 91062)
        length = sum(len(text) for text, id_manual in entries if not id_manual)
        if length > FREE_TEXT_CHARACTERS:
            # each started 1,000 characters beyond the first 1,000
            extra_blocks += -(-(length - FREE_TEXT_CHARACTERS) // FREE_TEXT_CHARACTERS)
    if extra_blocks:
        lines.append(FeeLine("extra_text", extra_blocks, FEE_EXTRA_TEXT))
    if information_missing:
        lines.append(FeeLine("insufficient_information", count, FEE_INSUFFICIENT_INFORMATION))
    return lines


# --- prosecution (R21, R22): periods, the days they fall on, and the later forms' fees ---
# R21: months to respond to an office action issued before / from short_response_period_from
RESPONSE_MONTHS_BEFORE_2022_12_03 = 6
RESPONSE_MONTHS = 3
RESPONSE_EXTENSION_MONTHS = 3  # one extension, only of a 3-month period (37 CFR 2.62(a)(2))
REVIVAL_MONTHS = 2  # a petition to revive, from the notice of abandonment (37 CFR 2.66(a)(1))
OPPOSITION_DAYS = 30  # after publication (15 U.S.C. 1063(a))
STATEMENT_OF_USE_MONTHS = 6  # after the notice of allowance (37 CFR 2.88(a))
STATEMENT_OF_USE_EXTENSIONS = 5  # of 6 months each (37 CFR 2.89)


def add_months(day: date, months: int) -> date:
    """`months` months after `day` as the USPTO counts them: the same day of the month, or
    that month's last day when it has none (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.cache
def _dc_federal_holidays(year: int) -> frozenset[date]:
    """37 CFR 2.196: the federal holidays of 5 U.S.C. 6103(a) on their observed dates, and
    Inauguration Day (6103(c), kept in the District of Columbia), from the `holidays`
    package; the District's own Emancipation Day is not a federal holiday."""
    federal = set(holidays.US(years=year, observed=True))
    in_district = holidays.US(subdiv="DC", years=year, observed=True)
    federal |= {day for day in in_district if "Inauguration Day" in in_district.get_list(day)}
    return frozenset(federal)


def is_office_closed(day: date) -> bool:
    """A Saturday, a Sunday or a federal holiday in the District of Columbia."""
    return day.weekday() >= 5 or day in _dc_federal_holidays(day.year)


def next_open_day(day: date) -> date:
    """37 CFR 2.196: a period ending on a day the office is closed ends on the next day it
    is open."""
    while is_office_closed(day):
        day += timedelta(days=1)
    return day


def response_months(issued_on: date) -> int:
    """R21: 3 months for an office action issued from 2022-12-03, 6 before."""
    if issued_on >= current().short_response_period_from:
        return RESPONSE_MONTHS
    return RESPONSE_MONTHS_BEFORE_2022_12_03


def opposition_ends(published_on: date) -> date:
    """R22: the last day of the opposition period; it does not move under 2.196 (SCENARIOS
    v2, "Publication")."""
    return published_on + timedelta(days=OPPOSITION_DAYS)


# 37 CFR 2.6 as it stood on each day, whole dollars, filed electronically: for each form,
# (first day, fee) from the oldest, and whether it is charged for each class. Sources and
# what could not be confirmed: docs/RULES.md, "Fees of the later forms".
PROSECUTION_FEES = {
    "response": (False, ((date.min, 0),)),
    "response_extension": (False, ((date.min, 125),)),  # 2.6(a)(16)(ii), the same throughout
    "revival": (False, ((date.min, 100), (date(2021, 1, 2), 150), (date(2025, 1, 18), 250))),
    "statement_of_use": (True, ((date.min, 100), (date(2025, 1, 18), 150))),
    "sou_extension": (True, ((date.min, 150), (date(2021, 1, 2), 125), (date(2025, 1, 18), 250))),
    "opposition": (True, ((date.min, 300), (date(2021, 1, 2), 400), (date(2025, 1, 18), 600))),
}


def prosecution_fee(form: str, on: date, classes: int = 1) -> int:
    """The fee of a later form (`PROSECUTION_FEES`) filed on `on`, for `classes` classes
    (at least one) where it is charged by the class."""
    per_class, schedule = PROSECUTION_FEES[form]
    amount = next(fee for since, fee in reversed(schedule) if on >= since)
    return amount * max(classes, 1) if per_class else amount
