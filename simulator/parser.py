"""Scenario files (SCENARIOS.md, version 2) validated into plain step objects.

Everything that can be checked without running is checked here, so that a file with a
mistake runs nothing: bad JSON, unknown keys and steps, unknown actors and filings, bad
dates, a clock moved backwards, unknown roles, methods, decisions, codes and flags. A
value the rules refuse (a signature without a title, an unknown country) is not a
mistake in the file: the step runs and is refused with its reason code.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from accounts.models import normal_email
from applications.models import Basis, EntityType, FilingState
from tmverify.policy import PROFILES, SIMULATED_FROM, SIMULATED_TO
from tmverify.reasons import CODES, FLAGS

DEFAULT_DATE = date(2023, 6, 1)
FILER_ROLES = ("owner", "us_attorney", "ca_attorney", "support_staff")
OFFICE_ROLES = ("examiner", "supervisor")
IDENTITY_STATES = ("unverified", "pending_review", "verified", "locked", "fraud_hold", "rejected", "suspended")
IDENTITY_METHODS = ("online", "video", "paper", "patent")
SPONSORSHIP_STATES = ("requested", "active", "denied", "ended")


class ScenarioError(Exception):
    """The file is not a valid scenario file; the message says where and what."""


@dataclass
class Actor:
    id: str
    name: str
    email: str
    role: str  # "" when none chosen yet
    country: str
    document: str
    bar: dict | None = None
    patent_verified: bool = False
    patent_role: str = ""

    @property
    def first_name(self) -> str:
        return self.name.strip().split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        parts = self.name.strip().split(" ", 1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass
class Step:
    number: int
    kind: str  # "do" or "check"
    name: str  # the action or the check
    args: dict
    # None: expected to succeed; a list: refused with each of these codes (an empty
    # list, `expect: "refused"`: whatever the codes)
    expect: list[str] | None = None
    exactly: bool = False  # `expect_exactly`: refused with these codes and no other

    def describe(self) -> str:
        who = self.args.get("actor")
        parts = [self.name if self.kind == "do" else f"check {self.name}"]
        if who and self.kind == "do":
            parts.insert(0, who)
        for key in ("method", "result", "filing", "ref", "subject", "signer", "staff", "attorney", "decision"):
            value = self.args.get(key)
            if isinstance(value, str) and value:
                parts.append(f"{key}={value}")
        if self.name == "set_date":
            parts.append(self.args["date"].isoformat())
        if self.name == "advance":
            parts += [f"{self.args[unit]} {unit[:-1]}(s)" for unit in ("days", "hours") if unit in self.args]
        if self.kind == "check" and self.args.get("actor") and self.name in ("identity", "can_submit", "access"):
            parts.append(f"actor={self.args['actor']}")
        return " ".join(parts)


@dataclass
class Scenario:
    name: str
    file: str
    index: int  # position in the file, from 1
    policy: str
    start: date
    actors: dict[str, Actor]
    steps: list[Step] = field(default_factory=list)


# --- the step table: allowed keys and how each is checked --------------------------------
# kinds of value: "actor", "actors" (a list of actor ids), "filing", "ref", "date",
# "date_or_null", "role",
# "filer_role", "str", "bool", "int", "days", "hours", ("one_of", values), "applicant",
# "goods", "codes", "flags"
_SIGNED = {"signature": "str", "title": "str"}
_ACTIONS = {
    "set_date": ({"date": "date"}, {}),
    "advance": ({}, {"days": "days", "hours": "hours"}),
    "verify": (
        {"actor": "actor", "method": ("one_of", ("online", "video", "paper"))},
        {"result": ("one_of", ("pass", "fail")), "role": "filer_role", "document": "str"},
    ),
    "review_paper": ({"actor": "actor", "subject": "actor", "decision": ("one_of", ("approve", "reject"))}, {}),
    "choose_role": ({"actor": "actor", "role": "filer_role"}, {}),
    "fraud_review": ({"actor": "actor", "subject": "actor", "decision": ("one_of", ("pass", "reject"))}, {}),
    "suspend_account": ({"actor": "actor", "subject": "actor"}, {}),
    "reinstate_account": ({"actor": "actor", "subject": "actor"}, {}),
    "sponsor": ({"actor": "actor", "staff": "actor"}, {}),
    "request_sponsorship": ({"actor": "actor", "attorney": "actor"}, {}),
    "approve_sponsorship": ({"actor": "actor", "staff": "actor"}, {}),
    "deny_sponsorship": ({"actor": "actor", "staff": "actor"}, {}),
    "end_sponsorship": ({"actor": "actor"}, {"staff": "actor", "attorney": "actor"}),
    "create_application": (
        {"actor": "actor", "ref": "ref"},
        {
            "applicant": "applicant",
            "mark": "str",
            "basis": ("one_of", tuple(Basis.values)),
            "goods": "goods",
            "attorney": "actor",
            "first_use": "date",
            "specimen": "bool",
        },
    ),
    "request_signature": ({"actor": "actor", "filing": "filing", "signer": "actor"}, {}),
    # v2: a missing signature or title is refused by the rules (signature_format), not here
    "sign_by_link": ({"actor": "actor", "filing": "filing"}, {"signature": "str", "title": "str"}),
    "sign": ({"actor": "actor", "filing": "filing"}, {"signature": "str", "title": "str", "signer": "actor"}),
    "submit": ({"actor": "actor", "filing": "filing"}, {}),
    "withdraw_representation": ({"actor": "actor", "filing": "filing"}, {}),
    "appoint_attorney": ({"actor": "actor", "filing": "filing", "attorney": "actor"}, {}),
    "accept_appointment": ({"actor": "actor", "filing": "filing"}, {}),
    "decline_appointment": ({"actor": "actor", "filing": "filing"}, {}),
    "revoke_attorney": ({"actor": "actor", "filing": "filing", "attorney": "actor"}, {}),
    # prosecution (R21, R22): the filer's steps are signed in the step; a missing signature
    # or title is refused by the rules (signature_format), not here
    "issue_office_action": ({"actor": "actor", "filing": "filing"}, {"final": "bool"}),
    "request_extension": ({"actor": "actor", "filing": "filing"}, _SIGNED),
    "respond": ({"actor": "actor", "filing": "filing"}, _SIGNED),
    "petition_to_revive": ({"actor": "actor", "filing": "filing"}, _SIGNED),
    "approve_for_publication": ({"actor": "actor", "filing": "filing"}, {}),
    "file_opposition": ({"actor": "actor", "filing": "filing"}, {}),
    "decide_opposition": (
        {"actor": "actor", "filing": "filing", "decision": ("one_of", ("sustained", "dismissed"))},
        {},
    ),
    "file_statement_of_use": (
        {"actor": "actor", "filing": "filing"},
        {**_SIGNED, "first_use": "date", "specimen": "bool"},
    ),
    "request_sou_extension": ({"actor": "actor", "filing": "filing"}, _SIGNED),
}
_TIME_STEPS = {"set_date", "advance"}

_CHECKS = {
    "identity": (
        {"actor": "actor"},
        {
            "state": ("one_of", IDENTITY_STATES),
            "method": ("one_of", IDENTITY_METHODS),
            "role": "filer_role_or_none",
        },
    ),
    "filing": (
        {"filing": "filing"},
        {
            "state": ("one_of", tuple(FilingState.values)),
            "serial": "bool",
            "fee": "int",
            "flags": "flags",
            "no_flags": "flags",
            "attorneys": "actors",
            "pending": "actors",
            "deadline": "date_or_null",
            "registration": "bool",
        },
    ),
    "can_submit": (
        {"filing": "filing", "actor": "actor"},
        {"blocked": "codes", "blocked_exactly": "codes", "ok": "bool"},
    ),
    "sponsorship": ({"attorney": "actor", "staff": "actor", "state": ("one_of", SPONSORSHIP_STATES)}, {}),
    "access": ({"filing": "filing", "actor": "actor", "allowed": "bool"}, {}),
}

_ACTOR_KEYS = {"name", "email", "role", "country", "document", "bar", "patent_verified", "patent_role"}
_BAR_KEYS = {"jurisdiction", "number", "admitted", "good_standing"}
_APPLICANT_KEYS = {"name", "entity", "citizenship", "email", "domicile"}
_DOMICILE_KEYS = {"street", "city", "region", "postal_code", "country"}
_GOODS_KEYS = {"class", "text", "id_manual"}
_TOP_KEYS = {"name", "policy", "date", "actors", "steps"}
_MAX_DAYS = 36525
_MAX_HOURS = _MAX_DAYS * 24
# the model columns' lengths: longer input is refused here rather than by the database
_APPLICANT_LIMITS = {"name": 200, "entity": 30, "citizenship": 64, "email": 254}
_DOMICILE_LIMITS = {"street": 200, "city": 100, "region": 100, "postal_code": 20, "country": 64}


def _quote(values) -> str:
    return ", ".join(str(v) for v in values)


def _parse_date(value, what: str) -> date:
    if not isinstance(value, str):
        raise ScenarioError(f"{what} must be a date written YYYY-MM-DD, not {json.dumps(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def _on_calendar(day: date, what: str) -> date:
    """A day the simulated clock may stand on (far dates overflow once deadlines are added)."""
    if not SIMULATED_FROM <= day <= SIMULATED_TO:
        raise ScenarioError(f"{what} {day} is outside the simulated calendar ({SIMULATED_FROM} to {SIMULATED_TO})")
    return day


def _country(value, what: str) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise ScenarioError(f"{what} must be a two-letter ISO country code, not {json.dumps(value)}")
    return value.upper()


def _unknown_keys(given: dict, allowed, what: str) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ScenarioError(f"unknown key(s) {_quote(unknown)} in {what} (allowed: {_quote(sorted(allowed))})")


def _parse_actor(actor_id: str, raw, used_emails: set) -> Actor:
    if not isinstance(raw, dict):
        raise ScenarioError(f"actor {actor_id!r} must be an object")
    _unknown_keys(raw, _ACTOR_KEYS, f"actor {actor_id!r}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"actor {actor_id!r} needs a name")
    if any(len(part) > 100 for part in name.strip().split(" ", 1)):
        raise ScenarioError(f"actor {actor_id!r}: a first or last name is longer than 100 characters")
    role = raw.get("role") or ""
    if role and role not in FILER_ROLES + OFFICE_ROLES:
        raise ScenarioError(f"actor {actor_id!r}: unknown role {role!r} (use {_quote(FILER_ROLES + OFFICE_ROLES)})")
    email = raw.get("email", f"{actor_id}@example.test")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise ScenarioError(f"actor {actor_id!r}: email {json.dumps(email)} is not an email address")
    if (key := normal_email(email)) in used_emails:
        raise ScenarioError(f"actor {actor_id!r}: email {email} is already another actor's")
    used_emails.add(key)
    country = _country(raw.get("country", "US"), f"actor {actor_id!r}: country")
    document = raw.get("document", f"SIM-{actor_id.upper()}-001")
    if not isinstance(document, str) or not document.strip():
        raise ScenarioError(f"actor {actor_id!r}: document must be a non-empty string")
    bar = None
    if "bar" in raw:
        # v2: any actor may have bar information (a person who may later choose an
        # attorney role); it makes an attorney of record only of an attorney
        bar = raw["bar"]
        if not isinstance(bar, dict):
            raise ScenarioError(f"actor {actor_id!r}: bar must be an object")
        _unknown_keys(bar, _BAR_KEYS, f"actor {actor_id!r} bar")
        jurisdiction = bar.get("jurisdiction")
        if not isinstance(jurisdiction, str) or not jurisdiction.strip():
            raise ScenarioError(f"actor {actor_id!r}: bar needs a jurisdiction")
        number = bar.get("number", "")
        if not isinstance(number, str) or len(number) > 32 or len(jurisdiction) > 64:
            raise ScenarioError(f"actor {actor_id!r}: bar number and jurisdiction must be short strings")
        admitted = _parse_date(bar["admitted"], f"actor {actor_id!r}: bar admitted") if "admitted" in bar else None
        standing = bar.get("good_standing", True)
        if not isinstance(standing, bool):
            raise ScenarioError(f"actor {actor_id!r}: bar good_standing must be true or false")
        bar = {"jurisdiction": jurisdiction, "number": number, "admitted": admitted, "good_standing": standing}
    patent_verified = raw.get("patent_verified", False)
    if not isinstance(patent_verified, bool):
        raise ScenarioError(f"actor {actor_id!r}: patent_verified must be true or false")
    patent_role = raw.get("patent_role") or ""
    if "patent_role" in raw and not patent_verified:
        raise ScenarioError(f"actor {actor_id!r}: patent_role goes with patent_verified: true")
    if patent_role and patent_role not in FILER_ROLES:
        raise ScenarioError(f"actor {actor_id!r}: unknown patent_role {patent_role!r} (use {_quote(FILER_ROLES)})")
    return Actor(actor_id, name.strip(), email, role, country, document, bar, patent_verified, patent_role)


def _parse_applicant(value, actors) -> object:
    if isinstance(value, str):
        if value not in actors:
            raise ScenarioError(f"unknown actor {value!r} as applicant")
        return value
    if not isinstance(value, dict):
        raise ScenarioError("applicant must be an actor id or an object")
    _unknown_keys(value, _APPLICANT_KEYS, "applicant")
    applicant = {}
    for key in ("name", "entity", "citizenship", "email"):
        text = value.get(key, "")
        if not isinstance(text, str):
            raise ScenarioError(f"applicant {key} must be a string")
        if len(text) > _APPLICANT_LIMITS[key]:
            raise ScenarioError(f"applicant {key} is longer than {_APPLICANT_LIMITS[key]} characters")
        applicant[key] = text
    if applicant["entity"] and applicant["entity"] not in EntityType.values:
        raise ScenarioError(f"applicant entity {applicant['entity']!r} is unknown (use {_quote(EntityType.values)})")
    domicile = value.get("domicile")
    applicant["domicile"] = None
    if domicile is not None:
        if not isinstance(domicile, dict):
            raise ScenarioError("applicant domicile must be an object")
        _unknown_keys(domicile, _DOMICILE_KEYS, "applicant domicile")
        for key, text in domicile.items():
            if not isinstance(text, str):
                raise ScenarioError(f"applicant domicile {key} must be a string")
            if len(text) > _DOMICILE_LIMITS[key]:
                raise ScenarioError(f"applicant domicile {key} is longer than {_DOMICILE_LIMITS[key]} characters")
        # an unknown country is the rules' to refuse (domicile_required), not an invalid file
        applicant["domicile"] = dict(domicile)
    return applicant


def _parse_goods(value) -> list[dict]:
    if not isinstance(value, list):
        raise ScenarioError("goods must be a list of {class, text, id_manual}")
    goods = []
    for n, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise ScenarioError(f"goods entry {n} must be an object")
        _unknown_keys(entry, _GOODS_KEYS, f"goods entry {n}")
        nice_class = entry.get("class")
        if nice_class is not None and (
            not isinstance(nice_class, int) or isinstance(nice_class, bool) or not 1 <= nice_class <= 45
        ):
            raise ScenarioError(f"goods entry {n}: class must be a Nice class from 1 to 45, not {nice_class!r}")
        text = entry.get("text", "")
        if not isinstance(text, str):
            raise ScenarioError(f"goods entry {n}: text must be a string")
        id_manual = entry.get("id_manual", False)
        if not isinstance(id_manual, bool):
            raise ScenarioError(f"goods entry {n}: id_manual must be true or false")
        goods.append({"class": nice_class, "text": text, "id_manual": id_manual})
    return goods


def _listed(key: str, value, known, noun: str) -> list[str]:
    """A list of names each of which is in `known` (reason codes, flags, actor ids)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{key} must be a list of {noun}s")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ScenarioError(f"unknown {noun}(s) {_quote(unknown)} in {key}")
    return list(value)


