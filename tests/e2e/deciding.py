"""Page helpers for deciding: approaches, the development plan and the risk register.

A user answers a few factors in two aspects, then chooses an approach on /approaches and
sends its gaps and risks to the plan and the register. Expected values are computed with
the scoring API for the same answers, never written into the tests.

The data editors (plan actions, risks) are canvas grids (glide-data-grid): their text is read
from the accessible table the grid keeps inside the canvas.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from pages import TIMEOUT, click_rating, expect_live_summary, key, open_app, rating_value, wait_for_app
from playwright.sync_api import expect

from scoring.diagnostics import approaches, eight_aspects
from scoring.records import development_plan
from scoring.records import risks as risk_register

DECIDE_ANSWERS = {
    "system_design": [
        ("sd_one_place", "Enables"),
        ("sd_wellbeing_system", "Constrains"),
        ("sd_funding_coherence", "Strongly enables"),
    ],
    "relationships": [
        ("rel_chief_executives", "Strongly enables"),
        ("rel_councillors", "Strongly constrains"),
        ("rel_provider_trust", "Don't know"),
    ],
    # One factor for each of the next five aspects, so most approaches have enough answers to
    # be judged (models and tactics is left blank: those leaning on it are not), with a unique
    # best fit, ties further down, and a different best fit once "innovation" is a priority.
    "capacity_capability": [("cc_market_stewardship", "Constrains")],
    "user_outcome_focus": [("uo_citizen_check", "Constrains")],
    "insight_inspiration": [("ii_experimentation", "Constrains")],
    "policy": [("pol_procurement_act", "Constrains")],
    "process": [("pro_commercials", "Constrains")],
}

NAV = {
    "approaches": "Approaches: model fit",
    "plan": "Development plan",
    "risks": "Strategic risks",
    "results": "Results and Excel summary",
}


def decide_ratings() -> dict:
    """DECIDE_ANSWERS as {item id: rating or None}."""
    return {item: rating_value(label) for pairs in DECIDE_ANSWERS.values() for item, label in pairs}


def decide_scores() -> dict:
    """Aspect id -> score (NaN: no score) for DECIDE_ANSWERS, as the pages compute them."""
    return eight_aspects.score(decide_ratings())["score"].to_dict()


def expected_ranking(priorities=()):
    """approaches.rank() for DECIDE_ANSWERS and these priority ids (each of importance 1,
    as the pills store them)."""
    return approaches.rank(decide_scores(), {p: 1 for p in priorities})


def rank_one(priorities=()) -> str:
    """The id of the approach ranked 1; the answers are chosen so that it is unique."""
    ranked = expected_ranking(priorities)
    best = ranked[ranked["rank"] == 1]
    assert len(best) == 1, f"the test answers give a tie for rank 1: {list(best['title'])}"
    return best["approach_id"].iloc[0]


def approach_title(approach_id: str) -> str:
    return approaches.instrument().approach(approach_id).title


def priority_title(priority_id: str) -> str:
    return next(p.title for p in approaches.instrument().priorities if p.id == priority_id)


def expected_gap_actions(approach_id: str) -> list[dict]:
    """The actions "Add these gaps to the development plan" adds to an empty plan."""
    gaps = approaches.gaps([approach_id], decide_scores())
    return development_plan.actions_from_gaps(gaps, [approach_title(approach_id)], {})


def expected_risks(approach_id: str) -> list[dict]:
    """The risks "Add the suggested risks to the register" adds to an empty register."""
    return risk_register.suggested([approach_id], {})


def go_to(page, page_name: str, ready: str) -> None:
    """Follow the sidebar link to one of NAV's pages, in the same session, and wait until
    `ready` (a selector only that page draws) shows and the run has ended."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=NAV[page_name], exact=True).click()
    expect(page.locator(ready).first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def answer_for_deciding(page, app_url: str) -> str:
    """Answer DECIDE_ANSWERS in the self-check (the first seven aspects, through "Next aspect");
    returns the resume token the URL gained."""
    open_app(page, f"{app_url}/eight-aspects", key("ea_rating_sd_one_place") + " [data-testid=stRadioOption]")
    given: dict = {}
    for number, (aspect_id, pairs) in enumerate(DECIDE_ANSWERS.items(), start=1):
        if number > 1:
            page.locator(key("ea_next")).get_by_role("button").click()
            title = eight_aspects.instrument().aspect(aspect_id).title
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=TIMEOUT)
            wait_for_app(page)
        for item_id, label in pairs:
            click_rating(page, item_id, label)
            given[item_id] = rating_value(label)
            expect_live_summary(page, given)
    expect(page).to_have_url(re.compile(r"[?&]r=[A-Za-z0-9_-]{20,}"), timeout=TIMEOUT)
    return parse_qs(urlparse(page.url).query)["r"][0]


FIT_CHART = key("ap_fit") + " [data-testid=stPlotlyChart]"


def expect_fit_labels(page, labels: list[str]) -> None:
    """The fit bar chart's bars are labelled `labels`, top to bottom."""
    page.wait_for_function(
        """expected => {
            const plot = document.querySelector('.st-key-ap_fit .js-plotly-plot');
            const labels = plot && plot.data && plot.data[0] && plot.data[0].customdata;  // written above the bars
            return !!labels && JSON.stringify(Array.from(labels)) === JSON.stringify(expected);
        }""",
        arg=labels,
        timeout=TIMEOUT,
    )


def fit_labels(ranked) -> list[str]:
    """The bar labels fit_bars draws for a ranking: "<rank>. <title>" ("=3. " for a tie),
    approaches not judged left out."""
    shown = ranked[ranked["judged"]]
    return [f"{row.rank_label}. {row.title}" for row in shown.itertuples()]


