"""What the projector shows beside the charts: a thin strip in presentation view (the
workshop's name, its join code for latecomers and how many have answered), and the
"joining" view, whose QR code fills about 40 % of the screen's height so that it scans
from the back of a room."""

from __future__ import annotations

import streamlit as st

from scoring.qr import qr_png
from scoring.store import show_join_code
from ui import session, widgets

JOINING_VIEW = "Joining"
QR_SHARE_OF_HEIGHT = 40  # % of the window's height (vh) the QR code takes in the joining view


STRIP_REFRESH_SECONDS = 3


@st.fragment(run_every=STRIP_REFRESH_SECONDS)
def live_strip(token: str, workshop: dict) -> None:
    """The strip at the top of the presentation view, its counts following the room as
    the screen shows it (the counts are cached per change in the room)."""
    from ui.workshop import screen  # here: screen's page imports this module too

    version, _waiting = screen.shown_version(token)  # publishes what may be shown first, as the chart below does
    joined, answered, _table = screen._counts(token, version, tuple(workshop["diagnostics"]))
    strip(workshop, joined, answered)


def strip(workshop: dict, joined: int, answered: int) -> None:
    """One line above the chart: name, join code, how many joined and answered."""
    with st.container(key="ws_strip", horizontal=True, vertical_alignment="center", gap="large"):
        st.markdown(f"**{widgets.plain(workshop['name'])}**")
        st.markdown(f"Join: {widgets.plain(session.app_root())} · code **{show_join_code(workshop['code'])}**")
        st.markdown(f"{joined} joined · {answered} answered")


def joining(workshop: dict, url: str) -> None:
    """The join code, the QR code at QR_SHARE_OF_HEIGHT % of the screen's height, the link."""
    code = show_join_code(workshop["code"])
    with st.container(key="ws_joining", horizontal=True, vertical_alignment="center", gap="large"):
        st.image(qr_png(url), alt=f"QR code of the join link {url}", width="content")
        with st.container(key="ws_joining_words"):
            st.markdown("**Join on your phone**: scan the code, or go to")
            st.markdown(widgets.plain(session.app_root()))
            st.markdown("and type the code")
            with st.container(key="ws_joining_code"):
                st.markdown(code)


def style() -> None:
    """The strip thin and the joining view large; no chart toolbar anywhere on the screen
    (Streamlit's own full-screen button included: a click on the projector is a mistake)."""
    st.html(
        "<style>"
        "[data-testid=stElementToolbar]{display:none !important}"
        ".st-key-ws_strip{border-bottom:2px solid #0B5CAD;padding:.1rem 0 .6rem 0;margin-bottom:.3rem}"
        ".st-key-ws_strip p{margin:0 !important;font-size:1.25rem !important;white-space:nowrap}"
        f".st-key-ws_joining img{{height:{QR_SHARE_OF_HEIGHT}vh !important;width:auto !important;max-width:none !important}}"
        ".st-key-ws_joining_words p{font-size:2rem !important;margin:0 0 .4rem 0}"
        ".st-key-ws_joining_code p{font-size:5rem !important;font-weight:700;letter-spacing:.1em;white-space:nowrap;"
        "font-family:'Source Code Pro',monospace;line-height:1.1}"
        "</style>"
    )
