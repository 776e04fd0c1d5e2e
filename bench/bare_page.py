"""Baseline for bench/rerun.py: a bare Streamlit page with eight sliders and a plotly radar."""

import plotly.graph_objects as go
import streamlit as st

labels = [f"Aspect {n}" for n in range(1, 9)]
values = [st.slider(label, 0, 100, 50, key=f"bare_{n}") for n, label in enumerate(labels)]
st.plotly_chart(go.Figure(go.Scatterpolar(r=values + values[:1], theta=labels + labels[:1], fill="toself")))
