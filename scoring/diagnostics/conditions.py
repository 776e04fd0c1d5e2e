"""Diagnostic 6: conditions and practices (sources 001, 003 and 004).

Three parts: why commissioning is hard here (culture, complexity, data and research,
skills), the five core practices (honest conversations, clarity, learning, culture
shaping, intent) and relational commissioning (trust, lived experience, equity of voice,
long-term vision, system stewardship and learning together, partners not providers).
Every statement is phrased so that agreeing is a strength.

Method: ratings 1–5 map to 0, 25, 50, 75, 100; a theme's score is the mean of its answered
statements ("don't know" left out) and a part's score the mean of its themes. The practice
to work on first is the core practice with the lowest score; a tie goes to the earlier
practice, since the seed puts honest conversations, clarity and learning first as the
basics that make a learning system.

Stored records (diagnostic "conditions"): item id -> {"rating": 1–5 or None}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl.styles import Font

from scoring import numbers
from scoring.contract import PageWording, SurveyQuestion
from scoring.excel import cells
from scoring.figures import PALETTE, theme_bars
from scoring.instruments import statements
from scoring.instruments.loading import (
    DATA_DIR,
    InstrumentError,
    describe,
    load_current,
    read_page,
    read_yaml,
    require_header,
    require_id,
    require_list,
    require_source,
    require_text,
)
from scoring.instruments.versions import History, load_history

ID = "conditions"
INSTRUMENT_FILE = DATA_DIR / "conditions.yaml"
PARTS = ("hard_here", "core_practices", "relational")
PRACTICES_PART = "core_practices"

METHOD = (
    "Each statement is rated 1 (not at all true) to 5 (very true); ratings map to 0, 25, 50, 75 "
    "and 100, and agreeing is always a strength. A theme's score is the mean of its answered "
    "statements (\"don't know\" is left out); a part's score is the mean of its themes. The "
    "practice to work on first is the core practice with the lowest score; a tie goes to the "
    "earlier one, as honest conversations, clarity and learning are the basics that make a "
    "learning system."
)


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    question: str


@dataclass(frozen=True)
class Theme:
    id: str
    part_id: str
    title: str
    description: str


@dataclass(frozen=True)
class Item:
    id: str
    theme_id: str
    text: str
    source: str
    quote: str = ""  # the seed's words it rests on ("" when written for this tool)


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    intro: str
    scale: dict[int, str]
    dont_know: str
    parts: tuple[Part, ...]
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]
    history: History | None = None  # scoring/instruments/versions.py

    def themes_of(self, part_id: str) -> list[Theme]:
        return [t for t in self.themes if t.part_id == part_id]

    def items_of(self, theme_id: str) -> list[Item]:
        return [i for i in self.items if i.theme_id == theme_id]


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    scale = statements.load_scale(path, content)
    seen: set[str] = set()
    parts = []
    for number, entry in enumerate(require_list(path, content, "parts"), start=1):
        where = describe(entry, "part", number)
        parts.append(Part(require_id(path, where, entry, seen), require_text(path, where, entry, "title"), require_text(path, where, entry, "question")))
        require_source(path, where, entry)
    if tuple(p.id for p in parts) != PARTS:
        raise InstrumentError(path, "parts", f"must be exactly these ids in this order: {', '.join(PARTS)}")
    themes = []
    for number, entry in enumerate(require_list(path, content, "themes"), start=1):
        where = describe(entry, "theme", number)
        theme_id = require_id(path, where, entry, seen)
        if entry.get("part") not in PARTS:
            raise InstrumentError(path, where, f"unknown part {entry.get('part')!r}")
        require_source(path, where, entry)
        themes.append(Theme(theme_id, entry["part"], require_text(path, where, entry, "title"), require_text(path, where, entry, "description")))
    items = [Item(*item) for item in statements.load_items(path, content, [t.id for t in themes], seen)]
    return Instrument(
        id=ID,
        title=require_text(path, "file", content, "title"),
        version=version,
        intro=require_text(path, "file", content, "intro", optional=True),
        scale=scale,
        dont_know=require_text(path, "dont_know", content, "dont_know"),
        parts=tuple(parts),
        themes=tuple(themes),
        items=tuple(items),
        history=load_history(path, content, version, {i.id: i.text for i in items}),
    )


def instrument() -> Instrument:
    return load_current(load, INSTRUMENT_FILE)


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    return statements.clean_rating(item_id, record, (i.id for i in instrument().items))


def theme_scores(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """One row per theme: part_id, title, score (0–100, NaN if nothing rated), answered, dont_know."""
    inst = inst or instrument()
    table = statements.theme_scores(((t.id, t.part_id, t.title) for t in inst.themes), ((i.id, i.theme_id) for i in inst.items), records)
    return table.rename(columns={"group": "part_id"})


def part_scores(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> dict[str, float]:
    themes = theme_scores(records, inst)
    result = {}
    for part_id in PARTS:
        present = [v for v in themes.loc[themes["part_id"] == part_id, "score"] if not math.isnan(v)]
        result[part_id] = sum(present) / len(present) if present else math.nan
    return result


def practice_to_work_on(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> tuple[str, str] | None:
    """(theme id, reasoning) for the core practice to work on first, or None if none rated."""
    themes = theme_scores(records, inst)
    practices = themes[(themes["part_id"] == PRACTICES_PART) & themes["score"].notna()]
    if practices.empty:
        return None
    lowest = practices.iloc[practices["score"].to_numpy().argmin()]  # first of equals: the earlier practice
    others = ", ".join(f"{r.title.lower()} {numbers.text(r.score)}" for r in practices.itertuples() if r.theme_id != lowest.theme_id)
    reason = f"{lowest.title} scores {numbers.text(lowest.score)} out of 100, the lowest of the core practices you rated"
    reason += f" (then {others})." if others else "."
    return str(lowest.theme_id), reason


def progress(records: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    return statements.progress(records, instrument().items)


def part_chart(themes: pd.DataFrame, part_id: str):
    """One part's themes on 0–100."""
    return theme_bars(themes[themes["part_id"] == part_id], colour=PALETTE[2])


