"""Private uploads (notarized scans, pen-and-ink signatures): type checked by content,
size-limited, stored under a random name outside any public folder."""

import re
import secrets
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# Magic numbers: the file's content, not its name or the browser's word, decides its type.
_SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


# A polyglot starts as a PDF or an image but is also something a browser or reader would
# run: refused whatever its header says. Browsers decide "is this HTML?" from the first
# bytes only (the MIME sniffing window), so markup is looked for there; in a PDF, actions
# that run code are looked for everywhere. Markers are long enough that image or stream
# bytes match them by chance about never. (A PDF can still hide actions in compressed
# object streams: this is a tripwire. The defence in depth is that scans are served only
# to office staff, with the type found by content and nosniff.)
_SNIFF_WINDOW = 1024
_MARKUP = re.compile(rb"<\s*(?:script|html|body|svg|iframe|object|embed|!doctype)\b|javascript:", re.IGNORECASE)
# PDF names may spell any character as #xx (`/J#61vaScript` is `/JavaScript`), so each
# name is decoded before it is compared. A name is '/' and regular characters (PDF 32000-1
# 7.3.5); the action names here are at most 12 characters, 37 bytes fully escaped.
_PDF_ACTIONS = {b"JavaScript", b"Launch", b"EmbeddedFile", b"RichMedia", b"XFA"}
_PDF_NAME = re.compile(rb"/((?:[^\s()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_NAME_OVERLAP = 256  # longer than any escaped action name, so one cut by a chunk is whole in the next window


def _names_an_action(window: bytes) -> bool:
    for match in _PDF_NAME.finditer(window):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name in _PDF_ACTIONS:
            return True
    return False


def has_active_content(upload, content_type: str) -> bool:
    """Markup in the sniffing window, or (for a PDF) code-running actions anywhere."""
    upload.seek(0)
    if _MARKUP.search(upload.read(_SNIFF_WINDOW)):
        return True
    if content_type != "application/pdf":
        return False
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        window = tail + chunk  # overlap, so a name split across chunks is still seen whole
        if _names_an_action(window):
            return True
        tail = window[-_NAME_OVERLAP:]
    return False


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in _SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    return None


def validate_upload(upload) -> tuple[str, str]:
    """Raise ValidationError unless `upload` is a non-empty PDF, PNG or JPEG within the
    limit, carrying no markup or PDF actions."""
    size = upload.size
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The file is larger than {limit} MB.", code="too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError("Upload a PDF, PNG or JPEG file.", code="wrong_type")
    active = has_active_content(upload, kind[0])
    upload.seek(0)
    if active:
        raise ValidationError(
            "The file carries web page code or PDF actions. Upload a plain scan (PDF, PNG or JPEG).",
            code="active_content",
        )
    return kind


def store_upload(upload, kind: tuple[str, str]) -> tuple[str, str]:
    """Store a validated upload of `kind` (validate_upload's answer) under a random name;
    return (stored name, content type)."""
    content_type, suffix = kind
    root = Path(settings.PRIVATE_UPLOAD_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + suffix
    with open(root / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name, content_type


def remove_upload(name: str) -> None:
    (Path(settings.PRIVATE_UPLOAD_ROOT) / name).unlink(missing_ok=True)


@contextmanager
def stored_only_if_done():
    """Yield `store(upload, kind)`; files it stored are removed again when the block
    raises (a refusal, a failed write, a rolled-back transaction), so a step that did not
    happen leaves no file behind. Put it outside the step's transaction."""
    stored = []

    def store(upload, kind):
        name, content_type = store_upload(upload, kind)
        stored.append(name)
        return name, content_type

    try:
        yield store
    except BaseException:
        for name in stored:
            remove_upload(name)
        raise


def open_upload(name: str):
    """Open a stored upload by its random name (never a path from the user)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return open(Path(settings.PRIVATE_UPLOAD_ROOT) / name, "rb")
