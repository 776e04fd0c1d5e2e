"""Workshops in the store, on SQLite and PostgreSQL: joining, permissions, bad input,
deletion, retention, the schema upgrade and 40 participants saving at once."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, inspect, select, text, update

from scoring import store as store_module
from scoring.diagnostics import eight_aspects
from scoring.store import (
    FREE_WRONG_CODES,
    JoinError,
    Store,
    WorkshopError,
    answers,
    respondents,
    schema_version,
    shown_answers,
    workshops,
)


@pytest.fixture
def store(fresh_db_url):
    made = Store(fresh_db_url)
    yield made
    made.engine.dispose()


def unordered(pairs):
    """participants() in a canonical order: the store's says nothing about who joined when."""
    return sorted(json.dumps(pair, sort_keys=True) for pair in pairs)


def everything(store):
    """Every row of every table, to show that a refused action changed nothing."""
    with store.engine.connect() as conn:
        return {table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr) for table in (respondents, answers, shown_answers, workshops)}


def test_a_participant_joins_by_code_and_the_facilitator_sees_their_answers(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects", "tolerance"], ["Finance", "Provider"])
    assert len(code) == store_module.JOIN_CODE_LENGTH
    # Typed loosely: lower case, a dash, spaces.
    first = store.join(f" {code[:4].lower()}-{code[4:]} ", "Finance", client="a")
    second = store.join(code, None, client="b")
    store.save_answer(first, "eight_aspects", "sd_one_place", {"rating": 4})
    store.save_answer(second, "tolerance", "area:waiting_lists", {"frequency": 2, "impact": 3})
    assert unordered(store.participants(facilitator)) == unordered(
        [
            ("Finance", {"eight_aspects": {"sd_one_place": {"rating": 4}}}),
            (None, {"tolerance": {"area:waiting_lists": {"frequency": 2, "impact": 3}}}),
        ]
    )
    seen = store.workshop(first)
    assert (seen["kind"], seen["role"], seen["name"], seen["results_visible"], seen["is_open"]) == ("participant", "Finance", "Away day", False, True)
    assert store.workshop(facilitator)["kind"] == "facilitator"


def test_codes_avoid_characters_that_are_easy_to_misread():
    codes = {store_module.new_join_code() for _ in range(300)}
    assert len(codes) == 300
    assert not set("".join(codes)) & set("IL0O1")


@pytest.mark.parametrize("code", ["", "ABC", "ABCD-234", "ABCD-23456", "ABCD-2O45", "ABCD 1234", "🙂🙂🙂🙂🙂🙂🙂🙂", "' OR 1=1 --", None, 12345678, "A" * 1000])
def test_a_code_of_the_wrong_shape_is_refused_with_a_message_and_saves_nothing(store, code):
    store.create_workshop("Away day", ["eight_aspects"], [])
    before = everything(store)
    with pytest.raises(JoinError, match="not a join code"):
        store.join(code, None)
    assert everything(store) == before


def test_unknown_finished_and_deleted_workshops_are_refused(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    with pytest.raises(JoinError, match="No workshop has that code"):
        store.join("ABCD2345" if code != "ABCD2345" else "ABCD2346", None, client="x")
    with pytest.raises(JoinError, match="not one this workshop offers"):
        store.join(code, "Chief executive", client="x")
    store.set_workshop(facilitator, is_open=False)
    with pytest.raises(JoinError, match="finished"):
        store.join(code, None, client="x")
    store.set_workshop(facilitator, is_open=True)
    assert store.join(code, "Finance", client="x")
    store.delete_workshop(facilitator)
    with pytest.raises(JoinError, match="No workshop has that code"):
        store.join(code, None, client="y")


def test_repeated_wrong_codes_are_slowed_down_for_that_client_only(store):
    code, _ = store.create_workshop("Away day", ["eight_aspects"], [])
    wrong = "ABCD2345" if code != "ABCD2345" else "ABCD2346"
    for _ in range(FREE_WRONG_CODES):
        with pytest.raises(JoinError, match="No workshop"):
            store.join(wrong, None, client="guesser")
    assert store.join_wait("guesser") >= 1
    # While it waits, even the right code is not checked: a guesser learns nothing.
    with pytest.raises(JoinError, match="Too many wrong codes"):
        store.join(code, None, client="guesser")
    assert store.join_wait("someone else") == 0
    assert store.join(code, None, client="someone else")
    # Each further wrong code doubles the wait (the clock is moved on instead of slept).
    with store.engine.begin() as conn:
        conn.execute(update(store_module.join_failures).values(failures=FREE_WRONG_CODES + 3))
    assert 5 <= store.join_wait("guesser") <= 8


def test_participants_answer_only_the_workshops_diagnostics_and_only_while_open(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    participant = store.join(code, None)
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 2})
    before = everything(store)
    with pytest.raises(WorkshopError, match="not part of this workshop"):
        store.save_answer(participant, "tolerance", "area:waiting_lists", {"frequency": 1})
    store.set_workshop(facilitator, is_open=False)
    before = everything(store)
    with pytest.raises(WorkshopError, match="closed"):
        store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 5})
    assert everything(store) == before
    store.set_workshop(facilitator, is_open=True)
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 5})
    assert store.answers(participant, "eight_aspects") == {"sd_one_place": {"rating": 5}}


