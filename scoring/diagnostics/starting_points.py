"""Diagnostic 5: starting points and support needs (source 002_a1de31909fe06895.txt).

Statements rated 1–5 for how true they are, in seven themes: four describe the starting
point (mindset, history, leadership, structures; true = a good start) and three the
support needs (talent, capacity, outcomes; true = a greater need).

Method: ratings map to 0–100 and a theme's score is the mean of its answered statements.
Support needs are ranked by their score, greatest need first. The kinds of support the
research recommends follow from the profile:
- initial assessment and listening: always the first step (the research begins every
  place's support there), and the whole of it while the profile is still unknown;
- bespoke support: for each starting-point theme that scores below 50;
- generic tools: for each support need that scores 50 or more.

Facts about the place (such as a history of intervention) are recorded as context,
answered yes, no or not sure, and never scored.

Stored records (diagnostic "starting_points"): item id -> {"rating": 1–5 or None}; a
context fact's id -> {"answer": "yes" | "no" | "not_sure"}.
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
from scoring.diagnostics import capacity, stakeholder_map
from scoring.excel import cells
from scoring.instruments import loading, statements
from scoring.instruments.loading import (
    DATA_DIR,
    InstrumentError,
    citation,
    describe,
    load_current,
    page_of,
    quote_of,
    read_yaml,
    require_header,
    require_id,
    require_list,
    require_source,
    require_text,
    source_reference,
)
from scoring.instruments.versions import load_history

ID = "starting_points"
INSTRUMENT_FILE = DATA_DIR / "starting_points.yaml"
PROFILE_THEMES = ("mindset", "history", "leadership", "structures")
NEED_THEMES = ("talent", "capacity", "outcomes")
SUPPORT_KINDS = ("initial_assessment", "bespoke_support", "generic_tools")
WEAK_BELOW = 50
FACT_ANSWERS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}  # context facts: recorded, not scored
NEED_FROM = 50

METHOD = (
    "Each statement is rated 1 (not at all true) to 5 (very true), mapped to 0–100; a theme's score "
    'is the mean of its answered statements ("don\'t know" left out). Starting-point themes: higher '
    "is a better start. Support needs: higher is a greater need, and they are ranked by it. Initial "
    "assessment and listening is always the first step; bespoke support is suggested for each "
    f"starting-point theme below {WEAK_BELOW}; generic tools for each support need of {NEED_FROM} or more."
)


@dataclass(frozen=True)
class Fact:
    """A fact about the place, recorded as context: answered yes, no or not sure, never scored."""

    id: str
    text: str
    source: str = ""
    quote: str = ""


@dataclass(frozen=True)
class SupportKind:
    id: str
    title: str
    description: str


@dataclass(frozen=True, kw_only=True)
class Instrument(statements.StatementInstrument):
    support_kinds: tuple[SupportKind, ...]  # each theme's group_id is its kind: profile or need
    context: tuple[Fact, ...] = ()


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    seen: set[str] = set()
    common = statements.read_statements(path, content, seen, group_key="kind", group_ids=("profile", "need"))
    themes = common["themes"]
    if tuple(t.id for t in themes) != PROFILE_THEMES + NEED_THEMES:
        raise InstrumentError(path, "themes", f"must be exactly these ids in this order: {', '.join(PROFILE_THEMES + NEED_THEMES)}")
    if any((t.group_id == "need") != (t.id in NEED_THEMES) for t in themes):
        raise InstrumentError(path, "themes", f"{', '.join(NEED_THEMES)} are the needs; the others are the profile")
    facts = []
    for number, entry in enumerate(content.get("context") or [], start=1):
        where = describe(entry, "context fact", number) if isinstance(entry, dict) else f"context fact {number}"
        if not isinstance(entry, dict):
            raise InstrumentError(path, where, "must be a mapping with id, text and source")
        facts.append(Fact(require_id(path, where, entry, seen), require_text(path, where, entry, "text"), require_source(path, where, entry), quote_of(entry)))
    kinds = []
    for number, entry in enumerate(require_list(path, content, "support_kinds"), start=1):
        where = describe(entry, "support kind", number)
        require_source(path, where, entry)
        kinds.append(
            SupportKind(require_id(path, where, entry, seen), require_text(path, where, entry, "title"), require_text(path, where, entry, "description"))
        )
    if tuple(k.id for k in kinds) != SUPPORT_KINDS:
        raise InstrumentError(path, "support_kinds", f"must be exactly these ids in this order: {', '.join(SUPPORT_KINDS)}")
    history = load_history(path, content, version, statements.texts((*common["items"], *facts)))
    return Instrument(id=ID, version=version, support_kinds=tuple(kinds), context=tuple(facts), history=history, **common)


def instrument() -> Instrument:
    return load_current(load, INSTRUMENT_FILE)


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    """A rating, a stakeholder on the map, or the capacity calculator's inputs."""
    if item_id.startswith(stakeholder_map.PREFIX):
        return stakeholder_map.clean(record)
    if item_id == capacity.KEY:
        return capacity.clean(record)
    if item_id in {f.id for f in instrument().context}:
        answer = record.get("answer")
        if answer not in FACT_ANSWERS:
            raise ValueError(f"{item_id}: the answer must be one of {', '.join(FACT_ANSWERS)}")
        return {"answer": answer}
    return statements.clean_rating(item_id, record, (i.id for i in instrument().items))


