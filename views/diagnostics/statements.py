"""The page of every statement diagnostic (scoring/instruments/statement_diagnostic.py): its
statements by theme, rated 1–5 or "don't know", and the score per theme. Which
diagnostic it shows is the page's address, as the navigation gives it."""

import math

import streamlit as st

from scoring import numbers
from scoring.figures import theme_bars
from ui import navigation, session, widgets
from ui.diagnostics.statements import page_top, phone_style, remembered_picker, statement_radio

diagnostic = navigation.current_diagnostic()
if diagnostic is None:  # not reached through the navigation
    st.error("This page shows a diagnostic; open one from the menu.")
    st.stop()
instrument = diagnostic.instrument()
records = session.records(diagnostic.ID)
prefix = f"st_{diagnostic.ID}"
theme_titles = {t.id: t.title for t in instrument.themes}

rating_labels = page_top(diagnostic, records)

st.html(phone_style(prefix))
questions, results = st.columns([3, 2], gap="large")
with questions:
    theme_id = remembered_picker("Theme", [t.id for t in instrument.themes], theme_titles.get, f"{prefix}_theme")
    theme = next(t for t in instrument.themes if t.id == theme_id)
    st.caption(theme.description)
    for item in instrument.items_of(theme_id):
        statement_radio(diagnostic.ID, prefix, item.id, item.text, records.get(item.id, {}), rating_labels)
    widgets.sources([(i.text, i.source, i.quote) for i in instrument.items_of(theme_id)])

with results:
    themes = diagnostic.theme_scores(records, instrument)
    st.header("Score per theme")
    widgets.chart(theme_bars(themes), key=f"{prefix}_chart")
    table = {"Theme": list(themes["title"]), "Score (0–100)": [numbers.text(v) for v in themes["score"]]}
    if instrument.groups:
        heading, group_titles = diagnostic.theme_groups()
        groups = diagnostic.group_scores(records, instrument)
        st.table({heading: list(group_titles.values()), "Score (0–100)": ["–" if math.isnan(groups[g]) else numbers.text(groups[g]) for g in group_titles]})
    st.table(table)
    with st.expander("How the scores are worked out"):
        st.markdown(instrument.method)

widgets.resume_link()
