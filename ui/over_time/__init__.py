"""Streamlit helpers for comparing two assessments."""
