"""Diagnostic 2: the commissioning development plan (source 003_02c3aacad44f0173.txt).

For each aspect: which factors hold us back most, which support us most, which supports
we could boost, and whether each inhibiting factor is in our control, influenceable, out
of our control or needs innovation. Then an action plan. It starts pre-filled from the
eight-aspects answers and everything in it can be changed.

Stored records (one respondent, diagnostic "development_plan"):
    "aspect:<aspect_id>" -> {"holds_back": [factor ids], "supports": [...], "boost": [...],
                             "classes": {factor id: class id}}
    "action:<id>"        -> {"aspect_id", "action", "owner", "due" (YYYY-MM-DD or ""),
                             "measure", "status", "origin"}
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, Mapping

import pandas as pd
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from scoring import numbers
from scoring.diagnostics import eight_aspects
from scoring.diagnostics.eight_aspects import ASPECTS
from scoring.excel import cells
from scoring.fields import clean_text

ID = "development_plan"
TITLE = "Commissioning development plan"

CLASSES = {
    "in_control": "In our control",
    "influenceable": "Influenceable",
    "out_of_control": "Out of our control",
    "needs_innovation": "Needs innovation",
}
STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "on_hold": "On hold",
}
TEXT_LIMIT = 500
PREFILL_LIMIT = 3
QUESTIONS = (
    "Which factors currently most hold you back?",
    "Which most support you?",
    "Which of the supporting factors could you boost?",
    "Which of the inhibiting factors are in your control, influenceable, out of your control, or require innovation if they are to be changed?",
    "Create an action plan to address the inhibiting factors and boost the supporting factors.",
)


class PlanError(ValueError):
    """A plan entry that cannot be saved, with a message for the user."""


def aspect_key(aspect_id: str) -> str:
    return f"aspect:{aspect_id}"


def new_action_key() -> str:
    return f"action:{secrets.token_hex(6)}"


def prefill(aspect_id: str, ea_records: Mapping[str, Mapping[str, Any]]) -> dict:
    """The starting point for an aspect, from the self-check: worst-rated factors hold us
    back, best-rated support us (weight 0 and don't know left out)."""
    table = eight_aspects.answer_table(ea_records)
    table = table[(table["aspect_id"] == aspect_id) & table["rating"].notna() & (table["weight"] > 0)]
    holds = table[table["rating"] <= 2].sort_values(["rating", "weight"], ascending=[True, False], kind="stable")
    supports = table[table["rating"] >= 4].sort_values(["rating", "weight"], ascending=[False, False], kind="stable")
    return {
        "holds_back": list(holds["item_id"][:PREFILL_LIMIT]),
        "supports": list(supports["item_id"][:PREFILL_LIMIT]),
        "boost": [],
        "classes": {},
    }


def aspect_plan(aspect_id: str, records: Mapping[str, dict], ea_records: Mapping[str, Mapping[str, Any]]) -> dict:
    """What the user saved for the aspect, or the pre-filled starting point."""
    saved = records.get(aspect_key(aspect_id))
    return as_today(saved) if saved else prefill(aspect_id, ea_records)


def as_today(record: Mapping[str, Any]) -> dict:
    """An aspect record naming factors as today's eight aspects ask them: a factor saved
    under an earlier id is named as today where only reworded, and left out where its
    meaning changed (the eight aspects' history; ids are never reused)."""
    history = eight_aspects.instrument().history

    def today(factor_id):
        return history.today(factor_id) if isinstance(factor_id, str) and history else factor_id

    carried = dict(record)
    for field in ("holds_back", "supports", "boost"):
        if isinstance(record.get(field), list):
            carried[field] = [f for f in map(today, record[field]) if f is not None]
    if isinstance(record.get("classes"), dict):
        carried["classes"] = {today(f): c for f, c in record["classes"].items() if today(f) is not None}
    return carried


def actions(records: Mapping[str, dict]) -> pd.DataFrame:
    """Every action, in the aspect order and then by due date."""
    columns = ["key", "aspect_id", "action", "owner", "due", "measure", "status", "origin"]
    rows = [{"key": key, **record} for key, record in records.items() if key.startswith("action:")]
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    table["order"] = table["aspect_id"].map(ASPECTS.index)
    return table.sort_values(["order", "due", "key"], kind="stable").drop(columns="order").reset_index(drop=True)


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None, today: date | None = None) -> dict:
    if item_id.startswith("aspect:"):
        return _clean_aspect(item_id.removeprefix("aspect:"), record)
    if item_id.startswith("action:"):
        return _clean_action(record, previous, today or date.today())
    raise PlanError(f"unknown plan entry {item_id!r}")


