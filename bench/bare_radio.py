"""Baseline for bench/load.py: a bare Streamlit page with one radio, nothing else, served
with the same process settings as the app (ui/server_tuning.py), so that the comparison is
of the pages' work."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ui.server_tuning import tune_process  # noqa: E402

tune_process()
st.radio("Rating", ["1", "2", "3", "4", "5"], horizontal=True, key="bare_rating")
