"""The Excel summary: one workbook for a respondent's answers to every diagnostic."""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO
from typing import Mapping

from openpyxl import Workbook
from openpyxl.styles import Font

from scoring import xlsx
from scoring.instrument import source_titles
from scoring.registry import DIAGNOSTICS

APP_NAME = "Commissioning Diagnostics"


def build_workbook(
    response: Mapping[str, Mapping[str, dict]],
    *,
    title: str = "Quick self-check",
    generated: datetime | None = None,
) -> bytes:
    """The .xlsx bytes: Summary, a sheet per diagnostic, About.

    `response` holds every stored record of one respondent, by diagnostic id.
    """
    generated = generated or datetime.now(timezone.utc)
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    row = xlsx.title(summary, f"{APP_NAME}: {title}", f"Generated {generated:%d %B %Y %H:%M} UTC")
    for module in DIAGNOSTICS.values():
        row = module.write_summary(summary, row, response) + 1
    xlsx.finish(summary, {1: 52, 2: 20, 3: 10, 4: 12, 5: 14})

    for module in DIAGNOSTICS.values():
        module.write_sheets(wb, response)

    about = wb.create_sheet("About")
    xlsx.title(about, "About this workbook")
    lines = [
        ("Tool", APP_NAME),
        ("Generated", generated.strftime("%Y-%m-%d %H:%M UTC")),
        ("Purpose", "A vehicle for self-improvement, not a performance management tool. Scores describe room for manoeuvre, not performance."),
    ]
    for module in DIAGNOSTICS.values():
        lines.extend(module.about_rows())
    lines.extend((f"Source {name}", text) for name, text in source_titles().items())
    last = xlsx.write_table(about, 3, ["Item", "Detail"], lines, wrap=["Detail"])
    for row_number in range(4, last + 1):
        about.cell(row=row_number, column=1).font = Font(bold=True)
    xlsx.finish(about, {1: 40, 2: 100})

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
