"""Starting points and support needs: worked cases, suggestions, broken files, Excel."""

import math
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from scoring.diagnostics import starting_points as sp
from scoring.excel import summary
from scoring.excel.summary import build_workbook
from scoring.instruments.loading import InstrumentError

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "starting_points.yaml").read_text(encoding="utf-8"))["cases"]


def _records(answers):
    return {item_id: {"rating": rating} for item_id, rating in answers.items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    records = _records(case["answers"])
    scores = sp.theme_scores(records).set_index("theme_id")["score"]
    for theme_id, actual in scores.items():
        expected = case["expected"]["themes"].get(theme_id)
        assert math.isnan(actual) if expected is None else actual == pytest.approx(expected), theme_id
    assert list(sp.ranked_needs(records)["theme_id"]) == case["expected"]["needs"]
    assert [kind for kind, _ in sp.recommendations(records)] == case["expected"]["support"]


def test_suggestions_say_why():
    advice = dict(sp.recommendations(_records({"str_board_senior": 1, "out_measure_long_term": 5})))
    assert advice["bespoke_support"] == "Starting-point themes below 50: structures (0)."
    assert advice["generic_tools"] == "Support needs of 50 or more: outcomes (100)."
    assert "3 of the starting-point themes are not rated yet" in advice["initial_assessment"]


def test_the_instrument_covers_the_themes_the_research_names():
    inst = sp.instrument()
    assert [t.id for t in inst.themes] == list(sp.PROFILE_THEMES + sp.NEED_THEMES)
    assert all(len(inst.items_of(t.id)) >= 3 for t in inst.themes)


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda c: c["themes"][4].update(kind="profile"), "are the needs"),
        (lambda c: c["items"][0].update(theme="vibes"), "unknown theme 'vibes'"),
        (lambda c: c["support_kinds"].pop(), "must be exactly these ids"),
        (lambda c: c["themes"][0].update(kind="mood"), "kind 'mood'"),
    ],
)
def test_broken_starting_points_file_is_refused(tmp_path, mutate, problem):
    content = yaml.safe_load(sp.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    mutate(content)
    path = tmp_path / "starting_points.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match=problem):
        sp.load(path)


def test_workbook_has_a_starting_points_sheet_with_a_chart_and_suggestions():
    ws = load_workbook(BytesIO(build_workbook({"starting_points": _records({"lea_ce_dcs_close": 1, "cap_workload": 5})})))["Starting points"]
    assert any(isinstance(chart, BarChart) for chart in ws._charts)
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert "Bespoke support" in values and "Generic tools" in values


def test_a_fact_about_the_place_is_recorded_as_context_and_never_scored():
    inst = sp.instrument()
    fact = next(f for f in inst.context if f.id == "ctx_intervention")
    assert sp.clean_record(fact.id, {"answer": "yes"}) == {"answer": "yes"}
    with pytest.raises(ValueError, match="answer must be one of"):
        sp.clean_record(fact.id, {"rating": 1})
    rated = _records({"his_stable": 4})
    assert sp.theme_scores({**rated, fact.id: {"answer": "yes"}}).equals(sp.theme_scores(rated))
    assert sp.progress({fact.id: {"answer": "no"}})[0] == 0
    ws = load_workbook(BytesIO(build_workbook({"starting_points": {fact.id: {"answer": "yes"}}})))["Starting points"]
    rows = [tuple(c.value for c in row[1:3]) for row in ws.iter_rows()]
    assert (fact.text, "Yes") in rows
    assert not any("inspection" in i.text.lower() or "intervention authority" in i.text.lower() for i in inst.items), "a fact is not rated as a feeling"


def test_the_workbook_shows_where_each_statement_comes_from_honestly():
    from scoring.instruments.loading import WRITTEN_HERE, citation

    inst = sp.instrument()
    ws = load_workbook(BytesIO(build_workbook({"starting_points": _records({"his_stable": 4})})))["Starting points"]
    by_statement = {row[1]: row[4:6] for row in ws.iter_rows(values_only=True) if len(row) > 5}
    numbers = dict(summary.source_lines())
    for item in inst.items:
        reference, by_statement[item.text] = by_statement[item.text]
        assert by_statement[item.text] == citation(item.source, item.quote)
        assert (
            reference == "Written for this tool" if item.source == WRITTEN_HERE else numbers[reference] in by_statement[item.text]
        )  # printed: the number About gives the document
        if item.source == WRITTEN_HERE:
            assert by_statement[item.text].startswith("Written for this tool")
        else:
            assert item.quote and item.quote in by_statement[item.text]
    assert any(i.source == WRITTEN_HERE for i in inst.items), "the one statement with no seed passage says so"
