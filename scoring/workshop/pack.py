"""The workshop pack: one Excel workbook for the whole room.

Summary (the room's aggregates with their spread, where it disagrees most, the room's
approach ranking), By role (with small groups merged or hidden), the room's tolerance,
conditions and starting-points profiles, the development plan and risk register agreed
in the room, every response anonymised, App data (every record, for the app to read
back) and About (method and sources).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.drawing.fill import ColorChoice, PatternFillProperties
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break

from scoring import compare, registry
from scoring.diagnostics import approaches, eight_aspects, tolerance
from scoring.excel import cells, key_results
from scoring.excel.summary import DATA_SHEET, ROOM, data_rows, format_line, source_lines, version_rows, write_data_sheet
from scoring.figures import PALETTE
from scoring.instruments import statements
from scoring.records import baseline, development_plan, risks
from scoring.workshop import agreed_pack, voice_sheet
from scoring.workshop import room as workshop
from scoring.workshop.room import Participant

BOLD = Font(bold=True)
HEADING = Font(bold=True, size=14)
CM_PER_ROW = 0.45  # a default row of 10 pt text is 12.75 points, about 0.45 cm
PACK_KIND = "Workshop pack"
ROLE_PATTERNS = ("solidDmnd", "dkUpDiag", "horz", "dotGrid", "vert", "smCheck", "dkDnDiag", "pct50")
RESPONSES_SHEET = "Responses"


def build_pack(
    workshop_info: Mapping[str, Any],
    participants: list[Participant],
    room_response: Mapping[str, Mapping[str, dict]],
    *,
    generated: datetime | None = None,
    agreed: Mapping[tuple[str, str, str], Mapping[str, Any]] | None = None,
    room_voice: voice_sheet.RoomVoice | None = None,
) -> bytes:
    """The .xlsx bytes of the workshop pack.

    `workshop_info`: name, code, diagnostics (ids), roles, created_at. `room_response`: the
    facilitator's own records, the development plan and risk register agreed in the room.
    `agreed`: what the room agreed per factor (Store.agreements), on a sheet of its own.
    `room_voice`: the room's votes and the contributions shown (voice_sheet).
    """
    generated = generated or datetime.now(timezone.utc)
    diagnostics = list(workshop_info.get("diagnostics") or [])
    smallest = int(workshop_info.get("min_group") or workshop.MIN_GROUP)  # the facilitator may raise it
    name = str(workshop_info.get("name") or "Workshop")
    wb = cells.new_workbook()
    key_results.write(wb.active, _room_figures(participants, room_response, smallest), name=name, dated=f"{generated:%d %B %Y}", kind=PACK_KIND)
    _summary(wb.create_sheet("Summary"), workshop_info, participants, diagnostics, generated, smallest)
    _by_role(wb.create_sheet("By role"), participants, smallest)
    for module in registry.diagnostics().values():  # each declares the sheet of the room it has
        if module.ID in diagnostics and module.ROOM_SHEET:
            _ROOM_SHEETS[module.ROOM_SHEET](wb.create_sheet(_room_sheet_name(module)), module, participants, smallest)
    development_plan.write_sheets(wb, room_response)
    risks.write_sheets(wb, room_response)
    agreed_pack.write_agreed(wb, diagnostics, participants, agreed or {}, smallest)
    voice_sheet.write(wb, room_voice)
    kept = baseline.stored(room_response)
    if kept:  # the facilitator keeps an earlier workshop or self-check to compare with
        compare.write_comparison(wb, baseline.side(kept), compare.Side(workshop_info["name"], room_response, tuple(participants)))
    _responses(wb.create_sheet(RESPONSES_SHEET), participants, smallest)
    _app_data(wb, participants, room_response, smallest)
    data_ids = {d for response in (room_response, *(p.response for p in participants)) for d in response}
    _about(wb, diagnostics, generated, data_ids, smallest)
    # Every response stays in the workbook for filtering, but out of the printed pack.
    cells.finish_workbook(wb, title=PACK_KIND, name=name, generated=generated, unprinted=[RESPONSES_SHEET], hidden=[DATA_SHEET])
    return cells.saved(wb)


def _room_figures(participants: Sequence[Participant], room_response: Mapping[str, Mapping[str, dict]], smallest: int) -> key_results.Figures:
    spread = workshop.aspect_spread(participants, smallest)
    means = spread["mean"].to_dict()
    ranked = workshop.approach_ranking(participants, smallest)
    return key_results.Figures(
        aspects=dict(zip(spread["aspect"], spread["mean"].astype(float))),
        overall=eight_aspects.overall(means),
        ranked=ranked,
        basis=approaches.basis(means, ranked),
        plan=room_response.get(development_plan.ID, {}),
        risks=room_response.get(risks.ID, {}),
        overall_label="Overall room for manoeuvre, the room's mean (0–100)",
        chosen=approaches.chosen_titles(room_response),  # chosen by the facilitator with the room
        chosen_label="The room's chosen approach or blend",
    )


def _number(value: Any) -> float | None:
    """The value itself: the cell's number format rounds it half up, as numbers.shown() does
    on the pages, so a score shows the same number in both."""
    return None if value is None or pd.isna(value) else float(value)


def _reserve(top: int, chart) -> int:
    """The first row below a chart anchored at `top`."""
    return top + math.ceil(chart.height / CM_PER_ROW) + 2


# --- Summary ---------------------------------------------------------------------------


def _summary(ws, info: Mapping[str, Any], participants: Sequence[Participant], diagnostics: list[str], generated: datetime, smallest: int) -> None:
    ws.title = "Summary"
    row = cells.title(ws, f"{cells.APP_NAME}: workshop pack", f"Generated {generated:%d %B %Y %H:%M} UTC")
    created = info.get("created_at")
    facts = [
        ("Workshop", str(info.get("name") or "")),
        ("Date", f"{created:%d %B %Y}" if isinstance(created, datetime) else ""),
        ("Participants joined", len(participants)),
    ]
    for label, value in facts:
        cells.put(ws, row, 1, label).font = BOLD
        cells.put(ws, row, 2, value).alignment = Alignment(horizontal="left", vertical="top")
        row += 1

    counts = workshop.counts(participants, diagnostics)
    if len(counts):
        row += 1
        cells.put(ws, row, 1, "How far the room got").font = HEADING
        row = (
            cells.write_table(
                ws,
                row + 1,
                ["Diagnostic", "Started", "Answered everything"],
                ([r.title, r.started, r.complete] for r in counts.itertuples()),
                wrap=["Diagnostic"],
            )
            + 2
        )

    if eight_aspects.ID in diagnostics:
        row = _aspect_spread(ws, row + 1, participants, smallest)
        row = _disagreement(ws, row, participants, smallest)
        row = _ranking(ws, row, participants, smallest)
    cells.finish(ws, {1: 40, 2: 9, 3: 9, 4: 10, 5: 10, 6: 10, 7: 10, 8: 10, 9: 10, 10: 10, 11: 13})


def _aspect_spread(ws, top: int, participants: Sequence[Participant], smallest: int) -> int:
    spread = workshop.aspect_spread(participants, smallest)
    ws.row_breaks.append(Break(id=top - 1))  # printed, each section starts a page
    cells.put(ws, top, 1, "The eight aspects: the room's scores and their spread (0–100)").font = HEADING
    cells.put(ws, top + 1, 1, "People = participants with a score for the aspect. The middle half of the room lies between the quartiles.")
    header = top + 2
    last = cells.write_table(
        ws,
        header,
        ["Aspect", "People", "Mean", "Median", "Lower quartile", "Upper quartile", "Lowest", "Highest", "Standard deviation"],
        (
            [r.aspect, r.n, _number(r.mean), _number(r.median), _number(r.q1), _number(r.q3), _number(r.low), _number(r.high), _number(r.sd)]
            for r in spread.itertuples()
        ),
        number_formats={h: "0" for h in ("Mean", "Median", "Lower quartile", "Upper quartile", "Lowest", "Highest", "Standard deviation")},
    )
    # Mean, lower and upper quartile.
    chart = cells.radar_chart(ws, header=header, last=last, data_columns=(3, 5, 6), title="Room mean and middle half (0–100)")
    chart.legend.position = "b"
    # The mean a solid line, the quartiles dashed, so they differ without colour.
    for series, (colour, dash, width) in zip(chart.series, (("0072B2", "solid", 38100), ("E69F00", "dash", 19050), ("009E73", "sysDot", 19050))):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.prstDash = dash
        series.graphicalProperties.line.width = width
        series.marker.symbol = "none" if dash != "solid" else "circle"
    chart.height, chart.width = 9, 18  # with its table on one printed page
    anchor = last + 2
    ws.add_chart(chart, f"A{anchor}")
    return _reserve(anchor, chart)


def _disagreement(ws, top: int, participants: Sequence[Participant], smallest: int) -> int:
    items = workshop.item_disagreement(participants, min_answers=smallest).head(10)
    ws.row_breaks.append(Break(id=top - 1))
    cells.put(ws, top, 1, "Where the room disagrees most").font = HEADING
    cells.put(ws, top + 1, 1, "Disagreement 0–1: 0 when everyone gives the same rating, 1 when the room splits evenly between 1 and 5.")
    if items.empty:
        cells.put(ws, top + 2, 1, "Not enough ratings yet: a factor needs two people who rated it.")
        return top + 4
    scale = eight_aspects.instrument().scale
    last = cells.write_table(
        ws,
        top + 2,
        [
            "Factor (aspect)",
            "Rated by",
            "Don't know",
            "Mean rating (1–5)",
            *(f"{r} {scale[r]}" for r in range(1, 6)),
            "Standard deviation",
            "Disagreement (0–1)",
        ],
        (
            [
                f"{r.text} ({r.aspect})",
                r.n,
                r.dont_know,
                _number(r.mean),
                r.count_1,
                r.count_2,
                r.count_3,
                r.count_4,
                r.count_5,
                _number(r.sd),
                _number(r.disagreement),
            ]
            for r in items.itertuples()
        ),
        number_formats={"Mean rating (1–5)": "0.0", "Standard deviation": "0.0", "Disagreement (0–1)": "0.00"},
        wrap=["Factor (aspect)"],
    )
    return last + 3


def _ranking(ws, top: int, participants: Sequence[Participant], smallest: int) -> int:
    ranked = workshop.approach_ranking(participants, smallest)
    means = workshop.aspect_spread(participants, smallest)["mean"].to_dict()
    ws.row_breaks.append(Break(id=top - 1))
    cells.put(ws, top, 1, "Commissioning approaches: the room's ranking").font = HEADING
    cells.put(
        ws,
        top + 1,
        1,
        "Fit of the room's mean aspect scores and mean priorities. Chosen by = participants who put it in their blend. " + approaches.basis(means, ranked),
    ).alignment = cells.WRAP
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=7)
    if not ranked["judged"].any():
        cells.put(ws, top + 2, 1, "No fit yet: too few aspects have a score.")
        return top + 4
    header = top + 2
    last = cells.write_table(
        ws,
        header,
        ["Approach", "Fit (0–100)", "Rank", "Feasibility", "Desirability", "Coverage", "Chosen by"],
        ([r.title, _number(r.fit), r.rank_label, _number(r.feasibility), _number(r.desirability), r.coverage, r.chosen_by] for r in ranked.itertuples()),
        number_formats={"Fit (0–100)": "0", "Feasibility": "0", "Desirability": "0", "Coverage": "0%"},
        wrap=["Approach", "Rank"],
    )
    # Judged approaches come first; the chart shows only them, as a missing bar would read as 0.
    chart = cells.bar_chart(
        ws,
        title="The room's fit (0–100)",
        header=header,
        last=header + int(ranked["judged"].sum()),
        label_column=1,
        value_column=2,
        maximum=100,
        anchor=f"A{last + 2}",
        size=(12, 20),
    )
    return _reserve(last + 2, chart)


# --- By role -----------------------------------------------------------------------------


def _by_role(ws, participants: Sequence[Participant], smallest: int) -> None:
    row = cells.title(ws, "The eight aspects by role", f"Mean score (0–100) per role group. No group of fewer than {smallest} people is shown.")
    by_role, note = workshop.aspects_by_role(participants, smallest)
    if note:
        cell = cells.put(ws, row, 1, note)
        cell.alignment = cells.WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=10)
        ws.row_dimensions[row].height = 34
        row += 2
    if by_role.empty:
        cells.put(ws, row, 1, "No role group is large enough to show.")
        cells.finish(ws, {1: 30})
        return
    titles = [a.title for a in eight_aspects.instrument().aspects]
    header = row
    last = cells.write_table(
        ws,
        header,
        ["Role", "People", *titles],
        ([r["role"], int(r["n"]), *(_number(r[a]) for a in eight_aspects.ASPECTS)] for _, r in by_role.iterrows()),
        number_formats={t: "0" for t in titles},
        wrap=["Role", *titles],
    )
    # Aspects along the axis, one bar per role group, each group with its own fill pattern
    # as well as its colour, so the groups differ without colour too.
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.add_data(Reference(ws, min_col=3, max_col=2 + len(titles), min_row=header + 1, max_row=last), from_rows=True, titles_from_data=False)
    for number, (series, role) in enumerate(zip(chart.series, by_role["role"])):
        series.tx = SeriesLabel(v=str(role))
        colour = PALETTE[number % len(PALETTE)].lstrip("#")  # Okabe–Ito, not the spreadsheet's defaults
        series.graphicalProperties.pattFill = PatternFillProperties(
            prst=ROLE_PATTERNS[number % len(ROLE_PATTERNS)], fgClr=ColorChoice(srgbClr=colour), bgClr=ColorChoice(srgbClr="FFFFFF")
        )
        series.graphicalProperties.line.solidFill = "1A1A1A"
    chart.set_categories(Reference(ws, min_col=3, max_col=2 + len(titles), min_row=header))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = 11, 26
    cells.describe_chart(
        chart,
        title="Mean score by role (0–100)",
        x_title="Aspect",
        y_title="Mean score (0–100)",
        alt_text="Column chart of the mean score per aspect for each role group shown: "
        + "; ".join(
            f"{r['role']}: " + ", ".join(f"{t} {cells._shown(_number(r[a]))}" for t, a in zip(titles, eight_aspects.ASPECTS)) for _, r in by_role.iterrows()
        )
        + ".",
    )
    ws.add_chart(chart, f"A{last + 2}")
    cells.finish(ws, {1: 24, 2: 8, **{c: 13 for c in range(3, 3 + len(titles))}})


# --- The other diagnostics, for the room ---------------------------------------------


def _room_sheet_name(module) -> str:
    """ "Tolerating (room)": the first of its shared-screen views' labels, without the
    characters a sheet's name cannot hold."""
    label = re.sub(r"[\[\]:*?/\\]", "", next(iter(module.ROOM_VIEWS), module.ID)).strip()[:24].strip()
    return f"{label or module.ID[:24]} (room)"


