"""Comparing two assessments: a baseline (say last year's workbook) and the current one.

Each side is either one respondent's self-check or a workshop (its participants, plus the
room's own response holding the plan and risks agreed in the room). Two self-checks, a
self-check against a workshop and two workshops all compare the same way.

Method (also on the workbook's About sheet, see METHOD_ROWS):
- Aspect scores: a self-check is scored as in the eight-aspects self-check; a workshop by
  the room's mean (over the participants with a score for the aspect). Change = now minus
  then as shown (whole points, halves up: numbers.change), so 54 -> 61 reads +7; no change
  where either side has no score.
- Factors: the 1–5 rating (a workshop: the mean of its participants' ratings); "don't know"
  and unanswered count as no value, weights are not applied. Only factors with a value on
  both sides are compared; the change is worked out from the ratings as shown (one decimal).
- Approach ranking: each side ranked as on its own (fit of its aspect scores and
  priorities). Moved = rank then minus rank now, so a positive number moved up; none where
  either side could not judge the approach (too few answers).
- Plan: the current plan's actions. An action was in the baseline when the baseline plan has
  the same entry or the same text (ignoring case and spacing). Done = status "Done"; every
  other status is outstanding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from io import BytesIO
from typing import Any, Mapping

import pandas as pd
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break

from scoring import figures, numbers, registry
from scoring.diagnostics import approaches, eight_aspects, tolerance
from scoring.diagnostics.eight_aspects import ASPECTS
from scoring.excel import cells
from scoring.records import development_plan
from scoring.workshop import room as workshop
from scoring.workshop.room import Participant

SHEET = "Comparison"
COMPARED = (eight_aspects.ID,)  # the eight aspects, compared by aspect and factor (ranking and plan follow from them)
# Every other diagnostic is compared by the figures its kind has (contract.COMPARE_KINDS):
# the priority to stop per tolerance area, the score per theme of statements.
TOP_ITEMS = 15
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=14)
CHANGE_FORMAT = "+0;-0;0"
RATING_CHANGE_FORMAT = "+0.0;-0.0;0.0"
CM_PER_ROW = 0.5  # a default row is 15 points, a little over half a centimetre

METHOD_ROWS = (
    (
        "Aspect scores",
        "A self-check is scored as in the eight-aspects self-check (see its method below). A workshop's score for an "
        "aspect is the room's mean: the mean of the scores of the participants who have a score for it.",
    ),
    (
        "Change",
        "Now minus then as the two scores are shown, in whole points on the 0–100 scale (halves rounded up, as Excel "
        "does), so 54 then and 61 now is a change of +7; blank where either side has no score. Aspects are listed in "
        'the instrument\'s order; "moved most" orders them by the size of the change.',
    ),
    ("Overall room for manoeuvre", "The mean of the aspect scores a side has, each aspect counting equally."),
    (
        "What moved most (factors)",
        "Each factor's rating 1–5 (a workshop: the mean rating of its participants); \"don't know\" and unanswered "
        "factors have no value, and weights are not applied to a factor's own rating. Only factors with a value on both "
        f"sides are compared; the change is worked out from the ratings as shown (one decimal); the {TOP_ITEMS} largest "
        "changes are shown, ties in the instrument's order.",
    ),
    (
        "Approach ranking",
        "Each side ranked on its own: fit of its aspect scores and priorities (a workshop: the room's mean scores and "
        "mean priorities). Ranks as shown (=3 for a tie). Moved = rank then minus rank now: a positive number moved "
        "up, a negative one down; blank where either side had too few answers to judge the approach.",
    ),
    (
        "Across versions",
        "A workbook made with an older version of a diagnostic keeps its answers to statements that are unchanged or "
        "only reworded since; answers to statements replaced, split or retired since have nothing to compare with today "
        "and are listed as not comparable. Scores on either side are worked out from the answers each side has.",
    ),
    (
        "The other diagnostics",
        "What are we tolerating: each area's priority to stop, how often x impact (0–9; a workshop: the room's mean). "
        "Every diagnostic of statements in themes: each theme's score (0–100; a workshop: the room's mean). "
        "Change = now minus then as shown; blank where either side has no value, or a workshop's figure counts too few people.",
    ),
    (
        "Plan actions",
        'The actions in the current plan. "In the baseline" when the baseline plan has the same entry or the same '
        'action text (ignoring case and spacing). Done = status Done; every other status is outstanding. "No longer in '
        'the plan" lists baseline actions with no match now.',
    ),
)


# --- The two sides ------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One assessment: a self-check response, or a workshop's participants and the room's response."""

    label: str  # e.g. "Baseline (March 2026)" / "Now"
    response: Mapping[str, Mapping[str, dict]]  # self-check response, or the room's response for a workshop
    participants: tuple[Participant, ...] = ()  # empty for a self-check
    # A workshop's figures are blank where fewer than this many answered (workshop.py);
    # 1 shows the plain arithmetic.
    min_group: int = workshop.MIN_GROUP
    # What of this side's workbook could not be carried over to today's instruments
    # (scoring/excel/reader.carried_over), in plain words.
    notes: tuple[tuple[str, str], ...] = ()  # (diagnostic id, plain words)

    @property
    def is_workshop(self) -> bool:
        return bool(self.participants)

    @property
    def kind(self) -> str:
        """ "Self-check" or "Workshop, 12 participants", for headings."""
        if not self.is_workshop:
            return "Self-check"
        count = len(self.participants)
        return f"Workshop, {count} participant{'s' if count != 1 else ''}"

    def today(self, diagnostic_id: str) -> dict[str, dict]:
        """A self-check's records of one diagnostic as today's instrument asks them
        (carried where reworded, left out where the meaning changed)."""
        records = self.response.get(diagnostic_id) or {}
        return registry.diagnostic(diagnostic_id).instrument().history.as_today(records) if records else {}

    def _records(self) -> dict[str, dict]:
        """The self-check's eight-aspects records as today's instrument asks them (a baseline
        stored before an update may hold earlier factor ids: carried where reworded, left
        out where the meaning changed), without ids no version asked."""
        known = set(eight_aspects.instrument().factor_ids)
        records = eight_aspects.today_records(self.response.get(eight_aspects.ID) or {})
        return {item: record for item, record in records.items() if item in known}

    def aspect_scores(self) -> pd.Series:
        """0–100 per aspect id in ASPECTS order (NaN: no score)."""
        if self.is_workshop:
            scores = workshop.aspect_spread(self.participants, self.min_group)["mean"]
        else:
            scores = eight_aspects.score_records(self._records())["score"]
        return scores.reindex(list(ASPECTS)).astype(float).rename(self.label)

    def item_means(self) -> pd.Series:
        """The rating 1–5 per factor id in instrument order: a self-check's rating, a
        workshop's mean rating; NaN for don't know or unanswered."""
        factor_ids = eight_aspects.instrument().factor_ids
        if self.is_workshop:
            answered = [p.records(eight_aspects.ID) for p in self.participants]
        else:
            answered = [self._records()]
        values = []
        for factor_id in factor_ids:
            ratings = [r[factor_id].get("rating") for r in answered if factor_id in r]
            ratings = [float(r) for r in ratings if r is not None]
            enough = len(ratings) >= (self.min_group if self.is_workshop else 1)
            values.append(sum(ratings) / len(ratings) if ratings and enough else math.nan)
        return pd.Series(values, index=pd.Index(factor_ids, name="item_id"), dtype=float, name=self.label)

    def ranking(self) -> pd.DataFrame:
        """approaches.rank() of this side (a workshop: workshop.approach_ranking)."""
        if self.is_workshop:
            return workshop.approach_ranking(self.participants, self.min_group)
        return approaches.rank(self.aspect_scores().to_dict(), approaches.choice(self.response)["priorities"])

    def plan_actions(self) -> pd.DataFrame:
        """development_plan.actions() of this side's plan (a workshop: the room's)."""
        return development_plan.actions(self.response.get(development_plan.ID) or {})


