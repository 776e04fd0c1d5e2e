"""Real-browser tests: `streamlit run` on a free local port, driven by Debian's Chromium.

In CI (CI=true) a missing Chromium is an error, never a skip.

This file holds the fixtures only: the browser, the app server and its data directory.
The helpers the tests share are in modules beside it: servers.py (starting and stopping
an app server), pages.py (waiting for the app, widgets by key, ratings, live scores) and
deciding.py (approaches, the plan and the risk register).
"""

from __future__ import annotations

import os
import shutil

import pytest

# Tests written before the split import the helpers from conftest: keep them importable
# here until they import from the modules themselves.
from deciding import *  # noqa: F403
from pages import *  # noqa: F403
from servers import start_server, stop_server, warm_up

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if IN_CI:
        raise pytest.UsageError("CI=true but Chromium is missing: apt-get install -y chromium")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A real Streamlit server with its own empty data directory."""
    server, url = start_server(tmp_path_factory.mktemp("e2e-data"))
    yield url
    stop_server(server)


@pytest.fixture(scope="session", autouse=True)
def warm_up_app(app_url, browser):
    """Run the app once at its root before any test opens a deep link.

    Streamlit learns the st.navigation pages only when app.py first runs, so the very
    first session after a server start that opens e.g. /eight-aspects gets a
    "Page not found" modal over the right page (streamlit/streamlit#9992). That is
    Streamlit's, not this app's, and would make whichever test runs first flaky.
    """
    warm_up(browser, app_url)
