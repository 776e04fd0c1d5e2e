"""The room's rounds and agreed ratings in the store (schema version 6): kept per
workshop, read with the workshop, changed by the facilitator only, gone with the workshop."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scoring.store import Store, WorkshopError, agreements, workshop_rounds


@pytest.fixture
def store(fresh_db_url):
    made = Store(fresh_db_url)
    yield made
    made.engine.dispose()


def rows(store, table):
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_a_round_is_self_paced_until_the_facilitator_chooses_a_section_and_every_tab_reads_it(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    participant = store.join(code, None)
    assert store.workshop(participant)["section"] is None and store.workshop(participant)["revealed"] == []
    store.set_round(facilitator, "eight_aspects/policy")
    found = store.workshop(participant)
    assert found["section"] == "eight_aspects/policy" and found["revealed"] == []
    assert store.round_state(found["id"]) == ("eight_aspects/policy", [])
    store.set_round(facilitator, None)
    assert store.workshop(participant)["section"] is None


def test_sections_are_revealed_one_by_one_and_the_first_reveal_starts_the_screen_s_batches(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    people = [store.join(code, None) for _ in range(3)]
    for n, person in enumerate(people):
        store.save_answer(person, "eight_aspects", "pol_place_vision", {"rating": n + 1})
    store.reveal_section(facilitator, "eight_aspects/policy")
    store.reveal_section(facilitator, "eight_aspects/process")
    store.reveal_section(facilitator, "eight_aspects/policy")  # twice: kept once, last
    assert store.workshop(facilitator)["revealed"] == ["eight_aspects/process", "eight_aspects/policy"]
    store.reveal_section(facilitator, "eight_aspects/process", revealed=False)
    assert store.workshop(facilitator)["revealed"] == ["eight_aspects/policy"]
    # Revealed: what was answered is on the screen's copy, and one more change waits.
    assert len(store.participants(facilitator, shown=True)) == 3
    store.save_answer(people[0], "eight_aspects", "pol_place_vision", {"rating": 5})
    assert store.publish_room(facilitator) == 1


@pytest.mark.parametrize(
    "section",
    [
        "tolerance/waiting_lists",  # a real section, of a diagnostic this workshop does not include
        "eight_aspects/no_such_aspect",
        "eight_aspects",
        "../x",
        "",
        "x" * 201,
        3,
    ],
)
def test_a_section_that_is_not_the_workshop_s_is_refused_and_nothing_changes(store, section):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    store.set_round(facilitator, "eight_aspects/policy")
    store.reveal_section(facilitator, "eight_aspects/policy")
    before = store.workshop(facilitator)
    with pytest.raises(WorkshopError, match="not one of this workshop's: the round was not changed"):
        store.set_round(facilitator, section)
    with pytest.raises(WorkshopError, match="not one of this workshop's"):
        store.reveal_section(facilitator, section)
    after = store.workshop(facilitator)
    assert (after["section"], after["revealed"]) == (before["section"], before["revealed"]) == ("eight_aspects/policy", ["eight_aspects/policy"])
    # The same section is taken in a workshop that includes its diagnostic.
    _, other = store.create_workshop("Another", ["eight_aspects", "tolerance"], [])
    store.set_round(other, "tolerance/waiting_lists")
    assert store.workshop(other)["section"] == "tolerance/waiting_lists"


@pytest.mark.parametrize("who", ["participant", "screen", "self_check", "malformed"])
def test_only_the_facilitator_changes_the_round_or_the_agreements(store, who):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    token = {
        "participant": store.join(code, None),
        "screen": store.screen_token(facilitator),
        "self_check": store.new_respondent(),
        "malformed": "../x",
    }[who]
    for action in (
        lambda: store.set_round(token, "eight_aspects/policy"),
        lambda: store.reveal_section(token, "eight_aspects/policy"),
        lambda: store.set_agreement(token, "eight_aspects", "pol_place_vision", "rating", {"value": 3, "agreed": True, "note": ""}),
        lambda: store.replace_agreements(token, {}),
    ):
        with pytest.raises(PermissionError):
            action()
    assert rows(store, workshop_rounds) == 0 and rows(store, agreements) == 0
    if who != "screen":
        with pytest.raises(PermissionError):
            store.agreements(token)
    else:
        assert store.agreements(token) == {}  # the screen may read them


def test_agreements_are_kept_as_typed_changed_forgotten_and_replaced(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    hostile = "<img src=x onerror=alert(1)> **bold**"
    store.set_agreement(facilitator, "eight_aspects", "pol_place_vision", "rating", {"value": 2, "agreed": True, "note": hostile})
    store.set_agreement(facilitator, "eight_aspects", "pro_contract_clarity", "rating", {"value": None, "agreed": False, "note": "Check the data"})
    assert store.agreements(facilitator) == {
        ("eight_aspects", "pol_place_vision", "rating"): {"value": 2, "agreed": True, "note": hostile},
        ("eight_aspects", "pro_contract_clarity", "rating"): {"value": None, "agreed": False, "note": "Check the data"},
    }
    store.set_agreement(facilitator, "eight_aspects", "pol_place_vision", "rating", {"value": 4, "agreed": True, "note": ""})
    store.set_agreement(facilitator, "eight_aspects", "pro_contract_clarity", "rating", None)
    assert store.agreements(facilitator) == {("eight_aspects", "pol_place_vision", "rating"): {"value": 4, "agreed": True, "note": ""}}
    store.replace_agreements(facilitator, {("tolerance", "area:waiting_lists", "impact"): {"value": 3, "agreed": True, "note": "x"}})
    assert list(store.agreements(facilitator)) == [("tolerance", "area:waiting_lists", "impact")]


def test_deleting_a_workshop_removes_its_round_and_agreements_and_no_other_s(store):
    _, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    _, other = store.create_workshop("Another", ["eight_aspects"], [])
    for token in (facilitator, other):
        store.set_round(token, "eight_aspects/policy")
        store.set_agreement(token, "eight_aspects", "pol_place_vision", "rating", {"value": 4, "agreed": True, "note": ""})
    store.delete_workshop(facilitator)
    assert rows(store, workshop_rounds) == 1 and rows(store, agreements) == 1
    assert store.workshop(other)["section"] == "eight_aspects/policy"
