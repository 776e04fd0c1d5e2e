"""Limits and errors for every file a user uploads, set in one place.

Pages state these limits beside each uploader; readers check them before reading, so a
file over a limit is refused with a message and never half-read.
"""

from __future__ import annotations

import contextlib
import threading
import zipfile

MAX_UPLOAD_MB = 10  # also .streamlit/config.toml's server.maxUploadSize
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 5000  # rows in any one sheet or CSV
MAX_COLUMNS = 300
MAX_CELL_CHARS = 5000

# What an .xlsx may unpack to. openpyxl holds the whole shared-strings part in memory and
# reads it at about 4 MB a second here, so that part has its own, smaller limit; sheets
# are read row by row and stop at MAX_ROWS. The app's own workbooks stay far below both.
MAX_UNPACKED_MB = 48
MAX_SHARED_STRINGS_MB = 4
SHARED_STRINGS = "xl/sharedStrings.xml"
# Uploads read at the same time in one app process: each can take a second or two of a
# core, so a client that fires many at once waits its turn instead of starving the room.
READERS_AT_ONCE = 2
_readers = threading.BoundedSemaphore(READERS_AT_ONCE)

LIMITS_TEXT = f"Files up to {MAX_UPLOAD_MB} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns per sheet"
SURVEY_FORMATS = ".xlsx workbooks or .csv files (UTF-8, UTF-8 with a byte-order mark, UTF-16 or Windows-1252)"


class UploadError(ValueError):
    """A file that cannot be used, with where the problem is: the message is for the user."""

    def __init__(self, problem: str, *, sheet: str | None = None, row: int | None = None, column: str | None = None):
        self.problem, self.sheet, self.row, self.column = problem, sheet, row, column
        where = ", ".join(
            part
            for part in (
                f"sheet “{sheet}”" if sheet else "",
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {problem}" if where else problem)


def check_size(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"the file is {len(data) / 1024 / 1024:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
    if not data:
        raise UploadError("the file is empty.")


def check_unpacked(archive: zipfile.ZipFile, *, shared_strings_mb: int = MAX_SHARED_STRINGS_MB) -> None:
    """Refuse, from the sizes the zip declares (zipfile never unpacks more than those), a
    workbook that would take long or much memory to read, before any of it is parsed."""
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED_MB * 1024 * 1024:
        raise UploadError(f"this workbook unpacks to {total / 1024 / 1024:,.0f} MB, more than the {MAX_UNPACKED_MB} MB an upload can use.")
    strings = sum(entry.file_size for entry in entries if entry.filename.lower() == SHARED_STRINGS.lower())
    if strings > shared_strings_mb * 1024 * 1024:
        raise UploadError(
            f"this workbook's text table unpacks to {strings / 1024 / 1024:,.0f} MB, more than the {shared_strings_mb} MB "
            "an upload can use. Save only the sheets you need, or export as CSV."
        )


@contextlib.contextmanager
def one_of_a_few():
    """Hold one of the process's few upload-reading places, or refuse at once."""
    if not _readers.acquire(blocking=False):
        raise UploadError("other uploads are being read on this server just now. Try again in a few seconds.")
    try:
        yield
    finally:
        _readers.release()