def _tolerance(ws, module, participants: Sequence[Participant], smallest: int) -> None:
    inst = tolerance.instrument()
    row = cells.title(ws, f"{inst.title}: the room", "Priority = how often x impact (0–9), the mean over the people who gave both.")
    gifts = inst.scales["gift"]
    table = workshop.tolerance_profile(participants, smallest)
    header = row
    last = cells.write_table(
        ws,
        header,
        ["Area", "Priority (0–9)", "People", "How often (0–3)", "Impact (1–3)", "Standard deviation", "Lowest", "Highest", *gifts.values()],
        (
            [
                r.title,
                _number(r.priority),
                r.n,
                _number(r.frequency),
                _number(r.impact),
                _number(r.priority_sd),
                _number(r.priority_low),
                _number(r.priority_high),
                *(getattr(r, g) for g in gifts),
            ]
            for r in table.itertuples()
        ),
        number_formats={"Priority (0–9)": "0.0", "How often (0–3)": "0.0", "Impact (1–3)": "0.0", "Standard deviation": "0.0"},
        wrap=["Area", *gifts.values()],
    )
    cells.bar_chart(
        ws, title="The room's priority to stop (0–9)", header=header, last=last, label_column=1, value_column=2, maximum=9, anchor=f"A{last + 2}", size=(9, 18)
    )
    cells.finish(ws, {1: 30, 2: 10, 3: 8, 4: 10, 5: 9, 6: 10, 7: 8, 8: 8, 9: 10, 10: 10, 11: 10, 12: 10})


