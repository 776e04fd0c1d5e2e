"""Saves under contention and faults: a lock is waited out, a full disk or a read-only
database gives a plain reason, and nothing already stored changes.

The faults are SQLite's own: another connection holding the write lock, a database at its
page limit (SQLITE_FULL, as on a full disk), and a connection that may not write
(SQLITE_READONLY). As root, file permissions would not stop a write, so the read-only case
uses SQLite's query_only setting on the app's writing connections."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from scoring import store as store_module
from scoring.store import Store, StoreUnavailable
from ui import session

APP = str(Path(__file__).resolve().parent.parent / "app.py")
RECORD = {"rating": 4, "weight": 1, "basis": None, "note": ""}


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "SQLITE_BUSY_TIMEOUT_MS", 100)
    made = Store(f"sqlite:///{tmp_path / 'faults.sqlite3'}")
    yield made
    made.dispose()


def hold_write_lock(path: str, seconds: float) -> threading.Thread:
    """Another writer (another process, in real life) keeps SQLite's write lock a while."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def limit_writes(made: Store, pragma: str):
    """From now on the store's writing connections run `pragma` when they open; returns
    the listener, to lift the limit with lift()."""
    made._writer.dispose()

    def listener(conn, _record) -> None:
        conn.execute(pragma)

    event.listen(made._writer, "connect", listener)
    return listener


def lift(made: Store, listener) -> None:
    event.remove(made._writer, "connect", listener)
    made._writer.dispose()


def token_of(at: AppTest) -> str:
    token = at.query_params["r"]
    return token[0] if isinstance(token, list) else token


def stored(made: Store, token: str) -> dict:
    return made.answers(token, "eight_aspects")


def test_a_short_lock_is_waited_out_and_the_answer_saved(sqlite_store):
    token = sqlite_store.new_respondent()
    holder = hold_write_lock(sqlite_store.engine.url.database, 0.25)  # longer than one busy timeout
    sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", RECORD)
    holder.join()
    assert stored(sqlite_store, token) == {"sd_one_place": RECORD}


def test_a_lock_that_outlasts_every_retry_is_a_plain_message_and_changes_nothing(sqlite_store):
    token = sqlite_store.new_respondent()
    sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", RECORD)
    holder = hold_write_lock(sqlite_store.engine.url.database, 5)
    try:
        with pytest.raises(StoreUnavailable, match="very busy"):
            sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", {**RECORD, "rating": 1})
    finally:
        holder.join()
    assert stored(sqlite_store, token) == {"sd_one_place": RECORD}


def test_saves_share_one_kept_connection_and_a_failed_save_gives_it_back(sqlite_store):
    """On SQLite a process writes one transaction at a time, so answers are saved on one
    connection kept out of the pool (Store._kept_sqlite_transaction), not one checked out
    and back per save. A save that fails (here: another writer holds the lock past the
    retries) rolls back and gives it back, the next save takes another and lands, and
    dispose() leaves nothing checked out."""
    checkouts = []
    event.listen(sqlite_store._saver, "checkout", lambda *_: checkouts.append(1))
    token = sqlite_store.new_respondent()
    before = len(checkouts)
    for rating in (1, 2, 3, 4, 5):
        sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", {**RECORD, "rating": rating})
    assert len(checkouts) - before == 1, "five saves, one connection"
    assert stored(sqlite_store, token)["sd_one_place"]["rating"] == 5

    holder = hold_write_lock(sqlite_store.engine.url.database, 3.0)
    with pytest.raises(StoreUnavailable):
        sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", {**RECORD, "rating": 1})
    assert sqlite_store._kept is None, "given back after the failure"
    holder.join()
    sqlite_store.save_answer(token, "eight_aspects", "sd_wellbeing_system", RECORD)
    assert stored(sqlite_store, token)["sd_one_place"]["rating"] == 5, "the failed save changed nothing"
    assert stored(sqlite_store, token)["sd_wellbeing_system"] == RECORD
    sqlite_store.dispose()
    assert sqlite_store._saver.pool.checkedout() == 0


