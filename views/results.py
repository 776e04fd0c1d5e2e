"""Results: scores, radar, enablers and constraints, and the Excel summary."""

from datetime import date

import streamlit as st

from scoring import eight_aspects
from scoring.export import build_workbook
from scoring.figures import radar
from ui import session, widgets

instrument = eight_aspects.instrument()
response = session.response()
records = response.get(eight_aspects.ID, {})
st.title("Results")

if records:
    scores = widgets.score_summary(records, instrument)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header("Room for manoeuvre by aspect")
        widgets.chart(radar(scores), key="results_radar")
        widgets.unscored_note(scores)
    with right:
        st.markdown("**Score per aspect** (0 = factors strongly constrain, 50 = neither, 100 = strongly enable)")
        widgets.aspect_table(scores)

    enablers, constraints = eight_aspects.enablers_and_constraints(records)
    left, right = st.columns(2, gap="large")
    with left:
        st.header("Strongest enablers")
        widgets.factor_list(enablers, empty="Nothing rated as enabling yet.")
    with right:
        st.header("Strongest constraints")
        widgets.factor_list(constraints, empty="Nothing rated as constraining yet.")

    with st.expander("How the scores are calculated"):
        st.markdown(eight_aspects.METHOD)
else:
    st.info("No self-check answers yet. Answer some factors and your room for manoeuvre appears here at once.")
    session.page_link("views/eight_aspects.py", label="Go to the self-check", icon=":material/arrow_forward:")

if response:
    st.header("Take it away")
    token = session.token()
    store = session.store()
    widgets.excel_download(
        "Download the Excel summary",
        lambda: build_workbook(store.response(token)),
        f"commissioning-self-check-{date.today():%Y-%m-%d}.xlsx",
        "download_xlsx",
        type="primary",
    )
    st.caption("Everything you have answered, on one sheet per diagnostic, with native charts, the plan and risks, and how it was worked out.")
    url = session.resume_url()
    if url:
        st.markdown("**Your resume link** (keep it to come back to these answers):")
        st.code(url, language=None, wrap_lines=True)
