"""axe-core scans of every page in a real browser, in the states a user sees them.

A "serious" or "critical" violation fails the test. Nothing is filtered out: a rule
that fires in Streamlit's own markup fails here too, so that it is looked at, not hidden.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from deciding import DECIDE_ANSWERS, PLAN_TABLE, RISK_TABLE, choose_plan_aspect, decide, expected_gap_actions, expected_risks, gap_table, go_to, grid_rows
from pages import TIMEOUT, click_rating, expect_live_summary, expect_no_exception, key, open_app, rating_value, wait_for_app
from playwright.sync_api import expect

from scoring.diagnostics import eight_aspects
from scoring.records import development_plan

FAILING_IMPACTS = {"serious", "critical"}
ANSWERS = [
    ("sd_one_place", "Enables"),
    ("sd_wellbeing_system", "Don't know"),
    ("sd_funding_coherence", "Constrains"),
]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    target {json.dumps(node['target'])}")
            lines.append(f"      {node['html'][:300]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def serious_violations(page, name: str) -> str:
    """Run axe on the page as it is now; describe its serious or critical violations
    ("" if none). Every violation, of any impact, is printed: pytest shows the output
    of a failing test, and of passing ones with -rP."""
    wait_for_app(page)
    expect_no_exception(page)  # a traceback is not a page worth scanning
    violations = Axe().run(page).response["violations"]
    print(f"axe on {name}: {len(violations)} rule(s) violated")
    if violations:
        print(describe(violations))
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    return f"axe found serious or critical violations on {name}:\n{describe(failing)}" if failing else ""


def scan(page, name: str) -> None:
    """Fail the test on any serious or critical violation on the page as it is now."""
    failing = serious_violations(page, name)
    if failing:
        pytest.fail(failing, pytrace=False)


def open_all_expanders(page) -> None:
    """Open every expander on the page, so the scan covers what they hide."""
    expanders = page.get_by_test_id("stExpander")
    for index in range(expanders.count()):
        details = expanders.nth(index).locator("details")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
            expect(details).to_have_attribute("open", "", timeout=TIMEOUT)
    wait_for_app(page)


def answer_some(page, app_url: str) -> None:
    open_app(page, f"{app_url}/eight-aspects", key("ea_rating_sd_one_place") + " [data-testid=stRadioOption]")
    given = []
    for item_id, label in ANSWERS:
        click_rating(page, item_id, label)
        given.append((item_id, label))
        expect_live_summary(page, {item: rating_value(text) for item, text in given})


def test_home_page(page, app_url):
    open_app(page, app_url, page.get_by_role("heading", name="Commissioning Diagnostics"))
    expect(page.locator(key("home_eight_aspects"))).to_be_visible(timeout=TIMEOUT)
    open_all_expanders(page)
    scan(page, "home (no answers)")


def test_home_page_with_a_resume_link(page, app_url):
    answer_some(page, app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home").click()
    expect(page.locator(key("start_afresh"))).to_be_visible(timeout=TIMEOUT)
    open_all_expanders(page)
    scan(page, "home (with answers and the resume link)")


def test_self_check_page_with_answers_and_details_open(page, app_url):
    answer_some(page, app_url)
    # The weights, evidence and note widgets are behind a switch; scan them too.
    details = page.locator(key("ea_details"))
    details.get_by_text("Add weights, evidence and notes").click()
    expect(details.get_by_role("switch")).to_be_checked(timeout=TIMEOUT)
    expect(page.locator(key("ea_weight_sd_one_place"))).to_be_visible(timeout=TIMEOUT)
    open_all_expanders(page)
    expect(page.locator(".ea-bars")).to_be_visible(timeout=TIMEOUT)  # the live bars per aspect are scanned too
    scan(page, "self-check (answers given, details shown)")


def test_results_page_with_answers(page, app_url):
    answer_some(page, app_url)
    page.get_by_role("link", name="Full results and Excel summary").click()
    expect(page.locator(key("download_xlsx"))).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    open_all_expanders(page)
    scan(page, "results (with answers, method expander open)")


@pytest.mark.parametrize("path", ["/eight-aspects", "/results"])
def test_pages_with_a_tampered_resume_link(page, app_url, path):
    """The warning a bad link shows is part of the page: scan it too."""
    open_app(page, f"{app_url}{path}?r=not-a-real-token-xxxxxxxxxxxx", page.get_by_test_id("stAlertContentWarning"))
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("not recognised", timeout=TIMEOUT)
    expect(page.get_by_role("heading").first).to_be_visible(timeout=TIMEOUT)
    open_all_expanders(page)
    scan(page, f"{path} (tampered resume link)")


def test_approaches_page_with_priorities_and_a_chosen_approach(page, app_url):
    """Priorities pressed (so the matrix shows), an approach chosen (so the gap table and
    the add buttons show), gaps and risks added (so a success message shows)."""
    decide(page, app_url, priorities=["innovation", "community_capacity"])
    expect(page.locator(key("ap_matrix")).get_by_test_id("stPlotlyChart")).to_be_visible(timeout=TIMEOUT)
    expect(gap_table(page)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible(timeout=TIMEOUT)
    open_all_expanders(page)
    scan(page, "approaches (two priorities, a chosen approach, gaps and risks added)")


def test_plan_page_with_actions_and_an_aspect_with_nothing_answered(page, app_url):
    """The plan with gap actions in its table, first on an aspect pre-filled from the
    answers (classification radios shown), then on one with nothing answered, where some
    questions are captions instead of empty multiselects."""
    _, approach_id = decide(page, app_url, risks=False)
    go_to(page, "plan", PLAN_TABLE + " [data-testid=stDataFrame]")
    expect(grid_rows(page, PLAN_TABLE)).to_have_count(len(expected_gap_actions(approach_id)), timeout=TIMEOUT)
    failures = [serious_violations(page, "plan (actions; System design pre-filled from the answers)")]

    unanswered = next(a for a in eight_aspects.ASPECTS if a not in DECIDE_ANSWERS)
    choose_plan_aspect(page, unanswered)
    # Nothing supports this aspect yet, so "which could you boost" has no options: it is
    # bold text and a caption, not a multiselect. (Wait for the rerun to finish: until then
    # the previous aspect's multiselect label, with the same words, can still be there.)
    wait_for_app(page)
    expect(page.locator("strong").filter(has_text=development_plan.QUESTIONS[2])).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(key(f"pl_boost_{unanswered}"))).to_have_count(0)
    expect(page.get_by_text(development_plan.QUESTIONS[2], exact=True)).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator(key(f"pl_holds_{unanswered}"))).to_be_visible(timeout=TIMEOUT)
    expect(grid_rows(page, PLAN_TABLE)).to_have_count(len(expected_gap_actions(approach_id)), timeout=TIMEOUT)
    failures.append(serious_violations(page, f"plan (actions; {unanswered}, nothing answered: empty-state captions)"))
    if any(failures):
        pytest.fail("\n\n".join(f for f in failures if f), pytrace=False)


def test_risks_page_with_risks(page, app_url):
    _, approach_id = decide(page, app_url, gaps=False)
    go_to(page, "risks", key("rk_heat") + " [data-testid=stPlotlyChart]")
    expect(grid_rows(page, RISK_TABLE)).to_have_count(len(expected_risks(approach_id)), timeout=TIMEOUT)
    scan(page, "risks (suggested risks in the register, heat map)")


def test_the_scan_catches_a_serious_violation(page, app_url):
    """The scan itself works: an image with no text alternative (a critical violation,
    added here by the test) must fail it, so an empty result is not a broken scan."""
    open_app(page, app_url, page.get_by_role("heading", name="Commissioning Diagnostics"))
    page.get_by_test_id("stMain").evaluate("main => { const img = document.createElement('img'); img.src = 'data:,'; main.prepend(img); }")
    assert "image-alt (critical)" in serious_violations(page, "home with an image added by the test")


def test_every_page_in_the_navigation_fresh(page, app_url):
    """Every page the sidebar lists, as a first-time visitor sees it (pages added later
    are covered without touching this test)."""
    open_app(page, app_url, page.get_by_role("heading", name="Commissioning Diagnostics"))
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links.first).to_be_visible(timeout=TIMEOUT)
    # A link's text starts with its icon's ligature name ("home"); the page title is last.
    pages = {links.nth(i).inner_text().strip().splitlines()[-1]: links.nth(i).get_attribute("href") for i in range(links.count())}
    assert len(pages) >= 3, pages
    failures = []
    for name, href in pages.items():
        open_app(page, href, page.get_by_test_id("stMain").get_by_role("heading").first)
        failures.append(serious_violations(page, f"{name} ({href}), fresh"))
    if any(failures):
        pytest.fail("\n\n".join(f for f in failures if f), pytrace=False)
