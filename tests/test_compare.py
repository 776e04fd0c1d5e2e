"""Comparing a baseline with the current assessment: worked cases, sides of either kind,
the overlaid radar and the Comparison sheet."""

from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.chart import RadarChart

from scoring import compare, numbers
from scoring.compare import Side
from scoring.diagnostics import approaches, eight_aspects
from scoring.workshop.room import Participant

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "compare.yaml").read_text(encoding="utf-8"))["cases"]
ACTION_DEFAULTS = {"owner": "", "due": "", "measure": "", "status": "not_started", "origin": ""}


def _response(answers: dict) -> dict:
    response = {}
    for diagnostic_id, records in (answers or {}).items():
        if diagnostic_id == "eight_aspects":
            response[diagnostic_id] = {item: dict(value) if isinstance(value, dict) else {"rating": value} for item, value in records.items()}
        elif diagnostic_id == "approaches":
            response[diagnostic_id] = {"choice": {"chosen": [], "priorities": {}, **records}}
        elif diagnostic_id == "development_plan":
            response[diagnostic_id] = {key: {**ACTION_DEFAULTS, **record} for key, record in records.items()}
        else:
            response[diagnostic_id] = records
    return response


def _side(spec: dict, label: str) -> Side:
    if "participants" in spec:
        people = tuple(Participant(number, person.get("role"), _response(person.get("answers"))) for number, person in enumerate(spec["participants"], start=1))
        # The cases check the arithmetic on small rooms; blanking small numbers has its own tests.
        return Side(label, _response(spec.get("room")), people, min_group=1)
    return Side(label, _response(spec.get("answers")))


def _same(actual, expected) -> bool:
    """null in a case means no value (NaN)."""
    return pd.isna(actual) if expected is None else actual == pytest.approx(expected)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case):
    before, after = _side(case["before"], "Then"), _side(case["after"], "Now")
    expected = case["expected"]

    changes = compare.aspect_changes(before, after)
    assert sorted(changes.index) == sorted(eight_aspects.ASPECTS)
    if "aspects" in expected:
        for aspect_id in eight_aspects.ASPECTS:
            want = expected["aspects"].get(aspect_id, [None, None, None])
            got = changes.loc[aspect_id, ["before", "after", "change"]].tolist()
            assert all(_same(g, w) for g, w in zip(got, want)), (aspect_id, got, want)
    if "first_aspects" in expected:
        assert list(changes.index[: len(expected["first_aspects"])]) == expected["first_aspects"]

    items = compare.item_changes(before, after)
    if "most_moved_item" in expected:
        assert (items["item_id"].iloc[0] if len(items) else None) == expected["most_moved_item"]
    if "item_count" in expected:
        assert len(items) == expected["item_count"]
    if "items_order" in expected:
        assert list(items["item_id"]) == expected["items_order"]
    for item_id, want in (expected.get("items") or {}).items():
        row = items.set_index("item_id").loc[item_id]
        assert [row.before, row.after, row.change] == pytest.approx(want), item_id
    if "overall" in expected:
        got = compare.overall_change(before, after)
        assert all(_same(got[k], w) for k, w in zip(("before", "after", "change"), expected["overall"]))

    if "moved" in expected:
        moved = compare.ranking_changes(before, after).set_index("approach_id")["moved"]
        assert {a: int(moved[a]) for a in expected["moved"]} == expected["moved"]

    if "plan" in expected:
        assert compare.plan_summary(before, after) == expected["plan"]
    if "in_baseline" in expected:
        progress = compare.plan_progress(before, after).set_index("key")
        assert progress["in_baseline"].to_dict() == expected["in_baseline"]


def test_item_changes_keeps_the_top_ones_and_says_where_they_belong():
    before = Side("Then", _response({"eight_aspects": {"sd_one_place": 1, "rel_councillors": 3, "pro_competitive_capability": 4}}))
    after = Side("Now", _response({"eight_aspects": {"sd_one_place": 5, "rel_councillors": 2, "pro_competitive_capability": 4}}))
    top = compare.item_changes(before, after, top=2)
    assert list(top.columns[:6]) == ["item_id", "aspect_id", "aspect", "text", "before", "after"]
    assert list(top["item_id"]) == ["sd_one_place", "rel_councillors"]
    assert list(top["change"]) == [4, -1]
    assert top["aspect"].iloc[0] == "System design"


