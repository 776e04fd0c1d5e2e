"""Approach fit: worked cases, the method's promised properties, gaps, broken files."""

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.diagnostics import approaches
from scoring.diagnostics.approaches import APPROACHES, ASPECTS
from scoring.instruments.loading import InstrumentError
from scoring.numbers import shown

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "approaches.yaml").read_text(encoding="utf-8"))["cases"]


def _scores(case):
    scores = {a: case["all_scores"] for a in ASPECTS} if "all_scores" in case else {}
    scores.update(case.get("scores") or {})
    return scores


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    ranked = approaches.rank(_scores(case), case.get("priorities")).set_index("approach_id")
    assert list(ranked.index) != [] and set(ranked.index) == set(APPROACHES)
    for column in ("fit", "desirability", "coverage"):
        for approach_id, expected in (case["expected"].get(column) or {}).items():
            actual = ranked.loc[approach_id, column]
            if expected is None:
                assert math.isnan(actual), approach_id
            else:
                assert actual == pytest.approx(expected, abs=1e-4), approach_id
    for column in ("rank_label", "limited_by"):
        for approach_id, expected in (case["expected"].get(column) or {}).items():
            assert ranked.loc[approach_id, column] == expected, approach_id
    top = sorted(ranked.index[ranked["rank"] == 1].tolist())
    assert top == sorted(case["expected"].get("top", top))


def test_rank_is_sorted_best_first_with_ranks_from_one():
    ranked = approaches.rank({a: 10 * n for n, a in enumerate(ASPECTS)})
    assert list(ranked.columns[:2]) == ["approach_id", "title"]
    assert pd.Series([shown(v) for v in ranked["fit"]]).is_monotonic_decreasing
    assert ranked["rank"].iloc[0] == 1
    assert list(ranked["rank"]) == sorted(ranked["rank"])


def test_ties_are_labelled_and_the_next_rank_skips_past_them():
    ranked = approaches.rank({a: 100 for a in ASPECTS} | {"process": 0})
    labels = list(ranked["rank_label"])
    ranks = list(ranked["rank"])
    for label, number in zip(labels, ranks):
        tied = ranks.count(number) > 1
        assert label == (f"={number}" if tied else str(number))
    # After four tied at 1 the next rank is 5, as in a league table.
    assert ranks[:5] == [1, 1, 1, 1, 5]


def test_approaches_not_judged_come_last_without_rank_and_the_basis_names_them():
    scores = {a: 60 for a in ASPECTS} | {"process": None}
    ranked = approaches.rank(scores)
    judged = ranked["judged"].tolist()
    assert judged == sorted(judged, reverse=True)  # every judged approach before every other
    not_judged = ranked[~ranked["judged"]]
    assert len(not_judged) and not_judged["rank"].isna().all() and not_judged["fit"].isna().all()
    assert (not_judged["rank_label"] == approaches.NOT_JUDGED).all()
    sentence = approaches.basis(scores, ranked)
    assert sentence.startswith("This ranking rests on 7 of the 8 aspects.")
    for title in not_judged["title"]:
        assert title in sentence
    for title in ranked.loc[ranked["judged"], "title"]:
        assert title not in sentence


score_values = st.floats(min_value=0, max_value=100, allow_nan=False)
score_maps = st.fixed_dictionaries({a: score_values for a in ASPECTS})
priority_maps = st.dictionaries(st.sampled_from(approaches.PRIORITIES), st.integers(1, 3))
WEIGHTS = approaches.instrument().weights()


@settings(max_examples=80, deadline=None)
@given(score_maps, priority_maps, st.sampled_from(ASPECTS), st.floats(min_value=0, max_value=100))
def test_raising_an_aspect_never_lowers_the_fit_of_an_approach_that_depends_on_it(scores, priorities, aspect_id, rise):
    before = approaches.rank(scores, priorities).set_index("approach_id")["fit"]
    raised = {**scores, aspect_id: min(100.0, scores[aspect_id] + rise)}
    after = approaches.rank(raised, priorities).set_index("approach_id")["fit"]
    for approach_id in APPROACHES:
        if WEIGHTS.loc[approach_id, aspect_id] > 0:
            assert after[approach_id] >= before[approach_id] - 1e-9


