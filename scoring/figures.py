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
    """Lines of at most `width` characters joined by <br>; a longer word is kept whole."""
    return "<br>".join(textwrap.wrap(label, width, break_long_words=False)) or label


# Bars with their labels written above them, not beside: a label beside a bar takes the
# width from the bar, and on a 390 px phone long titles took most of it and were cut off.
# The y axis counts pixels (plot height = rows' total), so each row is as tall as its label.
LABEL_SIZE = 16  # px: the labels above bars
LABEL_WRAP = 40  # characters a line: at LABEL_SIZE this fits a 390 px phone (about 300 px)
LINE_PX = 20
BAR_PX = 22
ROW_GAP_PX = 14


def _bars_labelled_above(
    labels: list[str],
    values: list[float | None],
    texts: list[str],
    *,
    colour: str,
    maximum: float,
    tickvals: list[float] | None,
    axis_title: str,
    hovertemplate: str,
) -> go.Figure:
    """Horizontal bars, first at the top, each with its label above it (wrapped at LABEL_WRAP)
    and its value written at its end. A None value draws no bar. `labels` are also the
    trace's customdata, for the hover (%{customdata})."""
    lines = [textwrap.wrap(label, LABEL_WRAP, break_long_words=False) or [label] for label in labels]
    label_bottoms, y = [], 0
    for block in lines:
        label_bottoms.append(y + len(block) * LINE_PX)
        y = label_bottoms[-1] + BAR_PX + ROW_GAP_PX
    total = max(y - ROW_GAP_PX, 1)
    trace = dict(
        type="bar",
        orientation="h",
        x=values,
        y=[b + BAR_PX / 2 for b in label_bottoms],
        width=BAR_PX,
        marker=dict(color=colour),
        text=texts,
        textposition="outside",
        textfont=dict(size=LABEL_SIZE),
        customdata=labels,
        hovertemplate=hovertemplate,
        cliponaxis=False,
    )
    annotations = [
        dict(
            text="<br>".join(block),
            x=0,
            xref="paper",
            xanchor="left",
            y=bottom,
            yref="y",
            yanchor="bottom",
            xshift=3,
            yshift=1,
            align="left",
            showarrow=False,
            font=dict(size=LABEL_SIZE),
        )
        for block, bottom in zip(lines, label_bottoms)
    ]
    top, bottom = 28, 60  # the top clear of the chart's toolbar
    layout = dict(
        font=FONT,
        height=total + top + bottom,
        margin=dict(l=6, r=50, t=top, b=bottom),
        xaxis=dict(
            range=[0, maximum * 1.05],
            title=dict(text=axis_title, font=dict(size=LABEL_SIZE)),
            fixedrange=True,
            gridcolor="#DDD",
            tickfont=dict(size=LABEL_SIZE),
            **({"tickvals": tickvals} if tickvals is not None else {}),
        ),
        yaxis=dict(range=[total, 0], visible=False, fixedrange=True),
        annotations=annotations,
        showlegend=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return figure([trace], layout)


# The polar area's share of the width: the aspect names sit outside it, and plotly does not
# count them in its margins. A share rather than pixels, so the names keep their room on a
# 390 px phone (where the widest, "Capacity and capability development" at 3 o'clock, needs
# about 90 px) and the circle still fills a projector's height.
RADAR_DOMAIN = dict(x=[0.285, 0.715], y=[0, 1])
RADAR_LABEL_SIZE = 15
RADAR_WRAP = 12


def radar(aspect_scores: pd.DataFrame, *, title: str | None = None, height: int = 440, compact: bool = False) -> go.Figure:
    """The eight aspects on a 0–100 radar; an aspect with no score leaves a gap.

    `aspect_scores` is what eight_aspects.score() returns (columns aspect, score).
    `compact` suits a narrow side panel. Pages name the unscored aspects in text, since
    a gap alone is easy to miss.
    """
    labels = [wrap(aspect, RADAR_WRAP if not compact else 14) for aspect in aspect_scores["aspect"]]
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
    if compact:  # a side panel beside the questions, never shown on a phone
        margin = dict(l=85, r=85, t=80 if title else 50, b=50)
        polar = dict(
            radialaxis=dict(range=[0, 100], tickvals=[0, 25, 50, 75, 100], tickfont=dict(size=12), angle=67.5),
            angularaxis=dict(tickfont=dict(size=13), direction="clockwise", rotation=90),
        )
    else:
        margin = dict(l=4, r=4, t=80 if title else 45, b=60)  # the top and bottom names sit in these
        polar = dict(
            domain=RADAR_DOMAIN,
            radialaxis=dict(range=[0, 100], tickvals=[0, 50, 100], tickfont=dict(size=13), angle=67.5),
            angularaxis=dict(tickfont=dict(size=RADAR_LABEL_SIZE), direction="clockwise", rotation=90),
        )
    layout = dict(
        font={**FONT, "size": 14 if compact else FONT["size"]},
        height=height,
        margin=margin,
        showlegend=False,
        # The radial scale sits between the first two aspects, clear of their labels.
        polar=polar,
        paper_bgcolor="white",
    )
    if title:
        layout["title"] = dict(text=title, font=dict(size=22))
    return figure([trace], layout)


def fit_bars(ranked: pd.DataFrame, *, height: int | None = None) -> go.Figure:
    """Approaches ranked by fit, best at the top, each labelled above its bar ("=3." for a
    tie) with the value written at its end. Approaches not judged (too few answers) are left
    out: say so beside it (approaches.basis).

    `ranked` is what approaches.rank() returns; the labels are the trace's customdata.
    """
    shown = ranked.dropna(subset=["fit"])
    fig = _bars_labelled_above(
        [f"{r.rank_label}. {r.title}" for r in shown.itertuples()],
        [_plotted(v) for v in shown["fit"]],
        [numbers.text(v) for v in shown["fit"]],
        colour=PALETTE[0],
        maximum=100,
        tickvals=[0, 25, 50, 75, 100],
        axis_title="Fit to your context (0–100)",
        hovertemplate="%{customdata}: fit %{text} / 100<extra></extra>",
    )
    return _at_least(fig, height)


# The scatter's labels are placed for the narrowest chart, a 390 px phone: pixels per
# point of the 0–105 axes there, and the size of a label's characters.
PHONE_PX_PER_POINT = (2.5, 3.8)  # x, y
CHAR_PX, LABEL_LINE_PX, MARKER_PX = 9, 18, 16


def label_groups(points: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """Labels for points that do not overlap on the narrowest chart: points whose labels
    would touch share one label, "2, =3, 9", placed above the highest of them.

    `points` are (x, y, label) on 0–100 axes, in the order their labels are to be joined;
    returns (x, y, label) per label drawn."""
    groups = [[point] for point in points]

    def box(group) -> tuple[float, float, float, float]:
        """The label's box in phone pixels: centred over the group, above its highest point."""
        text = ", ".join(label for _, _, label in group)
        x = sum(p[0] for p in group) / len(group) * PHONE_PX_PER_POINT[0]
        y = max(p[1] for p in group) * PHONE_PX_PER_POINT[1] + MARKER_PX / 2
        half = len(text) * CHAR_PX / 2
        return x - half, x + half, y, y + LABEL_LINE_PX

    def markers(group) -> list[tuple[float, float, float, float]]:
        return [
            (
                p[0] * PHONE_PX_PER_POINT[0] - MARKER_PX / 2,
                p[0] * PHONE_PX_PER_POINT[0] + MARKER_PX / 2,
                p[1] * PHONE_PX_PER_POINT[1] - MARKER_PX / 2,
                p[1] * PHONE_PX_PER_POINT[1] + MARKER_PX / 2,
            )
            for p in group
        ]

    def touch(a, b) -> bool:
        return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]

    def clash(first, second) -> bool:
        """The two labels touch, or one covers a point of the other group."""
        a, b = box(first), box(second)
        return touch(a, b) or any(touch(a, m) for m in markers(second)) or any(touch(b, m) for m in markers(first))

    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if clash(groups[i], groups[j]):
                    groups[i] += groups.pop(j)
                    merged = True
                    break
            if merged:
                break
    result = []
    for group in groups:
        group.sort(key=lambda p: points.index(p))
        result.append((sum(p[0] for p in group) / len(group), max(p[1] for p in group), ", ".join(p[2] for p in group)))
    return result


def feasibility_desirability(ranked: pd.DataFrame, *, height: int = 520) -> go.Figure:
    """Each approach placed by feasibility (context allows it) and desirability (serves
    what we want), labelled by its rank number; approaches too close to label apart share
    one label ("2, =3"). Pages give the key (rank, title) beside it."""
    shown = ranked.dropna(subset=["feasibility", "desirability"])
    x = [_plotted(v) for v in shown["feasibility"]]
    y = [_plotted(v) for v in shown["desirability"]]
    trace = dict(
        type="scatter",
        x=x,
        y=y,
        mode="markers",
        marker=dict(size=MARKER_PX, color=PALETTE[1], line=dict(color="#1A1A1A", width=1.5), symbol="diamond"),
        customdata=[
            [f"{rank}. {title}", numbers.text(f), numbers.text(d)]
            for rank, title, f, d in zip(shown["rank_label"], shown["title"], shown["feasibility"], shown["desirability"])
        ],
        hovertemplate="%{customdata[0]}<br>feasibility %{customdata[1]}, desirability %{customdata[2]}<extra></extra>",
    )

    def anchor(lx: float, text: str) -> str:
        """A long shared label near an edge runs inwards, not off the chart."""
        centre, half, width = lx * PHONE_PX_PER_POINT[0], len(text) * CHAR_PX / 2, 105 * PHONE_PX_PER_POINT[0]
        return "left" if centre - half < 0 else "right" if centre + half > width else "center"

    labels = [
        dict(
            text=text,
            x=lx,
            y=ly,
            xref="x",
            yref="y",
            xanchor=anchor(lx, text),
            yanchor="bottom",
            yshift=MARKER_PX / 2,
            showarrow=False,
            font=dict(size=LABEL_SIZE),
        )
        for lx, ly, text in label_groups(list(zip(x, y, shown["rank_label"])))
    ]
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=60, r=16, t=20, b=64),
        xaxis=dict(
            range=[0, 105],
            tickvals=[0, 50, 100],
            tickfont=dict(size=LABEL_SIZE),
            fixedrange=True,
            gridcolor="#DDD",
            title=dict(text="Feasibility: context allows it", font=dict(size=LABEL_SIZE)),
        ),
        # No 0 on the y axis: it would sit on the x axis's 0 at the corner.
        yaxis=dict(
            range=[0, 105],
            tickvals=[50, 100],
            tickfont=dict(size=LABEL_SIZE),
            fixedrange=True,
            gridcolor="#DDD",
            title=dict(text="Desirability: serves what we want", font=dict(size=LABEL_SIZE)),
        ),
        annotations=labels,
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
    titles: list[str],
    values: list[float],
    *,
    maximum: float,
    tickvals: list[float] | None,
    axis_title: str,
    colour: str,
    height: int | None = None,
) -> go.Figure:
    """Horizontal bars, first at the top, each labelled above its bar and its value written
    at its end; a title with no value (NaN) is named "(not rated)" rather than drawn as a
    zero. `height`, if more than the rows need, stretches them (the least height)."""
    shown = [_plotted(v) for v in values]
    fig = _bars_labelled_above(
        [t if v is not None else f"{t} (not rated)" for t, v in zip(titles, shown)],
        shown,
        [numbers.text(v, blank="") for v in shown],
        colour=colour,
        maximum=maximum,
        tickvals=tickvals,
        axis_title=axis_title,
        hovertemplate=f"%{{customdata}}: %{{x:.0f}} of {maximum:g}<extra></extra>",
    )
    return _at_least(fig, height)


