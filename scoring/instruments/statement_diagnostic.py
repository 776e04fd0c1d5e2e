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
from scoring.contract import PageWording, Section, SurveyQuestion
from scoring.excel import cells
from scoring.instruments import loading, statements
from scoring.instruments.loading import (
    InstrumentError,
    describe,
    load_current,
    read_page,
    read_yaml,
    require_id,
    require_text,
)
from scoring.instruments.versions import load_history

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


@dataclass(frozen=True, kw_only=True)
class Instrument(statements.StatementInstrument):
    method: str
    sheet: str
    group_heading: str
    groups: tuple[Group, ...]
    page: PageWording


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
    seen: set[str] = set()
    groups = []
    for number, entry in enumerate(content.get("groups") or [], start=1):
        if not isinstance(entry, dict):
            raise InstrumentError(path, f"group {number}", "must be a mapping with id and title")
        where = describe(entry, "group", number)
        groups.append(Group(require_id(path, where, entry, seen), require_text(path, where, entry, "title")))
    common = statements.read_statements(path, content, seen, group_key="group", group_ids=[g.id for g in groups] if groups else None)
    sheet = str(content.get("sheet") or common["title"])[:31]
    if SHEET_FORBIDDEN & set(sheet) or not sheet.strip():
        raise InstrumentError(path, "sheet", f"an Excel sheet's name cannot hold {' '.join(sorted(SHEET_FORBIDDEN))}: give 'sheet' a plain name")
    return Instrument(
        id=diagnostic_id,
        version=version,
        method=require_text(path, "file", content, "method", optional=True) or METHOD,
        sheet=sheet,
        group_heading=require_text(path, "group_heading", content, "group_heading") if groups else "",
        groups=tuple(groups),
        page=read_page(path, content, (SCRIPT,)),
        history=load_history(path, content, version, statements.texts(common["items"])),
        **common,
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
        return statements.theme_scores(inst or self.instrument(), records)

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
        return statements.texts(self.instrument().items)

    def worked_case(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """A case's answers -> theme scores and, when the file has groups, group scores."""
        records = statements.case_records(case)
        groups = {group: numbers.or_none(value) for group, value in self.group_scores(records).items()}
        return {"themes": statements.case_themes(self.theme_scores(records)), "groups": groups}

    def survey_questions(self) -> list[SurveyQuestion]:
        return statements.survey_questions(self.instrument())

    def sections(self) -> tuple[Section, ...]:
        """One per theme, with its statements."""
        inst = self.instrument()
        return tuple(Section(t.id, t.title, tuple(i.id for i in inst.items_of(t.id))) for t in inst.themes)

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
        statements.write_theme_sheet(wb, inst.sheet, inst, records, self.theme_scores(records, inst), "group", self.theme_groups())

    def about_rows(self) -> list[tuple[str, str]]:
        inst = self.instrument()
        return loading.about_rows(inst, inst.method)
