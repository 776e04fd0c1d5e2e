"""Reading an uploaded workbook once per file, not on every rerun."""

from __future__ import annotations

import streamlit as st

from scoring.excel.reader import Workbook, read_workbook
from scoring.imports.uploads import UploadError


def read_once(uploaded, key: str) -> Workbook | UploadError:
    """The uploaded file read (or the reason it cannot be), kept for as long as the same
    file stays in the uploader."""
    cache = st.session_state.get(key)
    if cache and cache[0] == uploaded.file_id:
        return cache[1]
    try:
        result: Workbook | UploadError = read_workbook(uploaded.getvalue())
    except UploadError as exc:
        result = exc
    st.session_state[key] = (uploaded.file_id, result)
    return result


def show_refusal(exc: UploadError) -> None:
    """Why a file cannot be used, and that nothing saved has changed."""
    reason = str(exc)
    st.error(f"**This file cannot be used.** {reason[:1].upper()}{reason[1:]}", icon=":material/error:")
    st.caption("Nothing you had saved has changed.")