def not_comparable(before: Side, after: Side) -> list[str]:
    """What the comparison cannot compare, in plain words: a side's answers made with an
    older version of an instrument were carried over where the statement is unchanged or
    reworded; the rest have no counterpart today, and are named here (for the answers a
    comparison compares: the eight aspects)."""
    first, second = labels(before, after)
    compared = {*COMPARED, *(d.ID for d in registry.diagnostics().values() if d.COMPARES)}
    return [f"{name}: {note}" for name, side in ((first, before), (second, after)) for diagnostic, note in side.notes if diagnostic in compared]


def labels(before: Side, after: Side) -> tuple[str, str]:
    """The two labels to show: blank ones named, identical ones told apart."""
    first = (before.label or "").strip() or "Baseline"
    second = (after.label or "").strip() or "Current"
    if first == second:
        first, second = f"{first} (baseline)", f"{second} (current)"
    return first, second


# --- What changed ---------------------------------------------------------------------------


def _changes(before: pd.Series, after: pd.Series, digits: int = 0) -> list[float]:
    """Each change worked out from the two values as shown (NaN where either is blank)."""
    differences = (numbers.change(b, a, digits) for b, a in zip(before, after))
    return [math.nan if d is None else float(d) for d in differences]


def _by_size(table: pd.DataFrame) -> pd.DataFrame:
    """Largest |change| first, no change (NaN) last, ties in the table's order."""
    order = table.assign(_size=table["change"].abs(), _order=range(len(table)))
    order = order.sort_values(["_size", "_order"], ascending=[False, True], na_position="last", kind="stable")
    return order.drop(columns=["_size", "_order"])


