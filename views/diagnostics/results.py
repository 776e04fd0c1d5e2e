"""Results: scores, radar, enablers and constraints, and the Excel summary."""

from datetime import date

import streamlit as st

from scoring.diagnostics import eight_aspects
from scoring.excel.summary import DEFAULT_TITLE, build_workbook, file_name
from scoring.figures import radar
from scoring.store import NAME_LIMIT
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
    session.page_link("views/diagnostics/eight_aspects.py", label="Go to the self-check", icon=":material/arrow_forward:")

if response:
    st.header("Take it away")
    token = session.token()
    store = session.store()

    def rename() -> None:
        try:
            store.set_name(token, st.session_state["results_name"])
        except (ValueError, KeyError) as exc:
            st.session_state["results_name_error"] = str(exc)

    if "results_name" not in st.session_state:
        st.session_state["results_name"] = store.name(token)
    st.text_input(
        "Name this self-check",
        key="results_name",
        max_chars=NAME_LIMIT,
        on_change=rename,
        placeholder="For example: Adult social care, spring 2027",
        help="Shown on every page of the Excel summary and in its file name.",
    )
    name_error = st.session_state.pop("results_name_error", None)
    if name_error:
        st.error(f"Not saved: {name_error}.", icon=":material/error:")
    name = store.name(token) or DEFAULT_TITLE
    widgets.excel_download(
        "Download the Excel summary",
        lambda: build_workbook(store.response(token), title=name),
        file_name("self-check", name if name != DEFAULT_TITLE else "", date.today()),
        "download_xlsx",
        type="primary",
    )
    st.caption("Everything you have answered, on one sheet per diagnostic, with native charts, the plan and risks, and how it was worked out.")
    url = session.resume_url()
    if url:
        st.markdown("**Your resume link** (keep it to come back to these answers):")
        st.code(url, language=None, wrap_lines=True)
