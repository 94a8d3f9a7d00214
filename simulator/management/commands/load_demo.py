"""Demo people for `make run`; running it again changes nothing."""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import PatentIdentity, Role, User
from accounts.office import make_office_staff
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
from tmverify import clock, policy

PASSWORD = "demo-password-2026"
OFFICE = {"erin@demo.example", "sam@demo.example"}

PEOPLE = [
    # (email, first, last, role, country, who they are, what to try first with them)
    (
        "dana@demo.example",
        "Dana",
        "Kim",
        Role.US_ATTORNEY,
        "US",
        "US attorney with New York bar information",
        "start an application for a Chinese company and send the client its signing link (the mail is at /outbox/)",
    ),
    (
        "pat@demo.example",
        "Pat",
        "Lee",
        Role.SUPPORT_STAFF,
        "US",
        "Dana's paralegal, sponsored by her",
        "prepare a filing for Dana: she signs it, Pat submits it (support staff never sign)",
    ),
    (
        "li@demo.example",
        "Li",
        "Wei",
        Role.OWNER,
        "CN",
        "Chinese seller, an owner",
        "verify by video under Identity, then file for her company with Dana as US attorney",
    ),
    (
        "ada@demo.example",
        "Ada",
        "Lovelace",
        "",
        "US",
        "inventor verified on the patent side",
        "choose her trademark role under Identity, then file in her own name",
    ),
    (
        "erin@demo.example",
        "Erin",
        "Ross",
        "",
        "US",
        "office examiner",
        "open the review console (/console/) and review a paper form",
    ),
    (
        "sam@demo.example",
        "Sam",
        "Okafor",
        "",
        "US",
        "office supervisor",
        "read the fraud signals in the console, put an account on hold or suspend it",
    ),
]


class Command(BaseCommand):
    help = "Create the demo people (idempotent) and print their logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            if not User.objects.filter(email="dana@demo.example").exists():
                self._create()
        self.stdout.write(f"Demo people (password for all: {PASSWORD}); sign in at /accounts/login/:")
        states = dict(User.objects.filter(email__in=[p[0] for p in PEOPLE]).values_list("email", "identity_state"))
        for email, first, last, _, _, who, first_try in PEOPLE:
            # the state as it is on this date: Pat verifies only once R11 has opened
            state = "office account" if email in OFFICE else states.get(email, "").replace("_", " ")
            self.stdout.write(f"  {email:<22} {first} {last}: {who} ({state})\n  {'':<22} try first: {first_try}")
        # the second factor (docs/DECISIONS.md 81): office staff always, filers when required
        self.stdout.write(
            "Erin and Sam add a second factor (an authenticator app, or a security key at "
            "http://localhost:8000) at their first sign-in; with TMVERIFY_REQUIRE_MFA=true everyone does."
        )

    def _create(self):
        PatentIdentity.objects.get_or_create(
            email="ada@demo.example",
            defaults={"first_name": "Ada", "last_name": "Lovelace", "role": "", "verified_on": date(2022, 3, 1)},
        )
        people = {}
        for email, first, last, role, country, *_ in PEOPLE:
            person = services.register_user(
                email=email, first_name=first, last_name=last, password=PASSWORD, role=role, country=country
            )
            # each confirms the address through the link mailed to them (Ada's R7 carry-over)
            people[email.split("@")[0]] = confirm_email_as_its_owner(person)
        dana, pat = people["dana"], people["pat"]
        services.add_bar_admission(dana, jurisdiction="NY", number="4455667", admitted=date(2015, 1, 10))
        for person, document in ((dana, "D1000001"), (pat, "D1000002")):
            if clock.today() < policy.current().opening_date(person.role):
                continue  # R11: staff self-verification is not open yet on this date
            verify_with_simulated_provider(
                person,
                method="online",
                role=person.role,
                document_country="US",
                document_number=document,
                passed=True,
            )
        services.sponsor_staff(dana, pat)
        make_office_staff(people["erin"], "examiner")
        make_office_staff(people["sam"], "supervisor")
        self.stdout.write(f"created demo people on {clock.today().isoformat()}")