# --- Excel ------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    records = response.get(ID, {})
    inst = instrument()
    parts = part_scores(records, inst)
    counts = {f"{p.title} (0–100)": numbers.shown(parts[p.id]) for p in inst.parts if not math.isnan(parts[p.id])}
    row = cells.counts_block(ws, top, inst.title, counts, "Not answered yet")
    choice = practice_to_work_on(records, inst)
    if choice:
        cells.put(ws, row - 1, 1, "Practice to work on first").font = Font(bold=True)
        cells.put(ws, row - 1, 2, choice[1])
        row += 1
    return row


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    records = response.get(ID, {})
    inst = instrument()
    themes = theme_scores(records, inst)
    part_titles = {p.id: p.title for p in inst.parts}
    ws = wb.create_sheet("Conditions and practices")
    row = cells.title(ws, inst.title, "Score 0–100 per theme: the mean of its statements, 1 (not at all true) = 0 … 5 (very true) = 100.")
    last = cells.write_table(
        ws,
        row,
        ["Theme", "Score (0–100)", "Part", "Rated", "Don't know"],
        ([r.title, None if math.isnan(r.score) else r.score, part_titles[r.part_id], r.answered, r.dont_know] for r in themes.itertuples()),
        number_formats={"Score (0–100)": "0"},
        wrap=["Theme", "Part"],
    )
    chart = cells.bar_chart(
        ws, title="Score per theme (0–100)", header=row, last=last, label_column=1, value_column=2, maximum=100, size=(3 + 0.75 * len(themes), 18)
    )
    theme_titles = {t.id: t.title for t in inst.themes}
    statements.write_statement_table(ws, cells.rows_below(last + 2, chart), inst, records, lambda i: theme_titles[i.theme_id])
    cells.finish(ws, statements.STATEMENT_SHEET_WIDTHS, printed_columns=statements.PRINTED_COLUMNS)


def about_rows() -> list[tuple[str, str]]:
    inst = instrument()
    return [(f"{inst.title}: instrument", f"{inst.id} version {inst.version}"), (f"{inst.title}: method", METHOD)]


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/diagnostics/conditions.py",)
NEEDS: tuple[str, ...] = ()
ROOM_VIEWS = {"Conditions": "themes"}
ROOM_SHEET = "themes"
COMPARES = "themes"


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return load_current(_read_page, INSTRUMENT_FILE)


def _read_page(path: Path) -> PageWording:
    return read_page(path, read_yaml(path), PAGE_SCRIPTS)


def item_texts() -> dict[str, str]:
    return {i.id: i.text for i in instrument().items}


def survey_questions() -> list[SurveyQuestion]:
    inst = instrument()
    return statements.survey_questions(inst.items, inst.scale, inst.dont_know)


def theme_groups() -> tuple[str, dict[str, str]]:
    return "Part", {p.id: p.title for p in instrument().parts}


def theme_charts() -> dict[str, tuple[str, str]]:
    return {}  # every part reads the same way: one chart