def _clean_aspect(aspect_id: str, record: Mapping[str, Any]) -> dict:
    if aspect_id not in ASPECTS:
        raise PlanError(f"unknown aspect {aspect_id!r}")
    factors = {f.id for f in eight_aspects.instrument().factors_of(aspect_id)}
    cleaned: dict[str, Any] = {}
    for field in ("holds_back", "supports", "boost"):
        chosen = list(record.get(field) or [])
        stray = [f for f in chosen if f not in factors]
        if stray:
            raise PlanError(f"{field.replace('_', ' ')}: {', '.join(map(str, stray))} is not a factor of this aspect")
        cleaned[field] = list(dict.fromkeys(chosen))
    both = set(cleaned["holds_back"]) & set(cleaned["supports"])
    if both:
        raise PlanError("a factor cannot both hold you back and support you; choose one")
    stray_boost = set(cleaned["boost"]) - set(cleaned["supports"])
    if stray_boost:
        raise PlanError("only a supporting factor can be boosted")
    classes = dict(record.get("classes") or {})
    for factor_id, class_id in classes.items():
        if factor_id not in factors or class_id not in CLASSES:
            raise PlanError(f"classification {class_id!r} for {factor_id!r} is not one of: {', '.join(CLASSES.values())}")
    cleaned["classes"] = {f: c for f, c in classes.items() if f in cleaned["holds_back"]}
    return cleaned


def _text(record: Mapping[str, Any], field: str, label: str, *, required: bool = False) -> str:
    return clean_text(record.get(field), label, limit=TEXT_LIMIT, required=required, error=PlanError)


def _clean_action(record: Mapping[str, Any], previous: Mapping[str, Any] | None, today: date) -> dict:
    aspect_id = record.get("aspect_id")
    if aspect_id not in ASPECTS:
        raise PlanError(f"choose the aspect the action belongs to (got {aspect_id!r})")
    status = record.get("status") or "not_started"
    if status not in STATUSES:
        raise PlanError(f"status must be one of: {', '.join(STATUSES.values())}")
    due = record.get("due") or ""
    if isinstance(due, date):
        due = due.isoformat()
    if due:
        try:
            due_date = date.fromisoformat(str(due))
        except ValueError:
            raise PlanError(f"'by when' {due!r} is not a date (use YYYY-MM-DD)") from None
        # A date already saved may pass; a new or changed one may not be in the past.
        unchanged = previous is not None and previous.get("due") == due_date.isoformat()
        if due_date < today and not unchanged:
            raise PlanError(f"'by when' {due_date:%d %B %Y} is in the past")
        due = due_date.isoformat()
    return {
        "aspect_id": aspect_id,
        "action": _text(record, "action", "The action", required=True),
        "owner": _text(record, "owner", "The owner"),
        "due": due,
        "measure": _text(record, "measure", "The measure of success"),
        "status": status,
        "origin": _text(record, "origin", "The origin"),
    }


def actions_from_gaps(gap_table: pd.DataFrame, approach_titles: list[str], records: Mapping[str, dict]) -> list[dict]:
    """One proposed action per aspect with a gap, for the user to edit; none for a gap
    already in the plan (same aspect, same origin)."""
    blend = " + ".join(approach_titles)
    aspect_titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    existing = {(r.get("aspect_id"), r.get("origin")) for k, r in records.items() if k.startswith("action:")}
    proposals = []
    for row in gap_table.itertuples():
        if pd.isna(row.gap) or row.gap <= 0:
            continue
        origin = f"Gap for {blend} (gap {numbers.text(row.gap)})"
        if (row.aspect_id, origin) in existing:
            continue
        proposals.append(
            {
                "aspect_id": row.aspect_id,
                "action": f"Widen our room for manoeuvre on {aspect_titles[row.aspect_id].lower()}: {row.reason}",
                "owner": "",
                "due": "",
                "measure": "",
                "status": "not_started",
                "origin": origin,
            }
        )
    return proposals


def progress(records: Mapping[str, dict]) -> tuple[int, int]:
    """(aspects with a saved plan, eight)."""
    return sum(1 for a in ASPECTS if aspect_key(a) in records), len(ASPECTS)


# --- Excel ------------------------------------------------------------------------