@pytest.mark.parametrize("refusal", ["unknown", "screen", "other diagnostic", "closed", "ended"])
def test_a_refused_answer_says_why_and_changes_nothing(store, refusal):
    """Each reason an answer is refused, on both databases: on PostgreSQL the save is one
    statement holding the same rules in SQL (store._PG_SAVE), so a refusal must also write
    nothing there, not even the mark that the respondent changed."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    participant = store.join(code, None)
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 2})
    token, diagnostic_id = participant, "eight_aspects"
    if refusal == "unknown":
        token = "x" * 24
    elif refusal == "screen":
        token = store.screen_token(facilitator)
    elif refusal == "other diagnostic":
        diagnostic_id = "tolerance"
    elif refusal == "closed":
        store.set_workshop(facilitator, is_open=False)
    else:
        with store.engine.begin() as conn:
            conn.execute(update(workshops).values(expires_at=store_module._now() - timedelta(seconds=1)))
    before = everything(store)
    expected = {"unknown": KeyError, "screen": WorkshopError, "other diagnostic": WorkshopError, "closed": WorkshopError, "ended": WorkshopError}
    with pytest.raises(expected[refusal]):
        store.save_answer(token, diagnostic_id, "sd_one_place", {"rating": 5})
    assert everything(store) == before


def test_a_self_check_and_the_facilitator_may_answer_anything(store):
    """The rules that refuse a participant do not refuse these (both databases)."""
    _code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    store.set_workshop(facilitator, is_open=False)
    for token in (store.new_respondent(), facilitator):
        store.save_answer(token, "tolerance", "area:waiting_lists", {"frequency": 1})
        assert store.answers(token, "tolerance") == {"area:waiting_lists": {"frequency": 1}}


@pytest.mark.parametrize("who", ["participant", "self_check", "forged", "malformed"])
def test_only_the_facilitator_token_can_see_results_or_control_the_workshop(store, who):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    participant = store.join(code, None)
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 2})
    token = {
        "participant": participant,
        "self_check": store.new_respondent(),
        "forged": facilitator[:-2] + ("AA" if not facilitator.endswith("AA") else "BB"),
        "malformed": "../../facilitator",
    }[who]
    before = everything(store)
    for action in (
        lambda: store.participants(token),
        lambda: store.set_workshop(token, results_visible=True),
        lambda: store.set_workshop(token, is_open=False),
        lambda: store.delete_workshop(token),
    ):
        with pytest.raises(PermissionError):
            action()
    assert everything(store) == before


def test_deleting_a_workshop_removes_it_and_every_answer_and_nothing_else(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    other_code, other_facilitator = store.create_workshop("Another", ["eight_aspects"], [])
    self_check = store.new_respondent()
    store.save_answer(self_check, "eight_aspects", "sd_one_place", {"rating": 1})
    for n in range(3):
        store.save_answer(store.join(code, None), "eight_aspects", "sd_one_place", {"rating": n + 1})
    store.save_answer(facilitator, "risks", "risk:one", {"risk": "x"})
    kept = store.join(other_code, None)
    store.save_answer(kept, "eight_aspects", "sd_one_place", {"rating": 3})

    store.delete_workshop(facilitator)
    assert store.workshop(facilitator) is None
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(workshops)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(respondents)).scalar() == 3  # self-check, other facilitator, kept
        assert conn.execute(select(func.count()).select_from(answers)).scalar() == 2
    assert store.participants(other_facilitator) == [(None, {"eight_aspects": {"sd_one_place": {"rating": 3}}})]


def test_workshops_past_their_retention_date_are_purged(store):
    _, old = store.create_workshop("Last year", ["eight_aspects"], [])
    _, new = store.create_workshop("Today", ["eight_aspects"], [])
    with store.engine.begin() as conn:
        conn.execute(update(workshops).where(workshops.c.name == "Last year").values(expires_at=store_module._now() - timedelta(days=1)))
    assert store.purge_expired() == 1
    assert store.workshop(old) is None and store.workshop(new) is not None


VERSION_1 = [
    "CREATE TABLE respondents (id VARCHAR(64) PRIMARY KEY, kind VARCHAR(20) NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)",
    "CREATE TABLE answers (respondent_id VARCHAR(64) NOT NULL REFERENCES respondents (id) ON DELETE CASCADE, diagnostic_id VARCHAR(64) NOT NULL, "
    "item_id VARCHAR(64) NOT NULL, data TEXT NOT NULL, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (respondent_id, diagnostic_id, item_id))",
]


def test_a_self_check_database_from_version_1_is_upgraded_keeping_every_answer(fresh_db_url):
    token = "T" * 24
    engine = create_engine(fresh_db_url)
    with engine.begin() as conn:
        for statement in VERSION_1:
            conn.execute(text(statement))
        conn.execute(
            text("INSERT INTO respondents VALUES (:id, 'self_check', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"), {"id": store_module.token_hash(token)}
        )
        conn.execute(
            text("INSERT INTO answers VALUES (:id, 'eight_aspects', 'sd_one_place', :data, '2026-01-01 10:00:00')"),
            {"id": store_module.token_hash(token), "data": json.dumps({"rating": 4})},
        )
    engine.dispose()

    upgraded = Store(fresh_db_url)
    assert upgraded.answers(token, "eight_aspects") == {"sd_one_place": {"rating": 4}}
    assert "respondents_by_workshop" in {i["name"] for i in inspect(upgraded.engine).get_indexes("respondents")}
    with upgraded.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalars().all() == [store_module.SCHEMA_VERSION]
    code, _ = upgraded.create_workshop("After the upgrade", ["eight_aspects"], [])
    assert upgraded.join(code, None)
    upgraded.engine.dispose()
    again = Store(fresh_db_url)  # opening an up-to-date database changes nothing
    assert again.answers(token, "eight_aspects") == {"sd_one_place": {"rating": 4}}
    again.engine.dispose()


def test_a_database_from_a_newer_version_is_refused_with_a_clear_message(fresh_db_url):
    Store(fresh_db_url).engine.dispose()
    engine = create_engine(fresh_db_url)
    with engine.begin() as conn:
        conn.execute(update(schema_version).values(version=store_module.SCHEMA_VERSION + 1))
    engine.dispose()
    with pytest.raises(RuntimeError, match="newer version of this app"):
        Store(fresh_db_url)


def test_forty_participants_saving_everything_at_once_lose_and_duplicate_nothing(store):
    code, facilitator = store.create_workshop("Big room", ["eight_aspects"], ["Finance", "Provider"])
    factors = list(eight_aspects.instrument().factor_ids)
    people = [store.join(code, ["Finance", "Provider", None][n % 3], client=f"phone-{n}") for n in range(40)]
    start = threading.Barrier(len(people))
    errors = []

    def answer_everything(n: int, token: str) -> None:
        try:
            start.wait()
            for position, item_id in enumerate(factors):
                store.save_answer(token, "eight_aspects", item_id, {"rating": (n + position) % 5 + 1})
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer_everything, args=pair) for pair in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    room = store.participants(facilitator)
    assert unordered(room) == unordered(
        [
            (["Finance", "Provider", None][n % 3], {"eight_aspects": {item_id: {"rating": (n + p) % 5 + 1} for p, item_id in enumerate(factors)}})
            for n in range(40)
        ]
    )
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(answers)).scalar() == 40 * len(factors)


def test_the_room_is_listed_in_an_order_unrelated_to_joining(store):
    """The pack numbers people in the store's order: it must not be the order of arrival
    (the facilitator watches the Joined count move), yet stay the same between reads."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    for n in range(30):
        token = store.join(code, None, client=f"phone-{n}")
        store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": n % 5 + 1, "note": f"arrived {n}"})
    arrivals = [response["eight_aspects"]["sd_one_place"]["note"] for _, response in store.participants(facilitator)]
    assert sorted(arrivals) == sorted(f"arrived {n}" for n in range(30))
    assert arrivals != [f"arrived {n}" for n in range(30)]  # 1 chance in 30! of failing honestly
    assert arrivals == [response["eight_aspects"]["sd_one_place"]["note"] for _, response in store.participants(facilitator)]


