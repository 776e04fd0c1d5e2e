"""Conditions and practices: why commissioning is hard here, the five core practices,
relational commissioning, and the practice to work on first."""

import math

import streamlit as st

from scoring import conditions
from ui import session, widgets

PART_KEY = "cond_part"
LAST_PART_KEY = "cond_last_part"
DONT_KNOW = "dont_know"

instrument = conditions.instrument()
records = session.records(conditions.ID)
part_titles = {p.id: p.title for p in instrument.parts}
rating_labels = {**instrument.scale, DONT_KNOW: instrument.dont_know}

st.title(instrument.title)
st.markdown(instrument.intro)
done, total = conditions.progress(records)
st.progress(done / total, text=f"{done} of {total} statements answered, saved as you go")


def remember_part() -> None:
    st.session_state[LAST_PART_KEY] = st.session_state[PART_KEY]


def save_item(item_id: str) -> None:
    rating = st.session_state.get(f"cond_rating_{item_id}")
    if rating is not None:
        session.save(conditions.ID, item_id, {"rating": None if rating == DONT_KNOW else rating})


questions, results = st.columns([3, 2], gap="large")
with questions:
    # Fixed labels, and the widgets set from the store before drawing (see ui/eight_aspects_form.py).
    st.session_state[PART_KEY] = st.session_state.setdefault(LAST_PART_KEY, conditions.PARTS[0])
    part_id = st.selectbox("Part", conditions.PARTS, format_func=part_titles.get, key=PART_KEY, on_change=remember_part)
    part = next(p for p in instrument.parts if p.id == part_id)
    st.markdown(f"*{part.question}*")
    for theme in instrument.themes_of(part_id):
        with st.container(border=True, key=f"cond_theme_{theme.id}"):
            st.markdown(f"**{theme.title}**")
            st.caption(theme.description)
            for item in instrument.items_of(theme.id):
                record = records.get(item.id, {})
                st.session_state[f"cond_rating_{item.id}"] = (DONT_KNOW if record["rating"] is None else record["rating"]) if "rating" in record else None
                st.radio(item.text, list(rating_labels), format_func=rating_labels.get, horizontal=True, key=f"cond_rating_{item.id}", on_change=save_item, args=(item.id,))

with results:
    st.header("Which practice do you need to work on the most?")
    choice = conditions.practice_to_work_on(records, instrument)
    if choice:
        practice = next(t for t in instrument.themes if t.id == choice[0])
        st.success(f"**{practice.title}**: {practice.description}", icon=":material/flag:")
        st.caption(choice[1])
    else:
        st.caption("Rate the five core practices and the one to work on first appears here.")
    themes = conditions.theme_scores(records, instrument)
    st.header(part_titles[part_id])
    widgets.chart(conditions.part_chart(themes, part_id), key="cond_chart")
    parts = conditions.part_scores(records, instrument)
    st.table({"Part": list(part_titles.values()), "Score (0–100)": ["–" if math.isnan(parts[p]) else f"{parts[p]:.0f}" for p in conditions.PARTS]})
    with st.expander("How the scores are worked out"):
        st.markdown(conditions.METHOD)
