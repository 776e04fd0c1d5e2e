"""Workshop mode: the room's answers taken together, with their spread, and by role.

A workshop has anonymous participants, each with an optional role and a `response` of the
same shape as a self-check respondent's: {diagnostic id: {item id: record}}. Everything
here is pure pandas; the shared screen and the workshop pack (scoring/workshop/pack.py)
draw on it.

Method (also on the pack's About sheet):
- Each participant is scored exactly as a self-check respondent is; the room's figures
  are taken over the participants who have a score, so someone who has not answered an
  aspect is left out of it, never counted as zero.
- Spread: median, quartiles (pandas' linear interpolation), lowest, highest and the
  sample standard deviation (n - 1; none with fewer than two people).
- Disagreement on a factor = the population standard deviation of its 1–5 ratings divided
  by 2, the largest it can be: 0 when everyone gives the same rating, 1 when the room
  splits evenly between 1 and 5. "Don't know" is counted but left out of the spread.
- Small groups: every figure counts the people who actually answered that item, cell by
  cell, and is not shown for fewer than MIN_GROUP of them; spreads and extremes need
  SPREAD_MIN. A view by role never shows a group of fewer than MIN_GROUP people who
  answered, and never lets one be worked out from the whole room's figures (see
  role_groups and aspects_by_role). Someone who joined and answered nothing counts nowhere.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from scoring import registry
from scoring.contract import Diagnostic
from scoring.diagnostics import approaches, eight_aspects, tolerance
from scoring.diagnostics.eight_aspects import ASPECTS

# No figure counts fewer people than MIN_GROUP (cell by cell) unless the workshop's
# facilitator raised it (store.MAX_MIN_GROUP at most); the store batches the screen by it too.
from scoring.store import MIN_GROUP

SPREAD_MIN = 5  # quartiles, lowest, highest and sd only over at least this many: with
# fewer, an extreme is nearly one person's answer
NO_ROLE = "Role not given"
OTHER_ROLES = "Other roles (merged)"
ROLE_HIDDEN_PREFIX = "not shown (group under"
RATINGS = (1, 2, 3, 4, 5)

METHOD = (
    "Each participant is scored as in the self-check; the room's figures are taken over the "
    "participants with a score (someone who has not answered is left out, never counted as 0). "
    "Spread: median, quartiles (the middle half of the room lies between them), lowest, highest "
    "and the sample standard deviation (none with fewer than two people). Disagreement on a factor "
    "is the standard deviation of its 1–5 ratings divided by 2, its largest possible value: 0 when "
    'everyone agrees, 1 when the room splits evenly between 1 and 5; "don\'t know" is left out.'
)


def role_hidden(min_group: int = MIN_GROUP) -> str:
    """What stands for a role the small-group rule hides."""
    return f"{ROLE_HIDDEN_PREFIX} {min_group})"


def small_group_rule(min_group: int = MIN_GROUP) -> str:
    """The small-group rule in words, for a workshop showing no group under `min_group`."""
    return (
        f"Every figure counts the people who answered that item, and nothing is shown for fewer than {min_group} "
        f"of them; quartiles, ranges and extremes need {max(SPREAD_MIN, min_group)}. People who joined and answered "
        f"nothing count nowhere. Views by role never show a group of fewer than {min_group} people who answered. "
        f'Smaller groups are merged into "{OTHER_ROLES}"; if that is still under {min_group} and would be the only '
        "people not shown (so their answers could be worked out from the whole room's), the smallest role is "
        "merged in too, or views by role are not shown at all. In the responses, a participant whose "
        "role is not shown has it replaced, so a role never identifies anyone. Once results are revealed the shared "
        f"screen moves only when at least {min_group} people have changed something since it last moved, so "
        "nobody's change can be read off it by watching."
    )


@dataclass(frozen=True)
class Participant:
    number: int  # 1..n, in an order unrelated to joining (store.participants)
    role: str | None
    response: Mapping[str, Mapping[str, dict]]

    @property
    def label(self) -> str:
        return f"P{self.number:02d}"

    @property
    def role_label(self) -> str:
        return (self.role or "").strip() or NO_ROLE

    def __post_init__(self) -> None:
        # Once, as the participant is made: the records as today's instruments ask them
        # (answers given before an update are carried where the item was only reworded,
        # left out where its meaning changed), as a self-check's are.
        # Only diagnostics are asked of participants; the plan and the risk register are the
        # room's, recorded by the facilitator.
        found = registry.diagnostics()
        object.__setattr__(
            self,
            "response",
            {
                diagnostic_id: found[diagnostic_id].instrument().history.as_today(records) if diagnostic_id in found and records else records
                for diagnostic_id, records in self.response.items()
            },
        )

    def records(self, diagnostic_id: str) -> Mapping[str, dict]:
        return self.response.get(diagnostic_id) or {}


# --- Roles and small groups ----------------------------------------------------------


def role_groups(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> tuple[dict[str, list[Participant]], str | None]:
    """The role groups that may be shown, in order of first appearance with OTHER_ROLES last,
    and a plain-English note of what was merged or hidden (None when nothing was).

    Every shown group has at least `min_group` people. The people not shown are either
    nobody or at least `min_group` people: the whole room's figures are on screen too, so a
    smaller remainder could be worked out as the room minus the groups shown.
    """
    by_role: dict[str, list[Participant]] = {}
    for participant in participants:
        by_role.setdefault(participant.role_label, []).append(participant)
    shown = {role: people for role, people in by_role.items() if len(people) >= min_group}
    merged_roles = [role for role in by_role if role not in shown]
    if not merged_roles:
        return shown, None
    if 0 < sum(len(by_role[r]) for r in merged_roles) < min_group and len(shown) >= 2:
        # Merge the smallest shown role (the latest to appear among equals) into the rest.
        smallest = min(reversed(list(shown)), key=lambda role: len(shown[role]))
        del shown[smallest]
        merged_roles = [role for role in by_role if role not in shown]
    merged = [p for p in participants if p.role_label in merged_roles]
    names = _join([f"\u201c{role}\u201d" for role in merged_roles])
    if len(merged) >= min_group:
        shown[OTHER_ROLES] = merged
        return shown, f"So that no group under {min_group} can be picked out, these roles are shown together as \u201c{OTHER_ROLES}\u201d: {names}."
    if not shown:
        return {}, f"Views by role are not shown: no role has {min_group} or more people yet."
    # One role of min_group or more, and fewer than min_group others: showing it would give the others away.
    only = next(iter(shown))
    return {}, (
        f"Views by role are not shown: only \u201c{only}\u201d has {min_group} or more people, and showing it "
        f"would let the answers of the other {_people(len(merged))} ({names}) be worked out from the whole room's figures."
    )


def shown_roles(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> dict[int, str]:
    """Participant number -> the role that may be written beside their answers. Groups are
    made of the people who answered something: joining without answering pads nothing."""
    groups, _ = role_groups([p for p in participants if any(p.response.values())], min_group)
    shown = {p.number: role for role, people in groups.items() for p in people}
    return {p.number: shown.get(p.number, role_hidden(min_group)) for p in participants}


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- How far the room has got ------------------------------------------------------------


def _complete(module: Diagnostic, records: Mapping[str, dict]) -> bool:
    done, total = module.progress(records)
    return done >= total


def counts(participants: Sequence[Participant], diagnostic_ids: Iterable[str]) -> pd.DataFrame:
    """One row per diagnostic answered by participants: diagnostic_id, title, started
    (participants with a record), complete (answered every item; for approaches, made a choice)."""
    modules = registry.diagnostics()  # the plan and risks are the room's: not counted
    rows = []
    for diagnostic_id in diagnostic_ids:
        module = modules.get(diagnostic_id)
        if module is None:
            continue
        answered = [p.records(diagnostic_id) for p in participants if p.records(diagnostic_id)]
        rows.append(
            {
                "diagnostic_id": diagnostic_id,
                "title": module.instrument().title,
                "started": len(answered),
                "complete": sum(_complete(module, records) for records in answered),
            }
        )
    return pd.DataFrame(rows, columns=["diagnostic_id", "title", "started", "complete"])


# --- The eight aspects ------------------------------------------------------------------


def participant_scores(participants: Sequence[Participant]) -> pd.DataFrame:
    """Aspect scores (0–100, NaN where none), one row per participant (index: number),
    one column per aspect id: eight_aspects.score_records() of each participant's records.

    The same method in plain Python, since a pandas frame per participant would cost the
    shared screen a tenth of a second with forty people (tests check it against score_records).
    """
    inst = eight_aspects.instrument()
    aspect_of = {f.id: f.aspect_id for f in inst.factors}
    rows = {}
    for p in participants:
        weighted = dict.fromkeys(ASPECTS, 0.0)
        total = dict.fromkeys(ASPECTS, 0.0)
        for item_id, record in p.records(eight_aspects.ID).items():
            rating = record.get("rating")
            # A factor dropped from the instrument since it was answered is left out, not an error.
            if item_id not in aspect_of or rating is None:
                continue
            weight = record.get("weight", 1)  # as eight_aspects.split_records()
            total[aspect_of[item_id]] += weight
            weighted[aspect_of[item_id]] += weight * eight_aspects.rating_to_points(rating)
        rows[p.number] = [weighted[a] / total[a] if total[a] else math.nan for a in ASPECTS]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(ASPECTS), dtype=float)


def _spread(values: pd.DataFrame) -> pd.DataFrame:
    """Per column of `values`: n, mean, median, q1, q3, low, high, sd (sample)."""
    return pd.DataFrame(
        {
            "n": values.count(),
            "mean": values.mean(),
            "median": values.median(),
            "q1": values.quantile(0.25),
            "q3": values.quantile(0.75),
            "low": values.min(),
            "high": values.max(),
            "sd": values.std(ddof=1),
        }
    )


CENTRES = ["mean", "median"]
SPREADS = ["q1", "q3", "low", "high", "sd"]


def suppress_small(
    table: pd.DataFrame, min_group: int = MIN_GROUP, *, n: str = "n", centres: Sequence[str] = CENTRES, spreads: Sequence[str] = SPREADS
) -> pd.DataFrame:
    """Blank (NaN) the figures of rows that count too few people: centres under
    `min_group`, spreads and extremes under max(SPREAD_MIN, min_group). The count stays.
    min_group 1 blanks nothing: the method's own arithmetic (its worked cases use it)."""
    table = table.copy()
    if min_group <= 1:
        return table
    counted = table[n].to_numpy()
    for columns, least in ((centres, min_group), (spreads, max(SPREAD_MIN, min_group))):
        few = counted < least
        if not few.any():
            continue
        # Column by column in numpy: pandas' .loc over a row mask took 3 ms of each rebuild of the shared screen.
        for column in (c for c in columns if c in table.columns):
            table[column] = np.where(few, math.nan, table[column].to_numpy(dtype=float))
    return table


