"""bench/load.py at a small size, run as a user runs it: 20 phones on a real
`streamlit run` server, over the websocket, each answering three factors, the shared
screen open. Asserts what the room must never lose (every answer sent is stored as sent,
no errors), not timings."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_twenty_phones_every_answer_sent_is_stored():
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--participants", "20", "--answers", "3", "--think", "0.2-0.6", "--no-bare"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    out = run.stdout + run.stderr
    line = next((text for text in run.stdout.splitlines() if text.startswith("N=20 ")), None)
    assert line, out
    figures = dict(re.findall(r"(\w+)=(\S+)", line))
    assert figures["sent"] == "60", line
    assert figures["stored"] == figures["sent"] == figures["acknowledged"], line
    assert figures["errors"] == "0" and figures["store_problems"] == "0", out
    assert run.returncode == 0, out
