"""Plotly figures sized and coloured for a projector and for colour-blind readers."""

from __future__ import annotations

import html
import textwrap
from typing import Mapping

import pandas as pd
import plotly.graph_objects as go

from scoring import numbers


def _plotted(value) -> float | None:
    """A value to place on a chart: None where blank, else to six decimals, which clears float
    noise so the hover's whole number (%{x:.0f}, half up) agrees with numbers.shown()."""
    return numbers.shown(value, 6)


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
    values = [_plotted(v) for v in aspect_scores["score"]]
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
    """Approaches ranked by fit, best at the top, the value written on each bar; a tie
    labelled "=3". Approaches not judged (too few answers) are left out: say so beside it
    (approaches.basis).

    `ranked` is what approaches.rank() returns.
    """
    shown = ranked.dropna(subset=["fit"])
    labels = [f"{r.rank_label}. {r.title}" for r in shown.itertuples()]
    values = [numbers.text(v) for v in shown["fit"]]
    trace = dict(
        type="bar",
        x=[_plotted(v) for v in shown["fit"]],
        y=labels,
        orientation="h",
        marker=dict(color=PALETTE[0]),
        text=values,
        textposition="outside",
        textfont=dict(size=16),
        customdata=values,
        hovertemplate="%{y}: fit %{customdata} / 100<extra></extra>",
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
        x=[_plotted(v) for v in shown["feasibility"]],
        y=[_plotted(v) for v in shown["desirability"]],
        mode="markers+text",
        text=list(shown["rank_label"]),
        textposition="top center",
        textfont=dict(size=16),
        marker=dict(size=16, color=PALETTE[1], line=dict(color="#1A1A1A", width=1.5), symbol="diamond"),
        customdata=[[title, numbers.text(f), numbers.text(d)] for title, f, d in zip(shown["title"], shown["feasibility"], shown["desirability"])],
        hovertemplate="%{customdata[0]}<br>feasibility %{customdata[1]}, desirability %{customdata[2]}<extra></extra>",
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
    shown = [_plotted(v) for v in values]
    labels = [wrap(t if v is not None else f"{t} (not rated)", 22) for t, v in zip(titles, shown)]
    trace = dict(
        type="bar",
        orientation="h",
        x=shown,
        y=labels,
        text=[numbers.text(v, blank="") for v in shown],
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


# --- Workshop: the room's answers --------------------------------------------------------

BAND_LABEL = "Middle half of the room (quartiles)"
# Fill patterns tell the groups apart where colour cannot (print, colour blindness).
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")
# Diverging orange–grey–blue from the Okabe–Ito colours: 1 (constrains) … 5 (enables).
RATING_COLOURS = ("#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2")
RATING_TEXT = ("white", "#1A1A1A", "#1A1A1A", "#1A1A1A", "white")


def _pattern_colour(colour: str) -> str:
    """Dark lines on the light Okabe–Ito colours, white on the dark ones."""
    return "#1A1A1A" if colour in ("#E69F00", "#56B4E9", "#F0E442", "#009E73", "#CC79A7") else "white"


def _empty(message: str, height: int) -> go.Figure:
    """A blank figure that says why it is blank."""
    return figure(
        [],
        dict(
            font=FONT, height=height, paper_bgcolor="white", plot_bgcolor="white",
            xaxis=dict(visible=False), yaxis=dict(visible=False),
            annotations=[dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=20))],
        ),
    )


def _spread_hover(row) -> str:
    """What the hover may say of one aspect: only the figures workshop.py left unblanked."""
    if not row.n:
        return "no scores yet"
    if pd.isna(row.mean):
        return f"n = {int(row.n)}: too few people to show"
    if pd.isna(row.q1):
        return f"n = {int(row.n)}<br>median {numbers.text(row.median)} (too few people to show the spread)"
    return f"n = {int(row.n)}<br>median {numbers.text(row.median)}, middle half {numbers.text(row.q1)}–{numbers.text(row.q3)}, range {numbers.text(row.low)}–{numbers.text(row.high)}"