def _themes(ws, module, participants: Sequence[Participant], smallest: int) -> None:
    inst = module.instrument()
    row = cells.title(ws, f"{inst.title}: the room", "Theme scores 0–100 over the people who rated the theme.")
    table = workshop.statement_themes(module, participants, smallest)
    group_column = next(c for c in table.columns if c not in ("theme_id", "title", "n", "mean", "median", "sd", "low", "high"))
    group_heading, group_titles = module.theme_groups()  # no heading: its themes are not grouped
    grouped = [group_heading] if group_heading else []
    charts = module.theme_charts()  # groups that read in different directions: a chart each
    if charts:  # each group's rows together
        table = table.sort_values(group_column, key=lambda groups: groups.map(list(charts).index), kind="stable")
    header = row
    last = cells.write_table(
        ws,
        header,
        ["Theme", *grouped, "Mean (0–100)", "People", "Median", "Standard deviation", "Lowest", "Highest"],
        (
            [
                r.title,
                *([group_titles.get(getattr(r, group_column), "")] if grouped else []),
                _number(r.mean),
                r.n,
                _number(r.median),
                _number(r.sd),
                _number(r.low),
                _number(r.high),
            ]
            for r in table.itertuples()
        ),
        number_formats={h: "0" for h in ("Mean (0–100)", "Median", "Standard deviation", "Lowest", "Highest")},
        wrap=["Theme", *grouped],
    )
    # On a page of its own when printed, and tall enough for every theme's label to show.
    if len(table) > 8:
        ws.row_breaks.append(Break(id=last + 1))
    value_column = 2 + len(grouped)
    if charts:
        statements.group_charts(ws, charts, header=header, groups=list(table[group_column]), value_column=value_column, top=last + 2)
    else:
        cells.bar_chart(
            ws,
            title="The room's mean per theme (0–100)",
            header=header,
            last=last,
            label_column=1,
            value_column=value_column,
            maximum=100,
            anchor=f"A{last + 2}",
            size=(3 + 0.75 * len(table), 20),
        )
    cells.finish(ws, dict(enumerate([42, *([32] if grouped else []), 12, 9, 10, 12, 9, 9], start=1)))


