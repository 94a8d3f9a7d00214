"""Run parsed scenarios step by step through the services the pages use.

Each scenario runs inside a transaction that is rolled back at the end, on the clock and
policy profile it names; both are reset afterwards. Accounts and filings are re-read by
primary key for every step: services hand back their own copies, never trust a stale one.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from accounts import office
from accounts import services as accounts
from accounts.models import PatentIdentity, User, normal_email
from accounts.rules import office_reasons
from applications import access, deadlines, prosecution
from applications import services as filings
from applications.models import Application, Flag
from applications.rules import fee_for
from applications.services import ApplicantData, FilingData, GoodsData, Signer
from tmverify import clock, policy
from tmverify.reasons import Refused, reason

from .identity import confirm_email_as_its_owner, verify_with_simulated_provider
from .parser import Scenario, Step, advance_by


@dataclass
class StepResult:
    number: int
    description: str
    ok: bool
    expected: str = ""
    actual: str = ""
    # an action's actual reason codes ([] when it succeeded); None for a check
    codes: list[str] | None = None

    def as_dict(self) -> dict:
        return {
            "step": self.number,
            "description": self.description,
            "ok": self.ok,
            "expected": self.expected,
            "actual": self.actual,
            "codes": self.codes,
        }


@dataclass
class ScenarioResult:
    name: str
    file: str
    index: int
    steps: list[StepResult] = field(default_factory=list)
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and all(step.ok for step in self.steps)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "file": self.file,
            "index": self.index,
            "passed": self.passed,
            "error": self.error,
            "steps": [step.as_dict() for step in self.steps],
        }


class StepFailed(Exception):
    """A step could not be carried out as written (a filing that was never created, ...)."""


def _codes(codes, word: str = "refused") -> str:
    return f"{word} [" + ", ".join(codes) + "]"


def _expected(step: Step) -> str:
    if step.expect is None:
        return "ok"
    if not step.expect:
        return "refused"
    return _codes(sorted(set(step.expect)) if step.exactly else step.expect, "exactly" if step.exactly else "refused")


def _as_expected(step: Step, codes: list[str]) -> bool:
    """Does a refusal with `codes` hold what the step expects (SCENARIOS.md v2: `expect`
    includes, `expect_exactly` compares sets)?"""
    if step.exactly:
        return set(codes) == set(step.expect)
    return all(code in codes for code in step.expect)


class _Run:
    """The state of one scenario while it runs: actor ids -> pks, filing refs -> pks, links."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.users: dict[str, int] = {}
        self.filings: dict[str, int] = {}
        self.links: dict[tuple[str, str], str] = {}

    # --- lookups (always fresh from the database) --------------------------------------
    def user(self, actor_id: str) -> User:
        return User.objects.get(pk=self.users[actor_id])

    def filing(self, ref: str) -> Application:
        if ref not in self.filings:
            raise StepFailed(f"filing {ref} does not exist: its create_application step did not succeed")
        return Application.objects.get(pk=self.filings[ref])

    # --- setting up the actors -----------------------------------------------------------
    def register_actors(self) -> None:
        """An account for each actor but those who only sign through emailed links."""
        without_account = signers_without_account(self.scenario)
        for actor in self.scenario.actors.values():
            if actor.id in without_account:
                continue
            if actor.patent_verified:
                # R7: the patent-side record exists before the account confirms its email
                PatentIdentity.objects.create(
                    email=normal_email(actor.email),
                    first_name=actor.first_name,
                    last_name=actor.last_name,
                    patent_account=f"PAT-{actor.id}",
                    role=actor.patent_role,
                    verified_on=self.scenario.start,
                )
            is_office = actor.role in ("examiner", "supervisor")
            user = accounts.register_user(
                email=actor.email,
                first_name=actor.first_name,
                last_name=actor.last_name,
                role="" if is_office else actor.role,
                country=actor.country,
            )
            if is_office:
                office.make_office_staff(user, actor.role)
            # actors are people with working mail: each confirms at once, through the link
            confirm_email_as_its_owner(user)
            # v2: any actor may have bar information; an office account gives none (R25)
            if actor.bar and not is_office:
                accounts.add_bar_admission(user, **actor.bar)
            self.users[actor.id] = user.pk

    # --- actions ----------------------------------------------------------------------
    def do(self, step: Step) -> None:
        getattr(self, f"do_{step.name}")(step.args)

    def do_set_date(self, args) -> None:
        clock.set_today(args["date"])
        deadlines.process_deadlines()

    def do_advance(self, args) -> None:
        clock.advance(advance_by(args))
        deadlines.process_deadlines()

    def do_verify(self, args) -> None:
        actor = self.scenario.actors[args["actor"]]
        user = self.user(actor.id)
        role = args.get("role", actor.role if actor.role not in ("examiner", "supervisor") else "")
        document = args.get("document", actor.document)
        if args["method"] == "paper":
            accounts.file_paper_verification(user, role=role, document_country=actor.country, document_number=document)
            return
        verify_with_simulated_provider(
            user,
            method=args["method"],
            role=role,
            document_country=actor.country,
            document_number=document,
            passed=args.get("result", "pass") == "pass",
        )

    def do_review_paper(self, args) -> None:
        reviewer, subject = self.user(args["actor"]), self.user(args["subject"])
        paper = accounts.pending_paper_for(subject)
        if paper is None:
            # nothing pending: the reviewer's permission is judged first, as the service does
            refused = office_reasons(reviewer, "review_paper") or [
                reason("invalid_state", f"{subject.full_name} has no paper form pending review.")
            ]
            raise Refused(refused)
        accounts.review_paper_verification(reviewer, paper, approve=args["decision"] == "approve")

    def do_choose_role(self, args) -> None:
        accounts.choose_role(self.user(args["actor"]), args["role"])

    def do_fraud_review(self, args) -> None:
        accounts.review_fraud_hold(
            self.user(args["actor"]), self.user(args["subject"]), passed=args["decision"] == "pass"
        )

    def do_suspend_account(self, args) -> None:
        accounts.suspend_account(self.user(args["actor"]), self.user(args["subject"]))

    def do_reinstate_account(self, args) -> None:
        accounts.reinstate_account(self.user(args["actor"]), self.user(args["subject"]))

    def do_sponsor(self, args) -> None:
        accounts.sponsor_staff(self.user(args["actor"]), self.user(args["staff"]))

    def do_request_sponsorship(self, args) -> None:
        accounts.request_sponsorship(self.user(args["actor"]), self.user(args["attorney"]))

    def _sponsorship(self, attorney_id: str, staff_id: str):
        sponsorship = accounts.find_sponsorship(self.user(attorney_id), self.user(staff_id))
        if sponsorship is None:
            raise Refused(reason("invalid_state", "There is no sponsorship between these two."))
        return sponsorship

    def do_approve_sponsorship(self, args) -> None:
        actor = self.user(args["actor"])
        accounts.approve_sponsorship(actor, self._sponsorship(args["actor"], args["staff"]))

    def do_deny_sponsorship(self, args) -> None:
        actor = self.user(args["actor"])
        accounts.deny_sponsorship(actor, self._sponsorship(args["actor"], args["staff"]))

    def do_end_sponsorship(self, args) -> None:
        actor = self.user(args["actor"])
        if "staff" in args:
            sponsorship = self._sponsorship(args["actor"], args["staff"])
        else:
            sponsorship = self._sponsorship(args["attorney"], args["actor"])
        accounts.end_sponsorship(actor, sponsorship)

    def _applicant(self, value) -> ApplicantData | None:
        if value is None:
            return None
        if isinstance(value, str):
            return ApplicantData.for_person(self.user(value))
        domicile = value["domicile"] or {}
        return ApplicantData(
            name=value["name"],
            entity=value["entity"],
            citizenship=value["citizenship"],
            email=value["email"],
            street=domicile.get("street", ""),
            city=domicile.get("city", ""),
            region=domicile.get("region", ""),
            postal_code=domicile.get("postal_code", ""),
            country=domicile.get("country", ""),
        )

    def do_create_application(self, args) -> None:
        data = FilingData(
            applicant=self._applicant(args.get("applicant")),
            mark=args.get("mark", ""),
            basis=args.get("basis", ""),
            goods=[GoodsData(g["class"], g["text"], g["id_manual"]) for g in args.get("goods", [])],
            first_use=args.get("first_use"),
            specimen=args.get("specimen", False),
        )
        attorney = self.user(args["attorney"]) if "attorney" in args else None
        application = filings.create_application(self.user(args["actor"]), data, attorney=attorney)
        self.filings[args["ref"]] = application.pk

    def do_request_signature(self, args) -> None:
        # the requester names the person by name and email, as a person would type them
        signer = self.scenario.actors[args["signer"]]
        link = filings.request_signature(
            self.user(args["actor"]), self.filing(args["filing"]), Signer(signer.name, signer.email)
        )
        # the raw token is what the email carries; keep the newest per (filing, signer)
        self.links[(args["filing"], args["signer"])] = link.token

    def do_sign_by_link(self, args) -> None:
        self.filing(args["filing"])
        # never sent: an empty token, which the service refuses as signature_link_invalid
        token = self.links.get((args["filing"], args["actor"]), "")
        filings.sign_by_link(token, signature=args.get("signature", ""), title=args.get("title", ""))

    def do_sign(self, args) -> None:
        signer = self.user(args["signer"]) if "signer" in args else None
        filings.sign_application(
            self.user(args["actor"]),
            self.filing(args["filing"]),
            signature=args.get("signature", ""),
            title=args.get("title", ""),
            signer=signer,
        )

    def do_submit(self, args) -> None:
        filings.submit_filing(self.user(args["actor"]), self.filing(args["filing"]))

    def do_withdraw_representation(self, args) -> None:
        filings.withdraw_representation(self.user(args["actor"]), self.filing(args["filing"]))

    def do_appoint_attorney(self, args) -> None:
        filings.appoint_attorney(self.user(args["actor"]), self.filing(args["filing"]), self.user(args["attorney"]))

    def do_accept_appointment(self, args) -> None:
        filings.accept_appointment(self.user(args["actor"]), self.filing(args["filing"]))

    def do_decline_appointment(self, args) -> None:
        filings.decline_appointment(self.user(args["actor"]), self.filing(args["filing"]))

    def do_revoke_attorney(self, args) -> None:
        filings.revoke_attorney(self.user(args["actor"]), self.filing(args["filing"]), self.user(args["attorney"]))

    # --- prosecution (R21, R22) ---------------------------------------------------------
    def _signed(self, args) -> dict:
        return {"signature": args.get("signature", ""), "title": args.get("title", "")}

    def do_issue_office_action(self, args) -> None:
        prosecution.issue_office_action(
            self.user(args["actor"]),
            self.filing(args["filing"]),
            text="The examining attorney requires a clearer identification of the goods.",
            final=args.get("final", False),
        )

    def do_request_extension(self, args) -> None:
        prosecution.request_response_extension(
            self.user(args["actor"]), self.filing(args["filing"]), **self._signed(args)
        )

    def do_respond(self, args) -> None:
        prosecution.respond_to_office_action(
            self.user(args["actor"]), self.filing(args["filing"]), **self._signed(args)
        )

    def do_petition_to_revive(self, args) -> None:
        prosecution.petition_to_revive(self.user(args["actor"]), self.filing(args["filing"]), **self._signed(args))

    def do_approve_for_publication(self, args) -> None:
        prosecution.approve_for_publication(self.user(args["actor"]), self.filing(args["filing"]))

    def do_file_opposition(self, args) -> None:
        prosecution.file_opposition(self.user(args["actor"]), self.filing(args["filing"]))

    def do_decide_opposition(self, args) -> None:
        prosecution.decide_opposition(
            self.user(args["actor"]), self.filing(args["filing"]), sustained=args["decision"] == "sustained"
        )

    def do_file_statement_of_use(self, args) -> None:
        prosecution.file_statement_of_use(
            self.user(args["actor"]),
            self.filing(args["filing"]),
            first_use=args.get("first_use"),
            specimen=args.get("specimen", False),
            **self._signed(args),
        )

    def do_request_sou_extension(self, args) -> None:
        prosecution.request_sou_extension(self.user(args["actor"]), self.filing(args["filing"]), **self._signed(args))

    def actor_ids(self, users) -> list[str]:
        """The scenario's ids of these accounts, sorted: lists compare in any order."""
        ids = {pk: actor_id for actor_id, pk in self.users.items()}
        return sorted(ids.get(user.pk, f"account {user.pk}") for user in users)

    # --- checks: (expected, actual) pairs for the keys given ------------------------------
    def check(self, step: Step) -> list[tuple[str, object, object]]:
        return getattr(self, f"check_{step.name}")(step.args)

    def check_identity(self, args):
        user = self.user(args["actor"])
        actual = {"state": user.identity_status, "method": user.identity_method, "role": user.role}
        return [(key, args[key], actual[key]) for key in ("state", "method", "role") if key in args]

    def check_filing(self, args):
        application = self.filing(args["filing"])
        pairs = []
        if "state" in args:
            pairs.append(("state", args["state"], application.state))
        if "serial" in args:
            serial = application.serial_number or ""
            pairs.append(("serial", args["serial"], len(serial) == 8 and serial.isdigit()))
        if "fee" in args:
            pairs.append(("fee", args["fee"], fee_for(application)))
        if "flags" in args or "no_flags" in args:
            raised = sorted(Flag.objects.filter(application=application).values_list("code", flat=True))
        if "flags" in args:
            missing = [flag for flag in args["flags"] if flag not in raised]
            pairs.append(("flags", args["flags"], raised if missing else args["flags"]))
        if "no_flags" in args:
            unwanted = _codes(args["no_flags"], "none of")
            present = [flag for flag in args["no_flags"] if flag in raised]
            pairs.append(("no_flags", unwanted, _codes(present, "raised") if present else unwanted))
        # R24: attorneys of record and pending appointments, compared in any order
        if "attorneys" in args:
            pairs.append(("attorneys", sorted(args["attorneys"]), self.actor_ids(application.attorneys_of_record())))
        if "pending" in args:
            pairs.append(("pending", sorted(args["pending"]), self.actor_ids(application.pending_attorneys())))
        # R21, R22: the filer's current deadline (moved under 2.196), and the registration
        if "deadline" in args:
            deadline = prosecution.filer_deadline(application)
            pairs.append(("deadline", args["deadline"], deadline.due_on if deadline is not None else None))
        if "registration" in args:
            pairs.append(("registration", args["registration"], bool(application.registration_number)))
        return pairs

    def check_can_submit(self, args):
        codes = [r.code for r in filings.can_submit(self.user(args["actor"]), self.filing(args["filing"]))]
        actual = _codes(codes) if codes else "ok"
        if args.get("ok"):
            return [("gate", "ok", actual)]
        if "blocked_exactly" in args:
            expected = _codes(sorted(set(args["blocked_exactly"])), "exactly")
            return [("gate", expected, expected if set(codes) == set(args["blocked_exactly"]) else actual)]
        expected = _codes(args["blocked"])
        return [("gate", expected, expected if all(code in codes for code in args["blocked"]) else actual)]

    def check_access(self, args):
        allowed = access.can_access(self.user(args["actor"]), self.filing(args["filing"]))
        return [("allowed", args["allowed"], allowed)]

    def check_sponsorship(self, args):
        sponsorship = accounts.find_sponsorship(self.user(args["attorney"]), self.user(args["staff"]))
        return [("state", args["state"], sponsorship.state if sponsorship else "none")]


