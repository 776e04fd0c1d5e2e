"""The simple map of critical structures, partners, leaders and champions (seed 002):
who matters to commissioning here, their role, and how strong each relationship is.

Stored as records of the starting-points diagnostic: "stakeholder:<id>" -> {"name",
"kind", "role", "relationship"}.
"""

from __future__ import annotations

import html
import math
import secrets
import textwrap
from typing import Any, Mapping

import pandas as pd

from scoring.fields import clean_text
from scoring.figures import FONT, figure

PREFIX = "stakeholder:"
KINDS = {"structure": "Structure", "partner": "Partner", "leader": "Leader", "champion": "Champion"}
RELATIONSHIPS = {"strong": "Strong", "workable": "Workable", "weak": "Weak", "arms_length": "Arm's length"}
NAME_LIMIT = 200
TEXT_LIMIT = 500
# Line style carries the relationship, so colour is never the only cue.
LINES = {
    "strong": dict(width=6, dash="solid", color="#0072B2"),
    "workable": dict(width=3, dash="solid", color="#56B4E9"),
    "weak": dict(width=3, dash="dash", color="#E69F00"),
    "arms_length": dict(width=2, dash="dot", color="#888888"),
}
SYMBOLS = {"structure": "square", "partner": "circle", "leader": "diamond", "champion": "star"}


def new_key() -> str:
    return f"{PREFIX}{secrets.token_hex(6)}"


def clean(record: Mapping[str, Any]) -> dict:
    kind = record.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} must be one of: {', '.join(KINDS.values())}")
    relationship = record.get("relationship")
    if relationship not in RELATIONSHIPS:
        raise ValueError(f"relationship {relationship!r} must be one of: {', '.join(RELATIONSHIPS.values())}")
    return {
        "name": clean_text(record.get("name"), "The name", limit=NAME_LIMIT, required=True),
        "kind": kind,
        "role": clean_text(record.get("role"), "The role", limit=TEXT_LIMIT),
        "relationship": relationship,
    }


def table(records: Mapping[str, dict]) -> pd.DataFrame:
    """Every stakeholder, by kind then name."""
    rows = [{"key": k, **r} for k, r in records.items() if k.startswith(PREFIX)]
    result = pd.DataFrame(rows, columns=["key", "name", "kind", "role", "relationship"])
    result["order"] = [list(KINDS).index(k) for k in result["kind"]]
    return result.sort_values(["order", "name"], kind="stable").drop(columns="order").reset_index(drop=True)


NAME_WRAP = 14  # characters a line of a name on the map


def network(stakeholders: pd.DataFrame, *, centre: str = "Commissioning", height: int = 560):
    """Commissioning at the centre, each stakeholder around it, the line styled by the
    strength of the relationship and the marker by kind; names written beside."""
    count = len(stakeholders)
    angles = [2 * math.pi * n / max(count, 1) for n in range(count)]
    xs = [math.cos(a) for a in angles]
    ys = [math.sin(a) for a in angles]
    traces = []
    for relationship, line in LINES.items():
        edge_x, edge_y = [], []
        for x, y, rel in zip(xs, ys, stakeholders["relationship"]):
            if rel == relationship:
                edge_x += [0, x, None]
                edge_y += [0, y, None]
        if edge_x:
            traces.append(dict(type="scatter", mode="lines", x=edge_x, y=edge_y, line=line, name=RELATIONSHIPS[relationship], hoverinfo="skip"))
    traces.append(
        dict(
            type="scatter",
            mode="markers+text",
            x=xs,
            y=ys,
            # Names are typed by users: escaped, since plotly reads tags such as <a> in text.
            # Wrapped before escaping, so an entity such as &amp; is never split by a line break.
            text=["<br>".join(html.escape(line) for line in textwrap.wrap(name, NAME_WRAP)) or html.escape(name) for name in stakeholders["name"]],
            textposition=["middle right" if x >= 0 else "middle left" for x in xs],
            textfont=dict(size=15),
            marker=dict(size=22, color="white", line=dict(color="#1A1A1A", width=2), symbol=[SYMBOLS[k] for k in stakeholders["kind"]]),
            customdata=[f"{KINDS[k]}, {RELATIONSHIPS[r].lower()} relationship" for k, r in zip(stakeholders["kind"], stakeholders["relationship"])],
            hovertemplate="%{text}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    traces.append(
        dict(
            type="scatter",
            mode="markers+text",
            x=[0],
            y=[0],
            text=[centre],
            textposition="bottom center",
            textfont=dict(size=16),
            marker=dict(size=30, color="#0B5CAD"),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    return figure(
        traces,
        dict(
            font=FONT,
            height=height,
            margin=dict(l=20, r=20, t=20, b=20),
            # Room either side for the names written beside the outer markers: on a 390 px
            # phone a unit is about 50 px, and a name of NAME_WRAP characters about 110.
            xaxis=dict(visible=False, range=[-3.2, 3.2], fixedrange=True),
            yaxis=dict(visible=False, range=[-1.3, 1.3], fixedrange=True),
            # The title above the entries, so that they can wrap into rows on a phone.
            legend=dict(title=dict(text="Relationship", side="top"), orientation="h", y=-0.02, font=dict(size=15)),
            paper_bgcolor="white",
            plot_bgcolor="white",
        ),
    )
