"""Diagnostic 3: which of the thirteen commissioning approaches fit this place.

Method (also in the README, on the approaches page and the workbook's "about" sheet):

- Each approach relies on each of the eight aspects by a weight 0–3 (data/approaches.yaml,
  each non-zero weight with its reason).
- Feasibility = the mean of the aspect scores weighted by that reliance, but never more
  than HEADROOM[weight] points above the score of any aspect it relies on: 40 above an
  aspect it relies on heavily (3), 60 above one it relies on a lot (2), 80 above one it
  relies on somewhat (1). So a heavy reliance at 0 holds feasibility at 40 or below however
  well the rest scores: a mean cannot average away what an approach cannot do without.
- Desirability (only when priorities are chosen) = how well the approach serves them: the
  mean of its 0–3 profile over the chosen priorities, weighted by their importance, on 0–100.
- Fit = feasibility, or the mean of feasibility and desirability when priorities are
  chosen, held under the same ceilings.
- Coverage = the share of the approach's reliance weight on aspects that have a score. Below
  MIN_COVERAGE the approach is "not enough answers to judge": no fit, no rank.
- Rank: by fit as shown (a whole number, half up); equal shown fits share a rank ("=3").

So raising an aspect's score never lowers the fit of an approach that relies on it (a mean
and a minimum of rising terms both rise), an approach's fit and coverage ignore aspects it
does not rely on, and equal inputs give equal outputs.
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
from scoring.diagnostics import eight_aspects
from scoring.diagnostics.eight_aspects import ASPECTS
from scoring.excel import cells
from scoring.fields import clean_whole
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
from scoring.numbers import shown

ID = "approaches"
INSTRUMENT_FILE = DATA_DIR / "approaches.yaml"

APPROACHES: tuple[str, ...] = (
    "prevention_early_intervention",
    "system_leadership_place",
    "community_development",
    "vcfse_capacity",
    "political_economy",
    "individual_focused",
    "values_based",
    "disruptive",
    "strategic_procurement",
    "contestability",
    "market_management",
    "small_government",
    "in_house_mutual",
)
PRIORITIES: tuple[str, ...] = (
    "lower_cost",
    "community_capacity",
    "choice_control",
    "innovation",
    "local_economy",
    "market_stability",
    "democratic_control",
)
MAX_WEIGHT = 3
MAX_BLEND = 3
# How far fit may rise above the score of an aspect relied on with each weight: the more an
# approach relies on an aspect, the less the others can make up for it.
HEADROOM = {1: 80, 2: 60, 3: 40}
# An approach is judged only when aspects carrying this share of its reliance have a score.
MIN_COVERAGE = 0.8
NOT_JUDGED = "not enough answers to judge"

FIT_RULE = (
    "Fit is the mean of your aspect scores weighted by how much the approach relies on each (0 to 3), "
    "but never more than 40 points above an aspect it relies on heavily, 60 above one it relies on a lot, "
    "or 80 above one it relies on somewhat: so an approach cannot fit well where something it cannot do "
    "without scores low, however well the rest scores."
)

METHOD = (
    f"{FIT_RULE} Each non-zero reliance has its reason. When you choose priorities, desirability is how well "
    "the approach serves them (its 0–3 profile, weighted by how much each priority matters to you, on 0–100), "
    "and fit is the mean of feasibility (the rule above) and desirability, under the same ceilings; otherwise "
    "fit is feasibility. Coverage is the share of an approach's reliance that falls on aspects with a score: "
    f'below {MIN_COVERAGE:.0%} the approach is shown as "{NOT_JUDGED}" and not ranked. Approaches are ranked '
    "by fit as shown (whole numbers, halves rounded up); equal fits share a rank, shown as =3. A gap is how far "
    "an aspect falls short of 100, times the reliance of the chosen approach(es) on it, divided by 3."
)


@dataclass(frozen=True)
class Priority:
    id: str
    title: str
    description: str
    source: str


@dataclass(frozen=True)
class Requirement:
    weight: int
    reason: str


@dataclass(frozen=True)
class Risk:
    id: str
    approach_id: str
    title: str
    description: str
    likelihood: int
    impact: int
    mitigation: str
    source: str


@dataclass(frozen=True)
class Approach:
    id: str
    title: str
    description: str
    source: str
    requirements: dict[str, Requirement]
    priorities: dict[str, int]
    risks: tuple[Risk, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    intro: str
    priorities: tuple[Priority, ...]
    approaches: tuple[Approach, ...]
    history: History | None = None  # scoring/instruments/versions.py

    def approach(self, approach_id: str) -> Approach:
        return next(a for a in self.approaches if a.id == approach_id)

    def weights(self) -> pd.DataFrame:
        """Requirement weights: one row per approach, one column per aspect."""
        return pd.DataFrame(
            [[a.requirements[aspect].weight for aspect in ASPECTS] for a in self.approaches],
            index=[a.id for a in self.approaches],
            columns=list(ASPECTS),
        )


def _whole_number(path: Path, where: str, value, low: int, high: int, what: str) -> int:
    try:
        return clean_whole(value, what, low, high)
    except ValueError as exc:
        raise InstrumentError(path, where, str(exc)) from None


def load(path: Path | str = INSTRUMENT_FILE) -> Instrument:
    """Read and validate an approaches file."""
    path = Path(path)
    content = read_yaml(path)
    version = require_header(path, content, ID)
    seen: set[str] = set()

    priorities = []
    for number, entry in enumerate(require_list(path, content, "priorities"), start=1):
        where = describe(entry, "priority", number)
        priorities.append(
            Priority(
                id=require_id(path, where, entry, seen),
                title=require_text(path, where, entry, "title"),
                description=require_text(path, where, entry, "description"),
                source=require_source(path, where, entry),
            )
        )
    if tuple(p.id for p in priorities) != PRIORITIES:
        raise InstrumentError(path, "priorities", f"must be exactly these ids in this order: {', '.join(PRIORITIES)}")

    approaches = []
    for number, entry in enumerate(require_list(path, content, "approaches"), start=1):
        where = describe(entry, "approach", number)
        approach_id = require_id(path, where, entry, seen)
        approaches.append(
            Approach(
                id=approach_id,
                title=require_text(path, where, entry, "title"),
                description=require_text(path, where, entry, "description"),
                source=require_source(path, where, entry),
                requirements=_load_requirements(path, where, entry),
                priorities=_load_profile(path, where, entry),
                risks=_load_risks(path, where, entry, approach_id, seen),
            )
        )
    found = [a.id for a in approaches]
    missing = [a for a in APPROACHES if a not in found]
    if missing:
        raise InstrumentError(path, "approaches", f"missing approach(es): {', '.join(missing)}")
    if tuple(found) != APPROACHES:
        raise InstrumentError(path, "approaches", f"must be exactly these ids in this order: {', '.join(APPROACHES)}")
    return Instrument(
        id=ID,
        title=require_text(path, "file", content, "title"),
        version=version,
        intro=require_text(path, "file", content, "intro", optional=True),
        priorities=tuple(priorities),
        approaches=tuple(approaches),
        history=load_history(path, content, version, {a.id: a.title for a in approaches}, item_changes=False),
    )


def _load_requirements(path: Path, where: str, entry: dict) -> dict[str, Requirement]:
    raw = entry.get("requirements")
    if not isinstance(raw, dict):
        raise InstrumentError(path, where, "'requirements' must map each of the eight aspects to a weight")
    unknown = sorted(set(raw) - set(ASPECTS))
    if unknown:
        raise InstrumentError(path, where, f"unknown aspect(s) in requirements: {', '.join(map(str, unknown))}")
    missing = [a for a in ASPECTS if a not in raw]
    if missing:
        raise InstrumentError(path, where, f"requirements miss aspect(s): {', '.join(missing)}")
    requirements = {}
    for aspect_id in ASPECTS:
        cell = raw[aspect_id]
        if not isinstance(cell, dict):
            raise InstrumentError(path, f"{where}, {aspect_id}", "must be {weight: 0–3, reason: ...}")
        weight = _whole_number(path, f"{where}, {aspect_id}", cell.get("weight"), 0, MAX_WEIGHT, "weight")
        reason = cell.get("reason") or ""
        if weight and (not isinstance(reason, str) or not reason.strip()):
            raise InstrumentError(path, f"{where}, {aspect_id}", "a non-zero weight needs a reason")
        requirements[aspect_id] = Requirement(weight, str(reason).strip())
    if not any(r.weight for r in requirements.values()):
        raise InstrumentError(path, where, "depends on no aspect: give at least one weight above 0")
    return requirements


def _load_profile(path: Path, where: str, entry: dict) -> dict[str, int]:
    raw = entry.get("priorities")
    if not isinstance(raw, dict) or set(raw) != set(PRIORITIES):
        raise InstrumentError(path, where, f"'priorities' must give 0–3 for each of: {', '.join(PRIORITIES)}")
    return {p: _whole_number(path, f"{where}, priority {p}", raw[p], 0, 3, "value") for p in PRIORITIES}


def _load_risks(path: Path, where: str, entry: dict, approach_id: str, seen: set[str]) -> tuple[Risk, ...]:
    raw = entry.get("risks") or []
    if not isinstance(raw, list):
        raise InstrumentError(path, where, "'risks' must be a list")
    risks = []
    for number, risk in enumerate(raw, start=1):
        if not isinstance(risk, dict):
            raise InstrumentError(path, f"{where}, risk {number}", "must be a mapping")
        risk_where = f"{where}, {describe(risk, 'risk', number)}"
        risks.append(
            Risk(
                id=require_id(path, risk_where, risk, seen),
                approach_id=approach_id,
                title=require_text(path, risk_where, risk, "title"),
                description=require_text(path, risk_where, risk, "description"),
                likelihood=_whole_number(path, risk_where, risk.get("likelihood"), 1, 5, "likelihood"),
                impact=_whole_number(path, risk_where, risk.get("impact"), 1, 5, "impact"),
                mitigation=require_text(path, risk_where, risk, "mitigation", optional=True),
                source=require_source(path, risk_where, risk),
            )
        )
    return tuple(risks)


def instrument() -> Instrument:
    """The approaches in data/, validated, loaded again only when the file changes."""
    return load_current(load, INSTRUMENT_FILE)


# --- Fit -------------------------------------------------------------------------


def _clean_scores(aspect_scores: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(aspect_scores) - set(ASPECTS))
    if unknown:
        raise ValueError(f"unknown aspect(s): {', '.join(unknown)}")
    cleaned = {}
    for aspect_id in ASPECTS:
        value = aspect_scores.get(aspect_id, math.nan)
        value = math.nan if value is None else float(value)
        if not math.isnan(value) and not 0 <= value <= 100:
            raise ValueError(f"{aspect_id}: score {value} is outside 0–100")
        cleaned[aspect_id] = value
    return cleaned


def _clean_priorities(priorities: Mapping[str, float] | None) -> dict[str, float]:
    if not priorities:
        return {}
    unknown = sorted(set(priorities) - set(PRIORITIES))
    if unknown:
        raise ValueError(f"unknown priority(ies): {', '.join(unknown)}")
    cleaned = {}
    for priority_id, importance in priorities.items():
        if isinstance(importance, bool) or not isinstance(importance, (int, float)) or importance < 0:
            raise ValueError(f"{priority_id}: importance {importance!r} must be 0 or more")
        if importance:
            cleaned[priority_id] = float(importance)
    return cleaned


def coverage(approach: Approach, scores: Mapping[str, float]) -> float:
    """The share of the approach's reliance weight on aspects that have a score (0–1)."""
    relied_on = {a: r.weight for a, r in approach.requirements.items() if r.weight}
    scored = sum(w for a, w in relied_on.items() if not math.isnan(scores.get(a, math.nan)))
    return scored / sum(relied_on.values())


