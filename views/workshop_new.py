"""Run a workshop: set it up, then this tab becomes the facilitator's shared screen."""

import streamlit as st

from scoring import workshop_setup
from scoring.store import DEFAULT_MAX_PARTICIPANTS, MAX_PARTICIPANTS_LIMIT
from ui import session

st.title("Run a workshop")
st.markdown(
    "Set up a facilitated session: participants join from their phones with a code or a QR "
    "code and answer anonymously, and your shared screen shows the room's results as they "
    "arrive, hidden until you reveal them."
)

def create() -> None:
    state = st.session_state
    try:
        name, diagnostics, roles = workshop_setup.clean_setup(
            state["ws_name"], state["ws_diagnostics"], state["ws_roles"].splitlines()
        )
    except workshop_setup.SetupError as exc:
        state["ws_error"] = str(exc)
        return
    _code, facilitator_token = session.store().create_workshop(name, diagnostics, roles, max_participants=int(state["ws_max"]))
    state.pop("ws_error", None)
    session.switch_to(facilitator_token)


with st.form("workshop_setup", border=True):
    st.text_input("Workshop name", max_chars=workshop_setup.NAME_LIMIT, placeholder="e.g. Children's commissioning away day", key="ws_name")
    st.multiselect(
        "Diagnostics participants answer",
        list(workshop_setup.PARTICIPANT_DIAGNOSTICS),
        default=list(workshop_setup.DEFAULT_DIAGNOSTICS),
        format_func=workshop_setup.TITLES.get,
        key="ws_diagnostics",
    )
    st.text_area(
        "Roles participants can pick, one per line (optional for them; leave empty for none)",
        value="\n".join(workshop_setup.DEFAULT_ROLES),
        height=200,
        key="ws_roles",
    )
    st.number_input(
        "Largest room: how many people can join",
        min_value=3, max_value=MAX_PARTICIPANTS_LIMIT, value=DEFAULT_MAX_PARTICIPANTS, step=10, key="ws_max",
        help="Joins past this are refused with a message, so nobody can pad the room with extra joins.",
    )
    st.caption(
        "Nothing is shown for fewer than three people who answered, and results by role only for "
        "groups of three or more, so nobody can be identified. You record the room's development "
        "plan and risk register yourself."
    )
    st.form_submit_button("Create the workshop", type="primary", on_click=create, icon=":material/add:")

error = st.session_state.get("ws_error")
if error:
    st.error(error, icon=":material/error:")
if session.token() and not session.workshop():
    st.caption("Creating a workshop switches this tab to its shared screen. Your self-check answers stay at their own link.")
