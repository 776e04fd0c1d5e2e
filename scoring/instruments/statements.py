"""Shared by the diagnostics whose questions are statements rated 1–5 for how true they
are, grouped in themes (conditions, starting points and every statement diagnostic made
from a data file): the instrument and its loader, the theme scores, progress, the survey
questions and the workbook's table of every statement."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd
from openpyxl.styles import Font

from scoring.contract import SurveyQuestion
from scoring.excel import cells
from scoring.instruments.loading import InstrumentError, citation, describe, quote_of, require_id, require_list, require_source, require_text, source_reference
from scoring.instruments.versions import History

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Theme:
    id: str
    group_id: str  # the part, kind or group it belongs to ("" in a file with no groups)
    title: str
    description: str


@dataclass(frozen=True)
class Item:
    id: str
    theme_id: str
    text: str
    source: str
    quote: str = ""  # the seed's words it rests on ("" when written for this tool)


@dataclass(frozen=True, kw_only=True)
class StatementInstrument:
    """What every instrument of statements in themes holds; a diagnostic's own instrument
    adds its fields (conditions its parts, starting points its context facts …)."""

    id: str
    title: str
    version: str
    intro: str
    scale: dict[int, str]
    dont_know: str
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]
    history: History | None = None  # scoring/instruments/versions.py

    def themes_of(self, group_id: str) -> list[Theme]:
        return [t for t in self.themes if t.group_id == group_id]

    def items_of(self, theme_id: str) -> list[Item]:
        return [i for i in self.items if i.theme_id == theme_id]


def read_statements(path: Path, content: dict, seen: set[str], *, group_key: str, group_ids: Sequence[str] | None) -> dict[str, Any]:
    """The parts every statement instrument file has, checked: its scale, themes, items,
    title, intro and don't-know label, as StatementInstrument's fields (the caller adds id,
    version and history). Each theme names its group under `group_key`, one of `group_ids`;
    None: the file has no groups and a theme names none. `seen` holds the ids read so far."""
    scale = load_scale(path, content)
    themes = []
    for number, entry in enumerate(require_list(path, content, "themes"), start=1):
        where = describe(entry, "theme", number)
        theme_id = require_id(path, where, entry, seen)
        group_id = entry.get(group_key, "")
        if group_ids is None and group_id:
            raise InstrumentError(path, where, f"names a {group_key}, but the file lists no {group_key}s")
        if group_ids is not None and group_id not in group_ids:
            raise InstrumentError(path, where, f"unknown {group_key} {group_id!r} (one of {', '.join(group_ids)})")
        require_source(path, where, entry)
        themes.append(Theme(theme_id, group_id, require_text(path, where, entry, "title"), require_text(path, where, entry, "description")))
    items = [Item(*item) for item in load_items(path, content, [t.id for t in themes], seen)]
    return {
        "title": require_text(path, "file", content, "title"),
        "intro": require_text(path, "file", content, "intro", optional=True),
        "scale": scale,
        "dont_know": require_text(path, "dont_know", content, "dont_know"),
        "themes": tuple(themes),
        "items": tuple(items),
    }


def case_records(case: Mapping[str, Any]) -> dict[str, dict]:
    """A worked case's answers ({item id: rating or None}) as stored records."""
    return {item_id: {"rating": rating} for item_id, rating in (case.get("answers") or {}).items()}


def case_themes(scores: pd.DataFrame) -> dict[str, float | None]:
    """theme_scores' table as a worked case states it: {theme id: score, None for none}."""
    return {theme_id: None if math.isnan(score) else score for theme_id, score in zip(scores["theme_id"], scores["score"])}


def texts(entries: Iterable[Any]) -> dict[str, str]:
    """{id: text} of items (or facts), in order: what a version history follows."""
    return {e.id: e.text for e in entries}


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


def theme_scores(inst: StatementInstrument, records: Mapping[str, Mapping[str, Any]], group_column: str = "group") -> pd.DataFrame:
    """One row per theme: theme_id, its group (the column named `group_column`), title,
    score (mean of answered statements on 0–100, NaN if none), answered, dont_know."""
    rows = []
    for theme in inst.themes:
        ratings = [records[i.id]["rating"] for i in inst.items if i.theme_id == theme.id and "rating" in records.get(i.id, {})]
        rated = [r for r in ratings if r is not None]
        rows.append(
            {
                "theme_id": theme.id,
                group_column: theme.group_id,
                "title": theme.title,
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


def survey_questions(inst: StatementInstrument) -> list[SurveyQuestion]:
    """Each statement as a survey question rated on the scale, or "don't know"."""
    return [SurveyQuestion(i.id, i.text, "rating", dict(inst.scale), inst.dont_know) for i in inst.items]


def write_theme_sheet(
    wb,
    sheet: str,
    inst: StatementInstrument,
    records: Mapping[str, Mapping[str, Any]],
    themes: pd.DataFrame,
    group_column: str,
    groups: tuple[str, Mapping[str, str]],
) -> None:
    """A sheet named `sheet`: each theme's score (`themes`, theme_scores' table, whose group
    is in `group_column`), a bar chart of them below, then every statement. `groups`:
    (heading of the group column, {group id: title}); a heading of "" leaves the column out."""
    heading, group_titles = groups
    grouped = [heading] if heading else []
    ws = wb.create_sheet(sheet)
    row = cells.title(ws, inst.title, "Score 0–100 per theme: the mean of its statements, 1 (not at all true) = 0 … 5 (very true) = 100.")
    last = cells.write_table(
        ws,
        row,
        ["Theme", "Score (0–100)", *grouped, "Rated", "Don't know"],
        (
            [t.title, None if math.isnan(t.score) else t.score, *([group_titles.get(getattr(t, group_column), "")] if heading else []), t.answered, t.dont_know]
            for t in themes.itertuples()
        ),
        number_formats={"Score (0–100)": "0"},
        wrap=["Theme", *grouped],
    )
    # Below its table, as every workbook chart is, so the sheet prints on A4 portrait.
    chart = cells.bar_chart(
        ws, title="Score per theme (0–100)", header=row, last=last, label_column=1, value_column=2, maximum=100, size=(3 + 0.75 * len(themes), 18)
    )
    theme_titles = {t.id: t.title for t in inst.themes}
    write_statement_table(ws, cells.rows_below(last + 2, chart), inst, records, lambda i: theme_titles[i.theme_id])
    cells.finish(ws, STATEMENT_SHEET_WIDTHS, printed_columns=PRINTED_COLUMNS)


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
