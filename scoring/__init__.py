"""Commissioning Diagnostics logic: instruments, scoring, figures, storage, Excel.

Pure Python and pandas; nothing here imports Streamlit, so it runs in a notebook or a test.
"""
