"""Home: what the tool is for, and where to start or carry on."""

import streamlit as st

from scoring.registry import DIAGNOSTICS
from ui import session

st.title("Commissioning Diagnostics")
st.markdown(
    "A space to look honestly at how your commissioning works: where you have room for "
    "manoeuvre to shape outcomes for your place, and what holds you back. "
    "It is a vehicle for self-improvement, not a performance management tool: no login, "
    "no league tables, and your answers are yours."
)

st.subheader("Quick self-check")
for diagnostic_id, module in DIAGNOSTICS.items():
    instrument = module.instrument()
    done, total = module.progress(session.records(diagnostic_id))
    with st.container(border=True, key=f"home_{diagnostic_id}"):
        st.markdown(f"**{instrument.title}**")
        st.caption(f"About ten minutes. {total} factors across the eight aspects of commissioning.")
        st.progress(done / total, text=f"{done} of {total} answered")
        label = "Carry on" if done else "Start the self-check"
        st.page_link("pages/eight_aspects.py", label=label, icon=":material/arrow_forward:")

st.page_link("pages/results.py", label="See results and download the Excel summary", icon=":material/insights:")

url = session.resume_url()
if url:
    st.subheader("Come back later")
    st.markdown(
        "Your answers are saved as you go. Keep this link to return to them from any "
        "browser; anyone with the link can see and change these answers."
    )
    st.code(url, language=None)
    if st.button("Start a new self-check", key="start_afresh", help="This tab forgets the current answers; the link above still opens them."):
        session.start_afresh()
        st.rerun()
