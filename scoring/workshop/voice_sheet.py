"""The pack's "Votes and contributions" sheet: the actions the room voted on, ranked, with
their votes, and the contributions the facilitator showed (never one hidden or rejected).
A pack brought back reads the same sheet (read), every cell checked as if typed.

Kept apart from pack.py so that the room's agreement (issue 14's other items) and this
can change without touching each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.styles import Font

from scoring.excel import cells
from scoring.imports.uploads import MAX_ROWS, UploadError
from scoring.workshop import voice

SHEET = "Votes and contributions"
VOTE_HEADERS = ("Rank", "Action", "Votes", "Where it came from", "In the room's plan")
CONTRIBUTION_HEADERS = ("Number", "Contribution shown to the room")  # the text in the wide column B
MAX_VOTES = 100_000  # far beyond any room: a larger number was typed in by hand


@dataclass(frozen=True)
class RoomVoice:
    """What the pack keeps of the room's voice."""

    candidates: list[dict] = field(default_factory=list)  # store.candidates(): {text, votes, origin, plan_key}, in the order put
    voters: int = 0
    votes_each: int = voice.DEFAULT_VOTES_EACH
    shown: list[str] = field(default_factory=list)  # the contributions shown, oldest first


def write(wb, room_voice: RoomVoice | None) -> None:
    """The sheet (nothing when the room neither voted nor contributed)."""
    if room_voice is None or not (room_voice.candidates or room_voice.shown):
        return
    ws = wb.create_sheet(SHEET)
    row = cells.title(
        ws,
        "Votes and contributions",
        f"{voice.rule(room_voice.votes_each)} {room_voice.voters} people voted. Contributions: only those the facilitator showed to the room.",
    )
    cells.put(ws, row, 1, "The room's priorities").font = Font(bold=True)
    by_id = {c["id"]: c for c in room_voice.candidates}
    ranked = voice.rank(room_voice.candidates)
    last = cells.write_table(
        ws,
        row + 1,
        list(VOTE_HEADERS),
        ([r.rank_label, r.text, r.votes, voice.ORIGINS.get(r.origin, ""), "Yes" if by_id[r.id].get("plan_key") else ""] for r in ranked),
        wrap=["Action", "Where it came from"],
    )
    if not ranked:
        cells.put(ws, row + 2, 1, "No actions were put to the vote.")
        last = row + 2
    row = last + 2
    cells.put(ws, row, 1, "Contributions shown").font = Font(bold=True)
    last = cells.write_table(
        ws, row + 1, list(CONTRIBUTION_HEADERS), ([number, text] for number, text in enumerate(room_voice.shown, start=1)), wrap=[CONTRIBUTION_HEADERS[1]]
    )
    if not room_voice.shown:
        cells.put(ws, row + 2, 1, "No contribution was shown.")
    cells.finish(ws, {1: 8, 2: 60, 3: 8, 4: 30, 5: 12})


def read(book) -> tuple[list[tuple[str, int]], list[str]]:
    """From a pack: the actions with their votes (text, votes) in the ranking's order, and
    the contributions shown; ([], []) when the pack has no such sheet. UploadError, with
    its sheet, row and column, for a cell that cannot be what the app wrote."""
    if SHEET not in book.sheetnames or not hasattr(book[SHEET], "iter_rows"):
        return [], []
    rows = list(cells.values_brought_back(book[SHEET], len(VOTE_HEADERS), MAX_ROWS))
    ranked, shown = [], []
    section = None
    for number, values in rows:
        if values[: len(VOTE_HEADERS)] == VOTE_HEADERS:
            section = "votes"
            continue
        if values[: len(CONTRIBUTION_HEADERS)] == CONTRIBUTION_HEADERS:
            section = "contributions"
            continue
        if all(v is None for v in values) or (
            isinstance(values[0], str) and values[0] in ("Contributions shown", "No actions were put to the vote.", "No contribution was shown.")
        ):
            if values[0] == "Contributions shown":
                section = None
            continue
        if section == "votes":
            text = _checked(values[1], number, "B", voice.clean_candidate)
            votes = values[2]
            if isinstance(votes, float) and votes.is_integer():
                votes = int(votes)
            if isinstance(votes, bool) or not isinstance(votes, int) or not 0 <= votes <= MAX_VOTES:
                raise UploadError(f"the votes must be a whole number from 0 to {MAX_VOTES:,} (found {str(votes)[:40]}).", sheet=SHEET, row=number, column="C")
            ranked.append((text, votes))
        elif section == "contributions":
            shown.append(_checked(values[1], number, "B", voice.clean_contribution))
    if len(ranked) > voice.MAX_CANDIDATES:
        raise UploadError(f"a room votes on at most {voice.MAX_CANDIDATES} actions; this sheet has {len(ranked)}.", sheet=SHEET)
    return ranked, shown


def _checked(value, number: int, column: str, clean) -> str:
    if not isinstance(value, str):
        raise UploadError(f"this cell must hold text (found {str(value)[:40]}).", sheet=SHEET, row=number, column=column)
    try:
        return clean(value)
    except voice.VoiceError as exc:
        raise UploadError(f"{exc}.", sheet=SHEET, row=number, column=column) from None
