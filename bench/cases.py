"""The calls the in-process benchmarks compare (bench.steps, bench.instructions);
bench.views serves the same over HTTP."""

from collections.abc import Callable, Iterator

from accounts.models import User
from applications.models import Application
from applications.services import submit_filing

from .models import flip


def cases(actor: User, filings: Iterator[int], toggle: int) -> dict[str, Callable[[], object]]:
    """(c) the real submission of the next filing of `filings` by `actor`; (b) the flip of
    the toggle row `toggle`."""
    return {
        "submit": lambda: submit_filing(User(pk=actor.pk), Application(pk=next(filings))),
        "flip": lambda: flip(toggle),
    }