def choose_priority(page, priority_id: str) -> None:
    """Press one priority pill (a toggle button) and wait for the matrix it brings."""
    pill = page.locator(key("ap_priorities")).get_by_role("button", name=priority_title(priority_id), exact=True)
    pill.click()
    expect(pill).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(page.locator(key("ap_matrix")).get_by_test_id("stPlotlyChart")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def chosen_tags(page):
    """The tags of the approaches chosen in the multiselect."""
    return page.locator(key("ap_chosen")).locator("[data-tag]")


def choose_approach(page, approach_id: str) -> None:
    """Type the approach's title into the multiselect and press Enter, as a user does."""
    title = approach_title(approach_id)
    combobox = page.locator(key("ap_chosen")).get_by_role("combobox")
    combobox.click()
    combobox.press_sequentially(title)
    # Enter picks the highlighted option: wait until the typed text has filtered to it.
    expect(page.get_by_role("option", name=title, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(combobox).to_have_attribute("aria-activedescendant", re.compile(r".+"), timeout=TIMEOUT)
    combobox.press("Enter")
    expect(chosen_tags(page)).to_have_text([title], timeout=TIMEOUT)
    # A multiselect's list stays open for more choices (and hides the page from the
    # accessibility tree meanwhile): close it, as a user moving on does.
    combobox.press("Escape")
    expect(combobox).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT)
    expect(page.get_by_text("What would have to change", exact=True)).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def gap_table(page):
    """The "What would have to change" table (the only st.table with a "Gap" column)."""
    return page.get_by_test_id("stTable").filter(has=page.get_by_role("columnheader", name="Gap", exact=True))


def press_and_expect_notice(page, button_key: str, notice: str) -> None:
    page.locator(key(button_key)).get_by_role("button").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(notice, timeout=TIMEOUT)
    wait_for_app(page)


def add_gaps_to_plan(page, approach_id: str) -> None:
    press_and_expect_notice(page, "ap_add_gaps", f"{len(expected_gap_actions(approach_id))} action(s) added to the development plan.")


def add_risks_to_register(page, approach_id: str) -> None:
    press_and_expect_notice(page, "ap_add_risks", f"{len(expected_risks(approach_id))} suggested risk(s) added to the register.")


def decide(page, app_url: str, *, priorities=(), gaps: bool = True, risks: bool = True) -> tuple[str, str]:
    """Answer, open /approaches, press `priorities`, choose the rank-1 approach and add
    its gaps and risks. Returns (resume token, chosen approach id); the page is left on
    /approaches."""
    token = answer_for_deciding(page, app_url)
    go_to(page, "approaches", FIT_CHART)
    for priority_id in priorities:
        choose_priority(page, priority_id)
    approach_id = rank_one(priorities)
    choose_approach(page, approach_id)
    if gaps:
        add_gaps_to_plan(page, approach_id)
    if risks:
        add_risks_to_register(page, approach_id)
    return token, approach_id


# The data editors (plan actions, risks) are canvas grids (glide-data-grid). Their text is
# read from the accessible table the grid keeps inside the canvas: one <tr> per row shown
# (all of them here, the tables are short), cells <td aria-colindex=N>. A change made in the
# table redraws it under a new key (<name>_editor_<version>), hence the prefix match.

PLAN_TABLE = "[class*=st-key-pl_actions_editor_]"
RISK_TABLE = "[class*=st-key-rk_register_editor_]"


def grid(page, editor: str):
    return page.locator(editor).locator("table[role=grid]")


def grid_rows(page, editor: str):
    return grid(page, editor).locator("tbody > tr[role=row]")


def grid_column(page, editor: str, header: str) -> str:
    """The aria-colindex of the column with this header."""
    th = grid(page, editor).locator("thead th").filter(has_text=re.compile(rf"^{re.escape(header)}$"))
    expect(th).to_have_count(1, timeout=TIMEOUT)
    return th.get_attribute("aria-colindex")


def grid_cell(page, editor: str, row_text: str, header: str):
    """The cell under `header` in the row that has a cell with exactly `row_text`."""
    column = grid_column(page, editor, header)
    row = grid_rows(page, editor).filter(has=page.locator("td", has_text=re.compile(rf"^{re.escape(row_text)}$")))
    return row.locator(f'td[aria-colindex="{column}"]')


def add_action_by_form(page, text: str, owner: str = "", due=None) -> None:
    """Fill the "Add an action" form and submit it. The form's widget keys carry a version
    (a fresh form after each addition), hence the prefix match."""
    page.locator("[class*=st-key-pl_new_text_] textarea").fill(text)
    page.locator("[class*=st-key-pl_new_owner_] input").fill(owner)
    if due is not None:
        field = page.locator("[class*=st-key-pl_new_due_]")
        # A date field of day, month and year segments: type the digits into the first.
        field.get_by_role("spinbutton").first.click()
        page.keyboard.type(due.strftime("%d%m%Y"))
        expect(field.locator("input[type=date]")).to_have_value(due.isoformat(), timeout=TIMEOUT)
    page.get_by_role("button", name="Add to the plan").click()
    wait_for_app(page)


def choose_plan_aspect(page, aspect_id: str) -> None:
    """Pick an aspect in the plan page's aspect selectbox."""
    title = eight_aspects.instrument().aspect(aspect_id).title
    combobox = page.locator(key("pl_aspect")).get_by_role("combobox")
    combobox.click()
    # The list draws only the options that fit: typing filters it to the one wanted.
    combobox.press_sequentially(title)
    option = page.get_by_role("option", name=title, exact=True)
    expect(option).to_be_visible(timeout=TIMEOUT)
    option.click()
    expect(combobox).to_have_value(title, timeout=TIMEOUT)
    wait_for_app(page)
