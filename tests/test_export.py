"""The Excel summary: sheets, native radar chart, numbers as numbers, text kept as text."""

import csv
import math
import os
import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.chart import RadarChart

from scoring import numbers
from scoring.diagnostics import approaches, eight_aspects
from scoring.excel.summary import build_workbook

HOSTILE_NOTE = '=HYPERLINK("http://example.invalid","x")'
RECORDS = {
    "sd_one_place": {"rating": 5, "weight": 3, "basis": "evidence", "note": HOSTILE_NOTE},
    "sd_wellbeing_system": {"rating": 2, "weight": 1, "basis": "impression", "note": "+44 phone, -minus, @mention"},
    "rel_provider_trust": {"rating": None, "weight": 1, "basis": None, "note": ""},
    "pol_procurement_act": {"rating": 4, "weight": 0, "basis": None, "note": "Not relevant here"},
    "pro_competitive_capability": {"rating": 1, "weight": 2, "basis": None, "note": "Multi-line\nnote"},
}
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(scope="module")
def workbook_bytes():
    return build_workbook({eight_aspects.ID: RECORDS})


@pytest.fixture(scope="module")
def workbook(workbook_bytes):
    return load_workbook(BytesIO(workbook_bytes))


def _summary_scores(ws):
    header = next(row for row in ws.iter_rows() if row[0].value == "Aspect" and row[1].value == "Score (0–100)")
    scores = {}
    for row in ws.iter_rows(min_row=header[0].row + 1, max_row=header[0].row + 8):
        scores[row[0].value] = row[1].value
    return scores


def test_workbook_has_summary_answers_and_about_sheets(workbook):
    assert workbook.sheetnames == [
        "Key results",
        "Summary",
        "Eight aspects answers",
        "Model fit",
        "Approach requirements",
        "Development plan",
        "Risks",
        "Tolerating",
        "Starting points",
        "Stakeholder map",
        "Capacity",
        "Conditions and practices",
        "App data",
        "About",
    ]


def test_summary_has_a_native_radar_chart_over_the_score_cells(workbook):
    charts = workbook["Summary"]._charts
    assert len(charts) == 1 and isinstance(charts[0], RadarChart)


def test_summary_scores_match_the_scorer_and_are_numbers(workbook):
    answers, weights = eight_aspects.split_records(RECORDS)
    expected = eight_aspects.score(answers, weights)
    written = _summary_scores(workbook["Summary"])
    for row in expected.itertuples():
        if math.isnan(row.score):
            assert written[row.aspect] is None
        else:
            assert isinstance(written[row.aspect], (int, float))
            assert written[row.aspect] == pytest.approx(row.score, abs=0.05)


def test_answers_sheet_has_every_factor_with_weights_and_notes(workbook):
    ws = workbook["Eight aspects answers"]
    assert ws.freeze_panes == "A2"
    headers = [cell.value for cell in ws[1]]
    assert "Item id" not in headers  # readers see the factor's words; ids stay in App data
    ids = {f.text: f.id for f in eight_aspects.instrument().factors}
    rows = {ids[row[1]]: dict(zip(headers, row)) for row in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(eight_aspects.instrument().factors)
    assert rows["sd_one_place"]["Rating (1–5)"] == 5
    assert rows["sd_one_place"]["Weight"] == 3
    assert rows["sd_one_place"]["Points (0–100)"] == 100
    assert rows["rel_provider_trust"]["Answer"] == "Don't know"
    assert rows["rel_provider_trust"]["Rating (1–5)"] is None
    assert rows["sd_wellbeing_system"]["Evidence or impression"] == "An impression"
    assert rows["mt_service_design"]["Answer"] == "Not answered"


def test_text_that_looks_like_a_formula_is_stored_as_text(workbook):
    ws = workbook["Eight aspects answers"]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value in (HOSTILE_NOTE, RECORDS["sd_wellbeing_system"]["note"])]
    assert len(cells) == 2
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_about_sheet_records_instrument_version_scale_and_method(workbook):
    text = " ".join(str(cell.value) for row in workbook["About"].iter_rows() for cell in row if cell.value)
    instrument = eight_aspects.instrument()
    assert f"version {instrument.version}" in text
    assert "Strongly constrains" in text and "Don't know" in text
    assert eight_aspects.METHOD in text


