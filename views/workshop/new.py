"""Run a workshop: set it up, then this tab becomes the facilitator's shared screen."""

import streamlit as st

from scoring import registry
from scoring.store import DEFAULT_MAX_PARTICIPANTS, MAX_MIN_GROUP, MAX_PARTICIPANTS_LIMIT, MIN_GROUP, StoreUnavailable, WorkshopError
from scoring.workshop import setup
from ui import session
from ui.workshop import join

st.title("Run a workshop")
st.markdown(
    "Set up a facilitated session: participants join from their phones with a code or a QR "
    "code and answer anonymously, and your shared screen shows the room's results as they "
    "arrive, hidden until you reveal them."
)


def create() -> None:
    state = st.session_state
    try:
        name, diagnostics, roles = setup.clean_setup(state["ws_name"], state["ws_diagnostics"], state["ws_roles"].splitlines())
    except setup.SetupError as exc:
        state["ws_error"] = str(exc)
        return
    try:
        _code, facilitator_token = session.store().create_workshop(
            name, diagnostics, roles, max_participants=int(state["ws_max"]), min_group=int(state["ws_min_group"]), client=join.client()
        )
    except (WorkshopError, StoreUnavailable) as exc:  # too many created from here, or a busy database
        state["ws_error"] = f"The workshop was not created: {exc}"
        return
    state.pop("ws_error", None)
    session.switch_to(facilitator_token)


with st.form("workshop_setup", border=True):
    st.text_input("Workshop name", max_chars=setup.NAME_LIMIT, placeholder="e.g. Children's commissioning away day", key="ws_name")
    st.multiselect(
        "Diagnostics participants answer",
        registry.in_workshop(),
        default=registry.workshop_defaults(),
        format_func=setup.title,
        key="ws_diagnostics",
    )
    st.text_area(
        "Roles participants can pick, one per line (optional for them; leave empty for none)",
        value="\n".join(setup.DEFAULT_ROLES),
        height=200,
        key="ws_roles",
    )
    st.number_input(
        "Largest room: how many people can join",
        min_value=3,
        max_value=MAX_PARTICIPANTS_LIMIT,
        value=DEFAULT_MAX_PARTICIPANTS,
        step=10,
        key="ws_max",
        help="Joins past this are refused with a message, so nobody can pad the room with extra joins.",
    )
    st.selectbox(
        "Smallest group shown",
        list(range(MIN_GROUP, MAX_MIN_GROUP + 1)),
        index=0,
        key="ws_min_group",
        format_func=lambda n: f"{n} people" + (" (the usual)" if n == MIN_GROUP else ""),
        help="No figure on the screen or in the pack counts fewer people who answered than this, results by "
        "role need groups this large, and the screen moves only once this many people have changed "
        "something. Raise it for a small team whose members know each other's views well.",
    )
    st.caption(
        "So nobody can be identified, nothing is shown for fewer people who answered than the smallest "
        "group, and the screen never moves by one person's change. You record the room's development "
        "plan and risk register yourself."
    )
    st.form_submit_button("Create the workshop", type="primary", on_click=create, icon=":material/add:")

error = st.session_state.get("ws_error")
if error:
    st.error(error, icon=":material/error:")
if session.token() and not session.workshop():
    st.caption("Creating a workshop switches this tab to its shared screen. Your self-check answers stay at their own link.")