def vote_bars(labels: list[str], votes: list[int], *, height: int | None = None) -> go.Figure:
    """The room's dot-vote: one bar per action, most votes first, its rank and words above
    it and its votes at its end. The words are typed by people, so they are escaped
    (plotly reads tags such as <a> in its labels)."""
    most = max([*votes, 1])
    return _at_least(
        _bars_labelled_above(
            [html.escape(label, quote=False) for label in labels],
            [float(v) for v in votes],
            [str(v) for v in votes],
            colour=PALETTE[0],
            maximum=most * 1.12,
            tickvals=None,
            axis_title="Votes",
            hovertemplate="%{customdata}: %{x:.0f} votes<extra></extra>",
        ),
        height,
    )


def _at_least(fig: go.Figure, height: int | None) -> go.Figure:
    """A figure of bars labelled above made at least `height` tall: its rows grow in
    proportion, since its y axis is a fixed range."""
    if height and height > fig.layout.height:
        fig.layout.height = height
    return fig


def theme_bars(themes: pd.DataFrame, *, colour: str = PALETTE[2]) -> go.Figure:
    """Themes (columns title, score) on 0–100."""
    return labelled_bars(list(themes["title"]), list(themes["score"]), maximum=100, tickvals=[0, 25, 50, 75, 100], axis_title="Score (0–100)", colour=colour)


