"""Phones follow the room without polling.

One thread per app process reads, every CHECK_SECONDS, what each workshop its phones are
in shows alike on them (the round's section; on the voting page, the ballot), and asks
each phone still showing an older one to rerun, as Streamlit does for its own "rerun on
save". Before this, a fragment on every phone reran every 5 s
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

from scoring.workshop import voice
from ui import session

CHECK_SECONDS = 1.5  # how soon a phone follows the facilitator to a new section
RETRY_SECONDS = 10.0  # a phone asked to rerun that still shows the old section is asked again after this
SEEN_KEY = "wr_seen_section"  # the section this tab last showed

_LOG = logging.getLogger(__name__)


SECTION = "section"  # the round's section: every participant page shows it (or goes to it)
BALLOT = "ballot"  # the voting page's settings and actions (voice.ballot_stamp)


class _Complaints:
    """Says each failure once while it lasts, not every CHECK_SECONDS: a store that has gone
    away (a server shutting down, a test's database dropped) would fill the log."""

    def __init__(self) -> None:
        self._said: set[str] = set()

    def say(self, text: str, error: Exception) -> None:
        line = f"{text} ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})"
        if line in self._said:
            _LOG.debug(line)
            return
        self._said.add(line)
        _LOG.warning(line)

    def clear(self) -> None:
        self._said.clear()


@dataclass
class _Phone:
    workshop_id: str
    seen: dict[str, object]  # what its last run showed: {SECTION: ..., maybe BALLOT: ...}
    asked_at: float | None = None


class Watcher:
    """Which phones show what the room has moved on from, and asking them to rerun. The
    reads ({what: read(workshop id)}) and the runtime are passed in, so this is tested
    without a server."""

    def __init__(
        self,
        readers: dict[str, Callable[[str], object]],
        rerun: Callable[[str], None],
        alive: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._readers = readers
        self._rerun = rerun
        self._alive = alive  # whether a session is still connected
        self._clock = clock
        self._phones: dict[str, _Phone] = {}
        self._lock = threading.Lock()
        self.complaints = _Complaints()

    def register(self, session_id: str, workshop_id: str, section: str | None) -> None:
        """A phone's run showed this section: called on each of its runs."""
        with self._lock:
            self._phones[session_id] = _Phone(workshop_id, {SECTION: section})

    def also_showed(self, session_id: str, what: str, value: object) -> None:
        """This run's page also shows `what` (a key of the readers) as `value`."""
        with self._lock:
            if session_id in self._phones:
                self._phones[session_id].seen[what] = value

    def phones(self) -> int:
        return len(self._phones)

    def check(self) -> list[str]:
        """One look: read what each workshop's phones show once, ask the phones behind it to
        rerun (not again within RETRY_SECONDS), forget the phones whose session has gone.
        Returns the sessions asked."""
        with self._lock:
            # A closed tab is forgotten at once, so that its workshop is no longer read
            # every look once everyone has gone (a server hosts one workshop after another).
            for session_id in [s for s in self._phones if not self._alive(s)]:
                del self._phones[session_id]
            phones = {session_id: (phone, dict(phone.seen)) for session_id, phone in self._phones.items()}
        wanted = {(phone.workshop_id, what) for phone, seen in phones.values() for what in seen}
        now_showing, failed = {}, False
        for workshop_id, what in wanted:
            try:
                now_showing[workshop_id, what] = self._readers[what](workshop_id)
            except Exception as error:  # a store that cannot be read now is read again next time
                failed = True
                self.complaints.say(f"Could not read a workshop's {what}; phones will follow later.", error)
        if not failed:
            self.complaints.clear()  # a failure that comes back is said again
        asked = []
        now = self._clock()
        for session_id, (phone, seen) in phones.items():
            if all(now_showing.get((phone.workshop_id, what), value) == value for what, value in seen.items()):
                continue  # up to date (or not read this time)
            if phone.asked_at is not None and now - phone.asked_at < RETRY_SECONDS:
                continue
            phone.asked_at = now
            self._rerun(session_id)
            asked.append(session_id)
        return asked


def _rerun_session(session_id: str) -> None:
    """Ask an idle session to rerun its page, as "rerun on save" does.
    Done on the session's event loop, where its own messages are handled, so the check that
    no run is under way and the request cannot interleave with an answer arriving. A busy
    session is left: its run, or the next look, picks the new section up."""
    from streamlit.runtime.app_session import AppSessionState

    info = _session_info(session_id)
    if info is None:  # closed since this look began: the next look forgets it
        return
    app_session = info.session

    def rerun_if_idle() -> None:
        if app_session._state == AppSessionState.APP_NOT_RUNNING:
            app_session.request_rerun(app_session._client_state)

    app_session._event_loop.call_soon_threadsafe(rerun_if_idle)


def _session_info(session_id: str):
    """The connected session's runtime record, or None once its tab has closed or dropped
    (a tab that comes back reruns, and so registers again)."""
    return runtime.Runtime.instance()._session_mgr.get_active_session_info(session_id)


@st.cache_resource(show_spinner=False)
def _watcher() -> Watcher:
    store = session.store()
    watcher = Watcher(
        {SECTION: lambda workshop_id: store.round_state(workshop_id)[0], BALLOT: store.ballot_stamp},
        _rerun_session,
        lambda session_id: _session_info(session_id) is not None,
    )

    def keep_watching() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                watcher.check()
            except Exception as error:  # the thread must outlive any one failure
                watcher.complaints.say("Following the room's round failed.", error)

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
    context = _served()
    if context is not None:
        _watcher().register(context.session_id, workshop["id"], section)


def follow_the_ballot(settings: dict, listed: list[dict]) -> None:
    """On the voting page: redraw it when the facilitator opens or closes voting or
    contributions, or changes the actions."""
    context = _served()
    if context is not None:
        _watcher().also_showed(context.session_id, BALLOT, voice.ballot_stamp(settings, listed))


def _served():
    """This run's context when a real server runs it (AppTest has no session to rerun)."""
    context = get_script_run_ctx()
    return context if context is not None and runtime.exists() else None
