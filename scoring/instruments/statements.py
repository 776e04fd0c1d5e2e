"""Shared by the diagnostics whose questions are statements rated 1–5 for how true they
are, grouped in themes (conditions, starting points and every statement diagnostic made
from a data file): the scale check, the theme scores, progress, the survey questions and
the workbook's table of every statement."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd
from openpyxl.styles import Font

from scoring.contract import SurveyQuestion
from scoring.excel import cells
from scoring.instruments.loading import InstrumentError, citation, describe, quote_of, require_id, require_list, require_source, require_text, source_reference

RATINGS = (1, 2, 3, 4, 5)


def load_scale(path: Path, content: dict) -> dict[int, str]:
    scale = {entry.get("value"): entry.get("label") for entry in content.get("scale") or [] if isinstance(entry, dict)}
    if sorted(scale, key=str) != list(RATINGS) or not all(isinstance(v, str) and v.strip() for v in scale.values()):
        raise InstrumentError(path, "scale", "must have exactly the values 1, 2, 3, 4, 5, each with a label")
    return dict(sorted(scale.items()))


def load_items(path: Path, content: dict, theme_ids: list[str], seen: set[str]) -> list[tuple[str, str, str, str, str]]:
    """The statements: (id, theme id, text, source, quote) each; every theme must have one."""
    items = []
    for number, entry in enumerate(require_list(path, content, "items"), start=1):
        where = describe(entry, "item", number)
        item_id = require_id(path, where, entry, seen)
        if entry.get("theme") not in theme_ids:
            raise InstrumentError(path, where, f"unknown theme {entry.get('theme')!r}")
        items.append((item_id, entry["theme"], require_text(path, where, entry, "text"), require_source(path, where, entry), quote_of(entry)))
    for theme_id in theme_ids:
        if not any(item[1] == theme_id for item in items):
            raise InstrumentError(path, f"theme {theme_id!r}", "has no statements")
    return items


def clean_rating(item_id: str, record: Mapping[str, Any], known: Iterable[str]) -> dict:
    if item_id not in set(known):
        raise ValueError(f"unknown statement {item_id!r}")
    rating = record.get("rating")
    if rating is not None and (isinstance(rating, bool) or rating not in RATINGS):
        raise ValueError(f"{item_id}: rating {rating!r} is not one of 1–5 or don't know")
    return {"rating": rating}


def theme_scores(themes: Iterable[tuple[str, str, str]], items: Iterable[tuple[str, str]], records: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """`themes`: (id, group, title); `items`: (id, theme id). One row per theme: theme_id,
    group, title, score (mean of answered statements on 0–100, NaN if none), answered,
    dont_know."""
    items = list(items)
    rows = []
    for theme_id, group, title in themes:
        ratings = [records[i]["rating"] for i, t in items if t == theme_id and "rating" in records.get(i, {})]
        rated = [r for r in ratings if r is not None]
        rows.append(
            {
                "theme_id": theme_id,
                "group": group,
                "title": title,
                "score": sum((r - 1) * 25.0 for r in rated) / len(rated) if rated else math.nan,
                "answered": len(rated),
                "dont_know": len(ratings) - len(rated),
            }
        )
    return pd.DataFrame(rows)


def progress(records: Mapping[str, Mapping[str, Any]], items: Iterable[Any]) -> tuple[int, int]:
    """(statements answered, statements in all); `items` have an id."""
    items = list(items)
    return sum(1 for i in items if "rating" in records.get(i.id, {})), len(items)


def survey_questions(items: Iterable[Any], scale: Mapping[int, str], dont_know: str) -> list[SurveyQuestion]:
    """Each statement as a survey question rated on the scale, or "don't know"."""
    return [SurveyQuestion(i.id, i.text, "rating", dict(scale), dont_know) for i in items]


def write_statement_table(
    ws, top: int, inst: Any, records: Mapping[str, Mapping[str, Any]], theme_title: Callable[[Any], str], heading: str = "Every statement"
) -> int:
    """Under a bold heading at `top`, every statement with its answer and source; the last
    row written. `inst` has items (id, theme_id, text, source, quote), scale and dont_know."""
    cells.put(ws, top, 1, heading).font = Font(bold=True)
    labels = {**inst.scale, None: inst.dont_know}
    return cells.write_table(
        ws,
        top + 1,
        STATEMENT_HEADERS,
        (
            [
                theme_title(i),
                i.text,
                labels[records[i.id]["rating"]] if "rating" in records.get(i.id, {}) else "Not answered",
                records.get(i.id, {}).get("rating"),
                source_reference(i.source),
                citation(i.source, i.quote),
            ]
            for i in inst.items
        ),
        wrap=["Theme", "Statement", QUOTE_HEADER],
    )


# The seed's words beside each statement are read on screen: printed, they made each row
# ten lines tall. The printed "Source" column numbers the document as About lists it.
QUOTE_HEADER = "Quote from the source (not printed)"
STATEMENT_HEADERS = ["Theme", "Statement", "Answer", "Rating (1–5)", "Source", QUOTE_HEADER]
# Widths of a statement sheet: its theme table (five columns) and statement table print
# on A4 portrait; the quotes, wide so that each takes two or three lines, do not print.
STATEMENT_SHEET_WIDTHS = {1: 17, 2: 37, 3: 16, 4: 10, 5: 10, 6: 110}
PRINTED_COLUMNS = 5


def group_charts(ws, charts: dict[str, tuple[str, str]], *, header: int, groups: list[str], value_column: int, top: int) -> int:
    """A bar chart per group of themes, one below the other from row `top`, for groups
    that read in different directions (contract.ThemedDiagnostic.theme_charts); the
    table's rows below `header` must be grouped. Returns the first free row below them."""
    for group, (title, axis) in charts.items():
        rows = [header + 1 + n for n, g in enumerate(groups) if g == group]
        if not rows:
            continue
        if rows != list(range(rows[0], rows[-1] + 1)):
            raise ValueError("the table's rows must be grouped")
        chart = cells.bar_chart(
            ws,
            title=title,
            header=header,
            first=rows[0],
            last=rows[-1],
            label_column=1,
            value_column=value_column,
            maximum=100,
            anchor=f"A{top}",
            size=(3 + 0.75 * len(rows), 18),
            y_title=axis,
        )
        top = cells.rows_below(top, chart)
    return top