def test_an_outsider_guessing_from_many_addresses_slows_nobody_else(store):
    """Rotating addresses gives a guesser free guesses, but no lever on anyone else: there
    is no everyone-wide count that a stream of wrong codes could fill."""
    code, _ = store.create_workshop("Away day", ["eight_aspects"], [])
    wrong = "ABCD2345" if code != "ABCD2345" else "ABCD2346"
    for n in range(150):
        with pytest.raises(JoinError, match="No workshop"):
            store.join(wrong, None, client=f"forged-{n}")
    assert store.join_wait("a participant") == 0
    assert store.join(code, None, client="a participant")


def test_wrong_codes_fired_at_once_from_one_client_are_all_counted(store):
    """The wait, the lookup and the count are one transaction: 40 guesses at once cannot
    slip 40 lookups past one count."""
    code, _ = store.create_workshop("Away day", ["eight_aspects"], [])
    wrong = "ABCD2345" if code != "ABCD2345" else "ABCD2346"
    outcomes = []

    def guess() -> None:
        try:
            store.join(wrong, None, client="burst")
        except JoinError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = sum("No workshop" in text for text in outcomes)
    assert len(outcomes) == 40
    assert checked <= FREE_WRONG_CODES + 1, f"{checked} of 40 guesses were checked"
    with store.engine.connect() as conn:
        failures = conn.execute(select(store_module.join_failures.c.failures)).scalar_one()
    assert failures == checked


