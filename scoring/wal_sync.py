"""SQLite's write-ahead log flushed to disk once a second, not once an answer.

In WAL mode SQLite's default (synchronous=FULL) flushes the log to disk at every commit:
in a room that is one fsync an answer, about a tenth of an answer's server CPU
(bench/answer.py --against the code before: change= 0.89-0.96). The store sets
synchronous=NORMAL, which SQLite recommends for WAL: every commit is still safe if the
app crashes or is killed, and the database is never corrupted; only a power cut or a
crash of the machine itself could lose the last commits not yet on disk. This thread
bounds that to about a second: it flushes each open store's log whenever it has grown or
changed since the last flush.
"""

from __future__ import annotations

import os
import threading
import time

INTERVAL_SECONDS = 1.0

_paths: dict[str, int] = {}  # log path -> how many open stores use it
_flushed: dict[str, tuple[int, int]] = {}  # log path -> (size, mtime_ns) when last flushed
_lock = threading.Lock()
_started = threading.Event()


def watch(database_path: str) -> None:
    """Flush this database's log about once a second while a store has it open."""
    wal = f"{database_path}-wal"
    with _lock:
        _paths[wal] = _paths.get(wal, 0) + 1
        if not _started.is_set():  # under the lock: two stores opened at once start one thread
            _started.set()
            threading.Thread(target=_keep_flushing, name="sqlite-wal-sync", daemon=True).start()


def unwatch(database_path: str) -> None:
    wal = f"{database_path}-wal"
    flush(wal)  # what this store wrote last is on disk before it goes
    with _lock:
        left = _paths.get(wal, 0) - 1
        if left > 0:
            _paths[wal] = left
        else:
            _paths.pop(wal, None)
            _flushed.pop(wal, None)


def flush(wal: str) -> bool:
    """fsync the log if it changed since the last flush; True if it did. fsync flushes the
    file's data whichever descriptor wrote it."""
    try:
        stat = os.stat(wal)
    except OSError:
        return False  # no log (yet, or checkpointed away)
    mark = (stat.st_size, stat.st_mtime_ns)
    if _flushed.get(wal) == mark:
        return False
    try:
        descriptor = os.open(wal, os.O_RDONLY)
    except OSError:
        return False
    try:
        os.fsync(descriptor)
    except OSError:
        return False  # a read-only or full disk: the next write says so to its user
    finally:
        os.close(descriptor)
    _flushed[wal] = mark
    return True


def _keep_flushing() -> None:
    while True:
        time.sleep(INTERVAL_SECONDS)
        with _lock:
            paths = list(_paths)
        for wal in paths:
            flush(wal)
