"""A baseline brought back from a workbook: validated as if typed in, compared on the
Compare page and in the Excel summary."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scoring import compare, numbers
from scoring.diagnostics import eight_aspects
from scoring.excel.reader import read_workbook
from scoring.excel.summary import build_workbook
from scoring.records import baseline
from scoring.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"


def _answers(ratings: dict) -> dict:
    """Records as the app saves them (cleaned), so the workbook reader accepts them."""
    return {"eight_aspects": {item: eight_aspects.clean_record(item, {"rating": r, "weight": 1}) for item, r in ratings.items()}}


THEN = _answers({"sd_one_place": 5, "sd_wellbeing_system": 2})
NOW = _answers({"sd_one_place": 2, "sd_wellbeing_system": 4})


def kept_from(response, label="Last year") -> dict:
    return baseline.from_workbook(read_workbook(build_workbook(response)), label)


def test_a_baseline_is_validated_as_if_every_answer_were_typed_in():
    record = kept_from(THEN)
    assert baseline.clean_record(baseline.ITEM, record)["response"]["eight_aspects"]["sd_one_place"]["rating"] == 5
    broken = {**record, "response": {"eight_aspects": {"sd_one_place": {"rating": 9}}}}
    with pytest.raises(ValueError, match="rating"):
        baseline.clean_record(baseline.ITEM, broken)
    with pytest.raises(ValueError, match="no diagnostic"):
        baseline.clean_record(baseline.ITEM, {**record, "response": {"nonsense": {}}})
    with pytest.raises(ValueError, match="name"):
        baseline.clean_record(baseline.ITEM, {**record, "label": "  "})


def test_the_excel_summary_compares_with_a_kept_baseline_and_brings_it_back():
    response = {**NOW, baseline.ID: {baseline.ITEM: baseline.clean_record(baseline.ITEM, kept_from(THEN))}}
    data = build_workbook(response)
    workbook = load_workbook(BytesIO(data))
    assert compare.SHEET in workbook.sheetnames
    summary_text = [c.value for row in workbook["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Baseline: Last year" in summary_text
    assert read_workbook(data).response == response  # the baseline comes back with the answers


def app_with(response) -> AppTest:
    store = Store()
    token = store.new_respondent()
    store.replace_response(token, response)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page("views/over_time/compare.py").run()
    assert not at.exception
    return at


def test_the_compare_page_sets_the_baseline_beside_the_current_answers():
    at = app_with({**NOW, baseline.ID: {baseline.ITEM: baseline.clean_record(baseline.ITEM, kept_from(THEN))}})
    before, after = baseline.side(kept_from(THEN)), compare.Side("Now", NOW)
    overall = compare.overall_change(before, after)
    values = {m.label: m.value for m in at.metric}
    assert values["Room for manoeuvre: Last year"] == numbers.text(overall["before"])
    assert values["Room for manoeuvre: Now"] == numbers.text(overall["after"])
    # The change is the difference of the two numbers shown beside it.
    assert values["Change"] == numbers.signed(numbers.shown(overall["after"]) - numbers.shown(overall["before"]))
    assert at.get("plotly_chart"), "the overlaid radar"
    next(b for b in at.button if b.label.startswith("Stop comparing")).click().run()
    assert any("Keep an earlier workbook" in i.value for i in at.info)


def test_without_a_baseline_the_compare_page_says_how_to_keep_one():
    at = app_with(NOW)
    assert any("Keep an earlier workbook" in i.value for i in at.info)


def test_a_workshop_pack_resumes_as_a_new_workshop_with_its_participants_and_room_plan():
    from datetime import datetime, timezone

    from scoring.excel import reader as workbook_reader
    from scoring.records import development_plan
    from scoring.workshop.pack import build_pack
    from scoring.workshop.room import Participant

    people = [Participant(n, "Finance", _answers({"sd_one_place": n % 5 + 1})) for n in range(1, 4)]
    room = {
        development_plan.ID: {
            "action:1": development_plan.clean_record("action:1", {"aspect_id": "system_design", "action": "Agree a shared outcome", "status": "not_started"})
        }
    }
    info = {"name": "Away day", "code": "ABCD2345", "diagnostics": ["eight_aspects"], "roles": ["Finance"], "created_at": datetime.now(timezone.utc)}
    book = read_workbook(build_pack(info, people, room))
    store = Store()
    facilitator = workbook_reader.resume_workshop(store, book)
    workshop = store.workshop(facilitator)
    assert workshop["name"] == "Away day (brought back)" and workshop["diagnostics"] == ["eight_aspects"]
    as_text = lambda pairs: sorted(json.dumps(pair, sort_keys=True) for pair in pairs)  # noqa: E731 - not joining order
    assert as_text(store.participants(facilitator)) == as_text([("Finance", p.response) for p in people])
    assert store.response(facilitator) == room


def test_a_facilitators_pack_compares_with_their_baseline_and_reads_back():
    from datetime import datetime, timezone

    from scoring.workshop.pack import build_pack
    from scoring.workshop.room import Participant

    people = [Participant(n, None, _answers({"sd_one_place": n % 5 + 1})) for n in range(1, 4)]
    room = {baseline.ID: {baseline.ITEM: baseline.clean_record(baseline.ITEM, kept_from(THEN))}}
    info = {"name": "Away day", "code": "ABCD2345", "diagnostics": ["eight_aspects"], "roles": [], "created_at": datetime.now(timezone.utc)}
    data = build_pack(info, people, room)
    assert compare.SHEET in load_workbook(BytesIO(data)).sheetnames
    assert read_workbook(data).response == room