def spread_radar(spread: pd.DataFrame, *, height: int = 620) -> go.Figure:
    """The room's mean score per aspect (line with markers) over the middle half of the
    room (a band from the lower to the upper quartile), on 0–100.

    `spread` is what workshop.aspect_spread() returns. With an aspect nobody has scored, the
    quartiles are drawn as dotted lines with a gap there, since a band cannot have a gap.
    """
    labels = [wrap(aspect, 14) for aspect in spread["aspect"]]

    def values(column: str) -> list[float | None]:
        return [_plotted(v) for v in spread[column]]

    mean, q1, q3 = values("mean"), values("q1"), values("q3")
    band = dict(type="scatterpolar", name=BAND_LABEL, hoverinfo="skip", fillcolor="rgba(86, 180, 233, 0.45)")
    if all(v is not None for v in q1 + q3):
        # The upper quartile round one way, then the lower one back the other way: the
        # shape between them is filled and the inside is left clear (SVG's nonzero rule).
        bands = [{
            **band,
            "r": q3 + q3[:1] + q1[:1] + q1[:0:-1] + q1[:1],
            "theta": labels + labels[:1] + labels[:1] + labels[:0:-1] + labels[:1],
            "mode": "lines", "fill": "toself", "line": dict(color="rgba(0, 114, 178, 0.6)", width=1),
        }]
    elif all(v is None for v in q1 + q3):
        bands = []  # too few people for any aspect's spread (workshop.SPREAD_MIN): no band, no legend entry
    else:
        bands = [
            {**band, "r": r + r[:1], "theta": labels + labels[:1], "mode": "lines", "connectgaps": False,
             "line": dict(color=PALETTE[4], width=3, dash="dot"), "legendgroup": "band", "showlegend": first}
            for r, first in ((q1, True), (q3, False))
        ]
    hover = [_spread_hover(r) for r in spread.itertuples()]
    line = dict(
        type="scatterpolar", name="Room mean", r=mean + mean[:1], theta=labels + labels[:1], mode="lines+markers",
        line=dict(color=PALETTE[0], width=4), marker=dict(size=12, symbol="circle"), connectgaps=False,
        customdata=hover + hover[:1], hovertemplate="%{theta}: mean %{r:.0f} / 100<br>%{customdata}<extra></extra>",
    )
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=120, r=120, t=50, b=120),
        showlegend=True,
        # Below the labels of the bottom aspect, which sit outside the polar area.
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.16, yanchor="top", font=dict(size=17)),
        polar=dict(
            bgcolor="white",
            radialaxis=dict(range=[0, 100], tickvals=[0, 25, 50, 75, 100], tickfont=dict(size=14), angle=67.5, gridcolor="#CCC", linecolor="#999"),
            angularaxis=dict(tickfont=dict(size=17), direction="clockwise", rotation=90, gridcolor="#CCC", linecolor="#999"),
        ),
        paper_bgcolor="white",
    )
    return figure([*bands, line], layout)


def role_bars(by_role: pd.DataFrame, aspect_titles: Mapping[str, str], *, height: int | None = None) -> go.Figure:
    """Mean aspect scores per role group: aspects down the side, one bar per group, each
    group with its own colour and fill pattern, and every value written by its bar.

    `by_role` is what workshop.aspects_by_role() returns (role, n, a column per aspect id);
    `aspect_titles` maps aspect ids to their titles, in the order to show them.
    """
    aspect_ids = [a for a in aspect_titles if a in by_role.columns]
    labels = [wrap(aspect_titles[a], 22) for a in aspect_ids]
    height = height or 130 + len(aspect_ids) * (20 + 19 * max(len(by_role), 1))
    if by_role.empty:
        return _empty("No role group is large enough to show yet", min(height, 360))
    traces = []
    for number, row in enumerate(by_role.itertuples(index=False)):
        values = [_plotted(getattr(row, a)) for a in aspect_ids]
        colour = PALETTE[number % len(PALETTE)]
        traces.append(
            dict(
                # A role is typed by the facilitator: plotly reads <a>, <img> and <b> in names, so escape it.
                type="bar", orientation="h", name=html.escape(f"{row.role} (n = {row.n})"), x=values, y=labels,
                text=[numbers.text(v, blank="no score") for v in values], textposition="outside", textfont=dict(size=15),
                marker=dict(color=colour, line=dict(color="#1A1A1A", width=1),
                            pattern=dict(shape=PATTERNS[number % len(PATTERNS)], fgcolor=_pattern_colour(colour), solidity=0.3)),
                hovertemplate="%{fullData.name}<br>%{y}: %{x:.0f} / 100<extra></extra>", cliponaxis=False,
            )
        )
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=20, r=60, t=20, b=60),
        barmode="group",
        bargap=0.25,
        showlegend=True,  # even for one group: the legend names it
        xaxis=dict(range=[0, 108], tickvals=[0, 25, 50, 75, 100], title=dict(text="Mean score (0–100)"), fixedrange=True, gridcolor="#DDD"),
        yaxis=dict(autorange="reversed", automargin=True, fixedrange=True, tickfont=dict(size=16)),
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=16), traceorder="normal"),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return figure(traces, layout)


def disagreement_bars(items: pd.DataFrame, top: int = 8, *, scale: Mapping[int, str] | None = None, height: int | None = None) -> go.Figure:
    """The factors the room disagrees on most: how many gave each rating 1–5, stacked from
    1 on the left to 5 on the right, each count written in its segment.

    `items` is what workshop.item_disagreement() returns; `scale` the rating labels
    (default: the eight-aspects instrument's).
    """
    if scale is None:
        from scoring import eight_aspects  # here, so figures stay importable by every scorer

        scale = eight_aspects.instrument().scale
    shown = items.head(top)
    height = height or 150 + 74 * max(len(shown), 1)
    if shown.empty:
        return _empty("Not enough ratings yet to see where the room disagrees", min(height, 300))
    labels = [wrap(f"{r.text} ({r.aspect})", 44) for r in shown.itertuples()]
    traces = []
    for rating, colour, text_colour in zip(range(1, 6), RATING_COLOURS, RATING_TEXT):
        counts = [int(c) for c in shown[f"count_{rating}"]]
        traces.append(
            dict(
                type="bar", orientation="h", name=f"{rating} {scale.get(rating, '')}".strip(), x=counts, y=labels,
                text=[str(c) if c else "" for c in counts], textposition="inside", insidetextanchor="middle",
                textfont=dict(size=16, color=text_colour), marker=dict(color=colour, line=dict(color="white", width=1.5)),
                hovertemplate=f"%{{y}}<br>{rating} {scale.get(rating, '')}: %{{x}} people<extra></extra>",
            )
        )
    most = int(shown[[f"count_{r}" for r in range(1, 6)]].sum(axis=1).max())
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=20, r=30, t=30, b=60),
        barmode="stack",
        bargap=0.3,
        xaxis=dict(range=[0, most], title=dict(text="Number of people giving each rating"), fixedrange=True, gridcolor="#DDD", dtick=max(1, round(most / 8))),
        yaxis=dict(autorange="reversed", automargin=True, fixedrange=True, tickfont=dict(size=15)),
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=16), traceorder="normal"),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return figure(traces, layout)


