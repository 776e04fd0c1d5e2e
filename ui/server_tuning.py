"""Settings of the one `streamlit run` process that serves a whole room, applied once.

Streamlit 1.67 binds its listening socket itself with protocol 0, and asyncio turns on
TCP_NODELAY only for sockets whose protocol is IPPROTO_TCP, so every connection it accepts
keeps Nagle's algorithm: the second small message of each run waits for the phone's
delayed ACK, about 40 ms, on every answer (measured: a one-radio page took 44-48 ms a
rerun on loopback, 4 ms of it work; 6 ms with this). Linux copies TCP_NODELAY from a
listening socket to the sockets it accepts, so setting it on this process's sockets
mends that.

Streamlit also rebuilds the theme part of its "new session" message from the config on
every run, fragments included: six walks over some 300 config options, about a tenth of
the server's time in a 200-phone room (py-spy --gil). The theme does not change while the
config stays parsed, so it is built once per parse and copied. The rest of that message
(the pages, the config, the installation) is built once per session and copied too.
"""

from __future__ import annotations

import gc
import os
import socket
import sys
import threading

# Python collects its youngest objects every 700 allocations, and every tenth of those
# its middle generation: in a 200-phone room that was 1,170 + 106 collections and 8 full
# ones, 5.8 s of the server's time, with pauses up to 0.5 s that every phone waits
# through (gc.callbacks, bench/load.py --participants 200). At 20,000 and 20: 30 + 1 and
# 1 full, 1.4 s, memory the same (249 -> 250 MB). What the app imported at start-up is
# frozen out of the collections altogether: it lives as long as the process.
GC_THRESHOLDS = (20_000, 20, 10)

# Python hands the GIL to a waiting thread only after 5 ms by default; the thread that
# writes every session's websocket waits that long after each send. 1 ms keeps a full
# room responsive (bench/load.py: 200 phones, answer p95 540 -> 380 ms); shorter cost more
# in switching than it gave.
SWITCH_INTERVAL_SECONDS = 0.001

_done = threading.Event()


def tune_process() -> None:
    """Apply the settings above, once per process (app.py calls this on every run)."""
    if _done.is_set():
        return
    _done.set()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    no_delay_on_tcp_sockets()
    cache_theme_messages()
    reuse_new_session_messages()
    quick_layout_copies()
    thread_pools_on_first_use()
    flush_only_sessions_with_news()
    wake_the_message_loop_once()
    widget_values_read_without_copying_metadata()
    style_only_html_told_by_its_start()


def cache_theme_messages() -> None:
    """Build each theme section of Streamlit's new-session message once per parsed config
    (a reparse, on a change to config.toml, makes a new options dict), then copy it."""
    from streamlit import config
    from streamlit.runtime import app_session

    build = getattr(app_session._populate_theme_msg, "__wrapped__", app_session._populate_theme_msg)
    built: dict[tuple[int, str], object] = {}

    def populate(msg, section: str = "theme") -> None:
        key = (id(config._config_options), section)
        if key not in built:
            fresh = type(msg)()
            build(fresh, section)
            built[key] = fresh if fresh.ByteSize() else None  # an unset section stays unset
        if built[key] is not None:
            msg.MergeFrom(built[key])

    populate.__wrapped__ = build
    app_session._populate_theme_msg = populate


