"""The stakeholder map and the capacity calculator: validation, results, figure, Excel."""

from io import BytesIO

import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from scoring.diagnostics import capacity, stakeholder_map
from scoring.diagnostics import starting_points as sp
from scoring.excel.summary import build_workbook

PERSON = {"name": "Integrated care board", "kind": "partner", "role": "Joint funder", "relationship": "weak"}


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"name": ""}, "The name is empty"),
        ({"name": None}, "The name is empty"),
        ({"role": "x" * 1_048_576}, "longer than 500"),
        ({"kind": "friend"}, "kind 'friend'"),
        ({"relationship": "fine"}, "relationship 'fine'"),
    ],
)
def test_a_bad_stakeholder_is_refused(changes, problem):
    with pytest.raises(ValueError, match=problem):
        sp.clean_record("stakeholder:abc", {**PERSON, **changes})


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"drivers": {"contracts": {"count": -3, "hours": 10}}}, "cannot be negative"),
        ({"drivers": {"providers": {"count": 5, "hours": -1}}}, "cannot be negative"),
        ({"staff_in_post": -1}, "cannot be negative"),
        ({"drivers": {"contracts": {"count": "many"}}}, "must be a number"),
        ({"drivers": {"vibes": {"count": 1, "hours": 1}}}, "unknown driver"),
        ({"hours_per_fte": 0}, "more than 0"),
        ({"drivers": {"contracts": {"count": 10**9, "hours": 1}}}, "implausibly large"),
    ],
)
def test_bad_capacity_inputs_are_refused(record, problem):
    with pytest.raises(ValueError, match=problem):
        sp.clean_record("capacity", record)


def test_capacity_needed_is_hours_over_the_users_own_assumption():
    drivers, totals = capacity.calculate(
        {"drivers": {"contracts": {"count": 40, "hours": 30}, "partnership_boards": {"count": 6, "hours": 50}}, "staff_in_post": 1, "hours_per_fte": 1200}
    )
    assert totals["hours"] == 40 * 30 + 6 * 50
    assert totals["fte_needed"] == pytest.approx(1500 / 1200)
    assert totals["gap"] == pytest.approx(1500 / 1200 - 1)
    assert list(drivers["driver"][:2]) == ["contracts", "partnership_boards"]
    assert drivers["share"].iloc[0] == pytest.approx(1200 / 1500)


def test_the_starting_assumption_is_stored_and_editable():
    assert capacity.inputs({})["hours_per_fte"] == capacity.HOURS_PER_FTE_ASSUMPTION
    assert capacity.inputs({"capacity": capacity.clean({"hours_per_fte": 1400})})["hours_per_fte"] == 1400


def test_the_map_is_a_valid_figure_with_a_line_style_per_relationship():
    people = stakeholder_map.table({"stakeholder:a": PERSON, "stakeholder:b": {**PERSON, "name": "DCS", "kind": "leader", "relationship": "strong"}})
    figure = go.Figure(stakeholder_map.network(people).to_dict())  # validates
    lines = {trace.name: trace.line.dash for trace in figure.data if trace.mode == "lines"}
    assert lines == {"Strong": "solid", "Weak": "dash"}
    assert list(people["name"]) == ["Integrated care board", "DCS"]  # partners before leaders


def test_workbook_has_the_map_and_the_capacity_sheets():
    records = {"stakeholder:a": PERSON, "capacity": capacity.clean({"drivers": {"contracts": {"count": 40, "hours": 30}}, "staff_in_post": 0.5})}
    wb = load_workbook(BytesIO(build_workbook({"starting_points": records})))
    rows = list(wb["Stakeholder map"].iter_rows(values_only=True))
    header = rows.index(("Name", "Kind", "Role", "Relationship"))
    assert rows[header + 1] == ("Integrated care board", "Partner", "Joint funder", "Weak")
    sheet = wb["Capacity"]
    assert any(isinstance(chart, BarChart) for chart in sheet._charts)
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 1200 in values and "Full-time staff needed" in values
    assert "Not a benchmark" in str(sheet["A2"].value)


def test_names_reach_the_chart_escaped():
    people = stakeholder_map.table({"stakeholder:a": {**PERSON, "name": '<a href="javascript:alert(1)">x</a>'}})
    text = stakeholder_map.network(people).data[-2].text[0]
    assert "<a" not in text and "&lt;a" in text
