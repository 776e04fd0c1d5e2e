"""Small openpyxl helpers every sheet uses: safe text, tidy tables, readable widths."""

from __future__ import annotations

import math
import re
import zipfile
from copy import copy
from io import BytesIO
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, RadarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from scoring.fields import UNSTORABLE

APP_NAME = "Commissioning Diagnostics"
# One font family throughout (Excel has Arial everywhere; LibreOffice prints it as the
# metric-compatible Liberation Sans), and nothing smaller than 10 pt on the sheet, so a
# page printed at its own width keeps text at 9 pt or more.
FONT_NAME = "Arial"
BODY_SIZE = 10
CHART_TEXT_SIZE = 1000  # hundredths of a point, as DrawingML counts
HEADER_FILL = PatternFill("solid", fgColor="0B5CAD")
HEADER_FONT = Font(name=FONT_NAME, size=BODY_SIZE, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# Numbers centred, so a right-aligned figure never runs into the next column's text.
NUMBER = Alignment(horizontal="center", vertical="top")
EXCEL_MAX_ROW_HEIGHT = 409  # points; Excel refuses taller rows
LINE_HEIGHT = 12.5  # points per wrapped line of 10 pt text
# Printable width of an A4 page with half-inch side margins, in Excel's column-width
# characters (7 pixels each at 96 dpi, plus 5 pixels of padding per column).
PORTRAIT_CHARS, LANDSCAPE_CHARS = 95, 140
REPEATED_HEADER_ROWS = 15

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
    table: bool = True,
    bulk: bool = False,
) -> int:
    """A header row and data rows from (top, left); returns the last row written.

    With `table` (and at least one data row) the range becomes a real Excel Table, so
    every column can be filtered and sorted; its header row repeats on every printed page
    when it is the sheet's longest table (see finish). With `bulk` the data rows make no
    openpyxl cells: they are written straight into the saved file (BulkRows, saved()),
    several times faster for thousands of rows. Only for the last thing on a sheet, whose
    cells nobody restyles afterwards; a value that is not text or a finite number (never
    the case for the sheets that ask) writes the table as cells instead."""
    number_formats = number_formats or {}
    wrap = set(wrap)
    if len(set(headers)) != len(headers):
        raise ValueError(f"a table's headers must differ: {list(headers)}")
    rows = list(rows)
    numeric = {
        header
        for n, header in enumerate(headers)
        if header in number_formats
        or next((isinstance(r[n], (int, float)) and not isinstance(r[n], bool) for r in rows if n < len(r) and r[n] not in (None, "")), False)
    }
    for offset, header in enumerate(headers):
        cell = put(ws, top, left + offset, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    row_number = top
    if bulk and rows and all(_bulk_value(value) for row in rows for value in row):
        if getattr(ws, "_bulk_rows", None) is not None:
            raise ValueError(f"{ws.title}: one bulk table per sheet")
        styles = [_column_style(ws, header in wrap, header in numeric, number_formats.get(header)) for header in headers]
        ws._bulk_rows = BulkRows(top + 1, left, [header in wrap for header in headers], [_style_ids(ws, style) for style in styles], rows)
        row_number = top + len(rows)
        rows = []
    styles: dict[int, Any] = {}  # per column: the style of its first data cell, without a quote prefix
    for row_number, row in enumerate(rows, start=top + 1):
        for offset, (header, value) in enumerate(zip(headers, row)):
            if _blank(value):
                continue  # no cell at all: a sheet of thousands of answers is mostly blanks
            if offset in styles:
                ws._add_cell(_fast_cell(ws, row_number, left + offset, value, styles[offset]))
                continue
            cell = put(ws, row_number, left + offset, value)
            quoted = cell.quotePrefix
            cell.alignment = WRAP if header in wrap else NUMBER if header in numeric else TOP
            if number_formats.get(header):
                cell.number_format = number_formats[header]
            cell.quotePrefix = False
            styles[offset] = copy(cell._style)
            cell.quotePrefix = quoted
    if table and row_number > top:
        add_table(ws, top, left, row_number, left + len(headers) - 1)
    return row_number


def _fast_cell(ws: Worksheet, row: int, column: int, value: Any, style) -> Cell:
    """What put() writes, made directly with its column's style array: openpyxl's own
    per-cell lookups and type checks dominate the time for hundreds of cells."""
    quoted = isinstance(value, str) and formula_like(value)
    cell = Cell(ws, row=row, column=column)
    cell._style = copy(style)
    if isinstance(value, str):
        cell._value, cell.data_type = UNSTORABLE.sub("", value), "s"
        if quoted:
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value) or (isinstance(value, float) and math.isnan(value))