def reuse_new_session_messages() -> None:
    """Build each session's "new session" message once and copy it for every later run.

    Streamlit sends one at the start of every run, a fragment's included, and builds it
    afresh: a record per page of the app (13 here, against the bare page's one), the
    config, the installation's ids, the environment. py-spy --gil put that at a tenth of
    an answer's server time (bench/answer.py), against 0.07 of the bare page's; measured,
    an answer costs 1-4 % less with this (`--against`: change= 0.958-0.987, a move 0.973).
    Only the run's identity changes from run to run; the message is built
    again when anything else it holds may have changed: the page, the pages offered, the
    session's run-on-save and running state, or the parsed config. The skills nudge, which
    Streamlit recomputes on purpose, is recomputed."""
    from streamlit import config
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import AppSession, AppSessionState, _set_run_identity

    build = getattr(AppSession._create_new_session_message, "__wrapped__", AppSession._create_new_session_message)

    def create(self, page_script_hash, run_descriptor, pages=None):
        pages = pages or self._pages_manager.get_pages()
        key = (page_script_hash, self._run_on_save, self._state == AppSessionState.APP_IS_RUNNING)
        built = self.__dict__.get("_built_new_session")  # [key, parsed config, pages last seen, message] as last built
        if built is None or built[0] != key or built[1] is not config._config_options or not _same_pages(built[2], pages):
            template = build(self, page_script_hash, run_descriptor, pages)
            template.metadata.ClearField("run")
            built = self._built_new_session = [key, config._config_options, None, template]
        built[2] = dict(pages)  # the records seen: the next run's are most likely these
        msg = ForwardMsg()
        msg.CopyFrom(built[3])
        _set_run_identity(msg, run_descriptor)
        initialize = msg.new_session.initialize
        initialize.recommend_skills_install, initialize.skills_nudge_suppressed_reason = self._compute_skills_nudge_state()
        return msg

    create.__wrapped__ = build
    AppSession._create_new_session_message = create


def _same_pages(seen: dict, pages: dict) -> bool:
    """Whether `pages` hold the page records `seen` holds. Streamlit hands each run a new
    dict of the same records until st.navigation makes new ones, and never changes a
    record, so the same records are the same pages; new ones are compared by content.
    (Comparing the 13 records on every run was 1.6 % of an answer's server time, py-spy
    --gil.)"""
    if len(seen) == len(pages) and all(seen.get(page) is record for page, record in pages.items()):
        return True
    return seen == pages


