"""The shared screen's views: each builds for an empty room and a real one, validates as
plotly, and in the presentation view every font is large."""

import plotly.graph_objects as go
import pytest

from scoring.diagnostics import conditions, starting_points
from scoring.workshop import views as workshop_views
from scoring.workshop.room import Participant


def _answers(rating: int) -> dict:
    """One person's answers to a little of every diagnostic the screen shows."""
    return {
        "eight_aspects": {"sd_one_place": {"rating": rating}, "rel_councillors": {"rating": 6 - rating}},
        "tolerance": {"area:waiting_lists": {"frequency": rating % 4, "impact": 2}},
        "approaches": {"choice": {"chosen": [], "priorities": {}}},
        "conditions": {conditions.instrument().items[0].id: {"rating": rating}},
        "starting_points": {starting_points.instrument().items[0].id: {"rating": rating}},
    }


ROOM = [Participant(n, role, _answers(rating)) for n, (role, rating) in enumerate([("Finance", 1), ("Finance", 3), ("Finance", 5), (None, 4)], start=1)]


def font_sizes(figure: go.Figure) -> list[float]:
    """Every font size set anywhere in the figure."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("font", "tickfont", "textfont") and isinstance(value, dict) and "size" in value:
                    found.append(value["size"])
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(figure.to_dict())
    return [size for size in found if isinstance(size, (int, float))]


@pytest.mark.parametrize("room", [[], ROOM], ids=["empty room", "four people"])
@pytest.mark.parametrize("name", list(workshop_views.views()))
def test_every_view_builds_and_validates(name, room):
    view = workshop_views.build(name, room)
    if view.figure is not None:
        go.Figure(view.figure.to_dict())  # plotly's own validation, which the app skips


@pytest.mark.parametrize("name", [n for n in workshop_views.views() if n != "By role"])
def test_the_presentation_view_makes_every_font_large(name):
    normal, large = workshop_views.build(name, ROOM), workshop_views.build(name, ROOM, large=True)
    assert min(font_sizes(large.figure)) >= 20
    assert large.figure.layout.height >= 760
    assert max(font_sizes(large.figure)) > max(font_sizes(normal.figure)) or min(font_sizes(normal.figure)) >= 20


def test_by_role_says_why_it_is_hidden_for_a_small_group():
    view = workshop_views.build("By role", ROOM)  # three in Finance, one without a role
    assert view.figure is None and "not shown" in view.note


def test_an_unknown_view_is_refused():
    with pytest.raises(ValueError):
        workshop_views.build("League table", ROOM)


def test_the_room_ranking_says_what_it_rests_on_and_what_it_cannot_judge():
    # The room scored system design and relationships only: no approach can be judged.
    view = workshop_views.build("Approaches", ROOM, min_group=3)
    assert "This ranking rests on 2 of the 8 aspects." in view.caption
    assert "Not enough answers to judge" in view.caption and "Market management" in view.caption
    assert list(view.figure.data[0].customdata) == []  # nothing drawn as if it were ranked


def test_the_room_ranking_labels_ties():
    aspects_at_50 = {
        "sd_one_place": {"rating": 3},
        "rel_councillors": {"rating": 3},
        "cc_market_stewardship": {"rating": 3},
        "uo_citizen_check": {"rating": 3},
        "ii_experimentation": {"rating": 3},
        "pol_procurement_act": {"rating": 3},
        "pro_competitive_capability": {"rating": 3},
        "mt_service_design": {"rating": 3},
    }
    people = [Participant(n, None, {"eight_aspects": aspects_at_50, "approaches": {"choice": {"chosen": [], "priorities": {}}}}) for n in range(1, 4)]
    view = workshop_views.build("Approaches", people, min_group=3)
    labels = list(view.figure.data[0].customdata)  # the bars' labels (written above each bar)
    assert len(labels) == 13 and all(label.startswith("=1. ") for label in labels)
    assert "This ranking rests on 8 of the 8 aspects." in view.caption


ONE_FACTOR_AN_ASPECT = [
    "sd_one_place",
    "rel_councillors",
    "cc_market_stewardship",
    "uo_citizen_check",
    "ii_experimentation",
    "pol_procurement_act",
    "pro_competitive_capability",
    "mt_service_design",
]


def _agreed(ratings: list[int]) -> dict:
    """What the room agreed, as the screen passes it (rounds.agreed_response)."""
    from scoring.workshop import rounds

    return rounds.agreed_response(
        {("eight_aspects", item, "rating"): {"value": value, "agreed": True, "note": ""} for item, value in zip(ONE_FACTOR_AN_ASPECT, ratings)}
    )


def _bars(view) -> list[tuple[str, float]]:
    trace = view.figure.data[0]
    return list(zip(trace.customdata, trace.text))  # label, fit as written


def test_the_room_s_approaches_ranked_from_what_it_agreed_follow_the_agreement_as_scoring_ranks_it():
    from scoring import figures
    from scoring.diagnostics import approaches, eight_aspects
    from scoring.workshop import room as room_module

    # Everyone rated every aspect's factor 3 (50 each: every approach ties on the mean) ...
    people = [
        Participant(
            n, None, {"eight_aspects": {item: {"rating": 3} for item in ONE_FACTOR_AN_ASPECT}, "approaches": {"choice": {"chosen": [], "priorities": {}}}}
        )
        for n in range(1, 4)
    ]
    # ... and the room agreed otherwise: four aspects strong, four weak.
    agreed = _agreed([5, 5, 1, 1, 5, 1, 1, 5])
    by_mean = workshop_views.build("Approaches", people, min_group=3, agreed=agreed)
    by_agreement = workshop_views.build("Approaches", people, min_group=3, agreed=agreed, fit_from_agreed=True)
    assert all(label.startswith("=1. ") for label, _fit in _bars(by_mean))
    assert _bars(by_agreement) != _bars(by_mean)
    assert by_agreement.caption.startswith("Ranked from the ratings the room agreed.")
    # Scoring's own computation: the agreed ratings scored as one person's answers, ranked.
    profile = eight_aspects.score_records(agreed["eight_aspects"])["score"].to_dict()
    assert profile == {
        "system_design": 100,
        "relationships": 100,
        "capacity_capability": 0,
        "user_outcome_focus": 0,
        "insight_inspiration": 100,
        "policy": 0,
        "process": 0,
        "models_tactics": 100,
    }
    expected = figures.fit_bars(approaches.rank(profile, room_module.room_priorities(people, 3))).data[0]
    assert _bars(by_agreement) == list(zip(expected.customdata, expected.text))
    assert len({fit for _label, fit in _bars(by_agreement)}) > 1  # a real order, not one tie
    # An agreement that says what the room's mean says ranks as the mean does.
    same = workshop_views.build("Approaches", people, min_group=3, agreed=_agreed([3] * 8), fit_from_agreed=True)
    assert _bars(same) == _bars(by_mean)