def _bulk_value(value: Any) -> bool:
    kind = type(value)
    return kind is str or value is None or (kind in (int, float) and math.isfinite(value))


def _column_style(ws: Worksheet, wraps: bool, numeric: bool, number_format: str | None):
    """The style array write_table gives a column's data cells, made on a cell that is not
    placed on the sheet."""
    cell = Cell(ws, row=1, column=1)
    cell.alignment = WRAP if wraps else NUMBER if numeric else TOP
    if number_format:
        cell.number_format = number_format
    return copy(cell._style)


def _style_ids(ws: Worksheet, style) -> tuple[int, int]:
    """The workbook's style ids of a style array, and of it with the quote prefix (what
    put() gives a text a spreadsheet could read as a formula)."""
    quoted = copy(style)
    quoted.quotePrefix = 1
    return ws.parent._cell_styles.add(style), ws.parent._cell_styles.add(quoted)


class BulkRows:
    """A long table's data rows, kept out of openpyxl's cells (one Python object per cell,
    and openpyxl's per-cell writing, were most of the time of a 200-person pack) and
    written as the sheet's XML by saved(); finish() sets their heights. The cells are
    those put() and write_table would make: text as inline strings (a formula-like text
    with the quote prefix), numbers as numbers, blanks absent."""

    def __init__(self, first: int, left: int, wraps: list[bool], style_ids: list[tuple[int, int]], rows: list[Sequence[Any]]):
        self.first, self.left, self.wraps, self.style_ids, self.rows = first, left, wraps, style_ids, rows
        self.letters = [get_column_letter(left + n) for n in range(len(wraps))]
        self.heights: dict[int, float] = {}

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    def xml(self) -> str:
        parts = []
        for number, row in enumerate(self.rows, start=self.first):
            height = self.heights.get(number)
            parts.append(f'<row r="{number}" ht="{height:g}" customHeight="1">' if height else f'<row r="{number}">')
            for letter, (plain, quoted), value in zip(self.letters, self.style_ids, row):
                if _blank(value):
                    continue
                if isinstance(value, str):
                    value = UNSTORABLE.sub("", value)
                    kept = ' xml:space="preserve"' if value != value.strip() else ""
                    style = quoted if formula_like(value) else plain
                    parts.append(f'<c r="{letter}{number}" s="{style}" t="inlineStr"><is><t{kept}>{_xml_text(value)}</t></is></c>')
                else:
                    parts.append(f'<c r="{letter}{number}" s="{plain}" t="n"><v>{value:.16g}</v></c>')
            parts.append("</row>")
        return "".join(parts)


def _xml_text(value: str) -> str:
    # A carriage return is kept as a reference: a parser would turn a bare one into a line feed.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def saved(wb: Workbook) -> bytes:
    """The workbook's .xlsx bytes, each sheet's BulkRows written into its sheet data."""
    for ws in wb.worksheets:
        bulk = getattr(ws, "_bulk_rows", None)
        if bulk is not None:  # an empty cell there (freeze_panes = ws.cell(...) makes one) would write an empty row of that number too
            for place in [place for place, cell in ws._cells.items() if place[0] >= bulk.first and cell._value is None and not cell.has_style]:
                del ws._cells[place]
    buffer = BytesIO()
    wb.save(buffer)
    bulky = {ws.path.lstrip("/"): ws for ws in wb.worksheets if getattr(ws, "_bulk_rows", None) is not None}
    if not bulky:
        return buffer.getvalue()
    out = BytesIO()
    with zipfile.ZipFile(buffer) as packed, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repacked:
        for info in packed.infolist():
            data = packed.read(info)
            if info.filename in bulky:
                # A lone surrogate (no character at all) becomes "?": XML has no way to hold it.
                data = _with_bulk_rows(data.decode("utf-8"), bulky[info.filename]).encode("utf-8", errors="replace")
            repacked.writestr(info, data)
    return out.getvalue()


