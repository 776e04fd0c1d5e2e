"""Commissioning Diagnostics: the entry point (`streamlit run app.py`)."""

import streamlit as st

from scoring.instruments.loading import InstrumentError
from scoring.registry import load_all
from scoring.store import SchemaError
from ui import navigation, server_tuning, session
from ui.workshop import follow, join

server_tuning.tune_process()  # once per process: see ui/server_tuning.py

st.set_page_config(
    page_title="Commissioning Diagnostics",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="auto",
)

try:
    load_all()
except InstrumentError as exc:
    st.error(f"**The app cannot start: an instrument file is not valid.**\n\n{exc}\n\nCorrect the file in the data/ folder and reload this page.")
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
built = navigation.pages(sections, default)
session.remember_pages(navigation.offered(sections, built))
page = st.navigation(built)
st.session_state[navigation.CURRENT_KEY] = page.url_path
if session.is_participant() and not joining:  # phones follow the room's round
    follow.follow_the_room(navigation.offered(sections, built).get(navigation.PARTICIPANT_HOME[0]), page)
page.run()
