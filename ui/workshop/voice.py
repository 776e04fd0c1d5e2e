"""The room's dot-vote and moderated contributions on the shared screen (the facilitator's
page is views/workshop/voice.py, the phones' views/workshop/vote.py). Display only: the
rules are in scoring/workshop/voice.py and the store."""

from __future__ import annotations

import streamlit as st

from scoring import figures
from scoring.workshop import voice
from ui import session, widgets

VOTES_VIEW = "Votes"
CONTRIBUTIONS_VIEW = "Contributions"
SCREEN_VIEWS = [VOTES_VIEW, CONTRIBUTIONS_VIEW]  # labels on the screen's selector, beside the charts
SHOWN_ON_SCREEN = 12  # the latest shown contributions the screen has room for


def show(token: str, name: str, *, large: bool, min_group: int) -> None:
    """One of SCREEN_VIEWS, as the room sees it (the facilitator's tab or the screen's link)."""
    if name == VOTES_VIEW:
        _votes(token, large=large, min_group=min_group)
    else:
        _contributions(token, large=large)


def _votes(token: str, *, large: bool, min_group: int) -> None:
    settings = session.store().voice(token)
    session.store().publish_votes(token)  # in batches: a single vote never moves what follows
    found, voters = session.store().candidates(token, shown=True)
    state = "Voting is open on your phones." if settings["voting_open"] else "Voting is closed."
    st.markdown(f"**{state}** {voice.rule(settings['votes_each'])} {voters} {'person has' if voters == 1 else 'people have'} voted.")
    if not found:
        st.info("No actions have been put to the vote yet.", icon=":material/how_to_vote:")
        return
    if voters < min_group and not any(c["origin"] == voice.FROM_PACK for c in found):
        # With one or two voters, the totals would be their votes.
        st.info(f"The ranking shows once {min_group} people have voted, so that nobody's votes can be picked out.", icon=":material/shield_person:")
        return
    ranked = voice.rank(found)
    labels = [f"{r.rank_label}. {r.text}" for r in ranked]
    figure = figures.vote_bars(labels, [r.votes for r in ranked])
    if large:  # every font larger, and the rows with them
        figures.for_projector(figure)
    widgets.chart(figure, key="ws_votes_chart", toolbar=False)
    st.caption(voice.screen_rule(min_group))


def _contributions(token: str, *, large: bool) -> None:
    shown = session.store().contributions(token, statuses=(voice.SHOWN,))
    settings = session.store().voice(token)
    st.subheader(widgets.plain(settings["prompt"]), anchor=False)
    if not shown:
        st.info("No contributions are shown yet: the facilitator reads each one first.", icon=":material/forum:")
        return
    with st.container(key="ws_contributions_shown"):
        for contribution in reversed(shown[-SHOWN_ON_SCREEN:]):  # the newest first
            with st.container(border=True):
                st.markdown(widgets.plain(contribution["text"]))
    if len(shown) > SHOWN_ON_SCREEN:
        st.caption(f"The latest {SHOWN_ON_SCREEN} of {len(shown)} shown.")
    if large:
        st.html("<style>.st-key-ws_contributions_shown p{font-size:1.6rem !important;line-height:1.3}</style>")
