"""A participant's home in a workshop: what to answer, and the link to carry on later."""

import streamlit as st

from scoring import workshop_setup
from scoring.registry import DIAGNOSTICS
from ui import navigation, session
from ui.widgets import plain

workshop = session.workshop()
st.title(plain(workshop["name"]))
st.caption(
    f"You are taking part anonymously{' as ' + plain(workshop['role']) if workshop['role'] else ''}. "
    "The facilitator sees the room's results, never who said what."
)
if not workshop["is_open"]:
    st.warning("The facilitator has closed this workshop: you can look at your answers but not change them.", icon=":material/lock:")

response = session.response()
st.header("Answer these")
for diagnostic_id in workshop["diagnostics"]:
    module = DIAGNOSTICS[diagnostic_id]
    script, title, icon, _ = navigation.DIAGNOSTIC_PAGES[diagnostic_id][0]
    with st.container(border=True, key=f"wp_{diagnostic_id}"):
        st.markdown(f"**{workshop_setup.TITLES[diagnostic_id]}**")
        if hasattr(module, "progress"):
            done, total = module.progress(response.get(diagnostic_id, {}))
            st.progress(done / total if total else 0.0, text=f"{done} of {total} answered")
        else:
            st.caption("Chosen" if response.get(diagnostic_id) else "Not answered yet")
        session.page_link(script, label="Answer" if not response.get(diagnostic_id) else "Carry on", icon=icon)

st.header("Carry on later")
st.markdown("Your answers are saved as you go. If your phone locks or the page reloads, this link brings you back:")
st.code(session.resume_url(), language=None, wrap_lines=True)
