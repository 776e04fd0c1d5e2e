"""Deciding, in a real browser: the approaches' fit, a chosen approach with its gaps and
risks, the development plan's action table and form, the risk register, the Excel sheets
they add, and the resume link bringing them back.

Each test starts its own respondent through the UI (answers in two aspects, then
/approaches), so it depends on no other test. Expected values come from the scoring API
for the same answers.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from deciding import (
    FIT_CHART,
    PLAN_TABLE,
    RISK_TABLE,
    add_action_by_form,
    add_gaps_to_plan,
    add_risks_to_register,
    answer_for_deciding,
    approach_title,
    choose_approach,
    choose_priority,
    chosen_tags,
    decide,
    decide_ratings,
    decide_scores,
    expect_fit_labels,
    expected_gap_actions,
    expected_ranking,
    expected_risks,
    fit_labels,
    gap_table,
    go_to,
    grid,
    grid_cell,
    grid_column,
    grid_rows,
    press_and_expect_notice,
    priority_title,
    rank_one,
)
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from pages import TIMEOUT, expect_no_exception, key, open_app, wait_for_app
from playwright.sync_api import expect

from scoring.diagnostics import approaches, eight_aspects
from scoring.records import development_plan

PRIORITY = "innovation"  # one that changes the rank-1 approach for the test answers
HAND_ACTION = "Agree a shared outcomes framework with the NHS"
HAND_OWNER = "Director of Adult Social Care"


def future_date() -> date:
    return date.today() + timedelta(days=400)


def aspect_titles() -> dict[str, str]:
    return {a.id: a.title for a in eight_aspects.instrument().aspects}


def add_hand_action(page, before: int) -> None:
    """Add HAND_ACTION through the form on /plan (whose table has `before` rows) and see
    it in the table."""
    expect(grid_rows(page, PLAN_TABLE)).to_have_count(before, timeout=TIMEOUT)
    add_action_by_form(page, HAND_ACTION, HAND_OWNER, future_date())
    expect(grid_rows(page, PLAN_TABLE)).to_have_count(before + 1, timeout=TIMEOUT)
    expect(grid_cell(page, PLAN_TABLE, HAND_ACTION, "Owner")).to_have_text(HAND_OWNER, timeout=TIMEOUT)
    expect(grid_cell(page, PLAN_TABLE, HAND_ACTION, "By when")).to_have_text(future_date().isoformat(), timeout=TIMEOUT)


def select_first_cell(page) -> None:
    """Click the plan table's first cell (row 1, Aspect) and see it selected.

    The grid is a canvas under a scrolling layer, so the click goes to that layer at a
    position: past the row-marker column, in the middle of the first row below the
    header. The grid takes the first click after the page has scrolled as a hover only,
    so the pointer rests on the cell first, and a click that selected nothing is repeated
    (at most three times).
    """
    frame = page.locator(PLAN_TABLE).get_by_test_id("stDataFrameResizable")
    first_cell = grid_rows(page, PLAN_TABLE).first.locator('td[aria-colindex="1"]')
    for attempt in range(3):
        frame.hover(position={"x": 80, "y": 53})
        frame.click(position={"x": 80, "y": 53})
        try:
            expect(first_cell).to_have_attribute("aria-selected", "true", timeout=2_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def test_approaches_fit_choice_gaps_and_risks(page, app_url):
    answer_for_deciding(page, app_url)
    go_to(page, "approaches", FIT_CHART)
    answered = len(decide_ratings())
    total = len(eight_aspects.instrument().factors)
    expect(page.get_by_text(f"Based on {answered} of {total} self-check factors answered.")).to_be_visible(timeout=TIMEOUT)

    # The fit chart is the page's first chart; its bars are the ranking, best first.
    charts = page.get_by_test_id("stMain").get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible(timeout=TIMEOUT)
    assert charts.first.evaluate("chart => !!chart.closest('.st-key-ap_fit')"), "the first chart is not the fit chart"
    best = rank_one()
    expect_fit_labels(page, fit_labels(expected_ranking()))
    assert fit_labels(expected_ranking())[0] == f"1. {approach_title(best)}"
    # No priorities yet: no matrix.
    expect(page.locator(key("ap_matrix"))).to_have_count(0)

    # A priority brings the feasibility x desirability matrix and re-ranks the bars.
    choose_priority(page, PRIORITY)
    expect_fit_labels(page, fit_labels(expected_ranking([PRIORITY])))
    best = rank_one([PRIORITY])
    assert best != rank_one(), "the priority should change the best fit, or this check proves little"

    # Choosing an approach shows what would have to change, largest gap first.
    choose_approach(page, best)
    table = gap_table(page)
    expect(table).to_be_visible(timeout=TIMEOUT)
    gaps = approaches.gaps([best], decide_scores())
    expect(table.get_by_role("rowheader")).to_have_text([aspect_titles()[a] for a in gaps["aspect_id"]], timeout=TIMEOUT)

    add_gaps_to_plan(page, best)
    add_risks_to_register(page, best)
    # Pressing again adds nothing twice.
    press_and_expect_notice(page, "ap_add_gaps", "Those gaps are already in the plan.")
    press_and_expect_notice(page, "ap_add_risks", "The suggested risks are already in the register.")
    expect_no_exception(page)


def test_plan_lists_gap_actions_and_the_form_adds_and_refuses(page, app_url):
    _, approach_id = decide(page, app_url, risks=False)
    page.get_by_role("link", name="Open the development plan").click()
    expect(page.locator(PLAN_TABLE).get_by_test_id("stDataFrame")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)

    proposals = expected_gap_actions(approach_id)
    assert proposals, "the chosen approach should have gaps for these answers"
    rows = grid_rows(page, PLAN_TABLE)
    expect(rows).to_have_count(len(proposals), timeout=TIMEOUT)
    for proposal in proposals:
        expect(grid_cell(page, PLAN_TABLE, proposal["action"], "Aspect")).to_have_text(aspect_titles()[proposal["aspect_id"]])
        expect(grid_cell(page, PLAN_TABLE, proposal["action"], "Status")).to_have_text(development_plan.STATUSES["not_started"])

    # The form adds an action with a future date.
    add_hand_action(page, len(proposals))
    count = len(proposals) + 1

    # An empty action is refused, with a message, and nothing is added.
    add_action_by_form(page, "", "Someone")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text(re.compile(r"Not added: The action\b.*\bis empty"), timeout=TIMEOUT)
    expect(rows).to_have_count(count, timeout=TIMEOUT)
    expect(grid(page, PLAN_TABLE).locator("td", has_text="Someone")).to_have_count(0)

    # Edit a cell in the canvas grid: select the first row's first cell (its Aspect),
    # move to Owner, open the editor with Enter, type, commit with Enter.
    first_action = rows.first.locator(f'td[aria-colindex="{grid_column(page, PLAN_TABLE, "Action")}"]').text_content()
    assert first_action
    select_first_cell(page)
    for _ in range(int(grid_column(page, PLAN_TABLE, "Owner")) - 1):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_be_visible(timeout=TIMEOUT)
    editor.fill("Head of Commissioning")
    editor.press("Enter")
    expect(page.locator(key("pl_actions_editor_1"))).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    expect(grid_cell(page, PLAN_TABLE, first_action, "Owner")).to_have_text("Head of Commissioning", timeout=TIMEOUT)
    expect(rows).to_have_count(count, timeout=TIMEOUT)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)

    # Saved, not just drawn: a reload (a new session) reads it back from the store.
    page.reload()
    expect(page.locator(PLAN_TABLE).get_by_test_id("stDataFrame")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    expect(rows).to_have_count(count, timeout=TIMEOUT)
    expect(grid_cell(page, PLAN_TABLE, first_action, "Owner")).to_have_text("Head of Commissioning", timeout=TIMEOUT)
    expect(grid_cell(page, PLAN_TABLE, HAND_ACTION, "Owner")).to_have_text(HAND_OWNER, timeout=TIMEOUT)
    expect_no_exception(page)


def test_risk_register_lists_the_suggested_risks_with_a_heat_map(page, app_url):
    _, approach_id = decide(page, app_url, gaps=False)
    page.get_by_role("link", name="Open the risk register").click()
    expect(page.locator(RISK_TABLE).get_by_test_id("stDataFrame")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)

    suggested = expected_risks(approach_id)
    assert suggested
    expect(grid_rows(page, RISK_TABLE)).to_have_count(len(suggested), timeout=TIMEOUT)
    for risk in suggested:
        expect(grid_cell(page, RISK_TABLE, risk["title"], "Approach")).to_have_text(approach_title(approach_id))
        expect(grid_cell(page, RISK_TABLE, risk["title"], "Rating")).to_have_text(str(risk["likelihood"] * risk["impact"]))
    expect(page.get_by_text(f"All the suggested risks for {approach_title(approach_id)} are in the register.")).to_be_visible(timeout=TIMEOUT)

    heat = page.locator(key("rk_heat")).get_by_test_id("stPlotlyChart")
    expect(heat).to_be_visible(timeout=TIMEOUT)
    # Every risk's R-number is written in a cell of the heat map.
    numbers = [f"R{n}" for n in range(1, len(suggested) + 1)]
    page.wait_for_function(
        """numbers => {
            const plot = document.querySelector('.st-key-rk_heat .js-plotly-plot');
            const text = plot && plot.data && plot.data[0] && JSON.stringify(plot.data[0].text);
            return !!text && numbers.every(n => new RegExp(n + '(?!\\\\d)').test(text));
        }""",
        arg=numbers,
        timeout=TIMEOUT,
    )
    expect_no_exception(page)


def test_excel_summary_has_the_fit_plan_and_risks(page, app_url, tmp_path):
    _, approach_id = decide(page, app_url)
    go_to(page, "plan", PLAN_TABLE + " [data-testid=stDataFrame]")
    add_hand_action(page, len(expected_gap_actions(approach_id)))
    go_to(page, "results", key("download_xlsx"))

    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.locator(key("download_xlsx")).get_by_role("button").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    expect_no_exception(page)
    workbook = load_workbook(path)
    for sheet in ("Model fit", "Approach requirements", "Development plan", "Risks"):
        assert sheet in workbook.sheetnames, workbook.sheetnames

    # Model fit: a native bar chart, and the same ranking as the scoring API.
    fit = workbook["Model fit"]
    assert any(isinstance(chart, BarChart) for chart in fit._charts), "no bar chart on Model fit"
    rows = list(fit.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:2] == ("Rank", "Approach"))
    ranked = [row for row in rows[header + 1 :] if row[1]]
    best = [row[1] for row in ranked if str(row[0]).lstrip("=") == "1"]  # the rank as shown: "1", or "=1" for a tie
    assert best == [approach_title(rank_one())], best
    expected = expected_ranking()
    assert [row[1] for row in ranked] == list(expected["title"])
    for row, fit_value in zip(ranked, expected["fit"]):
        if math.isnan(fit_value):
            assert row[2] is None, row
        else:
            assert abs(row[2] - fit_value) < 0.05, row

    # Development plan: status drop-downs, the gap actions and the hand-added one.
    plan = workbook["Development plan"]
    status_list = '"' + ",".join(development_plan.STATUSES.values()) + '"'
    formulas = [dv.formula1 for dv in plan.data_validations.dataValidation]
    assert status_list in formulas, formulas
    assert "Not started" in status_list
    texts = {cell for row in plan.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
    assert HAND_ACTION in texts
    for proposal in expected_gap_actions(approach_id):
        assert proposal["action"] in texts, proposal["action"]

    # Risks: one row per risk in the register.
    sheet = workbook["Risks"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Ref")
    risk_rows = [row for row in rows[header + 1 :] if row[0]]
    suggested = expected_risks(approach_id)
    assert len(risk_rows) == len(suggested)
    assert sorted(row[1] for row in risk_rows) == sorted(risk["title"] for risk in suggested)
    assert [row[0] for row in risk_rows] == [f"R{n}" for n in range(1, len(suggested) + 1)]


def test_resume_link_brings_back_the_choice_and_the_plan(page, new_context, app_url):
    token, approach_id = decide(page, app_url, priorities=[PRIORITY], risks=False)
    go_to(page, "plan", PLAN_TABLE + " [data-testid=stDataFrame]")
    add_hand_action(page, len(expected_gap_actions(approach_id)))

    # Another browser (nothing shared) opens the resume link at the app root.
    other = new_context().new_page()
    open_app(other, f"{app_url}/?r={token}", other.get_by_role("heading", name="Commissioning Diagnostics"))
    expect(other.get_by_text("not recognised")).to_have_count(0)
    go_to(other, "approaches", FIT_CHART)
    expect(chosen_tags(other)).to_have_text([approach_title(approach_id)], timeout=TIMEOUT)
    pill = other.locator(key("ap_priorities")).get_by_role("button", name=priority_title(PRIORITY), exact=True)
    expect(pill).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect_fit_labels(other, fit_labels(expected_ranking([PRIORITY])))
    expect(gap_table(other)).to_be_visible(timeout=TIMEOUT)

    go_to(other, "plan", PLAN_TABLE + " [data-testid=stDataFrame]")
    expect(grid_rows(other, PLAN_TABLE)).to_have_count(len(expected_gap_actions(approach_id)) + 1, timeout=TIMEOUT)
    expect(grid_cell(other, PLAN_TABLE, HAND_ACTION, "Owner")).to_have_text(HAND_OWNER, timeout=TIMEOUT)
    expect_no_exception(other)
