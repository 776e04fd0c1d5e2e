"""The eight-aspects self-check: one aspect at a time, saved as you go, scored live.

An answer reruns only the live panel beside the questions (a keyed fragment, to which the
answers' own fragment sends its reruns): it says which answer was saved and shows the
scores. The questions rerun only when an answer could not be saved, to say so. Moving
between aspects reruns the questions' column. Neither reruns the page or its navigation.
"""

import streamlit as st

from scoring.diagnostics import eight_aspects
from ui import fragment_reruns, session, widgets
from ui.diagnostics import eight_aspects_form as form

instrument = eight_aspects.instrument()
# An answer's rerun draws the live panel, not the question it changed (ui/fragment_reruns.py).
fragment_reruns.redirect(form.ANSWERS_FRAGMENT, form.LIVE_FRAGMENT)
fragment_reruns.without_container(form.LIVE_FRAGMENT)  # it draws one element, every time
form.load_records()  # the one read of this run

st.title(instrument.title)
st.markdown(instrument.intro)
st.html(form.PHONE_STYLE + widgets.LIVE_BARS_STYLE)


@st.fragment(key=form.QUESTIONS_FRAGMENT)
def questions() -> None:
    form.aspect_form(instrument)


@st.fragment(key=form.LIVE_FRAGMENT)
def live() -> None:
    widgets.live_panel(form.current_records(), instrument, form.last_saved())


left, right = st.columns([3, 2], gap="medium")
with left:
    questions()
with right, st.container(key=form.LIVE_PANEL_KEY):
    st.html('<p class="ea-live-title"><strong>Your room for manoeuvre so far</strong></p>')
    live()
    # Outside the fragment: the link is the same whatever the answers.
    session.page_link("views/diagnostics/results.py", label="Full results and Excel summary", icon=":material/insights:")

widgets.resume_link()
