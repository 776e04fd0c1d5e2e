"""Where answers live: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) by setting.

A respondent is found again through an unguessable token that only the respondent holds
(the resume link). The database keeps a SHA-256 hash of it, never the token itself, so a
copy of the database cannot be used to open anyone's answers.

Tables are generic on purpose: a respondent answers items of any registered diagnostic,
each answer a small JSON record that the diagnostic's scorer validates. Workshop mode adds
a workshops table; its facilitator and participants are respondents of kind "facilitator"
and "participant" that carry the workshop's id (and a participant's optional role).

The schema has a version (table schema_version). Version 1 was the self-check's two
tables; version 2 added workshops; version 3 the largest room a workshop takes; version 4
the smallest group a workshop shows, the answers its shared screen shows (in batches, see
publish_room) and the count of what each client created lately; version 5 the name a
self-check is given; version 6 the room's rounds and agreed ratings (workshop_rounds:
the section a workshop is discussing and the sections revealed; agreements: the rating
the room agreed per factor, or "not agreed", with a discussion point) and the room's
dot-vote and contributions (tables room_voice, candidates, votes and contributions);
version 7 the votes as the shared screen shows them (shown_votes, in batches: see
publish_votes). Opening an older database
upgrades it in place, keeping every answer.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import functools
import hashlib
import hmac
import json
import math
import os
import random
import re
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import text as text_  # methods below have a parameter named text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from scoring import wal_sync
from scoring.fields import UNSTORABLE
from scoring.workshop import voice

T = TypeVar("T")

DATABASE_URL_ENV = "COMMISSIONING_DATABASE_URL"
SECRET_ENV = "COMMISSIONING_SECRET"  # keys the hash of client addresses (see client_key)
DATA_DIR_ENV = "COMMISSIONING_DATA_DIR"
DEFAULT_DATA_DIR = Path(".data")

TOKEN_MAX_CHARS = 64
TOKEN_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{20,{TOKEN_MAX_CHARS}}}$")
SCHEMA_VERSION = 7
NAME_LIMIT = 120  # characters in a self-check's name
SECTION_LIMIT = 200  # characters in a round's section key

SELF_CHECK, FACILITATOR, PARTICIPANT = "self_check", "facilitator", "participant"
# The shared screen's own link: it shows what the room sees (results only once revealed)
# and controls nothing, so the projector can show it in the address bar.
SCREEN = "screen"
ROOM_VIEWERS = (FACILITATOR, SCREEN)

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

respondents = Table(
    "respondents",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the resume token
    Column("kind", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Version 2. No foreign key: the columns are added to existing tables by ALTER TABLE,
    # and delete_workshop removes a workshop's respondents itself.
    Column("workshop_id", String(32), nullable=True),
    Column("role", String(100), nullable=True),
    # Version 4: the updated_at whose answers the shared screen shows (see publish_room).
    Column("shown_at", DateTime(timezone=True), nullable=True),
    # Version 5: the name a self-check is given (shown on every sheet of its workbook).
    Column("name", String(NAME_LIMIT), nullable=True),
    Index("respondents_by_workshop", "workshop_id"),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("diagnostics", Text, nullable=False),  # JSON list of diagnostic ids
    Column("roles", Text, nullable=False),  # JSON list of role labels
    Column("results_visible", Boolean, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("max_participants", Integer, nullable=True),  # version 3; None: DEFAULT_MAX_PARTICIPANTS
    Column("min_group", Integer, nullable=True),  # version 4; None: MIN_GROUP
    Column("first_revealed_at", DateTime(timezone=True), nullable=True),  # version 4 (see publish_room)
)

# Wrong join codes per client (a keyed hash of its address), to slow down guessing; a
# record is deleted 15 minutes after its last wrong code.
join_failures = Table(
    "join_failures",
    metadata,
    Column("client", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", DateTime(timezone=True), nullable=False),
)


# Version 6. The round a workshop is in: the section under discussion ("<diagnostic id>/<section
# id>", None: self-paced) and the sections whose results are revealed (JSON list). One row per
# workshop, read with the workshop itself (Store.workshop), so a phone's rerun reads nothing more.
workshop_rounds = Table(
    "workshop_rounds",
    metadata,
    Column("workshop_id", String(32), primary_key=True),
    Column("section", String(SECTION_LIMIT), nullable=True),
    Column("revealed", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Version 6. What the room agreed on a factor (one rated question: item and field), recorded
# by the facilitator: the agreed value, or agreed False for "not agreed: come back to it",
# and a short discussion point.
agreements = Table(
    "agreements",
    metadata,
    Column("workshop_id", String(32), primary_key=True),
    Column("diagnostic_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("field", String(32), primary_key=True),
    Column("value", Integer, nullable=True),
    Column("agreed", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _answer_table(name: str, *more: Column) -> Table:
    """One record per respondent, diagnostic and item: the answers, and the screen's copy."""
    return Table(
        name,
        metadata,
        Column("respondent_id", String(64), ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True),
        Column("diagnostic_id", String(64), primary_key=True),
        Column("item_id", String(64), primary_key=True),
        Column("data", Text, nullable=False),
        *more,
    )


answers = _answer_table("answers", Column("updated_at", DateTime(timezone=True), nullable=False))

# Version 4. A workshop participant's answers as the shared screen shows them: copied from
# answers in batches of at least the workshop's smallest group of people (publish_room),
# so that the screen never moves by one person's change.
shown_answers = _answer_table("shown_answers")

