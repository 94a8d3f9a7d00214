"""Mail in development (`make run`): each message sent is printed to the console, as
before, and kept as a file in the outbox folder, where `/outbox/` shows it with its links
clickable. Only under DJANGO_DEBUG: the page answers 404 otherwise, and the deploy check
refuses this backend (tmverify/checks.py), which keeps mail on the machine."""

import itertools
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.http import Http404
from django.shortcuts import render

BACKEND = "tmverify.outbox.OutboxBackend"
# the page shows this many messages, the newest first
SHOWN = 200
_sequence = itertools.count()


def folder() -> Path:
    return Path(settings.TMVERIFY_OUTBOX_DIR)


class OutboxBackend(ConsoleBackend):
    """Django's console backend, and one JSON file a message in the outbox folder."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if email_messages:
            folder().mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                self._keep(message)
        return sent

    def _keep(self, message) -> None:
        record = {
            "sent_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "from": message.from_email,
            "to": list(message.to),
            "subject": str(message.subject),
            "body": str(message.body),
        }
        # nanoseconds and a counter: names sort in the order sent, and never collide
        name = folder() / f"{time.time_ns():020d}-{next(_sequence):06d}.json"
        name.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def kept_messages() -> list[dict]:
    """The messages in the outbox folder, the newest first."""
    if not folder().is_dir():
        return []
    files = sorted(folder().glob("*.json"), reverse=True)[:SHOWN]
    messages = []
    for path in files:
        try:
            messages.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a file half written or edited by hand is skipped, not a 500
    return messages


def outbox(request):
    """Every message the development server sent, with its links clickable."""
    if not settings.DEBUG:
        raise Http404("No outbox outside development.")
    return render(request, "outbox.html", {"messages_sent": kept_messages(), "folder": folder()})


def development(request) -> dict:
    """Template context: whether the site runs in development, for the header's outbox link."""
    return {"development": settings.DEBUG and settings.EMAIL_BACKEND == BACKEND}
