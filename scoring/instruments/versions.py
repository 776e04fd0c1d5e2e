"""An instrument's version history, and carrying saved answers forward through it.

Each instrument file keeps, beside its `version:`, a `history:` (oldest first) saying what
happened to each item at each version:

    history:
      - version: "1.1"
        date: 2026-12-02
        changes:
          - {item: old_id, change: reworded, was: "its wording before"}  # same id, same meaning: carried over
          - {item: old_id, change: reworded, now: new_id}    # new id, same meaning: carried to new_id
          - {item: old_id, change: replaced, by: [new_id]}   # meaning changed: not carried, listed
          - {item: old_id, change: split, into: [id_a, id_b]}  # not carried, listed
          - {item: old_id, change: retired}                  # not carried, listed

and `earlier_wording:` {id: text} for every id the app no longer asks, so a page can say in
plain words which statement an answer belonged to. A rewording that keeps its id keeps the
wording it replaced in `was`, so a survey exported from an earlier form (whose column
headings are the earlier wording) is still recognised (scoring/imports/survey.py). An item not named at a step is
unchanged at that step. The first entry is the first version: nothing to change from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from scoring.instruments.loading import InstrumentError

KINDS = ("reworded", "replaced", "split", "retired")


def parse_version(text: str) -> tuple[int, ...] | None:
    """(1, 1) for "1.1"; None for what is not dotted whole numbers."""
    try:
        parts = tuple(int(p) for p in str(text).split("."))
    except ValueError:
        return None
    return parts if parts and all(p >= 0 for p in parts) else None


@dataclass(frozen=True)
class Change:
    item: str
    change: str  # one of KINDS
    now: str | None = None  # reworded to a new id
    new: tuple[str, ...] = ()  # replaced by / split into
    was: str | None = None  # a same-id rewording's wording before this step

    @property
    def carried_to(self) -> str | None:
        """The id the answer is carried to, or None when it is not carried."""
        return (self.now or self.item) if self.change == "reworded" else None

    @property
    def targets(self) -> tuple[str, ...]:
        """The ids this change introduces at its version."""
        return ((self.now,) if self.now else ()) + self.new


@dataclass(frozen=True)
class Step:
    version: str
    date: dt.date
    changes: tuple[Change, ...]

    def change_of(self, item_id: str) -> Change | None:
        return next((c for c in self.changes if c.item == item_id), None)


@dataclass(frozen=True)
class Lost:
    """An answer that could not be carried over: the item it answered, and what happened."""

    item: str
    version: str  # the version at which it stopped being carried
    change: Change


@dataclass(frozen=True)
class History:
    version: str  # the instrument's current version
    steps: tuple[Step, ...]
    current: frozenset[str] = frozenset()  # the ids asked now
    wording: Mapping[str, str] = field(default_factory=dict)  # current texts and earlier wording

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(s.version for s in self.steps)

    def knows(self, version: str) -> bool:
        return version in self.versions

    def is_newer(self, version: str) -> bool:
        """Is `version` later than this app's? (Unparseable versions are not.)"""
        theirs, ours = parse_version(version), parse_version(self.version)
        return bool(theirs and ours and theirs > ours)

    def _after(self, version: str) -> tuple[Step, ...]:
        return self.steps[self.versions.index(version) + 1 :]

    def follow(self, item_id: str, version: str) -> tuple[str | None, Lost | None]:
        """Where an answer given at `version` to `item_id` belongs now: (its id now, None),
        or (None, what happened) when the statement changed so the answer cannot be kept."""
        for step in self._after(version):
            change = step.change_of(item_id)
            if change is None:
                continue
            if change.carried_to is None:
                return None, Lost(item_id, step.version, change)
            item_id = change.carried_to
        return item_id, None

    def today(self, item_id: str) -> str | None:
        """The id asked now for an answer kept under an id from any version (ids are never
        reused, so it is followed from the first version); None when it cannot be carried."""
        if item_id in self.current or not self.mentions(item_id):
            return item_id
        return self.follow(item_id, self.steps[0].version)[0]

    def as_today(self, records: Mapping[str, dict]) -> dict[str, dict]:
        """Stored records keyed by item id, as this version asks them: each under today's id
        (an answer already stored under that id wins), left out where it cannot be carried.
        Keys that are not items pass through."""
        today: dict[str, dict] = {}
        for item_id, record in records.items():
            now = self.today(item_id)
            if now is not None and (now == item_id or now not in records):
                today[now] = record
        return today

    def mentions(self, item_id: str) -> bool:
        """Is this id (or was it) an item of some version?"""
        return item_id in self.wording

    def new_since(self, version: str) -> list[str]:
        """Ids asked now that an answer at `version` cannot have: items that replaced or
        split earlier ones since then (and are still asked)."""
        new = [t for step in self._after(version) for c in step.changes if c.change in ("replaced", "split") for t in c.new]
        return [t for t in dict.fromkeys(new) if t in self.current]

    def text(self, item_id: str) -> str:
        return self.wording.get(item_id, item_id)

    def earlier_texts(self) -> list[tuple[str, str]]:
        """(id, wording) for every wording an earlier version asked that is not asked now:
        the ids no longer asked, and each same-id rewording's earlier wording."""
        gone = [(item_id, text) for item_id, text in self.wording.items() if item_id not in self.current]
        reworded = [(c.item, c.was) for step in self.steps for c in step.changes if c.was and c.was != self.wording.get(c.item)]
        return list(dict.fromkeys(gone + reworded))

    def lost(self, item_id: str) -> Lost | None:
        """What happened to an id of any version whose answers cannot be carried to today's
        (ids are never reused, so it is followed from the first version); None when they can."""
        return self.follow(item_id, self.steps[0].version)[1] if self.mentions(item_id) else None

    def describe(self, lost: Lost) -> str:
        """What happened to a statement, in plain words."""
        return f"“{self.text(lost.item)}” {self.what_became(lost)}"

    def what_became(self, lost: Lost) -> str:
        """What happened, without naming the statement: "was split into “A” and “B”"."""
        new = " and ".join(f"“{self.text(t)}”" for t in lost.change.new)
        when = f" (version {lost.version})" if lost.version != self.version else ""
        if lost.change.change == "split":
            return f"was split into {new}{when}"
        if lost.change.change == "replaced":
            return f"was replaced by {new}, which asks something different{when}"
        return f"is no longer asked{when}"


