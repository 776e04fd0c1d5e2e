"""A widget's change that reruns another fragment, in one script run.

Streamlit reruns the fragment that holds the widget the browser changed. An answer on
the eight-aspects page changes a radio among the questions, but what must be redrawn is
the live score beside them (which says the answer is saved), not the questions. A
callback can ask for that with `st.rerun(scope=[key])`, but only by stopping the run it
was called in and starting another: every answer was two script runs, each with its
own "new session" message, script-finished message and per-run state. One run instead
costs about 5 % less server CPU an answer (bench/answer.py, change= 0.94-0.95).

`redirect(source, target)` says once, for the process, that a rerun the browser asks of
the fragment keyed `source` runs the fragment keyed `target` instead. It is applied
where Streamlit turns the browser's request into a run (`AppSession.request_rerun`),
before the run starts, so the run is announced to the browser as the target's, and the
source's elements, not redrawn, are not taken as stale. The changed widgets' callbacks
run as for any run: they do not depend on which fragment runs. So the source must hold
nothing whose change needs the source itself redrawn; its callbacks can still ask for
that with `st.rerun(scope=...)`, which is honoured as before.

`without_container(key)` says that the fragment keyed `key` draws its elements straight
into the container it is called in. Streamlit wraps every fragment's elements in a
container of its own, made again on each of its runs: on the live panel, redrawn by every
answer, that container was one of an answer's six messages and about 4 % of its server
CPU (bench/answer.py --against: change= 0.963 without it). Streamlit skips it
itself for a parallel fragment, whose container is made beforehand
(`pre_allocated_container_fragment_id`); this sets the same mark just before each of the
fragment's runs, the first one included, so every run draws at the same places. So the
fragment must always draw the same number of elements (one, for the live panel): a
rerun starts at the place its first run started, and the elements after it are not redrawn.

Streamlit is pinned (requirements.txt); tests/test_fragment_reruns.py fails if this stops
taking effect.
"""

from __future__ import annotations

import threading

from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_targets: dict[str, str] = {}  # source key -> target key
_installed = threading.Event()
_without_container: set[str] = set()  # keys of fragments drawn without a container of their own
_storage_patched = threading.Event()


def redirect(source: str, target: str) -> None:
    """A rerun the browser asks of the fragment keyed `source` runs `target` instead."""
    _targets[source] = target
    install()


def without_container(key: str) -> None:
    """The fragment keyed `key` draws into the container it is called in, on every run.
    Only for a fragment that always draws the same number of elements."""
    _without_container.add(key)
    if _storage_patched.is_set():
        return
    _storage_patched.set()
    from streamlit.runtime.fragment import MemoryFragmentStorage

    register = MemoryFragmentStorage.register

    def register_marked(self, key, fragment, *, target_key=None, **kwargs) -> None:
        if target_key in _without_container:
            fragment = _in_place(fragment, key)
            _mark(key)  # for the first run, which follows at once (st.fragment calls it after registering)
        register(self, key, fragment, target_key=target_key, **kwargs)

    register_marked.__wrapped__ = register
    MemoryFragmentStorage.register = register_marked


def _mark(fragment_id: str) -> None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    ThreadState.update(pre_allocated_container_fragment_id=fragment_id)  # the fragment clears it as it starts


def _in_place(fragment, fragment_id: str):
    """The fragment's later runs (reruns of it alone), each marked as the first was."""

    def run_in_place():
        _mark(fragment_id)
        return fragment()

    return run_in_place


def running(key: str) -> bool:
    """Whether this script run is a run of the fragment keyed `key` (as a redirected
    rerun is), not a full run nor a run of other fragments only."""
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return False
    try:
        ids = ctx.fragment_storage.resolve_target(key)
    except StreamlitAPIException:  # not drawn yet: it cannot be running
        return False
    return any(fragment_id in ctx.fragment_ids_this_run for fragment_id in ids)


def _redirected(storage, fragment_id: str) -> str | None:
    """The fragment to run instead of `fragment_id`, or None."""
    for source, target in _targets.items():
        try:
            if fragment_id in storage.resolve_target(source):
                ids = storage.resolve_target(target)
                return ids[0] if len(ids) == 1 else None  # drawn twice: which one is unclear
        except StreamlitAPIException:  # a key this session has not drawn: no redirect
            continue
    return None


def install() -> None:
    """Patch AppSession.request_rerun once per process."""
    if _installed.is_set():
        return
    _installed.set()
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    request_rerun = AppSession.request_rerun

    def request_rerun_redirected(self, client_state: ClientState | None) -> None:
        if client_state is not None and client_state.fragment_id and self.has_fragment(client_state.fragment_id):
            target = _redirected(self._fragment_storage, client_state.fragment_id)
            if target is not None:
                client_state.fragment_id = target  # this message's own copy, parsed for this request
        request_rerun(self, client_state)

    request_rerun_redirected.__wrapped__ = request_rerun
    AppSession.request_rerun = request_rerun_redirected
