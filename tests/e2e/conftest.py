"""Real-browser tests: `streamlit run` on a free local port, driven by Debian's Chromium.

In CI (CI=true) a missing Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A real Streamlit server with its own empty data directory."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    log_path = data_dir / "streamlit.log"
    env = {**os.environ, "COMMISSIONING_DATA_DIR": str(data_dir)}
    env.pop("COMMISSIONING_DATABASE_URL", None)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        raise RuntimeError(f"Streamlit did not start:\n{log_path.read_text()}")
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit is done when the script has finished running and nothing is stale."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stApp] [data-stale=true]')", timeout=timeout
    )
