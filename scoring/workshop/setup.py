"""What a facilitator sets up for a workshop: its name, diagnostics and roles."""

from __future__ import annotations

from typing import Any, Iterable

from scoring import registry
from scoring.fields import clean_text

# Which diagnostics participants can answer, and which a new workshop starts with, is
# each instrument file's page.workshop (registry.in_workshop, registry.workshop_defaults);
# the development plan and risk register are recorded by the facilitator for the room.
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


def title(diagnostic_id: str) -> str:
    """How set-up names a diagnostic: its page's title, and what it is worked out from."""
    needs = " and ".join(f"the {registry.page_title(n)}" for n in registry.diagnostic(diagnostic_id).NEEDS)
    return registry.page_title(diagnostic_id) + (f" (uses {needs})" if needs else "")


def clean_setup(name: Any, diagnostics: Iterable[str], roles: Iterable[Any]) -> tuple[str, list[str], list[str]]:
    """(name, diagnostics in the app's order, roles without blanks or repeats)."""
    name = clean_text(name, "The workshop name", limit=NAME_LIMIT, required=True, error=SetupError)
    chosen = list(diagnostics)
    offered = registry.in_workshop()
    unknown = [d for d in chosen if d not in offered]
    if unknown:
        raise SetupError(f"Not a diagnostic participants can answer: {', '.join(map(str, unknown))}")
    if not chosen:
        raise SetupError("Choose at least one diagnostic for participants to answer.")
    for diagnostic_id in list(chosen):
        for needed in registry.diagnostic(diagnostic_id).NEEDS:
            if needed not in chosen:
                chosen.append(needed)  # approach fit is worked out from the eight aspects
    cleaned_roles: list[str] = []
    for role in roles:
        role = clean_text(role, "A role", limit=ROLE_LIMIT, error=SetupError)
        if role and role not in cleaned_roles:
            cleaned_roles.append(role)
    if len(cleaned_roles) > MAX_ROLES:
        raise SetupError(f"Offer at most {MAX_ROLES} roles: a long list is hard to choose from on a phone.")
    return name, [d for d in offered if d in chosen], cleaned_roles
