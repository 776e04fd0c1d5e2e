"""What a facilitator sets up for a workshop: its name, diagnostics and roles."""

from __future__ import annotations

from typing import Any, Iterable

from scoring.fields import clean_text

# Diagnostics participants answer (the development plan and risk register are recorded
# by the facilitator for the room); approaches is scored from the eight aspects.
PARTICIPANT_DIAGNOSTICS = ("eight_aspects", "approaches", "tolerance", "starting_points", "conditions")
TITLES = {
    "eight_aspects": "Eight aspects: room for manoeuvre",
    "approaches": "Approaches: model fit (uses the eight aspects)",
    "tolerance": "What are we tolerating?",
    "starting_points": "Starting points and support needs",
    "conditions": "Conditions and practices",
}
DEFAULT_DIAGNOSTICS = ("eight_aspects", "approaches", "tolerance")
NEEDS = {"approaches": "eight_aspects"}
DEFAULT_ROLES = (
    "Commissioner",
    "Finance",
    "Procurement",
    "Provider",
    "Voluntary sector",
    "Elected member",
    "Person with lived experience",
)
NAME_LIMIT = 200
ROLE_LIMIT = 100
MAX_ROLES = 20


class SetupError(ValueError):
    """A workshop set-up that cannot be used; the message says what to change."""


def clean_setup(name: Any, diagnostics: Iterable[str], roles: Iterable[Any]) -> tuple[str, list[str], list[str]]:
    """(name, diagnostics in the app's order, roles without blanks or repeats)."""
    name = clean_text(name, "The workshop name", limit=NAME_LIMIT, required=True, error=SetupError)
    chosen = list(diagnostics)
    unknown = [d for d in chosen if d not in PARTICIPANT_DIAGNOSTICS]
    if unknown:
        raise SetupError(f"Not a diagnostic participants can answer: {', '.join(map(str, unknown))}")
    if not chosen:
        raise SetupError("Choose at least one diagnostic for participants to answer.")
    for diagnostic_id, needed in NEEDS.items():
        if diagnostic_id in chosen and needed not in chosen:
            chosen.append(needed)  # approach fit is worked out from the eight aspects
    cleaned_roles: list[str] = []
    for role in roles:
        role = clean_text(role, "A role", limit=ROLE_LIMIT, error=SetupError)
        if role and role not in cleaned_roles:
            cleaned_roles.append(role)
    if len(cleaned_roles) > MAX_ROLES:
        raise SetupError(f"Offer at most {MAX_ROLES} roles: a long list is hard to choose from on a phone.")
    return name, [d for d in PARTICIPANT_DIAGNOSTICS if d in chosen], cleaned_roles
