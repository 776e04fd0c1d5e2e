"""Reading back a workbook the app made (a self-check's Excel summary or a workshop pack).

Only the "App data" sheet is read for answers: one row per stored record, as JSON. Every
record is validated exactly as a typed answer is, and must come out of that check
unchanged. The About sheet's workbook format must be this app's; an instrument version may
be older than this app's, and then each answer is carried forward through the
instrument's history (scoring/instruments/versions.py): answers to unchanged and reworded items are
kept under their id now, answers to replaced, split and retired items are listed in
`Workbook.lost`. A version newer than this app's is refused.
Anything wrong is an UploadError saying what and where (sheet, row, column); nothing
else ever escapes read_workbook. Nothing is stored here: `resume` reads the whole file
first and writes only once it has been read without a problem.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from scoring import registry
from scoring.excel import cells as xlsx
from scoring.excel import sheet_edits
from scoring.excel import summary as export
from scoring.imports.uploads import MAX_COLUMNS, MAX_ROWS, UploadError, check_size, check_unpacked, one_of_a_few
from scoring.instruments import versions
from scoring.records import development_plan
from scoring.workshop import agreed_pack, room, setup, voice_sheet

SELF_CHECK, WORKSHOP_PACK = "self_check", "workshop_pack"
BASELINE = "baseline"  # scoring.records.baseline.ID (which imports this module)
ABOUT = "About"
DATA = export.DATA_SHEET
PARTICIPANT = re.compile(r"^P\d{2,}$")
VERSION_LINE = re.compile(r"^([a-z][a-z0-9_]{0,31}) version (\S+)$")
FORMAT_LINE = re.compile(rf"^{re.escape(export.FORMAT_NAME)} (\d+)$")
# Excel's own limit for one cell: a Record holds a whole record as JSON, whose escapes can
# make it longer than uploads.MAX_CELL_CHARS, which is meant for typed text.
RECORD_MAX_CHARS = 32_767
ROLE_MAX_CHARS = 200
ITEM_MAX_CHARS = 64  # the store's item id column
# App data holds one row per record: a room of 400 answering a few diagnostics is some
# 16,000 rows, every diagnostic about 50,000. Bounded all the same (the unpacked size and
# the shared strings have their own limits in scoring/imports/uploads.py).
DATA_MAX_ROWS = 60_000
NOT_XLSX = "this is not an Excel workbook (.xlsx), or it is damaged. Bring back the .xlsx file downloaded from this app."
FROM_THIS_APP = "Bring back an Excel summary or workshop pack downloaded from this app."
CELL_KINDS = {"n": "a number", "d": "a date", "b": "TRUE or FALSE", "f": "a formula", "e": "an error value"}


@dataclass(frozen=True)
class Workbook:
    kind: str  # SELF_CHECK or WORKSHOP_PACK
    title: str  # "Quick self-check", or the workshop's name
    generated: str  # the About sheet's Generated text
    response: dict  # self-check: the whole response {diagnostic: {item: record}}; pack: the room's records
    # Pack: (label "P01", role as the pack shows it or None when it shows none, response).
    participants: list[tuple[str, str | None, dict]] = field(default_factory=list)
    # Each instrument's version in the file, where it differs from this app's: {id: version}.
    older: dict[str, str] = field(default_factory=dict)
    # Answers not carried over: (respondent "self"/"room"/"P01", diagnostic id, what happened).
    lost: list[tuple[str, str, versions.Lost]] = field(default_factory=list)
    # What was changed in Excel on the plan and risk sheets, in plain words (sheet_edits).
    edits: list[str] = field(default_factory=list)
    # Pack: what the room agreed per factor ({(diagnostic, item, field): record}, agreed_pack).
    agreed: dict = field(default_factory=dict)
    # Pack: the actions the room voted on with their votes (text, votes), and the
    # contributions shown (scoring/workshop/voice_sheet.py).
    votes: list[tuple[str, int]] = field(default_factory=list)
    contributions: list[str] = field(default_factory=list)

    def not_carried(self) -> list[dict[str, str]]:
        """carried_over(self): what a kept baseline remembers was not carried over."""
        return carried_over(self)


def read_workbook(data: bytes) -> Workbook:
    """The records in a workbook this app made; raises UploadError and nothing else."""
    with one_of_a_few():
        return _read_workbook(data)


def _read_workbook(data: bytes) -> Workbook:
    try:
        check_size(data)
        _check_container(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about parts it skips
                book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # whatever a damaged file makes openpyxl raise
            raise UploadError(NOT_XLSX) from None
        try:
            return _read(book, data)
        finally:
            book.close()
    except UploadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, SyntaxError):
        # A part that is damaged further in (a bad CRC, broken XML) only shows when read.
        raise UploadError(NOT_XLSX) from None
    except Exception as exc:  # never let a hostile file take the page down
        raise UploadError(f"could not read this workbook: {type(exc).__name__}: {str(exc)[:200]}") from None


def resume(store, token: str, data: bytes) -> Workbook:
    """Make a self-check's stored answers exactly those in the workbook: the file is read
    and checked in full first, so a bad file leaves the store untouched."""
    book = read_workbook(data)
    if book.kind != SELF_CHECK:
        raise UploadError("a workshop pack cannot be resumed as a self-check; use it as a baseline or to compare.")
    store.replace_response(token, book.response)
    return book


def resume_workshop(store, book: Workbook, *, client: str | None = None) -> str:
    """A new workshop holding a pack's participants (roles as the pack shows them), the
    room's plan and risks, and the actions it voted on with their votes and the
    contributions it was shown; returns its facilitator token (`client` as store.create_workshop
    takes it). A failure part-way removes the
    new workshop again, so nothing is left half made."""
    if book.kind != WORKSHOP_PACK:
        raise UploadError("a self-check is resumed as a self-check, not as a workshop.")
    answered = {d for _, _, response in book.participants for d in response}
    diagnostics = [d for d in registry.in_workshop() if d in answered] or registry.workshop_defaults()
    roles = list(dict.fromkeys(role for _, role, _ in book.participants if role))
    name, diagnostics, roles = setup.clean_setup(f"{book.title} (brought back)"[: setup.NAME_LIMIT], diagnostics, roles)
    _code, facilitator = store.create_workshop(name, diagnostics, roles, client=client)
    try:
        store.add_participants(facilitator, [(role, response) for _, role, response in book.participants])
        store.replace_response(facilitator, book.response)
        if book.agreed:
            store.replace_agreements(facilitator, book.agreed)
        if book.votes or book.contributions:
            store.restore_voice(facilitator, book.votes, book.contributions)
    except Exception:
        store.delete_workshop(facilitator)
        raise
    return facilitator


def carried_over_report(book: Workbook) -> tuple[str | None, str | None, list[str]]:
    """What happened to the answers of an older workbook, in plain words: (which
    instruments changed since and that unchanged and reworded answers were kept, the
    headline of what was not, one line per statement that changed); Nones and [] for a
    workbook of this app's versions."""
    if not book.older:
        return None, None, []
    made = ", ".join(f"“{registry.title(d)}” {version} (now {registry.diagnostic(d).instrument().version})" for d, version in book.older.items())
    kept = f"This workbook was made with earlier versions of {made}. Answers to statements that are unchanged or only reworded were carried over."
    headline, lines = versions.lost_lines((registry.diagnostic(d).instrument().history, gone) for _, d, gone in book.lost)
    return kept, headline, lines