def test_an_empty_self_check_still_exports(workbook_bytes):
    empty = load_workbook(BytesIO(build_workbook({})))
    values = [cell.value for row in empty["Summary"].iter_rows() for cell in row]
    assert "No answers yet" in values
    assert all(score is None for score in _summary_scores(empty["Summary"]).values())


needs_libreoffice = pytest.mark.skipif(not LIBREOFFICE and os.environ.get("CI") != "true", reason="LibreOffice not installed")


@needs_libreoffice
def test_libreoffice_opens_the_workbook_and_keeps_formula_text_as_text(tmp_path, workbook_bytes):
    assert LIBREOFFICE, "CI=true but LibreOffice is missing: apt-get install -y libreoffice-calc-nogui"
    source = tmp_path / "summary.xlsx"
    source.write_bytes(workbook_bytes)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    subprocess.run(
        [LIBREOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180
    )
    assert (tmp_path / "summary.pdf").stat().st_size > 10_000
    # The answers sheet as CSV: the hostile note comes out exactly as typed, not evaluated.
    subprocess.run(
        [
            LIBREOFFICE,
            profile,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    answers_csv = next(tmp_path.glob("summary*Eight*.csv"))
    rows = list(csv.reader(answers_csv.open(encoding="utf-8")))
    texts = {f.id: f.text for f in eight_aspects.instrument().factors}
    notes = {row[1]: row[7] for row in rows[1:]}
    assert notes[texts["sd_one_place"]] == HOSTILE_NOTE


def _approach_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    top = next(n for n, row in enumerate(rows) if row[:3] == ("Approach", "Fit (0–100)", "Rank"))
    body = []
    for row in rows[top + 1 :]:
        if row[2] is None:  # the table ends where the rank column does
            break
        body.append(row)
    return body, rows[top + 1 + len(body)]


def test_a_score_of_62_5_shows_63_on_the_page_and_in_the_summary():
    # (100 + 25) / 2 = 62.5: the page shows numbers.text(), the workbook keeps the value and
    # its "0" format rounds half away from zero, as numbers.shown() does (Python's round: 62).
    records = {"sd_one_place": {"rating": 5}, "sd_wellbeing_system": {"rating": 2}}
    ws = load_workbook(BytesIO(build_workbook({eight_aspects.ID: records})))["Summary"]
    header = next(row for row in ws.iter_rows() if row[0].value == "Aspect" and row[1].value == "Score (0–100)")
    cell = ws.cell(row=header[0].row + 1, column=2)
    assert cell.value == 62.5 and cell.number_format == "0"
    assert numbers.text(cell.value) == "63" and round(cell.value) == 62


def test_the_summary_top_five_keeps_every_tie_and_labels_it():
    # One factor per aspect rated 3: every aspect 50, every approach fits 50 and shares rank 1.
    one_per_aspect = {f.id: {"rating": 3} for f in {f.aspect_id: f for f in reversed(eight_aspects.instrument().factors)}.values()}
    ws = load_workbook(BytesIO(build_workbook({eight_aspects.ID: one_per_aspect})))["Summary"]
    body, after = _approach_rows(ws)
    assert len(body) == len(approaches.APPROACHES)  # a five-way cut would split the tie by the seed's order
    assert {row[2] for row in body} == {"=1"} and {row[1] for row in body} == {50}
    assert str(after[0]).startswith("This ranking rests on 8 of the 8 aspects.")


def test_the_summary_names_approaches_it_cannot_judge():
    records = {"sd_one_place": {"rating": 4}, "rel_councillors": {"rating": 2}}
    ws = load_workbook(BytesIO(build_workbook({eight_aspects.ID: records})))["Summary"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    note = next(t for t in texts if t.startswith("No fit yet"))
    assert "This ranking rests on 2 of the 8 aspects." in note and "Contestability to drive down costs" in note
