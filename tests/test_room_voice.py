"""The room's dot-vote and contributions (issue 14, items 5 and 6): the ranking from
data/cases/votes.yaml, the voting rule and the contribution limits enforced by the store
on both backends, also against concurrent sessions and replayed requests."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, update
from test_workshop_store import store  # noqa: F401 - the store fixture on both backends

from scoring.store import SCHEMA_VERSION, Store, contributions, schema_version, shown_votes, token_hash, votes
from scoring.workshop import voice
from scoring.workshop.voice import VoiceError

VOTE_CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "votes.yaml").read_text(encoding="utf-8"))
CASES = VOTE_CASES["cases"]
BATCHES = VOTE_CASES["screen_batches"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vote_ranking_cases(case):
    given = [{"id": cid, "text": f"Action {cid}", "votes": n} for cid, n in case["candidates"]]
    ranked = voice.rank(given)
    assert [[r.id, r.rank_label] for r in ranked] == case["expected"]
    assert [r.id for r in voice.top(ranked, 3)] == case["top3"]


@pytest.mark.parametrize("case", BATCHES, ids=[c["name"] for c in BATCHES])
def test_the_screen_s_ranking_moves_in_batches_cases(case):
    current: dict[str, dict[str, int]] = {}
    shown: dict[str, dict[str, int]] = {}
    for step in case["steps"]:
        person, action, dots = step["vote"]
        before = shown
        current.setdefault(person, {})[action] = dots
        shown, waiting = voice.publish_votes(current, shown, case["min_group"])
        totals, voters = voice.totals(shown)
        assert (totals, voters, waiting) == (step["screen"], step["voters"], step["waiting"]), step
        if waiting:  # a step that leaves votes waiting moved nothing on the screen
            assert shown == before


@pytest.mark.parametrize("case", BATCHES, ids=[c["name"] for c in BATCHES])
def test_the_store_shows_the_screen_the_votes_in_batches_cases(store, case):
    facilitator, joined = room(store, min_group=case["min_group"], people=6)
    screen = store.screen_token(facilitator)
    people = dict(zip(["p1", "p2", "p3", "p4", "p5", "p6"], joined))
    ids = {name: store.add_candidate(facilitator, f"Action {name}", voice.FROM_FACILITATOR) for name in "abc"}
    for step in case["steps"]:
        person, action, dots = step["vote"]
        store.vote(people[person], ids[action], dots)
        assert store.publish_votes(screen) == step["waiting"], step
        found, voters = store.candidates(screen, shown=True)
        assert ({name: c["votes"] for name, c in zip("abc", found) if c["votes"]}, voters) == (step["screen"], step["voters"]), step
    # The facilitator's own page follows every vote as it stands.
    found, voters = store.candidates(facilitator)
    assert voters == sum(1 for p in people.values() if store.ballot(p)[2])


def test_screens_on_several_processes_publish_one_batch_at_once_without_a_fault(store):
    """Eight screens and facilitator tabs, on four app processes (each its own Store and
    connection pool), refresh at the moment a batch is due."""
    facilitator, joined = room(store, people=3)
    screen = store.screen_token(facilitator)
    a, b = (store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR) for n in "ab")
    for person, action in zip(joined, (a, a, b)):
        store.vote(person, action, 2)
    stores = [store] + [Store(store.url) for _ in range(3)]
    start = threading.Barrier(8)
    outcomes = []

    def refresh(n: int) -> None:
        start.wait()
        try:
            outcomes.append(stores[n % 4].publish_votes(screen if n % 2 else facilitator))
        except Exception as exc:  # noqa: BLE001 - any fault is the failure reported below
            outcomes.append(exc)

    threads = [threading.Thread(target=refresh, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in stores[1:]:
        other.dispose()
    assert outcomes == [0] * 8
    with store.engine.connect() as conn:
        assert sorted(conn.execute(select(shown_votes.c.dots)).scalars().all()) == [2, 2, 2]
    assert [c["votes"] for c in store.candidates(screen, shown=True)[0]] == [4, 2]


def test_a_removed_action_and_cleared_votes_leave_the_screen_at_once(store):
    facilitator, joined = room(store, people=4)
    a, b = (store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR) for n in "ab")
    for person in joined[:3]:
        store.vote(person, a, 1)
        store.vote(person, b, 1)
    assert store.publish_votes(facilitator) == 0
    store.vote(joined[3], a, 2)  # waiting, alone
    store.remove_candidate(facilitator, b)
    assert [c["votes"] for c in store.candidates(facilitator, shown=True)[0]] == [3]
    assert store.publish_votes(facilitator) == 1
    store.clear_votes(facilitator)
    assert store.candidates(facilitator, shown=True) == store.candidates(facilitator) and store.candidates(facilitator)[1] == 0
    assert store.publish_votes(facilitator) == 0


def room(store, votes_each=None, people=1, min_group=None):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [], **({"min_group": min_group} if min_group else {}))
    store.set_voice(facilitator, voting_open=True, contributions_open=True, **({"votes_each": votes_each} if votes_each else {}))
    joined = [store.join(code, None, client=f"p{n}") for n in range(people)]
    return facilitator, joined


def test_the_rule_is_three_votes_each_and_at_most_two_on_one_action(store):
    facilitator, (me,) = room(store)
    a, b, c = (store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR) for n in "abc")
    assert store.vote(me, a, 2) == {a: 2}
    with pytest.raises(VoiceError, match="0 to 2"):
        store.vote(me, b, 3)
    with pytest.raises(VoiceError, match="1 left"):
        store.vote(me, b, 2)
    assert store.vote(me, b, 1) == {a: 2, b: 1}
    with pytest.raises(VoiceError, match="used all 3"):
        store.vote(me, c, 1)
    # Moving a vote: off one action, onto another.
    assert store.vote(me, a, 1) == {a: 1, b: 1}
    assert store.vote(me, c, 1) == {a: 1, b: 1, c: 1}
    found, voters = store.candidates(facilitator)
    assert [x["votes"] for x in found] == [1, 1, 1] and voters == 1
    assert voice.rule(3) == "Everyone has 3 votes; put up to 2 on any one action."


def test_a_replayed_vote_counts_once(store):
    facilitator, (me,) = room(store)
    a = store.add_candidate(facilitator, "Stop the waiting list growing", voice.FROM_FACILITATOR)
    for _ in range(5):
        store.vote(me, a, 2)
    assert store.candidates(facilitator)[0][0]["votes"] == 2


@pytest.mark.parametrize("processes", [1, 3])
def test_the_same_link_in_many_sessions_at_once_cannot_give_more_than_its_votes(store, processes):
    """Twelve sessions with one participant's link (on `processes` app processes, each its
    own Store and connection pool) fire votes at five actions at once."""
    facilitator, (me,) = room(store)
    actions = [store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR) for n in range(5)]
    stores = [store] + [Store(store.url) for _ in range(processes - 1)]
    start = threading.Barrier(12)
    outcomes = []

    def session(n: int) -> None:
        start.wait()
        try:
            outcomes.append(stores[n % processes].vote(me, actions[n % 5], 1 + n % 2))
        except VoiceError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in stores[1:]:
        other.dispose()
    with store.engine.connect() as conn:
        given = conn.execute(select(votes.c.dots)).scalars().all()
    assert sum(given) <= 3 and max(given) <= 2
    assert any(isinstance(o, VoiceError) for o in outcomes), "some were refused"
    assert sum(x["votes"] for x in store.candidates(facilitator)[0]) == sum(given)


def test_two_joins_are_two_participants_each_with_their_own_votes(store):
    facilitator, (first, second) = room(store, people=2)
    a = store.add_candidate(facilitator, "Action", voice.FROM_FACILITATOR)
    store.vote(first, a, 2)
    store.vote(second, a, 2)
    found, voters = store.candidates(facilitator)
    assert found[0]["votes"] == 4 and voters == 2
    # The facilitator removes the second join: its votes go with it.
    store.remove_participants(facilitator, [token_hash(second)])
    assert store.candidates(facilitator)[0][0]["votes"] == 2


def test_votes_are_refused_when_voting_is_closed_or_from_anyone_but_a_participant(store):
    facilitator, (me,) = room(store)
    a = store.add_candidate(facilitator, "Action", voice.FROM_FACILITATOR)
    screen = store.screen_token(facilitator)
    for token in (facilitator, screen, "not-a-token-at-all-xxxxxxxx"):
        with pytest.raises(PermissionError):
            store.vote(token, a, 1)
    store.set_voice(facilitator, voting_open=False)
    with pytest.raises(VoiceError, match="not open"):
        store.vote(me, a, 1)
    with pytest.raises(PermissionError):
        store.set_voice(me, voting_open=True)
    with pytest.raises(PermissionError):
        store.add_candidate(me, "My own action", voice.FROM_FACILITATOR)
    # An action of another workshop is not on this participant's list.
    other_facilitator, _ = room(store)
    elsewhere = store.add_candidate(other_facilitator, "Elsewhere", voice.FROM_FACILITATOR)
    store.set_voice(facilitator, voting_open=True)
    with pytest.raises(VoiceError, match="no longer on the list"):
        store.vote(me, elsewhere, 1)
    store.set_workshop(facilitator, is_open=False)
    with pytest.raises(VoiceError, match="closed"):
        store.vote(me, a, 1)
    assert store.candidates(facilitator)[0][0]["votes"] == 0


def test_fewer_votes_each_than_someone_has_given_is_refused(store):
    facilitator, (me,) = room(store, votes_each=5)
    a, b = (store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR) for n in "ab")
    store.vote(me, a, 2)
    store.vote(me, b, 2)
    with pytest.raises(VoiceError, match="already given 4"):
        store.set_voice(facilitator, votes_each=3)
    store.clear_votes(facilitator)
    assert store.set_voice(facilitator, votes_each=1)["votes_each"] == 1
    with pytest.raises(VoiceError, match="0 to 1"):
        store.vote(me, a, 2)


def test_the_same_action_twice_and_too_many_actions_are_refused(store):
    facilitator, _ = room(store)
    store.add_candidate(facilitator, "Stop the drift", voice.FROM_FACILITATOR)
    with pytest.raises(VoiceError, match="already on the list"):
        store.add_candidate(facilitator, "  stop THE drift ", voice.FROM_PLAN)
    for n in range(voice.MAX_CANDIDATES - 1):
        store.add_candidate(facilitator, f"Action {n}", voice.FROM_FACILITATOR)
    with pytest.raises(VoiceError, match="as many as a room"):
        store.add_candidate(facilitator, "One more", voice.FROM_FACILITATOR)


# --- Contributions ---------------------------------------------------------------------


HOSTILE = [
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # kept as typed: always shown escaped
    ("line\x00one\x1b[31m\r\n\r\nline two", "lineone[31m line two"),
    ("\u202eevil\u202c text\u200b", "evil text"),
    ("  many    spaces\t\tand tabs  ", "many spaces and tabs"),
]


@pytest.mark.parametrize("typed, stored", HOSTILE)
def test_a_contribution_is_one_clean_paragraph(typed, stored):
    assert voice.clean_contribution(typed) == stored


@pytest.mark.parametrize(
    "typed, problem",
    [("", "empty"), ("\x00\u200b  \n", "empty"), ("x" * 281, "longer than 280"), ("😀" * 13, "emoji"), ("A" * 100_000, "longer than"), (42, "must be text")],
)
def test_a_contribution_that_cannot_be_taken_says_why(typed, problem):
    with pytest.raises(VoiceError, match=problem):
        voice.clean_contribution(typed)


def test_the_facilitator_sees_each_contribution_first_and_the_screen_only_shown_ones(store):
    facilitator, (me,) = room(store)
    screen = store.screen_token(facilitator)
    kind_words = store.contribute(me, "Waiting lists that quietly grow")
    rude = store.contribute(me, "<b>rude</b> words")
    assert {c["status"] for c in store.contributions(facilitator)} == {voice.NEW}
    assert store.contributions(screen) == []
    store.moderate(facilitator, kind_words, voice.SHOWN)
    store.moderate(facilitator, rude, voice.REJECTED)
    assert [c["text"] for c in store.contributions(screen)] == ["Waiting lists that quietly grow"]
    assert store.contributions(screen, statuses=(voice.REJECTED,)) == store.contributions(screen), "the screen asks for more in vain"
    assert [c["status"] for c in store.my_contributions(me)] == [voice.REJECTED, voice.SHOWN]
    for token in (screen, me):
        with pytest.raises(PermissionError):
            store.moderate(token, rude, voice.SHOWN)
    with pytest.raises(PermissionError):
        store.contributions(me)


def a_minute_passes(store):
    """Every contribution so far sent five minutes earlier than it was."""
    with store.engine.begin() as conn:
        for row in conn.execute(select(contributions.c.id, contributions.c.created_at)).all():
            conn.execute(update(contributions).where(contributions.c.id == row.id).values(created_at=row.created_at - timedelta(minutes=5)))


def test_contributions_are_limited_per_participant_even_fired_at_once(store):
    facilitator, (me, other) = room(store, people=2)
    second = Store(store.url)  # another app process
    start = threading.Barrier(10)
    outcomes = []

    def send(n: int) -> None:
        start.wait()
        try:
            outcomes.append((store if n % 2 else second).contribute(me, f"Contribution {n}"))
        except VoiceError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second.dispose()
    assert len(store.contributions(facilitator)) == voice.CONTRIBUTION_BURST
    assert all("Wait" in str(o) for o in outcomes if isinstance(o, VoiceError))
    # Someone else is not held up by it.
    store.contribute(other, "Mine")
    # Past the minute, more may be sent, up to the limit for the workshop.
    a_minute_passes(store)
    for n in range(voice.CONTRIBUTIONS_EACH - voice.CONTRIBUTION_BURST):
        if n and n % voice.CONTRIBUTION_BURST == 0:
            a_minute_passes(store)
        store.contribute(me, f"Later {n}")
    with pytest.raises(VoiceError, match="as many as one person"):
        store.contribute(me, "One too many")


def test_closed_contributions_are_refused_and_nothing_is_saved(store):
    facilitator, (me,) = room(store)
    store.set_voice(facilitator, contributions_open=False)
    with pytest.raises(VoiceError, match="not taking contributions"):
        store.contribute(me, "Hello")
    with pytest.raises(VoiceError):
        store.contribute(me, "")
    assert store.contributions(facilitator) == []


def test_deleting_the_workshop_deletes_its_votes_and_contributions(store):
    facilitator, joined = room(store, people=3)
    a = store.add_candidate(facilitator, "Action", voice.FROM_FACILITATOR)
    for me in joined:
        store.vote(me, a, 1)
    store.contribute(me, "Words")
    assert store.publish_votes(facilitator) == 0 and store.candidates(facilitator, shown=True)[1] == 3
    store.delete_workshop(facilitator)
    with store.engine.connect() as conn:
        for table in (votes, shown_votes, contributions):
            assert conn.execute(select(table)).all() == []


def test_a_version_5_database_gains_the_room_s_voice(fresh_db_url):
    made = Store(fresh_db_url)
    code, facilitator = made.create_workshop("Kept", ["eight_aspects"], [])
    with made.engine.begin() as conn:
        for table in ("shown_votes", "votes", "candidates", "contributions", "room_voice"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.execute(update(schema_version).values(version=5))
    made.dispose()
    again = Store(fresh_db_url)
    with again.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar() == SCHEMA_VERSION
    assert again.workshop(facilitator)["name"] == "Kept"
    assert again.voice(facilitator)["votes_each"] == voice.DEFAULT_VOTES_EACH
    again.dispose()


def test_the_ballot_stamp_changes_with_what_the_voting_page_shows_and_not_with_a_vote(store):
    """Phones on the voting page are redrawn when the stamp changes (ui/workshop/follow.py):
    voting or contributions opened or closed, the prompt, an action added. A vote changes
    only the voter's own page, which redraws itself."""
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    me = store.join(code, None, client="p0")
    workshop_id = store.workshop(facilitator)["id"]
    stamps = [store.ballot_stamp(workshop_id)]
    store.set_voice(facilitator, voting_open=True)
    stamps.append(store.ballot_stamp(workshop_id))
    action = store.add_candidate(facilitator, "Stop the waiting list growing", voice.FROM_FACILITATOR)
    stamps.append(store.ballot_stamp(workshop_id))
    store.set_voice(facilitator, contributions_open=True, prompt="What should we stop first?")
    stamps.append(store.ballot_stamp(workshop_id))
    assert len(set(stamps)) == len(stamps), "each change gives a new stamp"
    store.vote(me, action, 1)
    assert store.ballot_stamp(workshop_id) == stamps[-1]
    settings, listed, _ = store.ballot(me)
    assert voice.ballot_stamp(settings, listed) == stamps[-1], "the page's own reading gives the same stamp"


def test_a_version_6_database_gains_the_screen_s_copy_of_the_votes(fresh_db_url):
    made = Store(fresh_db_url)
    code, facilitator = made.create_workshop("Kept", ["eight_aspects"], [])
    a = made.add_candidate(facilitator, "Kept action", voice.FROM_FACILITATOR)
    made.set_voice(facilitator, voting_open=True)
    people = [made.join(code, None, client=f"p{n}") for n in range(3)]
    for person in people:
        made.vote(person, a, 1)
    with made.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE shown_votes")
        conn.execute(update(schema_version).values(version=6))
    made.dispose()
    again = Store(fresh_db_url)
    with again.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar() == SCHEMA_VERSION == 7
    assert again.candidates(facilitator)[0][0]["votes"] == 3  # every vote kept
    assert again.candidates(facilitator, shown=True)[1] == 0
    assert again.publish_votes(facilitator) == 0 and again.candidates(facilitator, shown=True)[0][0]["votes"] == 3
    again.dispose()
