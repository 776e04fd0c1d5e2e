"""A workshop in rounds: the section under discussion, where the room disagrees most, and
what the room agreed. Pure Python; the shared screen, the phones and the pack draw on it.

Sections come from the registry (each diagnostic's sections()); a section's factors are
its rated questions (survey_questions() of its items whose answers are numbers: a 1–5
rating, how often, impact). Whose gift it is, or a yes/no fact, is asked but is not a
factor to agree a number on.

Method (shown on the screen and in the pack):
- Spread of a factor = the standard deviation of its ratings (over the people who gave
  one; "don't know" left out) divided by the largest it can be on that scale, half the
  scale's range: 0 when everyone gives the same rating, 1 when the room splits evenly
  between the two ends. It is the "disagreement" of the room's other views made to read
  the same on any scale, so a 0–3 scale and a 1–5 one compare.
- Discuss next: the factors with the widest spread (at most DISCUSS_NEXT, none with a
  spread of 0), among those at least the smallest group rated; ties in the section's order.
- Disagreed widely (the room's plan asks to check the evidence): a spread of WIDE_SPREAD
  or more, or a factor recorded as not agreed.
- Far: an agreed rating more than FAR_POINTS scale point from the room's mean.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from scoring import registry
from scoring.fields import clean_text

DISCUSS_NEXT = 3
WIDE_SPREAD = 0.5  # half the largest spread: the room's plan asks to check the evidence from here
FAR_POINTS = 1.0
NOTE_LIMIT = 500
SEPARATOR = "/"

SPREAD_SENTENCE = (
    "Spread = how far the ratings sit from the room's average, out of 100 for the most they could "
    "(0: everyone gave the same rating; 100: the room split evenly between the two ends). It reads the "
    "same on every scale and for any number of people, so the widest disagreement comes first."
)
FAR_SENTENCE = f"⚑ marks an agreed rating more than {FAR_POINTS:g} scale point from the room's mean rating."
NOT_AGREED = "Not agreed: come back to it"


@dataclass(frozen=True)
class Factor:
    """One rated question of a section: an item's field, with its numeric scale."""

    diagnostic_id: str
    item_id: str
    field: str
    text: str
    options: Mapping[int, str]  # value -> label, in order
    dont_know: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.diagnostic_id, self.item_id, self.field)

    @property
    def low(self) -> int:
        return min(self.options)

    @property
    def high(self) -> int:
        return max(self.options)


@dataclass(frozen=True)
class Section:
    key: str  # "<diagnostic id>/<section id>": what the store keeps
    diagnostic_id: str
    id: str
    title: str
    diagnostic_title: str
    item_ids: tuple[str, ...]
    factors: tuple[Factor, ...]

    @property
    def label(self) -> str:
        return f"{self.diagnostic_title}: {self.title}"


def _numeric(options: Mapping[Any, str]) -> bool:
    return bool(options) and all(isinstance(v, int) and not isinstance(v, bool) for v in options)


def sections(diagnostic_ids: Iterable[str]) -> list[Section]:
    """Every section of these diagnostics, in the registry's order."""
    wanted = tuple(sorted(set(diagnostic_ids)))
    diagnostics = tuple(d for d in registry.diagnostics().values() if d.ID in wanted)
    # Keyed by the instruments as loaded (each is reloaded when its file changes), so an
    # edited instrument file gives new sections without a restart.
    return list(_sections(wanted, tuple(_Identity(d.instrument()) for d in diagnostics)))


class _Identity:
    """An object compared by identity, for a cache key of unhashable objects. The cache
    holds its keys, so the object lives as long as its entry and its id is not reused."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


@lru_cache(maxsize=64)
def _sections(wanted: tuple[str, ...], _instruments: tuple[_Identity, ...]) -> tuple[Section, ...]:
    # Worked out once per workshop's diagnostics: every phone's run in a round asks for them.
    found = []
    for diagnostic in registry.diagnostics().values():
        if diagnostic.ID not in wanted:
            continue
        questions = diagnostic.survey_questions()
        title = registry.page_title(diagnostic.ID)
        for section in diagnostic.sections():
            factors = tuple(
                Factor(diagnostic.ID, q.item_id, q.field, q.label, dict(q.options), q.dont_know)
                for item_id in section.item_ids
                for q in questions
                if q.item_id == item_id and _numeric(q.options)
            )
            found.append(Section(f"{diagnostic.ID}{SEPARATOR}{section.id}", diagnostic.ID, section.id, section.title, title, section.item_ids, factors))
    return tuple(found)


def find(key: str | None, diagnostic_ids: Iterable[str]) -> Section | None:
    """The section with this key among these diagnostics' sections, else None."""
    return next((s for s in sections(diagnostic_ids) if s.key == key), None) if key else None


# --- The room's answers to a section ----------------------------------------------------------


