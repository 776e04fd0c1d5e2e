"""A participant's votes on the room's actions, and a short contribution to the facilitator."""

import streamlit as st

from scoring.store import StoreUnavailable
from scoring.workshop import voice
from ui import session
from ui.widgets import plain
from ui.workshop import follow

token = session.token()
workshop = session.workshop()
st.title("Vote and contribute")
# Each action's words are the label of its vote buttons: read as text, not as a faint label.
st.html('<style>[class*="st-key-vt_card_"] [data-testid=stWidgetLabel] p{font-size:1.05rem;font-weight:600;color:#1A1A1A}</style>')
st.caption("Anonymous: the screen shows the room's totals and the contributions the facilitator chooses, never who said what.")


def _vote(candidate_id: str, widget_key: str, stored: int) -> None:
    chosen = st.session_state.get(widget_key)
    try:
        session.store().vote(token, candidate_id, int(chosen or 0))
    except (voice.VoiceError, StoreUnavailable) as exc:
        st.session_state[widget_key] = stored  # the choice goes back to what is counted
        st.session_state["vt_notice"] = f"Not counted: {exc}"
    except PermissionError:
        st.session_state[widget_key] = stored
        st.session_state["vt_notice"] = "Not counted: this link cannot vote."


@st.fragment
def ballot() -> None:
    settings, listed, mine = session.store().ballot(token)
    follow.follow_the_ballot(settings, listed)  # redrawn when voting opens or the actions change
    st.header("Vote on actions")
    notice = st.session_state.pop("vt_notice", None)
    if notice:
        st.error(notice, icon=":material/error:")
    if not settings["voting_open"]:
        st.info("Voting is not open yet. The facilitator opens it on the shared screen; this page follows by itself.", icon=":material/how_to_vote:")
        return
    if not listed:
        st.info("There are no actions to vote on yet.", icon=":material/how_to_vote:")
        return
    used = sum(mine.values())
    st.markdown(f"{voice.rule(settings['votes_each'])} **You have used {used} of {settings['votes_each']}.**")
    most = voice.max_on_one(settings["votes_each"])
    options = list(range(most + 1))
    for candidate in listed:
        widget_key = f"vt_{candidate['id']}"
        stored = mine.get(candidate["id"], 0)
        st.session_state[widget_key] = stored  # as counted, whatever another tab did
        with st.container(border=True, key=f"vt_card_{candidate['id']}"):
            st.segmented_control(
                plain(candidate["text"]),
                options,
                format_func=lambda n: "No vote" if n == 0 else f"{n} vote{'s' if n > 1 else ''}",
                key=widget_key,
                on_change=_vote,
                args=(candidate["id"], widget_key, stored),
            )


def send() -> None:
    typed = st.session_state.get("vt_text", "")
    try:
        session.store().contribute(token, typed)
    except (voice.VoiceError, StoreUnavailable) as exc:
        st.session_state["vt_sent"] = ("error", f"Not sent: {exc}")
        return
    except PermissionError:
        st.session_state["vt_sent"] = ("error", "Not sent: this link cannot send contributions.")
        return
    st.session_state["vt_text"] = ""
    st.session_state["vt_sent"] = ("success", "Sent. The facilitator reads each contribution before choosing what the screen shows.")


@st.fragment
def contribution() -> None:
    settings = session.store().voice(token)
    st.header("Send a contribution")
    if not settings["contributions_open"]:
        st.info("The facilitator is not taking contributions just now.", icon=":material/forum:")
    else:
        st.text_area(plain(settings["prompt"]), key="vt_text", max_chars=voice.CONTRIBUTION_LIMIT, height=100)
        st.button("Send", key="vt_send", on_click=send, type="primary", icon=":material/send:")
        st.caption(f"Short and anonymous: at most {voice.CONTRIBUTION_LIMIT} characters. The facilitator sees it first and chooses what the room sees.")
    kind, message = st.session_state.pop("vt_sent", (None, None))
    if kind == "error":
        st.error(message, icon=":material/error:")
    elif kind:
        st.success(message, icon=":material/check:")
    sent = session.store().my_contributions(token)
    if sent:
        st.markdown("**What you sent**")
        words = {voice.NEW: "waiting for the facilitator", voice.SHOWN: "shown on the screen", voice.HIDDEN: "not shown", voice.REJECTED: "not shown"}
        st.markdown("\n".join(f"- {plain(c['text'])} *({words[c['status']]})*" for c in sent))


if not workshop["is_open"]:
    st.warning("The facilitator has closed this workshop: votes and contributions are no longer taken.", icon=":material/lock:")
ballot()
contribution()
