"""Small openpyxl helpers every sheet uses: safe text, tidy tables, readable widths."""

from __future__ import annotations

import math
from copy import copy
from typing import Any, Iterable, Sequence

from openpyxl.chart import BarChart, RadarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.fields import UNSTORABLE

APP_NAME = "Commissioning Diagnostics"
HEADER_FILL = PatternFill("solid", fgColor="0B5CAD")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

# A text starting with one of these could be read as a formula by a spreadsheet, also
# after leading spaces or line breaks, and in their full-width forms (which spreadsheets
# in East Asian locales take as the ASCII ones).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_like(value: str) -> bool:
    return value.lstrip(" \u00a0\u3000").startswith(FORMULA_TRIGGERS)


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell: numbers as numbers, NaN as empty, text always as text.

    openpyxl treats any string starting with "=" as a formula; text written here is
    stored as a string, and one that a spreadsheet might evaluate gets the quote prefix
    (what Excel itself does for '=...), so it shows as typed and is never evaluated.
    """
    cell = ws.cell(row=row, column=column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, str):
        value = UNSTORABLE.sub("", value)  # a spreadsheet cannot hold these at all
        cell.value = value
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def write_table(
    ws: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    left: int = 1,
    number_formats: dict[str, str] | None = None,
    wrap: Iterable[str] = (),
) -> int:
    """A header row and data rows from (top, left); returns the last row written."""
    number_formats = number_formats or {}
    wrap = set(wrap)
    for offset, header in enumerate(headers):
        cell = put(ws, top, left + offset, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    row_number = top
    styles: dict[int, Any] = {}  # per column: the style of its first data cell, without a quote prefix
    for row_number, row in enumerate(rows, start=top + 1):
        for offset, (header, value) in enumerate(zip(headers, row)):
            cell = put(ws, row_number, left + offset, value)
            quoted = cell.quotePrefix
            if offset not in styles:
                cell.alignment = WRAP if header in wrap else TOP
                if number_formats.get(header):
                    cell.number_format = number_formats[header]
                cell.quotePrefix = False
                styles[offset] = copy(cell._style)
            else:
                # Copying the style array skips openpyxl's per-attribute style lookups,
                # which dominate the time for a sheet of thousands of answers.
                cell._style = copy(styles[offset])
            if quoted:
                cell.quotePrefix = True
    return row_number


def finish(ws: Worksheet, widths: dict[int, float], *, landscape: bool = True) -> None:
    """Column widths, row heights that show wrapped text, and one page wide when printed.

    Spreadsheet programs do not grow a row for wrapped text written by openpyxl, so the
    height is estimated from the text length and the column width.
    """
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    # A merged cell wraps across all its columns.
    merged = {(r.min_row, r.min_col): sum(widths.get(c, 10) for c in range(r.min_col, r.max_col + 1)) for r in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = merged.get((cell.row, cell.column), widths.get(cell.column, 10))
                wrapped = sum(math.ceil(max(len(part), 1) / max(width - 2, 1)) for part in cell.value.split("\n"))
                lines = max(lines, wrapped)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines + 2
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def bar_chart(
    ws: Worksheet, *, title: str, header: int, last: int, label_column: int, value_column: int,
    maximum: float, anchor: str, size: tuple[float, float] = (12, 18),
) -> BarChart:
    """A native horizontal bar chart of one table column, first row at the top, 0 to `maximum`."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.add_data(Reference(ws, min_col=value_column, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_column, min_row=header + 1, max_row=last))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = maximum
    chart.x_axis.scaling.orientation = "maxMin"  # the table's first row at the top
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend = None
    chart.height, chart.width = size
    ws.add_chart(chart, anchor)
    return chart


def counts_block(ws: Worksheet, top: int, heading: str, counts: dict[str, int], empty: str) -> int:
    """A heading and "label: number" lines (or `empty` when there is nothing); next free row."""
    put(ws, top, 1, heading).font = Font(bold=True, size=14)
    if not counts:
        put(ws, top + 1, 1, empty)
        return top + 3
    for offset, (label, count) in enumerate(counts.items(), start=1):
        put(ws, top + offset, 1, label)
        put(ws, top + offset, 2, count)
    return top + len(counts) + 2


def title(ws: Worksheet, text: str, subtitle: str | None = None) -> int:
    """A bold title in A1 (and a subtitle in A2); returns the next free row."""
    put(ws, 1, 1, text).font = TITLE_FONT
    if subtitle:
        put(ws, 2, 1, subtitle).font = Font(italic=True, color="444444")
        return 4
    return 3


def radar_chart(ws: Worksheet, *, header: int, last: int, data_columns: Sequence[int], title: str) -> RadarChart:
    """A native radar of 0–100 scores: the categories in column 1 below `header`, one
    series per data column (named by its header). A blank is a gap, not a zero."""
    chart = RadarChart()
    chart.type = "marker"
    chart.title = title
    chart.style = 26
    for column in data_columns:
        chart.add_data(Reference(ws, min_col=column, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 25
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.display_blanks = "gap"
    return chart


PURPOSE = "A vehicle for self-improvement, not a performance management tool. Scores describe room for manoeuvre, not performance."


def about_sheet(wb, generated, lines: Iterable[tuple[str, str]], *, label_width: float = 40) -> None:
    """The About sheet every workbook ends with: the tool, when it was made, its purpose,
    then `lines` (label, detail), each label in bold."""
    ws = wb.create_sheet("About")
    title(ws, "About this workbook")
    opening = [("Tool", APP_NAME), ("Generated", generated.strftime("%Y-%m-%d %H:%M UTC")), ("Purpose", PURPOSE)]
    rows = list(dict.fromkeys([*opening, *lines]))  # a line two diagnostics share appears once
    last = write_table(ws, 3, ["Item", "Detail"], rows, wrap=["Item", "Detail"])
    for row_number in range(4, last + 1):
        ws.cell(row=row_number, column=1).font = Font(bold=True)
    finish(ws, {1: label_width, 2: 100})
