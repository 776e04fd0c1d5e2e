"""The pack's "Agreed" sheet: what the room agreed on each factor, beside the room's mean
and spread, with the discussion points; and reading it back when a pack is brought back.

Its own sheet and module, so a pack made before rounds existed (no such sheet) comes back
as before. A hidden Key column ties each row to its factor (diagnostic, item, field).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from openpyxl.styles import Font

from scoring.excel import cells
from scoring.imports.uploads import UploadError
from scoring.workshop import rounds
from scoring.workshop.room import Participant

SHEET = "Agreed"
HEADERS = (
    "Section",
    "Factor",
    "Rated by",
    "Don't know",
    "Room mean",
    "Spread (0–100)",
    "Agreed rating",
    "Agreed",
    "Far from the mean",
    "Discussion point",
    "Key",
)
HEADER_ROW = 5
AGREED_YES, AGREED_NO = "Agreed", rounds.NOT_AGREED
KEY_SEPARATOR = "|"
ROWS_LIMIT = 5000


def write_agreed(
    wb,
    diagnostics: Sequence[str],
    participants: Sequence[Participant],
    agreed: Mapping[tuple[str, str, str], Mapping[str, Any]],
    smallest: int,
) -> None:
    """The Agreed sheet: one row per factor the room recorded, in the sections' order."""
    if not agreed:
        return
    ws = wb.create_sheet(SHEET)
    cells.title(ws, "What the room agreed", "Each factor the room recorded: its agreed rating, or not agreed yet, beside the room's ratings.")
    cells.put(ws, 3, 1, rounds.SPREAD_SENTENCE).font = Font(italic=True)
    cells.put(ws, 4, 1, rounds.FAR_SENTENCE + f" The room's figures are blank where fewer than {smallest} people rated a factor.").font = Font(italic=True)
    responses = [p.response for p in participants]
    rows = []
    for section in rounds.sections(diagnostics):
        factor_rows = {row["factor"].key: row for row in rounds.factor_rows(section, responses, smallest)}
        for factor in section.factors:
            record = agreed.get(factor.key)
            if record is None:
                continue
            row = factor_rows[factor.key]
            mean = row["mean"] if row["shown"] else math.nan
            rows.append(
                [
                    section.label,
                    factor.text,
                    row["n"],
                    row["dont_know"],
                    None if math.isnan(mean) else round(mean, 2),
                    None if not row["shown"] else round(row["spread"] * 100),
                    record["value"] if record.get("agreed") else None,
                    AGREED_YES if record.get("agreed") else AGREED_NO,
                    "Yes ⚑" if record.get("agreed") and rounds.is_far(mean, record["value"]) else "",
                    record.get("note") or "",
                    KEY_SEPARATOR.join(factor.key),
                ]
            )
    cells.write_table(ws, HEADER_ROW, list(HEADERS), rows, wrap=["Section", "Factor", "Discussion point"])
    ws.column_dimensions["K"].hidden = True  # the key: for the app, not for readers or the printed page
    cells.finish(ws, {1: 20, 2: 36, 3: 8, 4: 8, 5: 8, 6: 9, 7: 9, 8: 14, 9: 9, 10: 34, 11: 10}, landscape=True)


def read_agreed(book, diagnostics: Sequence[str] | None = None) -> dict[tuple[str, str, str], dict]:
    """The agreements on a pack's Agreed sheet ({} when it has none), each checked as if
    typed in the app; UploadError names the sheet, row and column of the first bad one."""
    if SHEET not in book.sheetnames:
        return {}
    from scoring import registry

    factors = {f.key: f for s in rounds.sections(diagnostics or registry.in_workshop()) for f in s.factors}
    ws = book[SHEET]
    if not hasattr(ws, "iter_rows"):
        raise UploadError("this is a chart, not a sheet of cells.", sheet=SHEET)
    found: dict[tuple[str, str, str], dict] = {}
    for number, row in cells.values_brought_back(ws, len(HEADERS), HEADER_ROW + ROWS_LIMIT):
        if number < HEADER_ROW:
            continue
        if number == HEADER_ROW:
            if tuple(row[: len(HEADERS)]) != HEADERS:
                raise UploadError("its header row is not the one this app writes.", sheet=SHEET, row=number)
            continue
        values = list(row)
        if all(v in (None, "") for v in values):
            continue
        key_text, value, status, note = values[10], values[6], values[7], values[9]
        key = tuple(key_text.split(KEY_SEPARATOR)) if isinstance(key_text, str) else None
        if key not in factors:
            raise UploadError("its key is not a factor this app asks.", sheet=SHEET, row=number, column="K")
        if status not in (AGREED_YES, AGREED_NO):
            raise UploadError(f"Agreed must be “{AGREED_YES}” or “{AGREED_NO}”.", sheet=SHEET, row=number, column="H")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if status == AGREED_NO:
            value = None
        elif value is None:
            raise UploadError("an agreed factor needs its agreed rating.", sheet=SHEET, row=number, column="G")
        if note is not None and not isinstance(note, str):
            raise UploadError("the discussion point must be text.", sheet=SHEET, row=number, column="J")
        try:
            found[key] = rounds.clean_agreement(factors[key], value, note or "")
        except ValueError as exc:
            column = "J" if "discussion point" in str(exc) else "G"
            raise UploadError(f"{exc}.", sheet=SHEET, row=number, column=column) from None
    return found