def carried_over(book: Workbook) -> list[dict[str, str]]:
    """What could not be carried over, per instrument, as a kept baseline remembers it:
    [{"diagnostic": id, "note": "“Title” 1.0 (now 1.1): 3 answers could not be …"}]."""
    return _notes(book.older, [(d, gone) for _, d, gone in book.lost])


def _notes(older: dict[str, str], lost: list[tuple[str, versions.Lost]]) -> list[dict[str, str]]:
    notes = []
    for diagnostic_id in dict.fromkeys(d for d, _ in lost):
        inst = registry.diagnostic(diagnostic_id).instrument()
        summary = versions.plain_summary((inst.history, gone) for d, gone in lost if d == diagnostic_id)
        notes.append({"diagnostic": diagnostic_id, "note": f"“{inst.title}” {older[diagnostic_id]} (now {inst.version}): {summary}"})
    return notes


# --- The file as a whole ------------------------------------------------------------------


def _check_container(data: bytes) -> None:
    """Refuse, with a useful message, what is plainly not an .xlsx file."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadError(
            "this is an old-style Excel file (.xls) or a password-protected workbook. Bring back the .xlsx file downloaded from this app, without a password."
        )
    if not data.startswith(b"PK"):
        if _looks_like_text(data[:4096]):
            raise UploadError("this looks like a CSV or text file, not an Excel workbook (.xlsx). " + FROM_THIS_APP)
        raise UploadError(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unpacked(archive)  # zip bombs, and small files that take minutes to read
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
                raise UploadError("this is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx). " + FROM_THIS_APP)
            if "xl/workbook.xml" not in names:
                raise UploadError(NOT_XLSX)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise UploadError(NOT_XLSX) from None


def _looks_like_text(head: bytes) -> bool:
    """Text in a usual encoding: a CSV or a text file, not something damaged."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):  # byte-order marks
        return True
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is left out
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    return bool(text) and all(c.isprintable() or c in "\r\n\t" for c in text)


