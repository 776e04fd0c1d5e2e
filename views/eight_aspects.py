"""The eight-aspects self-check: one aspect at a time, saved as you go, scored live."""

import streamlit as st

from scoring import eight_aspects
from scoring.figures import radar
from ui import session, widgets
from ui.eight_aspects_form import aspect_form

instrument = eight_aspects.instrument()

st.title(instrument.title)
st.markdown(instrument.intro)


# An answer reruns only this part (the questions and the live score beside them), not
# the page's navigation and text: in a full room every answer costs the server.
@st.fragment
def answering() -> None:
    records = session.records(eight_aspects.ID)
    done, total = eight_aspects.progress(records, instrument)
    st.progress(done / total, text=f"{done} of {total} factors answered, saved as you go")
    questions, live = st.columns([3, 2], gap="medium")
    with questions:
        aspect_form(instrument, records)
    with live:
        st.markdown("**Your room for manoeuvre so far**")
        scores = widgets.score_summary(records, instrument, compact=True)
        widgets.chart(radar(scores, height=400, compact=True), key="ea_radar")
        widgets.unscored_note(scores)
        session.page_link("views/results.py", label="Full results and Excel summary", icon=":material/insights:")


answering()
