"""An editable table of stored records (plan actions, risks) that saves row by row.

Each change in the table is validated by the diagnostic exactly as a form entry would be;
a row that fails is not saved and its message is shown above the table. After every change
the table is drawn afresh from the store, so what you see is what was saved; but when the
store refused the change and saved nothing (ui/kept_choices.py), the table is left as it is,
holding the change as typed, with why and "Send again".
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd
import streamlit as st

from ui import kept_choices, session

ROW_HEIGHT = 92  # px: four lines of the grid's text; past 4rem the grid wraps a cell's text
HEADER_HEIGHT = 38  # px: the grid's header row
MAX_ROWS_IN_VIEW = 12


def record_editor(
    name: str,
    diagnostic_id: str,
    table: pd.DataFrame,
    *,
    to_record: Callable[[dict], dict],
    new_key: Callable[[], str],
    column_config: dict[str, Any],
    disabled: list[str] = (),
    defaults: dict | None = None,
) -> None:
    """`table` has one row per record, a "key" column with the store item id, and the
    display columns; `to_record` turns a display row back into a record.

    Rows are ROW_HEIGHT tall, so a cell's text wraps onto up to four lines (Streamlit's grid
    wraps only in rows taller than 4rem) instead of being cut at one; a blank cell is blank,
    not "None"."""
    state = st.session_state
    version = state.setdefault(f"{name}_version", 0)
    editor_key = f"{name}_editor_{version}"
    keys = list(table["key"])
    rows = table.drop(columns="key").to_dict("records")

    def apply_changes() -> None:
        delta = state[editor_key]
        saves = [(f"Row {int(i) + 1}", keys[int(i)], {**rows[int(i)], **changes}) for i, changes in delta.get("edited_rows", {}).items()]
        saves += [(f"New row {n}", new_key(), {**(defaults or {}), **added}) for n, added in enumerate(delta.get("added_rows", []), start=len(rows) + 1)]
        problems, unsaved, refused, changed = [], [], None, False
        for label, key, row in saves:
            problem = session.save(diagnostic_id, key, to_record(row), quiet=True)
            if kept_choices.refused_by_store(problem):
                refused, unsaved = refused or problem, [*unsaved, label]
            elif problem:
                problems.append(f"{label} was not saved: {problem}.")
            changed = changed or not problem
        for index in delta.get("deleted_rows", []):
            problem = session.delete(diagnostic_id, keys[int(index)])  # a refusal is told by a toast
            refused = refused or kept_choices.refused_by_store(problem)
            changed = changed or not problem
        if refused and not changed:
            # The store took nothing: the same table (same key, same rows) keeps the change as typed.
            kept_choices.keep(name, refused, {})
            state[f"{name}_problems"] = problems
            return
        kept_choices.keep(name, None, {})
        # Drawn afresh from the store, the table no longer shows the rows it refused: say so.
        unsaved = [
            f"{label} was not saved: the server could not store it just now. The table shows what is saved; make that change again." for label in unsaved
        ]
        state[f"{name}_problems"] = problems + unsaved
        state[f"{name}_version"] = version + 1  # a fresh table, drawn from the store

    if kept_choices.reason(name) and not any((state.get(editor_key) or {}).values()):
        kept_choices.keep(name, None, {})  # the table has forgotten the change (the page was left)
    for problem in state.pop(f"{name}_problems", []):
        st.error(problem, icon=":material/error:")
    kept_choices.notice(name, apply_changes)
    st.data_editor(
        pd.DataFrame(rows, columns=[c for c in table.columns if c != "key"]),
        key=editor_key,
        on_change=apply_changes,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=column_config,
        disabled=list(disabled),
        row_height=ROW_HEIGHT,
        # Every row in view (up to MAX_ROWS_IN_VIEW), the row for adding one included: tall
        # rows would otherwise leave most of a short table scrolled out of sight.
        height=HEADER_HEIGHT + (min(len(rows), MAX_ROWS_IN_VIEW) + 1) * ROW_HEIGHT + 3,
        placeholder="",
    )
