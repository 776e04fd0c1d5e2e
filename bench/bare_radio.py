"""Baseline for bench/load.py: a bare Streamlit page with one radio, nothing else, served
with the same process settings as the app (ui/server_tuning.py), so that the comparison is
of the pages' work."""

import os
import sys

import streamlit as st

# Streamlit runs this file afresh on every answer: the project's folder goes on the path
# once, not once an answer (a path that grew by one entry an answer slowed every run's
# own check of the path, so the baseline drifted up as a room went on).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
from ui.server_tuning import tune_process  # noqa: E402

tune_process()
st.radio("Rating", ["1", "2", "3", "4", "5"], horizontal=True, key="bare_rating")
