"""One test per worked case in data/cases/eight_aspects.yaml."""

import math
from pathlib import Path

import pytest
import yaml

from scoring.diagnostics import eight_aspects

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "cases" / "eight_aspects.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_worked_case(case):
    answers = case.get("answers") or {}
    if "answer_all" in case:
        answers = {item_id: case["answer_all"] for item_id in eight_aspects.instrument().factor_ids}
    scores = eight_aspects.score(answers, case.get("weights"))
    expected = case["expected"]

    assert list(scores.index) == list(eight_aspects.ASPECTS)
    for aspect_id in eight_aspects.ASPECTS:
        actual = scores.loc[aspect_id, "score"]
        if aspect_id in expected["scores"]:
            assert actual == pytest.approx(expected["scores"][aspect_id], abs=1e-4), aspect_id
        else:
            assert math.isnan(actual), f"{aspect_id} should have no score, got {actual}"
    room = eight_aspects.overall(scores)
    if expected["overall"] is None:
        assert math.isnan(room)
    else:
        assert room == pytest.approx(expected["overall"], abs=1e-4)
    for aspect_id, count in (expected.get("dont_know") or {}).items():
        assert scores.loc[aspect_id, "dont_know"] == count


def test_cases_cover_the_edge_cases_the_method_promises():
    names = " ".join(case["name"] for case in CASES)
    for phrase in ("don't know", "weight 0", "no score", "nothing answered"):
        assert phrase in names
