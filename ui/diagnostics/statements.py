"""Widgets for statements rated 1–5 or "don't know", shared by the conditions and the
starting-points pages and the page of every statement diagnostic. As everywhere, a widget is set from the store before it is drawn
and saved by a callback (see ui/diagnostics/eight_aspects_form.py for why)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import streamlit as st

from ui import kept_choices, session

DONT_KNOW = "dont_know"


def page_top(diagnostic: Any, records: Mapping[str, dict]) -> dict:
    """A statement page's title, introduction and progress bar; returns the rating labels
    for statement_radio ({1–5 or DONT_KNOW: label})."""
    instrument = diagnostic.instrument()
    st.title(instrument.title)
    if instrument.intro:
        st.markdown(instrument.intro)
    done, total = diagnostic.progress(records)
    st.progress(done / total, text=f"{done} of {total} {diagnostic.page().unit}, saved as you go")
    return {**instrument.scale, DONT_KNOW: instrument.dont_know}


def rating_rows_css(prefix: str, *, keys: str | None = None) -> str:
    """On a phone (Streamlit stacks columns under 640 px) each rating of the radios keyed
    `{prefix}_rating_…` (or whose keys contain `keys`) is a full-width row at least 44 px
    tall, in scale order: left to itself, a horizontal radio wraps its six options into
    rows of two or three."""
    radio = f'[class*="st-key-{keys or prefix + "_rating_"}"]'
    return f"""@media (max-width: 640px) {{
  {radio}, {radio} .stRadio, {radio} label {{width: 100% !important}}
  {radio} [role="radiogroup"], {radio} [role="radiogroup"] > div {{
    flex-direction: column !important; flex-wrap: nowrap !important; gap: 0 !important; width: 100%}}
  {radio} [role="radiogroup"] label {{width: 100%; min-height: 44px; margin: 0 !important;
    padding: 0 .25rem; align-items: center; border-top: 1px solid rgba(49, 51, 63, .12)}}
}}"""


def phone_style(prefix: str, *, keys: str | None = None) -> str:
    """The page's style for its statement radios (rating_rows_css), for st.html."""
    return f"<style>\n{rating_rows_css(prefix, keys=keys)}\n</style>"


def remembered_picker(label: str, options: list[str], format_func: Callable[[str], str], key: str) -> str:
    """A selectbox with fixed labels that comes back where it was after a page switch."""
    last_key = f"{key}_last"

    def remember() -> None:
        st.session_state[last_key] = st.session_state[key]

    st.session_state[key] = st.session_state.setdefault(last_key, options[0])
    return st.selectbox(label, options, format_func=format_func, key=key, on_change=remember)


def statement_radio(diagnostic_id: str, prefix: str, item_id: str, text: str, record: dict, labels: dict) -> None:
    """One statement's rating, saved as {"rating": 1–5 or None for don't know}."""
    widget_key = f"{prefix}_rating_{item_id}"

    def save() -> None:
        rating = st.session_state.get(widget_key)
        if rating is not None:
            refused = session.save(diagnostic_id, item_id, {"rating": None if rating == DONT_KNOW else rating}, quiet=True)
            kept_choices.keep(widget_key, refused, {widget_key: rating})

    if not kept_choices.restore(widget_key):  # else a choice the store refused, to send again
        st.session_state[widget_key] = (DONT_KNOW if record["rating"] is None else record["rating"]) if "rating" in record else None
    st.radio(text, list(labels), format_func=labels.get, horizontal=True, key=widget_key, on_change=save)
    kept_choices.notice(widget_key, save)
