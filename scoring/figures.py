"""Plotly figures sized and coloured for a projector and for colour-blind readers."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=18, color="#1A1A1A")


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain specs. Plotly's property validation costs more than the rest
    of a rerun, and these specs are fixed code, so it is skipped here; the tests build
    every figure with validation on (tests/test_figures.py)."""
    return go.Figure(data=data, layout=layout, _validate=False)


def wrap(label: str, width: int = 16) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label


def radar(
    aspect_scores: pd.DataFrame, *, title: str | None = None, height: int = 520, compact: bool = False
) -> go.Figure:
    """The eight aspects on a 0–100 radar; an aspect with no score leaves a gap.

    `aspect_scores` is what eight_aspects.score() returns (columns aspect, score).
    `compact` suits a narrow side panel. Pages name the unscored aspects in text, since
    a gap alone is easy to miss.
    """
    labels = [wrap(aspect, 14) for aspect in aspect_scores["aspect"]]
    values = [None if math.isnan(v) else round(v, 1) for v in aspect_scores["score"]]
    trace = dict(
        type="scatterpolar",
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
    return figure([trace], layout)


def fit_bars(ranked: pd.DataFrame, *, height: int | None = None) -> go.Figure:
    """Approaches ranked by fit, best at the top, the value written on each bar.

    `ranked` is what approaches.rank() returns.
    """
    shown = ranked.dropna(subset=["fit"])
    labels = [f"{int(r.rank)}. {r.title}" for r in shown.itertuples()]
    trace = dict(
        type="bar",
        x=[round(v, 1) for v in shown["fit"]],
        y=labels,
        orientation="h",
        marker=dict(color=PALETTE[0]),
        text=[f"{v:.0f}" for v in shown["fit"]],
        textposition="outside",
        textfont=dict(size=16),
        hovertemplate="%{y}: fit %{x:.0f} / 100<extra></extra>",
        cliponaxis=False,
    )
    layout = dict(
        font=FONT,
        height=height or 90 + 40 * max(len(shown), 1),
        margin=dict(l=20, r=60, t=10, b=60),
        xaxis=dict(range=[0, 100], title=dict(text="Fit to your context (0–100)"), tickvals=[0, 25, 50, 75, 100], fixedrange=True),
        yaxis=dict(autorange="reversed", automargin=True, fixedrange=True, tickfont=dict(size=16)),
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        bargap=0.3,
    )
    return figure([trace], layout)


def feasibility_desirability(ranked: pd.DataFrame, *, height: int = 620) -> go.Figure:
    """Each approach placed by feasibility (context allows it) and desirability (serves
    what we want); labelled by rank number, with the key in the hover and the table."""
    shown = ranked.dropna(subset=["feasibility", "desirability"])
    trace = dict(
        type="scatter",
        x=[round(v, 1) for v in shown["feasibility"]],
        y=[round(v, 1) for v in shown["desirability"]],
        mode="markers+text",
        text=[str(int(r)) for r in shown["rank"]],
        textposition="top center",
        textfont=dict(size=16),
        marker=dict(size=16, color=PALETTE[1], line=dict(color="#1A1A1A", width=1.5), symbol="diamond"),
        customdata=list(shown["title"]),
        hovertemplate="%{customdata}<br>feasibility %{x:.0f}, desirability %{y:.0f}<extra></extra>",
    )
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=80, r=30, t=30, b=70),
        xaxis=dict(range=[0, 105], title=dict(text="Feasibility: does our context allow it?"), fixedrange=True, gridcolor="#DDD"),
        yaxis=dict(range=[0, 105], title=dict(text="Desirability: does it serve what we want?"), fixedrange=True, gridcolor="#DDD"),
        shapes=[
            dict(type="line", x0=50, x1=50, y0=0, y1=105, line=dict(color="#888", dash="dot")),
            dict(type="line", x0=0, x1=105, y0=50, y1=50, line=dict(color="#888", dash="dot")),
        ],
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return figure([trace], layout)


def labelled_bars(
    titles: list[str], values: list[float], *, maximum: float, tickvals: list[float], axis_title: str,
    colour: str, height: int = 320,
) -> go.Figure:
    """Horizontal bars, first at the top, each value written beside its bar; a title with no
    value (NaN) is named "(not rated)" rather than drawn as a zero."""
    shown = [None if v is None or math.isnan(v) else round(float(v), 1) for v in values]
    labels = [wrap(t if v is not None else f"{t} (not rated)", 22) for t, v in zip(titles, shown)]
    trace = dict(
        type="bar",
        orientation="h",
        x=shown,
        y=labels,
        text=["" if v is None else f"{v:.0f}" for v in shown],
        textposition="outside",
        textfont=dict(size=16),
        marker=dict(color=colour),
        hovertemplate=f"%{{y}}: %{{x:.0f}} of {maximum:g}<extra></extra>",
        cliponaxis=False,
    )
    layout = dict(
        font=FONT,
        height=max(height, 70 + 58 * len(titles)),
        margin=dict(l=20, r=50, t=10, b=50),
        xaxis=dict(range=[0, maximum * 1.05], tickvals=tickvals, title=dict(text=axis_title), fixedrange=True),
        yaxis=dict(autorange="reversed", automargin=True, fixedrange=True, tickfont=dict(size=15)),
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        bargap=0.3,
    )
    return figure([trace], layout)


def theme_bars(themes: pd.DataFrame, *, colour: str = PALETTE[2]) -> go.Figure:
    """Themes (columns title, score) on 0–100."""
    return labelled_bars(list(themes["title"]), list(themes["score"]), maximum=100, tickvals=[0, 25, 50, 75, 100],
                         axis_title="Score (0–100)", colour=colour)
