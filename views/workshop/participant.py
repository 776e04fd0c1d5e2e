"""A participant's home in a workshop: what to answer, and the link to carry on later."""

import streamlit as st

from scoring import registry
from ui import session
from ui.widgets import plain
from ui.workshop import rounds as round_ui

workshop = session.workshop()
st.title(plain(workshop["name"]))
st.caption(
    f"You are taking part anonymously{' as ' + plain(workshop['role']) if workshop['role'] else ''}. "
    "The facilitator sees the room's results, never who said what."
)
if not workshop["is_open"]:
    st.warning("The facilitator has closed this workshop: you can look at your answers but not change them.", icon=":material/lock:")

round_ui.phone_section(workshop)

response = session.response()
st.header("Answer these" if not workshop.get("section") else "Everything you can answer")
for diagnostic_id in workshop["diagnostics"]:
    module = registry.diagnostic(diagnostic_id)
    wording = module.page()
    with st.container(border=True, key=f"wp_{diagnostic_id}"):
        st.markdown(f"**{wording.main.title}**")
        done, total = module.progress(response.get(diagnostic_id, {}))
        st.progress(done / total if total else 0.0, text=f"{done} of {total} {wording.unit}")
        session.page_link(wording.main, label="Answer" if not response.get(diagnostic_id) else "Carry on", icon=wording.main.icon)

with st.container(border=True, key="wp_vote"):
    st.markdown("**Vote and contribute**")
    st.caption("When the facilitator asks: vote on the room's actions, or send a short contribution.")
    session.page_link("views/workshop/vote.py", label="Vote and contribute", icon=":material/how_to_vote:")

st.header("Carry on later")
st.markdown("Your answers are saved as you go. If your phone locks or the page reloads, this link brings you back:")
st.code(session.resume_url(), language=None, wrap_lines=True)