def test_failure_records_are_keyed_not_reversible_and_forgotten(store):
    code, _ = store.create_workshop("Away day", ["eight_aspects"], [])
    wrong = "ABCD2345" if code != "ABCD2345" else "ABCD2346"
    with pytest.raises(JoinError):
        store.join(wrong, None, client="203.0.113.7")
    with store.engine.connect() as conn:
        key = conn.execute(select(store_module.join_failures.c.client)).scalar_one()
    import hashlib

    assert key != hashlib.sha256(b"203.0.113.7").hexdigest()  # an unkeyed hash is reversed by trying every address
    assert key == store_module.client_key("203.0.113.7")
    # A record past its 15 minutes is deleted by the next check, not just ignored.
    with store.engine.begin() as conn:
        conn.execute(update(store_module.join_failures).values(last_failure=store_module._now() - timedelta(minutes=16)))
    store.join(code, None, client="someone")
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(store_module.join_failures)).scalar_one() == 0


def test_the_room_as_reread_follows_every_change_made_through_any_replica(fresh_db_url):
    """participants() reads again only who changed: a save, a deletion or a new joiner
    through another app replica (another Store on the same database) always shows."""
    screen, replica = Store(fresh_db_url), Store(fresh_db_url)
    code, facilitator = screen.create_workshop("Away day", ["eight_aspects", "starting_points"], [])
    first = replica.join(code, None)
    replica.save_answer(first, "eight_aspects", "sd_one_place", {"rating": 1})
    assert screen.participants(facilitator) == [(None, {"eight_aspects": {"sd_one_place": {"rating": 1}}})]
    replica.save_answer(first, "eight_aspects", "sd_one_place", {"rating": 4})
    replica.save_answer(first, "starting_points", "stakeholder:x", {"name": "Board"})
    second = replica.join(code, None)
    assert unordered(screen.participants(facilitator)) == unordered(
        [
            (None, {"eight_aspects": {"sd_one_place": {"rating": 4}}, "starting_points": {"stakeholder:x": {"name": "Board"}}}),
            (None, {}),
        ]
    )
    replica.delete_answer(first, "starting_points", "stakeholder:x")
    replica.save_answer(second, "eight_aspects", "sd_one_place", {"rating": 2})
    assert unordered(screen.participants(facilitator)) == unordered(
        [
            (None, {"eight_aspects": {"sd_one_place": {"rating": 4}}}),
            (None, {"eight_aspects": {"sd_one_place": {"rating": 2}}}),
        ]
    )
    screen.engine.dispose()
    replica.engine.dispose()


def test_a_room_read_parses_each_distinct_answer_once_and_everyone_keeps_their_own(store, monkeypatch):
    """Forty people choosing among three ratings on three factors: the screen's reread of
    the room parses each distinct answer text once (not 120 times), and each person's
    response is still their own."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    factors = list(eight_aspects.instrument().factor_ids)[:3]
    expected = []
    for p in range(40):
        token = store.join(code, None, client=f"phone-{p}")
        ratings = {item: {"rating": (p + f) % 3 + 1} for f, item in enumerate(factors)}
        for item, record in ratings.items():
            store.save_answer(token, "eight_aspects", item, record)
        expected.append((None, {"eight_aspects": ratings}))
    parsed = []
    loads = json.loads
    monkeypatch.setattr(store_module.json, "loads", lambda text, **kw: parsed.append(text) or loads(text, **kw))
    assert unordered(store.participants(facilitator)) == unordered(expected)
    assert sorted(t for t in parsed if "rating" in t) == sorted(json.dumps({"rating": r}) for r in (1, 2, 3))


def log_writes_to_the_screen_s_copy(store) -> None:
    """A trigger that notes the key of every row written to the screen's copy."""
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE shown_writes (respondent_id TEXT, diagnostic_id TEXT, item_id TEXT)"))
        if store.engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER log_shown_writes AFTER INSERT ON shown_answers BEGIN "
                    "INSERT INTO shown_writes VALUES (NEW.respondent_id, NEW.diagnostic_id, NEW.item_id); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION log_shown_write() RETURNS trigger AS $$ BEGIN "
                    "INSERT INTO shown_writes VALUES (NEW.respondent_id, NEW.diagnostic_id, NEW.item_id); RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(text("CREATE TRIGGER log_shown_writes AFTER INSERT ON shown_answers FOR EACH ROW EXECUTE FUNCTION log_shown_write()"))


