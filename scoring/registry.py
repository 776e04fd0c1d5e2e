"""The diagnostics the app offers. Pages, the store and the export iterate over these.

Each diagnostic is a module with the same entry points:
    ID                      its id, also the key of its answers in the store
    instrument()            its validated instrument (raises InstrumentError)
    progress(records)       (items done, items in all)
    clean_record(item_id, record)  a stored answer validated (raises a ValueError)
    write_summary(ws, top, records) -> next row   its block on the Excel summary sheet
    write_sheets(wb, records)                     its own sheets in the workbook
    about_rows()            (label, text) lines for the workbook's about sheet
"""

from __future__ import annotations

from types import ModuleType

from scoring import eight_aspects

DIAGNOSTICS: dict[str, ModuleType] = {module.ID: module for module in (eight_aspects,)}


def load_all() -> None:
    """Load and validate every instrument; the first bad one raises InstrumentError."""
    for module in DIAGNOSTICS.values():
        module.instrument()