def _with_bulk_rows(sheet_xml: str, ws: Worksheet) -> str:
    bulk = ws._bulk_rows
    if max((row for row, _ in ws._cells), default=0) >= bulk.first or max(ws.row_dimensions, default=0) >= bulk.first:
        raise ValueError(f"{ws.title}: a bulk table must be the last thing on its sheet")
    end = sheet_xml.index("</sheetData>")  # the sheet has cells above the table: its header at least
    last_column = get_column_letter(max(ws.max_column, bulk.left + len(bulk.letters) - 1))
    dimension = f'<dimension ref="{get_column_letter(ws.min_column)}{ws.min_row}:{last_column}{bulk.last}"'
    return re.sub(r'<dimension ref="[^"]*"', dimension, sheet_xml[:end], count=1) + bulk.xml() + sheet_xml[end:]


def add_table(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> Table:
    """A real Excel Table over the range (header row first), named uniquely in the workbook."""
    taken = {name for sheet in ws.parent.worksheets for name in sheet.tables}
    stem = "".join(c for c in ws.title.title() if c.isalnum()) or "Sheet"
    number = 1
    while f"{stem}{number}" in taken:
        number += 1
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
    table = Table(displayName=f"{stem}{number}", ref=ref)
    # The columns named from the header row here: left to openpyxl, saving reads the header
    # as ws[ref][0], which makes a cell for every blank in the whole range (a tenth of a
    # 200-person pack's build went there).
    table._initialise_columns()
    for column, header in zip(table.tableColumns, range(left, right + 1)):
        column.name = str(ws.cell(row=top, column=header).value)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(table)
    if bottom - top >= getattr(ws, "_longest_table", 0):
        ws._longest_table = bottom - top
        if bottom - top >= REPEATED_HEADER_ROWS:  # long enough to run onto a second page
            ws.print_title_rows = f"{top}:{top}"
    return table


def finish(ws: Worksheet, widths: dict[int, float], *, landscape: bool | None = None, heights: bool = True, printed_columns: int | None = None) -> None:
    """Column widths, row heights that show wrapped text, and A4 one page wide when
    printed: portrait when the columns fit its width, landscape otherwise (unless told).
    With `printed_columns`, only that many columns from the left print (the rest, such as
    long seed quotes, are read on screen): the page is chosen for them alone.

    Spreadsheet programs do not grow a row for wrapped text written by openpyxl, so the
    height is estimated from the text length and the column width, and held within
    Excel's limit (a very long note then shows its start; the cell keeps it all).
    """
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    # A merged cell wraps across all its columns.
    merged = {(r.min_row, r.min_col): sum(widths.get(c, 10) for c in range(r.min_col, r.max_col + 1)) for r in ws.merged_cells.ranges}
    if heights:
        # Only the cells written (iter_rows would make a cell for every blank), and the
        # wrapping read from the style's alignment id rather than a style proxy per cell.
        _wrap_what_would_spill(ws, {c: w for c, w in widths.items() if printed_columns is None or c <= printed_columns})
        merged = {(r.min_row, r.min_col): sum(widths.get(c, 10) for c in range(r.min_col, r.max_col + 1)) for r in ws.merged_cells.ranges}
        wrapping = {n for n, alignment in enumerate(ws.parent._alignments) if alignment.wrap_text}
        lines: dict[int, int] = {}
        for (row, column), cell in ws._cells.items():
            value = cell._value
            if isinstance(value, str) and _alignment_id(cell) in wrapping:
                wrapped = _wrapped_lines(value, merged.get((row, column), widths.get(column, 10)))
                if wrapped > lines.get(row, 1):
                    lines[row] = wrapped
        for row, count in lines.items():
            ws.row_dimensions[row].height = min(LINE_HEIGHT * count + 4, EXCEL_MAX_ROW_HEIGHT)
        bulk = getattr(ws, "_bulk_rows", None)
        if bulk is not None:  # kept apart: a row dimension would make openpyxl write an empty row there
            wrapped_widths = [(n, widths.get(bulk.left + n, 10)) for n, wraps in enumerate(bulk.wraps) if wraps]
            for number, row in enumerate(bulk.rows, start=bulk.first):
                count = max((_wrapped_lines(row[n], width) for n, width in wrapped_widths if n < len(row) and isinstance(row[n], str)), default=1)
                if count > 1:
                    bulk.heights[number] = min(LINE_HEIGHT * count + 4, EXCEL_MAX_ROW_HEIGHT)
    printed = {c: w for c, w in widths.items() if printed_columns is None or c <= printed_columns}
    if landscape is None:
        landscape = sum(printed.values()) + len(printed) * 5 / 7 > PORTRAIT_CHARS
    print_on_a4(ws, landscape=landscape)
    if printed_columns is not None:
        ws.print_area = f"A1:{get_column_letter(printed_columns)}{ws.max_row}"
    _keep_charts_whole(ws, landscape)


def _wrapped_lines(value: str, width: float) -> int:
    # 10 pt Arial fits about 1.2 characters per unit of column width; 1.1, as words wrap whole.
    return sum(math.ceil(max(len(part), 1) / max(width * 1.1 - 2, 1)) for part in value.split("\n"))


# Points of rows a printed A4 page holds under its header and above its footer, with a
# little to spare for a repeated header row.
PAGE_POINTS = {False: 842 - 108 - 30, True: 595 - 108 - 30}
DEFAULT_ROW_POINTS = 12.8
POINTS_PER_CM = 28.35


def _keep_charts_whole(ws: Worksheet, landscape: bool) -> None:
    """A chart that would run over the foot of a printed page starts the next page instead
    (spreadsheets cut a chart at a page break). Pages are laid out from the row heights as
    finish() set them, and the manual breaks already there."""
    if not ws._charts:
        return
    starts = {}
    for chart in ws._charts:
        anchor = chart.anchor if isinstance(chart.anchor, str) else None
        if anchor:
            starts.setdefault(int("".join(c for c in anchor if c.isdigit())), []).append(chart)
    breaks = {b.id for b in ws.row_breaks.brk}
    page, used = PAGE_POINTS[landscape], 0.0
    for row in range(1, max([ws.max_row, *starts]) + 1):
        if row - 1 in breaks:
            used = 0.0
        needed = max((c.height * POINTS_PER_CM for c in starts.get(row, ())), default=0.0)
        if needed and used > 0 and used + needed > page:
            ws.row_breaks.append(Break(id=row - 1))
            breaks.add(row - 1)
            used = 0.0
        height = ws.row_dimensions[row].height if row in ws.row_dimensions and ws.row_dimensions[row].height else DEFAULT_ROW_POINTS
        used = used + height if used + height <= page else height


def _alignment_id(cell) -> int:
    return cell._style.alignmentId if getattr(cell, "_style", None) is not None else 0  # a cell never styled has none


def _wrap_what_would_spill(ws: Worksheet, widths: dict[int, float]) -> None:
    """A long unwrapped text, the last in its row, runs on over the empty cells to its
    right, and past the last column a printed page widens (and shrinks its text) to hold
    it: such a text wraps across the columns to the sheet's last instead. Cells in Tables
    are left alone (a Table cannot hold merged cells)."""
    last = max(widths, default=1)
    in_tables = [CellRange(t.ref) for t in ws.tables.values()]
    merged = {r.min_row for r in ws.merged_cells.ranges}
    rightmost: dict[int, int] = {}
    for (row, column), cell in ws._cells.items():
        if cell._value is not None:
            rightmost[row] = max(rightmost.get(row, 0), column)
    wrapping = {n for n, alignment in enumerate(ws.parent._alignments) if alignment.wrap_text}
    for row, column in rightmost.items():
        cell = ws._cells[(row, column)]
        if row in merged or column > last or not isinstance(cell._value, str) or _alignment_id(cell) in wrapping:
            continue
        room = sum(widths.get(c, 10) for c in range(column, last + 1)) * 1.2
        if len(cell._value) * (cell.font.sz or BODY_SIZE) / BODY_SIZE <= room or any(
            r.min_row <= row <= r.max_row and r.min_col <= column <= r.max_col for r in in_tables
        ):
            continue
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
        if column < last:
            ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=last)


