"""Tables that explain a result in words and numbers (display only; maths in scoring/)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring import numbers
from scoring.diagnostics import approaches
from scoring.diagnostics.approaches import Approach

RELIES = {1: "somewhat", 2: "a lot", 3: "heavily"}
DEPENDENCE = {weight: f"{weight} ({words})" for weight, words in RELIES.items()}


_score_text = numbers.text


def approach_explanation(approach: Approach, scores: dict, aspect_titles: dict, ranked: pd.DataFrame) -> None:
    """Why one approach fits or not: what it relies on, your score there, and why."""
    row = ranked.set_index("approach_id").loc[approach.id]
    st.markdown(f"**{approach.title}**: {approach.description}")
    if not row.judged:
        summary = (
            f"{approaches.NOT_JUDGED.capitalize()}: only {numbers.text(100 * row.coverage)}% of what it relies on "
            f"has a score (at least {approaches.MIN_COVERAGE:.0%} is needed)"
        )
    else:
        summary = f"Fit {_score_text(row.fit)} (rank {row.rank_label})"
        if row.limited_by:
            weight = approach.requirements[row.limited_by].weight
            summary += (
                f". Held at {_score_text(row.fit)} by your {aspect_titles[row.limited_by].lower()} score: it relies on "
                f"it {RELIES[weight]}, so fit stays within "
                f"{approaches.HEADROOM[weight]} points of it"
            )
    if row.supported_by:
        summary += ". Supported by your " + ", ".join(aspect_titles[a].lower() for a in row.supported_by)
    if row.held_back_by:
        summary += ". Held back by your " + ", ".join(aspect_titles[a].lower() for a in row.held_back_by)
    st.caption(summary + ".")
    table = pd.DataFrame(
        [
            {
                "Aspect": aspect_titles[aspect_id],
                "Relies on it": DEPENDENCE[requirement.weight],
                "Your score": _score_text(scores[aspect_id]),
                "Why": requirement.reason,
            }
            for aspect_id, requirement in sorted(approach.requirements.items(), key=lambda pair: -pair[1].weight)
            if requirement.weight
        ]
    )
    st.table(table.set_index("Aspect"))


def gap_table(gaps: pd.DataFrame, aspect_titles: dict) -> None:
    table = pd.DataFrame(
        {
            "Aspect": [aspect_titles[a] for a in gaps["aspect_id"]],
            "Relies on it": [DEPENDENCE[w] for w in gaps["dependence"]],
            "Your score": [_score_text(v) for v in gaps["score"]],
            "Gap": [_score_text(v) for v in gaps["gap"]],
            "Why it matters": [f"{reason} ({source})" for reason, source in zip(gaps["reason"], gaps["because_of"])],
        }
    )
    # Five columns are wider than a 390 px phone at their longest words: there a word may
    # break, so the table fits instead of scrolling sideways.
    st.html(
        "<style>@media (max-width: 640px) {.st-key-gap_table [data-testid=stTable] :is(td, th, td *, th *) "
        "{white-space: normal; hyphens: auto; overflow-wrap: anywhere}}</style>"
    )
    with st.container(key="gap_table"):
        st.table(table.set_index("Aspect"))


def matrix_key(ranked: pd.DataFrame) -> None:
    """The key to the feasibility x desirability chart: each approach by its rank number."""
    shown = ranked.dropna(subset=["feasibility", "desirability"])
    table = pd.DataFrame(
        {
            "Rank": shown["rank_label"],
            "Approach": shown["title"],
            "Feasibility": [_score_text(v) for v in shown["feasibility"]],
            "Desirability": [_score_text(v) for v in shown["desirability"]],
        }
    )
    st.table(table.set_index("Rank"))