def ceiling(approach: Approach, scores: Mapping[str, float]) -> tuple[float, str | None]:
    """The highest fit the scored aspects it relies on allow, and the aspect that sets it
    (None when no aspect holds it below 100)."""
    limit, limited_by = 100.0, None
    for aspect_id, requirement in approach.requirements.items():
        value = scores.get(aspect_id, math.nan)
        if requirement.weight and not math.isnan(value) and value + HEADROOM[requirement.weight] < limit:
            limit, limited_by = value + HEADROOM[requirement.weight], aspect_id
    return limit, limited_by


def weighted_mean(approach: Approach, scores: Mapping[str, float]) -> float:
    total = weighted = 0.0
    for aspect_id, requirement in approach.requirements.items():
        value = scores.get(aspect_id, math.nan)
        if requirement.weight and not math.isnan(value):
            total += requirement.weight
            weighted += requirement.weight * value
    return weighted / total if total else math.nan


def feasibility(approach: Approach, scores: Mapping[str, float]) -> float:
    """The weighted mean of the aspects it relies on, held under each reliance's ceiling."""
    return min(weighted_mean(approach, scores), ceiling(approach, scores)[0])


def desirability(approach: Approach, priorities: Mapping[str, float]) -> float:
    total = sum(priorities.values())
    if not total:
        return math.nan
    return sum(importance * approach.priorities[p] for p, importance in priorities.items()) / (3 * total) * 100


