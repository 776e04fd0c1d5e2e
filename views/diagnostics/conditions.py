"""Conditions and practices: why commissioning is hard here, the five core practices,
relational commissioning, and the practice to work on first."""

import streamlit as st

from scoring import numbers
from scoring.diagnostics import conditions
from ui import session, widgets
from ui.diagnostics.statements import page_top, phone_style, remembered_picker, statement_radio

instrument = conditions.instrument()
records = session.records(conditions.ID)
part_titles = {p.id: p.title for p in instrument.parts}
rating_labels = page_top(conditions, records)

st.html(phone_style("cond"))
questions, results = st.columns([3, 2], gap="large")
with questions:
    part_id = remembered_picker("Part", list(conditions.PARTS), part_titles.get, "cond_part")
    part = next(p for p in instrument.parts if p.id == part_id)
    st.markdown(f"*{part.question}*")
    for theme in instrument.themes_of(part_id):
        with st.container(border=True, key=f"cond_theme_{theme.id}"):
            st.markdown(f"**{theme.title}**")
            st.caption(theme.description)
            for item in instrument.items_of(theme.id):
                statement_radio(conditions.ID, "cond", item.id, item.text, records.get(item.id, {}), rating_labels)
    widgets.sources([(i.text, i.source, i.quote) for t in instrument.themes_of(part_id) for i in instrument.items_of(t.id)])

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
    st.table({"Part": list(part_titles.values()), "Score (0–100)": [numbers.text(parts[p]) for p in conditions.PARTS]})
    with st.expander("How the scores are worked out"):
        st.markdown(conditions.METHOD)

widgets.resume_link()
