"""The facilitator's shared screen: join details, controls, and the room's results live.

Everything here is behind the facilitator's token: pages call `facilitator_token()`
first, and the store refuses facilitator actions for any other token.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from scoring import conditions, eight_aspects, figures, starting_points, tolerance, workshop_setup
from scoring import workshop as room
from scoring.qr import qr_png
from scoring.store import FACILITATOR, normalise_join_code, show_join_code  # noqa: F401 (the page uses them)
from scoring.workshop_pack import build_pack  # noqa
from ui import session, widgets
from ui.join import JOIN_PARAM

REFRESH_SECONDS = 3
VIEW_KEY = "ws_view"
PRESENT_KEY = "ws_present"

# The views the screen can show, by the diagnostic they need; labels stay fixed.
VIEWS = {
    "Room's profile": "eight_aspects",
    "Where the room disagrees": "eight_aspects",
    "By role": "eight_aspects",
    "Approaches": "approaches",
    "Tolerating": "tolerance",
    "Starting points": "starting_points",
    "Conditions": "conditions",
}


def facilitator_token() -> str | None:
    """This tab's token if it is a facilitator's, else None (the page then refuses)."""
    workshop = session.workshop()
    return session.token() if workshop and workshop["kind"] == FACILITATOR else None


def join_url(code: str) -> str:
    return f"{session.app_root()}/?{JOIN_PARAM}={show_join_code(code)}"


def participants(token: str) -> list[room.Participant]:
    return [
        room.Participant(number=n, role=role, response=response)
        for n, (role, response) in enumerate(session.store().participants(token), start=1)
    ]


def views(workshop: dict) -> list[str]:
    return [view for view, needs in VIEWS.items() if needs in workshop["diagnostics"]]


def join_panel(workshop: dict, *, large: bool) -> None:
    """The code, the QR code and the link, stacked to sit beside the chart."""
    code = show_join_code(workshop["code"])
    url = join_url(workshop["code"])
    st.markdown(f"**Join on your phone**: scan the code, or go to {widgets.plain(session.app_root())} and type")
    with st.container(key="join_code"):
        st.markdown(code)
    st.image(qr_png(url), width=300 if large else 220, alt=f"QR code of the join link {url}")
    st.markdown(f"Join link: {url}")


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
    pack.download_button(
        "Download the workshop pack",
        data=lambda: build_pack(workshop, participants(token), session.store().response(token), generated=datetime.now(timezone.utc)),
        file_name=f"workshop-{workshop['code']}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="ws_pack",
        icon=":material/download:",
        width="stretch",
    )


def counts(people: list[room.Participant], workshop: dict) -> None:
    answered = sum(1 for p in people if any(p.response.values()))
    table = room.counts(people, workshop["diagnostics"])
    joined, started, detail = st.columns([1, 1, 4], vertical_alignment="center")
    joined.metric("Joined", len(people))
    started.metric("Answered something", answered)
    detail.caption(
        "  \n".join(
            f"**{workshop_setup.TITLES[row.diagnostic_id].split(' (')[0]}**: {row.started} started, {row.complete} finished"
            for row in table.itertuples()
        )
    )


def show_view(view: str, people: list[room.Participant], *, large: bool) -> None:
    """One chart of the room's answers, with the words that make it honest."""
    height = 760 if large else 600
    key = f"ws_chart_{view}"
    if view == "Room's profile":
        spread = room.aspect_spread(people)
        widgets.chart(figures.spread_radar(spread, height=height), key=key)
        if not large:
            st.caption(room.METHOD)
    elif view == "Where the room disagrees":
        items = room.item_disagreement(people)
        widgets.chart(figures.disagreement_bars(items, scale=eight_aspects.instrument().scale, height=height if large else None), key=key)
        aspects = room.aspect_disagreement(people).dropna(subset=["sd"]).head(3)
        if len(aspects):
            st.caption("Aspects where scores differ most: " + ", ".join(f"{r.aspect} (spread {r.sd:.0f})" for r in aspects.itertuples()) + ".")
    elif view == "By role":
        by_role, note = room.aspects_by_role(people)
        titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
        if len(by_role):
            widgets.chart(figures.role_bars(by_role, titles, height=height + 100 if large else None), key=key)
        if note:
            st.info(note, icon=":material/shield_person:")
    elif view == "Approaches":
        ranking = room.approach_ranking(people)
        widgets.chart(figures.fit_bars(ranking, height=height + 100 if large else None), key=key)
        chosen = ranking[ranking["chosen_by"] > 0].sort_values("chosen_by", ascending=False, kind="stable")
        if len(chosen):
            st.caption("In people's blends: " + ", ".join(f"{r.title} ({r.chosen_by})" for r in chosen.itertuples()) + ".")
    elif view == "Tolerating":
        widgets.chart(tolerance.profile_chart(room.tolerance_profile(people)), key=key)
    elif view in ("Starting points", "Conditions"):
        module = starting_points if view == "Starting points" else conditions
        themes = room.statement_themes(module, people).rename(columns={"mean": "score"})
        widgets.chart(figures.theme_bars(themes), key=key)


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