def rank(
    aspect_scores: Mapping[str, float],
    priorities: Mapping[str, float] | None = None,
    inst: Instrument | None = None,
) -> pd.DataFrame:
    """All approaches, best fit first; those with too little coverage last, unranked.

    `aspect_scores` maps aspect ids to 0–100 (NaN or missing: no score). `priorities` maps
    priority ids to their importance (e.g. 1–3; 0 or absent: not a priority).
    Columns: approach_id, title, feasibility, desirability, fit, coverage, judged,
    limited_by (the aspect whose ceiling holds fit down, or None), rank (Int64, NA when not
    judged), rank_label ("3", "=3" for a tie, or NOT_JUDGED), supported_by, held_back_by.
    Feasibility and fit are NaN when the approach is not judged.
    """
    inst = inst or instrument()
    scores = _clean_scores(aspect_scores)
    wanted = _clean_priorities(priorities)
    rows = []
    for approach in inst.approaches:
        covered = coverage(approach, scores)
        judged = covered >= MIN_COVERAGE
        limit, limited_by = ceiling(approach, scores)
        feasible = feasibility(approach, scores) if judged else math.nan
        desirable = desirability(approach, wanted)
        fit = feasible if not wanted or math.isnan(feasible) else min((feasible + desirable) / 2, limit)
        supported, held_back = _strongest_influences(approach, scores)
        rows.append(
            {
                "approach_id": approach.id,
                "title": approach.title,
                "feasibility": feasible,
                "desirability": desirable,
                "fit": fit,
                "coverage": covered,
                "judged": judged,
                "limited_by": limited_by if judged and fit >= limit - 1e-9 else None,
                "supported_by": supported,
                "held_back_by": held_back,
            }
        )
    table = pd.DataFrame(rows)
    table["limited_by"] = table["limited_by"].astype(object).where(table["limited_by"].notna(), None)
    # Ranked by fit as shown, so two fits that show the same number share a rank; ties keep
    # the seed's order, and approaches not judged go last.
    table["order"] = range(len(table))
    table["shown_fit"] = [shown(v) for v in table["fit"]]
    table["shown_fit"] = table["shown_fit"].astype("Float64")
    table = table.sort_values(["shown_fit", "order"], ascending=[False, True], na_position="last", kind="stable")
    table["rank"] = table["shown_fit"].rank(method="min", ascending=False).astype("Int64")
    counts = table["rank"].value_counts()
    table["rank_label"] = [rank_label(r, int(counts.get(r, 0)) > 1) for r in table["rank"]]
    columns = [
        "approach_id",
        "title",
        "feasibility",
        "desirability",
        "fit",
        "coverage",
        "judged",
        "limited_by",
        "rank",
        "rank_label",
        "supported_by",
        "held_back_by",
    ]
    return table[columns].reset_index(drop=True)