@pytest.mark.parametrize(
    ("pragma", "reason"),
    [("PRAGMA max_page_count = 1", "disk is full"), ("PRAGMA query_only = ON", "cannot write")],
    ids=["full disk", "read-only"],
)
def test_a_full_disk_or_a_read_only_database_changes_nothing(sqlite_store, pragma, reason):
    token = sqlite_store.new_respondent()
    sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", RECORD)
    if "max_page_count" in pragma:  # no room beyond what the file holds now
        pages = sqlite3.connect(sqlite_store.engine.url.database).execute("PRAGMA page_count").fetchone()[0]
        pragma = f"PRAGMA max_page_count = {pages}"
    limit_writes(sqlite_store, pragma)
    big = {**RECORD, "note": "x" * 2000}
    # Saves go on until the database refuses one (a full file may still have a free page).
    for item_id in ("sd_wellbeing_system", "sd_funding_coherence", "sd_joint_commissioning", "sd_one_place"):
        before = stored(sqlite_store, token)
        try:
            sqlite_store.save_answer(token, "eight_aspects", item_id, big)
        except StoreUnavailable as exc:
            assert reason in str(exc)
            break
    else:
        pytest.fail("every save went through")
    assert stored(sqlite_store, token) == before
    assert stored(sqlite_store, token)["sd_one_place"] == RECORD


def test_the_page_keeps_an_unsaved_choice_and_sends_it_again(monkeypatch):
    """A participant whose save cannot be made sees why beside the question, keeps the
    choice on screen, and sends it again once the database can take it. (SQLite on both
    passes of the suite: the fault is SQLite's query_only.)"""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    at.radio(key="ea_rating_sd_one_place").set_value(5).run()
    at.run()
    app_store = session.store()
    assert app_store.engine.dialect.name == "sqlite"
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    at.radio(key="ea_rating_sd_one_place").set_value(2).run()
    assert not at.exception
    warning = [w.value for w in at.warning]
    assert warning and warning[0].startswith("Not saved yet: the server cannot write"), warning
    assert at.radio(key="ea_rating_sd_one_place").value == 2  # the choice is still there
    token = token_of(at)
    assert app_store.answers(token, "eight_aspects")["sd_one_place"]["rating"] == 5

    lift(app_store, listener)  # the database can be written again
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.warning
    assert app_store.answers(token, "eight_aspects")["sd_one_place"]["rating"] == 2
    assert any("✓ Saved: " in h.proto.body for h in at.get("html")), "the live panel says it is saved now"


CONDITION = "cond_rating_hon_undiscussable"


@contextlib.contextmanager
def a_refused_change_on_the_conditions_page():
    """The conditions page with one statement answered 5, then changed to 2 while the store
    refuses writes (lifted on leaving): yields the page and the app's store."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/diagnostics/conditions.py").run()
    at.selectbox(key="cond_part").set_value("core_practices").run()
    at.radio(key=CONDITION).set_value(5).run()
    app_store = session.store()
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        at.radio(key=CONDITION).set_value(2).run()
        yield at, app_store
    finally:
        lift(app_store, listener)


def test_a_statement_page_keeps_an_unsaved_choice_and_sends_it_again(monkeypatch):
    """The statement pages set every answer from the store before drawing it, so a refused
    change went back to the stored answer, under a toast saying it was still on screen.
    Now it stays, through a rerun of the whole page, with why and "Send again"."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    with a_refused_change_on_the_conditions_page() as (at, app_store):
        token = token_of(at)
        assert not at.exception and not at.toast
        warning = [w.value for w in at.warning]
        assert warning and warning[0].startswith("Not saved yet: the server cannot write"), warning
        at.run()
        assert at.radio(key=CONDITION).value == 2, "the choice, not the stored 5"
        assert app_store.answers(token, "conditions")["hon_undiscussable"]["rating"] == 5
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.warning
    assert app_store.answers(token, "conditions")["hon_undiscussable"]["rating"] == 2