def load_history(path: Path, content: dict, version: str, texts: Mapping[str, str], *, item_changes: bool = True) -> History:
    """The file's `history:` checked: versions in order, the latest the file's version, and
    every id where it should be (an old id at the version before, a new one at its
    version, an id never reused). `texts`: the current items' ids and texts.
    `item_changes=False`: the instrument's answers are not kept by item id, so its
    history may record versions but no item changes."""
    entries = content.get("history")
    if not isinstance(entries, list) or not entries:
        raise InstrumentError(path, "history", "must list the instrument's versions, oldest first (see scoring/instruments/versions.py)")
    steps = [_step(path, number, entry) for number, entry in enumerate(entries, start=1)]
    numbers = [parse_version(s.version) for s in steps]
    for number, (before, after) in enumerate(zip(numbers, numbers[1:]), start=2):
        if before >= after:
            raise InstrumentError(path, f"history entry {number}", f"version {steps[number - 1].version} must come after {steps[number - 2].version}")
    if steps[-1].version != version:
        raise InstrumentError(path, "history", f"the latest entry is version {steps[-1].version}, but the file is version {version}")
    if steps[0].changes:
        raise InstrumentError(path, "history entry 1", "is the first version, so it has no changes to record")
    if not item_changes and any(s.changes for s in steps):
        raise InstrumentError(path, "history", "this instrument's answers are not kept by item, so its history cannot record item changes")
    earlier = content.get("earlier_wording") or {}
    if not isinstance(earlier, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in earlier.items()):
        raise InstrumentError(path, "earlier_wording", "must map each id no longer asked to its wording")
    gone = _check_ids(path, steps, set(texts))
    missing = sorted(gone - set(earlier))
    if missing:
        raise InstrumentError(path, "earlier_wording", f"needs the wording of {', '.join(missing)} (no longer asked)")
    extra = sorted(set(earlier) - gone)
    if extra:
        raise InstrumentError(path, "earlier_wording", f"{', '.join(extra)} is not an id the history says is no longer asked")
    return History(version, tuple(steps), frozenset(texts), {**{k: v.strip() for k, v in earlier.items()}, **texts})


