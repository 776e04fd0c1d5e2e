"""Commissioning Diagnostics: the entry point (`streamlit run app.py`)."""

import sys

import streamlit as st

from scoring.instrument import InstrumentError
from scoring.registry import load_all
from scoring.store import SchemaError
from ui import join, navigation, session

# One process serves the whole room in threads that share the GIL. Python hands the GIL
# to a waiting thread only after 5 ms by default, and the thread that writes every
# session's websocket waits that long after each send: 1 ms keeps a full room responsive.
sys.setswitchinterval(0.001)

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

try:
    session.store()  # opened (and upgraded if need be) before anything is read or saved
    session.restore()
except SchemaError as exc:
    st.error(f"**The app cannot open its database.** {exc}", icon=":material/database:")
    st.stop()
notice = session.pop_notice()
if notice:
    st.warning(notice, icon=":material/link_off:")

workshop = session.load_workshop()
joining = join.pending_code() is not None
sections, default = navigation.sections_for(workshop, joining=joining)
session.remember_pages(navigation.scripts(sections))
page = st.navigation(navigation.pages(sections, default))
page.run()
