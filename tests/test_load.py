"""bench/load.py at a small size, run as a user runs it: 20 phones on a real
`streamlit run` server, over the websocket, each answering three factors, the shared
screen open. Asserts what the room must never lose (every answer sent is stored as sent,
no errors), not timings."""

import asyncio
import concurrent.futures
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from deploy import stack

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def run_load(*options: str) -> tuple[dict, str]:
    """Run bench/load.py for 20 phones; (the figures of its N=20 line, all it printed)."""
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--participants", "20", "--no-bare", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    line = next((text for text in run.stdout.splitlines() if text.startswith("N=20 ")), None)
    assert line, out
    figures = dict(re.findall(r"(\w+)=(\S+)", line))
    assert figures["errors"] == "0" and figures["store_problems"] == "0", out
    assert run.returncode == 0, out
    return figures, out


def test_twenty_phones_every_answer_sent_is_stored():
    figures, out = run_load("--answers", "3", "--think", "0.2-0.6")
    assert figures["sent"] == "60", out
    assert figures["stored"] == figures["sent"] == figures["acknowledged"], out


def test_repeated_largest_room_brackets_each_run_with_the_bare_page():
    """--repeat 2: the largest room twice, the bare page before each and after the last,
    and ratio= the mean of the rooms over the mean of the bare runs (from the printed
    figures, to their rounding); ratios_each= one per room. With --bare-alongside, the bare
    page's room also runs beside each, and ratio_alongside= divides by those."""
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--participants", "20", "--answers", "2", "--think", "0.2-0.6", "--repeat", "2", "--bare-alongside"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    rooms = [dict(re.findall(r"(\w+)=(\S+)", line)) for line in run.stdout.splitlines() if line.startswith("N=20 ")]
    bares = [float(re.search(r"cpu_ms_per_answer=(\S+)", line).group(1)) for line in run.stdout.splitlines() if line.startswith("bare_page_")]
    assert len(rooms) == 2 and len(bares) == 3, out
    assert all(room["errors"] == "0" and room["stored"] == room["sent"] == "40" for room in rooms), out
    ratio = float(re.search(r"^ratio=(\S+)$", run.stdout, re.M).group(1))
    expected = statistics.mean(float(room["cpu_ms_per_answer"]) for room in rooms) / statistics.mean(bares)
    assert ratio == pytest.approx(expected, rel=0.06), out
    assert len(re.search(r"^ratios_each=(\S+)$", run.stdout, re.M).group(1).split(",")) == 2, out
    alongside = [dict(re.findall(r"(\w+)=(\S+)", line)) for line in run.stdout.splitlines() if line.startswith("bare_alongside ")]
    assert len(alongside) == 2 and all(bare["errors"] == "0" and bare["sent"] == "40" for bare in alongside), out
    expected = statistics.mean(float(room["cpu_ms_per_answer"]) for room in rooms) / statistics.mean(float(bare["cpu_ms_per_answer"]) for bare in alongside)
    assert float(re.search(r"^ratio_alongside=(\S+)$", run.stdout, re.M).group(1)) == pytest.approx(expected, rel=0.06), out
    assert len(re.search(r"^ratios_alongside_each=(\S+)$", run.stdout, re.M).group(1).split(",")) == 2, out


def test_one_of_two_processes_killed_mid_room_loses_no_answer():
    """SIGKILL one app process behind nginx while 20 phones answer: its phones reconnect
    (same cookie, same resume link) to the other, send again the answer in flight, and
    every answer is stored as sent."""
    missing = stack.missing()
    if missing:
        message = f"not installed: {', '.join(missing)} (apt-get install -y {' '.join(missing)})"
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    figures, out = run_load("--answers", "6", "--think", "0.5-1.5", "--processes", "2", "--kill-one", "3")
    assert "killed app process" in out
    assert int(figures["dropped"]) > 0, "no phone was on the killed process: the test proved nothing"
    assert figures["reconnects"] == figures["dropped"], out
    assert figures["sent"] == "120", out
    assert figures["stored"] == figures["sent"] == figures["acknowledged"], out


