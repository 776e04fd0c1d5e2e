"""Compare over time: a baseline beside the current assessment (or another workbook)."""

from datetime import date

import streamlit as st

from scoring import compare
from scoring.imports.uploads import UploadError
from scoring.records import baseline
from ui import session, widgets
from ui.over_time import comparison
from ui.uploads import read_once, show_refusal
from ui.workshop.screen import current_side

st.title("Compare over time")
response = session.response()
kept = baseline.stored(response)
if not kept:
    st.info("Keep an earlier workbook as your baseline first: bring back an Excel summary or workshop pack you downloaded.", icon=":material/compare:")
    session.page_link("views/over_time/bring_back.py", label="Bring back a workbook", icon=":material/upload_file:")
    st.stop()

before = baseline.side(kept)
workshop = session.workshop()
after = current_side(workshop, session.token()) if workshop else baseline.current(response)

with st.expander("Compare with another workbook instead (two teams, two workshops)"):
    other = st.file_uploader("Another Excel summary or workshop pack (.xlsx)", type=["xlsx"], key="cmp_other")
    if other is not None:
        book = read_once(other, "cmp_read")
        if isinstance(book, UploadError):
            show_refusal(book)
        else:
            after = baseline.side(baseline.from_workbook(book, f"{book.title} ({book.generated[:10]})"))

comparison.show(before, after)

st.header("Take it away")
widgets.excel_download(
    "Download the comparison (Excel)",
    lambda: compare.build_comparison_workbook(before, after),
    f"commissioning-comparison-{date.today():%Y-%m-%d}.xlsx",
    "cmp_download",
    type="primary",
)
st.caption("Your Excel summary (Results page) also has a Comparison sheet while a baseline is kept.")


def forget() -> None:
    session.delete(baseline.ID, baseline.ITEM)


st.button("Stop comparing (forget the baseline)", key="cmp_forget", on_click=forget, icon=":material/delete:")
