"""The rules R1..R25, as the `/rules/` page shows them and reasons link to them.

Each rule has its id (used in code comments, tests, reasons and the page's anchors), a
title and a text in English marked for translation (Simplified Chinese in
locale/zh_Hans), whether it is built, and its sources, which are citations and stay as
written. docs/RULES.md says the same at more length, for readers of the code.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

BUILT, PARTLY, NOT_YET = "built", "partly", "not_yet"

STATUS_LABELS = {
    BUILT: gettext_noop("Built"),
    PARTLY: gettext_noop("Partly built"),
    NOT_YET: gettext_noop("Not built yet"),
}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    text: str
    source: str
    status: str = BUILT

    @property
    def number(self) -> int:
        return int(self.id[1:])

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# Grouped as docs/RULES.md groups them; ids in order within each group.
GROUPS = (
    (
        gettext_noop("Identity verification"),
        (
            Rule(
                "R1",
                gettext_noop("One account, one natural person"),
                gettext_noop(
                    "An account belongs to one human being. A name that reads as a company or a shared desk "
                    "(“Admin Support”, “… LLC”, “… Co., Ltd.”) cannot be verified. From 2022-01-08."
                ),
                "USPTO.gov account terms of use; USPTO identity verification pages for trademark filers (uspto.gov)",
            ),
            Rule(
                "R2",
                gettext_noop("When verification opens and when it is required"),
                gettext_noop(
                    "Identity verification opens on 2022-01-08 and is optional until 2022-08-06, when it becomes "
                    "required for owners, US attorneys and Canadian attorneys (2022-04-09 under the “announced” "
                    "policy profile, the date first announced and then postponed). Before the required date an "
                    "account need neither verify nor choose a role to file."
                ),
                "USPTO announcements on identity verification for Trademark Center and TEAS (uspto.gov)",
            ),
            Rule(
                "R3",
                gettext_noop("Verification happens once"),
                gettext_noop(
                    "Once verified, an account stays verified unless office staff suspend it or reject it for "
                    "fraud. The verified name and role are then locked: only office staff can change them."
                ),
                "USPTO identity verification pages (uspto.gov)",
            ),
            Rule(
                "R4",
                gettext_noop("How a person verifies"),
                gettext_noop(
                    "With an online provider (a government photo ID and a selfie), by a video call with the "
                    "provider's agent (the route for people without a US ID), or with a notarized paper form that "
                    "office staff review. The role (owner, US attorney, Canadian attorney or support staff) is "
                    "chosen when verifying."
                ),
                "USPTO identity verification pages (uspto.gov; the online and video routes run through ID.me)",
            ),
            Rule(
                "R5",
                gettext_noop("Lockout after failed attempts"),
                gettext_noop(
                    "Five failed provider attempts, online and video counted together, within 6 hours lock further "
                    "provider attempts for 6 hours. A locked attempt never reaches the provider and does not "
                    "count. The paper form stays open."
                ),
                "tmverify's model of the provider's attempt limit; the USPTO pages describe the routes, not "
                "this number",
            ),
            Rule(
                "R6",
                gettext_noop("One person, one verified account"),
                gettext_noop(
                    "A government ID already behind another verified account puts the new account on fraud hold "
                    "for office review. When the office passes the hold, the other account is suspended: two "
                    "verified accounts never share one document."
                ),
                "USPTO.gov account terms of use (one account per person); USPTO identity verification pages",
            ),
            Rule(
                "R7",
                gettext_noop("Exemption A: verified on the patent side"),
                gettext_noop(
                    "A person already verified for patent filing is verified here without doing it again, once "
                    "the account has confirmed the email on the patent record and the names match. When the "
                    "patent record does not tell the trademark role, the person chooses one before filing."
                ),
                "USPTO identity verification pages, verified patent filers (uspto.gov)",
            ),
            Rule(
                "R8",
                gettext_noop("Exemption B: a represented owner signs by emailed link"),
                gettext_noop(
                    "An owner represented by an attorney can sign through a link sent from the attorney's side, "
                    "without a verified account. Only the signature and its date can be entered that way, and a "
                    "verified account must submit. A link works once, for 30 days. Once representation ends, the "
                    "owner must verify before filing anything, including appointing a new attorney."
                ),
                "USPTO identity verification pages (uspto.gov); signing by email: TMEP 611.01(c)",
            ),
            Rule(
                "R9",
                gettext_noop("Corporate officers sign by link"),
                gettext_noop(
                    "An officer of an applicant company may sign through an emailed link without verifying, when "
                    "a verified person submits the filing."
                ),
                "USPTO identity verification pages (uspto.gov); who may sign: 37 CFR 2.193(e)(1)",
            ),
        ),
    ),
    (
        gettext_noop("Attorney support staff"),
        (
            Rule(
                "R10",
                gettext_noop("Support staff act only under a sponsor"),
                gettext_noop(
                    "Support staff (paralegals) act only while a verified US or Canadian attorney who is not "
                    "suspended sponsors them. The attorney sponsors them, or staff ask and the attorney approves "
                    "or denies; either side can end it at once. Staff cannot sponsor anyone."
                ),
                "USPTO pages on sponsorship in USPTO.gov accounts for trademark filers (uspto.gov)",
            ),
            Rule(
                "R11",
                gettext_noop("Support staff verify too"),
                gettext_noop("Support staff may verify their own identity from 2023-10-14 and must from 2024-01-20."),
                "USPTO announcements on identity verification for attorney support staff (uspto.gov)",
            ),
        ),
    ),
    (
        gettext_noop("Signatures"),
        (
            Rule(
                "R12",
                gettext_noop("The form of an electronic signature"),
                gettext_noop(
                    "Any text between two forward slashes that holds a letter or digit (/Li Wei/, /lw/), with the "
                    "signer's name and title beside it, and a date."
                ),
                "37 CFR 2.193(c)(1); TMEP 611.01(c)",
            ),
            Rule(
                "R13",
                gettext_noop("The signer signs personally"),
                gettext_noop(
                    "The named signer must enter the signature personally. Nobody else, a paralegal included, may "
                    "enter an attorney's or an owner's signature; an attempt is refused and flagged for review."
                ),
                "37 CFR 2.193(c); TMEP 611.01(c); 37 CFR 11.18(c)",
            ),
            Rule(
                "R14",
                gettext_noop("Who may sign"),
                gettext_noop(
                    "A verified statement is signed by someone who can bind the owner (an officer or employee of "
                    "the applicant, signing with their title), someone with first-hand knowledge and authority, "
                    "or an attorney of record; never by support staff. The signer needs no account of their own."
                ),
                "37 CFR 2.193(e)(1); TMEP 611.03(a)",
            ),
            Rule(
                "R15",
                gettext_noop("Ways of signing"),
                gettext_noop(
                    "In the form by the signer, through the emailed link, or by uploading a pen-and-ink page that "
                    "shows the declaration text."
                ),
                "37 CFR 2.193(a) and (c); TMEP 611.01",
            ),
        ),
    ),
    (
        gettext_noop("Application contents"),
        (
            Rule(
                "R16",
                gettext_noop("Foreign applicants need a US attorney"),
                gettext_noop(
                    "From 2019-08-03 an applicant domiciled outside the United States and its territories (Puerto "
                    "Rico, Guam, the US Virgin Islands, American Samoa, the Northern Mariana Islands, the Minor "
                    "Outlying Islands) must be represented by a US-licensed attorney. From the same date an "
                    "attorney of record must be a US attorney who gives US bar information: a state, DC or a "
                    "territory as jurisdiction, the admission date, the bar number where one is issued, and good "
                    "standing. A Canadian attorney may act only for parties in Canada, and only beside a US "
                    "attorney."
                ),
                "37 CFR 2.11(a), 2.17(b)(3); “State” in 37 CFR 11.1; 84 FR 31498 (2019-07-02); TMEP 601.01(b); "
                "Canadian attorneys: 37 CFR 11.14(c)",
            ),
            Rule(
                "R17",
                gettext_noop("Attorney and applicant emails differ"),
                gettext_noop(
                    "The attorney's email may not be the applicant's, whatever its case or surrounding spaces."
                ),
                "37 CFR 2.18, 2.32(a)(2); TMEP 609",
            ),
            Rule(
                "R18",
                gettext_noop("A domicile address, not a mail drop"),
                gettext_noop(
                    "The applicant's domicile, the street address where it really is, is required. A post-office "
                    "box in any spelling or language, a c/o or registered-agent address, a private mailbox, a "
                    "military post office or a virtual office is presumed unacceptable and flagged for review."
                ),
                "37 CFR 2.189, 2.2(o)-(p); TMEP 601.01(c)(i), 803.05(a)",
            ),
            Rule(
                "R19",
                gettext_noop("The filing-date minimum"),
                gettext_noop(
                    "A filing date and an 8-digit serial number are given only when the applicant's name, address "
                    "and email, the mark, at least one good or service with its class, and the fee for one class "
                    "are present."
                ),
                "37 CFR 2.21(a); TMEP 202",
            ),
            Rule(
                "R20",
                gettext_noop("Fees by filing date"),
                gettext_noop(
                    "Before 2021-01-02: $225 a class (TEAS Plus) or $275 (TEAS Standard); until 2025-01-17: $250 "
                    "or $350. TEAS Plus needs every goods entry from the ID Manual and no required information "
                    "missing (entity, citizenship, basis; for use in commerce, the date of first use and a "
                    "specimen); a filing that misses some pays TEAS Standard. From 2025-01-18: $350 a class, plus "
                    "$200 for each class with free-form text, $200 for each further 1,000 characters of free-form "
                    "text in a class, and $100 a class when required information is missing."
                ),
                "37 CFR 2.6(a)(1) and 2.22; 79 FR 74633 (2014-12-16, in force 2015-01-17); 85 FR 73197 "
                "(2020-11-17, in force 2021-01-02); 89 FR 91062 (2024-11-18, in force 2025-01-18)",
            ),
        ),
    ),
    (
        gettext_noop("Office action (prosecution)"),
        (
            Rule(
                "R21",
                gettext_noop("Responding to an office action"),
                gettext_noop(
                    "3 months to respond to actions issued from 2022-12-03, with one 3-month extension ($125) asked "
                    "for before the deadline and before any response; 6 months for earlier actions. A missed "
                    "deadline abandons the application; a petition to revive is due within 2 months of the notice."
                ),
                "37 CFR 2.62, 2.66, 2.196, 2.6 (the extension fee); TMEP 711, 1714; 86 FR 64300 (2021-11-17), "
                "in force for applications from 2022-12-03 (87 FR 62032)",
                NOT_YET,
            ),
            Rule(
                "R22",
                gettext_noop("Publication, opposition, allowance, statement of use"),
                gettext_noop(
                    "Publication opens a 30-day opposition period. Then a use-based application registers and an "
                    "intent-to-use one gets a notice of allowance, after which a statement of use is due in 6 "
                    "months, extendable five times by 6 months."
                ),
                "15 U.S.C. 1062, 1063, 1051(d); 37 CFR 2.80, 2.81, 2.88, 2.89, 2.101-2.102; TMEP 1100, 1500",
                NOT_YET,
            ),
        ),
    ),
    (
        gettext_noop("Sanctions"),
        (
            Rule(
                "R23",
                gettext_noop("Sanctions and fraud signals"),
                gettext_noop(
                    "Office staff can suspend an account (no sign-in, no filing), suspend an application pending "
                    "administrative review, and terminate applications tied to a filing mill. Signals: one account "
                    "filing for many unrelated owners, one attorney's credentials on several accounts, signatures "
                    "entered by someone other than the signer, mass sponsorship of non-employees, mail-drop "
                    "domiciles."
                ),
                "37 CFR 11.18(c); USPTO administrative sanction orders (uspto.gov, “Trademark sanctions”)",
            ),
        ),
    ),
    (
        gettext_noop("Attorneys of record"),
        (
            Rule(
                "R24",
                gettext_noop("An attorney is of record only by their own act"),
                gettext_noop(
                    "An attorney becomes attorney of record by filing as one, through support staff they sponsor, "
                    "or by accepting an appointment someone else made. A name typed on a form proves nothing. When "
                    "representation ends, so does the access that came with it."
                ),
                "37 CFR 2.17, 2.19; TMEP 602-604; USPTO sanction orders (uspto.gov)",
                PARTLY,
            ),
        ),
    ),
    (
        gettext_noop("Office staff"),
        (
            Rule(
                "R25",
                gettext_noop("Office staff examine; they never file"),
                gettext_noop(
                    "An office account (examiner, supervisor) cannot verify as a filer, create or sign a filing, "
                    "or act for a party; it reads every filing and takes only the office's own steps."
                ),
                "18 U.S.C. 203, 205; 37 CFR 11.1, 11.10",
            ),
        ),
    ),
)

RULES = {rule.id: rule for _, rules in GROUPS for rule in rules}


def rule_ids() -> list[str]:
    return sorted(RULES, key=lambda rule_id: RULES[rule_id].number)