def ratings(factor: Factor, responses: Iterable[Mapping[str, Mapping[str, dict]]]) -> tuple[list[int], int]:
    """(the ratings given on the factor's scale, how many said "don't know")."""
    given, dont_know = [], 0
    for response in responses:
        record = (response.get(factor.diagnostic_id) or {}).get(factor.item_id) or {}
        if factor.field not in record:
            continue
        value = record[factor.field]
        if value is None:
            dont_know += 1
        elif value in factor.options:
            given.append(value)
    return given, dont_know


def spread(values: Sequence[float], low: float, high: float) -> float:
    """The population standard deviation of `values` over (high - low) / 2, its largest
    possible value: 0 to 1; NaN with no values."""
    if not values:
        return math.nan
    return statistics.pstdev(values) / ((high - low) / 2) if high > low else 0.0


def answered(section: Section, responses: Sequence[Mapping[str, Mapping[str, dict]]]) -> tuple[int, int]:
    """(people who answered something in the section, people who answered all of it)."""
    started = complete = 0
    for response in responses:
        records = response.get(section.diagnostic_id) or {}
        done = [item_id in records and bool(records[item_id]) for item_id in section.item_ids]
        started += any(done)
        complete += bool(done) and all(done)
    return started, complete


def factor_rows(section: Section, responses: Sequence[Mapping[str, Mapping[str, dict]]], min_group: int) -> list[dict]:
    """One row per factor of the section, in order: factor, n (ratings given), dont_know,
    shown (n at least min_group: only then are counts, mean and spread given), counts
    {value: people}, mean and spread (NaN when not shown)."""
    rows = []
    for factor in section.factors:
        given, dont_know = ratings(factor, responses)
        shown = len(given) >= max(min_group, 1)
        rows.append(
            {
                "factor": factor,
                "n": len(given),
                "dont_know": dont_know,
                "shown": shown,
                "counts": {value: given.count(value) for value in factor.options} if shown else {},
                "mean": statistics.fmean(given) if shown else math.nan,
                "spread": spread(given, factor.low, factor.high) if shown else math.nan,
            }
        )
    return rows


def discuss_next(rows: Sequence[dict], count: int = DISCUSS_NEXT) -> list[dict]:
    """The shown factors with the widest spread, widest first (ties in the section's
    order), leaving out any the whole room agrees on (spread 0)."""
    candidates = [row for row in rows if row["shown"] and row["spread"] > 0]
    return sorted(candidates, key=lambda row: -row["spread"])[:count]


def is_far(mean: float, agreed: float | None) -> bool:
    """Whether an agreed rating sits far from the room's mean (see FAR_SENTENCE)."""
    if agreed is None or mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return False
    return abs(agreed - mean) > FAR_POINTS + 1e-9


# --- What the room agreed ---------------------------------------------------------------------


def clean_agreement(factor: Factor, value: Any, note: Any) -> dict:
    """The record kept for an agreement: value on the factor's scale, or None for "not
    agreed: come back to it" (then agreed False); the note as plain text (ValueError)."""
    if value is not None and (isinstance(value, bool) or value not in factor.options):
        raise ValueError(f"{value!r} is not a rating on this factor's scale")
    note = clean_text(note, "The discussion point", limit=NOTE_LIMIT)
    return {"value": value, "agreed": value is not None, "note": note}


def agreed_response(agreed: Mapping[tuple[str, str, str], Mapping[str, Any]]) -> dict[str, dict[str, dict]]:
    """The agreed ratings as one respondent's response ({diagnostic: {item: {field: value}}}),
    so each diagnostic scores the room's agreed profile as it scores a person's answers.
    Factors not agreed are left out."""
    response: dict[str, dict[str, dict]] = {}
    for (diagnostic_id, item_id, field), record in agreed.items():
        if record.get("agreed") and record.get("value") is not None:
            response.setdefault(diagnostic_id, {}).setdefault(item_id, {})[field] = record["value"]
    return response


def label(factor: Factor, record: Mapping[str, Any] | None) -> str:
    """How an agreement reads: the agreed rating with its label, "not agreed", or ""."""
    if not record:
        return ""
    if not record.get("agreed"):
        return NOT_AGREED
    return f"{record['value']} {factor.options.get(record['value'], '')}".strip()


def agreed_records(agreed: Mapping[tuple[str, str, str], Mapping[str, Any]], diagnostic_id: str) -> dict[str, dict]:
    """One diagnostic's agreed ratings as its records ({item: {field: value}}), to be
    scored or planned from as a person's answers are."""
    return agreed_response(agreed).get(diagnostic_id, {})


def to_check(spreads: Mapping[str, float], agreed: Mapping[tuple[str, str, str], Mapping[str, Any]], diagnostic_id: str) -> list[str]:
    """Item ids where the room disagreed widely (spread at least WIDE_SPREAD) or that are
    recorded as not agreed, in the order of `spreads` then of the agreements."""
    wide = [item_id for item_id, value in spreads.items() if value == value and value >= WIDE_SPREAD]
    open_ = [key[1] for key, record in agreed.items() if key[0] == diagnostic_id and not record.get("agreed")]
    return wide + [item_id for item_id in open_ if item_id not in wide]