def rank_label(rank_number, tied: bool) -> str:
    """ "3", "=3" when another approach shares the rank, or NOT_JUDGED when there is no rank."""
    if pd.isna(rank_number):
        return NOT_JUDGED
    return f"={int(rank_number)}" if tied else str(int(rank_number))


def aspects_used(aspect_scores: Mapping[str, float]) -> int:
    """How many of the eight aspects have a score: what a ranking rests on."""
    return sum(1 for v in _clean_scores(aspect_scores).values() if not math.isnan(v))


def basis(aspect_scores: Mapping[str, float], ranked: pd.DataFrame) -> str:
    """One sentence for under a ranking: what it rests on and what could not be judged."""
    used = aspects_used(aspect_scores)
    sentence = f"This ranking rests on {used} of the {len(ASPECTS)} aspects."
    left_out = ranked.loc[~ranked["judged"], "title"].tolist()
    if left_out:
        sentence += f" Not enough answers to judge (less than {MIN_COVERAGE:.0%} of what it relies on has a score): " + "; ".join(left_out) + "."
    return sentence


def _strongest_influences(approach: Approach, scores: Mapping[str, float]) -> tuple[list[str], list[str]]:
    """Aspects it depends on that are enabling (score >= 60) / constraining (< 40), heaviest first."""
    relied_on = sorted(
        ((aspect_id, r.weight) for aspect_id, r in approach.requirements.items() if r.weight and not math.isnan(scores[aspect_id])),
        key=lambda pair: (-pair[1], ASPECTS.index(pair[0])),
    )
    supported = [a for a, _ in relied_on if scores[a] >= 60]
    held_back = [a for a, _ in relied_on if scores[a] < 40]
    return supported, held_back


