"""Streamlit helpers shared by the diagnostics' pages: statement pickers and the eight-aspects form."""
