"""Bring back a workbook: resume from an Excel summary, or keep it as a baseline."""

from datetime import date

import streamlit as st

from scoring.excel import reader as workbook_reader
from scoring.excel.reader import SELF_CHECK
from scoring.excel.summary import DEFAULT_TITLE
from scoring.imports import uploads
from scoring.imports.uploads import UploadError
from scoring.records import baseline
from scoring.store import NAME_LIMIT, StoreUnavailable, WorkshopError
from ui import session, widgets
from ui.uploads import read_once, show_refusal

if st.session_state.pop("bb_to_screen", False):
    st.switch_page("views/workshop/screen.py")  # the tab is now the new workshop's screen

st.title("Bring back a workbook")
st.markdown(
    "Upload an Excel summary or workshop pack you downloaded from this app. Resume from a "
    "self-check, with every answer, weight, note, plan row, risk and stakeholder back in "
    "place; or keep either kind as a baseline to compare against, say a year later."
)
st.caption(f"{uploads.LIMITS_TEXT}. Only workbooks made by this app can be brought back.")

uploaded = st.file_uploader("Excel summary or workshop pack (.xlsx)", type=["xlsx"], key="bb_file")
if uploaded is None:
    st.stop()

book = read_once(uploaded, "bb_read")
if isinstance(book, UploadError):
    show_refusal(book)
    st.stop()

kind = "Self-check" if book.kind == SELF_CHECK else f"Workshop pack, {len(book.participants)} participant(s)"
st.success(f"**{widgets.plain(book.title)}**: {kind}, made {widgets.plain(book.generated)}.", icon=":material/task:")
kept_note, lost_note, changed = workbook_reader.carried_over_report(book)
if kept_note:
    st.info(widgets.plain(kept_note) + (f"\n\n**{widgets.plain(lost_note)}**" if lost_note else ""), icon=":material/history:")
if changed:
    with st.expander(f"The {len(changed)} statements that changed", expanded=True):
        st.markdown("\n".join(f"- {widgets.plain(line)}" for line in changed))
if book.edits:
    with st.expander(f"Changed in Excel: {len(book.edits)} change(s) to the plan and risks, kept", expanded=True):
        st.markdown("\n".join(f"- {widgets.plain(line)}" for line in book.edits))
counts = {d: len(items) for d, items in book.response.items() if d != baseline.ID}
if counts:
    st.caption("Records: " + ", ".join(f"{d.replace('_', ' ')} {n}" for d, n in counts.items()) + ".")

resume, keep = st.columns(2, gap="large")
with resume.container(border=True):
    st.markdown("**Resume from it**")
    if session.workshop():
        st.caption("This tab belongs to a workshop: open the app in a new tab, without its link, to resume from a workbook.")
    elif book.kind != SELF_CHECK:
        st.caption(
            "Opens a new workshop holding the pack's participants, and the plan and risks agreed in the room, "
            "with a new join code. This tab becomes its shared screen; what it held before stays at its own link."
        )

        def resume_workshop() -> None:
            try:
                facilitator = workbook_reader.resume_workshop(session.store(), book, client=session.client())
            except (UploadError, ValueError, StoreUnavailable) as exc:  # ValueError: a refusal, such as too many created
                st.session_state["bb_error"] = str(exc)
                return
            session.switch_to(facilitator)
            st.session_state["bb_to_screen"] = True

        st.button("Resume as a new workshop", key="bb_resume_workshop", on_click=resume_workshop, type="primary", icon=":material/restore:")
    else:
        st.caption("Opens a new self-check holding the workbook's answers. What this tab held before stays at its own link.")

        def resume_from_book() -> None:
            try:
                new_token = session.store().new_respondent(client=session.client())
                session.store().replace_response(new_token, book.response)
                if book.title and book.title != DEFAULT_TITLE:  # the self-check's name comes back with it
                    session.store().set_name(new_token, book.title[:NAME_LIMIT])
            except (WorkshopError, StoreUnavailable) as exc:  # too many self-checks from here, or a busy database
                st.session_state["bb_error"] = f"{exc} Nothing was changed."
                return
            session.switch_to(new_token)
            st.session_state["bb_notice"] = ("Your answers are back. Keep the new link on the Home page to return to them.", "views/home.py", "Home")

        st.button("Resume from this workbook", key="bb_resume", on_click=resume_from_book, type="primary", icon=":material/restore:")
with keep.container(border=True):
    st.markdown("**Keep it as a baseline**")
    st.caption("Set beside your current answers on the Compare page and in your Excel summary.")
    label = st.text_input(
        "Name it",
        value=f"{book.title} ({book.generated[:10] or date.today().isoformat()})"[: baseline.LABEL_LIMIT],
        max_chars=baseline.LABEL_LIMIT,
        key="bb_label",
    )

    def keep_as_baseline() -> None:
        refused = session.save(baseline.ID, baseline.ITEM, baseline.from_workbook(book, st.session_state["bb_label"]))
        if not refused:
            st.session_state["bb_notice"] = ("Kept as your baseline.", "views/over_time/compare.py", "Compare over time")

    st.button("Keep as baseline", key="bb_keep", on_click=keep_as_baseline, icon=":material/compare:")

error = st.session_state.pop("bb_error", None)
if error:
    st.error(f"Not resumed: {error}", icon=":material/error:")
notice = st.session_state.pop("bb_notice", None)
if notice:
    text, page, page_label = notice
    st.success(text, icon=":material/check_circle:")
    session.page_link(page, label=page_label, icon=":material/arrow_forward:")
