"""The facilitator's shared screen: join code and QR code, controls, the room's results."""

import streamlit as st

from scoring.store import normalise_join_code, show_join_code
from scoring.workshop import views
from ui import session, widgets
from ui.workshop import projector, screen, voice
from ui.workshop import rounds as round_ui

token = screen.viewer_token()
if token is None:
    st.error("Only the facilitator's link opens this screen.", icon=":material/lock:")
    st.stop()
controlling = screen.facilitator_token() is not None  # else the screen's own link: view only

workshop = session.workshop()
options = views.available(workshop["diagnostics"]) + voice.SCREEN_VIEWS + [projector.JOINING_VIEW]
if st.session_state.get(screen.VIEW_KEY) not in options:
    st.session_state[screen.VIEW_KEY] = options[0]
present = st.session_state.get(screen.PRESENT_KEY, False)
screen.join_code_style()
projector.style()

if present:
    screen.presentation_style()
    st.button(
        "Leave presentation view",
        key="ws_present_off",
        on_click=st.session_state.__setitem__,
        args=(screen.PRESENT_KEY, False),
        icon=":material/close_fullscreen:",
    )
    projector.live_strip(token, workshop)  # the workshop's name, the join code for latecomers, how many have answered
    main = st.container()
else:
    st.title(widgets.plain(workshop["name"]))
    side, main = st.columns([1, 3], gap="large")
    with side:
        screen.join_panel(workshop, large=False)
    with main:
        if controlling:
            screen.controls(token, workshop)
            round_ui.controls(token, workshop)
        else:
            st.caption("This is the room's screen: it shows what the room sees and controls nothing. The controls are on the facilitator's private link.")

with main:
    if not (workshop.get("section") and not workshop["results_visible"]):  # in a round the section is the chart
        st.segmented_control("Chart under discussion", options, key=screen.VIEW_KEY, required=True)
    if controlling and not present and views.views().get(st.session_state.get(screen.VIEW_KEY), ("", ""))[1] == "approach_fit":
        st.toggle("Rank the approaches from the ratings the room agreed", key=screen.FIT_FROM_AGREED_KEY)


@st.fragment(run_every=screen.REFRESH_SECONDS)
def live() -> None:
    current = session.store().workshop(token)  # read afresh: another tab may have changed it
    if current is None:
        st.error("This workshop has been deleted.", icon=":material/delete:")
        return
    version, waiting = screen.shown_version(token)
    # The chart selector is not drawn during a round, and Streamlit then forgets its key.
    view = st.session_state.get(screen.VIEW_KEY, options[0])
    if view == projector.JOINING_VIEW:
        projector.joining(current, screen.join_url(current["code"]))
        return
    if not present:
        screen.counts(token, version, current["diagnostics"], waiting, current["min_group"])
        if not current["is_open"]:
            st.warning("Closed to new answers: participants can look, not change.", icon=":material/lock:")
    in_round = round_ui.live(token, current, version, large=present)
    if in_round and not current["results_visible"]:
        return  # the round's section is what the room sees; the other charts stay hidden
    if view in voice.SCREEN_VIEWS:  # the room's votes and contributions, not its answers
        voice.show(token, view, large=present, min_group=current["min_group"])
        return
    if not current["results_visible"]:
        st.info(
            "Results are hidden so early answers do not steer the room. Reveal them when you are ready to discuss.",
            icon=":material/visibility_off:",
        )
        if present:
            screen.join_panel(current, large=True)
        return
    screen.show_view(token, version, view, large=present, min_group=current["min_group"])


with main:
    live()
    if controlling and not present:
        round_ui.agree(token, workshop)

if not present and controlling:
    screen.private_link_panel(workshop)
    screen.room_settings(token, workshop)
    with st.expander("Delete this workshop"):
        st.markdown("Deletes the workshop, every participant's answers and the room's plan and risks, for good. Download the pack first if you need it.")
        confirm = st.text_input(f"Type the join code ({show_join_code(workshop['code'])}) to confirm", key="ws_delete_confirm")

        def delete() -> None:
            session.store().delete_workshop(token)
            session.start_afresh()
            st.session_state["resume_notice"] = "The workshop and all its answers have been deleted."

        st.button(
            "Delete the workshop and all its answers",
            key="ws_delete",
            on_click=delete,
            type="primary",
            disabled=normalise_join_code(confirm) != workshop["code"],
            icon=":material/delete_forever:",
        )