# --- Comparison over time: two profiles overlaid ---------------------------------------------

BASELINE_COLOUR = PALETTE[5]  # vermilion, dashed: tells apart from the current blue in grey too


def compare_radar(changes: pd.DataFrame, before_label: str, after_label: str, *, height: int = 620) -> go.Figure:
    """The baseline and the current profile on one 0–100 radar: the baseline a dashed line
    with open markers, the current a solid line with filled markers and a light fill, so
    they differ without colour. An aspect without a score on a side leaves a gap there.

    `changes` is what compare.aspect_changes(..., inst_order=True) returns (columns aspect,
    before, after, change), in the instrument's order. The labels are typed by users, so
    they are escaped (plotly reads tags such as <a> in legend text).
    """

    labels = [wrap(aspect, 14) for aspect in changes["aspect"]]

    def values(column: str) -> list[float | None]:
        return [_plotted(v) for v in changes[column]]

    then, now = values("before"), values("after")
    change = [
        "no score on both sides" if pd.isna(c) else ("no change" if c == 0 else f"change {numbers.signed(c)}")
        for c in changes["change"]
    ]
    # Wrapped before escaping, so an entity such as &amp; is never split by a line break.
    names = ["<br>".join(html.escape(line) for line in textwrap.wrap(label, 40)) or html.escape(label) for label in (before_label, after_label)]
    baseline = dict(
        type="scatterpolar", name=names[0], r=then + then[:1], theta=labels + labels[:1], mode="lines+markers",
        line=dict(color=BASELINE_COLOUR, width=3, dash="dash"),
        marker=dict(size=13, symbol="diamond-open", line=dict(width=2.5, color=BASELINE_COLOUR)),
        connectgaps=False, hovertemplate="%{fullData.name}<br>%{theta}: %{r:.0f} / 100<extra></extra>",
    )
    current = dict(
        type="scatterpolar", name=names[1], r=now + now[:1], theta=labels + labels[:1], mode="lines+markers",
        line=dict(color=PALETTE[0], width=4), marker=dict(size=12, symbol="circle", color=PALETTE[0]),
        fill="toself", fillcolor="rgba(0, 114, 178, 0.15)", connectgaps=False, customdata=change + change[:1],
        hovertemplate="%{fullData.name}<br>%{theta}: %{r:.0f} / 100 (%{customdata})<extra></extra>",
    )
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=120, r=120, t=50, b=130),
        showlegend=True,
        # Below the labels of the bottom aspect, which sit outside the polar area.
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.16, yanchor="top", font=dict(size=17), traceorder="normal"),
        polar=dict(
            bgcolor="white",
            radialaxis=dict(range=[0, 100], tickvals=[0, 25, 50, 75, 100], tickfont=dict(size=14), angle=67.5, gridcolor="#CCC", linecolor="#999"),
            angularaxis=dict(tickfont=dict(size=17), direction="clockwise", rotation=90, gridcolor="#CCC", linecolor="#999"),
        ),
        paper_bgcolor="white",
    )
    if all(v is None for v in then + now):
        layout["annotations"] = [dict(text="No aspect scores on either side yet", showarrow=False, x=0.5, y=0.5,
                                      xref="paper", yref="paper", font=dict(size=20), bgcolor="white")]
    # The current profile drawn last, on top.
    return figure([baseline, current], layout)


def for_projector(fig: go.Figure, *, size: int = 24, height: int | None = None) -> go.Figure:
    """The same figure with every font at least `size` px, for the presentation view: the
    figures set tick, legend and bar-label sizes of their own, which the base font alone
    would not change."""
    fig.update_layout(font_size=size, legend_font_size=size - 2, title_font_size=size + 4)
    fig.update_xaxes(tickfont_size=size - 2, title_font_size=size)
    fig.update_yaxes(tickfont_size=size - 2, title_font_size=size)
    fig.update_polars(angularaxis_tickfont_size=size, radialaxis_tickfont_size=size - 4)
    fig.update_traces(textfont_size=size - 2, selector=lambda trace: "textfont" in trace)
    if height:
        fig.update_layout(height=height)
    return fig