def gaps(approach_ids: list[str], aspect_scores: Mapping[str, float], inst: Instrument | None = None) -> pd.DataFrame:
    """What would have to change for a chosen approach or blend, largest gap first.

    For a blend, the dependence on an aspect is the largest among the chosen approaches.
    gap = dependence * (100 - score) / 3; an aspect with no score is listed with gap NaN
    (unknown), after the known ones.
    """
    inst = inst or instrument()
    if not approach_ids:
        raise ValueError("choose at least one approach")
    if len(approach_ids) > MAX_BLEND:
        raise ValueError(f"a blend has at most {MAX_BLEND} approaches")
    unknown = [a for a in approach_ids if a not in APPROACHES]
    if unknown:
        raise ValueError(f"unknown approach(es): {', '.join(unknown)}")
    scores = _clean_scores(aspect_scores)
    rows = []
    for aspect_id in ASPECTS:
        needs = [(inst.approach(a).requirements[aspect_id], inst.approach(a)) for a in approach_ids]
        requirement, approach = max(needs, key=lambda pair: pair[0].weight)
        if not requirement.weight:
            continue
        score = scores[aspect_id]
        rows.append(
            {
                "aspect_id": aspect_id,
                "dependence": requirement.weight,
                "score": score,
                "gap": math.nan if math.isnan(score) else requirement.weight * (100 - score) / 3,
                "reason": requirement.reason,
                "because_of": approach.title,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["gap", "dependence"], ascending=[False, False], na_position="last", kind="stable").reset_index(drop=True)


# --- The user's choice: priorities and the chosen approach or blend ----------------

CHOICE = "choice"


def clean_record(item_id: str, record: Mapping, previous: Mapping | None = None) -> dict:
    """The stored choice: {"chosen": up to three approach ids, "priorities": {id: 1–3}}."""
    if item_id != CHOICE:
        raise ValueError(f"unknown approaches entry {item_id!r}")
    chosen = list(dict.fromkeys(record.get("chosen") or []))
    unknown = [a for a in chosen if a not in APPROACHES]
    if unknown:
        raise ValueError(f"unknown approach(es): {', '.join(map(str, unknown))}")
    if len(chosen) > MAX_BLEND:
        raise ValueError(f"choose at most {MAX_BLEND} approaches for a blend")
    priorities = dict(record.get("priorities") or {})
    for priority_id, importance in priorities.items():
        if priority_id not in PRIORITIES:
            raise ValueError(f"unknown priority {priority_id!r}")
        if isinstance(importance, bool) or importance not in (1, 2, 3):
            raise ValueError(f"{priority_id}: importance {importance!r} must be 1, 2 or 3")
    return {"chosen": chosen, "priorities": priorities}


def choice(response: Mapping[str, Mapping[str, dict]]) -> dict:
    return response.get(ID, {}).get(CHOICE) or {"chosen": [], "priorities": {}}


def chosen_titles(response: Mapping[str, Mapping[str, dict]]) -> tuple[str, ...]:
    """The titles of the approach or blend chosen, in the order chosen."""
    titles = {a.id: a.title for a in instrument().approaches}
    return tuple(titles[a] for a in choice(response)["chosen"])


def aspect_scores(response: Mapping[str, Mapping[str, dict]]) -> dict[str, float]:
    return eight_aspects.score_records(response.get(eight_aspects.ID, {}))["score"].to_dict()


def rank_response(response: Mapping[str, Mapping[str, dict]]) -> pd.DataFrame:
    return rank(aspect_scores(response), choice(response)["priorities"])


# --- Excel ------------------------------------------------------------------------


def top_places(ranked: pd.DataFrame, places: int = 5) -> pd.DataFrame:
    """The judged approaches ranked in the first `places` places, with every approach tied
    with the last of them: a tie is never cut in two by the seed's order."""
    return ranked[ranked["judged"] & (ranked["rank"] <= places)]


def write_summary(ws, top: int, response: Mapping[str, Mapping[str, dict]]) -> int:
    """Best-fitting approaches and the chosen blend, on the Summary sheet."""

    scores = aspect_scores(response)
    ranked = rank(scores, choice(response)["priorities"])
    cells.put(ws, top, 1, "Commissioning approaches: best fit to this context").font = Font(bold=True, size=14)
    if not ranked["judged"].any():
        cells.put(ws, top + 1, 1, "No fit yet: answer more of the eight-aspects self-check. " + basis(scores, ranked))
        return top + 3
    last = cells.write_table(
        ws,
        top + 1,
        ["Approach", "Fit (0–100)", "Rank"],
        ([row.title, row.fit, row.rank_label] for row in top_places(ranked).itertuples()),
        number_formats={"Fit (0–100)": "0"},
        wrap=["Approach"],
    )
    cells.put(ws, last + 1, 1, basis(scores, ranked)).alignment = cells.WRAP
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=5)
    last += 1
    chosen = chosen_titles(response)
    cells.put(ws, last + 1, 1, "Chosen approach or blend").font = Font(bold=True)
    cells.put(ws, last + 1, 2, " + ".join(chosen) if chosen else "None chosen yet")
    return last + 3


