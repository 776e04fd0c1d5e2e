"""Tests generated from the registry: every diagnostic and record kind keeps the contract
(scoring/contract.py), and every diagnostic runs its worked cases, renders its page,
round-trips through the workbook and the pack, maps from a survey export, aggregates in
a room and compares over time. A diagnostic added to the registry (one YAML file for a
statement diagnostic) is tested here with nothing added to this file;
tests/test_seventh_diagnostic.py runs this file again with one added."""

import inspect
import math
import subprocess
import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
import yaml
from apptest_helpers import open_address
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scoring import compare, contract, registry
from scoring.contract import COMPARE_KINDS, HOME_SECTIONS, ROOM_SHEET_KINDS, ROOM_VIEW_KINDS
from scoring.excel import reader
from scoring.excel import summary as export
from scoring.imports import survey
from scoring.instruments.loading import DATA_DIR
from scoring.workshop import room as workshop
from scoring.workshop import views
from scoring.workshop.pack import build_pack
from scoring.workshop.room import Participant

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DIAGNOSTICS = list(registry.diagnostics().values())
RECORDS = list(registry.records().values())
ANSWERED = [d for d in DIAGNOSTICS if d.survey_questions()]  # approaches is worked out, not answered


def ids(entry) -> str:
    return entry.ID


def answers(diagnostic, pick: int = -1) -> dict:
    """One respondent's records: every survey question answered with its `pick`-th option."""
    fields: dict[str, dict] = {}
    for question in diagnostic.survey_questions():
        fields.setdefault(question.item_id, {})[question.field] = list(question.options)[pick]
    return {item: diagnostic.clean_record(item, record) for item, record in fields.items()}


# --- The contract -------------------------------------------------------------------------