# Version 4. Workshops and self-checks each client created in the current window, so
# that nobody can fill the database by creating them by the thousand.
creations = Table(
    "creations",
    metadata,
    Column("client", String(64), primary_key=True),  # client_key(address)
    Column("kind", String(20), primary_key=True),
    Column("created", Integer, nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
)

# Version 6. The room's dot-vote and contributions (scoring/workshop/voice.py): one row of
# settings per workshop (none until the facilitator changes one: the defaults apply),
# the actions put to the vote, each participant's votes on each, and the contributions
# with the facilitator's decision on each. A participant's votes and contributions go
# with them (ON DELETE CASCADE, and deleted explicitly too).
room_voice = Table(
    "room_voice",
    metadata,
    Column("workshop_id", String(32), primary_key=True),
    Column("votes_each", Integer, nullable=False),
    Column("voting_open", Boolean, nullable=False),
    Column("prompt", String(voice.PROMPT_LIMIT), nullable=False),
    Column("contributions_open", Boolean, nullable=False),
)

candidates = Table(
    "candidates",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("workshop_id", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("origin", String(20), nullable=False),  # voice.ORIGINS
    Column("aspect_id", String(64), nullable=True),  # the plan's aspect, where known
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("carried_votes", Integer, nullable=False),  # votes brought back from a pack
    Column("source_key", String(64), nullable=True),  # the plan action it came from
    Column("plan_key", String(64), nullable=True),  # the plan action it became (moved into the plan)
    Index("candidates_by_workshop", "workshop_id"),
)

votes = Table(
    "votes",
    metadata,
    Column("candidate_id", String(16), ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
    Column("respondent_id", String(64), ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True),
    Column("dots", Integer, nullable=False),
    Index("votes_by_respondent", "respondent_id"),
)

# Version 7. Each participant's votes as the shared screen shows them: copied from votes in
# batches of at least the workshop's smallest group of people (publish_votes), so that the
# screen's ranking never moves by one person's votes.
shown_votes = Table(
    "shown_votes",
    metadata,
    Column("candidate_id", String(16), ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
    Column("respondent_id", String(64), ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True),
    Column("dots", Integer, nullable=False),
    Index("shown_votes_by_respondent", "respondent_id"),
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("workshop_id", String(32), nullable=False),
    # Who sent it, for the rate limit and to remove it with them; never shown. None for
    # one brought back from a pack.
    Column("respondent_id", String(64), ForeignKey("respondents.id", ondelete="CASCADE"), nullable=True),
    Column("text", Text, nullable=False),
    Column("status", String(10), nullable=False),  # voice.STATUSES
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("contributions_by_workshop", "workshop_id"),
    Index("contributions_by_respondent", "respondent_id"),
)

VOICE_TABLES = (shown_votes, votes, candidates, contributions, room_voice)  # children first


def database_url() -> str:
    """The URL from the environment, or a SQLite file in the data directory."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    data_dir = Path(os.environ.get(DATA_DIR_ENV, "").strip() or DEFAULT_DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'commissioning.sqlite3').resolve()}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their (UTC) zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def token_hash(token: str) -> str:
    # A room's phones each save with the same token on every answer: those are kept (a
    # string no longer than a token, so that text sent as a token cannot fill memory).
    return _kept_token_hash(token) if len(token) <= TOKEN_MAX_CHARS else _sha256(token)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_kept_token_hash = functools.lru_cache(maxsize=4096)(_sha256)


def looks_like_token(token: Any) -> bool:
    return isinstance(token, str) and bool(TOKEN_PATTERN.match(token))


class Store:
    """Answers by respondent, diagnostic and item. Safe to share between threads."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        # A room's sessions each run in a thread of their own: room in the pool for them.
        pool = dict(pool_size=10, max_overflow=30, pool_timeout=10)
        if not self.url.startswith("sqlite"):
            pool["pool_pre_ping"] = True  # a database server may have dropped the connection
        self.engine: Engine = create_engine(self.url, **pool)
        self._writer = self._saver = self.engine
        self._one_writer: threading.Lock | contextlib.nullcontext = contextlib.nullcontext()  # PostgreSQL: many writers at once
        self._kept = None  # SQLite: (its pool, the connection saves are made on): _kept_sqlite_transaction
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # Writes take SQLite's write lock when they begin (BEGIN IMMEDIATE), so they
            # queue on the busy timeout instead of failing at once when a read turns into
            # a write behind another writer. Reads stay on the engine above, never locked.
            self._writer = self._saver = create_engine(self.url, **pool)
            event.listen(self._writer, "connect", _sqlite_writer_connect)
            event.listen(self._writer, "begin", lambda conn: conn.exec_driver_sql(_SQLITE_BEGIN))
            # This process's writers queue here, woken the moment the lock is free, rather
            # than in SQLite's busy handler, which sleeps up to 100 ms between tries.
            self._one_writer = threading.Lock()
        else:
            # PostgreSQL: an answer's save is one statement (_PG_SAVE), committed by itself,
            # on connections of its own that are not pinged before each use. The ping, BEGIN
            # and COMMIT were three of its five round trips, and most of its cost to this
            # process (0.30 ms of CPU a save, 0.08 as one statement). A connection the
            # server dropped fails its statement instead; the save is retried on another.
            self._saver = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8, pool_timeout=10)
        self._wal_watched = _database_file(self.engine)
        if self._wal_watched:
            wal_sync.watch(self._wal_watched)  # synchronous=NORMAL (_sqlite_pragmas): the log on disk within a second
        _create_or_upgrade(self.engine)
        # What a write may meet and retry: SQLAlchemy's errors, and the driver's own on the
        # driver-level path below (save_answer).
        self._retried = (OperationalError, PoolTimeout, self._writer.dialect.loaded_dbapi.OperationalError)
        # An answer's save, on the driver's own cursor (_driver_transaction, _kept_sqlite_transaction).
        dialect = self._writer.dialect
        if dialect.name not in _UPSERTS:
            raise ValueError(f"the store needs SQLite or PostgreSQL, not {dialect.name}")
        self._mark_changed = _DriverStatement(_MARK_CHANGED, dialect)
        self._upsert = _DriverStatement(_UPSERTS[dialect.name], dialect)
        # Workshop participants' answers as last read, by respondent: (updated_at, response).
        self._responses: dict[str, tuple[datetime, dict]] = {}
        self._shown: dict[str, tuple[datetime | None, dict]] = {}  # the same, as the screen shows them
        self._lock = threading.Lock()
        self.purge_expired()  # also on every new workshop; a restart catches quiet spells

    def _write(self, work: Callable[[Any], T], *, on_driver: bool = False) -> T:
        """Run `work` in one short write transaction. A lock or a lost connection is
        retried with back-off; if the write still cannot be made, StoreUnavailable says so
        in plain words, and nothing was changed (the transaction rolled back). `work` gets a
        SQLAlchemy connection, or with `on_driver` the database driver's own cursor (on
        PostgreSQL, for one statement: it commits by itself)."""
        if on_driver and self._saver.dialect.name == "sqlite":
            transaction = self._kept_sqlite_transaction
        else:
            transaction = self._driver_transaction if on_driver else self._writer.begin
        pause = WRITE_BACKOFF_SECONDS
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._one_writer, transaction() as conn:
                    return work(conn)
            except self._retried as exc:
                if attempt == WRITE_ATTEMPTS:
                    raise StoreUnavailable(_unavailable_reason(exc)) from exc
                time.sleep(pause * (0.5 + random.random()))
                pause *= 3
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _driver_transaction(self):
        """A transaction on a pooled connection's own driver cursor, for the hottest write
        (save_answer) on PostgreSQL: SQLAlchemy's execution path cost more than the
        statements. SQLite's is _kept_sqlite_transaction."""
        pooled = self._saver.raw_connection()
        try:
            cursor = pooled.cursor()
            try:
                yield cursor
                pooled.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    pooled.rollback()
                if getattr(pooled.driver_connection, "closed", False):  # lost (_saver is not pinged): not back to the pool, whose reset would fail and log it
                    pooled.invalidate()
                raise
            finally:
                cursor.close()
        finally:
            pooled.close()  # back to the pool

    @contextlib.contextmanager
    def _kept_sqlite_transaction(self):
        """_driver_transaction on SQLite, where this process writes one transaction at a
        time (_one_writer, held by the caller): on one connection kept for it rather than
        one taken from the pool and given back on every save (2.5 % of an answer's server
        time, py-spy --gil). After a failed save the connection goes back to the pool, and
        the next save takes another."""
        if self._kept is not None and self._kept[0] is not self._saver.pool:
            self._give_back_kept()  # the engine was disposed of: its connections are made afresh
        if self._kept is None:
            self._kept = (self._saver.pool, self._saver.raw_connection())  # out of the pool until a save fails, or dispose()
        driver = self._kept[1].driver_connection
        cursor = driver.cursor()
        try:
            cursor.execute(_SQLITE_BEGIN)  # the write lock at once, as _writer's "begin" does
            yield cursor
            driver.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                driver.rollback()
            self._give_back_kept()
            raise
        finally:
            cursor.close()

    def _give_back_kept(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            kept[1].close()  # back to its pool, which resets it (or closes it, if disposed of)

    def dispose(self) -> None:
        """Close every pooled connection (tests and benchmarks, before dropping a database)."""
        with self._one_writer:
            self._give_back_kept()
        for engine in {self.engine, self._writer, self._saver}:
            engine.dispose()
        if self._wal_watched:
            wal_sync.unwatch(self._wal_watched)
            self._wal_watched = None

    # Respondents ----------------------------------------------------------------
    def new_respondent(self, kind: str = SELF_CHECK, *, client: str | None = None) -> str:
        """Create a respondent and return its token (shown to the user, not stored). With a
        `client` (its address), refused with CreationLimit past CREATION_LIMITS."""

        def work(conn: Connection) -> str:
            if client is not None:
                _count_creation(conn, client_key(client), SELF_CHECK)
            return _insert_respondent(conn, kind)

        return self._write(work)

    def name(self, token: Any) -> str:
        """The name a self-check was given ("" when none, or for an unknown token)."""
        if not looks_like_token(token):
            return ""
        with self.engine.connect() as conn:
            name = conn.execute(select(respondents.c.name).where(respondents.c.id == token_hash(token))).scalar()
        return name or ""

    def set_name(self, token: str, name: Any) -> str:
        """Give a self-check a name (clean_name); returns it as stored. KeyError for an unknown token."""
        name = clean_name(name)
        key = token_hash(token)

        def work(conn: Connection) -> None:
            if not conn.execute(update(respondents).where(respondents.c.id == key).values(name=name or None)).rowcount:
                raise KeyError("unknown respondent")

        self._write(work)
        return name

    def exists(self, token: Any) -> bool:
        if not looks_like_token(token):
            return False
        with self.engine.connect() as conn:
            found = conn.execute(select(respondents.c.id).where(respondents.c.id == token_hash(token))).first()
        return found is not None

    def kind(self, token: Any) -> tuple[str, str | None, str | None] | None:
        """(kind, workshop id, role) of a respondent, or None if the token is unknown."""
        if not looks_like_token(token):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(respondents.c.kind, respondents.c.workshop_id, respondents.c.role).where(respondents.c.id == token_hash(token))).first()
        return None if row is None else (row.kind, row.workshop_id, row.role)

    def delete_respondent(self, token: str) -> None:
        key = token_hash(token)

        def work(conn: Connection) -> None:
            for table in (answers, shown_answers, votes, shown_votes, contributions):
                conn.execute(delete(table).where(table.c.respondent_id == key))
            conn.execute(delete(respondents).where(respondents.c.id == key))

        self._write(work)

    # Answers ----------------------------------------------------------------------
    def answers(self, token: str, diagnostic_id: str) -> dict[str, dict]:
        """Every stored record of one respondent for one diagnostic, by item id."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(answers.c.item_id, answers.c.data).where(
                    answers.c.respondent_id == token_hash(token),
                    answers.c.diagnostic_id == diagnostic_id,
                )
            ).all()
        return {item_id: json.loads(data) for item_id, data in rows}

    def answer(self, token: str, diagnostic_id: str, item_id: str) -> dict | None:
        """One stored record, or None."""
        with self.engine.connect() as conn:
            data = conn.execute(
                select(answers.c.data).where(
                    answers.c.respondent_id == token_hash(token),
                    answers.c.diagnostic_id == diagnostic_id,
                    answers.c.item_id == item_id,
                )
            ).scalar()
        return None if data is None else json.loads(data)

    def response(self, token: str) -> dict[str, dict[str, dict]]:
        """Every stored record of one respondent: {diagnostic id: {item id: record}}."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(answers.c.diagnostic_id, answers.c.item_id, answers.c.data).where(answers.c.respondent_id == token_hash(token))).all()
        response: dict[str, dict[str, dict]] = {}
        for diagnostic_id, item_id, data in rows:
            response.setdefault(diagnostic_id, {})[item_id] = json.loads(data)
        return response

    def delete_answer(self, token: str, diagnostic_id: str, item_id: str) -> None:
        """Remove one record; refused as save_answer refuses."""
        key = token_hash(token)

        def work(conn: Connection) -> None:
            _may_write(conn, key, diagnostic_id, _now())
            conn.execute(
                delete(answers).where(
                    answers.c.respondent_id == key,
                    answers.c.diagnostic_id == diagnostic_id,
                    answers.c.item_id == item_id,
                )
            )

        self._write(work)

    def save_answer(self, token: str, diagnostic_id: str, item_id: str, record: dict) -> None:
        """Insert or replace one record (the caller has validated it).

        A workshop participant can only answer the workshop's diagnostics while it is
        open (WorkshopError otherwise); an unknown token raises KeyError.
        """
        key = token_hash(token)
        data = json.dumps(record, ensure_ascii=False, sort_keys=True)

        if self._saver.dialect.name == "postgresql":

            def work(cursor) -> None:
                now = _now()
                cursor.execute(
                    _PG_SAVE, dict(key=key, diagnostic_id=diagnostic_id, item_id=item_id, data=data, now=now, screen=SCREEN, participant=PARTICIPANT)
                )
                found = cursor.fetchone()
                _check_may_write(None if found is None else _MayWrite(*found[:4]), diagnostic_id, now)  # refused: nothing written
                if not found[4]:
                    raise StoreUnavailable("The answer could not be saved: the store refused it. Please send it again.")

            self._write(work, on_driver=True)
            return
        mark_changed, upsert = self._mark_changed, self._upsert

        def work(cursor) -> None:
            now = _now()
            cursor.execute(mark_changed.sql, mark_changed.params(key=key, now=now))
            _check_may_write(mark_changed.row(cursor.fetchone()), diagnostic_id, now)
            row = dict(respondent_id=key, diagnostic_id=diagnostic_id, item_id=item_id, data=data, updated_at=now)
            cursor.execute(upsert.sql, upsert.params(**row))

        self._write(work, on_driver=True)

    def replace_response(self, token: str, response: dict[str, dict[str, dict]]) -> None:
        """Make these records the respondent's whole response, in one transaction: all or
        nothing (resuming from a workbook). The caller has validated every record."""
        key = token_hash(token)
        now = _now()
        rows = [
            dict(respondent_id=key, diagnostic_id=d, item_id=i, data=json.dumps(r, ensure_ascii=False, sort_keys=True), updated_at=now)
            for d, items in response.items()
            for i, r in items.items()
        ]

        def work(conn: Connection) -> None:
            for diagnostic_id in response:
                _may_write(conn, key, diagnostic_id, now)
            conn.execute(delete(answers).where(answers.c.respondent_id == key))
            if rows:
                conn.execute(insert(answers), rows)

        self._write(work)

    # Workshops -------------------------------------------------------------------
    def create_workshop(
        self,
        name: str,
        diagnostics: list[str],
        roles: list[str],
        *,
        max_participants: int | None = None,
        min_group: int | None = None,
        client: str | None = None,
    ) -> tuple[str, str]:
        """A new open workshop with its results hidden, taking at most `max_participants`
        (default DEFAULT_MAX_PARTICIPANTS) and showing no group under `min_group` (default
        MIN_GROUP). Returns (join code, facilitator token); the token is the facilitator's
        private link and is not stored. With a `client`, refused with CreationLimit past
        CREATION_LIMITS."""
        max_participants = max_participants or DEFAULT_MAX_PARTICIPANTS
        if not 1 <= max_participants <= MAX_PARTICIPANTS_LIMIT:
            raise ValueError(f"a workshop takes 1 to {MAX_PARTICIPANTS_LIMIT} participants")
        _check_min_group(min_group)
        self.purge_expired()
        now = _now()
        workshop_id = secrets.token_hex(16)
        for _attempt in range(10):  # a clash among 31^8 codes is rare; try another
            code = new_join_code()

            def work(conn: Connection, code: str = code) -> str:
                if client is not None:
                    _count_creation(conn, client_key(client), "workshop")
                conn.execute(
                    insert(workshops).values(
                        id=workshop_id,
                        code=code,
                        name=name,
                        diagnostics=json.dumps(list(diagnostics)),
                        roles=json.dumps(list(roles), ensure_ascii=False),
                        results_visible=False,
                        is_open=True,
                        created_at=now,
                        expires_at=now + timedelta(days=RETENTION_DAYS),
                        max_participants=max_participants,
                        min_group=min_group or MIN_GROUP,
                    )
                )
                return _insert_respondent(conn, FACILITATOR, workshop_id=workshop_id)

            try:
                return code, self._write(work)
            except IntegrityError:
                continue
        raise RuntimeError("could not find a free join code")

    def workshop(self, token: Any) -> dict | None:
        """The workshop a facilitator or participant token belongs to, with that
        respondent's kind and role: None for an unknown token or a self-check."""
        if not looks_like_token(token):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(workshops, respondents.c.kind, respondents.c.role, workshop_rounds.c.section, workshop_rounds.c.revealed)
                .select_from(
                    respondents.join(workshops, respondents.c.workshop_id == workshops.c.id).outerjoin(
                        workshop_rounds, workshop_rounds.c.workshop_id == workshops.c.id
                    )
                )
                .where(respondents.c.id == token_hash(token))
            ).first()
        return None if row is None else _workshop_dict(row)

    def find_workshop(self, code: Any, client: str = "unknown") -> dict:
        """The open workshop with this join code: {id, name, roles, code}.

        Raises JoinError with a message for the participant: a code of the wrong shape, an
        unknown or finished workshop, or too many wrong codes from this client lately
        (each wrong code counts, and past a few the next check has to wait). The wait, the
        lookup and the count are one transaction, so guesses fired at once all count; and
        only this client waits: nobody else's join is slowed.
        """
        normalised = normalise_join_code(code)
        if normalised is None:
            raise JoinError(f"That is not a join code: a code is {JOIN_CODE_LENGTH} letters and digits, like ABCD-2345. Check it on the shared screen.")
        key = client_key(client)

        def work(conn: Connection):
            now = _now()
            conn.execute(delete(join_failures).where(join_failures.c.last_failure < now - FAILURE_MEMORY))
            if conn.dialect.name == "postgresql":  # one check at a time per client, row or no row yet
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            row = conn.execute(select(join_failures).where(join_failures.c.client == key)).first()
            wait = _join_wait(row, now)
            if wait:
                return None, wait
            found = conn.execute(select(workshops).where(workshops.c.code == normalised)).first()
            if found is None or _aware(found.expires_at) < now:
                _count_failure(conn, key, now)
                return None, 0
            return found, 0

        found, wait = self._write(work)
        if wait:
            raise JoinError(f"Too many wrong codes have been tried from here lately. Wait {_seconds(wait)}, then try again.")
        if found is None:
            raise JoinError(
                "No workshop has that code. Check it on the shared screen: the code may be "
                f"mistyped, or the workshop deleted or past its {RETENTION_DAYS} days."
            )
        if not found.is_open:
            raise JoinError("This workshop has finished: it is closed to new answers. Ask the facilitator.")
        return {
            "id": found.id,
            "name": found.name,
            "roles": json.loads(found.roles),
            "code": found.code,
            "max_participants": found.max_participants or DEFAULT_MAX_PARTICIPANTS,
        }

    def join(self, code: Any, role: str | None, client: str = "unknown") -> str:
        """A new participant of the workshop with this join code; returns their token.
        Raises JoinError as find_workshop does, or for a role the workshop does not offer."""
        found = self.find_workshop(code, client)
        if role is not None and role not in found["roles"]:
            raise JoinError("That role is not one this workshop offers. Choose one from the list, or none.")

        def work(conn: Connection) -> str:
            # Counted and joined in one transaction (one join at a time per workshop), so
            # people joining at once cannot pad the room past its size.
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:id))"), {"id": found["id"]})
            joined = conn.execute(select(func.count()).where(respondents.c.workshop_id == found["id"], respondents.c.kind == PARTICIPANT)).scalar_one()
            if joined >= found["max_participants"]:
                raise JoinError(f"This workshop is full: it takes {found['max_participants']} people. Ask the facilitator.")
            return _insert_respondent(conn, PARTICIPANT, workshop_id=found["id"], role=role)

        return self._write(work)

    def join_wait(self, client: str = "unknown") -> int:
        """Seconds before this client's next join code is checked."""
        with self.engine.connect() as conn:
            row = conn.execute(select(join_failures).where(join_failures.c.client == client_key(client))).first()
        return _join_wait(row, _now())

    def screen_token(self, facilitator_token: str) -> str:
        """The shared screen's link for the facilitator's workshop (facilitator only).

        It is derived one way from the facilitator's token, so the facilitator's tab can
        always show it without the store keeping either, and it cannot be turned back into
        the facilitator's. It is registered on first use, as a respondent of its own kind."""
        workshop_id = self._facilitated(facilitator_token)
        digest = hmac.new(facilitator_token.encode("utf-8"), b"shared screen", hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:32]
        key = token_hash(token)
        with self.engine.connect() as conn:
            known = conn.execute(select(respondents.c.id).where(respondents.c.id == key)).first()
        if known is None:

            def work(conn: Connection) -> None:
                now = _now()
                try:
                    with conn.begin_nested():
                        conn.execute(insert(respondents).values(id=key, kind=SCREEN, created_at=now, updated_at=now, workshop_id=workshop_id))
                except IntegrityError:
                    pass  # another tab registered it first

            self._write(work)
        return token

    def set_workshop(self, facilitator_token: str, *, results_visible: bool | None = None, is_open: bool | None = None, min_group: int | None = None) -> None:
        """Reveal or hide results, close or reopen, change the smallest group shown:
        facilitator only (PermissionError)."""
        workshop_id = self._facilitated(facilitator_token)
        _check_min_group(min_group)
        values = {k: v for k, v in (("results_visible", results_visible), ("is_open", is_open), ("min_group", min_group)) if v is not None}
        if not values:
            return

        def work(conn: Connection) -> None:
            if results_visible:
                _one_publisher(conn, workshop_id)
                first = conn.execute(
                    update(workshops).where(workshops.c.id == workshop_id, workshops.c.first_revealed_at.is_(None)).values(first_revealed_at=_now())
                ).rowcount
                if first:  # what the room sees first is everything so far, at once
                    _publish(conn, _waiting(conn, workshop_id)[0])
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(**values))

        self._write(work)

    def participants(self, facilitator_token: str, *, shown: bool = False) -> list[tuple[str | None, dict[str, dict[str, dict]]]]:
        """Every participant's (role, response), in an order that says nothing about who
        joined when (by the hash of their token: fixed for each person, random between
        people), so the pack's P01, P02 … cannot be matched to arrivals: facilitator or
        shared screen only (the screen's page shows results only once revealed). With
        `shown`, the answers as the shared screen shows them (see publish_room), else as
        they stand. The responses are shared with later calls: read them, never change them.

        The shared screen asks every few seconds; only the answers of participants who
        changed something since the last call are read again (each change moves the
        participant's updated_at in the same transaction as the answer, each batch shown
        their shown_at)."""
        return [(role, response) for _key, role, response in self._room(self._facilitated(facilitator_token, ROOM_VIEWERS), shown)]

    def roster(self, facilitator_token: str) -> list[tuple[str, str | None, dict[str, dict[str, dict]]]]:
        """participants() as they stand, each with a key to remove them by (the token's
        hash, which opens nothing): (key, role, response). Facilitator only."""
        return self._room(self._facilitated(facilitator_token), shown=False)

    def _room(self, workshop_id: str, shown: bool) -> list[tuple[str, str | None, dict[str, dict[str, dict]]]]:
        stamp, source, cache = (respondents.c.shown_at, shown_answers, self._shown) if shown else (respondents.c.updated_at, answers, self._responses)
        with self.engine.connect() as conn:
            people = conn.execute(
                select(respondents.c.id, respondents.c.role, stamp.label("stamp"))
                .where(respondents.c.workshop_id == workshop_id, respondents.c.kind == PARTICIPANT)
                .order_by(respondents.c.id)
            ).all()
            with self._lock:
                stale = [p.id for p in people if cache.get(p.id, (False,))[0] != p.stamp]
            fresh: dict[str, dict[str, dict[str, dict]]] = {respondent_id: {} for respondent_id in stale}
            # A room's answers are mostly the same few texts ({"rating": 3}): each is parsed
            # once per read and its record shared, as the responses are (never changed).
            parsed: dict[str, dict] = {}
            for chunk in range(0, len(stale), 500):  # keep IN (...) lists short
                rows = conn.execute(
                    select(source.c.respondent_id, source.c.diagnostic_id, source.c.item_id, source.c.data).where(
                        source.c.respondent_id.in_(stale[chunk : chunk + 500])
                    )
                ).all()
                for respondent_id, diagnostic_id, item_id, data in rows:
                    record = parsed.get(data)
                    if record is None:
                        record = parsed[data] = json.loads(data)
                    fresh[respondent_id].setdefault(diagnostic_id, {})[item_id] = record
        stamps = {p.id: p.stamp for p in people}
        with self._lock:
            if len(cache) > RESPONSES_KEPT:
                cache.clear()  # a bound on memory: the next calls read afresh
            for respondent_id, response in fresh.items():
                cache[respondent_id] = (stamps[respondent_id], response)
            return [(p.id, p.role, cache[p.id][1]) for p in people]

    def publish_room(self, viewer_token: str) -> int:
        """Bring the shared screen's copy of the room up to date. Until results are first
        revealed nobody sees that copy, so it follows every change; from then on it moves
        in batches: only once at least the workshop's smallest group of participants have
        changed something since their answers were last shown are all their changes shown
        at once. So the screen never moves by one person's change, and a late joiner's
        answers cannot be worked out by watching it. Facilitator or shared screen. Returns
        how many people's changes are still waiting to be shown."""
        workshop_id = self._facilitated(viewer_token, ROOM_VIEWERS)
        with self.engine.connect() as conn:  # a read first: most refreshes change nothing
            changed, needed = _waiting(conn, workshop_id)
        if len(changed) < needed:
            return len(changed)

        def work(conn: Connection) -> int:
            _one_publisher(conn, workshop_id)
            changed, needed = _waiting(conn, workshop_id)  # again, inside the write transaction
            if len(changed) < needed:
                return len(changed)
            _publish(conn, changed)
            return 0

        return self._write(work)

    def remove_participants(self, facilitator_token: str, keys: list[str]) -> int:
        """Remove these participants (keys from roster) and all their answers: facilitator
        only, and only participants of the facilitator's own workshop. Returns how many."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> int:
            members = select(respondents.c.id).where(
                respondents.c.workshop_id == workshop_id, respondents.c.kind == PARTICIPANT, respondents.c.id.in_(list(keys))
            )
            found = conn.execute(members).scalars().all()
            for table in (answers, shown_answers, votes, shown_votes, contributions):
                conn.execute(delete(table).where(table.c.respondent_id.in_(found)))
            conn.execute(delete(respondents).where(respondents.c.id.in_(found)))
            return len(found)

        removed = self._write(work)
        self._forget_cached()
        return removed

    def add_participants(self, facilitator_token: str, people: list[tuple[str | None, dict[str, dict[str, dict]]]]) -> int:
        """Participants gathered elsewhere (e.g. a survey export), each (role, response),
        added in one transaction: all or nothing. Facilitator only; the caller has
        validated every record. Returns how many were added."""
        workshop_id = self._facilitated(facilitator_token)
        now = _now()

        def work(conn: Connection) -> None:
            offered = json.loads(conn.execute(select(workshops.c.diagnostics).where(workshops.c.id == workshop_id)).scalar_one())
            for role, response in people:
                if set(response) - set(offered):
                    raise WorkshopError("Those answers are for a diagnostic this workshop does not include; nothing was imported.")
                token = _insert_respondent(conn, PARTICIPANT, workshop_id=workshop_id, role=role, with_answers=True)
                rows = [
                    dict(respondent_id=token_hash(token), diagnostic_id=d, item_id=i, data=json.dumps(r, ensure_ascii=False, sort_keys=True), updated_at=now)
                    for d, items in response.items()
                    for i, r in items.items()
                ]
                if rows:
                    conn.execute(insert(answers), rows)

        self._write(work)
        return len(people)

    def answers_version(self, facilitator_token: str, *, shown: bool = False) -> tuple[int, str]:
        """A mark that changes whenever a participant joins, leaves or changes an answer
        (with `shown`, whenever the screen's copy moves instead): the shared screen rereads
        the room only when it moves. Facilitator or shared screen."""
        workshop_id = self._facilitated(facilitator_token, ROOM_VIEWERS)
        stamp = respondents.c.shown_at if shown else respondents.c.updated_at
        with self.engine.connect() as conn:
            count, latest = conn.execute(
                select(func.count(), func.max(stamp)).where(respondents.c.workshop_id == workshop_id, respondents.c.kind == PARTICIPANT)
            ).one()
        return count, str(latest)

    # Rounds and agreed ratings (version 6) ---------------------------------------------
    def round_state(self, workshop_id: str) -> tuple[str | None, list[str]]:
        """(the section under discussion, or None when self-paced; the sections revealed)
        of a workshop, by its id: one read by primary key (a phone polls it)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(workshop_rounds.c.section, workshop_rounds.c.revealed).where(workshop_rounds.c.workshop_id == workshop_id)).first()
        return (None, []) if row is None else (row.section, json.loads(row.revealed))

    def set_round(self, facilitator_token: str, section: str | None) -> None:
        """Move the room to one of its sections (a key of rounds.sections() of the workshop's
        diagnostics), or back to self-paced with None. Facilitator only (PermissionError);
        WorkshopError for a section that is not the workshop's, and nothing changes."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> None:
            if section is not None:
                _check_section(conn, workshop_id, section)
            _save_round(conn, workshop_id, section=section)

        self._write(work)

    def reveal_section(self, facilitator_token: str, section: str, revealed: bool = True) -> None:
        """Show (or hide again) one section's results on the shared screen. The first reveal
        of anything starts the screen's batching, as revealing all results does. Facilitator
        only; WorkshopError for a section that is not the workshop's, and nothing changes."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> None:
            _check_section(conn, workshop_id, section)
            row = conn.execute(select(workshop_rounds.c.revealed).where(workshop_rounds.c.workshop_id == workshop_id)).first()
            shown = [s for s in (json.loads(row.revealed) if row else []) if s != section] + ([section] if revealed else [])
            if revealed:
                _one_publisher(conn, workshop_id)
                first = conn.execute(
                    update(workshops).where(workshops.c.id == workshop_id, workshops.c.first_revealed_at.is_(None)).values(first_revealed_at=_now())
                ).rowcount
                if first:
                    _publish(conn, _waiting(conn, workshop_id)[0])
            _save_round(conn, workshop_id, revealed=json.dumps(shown))

        self._write(work)

    def agreements(self, viewer_token: str) -> dict[tuple[str, str, str], dict]:
        """What the room agreed, by (diagnostic id, item id, field): {"value": int or None,
        "agreed": bool, "note": str}. Facilitator or shared screen."""
        workshop_id = self._facilitated(viewer_token, ROOM_VIEWERS)
        with self.engine.connect() as conn:
            rows = conn.execute(select(agreements).where(agreements.c.workshop_id == workshop_id)).all()
        return {(r.diagnostic_id, r.item_id, r.field): {"value": r.value, "agreed": bool(r.agreed), "note": r.note} for r in rows}

    def set_agreement(self, facilitator_token: str, diagnostic_id: str, item_id: str, field: str, record: dict | None) -> None:
        """Record what the room agreed on one factor (a record cleaned by
        scoring.workshop.rounds.clean_agreement), or forget it with None. Facilitator only."""
        self.replace_agreements(facilitator_token, {(diagnostic_id, item_id, field): record}, keep_others=True)

    def replace_agreements(self, facilitator_token: str, found: dict[tuple[str, str, str], dict | None], *, keep_others: bool = False) -> None:
        """Make these the workshop's agreements (a pack brought back), all or nothing; with
        `keep_others`, change only these. Facilitator only."""
        workshop_id = self._facilitated(facilitator_token)
        now = _now()

        def work(conn: Connection) -> None:
            if not keep_others:
                conn.execute(delete(agreements).where(agreements.c.workshop_id == workshop_id))
            for (diagnostic_id, item_id, field), record in found.items():
                conn.execute(
                    delete(agreements).where(
                        agreements.c.workshop_id == workshop_id,
                        agreements.c.diagnostic_id == diagnostic_id,
                        agreements.c.item_id == item_id,
                        agreements.c.field == field,
                    )
                )
                if record is not None:
                    conn.execute(
                        insert(agreements).values(
                            workshop_id=workshop_id,
                            diagnostic_id=diagnostic_id,
                            item_id=item_id,
                            field=field,
                            value=record.get("value"),
                            agreed=bool(record.get("agreed")),
                            note=record.get("note") or "",
                            updated_at=now,
                        )
                    )

        self._write(work)

    def delete_workshop(self, facilitator_token: str) -> None:
        """The workshop, its facilitator and participants, and every answer: gone."""
        self._delete_workshops([self._facilitated(facilitator_token)])

    def purge_expired(self) -> int:
        """Delete workshops past their retention date, and self-checks nobody has changed
        for self_check_days(); returns how many workshops."""
        with self.engine.connect() as conn:
            expired = conn.execute(select(workshops.c.id).where(workshops.c.expires_at < _now())).scalars().all()
        self._delete_workshops(expired)
        idle = select(respondents.c.id).where(respondents.c.kind == SELF_CHECK, respondents.c.updated_at < _now() - timedelta(days=self_check_days()))

        def forget(conn: Connection) -> None:
            conn.execute(delete(answers).where(answers.c.respondent_id.in_(idle)))
            conn.execute(delete(respondents).where(respondents.c.id.in_(idle)))

        self._write(forget)
        return len(expired)

    def _delete_workshops(self, workshop_ids: list[str]) -> None:
        if not workshop_ids:
            return

        def work(conn: Connection) -> None:
            members = select(respondents.c.id).where(respondents.c.workshop_id.in_(workshop_ids))
            for table in (answers, shown_answers):
                conn.execute(delete(table).where(table.c.respondent_id.in_(members)))
            for table in (votes, shown_votes):
                conn.execute(delete(table).where(table.c.candidate_id.in_(select(candidates.c.id).where(candidates.c.workshop_id.in_(workshop_ids)))))
            for table in (candidates, contributions, room_voice):
                conn.execute(delete(table).where(table.c.workshop_id.in_(workshop_ids)))
            conn.execute(delete(respondents).where(respondents.c.workshop_id.in_(workshop_ids)))
            for table in (workshop_rounds, agreements):
                conn.execute(delete(table).where(table.c.workshop_id.in_(workshop_ids)))
            conn.execute(delete(workshops).where(workshops.c.id.in_(workshop_ids)))

        self._write(work)
        self._forget_cached()

    def _forget_cached(self) -> None:
        with self._lock:  # deleted answers must not linger in memory
            self._responses.clear()
            self._shown.clear()

    # The room's dot-vote and contributions (scoring/workshop/voice.py) ---------------
    def voice(self, token: Any) -> dict:
        """The workshop's voting and contribution settings: {votes_each, voting_open,
        prompt, contributions_open}. Anyone in the workshop (PermissionError otherwise)."""
        workshop_id = self._facilitated(token, (FACILITATOR, SCREEN, PARTICIPANT))
        with self.engine.connect() as conn:
            return _voice(conn, workshop_id)

    def set_voice(
        self,
        facilitator_token: str,
        *,
        votes_each: int | None = None,
        voting_open: bool | None = None,
        prompt: str | None = None,
        contributions_open: bool | None = None,
    ) -> dict:
        """Change the voting and contribution settings: facilitator only. Fewer votes each
        than some participant has already given is refused (VoiceError): they would hold
        more than the rule allows. Returns the settings as stored."""
        workshop_id = self._facilitated(facilitator_token)
        if votes_each is not None:
            votes_each = voice.clean_votes_each(votes_each)
        if prompt is not None:
            prompt = voice.clean_prompt(prompt)

        def work(conn: Connection) -> dict:
            current = _voice(conn, workshop_id)
            changed = {
                **current,
                **{
                    k: v
                    for k, v in (("votes_each", votes_each), ("voting_open", voting_open), ("prompt", prompt), ("contributions_open", contributions_open))
                    if v is not None
                },
            }
            if votes_each is not None and votes_each < current["votes_each"]:
                given = _most_given(conn, workshop_id)
                if given[0] > votes_each or given[1] > voice.max_on_one(votes_each):
                    raise voice.VoiceError(
                        f"Someone has already given {given[0]} votes, so each cannot now have fewer than that. Clear the votes first to start again with fewer."
                    )
            if conn.execute(update(room_voice).where(room_voice.c.workshop_id == workshop_id).values(**changed)).rowcount == 0:
                conn.execute(insert(room_voice).values(workshop_id=workshop_id, **changed))
            return changed

        return self._write(work)

    def add_candidate(
        self, facilitator_token: str, text: Any, origin: str, *, aspect_id: str | None = None, source_key: str | None = None, carried_votes: int = 0
    ) -> str:
        """Put an action to the room's vote; returns its id. Facilitator only; VoiceError
        for an action already on the list (the same words, whatever the case) or past
        voice.MAX_CANDIDATES."""
        workshop_id = self._facilitated(facilitator_token)
        text = voice.clean_candidate(text)
        if origin not in voice.ORIGINS:
            raise voice.VoiceError(f"unknown origin {origin!r}")

        def work(conn: Connection) -> str:
            if conn.dialect.name == "postgresql":  # one list change at a time per workshop
                conn.execute(text_("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": workshop_id + "candidates"})
            existing = conn.execute(select(candidates.c.text).where(candidates.c.workshop_id == workshop_id)).scalars().all()
            if text.casefold() in {t.casefold() for t in existing}:
                raise voice.VoiceError("That action is already on the list.")
            if len(existing) >= voice.MAX_CANDIDATES:
                raise voice.VoiceError(f"The list has {voice.MAX_CANDIDATES} actions, as many as a room can weigh: remove one first.")
            candidate_id = secrets.token_hex(8)
            conn.execute(
                insert(candidates).values(
                    id=candidate_id,
                    workshop_id=workshop_id,
                    text=text,
                    origin=origin,
                    aspect_id=aspect_id,
                    created_at=_now(),
                    carried_votes=max(0, int(carried_votes)),
                    source_key=source_key,
                )
            )
            return candidate_id

        return self._write(work)

    def remove_candidate(self, facilitator_token: str, candidate_id: str) -> None:
        """Take an action off the list, with every vote on it: facilitator only."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> None:
            mine = select(candidates.c.id).where(candidates.c.workshop_id == workshop_id, candidates.c.id == candidate_id)
            for table in (votes, shown_votes):  # off the screen at once: removing it says nothing of anyone's votes
                conn.execute(delete(table).where(table.c.candidate_id.in_(mine)))
            conn.execute(delete(candidates).where(candidates.c.workshop_id == workshop_id, candidates.c.id == candidate_id))

        self._write(work)

    def clear_votes(self, facilitator_token: str) -> None:
        """Every vote given in the room, gone (to vote again), from the screen too:
        facilitator only."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> None:
            for table in (votes, shown_votes):
                conn.execute(delete(table).where(table.c.candidate_id.in_(select(candidates.c.id).where(candidates.c.workshop_id == workshop_id))))

        self._write(work)

    def mark_in_plan(self, facilitator_token: str, candidate_id: str, plan_key: str) -> None:
        """Note the plan action a candidate became: facilitator only."""
        workshop_id = self._facilitated(facilitator_token)

        def work(conn: Connection) -> None:
            conn.execute(update(candidates).where(candidates.c.workshop_id == workshop_id, candidates.c.id == candidate_id).values(plan_key=plan_key))

        self._write(work)

    def candidates(self, viewer_token: str, *, shown: bool = False) -> tuple[list[dict], int]:
        """The actions put to the vote, in the order they were put, each {id, text, origin,
        aspect_id, source_key, plan_key, votes (given here and brought back)}; and how many people
        have voted. With `shown`, the votes as the shared screen shows them (in batches: see
        publish_votes), else as they stand. Facilitator or shared screen."""
        workshop_id = self._facilitated(viewer_token, ROOM_VIEWERS)
        table = shown_votes if shown else votes
        of_workshop = table.c.candidate_id.in_(select(candidates.c.id).where(candidates.c.workshop_id == workshop_id))
        given = select(table.c.candidate_id, func.sum(table.c.dots).label("dots")).where(of_workshop).group_by(table.c.candidate_id).subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(candidates, func.coalesce(given.c.dots, 0).label("dots"))
                .select_from(candidates.outerjoin(given, given.c.candidate_id == candidates.c.id))
                .where(candidates.c.workshop_id == workshop_id)
                .order_by(candidates.c.created_at, candidates.c.id)
            ).all()
            voters = conn.execute(select(func.count(func.distinct(table.c.respondent_id))).where(table.c.dots > 0, of_workshop)).scalar_one()
        found = [
            {
                "id": r.id,
                "text": r.text,
                "origin": r.origin,
                "aspect_id": r.aspect_id,
                "source_key": r.source_key,
                "plan_key": r.plan_key,
                "votes": int(r.dots) + r.carried_votes,
            }
            for r in rows
        ]
        return found, voters

    def publish_votes(self, viewer_token: str) -> int:
        """Bring the shared screen's copy of the votes up to date, in batches
        (voice.publish_votes): only once at least the workshop's smallest group of people
        have votes the screen does not show are all of them shown at once. Facilitator or
        shared screen. Returns how many people's votes are still waiting to be shown."""
        workshop_id = self._facilitated(viewer_token, ROOM_VIEWERS)
        with self.engine.connect() as conn:  # a read first: most refreshes change nothing
            current, shown, min_group = _votes_now(conn, workshop_id)
        published, waiting = voice.publish_votes(current, shown, min_group)
        if published == shown:
            return waiting

        def work(conn: Connection) -> int:
            _one_publisher(conn, workshop_id)
            current, shown, min_group = _votes_now(conn, workshop_id)  # again, inside the write transaction
            published, waiting = voice.publish_votes(current, shown, min_group)
            if published != shown:
                of_workshop = select(candidates.c.id).where(candidates.c.workshop_id == workshop_id)
                conn.execute(delete(shown_votes).where(shown_votes.c.candidate_id.in_(of_workshop)))
                rows = [dict(candidate_id=c, respondent_id=person, dots=d) for person, given in published.items() for c, d in given.items()]
                if rows:
                    conn.execute(insert(shown_votes), rows)
            return waiting

        return self._write(work)

    def ballot(self, participant_token: str) -> tuple[dict, list[dict], dict[str, int]]:
        """What a participant votes on: the settings, the actions ({id, text} in the order
        put to the room; no totals) and their own votes {candidate id: votes}."""
        workshop_id = self._facilitated(participant_token, (PARTICIPANT,))
        with self.engine.connect() as conn:
            settings, listed = _voice(conn, workshop_id), _listed(conn, workshop_id)
            mine = conn.execute(select(votes.c.candidate_id, votes.c.dots).where(votes.c.respondent_id == token_hash(participant_token))).all()
        return settings, listed, {r.candidate_id: r.dots for r in mine if r.dots}

    def ballot_stamp(self, workshop_id: str) -> tuple:
        """What every participant's voting page shows alike (voice.ballot_stamp), by the
        workshop's id: a phone showing another is out of date (ui/workshop/follow.py)."""
        with self.engine.connect() as conn:
            return voice.ballot_stamp(_voice(conn, workshop_id), _listed(conn, workshop_id))

    def vote(self, participant_token: str, candidate_id: str, dots: int) -> dict[str, int]:
        """Set this participant's votes on one action to `dots` (0 takes them off). The rule
        (votes each, at most voice.MAX_ON_ONE on one action) is checked in the transaction
        that saves the vote, holding the participant's lock, so the same link in several
        sessions, or a request sent again, cannot give more. VoiceError says why not;
        returns the participant's votes as they now stand."""
        key = token_hash(participant_token)
        if isinstance(dots, bool) or not isinstance(dots, int):
            raise voice.VoiceError("A vote is a whole number.")

        def work(conn: Connection) -> dict[str, int]:
            if conn.dialect.name == "postgresql":  # one vote at a time per participant
                conn.execute(text_("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key + "vote"})
            workshop_id = _participant_may_speak(conn, key)
            settings = _voice(conn, workshop_id)
            if not settings["voting_open"]:
                raise voice.VoiceError("Voting is not open just now, so this vote was not counted.")
            if conn.execute(select(candidates.c.id).where(candidates.c.id == candidate_id, candidates.c.workshop_id == workshop_id)).first() is None:
                raise voice.VoiceError("That action is no longer on the list.")
            most = voice.max_on_one(settings["votes_each"])
            if not 0 <= dots <= most:
                raise voice.VoiceError(f"Put 0 to {most} votes on one action.")
            mine = dict(conn.execute(select(votes.c.candidate_id, votes.c.dots).where(votes.c.respondent_id == key)).all())
            others = sum(d for c, d in mine.items() if c != candidate_id)
            if others + dots > settings["votes_each"]:
                left = settings["votes_each"] - others
                raise voice.VoiceError(
                    f"You have {settings['votes_each']} votes and {left} left for this one: take a vote off another action first."
                    if left
                    else f"You have used all {settings['votes_each']} of your votes: take one off another action first."
                )
            conn.execute(delete(votes).where(votes.c.respondent_id == key, votes.c.candidate_id == candidate_id))
            if dots:
                conn.execute(insert(votes).values(candidate_id=candidate_id, respondent_id=key, dots=dots))
            mine[candidate_id] = dots
            return {c: d for c, d in mine.items() if d}

        return self._write(work)

    def contribute(self, participant_token: str, text: Any) -> str:
        """A participant's contribution, waiting for the facilitator; returns its id.
        VoiceError for text that cannot be taken, when contributions are closed, or past
        the limits per participant (voice.CONTRIBUTION_BURST a minute,
        voice.CONTRIBUTIONS_EACH in all), counted in the database in this transaction."""
        key = token_hash(participant_token)
        text = voice.clean_contribution(text)

        def work(conn: Connection) -> str:
            if conn.dialect.name == "postgresql":  # one count at a time per participant
                conn.execute(text_("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key + "contribute"})
            workshop_id = _participant_may_speak(conn, key)
            if not _voice(conn, workshop_id)["contributions_open"]:
                raise voice.VoiceError("The facilitator is not taking contributions just now, so this was not sent.")
            now = _now()
            sent = conn.execute(select(contributions.c.created_at).where(contributions.c.respondent_id == key)).scalars().all()
            if len(sent) >= voice.CONTRIBUTIONS_EACH:
                raise voice.VoiceError(f"You have sent {voice.CONTRIBUTIONS_EACH} contributions, as many as one person can in a workshop.")
            window = timedelta(seconds=voice.CONTRIBUTION_WINDOW_SECONDS)
            recent = sorted(_aware(t) for t in sent if now - _aware(t) < window)
            if len(recent) >= voice.CONTRIBUTION_BURST:
                wait = math.ceil((recent[-voice.CONTRIBUTION_BURST] + window - now).total_seconds())
                raise voice.VoiceError(f"You have sent {voice.CONTRIBUTION_BURST} in the last minute. Wait {_seconds(max(1, wait))}, then send it again.")
            contribution_id = secrets.token_hex(8)
            conn.execute(
                insert(contributions).values(id=contribution_id, workshop_id=workshop_id, respondent_id=key, text=text, status=voice.NEW, created_at=now)
            )
            return contribution_id

        return self._write(work)

    def my_contributions(self, participant_token: str) -> list[dict]:
        """What this participant has sent, newest first: {text, status}."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(contributions.c.text, contributions.c.status)
                .where(contributions.c.respondent_id == token_hash(participant_token))
                .order_by(contributions.c.created_at.desc())
            ).all()
        return [{"text": r.text, "status": r.status} for r in rows]

    def contributions(self, viewer_token: str, statuses: tuple[str, ...] | None = None) -> list[dict]:
        """The workshop's contributions, oldest first: {id, text, status}. The facilitator
        sees every one (or those of `statuses`); the shared screen only the shown ones."""
        workshop_id, kind = self._member(viewer_token, ROOM_VIEWERS)
        if kind != FACILITATOR:
            statuses = (voice.SHOWN,)
        query = select(contributions.c.id, contributions.c.text, contributions.c.status).where(contributions.c.workshop_id == workshop_id)
        if statuses is not None:
            query = query.where(contributions.c.status.in_(list(statuses)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(contributions.c.created_at, contributions.c.id)).all()
        return [{"id": r.id, "text": r.text, "status": r.status} for r in rows]

    def moderate(self, facilitator_token: str, contribution_id: str, status: str) -> None:
        """Show, hide or reject a contribution: facilitator only."""
        workshop_id = self._facilitated(facilitator_token)
        if status not in (voice.SHOWN, voice.HIDDEN, voice.REJECTED):
            raise voice.VoiceError(f"unknown decision {status!r}")

        def work(conn: Connection) -> None:
            conn.execute(update(contributions).where(contributions.c.workshop_id == workshop_id, contributions.c.id == contribution_id).values(status=status))

        self._write(work)

    def restore_voice(self, facilitator_token: str, ranked: list[tuple[str, int]], shown: list[str]) -> None:
        """A pack's actions with their votes (text, votes) and its shown contributions,
        into this workshop in one transaction: all or nothing. Facilitator only; the texts
        are checked as if typed."""
        workshop_id = self._facilitated(facilitator_token)
        rows = [(voice.clean_candidate(text), int(count)) for text, count in ranked]
        texts = [voice.clean_contribution(text) for text in shown]
        if len(rows) > voice.MAX_CANDIDATES:
            raise voice.VoiceError(f"a room has at most {voice.MAX_CANDIDATES} actions to vote on")
        now = _now()

        def work(conn: Connection) -> None:
            for number, (words, count) in enumerate(rows):
                conn.execute(
                    insert(candidates).values(
                        id=secrets.token_hex(8),
                        workshop_id=workshop_id,
                        text=words,
                        origin=voice.FROM_PACK,
                        created_at=now + timedelta(microseconds=number),  # keeps the pack's order
                        carried_votes=max(0, count),
                    )
                )
            for number, words in enumerate(texts):
                conn.execute(
                    insert(contributions).values(
                        id=secrets.token_hex(8),
                        workshop_id=workshop_id,
                        respondent_id=None,
                        text=words,
                        status=voice.SHOWN,
                        created_at=now + timedelta(microseconds=number),
                    )
                )

        self._write(work)

    def _member(self, token: Any, kinds: tuple[str, ...]) -> tuple[str, str]:
        found = self.kind(token)
        if found is None or found[0] not in kinds or not found[1]:
            raise PermissionError("Only the facilitator's link can do that.")
        return found[1], found[0]

    def _facilitated(self, facilitator_token: Any, kinds: tuple[str, ...] = (FACILITATOR,)) -> str:
        found = self.kind(facilitator_token)
        if found is None or found[0] not in kinds or not found[1]:
            raise PermissionError("Only the facilitator's link can do that.")
        return found[1]


class SchemaError(RuntimeError):
    """A database this version of the app cannot use; the message says what to do."""


class StoreUnavailable(RuntimeError):
    """A write that could not be made after retrying (locked, disk full, read-only, no
    connection); the message says why in plain words, and nothing was changed."""


class WorkshopError(ValueError):
    """An answer a workshop does not accept (closed, or not one of its diagnostics)."""


class JoinError(ValueError):
    """A join code or role that cannot be used; the message is for the participant."""


class CreationLimit(WorkshopError):
    """Too many workshops or self-checks created from one client lately; the message says
    how long to wait."""


RETENTION_DAYS = 90
SELF_CHECK_DAYS_ENV = "COMMISSIONING_SELF_CHECK_DAYS"
SELF_CHECK_DAYS = 400  # a year on, with room to spare: bring the workbook back after that


def self_check_days() -> int:
    """How long a self-check nobody changes is kept (COMMISSIONING_SELF_CHECK_DAYS, else 400)."""
    try:
        return max(1, int(os.environ.get(SELF_CHECK_DAYS_ENV, "") or SELF_CHECK_DAYS))
    except ValueError:
        return SELF_CHECK_DAYS


# No figure the room sees counts fewer people than a workshop's smallest group: MIN_GROUP
# unless its facilitator raised it (at most MAX_MIN_GROUP). scoring.workshop.room applies it.
MIN_GROUP = 3
MAX_MIN_GROUP = 5
# What one client may create in CREATION_WINDOW (a venue's wifi is one address for everyone,
# so these are far above what a room needs: participants join, they do not create).
CREATION_LIMITS = {"workshop": 20, SELF_CHECK: 200}
CREATION_WINDOW = timedelta(hours=1)
DEFAULT_MAX_PARTICIPANTS = 250  # the room the product promises (200), and latecomers
MAX_PARTICIPANTS_LIMIT = 1000
SQLITE_BUSY_TIMEOUT_MS = 2000  # per attempt; _write tries WRITE_ATTEMPTS times
WRITE_ATTEMPTS = 4
WRITE_BACKOFF_SECONDS = 0.05  # then 3 times longer each attempt, with jitter
RESPONSES_KEPT = 5000  # participants whose answers the store keeps in memory between reads
FREE_WRONG_CODES = 5  # typos are free; after these each wrong code doubles the wait
MAX_JOIN_WAIT_SECONDS = 60
FAILURE_MEMORY = timedelta(minutes=15)  # a client's count restarts after this quiet spell
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0 or 1 to misread
JOIN_CODE_LENGTH = 8


def _seconds(count: int) -> str:
    return "1 second" if count == 1 else f"{count} seconds"


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: Any) -> str | None:
    """The stored form of a typed code (case, spaces and dashes ignored), or None if it
    cannot be a code."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    cleaned = re.sub(r"[\s-]", "", code).upper()
    if len(cleaned) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


def show_join_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _waiting(conn, workshop_id: str) -> tuple[list, int]:
    """The participants whose changes the screen does not show yet, as (id, updated_at),
    and how many must be waiting before they are shown (1 until results are first
    revealed: nobody has seen the screen's copy, so nothing can be worked out from it)."""
    workshop = conn.execute(select(workshops.c.min_group, workshops.c.first_revealed_at).where(workshops.c.id == workshop_id)).one()
    changed = conn.execute(
        select(respondents.c.id, respondents.c.updated_at).where(
            respondents.c.workshop_id == workshop_id,
            respondents.c.kind == PARTICIPANT,
            (respondents.c.shown_at.is_(None)) | (respondents.c.shown_at != respondents.c.updated_at),
        )
    ).all()
    return changed, (workshop.min_group or MIN_GROUP) if workshop.first_revealed_at else 1


def _one_publisher(conn, workshop_id: str) -> None:
    """Wait until no other transaction is copying this workshop's answers or votes to the
    screen's copy (PostgreSQL; SQLite has one writer). Screens on several processes may
    publish one batch at the same moment: each would delete the copy and insert it again,
    and the second insert would meet the first's rows. Then read what waits again."""
    if conn.dialect.name == "postgresql":
        conn.execute(text_("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": workshop_id + "publish"})


def _check_section(conn, workshop_id: str, section: Any) -> None:
    """WorkshopError unless `section` is the key of one of the workshop's sections."""
    from scoring.workshop import rounds  # here: rounds reads the registry, which reads the instruments

    offered = json.loads(conn.execute(select(workshops.c.diagnostics).where(workshops.c.id == workshop_id)).scalar_one())
    if not isinstance(section, str) or rounds.find(section, offered) is None:
        raise WorkshopError("That section is not one of this workshop's: the round was not changed.")


def _save_round(conn, workshop_id: str, **values) -> None:
    """Insert or update a workshop's round row with these values (section, revealed)."""
    values["updated_at"] = _now()
    if not conn.execute(update(workshop_rounds).where(workshop_rounds.c.workshop_id == workshop_id).values(**values)).rowcount:
        conn.execute(insert(workshop_rounds).values(workshop_id=workshop_id, **{"section": None, "revealed": "[]", **values}))


def _publish(conn, changed: list) -> None:
    """Bring these participants' rows of the screen's copy level with their answers, marked
    with the updated_at read with them: a change made since stays waiting. Only the rows
    that differ are written: the batch is one write transaction, which every save waits
    behind, and copying every row again (16,000 for 400 people who answered all 40
    factors) took 72 ms of it, against 57."""
    for chunk in range(0, len(changed), 500):
        ids = [c.id for c in changed[chunk : chunk + 500]]
        # Gone or changed: no answer with the same key and the same data.
        conn.execute(
            delete(shown_answers).where(
                shown_answers.c.respondent_id.in_(ids), ~exists().where(*_same_key(answers, shown_answers), answers.c.data == shown_answers.c.data)
            )
        )
        # New, or changed (deleted above).
        conn.execute(
            insert(shown_answers).from_select(
                ["respondent_id", "diagnostic_id", "item_id", "data"],
                select(answers.c.respondent_id, answers.c.diagnostic_id, answers.c.item_id, answers.c.data).where(
                    answers.c.respondent_id.in_(ids), ~exists().where(*_same_key(shown_answers, answers))
                ),
            )
        )
    if changed:
        conn.execute(
            update(respondents).where(respondents.c.id == bindparam("key")).values(shown_at=bindparam("stamp")),
            [{"key": c.id, "stamp": c.updated_at} for c in changed],
        )


def _same_key(table: Table, other: Table) -> tuple:
    return tuple(table.c[name] == other.c[name] for name in ("respondent_id", "diagnostic_id", "item_id"))


def _voice(conn, workshop_id: str) -> dict:
    row = conn.execute(select(room_voice).where(room_voice.c.workshop_id == workshop_id)).first()
    if row is None:
        return {"votes_each": voice.DEFAULT_VOTES_EACH, "voting_open": False, "prompt": voice.DEFAULT_PROMPT, "contributions_open": False}
    return {"votes_each": row.votes_each, "voting_open": bool(row.voting_open), "prompt": row.prompt, "contributions_open": bool(row.contributions_open)}


def _listed(conn, workshop_id: str) -> list[dict]:
    """The actions put to the room, {id, text}, in the order they were put (no totals)."""
    rows = conn.execute(
        select(candidates.c.id, candidates.c.text).where(candidates.c.workshop_id == workshop_id).order_by(candidates.c.created_at, candidates.c.id)
    ).all()
    return [{"id": r.id, "text": r.text} for r in rows]


def _votes_now(conn, workshop_id: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], int]:
    """The workshop's votes as they stand and as the screen shows them, each {participant:
    {candidate id: votes}}, and the smallest group it shows."""
    of_workshop = select(candidates.c.id).where(candidates.c.workshop_id == workshop_id)
    found = []
    for table in (votes, shown_votes):
        people: dict[str, dict[str, int]] = {}
        for candidate_id, respondent_id, dots in conn.execute(
            select(table.c.candidate_id, table.c.respondent_id, table.c.dots).where(table.c.candidate_id.in_(of_workshop), table.c.dots > 0)
        ):
            people.setdefault(respondent_id, {})[candidate_id] = dots
        found.append(people)
    min_group = conn.execute(select(workshops.c.min_group).where(workshops.c.id == workshop_id)).scalar_one()
    return found[0], found[1], min_group or MIN_GROUP


def _most_given(conn, workshop_id: str) -> tuple[int, int]:
    """The most votes one participant has given in the workshop, and the most on one action."""
    mine = select(candidates.c.id).where(candidates.c.workshop_id == workshop_id)
    total = select(func.sum(votes.c.dots).label("total")).where(votes.c.candidate_id.in_(mine)).group_by(votes.c.respondent_id).subquery()
    most = conn.execute(select(func.max(total.c.total))).scalar() or 0
    one = conn.execute(select(func.max(votes.c.dots)).where(votes.c.candidate_id.in_(mine))).scalar() or 0
    return int(most), int(one)


def _participant_may_speak(conn, key: str) -> str:
    """The workshop of this participant, if it is open and not past its time; else
    VoiceError (PermissionError for a token that is not a participant's)."""
    row = conn.execute(
        select(respondents.c.kind, respondents.c.workshop_id, workshops.c.is_open, workshops.c.expires_at)
        .select_from(respondents.join(workshops, respondents.c.workshop_id == workshops.c.id))
        .where(respondents.c.id == key)
    ).first()
    if row is None or row.kind != PARTICIPANT:
        raise PermissionError("Only a participant's link can vote or send a contribution.")
    if not row.is_open or _aware(row.expires_at) < _now():
        raise voice.VoiceError("This workshop has closed, so nothing was sent.")
    return row.workshop_id


def _of_workshop(column):
    return select(column).where(workshops.c.id == respondents.c.workshop_id).scalar_subquery()


# Built once: every answer runs these two, and building and keying a statement afresh
# costs more than running it.
_MARK_CHANGED = (
    update(respondents)
    .where(respondents.c.id == bindparam("key"))
    .values(updated_at=bindparam("now"))
    .returning(
        respondents.c.kind,
        _of_workshop(workshops.c.is_open).label("is_open"),
        _of_workshop(workshops.c.diagnostics).label("diagnostics"),
        _of_workshop(workshops.c.expires_at).label("expires_at"),
    )
)


def _upsert_statement(dialect_insert):
    statement = dialect_insert(answers)
    return statement.on_conflict_do_update(
        index_elements=["respondent_id", "diagnostic_id", "item_id"],
        set_={"data": statement.excluded.data, "updated_at": statement.excluded.updated_at},
    )


_SQLITE_BEGIN = "BEGIN IMMEDIATE"  # a write takes the write lock at once
_UPSERTS = {"sqlite": _upsert_statement(sqlite.insert), "postgresql": _upsert_statement(postgresql.insert)}


def _may_write(conn, key: str, diagnostic_id: str, now: datetime | None = None) -> None:
    """Mark the respondent as changed now (the shared screen rereads a workshop only when
    that mark moves), or refuse a change the respondent may not make. One statement: the
    mark comes back with what decides, and a refusal rolls the mark back with the rest."""
    now = now or _now()
    _check_may_write(conn.execute(_MARK_CHANGED, {"key": key, "now": now}).first(), diagnostic_id, now)


# An answer's save on PostgreSQL, as one statement (Store.__init__ says why): what
# _MARK_CHANGED and the upsert do, with _check_may_write's rules in SQL, so a refused
# answer writes nothing. It returns what _check_may_write needs to say why it was
# refused, and how many answers it wrote, so Python's rules and these can be seen to agree.
_PG_SAVE = """
WITH found AS (
  SELECT r.kind, w.is_open, w.diagnostics, w.expires_at
  FROM respondents r LEFT JOIN workshops w ON w.id = r.workshop_id
  WHERE r.id = %(key)s
), allowed AS (
  SELECT 1 FROM found
  WHERE kind <> %(screen)s AND (expires_at IS NULL OR expires_at >= %(now)s)
    AND (kind <> %(participant)s OR (is_open AND diagnostics::jsonb ? %(diagnostic_id)s))
), mark AS (
  UPDATE respondents SET updated_at = %(now)s WHERE id = %(key)s AND EXISTS (SELECT 1 FROM allowed)
), saved AS (
  INSERT INTO answers (respondent_id, diagnostic_id, item_id, data, updated_at)
  SELECT %(key)s, %(diagnostic_id)s, %(item_id)s, %(data)s, %(now)s FROM allowed
  ON CONFLICT (respondent_id, diagnostic_id, item_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
  RETURNING 1
)
SELECT kind, is_open, diagnostics, expires_at, (SELECT count(*) FROM saved) FROM found
"""
_MayWrite = collections.namedtuple("_MayWrite", "kind is_open diagnostics expires_at")


def _check_may_write(found, diagnostic_id: str, now: datetime) -> None:
    """Refuse a change, given what _MARK_CHANGED (or _PG_SAVE) returned for the respondent
    (None: unknown)."""
    if found is None:
        raise KeyError("unknown respondent")
    if found.kind == SCREEN:
        raise WorkshopError("The shared screen's link shows the room; it cannot change anything.")
    if found.expires_at is not None and _aware(found.expires_at) < now:
        raise WorkshopError(f"This workshop has ended (workshops are kept {RETENTION_DAYS} days), so nothing was saved.")
    if found.kind == PARTICIPANT:
        if not found.is_open:
            raise WorkshopError("This workshop has closed to new answers, so this answer was not saved.")
        if diagnostic_id not in json.loads(found.diagnostics):
            raise WorkshopError("That diagnostic is not part of this workshop, so nothing was saved.")


class _DriverStatement:
    """A statement compiled once for a dialect, to run on the driver's own cursor: its SQL,
    its parameters converted as SQLAlchemy would (SQLite keeps dates as text), and its
    returned row converted back."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        # Each parameter in the driver's order: the name it is given by, whether it must
        # be given, the value it has if not (bound in the statement itself), and its
        # conversion for the driver. Worked out once here, not by construct_params per save.
        self._slots = []
        for name in compiled.positiontup if compiled.positional else compiled.binds:
            bind = compiled.binds[name]
            if bind.expanding or bind.callable:
                raise ValueError(f"{name}: a driver statement takes plain parameters")
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self._slots.append((name, bind.key, bind.required, bind.value, process))
        self._positional = compiled.positional
        columns = list(statement.exported_columns)  # what it returns, if anything
        self._row_type = collections.namedtuple("Row", [column.key for column in columns])
        self._from_driver = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]

    def params(self, **values):
        converted = []
        for _, key, required, default, process in self._slots:
            value = values[key] if required or key in values else default  # a missing one: KeyError
            converted.append(process(value) if process is not None and value is not None else value)
        return tuple(converted) if self._positional else {slot[0]: value for slot, value in zip(self._slots, converted)}

    def row(self, values):
        if values is None:
            return None
        return self._row_type(*(process(value) if process else value for process, value in zip(self._from_driver, values)))


def clean_name(name: Any) -> str:
    """A self-check's name: text on one line, without characters a spreadsheet cannot hold,
    at most NAME_LIMIT characters (ValueError past that)."""
    if name is None:
        return ""
    if not isinstance(name, str):
        raise ValueError("a name must be text")
    name = " ".join(UNSTORABLE.sub("", name).split())
    if len(name) > NAME_LIMIT:
        raise ValueError(f"a name is at most {NAME_LIMIT} characters")
    return name


def _insert_respondent(conn, kind: str, *, workshop_id: str | None = None, role: str | None = None, with_answers: bool = False) -> str:
    """A new respondent; returns its token. Someone who has only joined has nothing the
    shared screen could show, so they are not waiting to be shown (else joining twice,
    empty, would release a late joiner's answers); one imported `with_answers` is."""
    token = secrets.token_urlsafe(18)
    now = _now()
    conn.execute(
        insert(respondents).values(
            id=token_hash(token),
            kind=kind,
            created_at=now,
            updated_at=now,
            workshop_id=workshop_id,
            role=role,
            shown_at=None if with_answers else now,
        )
    )
    return token


def _join_wait(row, now: datetime) -> int:
    """Seconds a client with this failure row must wait (0: none)."""
    if row is None or row.failures < FREE_WRONG_CODES or now - _aware(row.last_failure) > FAILURE_MEMORY:
        return 0
    delay = min(2 ** (row.failures - FREE_WRONG_CODES), MAX_JOIN_WAIT_SECONDS)
    return max(0, math.ceil(delay - (now - _aware(row.last_failure)).total_seconds()))


def _count_failure(conn, key: str, now: datetime) -> None:
    """One more wrong code for this client, in the caller's transaction (which holds the
    client's lock on PostgreSQL; SQLite writes one at a time)."""
    try:
        with conn.begin_nested():
            conn.execute(insert(join_failures).values(client=key, failures=1, last_failure=now))
        return
    except IntegrityError:
        pass  # a row exists (rows past FAILURE_MEMORY were just deleted): count on from it
    conn.execute(update(join_failures).where(join_failures.c.client == key).values(failures=join_failures.c.failures + 1, last_failure=now))


def _check_min_group(min_group: int | None) -> None:
    if min_group is not None and not MIN_GROUP <= min_group <= MAX_MIN_GROUP:
        raise ValueError(f"the smallest group shown is {MIN_GROUP} to {MAX_MIN_GROUP} people")


def _count_creation(conn, key: str, kind: str) -> None:
    """One more workshop or self-check created by this client, in the caller's
    transaction; CreationLimit (rolling it back) past CREATION_LIMITS[kind] in the window."""
    now = _now()
    if conn.dialect.name == "postgresql":  # one count at a time per client, row or no row yet
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key + kind})
    conn.execute(delete(creations).where(creations.c.window_start < now - CREATION_WINDOW))
    row = conn.execute(select(creations).where(creations.c.client == key, creations.c.kind == kind)).first()
    if row is None:
        conn.execute(insert(creations).values(client=key, kind=kind, created=1, window_start=now))
        return
    if row.created >= CREATION_LIMITS[kind]:
        wait = math.ceil((_aware(row.window_start) + CREATION_WINDOW - now).total_seconds() / 60)
        what = "workshops" if kind == "workshop" else "self-checks"
        raise CreationLimit(f"Too many new {what} have been started from here lately. Try again in {wait} minute{'s' if wait != 1 else ''}; nothing was saved.")
    conn.execute(update(creations).where(creations.c.client == key, creations.c.kind == kind).values(created=creations.c.created + 1))


def client_key(client: str) -> str:
    """The failure record's key for a client address: a keyed hash, so that the records
    cannot be turned back into addresses (an unkeyed hash of an IPv4 address is reversed
    by trying all 2^32). The key is COMMISSIONING_SECRET when set (several app processes
    must share it, deploy/stack.py sets one), else a random key for this process."""
    return hmac.new(_CLIENT_KEY, str(client).encode("utf-8"), hashlib.sha256).hexdigest()


_CLIENT_KEY = (os.environ.get(SECRET_ENV) or "").encode("utf-8") or secrets.token_bytes(32)


def _workshop_dict(row) -> dict:
    return {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "diagnostics": json.loads(row.diagnostics),
        "roles": json.loads(row.roles),
        "results_visible": bool(row.results_visible),
        "is_open": bool(row.is_open),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "max_participants": row.max_participants or DEFAULT_MAX_PARTICIPANTS,
        "min_group": row.min_group or MIN_GROUP,
        "kind": row.kind,
        "role": row.role,
        "section": row.section,  # the round's section key; None: self-paced
        "revealed": json.loads(row.revealed) if row.revealed else [],
    }


def _create_or_upgrade(engine: Engine) -> None:
    """Create the tables, or bring a database from an earlier version up to date."""
    existing = set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        if "respondents" in existing and "schema_version" not in existing:
            # Version 1 (the self-check): add the workshop columns, keep every answer.
            conn.execute(text("ALTER TABLE respondents ADD COLUMN workshop_id VARCHAR(32)"))
            conn.execute(text("ALTER TABLE respondents ADD COLUMN role VARCHAR(100)"))
            for index in respondents.indexes:  # create_all makes indexes only with new tables
                index.create(conn)
        for table, column, kind in (
            ("workshops", "max_participants", "INTEGER"),  # version 3
            ("workshops", "min_group", "INTEGER"),  # version 4
            ("workshops", "first_revealed_at", _timestamp(engine)),  # version 4
            ("respondents", "shown_at", _timestamp(engine)),  # version 4
            ("respondents", "name", f"VARCHAR({NAME_LIMIT})"),
        ):  # version 5
            if table in existing and column not in {c["name"] for c in inspect(conn).get_columns(table)}:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
        metadata.create_all(conn)
        version = conn.execute(select(schema_version.c.version)).scalar()
        if version is None:
            conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
        elif version < SCHEMA_VERSION:
            conn.execute(update(schema_version).values(version=SCHEMA_VERSION))
        elif version > SCHEMA_VERSION:
            raise SchemaError(
                f"The database is from a newer version of this app (schema {version}, this app knows "
                f"{SCHEMA_VERSION}). Upgrade the app before using this database."
            )


def _timestamp(engine: Engine) -> str:
    """The column type DateTime(timezone=True) is created as, for ALTER TABLE."""
    return "TIMESTAMP WITH TIME ZONE" if engine.dialect.name == "postgresql" else "DATETIME"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets many participants write while the facilitator's screen reads. A writer
    # waits up to the busy timeout for the one write lock (then _write retries): a room
    # of 200 queues its writes, each a millisecond or two.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A commit no longer waits for the log to reach the disk (scoring/wal_sync.py does that
    # once a second): still safe against the app crashing, and a tenth of an answer's CPU.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _database_file(engine: Engine) -> str | None:
    """The SQLite database's file, or None (not SQLite, in memory, or a URI)."""
    url = engine.url
    if engine.dialect.name != "sqlite" or not url.database or url.database == ":memory:" or url.query.get("uri"):
        return None
    return os.path.abspath(url.database)


def _sqlite_writer_connect(dbapi_connection, record) -> None:
    # The driver's own transaction handling off, so that "begin" can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    _sqlite_pragmas(dbapi_connection, record)


def _unavailable_reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text:
        return "the server's disk is full"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "the server cannot write to its database just now"
    if "locked" in text or "busy" in text or isinstance(exc, PoolTimeout):
        return "the server is very busy"
    return "the server could not reach its database"
