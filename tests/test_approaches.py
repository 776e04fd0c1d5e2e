"""Approach fit: worked cases, the method's promised properties, gaps, broken files."""

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import approaches
from scoring.approaches import APPROACHES, ASPECTS
from scoring.instrument import InstrumentError

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "approaches.yaml").read_text(encoding="utf-8"))["cases"]


def _scores(case):
    scores = {a: case["all_scores"] for a in ASPECTS} if "all_scores" in case else {}
    scores.update(case.get("scores") or {})
    return scores


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    ranked = approaches.rank(_scores(case), case.get("priorities")).set_index("approach_id")
    assert list(ranked.index) != [] and set(ranked.index) == set(APPROACHES)
    for column in ("fit", "desirability"):
        for approach_id, expected in (case["expected"].get(column) or {}).items():
            actual = ranked.loc[approach_id, column]
            if expected is None:
                assert math.isnan(actual), approach_id
            else:
                assert actual == pytest.approx(expected, abs=1e-4), approach_id
    top = sorted(ranked.index[ranked["rank"] == 1].tolist())
    assert top == sorted(case["expected"]["top"])


def test_rank_is_sorted_best_first_with_ranks_from_one():
    ranked = approaches.rank({a: 10 * n for n, a in enumerate(ASPECTS)})
    assert list(ranked.columns[:2]) == ["approach_id", "title"]
    assert ranked["fit"].is_monotonic_decreasing
    assert ranked["rank"].iloc[0] == 1
    assert list(ranked["rank"]) == sorted(ranked["rank"])


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
    [({"vibes": 50}, None, "unknown aspect"), ({"policy": 140}, None, "outside 0–100"), ({"policy": 50}, {"fun": 1}, "unknown priority"), ({"policy": 50}, {"lower_cost": -1}, "0 or more")],
)
def test_rank_refuses_bad_inputs(scores, priorities, problem):
    with pytest.raises(ValueError, match=problem):
        approaches.rank(scores, priorities)


def test_choice_record_is_validated():
    assert approaches.clean_record("choice", {"chosen": ["disruptive", "disruptive"], "priorities": {"innovation": 2}}) == {
        "chosen": ["disruptive"], "priorities": {"innovation": 2},
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
    "unknown aspect": (lambda c: c["approaches"][2]["requirements"].update(vibes={"weight": 1, "reason": "x"}), "approach 3 ('community_development')", "unknown aspect(s) in requirements: vibes"),
    "aspect missing": (lambda c: c["approaches"][0]["requirements"].pop("policy"), "approach 1 ('prevention_early_intervention')", "requirements miss aspect(s): policy"),
    "missing approach": (lambda c: c["approaches"].pop(9), "approaches", "missing approach(es): contestability"),
    "weight out of range": (lambda c: c["approaches"][4]["requirements"]["policy"].update(weight=5), "approach 5 ('political_economy'), policy", "weight 5 must be a whole number from 0 to 3"),
    "weight not a number": (lambda c: c["approaches"][4]["requirements"]["policy"].update(weight="high"), "political_economy'), policy", "weight 'high'"),
    "non-zero weight without reason": (lambda c: c["approaches"][1]["requirements"]["system_design"].pop("reason"), "system_design", "needs a reason"),
    "risk likelihood out of range": (lambda c: c["approaches"][0]["risks"][0].update(likelihood=9), "risk 1 ('pei_savings_slow')", "likelihood 9"),
    "risk without source": (lambda c: c["approaches"][0]["risks"][0].pop("source"), "risk 1 ('pei_savings_slow')", "'source' is missing"),
    "priority profile incomplete": (lambda c: c["approaches"][3]["priorities"].pop("innovation"), "approach 4 ('vcfse_capacity')", "'priorities' must give 0–3"),
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
