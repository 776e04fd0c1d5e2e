"""Real-browser tests: `streamlit run` on a free local port, driven by Debian's Chromium.

In CI (CI=true) a missing Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A real Streamlit server with its own empty data directory."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    log_path = data_dir / "streamlit.log"
    env = {**os.environ, "COMMISSIONING_DATA_DIR": str(data_dir)}
    env.pop("COMMISSIONING_DATABASE_URL", None)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false",
             # Test the code as it was at start: an edit made while the suite runs must not
             # put a "File change" prompt or a half-saved module into the middle of a test.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        raise RuntimeError(f"Streamlit did not start:\n{log_path.read_text()}")
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session", autouse=True)
def warm_up_app(app_url, browser):
    """Run the app once at its root before any test opens a deep link.

    Streamlit learns the st.navigation pages only when app.py first runs, so the very
    first session after a server start that opens e.g. /eight-aspects gets a
    "Page not found" modal over the right page (streamlit/streamlit#9992). That is
    Streamlit's, not this app's, and would make whichever test runs first flaky.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(app_url)
        page.get_by_role("heading", name="Commissioning Diagnostics").first.wait_for(timeout=60_000)
        wait_for_app(page)
    finally:
        context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit is done when the script has finished running and nothing is stale."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stApp] [data-stale=true]')", timeout=timeout
    )


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
    from scoring import eight_aspects

    inst = eight_aspects.instrument()
    return [*inst.scale.values(), inst.dont_know]


def rating_value(label: str):
    """A rating label -> the stored rating (1–5, or None for don't know)."""
    from scoring import eight_aspects

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
    """(metric text, "N of T answered, D don't know" caption, aspect score table) as the
    scoring API computes them for {item_id: rating or None}."""
    import math

    from scoring import eight_aspects

    inst = eight_aspects.instrument()
    records = {item: {"rating": rating, "weight": inst.weight_default} for item, rating in answers.items()}
    split, weights = eight_aspects.split_records(records)
    scores = eight_aspects.score(split, weights, inst)
    room = eight_aspects.overall(scores)
    done, total = eight_aspects.progress(records, inst)
    dont_know = int(scores["dont_know"].sum())
    metric = "–" if math.isnan(room) else f"{room:.0f}"
    return metric, f"{done} of {total} answered, {dont_know} don't know", scores


def expect_live_summary(page, answers: dict) -> None:
    """The self-check page's live metric and count match the scoring API for `answers`."""
    from playwright.sync_api import expect

    metric, caption, _ = expected_summary(answers)
    value = page.get_by_test_id("stMetric").filter(has_text="Room for manoeuvre").get_by_test_id("stMetricValue")
    expect(page.get_by_text(caption, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(value).to_have_text(metric, timeout=TIMEOUT)
    wait_for_app(page)


def expect_radar(page, answers: dict) -> None:
    """The radar on the page plots the aspect scores the scoring API gives for `answers`
    (rounded to 0.1; an aspect with no score is a gap, null)."""
    import math

    _, _, scores = expected_summary(answers)
    expected = [None if math.isnan(v) else round(v, 1) for v in scores["score"]]
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
