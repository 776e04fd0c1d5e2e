"""Real-browser tests: `streamlit run` on a free local port, driven by Debian's Chromium.

In CI (CI=true) a missing Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if IN_CI:
        raise pytest.UsageError("CI=true but Chromium is missing: apt-get install -y chromium")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


def start_server(data_dir: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` with its own data directory (deploy/stack.py starts it, as
    the hosting stack does); returns (process, url) once healthy. The file watcher is off
    there: an edit made while the suite runs must not reach a running test."""
    from deploy import stack

    port = port or stack.free_port()
    # An empty URL is no URL: the app takes SQLite in data_dir.
    env = {"COMMISSIONING_DATA_DIR": str(data_dir), "COMMISSIONING_DATABASE_URL": ""}
    server = stack.start_app(port, env=env, log=data_dir / "streamlit.log")
    return server, f"http://127.0.0.1:{port}"


def stop_server(server: subprocess.Popen) -> None:
    from deploy import stack

    stack.stop(server)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A real Streamlit server with its own empty data directory."""
    server, url = start_server(tmp_path_factory.mktemp("e2e-data"))
    yield url
    stop_server(server)


@pytest.fixture(scope="session", autouse=True)
def warm_up_app(app_url, browser):
    """Run the app once at its root before any test opens a deep link.

    Streamlit learns the st.navigation pages only when app.py first runs, so the very
    first session after a server start that opens e.g. /eight-aspects gets a
    "Page not found" modal over the right page (streamlit/streamlit#9992). That is
    Streamlit's, not this app's, and would make whichever test runs first flaky.
    """
    warm_up(browser, app_url)


def warm_up(browser, url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_role("heading", name="Commissioning Diagnostics").first.wait_for(timeout=60_000)
        wait_for_app(page)
    finally:
        context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit is done when the script has finished running and nothing is stale."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=stApp] [data-stale=true]')", timeout=timeout)


# --- Helpers the e2e tests share ------------------------------------------------------
# Widgets are found by the class Streamlit gives each keyed widget: st-key-<key>.

TIMEOUT = 20_000  # ms, for every auto-waiting expect(): a cold Streamlit page can be slow


def key(widget_key: str) -> str:
    """CSS selector of the container of the widget with this key."""
    return f".st-key-{widget_key}"


def open_app(page, url: str, ready) -> None:
    """Go to `url` and wait until `ready` (a selector or locator) shows and the run ends.

    On a first load the app reports "not running" before the script has even started,
    so wait_for_app alone can return too early: wait for something the page draws first.
    """
    from playwright.sync_api import expect

    page.goto(url)
    locator = page.locator(ready) if isinstance(ready, str) else ready
    expect(locator.first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def rating_options() -> list[str]:
    """The rating labels in the order the radio shows them (the scale, then don't know)."""
    from scoring.diagnostics import eight_aspects

    inst = eight_aspects.instrument()
    return [*inst.scale.values(), inst.dont_know]


def rating_value(label: str):
    """A rating label -> the stored rating (1–5, or None for don't know)."""
    from scoring.diagnostics import eight_aspects

    inst = eight_aspects.instrument()
    if label == inst.dont_know:
        return None
    return next(value for value, text in inst.scale.items() if text == label)


def rating_radio(page, item_id: str):
    return page.locator(key(f"ea_rating_{item_id}"))


def click_rating(page, item_id: str, label: str) -> None:
    """Click one option's label (as a user does) and see it become checked."""
    import re

    from playwright.sync_api import expect

    radio = rating_radio(page, item_id)
    option = radio.get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    expect(option).to_have_count(1, timeout=TIMEOUT)
    option.click()
    expect_rating_checked(page, item_id, label)


def expect_rating_checked(page, item_id: str, label: str) -> None:
    from playwright.sync_api import expect

    inputs = rating_radio(page, item_id).locator("input[type=radio]")
    index = rating_options().index(label)
    expect(inputs).to_have_count(len(rating_options()), timeout=TIMEOUT)
    expect(inputs.nth(index)).to_be_checked(timeout=TIMEOUT)
    for other in range(len(rating_options())):
        if other != index:
            expect(inputs.nth(other)).not_to_be_checked(timeout=TIMEOUT)


def expected_summary(answers: dict) -> tuple[str, str, "object"]:
    """(metric text, "N of T factors answered" progress line, aspect score table) as the
    scoring API computes them for {item_id: rating or None}."""
    from scoring import numbers
    from scoring.diagnostics import eight_aspects

    inst = eight_aspects.instrument()
    records = {item: {"rating": rating, "weight": inst.weight_default} for item, rating in answers.items()}
    split, weights = eight_aspects.split_records(records)
    scores = eight_aspects.score(split, weights, inst)
    room = eight_aspects.overall(scores)
    done, total = eight_aspects.progress(records, inst)
    metric = numbers.text(room)
    return metric, f"{done} of {total} factors answered, saved as you go", scores


def expect_live_summary(page, answers: dict) -> None:
    """The self-check page's live metric and count match the scoring API for `answers`."""
    from playwright.sync_api import expect

    metric, progress, scores = expected_summary(answers)
    value = page.get_by_test_id("stMetric").filter(has_text="Room for manoeuvre").get_by_test_id("stMetricValue")
    expect(page.get_by_text(progress, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(value).to_have_text(metric, timeout=TIMEOUT)
    expect_live_bars(page, scores)
    wait_for_app(page)


def expect_live_bars(page, scores) -> None:
    """The live panel's bar per aspect says the score the scoring API gives (as shown,
    rounded half up), or "no score yet"."""
    import math

    from playwright.sync_api import expect

    from scoring import numbers

    bars = page.locator(".ea-bars li")
    expected = [
        f"{aspect}: no score yet" if math.isnan(score) else f"{aspect}: {numbers.text(score)} out of 100"
        for aspect, score in zip(scores["aspect"], scores["score"])
    ]
    for index, label in enumerate(expected):
        expect(bars.nth(index)).to_have_attribute("aria-label", label, timeout=TIMEOUT)


def expect_radar(page, answers: dict) -> None:
    """The radar on the page plots the aspect scores the scoring API gives for `answers`
    (rounded to 0.1; an aspect with no score is a gap, null)."""
    from scoring import numbers

    _, _, scores = expected_summary(answers)
    expected = [numbers.shown(v, 6) for v in scores["score"]]  # as figures._plotted places them
    page.wait_for_function(
        """expected => {
            const plot = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
            const r = plot && plot.data && plot.data[0] && plot.data[0].r;
            return !!r && JSON.stringify(Array.from(r).slice(0, expected.length)) === JSON.stringify(expected);
        }""",
        arg=expected,
        timeout=TIMEOUT,
    )


def expect_no_exception(page) -> None:
    """The page shows no Python traceback (Streamlit draws one as stException)."""
    from playwright.sync_api import expect

    exceptions = page.get_by_test_id("stException")
    expect(exceptions, "the app raised an exception").to_have_count(0)


# --- Deciding: approaches, the development plan and the risk register -----------------
# A user answers a few factors in two aspects, then chooses an approach on /approaches and
# sends its gaps and risks to the plan and the register. Expected values are computed with
# the scoring API for the same answers, never written into the tests.

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
    from scoring.diagnostics import eight_aspects

    return eight_aspects.score(decide_ratings())["score"].to_dict()


def expected_ranking(priorities=()):
    """approaches.rank() for DECIDE_ANSWERS and these priority ids (each of importance 1,
    as the pills store them)."""
    from scoring.diagnostics import approaches

    return approaches.rank(decide_scores(), {p: 1 for p in priorities})


def rank_one(priorities=()) -> str:
    """The id of the approach ranked 1; the answers are chosen so that it is unique."""
    ranked = expected_ranking(priorities)
    best = ranked[ranked["rank"] == 1]
    assert len(best) == 1, f"the test answers give a tie for rank 1: {list(best['title'])}"
    return best["approach_id"].iloc[0]


def approach_title(approach_id: str) -> str:
    from scoring.diagnostics import approaches

    return approaches.instrument().approach(approach_id).title


def priority_title(priority_id: str) -> str:
    from scoring.diagnostics import approaches

    return next(p.title for p in approaches.instrument().priorities if p.id == priority_id)


def expected_gap_actions(approach_id: str) -> list[dict]:
    """The actions "Add these gaps to the development plan" adds to an empty plan."""
    from scoring.diagnostics import approaches
    from scoring.records import development_plan

    gaps = approaches.gaps([approach_id], decide_scores())
    return development_plan.actions_from_gaps(gaps, [approach_title(approach_id)], {})


def expected_risks(approach_id: str) -> list[dict]:
    """The risks "Add the suggested risks to the register" adds to an empty register."""
    from scoring.records import risks

    return risks.suggested([approach_id], {})


def go_to(page, page_name: str, ready: str) -> None:
    """Follow the sidebar link to one of NAV's pages, in the same session, and wait until
    `ready` (a selector only that page draws) shows and the run has ended."""
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_role("link", name=NAV[page_name], exact=True).click()
    expect(page.locator(ready).first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def answer_for_deciding(page, app_url: str) -> str:
    """Answer DECIDE_ANSWERS in the self-check (the first seven aspects, through "Next aspect");
    returns the resume token the URL gained."""
    from playwright.sync_api import expect

    from scoring.diagnostics import eight_aspects

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

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
    from playwright.sync_api import expect

    from scoring.diagnostics import eight_aspects

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
