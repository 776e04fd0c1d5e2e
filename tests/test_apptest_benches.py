"""bench/rerun.py and bench/workshop.py, run as a user runs them, with one timed run each:
they must still drive every page they name to the end and print their figures (not the
figures' values). bench/rerun.py broke unnoticed once, when an answer came to redraw only
the live panel and AppTest then held no question to answer."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bench(script: str, tmp_path: Path) -> dict[str, str]:
    run = subprocess.run(
        [sys.executable, script, "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COMMISSIONING_DATA_DIR": str(tmp_path)},
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    return dict(re.findall(r"(\w+)=(\S+)", run.stdout))


def test_rerun_bench_times_every_page_against_the_bare_page(tmp_path):
    figures = run_bench("bench/rerun.py", tmp_path)
    pages = ("self_check", "approaches", "plan", "tolerance", "conditions", "starting_points")
    for page in pages:
        assert float(figures[f"{page}_rerun_median_ms"]) > 0
        assert float(figures[f"ratio_{page}"]) > 0
    assert float(figures["ratio"]) == pytest.approx(max(float(figures[f"ratio_{page}"]) for page in pages), abs=0.01)


def test_workshop_bench_saves_every_participants_answers_and_times_the_screen(tmp_path):
    figures = run_bench("bench/workshop.py", tmp_path)
    assert figures["participants"] == "40" and int(figures["saves"]) > 0
    for name in ("shared_screen_rerun_median_ms", "shared_screen_rerun_after_new_answer_median_ms", "ratio"):
        assert float(figures[name]) > 0
