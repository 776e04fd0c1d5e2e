"""A change the store refused stays on screen, with why and a button to send it again.

The answering pages set each widget from the store before drawing it, so that what shows
is what is saved. A change the store could not take (a room's writes queued past every
retry, a full disk) would then go back to the stored answer at once. Instead its values
are kept here, under a group of our own (the widgets' values themselves are forgotten by
Streamlit once the page is left) and drawn until they are saved or changed. They belong
to the respondent who made them: a tab that changes respondent (a new participant, a
fresh start) does not show, or send, the last one's. The
eight-aspects page keeps here too the choice a dropped connection lost, and draws its own
notice (ui/diagnostics/eight_aspects_form.py)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Callable

import streamlit as st

from ui import session

KEY = "kept_choices"  # (the respondent's token, {group: (why it was not saved, {widget key: value})})


def kept(state: MutableMapping | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
    """The changes kept for this tab's respondent, by group (none for another's)."""
    state = st.session_state if state is None else state
    # Set once rather than looked up in vain on every answer: a key session state does not
    # hold costs more to ask for than one it does.
    owner, groups = state.setdefault(KEY, (None, {}))
    return groups if owner == state.get(session.TOKEN_KEY) else {}


def keep(group: str, refused: str | None, values: dict[str, Any]) -> None:
    """After a save of these widgets' values: keep them if it was refused, else forget them."""
    groups = kept()
    if refused:
        if not groups:  # a fresh dict: any kept by another respondent go
            st.session_state[KEY] = (session.token(), groups := {})
        groups[group] = (refused, dict(values))
    else:
        groups.pop(group, None)


def reason(group: str) -> str | None:
    """Why the group's change is not saved, if one is kept."""
    found = kept().get(group)
    return None if found is None else found[0]


def restore(group: str) -> bool:
    """Set the group's widgets to the values kept for them, before they are drawn; False if
    nothing is kept (the page then sets them from the store)."""
    found = kept().get(group)
    if found is None:
        return False
    for key, value in found[1].items():
        st.session_state[key] = value
    return True


def notice(group: str, send: Callable[[], None] | None = None, *, enabled: bool = True) -> bool:
    """Why the group's change is not saved, and "Send again" where sending again can help
    (none without `send`: a form's own button sends again). Returns whether a change is kept."""
    why = reason(group)
    if why is None:
        return False
    st.warning(why, icon=":material/sync_problem:")
    if send is not None and enabled and refused_by_store(why):
        st.button("Send again", key=f"{group}_retry", on_click=send, icon=":material/send:")
    return True


def refused_by_store(problem: str | None) -> str | None:
    """The problem if the store refused the save (try again), None if it was saved or the
    problem is with what was entered (sending it again would not help)."""
    return problem if problem and problem.startswith(session.NOT_SAVED_YET) else None


def form_saved(group: str, problem: str | None, failure: str) -> bool:
    """After a form's save, whether it was saved. A refusal by the store is kept, and said
    by notice(group) until the form, still holding what was typed, sends again; a problem
    with what was entered is shown at once, after `failure`."""
    refused = refused_by_store(problem)
    keep(group, refused, {})
    if problem and not refused:
        st.error(f"{failure}: {problem}.", icon=":material/error:")
    return not problem


def forget_if_drawn_afresh(group: str, field_key: str) -> None:
    """Before a form is drawn: if its field `field_key` is not in the session, the form is
    drawn afresh (from the store, or a new one), so no change refused on it is kept."""
    if field_key not in st.session_state:
        keep(group, None, {})