def test_a_change_kept_for_one_respondent_is_not_shown_or_sent_as_the_next_ones(monkeypatch):
    """A refused change is kept for the respondent who made it. A tab that starts a new
    self-check showed the last respondent's kept choice on the new one's page, and "Send
    again" stored it as the new respondent's answer, which they never gave."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    with a_refused_change_on_the_conditions_page() as (at, _):
        assert any(w.value.startswith("Not saved yet") for w in at.warning)
    at.switch_page("views/home.py").run()
    at.button(key="start_afresh").click().run()
    at.switch_page("views/diagnostics/conditions.py").run()
    at.selectbox(key="cond_part").set_value("core_practices").run()
    assert not at.exception
    assert not at.warning and not [b for b in at.button if b.label == "Send again"]
    assert at.radio(key=CONDITION).value is None, "the new respondent has answered nothing"


def test_evidence_typed_on_the_tolerance_page_is_not_lost_to_a_refused_save(monkeypatch):
    """An area's ratings and evidence are saved together; a refused save kept none of them
    on screen, so the evidence typed was gone. Now the area keeps them, with "Send again"."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/diagnostics/tolerance.py").run()
    at.radio(key="tol_frequency_staff_turnover").set_value(3).run()
    app_store = session.store()
    token = token_of(at)
    evidence = "Exit interviews, March to June: <b>half</b> cite caseloads"
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        at.text_area(key="tol_evidence_staff_turnover").input(evidence).run()
        assert not at.exception and not at.toast
        assert any(w.value.startswith("Not saved yet") for w in at.warning)
        at.run()
        assert at.text_area(key="tol_evidence_staff_turnover").value == evidence
        assert at.radio(key="tol_frequency_staff_turnover").value == 3
        assert app_store.answers(token, "tolerance")["area:staff_turnover"].get("evidence", "") == ""
    finally:
        lift(app_store, listener)
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.warning
    assert app_store.answers(token, "tolerance")["area:staff_turnover"]["evidence"] == evidence


def test_a_refusal_told_by_a_toast_says_nothing_changed(monkeypatch):
    """Where a page draws what is stored again after a refused change (the self-check's
    purpose on the tolerance page, the deciding pages' buttons), the toast says nothing
    changed, not that the choice is still on screen."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/diagnostics/tolerance.py").run()
    at.radio(key="tol_mode").set_value("team_discussion").run()
    app_store = session.store()
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        at.radio(key="tol_mode").set_value("provider_dialogue").run()
    finally:
        lift(app_store, listener)
    toasts = [t.value for t in at.toast]
    assert toasts and toasts[0].startswith("Not saved yet: the server cannot write"), toasts
    assert toasts[0].endswith("Nothing was changed; try again in a moment.")
    assert at.radio(key="tol_mode").value == "team_discussion", "drawn from the store, as the toast says"


def test_a_round_keeps_an_unsaved_choice_on_the_phone_and_sends_it_again(monkeypatch):
    """A phone in a facilitator's round, whose answer the store refuses: the choice stays on
    screen (also through a rerun of the whole page, as when the room moves it) with why
    and a button to send it again, which stores it. It used to go back to the stored
    answer, under a toast saying it was still on screen."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/workshop/new.py").run()
    at.text_input(key="ws_name").input("Busy day")
    at.multiselect(key="ws_diagnostics").set_value(["eight_aspects"])
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    at.selectbox(key="ws_round_section").set_value("eight_aspects/system_design").run()
    app_store = session.store()
    code = app_store.workshop(at.session_state["resume_token"])["code"]
    phone = AppTest.from_file(APP, default_timeout=60)
    phone.query_params["join"] = code
    phone.run()
    next(b for b in phone.button if b.label == "Join").click().run()
    key = "wr_eight_aspects_sd_one_place_rating"
    phone.radio(key=key).set_value(4).run()
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        phone.radio(key=key).set_value(2).run()
        assert not phone.exception
        warning = [w.value for w in phone.warning]
        assert warning and warning[0].startswith("Not saved yet: the server cannot write"), warning
        assert "Your choice is still on screen" in warning[0]
        assert phone.radio(key=key).value == 2
        phone.run()  # the whole page again
        assert phone.radio(key=key).value == 2, "still the choice, not the stored 4"
        assert not any(m.value == "**✓ Saved**" for m in phone.markdown)
        token = phone.session_state["resume_token"]
        assert app_store.answers(token, "eight_aspects")["sd_one_place"]["rating"] == 4
    finally:
        lift(app_store, listener)
    next(b for b in phone.button if b.label == "Send again").click().run()
    assert not phone.warning
    assert app_store.answers(token, "eight_aspects")["sd_one_place"]["rating"] == 2
    assert any(m.value == "**✓ Saved**" for m in phone.markdown)