def test_the_cached_theme_message_is_the_one_streamlit_builds():
    """ui/server_tuning.cache_theme_messages copies what Streamlit would build: the same
    new-session theme, section by section, with our config.toml loaded."""
    from streamlit import config
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import app_session

    from ui import server_tuning

    config.get_config_options(force_reparse=True)
    build = getattr(app_session._populate_theme_msg, "__wrapped__", app_session._populate_theme_msg)
    sections = ["theme", *(f"theme.{c.value}" for c in config.CustomThemeCategories)]
    expected = []
    for section in sections:
        msg = ForwardMsg().new_session.custom_theme
        build(msg, section)
        expected.append(msg.SerializeToString())
    assert any(expected), "the app's config.toml sets a theme, so something is built"
    server_tuning.cache_theme_messages()
    for _ in range(2):  # built, then copied
        for section, want in zip(sections, expected):
            msg = ForwardMsg().new_session.custom_theme
            app_session._populate_theme_msg(msg, section)
            assert msg.SerializeToString() == want, section


def test_a_reused_new_session_message_is_the_one_streamlit_builds():
    """ui/server_tuning.reuse_new_session_messages: on a real AppSession, through runs of
    one page and its fragments, a move to another page, a change to the pages offered and a
    change of state, each new-session message is byte for byte the one Streamlit builds,
    and the cached one is built again only when what it holds changed."""
    from unittest.mock import MagicMock

    from streamlit.runtime.app_session import AppSession, AppSessionState
    from streamlit.runtime.script_data import ScriptData
    from streamlit.runtime.scriptrunner_utils.run_descriptor import RunDescriptor

    from ui import server_tuning

    server_tuning.reuse_new_session_messages()
    streamlit_build = AppSession._create_new_session_message.__wrapped__

    async def new_session() -> AppSession:  # an AppSession is made on the server's event loop
        return AppSession(
            script_data=ScriptData(str(ROOT / "app.py"), is_hello=False),
            uploaded_file_manager=MagicMock(),
            script_cache=MagicMock(),
            message_enqueued_callback=None,
            user_info={},
        )

    # On a thread of its own: the browser tests' Playwright leaves a loop running on this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        session = pool.submit(asyncio.run, new_session()).result()

    def page(n: int) -> dict:
        return {
            "page_script_hash": f"hash{n}",
            "page_name": f"Page {n}",
            "icon": ":material/explore:",
            "script_path": f"p{n}.py",
            "url_pathname": f"p{n}",
            "help": None,
        }

    pages = {f"hash{n}": page(n) for n in range(3)}
    four = {f"hash{n}": page(n) for n in range(4)}
    builds = []
    runs = [
        ("hash0", RunDescriptor("run-1", ()), pages, False),
        ("hash0", RunDescriptor("run-2", ("fragment-a",)), pages, True),  # a fragment's run: copied
        ("hash0", RunDescriptor("run-3", ("fragment-a", "fragment-b")), dict(pages), True),  # equal pages, another dict: copied
        ("hash1", RunDescriptor("run-4", ()), pages, True),  # another page: built
        ("hash1", RunDescriptor("run-5", ()), {**pages, "hash3": page(3)}, True),  # a page more: built
        ("hash1", RunDescriptor("run-6", ("fragment-c",)), {**pages, "hash3": page(3)}, True),  # copied
        ("hash1", RunDescriptor("run-7", ()), {**pages, "hash3": page(3)}, False),  # running: built
        ("hash1", RunDescriptor("run-8", ()), four, False),  # the same pages made anew (a full run's st.navigation): copied
        ("hash1", RunDescriptor("run-9", ("fragment-d",)), dict(four), False),  # and those records again: copied
        ("hash1", RunDescriptor("run-10", ()), {**four, "hash2": {**page(2), "page_name": "Renamed"}}, False),  # a page renamed: built
    ]
    for page_hash, run, offered, running in runs:
        session._state = AppSessionState.APP_IS_RUNNING if running else AppSessionState.APP_NOT_RUNNING
        before = session.__dict__.get("_built_new_session")
        reused = AppSession._create_new_session_message(session, page_hash, run, offered)
        builds.append(session.__dict__["_built_new_session"] is not before)
        expected = streamlit_build(session, page_hash, run, offered)
        assert reused.SerializeToString() == expected.SerializeToString(), run
        assert list(reused.metadata.run.fragment_ids) == list(run.fragment_ids) and reused.metadata.run.script_run_id == run.script_run_id
    assert builds == [True, True, False, True, True, False, True, False, False, True]
    session.shutdown()


