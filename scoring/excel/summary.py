"""The Excel summary: one workbook for a respondent's answers to every diagnostic.

Every workbook the app makes (this one and the workshop pack) also carries an "App data"
sheet with each stored record as JSON, and its format and instrument versions on the
About sheet, so scoring/excel/reader.py can read it back exactly.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from openpyxl.styles import Font

from scoring import registry
from scoring.excel import cells, key_results
from scoring.instruments.loading import source_reference, source_titles
from scoring.records import baseline, development_plan

# The machine-readable part of a workbook, shared with scoring/excel/reader.py.
FORMAT_LABEL = "Workbook format"
FORMAT_NAME = "commissioning-diagnostics workbook"
FORMAT_VERSION = 1
DATA_SHEET = "App data"
DATA_NOTE = "This sheet lets the app read this workbook back (Bring back a workbook). Change answers in the app, not here."
DATA_HEADERS = ("Respondent", "Role", "Diagnostic", "Item", "Record (JSON)")
DATA_HEADER_ROW = 3
SELF, ROOM = "self", "room"  # respondents in the App data; workshop participants are P01, P02 …
# Plan and risk records name eight-aspects factors and approaches: the versions of those
# instruments matter to them too.
DEPENDS_ON = {"development_plan": ("eight_aspects",), "risks": ("approaches",)}
EXCEL_MAX_ROW_HEIGHT = cells.EXCEL_MAX_ROW_HEIGHT
SELF_CHECK_KIND = "Self-check"
DEFAULT_TITLE = "Quick self-check"  # a self-check with no name of its own


def build_workbook(
    response: Mapping[str, Mapping[str, dict]],
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
) -> bytes:
    """The .xlsx bytes: Key results, Summary, a sheet per diagnostic, App data (hidden), About.

    `response` holds every stored record of one respondent, by diagnostic id; `title` is
    the self-check's name, shown on every page.
    """
    generated = generated or datetime.now(timezone.utc)
    wb = cells.new_workbook()
    key_results.write(wb.active, key_results.self_check_figures(response), name=title, dated=f"{generated:%d %B %Y}", kind=SELF_CHECK_KIND)
    summary = wb.create_sheet("Summary")
    row = cells.title(summary, f"{cells.APP_NAME}: {title}", f"Generated {generated:%d %B %Y %H:%M} UTC")
    kinds = registry.stored()
    for module in kinds.values():
        row = module.write_summary(summary, row, response) + 1
    cells.finish(summary, {1: 44, 2: 16, 3: 9, 4: 10, 5: 11})  # portrait: the radar below its table on one page

    for module in kinds.values():
        module.write_sheets(wb, response)
    write_data_sheet(wb, data_rows(SELF, None, response))

    lines = [format_line()]
    for module in kinds.values():
        lines.extend(module.about_rows())
    lines.extend(source_lines())
    cells.about_sheet(wb, generated, lines)
    cells.finish_workbook(wb, title=SELF_CHECK_KIND, name=title, generated=generated, hidden=[DATA_SHEET])

    return cells.saved(wb)


# --- The App data sheet -------------------------------------------------------------


def file_name(kind: str, name: str, day) -> str:
    """A download's file name: the kind, the assessment's name in plain letters and
    digits (nothing a file system or a header could misread), and the day."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in name.lower()).split()
    slug = "-".join(words)[:50].strip("-")
    return f"{kind}-{slug + '-' if slug else ''}{day:%Y-%m-%d}.xlsx"


def source_lines() -> list[tuple[str, str]]:
    """The seed documents, cited by their titles (the file names stay in data/), under the
    numbers the printed tables use (loading.source_reference)."""
    return [(source_reference(file), text) for file, text in source_titles().items()]


def format_line() -> tuple[str, str]:
    return (FORMAT_LABEL, f"{FORMAT_NAME} {FORMAT_VERSION}")


EXCEL_CELL_LIMIT = 32_767


def record_text(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def data_rows(respondent: str, role: str | None, response: Mapping[str, Mapping[str, dict]]) -> list[list[Any]]:
    """One App data row per stored record, diagnostics in the registry's order. An answer
    still stored under an id from an earlier version of its instrument (saved before the
    app was updated) is written under its id now, or left out when its statement changed,
    so that the records match the versions the About sheet states."""
    order = {d: n for n, d in enumerate(registry.stored())}
    rows = [
        [respondent, role, diagnostic_id, item_id, record_text(record)]
        for diagnostic_id in sorted(response, key=lambda d: (order.get(d, len(order)), d))
        for item_id, record in _as_today(diagnostic_id, response[diagnostic_id] or {}).items()
    ]
    # A kept baseline is a whole earlier workbook in one record: when it outgrows an Excel
    # cell it is left out (bring back the baseline's own workbook to compare again).
    return [row for row in rows if row[2] != baseline.ID or len(row[4]) <= EXCEL_CELL_LIMIT]


def _as_today(diagnostic_id: str, records: Mapping[str, dict]) -> dict[str, dict]:
    if diagnostic_id == development_plan.ID:  # its aspect records name factors
        return {key: development_plan.as_today(r) if key.startswith("aspect:") else r for key, r in records.items()}
    module = registry.diagnostics().get(diagnostic_id)  # a record kind has no instrument
    history = module.instrument().history if module is not None else None
    if history is None:
        return dict(records)
    return history.as_today(records)


def write_data_sheet(wb, rows: Iterable[list[Any]]) -> None:
    """The App data sheet, placed just before About (which the caller adds next)."""
    ws = wb.create_sheet(DATA_SHEET)
    cells.put(ws, 1, 1, DATA_NOTE).font = Font(italic=True, color="444444")
    last = cells.write_table(ws, DATA_HEADER_ROW, list(DATA_HEADERS), rows, bulk=True)  # hidden, for the app: no wrapping
    ws.freeze_panes = ws.cell(row=DATA_HEADER_ROW + 1, column=1)
    if last == DATA_HEADER_ROW:  # no rows, so no Table: a filter on the header alone
        ws.auto_filter.ref = f"A{DATA_HEADER_ROW}:E{DATA_HEADER_ROW}"
    cells.finish(ws, {1: 12, 2: 22, 3: 18, 4: 32, 5: 110}, heights=False)  # item ids are at most about 30 characters


def version_rows(diagnostic_ids: Iterable[str]) -> list[tuple[str, str]]:
    """The About line with the instrument version of each diagnostic (and those it depends
    on) that has one, as the diagnostics' own about_rows() write it."""
    ids = [d for diagnostic_id in diagnostic_ids for d in (diagnostic_id, *DEPENDS_ON.get(diagnostic_id, ()))]
    lines = []
    for diagnostic_id in dict.fromkeys(ids):
        module = registry.diagnostics().get(diagnostic_id)  # a record kind has no instrument
        if module is not None:
            inst = module.instrument()
            lines.append((f"{inst.title}: instrument", f"{inst.id} version {inst.version}"))
    return lines