def print_on_a4(ws: Worksheet, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def bar_chart(
    ws: Worksheet,
    *,
    title: str,
    header: int,
    last: int,
    label_column: int,
    value_column: int,
    maximum: float,
    anchor: str | None = None,
    size: tuple[float, float] = (12, 18),
    first: int | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
) -> BarChart:
    """A native horizontal bar chart of one table column, first row at the top, 0 to
    `maximum`, every bar named and labelled with its value. `first`..`last` are the rows
    charted (all below `header` unless told); anchored below the table unless told. The
    axis titles default to the table's headers; the alt text lists every bar."""
    first = first or header + 1
    chart = BarChart()
    chart.type = "bar"
    chart.add_data(Reference(ws, min_col=value_column, min_row=first, max_row=last), titles_from_data=False)
    chart.series[0].tx = SeriesLabel(v=str(ws.cell(row=header, column=value_column).value or title))
    chart.set_categories(Reference(ws, min_col=label_column, min_row=first, max_row=last))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = maximum
    chart.x_axis.scaling.orientation = "maxMin"  # the table's first row at the top
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # a spreadsheet would otherwise drop every other bar's name
    # The value alone at each bar's end (a spreadsheet left to itself adds the category and series names).
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False, showBubbleSize=False, showLeaderLines=False
    )
    chart.dataLabels.numFmt = "0"
    chart.dataLabels.txPr = _text_properties()
    chart.legend = None
    chart.height, chart.width = size
    bars = [(ws.cell(row=r, column=label_column).value, ws.cell(row=r, column=value_column).value) for r in range(first, last + 1)]
    describe_chart(
        chart,
        title=title,
        x_title=x_title or str(ws.cell(row=header, column=label_column).value or ""),
        y_title=y_title or str(ws.cell(row=header, column=value_column).value or ""),
        alt_text=f"Bar chart, {title}: " + "; ".join(f"{label} {_shown(value)}" for label, value in bars) + ".",
    )
    ws.add_chart(chart, anchor or f"A{last + 2}")
    return chart