def _check_value(key: str, kind, value, actors: dict, refs: set):
    if isinstance(kind, tuple):
        allowed = kind[1]
        if value not in allowed:
            raise ScenarioError(f"{key} {json.dumps(value)} is not one of {_quote(allowed)}")
        return value
    if kind == "actor":
        if not isinstance(value, str) or value not in actors:
            raise ScenarioError(f"unknown actor {json.dumps(value)} in {key}")
        return value
    if kind == "actors":
        return _listed(key, value, actors, "actor")
    if kind == "filing":
        if not isinstance(value, str) or value not in refs:
            raise ScenarioError(f"unknown filing {json.dumps(value)} (no create_application step before names it)")
        return value
    if kind == "ref":
        if not isinstance(value, str) or not value:
            raise ScenarioError("ref must be a non-empty string naming the filing")
        return value
    if kind == "date":
        return _parse_date(value, key)
    if kind == "date_or_null":
        return None if value is None else _parse_date(value, key)
    if kind in ("filer_role", "filer_role_or_none"):
        if kind == "filer_role_or_none" and value in (None, ""):
            return ""
        if value not in FILER_ROLES:
            raise ScenarioError(f"{key} {json.dumps(value)} is not a trademark role ({_quote(FILER_ROLES)})")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ScenarioError(f"{key} must be a string")
        # the columns these land in: a longer value is bad input, not a crash
        limit = 100 if key == "title" else 200
        if len(value) > limit:
            raise ScenarioError(f"{key} is longer than {limit} characters")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ScenarioError(f"{key} must be true or false")
        return value
    if kind in ("int", "days", "hours"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ScenarioError(f"{key} must be a whole number, zero or more (the clock never goes backwards)")
        limit = {"days": _MAX_DAYS, "hours": _MAX_HOURS}.get(kind)
        if limit is not None and value > limit:
            raise ScenarioError(f"{key} may move the clock at most {limit} {kind} at once")
        return value
    if kind == "applicant":
        return _parse_applicant(value, actors)
    if kind == "goods":
        return _parse_goods(value)
    if kind == "codes":
        return _listed(key, value, CODES, "reason code")
    if kind == "flags":
        return _listed(key, value, FLAGS, "flag")
    raise AssertionError(f"no check for {kind}")  # pragma: no cover - a table mistake


def _parse_step(number: int, raw, actors: dict, refs: set) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError("a step must be an object with 'do' or 'check'")
    if ("do" in raw) == ("check" in raw):
        raise ScenarioError("a step needs exactly one of 'do' (an action) or 'check'")
    kind = "do" if "do" in raw else "check"
    name = raw[kind]
    table = _ACTIONS if kind == "do" else _CHECKS
    if not isinstance(name, str) or name not in table:
        raise ScenarioError(f"unknown {'step' if kind == 'do' else 'check'} {json.dumps(name)} (use {_quote(table)})")
    required, optional = table[name]
    allowed = {kind, *required, *optional}
    if kind == "do" and name not in _TIME_STEPS:
        allowed |= {"expect", "expect_exactly"}
    _unknown_keys(raw, allowed, f"{kind} {name!r}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise ScenarioError(f"{name} needs {_quote(missing)}")
    args = {}
    for key, value in raw.items():
        if key in (kind, "expect", "expect_exactly"):
            continue
        args[key] = _check_value(key, {**required, **optional}[key], value, actors, refs)
    expect, exactly = _parse_expectation(raw, actors, refs)
    if name == "advance" and not args:
        raise ScenarioError("advance needs days or hours (or both)")
    if name == "end_sponsorship" and ("staff" in args) == ("attorney" in args):
        raise ScenarioError("end_sponsorship needs exactly one of staff (for the attorney) or attorney (for staff)")
    if name == "verify" and args["method"] == "paper" and "result" in args:
        raise ScenarioError("result applies to online and video verification; paper waits for review_paper")
    if name == "can_submit" and sum(key in args for key in ("blocked", "blocked_exactly", "ok")) != 1:
        raise ScenarioError(
            'can_submit needs either "blocked" or "blocked_exactly" (a list of codes) or "ok": true, one of them'
        )
    if name == "can_submit" and args.get("ok") is False:
        raise ScenarioError('can_submit: write "ok": true, or "blocked" with the expected codes')
    if name == "can_submit" and args.get("blocked_exactly") == []:
        raise ScenarioError('can_submit: blocked_exactly needs a code; for none, either write "ok": true')
    return Step(number, kind, name, args, expect, exactly)


def _parse_expectation(raw: dict, actors: dict, refs: set) -> tuple[list[str] | None, bool]:
    """`expect` ("ok", "refused" or codes the refusal includes) or `expect_exactly` (the
    refusal's codes, as a set): what `Step.expect` and `Step.exactly` hold."""
    if "expect" in raw and "expect_exactly" in raw:
        raise ScenarioError("give either expect or expect_exactly, not both")
    if "expect_exactly" in raw:
        codes = _check_value("expect_exactly", "codes", raw["expect_exactly"], actors, refs)
        if not codes:
            raise ScenarioError("expect_exactly must be a non-empty list of reason codes")
        return codes, True
    value = raw.get("expect", "ok")
    if value == "ok":
        return None, False
    if value == "refused":
        return [], False
    if not isinstance(value, list) or not value:
        raise ScenarioError('expect must be "ok", "refused" or a non-empty list of reason codes')
    return _check_value("expect", "codes", value, actors, refs), False


def noon(day: date) -> datetime:
    """Where the clock stands on a scenario's day: 12:00 UTC (SCENARIOS.md v2)."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def advance_by(args: dict) -> timedelta:
    """How far an `advance` step moves the clock."""
    return timedelta(days=args.get("days", 0), hours=args.get("hours", 0))


def parse_scenario(raw, file: str, index: int) -> Scenario:
    """One scenario object into a `Scenario`; raises ScenarioError naming what is wrong."""
    where = f"{file}: scenario {index}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a scenario must be an object")
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        where = f"{where} ({name})"
    try:
        _unknown_keys(raw, _TOP_KEYS, "the scenario")
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError("a scenario needs a name")
        policy_name = raw.get("policy", "enacted")
        if not isinstance(policy_name, str) or policy_name not in PROFILES:
            raise ScenarioError(f"unknown policy {json.dumps(policy_name)} (use {_quote(PROFILES)})")
        start = _on_calendar(_parse_date(raw["date"], "date"), "date") if "date" in raw else DEFAULT_DATE
        raw_actors = raw.get("actors", {})
        if not isinstance(raw_actors, dict):
            raise ScenarioError("actors must be an object of actor id -> actor")
        used_emails: set = set()
        actors = {actor_id: _parse_actor(actor_id, value, used_emails) for actor_id, value in raw_actors.items()}
        for actor in actors.values():
            if actor.bar and actor.bar["admitted"] and actor.bar["admitted"] > start:
                raise ScenarioError(f"actor {actor.id!r}: bar admitted {actor.bar['admitted']} is after the start date")
        raw_steps = raw.get("steps", [])
        if not isinstance(raw_steps, list):
            raise ScenarioError("steps must be a list")
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    scenario = Scenario(name.strip(), file, index, policy_name, start, actors)
    refs: set = set()
    now = noon(start)
    for number, raw_step in enumerate(raw_steps, start=1):
        try:
            step = _parse_step(number, raw_step, actors, refs)
            if step.name == "set_date":
                if noon(step.args["date"]) < now:
                    when = f"{now:%Y-%m-%d}" if now == noon(now.date()) else f"{now:%Y-%m-%d %H:%M} UTC"
                    raise ScenarioError(
                        f"set_date {step.args['date']} moves the clock backwards (it is {when} by then; "
                        "set_date sets 12:00 UTC of its day)"
                    )
                now = noon(_on_calendar(step.args["date"], "set_date"))
            elif step.name == "advance":
                try:
                    now += advance_by(step.args)
                except OverflowError:  # days or hours past any calendar
                    now = datetime.max.replace(tzinfo=UTC)
                if now.date() > SIMULATED_TO:
                    raise ScenarioError(
                        f"advance moves the clock to {now:%Y-%m-%d}, past the simulated calendar's end ({SIMULATED_TO})"
                    )
            elif step.name == "create_application":
                refs.add(step.args["ref"])
        except ScenarioError as exc:
            raise ScenarioError(f"{where}, step {number}: {exc}") from None
        scenario.steps.append(step)
    return scenario


def load_file(path: str | Path) -> list[Scenario]:
    """Every scenario of one file, or ScenarioError for the first thing wrong in it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid JSON: nested too deeply to be a scenario file") from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise ScenarioError(f"{path}: holds no scenario")
    return [parse_scenario(item, str(path), index) for index, item in enumerate(items, start=1)]