def test_ranking_changes_has_no_move_where_a_side_has_no_fit():
    one_per_aspect = {
        "sd_one_place": 4,
        "rel_councillors": 3,
        "cc_market_stewardship": 3,
        "uo_citizen_check": 3,
        "ii_experimentation": 3,
        "pol_procurement_act": 3,
        "pro_competitive_capability": 3,
        "mt_service_design": 3,
    }
    table = compare.ranking_changes(Side("Then", {}), Side("Now", _response({"eight_aspects": one_per_aspect})))
    assert list(table.columns) == [
        "approach_id",
        "title",
        "rank_before",
        "rank_after",
        "rank_label_before",
        "rank_label_after",
        "fit_before",
        "fit_after",
        "moved",
    ]
    assert table["rank_before"].isna().all() and table["moved"].isna().all()
    assert (table["rank_label_before"] == approaches.NOT_JUDGED).all()
    assert table["rank_after"].iloc[0] == 1  # in today's order


def test_a_side_with_too_few_answers_ranks_nothing_and_says_so():
    table = compare.ranking_changes(Side("Then", {}), Side("Now", _response({"eight_aspects": {"sd_one_place": 4}})))
    assert table["rank_after"].isna().all() and table["moved"].isna().all()
    assert (table["rank_label_after"] == approaches.NOT_JUDGED).all()


def test_an_aspect_change_is_worked_out_from_the_scores_as_shown():
    # System design 1 + 2 + 2 -> (0 + 25 + 25) / 3 = 16.67, shown 17; then 3 + 3 + 4 -> 58.33, shown 58.
    then = Side("Then", _response({"eight_aspects": {"sd_one_place": 1, "sd_wellbeing_system": 2, "sd_funding_coherence": 2}}))
    now = Side("Now", _response({"eight_aspects": {"sd_one_place": 3, "sd_wellbeing_system": 3, "sd_funding_coherence": 4}}))
    row = compare.aspect_changes(then, now).loc["system_design"]
    assert row.after - row.before == pytest.approx(41.6667, abs=1e-3)  # rounded alone this would read +42
    assert (numbers.shown(row.before), numbers.shown(row.after)) == (17, 58)
    assert row.change == 41


def test_a_factor_dropped_from_the_instrument_since_the_baseline_is_left_out():
    old = Side("Then", _response({"eight_aspects": {"sd_one_place": 2, "sd_retired_factor": 5}}))
    assert compare.aspect_changes(old, old).loc["system_design", "before"] == 25


def test_blank_and_identical_labels_are_told_apart():
    assert compare.labels(Side("", {}), Side(" ", {})) == ("Baseline", "Current")
    assert compare.labels(Side("March", {}), Side("March", {})) == ("March (baseline)", "March (current)")


def test_a_workshop_side_says_how_many_took_part():
    room = Side("Team A", {}, (Participant(1, None, {}), Participant(2, None, {})))
    assert room.kind == "Workshop, 2 participants" and Side("Me", {}).kind == "Self-check"


# --- Figure --------------------------------------------------------------------------------

THEN = Side("Baseline (March 2026)", _response({"eight_aspects": {"sd_one_place": 2, "rel_councillors": 4, "pro_competitive_capability": 3}}))
NOW = Side("Now", _response({"eight_aspects": {"sd_one_place": 4, "rel_councillors": 3, "pro_competitive_capability": 3, "pol_procurement_act": 5}}))


def validated(figure: go.Figure) -> go.Figure:
    return go.Figure(figure.to_dict())  # raises ValueError on any invalid property


@pytest.mark.parametrize(
    "before, after",
    [(THEN, NOW), (Side("Then", {}), Side("Now", {})), (THEN, Side("Room", {}, (Participant(1, None, _response({"eight_aspects": {"sd_one_place": 5}})),)))],
    ids=["self-checks", "empty", "self-check-vs-workshop"],
)
def test_compare_radar_is_valid_and_tells_the_sides_apart_without_colour(before, after):
    figure = validated(compare.compare_radar(before, after))
    baseline, current = figure.data
    assert figure.layout.font.size >= 14 and figure.layout.showlegend
    assert (baseline.name, current.name) == compare.labels(before, after)
    assert baseline.line.dash == "dash" and current.line.dash in (None, "solid")
    assert baseline.marker.symbol.endswith("-open") and not str(current.marker.symbol).endswith("-open")
    assert list(figure.layout.polar.radialaxis.range) == [0, 100]
    assert len(baseline.r) == len(eight_aspects.ASPECTS) + 1  # closed shape


