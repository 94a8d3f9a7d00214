"""Generated populations: people who verify, file, sign and submit through the services.

The population is streamed one unit at a time (a self-filing owner, a law firm with its
staff and clients, a patent inventor, a company with its officer, a filing mill), in
batches of units committed together; only counters and a few recent bar numbers and
documents are kept in memory. Outcomes are read back from the database at the end.

A block of people runs in its own throw-away database (`run_block`); blocks.py cuts a
large population into blocks and runs them on as many processes as asked.
"""

import functools
import os
import random
import resource
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from django.db.models import Count, Sum

from accounts import office
from accounts import services as accounts
from accounts.models import LOCKED, IdentityState, PatentIdentity, User
from applications import prosecution as later
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import Application, FilingState, Flag, with_current_representations
from applications.services import ApplicantData, FilingData, GoodsData
from tmverify import audit, clock, policy
from tmverify.reasons import Refused

from .database import quiet, throwaway_database
from .identity import confirm_email_as_its_owner, verify_with_simulated_provider

DEFAULT_DATE = date(2024, 6, 1)
UNITS_PER_BATCH = 40
BLOCK = 1_000  # people simulated together, in one database

# Where owners live: the US and China the largest, then a long tail (weights, percent).
COUNTRIES = [
    ("US", 34), ("CN", 26), ("GB", 5), ("DE", 4), ("CA", 4), ("IN", 4), ("JP", 3), ("KR", 3),
    ("FR", 2), ("IT", 2), ("BR", 2), ("MX", 2), ("AU", 2), ("TR", 2), ("VN", 2), ("ES", 1),
    ("NL", 1), ("SE", 1), ("IL", 1), ("SG", 1), ("HK", 1), ("TW", 1),
]  # fmt: skip
_FIRST = {
    "US": ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Susan"],
    "CN": ["Wei", "Fang", "Jing", "Lei", "Yan", "Hao", "Min", "Xin", "Jun", "Li"],
    "*": ["Anna", "Lukas", "Sofia", "Mateo", "Aarav", "Yuki", "Minjun", "Chloe", "Omar", "Elif", "Noah", "Mia"],
}
_LAST = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson"],
    "CN": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"],
    "*": ["Muller", "Rossi", "Silva", "Sharma", "Tanaka", "Kim", "Martin", "Novak", "Yilmaz", "Nguyen", "Haddad"],
}
_CITIES = {"US": "Springfield", "CN": "Shenzhen", "CA": "Toronto", "GB": "Leeds", "DE": "Hamburg", "IN": "Pune"}
_GOODS = [
    (9, "Portable solar chargers"), (25, "T-shirts"), (30, "Tea"), (3, "Cosmetic creams"), (18, "Handbags"),
    (28, "Toy building blocks"), (21, "Kitchen utensils"), (35, "Online retail store services"),
    (41, "Yoga instruction"), (11, "LED light bulbs"), (20, "Office chairs"), (14, "Wristwatches"),
]  # fmt: skip
_MAIL_DROPS = ["PO Box {n}", "c/o Registered Agent Inc., {n} Main St", "PMB {n}, 8 Commerce Way",
               "Virtual Office Suite {n}, 1 Market St"]  # fmt: skip
_WORDS = ["SUN", "BLUE", "NOVA", "PEAK", "ZEN", "ECHO", "LUMA", "ORBIT", "VITA", "KITE", "FERN", "AXIS"]


