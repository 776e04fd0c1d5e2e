"""Shared fixtures: every test gets its own empty database."""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from scoring.instruments import loading as instrument_module

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
    instrument_module.source_titles.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield


# --- A real, throwaway PostgreSQL server for the store tests -----------------------


IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL cluster on a free local port (deploy/stack.py starts it, as
    the hosting stack does); stopped afterwards."""
    from deploy import stack

    if not (stack.postgres_bin("initdb") and stack.postgres_bin("pg_ctl")):
        if IN_CI:
            pytest.fail("CI=true but PostgreSQL is missing: apt-get install -y postgresql")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install -y postgresql)")
    # Not under pytest's own temporary folder: that is private to root, and as root the
    # server must run as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="cd-postgres-"))
    base.chmod(0o711)
    try:
        with stack.postgres(base) as url:
            yield url
    finally:
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