def _read(book, data: bytes) -> Workbook:
    missing = [name for name in (DATA, ABOUT) if name not in book.sheetnames]
    if missing:
        names = " and ".join(f"“{name}”" for name in missing)
        raise UploadError(
            f"this workbook has no {names} sheet{'s' if len(missing) > 1 else ''}, so it was not made by this version of the app. " + FROM_THIS_APP
        )
    about = _about(_sheet(book, ABOUT))
    kind = WORKSHOP_PACK if "Workshop pack" in about else SELF_CHECK
    rows = _data_rows(_sheet(book, DATA), data, kind)
    older = _check_versions(about, {diagnostic for _, _, _, diagnostic, _, _ in rows if diagnostic})
    response, participants, lost = _records(rows, kind, older)
    response, edits = sheet_edits.apply(book, response, older)
    votes, contributions = voice_sheet.read(book) if kind == WORKSHOP_PACK else ([], [])
    return Workbook(
        kind=kind,
        title=_title(book, kind),
        generated=about.get("Generated", ("", 0))[0],
        response=response,
        participants=participants,
        older=older,
        lost=lost,
        edits=edits,
        agreed=agreed_pack.read_agreed(book) if kind == WORKSHOP_PACK else {},
        votes=votes,
        contributions=contributions,
    )


def _sheet(book, name: str):
    ws = book[name]
    if not hasattr(ws, "iter_rows"):
        raise UploadError("this is a chart, not a sheet of cells. " + FROM_THIS_APP, sheet=name)
    ws.reset_dimensions()  # the size a file claims may be wrong; read the rows it has
    return ws


def _rows(ws, **options):
    """ws.iter_rows, with a part of the file that will not parse reported as a damaged sheet
    (openpyxl parses a sheet only as its rows are read)."""
    rows = ws.iter_rows(**options)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise UploadError(
                f"this sheet is damaged, so it cannot be read ({type(exc).__name__}). Bring back the workbook as downloaded.",
                sheet=ws.title,
            ) from None
        yield row


def _text(cell, sheet: str, row: int, column: str, label: str, *, required: bool, limit: int) -> str | None:
    """A cell that must hold text (or be empty when not required)."""
    if cell is None or cell.value is None:
        if required:
            raise UploadError(f"{label} is empty.", sheet=sheet, row=row, column=column)
        return None
    kind = getattr(cell, "data_type", "s")
    if kind in CELL_KINDS or not isinstance(cell.value, str):
        raise UploadError(
            f"this cell holds {CELL_KINDS.get(kind, 'something other than text')} ({str(cell.value)[:60]}) where {label} belongs, "
            "as text. The sheet was changed outside the app: bring back the workbook as downloaded.",
            sheet=sheet,
            row=row,
            column=column,
        )
    if len(cell.value) > limit:
        raise UploadError(f"{label} is longer than {limit:,} characters.", sheet=sheet, row=row, column=column)
    return cell.value


# --- About --------------------------------------------------------------------------------