def test_quick_cursor_copies_hold_what_a_deep_copy_holds():
    """ui/server_tuning.quick_layout_copies: a copied cursor has the same position and its
    own transient elements (deep copies), as copy's generic deep copy gives."""
    import copy

    from streamlit.cursor import LockedCursor, RunningCursor, SparseList
    from streamlit.proto.Element_pb2 import Element

    from ui import server_tuning

    server_tuning.quick_layout_copies()
    assert "__deepcopy__" in vars(RunningCursor.__mro__[1]), "the quick copy is in place"
    running = RunningCursor(0, (1, 2), transient_index=3)
    running.lock_element()
    running.transient_elements[0] = Element()
    running.transient_elements[0].markdown.body = "kept"
    locked = LockedCursor(1, (4,), index=5)
    for cursor in (running, locked):
        copied = copy.deepcopy(cursor)
        assert type(copied) is type(cursor) and copied is not cursor
        assert (copied.root_container, copied.parent_path, copied.index, copied.transient_index) == (
            cursor.root_container,
            cursor.parent_path,
            cursor.index,
            cursor.transient_index,
        )
        assert isinstance(copied.transient_elements, SparseList)
        assert copied.transient_elements is not cursor.transient_elements
        assert list(copied.transient_elements) == list(cursor.transient_elements)
    copied = copy.deepcopy(running)
    copied.transient_elements[0].markdown.body = "changed in the copy"
    assert running.transient_elements[0].markdown.body == "kept"
    copied.lock_element()
    assert running.index == 1 and copied.index == 2


def test_a_stack_of_containers_is_copied_once_each_and_holds_what_streamlit_copies():
    """ui/server_tuning.quick_layout_copies: a copy of a stack of containers (as a
    fragment's rerun makes) copies each container once; each copy has what Streamlit's own
    copy gives it (the same fields, its own cursor at the same place, its form, its block
    type), and its parent is the copy of the container above it."""
    import copy

    from streamlit.cursor import LockedCursor, RunningCursor
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.elements.lib.form_utils import FormData

    from ui import server_tuning

    server_tuning.quick_layout_copies()
    streamlit_copy = DeltaGenerator.__deepcopy__.__wrapped__
    main = DeltaGenerator(root_container=0, cursor=LockedCursor(0, (), index=3))
    stack = [main]
    for depth, block in enumerate(("horizontal", "column", "vertical"), start=1):
        stack.append(DeltaGenerator(root_container=0, cursor=LockedCursor(0, (depth,), index=depth), parent=stack[-1], block_type=block))
    stack.append(DeltaGenerator(root_container=0, cursor=RunningCursor(0, (4,)), parent=stack[-1], block_type="vertical"))
    stack[-1]._cursor.lock_element()
    stack[-1]._form_data = FormData("a_form")
    stack[-1]._creating_fragment_id = "a fragment"

    made = []
    make = DeltaGenerator.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        make(self, *args, **kwargs)

    DeltaGenerator.__init__ = counted
    try:
        copied = copy.deepcopy(tuple(stack))
    finally:
        DeltaGenerator.__init__ = make
    assert len(made) == len(stack), "each container copied once (Streamlit's own copy: 1 + 2 + 3 + 4 + 5)"
    for original, duplicate in zip(stack, copied):
        reference = streamlit_copy(original, {})
        assert duplicate is not original and vars(duplicate).keys() == vars(reference).keys() == vars(original).keys()
        assert duplicate._cursor is not original._cursor
        assert (duplicate._cursor.parent_path, duplicate._cursor.index) == (original._cursor.parent_path, original._cursor.index)
        assert (duplicate._block_type, duplicate._form_data, duplicate._creating_fragment_id) == (
            reference._block_type,
            reference._form_data,
            reference._creating_fragment_id,
        )
        assert list(duplicate._ancestor_block_types) == list(original._ancestor_block_types)
    assert [duplicate._parent for duplicate in copied[1:]] == list(copied[:-1]), "parents are the copies in the stack"
    copied[-1]._cursor.lock_element()
    assert (copied[-1]._cursor.index, stack[-1]._cursor.index) == (2, 1), "the original's cursor does not move with the copy's"