# The sheets of the room a diagnostic can declare (contract.ROOM_SHEET_KINDS).
_ROOM_SHEETS = {"tolerance": _tolerance, "themes": _themes}


# --- Every response, anonymised ------------------------------------------------------------

RESPONSE_HEADERS = [
    "Participant",
    "Role",
    "Diagnostic",
    "Item",
    "Rating (1–5)",
    "Don't know",
    "Weight",
    "Evidence or impression",
    "How often (0–3)",
    "Impact (1–3)",
    "Whose gift",
    "Note or evidence",
    "Other details",
]


def _title(diagnostic_id: str) -> str:
    if diagnostic_id in registry.diagnostics():
        return registry.title(diagnostic_id)
    kind = registry.records().get(diagnostic_id)
    return kind.TITLE if kind is not None else diagnostic_id


def _item_texts() -> dict[str, dict[str, str]]:
    """Diagnostic id -> item id -> what was asked, in the instruments' order."""
    aspect_titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    return {
        **{d.ID: d.item_texts() for d in registry.diagnostics().values()},
        development_plan.ID: {development_plan.aspect_key(a): f"Plan for {t}" for a, t in aspect_titles.items()},
    }


def _item_text(texts: Mapping[str, Mapping[str, str]], diagnostic_id: str, item_id: str) -> str:
    known = texts.get(diagnostic_id, {}).get(item_id)
    if known:
        return known
    prefixes = {"stakeholder:": "Stakeholder on the map", "action:": "Action in the plan", "risk:": "Risk"}
    if item_id == "capacity":
        return "Capacity calculator"
    return next((text for prefix, text in prefixes.items() if item_id.startswith(prefix)), "")


