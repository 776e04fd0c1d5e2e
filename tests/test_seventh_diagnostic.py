"""The proof (#13): a seventh diagnostic is one YAML file and nothing else.

A copy of data/ gets tests/files/seventh/sharing_learning.yaml (five statements in two
themes), the app is pointed at the copy (COMMISSIONING_INSTRUMENTS_DIR) and, with no code
edited, tests/seventh_checks.py checks it in the self-check's navigation and on its own
page, in workshop set-up and on a participant's pages, on the shared screen, in the pack,
in survey-import mapping, in the Excel summary, through bring-back and in compare; and
tests/test_registry.py runs every registry-generated test again with it included.
Run in a fresh process, since the data folder is read once, at start-up."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from scoring.instruments.loading import DATA_ENV

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "files" / "seventh" / "sharing_learning.yaml"


def test_a_seventh_statement_diagnostic_is_one_data_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copy(FIXTURE, data / FIXTURE.name)
    before = subprocess.run(
        ["git", "status", "--porcelain", "--", "scoring", "views", "ui", "app.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/seventh_checks.py", "tests/test_registry.py"],
        cwd=ROOT,
        env={**os.environ, DATA_ENV: str(data)},
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    passed = [line for line in run.stdout.splitlines() if " PASSED" in line]
    # Every one of the seventh's own checks ran and passed ...
    assert sum("seventh_checks.py::" in line for line in passed) == 6
    # ... and the registry's suite took it in: its contract, cases, page, workbook, survey,
    # room and comparison tests all ran for it.
    for test in (
        "keeps_the_contract",
        "page_wording",
        "themed_worked_cases",
        "worked_cases_give_what_they_expect",
        "pages_render",
        "round_trips",
        "survey_export",
        "aggregates_in_a_room",
        "compared_over_time",
    ):
        assert any(test in line and "sharing_learning" in line for line in passed), test
    after = subprocess.run(
        ["git", "status", "--porcelain", "--", "scoring", "views", "ui", "app.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert after == before, "no code was edited"
