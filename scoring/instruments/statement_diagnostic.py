"""A statement diagnostic: statements rated 1–5 for how true they are, in themes, made
from one instrument file in data/ with `kind: statements` and no code of its own.

scoring/registry.py finds every such file and makes one StatementDiagnostic of it, which
provides every entry point of scoring/contract.Diagnostic: the page (views/diagnostics/statements.py),
the workshop's view and sheet of the room, survey import, the workbook and comparison.

The file: id, title, version, history, source, quote, intro, page (its wording: see
scoring/instruments/loading.read_page), scale (1–5 with labels), dont_know, optionally groups
(id, title) with group_heading, themes (id, title, description, group, source, quote)
and items (id, theme, text, source, quote); optionally method (the scoring in words) and
sheet (its Excel sheet's name, at most 31 characters).

Method: ratings map to 0, 25, 50, 75, 100; a theme's score is the mean of its answered
statements ("don't know" left out); a group's score the mean of its themes' scores.

Stored records (diagnostic id): item id -> {"rating": 1–5 or None}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from scoring import numbers
from scoring.contract import PageWording, SurveyQuestion
from scoring.excel import cells
from scoring.instruments import statements
from scoring.instruments.loading import (
    InstrumentError,
    describe,
    load_current,
    read_page,
    read_yaml,
    require_id,
    require_list,
    require_source,
    require_text,
)
from scoring.instruments.versions import History, load_history

KIND = "statements"  # the `kind:` that marks a file as a statement diagnostic
SCRIPT = "views/diagnostics/statements.py"  # the one page script every statement diagnostic shares
SHEET_FORBIDDEN = set("[]:*?/\\")
METHOD = (
    "Each statement is rated 1 (not at all true) to 5 (very true); ratings map to 0, 25, 50, 75 and 100. "
    "A theme's score is the mean of its answered statements (\"don't know\" is left out)."
)


@dataclass(frozen=True)
class Group:
    id: str
    title: str


@dataclass(frozen=True)
class Theme:
    id: str
    group_id: str
    title: str
    description: str


@dataclass(frozen=True)
class Item:
    id: str
    theme_id: str
    text: str
    source: str
    quote: str = ""


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    intro: str
    method: str
    sheet: str
    scale: dict[int, str]
    dont_know: str
    group_heading: str
    groups: tuple[Group, ...]
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]
    page: PageWording
    history: History | None = None

    def items_of(self, theme_id: str) -> list[Item]:
        return [i for i in self.items if i.theme_id == theme_id]

    def themes_of(self, group_id: str) -> list[Theme]:
        return [t for t in self.themes if t.group_id == group_id]


def is_statement_file(content: Mapping[str, Any]) -> bool:
    return content.get("kind") == KIND


def load(path: Path | str) -> Instrument:
    path = Path(path)
    content = read_yaml(path)
    if not is_statement_file(content):
        raise InstrumentError(path, "kind", f"must be {KIND!r} for a statement diagnostic")
    diagnostic_id = require_id(path, "id", content, set())
    if diagnostic_id != path.stem:
        raise InstrumentError(path, "id", f"must be the file's name, {path.stem!r}")
    version = content.get("version")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)) or not str(version).strip():
        raise InstrumentError(path, "version", "is missing")
    version = str(version).strip()
    title = require_text(path, "file", content, "title")
    scale = statements.load_scale(path, content)
    seen: set[str] = set()
    groups = []
    for number, entry in enumerate(content.get("groups") or [], start=1):
        if not isinstance(entry, dict):
            raise InstrumentError(path, f"group {number}", "must be a mapping with id and title")
        where = describe(entry, "group", number)
        groups.append(Group(require_id(path, where, entry, seen), require_text(path, where, entry, "title")))
    group_ids = [g.id for g in groups]
    themes = []
    for number, entry in enumerate(require_list(path, content, "themes"), start=1):
        where = describe(entry, "theme", number)
        theme_id = require_id(path, where, entry, seen)
        group_id = entry.get("group", "")
        if groups and group_id not in group_ids:
            raise InstrumentError(path, where, f"unknown group {group_id!r}")
        if not groups and group_id:
            raise InstrumentError(path, where, "names a group, but the file lists no groups")
        require_source(path, where, entry)
        themes.append(Theme(theme_id, group_id, require_text(path, where, entry, "title"), require_text(path, where, entry, "description")))
    items = [Item(*item) for item in statements.load_items(path, content, [t.id for t in themes], seen)]
    sheet = str(content.get("sheet") or title)[:31]
    if SHEET_FORBIDDEN & set(sheet) or not sheet.strip():
        raise InstrumentError(path, "sheet", f"an Excel sheet's name cannot hold {' '.join(sorted(SHEET_FORBIDDEN))}: give 'sheet' a plain name")
    return Instrument(
        id=diagnostic_id,
        title=title,
        version=version,
        intro=require_text(path, "file", content, "intro", optional=True),
        method=require_text(path, "file", content, "method", optional=True) or METHOD,
        sheet=sheet,
        scale=scale,
        dont_know=require_text(path, "dont_know", content, "dont_know"),
        group_heading=require_text(path, "group_heading", content, "group_heading") if groups else "",
        groups=tuple(groups),
        themes=tuple(themes),
        items=tuple(items),
        page=read_page(path, content, (SCRIPT,)),
        history=load_history(path, content, version, {i.id: i.text for i in items}),
    )


class StatementDiagnostic:
    """One statement diagnostic's entry points (scoring/contract.Diagnostic)."""

    NEEDS: tuple[str, ...] = ()
    ROOM_SHEET = "themes"
    COMPARES = "themes"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.ID = self.path.stem

    def __repr__(self) -> str:
        return f"StatementDiagnostic({self.path.name})"

    # --- The instrument and its page ---------------------------------------------------

    def load(self, path: Path | str) -> Instrument:
        """The file at `path` validated as this kind of instrument (a module's load())."""
        return load(path)

    def instrument(self) -> Instrument:
        return load_current(load, self.path)

    def page(self) -> PageWording:
        return self.instrument().page

    @property
    def ROOM_VIEWS(self) -> dict[str, str]:  # noqa: N802 - the contract's name
        return {self.instrument().title: "themes"}

    # --- Answers and scores ---------------------------------------------------------------

    def clean_record(self, item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
        return statements.clean_rating(item_id, record, (i.id for i in self.instrument().items))

    def progress(self, records: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
        return statements.progress(records, self.instrument().items)

    def theme_scores(self, records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
        """One row per theme: theme_id, group, title, score (0–100 or NaN), answered, dont_know."""
        inst = inst or self.instrument()
        return statements.theme_scores(((t.id, t.group_id, t.title) for t in inst.themes), ((i.id, i.theme_id) for i in inst.items), records)

    def theme_groups(self) -> tuple[str, dict[str, str]]:
        inst = self.instrument()
        return inst.group_heading, {g.id: g.title for g in inst.groups}

    def theme_charts(self) -> dict[str, tuple[str, str]]:
        return {}  # a statement file's statements all read one way (higher is better): one chart

    def group_scores(self, records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> dict[str, float]:
        """A group's score: the mean of its themes' scores (NaN when none is rated)."""
        inst = inst or self.instrument()
        themes = self.theme_scores(records, inst)
        result = {}
        for group in inst.groups:
            present = [v for v in themes.loc[themes["group"] == group.id, "score"] if not math.isnan(v)]
            result[group.id] = sum(present) / len(present) if present else math.nan
        return result

    def item_texts(self) -> dict[str, str]:
        return {i.id: i.text for i in self.instrument().items}

    def survey_questions(self) -> list[SurveyQuestion]:
        inst = self.instrument()
        return statements.survey_questions(inst.items, inst.scale, inst.dont_know)

    # --- Excel ---------------------------------------------------------------------------

    def write_summary(self, ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
        records = response.get(self.ID, {})
        inst = self.instrument()
        themes = self.theme_scores(records, inst)
        counts = {f"{t.title} (0–100)": numbers.shown(t.score) for t in themes.itertuples() if not math.isnan(t.score)}
        return cells.counts_block(ws, top, inst.title, counts, "Not answered yet")

    def write_sheets(self, wb, response: Mapping[str, Mapping[str, dict]]) -> None:
        records = response.get(self.ID, {})
        inst = self.instrument()
        ws = wb.create_sheet(inst.sheet)
        row = cells.title(ws, inst.title, "Score 0–100 per theme: the mean of its statements, 1 (not at all true) = 0 … 5 (very true) = 100.")
        themes = self.theme_scores(records, inst)
        heading, group_titles = self.theme_groups()
        headers = ["Theme", "Score (0–100)", *([heading] if heading else []), "Rated", "Don't know"]
        last = cells.write_table(
            ws,
            row,
            headers,
            (
                [t.title, None if math.isnan(t.score) else t.score, *([group_titles.get(t.group, "")] if heading else []), t.answered, t.dont_know]
                for t in themes.itertuples()
            ),
            number_formats={"Score (0–100)": "0"},
            wrap=["Theme", *([heading] if heading else [])],
        )
        # Below its table, as every workbook chart is, so the sheet prints on A4 portrait.
        chart = cells.bar_chart(
            ws, title="Score per theme (0–100)", header=row, last=last, label_column=1, value_column=2, maximum=100, size=(3 + 0.75 * len(themes), 18)
        )
        theme_titles = {t.id: t.title for t in inst.themes}
        statements.write_statement_table(ws, cells.rows_below(last + 2, chart), inst, records, lambda i: theme_titles[i.theme_id])
        cells.finish(ws, statements.STATEMENT_SHEET_WIDTHS, printed_columns=statements.PRINTED_COLUMNS)

    def about_rows(self) -> list[tuple[str, str]]:
        inst = self.instrument()
        return [(f"{inst.title}: instrument", f"{inst.id} version {inst.version}"), (f"{inst.title}: method", inst.method)]