def test_parallel_fragments_still_run_on_a_thread_pool_made_on_first_use():
    """ui/server_tuning.thread_pools_on_first_use: a script run without parallel fragments
    makes no thread pool; one that submits work still has it run, on another thread."""
    import threading

    from streamlit.runtime.parallel_coordinator import ParallelFragmentCoordinator

    from ui import server_tuning

    server_tuning.thread_pools_on_first_use()
    idle = ParallelFragmentCoordinator(yield_check=lambda: None)
    idle.join()
    idle.drain()
    coordinator = ParallelFragmentCoordinator(yield_check=lambda: None)
    ran_on = []
    coordinator.submit(lambda: ran_on.append(threading.current_thread()), None)
    coordinator.join()
    assert ran_on and ran_on[0] is not threading.current_thread()
    assert getattr(idle._executor, "_pool", "a pool") is None, "the run without parallel fragments made no pool"


def test_the_message_loop_visits_the_sessions_that_queued_messages_and_no_others():
    """ui/server_tuning.flush_only_sessions_with_news: a session is noted when it queues a
    message; the loop's walk gets the noted sessions that are connected, once; a noted
    session that is disconnected stays noted until it is back; one forgotten is dropped.
    Any other caller of list_active_sessions still gets every session. (The whole loop,
    on a real server, is what the load tests above drive.)"""
    from types import SimpleNamespace

    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    from ui import server_tuning

    server_tuning.flush_only_sessions_with_news()
    server_tuning._sessions_to_flush(SimpleNamespace(_active_session_info_by_id={}, get_session_info=lambda _: None))  # earlier notes dropped
    woken = []

    def session(session_id: str):
        return SimpleNamespace(id=session_id, _browser_queue=ForwardMsgQueue(), _message_enqueued_callback=lambda: woken.append(session_id))

    sessions = {name: session(name) for name in ("quiet", "answered", "away", "gone")}
    infos = {name: SimpleNamespace(session=sessions[name]) for name in ("quiet", "answered")}
    stored = {"away"}  # disconnected, kept by the manager for a while
    manager = WebsocketSessionManager.__new__(WebsocketSessionManager)
    manager._active_session_info_by_id = infos
    manager.get_session_info = lambda session_id: infos.get(session_id) or (object() if session_id in stored else None)
    for name in ("answered", "away", "gone"):
        AppSession._enqueue_forward_msg(sessions[name], ForwardMsg())
    assert woken == ["answered", "away", "gone"], "each queued message still wakes the loop"
    assert not sessions["answered"]._browser_queue.is_empty()

    assert [info.session.id for info in server_tuning._sessions_to_flush(manager)] == ["answered"]
    assert server_tuning._sessions_to_flush(manager) == [], "taken once: nothing new since"
    infos["away"] = SimpleNamespace(session=sessions["away"])  # reconnected
    assert [info.session.id for info in server_tuning._sessions_to_flush(manager)] == ["away"]
    assert server_tuning._noted == set(), "the forgotten session is not kept"
    assert {info.session.id for info in manager.list_active_sessions()} == {"quiet", "answered", "away"}