def test_compare_radar_plots_both_profiles_with_gaps_for_no_score():
    figure = compare.compare_radar(THEN, NOW)
    assert list(figure.data[0].r[:3]) == [25, 75, None]
    assert list(figure.data[1].r[:3]) == [75, 50, None]


def test_compare_radar_escapes_labels():
    figure = compare.compare_radar(Side("<a href='x'>Then</a>", {}), NOW)
    assert "<a" not in figure.data[0].name and "&lt;a" in figure.data[0].name


def test_empty_comparison_figure_says_so():
    figure = compare.compare_radar(Side("Then", {}), Side("Now", {}))
    assert "No aspect scores" in figure.layout.annotations[0].text


# --- Workbook ------------------------------------------------------------------------------


def _sheet_text(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def _plan(*actions) -> dict:
    return {"development_plan": {key: {**ACTION_DEFAULTS, **fields} for key, fields in actions}}


def test_the_comparison_workbook_has_the_sheet_a_two_series_radar_and_the_method():
    before = Side(
        '=HYPERLINK("http://example.invalid","x")',
        {**THEN.response, **_plan(("action:a", {"aspect_id": "process", "action": "Map the market", "status": "in_progress"}))},
    )
    after = Side(
        "Now",
        {
            **NOW.response,
            **_plan(
                ("action:a", {"aspect_id": "process", "action": "Map the market", "status": "done", "due": "2027-01-31"}),
                ("action:b", {"aspect_id": "policy", "action": "=1+1", "owner": "@owner", "status": "not_started"}),
            ),
        },
    )
    data = compare.build_comparison_workbook(before, after, generated=datetime(2026, 3, 1, tzinfo=timezone.utc))
    wb = load_workbook(BytesIO(data))
    assert wb.sheetnames == ["Comparison", "About"]
    ws = wb["Comparison"]
    charts = [c for c in ws._charts if isinstance(c, RadarChart)]
    assert len(charts) == 1 and len(charts[0].series) == 2
    dashes = [s.graphicalProperties.line.prstDash for s in charts[0].series]
    assert dashes == ["dash", "solid"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    # User text stays text: never a formula.
    for text in (before.label, "=1+1 (Policy)", "@owner"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    text = _sheet_text(ws)
    for expected in ("Now", "What moved most: factors", "the ranking then and now", "Done", "Outstanding", "Map the market (Process)"):
        assert expected in text
    about = _sheet_text(wb["About"])
    assert "Moved = rank then minus rank now" in about and "Now (Self-check)" in about
    assert f"{before.label} (Self-check)" in about


def test_write_comparison_adds_to_an_existing_workbook_and_copes_with_empty_sides():
    wb = Workbook()
    compare.write_comparison(wb, Side("Then", {}), Side("Now", {}))
    text = _sheet_text(wb["Comparison"])
    assert "No factor has a rating on both sides yet." in text
    assert "No ranking on either side" in text
    assert "No action is done yet." in text


def test_comparison_of_two_workshops_in_the_workbook():
    def team(label, rating):
        return Side(label, {}, tuple(Participant(n, "Commissioner", _response({"eight_aspects": {"sd_one_place": rating}})) for n in (1, 2, 3)))

    wb = load_workbook(BytesIO(compare.build_comparison_workbook(team("Team A", 2), team("Team B", 4))))
    text = _sheet_text(wb["Comparison"])
    assert "Workshop, 3 participants" in text and "Moved most: System design +50" in text
    assert "Workshop aggregation" in _sheet_text(wb["About"])


@pytest.mark.parametrize("change, text", [(32.5, "+33"), (-2.5, "\u22123"), (0.4, "no change"), (-0.49, "no change"), (37.5, "+38")])
def test_changes_in_words_round_as_the_spreadsheet_shows_them(change, text):
    assert compare._signed(change) == text


def test_the_ranking_says_how_many_aspects_each_side_rests_on():
    then = Side("Then", _response({"eight_aspects": {"sd_one_place": 4}}))
    now = Side("Now", _response({"eight_aspects": {"sd_one_place": 4, "rel_councillors": 2, "pro_competitive_capability": 3}}))
    assert compare.ranking_basis(then, now, "Then", "Now").startswith("Then: the ranking rests on 1 of the 8 aspects; Now: on 3.")