def _flatten(value: Any, names: Mapping[str, str]) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{names.get(k, k)} {_flatten(v, names)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_flatten(v, names) for v in value)
    return names.get(value, str(value)) if isinstance(value, str) else str(value)


def _response_row(record: Mapping[str, Any], names: Mapping[str, str], gifts: Mapping[str, str]) -> list[Any]:
    """The record's fields in the sheet's columns; anything else in "Other details".
    `gifts`: the tolerance instrument's "whose gift" scale."""
    fields = dict(record)
    rating = fields.pop("rating", "")
    dont_know = "Don't know" if rating is None else None  # its own column, so the ratings stay numbers
    weight = fields.pop("weight", None)
    basis = eight_aspects.EVIDENCE_BASES.get(fields.pop("basis", None), "")
    frequency, impact = fields.pop("frequency", None), fields.pop("impact", None)
    gift = gifts.get(fields.pop("gift", None), "")
    text = " / ".join(t for t in (fields.pop("note", ""), fields.pop("evidence", "")) if t)
    other = "; ".join(f"{key}: {_flatten(value, names)}" for key, value in fields.items() if value not in (None, "", [], {}))
    return [rating if rating not in ("", None) else None, dont_know, weight, basis, frequency, impact, gift, text, other]


def _responses(ws, participants: Sequence[Participant], smallest: int) -> None:
    row = cells.title(
        ws,
        "Every response, anonymised",
        f"One row per answer. Participants are numbered in an order that says nothing about when they joined; a role is shown only for a group of {smallest} or more people who answered.",
    )
    roles = workshop.shown_roles(participants, smallest)
    texts = _item_texts()
    order = {d: {item: n for n, item in enumerate(items)} for d, items in texts.items()}
    diagnostic_order = {d: n for n, d in enumerate(registry.stored())}
    names = {a.id: a.title for a in approaches.instrument().approaches} | {p.id: p.title for p in approaches.instrument().priorities}
    gifts = tolerance.instrument().scales["gift"]
    titles = {d: _title(d) for p in participants for d in p.response}  # once each: a title is looked up from its instrument
    rows = []
    for p in participants:
        for diagnostic_id in sorted(p.response, key=lambda d: (diagnostic_order.get(d, len(diagnostic_order)), d)):
            records = p.response[diagnostic_id] or {}
            known = order.get(diagnostic_id, {})
            for item_id in sorted(records, key=lambda i: (known.get(i, len(known)), i)):
                rows.append(
                    [
                        p.label,
                        roles[p.number],
                        titles[diagnostic_id],
                        _item_text(texts, diagnostic_id, item_id) or item_id,
                        *_response_row(records[item_id], names, gifts),
                    ]
                )
    numbers = {"Rating (1–5)": "0", "Weight": "0", "How often (0–3)": "0", "Impact (1–3)": "0"}  # centred, clear of the text beside them
    cells.write_table(ws, row, RESPONSE_HEADERS, rows, number_formats=numbers, wrap=["Item", "Note or evidence", "Other details"], bulk=True)
    ws.freeze_panes = ws.cell(row=row + 1, column=2)
    cells.finish(ws, {1: 11, 2: 22, 3: 36, 4: 60, 5: 9, 6: 10, 7: 8, 8: 14, 9: 10, 10: 9, 11: 15, 12: 36, 13: 32})


