"""Tables that explain a result in words and numbers (display only; maths in scoring/)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from scoring.approaches import Approach

DEPENDENCE = {1: "1 (somewhat)", 2: "2 (a lot)", 3: "3 (heavily)"}


def _score_text(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def approach_explanation(approach: Approach, scores: dict, aspect_titles: dict, ranked: pd.DataFrame) -> None:
    """Why one approach fits or not: what it relies on, your score there, and why."""
    row = ranked.set_index("approach_id").loc[approach.id]
    st.markdown(f"**{approach.title}**: {approach.description}")
    summary = f"Fit {_score_text(row.fit)} (rank {row['rank']})"
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
    st.table(table.set_index("Aspect"))