def quick_layout_copies() -> None:
    """Deep-copy Streamlit's cursors without walking them through copy's generic machinery,
    and its containers (DeltaGenerators) each once per copy of a stack.

    Every fragment rerun deep-copies the stack of containers it was declared in (twice
    per answer: the question and the live score), and every declaration does it again
    (five per "Next aspect"). Each container copies its cursor, and a cursor's list of
    transient elements carries its typing alias (`SparseList[Element]`), which copy
    rebuilds through __reduce__ every time: about 270 copy calls and 1 ms per stack
    (cProfile in AppTest). The copies below hold the same values: the elements are still
    deep-copied; only the immutable parts (ints, the tuple of ints of a path, the alias)
    are shared, as copy itself shares them.

    A container's own deep copy copies its parent without the copy's memo, so a copy of
    the stack of containers (main area, columns, column, panel) copied each container once
    for every container below it: ten copies for a stack of four, about 3 % of a room's
    server time (py-spy --gil, deepcopy under the fragment's wrapper). Here the parent is
    copied with the memo, so each container once and the copies' parents are the copies
    in the stack. Streamlit only reads a container's parents (its form, the types of the
    blocks it is in, the main area), never writes through them."""
    from copy import deepcopy

    from streamlit.cursor import Cursor, SparseList
    from streamlit.delta_generator import DeltaGenerator

    def copy_sparse_list(self, memo):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)  # the typing alias, if any: never changed
        new._data = {index: deepcopy(element, memo) for index, element in self._data.items()}
        return new

    def copy_cursor(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        for name, value in self.__dict__.items():
            new.__dict__[name] = value if _immutable(value) else deepcopy(value, memo)
        return new

    def copy_container(self, memo):
        new = DeltaGenerator(
            root_container=self._root_container,
            cursor=deepcopy(self._cursor, memo),
            parent=deepcopy(self._parent, memo),
            block_type=self._block_type,
        )
        new._form_data = deepcopy(self._form_data, memo)
        new._creating_fragment_id = self._creating_fragment_id
        return new

    SparseList.__deepcopy__ = copy_sparse_list
    Cursor.__deepcopy__ = copy_cursor
    copy_container.__wrapped__ = getattr(DeltaGenerator.__deepcopy__, "__wrapped__", DeltaGenerator.__deepcopy__)
    DeltaGenerator.__deepcopy__ = copy_container


def thread_pools_on_first_use() -> None:
    """Make the thread pool for parallel fragments only when one is submitted.

    Streamlit 1.67 makes a ThreadPoolExecutor at the start of every script run, fragments
    included, for fragments that run in parallel, which this app has none of: 0.05 ms a
    run, twice an answer (py-spy --gil, ParallelFragmentCoordinator.__init__)."""
    from streamlit.runtime import parallel_coordinator

    make_pool = parallel_coordinator.ThreadPoolExecutor

    class PoolOnFirstUse:
        def __init__(self, **settings):
            self._settings, self._pool, self._making = settings, None, threading.Lock()

        def submit(self, *args, **kwargs):
            with self._making:
                if self._pool is None:
                    self._pool = make_pool(**self._settings)
            return self._pool.submit(*args, **kwargs)

        def shutdown(self, *args, **kwargs) -> None:
            if self._pool is not None:
                self._pool.shutdown(*args, **kwargs)

    parallel_coordinator.ThreadPoolExecutor = PoolOnFirstUse


def flush_only_sessions_with_news() -> None:
    """Send each flush of Streamlit's message loop to the sessions that have messages.

    Streamlit 1.67 wakes its message loop whenever any session queues a message, and each
    time walks every connected session, taking each one's queue lock to find it empty:
    in a 400-phone room that walk was 14 % of the server's time (py-spy --gil,
    Runtime._loop_coroutine with flush_browser_queue and on_flushed_messages_sent). Here
    a session is noted as it queues a message, and the loop's walk visits only the noted
    ones (_sessions_to_flush). Every other caller of list_active_sessions still gets every
    session."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    enqueue = getattr(AppSession._enqueue_forward_msg, "__wrapped__", AppSession._enqueue_forward_msg)
    list_active = getattr(WebsocketSessionManager.list_active_sessions, "__wrapped__", WebsocketSessionManager.list_active_sessions)
    message_loop = Runtime._loop_coroutine.__code__

    def enqueue_noted(self, msg) -> None:
        with _noting:
            _noted.add(self.id)  # before the message, whose callback wakes the loop
        enqueue(self, msg)

    def list_for_the_caller(self):
        return _sessions_to_flush(self) if sys._getframe(1).f_code is message_loop else list_active(self)

    manager = getattr(Runtime.instance(), "_session_mgr", None) if Runtime.exists() else None
    if isinstance(manager, WebsocketSessionManager):  # sessions that queued messages before this was applied (not under AppTest)
        with _noting:
            _noted.update(info.session.id for info in list_active(manager))
    enqueue_noted.__wrapped__ = enqueue
    list_for_the_caller.__wrapped__ = list_active
    AppSession._enqueue_forward_msg = enqueue_noted
    WebsocketSessionManager.list_active_sessions = list_for_the_caller


def wake_the_message_loop_once() -> None:
    """Wake Streamlit's message loop once for the messages queued before it wakes.

    Streamlit 1.67 schedules a wake-up on the loop's thread for every message a script
    queues (call_soon_threadsafe: a write to the loop's self-pipe, a pass of the loop to
    run it), though the loop sends everything queued when it wakes. A move to the next
    aspect queues 22 messages against a bare answer's 6. Here a message queued while a
    wake-up is still pending schedules none: the pending one wakes the loop after it was
    queued, so it is sent in the same flush as it would have been. Measured (bench/answer.py
    --against the commit before): a move 5 % cheaper (change= 0.952), an answer the same
    (1.007): an answer's run queues about as many messages as the bare page's."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    schedule = getattr(Runtime._enqueued_some_message, "__wrapped__", Runtime._enqueued_some_message)

    def wake_once(self) -> None:
        if self.__dict__.get("_wake_pending"):
            return  # queued before the pending wake-up runs, so sent by the flush it causes
        self._wake_pending = True  # before scheduling: the wake-up may run at once
        objects = self._get_async_objs()

        def wake() -> None:
            self._wake_pending = False  # first: a message queued from now on schedules its own
            objects.need_send_data.set()

        try:
            objects.eventloop.call_soon_threadsafe(wake)
        except RuntimeError:  # the loop has closed: nothing will wake, so nothing is pending
            self._wake_pending = False
            raise

    wake_once.__wrapped__ = schedule
    Runtime._enqueued_some_message = wake_once
    runtime = Runtime.instance() if Runtime.exists() else None
    manager = getattr(runtime, "_session_mgr", None)
    if isinstance(manager, WebsocketSessionManager):  # a server's (not AppTest's): it handed its callback, bound, to them
        manager._message_enqueued_callback = runtime._enqueued_some_message
        for info in manager.list_sessions():
            info.session._message_enqueued_callback = runtime._enqueued_some_message


def widget_values_read_without_copying_metadata() -> None:
    """Read a widget's value from the browser's message without copying its metadata.

    A browser sends the value of every widget on the page with each change (seven on the
    eight-aspects page), and Streamlit 1.67 reads each to see whether it changed. Each
    read copies the widget's metadata (dataclasses.replace) to note the value's proto
    field, which is the one the widget registered with: 2.3 % of a 200-phone room's server
    time (py-spy --gil, replace under WStates.__getitem__). Here the copy is made only when
    the field differs; the value read and the metadata kept are the same."""
    from dataclasses import replace

    from streamlit.runtime.state import session_state
    from streamlit.runtime.state.session_state import Value, WStates

    read = getattr(WStates.__getitem__, "__wrapped__", WStates.__getitem__)

    def read_value(self, k: str):
        wstate = self.states.get(k)
        if wstate is None:
            raise KeyError(k)
        if isinstance(wstate, Value):
            return wstate.value
        metadata = self.widget_metadata.get(k)
        if metadata is None:  # a reconnecting browser's widget this run has not drawn: as Streamlit does
            raise KeyError(k)
        field_name = wstate.value.WhichOneof("value")
        deserialized = metadata.deserializer(session_state.unpack_widget_state_value(wstate.value))
        if metadata.value_type != field_name:
            self.set_widget_metadata(replace(metadata, value_type=field_name))
        self.states[k] = Value(deserialized)
        return deserialized

    read_value.__wrapped__ = read
    WStates.__getitem__ = read_value


def style_only_html_told_by_its_start() -> None:
    """Tell HTML made of <style> tags alone from the rest by how it starts.

    Streamlit 1.67 sends st.html that holds only style tags (and comments) to a hidden
    container, and finds that out by deleting every comment and style tag from the text,
    two regular expressions over the whole of it, and seeing whether anything is left: on
    the live panel, 3 KB redrawn by every answer, 0.7 % of an answer's server time
    (py-spy --gil during bench/answer.py). Both expressions only delete text that starts
    with "<!--" or "<style", so text that starts (after white space) with anything else
    keeps its start and is not style-only; only the rest goes through Streamlit's check."""
    from streamlit.elements import html as html_element

    check = getattr(html_element._html_only_style_tags, "__wrapped__", html_element._html_only_style_tags)

    def only_style_tags(html_content: str) -> bool:
        start = html_content.lstrip()[:6].lower()
        if start and not start.startswith(("<style", "<!--")):
            return False
        return check(html_content)

    only_style_tags.__wrapped__ = check
    html_element._html_only_style_tags = only_style_tags


_noted: set[str] = set()  # ids of the sessions that queued a message since the loop's last walk
_noting = threading.Lock()  # between a thread noting a session and the loop taking the notes


def _sessions_to_flush(manager) -> list:
    """The connected sessions noted since the last walk (as ActiveSessionInfo), the notes
    taken. A noted session that is disconnected for now stays noted, as its queue waits
    for it to reconnect; one the manager has forgotten is dropped."""
    with _noting:
        ids = list(_noted)
        _noted.clear()
    found, waiting = [], []
    for session_id in ids:
        info = manager._active_session_info_by_id.get(session_id)
        if info is not None:
            found.append(info)
        elif manager.get_session_info(session_id) is not None:
            waiting.append(session_id)
    if waiting:
        with _noting:
            _noted.update(waiting)
    return found


def _immutable(value) -> bool:
    """None, an int, or a tuple of ints (a delta path): what copy.deepcopy returns as is."""
    return value is None or type(value) is int or (type(value) is tuple and all(type(i) is int for i in value))


def no_delay_on_tcp_sockets() -> int:
    """Set TCP_NODELAY on this process's TCP sockets: the listening ones (for every later
    connection) and those already open (the connection of the session that runs this
    first). Returns how many. Does nothing where there is no /proc (not Linux)."""
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return 0
    count = 0
    for name in descriptors:
        try:
            if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(int(name))) as sock:
                if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    count += 1
        except OSError:
            continue  # closed meanwhile, or not a socket we may change
    return count
