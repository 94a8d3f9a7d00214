"""R23 fraud signals: filing-mill patterns found across the database.

Each signal is one grouped (aggregate) query for its rows, one query for the accounts
behind every row and, on the drill-down, one for the filings: the number of queries never
grows with the number of rows. Thresholds are settings (`SIGNAL_*`); a row is listed when
its count reaches the threshold.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Lower

from accounts.models import BarAdmission, Sponsorship, User, bar_credential

from .models import Application, RepresentationState


@dataclass
class SignalRow:
    label: str
    count: int
    # accounts a supervisor can act on from this row
    account_ids: list[int]
    # accounts shown beside them (the staff an attorney sponsors)
    related_ids: list[int] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)
    related: list[User] = field(default_factory=list)
    filings: list[Application] = field(default_factory=list)


@dataclass(frozen=True)
class SignalSpec:
    key: str
    title: str
    explanation: str
    count_label: str
    threshold_setting: str
    find: Callable[[int], list[SignalRow]]
    # filings behind the rows' accounts, for the drill-down: given the accounts' ids, the
    # filings, each annotated with `signal_account`, the account it is listed under
    filings: Callable[[set[int]], object] | None = None
    # the rule the signal watches for, linked beside the explanation (R23 unless another)
    rule: str = "R23"

    @property
    def threshold(self) -> int:
        return getattr(settings, self.threshold_setting)


@dataclass
class Signal:
    spec: SignalSpec
    rows: list[SignalRow]

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def accounts_count(self) -> int:
        return len({pk for row in self.rows for pk in row.account_ids})


def _by_account(queryset, account_field: str, count, threshold: int) -> list[SignalRow]:
    """Rows of one account each: `count` per `account_field`, at or over the threshold."""
    groups = (
        queryset.values(account_field).annotate(n=count).filter(n__gte=threshold).order_by("-n", account_field)
    )  # order_by also clears the model's default ordering, which would split the groups
    return [SignalRow(label="", count=g["n"], account_ids=[g[account_field]]) for g in groups]


# --- the signals ------------------------------------------------------------------------
def _named_filings():
    return Application.objects.filter(applicant__isnull=False).exclude(applicant__name="")


def _owners_per_account(threshold: int) -> list[SignalRow]:
    return _by_account(_named_filings(), "created_by", Count(Lower("applicant__name"), distinct=True), threshold)


def _flagged(code: str):
    return Application.objects.filter(flags__code=code)


def _flag_signal(code: str):
    def find(threshold: int) -> list[SignalRow]:
        return _by_account(_flagged(code), "created_by", Count("pk", distinct=True), threshold)

    return find


def _bar_numbers():
    return BarAdmission.objects.exclude(number="").annotate(**bar_credential())


def _bar_rows(groups) -> list[SignalRow]:
    """Attach every account giving each (jurisdiction, number) with one more query."""
    groups = list(groups)
    holders = defaultdict(list)
    if groups:
        numbers = {g["bar_number"] for g in groups}
        for j, n, attorney_id in (
            _bar_numbers()
            .filter(bar_number__in=numbers)
            .order_by("attorney_id")
            .values_list("bar_jurisdiction", "bar_number", "attorney")
        ):
            if attorney_id not in holders[(j, n)]:
                holders[(j, n)].append(attorney_id)
    return [
        SignalRow(
            label=f"{g['bar_jurisdiction']} bar no. {g['bar_number']}",
            count=g["n"],
            account_ids=holders[(g["bar_jurisdiction"], g["bar_number"])],
        )
        for g in groups
    ]


def _per_bar_number(counted: Count, threshold: int) -> list[SignalRow]:
    """Bar numbers with at least `threshold` of `counted` (accounts, filings)."""
    groups = (
        _bar_numbers()
        .values("bar_jurisdiction", "bar_number")
        .annotate(n=counted)
        .filter(n__gte=threshold)
        .order_by("-n", "bar_jurisdiction", "bar_number")
    )
    return _bar_rows(groups)


def _accounts_per_bar_number(threshold: int) -> list[SignalRow]:
    return _per_bar_number(Count("attorney", distinct=True), threshold)


def _filings_per_bar_number(threshold: int) -> list[SignalRow]:
    """R24: filings the credential stands on, that is where its holder is of record; a
    name typed on a form and never accepted puts it on none."""
    of_record = Q(attorney__representations__state=RepresentationState.OF_RECORD)
    return _per_bar_number(Count("attorney__representations__application", filter=of_record, distinct=True), threshold)


def _filings_by(account_field: str, filings=None):
    """The drill-down of a signal by one account per filing (`created_by`, ...)."""

    def find(ids: set[int]):
        queryset = Application.objects.all() if filings is None else filings()
        return queryset.filter(**{f"{account_field}__in": ids}).annotate(signal_account=F(account_field))

    return find


def _filings_of_record(ids: set[int]):
    """The filings on which one of `ids` is an attorney of record, once per attorney: the
    state and the attorney in one filter, so that both hold for the same representation."""
    return Application.objects.filter(
        representations__state=RepresentationState.OF_RECORD, representations__attorney__in=ids
    ).annotate(signal_account=F("representations__attorney"))


def _staff_per_attorney(threshold: int) -> list[SignalRow]:
    active = Sponsorship.objects.filter(state=Sponsorship.State.ACTIVE)
    rows = _by_account(active, "attorney", Count("staff", distinct=True), threshold)
    staff = defaultdict(list)
    if rows:
        for attorney_id, staff_id in (
            active.filter(attorney__in=[r.account_ids[0] for r in rows]).order_by("pk").values_list("attorney", "staff")
        ):
            staff[attorney_id].append(staff_id)
    for row in rows:
        row.related_ids = staff[row.account_ids[0]]
    return rows


def _accounts_per_document(threshold: int) -> list[SignalRow]:
    documents = User.objects.exclude(document_fingerprint="")
    groups = list(
        documents.values("document_fingerprint")
        .annotate(n=Count("pk"))
        .filter(n__gte=threshold)
        .order_by("-n", "document_fingerprint")
    )
    holders = defaultdict(list)
    if groups:
        for fp, pk in (
            documents.filter(document_fingerprint__in=[g["document_fingerprint"] for g in groups])
            .order_by("pk")
            .values_list("document_fingerprint", "pk")
        ):
            holders[fp].append(pk)
    # the fingerprint is a keyed hash, not the number; a prefix is enough to tell rows apart
    return [
        SignalRow(
            label=f"document {g['document_fingerprint'][:12]}…",
            count=g["n"],
            account_ids=holders[g["document_fingerprint"]],
        )
        for g in groups
    ]


SIGNALS = [
    SignalSpec(
        "many_owners",
        "Accounts filing for many unrelated owners",
        "One account prepared filings for many distinct applicants (by name).",
        "applicants",
        "SIGNAL_OWNERS_PER_ACCOUNT",
        _owners_per_account,
        _filings_by("created_by", _named_filings),
    ),
    SignalSpec(
        "shared_bar_number",
        "One bar number on several accounts",
        "The same bar jurisdiction and number stand on more than one account.",
        "accounts",
        "SIGNAL_ACCOUNTS_PER_BAR_NUMBER",
        _accounts_per_bar_number,
        _filings_of_record,
    ),
    SignalSpec(
        "bar_number_filings",
        "One bar number on unusually many filings",
        "Filings whose attorney of record gives this bar jurisdiction and number.",
        "filings",
        "SIGNAL_FILINGS_PER_BAR_NUMBER",
        _filings_per_bar_number,
        _filings_of_record,
    ),
    SignalSpec(
        "signature_entered_by_other",
        "Signatures entered by someone other than the signer",
        "An account's filings on which another person tried to enter the signer's signature.",
        "flagged filings",
        "SIGNAL_SIGNATURES_BY_OTHERS",
        _flag_signal("signature_entered_by_other"),
        _filings_by("created_by", lambda: _flagged("signature_entered_by_other")),
        rule="R13",
    ),
    SignalSpec(
        "staff_per_attorney",
        "Attorneys sponsoring many staff",
        "Support staff an attorney sponsors at once (mass sponsorship of non-employees).",
        "staff",
        "SIGNAL_STAFF_PER_ATTORNEY",
        _staff_per_attorney,
    ),
    SignalSpec(
        "mail_drop_domicile",
        "Mail-drop domiciles",
        "An account's filings whose domicile is a post-office box, c/o, registered agent or virtual office.",
        "flagged filings",
        "SIGNAL_MAIL_DROP_FILINGS",
        _flag_signal("mail_drop_domicile"),
        _filings_by("created_by", lambda: _flagged("mail_drop_domicile")),
        rule="R18",
    ),
    SignalSpec(
        "accounts_per_document",
        "Many accounts from one identity document",
        "Accounts that presented the same government ID (same keyed fingerprint).",
        "accounts",
        "SIGNAL_ACCOUNTS_PER_DOCUMENT",
        _accounts_per_document,
        rule="R6",
    ),
]
SIGNALS_BY_KEY = {spec.key: spec for spec in SIGNALS}


# --- evaluation -------------------------------------------------------------------------
def _load_accounts(rows: list[SignalRow]) -> None:
    ids = {pk for row in rows for pk in (*row.account_ids, *row.related_ids)}
    accounts = User.objects.in_bulk(ids) if ids else {}
    for row in rows:
        row.accounts = [accounts[pk] for pk in row.account_ids if pk in accounts]
        row.related = [accounts[pk] for pk in row.related_ids if pk in accounts]
        if not row.label and row.accounts:
            row.label = str(row.accounts[0])


def _load_filings(spec: SignalSpec, rows: list[SignalRow]) -> None:
    if spec.filings is None or not rows:
        return
    ids = {pk for row in rows for pk in row.account_ids}
    by_account = defaultdict(list)
    for filing in spec.filings(ids).select_related("applicant").order_by("pk").distinct():
        by_account[filing.signal_account].append(filing)
    for row in rows:
        seen = set()
        for pk in row.account_ids:
            for filing in by_account[pk]:
                if filing.pk not in seen:
                    seen.add(filing.pk)
                    row.filings.append(filing)


def evaluate(spec: SignalSpec, *, with_filings: bool = False) -> Signal:
    rows = spec.find(spec.threshold)
    _load_accounts(rows)
    if with_filings:
        _load_filings(spec, rows)
    return Signal(spec, rows)


def all_signals() -> list[Signal]:
    return [evaluate(spec) for spec in SIGNALS]


def flagged_account_ids(key: str) -> set[int]:
    """Every account a signal names (for tests and the simulator)."""
    spec = SIGNALS_BY_KEY[key]
    return {pk for row in spec.find(spec.threshold) for pk in row.account_ids}
