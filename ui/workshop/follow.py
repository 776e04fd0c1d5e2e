"""Phones follow the room's round without polling.

One thread per app process reads the round of each workshop its phones are in, every
CHECK_SECONDS, and asks each phone still showing an older section to rerun, as Streamlit
does for its own "rerun on save". Before this, a fragment on every phone reran every 5 s
to look: with 200 phones, 40 script runs a second, each costing about what an answer
costs. Now a phone at rest costs nothing and follows within about CHECK_SECONDS.

The rerun itself goes through Streamlit's runtime (Runtime, AppSession), which has no
public call for it; Streamlit is pinned, and tests/e2e/test_rounds.py watches phones follow.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import session

CHECK_SECONDS = 1.5  # how soon a phone follows the facilitator to a new section
RETRY_SECONDS = 10.0  # a phone asked to rerun that still shows the old section is asked again after this
SEEN_KEY = "wr_seen_section"  # the section this tab last showed

_LOG = logging.getLogger(__name__)


@dataclass
class _Phone:
    workshop_id: str
    seen: str | None  # the section its last run showed
    asked_at: float | None = None


class Watcher:
    """Which phones show a section the room has left, and asking them to rerun. The reads
    and the runtime are passed in, so this is tested without a server."""

    def __init__(
        self,
        read_section: Callable[[str], str | None],
        rerun: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_section = read_section
        self._rerun = rerun  # False when the session has gone
        self._clock = clock
        self._phones: dict[str, _Phone] = {}
        self._lock = threading.Lock()

    def register(self, session_id: str, workshop_id: str, seen: str | None) -> None:
        """A phone's run showed `seen`: called on each of its runs."""
        with self._lock:
            self._phones[session_id] = _Phone(workshop_id, seen)

    def phones(self) -> int:
        return len(self._phones)

    def check(self) -> list[str]:
        """One look: read each workshop's section once, ask the phones behind it to rerun
        (not again within RETRY_SECONDS), forget the phones whose session has gone.
        Returns the sessions asked."""
        with self._lock:
            phones = dict(self._phones)
        sections = {}
        for workshop_id in {phone.workshop_id for phone in phones.values()}:
            try:
                sections[workshop_id] = self._read_section(workshop_id)
            except Exception:  # a store that cannot be read now is read again next time
                _LOG.warning("Could not read the round of a workshop; phones will follow later.", exc_info=True)
        asked, gone = [], []
        now = self._clock()
        for session_id, phone in phones.items():
            if phone.workshop_id not in sections or sections[phone.workshop_id] == phone.seen:
                continue
            if phone.asked_at is not None and now - phone.asked_at < RETRY_SECONDS:
                continue
            phone.asked_at = now
            (asked if self._rerun(session_id) else gone).append(session_id)
        with self._lock:
            for session_id in gone:
                if self._phones.get(session_id) is phones[session_id]:
                    del self._phones[session_id]
        return asked


def _rerun_session(session_id: str) -> bool:
    """Ask an idle session to rerun its page, as "rerun on save" does; False if it has gone.
    Done on the session's event loop, where its own messages are handled, so the check that
    no run is under way and the request cannot interleave with an answer arriving. A busy
    session is left: its run, or the next look, picks the new section up."""
    from streamlit.runtime.app_session import AppSessionState

    info = runtime.Runtime.instance()._session_mgr.get_active_session_info(session_id)
    if info is None:
        return False
    app_session = info.session

    def rerun_if_idle() -> None:
        if app_session._state == AppSessionState.APP_NOT_RUNNING:
            app_session.request_rerun(app_session._client_state)

    app_session._event_loop.call_soon_threadsafe(rerun_if_idle)
    return True


@st.cache_resource(show_spinner=False)
def _watcher() -> Watcher:
    store = session.store()
    watcher = Watcher(lambda workshop_id: store.round_state(workshop_id)[0], _rerun_session)

    def keep_watching() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                watcher.check()
            except Exception:  # the thread must outlive any one failure
                _LOG.exception("Following the room's round failed once.")

    threading.Thread(target=keep_watching, name="follow-the-room", daemon=True).start()
    return watcher


def follow_the_room(home, page) -> None:
    """On a participant's every run: when the room has moved to another section since this
    tab last looked, open it (the participant's home shows it). Looking back at earlier
    answers is left alone until the section changes again."""
    workshop = session.workshop()
    section = workshop.get("section")
    seen = st.session_state.setdefault(SEEN_KEY, section)
    if seen != section:
        st.session_state[SEEN_KEY] = section
        if section and home is not None and page.url_path != home.url_path:
            st.switch_page(home)
    context = get_script_run_ctx()
    if context is not None and runtime.exists():  # AppTest has no server to rerun a session
        _watcher().register(context.session_id, workshop["id"], section)
