"""The strategic risk register for implementing the chosen approach(es).

Risks are suggested per approach from data/approaches.yaml; each has a likelihood and an
impact from 1 to 5, a mitigation and an owner, all editable. Rating = likelihood x impact.

Stored records (diagnostic "risks"): "risk:<id>" -> {"approach_id", "title",
"description", "likelihood", "impact", "mitigation", "owner", "suggested_id"}.
"""

from __future__ import annotations

import secrets
import textwrap
from typing import Any, Mapping

import pandas as pd
import plotly.graph_objects as go
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from scoring.diagnostics import approaches
from scoring.excel import cells
from scoring.fields import clean_text, clean_whole
from scoring.figures import FONT, figure

ID = "risks"
TITLE = "Strategic risk register"
SHEET = "Risks"
# The register's columns; bring-back (scoring/excel/sheet_edits.py) finds the table by them.
# "Key" is hidden: it ties a row to its stored risk. Rating and Band are worked out.
REGISTER_HEADERS = ("Ref", "Risk", "Approach", "Description", "Likelihood (1–5)", "Impact (1–5)", "Rating", "Band", "Mitigation", "Owner", "Key")
EXTRA_ROWS = 10  # empty rows in the Table so the register can grow in Excel
APPROACH_LIST_COLUMN = len(REGISTER_HEADERS) + 1  # hidden: the titles the Approach drop-down offers
TEXT_LIMIT = 500
# Bands on the 1–25 rating, named so colour is never the only cue.
BANDS = ((4, "Low"), (9, "Medium"), (14, "High"), (25, "Very high"))
BAND_FILLS = {"Low": "D9EAD3", "Medium": "FFF2CC", "High": "F9CB9C", "Very high": "E6B8AF"}


class RiskError(ValueError):
    """A risk that cannot be saved, with a message for the user."""


def new_risk_key() -> str:
    return f"risk:{secrets.token_hex(6)}"


def band(rating: int) -> str:
    return next(name for top, name in BANDS if rating <= top)


def _whole(record: Mapping[str, Any], field: str) -> int:
    return clean_whole(record.get(field), field, 1, 5, error=RiskError)


def _text(record: Mapping[str, Any], field: str, *, required: bool = False) -> str:
    label = f"the risk's {field}" if required else field
    return clean_text(record.get(field), label, limit=TEXT_LIMIT, required=required, error=RiskError)


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    if not item_id.startswith("risk:"):
        raise RiskError(f"unknown risk entry {item_id!r}")
    approach_id = record.get("approach_id") or ""
    if approach_id and approach_id not in approaches.APPROACHES:
        raise RiskError(f"unknown approach {approach_id!r}")
    return {
        "approach_id": approach_id,
        "title": _text(record, "title", required=True),
        "description": _text(record, "description"),
        "likelihood": _whole(record, "likelihood"),
        "impact": _whole(record, "impact"),
        "mitigation": _text(record, "mitigation"),
        "owner": _text(record, "owner"),
        "suggested_id": _text(record, "suggested_id"),
    }


def suggested(approach_ids: list[str], records: Mapping[str, dict]) -> list[dict]:
    """Risks the data suggests for the chosen approaches, not yet in the register."""
    inst = approaches.instrument()
    present = {r.get("suggested_id") for r in records.values()}
    return [
        {
            "approach_id": risk.approach_id,
            "title": risk.title,
            "description": risk.description,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "mitigation": risk.mitigation,
            "owner": "",
            "suggested_id": risk.id,
        }
        for approach_id in approach_ids
        for risk in inst.approach(approach_id).risks
        if risk.id not in present
    ]


def register(records: Mapping[str, dict]) -> pd.DataFrame:
    """The register, highest rating first, with rating and band."""
    columns = ["key", "approach_id", "title", "description", "likelihood", "impact", "mitigation", "owner", "suggested_id"]
    table = pd.DataFrame([{"key": k, **r} for k, r in records.items() if k.startswith("risk:")], columns=columns)
    table["rating"] = (table["likelihood"] * table["impact"]).astype("Int64") if len(table) else pd.Series(dtype="Int64")
    table["band"] = [band(int(r)) for r in table["rating"]]
    return table.sort_values(["rating", "title"], ascending=[False, True], kind="stable").reset_index(drop=True)


def register_bands(table: pd.DataFrame) -> dict[str, int]:
    """How many risks in each band, most severe first."""
    return {name: int((table["band"] == name).sum()) for _, name in reversed(BANDS)}


