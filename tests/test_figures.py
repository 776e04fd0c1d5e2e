"""Every figure the app draws is a valid plotly figure, readable on a projector.

The app builds figures without plotly's validation (it is slow); these tests build each
one again with validation on, so a wrong property name or value fails here.
"""

import math

import plotly.graph_objects as go
import pytest

from scoring import figures, numbers
from scoring.diagnostics import approaches, conditions, eight_aspects, tolerance
from scoring.records import risks


def validated(figure: go.Figure) -> go.Figure:
    return go.Figure(figure.to_dict())  # raises ValueError on any invalid property


SCORES = eight_aspects.score({"sd_one_place": 5, "rel_provider_trust": 1, "pol_procurement_act": 3})
# Six of the eight aspects scored (process and policy blank): some approaches are judged,
# those leaning on process or policy are not; two fits tie.
HALF_SCORED = {"system_design": 62.5, "relationships": 40, "capacity_capability": 75, "user_outcome_focus": 50, "insight_inspiration": 55, "models_tactics": 30}
RANKED = approaches.rank(HALF_SCORED, {"innovation": 2})


@pytest.mark.parametrize(
    "build",
    [
        lambda: figures.radar(SCORES),
        lambda: figures.radar(SCORES, compact=True, title="Room"),
        lambda: figures.fit_bars(RANKED),
        lambda: figures.feasibility_desirability(RANKED),
        lambda: tolerance.profile_chart(tolerance.profile({"area:staff_turnover": {"frequency": 2, "impact": 3}})),
        lambda: figures.theme_bars(conditions.theme_scores({"hon_truth": {"rating": 3}})),
        lambda: risks.heat_map(
            risks.register(
                {
                    "risk:a": {
                        "approach_id": "",
                        "title": "T",
                        "description": "",
                        "likelihood": 2,
                        "impact": 5,
                        "mitigation": "",
                        "owner": "",
                        "suggested_id": "",
                    }
                }
            )
        ),
    ],
    ids=["radar", "radar-compact", "fit-bars", "feasibility-desirability", "tolerance-profile", "theme-bars", "heat-map"],
)
def test_figure_is_valid_and_uses_projector_fonts(build):
    figure = validated(build())
    assert figure.layout.font.size >= 14


def test_radar_leaves_a_gap_for_aspects_without_a_score():
    figure = figures.radar(SCORES)
    values = figure.data[0].r
    assert values[0] == 100 and values[1] == 0
    assert values[2] is None  # capacity and capability: nothing answered
    assert len(values) == len(eight_aspects.ASPECTS) + 1  # closed shape


def test_fit_bars_show_every_scored_approach_best_first_with_its_value():
    figure = figures.fit_bars(RANKED)
    bars = figure.data[0]
    shown = RANKED[RANKED["judged"]]
    assert 0 < len(shown) < len(RANKED)  # the case has approaches of both kinds
    labels = list(bars.customdata)  # each written above its bar (an annotation) and named in the hover
    assert labels == [f"{r.rank_label}. {r.title}" for r in shown.itertuples()]
    assert labels[0].startswith(("1. ", "=1. "))
    assert [a.text.replace("<br>", " ") for a in figure.layout.annotations] == labels
    assert list(bars.text) == [numbers.text(v) for v in shown["fit"]]
    assert not any(math.isnan(x) for x in bars.x)
    drawn = " ".join(labels)
    for title in RANKED.loc[~RANKED["judged"], "title"]:
        assert title not in drawn  # not judged: named in the caption (approaches.basis), not drawn