@dataclass
class Summary:
    """What a population run found; plain counters, so equal runs compare equal."""

    size: int
    seed: int
    on: str
    policy: str = "enacted"
    people_by_role: dict = field(default_factory=dict)
    people_by_outcome: dict = field(default_factory=dict)
    people_by_method: dict = field(default_factory=dict)
    people_by_country: dict = field(default_factory=dict)
    filings_attempted: int = 0
    filings_submitted: int = 0
    filings_blocked: int = 0
    blocked_at: dict = field(default_factory=dict)
    blocked_by_reason: dict = field(default_factory=dict)
    refusals_by_reason: dict = field(default_factory=dict)
    flags: dict = field(default_factory=dict)
    fees_collected: int = 0
    units: dict = field(default_factory=dict)
    # prosecution (R21, R22), empty with --no-prosecution: where the submitted filings
    # stand after it, overall, by the applicant's country and by representation, and the
    # abandonments that trace back to an identity rule
    prosecution_outcomes: dict = field(default_factory=dict)
    outcomes_by_country: dict = field(default_factory=dict)
    outcomes_by_representation: dict = field(default_factory=dict)
    later_forms: dict = field(default_factory=dict)
    abandoned_by_identity_rule: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        """The summary `as_dict` gave, after a trip through JSON (a Celery result, a resume file)."""
        return cls(**data)

    @classmethod
    def added_up(cls, parts: list["Summary"], *, size: int, seed: int, on: str, policy: str = "enacted") -> "Summary":
        """The summary of a population run in blocks: every count is the blocks' sum."""
        total = cls(size=size, seed=seed, on=on, policy=policy)
        for item in fields(cls):
            if item.name in ("size", "seed", "on", "policy"):
                continue
            values = [getattr(part, item.name) for part in parts]
            if isinstance(values[0], dict):
                setattr(total, item.name, _sorted(sum((Counter(v) for v in values), Counter())))
            else:
                setattr(total, item.name, sum(values))
        return total


def _sorted(counter) -> dict:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


