"""The room against a hostile participant: one test per attack in issue 11, asserting
what the store, the shared screen's views and the pack may give away."""

from pathlib import Path

import pytest
from sqlalchemy import select

from scoring.store import SCREEN, Store, WorkshopError, answers, respondents, workshops
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def store(fresh_db_url):
    made = Store(fresh_db_url)
    yield made
    made.engine.dispose()


def everything(store):
    with store.engine.connect() as conn:
        return {table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr) for table in (respondents, answers, workshops)}


# --- 1. The facilitator's secret is not on the projector -----------------------------
def test_the_screen_link_is_its_own_one_way_credential(store):
    _code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    screen = store.screen_token(facilitator)
    assert screen != facilitator and facilitator not in screen
    assert store.screen_token(facilitator) == screen, "the same link every time (a refresh keeps it)"
    assert store.workshop(screen)["kind"] == SCREEN
    # Asking for the screen's screen, or for anyone else's, is refused.
    with pytest.raises(PermissionError):
        store.screen_token(screen)


def test_the_screen_link_shows_the_room_and_changes_nothing(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    participant = store.join(code, "Finance")
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 4})
    screen = store.screen_token(facilitator)
    assert store.participants(screen) == store.participants(facilitator)
    assert store.answers_version(screen) == store.answers_version(facilitator)
    before = everything(store)
    for attempt in (
        lambda: store.set_workshop(screen, results_visible=True),
        lambda: store.set_workshop(screen, is_open=False),
        lambda: store.delete_workshop(screen),
        lambda: store.add_participants(screen, [("Finance", {})]),
    ):
        with pytest.raises(PermissionError):
            attempt()
    with pytest.raises(WorkshopError):
        store.save_answer(screen, "development_plan", "a1", {"action": "take over"})
    assert everything(store) == before


def test_a_refreshed_projector_tab_shows_the_room_without_controls_or_hidden_results():
    made = Store()
    code, facilitator = made.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    participant = made.join(code, "Finance")
    made.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 4})
    screen = made.screen_token(facilitator)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = screen
    at.run()
    assert not at.exception
    labels = {b.label for b in at.button}
    assert not labels & {"Reveal results", "Hide results", "Close to new answers", "Delete the workshop and all its answers"}
    assert not at.get("download_button"), "no pack and no private link from the screen's link"
    assert any("Results are hidden" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert any("controls nothing" in c.value for c in at.caption)
    made.set_workshop(facilitator, results_visible=True)
    at.run()
    assert at.get("plotly_chart"), "once revealed, the screen's link shows what the room sees"
    made.engine.dispose()
