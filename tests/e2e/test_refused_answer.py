"""An answer the server could not save, in real Chromium: the page says the choice is still
on screen to send again, so it must be, after the participant has left the aspect or the
page and come back, and "Send again" must store that choice, not another.

The save is refused as a busy room refuses it: another writer holds SQLite's write lock
past every retry (the same way as tests/test_fragment_reruns.py)."""

from __future__ import annotations

import re

import pytest
from pages import TIMEOUT, click_rating, expect_rating_checked, key, rating_options, wait_for_app
from playwright.sync_api import expect
from servers import start_server, stop_server, warm_up
from write_lock import write_lock_held

from scoring.diagnostics import eight_aspects
from scoring.store import Store

FIRST, SECOND = (factor.id for factor in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[0])[:2])
OTHER = eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[1])[0].id
LABELS = rating_options()  # "Strongly constrains" (1) ... "Strongly enables" (5), "Don't know"


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    """An app server of its own, whose SQLite file the test can lock."""
    data = tmp_path_factory.mktemp("refused")
    process, url = start_server(data)
    warm_up(browser, url)
    yield url, data / "commissioning.sqlite3"
    stop_server(process)


def choose_while_locked(page, database, item_id: str, label: str) -> None:
    with write_lock_held(database):
        click_rating(page, item_id, label)
        expect(page.get_by_role("button", name="Send again")).to_be_visible(timeout=60_000)
    wait_for_app(page)


def leave_the_aspect(page) -> dict:
    page.get_by_role("button", name="Next aspect").click()
    page.wait_for_selector(key(f"ea_rating_{OTHER}"), timeout=TIMEOUT)
    wait_for_app(page)
    click_rating(page, OTHER, LABELS[1])
    wait_for_app(page)
    page.get_by_role("button", name="Previous aspect").click()
    return {OTHER: 2}


def leave_the_page(page) -> dict:
    page.get_by_role("link", name="Full results and Excel summary").click()
    expect(page).to_have_url(re.compile(r"/results\?"), timeout=TIMEOUT)
    wait_for_app(page)
    page.go_back()
    return {}


@pytest.mark.parametrize("leave", [leave_the_aspect, leave_the_page], ids=["aspect", "page"])
def test_a_choice_not_saved_is_still_on_screen_after_coming_back_and_is_what_send_again_stores(browser, server, leave):
    url, database = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # the link to the results shows beside the questions
    page = context.new_page()
    try:
        page.goto(f"{url}/eight-aspects")
        page.wait_for_selector(key(f"ea_rating_{FIRST}"), timeout=TIMEOUT)
        wait_for_app(page)
        click_rating(page, FIRST, LABELS[2])  # saved: "Neither", 3
        wait_for_app(page)
        choose_while_locked(page, database, SECOND, LABELS[4])  # refused: "Strongly enables", 5
        also_saved = leave(page)
        page.wait_for_selector(key(f"ea_rating_{SECOND}"), timeout=TIMEOUT)
        wait_for_app(page)
        expect_rating_checked(page, SECOND, LABELS[4])  # was "Strongly constrains": the radio's first option
        page.get_by_role("button", name="Send again").click()
        expect(page.get_by_role("button", name="Send again")).to_have_count(0, timeout=TIMEOUT)
        wait_for_app(page)
        token = page.url.split("r=", 1)[1].split("&", 1)[0]
    finally:
        context.close()
    store = Store(f"sqlite:///{database}")
    try:
        stored = {item: record["rating"] for item, record in store.answers(token, eight_aspects.ID).items()}
    finally:
        store.dispose()
    assert stored == {FIRST: 3, SECOND: 5, **also_saved}
