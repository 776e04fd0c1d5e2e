"""The store against real databases: SQLite by default, PostgreSQL by URL."""

import threading
from datetime import datetime

import pytest
from sqlalchemy import event, select, text

from scoring import store as store_module
from scoring.store import Store, answers, database_url, respondents


@pytest.fixture
def store(fresh_db_url):
    made = Store(fresh_db_url)
    yield made
    made.engine.dispose()


def test_default_url_is_a_sqlite_file_in_the_data_dir(isolated_data_dir, monkeypatch):
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    url = database_url()
    assert url.startswith("sqlite:///") and url.endswith("commissioning.sqlite3")
    assert str(isolated_data_dir) in url
    monkeypatch.setenv("COMMISSIONING_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_answers_round_trip_by_token(store):
    token = store.new_respondent()
    assert store.exists(token)
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 4, "weight": 2, "note": "Café ≥ £5 — “quoted”"})
    store.save_answer(token, "eight_aspects", "sd_wellbeing_system", {"rating": None, "weight": 1})
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 5, "weight": 2, "note": "changed"})
    assert store.answers(token, "eight_aspects") == {
        "sd_one_place": {"rating": 5, "weight": 2, "note": "changed"},
        "sd_wellbeing_system": {"rating": None, "weight": 1},
    }
    assert store.answers(token, "another_diagnostic") == {}


def test_respondents_cannot_see_each_other(store):
    first, second = store.new_respondent(), store.new_respondent()
    assert first != second
    store.save_answer(first, "eight_aspects", "sd_one_place", {"rating": 1})
    assert store.answers(second, "eight_aspects") == {}


def test_the_database_never_holds_the_token_itself(store):
    token = store.new_respondent()
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 1})
    with store.engine.connect() as conn:
        ids = [row.id for row in conn.execute(select(respondents.c.id))]
    assert token not in ids and store_module.token_hash(token) in ids


@pytest.mark.parametrize("token", [None, "", "short", "x" * 200, "../../etc/passwd", "a b c d e f g h i j k l", 12345, "'; DROP TABLE answers; --xxxxxxxxxx"])
def test_malformed_or_unknown_tokens_are_not_found(store, token):
    assert not store.exists(token)


def test_saving_for_an_unknown_respondent_changes_nothing(store):
    with pytest.raises(KeyError):
        store.save_answer("A" * 24, "eight_aspects", "sd_one_place", {"rating": 1})
    with store.engine.connect() as conn:
        assert conn.execute(select(answers)).first() is None


def test_delete_respondent_removes_their_answers(store):
    token = store.new_respondent()
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 1})
    store.delete_respondent(token)
    assert not store.exists(token)
    assert store.answers(token, "eight_aspects") == {}


def test_concurrent_saves_all_land(store):
    token = store.new_respondent()
    items = [f"item_{n}" for n in range(20)]
    errors = []

    def save(item_id):
        try:
            for rating in (1, 2, 3):
                store.save_answer(token, "eight_aspects", item_id, {"rating": rating})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(item_id,)) for item_id in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.answers(token, "eight_aspects") == {item_id: {"rating": 3} for item_id in items}


def test_a_save_moves_the_respondents_mark_and_keeps_dates_the_store_can_read(store):
    """An answer is saved on the database driver's own cursor (not through SQLAlchemy):
    what it writes must read back through SQLAlchemy as it always did."""
    token = store.new_respondent()
    key = store_module.token_hash(token)

    def marks():
        with store.engine.connect() as conn:
            moved = conn.execute(select(respondents.c.updated_at).where(respondents.c.id == key)).scalar_one()
            saved = conn.execute(select(answers.c.updated_at).where(answers.c.respondent_id == key)).scalar_one()
        return moved, saved

    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 2})
    first = marks()
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 3})
    second = marks()
    assert all(isinstance(moment, datetime) for moment in first + second)
    assert second[0] > first[0] and second[1] > first[1]
    assert store.answers(token, "eight_aspects") == {"sd_one_place": {"rating": 3}}


@pytest.mark.parametrize("fresh_db_url", ["postgresql"], indirect=True)
def test_a_connection_the_server_dropped_fails_one_try_and_the_save_is_made_on_a_new_one(store):
    """On PostgreSQL an answer's save is one statement on connections that are not pinged
    first (Store.__init__). A connection the server dropped between saves (a restart, a
    network blip) fails that statement: it is thrown away, not put back in the pool, and
    the retry saves the answer on a new one."""
    token = store.new_respondent()
    store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 1})
    thrown_away = []
    event.listen(store._saver.pool, "invalidate", lambda *_: thrown_away.append(1))
    for rating in (2, 3):  # twice: the pool holds no dead connection after the first
        with store.engine.connect() as conn:  # every connection but this one killed from outside
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()"))
        store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": rating})
        assert store.answers(token, "eight_aspects") == {"sd_one_place": {"rating": rating}}
    assert len(thrown_away) == 2  # each time, the save's first try met the dropped connection


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_the_saves_own_statements_get_the_parameters_sqlalchemy_would_give_them(dialect_name):
    """save_answer runs two statements on the driver's cursor with parameters it puts in
    order itself (store._DriverStatement): they must be what SQLAlchemy's own compile
    would hand the driver, dates converted alike, and a missing one an error, not a NULL."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect_name]
    now = datetime(2026, 12, 4, 14, 30, 5, 123456, tzinfo=store_module.timezone.utc)
    given = dict(key="k" * 64, now=now, respondent_id="r" * 64, diagnostic_id="eight_aspects", item_id="sd_one_place", data='{"rating": 4}', updated_at=now)
    for statement in (store_module._MARK_CHANGED, store_module._UPSERTS[dialect_name]):
        ours = store_module._DriverStatement(statement, dialect)
        compiled = statement.compile(dialect=dialect)
        names = [bind.key for bind in compiled.binds.values()]
        expected = compiled.construct_params({name: given[name] for name in names})
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process:
                expected[name] = process(expected[name])
        expected = tuple(expected[name] for name in compiled.positiontup) if compiled.positional else expected
        assert ours.params(**{name: given[name] for name in names}) == expected
        with pytest.raises(KeyError):
            ours.params(**{name: given[name] for name in names[1:]})