def aspect_changes(before: Side, after: Side, *, inst_order: bool = False) -> pd.DataFrame:
    """Index aspect id; columns aspect, before, after, change (after - before; NaN where
    either has no score). Largest change first, NaN last, ties in aspect order;
    `inst_order` keeps the instrument's order instead."""
    titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    then, now = before.aspect_scores(), after.aspect_scores()
    table = pd.DataFrame(
        {"aspect": [titles[a] for a in ASPECTS], "before": then.to_numpy(), "after": now.to_numpy()},
        index=pd.Index(list(ASPECTS), name="aspect_id"),
    )
    table["change"] = _changes(table["before"], table["after"])
    return table if inst_order else _by_size(table)


def _figures(module, side: Side) -> pd.Series:
    """The figures a diagnostic is compared by, for one side: label -> value (NaN: none)."""
    if module.COMPARES == "tolerance":
        if side.is_workshop:
            table = workshop.tolerance_profile(side.participants, side.min_group)
        else:
            table = tolerance.profile(side.today(module.ID))
        return pd.Series(table["priority"].to_numpy(dtype=float), index=list(table["title"]))
    if module.COMPARES == "themes":
        if side.is_workshop:
            table = workshop.statement_themes(module, side.participants, side.min_group).rename(columns={"mean": "score"})
        else:
            table = module.theme_scores(side.today(module.ID))
        return pd.Series(table["score"].to_numpy(dtype=float), index=list(table["title"]))
    raise ValueError(f"no figures to compare for {module.ID!r}")


def diagnostic_changes(before: Side, after: Side) -> pd.DataFrame:
    """Every diagnostic compared by its figures (all but the eight aspects, which have their
    own sections): diagnostic_id, diagnostic, figure, scale, before, after, change, in the
    registry's and each instrument's order; figures blank on both sides are left out."""
    rows = []
    for module in registry.diagnostics().values():
        if not module.COMPARES or module.ID in COMPARED:
            continue
        then, now = _figures(module, before), _figures(module, after)
        scale = "0–9" if module.COMPARES == "tolerance" else "0–100"
        for label, b, a in zip(then.index, then.to_numpy(), now.to_numpy()):
            if math.isnan(b) and math.isnan(a):
                continue
            change = numbers.change(b, a)
            rows.append(
                {
                    "diagnostic_id": module.ID,
                    "diagnostic": registry.title(module.ID),
                    "figure": label,
                    "scale": scale,
                    "before": b,
                    "after": a,
                    "change": math.nan if change is None else float(change),
                }
            )
    return pd.DataFrame(rows, columns=["diagnostic_id", "diagnostic", "figure", "scale", "before", "after", "change"])


