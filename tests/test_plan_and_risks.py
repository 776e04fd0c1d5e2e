"""The development plan and the risk register: pre-filling, validation, Excel sheets."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from scoring.diagnostics import approaches
from scoring.excel.summary import build_workbook
from scoring.records import development_plan as plan
from scoring.records import risks
from scoring.records.development_plan import PlanError
from scoring.records.risks import RiskError

TODAY = date(2026, 11, 23)
EA = {
    "sd_one_place": {"rating": 1, "weight": 1},
    "sd_wellbeing_system": {"rating": 2, "weight": 3},
    "sd_funding_coherence": {"rating": 5, "weight": 1},
    "sd_joint_commissioning": {"rating": 1, "weight": 0},  # weight 0: left out
    "sd_commissioning_from_start": {"rating": None, "weight": 1},
}
ACTION = {
    "aspect_id": "process",
    "action": "Co-design the fee model with providers",
    "owner": "Head of commissioning",
    "due": "2027-03-31",
    "measure": "Fee model agreed at the provider forum",
    "status": "in_progress",
    "origin": "",
}


def test_prefill_takes_worst_and_best_rated_factors_of_the_aspect():
    prefilled = plan.prefill("system_design", EA)
    assert prefilled["holds_back"] == ["sd_one_place", "sd_wellbeing_system"]
    assert prefilled["supports"] == ["sd_funding_coherence"]
    assert prefilled["boost"] == [] and prefilled["classes"] == {}
    assert plan.prefill("policy", EA)["holds_back"] == []


def test_a_saved_aspect_plan_replaces_the_prefill():
    saved = {"holds_back": ["sd_one_place"], "supports": [], "boost": [], "classes": {"sd_one_place": "influenceable"}}
    assert plan.aspect_plan("system_design", {"aspect:system_design": saved}, EA) == saved


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"holds_back": ["pol_procurement_act"]}, "not a factor of this aspect"),
        ({"holds_back": ["sd_one_place"], "supports": ["sd_one_place"]}, "cannot both"),
        ({"supports": ["sd_one_place"], "boost": ["sd_funding_coherence"]}, "only a supporting factor"),
        ({"holds_back": ["sd_one_place"], "classes": {"sd_one_place": "blame"}}, "classification"),
    ],
)
def test_bad_aspect_plans_are_refused(record, problem):
    with pytest.raises(PlanError, match=problem):
        plan.clean_record("aspect:system_design", record)


def test_classes_are_kept_only_for_factors_that_hold_back():
    cleaned = plan.clean_record(
        "aspect:system_design",
        {"holds_back": ["sd_one_place"], "supports": ["sd_funding_coherence"], "boost": ["sd_funding_coherence"], "classes": {"sd_one_place": "in_control"}},
    )
    assert cleaned["classes"] == {"sd_one_place": "in_control"}
    assert cleaned["boost"] == ["sd_funding_coherence"]


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"action": "   "}, "The action is empty"),
        ({"action": None}, "The action is empty"),
        ({"due": "2020-01-01"}, "in the past"),
        ({"due": "31/02/2027"}, "not a date"),
        ({"status": "abandoned"}, "status must be one of"),
        ({"aspect_id": "vibes"}, "choose the aspect"),
        ({"owner": "x" * 501}, "longer than 500"),
    ],
)
def test_bad_actions_are_refused_with_a_clear_message(changes, problem):
    with pytest.raises(PlanError, match=problem):
        plan.clean_record("action:abc", {**ACTION, **changes}, today=TODAY)


def test_an_action_keeps_a_due_date_that_has_since_passed():
    saved = plan.clean_record("action:abc", {**ACTION, "due": (TODAY + timedelta(days=1)).isoformat()}, today=TODAY)
    later = TODAY + timedelta(days=30)
    updated = plan.clean_record("action:abc", {**saved, "status": "done"}, previous=saved, today=later)
    assert updated["status"] == "done" and updated["due"] == saved["due"]
    assert plan.clean_record("action:abc", {**ACTION, "due": date(2027, 1, 2)}, today=TODAY)["due"] == "2027-01-02"


def test_gaps_become_actions_once():
    gap_table = approaches.gaps(["contestability"], {a: 40 for a in approaches.ASPECTS})
    proposals = plan.actions_from_gaps(gap_table, ["Contestability to drive down costs"], {})
    assert [p["aspect_id"] for p in proposals] == list(gap_table["aspect_id"])
    assert all(plan.clean_record("action:x", p, today=TODAY) for p in proposals)
    stored = {f"action:{n}": p for n, p in enumerate(proposals)}
    assert plan.actions_from_gaps(gap_table, ["Contestability to drive down costs"], stored) == []


RISK = {
    "approach_id": "contestability",
    "title": "Provider failure",
    "description": "",
    "likelihood": 4,
    "impact": 5,
    "mitigation": "",
    "owner": "",
    "suggested_id": "",
}


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"likelihood": 9}, "likelihood 9"),
        ({"impact": 0}, "impact 0"),
        ({"likelihood": 2.5}, "likelihood 2.5"),
        ({"title": ""}, "title is empty"),
        ({"approach_id": "vibes"}, "unknown approach"),
    ],
)
def test_bad_risks_are_refused(changes, problem):
    with pytest.raises(RiskError, match=problem):
        risks.clean_record("risk:x", {**RISK, **changes})


def test_suggested_risks_come_from_the_data_and_are_not_suggested_twice():
    suggestions = risks.suggested(["contestability", "in_house_mutual"], {})
    data = [r.id for a in ("contestability", "in_house_mutual") for r in approaches.instrument().approach(a).risks]
    assert [s["suggested_id"] for s in suggestions] == data
    stored = {"risk:1": suggestions[0]}
    assert [s["suggested_id"] for s in risks.suggested(["contestability", "in_house_mutual"], stored)] == data[1:]


def test_register_rates_and_bands_highest_first():
    table = risks.register({"risk:a": {**RISK, "likelihood": 2, "impact": 2}, "risk:b": RISK, "risk:c": {**RISK, "likelihood": 3, "impact": 4}})
    assert list(table["rating"]) == [20, 12, 4]
    assert list(table["band"]) == ["Very high", "High", "Low"]
    figure = risks.heat_map(table)
    text = figure.data[0].text
    assert "R1" in text[3][4] and "R2" in text[2][3] and "R3" in text[1][1]


@pytest.fixture(scope="module")
def workbook():
    response = {
        "eight_aspects": EA,
        "approaches": {"choice": {"chosen": ["contestability"], "priorities": {}}},
        "development_plan": {
            "action:1": ACTION,
            "aspect:system_design": {"holds_back": ["sd_one_place"], "supports": [], "boost": [], "classes": {"sd_one_place": "out_of_control"}},
        },
        "risks": {"risk:a": RISK, "risk:b": {**RISK, "title": "Thin market", "likelihood": 1, "impact": 2}},
    }
    return load_workbook(BytesIO(build_workbook(response)))


def test_model_fit_sheet_charts_only_the_approaches_it_can_judge():
    # Policy and process blank: the approaches leaning on them are not judged and not charted.
    factor_per_aspect = {
        "sd_one_place": 4,
        "rel_councillors": 3,
        "cc_market_stewardship": 4,
        "uo_citizen_check": 2,
        "ii_experimentation": 5,
        "mt_service_design": 3,
    }
    response = {"eight_aspects": {f: {"rating": r} for f, r in factor_per_aspect.items()}}
    ws = load_workbook(BytesIO(build_workbook(response)))["Model fit"]
    chart = next(c for c in ws._charts if isinstance(c, BarChart))
    ranked = approaches.rank_response(response)
    judged = int(ranked["judged"].sum())
    assert 0 < judged < len(ranked)
    reference = chart.series[0].val.numRef.f  # e.g. 'Model fit'!$C$7:$C$10: the judged rows, below the header
    first, last = (int(part.split("$")[-1]) for part in reference.split("!")[1].split(":"))
    assert last - first + 1 == judged
    assert ws.cell(row=first - 1, column=3).value == "Fit (0–100)"
    assert all(ws.cell(row=r, column=3).value is not None for r in range(first, last + 1))
    assert ws.cell(row=last + 1, column=3).value is None  # the first approach not judged


def test_model_fit_sheet_lists_all_thirteen(workbook):
    ws = workbook["Model fit"]
    assert not any(isinstance(c, BarChart) for c in ws._charts)  # nothing judged: no chart of empty bars
    rows = list(ws.iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if row[1] == "Approach")
    assert rows[header][:6] == ("Rank", "Approach", "Fit (0–100)", "Feasibility", "Desirability", "Coverage")
    body = rows[header + 1 : header + 14]
    assert {row[1] for row in body} == {a.title for a in approaches.instrument().approaches}
    # Only system design is scored: nothing can be judged, and the sheet says so rather than ranking.
    assert all(row[0] == approaches.NOT_JUDGED and row[2] is None for row in body)
    assert any(row[0] and str(row[0]).startswith("This ranking rests on 1 of the 8 aspects.") for row in rows[:header])


def test_plan_sheet_has_drop_down_lists_for_classification_and_status(workbook):
    ws = workbook["Development plan"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("Out of our control" in f for f in lists) and any("In progress" in f for f in lists)
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert "Out of our control" in values and "Co-design the fee model with providers" in values
    due = next(cell for row in ws.iter_rows() for cell in row if cell.value == "Co-design the fee model with providers").offset(column=2)
    assert due.value.date() == date(2027, 3, 31)


def test_risk_sheet_colours_and_names_each_band(workbook):
    ws = workbook["Risks"]
    rows = [row for row in ws.iter_rows(min_row=5) if row[0].value]
    assert [(r[6].value, r[7].value) for r in rows] == [(20, "Very high"), (2, "Low")]
    assert rows[0][7].fill.fgColor.rgb.endswith(risks.BAND_FILLS["Very high"])