def theme_scores(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """One row per theme: theme_id, kind, title, score (0–100 or NaN), answered, dont_know."""
    return statements.theme_scores(inst or instrument(), records, "kind")


def ranked_needs(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """The support needs, greatest first; needs not rated yet come last."""
    themes = theme_scores(records, inst)
    needs = themes[themes["kind"] == "need"].copy()
    needs["order"] = range(len(needs))
    return needs.sort_values(["score", "order"], ascending=[False, True], na_position="last", kind="stable").drop(columns="order").reset_index(drop=True)


def recommendations(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> list[tuple[str, str]]:
    """(support kind id, why) in the research's order: listening first, then bespoke
    support for weak starting points, then generic tools for pressing needs."""
    inst = inst or instrument()
    themes = theme_scores(records, inst).set_index("theme_id")
    profile = themes[themes["kind"] == "profile"]
    unknown = [t for t in profile.itertuples() if math.isnan(t.score)]
    why_listen = "Support for every place begins with listening and a map of its structures, partners, leaders and champions"
    if unknown:
        why_listen += f"; {len(unknown)} of the starting-point themes are not rated yet"
    advice = [("initial_assessment", why_listen + ".")]
    weak = [f"{t.title.lower()} ({numbers.text(t.score)})" for t in profile.itertuples() if not math.isnan(t.score) and t.score < WEAK_BELOW]
    if weak:
        advice.append(("bespoke_support", f"Starting-point themes below {WEAK_BELOW}: {', '.join(weak)}."))
    pressing = [
        f"{t.title.lower()} ({numbers.text(t.score)})" for t in ranked_needs(records, inst).itertuples() if not math.isnan(t.score) and t.score >= NEED_FROM
    ]
    if pressing:
        advice.append(("generic_tools", f"Support needs of {NEED_FROM} or more: {', '.join(pressing)}."))
    return advice


def progress(records: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    """(statements answered, statements in all)."""
    return statements.progress(records, instrument().items)


# --- Excel ------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    records = response.get(ID, {})
    inst = instrument()
    titles = {k.id: k.title for k in inst.support_kinds}
    counts = {f"Suggested: {titles[kind]}": why for kind, why in recommendations(records, inst)} if records else {}
    return cells.counts_block(ws, top, inst.title, counts, "Not answered yet")


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    records = response.get(ID, {})
    inst = instrument()
    themes = theme_scores(records, inst)
    ws = wb.create_sheet("Starting points")
    row = cells.title(ws, inst.title, "Starting-point themes: higher is a better start. Support needs: higher is a greater need. 0–100.")
    kind_titles = {"profile": "Starting point", "need": "Support need"}
    themes = themes.sort_values("kind", key=lambda kinds: kinds.map({"profile": 0, "need": 1}), kind="stable")
    last = cells.write_table(
        ws,
        row,
        ["Theme", "Score (0–100)", "Kind", "Rated", "Don't know"],
        ([t.title, None if math.isnan(t.score) else t.score, kind_titles[t.kind], t.answered, t.dont_know] for t in themes.itertuples()),
        number_formats={"Score (0–100)": "0"},
    )
    row = statements.group_charts(ws, KIND_CHARTS, header=row, groups=list(themes["kind"]), value_column=2, top=last + 2)
    cells.put(ws, row, 1, "Suggested support").font = Font(bold=True)
    kinds = {k.id: k for k in inst.support_kinds}
    row = (
        cells.write_table(
            ws,
            row + 1,
            ["Support", "What it is", "Why"],  # the long description in the wide column
            ([kinds[kind].title, kinds[kind].description, why] for kind, why in recommendations(records, inst)),
            wrap=["Support", "What it is", "Why"],
        )
        + 2
    )
    labels = {**inst.scale, None: inst.dont_know}
    theme_titles = {t.id: t.title for t in inst.themes}
    cells.write_table(
        ws,
        row,
        statements.STATEMENT_HEADERS,
        (
            [
                theme_titles[i.theme_id],
                i.text,
                labels[records[i.id]["rating"]] if "rating" in records.get(i.id, {}) else "Not answered",
                records.get(i.id, {}).get("rating"),
                source_reference(i.source),
                citation(i.source, i.quote),
            ]
            for i in inst.items
        ),
        wrap=["Statement", statements.QUOTE_HEADER],
    )
    if inst.context:
        row = ws.max_row + 2
        cells.put(ws, row, 1, "Context: facts about the place, recorded, not scored").font = Font(bold=True)
        cells.write_table(
            ws,
            row + 1,
            # The statement table's columns, so the fact has the wide column and its quote is not printed.
            ["Topic", "Fact", "Answer", "Counts in scores", "Source", statements.QUOTE_HEADER],
            (
                [
                    "Context",
                    f.text,
                    FACT_ANSWERS.get(records.get(f.id, {}).get("answer"), "Not answered"),
                    "No",
                    source_reference(f.source),
                    citation(f.source, f.quote),
                ]
                for f in inst.context
            ),
            wrap=["Fact", "Counts in scores", statements.QUOTE_HEADER],
        )
    cells.finish(ws, statements.STATEMENT_SHEET_WIDTHS, printed_columns=statements.PRINTED_COLUMNS)
    write_map_and_capacity(wb, records)


KIND_CHARTS = {
    "profile": ("Starting points: higher is a better start (0–100)", "Starting point (higher is better)"),
    "need": ("Support needs: higher is a greater need (0–100)", "Support need (higher is a greater need)"),
}


def write_map_and_capacity(wb, records: Mapping[str, dict]) -> None:
    """The stakeholder map as a table, and the capacity calculation with its assumption."""
    ws = wb.create_sheet("Stakeholder map")
    row = cells.title(ws, "Critical structures, partners, leaders and champions", "The strength of each relationship as you see it.")
    people = stakeholder_map.table(records)
    cells.write_table(
        ws,
        row,
        ["Name", "Kind", "Role", "Relationship"],
        ([p.name, stakeholder_map.KINDS[p.kind], p.role, stakeholder_map.RELATIONSHIPS[p.relationship]] for p in people.itertuples()),
        wrap=["Name", "Role"],
    )
    cells.finish(ws, {1: 34, 2: 14, 3: 60, 4: 16})

    ws = wb.create_sheet("Capacity")
    values = capacity.inputs(records)
    drivers, totals = capacity.calculate(values)
    row = cells.title(
        ws,
        "Commissioning capacity",
        f"Assumption you can change: {values['hours_per_fte']:,.0f} productive hours a year per full-time person. Not a benchmark.",
    )
    last = cells.write_table(
        ws,
        row,
        ["Driver", "Number", "Hours each a year", "Hours a year", "Share of the total"],
        ([d.label, d.count, d.hours_each, d.hours, d.share] for d in drivers.itertuples()),
        number_formats={"Hours a year": "#,##0", "Share of the total": "0%"},
        wrap=["Driver"],
    )
    for offset, (label, value) in enumerate(
        (
            ("Hours a year in all", totals["hours"]),
            ("Full-time staff needed", totals["fte_needed"]),
            ("Full-time staff in post", totals["fte_in_post"]),
            ("Gap (needed minus in post)", totals["gap"]),
        ),
        start=2,
    ):
        cells.put(ws, last + offset, 1, label).font = Font(bold=True)
        cells.put(ws, last + offset, 4, value, "#,##0.0")
    cells.bar_chart(
        ws,
        title="Hours a year by driver",
        header=row,
        last=last,
        label_column=1,
        value_column=4,
        maximum=max(float(drivers["hours"].max()), 1.0),
        anchor=f"A{last + 7}",
        size=(3 + 0.75 * len(drivers), 16),
    )
    cells.finish(ws, {1: 36, 2: 12, 3: 18, 4: 16, 5: 18})


def about_rows() -> list[tuple[str, str]]:
    return loading.about_rows(instrument(), METHOD)


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/diagnostics/starting_points.py",)
NEEDS: tuple[str, ...] = ()
ROOM_VIEWS = {"Starting points": "themes"}
ROOM_SHEET = "themes"
COMPARES = "themes"


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return page_of(INSTRUMENT_FILE, PAGE_SCRIPTS)


def worked_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers -> theme scores, the needs ranked and the support suggested."""
    records = statements.case_records(case)
    return {
        "themes": statements.case_themes(theme_scores(records)),
        "needs": list(ranked_needs(records)["theme_id"]),
        "support": [kind for kind, _ in recommendations(records)],
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
    return "Kind", {"profile": "Starting point", "need": "Support need"}


def theme_charts() -> dict[str, tuple[str, str]]:
    # Starting points and support needs read in opposite directions: a chart each.
    return KIND_CHARTS