def _step(path: Path, number: int, entry) -> Step:
    where = f"history entry {number}"
    if not isinstance(entry, dict):
        raise InstrumentError(path, where, "must be a mapping with version, date and changes")
    version = entry.get("version")
    if not isinstance(version, str) or parse_version(version) is None:
        raise InstrumentError(path, where, f'version {version!r} must be quoted dotted numbers, such as "1.1"')
    when = entry.get("date")
    if not isinstance(when, dt.date):
        raise InstrumentError(path, where, f"date {when!r} must be a date such as 2026-12-02")
    changes = entry.get("changes")
    if not isinstance(changes, list):
        raise InstrumentError(path, where, "changes must be a list (empty for the first version)")
    return Step(version, when, tuple(_change(path, f"{where} (version {version}), change {n}", c) for n, c in enumerate(changes, start=1)))


def _change(path: Path, where: str, entry) -> Change:
    if not isinstance(entry, dict) or not isinstance(entry.get("item"), str):
        raise InstrumentError(path, where, "must be a mapping with item and change")
    kind = entry.get("change")
    allowed = {"reworded": {"now", "was"}, "replaced": {"by"}, "split": {"into"}, "retired": set()}
    if kind not in allowed:
        raise InstrumentError(path, where, f"change {kind!r} must be one of {', '.join(KINDS)}")
    extra = set(entry) - {"item", "change"} - allowed[kind]
    if extra:
        raise InstrumentError(path, where, f"a {kind} item has no {', '.join(sorted(extra))}")
    key = {"replaced": "by", "split": "into"}.get(kind)
    new = entry.get(key) if key else []
    if key and (not isinstance(new, list) or not new or not all(isinstance(i, str) for i in new)):
        raise InstrumentError(path, where, f"a {kind} item needs {key}: [the new ids]")
    if kind == "split" and len(new) < 2:
        raise InstrumentError(path, where, "a split item needs two or more ids in into")
    now = entry.get("now")
    if now is not None and not isinstance(now, str):
        raise InstrumentError(path, where, "now must be an id")
    was = entry.get("was")
    if kind == "reworded" and now is None and not (isinstance(was, str) and was.strip()):
        raise InstrumentError(path, where, "a rewording that keeps its id needs was: its wording before this version")
    if now is not None and was is not None:
        raise InstrumentError(path, where, "a rewording to a new id keeps its earlier wording in earlier_wording, not was")
    return Change(entry["item"], kind, now, tuple(new), was.strip() if isinstance(was, str) else None)


def _check_ids(path: Path, steps: list[Step], current: set[str]) -> set[str]:
    """Walk back from the current ids, checking each step; the ids no longer asked."""
    ids_after, later = set(current), set(current)
    for step in reversed(steps[1:]):
        where = f"history (version {step.version})"
        named = [c.item for c in step.changes]
        if len(named) != len(set(named)):
            raise InstrumentError(path, where, "names an item more than once")
        for change in step.changes:
            for target in change.targets:
                if target not in ids_after:
                    raise InstrumentError(path, where, f"{change.item}: {target!r} is not an item of version {step.version}")
            if change.carried_to == change.item:
                if change.item not in ids_after:
                    raise InstrumentError(path, where, f"{change.item!r} is reworded with the same id, but is not an item of version {step.version}")
            elif change.item in later:
                raise InstrumentError(path, where, f"{change.item!r} is {change.change}, so its id cannot be asked at version {step.version} or later")
        targets = {t for c in step.changes for t in c.targets}
        ids_after = (ids_after - targets) | set(named)
        later |= ids_after
    return later - current


def lost_lines(lost: Iterable[tuple[History, Lost]]) -> tuple[str | None, list[str]]:
    """("12 answers could not be carried over because the statements changed:", one line
    per statement in the order first met, with how many answers it held); (None, [])
    when nothing was lost."""
    counts = Counter(history.describe(item) for history, item in lost)
    if not counts:
        return None, []
    total = sum(counts.values())
    lines = [f"{text}{f' ({n} answers)' if n > 1 else ''}" for text, n in counts.items()]
    return f"{total} answer{'s' if total != 1 else ''} could not be carried over because the statements changed:", lines


def plain_summary(lost: Iterable[tuple[History, Lost]]) -> str | None:
    """The same as one sentence: "12 answers could not be carried over because the
    statements changed: …; …."; None when nothing was lost."""
    headline, lines = lost_lines(lost)
    return f"{headline} " + "; ".join(lines) + "." if headline else None
