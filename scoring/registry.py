"""The diagnostics the app offers. The store, the Excel export and the app's start-up
check iterate over these.

Each diagnostic is a module with the same entry points:
    ID                                  its id, also the key of its records in the store
    clean_record(item_id, record, previous=None)
                                        a record validated before it is stored (raises ValueError)
    write_summary(ws, top, response) -> next row   its block on the Excel summary sheet
    write_sheets(wb, response)          its own sheets in the workbook
    about_rows()                        (label, text) lines for the workbook's about sheet
and, when its questions are data, instrument(): the validated file (raises InstrumentError).
`response` is every stored record of one respondent: {diagnostic id: {item id: record}}.
"""

from __future__ import annotations

from types import ModuleType

from scoring import approaches, baseline, conditions, development_plan, eight_aspects, risks, starting_points, tolerance

DIAGNOSTICS: dict[str, ModuleType] = {
    module.ID: module
    for module in (eight_aspects, approaches, development_plan, risks, tolerance, starting_points, conditions, baseline)
}


def load_all() -> None:
    """Load and validate every instrument; the first bad one raises InstrumentError."""
    for module in DIAGNOSTICS.values():
        if hasattr(module, "instrument"):
            module.instrument()
