"""bench/screen.py, run as a user runs it at a small size: the room it builds must be in
the store, the shared screen must refresh without a fault, its copy must end up holding
every answer (the bench checks and stops if not), and it must print its figures."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_screen_bench_refreshes_a_full_room_s_screen_and_its_copy_keeps_up():
    run = subprocess.run([sys.executable, "bench/screen.py", "--participants", "6", "--repeat", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    figures = dict(re.findall(r"(\w+)=(\S+)", run.stdout))
    assert int(figures["participants"]) == 6
    assert int(figures["answers_in_store"]) == 6 * 40  # every factor, for everyone
    for name in ("quiet", "all_changed"):
        assert int(figures[f"{name}_refreshes"]) == 2
        assert float(figures[f"{name}_wall_ms"]) > 0
    assert run.stdout.strip().splitlines()[-1].startswith("ratio=")
