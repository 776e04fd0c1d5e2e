"""Diagnostic 4: what are we tolerating? (source 000_80427d57362e641e.txt)

Six areas commissioners end up tolerating, each with the statement that signals it. For
each: how often it is heard or said, its impact on children and families, the evidence,
and whose gift it is to change. Three modes (self-reflection, team discussion, provider
dialogue) change the wording, not the scoring.

Method: priority = how often (0 never … 3 it is the norm) x impact (1 low … 3 high), so
0–9. The things to stop first are the areas with the highest priority (at most three, and
only those heard at all); a tie goes first to what is ours to change, then to what we can
influence, then to what needs innovation, and last to what is outside our control, since
that is the order in which stopping can start.

Whose gift it is to change takes the development plan's four classes (in our control,
influenceable, out of our control, needs innovation: seed 003's development plan
questions), stored under the tolerance ids it has always used (GIFT_IDS).

Stored records (diagnostic "tolerance"): "mode" -> {"mode": id};
"area:<id>" -> {"frequency": 0–3, "impact": 1–3, "evidence": text, "gift": id}.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl.styles import Font

from scoring import numbers
from scoring.contract import PageWording, Section, SurveyQuestion
from scoring.diagnostics.eight_aspects import ASPECTS
from scoring.excel import cells
from scoring.fields import clean_text
from scoring.figures import PALETTE, labelled_bars
from scoring.instruments import loading
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
from scoring.instruments.versions import History, load_history

ID = "tolerance"
INSTRUMENT_FILE = DATA_DIR / "tolerance.yaml"
MODES = ("self_reflection", "team_discussion", "provider_dialogue")
AREAS = (
    "waiting_lists",
    "staff_turnover",
    "activity_accountability",
    "weak_impact_data",
    "siloed_learning",
    "commissioning_disconnect",
)
# Whose gift it is to change: each development plan class and the id a tolerance answer
# stores it under. "innovation" was added later; the first three keep stored answers valid.
GIFT_IDS = {"in_control": "ours", "influenceable": "influence", "out_of_control": "outside", "needs_innovation": "innovation"}
# The scoring rests on these values; their labels are in the data file.
SCALE_VALUES = {"frequency": (0, 1, 2, 3), "impact": (1, 2, 3), "gift": tuple(GIFT_IDS.values())}
# Ties in "stop first" go to where stopping can start soonest.
STOP_ORDER = ("ours", "influence", "innovation", "outside")
EVIDENCE_LIMIT = 2000
STOP_FIRST = 3
MODE = "mode"

METHOD = (
    "Priority = how often it is heard or said (0 never, 1 sometimes, 2 often, 3 it is the norm) "
    "x its impact on children and families (1 low, 2 medium, 3 high), so 0–9. The things to stop "
    "first are the areas with the highest priority (at most three, only those heard at all); a tie "
    "goes to what is ours to change, then what we can influence."
)


@dataclass(frozen=True)
class Mode:
    id: str
    title: str
    note: str


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    statement: str
    description: str
    aspect_id: str
    prompts: dict[str, str]
    source: str


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    intro: str
    scales: dict[str, dict]
    modes: tuple[Mode, ...]
    areas: tuple[Area, ...]
    history: History | None = None  # scoring/instruments/versions.py

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    scales = _load_scales(path, content)
    seen: set[str] = set()
    modes = []
    for number, entry in enumerate(require_list(path, content, "modes"), start=1):
        where = describe(entry, "mode", number)
        modes.append(Mode(require_id(path, where, entry, seen), require_text(path, where, entry, "title"), require_text(path, where, entry, "note")))
    if tuple(m.id for m in modes) != MODES:
        raise InstrumentError(path, "modes", f"must be exactly these ids in this order: {', '.join(MODES)}")
    areas = []
    for number, entry in enumerate(require_list(path, content, "areas"), start=1):
        where = describe(entry, "area", number)
        area_id = require_id(path, where, entry, seen)
        if entry.get("aspect") not in ASPECTS:
            raise InstrumentError(path, where, f"unknown aspect {entry.get('aspect')!r}")
        prompts = entry.get("prompts")
        if not isinstance(prompts, dict) or set(prompts) != set(MODES):
            raise InstrumentError(path, where, f"'prompts' must give a wording for each mode: {', '.join(MODES)}")
        areas.append(
            Area(
                id=area_id,
                title=require_text(path, where, entry, "title"),
                statement=require_text(path, where, entry, "statement"),
                description=require_text(path, where, entry, "description"),
                aspect_id=entry["aspect"],
                prompts={mode: require_text(path, f"{where}, prompt {mode}", prompts, mode) for mode in MODES},
                source=require_source(path, where, entry),
            )
        )
    if tuple(a.id for a in areas) != AREAS:
        raise InstrumentError(path, "areas", f"must be exactly these ids in this order: {', '.join(AREAS)}")
    return Instrument(
        id=ID,
        title=require_text(path, "file", content, "title"),
        version=version,
        intro=require_text(path, "file", content, "intro", optional=True),
        scales=scales,
        modes=tuple(modes),
        areas=tuple(areas),
        history=load_history(path, content, version, {a.id: a.title for a in areas}, item_changes=False),
    )


def _load_scales(path: Path, content: dict) -> dict[str, dict]:
    raw = content.get("scales")
    if not isinstance(raw, dict):
        raise InstrumentError(path, "scales", f"must give the options for {', '.join(SCALE_VALUES)}")
    scales = {}
    for field, values in SCALE_VALUES.items():
        entries = raw.get(field)
        if not isinstance(entries, list):
            raise InstrumentError(path, f"scales, {field}", "must list value and label pairs")
        options = {e.get("value"): e.get("label") for e in entries if isinstance(e, dict)}
        if tuple(options) != values or not all(isinstance(label, str) and label.strip() for label in options.values()):
            shown = ", ".join(map(str, values))
            raise InstrumentError(path, f"scales, {field}", f"must have exactly the values {shown}, in that order, each with a label")
        scales[field] = options
    return scales


def instrument() -> Instrument:
    return load_current(load, INSTRUMENT_FILE)


def area_key(area_id: str) -> str:
    return f"area:{area_id}"


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
    if item_id == MODE:
        if record.get("mode") not in MODES:
            raise ValueError(f"mode must be one of: {', '.join(MODES)}")
        return {"mode": record["mode"]}
    area_id = item_id.removeprefix("area:")
    if not item_id.startswith("area:") or area_id not in AREAS:
        raise ValueError(f"unknown tolerance entry {item_id!r}")
    scales = instrument().scales
    cleaned: dict[str, Any] = {}
    for field in ("frequency", "impact"):
        value = record.get(field)
        if value is not None:
            if isinstance(value, bool) or value not in scales[field]:
                raise ValueError(f"{field} {value!r} must be one of: {', '.join(scales[field].values())}")
            cleaned[field] = value
    gift = record.get("gift")
    if gift is not None and gift not in scales["gift"]:
        raise ValueError(f"whose gift {gift!r} must be one of: {', '.join(scales['gift'].values())}")
    cleaned["gift"] = gift
    cleaned["evidence"] = clean_text(record.get("evidence"), "The evidence", limit=EVIDENCE_LIMIT)
    return cleaned


def mode(records: Mapping[str, dict]) -> str:
    return (records.get(MODE) or {}).get("mode", MODES[0])


def profile(records: Mapping[str, dict], inst: Instrument | None = None) -> pd.DataFrame:
    """One row per area: frequency, impact, priority (0–9, NaN until both are given), gift."""
    inst = inst or instrument()
    rows = []
    for area in inst.areas:
        record = records.get(area_key(area.id), {})
        frequency, impact = record.get("frequency"), record.get("impact")
        rows.append(
            {
                "area_id": area.id,
                "title": area.title,
                "frequency": frequency,
                "impact": impact,
                "priority": frequency * impact if frequency is not None and impact is not None else float("nan"),
                "gift": record.get("gift"),
                "evidence": record.get("evidence", ""),
            }
        )
    return pd.DataFrame(rows)


def stop_first(records: Mapping[str, dict], inst: Instrument | None = None) -> pd.DataFrame:
    """The areas to stop tolerating first, with the reasoning, best first."""
    inst = inst or instrument()
    frequency, impact, gifts = (inst.scales[f] for f in ("frequency", "impact", "gift"))
    table = profile(records, inst)
    table = table[table["priority"] > 0].copy()
    gift_order = {key: n for n, key in enumerate(STOP_ORDER)}
    table["gift_order"] = [gift_order.get(g, len(STOP_ORDER)) if isinstance(g, str) else len(STOP_ORDER) for g in table["gift"]]
    table["order"] = [AREAS.index(a) for a in table["area_id"]]
    table = table.sort_values(["priority", "gift_order", "order"], ascending=[False, True, True], kind="stable").head(STOP_FIRST)
    table["why"] = [
        f"How often: {frequency[int(r.frequency)].lower()} ({int(r.frequency)}) x impact: {impact[int(r.impact)].lower()} ({int(r.impact)}) = {int(r.priority)} of 9"
        + (f"; {gifts[r.gift].lower()}" if isinstance(r.gift, str) else "")
        for r in table.itertuples()
    ]
    return table.drop(columns=["gift_order", "order"]).reset_index(drop=True)


def action_for(area: Area) -> dict:
    """A development-plan action proposed from an area to stop tolerating."""
    return {
        "aspect_id": area.aspect_id,
        "action": f'Stop tolerating: {area.title.lower()} ("{area.statement}")',
        "owner": "",
        "due": "",
        "measure": "",
        "status": "not_started",
        "origin": f"What are we tolerating: {area.title}",
    }


def progress(records: Mapping[str, dict]) -> tuple[int, int]:
    done = sum(1 for a in AREAS if {"frequency", "impact"} <= set(records.get(area_key(a), {})))
    return done, len(AREAS)


def profile_chart(table: pd.DataFrame):
    """Priority per area (0–9), the value written on each bar; areas not rated are named."""
    return labelled_bars(
        list(table["title"]),
        [float(p) for p in table["priority"]],
        maximum=9,
        tickvals=[0, 3, 6, 9],
        axis_title="Priority to stop (0–9)",
        colour=PALETTE[5],
        height=520,
    )


# --- Excel ------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    table = stop_first(response.get(ID, {}))
    counts = {f"Stop first: {r.title}": int(r.priority) for r in table.itertuples()}
    return cells.counts_block(ws, top, "What are we tolerating? Priority to stop (0–9)", counts, "Not answered yet")


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    records = response.get(ID, {})
    inst = instrument()
    table = profile(records, inst)
    ws = wb.create_sheet("Tolerating")
    row = cells.title(ws, inst.title, f"Mode: {next(m.title for m in inst.modes if m.id == mode(records))}. Priority = how often x impact (0–9).")
    statements = {a.id: a.statement for a in inst.areas}
    last = cells.write_table(
        ws,
        row,
        ["Area", "Priority (0–9)", "Tolerance statement", "How often", "Impact", "Whose gift", "Evidence"],
        (
            [
                r.title,
                None if pd.isna(r.priority) else int(r.priority),
                statements[r.area_id],
                "" if pd.isna(r.frequency) else inst.scales["frequency"][int(r.frequency)],
                "" if pd.isna(r.impact) else inst.scales["impact"][int(r.impact)],
                inst.scales["gift"].get(r.gift, "") if isinstance(r.gift, str) else "",
                r.evidence,
            ]
            for r in table.itertuples()
        ),
        wrap=["Area", "Tolerance statement", "Evidence"],
    )
    cells.bar_chart(ws, title="Priority to stop (0–9)", header=row, last=last, label_column=1, value_column=2, maximum=9, anchor=f"A{last + 3}", size=(9, 18))
    cells.put(ws, last + 2, 1, "Priority by area").font = Font(bold=True)
    cells.finish(ws, {1: 24, 2: 10, 3: 34, 4: 14, 5: 10, 6: 14, 7: 30})


def about_rows() -> list[tuple[str, str]]:
    return loading.about_rows(instrument(), METHOD)


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/diagnostics/tolerance.py",)
NEEDS: tuple[str, ...] = ()
ROOM_VIEWS = {"Tolerating": "tolerance"}
ROOM_SHEET = "tolerance"
COMPARES = "tolerance"


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return page_of(INSTRUMENT_FILE, PAGE_SCRIPTS)


# A survey column of an area must name its field: the three share the area's statement.
SURVEY_FIELDS = {
    "frequency": ("how often it is heard or said", ("how often", "frequency", "frequently", "heard or said")),
    "impact": ("its impact on children and families", ("impact",)),
    "gift": ("whose gift it is to change", ("gift", "whose", "who can change")),
}


def worked_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers ({area id: {frequency, impact, gift}}) -> each area's priority and
    the areas to stop first."""
    records = {area_key(area): record for area, record in case["answers"].items()}
    priority = profile(records).set_index("area_id")["priority"]
    return {"priority": {area: numbers.or_none(value) for area, value in priority.items()}, "stop_first": list(stop_first(records)["area_id"])}


def item_texts() -> dict[str, str]:
    return {MODE: "Mode", **{area_key(a.id): f"{a.title} (\u201c{a.statement}\u201d)" for a in instrument().areas}}


def survey_questions() -> list[SurveyQuestion]:
    """Each area's how often, impact and whose gift, three questions sharing its statement."""
    inst = instrument()
    return [
        SurveyQuestion(
            area_key(area.id),
            f"{area.title}: {question}",
            field,
            dict(inst.scales[field]),
            None,
            codes=(f"{area_key(area.id)} {field}", f"{area.id} {field}"),
            phrases=(area.statement, area.title),
            must_say=keywords,
        )
        for area in inst.areas
        for field, (question, keywords) in SURVEY_FIELDS.items()
    ]


def sections() -> tuple[Section, ...]:
    """One per area (its how often, impact and whose gift)."""
    return tuple(Section(area.id, area.title, (area_key(area.id),)) for area in instrument().areas)
