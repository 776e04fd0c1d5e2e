"""Baseline for bench/load.py: a bare Streamlit page with one radio, nothing else."""

import streamlit as st

st.radio("Rating", ["1", "2", "3", "4", "5"], horizontal=True, key="bare_rating")