EXTRA_ROWS = 15  # empty, validated rows in the Table so the plan can grow in Excel
SHEET = "Development plan"
# The action plan's columns; bring-back (scoring/excel/sheet_edits.py) finds the table by them.
# "Key" is hidden: it ties a row to its stored action, so an edit in Excel comes back to it.
ACTION_HEADERS = ("Aspect", "Action", "Owner", "By when", "Measure of success", "Status", "Origin", "Key")
# The factors per aspect: of these only the Classification comes back (the factors are chosen in the app).
FACTOR_HEADERS = ("Aspect", "Factor", "Role", "Classification")
HOLDS_BACK, SUPPORTS, BOOST = "Holds us back", "Supports us", "Supports us (boost it)"
ADDED_IN_EXCEL = "Added in Excel"


def _list_validation(options: Mapping[str, str]) -> DataValidation:
    """A drop-down that refuses any other text (Excel and LibreOffice stop the entry)."""
    validation = DataValidation(type="list", formula1='"' + ",".join(options.values()) + '"', allow_blank=True, showErrorMessage=True, errorStyle="stop")
    validation.error = "Choose one of: " + ", ".join(options.values())
    validation.errorTitle = "Not on the list"
    return validation


def _date_validation() -> DataValidation:
    validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True, errorStyle="stop")
    validation.error = "Type a date, for example 31/03/2027."
    validation.errorTitle = "Not a date"
    return validation


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    table = actions(response.get(ID, {}))
    counts = {f"Actions {label.lower()}": int((table["status"] == key).sum()) for key, label in STATUSES.items()} if len(table) else {}
    return cells.counts_block(ws, top, "Development plan", counts, "No actions yet")


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    records = response.get(ID, {})
    ea_records = response.get(eight_aspects.ID, {})
    inst = eight_aspects.instrument()
    texts = {f.id: f.text for f in inst.factors}
    ws = wb.create_sheet(SHEET)
    row = cells.title(
        ws, "Commissioning development plan", "Pre-filled from the self-check and edited by you. Drop-down lists in the classification and status columns."
    )

    cells.put(ws, row, 1, "Factors per aspect").font = Font(bold=True)
    factor_rows = []
    for aspect in inst.aspects:
        plan = aspect_plan(aspect.id, records, ea_records)
        for factor_id in plan["holds_back"]:
            factor_rows.append([aspect.title, texts[factor_id], HOLDS_BACK, CLASSES.get(plan["classes"].get(factor_id), "")])
        for factor_id in plan["supports"]:
            factor_rows.append([aspect.title, texts[factor_id], BOOST if factor_id in plan["boost"] else SUPPORTS, ""])
    first = row + 2
    last = cells.write_table(ws, row + 1, list(FACTOR_HEADERS), factor_rows, wrap=["Aspect", "Factor"], table=False)
    cells.add_table(ws, row + 1, 1, max(last, first) + EXTRA_ROWS, 4)
    classes = _list_validation(CLASSES)
    ws.add_data_validation(classes)
    classes.add(f"D{first}:D{max(last, first) + EXTRA_ROWS}")

    row = max(last, first) + EXTRA_ROWS + 2
    cells.put(ws, row, 1, "Action plan").font = Font(bold=True)
    titles = {a.id: a.title for a in inst.aspects}
    table = actions(records)
    action_rows = [
        [titles[r.aspect_id], r.action, r.owner, date.fromisoformat(r.due) if r.due else None, r.measure, STATUSES[r.status], r.origin, r.key]
        for r in table.itertuples()
    ]
    first = row + 2
    last = cells.write_table(
        ws,
        row + 1,
        list(ACTION_HEADERS),
        action_rows,
        number_formats={"By when": "DD/MM/YYYY"},
        wrap=["Aspect", "Action", "Owner", "Measure of success", "Origin"],
        table=False,
    )
    end = max(last, first) + EXTRA_ROWS
    cells.add_table(ws, row + 1, 1, end, len(ACTION_HEADERS))
    for column, validation in (("A", _list_validation(titles)), ("D", _date_validation()), ("F", _list_validation(STATUSES))):
        ws.add_data_validation(validation)
        validation.add(f"{column}{first}:{column}{end}")
    for number in range(first, end + 1):  # typed dates show as dates
        ws.cell(row=number, column=4).number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A4"
    cells.finish(ws, {1: 16, 2: 40, 3: 18, 4: 16, 5: 26, 6: 12, 7: 14, 8: 8})
    ws.column_dimensions["H"].hidden = True  # the key: for the app, not for readers or the printed page


def about_rows() -> list[tuple[str, str]]:
    return [
        (f"{TITLE}: questions", " ".join(QUESTIONS)),
        (
            f"{TITLE}: pre-filling",
            "Factors rated 1–2 start as holding you back and 4–5 as supporting you (at most three each, weight 0 left out); everything can be changed.",
        ),
    ]
