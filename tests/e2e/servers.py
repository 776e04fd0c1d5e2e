"""The app servers the browser tests start: `streamlit run app.py` on a free local port,
each with its own data directory, and the first run that teaches it its pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pages import wait_for_app


def start_server(data_dir: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` with its own data directory (deploy/stack.py starts it, as
    the hosting stack does); returns (process, url) once healthy. The file watcher is off
    there: an edit made while the suite runs must not reach a running test."""
    from deploy import stack

    port = port or stack.free_port()
    # An empty URL is no URL: the app takes SQLite in data_dir.
    env = {"COMMISSIONING_DATA_DIR": str(data_dir), "COMMISSIONING_DATABASE_URL": ""}
    server = stack.start_app(port, env=env, log=data_dir / "streamlit.log")
    return server, f"http://127.0.0.1:{port}"


def stop_server(server: subprocess.Popen) -> None:
    from deploy import stack

    stack.stop(server)


def warm_up(browser, url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_role("heading", name="Commissioning Diagnostics").first.wait_for(timeout=60_000)
        wait_for_app(page)
    finally:
        context.close()