def write_sheets(wb, response: Mapping[str, Mapping[str, dict]]) -> None:
    """ "Model fit": the ranking with a native bar chart, then the requirements matrix."""

    inst = instrument()
    scores = aspect_scores(response)
    ranked = rank(scores, choice(response)["priorities"])
    aspect_names = {a.id: a.title for a in eight_aspects.instrument().aspects}
    ws = wb.create_sheet("Model fit")
    row = cells.title(
        ws, "Model fit: the thirteen commissioning approaches", "Fit = how far this context supports what each approach relies on (see About for the method)."
    )
    cells.put(ws, row, 1, basis(scores, ranked)).alignment = cells.WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    header = row + 2
    last = cells.write_table(
        ws,
        header,
        ["Rank", "Approach", "Fit (0–100)", "Feasibility", "Desirability", "Coverage", "Supported by", "Held back by"],
        (
            [
                r.rank_label,
                r.title,
                r.fit,
                r.feasibility,
                r.desirability,
                r.coverage,
                ", ".join(aspect_names[a] for a in r.supported_by),
                ", ".join(aspect_names[a] for a in r.held_back_by),
            ]
            for r in ranked.itertuples()
        ),
        number_formats={"Fit (0–100)": "0", "Feasibility": "0", "Desirability": "0", "Coverage": "0%"},
        wrap=["Rank", "Approach", "Supported by", "Held back by"],
    )
    # The chart shows the judged approaches only (they come first): a missing bar would read as 0.
    judged = int(ranked["judged"].sum())
    if judged:
        cells.bar_chart(
            ws,
            title="Fit to this context (0–100)",
            header=header,
            last=header + judged,
            label_column=2,
            value_column=3,
            maximum=100,
            anchor=f"A{last + 2}",
            size=(3 + 0.75 * judged, 20),
        )

    cells.finish(ws, {1: 7, 2: 34, 3: 9, 4: 11, 5: 12, 6: 10, 7: 26, 8: 26})

    # The requirements matrix, on its own sheet so a facilitator can defend the ranking.
    ws = wb.create_sheet("Approach requirements")
    row = cells.title(ws, "How much each approach depends on each aspect (0–3)", "From data/approaches.yaml; change it there to change the ranking.")
    aspect_titles = [a.title for a in eight_aspects.instrument().aspects]
    weights = inst.weights()
    last = cells.write_table(
        ws,
        row,
        ["Approach", *aspect_titles],
        ([a.title, *weights.loc[a.id].tolist()] for a in inst.approaches),
        wrap=["Approach", *aspect_titles],
    )
    row = last + 2
    cells.put(ws, row, 1, "Why").font = Font(bold=True)
    cells.write_table(
        ws,
        row + 1,
        ["Approach", "Aspect", "Weight", "Reason"],
        ([a.title, title, req.weight, req.reason] for a in inst.approaches for req, title in zip(a.requirements.values(), aspect_titles) if req.weight),
        wrap=["Approach", "Aspect", "Reason"],
    )
    # Columns 2–4 are also the Why table's Aspect, Weight and Reason: an aspect's name on
    # one or two lines and a reason on two, so each row is about two lines tall when printed.
    cells.finish(ws, {1: 24, 2: 19, 3: 7, 4: 54, 5: 6, 6: 6, 7: 6, 8: 6, 9: 6})