# --- Workshop: the room's answers --------------------------------------------------------

BAND_LABEL = "Middle half of the room (quartiles)"
# Fill patterns tell the groups apart where colour cannot (print, colour blindness).
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")
# Diverging brown–grey–blue, 1 (constrains) … 5 (enables), alternating dark and light so
# that neighbours differ in lightness, which survives a washed-out projector where hue
# does not (the Okabe–Ito vermilion and orange used before, for 1 and 2, ran together:
# tests/test_projector.py simulates the wash). Hatching tells the constraining ratings
# apart without colour, dots mark "enables"; the legend names each.
RATING_COLOURS = ("#7F2704", "#FDD0A2", "#6E6E6E", "#B3D4EC", "#08306B")
RATING_TEXT = ("white", "#1A1A1A", "white", "#1A1A1A", "white")
RATING_PATTERNS = ("x", "/", "", ".", "")


def _pattern_colour(colour: str) -> str:
    """Dark lines on the light Okabe–Ito colours, white on the dark ones."""
    return "#1A1A1A" if colour in ("#E69F00", "#56B4E9", "#F0E442", "#009E73", "#CC79A7") else "white"


def _count_segment(name: str, counts: list[int], labels: list[str], colour_at: int) -> dict:
    """One rating's segment of stacked count bars: its colour and pattern from the rating
    palette (never colour alone), each count written inside."""
    text_colour = RATING_TEXT[colour_at]
    return dict(
        type="bar",
        orientation="h",
        name=name,
        x=counts,
        y=labels,
        text=[str(c) if c else "" for c in counts],
        textposition="inside",
        insidetextanchor="middle",
        textfont=dict(size=16, color=text_colour),
        marker=dict(
            color=RATING_COLOURS[colour_at],
            line=dict(color="white", width=1.5),
            pattern=dict(shape=RATING_PATTERNS[colour_at], fillmode="overlay", fgcolor=text_colour, fgopacity=0.55, size=9, solidity=0.25),
        ),
        hovertemplate=f"%{{y}}<br>{name}: %{{x}} people<extra></extra>",
    )