def test_a_commit_does_not_wait_for_the_disk_but_the_log_is_flushed_within_a_second(sqlite_store, monkeypatch):
    """synchronous=NORMAL: a commit is safe if the app is killed, and scoring/wal_sync.py
    flushes the write-ahead log to disk about once a second (fsync on its own descriptor),
    so a power cut loses at most the last second; and only when the log changed."""
    from scoring import wal_sync

    with sqlite_store._writer.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    flushed = []
    real_fsync = wal_sync.os.fsync

    def recording_fsync(descriptor: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(wal_sync.os, "fsync", recording_fsync)
    wal = f"{sqlite_store.engine.url.database}-wal"
    time.sleep(2.5 * wal_sync.INTERVAL_SECONDS)  # what the store wrote on opening is flushed
    flushed.clear()
    time.sleep(2.5 * wal_sync.INTERVAL_SECONDS)
    assert wal not in flushed, "an unchanged log is not flushed again"
    token = sqlite_store.new_respondent()
    sqlite_store.save_answer(token, "eight_aspects", "sd_one_place", RECORD)
    deadline = time.monotonic() + 3 * wal_sync.INTERVAL_SECONDS
    while wal not in flushed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wal in flushed, "the log is flushed within about a second of a commit"
    sqlite_store.dispose()
    assert wal not in wal_sync._paths, "a disposed store's log is no longer watched"


def edit_table(at: AppTest, key: str, delta: dict) -> AppTest:
    """Run the page as after an edit in the table `key`: AppTest cannot edit a data_editor,
    and its state set on at.session_state does not call on_change, so the edit is sent as a
    browser would, in the widget states of the next run."""
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=at.data_editor(key=key).proto.id, string_value=json.dumps(delta)))
    return at._run(states)


def refusal(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("Not saved yet: the server cannot write")]


