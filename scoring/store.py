"""Where answers live: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) by setting.

A respondent is found again through an unguessable token that only the respondent holds
(the resume link). The database keeps a SHA-256 hash of it, never the token itself, so a
copy of the database cannot be used to open anyone's answers.

Tables are generic on purpose: a respondent answers items of any registered diagnostic,
each answer a small JSON record that the diagnostic's scorer validates. Workshop mode adds
workshops and participants (respondents with kind "participant") beside these.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

DATABASE_URL_ENV = "COMMISSIONING_DATABASE_URL"
DATA_DIR_ENV = "COMMISSIONING_DATA_DIR"
DEFAULT_DATA_DIR = Path(".data")

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

metadata = MetaData()

respondents = Table(
    "respondents",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the resume token
    Column("kind", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

answers = Table(
    "answers",
    metadata,
    Column("respondent_id", String(64), ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True),
    Column("diagnostic_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


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


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: Any) -> bool:
    return isinstance(token, str) and bool(TOKEN_PATTERN.match(token))


class Store:
    """Answers by respondent, diagnostic and item. Safe to share between threads."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    # Respondents ----------------------------------------------------------------
    def new_respondent(self, kind: str = "self_check") -> str:
        """Create a respondent and return its token (shown to the user, not stored)."""
        token = secrets.token_urlsafe(18)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(respondents).values(id=token_hash(token), kind=kind, created_at=now, updated_at=now)
            )
        return token

    def exists(self, token: Any) -> bool:
        if not looks_like_token(token):
            return False
        with self.engine.connect() as conn:
            found = conn.execute(
                select(respondents.c.id).where(respondents.c.id == token_hash(token))
            ).first()
        return found is not None

    def delete_respondent(self, token: str) -> None:
        key = token_hash(token)
        with self.engine.begin() as conn:
            conn.execute(delete(answers).where(answers.c.respondent_id == key))
            conn.execute(delete(respondents).where(respondents.c.id == key))

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
            rows = conn.execute(
                select(answers.c.diagnostic_id, answers.c.item_id, answers.c.data).where(
                    answers.c.respondent_id == token_hash(token)
                )
            ).all()
        response: dict[str, dict[str, dict]] = {}
        for diagnostic_id, item_id, data in rows:
            response.setdefault(diagnostic_id, {})[item_id] = json.loads(data)
        return response

    def delete_answer(self, token: str, diagnostic_id: str, item_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(answers).where(
                    answers.c.respondent_id == token_hash(token),
                    answers.c.diagnostic_id == diagnostic_id,
                    answers.c.item_id == item_id,
                )
            )

    def save_answer(self, token: str, diagnostic_id: str, item_id: str, record: dict) -> None:
        """Insert or replace one record (the caller has validated it)."""
        key = token_hash(token)
        data = json.dumps(record, ensure_ascii=False, sort_keys=True)
        now = _now()
        where = (
            (answers.c.respondent_id == key)
            & (answers.c.diagnostic_id == diagnostic_id)
            & (answers.c.item_id == item_id)
        )
        with self.engine.begin() as conn:
            touched = conn.execute(
                update(respondents).where(respondents.c.id == key).values(updated_at=now)
            ).rowcount
            if not touched:
                raise KeyError("unknown respondent")
            changed = conn.execute(update(answers).where(where).values(data=data, updated_at=now)).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(answers).values(
                                respondent_id=key,
                                diagnostic_id=diagnostic_id,
                                item_id=item_id,
                                data=data,
                                updated_at=now,
                            )
                        )
                except IntegrityError:  # a concurrent first save of the same item won
                    conn.execute(update(answers).where(where).values(data=data, updated_at=now))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets many participants write while the facilitator's screen reads.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
