"""A long table written in bulk (cells.write_table(bulk=True), the pack's Responses and
every App data sheet) saves as the same cells as one written cell by cell: values, types,
quote prefixes, styles and row heights, hostile text included."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.excel import cells

HEADERS = ["Who", "Rating", "Note", "Score"]
ROWS = [
    ["P01", 3, "Seen it", 12.5],
    ["P02", None, '=HYPERLINK("http://example.invalid","x")', 0.1 + 0.2],
    ["P03", 5, "<script>alert(1)</script> & &amp; “quoted”", 100],
    ["  P04  ", 1, "line one\nline two", -7],
    ["+P05", 2, "x" * 300, None],  # wraps over several lines: a taller row
    ["P06", "", "bell\x07 and tab\tkept", 1e-9],
    ["-P07", 4, " ", 2**40],
    ["P08", 3],  # a short row: the rest blank
]


def _saved(bulk: bool, rows=ROWS) -> bytes:
    wb = cells.new_workbook()
    ws = wb.active
    cells.title(ws, "Every answer", "One row per answer.")
    cells.write_table(ws, 4, HEADERS, rows, number_formats={"Rating": "0"}, wrap=["Note"], bulk=bulk)
    ws.freeze_panes = ws.cell(row=5, column=2)  # an empty cell above the rows, as the pack makes
    cells.finish(ws, {1: 10, 2: 8, 3: 30, 4: 10})
    return cells.saved(wb)


def _cells(data: bytes) -> tuple[list, dict, str]:
    ws = load_workbook(BytesIO(data)).active
    found = [
        (c.coordinate, c.value, c.data_type, c.quotePrefix, c.number_format, repr(c.alignment), repr(c.font), repr(c.fill))
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    return found, heights, ws.dimensions


def test_a_bulk_table_saves_as_the_same_cells_as_one_written_cell_by_cell():
    bulk, plain = _cells(_saved(True)), _cells(_saved(False))
    assert bulk == plain
    found, heights, dimensions = bulk
    assert dimensions == "A1:D12"
    assert heights[9] > 2 * cells.LINE_HEIGHT  # the 300-character note's row is tall enough for it
    by_place = {place: (value, kind, quoted) for place, value, kind, quoted, *_ in found}
    assert by_place["C6"] == ('=HYPERLINK("http://example.invalid","x")', "s", True)  # text, never a formula
    assert by_place["A8"] == ("  P04  ", "s", False)  # spaces kept
    assert by_place["C8"][0] == "line one\nline two"
    assert by_place["C10"][0] == "bell and tab\tkept"  # what a cell cannot hold is dropped
    assert by_place["C7"][0] == "<script>alert(1)</script> & &amp; “quoted”"
    assert by_place["D5"][0] == 12.5 and by_place["D11"][0] == 2**40 and by_place["B7"][0] == 5


def test_a_carriage_return_is_kept():
    """Written as a character reference: a bare one would be read back as a line feed."""
    ws = load_workbook(BytesIO(_saved(True, [["P01", 1, "one\r\ntwo\rthree", 1]]))).active
    assert ws["C5"].value == "one\r\ntwo\rthree"


def test_a_lone_surrogate_cannot_spoil_the_file():
    """Not a character, so no XML can hold it: it becomes "?" and the rest reads back."""
    ws = load_workbook(BytesIO(_saved(True, [["P01", 1, "before \ud800 after", 1]]))).active
    assert ws["C5"].value == "before ? after"


def test_a_bulk_table_is_read_back_in_full_in_read_only_mode():
    """The app reads workbooks back read-only, which trusts the sheet's stated dimension."""
    ws = load_workbook(BytesIO(_saved(True)), read_only=True).active
    assert ws.max_row == 12
    assert [row[0] for row in ws.iter_rows(min_row=5, values_only=True)] == [r[0] for r in ROWS]


def test_a_value_neither_text_nor_a_number_writes_the_table_cell_by_cell():
    rows = [*ROWS, ["P09", True, "", date(2025, 3, 4)]]
    wb = load_workbook(BytesIO(_saved(True, rows))).active
    assert wb["B13"].value is True and wb["D13"].is_date
    assert _cells(_saved(True, rows))[0] == _cells(_saved(False, rows))[0]


def test_nothing_may_be_written_below_a_bulk_table():
    wb = cells.new_workbook()
    ws = wb.active
    last = cells.write_table(ws, 1, HEADERS, ROWS, bulk=True)
    cells.put(ws, last + 2, 1, "A note below")
    with pytest.raises(ValueError, match="last thing on its sheet"):
        cells.saved(wb)


def test_a_sheet_holds_one_bulk_table():
    wb = cells.new_workbook()
    last = cells.write_table(wb.active, 1, HEADERS, ROWS, bulk=True)
    with pytest.raises(ValueError, match="one bulk table per sheet"):
        cells.write_table(wb.active, last + 2, HEADERS, ROWS, bulk=True)
