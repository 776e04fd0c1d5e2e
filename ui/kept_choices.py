"""A change the store refused stays on screen, with why and a button to send it again.

The answering pages set each widget from the store before drawing it, so that what shows
is what is saved. A change the store could not take (a room's writes queued past every
retry, a full disk) would then go back to the stored answer at once. Instead its values
are kept here, under a group of our own (the widgets' values themselves are forgotten by
Streamlit once the page is left) and drawn until they are saved or changed. The
eight-aspects page keeps here too the choice a dropped connection lost, and draws its own
notice (ui/diagnostics/eight_aspects_form.py)."""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from ui import session

KEY = "kept_choices"  # group -> (why it was not saved, {widget key: value})


def keep(group: str, refused: str | None, values: dict[str, Any]) -> None:
    """After a save of these widgets' values: keep them if it was refused, else forget them."""
    kept = st.session_state.setdefault(KEY, {})
    if refused:
        kept[group] = (refused, dict(values))
    else:
        kept.pop(group, None)


def reason(group: str) -> str | None:
    """Why the group's change is not saved, if one is kept."""
    found = st.session_state.get(KEY, {}).get(group)
    return None if found is None else found[0]


def restore(group: str) -> bool:
    """Set the group's widgets to the values kept for them, before they are drawn; False if
    nothing is kept (the page then sets them from the store)."""
    found = st.session_state.get(KEY, {}).get(group)
    if found is None:
        return False
    for key, value in found[1].items():
        st.session_state[key] = value
    return True


def notice(group: str, send: Callable[[], None], *, enabled: bool = True) -> bool:
    """Why the group's change is not saved, and "Send again" where sending again can help.
    Returns whether a change is kept."""
    why = reason(group)
    if why is None:
        return False
    st.warning(why, icon=":material/sync_problem:")
    if enabled and why.startswith(session.NOT_SAVED_YET):
        st.button("Send again", key=f"{group}_retry", on_click=send, icon=":material/send:")
    return True
