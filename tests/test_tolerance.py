"""What are we tolerating?: worked cases, validation, wording by mode, Excel sheet."""

import math
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from scoring.diagnostics import tolerance
from scoring.excel.summary import build_workbook
from scoring.instruments.loading import InstrumentError
from scoring.records import development_plan

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "tolerance.yaml").read_text(encoding="utf-8"))["cases"]
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_80427d57362e641e.txt"


def _records(answers):
    return {tolerance.area_key(area): record for area, record in answers.items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    records = _records(case["answers"])
    profile = tolerance.profile(records).set_index("area_id")
    for area_id in tolerance.AREAS:
        expected = case["expected"]["priority"].get(area_id)
        actual = profile.loc[area_id, "priority"]
        assert math.isnan(actual) if expected is None else actual == expected, area_id
    assert list(tolerance.stop_first(records)["area_id"]) == case["expected"]["stop_first"]


def test_whose_gift_takes_the_plans_four_classes_and_old_answers_stay_valid():
    # One tolerance id per development plan class, in the plan's order, each shown.
    assert tuple(tolerance.GIFT_IDS) == tuple(development_plan.CLASSES)
    assert tuple(tolerance.instrument().scales["gift"]) == tuple(tolerance.GIFT_IDS.values())
    assert set(tolerance.STOP_ORDER) == set(tolerance.GIFT_IDS.values())
    for gift in ("ours", "influence", "outside", "innovation"):  # the first three: answers stored before
        record = tolerance.clean_record(tolerance.area_key("waiting_lists"), {"frequency": 1, "impact": 2, "gift": gift})
        assert record["gift"] == gift
    with pytest.raises(ValueError, match="whose gift"):
        tolerance.clean_record(tolerance.area_key("waiting_lists"), {"frequency": 1, "impact": 2, "gift": "needs_innovation"})


def test_stop_first_explains_itself():
    why = tolerance.stop_first(_records({"waiting_lists": {"frequency": 2, "impact": 3, "gift": "ours"}}))["why"][0]
    assert why == "How often: often (2) x impact: high (3) = 6 of 9; ours to change"


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seeds not beside the checkout")
def test_tolerance_statements_are_quoted_from_the_seed():
    seed = SEED.read_text(encoding="utf-8").replace("\u2019", "'").replace("\u2011", "-")
    for area in tolerance.instrument().areas:
        assert area.statement in seed, area.id


def test_each_mode_words_every_prompt_differently():
    for area in tolerance.instrument().areas:
        assert len(set(area.prompts.values())) == len(tolerance.MODES)


@pytest.mark.parametrize(
    "item_id, record, problem",
    [
        ("area:waiting_lists", {"frequency": 4}, "frequency 4"),
        ("area:waiting_lists", {"impact": 0}, "impact 0"),
        ("area:waiting_lists", {"gift": "theirs"}, "whose gift"),
        ("area:waiting_lists", {"evidence": "x" * 2001}, "longer than 2000"),
        ("area:nowhere", {"frequency": 1}, "unknown tolerance entry"),
        ("mode", {"mode": "interrogation"}, "mode must be one of"),
    ],
)
def test_bad_records_are_refused(item_id, record, problem):
    with pytest.raises(ValueError, match=problem):
        tolerance.clean_record(item_id, record)


def test_an_area_becomes_a_plan_action_that_validates():
    area = tolerance.instrument().area("weak_impact_data")
    action = tolerance.action_for(area)
    assert development_plan.clean_record("action:x", action)["aspect_id"] == area.aspect_id
    assert "It's the best data we can get at the moment." in action["action"]


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda c: c["areas"][0].update(aspect="vibes"), "unknown aspect 'vibes'"),
        (lambda c: c["areas"][1]["prompts"].pop("provider_dialogue"), "'prompts' must give a wording for each mode"),
        (lambda c: c["areas"].pop(), "must be exactly these ids"),
        (lambda c: c["modes"][0].pop("note"), "'note' is missing"),
        (lambda c: c["areas"][2].pop("statement"), "'statement' is missing"),
        (lambda c: c["scales"]["frequency"].pop(), "scales, frequency: must have exactly the values 0, 1, 2, 3"),
        (lambda c: c["scales"]["gift"].reverse(), "scales, gift: must have exactly the values ours, influence, outside, innovation, in that order"),
    ],
)
def test_broken_tolerance_file_is_refused(tmp_path, mutate, problem):
    content = yaml.safe_load(tolerance.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    mutate(content)
    path = tmp_path / "tolerance.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match=problem):
        tolerance.load(path)


def test_workbook_has_a_tolerating_sheet_with_a_chart():
    records = _records({"waiting_lists": {"frequency": 2, "impact": 3, "gift": "ours", "evidence": "=cmd|' /C calc'!A0"}})
    records["mode"] = {"mode": "provider_dialogue"}
    ws = load_workbook(BytesIO(build_workbook({"tolerance": records})))["Tolerating"]
    assert any(isinstance(chart, BarChart) for chart in ws._charts)
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert 6 in values and "Provider dialogue" in " ".join(str(v) for v in values if v)
    hostile = next(cell for row in ws.iter_rows() for cell in row if cell.value == "=cmd|' /C calc'!A0")
    assert hostile.data_type == "s" and hostile.quotePrefix