def _shown(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:.1f}"
    return "no score" if value is None else str(value)


def rows_below(top: int, chart) -> int:
    """The first free row below a chart anchored at row `top` (rows of 10 pt text)."""
    return top + math.ceil(chart.height / 0.45) + 1


def _text_properties(size: int = CHART_TEXT_SIZE, bold: bool = False) -> RichText:
    run = CharacterProperties(sz=size, b=bold)
    run.latin = _typeface()
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=run), endParaRPr=CharacterProperties(sz=size))])


def _typeface():
    from openpyxl.drawing.text import Font as TextFont

    return TextFont(typeface=FONT_NAME)


def describe_chart(chart, *, title: str, x_title: str | None, y_title: str | None, alt_text: str) -> None:
    """A chart's title, axis titles and alt text, all its text in the workbook's font at a
    printable size. For a horizontal bar chart x is the category axis (down the side)."""
    chart.title = title  # a second line ("\n") is a subtitle, in regular text
    for number, paragraph in enumerate(chart.title.tx.rich.p):
        size, bold = (1200, True) if number == 0 else (CHART_TEXT_SIZE, False)
        paragraph.pPr = ParagraphProperties(defRPr=CharacterProperties(sz=size, b=bold))
        for run in paragraph.r:
            run.rPr = CharacterProperties(sz=size, b=bold)
            run.rPr.latin = _typeface()
    for axis, text in ((chart.x_axis, x_title), (chart.y_axis, y_title)):
        axis.txPr = _text_properties()
        if text:
            axis.title = text
            for run in axis.title.tx.rich.p[0].r:
                run.rPr = CharacterProperties(sz=CHART_TEXT_SIZE, b=False)
                run.rPr.latin = _typeface()
    if chart.legend is not None:
        chart.legend.txPr = _text_properties()
    chart.alt_text = alt_text


def _chart_frame_with_alt_text(self, idx):
    """openpyxl writes no alt text for a chart: put the chart's own (describe_chart) in
    the drawing's cNvPr descr, where Excel and screen readers look for it."""
    frame = _chart_frame(self, idx)
    chart = (self.charts + self.images)[idx - 1]
    frame.nvGraphicFramePr.cNvPr.descr = getattr(chart, "alt_text", None)
    return frame


_chart_frame = SpreadsheetDrawing._chart_frame
SpreadsheetDrawing._chart_frame = _chart_frame_with_alt_text


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


# Excel shows a radar's value-axis title; LibreOffice does not, so the title says it too.
RADAR_AXIS_TITLE = "Score (0–100): further out is more room"
RADAR_SCALE = "Score 0 at the centre to 100 at the edge"


