"""Join a workshop: type the code from the shared screen (or arrive by its QR code)."""

import streamlit as st

from ui import session
from ui.widgets import plain
from ui.workshop import join

st.title("Join a workshop")
st.markdown("Type the code on the shared screen. You answer anonymously: no account and no name. The facilitator sees the room's results, never who said what.")

from_link = st.query_params.get(join.JOIN_PARAM)
if from_link and join.FOUND_KEY not in st.session_state and "join_error" not in st.session_state:
    join.find(from_link)

found = st.session_state.get(join.FOUND_KEY)
if not found:
    with st.form("join_code_form", border=True):
        code = st.text_input("Join code", value=from_link or "", max_chars=20, placeholder="ABCD-2345", key="join_code")
        if st.form_submit_button("Find the workshop", type="primary", icon=":material/search:"):
            join.find(code)
            st.rerun()
error = st.session_state.get("join_error")
if error:
    st.error(error, icon=":material/error:")

if found:
    st.success(f"Workshop found: **{plain(found['name'])}**", icon=":material/groups:")
    if session.token():
        st.caption("Joining switches this tab to the workshop. What you answered before stays at its own link.")
    with st.form("join_role_form", border=True):
        role = st.radio(
            "Your role (optional): the room's results can be shown by role, only for groups of three or more",
            [join.NO_ROLE, *found["roles"]],
            format_func=plain,  # roles are typed by the facilitator: shown as typed, never as markdown
            key="join_role",
        )
        if st.form_submit_button("Join", type="primary", icon=":material/login:"):
            join.join(role)
            st.rerun()
    if st.button("Use a different code", key="join_other"):
        st.session_state.pop(join.FOUND_KEY, None)
        if join.JOIN_PARAM in st.query_params:
            del st.query_params[join.JOIN_PARAM]
        st.rerun()