def overall_change(before: Side, after: Side) -> dict[str, float]:
    """Overall room for manoeuvre then and now: {"before", "after", "change"} (NaN where none)."""
    then = eight_aspects.overall(before.aspect_scores().to_dict())
    now = eight_aspects.overall(after.aspect_scores().to_dict())
    difference = numbers.change(then, now)
    return {"before": then, "after": now, "change": math.nan if difference is None else float(difference)}


def item_changes(before: Side, after: Side, top: int | None = None) -> pd.DataFrame:
    """Factors with a value on both sides: item_id, aspect_id, aspect, text, before, after
    (ratings 1–5), change; largest change first, ties in instrument order; the first `top`."""
    table = eight_aspects.items()[["item_id", "aspect_id", "aspect", "text"]]
    table = table.assign(before=before.item_means().to_numpy(), after=after.item_means().to_numpy())
    table = table.dropna(subset=["before", "after"])
    table["change"] = _changes(table["before"], table["after"], digits=1)
    table = _by_size(table).reset_index(drop=True)
    return table if top is None else table.head(top)


def ranking_basis(before: Side, after: Side, first: str, second: str) -> str:
    """How many aspects each side's ranking rests on, for under the ranking table."""
    then, now = (approaches.aspects_used(side.aspect_scores().to_dict()) for side in (before, after))
    return (
        f"{first}: the ranking rests on {then} of the {len(ASPECTS)} aspects; {second}: on {now}. "
        f"Approaches with less than {approaches.MIN_COVERAGE:.0%} of what they rely on scored are not judged."
    )


def ranking_changes(before: Side, after: Side) -> pd.DataFrame:
    """Every approach in the current ranking's order: approach_id, title, rank_before,
    rank_after, fit_before, fit_after, moved (rank_before - rank_after: positive = moved
    up; NA where either side has no rank)."""
    then = before.ranking().set_index("approach_id")
    now = after.ranking()
    table = pd.DataFrame(
        {
            "approach_id": now["approach_id"],
            "title": now["title"],
            "rank_before": then["rank"].reindex(now["approach_id"]).to_numpy(),
            "rank_after": now["rank"].to_numpy(),
            "rank_label_before": then["rank_label"].reindex(now["approach_id"]).to_numpy(),
            "rank_label_after": now["rank_label"].to_numpy(),
            "fit_before": then["fit"].reindex(now["approach_id"]).to_numpy(),
            "fit_after": now["fit"].to_numpy(),
        }
    )
    for column in ("rank_before", "rank_after"):
        table[column] = table[column].astype("Int64")
    table["moved"] = table["rank_before"] - table["rank_after"]
    return table.reset_index(drop=True)


# --- The development plan -------------------------------------------------------------------


