"""The facilitator's shared screen: join details, controls, and the room's results live.

Everything here is behind the facilitator's token: pages call `facilitator_token()`
first, and the store refuses facilitator actions for any other token.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from scoring import workshop_setup, workshop_views
from scoring import workshop as room
from scoring.compare import Side
from scoring.qr import qr_png
from scoring.store import FACILITATOR, ROOM_VIEWERS, show_join_code
from scoring.workshop_pack import build_pack
from ui import session, widgets
from ui.join import JOIN_PARAM

REFRESH_SECONDS = 3
VIEW_KEY = "ws_view"
PRESENT_KEY = "ws_present"


def facilitator_token() -> str | None:
    """This tab's token if it is a facilitator's, else None (the page then refuses)."""
    workshop = session.workshop()
    return session.token() if workshop and workshop["kind"] == FACILITATOR else None


def viewer_token() -> str | None:
    """This tab's token if it may show the room (the facilitator's, or the shared
    screen's link), else None."""
    workshop = session.workshop()
    return session.token() if workshop and workshop["kind"] in ROOM_VIEWERS else None


def join_url(code: str) -> str:
    return f"{session.app_root()}/?{JOIN_PARAM}={show_join_code(code)}"


def participants(token: str, version: tuple[int, str] | None = None) -> list[room.Participant]:
    """The room's participants, reread from the store only when someone has joined or
    changed an answer (the version moves) since the last refresh. Read-only: shared
    between reruns."""
    return _participants(token, version or session.store().answers_version(token))


@st.cache_resource(max_entries=50, show_spinner=False)
def _participants(token: str, version: tuple[int, str]) -> list[room.Participant]:
    # `version` is unused here but part of the cache key: it moves with the room.
    return [
        room.Participant(number=n, role=role, response=response)
        for n, (role, response) in enumerate(session.store().participants(token), start=1)
    ]


def join_panel(workshop: dict, *, large: bool) -> None:
    """The code, the QR code and the link, stacked to sit beside the chart."""
    code = show_join_code(workshop["code"])
    url = join_url(workshop["code"])
    st.markdown(f"**Join on your phone**: scan the code, or go to {widgets.plain(session.app_root())} and type")
    with st.container(key="join_code"):
        st.markdown(code)
    st.image(qr_png(url), width=300 if large else 220, alt=f"QR code of the join link {url}")
    st.markdown(f"Join link: {url}")


def private_link_panel(workshop: dict) -> None:
    """The facilitator's link, offered as a file and never drawn: this tab may be on the
    projector, and the address bar shows only the screen's own link."""
    with st.container(border=True, key="ws_private_link"):
        st.markdown("**Your private facilitator link**")
        st.markdown(
            "It opens these controls from any browser, such as your phone. It is never shown "
            "on this screen, so a photo of the projector gives nobody control. Save it now: "
            "if this tab is refreshed it shows only the room's screen, and your link brings "
            "the controls back."
        )
        st.download_button(
            "Save my private link (a small text file)",
            data=f"Facilitator link for the workshop {workshop['name']}: keep it to yourself.\n{session.resume_url()}\n",
            file_name=f"facilitator-link-{show_join_code(workshop['code'])}.txt",
            mime="text/plain",
            on_click="ignore",
            key="ws_private_link_file",
            icon=":material/key:",
        )


def controls(token: str, workshop: dict) -> None:
    def toggle(**change) -> None:
        session.store().set_workshop(token, **change)

    reveal, close, present, pack = st.columns(4, vertical_alignment="center")
    if workshop["results_visible"]:
        reveal.button("Hide results", key="ws_hide", on_click=toggle, kwargs={"results_visible": False}, icon=":material/visibility_off:", width="stretch")
    else:
        reveal.button("Reveal results", key="ws_reveal", on_click=toggle, kwargs={"results_visible": True}, type="primary", icon=":material/visibility:", width="stretch")
    if workshop["is_open"]:
        close.button("Close to new answers", key="ws_close", on_click=toggle, kwargs={"is_open": False}, icon=":material/lock:", width="stretch")
    else:
        close.button("Reopen for answers", key="ws_reopen", on_click=toggle, kwargs={"is_open": True}, icon=":material/lock_open:", width="stretch")
    present.button("Presentation view", key="ws_present_on", on_click=st.session_state.__setitem__, args=(PRESENT_KEY, True), icon=":material/slideshow:", width="stretch")
    with pack:
        widgets.excel_download(
            "Download the workshop pack",
            lambda: build_pack(workshop, participants(token), session.store().response(token), generated=datetime.now(timezone.utc)),
            f"workshop-{workshop['code']}.xlsx",
            "ws_pack",
            width="stretch",
        )


def counts(token: str, version: tuple[int, str], diagnostics: list[str]) -> None:
    joined, answered, table = _counts(token, version, tuple(diagnostics))
    first, second, detail = st.columns([1, 1, 4], vertical_alignment="center")
    first.metric("Joined", joined)
    second.metric("Answered something", answered)
    detail.caption(
        "  \n".join(
            f"**{workshop_setup.TITLES[row.diagnostic_id].split(' (')[0]}**: {row.started} started, {row.complete} finished"
            for row in table.itertuples()
        )
    )


@st.cache_resource(max_entries=50, show_spinner=False)
def _counts(token: str, version: tuple[int, str], diagnostics: tuple[str, ...]):
    people = participants(token, version)
    return len(people), sum(1 for p in people if any(p.response.values())), room.counts(people, diagnostics)


def show_view(token: str, version: tuple[int, str], name: str, *, large: bool) -> None:
    """One chart of the room's answers, with its caption and note."""
    view = _view(token, version, name, large)
    if view.figure is not None:
        widgets.chart(view.figure, key=f"ws_chart_{name}")
    if view.caption:
        st.caption(view.caption)
    if view.note:
        st.info(view.note, icon=":material/shield_person:")


@st.cache_resource(max_entries=50, show_spinner=False)
def _view(token: str, version: tuple[int, str], name: str, large: bool) -> workshop_views.View:
    # Built once per change in the room (`version` is part of the key), not per refresh.
    return workshop_views.build(name, participants(token, version), large=large)


def presentation_style() -> None:
    """Large type and nothing else on the projector: no sidebar, no header."""
    st.html(
        "<style>[data-testid=stSidebar],[data-testid=stSidebarCollapsedControl],[data-testid=stHeader]{display:none !important}"
        ".block-container{padding-top:1.5rem !important;max-width:100% !important} .stApp{font-size:1.35rem}"
        ".st-key-join_code p{font-size:2.6rem !important}</style>"
    )


def join_code_style() -> None:
    st.html(
        "<style>.st-key-join_code p{font-size:3rem !important;font-weight:700;letter-spacing:.1em;white-space:nowrap;"
        "line-height:1.1;margin:0;font-family:'Source Code Pro',monospace}</style>"
    )


def current_side(workshop: dict, token: str) -> Side:
    """The workshop as it stands, for a comparison: its participants and the room's plan."""
    return Side(workshop["name"], session.store().response(token), tuple(participants(token)))