def _entry_points(protocol) -> list[str]:
    return [name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")]


@pytest.mark.parametrize("diagnostic", DIAGNOSTICS, ids=ids)
def test_every_diagnostic_keeps_the_contract(diagnostic):
    for protocol in (contract.Stored, contract.Diagnostic):
        for name in _entry_points(protocol):
            assert callable(getattr(diagnostic, name, None)), f"{diagnostic.ID} has no {name}()"
    assert isinstance(diagnostic, contract.Diagnostic)
    assert diagnostic.ID in (diagnostic.instrument().id, Path(getattr(diagnostic, "path", "")).stem)
    assert all(needed in registry.diagnostics() and needed != diagnostic.ID for needed in diagnostic.NEEDS)
    assert set(diagnostic.ROOM_VIEWS.values()) <= set(ROOM_VIEW_KINDS)
    assert diagnostic.ROOM_SHEET in ("", *ROOM_SHEET_KINDS) and diagnostic.COMPARES in ("", *COMPARE_KINDS)
    if "themes" in (*diagnostic.ROOM_VIEWS.values(), diagnostic.ROOM_SHEET, diagnostic.COMPARES):
        assert isinstance(diagnostic, contract.ThemedDiagnostic)
        heading, groups = diagnostic.theme_groups()
        assert set(diagnostic.theme_scores({})["group"] if "group" in diagnostic.theme_scores({}) else []) <= set(groups) | {""}
        assert heading or not groups
    done, total = diagnostic.progress({})
    assert done == 0 and total > 0
    assert {q.item_id for q in diagnostic.survey_questions()} <= set(diagnostic.item_texts())
    assert diagnostic.about_rows() and diagnostic.about_rows()[0][1].endswith(f"version {diagnostic.instrument().version}")


@pytest.mark.parametrize("diagnostic", DIAGNOSTICS, ids=ids)
def test_every_diagnostic_s_page_wording_is_in_its_instrument_file(diagnostic):
    wording = diagnostic.page()
    assert wording.section in HOME_SECTIONS and wording.blurb and wording.unit
    for link in wording.pages:
        assert (ROOT / link.script).is_file() and link.title and link.icon.startswith(":material/")
    content = yaml.safe_load((DATA_DIR / f"{diagnostic.ID}.yaml").read_text(encoding="utf-8"))
    assert content["page"]["title"] == wording.main.title and content["page"]["address"] == wording.main.address


@pytest.mark.parametrize("kind", RECORDS, ids=ids)
def test_every_record_kind_keeps_the_contract(kind):
    for name in _entry_points(contract.Stored):
        assert callable(getattr(kind, name, None)), f"{kind.ID} has no {name}()"
    assert isinstance(kind, contract.RecordKind) and kind.TITLE
    assert kind.ID not in registry.diagnostics()


def test_diagnostics_and_records_are_told_apart_and_stored_in_the_workbook_order():
    assert set(registry.diagnostics()).isdisjoint(registry.records())
    assert set(registry.stored()) == set(registry.diagnostics()) | set(registry.records())
    assert list(registry.stored())[:4] == ["eight_aspects", "approaches", "development_plan", "risks"]
    assert list(registry.stored())[-1] == "baseline"


def test_the_registry_does_not_import_the_baseline_which_reads_it():
    code = "import sys, scoring.registry; assert 'scoring.records.baseline' not in sys.modules; import scoring.records.baseline; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


# --- Worked cases -----------------------------------------------------------------------


def _cases(diagnostic) -> list[dict]:
    """Its worked cases: data/cases/<id>.yaml, or the `cases:` in its own instrument file."""
    separate = DATA_DIR / "cases" / f"{diagnostic.ID}.yaml"
    path = separate if separate.is_file() else DATA_DIR / f"{diagnostic.ID}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("cases") or []


@pytest.mark.parametrize("diagnostic", DIAGNOSTICS, ids=ids)
def test_every_diagnostic_has_worked_cases(diagnostic):
    assert len(_cases(diagnostic)) >= 2


CASES = [pytest.param(d, case, id=f"{d.ID}: {case['name']}") for d in DIAGNOSTICS for case in _cases(d)]


def _as_expected(expected, actual, where: str) -> None:
    """Every value a case states is what its diagnostic's worked_case() gives: numbers to
    1e-4, None as no score, lists in order; a mapping's keys the case does not list are
    not compared (approaches list only some approaches; the themed test below is strict)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}: {key}"
            _as_expected(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, abs=1e-4), where
    else:
        assert actual == expected, where


@pytest.mark.parametrize(("diagnostic", "case"), CASES)
def test_every_diagnostic_s_worked_cases_give_what_they_expect(diagnostic, case):
    actual = diagnostic.worked_case(case)
    assert set(case["expected"]) <= set(actual), "every figure the case states is worked out"
    _as_expected(case["expected"], actual, case["name"])


THEMED_CASES = [
    pytest.param(d, case, id=f"{d.ID}: {case['name']}")
    for d in DIAGNOSTICS
    if d.COMPARES == "themes"
    for case in _cases(d)
    if "themes" in case.get("expected", {})
]


@pytest.mark.parametrize(("diagnostic", "case"), THEMED_CASES)
def test_themed_worked_cases(diagnostic, case):
    records = {item: diagnostic.clean_record(item, {"rating": rating}) for item, rating in case["answers"].items()}
    scores = diagnostic.theme_scores(records).set_index("theme_id")["score"]
    expected = case["expected"]["themes"]
    for theme_id, score in scores.items():
        if theme_id in expected:
            assert score == pytest.approx(expected[theme_id], abs=1e-4), theme_id
        else:
            assert math.isnan(score), theme_id


# --- Its page -----------------------------------------------------------------------------


@pytest.mark.parametrize("diagnostic", DIAGNOSTICS, ids=ids)
def test_every_diagnostic_s_pages_render_and_are_offered(diagnostic):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    links = {str(link.proto.label) for link in at.get("page_link")}
    assert any(diagnostic.page().main.title in label for label in links), "home offers it"
    for link in diagnostic.page().pages:
        open_address(at, link.address)
        assert not at.exception, at.exception
        assert at.title
    open_address(at, diagnostic.page().main.address)
    assert at.title[0].value == diagnostic.instrument().title


# --- The workbook, survey import, the room, comparison ----------------------------------


@pytest.mark.parametrize("diagnostic", ANSWERED, ids=ids)
def test_every_diagnostic_round_trips_through_the_excel_summary(diagnostic):
    response = {diagnostic.ID: answers(diagnostic)}
    data = export.build_workbook(response)
    book = reader.read_workbook(data)
    assert book.response == response
    summary = load_workbook(BytesIO(data))["Summary"]
    cells = [c.value for row in summary.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith(diagnostic.instrument().title) for v in cells), "its block on the summary"


@pytest.mark.parametrize("diagnostic", ANSWERED, ids=ids)
def test_every_diagnostic_maps_from_a_survey_export(diagnostic):
    questions = diagnostic.survey_questions()
    columns = [f"{q.header_codes[0]}" for q in questions]
    table = pd.DataFrame([[q.options[list(q.options)[-1]] for q in questions]], columns=columns, dtype=str)
    table.index = pd.Index([2], name=survey.ROW)
    mapping = survey.guess_mapping(columns, [diagnostic.ID])
    assert all(target is not None and target.diagnostic_id == diagnostic.ID for target in mapping.values())
    result = survey.preview(table, mapping)
    assert not result.problems
    assert result.people[0][2] == {diagnostic.ID: answers(diagnostic)}


def _room(diagnostic, people: int = 4) -> list[Participant]:
    needed = {n: answers(registry.diagnostic(n)) for n in diagnostic.NEEDS}
    return [Participant(number=n, role=None, response={diagnostic.ID: answers(diagnostic, n % 2 - 2), **needed}) for n in range(1, people + 1)]


@pytest.mark.parametrize("diagnostic", ANSWERED, ids=ids)
def test_every_diagnostic_aggregates_in_a_room_with_its_views_and_pack_sheet(diagnostic):
    people = _room(diagnostic)
    counts = workshop.counts(people, [diagnostic.ID]).set_index("diagnostic_id")
    assert counts.loc[diagnostic.ID, "started"] == len(people) and counts.loc[diagnostic.ID, "complete"] == len(people)
    assert list(diagnostic.ROOM_VIEWS) == [v for v in views.available([diagnostic.ID, *diagnostic.NEEDS]) if v in diagnostic.ROOM_VIEWS]
    for name in diagnostic.ROOM_VIEWS:
        view = views.build(name, people, min_group=3)
        assert view.figure is not None, name
        assert views.build(name, people[:2], min_group=3).figure is None  # too few to show
    info = {
        "name": "Room",
        "code": "K7P2QX",
        "diagnostics": [diagnostic.ID, *diagnostic.NEEDS],
        "roles": [],
        "created_at": datetime(2025, 3, 4, tzinfo=timezone.utc),
    }
    data = build_pack(info, people, {})
    sheets = load_workbook(BytesIO(data), read_only=True).sheetnames
    if diagnostic.ROOM_SHEET:
        assert any(name.endswith("(room)") and name.startswith(next(iter(diagnostic.ROOM_VIEWS))[:24]) for name in sheets)
    rows = list(load_workbook(BytesIO(data))["Responses"].iter_rows(values_only=True))
    header = next(r for r in rows if r and "Item" in r)
    diagnostic_at, item_at = header.index("Diagnostic"), header.index("Item")
    texts = {row[item_at] for row in rows[rows.index(header) + 1 :] if row[diagnostic_at] == diagnostic.instrument().title}
    assert texts and "" not in texts and None not in texts  # every answer's item is named
    back = reader.read_workbook(data)
    assert [response[diagnostic.ID] for _, _, response in back.participants] == [p.response[diagnostic.ID] for p in people]


@pytest.mark.parametrize("diagnostic", [d for d in ANSWERED if d.COMPARES], ids=ids)
def test_every_diagnostic_is_compared_over_time(diagnostic):
    before = compare.Side("Then", {diagnostic.ID: answers(diagnostic, 0)})
    after = compare.Side("Now", {diagnostic.ID: answers(diagnostic, -1)})
    if diagnostic.ID in compare.COMPARED:
        changes = compare.aspect_changes(before, after)
    else:
        changes = compare.diagnostic_changes(before, after)
        assert set(changes["diagnostic_id"]) == {diagnostic.ID}
    assert (changes["change"] > 0).any()
    room = compare.Side("Room", {}, tuple(_room(diagnostic)))
    if diagnostic.ID not in compare.COMPARED:
        assert compare.diagnostic_changes(before, room)["after"].notna().any()
    wb_bytes = compare.build_comparison_workbook(before, after)
    cells = {c.value for row in load_workbook(BytesIO(wb_bytes))[compare.SHEET].iter_rows() for c in row}
    assert any(isinstance(v, str) and v.startswith(diagnostic.instrument().title) for v in cells) or diagnostic.ID in compare.COMPARED


# --- A statement diagnostic's file, refused with a clear message -----------------------

SEVENTH = ROOT / "tests" / "files" / "seventh" / "sharing_learning.yaml"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda c: c.pop("kind"), "must be 'statements'"),
        (lambda c: c.update(id="other_name"), "must be the file's name"),
        (lambda c: c["page"].update(icon="<b>flag</b>"), "must look like :material/flag:"),
        (lambda c: c["page"].update(address="../home"), "must be lowercase letters, digits and -"),
        (lambda c: c["page"].update(workshop="always"), "workshop 'always' must be"),
        (lambda c: c["page"].pop("blurb"), "'blurb' is missing"),
        (lambda c: c["themes"][0].update(group="nowhere"), "names a group, but the file lists no groups"),
        (lambda c: c["items"][0].update(theme="nowhere"), "unknown theme 'nowhere'"),
        (lambda c: c.update(sheet="Sharing: what we learn"), "an Excel sheet's name cannot hold"),
        (lambda c: c["scale"].pop(), "must have exactly the values 1, 2, 3, 4, 5"),
    ],
)
def test_a_broken_statement_file_is_refused_saying_where_and_why(tmp_path, change, problem):
    from scoring.instruments import statement_diagnostic
    from scoring.instruments.loading import InstrumentError

    content = yaml.safe_load(SEVENTH.read_text(encoding="utf-8"))
    change(content)
    path = tmp_path / SEVENTH.name
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        statement_diagnostic.load(path)
    assert problem in str(caught.value) and caught.value.path.name == SEVENTH.name


def test_the_seventh_fixture_itself_loads_with_its_page_and_cases():
    from scoring.instruments.statement_diagnostic import StatementDiagnostic

    seventh = StatementDiagnostic(SEVENTH)
    assert isinstance(seventh, contract.ThemedDiagnostic)
    assert seventh.page().main.address == "sharing-learning" and seventh.progress({}) == (0, 5)