def plan_with_one_action(monkeypatch) -> tuple[AppTest, Store, str, str]:
    """The plan page with one action added in its table: (page, app store, token, its key)."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/decide/plan.py").run()
    edit_table(at, "pl_actions_editor_0", {"added_rows": [{"Action": "Pool the budgets"}]})
    app_store = session.store()
    token = token_of(at)
    (key,) = app_store.response(token)["development_plan"]
    return at, app_store, token, key


def test_a_table_edit_the_store_refuses_stays_in_the_table_to_send_again(monkeypatch):
    """The plan's action table (and the risk register's, the stakeholder map's: ui/editors.py)
    was drawn afresh from the store after a refused edit, under a message saying the change
    was still on screen. Now the same table keeps the edit as typed, with why and "Send again"."""
    at, app_store, token, key = plan_with_one_action(monkeypatch)
    before = app_store.response(token)["development_plan"]
    edit = {"edited_rows": {"0": {"Owner": "Head of commissioning"}}, "added_rows": [{"Action": "Meet the ICB"}]}
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        edit_table(at, "pl_actions_editor_1", edit)
        assert not at.exception and not at.error
        assert refusal(at) and "Your choice is still on screen" in refusal(at)[0]
        at.run()
        assert refusal(at), "said until it is sent"
        assert [t.key for t in at.data_editor] == ["pl_actions_editor_1"], "the same table, not one drawn afresh"
        assert at.session_state["pl_actions_editor_1"]["edited_rows"] == {0: {"Owner": "Head of commissioning"}}
        assert app_store.response(token)["development_plan"] == before
    finally:
        lift(app_store, listener)
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.warning and not at.error
    stored = app_store.response(token)["development_plan"]
    assert stored[key]["owner"] == "Head of commissioning"
    assert sorted(r["action"] for r in stored.values()) == ["Meet the ICB", "Pool the budgets"]
    assert [t.key for t in at.data_editor] == ["pl_actions_editor_2"], "drawn afresh from the store"


def test_a_table_edit_the_store_takes_in_part_says_which_rows_it_did_not_take(monkeypatch):
    """Of one edit, the changed row is saved and the new row refused: the table is drawn
    afresh from the store, so it says the new row was not saved, and offers nothing to send."""
    at, app_store, token, key = plan_with_one_action(monkeypatch)
    save = Store.save_answer

    def refuse_new_rows(self, respondent, diagnostic_id, item_id, record):
        if item_id != key:
            raise StoreUnavailable("the server is very busy")
        return save(self, respondent, diagnostic_id, item_id, record)

    monkeypatch.setattr(Store, "save_answer", refuse_new_rows)
    edit_table(at, "pl_actions_editor_1", {"edited_rows": {"0": {"Owner": "Director"}}, "added_rows": [{"Action": "Meet the ICB"}]})
    assert not at.exception and not refusal(at) and not [b for b in at.button if b.label == "Send again"]
    assert [e.value for e in at.error] == [
        "New row 2 was not saved: the server could not store it just now. The table shows what is saved; make that change again."
    ]
    assert [t.key for t in at.data_editor] == ["pl_actions_editor_2"], "drawn afresh from the store"
    stored = app_store.response(token)["development_plan"]
    assert list(stored) == [key] and stored[key]["owner"] == "Director"


def test_a_row_delete_the_store_refuses_keeps_the_row_and_can_be_sent_again(monkeypatch):
    at, app_store, token, key = plan_with_one_action(monkeypatch)

    def refuse(*_args) -> None:
        raise StoreUnavailable("the server is very busy")

    monkeypatch.setattr(Store, "delete_answer", refuse)
    edit_table(at, "pl_actions_editor_1", {"deleted_rows": [0]})
    assert not at.exception
    assert any("Nothing was changed" in t.value for t in at.toast)
    assert [t.key for t in at.data_editor] == ["pl_actions_editor_1"], "the same table, the delete still in it"
    assert list(app_store.response(token)["development_plan"]) == [key]
    monkeypatch.undo()
    next(b for b in at.button if b.label == "Send again").click().run()
    assert not at.exception and not at.warning
    assert app_store.response(token).get("development_plan", {}) == {}


def test_an_action_the_store_refuses_stays_in_the_form_with_why_until_sent_again(monkeypatch):
    """The plan's "Add an action" form kept the text after a refusal, but said why only
    until the next rerun; now the why stays until the action is sent again."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/decide/plan.py").run()
    at.multiselect(key="pl_holds_system_design").set_value(["sd_one_place"]).run()
    app_store = session.store()
    token = token_of(at)
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        at.text_area(key="pl_new_text_0").input("Pool the budgets")
        at.button(key="FormSubmitter:pl_new_action_0-Add to the plan").click().run()
        assert not at.exception and not at.error
        assert refusal(at)
        at.run()
        assert refusal(at), "said until it is sent"
        assert at.text_area(key="pl_new_text_0").value == "Pool the budgets"
        assert not any(k.startswith("action:") for k in app_store.response(token)["development_plan"])
    finally:
        lift(app_store, listener)
    at.button(key="FormSubmitter:pl_new_action_0-Add to the plan").click().run()
    assert not at.warning and not at.error
    actions = [r["action"] for k, r in app_store.response(token)["development_plan"].items() if k.startswith("action:")]
    assert actions == ["Pool the budgets"]


