"""Private uploads (notarized scans, pen-and-ink signatures): type checked by content,
size-limited, stored under a random name outside any public folder."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# Magic numbers: the file's content, not its name or the browser's word, decides its type.
_SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in _SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    return None


def validate_upload(upload) -> tuple[str, str]:
    """Raise ValidationError unless `upload` is a non-empty PDF, PNG or JPEG within the limit."""
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
    return kind


def store_upload(upload) -> tuple[str, str]:
    """Validate and store; return (stored name, content type). The name is random."""
    content_type, suffix = validate_upload(upload)
    root = Path(settings.PRIVATE_UPLOAD_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + suffix
    with open(root / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name, content_type


def open_upload(name: str):
    """Open a stored upload by its random name (never a path from the user)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return open(Path(settings.PRIVATE_UPLOAD_ROOT) / name, "rb")
