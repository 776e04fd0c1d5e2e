"""The "Key results" sheet every workbook opens with: one printed page for a board paper.

Overall room for manoeuvre, the radar of the eight aspects, the best-fitting approaches
(ties as "=n"), the highest risks and the plan's state, under the assessment's name and
date. The self-check and the workshop pack give it their own figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import pandas as pd
from openpyxl.styles import Alignment, Font

from scoring.diagnostics import approaches, eight_aspects
from scoring.excel import cells
from scoring.records import development_plan, risks

SHEET = "Key results"
TOP_RISKS = 5
# Rows of approaches at most (top_places keeps ties whole, so a wide tie could run to 13):
# with the radar and five risks, the page stays one page.
TOP_APPROACHES = 5
HEADING = Font(bold=True, size=12)


@dataclass(frozen=True)
class Figures:
    """What the page shows: aspect title -> score (NaN when none), the overall, the
    approach ranking (approaches.rank), the approach or blend chosen (titles), and the
    plan and risk records."""

    aspects: Mapping[str, float]
    overall: float
    ranked: pd.DataFrame
    basis: str
    plan: Mapping[str, dict]
    risks: Mapping[str, dict]
    overall_label: str = "Overall room for manoeuvre (0–100)"
    chosen: tuple[str, ...] = ()
    chosen_label: str = "Chosen approach or blend"


def self_check_figures(response: Mapping[str, Mapping[str, dict]]) -> Figures:
    scores = eight_aspects.score_records(response.get(eight_aspects.ID, {}))
    aspect_scores = approaches.aspect_scores(response)
    ranked = approaches.rank(aspect_scores, approaches.choice(response)["priorities"])
    return Figures(
        aspects=dict(zip(scores["aspect"], scores["score"])),
        overall=eight_aspects.overall(scores),
        ranked=ranked,
        basis=approaches.basis(aspect_scores, ranked),
        plan=response.get(development_plan.ID, {}),
        risks=response.get(risks.ID, {}),
        chosen=approaches.chosen_titles(response),
    )


def _short(text: str, limit: int = 60) -> str:
    """A risk's title cut to one printed line, so the page stays one page with five risks
    (the Risks sheet has it all)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def write(ws, figures: Figures, *, name: str, dated: str, kind: str) -> None:
    """The page: portrait A4, every block below the one before."""
    ws.title = SHEET
    cells.put(ws, 1, 1, f"Key results: {name}").font = cells.TITLE_FONT
    cells.put(ws, 2, 1, f"{kind}, {dated}. {cells.PURPOSE}").alignment = cells.WRAP
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 30

    row = 4
    cells.put(ws, row, 1, figures.overall_label).font = HEADING
    cell = cells.put(ws, row, 2, None if math.isnan(figures.overall) else figures.overall, "0")
    cell.font, cell.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    if math.isnan(figures.overall):
        cells.put(ws, row, 2, "No scores yet")

    header = row + 2
    last = cells.write_table(
        ws,
        header,
        ["Aspect", "Score (0–100)"],
        ([title, None if score is None or math.isnan(score) else score] for title, score in figures.aspects.items()),
        number_formats={"Score (0–100)": "0"},
        table=False,
    )
    chart = cells.radar_chart(ws, header=header, last=last, data_columns=[2], title="Room for manoeuvre by aspect (0–100)")
    chart.legend = None
    chart.height, chart.width = 6.5, 15
    scored = {t: s for t, s in figures.aspects.items() if s is not None and not math.isnan(s)}
    cells.describe_chart(
        chart,
        title=f"Room for manoeuvre by aspect (0–100)\n{cells.RADAR_SCALE}",
        x_title=None,
        y_title=cells.RADAR_AXIS_TITLE,
        alt_text="Radar of the eight aspects' scores, 0 to 100: "
        + ("; ".join(f"{t} {s:.0f}" for t, s in scored.items()) if scored else "no aspect has a score yet")
        + ".",
    )
    ws.add_chart(chart, f"A{last + 1}")
    row = last + 1 + math.ceil(chart.height / 0.5) + 1  # rows as LibreOffice and Excel draw them, so the page stays one page

    cells.put(ws, row, 1, "Best-fitting commissioning approaches").font = HEADING
    top = approaches.top_places(figures.ranked)
    if top.empty:
        cells.put(ws, row + 1, 1, "No fit yet: too few aspects have a score.")
        row += 3
    else:
        row = cells.write_table(
            ws,
            row + 1,
            ["Approach", "Fit (0–100)", "Rank"],
            ([r.title, r.fit, r.rank_label] for r in top.head(TOP_APPROACHES).itertuples()),
            number_formats={"Fit (0–100)": "0"},
            table=False,
        )
        if len(top) > TOP_APPROACHES:  # a wide tie: said, not cut silently
            cells.put(ws, row + 1, 1, f"… and {len(top) - TOP_APPROACHES} more in the first places on the Model fit sheet.")
            row += 1
        row += 2
    chosen = f"{figures.chosen_label}: {' + '.join(figures.chosen) if figures.chosen else 'none chosen yet'}."
    cells.put(ws, row - 1, 1, chosen).alignment = cells.WRAP
    ws.merge_cells(start_row=row - 1, start_column=1, end_row=row - 1, end_column=4)
    if len(chosen) > 90:  # a blend of three long titles takes two printed lines
        ws.row_dimensions[row - 1].height = 28
    row += 1

    cells.put(ws, row, 1, "Highest strategic risks").font = HEADING
    register = risks.register(figures.risks)
    if register.empty:
        cells.put(ws, row + 1, 1, "No risks recorded yet.")
        row += 3
    else:
        shown = register.head(TOP_RISKS)
        row = cells.write_table(
            ws, row + 1, ["Risk", "Rating (1–25)", "Band"], ([_short(r.title), int(r.rating), r.band] for r in shown.itertuples()), wrap=["Risk"], table=False
        )
        if len(register) > TOP_RISKS:
            cells.put(ws, row + 1, 1, f"… and {len(register) - TOP_RISKS} more on the Risks sheet.")
            row += 1
        row += 2

    cells.put(ws, row, 1, "The development plan").font = HEADING
    plan = development_plan.actions(figures.plan)
    if plan.empty:
        cells.put(ws, row + 1, 1, "No actions yet.")
    else:  # one line, so the page stays one page
        counts = ", ".join(f"{int((plan['status'] == key).sum())} {label.lower()}" for key, label in development_plan.STATUSES.items())
        cells.put(ws, row + 1, 1, f"{len(plan)} action{'s' if len(plan) != 1 else ''}: {counts}.")
    cells.finish(ws, {1: 58, 2: 14, 3: 10, 4: 10}, landscape=False)
