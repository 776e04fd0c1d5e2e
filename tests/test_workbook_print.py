"""Both workbooks as they print: rendered by LibreOffice to PDF and read back with
poppler (pdfinfo, pdffonts, pdftotext -bbox). A4, at most 30 pages for a 40-person
pack, no text under 9 pt, one font family, a header and footer on every page; and in
the file itself: Key results first, real Tables, App data hidden, charts described."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from workbook import participant_response, room_response, stored  # noqa: E402

from scoring.diagnostics import conditions, starting_points  # noqa: E402
from scoring.excel.summary import build_workbook  # noqa: E402
from scoring.workshop.pack import build_pack  # noqa: E402
from scoring.workshop.room import Participant  # noqa: E402

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
MADE = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
NAME = 'Away day <b>&</b> =cmd|"/c calc"'
# LibreOffice draws Liberation Sans about 1.3 times its size tall in pdftotext's boxes
# (measured: 8 pt 10.4, 9 pt 11.7, 10 pt 13.0); a word under 11.6 is under 9 pt.
NINE_POINT_BOX = 11.6


def _statements(n: int) -> dict:
    return {
        m.ID: {item.id: stored(m.ID, item.id, {"rating": (n + p) % 5 + 1}) for p, item in enumerate(m.instrument().items)}
        for m in (starting_points, conditions)
    }


def _self_check() -> bytes:
    response = {**participant_response(1), **_statements(1), **room_response()}
    first = next(iter(response["eight_aspects"]))
    response["eight_aspects"][first] = stored("eight_aspects", first, {"rating": 2, "weight": 1, "note": ("A long note. " * 200)[:2000]})
    return build_workbook(response, title=NAME, generated=MADE)


def _pack(people: int = 40) -> bytes:
    participants = [
        Participant(n, ("Finance", "Provider", "Commissioner", None)[n % 4], {**participant_response(n), **_statements(n)}) for n in range(1, people + 1)
    ]
    info = {
        "name": NAME,
        "code": "ABCD2345",
        "created_at": MADE,
        "roles": ["Finance", "Provider", "Commissioner"],
        "diagnostics": ["eight_aspects", "approaches", "tolerance", "starting_points", "conditions"],
    }
    return build_pack(info, participants, room_response(), generated=MADE)


@pytest.fixture(scope="module")
def workbooks():
    return {"self_check": _self_check(), "pack": _pack()}


@pytest.fixture(scope="module")
def pdfs(workbooks, tmp_path_factory):
    assert LIBREOFFICE, "LibreOffice is missing: apt-get install -y libreoffice-calc-nogui"
    assert shutil.which("pdftotext"), "poppler-utils is missing: apt-get install -y poppler-utils"
    folder = tmp_path_factory.mktemp("print")
    profile = f"-env:UserInstallation=file://{folder / 'profile'}"
    paths = {}
    for name, data in workbooks.items():
        (folder / f"{name}.xlsx").write_bytes(data)
        subprocess.run(
            [LIBREOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(folder / f"{name}.xlsx")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        paths[name] = folder / f"{name}.pdf"
    return paths


def _run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))


def _words(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, box height, word) of every word on every page."""
    words, page = [], 0
    for line in _run("pdftotext", "-bbox", str(pdf), "-").splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', line)
        if found:
            words.append((page, float(found.group(2)) - float(found.group(1)), found.group(3)))
    return words


@pytest.mark.parametrize("name", ["self_check", "pack"])
def test_every_page_is_a4_with_no_text_under_nine_points(pdfs, name):
    info = _run("pdfinfo", str(pdfs[name]))
    assert "(A4)" in info
    small = [(page, round(height, 1), word) for page, height, word in _words(pdfs[name]) if height < NINE_POINT_BOX]
    assert small == []


def test_a_forty_person_pack_prints_as_a_board_pack(pdfs):
    assert _pages(pdfs["pack"]) <= 30


@pytest.mark.parametrize("name", ["self_check", "pack"])
def test_one_font_family_throughout(pdfs, name):
    fonts = {line.split()[0].split("+")[-1].split("-")[0] for line in _run("pdffonts", str(pdfs[name])).splitlines()[2:]}
    assert fonts == {"LiberationSans"}  # Arial, as LibreOffice prints it


