"""Conditions and practices: worked cases, validation, broken files, Excel sheet."""

import math
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from scoring.diagnostics import conditions
from scoring.excel.summary import build_workbook
from scoring.instruments.loading import InstrumentError

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "conditions.yaml").read_text(encoding="utf-8"))["cases"]


def _records(answers):
    return {item_id: {"rating": rating} for item_id, rating in answers.items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    records = _records(case["answers"])
    themes = conditions.theme_scores(records).set_index("theme_id")["score"]
    for theme_id, actual in themes.items():
        expected = case["expected"]["themes"].get(theme_id)
        assert math.isnan(actual) if expected is None else actual == pytest.approx(expected), theme_id
    parts = conditions.part_scores(records)
    for part_id, actual in parts.items():
        expected = case["expected"]["parts"].get(part_id)
        assert math.isnan(actual) if expected is None else actual == pytest.approx(expected, abs=1e-4), part_id
    choice = conditions.practice_to_work_on(records)
    assert (choice[0] if choice else None) == case["expected"]["practice"]


def test_the_choice_shows_its_reasoning():
    _, reason = conditions.practice_to_work_on(_records({"hon_undiscussable": 5, "int_outcomes_judged": 2}))
    assert reason == "Intent scores 25 out of 100, the lowest of the core practices you rated (then honest conversations 100)."


def test_the_instrument_has_the_parts_and_practices_of_the_seeds():
    inst = conditions.instrument()
    practices = [t.id for t in inst.themes_of("core_practices")]
    assert practices == ["honest_conversations", "clarity", "learning", "culture_shaping", "intent"]
    assert [t.id for t in inst.themes_of("hard_here")] == ["culture", "complexity", "data_research", "skills"]
    assert len(inst.themes_of("relational")) == 6


@pytest.mark.parametrize(
    "item_id, record, problem",
    [("hon_truth", {"rating": 6}, "not one of 1–5"), ("hon_truth", {"rating": "5"}, "not one of 1–5"), ("nope", {"rating": 3}, "unknown statement")],
)
def test_bad_records_are_refused(item_id, record, problem):
    with pytest.raises(ValueError, match=problem):
        conditions.clean_record(item_id, record)


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda c: c["items"][0].update(theme="vibes"), "unknown theme 'vibes'"),
        (lambda c: c["themes"][0].update(part="elsewhere"), "unknown part 'elsewhere'"),
        (lambda c: c["scale"].pop(), "exactly the values 1, 2, 3, 4, 5"),
        (lambda c: c["items"][3].pop("source"), "'source' is missing"),
        (lambda c: c.update(items=[i for i in c["items"] if i["theme"] != "skills"]), "theme 'skills': has no statements"),
    ],
)
def test_broken_conditions_file_is_refused(tmp_path, mutate, problem):
    content = yaml.safe_load(conditions.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    mutate(content)
    path = tmp_path / "conditions.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match=problem):
        conditions.load(path)


def test_workbook_has_a_conditions_sheet_with_a_chart_and_the_practice_in_the_summary():
    wb = load_workbook(BytesIO(build_workbook({"conditions": _records({"clr_roles_tasks": 1, "hon_truth": 4})})))
    ws = wb["Conditions and practices"]
    assert any(isinstance(chart, BarChart) for chart in ws._charts)
    summary = " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value)
    assert "Clarity scores 0 out of 100" in summary
