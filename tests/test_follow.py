"""The watcher that moves phones to the room's section (ui/workshop/follow.py), without a
server: the store's read and the runtime's rerun are stand-ins that record their calls.
That a real phone follows is tested in tests/e2e/test_rounds.py."""

from __future__ import annotations

import pytest

from ui.workshop.follow import BALLOT, RETRY_SECONDS, SECTION, Watcher


class Room:
    def __init__(self) -> None:
        self.sections: dict[str, str | None] = {}
        self.ballots: dict[str, tuple] = {}
        self.reads: list[str] = []
        self.alive: set[str] = set()
        self.reruns: list[str] = []
        self.now = 0.0

    def read(self, workshop_id: str) -> str | None:
        self.reads.append(workshop_id)
        if workshop_id == "broken":
            raise OSError("database is locked")
        return self.sections[workshop_id]

    def ballot(self, workshop_id: str) -> tuple:
        self.reads.append(f"ballot {workshop_id}")
        return self.ballots[workshop_id]

    def rerun(self, session_id: str) -> None:
        self.reruns.append(session_id)


@pytest.fixture
def room():
    return Room()


@pytest.fixture
def watcher(room):
    return Watcher({SECTION: room.read, BALLOT: room.ballot}, room.rerun, lambda session_id: session_id in room.alive, clock=lambda: room.now)


def test_only_phones_showing_a_section_the_room_has_left_are_asked_to_rerun(room, watcher):
    room.sections = {"w1": "eight_aspects/policy", "w2": None}
    room.alive = {"a", "b", "c", "d"}
    watcher.register("a", "w1", "eight_aspects/policy")  # up to date
    watcher.register("b", "w1", None)  # still self-paced
    watcher.register("c", "w1", "eight_aspects/system_design")  # an earlier section
    watcher.register("d", "w2", None)  # another room, up to date
    assert sorted(watcher.check()) == ["b", "c"]


def test_each_workshop_is_read_once_a_look_however_many_phones_are_in_it(room, watcher):
    room.sections = {"w1": "s1", "w2": "s2"}
    for number in range(200):
        room.alive.add(f"phone{number}")
        watcher.register(f"phone{number}", "w1" if number % 2 else "w2", "s1")
    watcher.check()
    assert sorted(room.reads) == ["w1", "w2"]


def test_a_workshop_whose_phones_have_all_closed_is_no_longer_read(room, watcher):
    room.sections = {"w1": "s1", "w2": "s1"}
    room.alive = {"a", "b"}
    watcher.register("a", "w1", "s1")  # up to date: never asked, so never found gone by asking
    watcher.register("b", "w2", "s1")
    watcher.check()
    room.alive.discard("a")  # the tab is closed
    room.reads.clear()
    watcher.check()
    assert room.reads == ["w2"]
    assert watcher.phones() == 1


def test_a_phone_asked_is_not_asked_again_until_the_retry_time_then_is(room, watcher):
    room.sections = {"w1": "s2"}
    room.alive = {"a"}
    watcher.register("a", "w1", "s1")
    assert watcher.check() == ["a"]
    room.now += RETRY_SECONDS / 2
    assert watcher.check() == [], "its rerun may be under way"
    room.now += RETRY_SECONDS
    assert watcher.check() == ["a"], "the rerun did not happen (a busy session): ask again"


def test_a_phone_whose_run_shows_the_new_section_is_not_asked_again(room, watcher):
    room.sections = {"w1": "s2"}
    room.alive = {"a"}
    watcher.register("a", "w1", "s1")
    assert watcher.check() == ["a"]
    watcher.register("a", "w1", "s2")  # its rerun registered what it showed
    room.now += 2 * RETRY_SECONDS
    assert watcher.check() == []


def test_a_phone_whose_session_has_gone_is_forgotten(room, watcher):
    room.sections = {"w1": "s2"}
    room.alive = {"here"}
    watcher.register("here", "w1", "s1")
    watcher.register("gone", "w1", "s1")
    assert watcher.check() == ["here"]
    assert watcher.phones() == 1


def test_a_store_that_cannot_be_read_leaves_its_phones_for_the_next_look(room, watcher):
    room.sections = {"w1": "s2"}
    room.alive = {"a", "b"}
    watcher.register("a", "broken", "s1")
    watcher.register("b", "w1", "s1")
    assert watcher.check() == ["b"], "one workshop's failed read does not stop the others"
    assert watcher.phones() == 2


def test_a_store_that_stays_unreadable_is_reported_once_until_it_recovers(room, watcher, caplog):
    room.sections = {"w1": "s1"}
    room.alive = {"a"}
    watcher.register("a", "broken", "s1")
    for _ in range(3):
        watcher.check()
    warned = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and "database is locked" in warned[0].getMessage()
    assert not warned[0].exc_info, "one line, no traceback"
    watcher.register("a", "w1", "s1")  # the phone's next run is in a workshop that reads
    watcher.check()
    watcher.register("a", "broken", "s1")
    watcher.check()
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 2, "a failure after a recovery is said again"


def test_the_voting_page_follows_the_ballot_and_other_pages_do_not(room, watcher):
    room.sections = {"w1": None}
    room.ballots = {"w1": ("closed",)}
    room.alive = {"voting", "elsewhere"}
    watcher.register("voting", "w1", None)
    watcher.also_showed("voting", BALLOT, ("closed",))
    watcher.register("elsewhere", "w1", None)
    assert watcher.check() == []
    assert "ballot w1" in room.reads
    room.ballots["w1"] = ("open",)  # the facilitator opens voting
    assert watcher.check() == ["voting"]


def test_the_ballot_is_not_read_when_no_phone_is_on_the_voting_page(room, watcher):
    room.sections = {"w1": None}
    room.alive = {"a"}
    watcher.register("a", "w1", None)
    watcher.check()
    assert room.reads == ["w1"]


def test_a_phone_that_leaves_the_voting_page_no_longer_follows_the_ballot(room, watcher):
    room.sections = {"w1": None}
    room.ballots = {"w1": ("closed",)}
    room.alive = {"a"}
    watcher.register("a", "w1", None)
    watcher.also_showed("a", BALLOT, ("closed",))
    watcher.register("a", "w1", None)  # its next run is on another page
    room.ballots["w1"] = ("open",)
    assert watcher.check() == []
