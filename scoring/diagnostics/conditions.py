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
from scoring.contract import PageWording, Section, SurveyQuestion
from scoring.excel import cells
from scoring.figures import PALETTE, theme_bars
from scoring.instruments import loading, statements
from scoring.instruments.loading import (
    DATA_DIR,
    InstrumentError,
    describe,
    load_current,
    page_of,
    read_yaml,
    require_header,
    require_id,
    require_list,
    require_source,
    require_text,
)
from scoring.instruments.versions import load_history

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


@dataclass(frozen=True, kw_only=True)
class Instrument(statements.StatementInstrument):
    parts: tuple[Part, ...]  # each theme's group_id is its part


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    seen: set[str] = set()
    parts = []
    for number, entry in enumerate(require_list(path, content, "parts"), start=1):
        where = describe(entry, "part", number)
        parts.append(Part(require_id(path, where, entry, seen), require_text(path, where, entry, "title"), require_text(path, where, entry, "question")))
        require_source(path, where, entry)
    if tuple(p.id for p in parts) != PARTS:
        raise InstrumentError(path, "parts", f"must be exactly these ids in this order: {', '.join(PARTS)}")
    common = statements.read_statements(path, content, seen, group_key="part", group_ids=PARTS)
    history = load_history(path, content, version, statements.texts(common["items"]))
    return Instrument(id=ID, version=version, parts=tuple(parts), history=history, **common)


def instrument() -> Instrument:
    return load_current(load, INSTRUMENT_FILE)


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    return statements.clean_rating(item_id, record, (i.id for i in instrument().items))


def theme_scores(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """One row per theme: part_id, title, score (0–100, NaN if nothing rated), answered, dont_know."""
    return statements.theme_scores(inst or instrument(), records, "part_id")


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
    statements.write_theme_sheet(wb, "Conditions and practices", inst, records, theme_scores(records, inst), "part_id", theme_groups())


def about_rows() -> list[tuple[str, str]]:
    return loading.about_rows(instrument(), METHOD)


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/diagnostics/conditions.py",)
NEEDS: tuple[str, ...] = ()
ROOM_VIEWS = {"Conditions": "themes"}
ROOM_SHEET = "themes"
COMPARES = "themes"


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return page_of(INSTRUMENT_FILE, PAGE_SCRIPTS)


def worked_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers -> theme and part scores and the practice to work on first."""
    records = statements.case_records(case)
    choice = practice_to_work_on(records)
    return {
        "themes": statements.case_themes(theme_scores(records)),
        "parts": {part: numbers.or_none(value) for part, value in part_scores(records).items()},
        "practice": choice[0] if choice else None,
    }


def item_texts() -> dict[str, str]:
    return statements.texts(instrument().items)


def survey_questions() -> list[SurveyQuestion]:
    return statements.survey_questions(instrument())


def sections() -> tuple[Section, ...]:
    """One per theme, with its statements."""
    inst = instrument()
    return tuple(Section(t.id, t.title, tuple(i.id for i in inst.items_of(t.id))) for t in inst.themes)


def theme_groups() -> tuple[str, dict[str, str]]:
    return "Part", {p.id: p.title for p in instrument().parts}


def theme_charts() -> dict[str, tuple[str, str]]:
    return {}  # every part reads the same way: one chart
