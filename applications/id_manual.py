"""A small ID Manual of goods and services (applications/data/id_manual.json).

Entries picked from it count as ID Manual entries (TEAS Plus before 2025-01-18, no
free-form surcharge after); anything else is free-form text.
"""

import json
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "id_manual.json"


@cache
def entries() -> tuple[dict, ...]:
    with open(DATA_FILE, encoding="utf-8") as source:
        return tuple(json.load(source)["entries"])


@cache
def by_id() -> dict[str, dict]:
    return {entry["id"]: entry for entry in entries()}


def find(nice_class: int | None, text: str) -> dict | None:
    """The entry with exactly this class and text (case and spacing aside), if any."""
    wanted = " ".join(text.split()).casefold()
    for entry in entries():
        if entry["class"] == nice_class and entry["text"].casefold() == wanted:
            return entry
    return None


def search(query: str = "", nice_class: int | None = None) -> list[dict]:
    words = query.casefold().split()
    return [
        entry
        for entry in entries()
        if (nice_class is None or entry["class"] == nice_class) and all(w in entry["text"].casefold() for w in words)
    ]


def grouped_choices() -> list:
    """Choices for a select: one group per Nice class."""
    groups: dict[int, list] = {}
    for entry in entries():
        groups.setdefault(entry["class"], []).append((entry["id"], entry["text"]))
    return [(f"Class {nice_class}", options) for nice_class, options in sorted(groups.items())]


def classes() -> list[int]:
    return sorted({entry["class"] for entry in entries()})
