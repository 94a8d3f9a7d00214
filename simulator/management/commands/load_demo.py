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

PEOPLE = [
    # (email, first, last, role, country, what they show)
    ("dana@demo.example", "Dana", "Kim", Role.US_ATTORNEY, "US", "verified US attorney with bar information"),
    (
        "pat@demo.example",
        "Pat",
        "Lee",
        Role.SUPPORT_STAFF,
        "US",
        "Dana's paralegal, sponsored (verified once R11 opens)",
    ),
    ("li@demo.example", "Li", "Wei", Role.OWNER, "CN", "Chinese seller, unverified owner"),
    ("ada@demo.example", "Ada", "Lovelace", "", "US", "inventor verified on the patent side, no role yet"),
    ("erin@demo.example", "Erin", "Ross", "", "US", "office examiner (reviews paper forms)"),
    ("sam@demo.example", "Sam", "Okafor", "", "US", "office supervisor (fraud holds, sanctions)"),
]


class Command(BaseCommand):
    help = "Create the demo people (idempotent) and print their logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            if not User.objects.filter(email="dana@demo.example").exists():
                self._create()
        self.stdout.write(f"Demo people (password for all: {PASSWORD}):")
        for email, first, last, _, _, what in PEOPLE:
            self.stdout.write(f"  {email:<22} {first} {last}: {what}")
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
        for email, first, last, role, country, _ in PEOPLE:
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