@pytest.mark.parametrize("name", ["self_check", "pack"])
def test_every_page_names_the_assessment_with_its_date_and_page_x_of_y(pdfs, name):
    pages = _pages(pdfs[name])
    for page in range(1, pages + 1):
        text = _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdfs[name]), "-")
        assert 'Away day <b>&</b> =cmd|"/c calc"' in text, page  # as typed: never markup, never a formula
        assert "02 December 2026" in text, page
        assert f"Page {page} of {pages}" in text, page


def test_the_responses_and_app_data_are_not_printed(pdfs):
    text = _run("pdftotext", "-layout", str(pdfs["pack"]), "-")
    assert "Record (JSON)" not in text and '{"rating"' not in text  # App data
    assert text.count("Every response, anonymised") == 1  # the Responses sheet prints its title only
    assert "P40" not in text


@pytest.mark.parametrize("name", ["self_check", "pack"])
def test_key_results_come_first_and_the_file_is_described(workbooks, name):
    wb = load_workbook(BytesIO(workbooks[name]))
    assert wb.sheetnames[0] == "Key results"
    first = [c.value for row in wb["Key results"].iter_rows() for c in row if isinstance(c.value, str)]
    for heading in ("Best-fitting commissioning approaches", "Highest strategic risks", "The development plan"):
        assert heading in first
    assert first[0] == f"Key results: {NAME}"
    assert wb.properties.creator == "Commissioning Diagnostics" and NAME in wb.properties.title
    assert wb["App data"].sheet_state == "hidden"
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.oddFooter.right.text == "Page &P of &N"
        for chart in ws._charts:
            assert chart.title is not None
    import zipfile

    with zipfile.ZipFile(BytesIO(workbooks[name])) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    # In every sheet's header, "&" doubled: a single one would start a header code.
    assert all(
        "Away day &lt;b&gt;&amp;&amp;&lt;/b&gt; =cmd|&quot;/c calc&quot;" in xml or 'Away day &lt;b&gt;&amp;&amp;&lt;/b&gt; =cmd|"/c calc"' in xml
        for xml in sheets
    )
    tables = {name for ws in wb.worksheets for name in ws.tables}
    assert {"DevelopmentPlan2", "Risks1", "AppData1"} <= tables


def test_every_chart_carries_alt_text_in_the_drawing(workbooks):
    import zipfile

    with zipfile.ZipFile(BytesIO(workbooks["pack"])) as archive:
        drawings = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
    frames = [frame for d in drawings for frame in re.findall(r"<(?:xdr:)?cNvPr [^>]*>", d)]
    assert frames and all('descr="' in frame for frame in frames)
    assert any("Mean score by role" in d or "role group" in d for d in drawings)


def _text_of(title) -> str:
    return "\n".join("".join(run.t for run in paragraph.r or []) for paragraph in title.tx.rich.p)


@pytest.mark.parametrize("name", ["self_check", "pack"])
def test_every_chart_says_what_its_numbers_are(workbooks, pdfs, name):
    """Bar charts title both axes; a radar titles its value axis (Excel shows it) and says
    its scale under its title, which LibreOffice prints too (it draws no radar axis title)."""
    wb = load_workbook(BytesIO(workbooks[name]))
    radars = 0
    for ws in wb.worksheets:
        for chart in ws._charts:
            where = (ws.title, _text_of(chart.title))
            assert chart.y_axis.title is not None and _text_of(chart.y_axis.title).strip(), where
            if chart.tagname == "radarChart":
                radars += 1
                assert _text_of(chart.title).endswith("\nScore 0 at the centre to 100 at the edge"), where
                assert "0–100" in _text_of(chart.y_axis.title), where
            else:
                assert chart.x_axis.title is not None and _text_of(chart.x_axis.title).strip(), where
    assert radars >= 2  # Key results and the eight aspects' own (the pack's room profile)
    assert _run("pdftotext", str(pdfs[name]), "-").count("Score 0 at the centre to 100 at the edge") == radars