def _about(ws) -> dict[str, tuple[str, int]]:
    """Label -> (detail, row) of the About sheet's lines."""
    lines: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(_rows(ws, max_col=2), start=1):
        if number > MAX_ROWS:
            raise UploadError(f"this sheet has more than {MAX_ROWS:,} rows; the app's About sheet is short.", sheet=ABOUT)
        if len(row) == 2 and isinstance(row[0].value, str) and isinstance(row[1].value, str):
            lines.setdefault(row[0].value.strip(), (row[1].value.strip(), number))
    if export.FORMAT_LABEL not in lines:
        raise UploadError(
            f"there is no “{export.FORMAT_LABEL}” line, so this workbook was not made by this version of the app. " + FROM_THIS_APP,
            sheet=ABOUT,
        )
    text, row = lines[export.FORMAT_LABEL]
    found = FORMAT_LINE.match(text)
    if not found:
        raise UploadError(f"the workbook format “{text[:80]}” is not one this app reads. " + FROM_THIS_APP, sheet=ABOUT, row=row, column="B")
    if int(found.group(1)) != export.FORMAT_VERSION:
        newer = int(found.group(1)) > export.FORMAT_VERSION
        raise UploadError(
            f"this workbook is in format {found.group(1)}, from {'a newer' if newer else 'an older'} version of the app; this app reads "
            f"format {export.FORMAT_VERSION}. " + ("Open it in the newer app, or update this one." if newer else "Open it in the app version that made it."),
            sheet=ABOUT,
            row=row,
            column="B",
        )
    return lines


def _check_versions(about: dict[str, tuple[str, int]], diagnostic_ids: set[str]) -> dict[str, str]:
    """Each instrument the records depend on must be this app's version or one in its
    history; returns {id: version in the file} for those that are older."""
    in_file = {}
    for label, (text, row) in about.items():
        found = VERSION_LINE.match(text)
        if label.endswith(": instrument") and found:
            in_file[found.group(1)] = (found.group(2), row)
    needed = [d for diagnostic_id in sorted(diagnostic_ids) for d in (diagnostic_id, *export.DEPENDS_ON.get(diagnostic_id, ()))]
    older = {}
    for diagnostic_id in dict.fromkeys(needed):
        if diagnostic_id not in registry.diagnostics():  # a record kind has no instrument
            continue
        inst = registry.diagnostic(diagnostic_id).instrument()
        if diagnostic_id not in in_file:
            raise UploadError(
                f"there is no line saying which version of “{inst.title}” this workbook's answers follow, so they cannot be checked. " + FROM_THIS_APP,
                sheet=ABOUT,
            )
        version, row = in_file[diagnostic_id]
        if version == inst.version:
            continue
        if inst.history.is_newer(version):
            raise UploadError(
                f"this workbook was made with a newer version of “{inst.title}” (version {version}) than this app has (version "
                f"{inst.version}), so some of its answers belong to statements this app does not know. Open it in the newer app, or update this one.",
                sheet=ABOUT,
                row=row,
                column="B",
            )
        if not inst.history.knows(version):
            raise UploadError(
                f"“{inst.title}” version {version} is not a version this app knows (it knows {', '.join(inst.history.versions)}). " + FROM_THIS_APP,
                sheet=ABOUT,
                row=row,
                column="B",
            )
        older[diagnostic_id] = version
    return older


def _title(book, kind: str) -> str:
    """The self-check's title (Summary A1 after the app's name), or the workshop's name."""
    if "Summary" not in book.sheetnames or not hasattr(book["Summary"], "iter_rows"):
        return ""
    ws = book["Summary"]
    ws.reset_dimensions()
    rows = [tuple(c.value for c in row) for row in _rows(ws, max_row=12, max_col=2)]
    if kind == WORKSHOP_PACK:
        return next((str(r[1]) for r in rows if len(r) == 2 and r[0] == "Workshop" and r[1] is not None), "")
    first = rows[0][0] if rows and rows[0] else None
    return first.removeprefix(f"{xlsx.APP_NAME}: ") if isinstance(first, str) else ""


# --- App data ------------------------------------------------------------------------------


