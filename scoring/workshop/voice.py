"""The room's voice beside its answers: dot-voting on candidate actions, and short
contributions the facilitator moderates before the room sees them. No Streamlit here.

Dot-voting: each participant has `votes_each` votes (the facilitator sets it, default
DEFAULT_VOTES_EACH) and may put at most MAX_ON_ONE of them on any one action, so that
one keen person cannot carry an action alone and everyone spreads over at least two.
The store enforces both, in the transaction that saves a vote (scoring/store.py).

The ranking: most votes first; a tie keeps the order in which the actions were put to
the room, and tied actions share a rank shown as "=2" (as the approaches' ranking does).

The shared screen's ranking moves in batches (publish_votes), as the room's answers do:
a participant's votes wait while they differ from what the screen shows of them, and
only once at least the workshop's smallest group of people have votes waiting are all
of theirs shown at once. So the screen never moves by one person's votes, and nobody
watching it as a colleague votes can read that colleague's votes.

A contribution is one short paragraph: control and invisible formatting characters
dropped, white space collapsed to single spaces, at most CONTRIBUTION_LIMIT characters
and at most SYMBOL_LIMIT emoji or other symbols. The facilitator sees each first and
shows, hides or rejects it; only shown ones reach the screen and the pack.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from scoring.fields import clean_text

DEFAULT_VOTES_EACH = 3
MAX_VOTES_EACH = 10
MAX_ON_ONE = 2  # a participant's votes on any one action (fewer when they have fewer)
MAX_CANDIDATES = 30  # a dot-vote of more than this is no longer a choice a room can make
CANDIDATE_LIMIT = 300  # characters in a candidate action
CONTRIBUTION_LIMIT = 280
SYMBOL_LIMIT = 12  # emoji and other symbols in one contribution
PROMPT_LIMIT = 200
DEFAULT_PROMPT = "What are we tolerating that needs to stop?"
# Per participant: at most CONTRIBUTION_BURST in CONTRIBUTION_WINDOW_SECONDS, and at most
# CONTRIBUTIONS_EACH in the whole workshop (counted in the database: several app
# processes may share one room).
CONTRIBUTION_BURST = 3
CONTRIBUTION_WINDOW_SECONDS = 60
CONTRIBUTIONS_EACH = 10

NEW, SHOWN, HIDDEN, REJECTED = "new", "shown", "hidden", "rejected"
STATUSES = {NEW: "Waiting for you", SHOWN: "Shown on the screen", HIDDEN: "Hidden", REJECTED: "Rejected"}

# Where a candidate came from (shown beside it, and the plan action's origin).
FROM_PLAN, FROM_TOLERANCE, FROM_FACILITATOR, FROM_CONTRIBUTION, FROM_PACK = "plan", "tolerance", "facilitator", "contribution", "pack"
ORIGINS = {
    FROM_PLAN: "From the room's plan",
    FROM_TOLERANCE: "Stop first (what are we tolerating?)",
    FROM_FACILITATOR: "Typed by the facilitator",
    FROM_CONTRIBUTION: "A contribution from the room",
    FROM_PACK: "Brought back from a pack",
}

# Bidirectional overrides and other invisible formatting (Unicode category Cf) can make
# text read differently from what it is; a contribution is plain words.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


class VoiceError(ValueError):
    """A vote or contribution that cannot be taken; the message is for the person."""


def max_on_one(votes_each: int) -> int:
    return min(MAX_ON_ONE, votes_each)


def rule(votes_each: int) -> str:
    """The voting rule in words, as phones and the screen say it."""
    most = max_on_one(votes_each)
    each = f"{votes_each} vote{'s' if votes_each != 1 else ''}"
    return f"Everyone has {each}" + (f"; put up to {most} on any one action." if votes_each > 1 else ".")


def ballot_stamp(settings: dict, listed: Sequence[dict]) -> tuple:
    """What every participant's voting page shows alike: the room's voting and contribution
    settings and the actions listed. When it changes, the phones on that page are redrawn."""
    return (
        settings["voting_open"],
        settings["votes_each"],
        settings["contributions_open"],
        settings["prompt"],
        tuple((c["id"], c["text"]) for c in listed),
    )


def clean_contribution(value: Any) -> str:
    """A contribution as it may be stored, or VoiceError saying why not."""
    text = clean_text(value, "Your contribution", limit=10 * CONTRIBUTION_LIMIT, required=True, error=VoiceError)
    text = " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())
    if not text:
        raise VoiceError("Your contribution is empty")
    if len(text) > CONTRIBUTION_LIMIT:
        raise VoiceError(f"Your contribution is longer than {CONTRIBUTION_LIMIT} characters ({len(text)}): shorten it")
    symbols = sum(1 for c in text if unicodedata.category(c) in ("So", "Sk", "Cs", "Co"))
    if symbols > SYMBOL_LIMIT:
        raise VoiceError(f"Your contribution has more than {SYMBOL_LIMIT} emoji or symbols: say it in words")
    return text


def clean_candidate(value: Any) -> str:
    """A candidate action's text (typed by the facilitator, or from the plan or a contribution)."""
    text = clean_text(value, "The action", limit=10 * CANDIDATE_LIMIT, required=True, error=VoiceError)
    text = " ".join(_INVISIBLE.sub("", text).split())
    if len(text) > CANDIDATE_LIMIT:
        raise VoiceError(f"The action is longer than {CANDIDATE_LIMIT} characters")
    return text


def clean_prompt(value: Any) -> str:
    text = " ".join(_INVISIBLE.sub("", clean_text(value, "The question", limit=PROMPT_LIMIT, required=True, error=VoiceError)).split())
    return text