# --- App data: every record, for the app to read back -------------------------------------


def _app_data(wb, participants: Sequence[Participant], room_response: Mapping[str, Mapping[str, dict]], smallest: int) -> None:
    """The room's records, then each participant's with the role as shown elsewhere in the
    pack (never one the small-group rule hides). A participant with no answers still gets a
    row, so the number who joined and their roles come back too."""
    roles = workshop.shown_roles(participants, smallest)
    rows = data_rows(ROOM, None, room_response)
    for p in participants:
        rows.extend(data_rows(p.label, roles[p.number], p.response) or [[p.label, roles[p.number], None, None, None]])
    write_data_sheet(wb, rows)


# --- About ---------------------------------------------------------------------------------


def _about(wb, diagnostics: list[str], generated: datetime, data_ids: set[str], smallest: int) -> None:
    lines = [
        format_line(),
        ("Workshop pack", "The whole room's answers taken together, the plan and risks agreed in the room, and every response anonymised."),
        ("Aggregation", workshop.METHOD),
        ("Small groups", workshop.small_group_rule(smallest)),
        (
            "Anonymity",
            "No names, accounts, links or answer times are kept in this pack; participants are numbered P01, P02 … in an order that says nothing about when they joined.",
        ),
    ]
    kinds = registry.stored()
    for diagnostic_id in dict.fromkeys([*diagnostics, development_plan.ID, risks.ID]):
        if diagnostic_id in kinds:
            lines.extend(kinds[diagnostic_id].about_rows())
    # The version of every instrument the App data's records depend on (the plan names
    # eight-aspects factors, risks name approaches), even one the workshop did not ask.
    lines.extend(version_rows(sorted(data_ids | {development_plan.ID, risks.ID})))
    lines.extend(source_lines())
    cells.about_sheet(wb, generated, lines)
