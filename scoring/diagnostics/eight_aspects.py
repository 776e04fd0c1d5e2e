"""Diagnostic 1: the eight aspects of commissioning, and the room for manoeuvre they give.

Usable without Streamlit, e.g. from a notebook:

    >>> from scoring import eight_aspects
    >>> eight_aspects.score({"sd_one_place": 4, "rel_finance": None})["score"]

Method (also in the README and the workbook's "about" sheet): a rating of 1–5 maps to
0, 25, 50, 75, 100; an aspect's score is the weighted mean of its answered factors;
"don't know" and weight 0 leave a factor out; an aspect with nothing to count is NaN.
Overall room for manoeuvre is the mean of the aspects that have a score, each counting
equally, so an aspect with more factors does not dominate.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import pandas as pd
from openpyxl.styles import Font

from scoring import numbers
from scoring.contract import PageWording, Section, SurveyQuestion
from scoring.excel import cells
from scoring.fields import UNSTORABLE
from scoring.instruments import statements
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
from scoring.instruments.versions import History, load_history

ID = "eight_aspects"
INSTRUMENT_FILE = DATA_DIR / "eight_aspects.yaml"

ASPECTS: tuple[str, ...] = (
    "system_design",
    "relationships",
    "capacity_capability",
    "user_outcome_focus",
    "insight_inspiration",
    "policy",
    "process",
    "models_tactics",
)

RATINGS = (1, 2, 3, 4, 5)
EVIDENCE_BASES = {"evidence": "Backed by evidence", "impression": "An impression"}
NOTE_MAX_CHARS = 2000

METHOD = (
    "Each factor is rated 1 (strongly constrains) to 5 (strongly enables); ratings map to "
    "0, 25, 50, 75 and 100. An aspect's score is the weighted mean of its answered factors "
    '(weights 0–3, default 1). "Don\'t know" and weight 0 leave a factor out; an aspect with '
    "nothing to count has no score. Overall room for manoeuvre is the mean of the aspect "
    "scores, each aspect counting equally. 50 means the factors neither enable nor constrain "
    "on balance."
)


@dataclass(frozen=True)
class Aspect:
    id: str
    title: str
    question: str
    source: str


@dataclass(frozen=True)
class Factor:
    id: str
    aspect_id: str
    text: str
    help: str
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
    weight_min: int
    weight_max: int
    weight_default: int
    aspects: tuple[Aspect, ...]
    factors: tuple[Factor, ...]
    history: History | None = None  # scoring/instruments/versions.py

    def aspect(self, aspect_id: str) -> Aspect:
        return next(a for a in self.aspects if a.id == aspect_id)

    def factors_of(self, aspect_id: str) -> list[Factor]:
        return list(self._factors_by_aspect.get(aspect_id, ()))

    @property
    def factor_ids(self) -> list[str]:
        return [f.id for f in self.factors]

    # Worked out once: the live score asks for each aspect's factors on every answer.
    @functools.cached_property
    def _factors_by_aspect(self) -> dict[str, tuple[Factor, ...]]:
        grouped: dict[str, list[Factor]] = {}
        for factor in self.factors:
            grouped.setdefault(factor.aspect_id, []).append(factor)
        return {aspect_id: tuple(factors) for aspect_id, factors in grouped.items()}

    @functools.cached_property
    def factor_id_set(self) -> frozenset[str]:
        return frozenset(f.id for f in self.factors)

    @functools.cached_property
    def factor_texts(self) -> dict[str, str]:
        """{factor id: its text}: read, never changed (each saved answer names its factor)."""
        return {f.id: f.text for f in self.factors}


class AnswerError(ValueError):
    """An answer that does not fit the instrument (unknown item, rating off the scale…)."""


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    """Read and validate an eight-aspects instrument file."""
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    title = require_text(path, "file", content, "title")
    scale, dont_know = _load_scale(path, content)
    weight_min, weight_max, weight_default = _load_weight(path, content)

    aspect_entries = require_list(path, content, "aspects")
    seen: set[str] = set()
    aspects = []
    for number, entry in enumerate(aspect_entries, start=1):
        where = describe(entry, "aspect", number)
        aspect_id = require_id(path, where, entry, seen)
        aspects.append(
            Aspect(
                id=aspect_id,
                title=require_text(path, where, entry, "title"),
                question=require_text(path, where, entry, "question"),
                source=require_source(path, where, entry),
            )
        )
    if tuple(a.id for a in aspects) != ASPECTS:
        raise InstrumentError(path, "aspects", f"must be exactly these ids in this order: {', '.join(ASPECTS)}")

    factors = []
    for number, entry in enumerate(require_list(path, content, "factors"), start=1):
        where = describe(entry, "factor", number)
        factor_id = require_id(path, where, entry, seen)
        aspect_id = entry.get("aspect")
        if aspect_id not in ASPECTS:
            raise InstrumentError(path, where, f"unknown aspect {aspect_id!r}")
        factors.append(
            Factor(
                id=factor_id,
                aspect_id=aspect_id,
                text=require_text(path, where, entry, "text"),
                help=require_text(path, where, entry, "help", optional=True),
                source=require_source(path, where, entry),
                quote=quote_of(entry),
            )
        )
    for aspect in aspects:
        if not any(f.aspect_id == aspect.id for f in factors):
            raise InstrumentError(path, f"aspect {aspect.id!r}", "has no factors")
    # Factors are asked aspect by aspect, whatever order the file lists them in.
    factors.sort(key=lambda f: ASPECTS.index(f.aspect_id))
    return Instrument(
        id=ID,
        title=title,
        version=version,
        intro=require_text(path, "file", content, "intro", optional=True),
        scale=scale,
        dont_know=dont_know,
        weight_min=weight_min,
        weight_max=weight_max,
        weight_default=weight_default,
        aspects=tuple(aspects),
        factors=tuple(factors),
        history=load_history(path, content, version, {f.id: f.text for f in factors}),
    )


def _load_scale(path: Path, content: dict) -> tuple[dict[int, str], str]:
    entries = content.get("scale")
    if not isinstance(entries, list):
        raise InstrumentError(path, "scale", "must list the five points with value and label")
    scale: dict[int, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) or not entry["label"].strip():
            raise InstrumentError(path, f"scale point {number}", "needs a value and a label")
        scale[entry.get("value")] = entry["label"].strip()
    if sorted(scale, key=str) != [1, 2, 3, 4, 5] or len(entries) != 5:
        raise InstrumentError(path, "scale", "must have exactly the values 1, 2, 3, 4, 5, each with a label")
    dont_know = content.get("dont_know")
    if not isinstance(dont_know, str) or not dont_know.strip():
        raise InstrumentError(path, "dont_know", 'needs a label such as "Don\'t know"')
    return dict(sorted(scale.items())), dont_know.strip()


def _load_weight(path: Path, content: dict) -> tuple[int, int, int]:
    weight = content.get("weight")
    if not isinstance(weight, dict):
        raise InstrumentError(path, "weight", "must give min, max and default")
    values = [weight.get(key) for key in ("min", "max", "default")]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise InstrumentError(path, "weight", "min, max and default must be whole numbers")
    low, high, default = values
    if not 0 <= low <= default <= high:
        raise InstrumentError(path, "weight", "needs 0 <= min <= default <= max")
    return low, high, default


def instrument() -> Instrument:
    """The instrument in data/, validated, and loaded again only when the file changes."""
    return load_current(load, INSTRUMENT_FILE)


def items(inst: Instrument | None = None) -> pd.DataFrame:
    """One row per factor statement: item_id, aspect_id, aspect, text, help, source, quote,
    and citation (where it comes from, in plain words)."""
    inst = inst or instrument()
    titles = {a.id: a.title for a in inst.aspects}
    return pd.DataFrame(
        [
            {
                "item_id": f.id,
                "aspect_id": f.aspect_id,
                "aspect": titles[f.aspect_id],
                "text": f.text,
                "help": f.help,
                "source": f.source,
                "quote": f.quote,
                "citation": citation(f.source, f.quote),
            }
            for f in inst.factors
        ]
    )


def rating_to_points(rating: int) -> float:
    return (rating - 1) * 25.0


def score(
    answers: Mapping[str, int | None],
    weights: Mapping[str, float] | None = None,
    inst: Instrument | None = None,
) -> pd.DataFrame:
    """Score per aspect, 0–100, indexed by aspect id in ASPECTS order.

    `answers` maps item id to a rating 1–5, or None for "don't know"; items left out are
    unanswered. `weights` maps item id to its weight (default from the instrument).
    Columns: aspect, score, answered, dont_know, unanswered, excluded (weight 0), items.
    """
    return pd.DataFrame(aspect_rows(answers, weights, inst)).set_index("aspect_id")


def aspect_rows(
    answers: Mapping[str, int | None],
    weights: Mapping[str, float] | None = None,
    inst: Instrument | None = None,
) -> list[dict[str, Any]]:
    """score() as plain rows (one dict per aspect, with aspect_id): the live score under
    each answer is worked out this way, without a DataFrame, on every answer."""
    inst = inst or instrument()
    weights = weights or {}
    known = inst.factor_id_set
    unknown = sorted(set(answers) - known)
    if unknown:
        raise AnswerError(f"unknown item id(s): {', '.join(unknown)}")
    rows = []
    for aspect in inst.aspects:
        total = weighted = 0.0
        answered = dont_know = excluded = 0
        factors = inst.factors_of(aspect.id)
        for factor in factors:
            if factor.id not in answers:
                continue
            rating = answers[factor.id]
            if rating is None:
                dont_know += 1
                continue
            _check_rating(factor.id, rating)
            weight = _weight_of(factor.id, weights, inst)
            answered += 1
            if weight == 0:
                excluded += 1
                continue
            total += weight
            weighted += weight * rating_to_points(int(rating))
        rows.append(
            {
                "aspect_id": aspect.id,
                "aspect": aspect.title,
                "score": weighted / total if total else math.nan,
                "answered": answered,
                "dont_know": dont_know,
                "unanswered": len(factors) - answered - dont_know,
                "excluded": excluded,
                "items": len(factors),
            }
        )
    return rows


def overall(aspect_scores: pd.DataFrame | Mapping[str, float]) -> float:
    """Room for manoeuvre: the mean of the aspects that have a score (NaN if none)."""
    values = aspect_scores["score"] if isinstance(aspect_scores, pd.DataFrame) else aspect_scores.values()
    present = [float(v) for v in values if v is not None and not math.isnan(v)]
    return sum(present) / len(present) if present else math.nan


def _check_rating(item_id: str, rating: Any) -> None:
    if isinstance(rating, bool) or rating not in RATINGS:
        raise AnswerError(f"{item_id}: rating {rating!r} is not one of 1–5 or don't know")


def _weight_of(item_id: str, weights: Mapping[str, float], inst: Instrument) -> float:
    return _checked_weight(item_id, weights.get(item_id, inst.weight_default), inst)


def _checked_weight(item_id: str, weight: Any, inst: Instrument) -> float:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (inst.weight_min <= weight <= inst.weight_max):
        raise AnswerError(f"{item_id}: weight {weight!r} is outside {inst.weight_min}–{inst.weight_max}")
    return float(weight)


# --- Stored answers ----------------------------------------------------------------
# The store keeps one small record per factor: {"rating": 1-5 or None for don't know,
# "weight": int, "basis": "evidence" | "impression" | None, "note": str}. A record with
# no "rating" key is a factor whose details were filled in before it was rated.


def clean_record(item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None, inst: Instrument | None = None) -> dict:
    """A stored-answer record checked against the instrument, exactly as typed input is."""
    inst = inst or instrument()
    if item_id not in inst.factor_id_set:
        raise AnswerError(f"unknown item id {item_id!r}")
    unexpected = set(record) - {"rating", "weight", "basis", "note"}
    if unexpected:
        raise AnswerError(f"{item_id}: unexpected field(s) {', '.join(sorted(unexpected))}")
    cleaned: dict[str, Any] = {}
    if "rating" in record:
        if record["rating"] is not None:
            _check_rating(item_id, record["rating"])
        cleaned["rating"] = record["rating"]
    weight = record.get("weight", inst.weight_default)
    if isinstance(weight, bool) or not isinstance(weight, int):
        raise AnswerError(f"{item_id}: weight {weight!r} must be a whole number")
    _weight_of(item_id, {item_id: weight}, inst)
    cleaned["weight"] = weight
    basis = record.get("basis")
    if basis is not None and basis not in EVIDENCE_BASES:
        raise AnswerError(f"{item_id}: basis {basis!r} must be one of {', '.join(EVIDENCE_BASES)}")
    cleaned["basis"] = basis
    note = record.get("note") or ""
    if not isinstance(note, str):
        raise AnswerError(f"{item_id}: note must be text")
    note = UNSTORABLE.sub("", note)
    if len(note) > NOTE_MAX_CHARS:
        raise AnswerError(f"{item_id}: note is longer than {NOTE_MAX_CHARS} characters")
    cleaned["note"] = note
    return cleaned


def today_records(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> dict[str, Mapping[str, Any]]:
    """Stored records as this version asks them: an answer saved under a factor id of an
    earlier version (before the app was updated) is carried to the factor asked now when
    the factor was only reworded, and left out when its meaning changed (the history)."""
    history = (inst or instrument()).history
    return history.as_today(records) if history else dict(records)


def split_records(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> tuple[dict, dict]:
    """Stored records -> (answers, weights) as score() takes them, as this version asks them."""
    records = today_records(records, inst)
    answers = {item: rec["rating"] for item, rec in records.items() if "rating" in rec}
    weights = {item: rec.get("weight", 1) for item, rec in records.items()}
    return answers, weights


def score_records(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """score() of stored records."""
    answers, weights = split_records(records, inst)
    return score(answers, weights, inst)


def progress(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> tuple[int, int]:
    """(factors rated or marked don't know, factors in the instrument): what
    aspect_progress() sums to (tests check it), counted over the records given rather than
    over every factor: the shared screen counts each of a room's 400 people on a change."""
    inst = inst or instrument()
    known = inst.factor_id_set
    return sum(1 for item_id, record in records.items() if item_id in known and "rating" in record), len(known)


class LiveSummary(NamedTuple):
    """What the live panel beside the questions shows after each answer."""

    bars: tuple[tuple[str, float, int, int], ...]  # per aspect: title, score, factors answered (or don't know), factors
    dont_know: int
    room: float  # room for manoeuvre, as overall() gives it

    @property
    def done(self) -> int:
        """Factors answered or marked don't know."""
        return sum(bar[2] for bar in self.bars)

    @property
    def total(self) -> int:
        return sum(bar[3] for bar in self.bars)


def live_summary(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> LiveSummary:
    """split_records(), aspect_rows(), overall() and aspect_progress() as the live panel
    uses them, in one pass over the factors and with the same numbers (tests check it):
    it runs on every answer in a room, where the four took about 50 µs of an answer's
    ~3 ms of server time, this 24 µs (timeit, half the factors answered)."""
    inst = inst or instrument()
    today = today_records(records, inst)
    bars, scores = [], []
    dont_know = 0
    for aspect in inst.aspects:
        factors = inst.factors_of(aspect.id)
        weight_sum = weighted = 0.0
        answered = 0
        for factor in factors:
            answered += "rating" in records.get(factor.id, ())  # progress, over the records as stored
            record = today.get(factor.id)
            if record is None or "rating" not in record:
                continue
            rating = record["rating"]
            if rating is None:
                dont_know += 1
                continue
            _check_rating(factor.id, rating)
            weight = _checked_weight(factor.id, record.get("weight", 1), inst)  # as split_records() defaults it
            if weight:
                weight_sum += weight
                weighted += weight * rating_to_points(int(rating))
        score = weighted / weight_sum if weight_sum else math.nan
        if weight_sum:
            scores.append(score)
        bars.append((aspect.title, score, answered, len(factors)))
    room = sum(scores) / len(scores) if scores else math.nan
    return LiveSummary(tuple(bars), dont_know, room)


def aspect_progress(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> dict[str, tuple[int, int]]:
    """Per aspect, in the instrument's order: {aspect id: (factors rated or marked don't
    know, factors)}."""
    inst = inst or instrument()
    per_aspect = {}
    for aspect in inst.aspects:
        factors = inst.factors_of(aspect.id)
        per_aspect[aspect.id] = (sum(1 for f in factors if "rating" in records.get(f.id, {})), len(factors))
    return per_aspect


def answer_table(records: Mapping[str, Mapping[str, Any]], inst: Instrument | None = None) -> pd.DataFrame:
    """Every factor with its answer, weight, basis and note: one row each, in order."""
    inst = inst or instrument()
    table = items(inst)
    rating_labels = {**inst.scale, None: inst.dont_know}

    def field(item_id: str, key: str, default: Any = None) -> Any:
        return records.get(item_id, {}).get(key, default)

    ratings = [field(i, "rating") for i in table["item_id"]]
    table["rating"] = pd.array(ratings, dtype="Int64")
    table["answer"] = [rating_labels[field(i, "rating")] if "rating" in records.get(i, {}) else "Not answered" for i in table["item_id"]]
    table["points"] = [rating_to_points(r) if r is not None else math.nan for r in ratings]
    table["weight"] = [field(i, "weight", inst.weight_default) for i in table["item_id"]]
    table["basis"] = [EVIDENCE_BASES.get(field(i, "basis"), "") for i in table["item_id"]]
    table["note"] = [field(i, "note", "") for i in table["item_id"]]
    return table


def enablers_and_constraints(records: Mapping[str, Mapping[str, Any]], limit: int = 5, inst: Instrument | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The strongest enablers (rated 4–5) and constraints (rated 1–2), weightier first.

    Factors with weight 0 are left out: the user said they do not count here.
    """
    table = answer_table(records, inst)
    counted = table[table["rating"].notna() & (table["weight"] > 0)]
    enablers = counted[counted["rating"] >= 4].sort_values(["rating", "weight"], ascending=[False, False], kind="stable")
    constraints = counted[counted["rating"] <= 2].sort_values(["rating", "weight"], ascending=[True, False], kind="stable")
    return enablers.head(limit), constraints.head(limit)


# --- Excel ------------------------------------------------------------------------


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    """This diagnostic's block on the Summary sheet: scores and a native radar chart.

    `response` is every stored record of the respondent, by diagnostic id.
    Returns the next free row.
    """

    inst = instrument()
    records = response.get(ID, {})
    scores = score_records(records, inst)
    room = overall(scores)
    cells.put(ws, top, 1, inst.title).font = Font(bold=True, size=14)
    cells.put(ws, top + 1, 1, "Overall room for manoeuvre (0–100)").font = Font(bold=True)
    cells.put(ws, top + 1, 2, room if not math.isnan(room) else "No answers yet", "0")
    done, total = progress(records, inst)
    dont_know = int(scores["dont_know"].sum())
    cells.put(ws, top + 2, 1, "Factors answered")
    cells.put(ws, top + 2, 2, f"{done} of {total} ({dont_know} don't know)")

    header = top + 4
    last = cells.write_table(
        ws,
        header,
        ["Aspect", "Score (0–100)", "Rated", "Don't know", "Not answered"],
        ([row.aspect, None if math.isnan(row.score) else row.score, row.answered, row.dont_know, row.unanswered] for row in scores.itertuples()),
        number_formats={"Score (0–100)": "0"},
    )
    chart = cells.radar_chart(ws, header=header, last=last, data_columns=[2], title="Room for manoeuvre by aspect (0–100)")
    chart.legend = None
    chart.height, chart.width = 10, 16
    ws.add_chart(chart, f"A{last + 2}")  # below its table, so the page keeps its width

    row = cells.rows_below(last + 2, chart)
    enablers, constraints = enablers_and_constraints(records, inst=inst)
    for heading, table in (("Strongest enablers", enablers), ("Strongest constraints", constraints)):
        cells.put(ws, row, 1, heading).font = Font(bold=True)
        if table.empty:
            cells.put(ws, row + 1, 1, "None rated yet")
            row += 3
            continue
        row = (
            cells.write_table(
                ws,
                row + 1,
                ["Factor (aspect)", "Answer", "Weight"],
                ([f"{r.text} ({r.aspect})", r.answer, r.weight] for r in table.itertuples()),
                wrap=["Factor (aspect)", "Answer"],
            )
            + 2
        )
    return row


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    """The sheet of every answer, with weights, evidence and notes."""

    ws = wb.create_sheet("Eight aspects answers")
    table = answer_table(response.get(ID, {}))
    headers = ["Aspect", "Factor", "Answer", "Rating (1–5)", "Points (0–100)", "Weight", "Evidence or impression", "Note", "Source", statements.QUOTE_HEADER]
    table["reference"] = table["source"].map(source_reference)
    cells.write_table(
        ws,
        1,
        headers,
        table[["aspect", "text", "answer", "rating", "points", "weight", "basis", "note", "reference", "citation"]]
        .astype(object)
        .where(lambda frame: frame.notna(), None)
        .itertuples(index=False),
        number_formats={"Points (0–100)": "0"},
        wrap=["Aspect", "Factor", "Answer", "Rating (1–5)", "Points (0–100)", "Evidence or impression", "Note", statements.QUOTE_HEADER],
    )
    ws.freeze_panes = "A2"
    # The seed's quote is read on screen; printed, it made each row ten lines tall.
    cells.finish(ws, {1: 14, 2: 32, 3: 13, 4: 7, 5: 7, 6: 7, 7: 12, 8: 28, 9: 9, 10: 110}, printed_columns=9)


def about_rows() -> list[tuple[str, str]]:
    inst = instrument()
    scale = "; ".join(f"{value} = {label}" for value, label in inst.scale.items())
    return [
        (f"{inst.title}: instrument", f"{inst.id} version {inst.version}"),
        (f"{inst.title}: scale", f"{scale}; or {inst.dont_know}. Weights {inst.weight_min}–{inst.weight_max}, default {inst.weight_default}."),
        (f"{inst.title}: method", METHOD),
    ]


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/diagnostics/eight_aspects.py", "views/diagnostics/results.py")
NEEDS: tuple[str, ...] = ()
ROOM_VIEWS = {"Room's profile": "aspect_profile", "Where the room disagrees": "disagreement", "By role": "by_role"}
ROOM_SHEET = ""
COMPARES = "aspects"


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return page_of(INSTRUMENT_FILE, PAGE_SCRIPTS)


def item_texts() -> dict[str, str]:
    return dict(instrument().factor_texts)


def worked_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers ({factor id: rating}, or `answer_all` for every factor) and
    optional weights -> each aspect's score and don't-knows, and the overall score."""
    answers = case.get("answers") or {}
    if "answer_all" in case:
        answers = {factor_id: case["answer_all"] for factor_id in instrument().factor_ids}
    scores = score(answers, case.get("weights"))
    return {
        "scores": {aspect: numbers.or_none(value) for aspect, value in scores["score"].items()},
        "overall": numbers.or_none(overall(scores)),
        "dont_know": scores["dont_know"].to_dict(),
    }


def survey_questions() -> list[SurveyQuestion]:
    inst = instrument()
    return [SurveyQuestion(f.id, f.text, "rating", dict(inst.scale), inst.dont_know) for f in inst.factors]


def sections() -> tuple[Section, ...]:
    """One per aspect, with its factors."""
    inst = instrument()
    return tuple(Section(a.id, a.title, tuple(f.id for f in inst.factors_of(a.id))) for a in inst.aspects)