def aspect_spread(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Index aspect_id in ASPECTS order; columns aspect, n (participants with a score for the
    aspect), mean, median, q1, q3, low, high, sd (sample standard deviation), all on 0–100;
    blank where too few people scored the aspect (suppress_small)."""
    titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
    table = _spread(participant_scores(participants)).reindex(list(ASPECTS))
    table.insert(0, "aspect", [titles[a] for a in ASPECTS])
    table["n"] = table["n"].fillna(0).astype(int)
    table.index.name = "aspect_id"
    return suppress_small(table, min_group)


def aspect_disagreement(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> pd.DataFrame:
    """aspect_spread, the aspects on which the room's scores are most spread (sd) first;
    aspects without an sd last, ties in instrument order."""
    return aspect_spread(participants, min_group).sort_values("sd", ascending=False, na_position="last", kind="stable")


def item_disagreement(participants: Sequence[Participant], *, min_answers: int = MIN_GROUP) -> pd.DataFrame:
    """One row per factor with at least `min_answers` ratings (don't know not counted):
    item_id, aspect_id, aspect, text, n, dont_know, mean (1–5), sd (sample), count_1 …
    count_5, disagreement (0–1, see the module's method). Most disagreement first, ties in
    instrument order."""
    inst = eight_aspects.instrument()
    titles = {a.id: a.title for a in inst.aspects}
    columns = ["item_id", "aspect_id", "aspect", "text", "n", "dont_know", "mean", "sd", *(f"count_{r}" for r in RATINGS), "disagreement"]
    answered = [p.records(eight_aspects.ID) for p in participants]
    rows = []
    for factor in inst.factors:
        given = [records[factor.id]["rating"] for records in answered if "rating" in records.get(factor.id, {})]
        ratings = [r for r in given if r is not None]
        if len(ratings) < max(min_answers, 1):
            continue
        rows.append(
            {
                "item_id": factor.id,
                "aspect_id": factor.aspect_id,
                "aspect": titles[factor.aspect_id],
                "text": factor.text,
                "n": len(ratings),
                "dont_know": len(given) - len(ratings),
                "mean": statistics.fmean(ratings),
                "sd": statistics.stdev(ratings) if len(ratings) > 1 else math.nan,
                **{f"count_{r}": ratings.count(r) for r in RATINGS},
                # Population sd over its maximum on a 1–5 scale (2), so any room size reads 0–1.
                "disagreement": statistics.pstdev(ratings) / 2,
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("disagreement", ascending=False, kind="stable").reset_index(drop=True)


def aspects_by_role(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> tuple[pd.DataFrame, str | None]:
    """One row per role group that may be shown: role, n (people in the group who scored
    any aspect), then each aspect id with the group's mean score; and the note from
    role_groups. Only people with a score count, so joins without answers cannot make a
    group. A cell is blank when fewer than `min_group` of the group scored that aspect, and
    also when the people of that aspect left out of the shown cells would number 1 to
    min_group - 1 (they could be worked out from the whole room's mean)."""
    scores = participant_scores(participants)
    answering = [p for p in participants if scores.loc[p.number].notna().any()] if len(scores) else []
    groups, note = role_groups(answering, min_group)
    rows = [{"role": role, "n": len(people)} for role, people in groups.items()]
    for aspect in ASPECTS:
        column = scores[aspect] if len(scores) else pd.Series(dtype=float)
        cells = {role: column.loc[[p.number for p in people]].dropna() for role, people in groups.items()}
        shown = {role for role, values in cells.items() if len(values) >= min_group}
        everyone = int(column.count())
        while shown and 0 < everyone - sum(len(cells[role]) for role in shown) < min_group:
            shown.discard(min(shown, key=lambda role: len(cells[role])))
        for row in rows:
            row[aspect] = cells[row["role"]].mean() if row["role"] in shown else math.nan
    return pd.DataFrame(rows, columns=["role", "n", *ASPECTS]), note


# --- Approaches -------------------------------------------------------------------------


def _choices(participants: Sequence[Participant]) -> list[dict]:
    return [p.records(approaches.ID)[approaches.CHOICE] for p in participants if approaches.CHOICE in p.records(approaches.ID)]


def room_priorities(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> dict[str, float]:
    """Mean importance of each priority over the participants who made a choice (0 when a
    participant did not choose it); empty when fewer than `min_group` have."""
    choices = _choices(participants)
    if len(choices) < min_group:
        return {}
    return {priority: sum((c.get("priorities") or {}).get(priority, 0) for c in choices) / len(choices) for priority in approaches.PRIORITIES}


def approach_ranking(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> pd.DataFrame:
    """approaches.rank() of the room's mean aspect scores and mean priorities (each as
    shown: blank for too few people), with chosen_by: how many participants put the
    approach in their blend (all 0 until `min_group` people have made a choice)."""
    means = aspect_spread(participants, min_group)["mean"].to_dict()
    ranked = approaches.rank(means, room_priorities(participants, min_group))
    enough = len(_choices(participants)) >= min_group
    chosen = [approach_id for p in participants for approach_id in approaches.choice(p.response)["chosen"]] if enough else []
    ranked["chosen_by"] = [chosen.count(approach_id) for approach_id in ranked["approach_id"]]
    return ranked


# --- Tolerance and the statement diagnostics ------------------------------------------------


def tolerance_profile(participants: Sequence[Participant], min_group: int = MIN_GROUP) -> pd.DataFrame:
    """One row per area, in the instrument's order: area_id, title, n (participants who gave
    both how often and impact), frequency and impact (means), priority (mean of each person's
    how often x impact, 0–9), priority_sd, priority_low, priority_high, and how many said the
    area is ours / one we can influence / outside our control / needs innovation to change."""
    gifts = tolerance.SCALE_VALUES["gift"]
    rows = []
    for area in tolerance.instrument().areas:
        answers = [p.records(tolerance.ID).get(tolerance.area_key(area.id)) or {} for p in participants]
        frequency = pd.Series([a["frequency"] for a in answers if a.get("frequency") is not None], dtype=float)
        impact = pd.Series([a["impact"] for a in answers if a.get("impact") is not None], dtype=float)
        # As tolerance.profile(): a person's priority needs both how often and impact.
        priority = pd.Series(
            [a["frequency"] * a["impact"] for a in answers if a.get("frequency") is not None and a.get("impact") is not None],
            dtype=float,
        )
        rows.append(
            {
                "area_id": area.id,
                "title": area.title,
                "n": len(priority),
                "frequency": frequency.mean(),
                "impact": impact.mean(),
                "priority": priority.mean(),
                "priority_sd": priority.std(ddof=1),
                "priority_low": priority.min(),
                "priority_high": priority.max(),
                **{gift: sum(a.get("gift") == gift for a in answers) for gift in gifts},
                "gift_n": sum(a.get("gift") in gifts for a in answers),
            }
        )
    table = suppress_small(pd.DataFrame(rows), min_group, centres=["frequency", "impact", "priority"], spreads=["priority_sd", "priority_low", "priority_high"])
    if min_group > 1:
        table.loc[table["gift_n"] < min_group, list(gifts)] = math.nan  # counts of whose area it is
    return table.drop(columns="gift_n")


def statement_themes(module: Diagnostic, participants: Sequence[Participant], min_group: int = MIN_GROUP) -> pd.DataFrame:
    """For a diagnostic of rated statements in themes (contract.ThemedDiagnostic): one row per theme with the columns of the module's
    theme_scores() that describe it (theme_id, part_id or kind, title), then n, mean, median,
    sd, low, high of the participants' theme scores (0–100)."""
    inst = module.instrument()
    tables = [module.theme_scores(p.records(module.ID), inst) for p in participants]
    themes = module.theme_scores({}, inst).drop(columns=["score", "answered", "dont_know"])
    scores = pd.DataFrame([t["score"].to_numpy() for t in tables], columns=themes["theme_id"], dtype=float)
    spread = _spread(scores).reindex(themes["theme_id"])
    spread["n"] = spread["n"].fillna(0).astype(int)
    table = pd.concat([themes.reset_index(drop=True), spread[["n", "mean", "median", "sd", "low", "high"]].reset_index(drop=True)], axis=1)
    return suppress_small(table, min_group)