def _text_key(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _field(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _matches(actions: pd.DataFrame, other: pd.DataFrame) -> list[bool]:
    """For each action: does `other` have the same entry key or the same action text?"""
    keys = set(other["key"])
    texts = {_text_key(t) for t in other["action"]} - {""}
    return [key in keys or _text_key(text) in texts for key, text in zip(actions["key"], actions["action"])]


def plan_progress(before: Side, after: Side) -> pd.DataFrame:
    """The current plan's actions: key, aspect_id, aspect, action, owner, due, status,
    status_label, in_baseline, done."""
    titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    now, then = after.plan_actions(), before.plan_actions()
    table = pd.DataFrame(
        {
            "key": now["key"],
            "aspect_id": now["aspect_id"],
            "aspect": [titles.get(a, _field(a)) for a in now["aspect_id"]],
            "action": [_field(v) for v in now["action"]],
            "owner": [_field(v) for v in now["owner"]],
            "due": [_field(v) for v in now["due"]],
            "status": [_field(v) or "not_started" for v in now["status"]],
        }
    )
    table["status_label"] = [development_plan.STATUSES.get(s, s) for s in table["status"]]
    table["in_baseline"] = pd.Series(_matches(now, then), index=table.index, dtype=bool)
    table["done"] = table["status"] == "done"
    return table.reset_index(drop=True)


def dropped_actions(before: Side, after: Side) -> pd.DataFrame:
    """Baseline actions with no match in the current plan: key, aspect, action, owner, status_label."""
    titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    then, now = before.plan_actions(), after.plan_actions()
    gone = then[[not m for m in _matches(then, now)]] if len(then) else then
    return pd.DataFrame(
        {
            "key": list(gone["key"]),
            "aspect": [titles.get(a, _field(a)) for a in gone["aspect_id"]],
            "action": [_field(v) for v in gone["action"]],
            "owner": [_field(v) for v in gone["owner"]],
            "status_label": [development_plan.STATUSES.get(_field(s), _field(s)) for s in gone["status"]],
        },
        columns=["key", "aspect", "action", "owner", "status_label"],
    )


def plan_summary(before: Side, after: Side) -> dict[str, int]:
    """{"done", "outstanding", "new_since_baseline", "dropped_since_baseline"}: counts of actions."""
    progress = plan_progress(before, after)
    return {
        "done": int(progress["done"].sum()),
        "outstanding": int((~progress["done"]).sum()),
        "new_since_baseline": int((~progress["in_baseline"]).sum()),
        "dropped_since_baseline": len(dropped_actions(before, after)),
    }


# --- Figure --------------------------------------------------------------------------------


def compare_radar(before: Side, after: Side, *, height: int = 620) -> go.Figure:
    """Both profiles on one 0–100 radar: the baseline dashed with open markers, the current
    solid with filled markers."""
    first, second = labels(before, after)
    return figures.compare_radar(aspect_changes(before, after, inst_order=True), first, second, height=height)


# --- Excel ---------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """The value itself: the cell's number format rounds it half up, as numbers.shown() does."""
    return None if value is None or pd.isna(value) else float(value)


def _signed(value: float) -> str:
    """A whole-number change with its sign, as the table shows it."""
    return "no change" if numbers.shown(value) == 0 else numbers.signed(value)


def _section(ws, row: int, heading: str, note: str | None = None, *, new_page: bool = True) -> int:
    """A heading (and a note); printed, each section starts a page."""
    if new_page:
        ws.row_breaks.append(Break(id=row - 1))
    cells.put(ws, row, 1, heading).font = HEADING
    if note:
        cells.put(ws, row + 1, 1, note).font = Font(italic=True, color="444444")
        return row + 2
    return row + 1


def write_comparison(wb, before: Side, after: Side) -> None:
    """Add the "Comparison" sheet: both labels, the aspects with a native radar of both,
    the factors that moved most, the approach ranking then and now, and the plan's progress."""
    first, second = labels(before, after)
    ws = wb.create_sheet(SHEET)
    row = cells.title(ws, "Comparison over time", "Then and now, side by side. How each number is worked out: see About.")
    for role, name, side in (("Baseline", first, before), ("Current", second, after)):
        cells.put(ws, row, 1, role).font = BOLD
        cells.put(ws, row, 2, name).alignment = Alignment(horizontal="left", vertical="top")
        cells.put(ws, row, 5, side.kind)
        row += 1
    missing = not_comparable(before, after)
    if missing:
        cells.put(ws, row, 1, "Not comparable").font = BOLD
        for note in missing:
            row += 1
            cells.put(ws, row, 1, note).alignment = cells.WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
            ws.row_dimensions[row].height = min(15 * (1 + len(note) // 150), 409)
        row += 1
    row = _aspects(ws, row + 1, before, after, first, second)
    row = _items(ws, row, before, after, first, second)
    row = _ranking(ws, row, before, after)
    row = _plan(ws, row, before, after)
    _diagnostics(ws, row, before, after, first, second)
    cells.finish(ws, {1: 56, 2: 18, 3: 18, 4: 14, 5: 14, 6: 14, 7: 14})


def _aspects(ws, top: int, before: Side, after: Side, first: str, second: str) -> int:
    changes = aspect_changes(before, after, inst_order=True)
    overall = overall_change(before, after)
    row = _section(
        ws,
        top,
        "The eight aspects: room for manoeuvre then and now (0–100)",
        "Change = now minus then as shown (whole points), so 54 then and 61 now is +7; blank where either side has no score.",
        new_page=False,
    )
    cells.put(ws, row, 1, "Overall room for manoeuvre").font = BOLD
    for column, key in ((2, "before"), (3, "after")):
        cells.put(ws, row, column, _number(overall[key]) if not math.isnan(overall[key]) else "No score", "0")
    cells.put(ws, row, 4, _number(overall["change"]), CHANGE_FORMAT)
    header = row + 2
    last = cells.write_table(
        ws,
        header,
        ["Aspect", first, second, "Change"],
        ([r.aspect, _number(r.before), _number(r.after), _number(r.change)] for r in changes.itertuples()),
        number_formats={first: "0", second: "0", "Change": CHANGE_FORMAT},
        wrap=["Aspect", first, second],
    )
    moved = _by_size(changes).dropna(subset=["change"])
    moved = moved[moved["change"].map(_signed) != "no change"].head(3)
    summary = (
        "Moved most: " + "; ".join(f"{r.aspect} {_signed(r.change)}" for r in moved.itertuples())
        if len(moved)
        else "No aspect moved by a point or more (or no aspect has a score on both sides)."
    )
    cells.put(ws, last + 1, 1, summary).alignment = cells.WRAP
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=4)
    ws.row_dimensions[last + 1].height = 32

    chart = cells.radar_chart(ws, header=header, last=last, data_columns=(2, 3), title="Room for manoeuvre then and now (0–100)")
    chart.legend.position = "b"
    # Baseline dashed with no marker fill, current solid: they differ without colour.
    styles = (("E69F00", "dash", 28575, "triangle", None), ("0072B2", "solid", 38100, "circle", "0072B2"))
    for series, (colour, dash, width, symbol, fill) in zip(chart.series, styles):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.prstDash = dash
        series.graphicalProperties.line.width = width
        series.marker.symbol = symbol
        series.marker.size = 8
        series.marker.graphicalProperties = _marker_fill(colour, fill)
    chart.height, chart.width = 15, 24
    # Printed, the chart has a page of its own: below the table it would be cut in two.
    anchor = last + 3
    ws.row_breaks.append(Break(id=anchor - 2))  # a row above it, or its frame shows on the page before
    ws.add_chart(chart, f"A{anchor}")
    return anchor + math.ceil(chart.height / CM_PER_ROW) + 2


def _marker_fill(line: str, fill: str | None):
    properties = GraphicalProperties()
    properties.line.solidFill = line
    if fill:
        properties.solidFill = fill
    else:
        properties.noFill = True
    return properties


def _items(ws, top: int, before: Side, after: Side, first: str, second: str) -> int:
    changes = item_changes(before, after, top=TOP_ITEMS)
    row = _section(
        ws, top, "What moved most: factors", f"Rating 1–5 (a workshop: the mean rating). Only factors rated on both sides; the {TOP_ITEMS} largest changes."
    )
    if changes.empty:
        cells.put(ws, row, 1, "No factor has a rating on both sides yet.")
        return row + 3
    last = cells.write_table(
        ws,
        row,
        ["Factor (aspect)", first, second, "Change"],
        ([f"{r.text} ({r.aspect})", _number(r.before), _number(r.after), _number(r.change)] for r in changes.itertuples()),
        number_formats={first: "0.0", second: "0.0", "Change": RATING_CHANGE_FORMAT},
        wrap=["Factor (aspect)", first, second],
    )
    return last + 3


def _diagnostics(ws, top: int, before: Side, after: Side, first: str, second: str) -> int:
    changes = diagnostic_changes(before, after)
    row = _section(ws, top, "The other diagnostics then and now", "Priority to stop per area (0–9), score per theme (0–100); change = now minus then as shown.")
    if changes.empty:
        cells.put(ws, row, 1, "No other diagnostic has answers on either side.")
        return row + 3
    last = cells.write_table(
        ws,
        row,
        ["Diagnostic: figure (scale)", first, second, "Change"],
        ([f"{r.diagnostic}: {r.figure} ({r.scale})", _number(r.before), _number(r.after), _number(r.change)] for r in changes.itertuples()),
        number_formats={first: "0", second: "0", "Change": CHANGE_FORMAT},
        wrap=["Diagnostic: figure (scale)", first, second],
    )
    return last + 3


def _ranking(ws, top: int, before: Side, after: Side) -> int:
    table = ranking_changes(before, after)
    first, second = labels(before, after)
    row = _section(
        ws,
        top,
        "Commissioning approaches: the ranking then and now",
        "In today's order. Moved = places up (+) or down (−) since the baseline. " + ranking_basis(before, after, first, second),
    )
    if table["fit_before"].isna().all() and table["fit_after"].isna().all():
        cells.put(ws, row, 1, "No ranking on either side: neither has an aspect score.")
        return row + 3

    def moved(value: Any) -> int | None:
        return None if pd.isna(value) else int(value)

    last = cells.write_table(
        ws,
        row,
        ["Approach", "Rank then", "Fit then", "Rank now", "Fit now", "Moved (places)"],
        (
            [r.title, _rank_text(r.rank_label_before), _number(r.fit_before), _rank_text(r.rank_label_after), _number(r.fit_after), moved(r.moved)]
            for r in table.itertuples()
        ),
        number_formats={"Fit then": "0", "Fit now": "0", "Moved (places)": CHANGE_FORMAT},
        wrap=["Approach"],
    )
    return last + 3


def _rank_text(label: Any) -> str | None:
    """A rank as shown ("3", "=3", "not enough answers to judge"); blank where the side had
    no such approach."""
    return None if label is None or (isinstance(label, float) and math.isnan(label)) else str(label)


def _plan(ws, top: int, before: Side, after: Side) -> int:
    progress = plan_progress(before, after)
    summary = plan_summary(before, after)
    row = _section(ws, top, "Development plan: done and outstanding", "The actions in the current plan, compared with the baseline plan.")
    for label, key in (
        ("Done", "done"),
        ("Outstanding", "outstanding"),
        ("New since the baseline", "new_since_baseline"),
        ("In the baseline, no longer in the plan", "dropped_since_baseline"),
    ):
        cells.put(ws, row, 1, label)
        cells.put(ws, row, 2, summary[key])
        row += 1
    headers = ["Action (aspect)", "Owner", "By when", "Status", "In the baseline"]
    for heading, rows, empty in (
        ("Done", progress[progress["done"]], "No action is done yet."),
        ("Outstanding", progress[~progress["done"]], "Nothing outstanding."),
    ):
        row += 1
        cells.put(ws, row, 1, heading).font = BOLD
        if rows.empty:
            cells.put(ws, row + 1, 1, empty)
            row += 2
            continue
        row = (
            cells.write_table(
                ws,
                row + 1,
                headers,
                ([f"{r.action} ({r.aspect})", r.owner, _due(r.due), r.status_label, "Yes" if r.in_baseline else "New"] for r in rows.itertuples()),
                number_formats={"By when": "DD/MM/YYYY"},
                wrap=["Action (aspect)", "Owner"],
            )
            + 1
        )
    gone = dropped_actions(before, after)
    if len(gone):
        row += 1
        cells.put(ws, row, 1, "In the baseline, no longer in the plan").font = BOLD
        row = (
            cells.write_table(
                ws,
                row + 1,
                ["Action (aspect)", "Owner", "Status then"],
                ([f"{r.action} ({r.aspect})", r.owner, r.status_label] for r in gone.itertuples()),
                wrap=["Action (aspect)", "Owner"],
            )
            + 1
        )
    return row + 1


def _due(text: str) -> date | str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def build_comparison_workbook(before: Side, after: Side, *, generated: datetime | None = None) -> bytes:
    """The .xlsx bytes: the Comparison sheet and About (method, both labels)."""
    generated = generated or datetime.now(timezone.utc)
    first, second = labels(before, after)
    wb = Workbook()
    wb.remove(wb.active)
    write_comparison(wb, before, after)
    lines = [
        ("Baseline", f"{first} ({before.kind})"),
        ("Current", f"{second} ({after.kind})"),
        *METHOD_ROWS,
        *eight_aspects.about_rows(),
        *approaches.about_rows(),
    ]
    if before.is_workshop or after.is_workshop:
        lines.append(("Workshop aggregation", workshop.METHOD))
    cells.about_sheet(wb, generated, lines, label_width=36)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
