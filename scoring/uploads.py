"""Limits and errors for every file a user uploads, set in one place.

Pages state these limits beside each uploader; readers check them before reading, so a
file over a limit is refused with a message and never half-read.
"""

from __future__ import annotations

MAX_UPLOAD_MB = 10  # also .streamlit/config.toml's server.maxUploadSize
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 5000  # rows in any one sheet or CSV
MAX_COLUMNS = 300
MAX_CELL_CHARS = 5000

LIMITS_TEXT = f"Files up to {MAX_UPLOAD_MB} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns per sheet"
SURVEY_FORMATS = ".xlsx workbooks or .csv files (UTF-8, UTF-8 with a byte-order mark, UTF-16 or Windows-1252)"


class UploadError(ValueError):
    """A file that cannot be used, with where the problem is: the message is for the user."""

    def __init__(self, problem: str, *, sheet: str | None = None, row: int | None = None, column: str | None = None):
        self.problem, self.sheet, self.row, self.column = problem, sheet, row, column
        where = ", ".join(
            part for part in (
                f"sheet “{sheet}”" if sheet else "",
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            ) if part
        )
        super().__init__(f"{where}: {problem}" if where else problem)


def check_size(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"the file is {len(data) / 1024 / 1024:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
    if not data:
        raise UploadError("the file is empty.")