def _data_rows(ws, data: bytes, kind: str) -> list[tuple[int, str, str | None, str | None, str | None, str | None]]:
    """(Excel row, respondent, role, diagnostic, item, record text) of each table row,
    each cell checked to be text where text belongs."""
    _refuse_merged_cells(data, ws)
    header_at = export.DATA_HEADER_ROW
    rows = []
    seen_header = anything = False
    for number, row in enumerate(_rows(ws), start=1):
        if number > header_at + DATA_MAX_ROWS:
            raise UploadError(f"the table goes on past row {header_at + DATA_MAX_ROWS:,}; at most {DATA_MAX_ROWS:,} records can be read.", sheet=DATA)
        if len(row) > MAX_COLUMNS:
            raise UploadError(f"a row has more than {MAX_COLUMNS} columns.", sheet=DATA, row=number)
        stray = next((c for c in row[len(export.DATA_HEADERS) :] if c.value is not None), None)
        if stray is not None:
            column = get_column_letter(len(export.DATA_HEADERS) + row[len(export.DATA_HEADERS) :].index(stray) + 1)
            raise UploadError(f"there is a value beyond the table's {len(export.DATA_HEADERS)} columns.", sheet=DATA, row=number, column=column)
        values = [c.value for c in row[: len(export.DATA_HEADERS)]]
        anything = anything or any(v is not None for v in values)
        if number < header_at:
            continue
        if number == header_at:
            if tuple(values) != export.DATA_HEADERS:
                raise UploadError(f"the header row must be: {' | '.join(export.DATA_HEADERS)}.", sheet=DATA, row=number)
            seen_header = True
            continue
        cells = list(row[: len(export.DATA_HEADERS)]) + [None] * (len(export.DATA_HEADERS) - len(row))
        if all(c is None or c.value is None for c in cells):
            continue  # a blank row, as a spreadsheet leaves when a row is cleared
        rows.append((number, *_row_texts(cells, number, kind)))
    if not anything:
        raise UploadError("the sheet is empty. " + FROM_THIS_APP, sheet=DATA)
    if not seen_header:
        raise UploadError(f"the header row must be: {' | '.join(export.DATA_HEADERS)}.", sheet=DATA, row=header_at)
    return rows


def _row_texts(cells, number: int, kind: str) -> tuple:
    respondent = _text(cells[0], DATA, number, "A", "the respondent", required=True, limit=10)
    role = _text(cells[1], DATA, number, "B", "the role", required=False, limit=ROLE_MAX_CHARS)
    allowed = (export.SELF,) if kind == SELF_CHECK else (export.ROOM, "P01, P02 …")
    if respondent not in allowed and not (kind == WORKSHOP_PACK and PARTICIPANT.match(respondent)):
        what = "a self-check" if kind == SELF_CHECK else "a workshop pack"
        raise UploadError(f"the respondent “{respondent}” cannot be in {what}; it must be {' or '.join(allowed)}.", sheet=DATA, row=number, column="A")
    if role is not None and respondent in (export.SELF, export.ROOM):
        raise UploadError(f"“{respondent}” rows have no role.", sheet=DATA, row=number, column="B")
    is_participant = respondent not in (export.SELF, export.ROOM)
    empty = [c is None or c.value is None for c in cells[2:]]
    if is_participant and all(empty):
        return respondent, role, None, None, None  # a participant who has not answered anything
    diagnostic = _text(cells[2], DATA, number, "C", "the diagnostic", required=True, limit=64)
    if diagnostic not in (known := registry.stored()):
        raise UploadError(f"“{diagnostic[:64]}” is not a diagnostic this app knows ({', '.join(known)}).", sheet=DATA, row=number, column="C")
    item = _text(cells[3], DATA, number, "D", "the item", required=True, limit=ITEM_MAX_CHARS)
    record = _text(cells[4], DATA, number, "E", "the record", required=True, limit=RECORD_MAX_CHARS)
    return respondent, role, diagnostic, item, record


