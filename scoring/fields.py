"""Checks shared by every kind of record a user can type: text and whole numbers."""

from __future__ import annotations

import re
from typing import Any

# Characters a spreadsheet cannot hold (XML 1.0 forbids them): control characters other
# than tab, line feed and carriage return, and the non-characters U+FFFE and U+FFFF. Word
# pastes some of them (a vertical tab for a line break); they are dropped as typed.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: Any, label: str, *, limit: int, required: bool = False, error: type[ValueError] = ValueError) -> str:
    """Trimmed text; None counts as empty. Raises `error` with a message naming `label`."""
    value = "" if value is None else value
    if not isinstance(value, str):
        raise error(f"{label} must be text")
    value = UNSTORABLE.sub("", value).strip()
    if required and not value:
        raise error(f"{label} is empty")
    if len(value) > limit:
        raise error(f"{label} is longer than {limit} characters")
    return value


def clean_whole(value: Any, label: str, low: int, high: int, *, error: type[ValueError] = ValueError) -> int:
    """A whole number in [low, high]; 4.0 counts as 4 (tables hand numbers back as floats)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{label} {value!r} must be a whole number from {low} to {high}")
    return value
