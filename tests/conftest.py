"""Shared fixtures: every test gets its own empty database."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from scoring import instrument as instrument_module


TEST_BACKEND_ENV = "COMMISSIONING_TEST_DATABASE"  # "postgresql": the suite's store is PostgreSQL


@pytest.fixture(autouse=True)
def isolated_data_dir(request, tmp_path, monkeypatch):
    """Point the store at a fresh, empty database; never touch the user's own data.

    SQLite by default. With COMMISSIONING_TEST_DATABASE=postgresql (test.sh's second pass)
    every test that uses the app's default store gets a new database in a throwaway
    PostgreSQL cluster instead, so the same tests run on both backends."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    monkeypatch.setenv("COMMISSIONING_DATA_DIR", str(tmp_path / "data"))
    if os.environ.get(TEST_BACKEND_ENV) == "postgresql" and "e2e" not in request.node.nodeid:
        server = request.getfixturevalue("postgres_url")
        with _new_postgres_database(server) as url:
            monkeypatch.setenv("COMMISSIONING_DATABASE_URL", url)
            yield tmp_path / "data"
        return
    yield tmp_path / "data"


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no cached instrument and no cached store (the app keeps one
    store per process with st.cache_resource, pointed at that test's data directory)."""
    import streamlit as st

    instrument_module._load_version.cache_clear()
    instrument_module.known_sources.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield


# --- A real, throwaway PostgreSQL server for the store tests -----------------------


IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_url():
    """Start a private PostgreSQL cluster on a free local port; stop it afterwards."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        if IN_CI:
            pytest.fail("CI=true but PostgreSQL is missing: apt-get install -y postgresql")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install -y postgresql)")
    # Not under pytest's own temporary folder: that is private to root, and as root the
    # server must run as the postgres user (PostgreSQL refuses to run as root).
    base = Path(tempfile.mkdtemp(prefix="cd-postgres-"))
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)
    run(initdb, "-D", str(data), "-U", "app", "--auth=trust", "-E", "UTF8")
    run(pg_ctl, "-D", str(data), "-w", "-l", str(base / "log"), "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start")
    try:
        yield f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"
    finally:
        run(pg_ctl, "-D", str(data), "-w", "-m", "fast", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db_url(request, tmp_path):
    """A fresh, empty database on each backend: a SQLite file, and a new database in the
    session's PostgreSQL cluster (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with _new_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@contextlib.contextmanager
def _new_postgres_database(server_url: str):
    from sqlalchemy import create_engine, text

    name = f"test_{os.urandom(6).hex()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        import streamlit as st

        st.cache_resource.clear()  # the app's cached store holds connections to it
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()
