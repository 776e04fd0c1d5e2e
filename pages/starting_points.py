"""Starting points and support needs: where this place starts from, what support it needs,
and the kinds of support the research suggests for that profile."""

import math

import streamlit as st

from scoring import starting_points as sp
from scoring.figures import PALETTE, theme_bars
from ui import session, widgets

THEME_KEY = "sp_theme"
LAST_THEME_KEY = "sp_last_theme"
DONT_KNOW = "dont_know"

instrument = sp.instrument()
records = session.records(sp.ID)
theme_titles = {t.id: t.title for t in instrument.themes}
rating_labels = {**instrument.scale, DONT_KNOW: instrument.dont_know}

st.title(instrument.title)
st.markdown(instrument.intro)
done, total = sp.progress(records)
st.progress(done / total, text=f"{done} of {total} statements answered, saved as you go")


def remember_theme() -> None:
    st.session_state[LAST_THEME_KEY] = st.session_state[THEME_KEY]


def save_item(item_id: str) -> None:
    rating = st.session_state.get(f"sp_rating_{item_id}")
    if rating is not None:
        session.save(sp.ID, item_id, {"rating": None if rating == DONT_KNOW else rating})


questions, results = st.columns([3, 2], gap="large")
with questions:
    # Fixed labels, and the widgets set from the store before drawing (see ui/eight_aspects_form.py).
    st.session_state[THEME_KEY] = st.session_state.setdefault(LAST_THEME_KEY, instrument.themes[0].id)
    theme_id = st.selectbox(
        "Theme",
        [t.id for t in instrument.themes],
        format_func=lambda t: f"{theme_titles[t]} ({'support need' if t in sp.NEED_THEMES else 'starting point'})",
        key=THEME_KEY,
        on_change=remember_theme,
    )
    theme = next(t for t in instrument.themes if t.id == theme_id)
    st.caption(theme.description)
    for item in instrument.items_of(theme_id):
        record = records.get(item.id, {})
        st.session_state[f"sp_rating_{item.id}"] = (DONT_KNOW if record["rating"] is None else record["rating"]) if "rating" in record else None
        st.radio(item.text, list(rating_labels), format_func=rating_labels.get, horizontal=True, key=f"sp_rating_{item.id}", on_change=save_item, args=(item.id,))

with results:
    themes = sp.theme_scores(records, instrument)
    st.header("Your starting point")
    widgets.chart(theme_bars(themes[themes["kind"] == "profile"], colour=PALETTE[0]), key="sp_profile")
    st.header("Support needs, greatest first")
    needs = sp.ranked_needs(records, instrument)
    for number, need in enumerate(needs.itertuples(), start=1):
        score = "not rated yet" if math.isnan(need.score) else f"{need.score:.0f} of 100"
        st.markdown(f"{number}. **{need.title}**: {score}")
    st.header("Support that would help")
    kinds = {k.id: k for k in instrument.support_kinds}
    for kind_id, why in sp.recommendations(records, instrument):
        with st.container(border=True, key=f"sp_support_{kind_id}"):
            st.markdown(f"**{kinds[kind_id].title}**: {kinds[kind_id].description}")
            st.caption(why)
    with st.expander("How this is worked out"):
        st.markdown(sp.METHOD)
