"""Shared fixtures: every test gets its own empty database."""

import pytest

from scoring import instrument as instrument_module


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Point the store at a fresh SQLite file; never touch the user's own data."""
    monkeypatch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
    monkeypatch.setenv("COMMISSIONING_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path / "data"


@pytest.fixture(autouse=True)
def fresh_instrument_cache():
    instrument_module._load_version.cache_clear()
    instrument_module.known_sources.cache_clear()
    yield