def radar_chart(ws: Worksheet, *, header: int, last: int, data_columns: Sequence[int], title: str) -> RadarChart:
    """A native radar of 0–100 scores: the categories in column 1 below `header`, one
    series per data column (named by its header). A blank is a gap, not a zero. Its value
    axis is titled and ticked 0, 25 … 100, so a printed page says what the rings are."""
    chart = RadarChart()
    chart.type = "marker"
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
    series = "; ".join(
        f"{ws.cell(row=header, column=c).value}: "
        + ", ".join(f"{ws.cell(row=r, column=1).value} {_shown(ws.cell(row=r, column=c).value)}" for r in range(header + 1, last + 1))
        for c in data_columns
    )
    describe_chart(chart, title=f"{title}\n{RADAR_SCALE}", x_title=None, y_title=RADAR_AXIS_TITLE, alt_text=f"Radar chart, {title}. {series}.")
    return chart


PURPOSE = "A vehicle for self-improvement, not a performance management tool. Scores describe room for manoeuvre, not performance."


def new_workbook() -> Workbook:
    """A workbook whose default text is the one family at BODY_SIZE."""
    wb = Workbook()
    body = Font(name=FONT_NAME, size=BODY_SIZE)
    wb._fonts = IndexedList([body])
    wb._named_styles["Normal"].font = copy(body)
    return wb


def header_text(text: str) -> str:
    """Text as a page header shows it: "&" starts a header code, so it is doubled."""
    return UNSTORABLE.sub("", text).replace("&", "&&")[:80]


def finish_workbook(wb, *, title: str, name: str, generated, unprinted: Iterable[str] = (), hidden: Iterable[str] = ()) -> None:
    """What every printed page and the file itself carry, set once the sheets are written:
    a header with the assessment's name and date, "Page x of y" in the footer, one font
    family (headers too), and the document's creator and title. Sheets in `unprinted`
    print only their first two rows (their title and what the sheet is); `hidden` sheets
    are hidden (a reader still finds them)."""
    wb._fonts = IndexedList([_in_family(font) for font in wb._fonts])  # same order: cells keep their font index
    wb.properties.creator = APP_NAME
    wb.properties.lastModifiedBy = APP_NAME
    wb.properties.title = f"{title}: {name}"[:250]
    dated = f"{generated:%d %B %Y}"
    for ws in wb.worksheets:
        ws.oddHeader.left.text = header_text(name)
        ws.oddHeader.right.text = header_text(f"{title}, {dated}")
        ws.oddFooter.left.text = header_text(ws.title)
        ws.oddFooter.right.text = "Page &P of &N"
        for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.left, ws.oddFooter.right):
            part.font, part.size = f"{FONT_NAME},Regular", BODY_SIZE
        if ws.title in unprinted:  # the title and what the sheet is, on columns that fit a page
            widths = [ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, ws.max_column + 1)]
            fitting = max(1, sum(1 for n in range(1, len(widths) + 1) if sum(widths[:n]) <= LANDSCAPE_CHARS - 10))
            ws.print_area = f"A1:{get_column_letter(fitting)}2"
            if isinstance(ws["A2"].value, str) and fitting > 1:  # what the sheet is, wrapped within the printed width
                ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
                ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=fitting)
                ws.row_dimensions[2].height = LINE_HEIGHT * 3 + 4
            ws._print_rows = None
        if ws.title in hidden:
            ws.sheet_state = "hidden"


def _in_family(font: Font) -> Font:
    font = copy(font)
    font.name = FONT_NAME
    font.family = None
    font.scheme = None  # a theme font scheme would let Excel swap the family back
    if font.sz is None or font.sz < BODY_SIZE:
        font.sz = BODY_SIZE
    return font


def about_sheet(wb, generated, lines: Iterable[tuple[str, str]], *, label_width: float = 34) -> None:
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


def values_brought_back(ws, width: int, max_rows: int):
    """(row number, the first `width` values) of each row of a sheet brought back, padded
    with None; UploadError, naming where, for a sheet longer than `max_rows` or a cell that
    holds a formula (the app reads only values it wrote)."""
    from scoring.imports.uploads import UploadError  # here: uploads stays free of openpyxl writing

    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(max_col=width), start=1):
        if number > max_rows:
            raise UploadError(f"this sheet has more than {max_rows:,} rows.", sheet=ws.title)
        formula = next((c for c in row if getattr(c, "data_type", None) == "f"), None)
        if formula is not None:
            raise UploadError(
                "this cell holds a formula; the app reads only values it wrote. Bring back the workbook as downloaded.",
                sheet=ws.title,
                row=number,
                column=formula.column_letter,
            )
        yield number, tuple(getattr(c, "value", None) for c in row) + (None,) * (width - len(row))
