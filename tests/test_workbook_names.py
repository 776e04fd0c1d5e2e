"""A self-check can be given a name: stored, shown on every sheet of its workbook and in
the file name, kept as typed (never markup, never a formula), and back when the workbook
is brought back. A version-4 database gains the column."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from apptest_helpers import rate
from openpyxl import load_workbook
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest
from test_pages import APP

from scoring.excel.reader import read_workbook
from scoring.excel.summary import build_workbook, file_name
from scoring.store import NAME_LIMIT, SCHEMA_VERSION, Store, schema_version

HOSTILE = '=cmd|"/c calc"!A0 <script>alert(1)</script> & co'
FACTOR = "sd_one_place"


@pytest.fixture
def store(tmp_path):
    made = Store(f"sqlite:///{tmp_path / 'names.db'}")
    yield made
    made.engine.dispose()


def test_a_self_check_keeps_its_name_as_typed_on_one_line(store):
    token = store.new_respondent()
    assert store.name(token) == ""
    assert store.set_name(token, f"  {HOSTILE}\n second line\x00 ") == f"{HOSTILE} second line"
    assert store.name(token) == f"{HOSTILE} second line"
    store.set_name(token, "")
    assert store.name(token) == ""


def test_a_name_too_long_or_for_nobody_is_refused_and_changes_nothing(store):
    token = store.new_respondent()
    store.set_name(token, "Spring")
    with pytest.raises(ValueError):
        store.set_name(token, "x" * (NAME_LIMIT + 1))
    with pytest.raises(KeyError):
        store.set_name("A" * 24, "Someone else's")
    assert store.name(token) == "Spring" and store.name("not a token") == ""


def test_the_name_is_on_every_sheet_and_comes_back(store):
    data = build_workbook({"eight_aspects": {FACTOR: {"basis": None, "note": "", "rating": 4, "weight": 1}}}, title=HOSTILE)
    wb = load_workbook(BytesIO(data))
    for ws in wb.worksheets:
        assert "=cmd" in ws.oddHeader.left.text or "=cmd" in str(ws.HeaderFooter.oddHeader), ws.title
    assert wb["Key results"]["A1"].value == f"Key results: {HOSTILE}"
    assert read_workbook(data).title == HOSTILE


def test_the_file_name_carries_the_name_in_plain_letters():
    assert file_name("self-check", HOSTILE, date(2027, 3, 4)) == "self-check-cmd-c-calc-a0-script-alert-1-script-co-2027-03-04.xlsx"
    assert file_name("self-check", "", date(2027, 3, 4)) == "self-check-2027-03-04.xlsx"
    assert file_name("workshop", "../../Ålesund ✓", date(2027, 3, 4)) == "workshop-lesund-2027-03-04.xlsx"


def test_a_version_4_database_gains_the_name_and_keeps_its_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    token = old.new_respondent()
    old.save_answer(token, "eight_aspects", FACTOR, {"rating": 3})
    with old.engine.begin() as conn:
        conn.execute(text("ALTER TABLE respondents DROP COLUMN name"))
        conn.execute(schema_version.update().values(version=4))
    old.engine.dispose()
    again = Store(url)
    assert again.response(token) == {"eight_aspects": {FACTOR: {"rating": 3}}}
    again.set_name(token, "After the upgrade")
    assert again.name(token) == "After the upgrade"
    with again.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar_one() == SCHEMA_VERSION >= 5
    again.engine.dispose()


def test_the_results_page_names_the_self_check_and_its_download():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    rate(at, f"ea_rating_{FACTOR}", 5)
    at.switch_page("views/diagnostics/results.py").run()
    at.text_input(key="results_name").set_value(HOSTILE).run()
    assert not at.exception and not at.error
    at.switch_page("views/home.py").run()
    at.switch_page("views/diagnostics/results.py").run()
    assert at.text_input(key="results_name").value == HOSTILE  # stored, and shown again as typed
    assert len(at.get("download_button")) == 1  # its file name is file_name()'s (a deferred download's name is not in AppTest)