def test_capacity_figures_the_store_refuses_stay_in_the_form_with_why_until_sent_again(monkeypatch):
    """The capacity figures stayed in the form after a refusal, but why went at the next
    rerun, leaving unsaved figures beside the stored results; now it stays until they are sent."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    submit = "FormSubmitter:sp_capacity-Work out capacity"
    at.number_input(key="sp_hours_partnership_boards").set_value(250)
    at.number_input(key="sp_count_partnership_boards").set_value(6)
    at.number_input(key="sp_staff").set_value(0.5)
    at.button(key=submit).click().run()
    app_store = session.store()
    token = token_of(at)
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        at.number_input(key="sp_staff").set_value(3.5)
        at.button(key=submit).click().run()
        assert not at.exception and not at.error
        assert refusal(at)
        at.run()
        assert refusal(at), "said until it is sent"
        assert at.number_input(key="sp_staff").value == 3.5
        assert app_store.response(token)["starting_points"]["capacity"]["staff_in_post"] == 0.5
    finally:
        lift(app_store, listener)
    at.button(key=submit).click().run()
    assert not at.warning and not at.error
    assert app_store.response(token)["starting_points"]["capacity"]["staff_in_post"] == 3.5
    assert {m.label: m.value for m in at.metric}["Spare capacity"] == "2.5 full-time"


def a_room_voting_on_one_action(monkeypatch, voters: int) -> tuple[AppTest, Store, str, str]:
    """A room's votes page, `voters` phones each giving "Pool the budgets" two dots:
    (the facilitator's page, the app's store, the facilitator's token, the action's id)."""
    from test_pages_voice import facilitator_token, setup_room

    from scoring.workshop import voice

    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    facilitator, phones = setup_room(voters)
    app_store = session.store()
    me = facilitator_token(facilitator)
    app_store.set_voice(me, voting_open=True)
    winner = app_store.add_candidate(me, "Pool the budgets", voice.FROM_FACILITATOR)
    for phone in phones:
        app_store.vote(phone.session_state["resume_token"], winner, 2)
    facilitator.run()
    return facilitator, app_store, me, winner


def test_a_voted_action_the_store_refuses_stays_in_the_form_with_why_until_sent_again(monkeypatch):
    """The facilitator's form that moves a voted action into the room's plan sits in the
    ranking, which refreshes every few seconds: why a save was refused went with the next
    refresh. Now it stays until the action is sent again."""
    facilitator, app_store, me, winner = a_room_voting_on_one_action(monkeypatch, 3)
    form = f"vc_move_{winner}"
    facilitator.selectbox(key=f"{form}_aspect").set_value("relationships")
    facilitator.text_input(key=f"{form}_owner").input("Head of commissioning")
    listener = limit_writes(app_store, "PRAGMA query_only = ON")
    try:
        facilitator.button(key=f"FormSubmitter:{form}-Add to the room's plan").click().run()
        assert not facilitator.exception and not facilitator.error
        assert refusal(facilitator)
        facilitator.run()
        assert refusal(facilitator), "said until it is sent"
        assert facilitator.text_input(key=f"{form}_owner").value == "Head of commissioning"
        assert not app_store.response(me).get("development_plan")
    finally:
        lift(app_store, listener)
    facilitator.button(key=f"FormSubmitter:{form}-Add to the room's plan").click().run()
    assert not facilitator.warning and not facilitator.error
    (action,) = app_store.response(me)["development_plan"].values()
    assert (action["action"], action["owner"]) == ("Pool the budgets", "Head of commissioning")


def test_a_voted_action_not_marked_as_moved_is_not_said_to_be_done(monkeypatch):
    """Once the action was in the plan, a refusal to mark the vote's action as moved was
    overwritten by "In the room's plan"; now the refusal is what the facilitator reads."""
    facilitator, app_store, me, winner = a_room_voting_on_one_action(monkeypatch, 1)

    def refuse(*_args, **_kwargs):
        raise StoreUnavailable("the server is very busy")

    monkeypatch.setattr(Store, "mark_in_plan", refuse)
    facilitator.selectbox(key=f"vc_move_{winner}_aspect").set_value("relationships")
    facilitator.button(key=f"FormSubmitter:vc_move_{winner}-Add to the room's plan").click().run()
    assert not facilitator.exception and not facilitator.success
    assert [e.value for e in facilitator.error] == ["Not done: the server is very busy"]
    monkeypatch.undo()  # the store marks again; the form, still there, sends the same action again
    facilitator.button(key=f"FormSubmitter:vc_move_{winner}-Add to the room's plan").click().run()
    assert not facilitator.exception and not facilitator.error
    actions = [r for r in app_store.response(me)["development_plan"].values() if r.get("action") == "Pool the budgets"]
    assert len(actions) == 1, "one action, not a second one for the second try"
