"""The facilitator's shared screen: join details, controls, and the room's results live.

Everything here is behind the facilitator's token: pages call `facilitator_token()`
first, and the store refuses facilitator actions for any other token.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import streamlit as st

from scoring import registry
from scoring.compare import Side
from scoring.excel.summary import file_name
from scoring.qr import qr_png
from scoring.store import FACILITATOR, MAX_MIN_GROUP, MIN_GROUP, ROOM_VIEWERS, StoreUnavailable, show_join_code
from scoring.workshop import room, rounds, views, voice, voice_sheet
from scoring.workshop.pack import build_pack
from ui import session, widgets
from ui.workshop.join import JOIN_PARAM

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


def participants(token: str, version: tuple[int, str] | None = None, *, shown: bool = False) -> list[room.Participant]:
    """The room's participants, reread from the store only when someone has joined or
    changed an answer (the version moves) since the last refresh. With `shown`, as the
    shared screen shows them (in batches: store.publish_room), else as they stand (the
    pack, the facilitator's comparison). Read-only: shared between reruns."""
    return _participants(token, version or session.store().answers_version(token, shown=shown), shown)


@st.cache_resource(max_entries=50, show_spinner=False)
def _participants(token: str, version: tuple[int, str], shown: bool) -> list[room.Participant]:
    # `version` is unused here but part of the cache key: it moves with the room.
    return [
        room.Participant(number=n, role=role, response=response) for n, (role, response) in enumerate(session.store().participants(token, shown=shown), start=1)
    ]


def shown_version(token: str) -> tuple[tuple[int, str], int]:
    """Publish the room's waiting changes if enough people made them, then the mark of
    what the screen shows, and how many people's changes are still waiting."""
    waiting = session.store().publish_room(token)
    return session.store().answers_version(token, shown=True), waiting


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
        reveal.button(
            "Reveal results", key="ws_reveal", on_click=toggle, kwargs={"results_visible": True}, type="primary", icon=":material/visibility:", width="stretch"
        )
    if workshop["is_open"]:
        close.button("Close to new answers", key="ws_close", on_click=toggle, kwargs={"is_open": False}, icon=":material/lock:", width="stretch")
    else:
        close.button("Reopen for answers", key="ws_reopen", on_click=toggle, kwargs={"is_open": True}, icon=":material/lock_open:", width="stretch")
    present.button(
        "Presentation view", key="ws_present_on", on_click=st.session_state.__setitem__, args=(PRESENT_KEY, True), icon=":material/slideshow:", width="stretch"
    )
    with pack:
        widgets.excel_download(
            "Download the workshop pack",
            lambda: build_pack(
                workshop,
                participants(token),
                session.store().response(token),
                generated=datetime.now(timezone.utc),
                agreed=session.store().agreements(token),
                room_voice=room_voice(token),
            ),
            file_name("workshop", f"{workshop['name']} {show_join_code(workshop['code'])}", date.today()),
            "ws_pack",
            width="stretch",
        )


def room_voice(token: str) -> voice_sheet.RoomVoice:
    """The room's votes and the contributions shown, for the pack."""
    found, voters = session.store().candidates(token)
    shown = [c["text"] for c in session.store().contributions(token, statuses=(voice.SHOWN,))]
    return voice_sheet.RoomVoice(found, voters, session.store().voice(token)["votes_each"], shown)


def room_settings(token: str, workshop: dict) -> None:
    """The smallest group shown, and removing participants (someone who joined twice, or
    padded the room with empty joins). On the facilitator's own link only."""
    with st.expander("Room settings and participants"):

        def change_smallest() -> None:
            session.store().set_workshop(token, min_group=st.session_state["ws_min_group_now"])

        st.selectbox(
            "Smallest group shown",
            list(range(MIN_GROUP, MAX_MIN_GROUP + 1)),
            index=workshop["min_group"] - MIN_GROUP,
            key="ws_min_group_now",
            on_change=change_smallest,
            help="No figure counts fewer people who answered than this, and the screen moves only once this many have changed something.",
        )
        people = session.store().roster(token)
        if not people:
            st.caption("Nobody has joined yet.")
            return
        shown = room.shown_roles(
            [room.Participant(number=n, role=role, response=response) for n, (_key, role, response) in enumerate(people, start=1)], workshop["min_group"]
        )
        labels = {key: f"P{n:02d} · {shown[n]} · {_answers(response)}" for n, (key, _role, response) in enumerate(people, start=1)}
        st.caption(
            "Numbered as in the pack, in an order that says nothing about who joined when; a role shows only "
            "where the pack shows it. Remove someone who joined twice, or joins that answered nothing."
        )
        chosen = st.multiselect("Participants to remove", list(labels), format_func=labels.get, key="ws_remove")
        empty = [key for key, _role, response in people if not any(response.values())]

        def remove(keys: list[str]) -> None:
            try:
                removed = session.store().remove_participants(token, keys)
            except StoreUnavailable as exc:
                st.session_state["ws_remove_notice"] = f"Nobody was removed: {exc}. Try again in a moment."
                return
            st.session_state["ws_remove_notice"] = f"Removed {removed} participant{'' if removed == 1 else 's'} and their answers."
            st.session_state["ws_remove"] = []

        left, right = st.columns(2)
        left.button(
            "Remove them and their answers", key="ws_remove_chosen", on_click=remove, args=(chosen,), disabled=not chosen, icon=":material/person_remove:"
        )
        right.button(
            f"Remove the {len(empty)} who answered nothing",
            key="ws_remove_empty",
            on_click=remove,
            args=(empty,),
            disabled=not empty,
            icon=":material/group_remove:",
        )
        notice = st.session_state.pop("ws_remove_notice", None)
        if notice:
            st.info(notice)


def _answers(response: dict) -> str:
    count = sum(len(items) for items in response.values())
    return "no answers" if count == 0 else f"{count} answer{'' if count == 1 else 's'}"


def counts(token: str, version: tuple[int, str], diagnostics: list[str], waiting: int, min_group: int) -> None:
    joined, answered, table = _counts(token, version, tuple(diagnostics))
    first, second, detail = st.columns([1, 1, 4], vertical_alignment="center")
    first.metric("Joined", joined)
    second.metric("Answered something", answered)
    detail.caption(
        "  \n".join(f"**{registry.page_title(row.diagnostic_id)}**: {row.started} started, {row.complete} finished" for row in table.itertuples())
        + (
            f"  \nThe latest changes of {waiting} {'person' if waiting == 1 else 'people'} will show once "
            f"{min_group} people have changed something, so no single change can be read off this screen."
            if waiting
            else ""
        )
    )


@st.cache_resource(max_entries=50, show_spinner=False)
def _counts(token: str, version: tuple[int, str], diagnostics: tuple[str, ...]):
    people = participants(token, version, shown=True)
    return len(people), sum(1 for p in people if any(p.response.values())), room.counts(people, diagnostics)


FIT_FROM_AGREED_KEY = "ws_fit_from_agreed"


def show_view(token: str, version: tuple[int, str], name: str, *, large: bool, min_group: int) -> None:
    """One chart of the room's answers as the screen shows them, with its caption and note,
    and what the room agreed (its own series on the profile; the approaches ranked from it
    when the facilitator chose that)."""
    agreed = json.dumps(rounds.agreed_response(session.store().agreements(token)), sort_keys=True)
    view = _view(token, version, name, large, min_group, agreed, bool(st.session_state.get(FIT_FROM_AGREED_KEY)))
    if view.figure is not None:
        widgets.chart(view.figure, key=f"ws_chart_{name}", toolbar=False)  # nothing to click on a projector
    if view.caption:
        st.caption(view.caption)
    if view.note:
        st.info(view.note, icon=":material/shield_person:")


@st.cache_resource(max_entries=50, show_spinner=False)
def _view(token: str, version: tuple[int, str], name: str, large: bool, min_group: int, agreed: str = "{}", fit_from_agreed: bool = False) -> views.View:
    # Built once per change in the room or in what it agreed (both part of the key), not per refresh.
    return views.build(
        name, participants(token, version, shown=True), large=large, min_group=min_group, agreed=json.loads(agreed), fit_from_agreed=fit_from_agreed
    )


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


def room_scores(token: str, min_group: int) -> dict[str, float]:
    """The room's mean score per aspect as its answers stand (no score for an aspect fewer
    than `min_group` people scored), for deciding from: the facilitator's approaches page."""
    return room.aspect_spread(participants(token), min_group)["mean"].to_dict()


def agreed_scores(token: str) -> dict[str, float]:
    """Each aspect scored from the ratings the room agreed, as one person's answers are."""
    return views.agreed_scores(rounds.agreed_response(session.store().agreements(token)))


def current_side(workshop: dict, token: str) -> Side:
    """The workshop as it stands, for a comparison: its participants and the room's plan."""
    return Side(workshop["name"], session.store().response(token), tuple(participants(token)), min_group=workshop["min_group"])
