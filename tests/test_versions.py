"""Instrument version histories: checked on load, and answers followed through them."""

import datetime as dt
from pathlib import Path

import pytest

from scoring import registry
from scoring.instruments.loading import InstrumentError

DIAGNOSTICS = registry.diagnostics()
from scoring.instruments.versions import load_history, plain_summary

PATH = Path("example.yaml")
DAY = dt.date(2026, 12, 2)
# Version 1.2 asks d, e, f, g; 1.0 asked a, b, c, x.
TEXTS = {"d": "D now", "e": "E now", "f": "F now", "g": "G now"}
EARLIER = {"a": "A then", "b": "B then", "c": "C then", "x": "X then", "b2": "B2 then"}


def content(**changes) -> dict:
    steps = [
        {"version": "1.0", "date": DAY, "changes": []},
        {
            "version": "1.1",
            "date": DAY,
            "changes": changes.get(
                "v11",
                [
                    {"item": "a", "change": "reworded", "now": "d"},
                    {"item": "b", "change": "reworded", "now": "b2"},
                    {"item": "x", "change": "retired"},
                ],
            ),
        },
        {
            "version": "1.2",
            "date": DAY,
            "changes": changes.get(
                "v12",
                [
                    {"item": "b2", "change": "split", "into": ["e", "f"]},
                    {"item": "c", "change": "replaced", "by": ["g"]},
                    {"item": "d", "change": "reworded", "was": "D then"},
                ],
            ),
        },
    ]
    return {"history": changes.get("history", steps), "earlier_wording": changes.get("earlier", EARLIER)}


def test_answers_follow_every_step_from_their_version_to_now():
    history = load_history(PATH, content(), "1.2", TEXTS)
    assert history.follow("a", "1.0") == ("d", None)  # reworded to d, then reworded again
    assert history.follow("d", "1.1") == ("d", None)
    assert history.follow("d", "1.2") == ("d", None)
    now, gone = history.follow("b", "1.0")  # reworded to b2, then b2 split
    assert now is None and (gone.item, gone.version, gone.change.change) == ("b2", "1.2", "split")
    assert history.follow("x", "1.0")[1].change.change == "retired"
    assert history.follow("x", "1.1") == ("x", None)  # not an item then: nothing happens to it
    assert history.new_since("1.0") == ["e", "f", "g"]
    assert history.new_since("1.2") == []
    assert history.is_newer("1.3") and history.is_newer("2.0") and not history.is_newer("1.1")
    assert history.knows("1.1") and not history.knows("0.9")


def test_what_was_lost_is_said_in_plain_words_once_per_statement():
    history = load_history(PATH, content(), "1.2", TEXTS)
    lost = [history.follow(i, "1.0")[1] for i in ("b", "c", "x", "c")]
    text = plain_summary((history, item) for item in lost)
    assert text.startswith("4 answers could not be carried over because the statements changed: ")
    assert "“B2 then” was split into “E now” and “F now”;" in text  # at the current version: no version said
    assert "“C then” was replaced by “G now”, which asks something different (2 answers)" in text
    assert "“X then” is no longer asked (version 1.1)" in text
    assert plain_summary([]) is None


BROKEN = {
    "versions out of order": (
        dict(history=[{"version": "1.0", "date": DAY, "changes": []}, {"version": "0.9", "date": DAY, "changes": []}]),
        "1.0",
        "must come after 1.0",
    ),
    "latest is not the file's version": (dict(), "1.3", "the latest entry is version 1.2, but the file is version 1.3"),
    "first version with changes": (
        dict(history=[{"version": "1.0", "date": DAY, "changes": [{"item": "d", "change": "retired"}]}], earlier={}),
        "1.0",
        "first version",
    ),
    "unknown kind of change": (dict(v12=[{"item": "d", "change": "renamed"}]), "1.2", "must be one of reworded"),
    "a target that is not an item": (dict(v12=[{"item": "c", "change": "replaced", "by": ["zz"]}]), "1.2", "'zz' is not an item of version 1.2"),
    "a retired id still asked": (dict(v12=[{"item": "d", "change": "retired"}]), "1.2", "'d' is retired, so its id cannot be asked"),
    "a reworded id not asked": (dict(v12=[{"item": "q", "change": "reworded", "was": "Q"}]), "1.2", "'q' is reworded with the same id"),
    "a same-id rewording without its earlier wording": (dict(v12=[{"item": "d", "change": "reworded"}]), "1.2", "needs was: its wording before"),
    "a new-id rewording with was": (dict(v11=[{"item": "a", "change": "reworded", "now": "d", "was": "A"}]), "1.2", "in earlier_wording, not was"),
    "a split into one": (dict(v12=[{"item": "b2", "change": "split", "into": ["e"]}]), "1.2", "two or more ids"),
    "an id named twice": (dict(v12=[{"item": "c", "change": "retired"}, {"item": "c", "change": "retired"}]), "1.2", "more than once"),
    "wording missing": (dict(earlier={k: v for k, v in EARLIER.items() if k != "x"}), "1.2", "needs the wording of x"),
    "wording of an id still asked": (dict(earlier={**EARLIER, "d": "D"}), "1.2", "d is not an id the history says"),
    "a stray key": (dict(v12=[{"item": "c", "change": "retired", "by": ["g"]}]), "1.2", "a retired item has no by"),
    "an unquoted version": (dict(history=[{"version": 1.0, "date": DAY, "changes": []}]), "1.0", "must be quoted"),
    "no history": (dict(history=[]), "1.0", "must list the instrument's versions"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_history_is_refused_saying_where_and_why(name):
    changes, version, problem = BROKEN[name]
    with pytest.raises(InstrumentError) as caught:
        load_history(PATH, content(**changes), version, TEXTS)
    assert problem in str(caught.value)


@pytest.mark.parametrize("diagnostic", list(DIAGNOSTICS))
def test_every_instrument_s_history_ends_at_its_version(diagnostic):
    inst = DIAGNOSTICS[diagnostic].instrument()
    assert inst.history.versions[-1] == inst.version
    assert inst.history.current <= set(inst.history.wording)


def test_records_stored_under_an_earlier_id_are_read_as_today_s():
    history = load_history(PATH, content(), "1.2", TEXTS)
    stored = {"a": {"rating": 1}, "b": {"rating": 2}, "e": {"rating": 3}, "mode": {"x": 1}}
    # a -> d (reworded twice); b -> b2 split: left out; e asked now; "mode" is not an item.
    assert history.as_today(stored) == {"d": {"rating": 1}, "e": {"rating": 3}, "mode": {"x": 1}}
    assert history.as_today({"a": {"rating": 1}, "d": {"rating": 5}}) == {"d": {"rating": 5}}, "today's answer wins"


def test_every_earlier_wording_is_known_and_says_what_became_of_its_answers():
    history = load_history(PATH, content(), "1.2", TEXTS)
    earlier = dict(history.earlier_texts())
    assert earlier == {**EARLIER, "d": "D then"}  # the ids no longer asked, and d's wording before 1.2
    assert history.lost("d") is None and history.lost("a") is None  # reworded: carried
    assert history.lost("c").change.change == "replaced" and history.lost("b").change.change == "split"
    assert history.lost("not_an_item") is None
