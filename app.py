"""Commissioning Diagnostics: the entry point (`streamlit run app.py`)."""

import streamlit as st

from scoring.instrument import InstrumentError
from scoring.registry import load_all
from ui import session

st.set_page_config(
    page_title="Commissioning Diagnostics",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="auto",
)

try:
    load_all()
except InstrumentError as exc:
    st.error(
        f"**The app cannot start: an instrument file is not valid.**\n\n{exc}\n\n"
        "Correct the file in the data/ folder and reload this page."
    )
    st.stop()

session.restore()
notice = session.pop_notice()
if notice:
    st.warning(notice, icon=":material/link_off:")

page = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/eight_aspects.py", title="Eight aspects self-check", icon=":material/tune:", url_path="eight-aspects"),
        st.Page("pages/results.py", title="Results and Excel summary", icon=":material/insights:", url_path="results"),
        st.Page("pages/tolerance.py", title="What are we tolerating?", icon=":material/front_hand:", url_path="tolerating"),
        st.Page("pages/starting_points.py", title="Starting points and support needs", icon=":material/flag:", url_path="starting-points"),
        st.Page("pages/conditions.py", title="Conditions and practices", icon=":material/diversity_3:", url_path="conditions"),
        st.Page("pages/approaches.py", title="Approaches: model fit", icon=":material/compare_arrows:", url_path="approaches"),
        st.Page("pages/plan.py", title="Development plan", icon=":material/checklist:", url_path="plan"),
        st.Page("pages/risks.py", title="Strategic risks", icon=":material/report:", url_path="risks"),
    ]
)
session.remember_page(page.url_path)
page.run()
