"""Joining a workshop by its code: look the workshop up, pick a role, become a participant.

The QR code and join link carry the code as ?join=<code>, so a scanned code skips typing.
"""

from __future__ import annotations

import streamlit as st

from scoring.store import PARTICIPANT, JoinError, normalise_join_code
from ui import session

JOIN_PARAM = "join"
FOUND_KEY = "join_found"  # the workshop the typed code found
NO_ROLE = "Prefer not to say"


client = session.client  # who is guessing codes, for slowing down repeated wrong guesses


def pending_code() -> str | None:
    """The code from the join link, unless this tab already takes part in that workshop."""
    given = st.query_params.get(JOIN_PARAM)
    current = session.workshop()
    if given is not None and current and current["kind"] == PARTICIPANT and current["code"] == normalise_join_code(given):
        del st.query_params[JOIN_PARAM]
        return None
    return given


def find(code: str) -> None:
    try:
        st.session_state[FOUND_KEY] = session.store().find_workshop(code, client())
        st.session_state.pop("join_error", None)
    except JoinError as exc:
        st.session_state.pop(FOUND_KEY, None)
        st.session_state["join_error"] = str(exc)


def join(role_label: str) -> None:
    found = st.session_state.get(FOUND_KEY)
    if not found:
        return
    role = None if role_label == NO_ROLE else role_label
    try:
        token = session.store().join(found["code"], role, client())
    except JoinError as exc:
        st.session_state["join_error"] = str(exc)
        return
    st.session_state.pop(FOUND_KEY, None)
    st.session_state.pop("join_error", None)
    session.switch_to(token)