def about_rows() -> list[tuple[str, str]]:
    inst = instrument()
    return [
        *loading.about_rows(inst, METHOD),
        (
            f"{inst.title}: coverage",
            f'An approach is judged only when at least {MIN_COVERAGE:.0%} of what it relies on (by weight) has a score; otherwise it is listed as "{NOT_JUDGED}", with no fit and no rank.',
        ),
    ]


# --- The contract's declarations (scoring/contract.py) ------------------------------------

PAGE_SCRIPTS = ("views/decide/approaches.py",)
NEEDS: tuple[str, ...] = (eight_aspects.ID,)  # fit is worked out from the aspect scores
ROOM_VIEWS = {"Approaches": "approach_fit"}
ROOM_SHEET = ""
COMPARES = ""


def page() -> PageWording:
    """Its page wording, from its instrument file's `page:` block."""
    return page_of(INSTRUMENT_FILE, PAGE_SCRIPTS)


def progress(records: Mapping[str, dict]) -> tuple[int, int]:
    """(1, 1) once a blend is chosen, else (0, 1)."""
    return int(CHOICE in records), 1


def worked_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's aspect scores (`all_scores` for every aspect, then `scores`) and optional
    priorities -> each approach's fit, desirability, coverage, rank label and what limits
    it, and the approaches ranked 1 (in the instrument's order)."""
    scores = {aspect: case["all_scores"] for aspect in eight_aspects.ASPECTS} if "all_scores" in case else {}
    scores.update(case.get("scores") or {})
    ranked = rank(scores, case.get("priorities")).set_index("approach_id")
    result = {column: {a: numbers.or_none(v) for a, v in ranked[column].items()} for column in ("fit", "desirability", "coverage")}
    result |= {column: ranked[column].to_dict() for column in ("rank_label", "limited_by")}
    first = set(ranked.index[ranked["rank"] == 1])
    return result | {"top": [a for a in APPROACHES if a in first]}


def item_texts() -> dict[str, str]:
    return {CHOICE: "Chosen approaches and priorities"}


def survey_questions() -> list[SurveyQuestion]:
    return []  # worked out from the eight aspects, not asked


def sections() -> tuple[Section, ...]:
    return ()  # a choice, not rated statements: nothing to take in rounds
