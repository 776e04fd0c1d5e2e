"""Streamlit helpers for a room: joining by code and the shared screen."""