def heat_map(table: pd.DataFrame, *, height: int = 520) -> go.Figure:
    """Likelihood x impact grid, each cell named by its band and the risks (by number) in it."""
    labels = [[""] * 5 for _ in range(5)]
    for number, row in enumerate(table.itertuples(), start=1):
        li, im = int(row.likelihood) - 1, int(row.impact) - 1
        labels[li][im] = f"{labels[li][im]} R{number}".strip()
    ratings = [[(li + 1) * (im + 1) for im in range(5)] for li in range(5)]
    names = [name for _, name in BANDS]
    band_index = [[names.index(band(r)) for r in row] for row in ratings]
    text = [
        # Each word of the band on a line of its own: a cell is about 48 px wide on a phone.
        [
            f"{band(ratings[li][im]).replace(' ', '<br>')}<br><b>{'<br>'.join(textwrap.wrap(labels[li][im], 7))}</b>"
            if labels[li][im]
            else band(ratings[li][im]).replace(" ", "<br>")
            for im in range(5)
        ]
        for li in range(5)
    ]
    # One colour per band, the same as the Excel sheet; the band is written in every cell too.
    steps = [f"#{BAND_FILLS[name]}" for name in names]
    colorscale = [[i / len(steps) + edge / len(steps), colour] for i, colour in enumerate(steps) for edge in (0, 1)]
    return figure(
        [
            dict(
                type="heatmap",
                z=band_index,
                x=[1, 2, 3, 4, 5],
                y=[1, 2, 3, 4, 5],
                text=text,
                texttemplate="%{text}",
                textfont=dict(size=14, color="#1A1A1A"),
                colorscale=colorscale,
                zmin=-0.5,
                zmax=len(steps) - 0.5,
                showscale=False,
                customdata=ratings,
                hovertemplate="Likelihood %{y}, impact %{x}: rating %{customdata}<extra></extra>",
                xgap=3,
                ygap=3,
            )
        ],
        dict(
            font=FONT,
            height=height,
            margin=dict(l=64, r=8, t=20, b=64),
            xaxis=dict(title=dict(text="Impact (1 minor … 5 severe)", font=dict(size=16)), tickvals=[1, 2, 3, 4, 5], fixedrange=True),
            yaxis=dict(title=dict(text="Likelihood (1 rare … 5 almost certain)", font=dict(size=16)), tickvals=[1, 2, 3, 4, 5], fixedrange=True),
            paper_bgcolor="white",
            plot_bgcolor="white",
        ),
    )


# --- Excel ------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    table = register(response.get(ID, {}))
    counts = {f"{name} risks": count for name, count in register_bands(table).items()} if len(table) else {}
    return cells.counts_block(ws, top, "Strategic risks", counts, "No risks recorded yet")


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    table = register(response.get(ID, {}))
    titles = {a.id: a.title for a in approaches.instrument().approaches}
    ws = wb.create_sheet(SHEET)
    row = cells.title(
        ws,
        TITLE,
        "Rating = likelihood x impact (1–25). Bands: Low up to 4, Medium 5–9, High 10–14, Very high 15–25. "
        "Add or change risks here or in the app; bring the workbook back to keep them.",
    )
    last = cells.write_table(
        ws,
        row,
        list(REGISTER_HEADERS),
        (
            [
                f"R{n}",
                r.title,
                titles.get(r.approach_id, ""),
                r.description,
                int(r.likelihood),
                int(r.impact),
                int(r.rating),
                r.band,
                r.mitigation,
                r.owner,
                r.key,
            ]
            for n, r in enumerate(table.itertuples(), start=1)
        ),
        wrap=["Risk", "Approach", "Description", "Mitigation", "Owner"],
        table=False,
    )
    end = max(last, row + 1) + EXTRA_ROWS
    cells.add_table(ws, row, 1, end, len(REGISTER_HEADERS))
    for column in ("E", "F"):
        scale = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True, showErrorMessage=True, errorStyle="stop")
        scale.error, scale.errorTitle = "Type a whole number from 1 to 5.", "Not on the scale"
        ws.add_data_validation(scale)
        scale.add(f"{column}{row + 1}:{column}{end}")
    # The approaches' titles are longer together than the 255 characters a list typed into
    # a validation may hold: the drop-down lists them from a hidden column instead.
    titles_column = get_column_letter(APPROACH_LIST_COLUMN)
    for number, approach_title in enumerate(titles.values(), start=row + 1):
        cells.put(ws, number, APPROACH_LIST_COLUMN, approach_title)
    approach = DataValidation(
        type="list", formula1=f"${titles_column}${row + 1}:${titles_column}${row + len(titles)}", allow_blank=True, showErrorMessage=True, errorStyle="stop"
    )
    approach.error, approach.errorTitle = "Choose one of the thirteen approaches, or leave it blank.", "Not on the list"
    ws.add_data_validation(approach)
    approach.add(f"C{row + 1}:C{end}")
    for row_number in range(row + 1, last + 1):
        fill = PatternFill("solid", fgColor=BAND_FILLS[ws.cell(row=row_number, column=8).value])
        for column in (7, 8):
            ws.cell(row=row_number, column=column).fill = fill
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    cells.finish(ws, {1: 5, 2: 26, 3: 16, 4: 26, 5: 10, 6: 8, 7: 8, 8: 9, 9: 24, 10: 12, 11: 8})
    ws.column_dimensions["K"].hidden = True  # the key: for the app, not for readers or the printed page
    ws.column_dimensions[titles_column].hidden = True  # the approach drop-down's list


def about_rows() -> list[tuple[str, str]]:
    return [
        (
            f"{TITLE}: method",
            "Risks are suggested per approach from data/approaches.yaml and edited by you. Rating = likelihood x impact; bands: Low up to 4, Medium 5–9, High 10–14, Very high 15–25.",
        )
    ]
