"""Plotly figures sized and coloured for a projector and for colour-blind readers."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=18, color="#1A1A1A")


def _wrap(label: str, width: int = 16) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label


def radar(
    aspect_scores: pd.DataFrame, *, title: str | None = None, height: int = 520, compact: bool = False
) -> go.Figure:
    """The eight aspects on a 0–100 radar; an aspect with no score leaves a gap.

    `aspect_scores` is what eight_aspects.score() returns (columns aspect, score).
    `compact` suits a narrow side panel. Pages name the unscored aspects in text, since
    a gap alone is easy to miss.
    """
    labels = [_wrap(aspect, 14) for aspect in aspect_scores["aspect"]]
    values = [None if math.isnan(v) else round(v, 1) for v in aspect_scores["score"]]
    trace = go.Scatterpolar(
        r=values + values[:1],
        theta=labels + labels[:1],
        fill="toself",
        name="Score",
        line=dict(color=PALETTE[0], width=3),
        marker=dict(size=10, symbol="circle"),
        fillcolor="rgba(0, 114, 178, 0.25)",
        connectgaps=False,
        hovertemplate="%{theta}: %{r:.0f} / 100<extra></extra>",
    )
    # Layout passed to the constructor: fig.update_layout() costs ten times as much,
    # and this figure is rebuilt on every answer.
    layout = dict(
        font={**FONT, "size": 14 if compact else FONT["size"]},
        height=height,
        # Angular labels do not count towards plotly's automatic margins.
        margin=dict(l=85 if compact else 120, r=85 if compact else 120, t=80 if title else 50, b=50),
        showlegend=False,
        polar=dict(
            # The radial scale sits between the first two aspects, clear of their labels.
            radialaxis=dict(range=[0, 100], tickvals=[0, 25, 50, 75, 100], tickfont=dict(size=12 if compact else 14), angle=67.5),
            angularaxis=dict(tickfont=dict(size=13 if compact else 17), direction="clockwise", rotation=90),
        ),
        paper_bgcolor="white",
    )
    if title:
        layout["title"] = dict(text=title, font=dict(size=22))
    return go.Figure(data=[trace], layout=layout)
