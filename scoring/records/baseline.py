"""A baseline: an earlier assessment brought back from its workbook, kept beside the
current answers so the two can be compared (on the Compare page and in the Excel
summary). Stored as one record, validated as if every answer in it were typed in again.
"""

from __future__ import annotations

from typing import Any, Mapping

from openpyxl.styles import Font

from scoring import compare, registry
from scoring.excel import cells
from scoring.fields import clean_text
from scoring.workshop.room import Participant

ID = "baseline"
TITLE = "Baseline"
ITEM = "workbook"
KINDS = ("self_check", "workshop_pack")
LABEL_LIMIT = 200
MAX_PARTICIPANTS = 500
MAX_NOTES, NOTE_LIMIT = 20, 20_000  # what an older workbook's answers lost (workbook_reader.carried_over)


def _diagnostics() -> dict:
    """What a baseline keeps answers of: every stored kind but baselines."""
    return {key: kind for key, kind in registry.stored().items() if key != ID}


def _clean_response(response: Any, where: str) -> dict:
    if not isinstance(response, Mapping):
        raise ValueError(f"{where}: the answers are not a mapping")
    modules = _diagnostics()
    cleaned: dict[str, dict] = {}
    for diagnostic_id, records in response.items():
        if diagnostic_id not in modules:
            raise ValueError(f"{where}: there is no diagnostic {diagnostic_id!r}")
        if not isinstance(records, Mapping):
            raise ValueError(f"{where}: {diagnostic_id} answers are not a mapping")
        cleaned[diagnostic_id] = {
            # The record is its own "previous": a plan date that has passed since is kept.
            item_id: modules[diagnostic_id].clean_record(item_id, record if isinstance(record, Mapping) else {}, record)
            for item_id, record in records.items()
        }
    return cleaned


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    """{"label", "kind", "generated", "not_carried": [{"diagnostic", "note"}], "response",
    "participants": [{"label", "role", "response"}]}: the answers as they belong to today's
    instruments, and what of the workbook could not be carried over to them."""
    if item_id != ITEM:
        raise ValueError(f"unknown baseline entry {item_id!r}")
    label = clean_text(record.get("label"), "The baseline's name", limit=LABEL_LIMIT, required=True)
    kind = record.get("kind")
    if kind not in KINDS:
        raise ValueError(f"a baseline is a self-check or a workshop pack, not {kind!r}")
    people = record.get("participants") or []
    if not isinstance(people, list) or len(people) > MAX_PARTICIPANTS:
        raise ValueError(f"a baseline holds at most {MAX_PARTICIPANTS} participants")
    participants = []
    for number, person in enumerate(people, start=1):
        person = person if isinstance(person, Mapping) else {}
        participants.append(
            {
                "label": clean_text(person.get("label"), "A participant's label", limit=20, required=True),
                "role": clean_text(person.get("role"), "A participant's role", limit=100) or None,
                "response": _clean_response(person.get("response") or {}, f"participant {number}"),
            }
        )
    notes = record.get("not_carried") or []
    if not isinstance(notes, list) or len(notes) > MAX_NOTES:
        raise ValueError(f"a baseline holds at most {MAX_NOTES} notes on what was not carried over")
    cleaned = {
        "label": label,
        "kind": kind,
        "generated": clean_text(record.get("generated"), "When the workbook was made", limit=100),
        "response": _clean_response(record.get("response") or {}, "the baseline"),
        "participants": participants,
    }
    if notes:  # only when something was not carried over, as baselines kept before had none
        cleaned["not_carried"] = [_clean_note(n) for n in notes]
    return cleaned


def _clean_note(note: Any) -> dict:
    """{"diagnostic": id, "note": plain words}: what of one instrument was not carried over."""
    note = note if isinstance(note, Mapping) else {}
    if note.get("diagnostic") not in _diagnostics():
        raise ValueError(f"a note on what was not carried over names no diagnostic this app knows ({note.get('diagnostic')!r})")
    return {"diagnostic": note["diagnostic"], "note": clean_text(note.get("note"), "A note on what was not carried over", limit=NOTE_LIMIT, required=True)}


def stored(response: Mapping[str, Mapping[str, dict]]) -> dict | None:
    return (response.get(ID) or {}).get(ITEM)


def side(record: Mapping[str, Any]) -> compare.Side:
    """The baseline as one side of a comparison."""
    people = tuple(Participant(number=n, role=p["role"], response=p["response"]) for n, p in enumerate(record["participants"], start=1))
    return compare.Side(record["label"], record["response"], people, notes=tuple((n["diagnostic"], n["note"]) for n in record.get("not_carried") or ()))


def current(response: Mapping[str, Mapping[str, dict]], label: str = "Now") -> compare.Side:
    """This respondent's own answers (without the baseline) as the other side."""
    return compare.Side(label, {key: value for key, value in response.items() if key != ID})


# --- Excel ------------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    """A line on the Summary sheet naming the baseline and where the comparison is."""
    record = stored(response)
    if not record:
        return top
    changes = compare.overall_change(side(record), current(response))
    cells.put(ws, top, 1, "Compared with a baseline").font = Font(bold=True, size=13)
    cells.put(ws, top + 1, 1, f"Baseline: {record['label']}")
    cells.put(ws, top + 2, 1, "Room for manoeuvre then, now and the change (0–100); details on the Comparison sheet")
    for column, key in enumerate(("before", "after", "change"), start=2):
        cells.put(ws, top + 2, column, changes.get(key), "0")
    return top + 4


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    record = stored(response)
    if record:
        compare.write_comparison(wb, side(record), current(response))


def about_rows() -> list[tuple[str, str]]:
    return [
        (
            "Comparison with a baseline",
            "When a baseline workbook has been brought back, the Comparison sheet sets it beside the current answers: each number is worked out the same way on both sides, and a change is now minus then.",
        )
    ]


def from_workbook(book, label: str) -> dict:
    """The record to store for a workbook read by scoring.excel.reader, named `label`."""
    return {
        "label": label,
        "kind": book.kind,
        "generated": book.generated,
        **({"not_carried": notes} if (notes := book.not_carried()) else {}),
        "response": {key: value for key, value in book.response.items() if key != ID},
        "participants": [{"label": name, "role": role, "response": response} for name, role, response in book.participants],
    }