def clean_votes_each(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VOTES_EACH:
        raise VoiceError(f"Votes each must be a whole number from 1 to {MAX_VOTES_EACH}")
    return value


@dataclass(frozen=True)
class Ranked:
    id: str
    text: str
    votes: int
    rank: int
    rank_label: str  # "2", or "=2" when another action has as many votes
    origin: str


def rank(candidates: Sequence[dict]) -> list[Ranked]:
    """The candidates by votes, most first: each {id, text, votes, origin}, given in the
    order they were put to the room (which breaks ties). Tied actions share the rank of
    the first of them ("=2", "=2", then 4)."""
    ordered = sorted(enumerate(candidates), key=lambda pair: (-int(pair[1]["votes"]), pair[0]))
    counts: dict[int, int] = {}
    for _n, c in ordered:
        counts[int(c["votes"])] = counts.get(int(c["votes"]), 0) + 1
    ranked, position = [], 0
    first_at: dict[int, int] = {}
    for position, (_n, c) in enumerate(ordered, start=1):
        votes = int(c["votes"])
        number = first_at.setdefault(votes, position)
        label = f"={number}" if counts[votes] > 1 else str(number)
        ranked.append(Ranked(c["id"], c["text"], votes, number, label, c.get("origin", "")))
    return ranked


Votes = Mapping[str, Mapping[str, int]]  # participant -> {candidate id: votes}, none at 0


def publish_votes(current: Votes, shown: Votes, min_group: int) -> tuple[dict[str, dict[str, int]], int]:
    """What the screen shows of each participant's votes after this refresh, and how many
    people's votes still wait (see the module's note). `current`: the votes as they
    stand; `shown`: as the screen shows them. Nothing moves until at least `min_group`
    people's votes differ from what is shown; then everyone's are shown as they stand."""
    current = {person: {c: d for c, d in given.items() if d} for person, given in current.items()}
    shown = {person: {c: d for c, d in given.items() if d} for person, given in shown.items()}
    waiting = sum(1 for person in set(current) | set(shown) if current.get(person, {}) != shown.get(person, {}))
    if waiting < max(min_group, 1):
        return {person: given for person, given in shown.items() if given}, waiting
    return {person: given for person, given in current.items() if given}, 0


def totals(votes: Votes) -> tuple[dict[str, int], int]:
    """Votes per candidate and how many people gave any."""
    found: dict[str, int] = {}
    for given in votes.values():
        for candidate_id, dots in given.items():
            found[candidate_id] = found.get(candidate_id, 0) + dots
    return found, sum(1 for given in votes.values() if any(given.values()))


def screen_rule(min_group: int) -> str:
    """The batching rule in one sentence, as the screen says it."""
    return (
        f"The ranking moves only when at least {min_group} people have voted or changed their votes since it last moved, "
        "so nobody's votes can be read off it as they vote."
    )


def top(ranked: Iterable[Ranked], count: int = 3) -> list[Ranked]:
    """The actions within the first `count` ranks that have votes: a tie at the edge
    brings all who share it."""
    return [r for r in ranked if r.votes > 0 and r.rank <= count]


# --- Candidates suggested from the room's plan and from what it should stop tolerating ---


@dataclass(frozen=True)
class Suggestion:
    text: str
    origin: str
    aspect_id: str | None = None
    source_key: str | None = None  # the plan action it comes from


def plan_suggestions(plan_records: dict, factor_texts: dict[str, str]) -> list[Suggestion]:
    """The room's plan as candidates: each action, then each factor the plan says holds
    the place back (saved per aspect), in the plan's order."""
    from scoring.records import development_plan as plan

    found = [
        Suggestion(str(r.action), FROM_PLAN, r.aspect_id, r.key)
        for r in plan.actions(plan_records).itertuples()
        if isinstance(r.action, str) and r.action.strip()
    ]
    for key, record in plan_records.items():
        if key.startswith("aspect:"):
            for factor_id in record.get("holds_back") or []:
                if factor_id in factor_texts:
                    found.append(Suggestion(f"Loosen what holds us back: {factor_texts[factor_id]}", FROM_PLAN, key.removeprefix("aspect:")))
    return found


def stop_first_suggestions(profile, areas: dict, count: int = 3) -> list[Suggestion]:
    """The room's "stop first": the areas with the highest mean priority to stop (0–9) in
    `profile` (scoring.workshop.room.tolerance_profile; an area the small-group rule hides
    has none), ties in the instrument's order, as the actions the tolerance page proposes.
    `areas`: area id -> the instrument's Area."""
    from scoring.diagnostics import tolerance

    shown = profile[profile["priority"].notna() & (profile["priority"] > 0)]
    shown = shown.assign(order=range(len(shown))).sort_values(["priority", "order"], ascending=[False, True], kind="stable").head(count)
    return [Suggestion(tolerance.action_for(areas[a])["action"], FROM_TOLERANCE, areas[a].aspect_id) for a in shown["area_id"]]


def new_suggestions(suggestions: Iterable[Suggestion], listed: Iterable[str]) -> list[Suggestion]:
    """Those not on the list yet (the same words, whatever the case), each once."""
    seen = {t.casefold() for t in listed}
    fresh = []
    for s in suggestions:
        if s.text.casefold() not in seen:
            seen.add(s.text.casefold())
            fresh.append(s)
    return fresh


def plan_action(text: str, source: dict | None, *, aspect_id: str | None, owner: str, due, origin: str) -> dict:
    """The room's plan action for a voted action or a contribution: the plan action it came
    from (`source`), or a new one of `text`, with its aspect, owner and date. Its origin
    stays where it first came from."""
    return {
        **(source or {"action": text, "measure": "", "status": "not_started"}),
        "aspect_id": aspect_id,
        "owner": owner,
        "due": due or "",
        "origin": (source or {}).get("origin") or origin,
    }