def writes_to_the_screen_s_copy(store) -> list[tuple]:
    with store.engine.begin() as conn:
        written = sorted(map(tuple, conn.execute(text("SELECT respondent_id, diagnostic_id, item_id FROM shown_writes"))))
        conn.execute(text("DELETE FROM shown_writes"))
    return written


def test_the_screen_s_copy_follows_changes_and_deletions_and_writes_only_the_rows_that_changed(store):
    """A batch shown on the screen brings a changed answer, a deleted one and a new one, and
    leaves every other row of those people as it was (rewriting all of them, inside the
    write transaction every save waits behind, was 16,000 rows for 400 people)."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects", "starting_points"], [])
    first, second, third = list(eight_aspects.instrument().factor_ids)[:3]
    people = [store.join(code, None, client=f"p{n}") for n in range(3)]
    for n, person in enumerate(people):
        store.save_answer(person, "eight_aspects", first, {"rating": 1 + n})
        store.save_answer(person, "eight_aspects", second, {"rating": 3})
        store.save_answer(person, "starting_points", "stakeholder:x", {"name": "Board"})
    log_writes_to_the_screen_s_copy(store)
    store.set_workshop(facilitator, results_visible=True)  # the first reveal shows everything so far
    assert unordered(store.participants(facilitator, shown=True)) == unordered(store.participants(facilitator))
    assert len(writes_to_the_screen_s_copy(store)) == 9
    keys = [store_module.token_hash(person) for person in people]

    store.save_answer(people[0], "eight_aspects", first, {"rating": 5})
    store.delete_answer(people[1], "starting_points", "stakeholder:x")
    store.save_answer(people[2], "eight_aspects", third, {"rating": 2})
    assert store.publish_room(facilitator) == 0  # three people changed: one batch, shown

    assert unordered(store.participants(facilitator, shown=True)) == unordered(store.participants(facilitator))
    assert writes_to_the_screen_s_copy(store) == sorted([(keys[0], "eight_aspects", first), (keys[2], "eight_aspects", third)])


def test_a_participant_cannot_delete_answers_once_the_workshop_is_closed(store):
    code, facilitator = store.create_workshop("Away day", ["starting_points"], [])
    participant = store.join(code, None)
    store.save_answer(participant, "starting_points", "stakeholder:x", {"name": "Board"})
    store.set_workshop(facilitator, is_open=False)
    before = everything(store)
    with pytest.raises(WorkshopError, match="closed"):
        store.delete_answer(participant, "starting_points", "stakeholder:x")
    assert everything(store) == before


def test_screens_on_several_processes_publish_the_room_s_batches_at_once_without_a_fault(store):
    """Eight screens and facilitator tabs, on four app processes (each its own Store and
    connection pool), refresh at the moment each of eight batches is due."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    screen = store.screen_token(facilitator)
    people = [store.join(code, None, client=f"p{n}") for n in range(3)]
    store.set_workshop(facilitator, results_visible=True)
    stores = [store] + [Store(store.url) for _ in range(3)]
    faults = []
    for batch in range(8):
        for n, person in enumerate(people):
            store.save_answer(person, "eight_aspects", "sd_one_place", {"rating": 1 + (n + batch) % 5})
        start = threading.Barrier(8)

        def refresh(n: int, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                stores[n % 4].publish_room(screen if n % 2 else facilitator)
            except Exception as exc:  # noqa: BLE001 - any fault is the failure reported below
                faults.append(exc)

        threads = [threading.Thread(target=refresh, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        shown = sorted(r["eight_aspects"]["sd_one_place"]["rating"] for _role, r in store.participants(facilitator, shown=True))
        assert shown == sorted(1 + (n + batch) % 5 for n in range(3))
    for other in stores[1:]:
        other.dispose()
    assert faults == []
