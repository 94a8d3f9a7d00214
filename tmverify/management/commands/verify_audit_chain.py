import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tmverify.audit import Anchor, verify_chain


def receipt_anchors(folder: str) -> tuple[list[Anchor], int]:
    """The signed audit head of every receipt (`*.json`) in `folder`, and how many receipts
    were issued before receipts carried one. A file that is not a receipt is an error."""
    root = Path(folder)
    if not root.is_dir():
        raise CommandError(f"{folder}: not a folder of receipts")
    anchors, older = [], 0
    for path in sorted(root.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            receipt = document["receipt"]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{path}: not a JSON receipt ({exc})") from exc
        head = receipt.get("audit_head") if isinstance(receipt, dict) else None
        if head is None:
            older += 1
            continue
        if not isinstance(head, dict):
            raise CommandError(f"{path}: its audit_head is not a signed head")
        serial = receipt.get("serial_number", "?")
        anchors.append(
            Anchor(f"receipt {path.name} (serial {serial})", head.get("seq"), head.get("hash"), head.get("signature"))
        )
    return anchors, older


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain against the office's signed checkpoints and, with "
        "--receipts, the heads that filers' receipts carry; report the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--receipts",
            metavar="DIR",
            help="a folder of downloaded receipts (*.json): each one's audit head must still be in the chain",
        )

    def handle(self, *args, receipts=None, **options):
        anchors, older = receipt_anchors(receipts) if receipts else ([], 0)
        report = verify_chain(anchors)
        if not report.ok:
            raise CommandError(f"audit chain broken at event #{report.broken_at}: {report.problem}")
        line = f"audit chain intact: {report.checked} events verified, {report.checkpoints} signed checkpoint(s)"
        if receipts:
            line += f", {report.anchors} receipt(s) whose head is in the chain"
            if older:
                line += f" ({older} issued before receipts carried a head, not checked)"
        self.stdout.write(line)
