"""The eight-aspects scoring API beyond the worked cases: inputs it refuses, tables it builds."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.diagnostics import eight_aspects
from scoring.diagnostics.eight_aspects import AnswerError

FACTOR_IDS = eight_aspects.instrument().factor_ids


def test_aspects_constant_is_the_eight_ids_in_order():
    assert eight_aspects.ASPECTS == (
        "system_design",
        "relationships",
        "capacity_capability",
        "user_outcome_focus",
        "insight_inspiration",
        "policy",
        "process",
        "models_tactics",
    )


@pytest.mark.parametrize(
    "answers, weights, problem",
    [
        ({"no_such_item": 3}, None, "unknown item"),
        ({"sd_one_place": 6}, None, "not one of 1–5"),
        ({"sd_one_place": 0}, None, "not one of 1–5"),
        ({"sd_one_place": True}, None, "not one of 1–5"),
        ({"sd_one_place": "4"}, None, "not one of 1–5"),
        ({"sd_one_place": 3}, {"sd_one_place": 4}, "outside 0–3"),
        ({"sd_one_place": 3}, {"sd_one_place": -1}, "outside 0–3"),
    ],
)
def test_score_refuses_answers_off_the_instrument(answers, weights, problem):
    with pytest.raises(AnswerError, match=problem):
        eight_aspects.score(answers, weights)


def test_score_counts_answered_dont_know_and_unanswered():
    scores = eight_aspects.score({"sd_one_place": 4, "sd_wellbeing_system": None})
    row = scores.loc["system_design"]
    assert (row.answered, row.dont_know, row.unanswered, row["items"]) == (1, 1, 3, 5)


ratings = st.sampled_from([1, 2, 3, 4, 5, None])


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(FACTOR_IDS), ratings), st.dictionaries(st.sampled_from(FACTOR_IDS), st.integers(0, 3)))
def test_scores_stay_within_0_to_100_and_overall_is_their_mean(answers, weights):
    scores = eight_aspects.score(answers, weights)
    present = scores["score"].dropna()
    assert ((present >= 0) & (present <= 100)).all()
    room = eight_aspects.overall(scores)
    if present.empty:
        assert math.isnan(room)
    else:
        assert room == pytest.approx(present.mean())


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(FACTOR_IDS), st.sampled_from([1, 2, 3, 4])), st.sampled_from(FACTOR_IDS))
def test_raising_one_rating_never_lowers_its_aspect(answers, item_id):
    before = eight_aspects.score({**answers, item_id: 1})
    after = eight_aspects.score({**answers, item_id: 5})
    aspect_id = eight_aspects.items().set_index("item_id").loc[item_id, "aspect_id"]
    assert after.loc[aspect_id, "score"] >= before.loc[aspect_id, "score"]


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"rating": 7}, "not one of 1–5"),
        ({"rating": 3, "weight": 9}, "outside 0–3"),
        ({"rating": 3, "weight": 1.5}, "whole number"),
        ({"rating": 3, "basis": "gut feeling"}, "basis"),
        ({"rating": 3, "note": "x" * (eight_aspects.NOTE_MAX_CHARS + 1)}, "longer than"),
        ({"rating": 3, "note": 42}, "must be text"),
        ({"rating": 3, "colour": "red"}, "unexpected field"),
    ],
)
def test_clean_record_refuses_bad_records(record, problem):
    with pytest.raises(AnswerError, match=problem):
        eight_aspects.clean_record("sd_one_place", record)


def test_clean_record_fills_defaults_and_keeps_dont_know():
    assert eight_aspects.clean_record("sd_one_place", {"rating": None}) == {
        "rating": None,
        "weight": 1,
        "basis": None,
        "note": "",
    }
    with pytest.raises(AnswerError, match="unknown item"):
        eight_aspects.clean_record("nope", {"rating": 3})


def test_records_split_into_answers_and_weights_and_progress():
    records = {
        "sd_one_place": {"rating": 5, "weight": 2},
        "sd_wellbeing_system": {"rating": None, "weight": 1},
        "sd_funding_coherence": {"weight": 3, "note": "details first"},  # not rated yet
    }
    answers, weights = eight_aspects.split_records(records)
    assert answers == {"sd_one_place": 5, "sd_wellbeing_system": None}
    assert weights["sd_one_place"] == 2
    assert eight_aspects.progress(records) == (2, len(FACTOR_IDS))


def test_enablers_and_constraints_are_ordered_and_skip_weight_zero():
    records = {
        "sd_one_place": {"rating": 4, "weight": 3},
        "rel_provider_trust": {"rating": 5, "weight": 1},
        "pol_procurement_act": {"rating": 5, "weight": 0},
        "pro_competitive_capability": {"rating": 2, "weight": 3},
        "mt_service_design": {"rating": 1, "weight": 1},
        "uo_citizen_check": {"rating": 3, "weight": 1},
        "ii_data_research": {"rating": None, "weight": 1},
    }
    enablers, constraints = eight_aspects.enablers_and_constraints(records)
    assert list(enablers["item_id"]) == ["rel_provider_trust", "sd_one_place"]
    assert list(constraints["item_id"]) == ["mt_service_design", "pro_competitive_capability"]


def test_answer_table_has_a_row_per_factor_with_labels():
    table = eight_aspects.answer_table({"sd_one_place": {"rating": None, "weight": 2, "basis": "evidence", "note": "board paper"}})
    assert len(table) == len(FACTOR_IDS)
    first = table.iloc[0]
    assert (first.answer, first.weight, first.basis, first.note) == ("Don't know", 2, "Backed by evidence", "board paper")
    assert table.iloc[1].answer == "Not answered"


def test_aspect_progress_counts_dont_know_as_answered_and_sums_to_progress():
    inst = eight_aspects.instrument()
    first, second = inst.factors_of("system_design")[:2]
    records = {first.id: {"rating": 4}, second.id: {"rating": None}, inst.factors_of("policy")[0].id: {"weight": 2}}
    per_aspect = eight_aspects.aspect_progress(records, inst)
    assert list(per_aspect) == [aspect.id for aspect in inst.aspects]
    assert per_aspect["system_design"] == (2, len(inst.factors_of("system_design")))
    assert per_aspect["policy"][0] == 0, "a weight without a rating is not an answer"
    done, total = eight_aspects.progress(records, inst)
    assert sum(a for a, _ in per_aspect.values()) == done and sum(f for _, f in per_aspect.values()) == total


def test_progress_is_aspect_progress_summed_for_any_records():
    """progress() counts over the records given, aspect_progress() over the factors: the
    same sums for records rated, marked don't know, unrated, and of factors the
    instrument no longer has."""
    import random

    inst = eight_aspects.instrument()
    rng = random.Random(7)
    ids = [f.id for f in inst.factors] + ["gone_factor", "another_gone"]
    for _ in range(300):
        records = {}
        for item_id in rng.sample(ids, rng.randrange(len(ids) + 1)):
            records[item_id] = rng.choice([{"rating": rng.randint(1, 5)}, {"rating": None}, {"weight": 2}, {"note": "x", "rating": 3}, {}])
        per_aspect = eight_aspects.aspect_progress(records, inst).values()
        assert eight_aspects.progress(records, inst) == (sum(a for a, _ in per_aspect), sum(f for _, f in per_aspect))


def test_live_summary_gives_what_the_four_functions_it_replaces_give():
    """The live panel's one pass (live_summary) against split_records, aspect_rows,
    overall and aspect_progress, for records rated, marked don't know, weighted (0 leaves a
    factor out), with details only, and saved under ids of an earlier version."""
    import random

    inst = eight_aspects.instrument()
    rng = random.Random(11)
    old_ids = [change.item for step in inst.history.steps for change in step.changes]
    assert old_ids, "the instrument has an earlier version to carry answers from"
    ids = [f.id for f in inst.factors] + old_ids
    for _ in range(400):
        records = {}
        for item_id in rng.sample(ids, rng.randrange(len(ids) + 1)):
            records[item_id] = rng.choice(
                [{"rating": rng.randint(1, 5)}, {"rating": None}, {"rating": rng.randint(1, 5), "weight": rng.randint(0, 3)}, {"weight": 2}, {"note": "x"}]
            )
        answers, weights = eight_aspects.split_records(records, inst)
        rows = eight_aspects.aspect_rows(answers, weights, inst)
        progress = eight_aspects.aspect_progress(records, inst)
        live = eight_aspects.live_summary(records, inst)
        expected_bars = [(row["aspect"], row["score"], *progress[row["aspect_id"]]) for row in rows]
        assert len(live.bars) == len(expected_bars) == 8
        for got, want in zip(live.bars, expected_bars):
            assert got[0] == want[0] and got[2:] == want[2:]
            assert (math.isnan(got[1]) and math.isnan(want[1])) or got[1] == pytest.approx(want[1])
        assert live.dont_know == sum(row["dont_know"] for row in rows)
        assert (live.done, live.total) == (sum(a for a, _ in progress.values()), sum(f for _, f in progress.values()))
        room = eight_aspects.overall({row["aspect_id"]: row["score"] for row in rows})
        assert (math.isnan(live.room) and math.isnan(room)) or live.room == pytest.approx(room)


def test_live_summary_refuses_a_stored_rating_or_weight_off_the_instrument():
    first = eight_aspects.instrument().factor_ids[0]
    with pytest.raises(AnswerError, match="not one of 1–5"):
        eight_aspects.live_summary({first: {"rating": 9}})
    with pytest.raises(AnswerError, match="outside 0–3"):
        eight_aspects.live_summary({first: {"rating": 3, "weight": 7}})