def test_messages_queued_before_the_loop_wakes_share_one_wake_up_and_none_is_left_unsent():
    """ui/server_tuning.wake_the_message_loop_once, on a real asyncio loop in its own thread
    (as Streamlit's): a burst of messages queued by a script thread schedules one wake-up,
    which sets the loop's "need send data" after the last of them was queued; once the
    loop has woken, the next message schedules a wake-up of its own, so no message waits
    for one that has already run."""
    import threading
    from types import SimpleNamespace

    from streamlit.runtime import Runtime

    from ui import server_tuning

    server_tuning.wake_the_message_loop_once()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        need_send_data = asyncio.Event()
        scheduled = []
        schedule = loop.call_soon_threadsafe

        def counted(callback, *args):
            scheduled.append(callback)
            return schedule(callback, *args)

        objs = SimpleNamespace(eventloop=SimpleNamespace(call_soon_threadsafe=counted), need_send_data=need_send_data)
        runtime = Runtime.__new__(Runtime)
        runtime._get_async_objs = lambda: objs

        def until_the_loop_has_run_what_is_scheduled() -> None:
            done = threading.Event()
            schedule(done.set)
            assert done.wait(5)

        pause = threading.Event()
        loop.call_soon_threadsafe(pause.wait)  # the loop busy, as while it sends: the burst queues up
        for _ in range(22):  # a move's messages
            runtime._enqueued_some_message()
        assert len(scheduled) == 1, "one wake-up for the burst"
        assert not need_send_data.is_set()
        pause.set()
        until_the_loop_has_run_what_is_scheduled()
        assert need_send_data.is_set(), "the wake-up ran after the whole burst was queued"

        loop.call_soon_threadsafe(need_send_data.clear)  # the loop flushes
        until_the_loop_has_run_what_is_scheduled()
        runtime._enqueued_some_message()
        assert len(scheduled) == 2, "a message after the wake-up ran schedules its own"
        until_the_loop_has_run_what_is_scheduled()
        assert need_send_data.is_set(), "and it wakes the loop"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_a_widget_value_read_from_the_browser_is_what_streamlit_reads():
    """ui/server_tuning.widget_values_read_without_copying_metadata: the value and the
    metadata kept are Streamlit's own; the metadata is copied only when its field differs."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.state.common import WidgetMetadata
    from streamlit.runtime.state.session_state import WStates

    from ui import server_tuning

    server_tuning.widget_values_read_without_copying_metadata()
    streamlits_read = WStates.__getitem__.__wrapped__
    assert WStates.__getitem__ is not streamlits_read, "the quick read is in place"

    def deserialize(sent):
        return None if sent is None else sent * 10

    def states(declared_field: str) -> tuple[WStates, WidgetMetadata]:
        made = WStates()
        metadata = WidgetMetadata("radio-1", deserializer=deserialize, serializer=deserialize, value_type=declared_field)
        made.set_widget_metadata(metadata)
        sent = WidgetState(id="radio-1")
        sent.int_value = 4
        made.set_widget_from_proto(sent)
        return made, metadata

    for declared_field in ("int_value", "string_value"):
        ours, ours_metadata = states(declared_field)
        theirs, _ = states(declared_field)
        assert ours["radio-1"] == streamlits_read(theirs, "radio-1") == 40
        assert ours["radio-1"] == 40, "read again: the value as read"
        assert ours.widget_metadata["radio-1"] == theirs.widget_metadata["radio-1"]
        assert ours.widget_metadata["radio-1"].value_type == "int_value"
        assert (ours.widget_metadata["radio-1"] is ours_metadata) == (declared_field == "int_value")
    with pytest.raises(KeyError):
        WStates()["never-sent"]


def test_style_only_html_is_told_as_streamlit_tells_it():
    """ui/server_tuning.style_only_html_told_by_its_start decides as Streamlit's own check
    does, for text that starts with a style tag, a comment, white space or anything else."""
    from streamlit.elements import html as html_element

    from ui import server_tuning

    server_tuning.style_only_html_told_by_its_start()
    quick = html_element._html_only_style_tags
    check = quick.__wrapped__
    assert quick is not check, "the quick check is installed"
    samples = [
        "",
        "   \n ",
        "<style>p {color: red}</style>",
        "  <STYLE>p {}</STYLE>\n<!-- a note -->  ",
        "<!-- a note --><style>p {}</style>",
        "<!-- a note --><p>text</p>",
        "<style>p {}</style><p>text</p>",
        '<p class="ea-saved">✓ Saved</p><style>p {}</style>',
        "\n\t<div>only a div</div>",
        "text before <style>p {}</style>",
        "<styles>not a style tag</styles>",
        "<st",
    ]
    for sample in samples:
        assert quick(sample) == check(sample), repr(sample)
    assert quick('<p class="ea-saved">✓ Saved</p>') is False and quick("<style>p {}</style>") is True


def test_the_store_held_for_speed_is_forgotten_when_streamlits_cache_is_cleared(tmp_path, monkeypatch):
    """ui/session.store() keeps the store beside Streamlit's resource cache: clearing the
    cache (as the tests do between tests, pointing the app at another database) gives the
    next call a new store, on the database the environment now names."""
    import streamlit as st

    from scoring.store import DATABASE_URL_ENV
    from ui import session

    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'first.sqlite3'}")
    first = session.store()
    assert session.store() is first
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'second.sqlite3'}")
    assert session.store() is first, "held until the cache is cleared, as st.cache_resource held it"
    st.cache_resource.clear()
    second = session.store()
    assert second is not first and second.url.endswith("second.sqlite3")
    first.dispose()
    st.cache_resource.clear()