def _on_a_stream_of_its_own(method):
    """Run `method` on a random stream of its own, seeded by one draw of the current one
    (see `_Population.aside`)."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self.aside():
            return method(self, *args, **kwargs)

    return run


class _Population:
    def __init__(
        self, size: int, seed: int | str, *, total: int | None = None, offset: int = 0, prosecution: bool = True
    ):
        """`size` people from `seed`; a block holds people `offset`.. of a population of
        `total`, whose mills it runs where the whole population's schedule puts them;
        `prosecution`: their submitted filings then go through R21 and R22."""
        self.size = size
        self.prosecution = prosecution
        self.outcomes: Counter = Counter()
        self.by_country: Counter = Counter()
        self.by_representation: Counter = Counter()
        self.later_forms: Counter = Counter()
        self.identity_abandonments = 0
        self.rng = random.Random(seed)
        self.people = 0
        self.serial = 0
        self.attempted = 0
        self.submitted = 0
        self.blocked_at: Counter = Counter()
        self.blocked_by_reason: Counter = Counter()
        self.refusals: Counter = Counter()
        self.units: Counter = Counter()
        # bounded: the mills borrow bar numbers and documents from people seen lately
        self.recent_bars: deque = deque(maxlen=20)
        self.recent_documents: deque = deque(maxlen=50)
        self.countries = [c for c, _ in COUNTRIES]
        self.weights = [w for _, w in COUNTRIES]
        self.examiner = self.supervisor = None
        # a few mills: the first a tenth of the way in, then every half of the people for
        # small runs, every 2,000 people for large ones (counted here from the block's start)
        total = size if total is None else total
        self.mill_every = min(max(total // 2, 1), 2000)
        self.next_mill_at = total // 10 - offset
        while self.next_mill_at < 0:
            self.next_mill_at += self.mill_every

    # --- helpers ------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def country(self) -> str:
        return self.rng.choices(self.countries, self.weights)[0]

    def name(self, country: str) -> tuple[str, str]:
        key = country if country in _FIRST else "*"
        return self.rng.choice(_FIRST[key]), self.rng.choice(_LAST[key])

    def years_ago(self, years: int) -> date:
        """A past date relative to the simulated day, so any --date gives valid input."""
        return date(clock.today().year - years, 6, 1)

    def room(self) -> int:
        return self.size - self.people

    @contextmanager
    def aside(self):
        """Draws whose number depends on what the rules answer (a refused filing is not
        signed, a failed verification is tried again) come from a stream of their own,
        seeded by one draw of the enclosing stream. So who comes next never depends on
        the rules: two policy profiles or dates see the same people with the same
        intentions, and only the outcomes differ."""
        enclosing = self.rng
        self.rng = random.Random(enclosing.getrandbits(64))
        try:
            yield
        finally:
            self.rng = enclosing

    def while_room(self, most: int):
        """Up to `most` more people of a unit while the population has room, each begun
        on a stream of its own (`aside`)."""
        for _ in range(most):
            if self.room() <= 0:
                return
            with self.aside():
                yield

    def person(self, role: str, country: str = "US", *, desk_name: bool = False, patent_role=None) -> User:
        self.serial += 1
        self.people += 1
        first, last = self.name(country)
        if desk_name:
            # R1: a shared desk or company registers as if it were a person
            first, last = self.rng.choice([("Admin", "Support"), ("Trademark", "Desk"), (last, "Trading Co., Ltd.")])
        email = f"{first}.{last}.{self.serial}@{country.lower()}.example".replace(" ", "").lower()
        if patent_role is not None:
            PatentIdentity.objects.create(
                email=email, first_name=first, last_name=last, role=patent_role, verified_on=self.years_ago(3)
            )
        user = accounts.register_user(email=email, first_name=first, last_name=last, role=role, country=country)
        return confirm_email_as_its_owner(user)  # R7's carry-over happens here

    def attempt(self, action, *args, **kwargs):
        """Run a service; a refusal is counted and returned, never raised."""
        try:
            return action(*args, **kwargs), None
        except Refused as refused:
            self.refusals.update(refused.codes)
            return None, refused

    def document(self, user: User) -> tuple[str, str]:
        return user.country.code, f"{user.country}-{self.serial:09d}"

    # --- identity ---------------------------------------------------------------------
    @_on_a_stream_of_its_own
    def verify(self, user: User, *, always: bool = False) -> None:
        """Try to verify as people do: mostly online at home, video from abroad, some paper."""
        if not always and not self.chance(0.93):
            return  # never gets round to it
        foreign = user.country != "US"
        method = self.rng.choices(["online", "video", "paper"], [25, 65, 10] if foreign else [88, 5, 7])[0]
        country, document = self.document(user)
        if self.recent_documents and self.chance(0.007):
            country, document = self.rng.choice(self.recent_documents)  # R6: someone else's ID
        if method == "paper":
            _, refused = self.attempt(
                accounts.file_paper_verification,
                user,
                role=user.role,
                document_country=country,
                document_number=document,
            )
            if refused is None:
                decision = self.rng.random()
                if decision < 0.75:
                    paper = accounts.pending_paper_for(user)
                    self.attempt(accounts.review_paper_verification, self.examiner, paper, approve=True)
                elif decision < 0.85:
                    paper = accounts.pending_paper_for(user)
                    self.attempt(accounts.review_paper_verification, self.examiner, paper, approve=False)
            return
        failures = 5 if self.chance(0.012) else (1 if self.chance(0.08) else 0)
        for outcome in [False] * failures + [True]:
            _, refused = self.attempt(
                verify_with_simulated_provider,
                user,
                method=method,
                role=user.role,
                document_country=country,
                document_number=document,
                passed=outcome,
            )
            if refused is not None and "verification_failed" not in refused.codes:
                break  # locked, not a person, duplicate: trying again changes nothing
        if refused is None:
            self.recent_documents.append((country, document))
        elif "duplicate_identity" in refused.codes and self.chance(0.5):
            self.attempt(accounts.review_fraud_hold, self.supervisor, user, passed=self.chance(0.3))

    # --- filings ----------------------------------------------------------------------
    def goods(self) -> list[GoodsData]:
        entries = []
        for nice_class, text in self.rng.sample(_GOODS, self.rng.choice([1, 1, 1, 2, 2, 3])):
            if self.chance(0.72):
                entries.append(GoodsData(nice_class, text, True))
            else:
                entries.append(GoodsData(nice_class, f"{text} of all kinds, namely {text.lower()} for retail", False))
        return entries

    def company(self, country: str, *, mail_drop: bool = False) -> ApplicantData:
        word = self.rng.choice(_WORDS) + self.rng.choice(_WORDS).title()
        self.serial += 1
        suffix = {"US": "Inc.", "CN": "Co., Ltd.", "DE": "GmbH"}.get(country, "Ltd")
        street = f"{self.serial % 900 + 1} Industrial Rd"
        if mail_drop:
            street = self.rng.choice(_MAIL_DROPS).format(n=self.serial % 9000 + 100)
        return ApplicantData(
            name=f"{word} {suffix}" if country != "CN" else f"Shenzhen {word} {suffix}",
            entity="corporation" if self.chance(0.96) else "",
            citizenship=country,
            email=f"legal{self.serial}@{word.lower()}.example",
            street=street,
            city=_CITIES.get(country, "Capital City"),
            country=country,
        )

    def filing_data(self, applicant: ApplicantData | None) -> FilingData:
        goods = self.goods()
        if self.chance(0.03):
            goods = []  # R19: forgot the goods
        if applicant is not None and self.chance(0.03):
            applicant.street = ""  # R18: no domicile
        basis = self.rng.choice(["1a", "1b", "1b", "44e"])
        first_use = self.years_ago(2) if basis == "1a" and self.chance(0.85) else None
        return FilingData(
            applicant=applicant,
            mark=self.rng.choice(_WORDS) + self.rng.choice(_WORDS),
            basis=basis,
            goods=goods,
            first_use=first_use,
            specimen=basis == "1a" and self.chance(0.9),
        )

    def create(self, actor: User, data: FilingData, attorney: User | None = None) -> Application | None:
        self.attempted += 1
        application, refused = self.attempt(filings.create_application, actor, data, attorney=attorney)
        if refused is not None:
            self.blocked_at["create"] += 1
            self.blocked_by_reason.update(refused.codes)
        return application

    def submit(self, actor: User, application: Application) -> None:
        _, refused = self.attempt(filings.submit_filing, actor, application)
        if refused is None:
            self.submitted += 1
        else:
            self.blocked_at["submit"] += 1
            self.blocked_by_reason.update(refused.codes)

    def sign_in_form(self, actor: User, application: Application, title: str) -> None:
        text = f"/{actor.full_name}/"
        if self.chance(0.04):
            # R12: typed without the slashes first, then corrected
            self.attempt(filings.sign_application, actor, application, signature=actor.full_name, title=title)
        self.attempt(filings.sign_application, actor, application, signature=text, title=title)

    # --- units ------------------------------------------------------------------------
    def self_filer(self) -> None:
        self.units["self-filing owner"] += 1
        country = self.country()
        owner = self.person("owner", country, desk_name=self.chance(0.015))
        self.verify(owner)
        owner = User.objects.get(pk=owner.pk)
        applicant = ApplicantData.for_person(owner) if self.chance(0.6) else self.company(country)
        if self.chance(0.02):
            applicant.street = self.rng.choice(_MAIL_DROPS).format(n=self.serial)
        application = self.create(owner, self.filing_data(applicant))
        if application is not None:
            if applicant.user is None:
                # R14: for a company, an owner signs once a signature request names them
                self.attempt(filings.request_signature, owner, application, owner)
            self.sign_in_form(owner, application, "Owner")
            self.submit(owner, application)

    def inventor(self) -> None:
        self.units["patent-verified inventor"] += 1
        determined = self.chance(0.6)
        inventor = self.person("", "US", patent_role="owner" if determined else "")
        if not determined and self.chance(0.85):
            self.attempt(accounts.choose_role, inventor, "owner")  # R7: the role chosen before filing
        inventor = User.objects.get(pk=inventor.pk)
        application = self.create(inventor, self.filing_data(ApplicantData.for_person(inventor)))
        if application is not None:
            self.sign_in_form(inventor, application, "Inventor")
            self.submit(inventor, application)

    def company_with_officer(self) -> None:
        self.units["company and its officer"] += 1
        employee = self.person("owner", "US")
        self.verify(employee, always=True)
        application = self.create(employee, self.filing_data(self.company("US")))
        if self.room() > 0:
            officer = self.person("owner", "US")  # R9: signs by link, never verifies
            if application is not None:
                link, _ = self.attempt(filings.request_signature, employee, application, officer)
                if link is not None and self.chance(0.95):
                    self.attempt(
                        filings.sign_by_link, link.token, signature=f"/{officer.full_name}/", title="President"
                    )
        if application is not None:
            self.submit(employee, application)

    def attorney(self, role: str = "us_attorney", country: str = "US") -> User:
        lawyer = self.person(role, country)
        if self.chance(0.92):
            jurisdiction = self.rng.choice(["NY", "CA", "TX", "FL", "IL", "DC"]) if role == "us_attorney" else "ON"
            number = f"{self.rng.randrange(100000, 9999999)}"
            accounts.add_bar_admission(
                lawyer,
                jurisdiction=jurisdiction,
                number=number,
                admitted=self.years_ago(self.rng.randrange(2, 25)),
                good_standing=self.chance(0.98),
            )
            self.recent_bars.append((jurisdiction, number))
        self.verify(lawyer, always=self.chance(0.97))
        return User.objects.get(pk=lawyer.pk)

    def law_firm(self) -> None:
        self.units["law firm"] += 1
        canadian = self.chance(0.15)
        lawyer = self.attorney("ca_attorney" if canadian else "us_attorney", "CA" if canadian else "US")
        # R16 with R24: most Canadian firms file beside a US co-counsel, who accepts each
        # appointment (a Canadian attorney alone is no US counsel)
        counsel = self.attorney() if canadian and self.room() > 1 and self.chance(0.6) else None
        staff = []
        for _ in self.while_room(self.rng.choice([0, 0, 1, 1, 2])):
            member = self.person("support_staff", lawyer.country.code)
            standing = self.rng.random()  # drawn before a verification only some dates allow
            if clock.today() >= policy.current().staff_verification_opens:
                self.verify(member, always=False)
            if standing < 0.75:
                self.attempt(accounts.sponsor_staff, lawyer, member)
            elif standing < 0.9:
                self.attempt(accounts.request_sponsorship, member, lawyer)  # never answered
            staff.append(member.pk)
        for _ in self.while_room(self.rng.randint(1, 6)):
            country = "CA" if canadian and self.chance(0.7) else self.country()
            client = self.person("owner", country)
            if self.chance(0.25):
                self.verify(client)
            preparer = lawyer
            if staff and self.chance(0.6):
                preparer = User.objects.get(pk=self.rng.choice(staff))
            applicant = self.company(country) if self.chance(0.7) else ApplicantData.for_person(client)
            if self.chance(0.02):
                applicant.email = lawyer.email  # R17: the firm's address typed in
            application = self.create(preparer, self.filing_data(applicant), attorney=lawyer)
            if application is None:
                continue
            if counsel is not None:
                self.attempt(filings.appoint_attorney, lawyer, application, counsel)
                if self.chance(0.9):
                    self.attempt(filings.accept_appointment, counsel, application)
            link, _ = self.attempt(filings.request_signature, preparer, application, client)
            if link is not None and self.chance(0.95):
                if self.chance(0.03):
                    self.attempt(filings.sign_by_link, link.token, signature=client.full_name, title="Owner")
                self.attempt(filings.sign_by_link, link.token, signature=f"/{client.full_name}/", title="Owner")
            self.submit(preparer, application)

    def mill(self) -> None:
        """R23: one account files for many unrelated owners, on borrowed bar credentials,
        from mail-drop addresses, entering the owners' signatures itself."""
        self.units["filing mill"] += 1
        operator = self.person("us_attorney", "US")
        jurisdiction, number = self.rng.choice(self.recent_bars) if self.recent_bars else ("NY", "4455667")
        accounts.add_bar_admission(operator, jurisdiction=jurisdiction, number=number, admitted=self.years_ago(8))
        self.recent_bars.append((jurisdiction, number))
        self.verify(operator, always=True)
        operator = User.objects.get(pk=operator.pk)
        for _ in self.while_room(self.rng.randint(22, 40)):
            owner = self.person("owner", "CN")
            applicant = self.company("CN", mail_drop=self.chance(0.6))
            application = self.create(operator, self.filing_data(applicant), attorney=operator)
            if application is None:
                continue
            if self.chance(0.5):
                # R13: the owner's signature typed by the mill; refused and flagged
                self.attempt(
                    filings.sign_application,
                    operator,
                    application,
                    signature=f"/{owner.full_name}/",
                    title="Owner",
                    signer=owner,
                )
            self.sign_in_form(operator, application, "Attorney")
            self.submit(operator, application)

    @_on_a_stream_of_its_own
    def next_unit(self) -> None:
        roll = self.rng.random()
        if self.people >= self.next_mill_at and self.room() >= 10:
            self.next_mill_at += self.mill_every
            self.mill()
        elif roll < 0.35:
            self.law_firm()
        elif roll < 0.43:
            self.inventor()
        elif roll < 0.50 and self.room() >= 2:
            self.company_with_officer()
        else:
            self.self_filer()

    # --- the run ----------------------------------------------------------------------
    def run(self, progress=None) -> None:
        with audit.atomic():
            self.examiner = self.office_person("examiner")
            self.supervisor = self.office_person("supervisor")
        while self.people < self.size:
            with audit.atomic():
                for _ in range(UNITS_PER_BATCH):
                    if self.people >= self.size:
                        break
                    self.next_unit()
            if progress is not None:
                progress(self.people)
        if self.prosecution:
            self.prosecute()

    # --- prosecution (R21, R22) -----------------------------------------------------------
    # what a filer does with an office action, and with a notice of allowance (weights)
    ON_ACTION = (("respond", 70), ("extend", 12), ("miss", 18))
    ON_ALLOWANCE = (("file", 60), ("extend", 22), ("miss", 18))
    OFFICE_ACTION_SHARE = 0.35
    # an attorney withdraws from an individual owner who never verified: nobody can sign
    WITHDRAWAL_SHARE = 0.3
    BATCH = 40

    def _batched(self, items, step) -> None:
        """`step(item)` for each, UNITS_PER_BATCH at a time in one transaction each."""
        for start in range(0, len(items), self.BATCH):
            with audit.atomic():
                for item in items[start : start + self.BATCH]:
                    step(item)

    def _filer(self, application: Application) -> User:
        """Who answers the office: an attorney of record, else the individual applicant, else
        the one who filed."""
        attorneys = application.attorneys_of_record()
        if attorneys:
            return attorneys[0]
        if application.applicant is not None and application.applicant.user is not None:
            return application.applicant.user
        return application.created_by

    def _signed(self, user: User) -> dict:
        return {"signature": f"/{user.full_name}/", "title": "Attorney" if user.role.endswith("attorney") else "Owner"}

    def _later(self, action, actor: User, application: Application, **kwargs):
        done, refused = self.attempt(action, actor, application, **kwargs)
        if done is not None and hasattr(done, "kind"):
            self.later_forms[str(done.kind)] += 1
        return refused

    def _advance_to(self, day: date) -> None:
        """The clock moves on and the deadline job runs, as cron would run it, in one
        transaction as the people's steps are (each lapse a savepoint in it): the block's
        database is its own, so nobody waits on its locks, and the audit chain takes the
        run's events in one append instead of one a lapse."""
        clock.set_today(day)
        with audit.atomic():
            process_deadlines()

    def prosecute(self) -> None:
        """Take every submitted filing through prosecution over the 18 months after the
        population's day: a share get an office action and the filer responds, extends,
        misses the deadline, or cannot sign (an attorney withdraws from an owner who never
        verified); the rest, and those answered, are published, then registered or allowed;
        statements of use are filed, extended or missed. Each filing's choices are drawn on
        a stream of its own, so blocks give the same result on any number of processes."""
        start = clock.today()
        submitted = list(
            Application.objects.filter(state=FilingState.SUBMITTED)
            .select_related("applicant__user", "created_by")
            .prefetch_related(with_current_representations())
            .order_by("pk")
        )
        plans, represented, countries = {}, {}, {}
        for application in submitted:
            with self.aside():
                plans[application.pk] = (
                    self.chance(self.OFFICE_ACTION_SHARE),
                    self.rng.choices([c for c, _ in self.ON_ACTION], [w for _, w in self.ON_ACTION])[0],
                    self.rng.choices([c for c, _ in self.ON_ALLOWANCE], [w for _, w in self.ON_ALLOWANCE])[0],
                    self.chance(self.WITHDRAWAL_SHARE),
                )
            represented[application.pk] = bool(application.attorneys_of_record())
            countries[application.pk] = application.applicant.domicile_country.code if application.applicant else ""
        unable: set[int] = set()

        def examine(application: Application) -> None:
            action, on_action, _, withdraws = plans[application.pk]
            if not action:
                self.attempt(later.approve_for_publication, self.examiner, application)
                return
            self.attempt(later.issue_office_action, self.examiner, application, text="Clarify the goods.")
            owner = application.applicant.user if application.applicant is not None else None
            if withdraws and represented[application.pk] and owner is not None and not owner.is_verified:
                # the attorney withdraws; the owner who never verified cannot answer (R8)
                for attorney in application.attorneys_of_record():
                    self.attempt(filings.withdraw_representation, attorney, application)
                refused = self._later(later.respond_to_office_action, owner, application, **self._signed(owner))
                if refused is not None and {"identity_unverified", "role_required"} & set(refused.codes):
                    unable.add(application.pk)
                return
            filer = self._filer(application)
            if on_action == "respond":
                self._later(later.respond_to_office_action, filer, application, **self._signed(filer))
            elif on_action == "extend":
                self._later(later.request_response_extension, filer, application, **self._signed(filer))

        def answer_late(application: Application) -> None:
            _, on_action, _, _ = plans[application.pk]
            if on_action == "extend" and application.state == FilingState.OFFICE_ACTION:
                filer = self._filer(application)
                self._later(later.respond_to_office_action, filer, application, **self._signed(filer))

        def publish(application: Application) -> None:
            if application.state == FilingState.UNDER_EXAMINATION:
                self.attempt(later.approve_for_publication, self.examiner, application)

        def use(application: Application, extended: bool) -> None:
            if application.state != FilingState.ALLOWED:
                return
            _, _, on_allowance, _ = plans[application.pk]
            filer = self._filer(application)
            if on_allowance == "file" or (on_allowance == "extend" and extended):
                self._later(
                    later.file_statement_of_use,
                    filer,
                    application,
                    first_use=clock.today() - timedelta(days=30),
                    specimen=True,
                    **self._signed(filer),
                )
            elif on_allowance == "extend":
                self._later(later.request_sou_extension, filer, application, **self._signed(filer))

        def fresh(*states) -> list[Application]:
            """The block's submitted filings as they stand now (those in `states`)."""
            return list(
                Application.objects.filter(pk__in=plans, **({"state__in": states} if states else {}))
                .select_related("applicant__user", "created_by")
                .prefetch_related(with_current_representations())
                .order_by("pk")
            )

        allowed, examined = FilingState.ALLOWED, FilingState.UNDER_EXAMINATION
        self._batched(submitted, examine)
        self._advance_to(policy.add_months(start, 4))
        self._batched(fresh(FilingState.OFFICE_ACTION), answer_late)
        self._batched(fresh(examined), publish)
        self._advance_to(policy.add_months(start, 5) + timedelta(days=10))
        self._batched(fresh(allowed), lambda application: use(application, extended=False))
        self._advance_to(policy.add_months(start, 12))
        self._batched(fresh(examined), publish)  # answered after a 6-month period
        self._batched(fresh(allowed), lambda application: use(application, extended=True))
        self._advance_to(policy.add_months(start, 13) + timedelta(days=10))
        self._batched(fresh(allowed), lambda application: use(application, extended=True))
        self._advance_to(policy.add_months(start, 18))
        for application in fresh():
            outcome = {FilingState.REGISTERED: "registered", FilingState.ABANDONED: "abandoned"}.get(
                application.state, "pending"
            )
            self.outcomes[application.state] += 1
            self.by_country[f"{countries[application.pk] or '--'} {outcome}"] += 1
            who = "represented" if represented[application.pk] else "unrepresented"
            self.by_representation[f"{who} {outcome}"] += 1
            if outcome == "abandoned" and application.pk in unable:
                self.identity_abandonments += 1

    def office_person(self, group: str) -> User:
        user = accounts.register_user(email=f"{group}@office.example", first_name="Office", last_name=group.title())
        office.make_office_staff(user, group)
        return User.objects.get(pk=user.pk)


