"""What the shared screen can show of the room: one chart per view, with the words that
make it honest (the method, who is hidden, what people chose). No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import plotly.graph_objects as go

from scoring import figures, numbers, registry
from scoring.diagnostics import approaches, eight_aspects, tolerance
from scoring.workshop import room


def views() -> dict[str, tuple[str, str]]:
    """View label -> (the diagnostic it shows, its view kind), as each diagnostic declares
    them (contract.Diagnostic.ROOM_VIEWS). Labels are shown on the screen's selector, whose
    choices Streamlit matches by label, so they stay fixed."""
    return {label: (d.ID, kind) for d in registry.diagnostics().values() for label, kind in d.ROOM_VIEWS.items()}


@dataclass(frozen=True)
class View:
    figure: go.Figure | None
    caption: str | None = None  # read beside the chart
    note: str | None = None  # what is not shown, and why


def available(diagnostic_ids: Sequence[str]) -> list[str]:
    return [name for name, (needs, _) in views().items() if needs in diagnostic_ids]


def agreed_scores(agreed: Mapping[str, Mapping[str, dict]] | None) -> dict[str, float]:
    """Aspect id -> the score of the ratings the room agreed (rounds.agreed_response), as a
    person's answers are scored; {} when nothing of the eight aspects is agreed."""
    records = (agreed or {}).get(eight_aspects.ID) or {}
    if not records:
        return {}
    scores = eight_aspects.score_records(records)["score"]
    return {aspect: float(value) for aspect, value in scores.items() if value == value}


def build(
    name: str,
    people: Sequence[room.Participant],
    *,
    large: bool = False,
    min_group: int = room.MIN_GROUP,
    agreed: Mapping[str, Mapping[str, dict]] | None = None,
    fit_from_agreed: bool = False,
) -> View:
    """The view `name` of these participants' answers, showing no group under `min_group`;
    `large` for the presentation view (every font enlarged for the back of the room).
    `agreed`: what the room agreed (rounds.agreed_response), drawn beside the room's mean
    on its profile; with `fit_from_agreed`, approaches are ranked from the agreed profile."""
    view = _build(name, people, large=large, min_group=min_group, agreed=agreed or {}, fit_from_agreed=fit_from_agreed)
    if large and view.figure is not None:
        figures.for_projector(view.figure, height=max(view.figure.layout.height or 0, 760))
    return view


def _build(name: str, people: Sequence[room.Participant], *, large: bool, min_group: int, agreed: Mapping, fit_from_agreed: bool) -> View:
    height = 760 if large else 600
    found = views()
    if name not in found:
        raise ValueError(f"unknown view {name!r}")
    diagnostic_id, kind = found[name]
    answered = sum(1 for p in people if p.records(diagnostic_id))
    if answered < min_group:
        # With one or two people the room's figures are their answers.
        return View(
            None, None, f"Nothing is shown here until {min_group} people have answered, so that nobody's answers can be picked out ({answered} so far)."
        )
    if kind == "aspect_profile":
        agreed_profile = agreed_scores(agreed)
        caption = None if large else room.METHOD
        if agreed_profile and not large:
            caption += f" {figures.AGREED_LABEL} (dashed, open diamonds): each aspect scored from the ratings the room agreed, as one person's answers are."
        return View(figures.spread_radar(room.aspect_spread(people, min_group), height=height, agreed=agreed_profile), caption)
    if kind == "disagreement":
        items = room.item_disagreement(people, min_answers=min_group)
        figure = figures.disagreement_bars(items, scale=eight_aspects.instrument().scale, height=height if large else None)
        aspects = room.aspect_disagreement(people, min_group).dropna(subset=["sd"]).head(3)
        caption = (
            ("Aspects where scores differ most: " + ", ".join(f"{r.aspect} (spread {numbers.text(r.sd)})" for r in aspects.itertuples()) + ".")
            if len(aspects)
            else None
        )
        return View(figure, caption)
    if kind == "by_role":
        by_role, note = room.aspects_by_role(people, min_group)
        titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
        figure = figures.role_bars(by_role, titles, height=height + 100 if large else None) if len(by_role) else None
        return View(figure, None, note)
    if kind == "approach_fit":
        ranking = room.approach_ranking(people, min_group)
        agreed_profile = agreed_scores(agreed)
        if fit_from_agreed and agreed_profile:
            ranked = approaches.rank(agreed_profile, room.room_priorities(people, min_group))
            ranked["chosen_by"] = ranked["approach_id"].map(dict(zip(ranking["approach_id"], ranking["chosen_by"])))
            basis = "Ranked from the ratings the room agreed. " + approaches.basis(agreed_profile, ranked)
            return View(figures.fit_bars(ranked, height=height + 100 if large else None), basis)
        chosen = ranking[ranking["chosen_by"] > 0].sort_values("chosen_by", ascending=False, kind="stable")
        blends = ("In people's blends: " + ", ".join(f"{r.title} ({r.chosen_by})" for r in chosen.itertuples()) + ". ") if len(chosen) else ""
        means = room.aspect_spread(people, min_group)["mean"].to_dict()
        return View(figures.fit_bars(ranking, height=height + 100 if large else None), blends + approaches.basis(means, ranking))
    if kind == "tolerance":
        return View(
            tolerance.profile_chart(room.tolerance_profile(people, min_group)),
            "Priority to stop = how often it is heard x its impact, averaged over the people who gave both.",
        )
    if kind == "themes":
        themes = room.statement_themes(registry.diagnostic(diagnostic_id), people, min_group).rename(columns={"mean": "score"})
        return View(figures.theme_bars(themes), "The room's mean score per theme (0–100).")
    raise ValueError(f"unknown view {name!r}")