def _refuse_merged_cells(data: bytes, ws) -> None:
    """openpyxl's read-only mode does not report merged cells, so look in the sheet's XML
    (whose unpacked size _check_container has bounded) for the first one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with archive.open(ws._worksheet_path.lstrip("/")) as part:
            tail = b""
            while chunk := part.read(1 << 20):
                found = re.search(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+\d+))?"', tail + chunk)
                if found:
                    first = found.group(1).decode() + found.group(2).decode()
                    cells = f"{first}:{found.group(3).decode()}" if found.group(3) else first
                    raise UploadError(
                        f"cells {cells} are merged; each answer needs a cell of its own. The sheet was changed outside the app: "
                        "bring back the workbook as downloaded.",
                        sheet=DATA,
                        row=int(found.group(2)),
                        column=found.group(1).decode(),
                    )
                tail = chunk[-200:]


def _records(rows, kind: str, older: dict[str, str]) -> tuple[dict, list, list]:
    """The rows as responses, each record carried to its item now (when the workbook's
    instrument is older) and validated as if typed in; and the answers not carried."""
    response: dict[str, dict[str, dict]] = {}
    lost: list[tuple[str, str, versions.Lost]] = []
    people: dict[str, tuple[str | None, dict]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, respondent, role, diagnostic, item, text in rows:
        if respondent in (export.SELF, export.ROOM):
            target = response
        else:
            if respondent in people and people[respondent][0] != role:
                raise UploadError(f"{respondent} has a different role here from their earlier rows.", sheet=DATA, row=number, column="B")
            target = people.setdefault(respondent, (role, {}))[1]
        if diagnostic is None:
            continue
        if diagnostic in older and registry.diagnostic(diagnostic).instrument().history.mentions(item):
            item, gone = registry.diagnostic(diagnostic).instrument().history.follow(item, older[diagnostic])
            if gone:
                _json_object(text, number)  # not checked against today's statement: it is not that statement's answer
                lost.append((respondent, diagnostic, gone))
                continue
        key = (respondent, diagnostic, item)
        if key in seen:
            raise UploadError(f"the same answer ({respondent}, {diagnostic}, {item[:64]}) is also in row {seen[key]}.", sheet=DATA, row=number, column="D")
        seen[key] = number
        target.setdefault(diagnostic, {})[item] = _record(diagnostic, item, text, number, older)
    participants = [(label, _shown_role(role), answers) for label, (role, answers) in people.items()]
    return response, participants, lost


def _shown_role(role: str | None) -> str | None:
    # Roles the pack could not show (a small group, or none given) come back as no role.
    if role is None or role.startswith(room.ROLE_HIDDEN_PREFIX):
        return None
    return None if role in ("", room.NO_ROLE) else role


def _json_object(text: str, number: int) -> dict:
    where = dict(sheet=DATA, row=number, column="E")
    try:
        record = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise UploadError("the record is not valid JSON. The sheet was changed outside the app: bring back the workbook as downloaded.", **where) from None
    if not isinstance(record, dict):
        raise UploadError("the record must be a JSON object ({…}).", **where)
    return record


def _record(diagnostic: str, item: str, text: str, number: int, older: dict[str, str]) -> dict:
    where = dict(sheet=DATA, row=number, column="E")
    record = _json_object(text, number)
    if diagnostic == BASELINE and older:
        record = _carried_baseline(record, older)
    if diagnostic == development_plan.ID and item.startswith("aspect:") and "eight_aspects" in older:
        record = development_plan.as_today(record)
    try:
        # Checked exactly as a typed answer is. The record was saved once already, so it is
        # its own "previous" record: a plan's due date that has passed since is kept.
        cleaned = registry.stored()[diagnostic].clean_record(item, record, record)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        problem = str(exc) if isinstance(exc, ValueError) else f"the record is not in the form the app stores ({type(exc).__name__})"
        raise UploadError(problem.rstrip(".") + ".", **where) from None
    if cleaned != record:
        raise UploadError(
            f"this record is not as the app saves it (the app would save {export.record_text(cleaned)[:300]}), so the file was changed "
            "outside the app. Change answers in the app, not in the workbook.",
            **where,
        )
    return cleaned


def _carried_baseline(record: dict, older: dict[str, str]) -> dict:
    """A baseline kept in an older workbook holds answers of those versions too: carried
    forward likewise, with what could not be carried added to its notes."""
    lost: list = []

    def carry(response):
        if not isinstance(response, dict):
            return response
        carried = {}
        for diagnostic, records in response.items():
            if diagnostic in older and isinstance(records, dict):
                history = registry.diagnostic(diagnostic).instrument().history
                kept = {}
                for item, answer in records.items():
                    now, gone = history.follow(item, older[diagnostic]) if history.mentions(item) else (item, None)
                    if gone:
                        lost.append((diagnostic, gone))
                    else:
                        kept[now] = answer
                records = kept
            carried[diagnostic] = records
        return carried

    record = {**record, "response": carry(record.get("response"))}
    if isinstance(record.get("participants"), list):
        record["participants"] = [{**p, "response": carry(p.get("response"))} if isinstance(p, dict) else p for p in record["participants"]]
    if lost and isinstance(record.get("not_carried") or [], list):
        record["not_carried"] = [*(record.get("not_carried") or []), *_notes(older, lost)]
    return record


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")
