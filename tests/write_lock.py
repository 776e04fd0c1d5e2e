"""Another writer holding SQLite's write lock, as a busy room's writers hold it: every save
made meanwhile waits past all its retries and is refused."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path


@contextlib.contextmanager
def write_lock_held(database: Path):
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        connection = sqlite3.connect(database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(60)
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert locked.wait(10), "the lock was not taken"
    try:
        yield
    finally:
        release.set()
        holder.join()