def run_population(
    size: int,
    *,
    seed: int | str,
    on: date = DEFAULT_DATE,
    profile: str = "enacted",
    progress=None,
    total: int | None = None,
    offset: int = 0,
    prosecution: bool = True,
) -> Summary:
    """Generate `size` people on `on` under the policy `profile` in the current database
    and report what the rules did; `total` and `offset` place them as a block of a larger
    population; `prosecution`: their filings then go through R21 and R22."""
    population = _Population(size, seed, total=total, offset=offset, prosecution=prosecution)
    clock.set_today(on)
    policy.activate(profile)
    try:
        population.run(progress)
        return _summarise(population, size, seed, on, profile)
    finally:
        clock.reset()
        policy.deactivate()


def _summarise(population: _Population, size: int, seed: int, on: date, profile: str) -> Summary:
    people = User.objects.filter(is_staff=False)
    outcomes = Counter()
    methods = Counter()
    now = clock.now()
    for state, method, locked_until, n in people.values_list(
        "identity_state", "identity_method", "idv_locked_until"
    ).annotate(n=Count("pk")):
        locked = state == IdentityState.UNVERIFIED and locked_until is not None and locked_until > now
        outcomes[LOCKED if locked else state] += n
        if state == IdentityState.VERIFIED:
            methods[method] += n
    roles = Counter({role or "(none chosen)": n for role, n in people.values_list("role").annotate(n=Count("pk"))})
    countries = Counter(dict(people.values_list("country").annotate(n=Count("pk"))))
    # every filing given a serial number, wherever prosecution took it since
    submitted = Application.objects.filter(serial_number__isnull=False)
    flags = Counter(dict(Flag.objects.values_list("code").annotate(n=Count("pk"))))
    return Summary(
        size=size,
        seed=seed,
        on=on.isoformat(),
        policy=profile,
        people_by_role=_sorted(roles),
        people_by_outcome=_sorted(outcomes),
        people_by_method=_sorted(methods),
        people_by_country=_sorted(countries),
        filings_attempted=population.attempted,
        filings_submitted=submitted.count(),
        filings_blocked=population.attempted - submitted.count(),
        blocked_at=_sorted(population.blocked_at),
        blocked_by_reason=_sorted(population.blocked_by_reason),
        refusals_by_reason=_sorted(population.refusals),
        flags=_sorted(flags),
        fees_collected=submitted.aggregate(total=Sum("fee"))["total"] or 0,
        units=_sorted(population.units),
        prosecution_outcomes=_sorted(population.outcomes),
        outcomes_by_country=_sorted(population.by_country),
        outcomes_by_representation=_sorted(population.by_representation),
        later_forms=_sorted(population.later_forms),
        abandoned_by_identity_rule=population.identity_abandonments,
    )


@dataclass(frozen=True)
class Block:
    people: int
    seed: int | str
    on: date
    total: int
    offset: int
    profile: str = "enacted"
    prosecution: bool = True

    def as_dict(self) -> dict:
        return {**self.__dict__, "on": self.on.isoformat()}

    @classmethod
    def from_dict(cls, data: dict) -> "Block":
        return cls(**{**data, "on": date.fromisoformat(data["on"])})


def run_block(block: Block, progress=None) -> tuple[Summary, int, int]:
    """One block in a fresh throw-away database; with the process's id and peak memory (KiB)."""
    with quiet(), throwaway_database():
        summary = run_population(
            block.people,
            seed=block.seed,
            on=block.on,
            profile=block.profile,
            progress=progress,
            total=block.total,
            offset=block.offset,
            prosecution=block.prosecution,
        )
    return summary, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