# where a step names an actor, and the two places that need no account of them: the
# signer a request names, and the one who signs through the emailed link (R8, R9, R14)
_ACTOR_KEYS = ("actor", "subject", "staff", "attorney", "signer", "applicant")
_BY_LINK_ONLY = {("request_signature", "signer"), ("sign_by_link", "actor")}


def signers_without_account(scenario: Scenario) -> set[str]:
    """Actors who are only asked to sign and sign through their link, and claim nothing an
    account holds (no role, bar or patent record): persons without an account
    (docs/SCENARIOS.md, "Actors"; docs/DECISIONS.md 59)."""
    named_elsewhere = {
        step.args[key]
        for step in scenario.steps
        for key in _ACTOR_KEYS
        if isinstance(step.args.get(key), str) and (step.name, key) not in _BY_LINK_ONLY
    }
    return {
        actor.id
        for actor in scenario.actors.values()
        if actor.id not in named_elsewhere and not (actor.role or actor.bar or actor.patent_verified)
    }


def _run_step(run: _Run, step: Step) -> StepResult:
    result = StepResult(step.number, step.describe(), ok=True)
    try:
        if step.kind == "check":
            mismatches = [(key, want, got) for key, want, got in run.check(step) if want != got]
            if mismatches:
                result.ok = False
                result.expected = "; ".join(f"{key} {want}" for key, want, _ in mismatches)
                result.actual = "; ".join(f"{key} {got}" for key, _, got in mismatches)
            return result
        result.codes = []
        try:
            run.do(step)
        except Refused as refused:
            result.codes = codes = refused.codes
            if step.expect is None:
                result.ok, result.expected, result.actual = False, "ok", _codes(codes)
                result.actual += ": " + " ".join(r.message for r in refused.reasons)
            elif not _as_expected(step, codes):
                result.ok, result.expected, result.actual = False, _expected(step), _codes(codes)
            return result
        if step.expect is not None:
            result.ok, result.expected, result.actual = False, _expected(step), "ok"
    except ValidationError as exc:
        result.ok, result.codes = False, None
        result.expected = _expected(step)
        result.actual = "bad input: " + " ".join(exc.messages)
    except StepFailed as exc:
        result.ok, result.codes = False, None
        result.expected, result.actual = "the step to run", str(exc)
    return result


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Run every step in a transaction rolled back at the end; clock and policy reset."""
    result = ScenarioResult(scenario.name, scenario.file, scenario.index)
    policy.activate(scenario.policy)
    clock.set_today(scenario.start)
    try:
        with transaction.atomic():
            run = _Run(scenario)
            try:
                run.register_actors()
            except ValidationError as exc:
                result.error = "actors could not be set up: " + " ".join(exc.messages)
            else:
                for step in scenario.steps:
                    try:
                        result.steps.append(_run_step(run, step))
                    except TransitionNotAllowed as exc:
                        # a service let a move through that its state machine refuses: a bug
                        result.steps.append(
                            StepResult(step.number, step.describe(), False, "ok", f"transition not allowed: {exc}")
                        )
            # nothing of the scenario may outlive it
            transaction.set_rollback(True)
    finally:
        clock.reset()
        policy.deactivate()
    return result
