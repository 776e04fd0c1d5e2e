"""bench/save.py, run as a user runs it at a small size: its saves must land (it checks the
store itself and stops if not) and it must print its figures, the last the ratio of the
two ratios (not the figures' values)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_save_bench_times_real_saves_hot_and_after_idle_against_a_python_loop():
    run = subprocess.run([sys.executable, "bench/save.py", "--saves", "100", "--idle-ms", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    figures = dict(re.findall(r"(\w+)=(\S+)", run.stdout))
    # Every save timed, and the warm-up's one per participant, were made; each participant's
    # last answer to each factor it answered was read back (100 participants x 5 factors at most).
    assert int(figures["saves_made"]) == 100 + 2 * 100
    assert int(figures["saves_checked"]) == min(int(figures["saves_made"]), 500)
    for name in ("save_hot_ms", "save_after_idle_ms", "loop_hot_ms", "loop_after_idle_ms"):
        assert float(figures[name]) > 0
    # Recomputed from the printed (rounded) figures: a few per cent apart at most.
    assert float(figures["ratio_save"]) == pytest.approx(float(figures["save_after_idle_ms"]) / float(figures["save_hot_ms"]), rel=0.05)
    assert float(figures["ratio"]) == pytest.approx(float(figures["ratio_save"]) / float(figures["ratio_loop"]), rel=0.03)
    assert run.stdout.strip().splitlines()[-1].startswith("ratio=")