@settings(max_examples=80, deadline=None)
@given(score_maps, priority_maps, st.sampled_from(ASPECTS), score_values)
def test_fit_ignores_aspects_an_approach_does_not_depend_on(scores, priorities, aspect_id, new_value):
    before = approaches.rank(scores, priorities).set_index("approach_id")["fit"]
    after = approaches.rank({**scores, aspect_id: new_value}, priorities).set_index("approach_id")["fit"]
    for approach_id in APPROACHES:
        if WEIGHTS.loc[approach_id, aspect_id] == 0:
            assert after[approach_id] == pytest.approx(before[approach_id], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(score_maps, priority_maps)
def test_equal_inputs_give_equal_outputs_and_fit_stays_in_range(scores, priorities):
    first = approaches.rank(scores, priorities)
    second = approaches.rank(dict(reversed(list(scores.items()))), dict(priorities))
    assert first.equals(second)
    assert ((first["fit"] >= 0) & (first["fit"] <= 100)).all()


@settings(max_examples=80, deadline=None)
@given(score_maps, priority_maps, st.sampled_from(APPROACHES))
def test_a_heavy_reliance_at_0_keeps_fit_below_the_midpoint(scores, priorities, approach_id):
    # Whatever the other aspects and priorities, an approach with an aspect it relies on
    # heavily (weight 3) at 0 fits below 50; at 100 on everything else it fits 40 at most.
    heavy = [a for a in ASPECTS if WEIGHTS.loc[approach_id, a] == 3]
    for aspect_id in heavy:
        ranked = approaches.rank({**scores, aspect_id: 0.0}, priorities).set_index("approach_id")
        assert ranked.loc[approach_id, "fit"] < 50
        best_else = approaches.rank({a: 100.0 for a in ASPECTS} | {aspect_id: 0.0}, priorities).set_index("approach_id")
        assert best_else.loc[approach_id, "fit"] <= approaches.HEADROOM[3]


def test_every_approach_has_a_heavy_reliance_so_the_property_above_is_tested_for_each():
    assert all((WEIGHTS.loc[a] == 3).any() for a in APPROACHES)


maybe_scores = st.one_of(st.none(), score_values)
partial_maps = st.fixed_dictionaries({a: maybe_scores for a in ASPECTS})


@settings(max_examples=80, deadline=None)
@given(partial_maps, st.sampled_from(ASPECTS), maybe_scores)
def test_coverage_moves_only_with_the_aspects_an_approach_relies_on(scores, aspect_id, new_value):
    before = approaches.rank(scores).set_index("approach_id")
    after = approaches.rank({**scores, aspect_id: new_value}).set_index("approach_id")
    for approach_id in APPROACHES:
        weight = WEIGHTS.loc[approach_id, aspect_id]
        relied_on = WEIGHTS.loc[approach_id]
        expected = sum(w for a, w in relied_on.items() if w and (new_value if a == aspect_id else scores[a]) is not None) / relied_on.sum()
        assert after.loc[approach_id, "coverage"] == pytest.approx(expected)
        if weight == 0:
            assert after.loc[approach_id, "coverage"] == before.loc[approach_id, "coverage"]
            assert after.loc[approach_id, "judged"] == before.loc[approach_id, "judged"]
        assert after.loc[approach_id, "judged"] == (expected >= approaches.MIN_COVERAGE - 1e-12)


@settings(max_examples=60, deadline=None)
@given(partial_maps, priority_maps, st.sampled_from(ASPECTS), st.floats(min_value=0, max_value=100))
def test_with_blanks_raising_an_aspect_still_never_lowers_fit(scores, priorities, aspect_id, rise):
    # Only scored aspects are raised, so coverage stays the same and only the scores move.
    if scores[aspect_id] is None:
        return
    before = approaches.rank(scores, priorities).set_index("approach_id")["fit"]
    after = approaches.rank({**scores, aspect_id: min(100.0, scores[aspect_id] + rise)}, priorities).set_index("approach_id")["fit"]
    for approach_id in APPROACHES:
        if not math.isnan(before[approach_id]):
            assert after[approach_id] >= before[approach_id] - 1e-9


def test_gaps_are_largest_first_and_use_the_heaviest_dependence_in_a_blend():
    scores = {a: 50 for a in ASPECTS} | {"process": 10, "relationships": 90}
    table = approaches.gaps(["contestability", "market_management"], scores)
    assert table["gap"].is_monotonic_decreasing
    first = table.iloc[0]
    assert first.aspect_id == "process" and first.dependence == 3
    assert first.gap == pytest.approx(3 * (100 - 10) / 3)
    relationships = table.set_index("aspect_id").loc["relationships"]
    assert relationships.dependence == 2 and relationships.because_of == "Market management"
    assert "policy" not in set(table["aspect_id"])  # neither approach depends on it


@pytest.mark.parametrize(
    "chosen, problem",
    [([], "at least one"), (["contestability", "disruptive", "values_based", "small_government"], "at most 3"), (["nonsense"], "unknown approach")],
)
def test_gaps_refuse_a_bad_choice(chosen, problem):
    with pytest.raises(ValueError, match=problem):
        approaches.gaps(chosen, {a: 50 for a in ASPECTS})


@pytest.mark.parametrize(
    "scores, priorities, problem",
    [
        ({"vibes": 50}, None, "unknown aspect"),
        ({"policy": 140}, None, "outside 0–100"),
        ({"policy": 50}, {"fun": 1}, "unknown priority"),
        ({"policy": 50}, {"lower_cost": -1}, "0 or more"),
    ],
)
def test_rank_refuses_bad_inputs(scores, priorities, problem):
    with pytest.raises(ValueError, match=problem):
        approaches.rank(scores, priorities)


def test_choice_record_is_validated():
    assert approaches.clean_record("choice", {"chosen": ["disruptive", "disruptive"], "priorities": {"innovation": 2}}) == {
        "chosen": ["disruptive"],
        "priorities": {"innovation": 2},
    }
    with pytest.raises(ValueError, match="at most 3"):
        approaches.clean_record("choice", {"chosen": list(APPROACHES[:4])})
    with pytest.raises(ValueError, match="importance"):
        approaches.clean_record("choice", {"priorities": {"innovation": 9}})


# --- Broken approaches files -------------------------------------------------------


def _broken(tmp_path, mutate):
    content = yaml.safe_load(approaches.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    mutate(content)
    path = tmp_path / "approaches.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


BROKEN = {
    "unknown aspect": (
        lambda c: c["approaches"][2]["requirements"].update(vibes={"weight": 1, "reason": "x"}),
        "approach 3 ('community_development')",
        "unknown aspect(s) in requirements: vibes",
    ),
    "aspect missing": (
        lambda c: c["approaches"][0]["requirements"].pop("policy"),
        "approach 1 ('prevention_early_intervention')",
        "requirements miss aspect(s): policy",
    ),
    "missing approach": (lambda c: c["approaches"].pop(9), "approaches", "missing approach(es): contestability"),
    "weight out of range": (
        lambda c: c["approaches"][4]["requirements"]["policy"].update(weight=5),
        "approach 5 ('political_economy'), policy",
        "weight 5 must be a whole number from 0 to 3",
    ),
    "weight not a number": (lambda c: c["approaches"][4]["requirements"]["policy"].update(weight="high"), "political_economy'), policy", "weight 'high'"),
    "non-zero weight without reason": (lambda c: c["approaches"][1]["requirements"]["system_design"].pop("reason"), "system_design", "needs a reason"),
    "risk likelihood out of range": (lambda c: c["approaches"][0]["risks"][0].update(likelihood=9), "risk 1 ('pei_savings_slow')", "likelihood 9"),
    "risk without source": (lambda c: c["approaches"][0]["risks"][0].pop("source"), "risk 1 ('pei_savings_slow')", "'source' is missing"),
    "priority profile incomplete": (
        lambda c: c["approaches"][3]["priorities"].pop("innovation"),
        "approach 4 ('vcfse_capacity')",
        "'priorities' must give 0–3",
    ),
    "duplicate id": (lambda c: c["approaches"][1].update(id="prevention_early_intervention"), "approach 2", "duplicate id"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_approaches_file_is_refused_clearly(tmp_path, name):
    mutate, where, problem = BROKEN[name]
    with pytest.raises(InstrumentError) as caught:
        approaches.load(_broken(tmp_path, mutate))
    message = str(caught.value)
    assert message.startswith("approaches.yaml: ")
    assert where in message and problem in message