def _stacked_counts_layout(most: int, height: int) -> dict:
    return dict(
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


def _empty(message: str, height: int) -> go.Figure:
    """A blank figure that says why it is blank."""
    return figure(
        [],
        dict(
            font=FONT,
            height=height,
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=dict(visible=False),
            yaxis=dict(visible=False),
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


AGREED_LABEL = "Agreed by the room"
AGREED_COLOUR = "#000000"  # black, dashed, diamond markers: apart from the mean's blue line without colour


def spread_radar(spread: pd.DataFrame, *, height: int = 620, agreed: Mapping[str, float] | None = None) -> go.Figure:
    """The room's mean score per aspect (line with markers) over the middle half of the
    room (a band from the lower to the upper quartile), on 0–100; with `agreed` (aspect id
    -> the score of the ratings the room agreed), that profile as a series of its own.

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
        bands = [
            {
                **band,
                "r": q3 + q3[:1] + q1[:1] + q1[:0:-1] + q1[:1],
                "theta": labels + labels[:1] + labels[:1] + labels[:0:-1] + labels[:1],
                "mode": "lines",
                "fill": "toself",
                "line": dict(color="rgba(0, 114, 178, 0.6)", width=1),
            }
        ]
    elif all(v is None for v in q1 + q3):
        bands = []  # too few people for any aspect's spread (workshop.SPREAD_MIN): no band, no legend entry
    else:
        bands = [
            {
                **band,
                "r": r + r[:1],
                "theta": labels + labels[:1],
                "mode": "lines",
                "connectgaps": False,
                "line": dict(color=PALETTE[4], width=3, dash="dot"),
                "legendgroup": "band",
                "showlegend": first,
            }
            for r, first in ((q1, True), (q3, False))
        ]
    hover = [_spread_hover(r) for r in spread.itertuples()]
    line = dict(
        type="scatterpolar",
        name="Room mean",
        r=mean + mean[:1],
        theta=labels + labels[:1],
        mode="lines+markers",
        line=dict(color=PALETTE[0], width=4),
        marker=dict(size=12, symbol="circle"),
        connectgaps=False,
        customdata=hover + hover[:1],
        hovertemplate="%{theta}: mean %{r:.0f} / 100<br>%{customdata}<extra></extra>",
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
    traces = [*bands, line]
    if agreed and any(_plotted(agreed.get(a)) is not None for a in spread.index):
        points = [_plotted(agreed.get(a)) for a in spread.index]
        traces.append(
            dict(
                type="scatterpolar",
                name=AGREED_LABEL,
                r=points + points[:1],
                theta=labels + labels[:1],
                mode="lines+markers",
                line=dict(color=AGREED_COLOUR, width=3, dash="dash"),
                marker=dict(size=13, symbol="diamond-open", line=dict(width=2)),
                connectgaps=False,
                hovertemplate="%{theta}: agreed %{r:.0f} / 100<extra></extra>",
            )
        )
    return figure(traces, layout)


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
                type="bar",
                orientation="h",
                name=html.escape(f"{row.role} (n = {row.n})"),
                x=values,
                y=labels,
                text=[numbers.text(v, blank="no score") for v in values],
                textposition="outside",
                textfont=dict(size=15),
                marker=dict(
                    color=colour,
                    line=dict(color="#1A1A1A", width=1),
                    pattern=dict(shape=PATTERNS[number % len(PATTERNS)], fillmode="overlay", fgcolor=_pattern_colour(colour), solidity=0.3),
                ),
                hovertemplate="%{fullData.name}<br>%{y}: %{x:.0f} / 100<extra></extra>",
                cliponaxis=False,
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
        from scoring.diagnostics import eight_aspects  # here, so figures stay importable by every scorer

        scale = eight_aspects.instrument().scale
    shown = items.head(top)
    height = height or 150 + 74 * max(len(shown), 1)
    if shown.empty:
        return _empty("Not enough ratings yet to see where the room disagrees", min(height, 300))
    labels = [wrap(f"{r.text} ({r.aspect})", 44) for r in shown.itertuples()]
    traces = [
        _count_segment(f"{rating} {scale.get(rating, '')}".strip(), [int(c) for c in shown[f"count_{rating}"]], labels, rating - 1) for rating in range(1, 6)
    ]
    layout = _stacked_counts_layout(int(shown[[f"count_{r}" for r in range(1, 6)]].sum(axis=1).max()), height)
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

    labels = [wrap(aspect, RADAR_WRAP) for aspect in changes["aspect"]]

    def values(column: str) -> list[float | None]:
        return [_plotted(v) for v in changes[column]]

    then, now = values("before"), values("after")
    change = ["no score on both sides" if pd.isna(c) else ("no change" if c == 0 else f"change {numbers.signed(c)}") for c in changes["change"]]
    # Wrapped before escaping, so an entity such as &amp; is never split by a line break.
    names = ["<br>".join(html.escape(line) for line in textwrap.wrap(label, 40)) or html.escape(label) for label in (before_label, after_label)]
    baseline = dict(
        type="scatterpolar",
        name=names[0],
        r=then + then[:1],
        theta=labels + labels[:1],
        mode="lines+markers",
        line=dict(color=BASELINE_COLOUR, width=3, dash="dash"),
        marker=dict(size=13, symbol="diamond-open", line=dict(width=2.5, color=BASELINE_COLOUR)),
        connectgaps=False,
        hovertemplate="%{fullData.name}<br>%{theta}: %{r:.0f} / 100<extra></extra>",
    )
    current = dict(
        type="scatterpolar",
        name=names[1],
        r=now + now[:1],
        theta=labels + labels[:1],
        mode="lines+markers",
        line=dict(color=PALETTE[0], width=4),
        marker=dict(size=12, symbol="circle", color=PALETTE[0]),
        fill="toself",
        fillcolor="rgba(0, 114, 178, 0.15)",
        connectgaps=False,
        customdata=change + change[:1],
        hovertemplate="%{fullData.name}<br>%{theta}: %{r:.0f} / 100 (%{customdata})<extra></extra>",
    )
    layout = dict(
        font=FONT,
        height=height,
        margin=dict(l=4, r=4, t=45, b=60),
        showlegend=True,
        # Below the labels of the bottom aspect, which sit outside the polar area.
        legend=dict(orientation="h", x=0.5, xanchor="center", y=0, yanchor="bottom", yref="container", font=dict(size=16), traceorder="normal"),
        polar=dict(
            bgcolor="white",
            domain=dict(x=RADAR_DOMAIN["x"], y=[0.22, 1]),  # the legend below
            radialaxis=dict(range=[0, 100], tickvals=[0, 50, 100], tickfont=dict(size=13), angle=67.5, gridcolor="#CCC", linecolor="#999"),
            angularaxis=dict(tickfont=dict(size=RADAR_LABEL_SIZE), direction="clockwise", rotation=90, gridcolor="#CCC", linecolor="#999"),
        ),
        paper_bgcolor="white",
    )
    if all(v is None for v in then + now):
        layout["annotations"] = [
            dict(text="No aspect scores on either side yet", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=20), bgcolor="white")
        ]
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
    if any(a.yref == "y" for a in fig.layout.annotations):  # bars labelled above: rows grow with the labels
        fig.update_annotations(font_size=size - 2, selector=dict(yref="y"))
        margins = fig.layout.margin.t + fig.layout.margin.b
        height = max(height or 0, int((fig.layout.height - margins) * (size - 2) / LABEL_SIZE) + margins)
    if height:
        fig.update_layout(height=height)
    return fig


# --- A round: one section's factors ----------------------------------------------------------


def _scale_colours(values: list[int]) -> list[int]:
    """Indexes into RATING_COLOURS for a scale of len(values) points, ends kept at the ends."""
    last = len(RATING_COLOURS) - 1
    return [round(i * last / max(len(values) - 1, 1)) for i in range(len(values))]


def factor_distribution(rows: list[dict], *, height: int | None = None) -> go.Figure:
    """How many gave each rating on each factor of a section, stacked from the scale's
    lowest on the left to its highest on the right, each count written in its segment.
    `rows` is what workshop.rounds.factor_rows() returns; factors not shown are left out."""
    shown = [r for r in rows if r["shown"]]
    height = height or 150 + 74 * max(len(shown), 1)
    if not shown:
        return _empty("Not enough ratings yet to show this section", min(height, 300))
    labels = [wrap(r["factor"].text, 44) for r in shown]
    traces = []
    scales: dict[tuple, list[int]] = {}
    for index, row in enumerate(shown):
        scales.setdefault(tuple(row["factor"].options.items()), []).append(index)
    for options, members in scales.items():
        values = [value for value, _ in options]
        for value, colour_at in zip(values, _scale_colours(values)):
            counts = [shown[i]["counts"].get(value, 0) if i in members else 0 for i in range(len(shown))]
            traces.append(_count_segment(f"{value} {dict(options)[value]}", counts, labels, colour_at))
    layout = _stacked_counts_layout(max(sum(r["counts"].values()) for r in shown), height)
    return figure(traces, layout)
