"""Page helpers the browser tests share: waiting for the app, finding widgets by key,
rating a factor on the self-check and reading its live scores and radar.

Widgets are found by the class Streamlit gives each keyed widget: st-key-<key>. Expected
values come from the scoring API for the same answers, never written into the tests.
"""

from __future__ import annotations

import math
import re

from playwright.sync_api import expect

from scoring import numbers
from scoring.diagnostics import eight_aspects

TIMEOUT = 20_000  # ms, for every auto-waiting expect(): a cold Streamlit page can be slow


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit is done when the script has finished running and nothing is stale."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=stApp] [data-stale=true]')", timeout=timeout)


def key(widget_key: str) -> str:
    """CSS selector of the container of the widget with this key."""
    return f".st-key-{widget_key}"


def open_app(page, url: str, ready) -> None:
    """Go to `url` and wait until `ready` (a selector or locator) shows and the run ends.

    On a first load the app reports "not running" before the script has even started,
    so wait_for_app alone can return too early: wait for something the page draws first.
    """
    page.goto(url)
    locator = page.locator(ready) if isinstance(ready, str) else ready
    expect(locator.first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def rating_options() -> list[str]:
    """The rating labels in the order the radio shows them (the scale, then don't know)."""
    inst = eight_aspects.instrument()
    return [*inst.scale.values(), inst.dont_know]


def rating_value(label: str):
    """A rating label -> the stored rating (1–5, or None for don't know)."""
    inst = eight_aspects.instrument()
    if label == inst.dont_know:
        return None
    return next(value for value, text in inst.scale.items() if text == label)


def rating_radio(page, item_id: str):
    return page.locator(key(f"ea_rating_{item_id}"))


def click_rating(page, item_id: str, label: str) -> None:
    """Click one option's label (as a user does) and see it become checked."""
    radio = rating_radio(page, item_id)
    option = radio.get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    expect(option).to_have_count(1, timeout=TIMEOUT)
    option.click()
    expect_rating_checked(page, item_id, label)


def expect_rating_checked(page, item_id: str, label: str) -> None:
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
    metric, progress, scores = expected_summary(answers)
    value = page.locator(".ea-room-value")
    expect(page.get_by_text(progress, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(value).to_have_text(metric, timeout=TIMEOUT)
    expect_live_bars(page, scores)
    wait_for_app(page)


def expect_live_bars(page, scores) -> None:
    """The live panel's bar per aspect says the score the scoring API gives (as shown,
    rounded half up), or "no score yet", and how many of its factors are answered."""
    bars = page.locator(".ea-bars li")
    expected = []
    for row in scores.itertuples():
        done, total = row.answered + row.dont_know, row.answered + row.dont_know + row.unanswered
        score = "no score yet" if math.isnan(row.score) else f"{numbers.text(row.score)} out of 100"
        expected.append(f"{row.aspect}: {score}, " + ("all answered" if done == total else f"{done} of {total} answered"))
    for index, label in enumerate(expected):
        expect(bars.nth(index)).to_have_attribute("aria-label", label, timeout=TIMEOUT)


def expect_radar(page, answers: dict) -> None:
    """The radar on the page plots the aspect scores the scoring API gives for `answers`
    (rounded to 0.1; an aspect with no score is a gap, null)."""
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
    exceptions = page.get_by_test_id("stException")
    expect(exceptions, "the app raised an exception").to_have_count(0)
