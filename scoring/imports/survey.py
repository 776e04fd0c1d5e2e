"""Importing answers collected elsewhere (a Microsoft Forms export, or any survey tool's
CSV or Excel file) into a workshop: one row per person, one column per question.

Pure Python and pandas; the import page drives it in five steps:

1. ``table = read_table(data, filename)``: the file as text. Every failure is an
   UploadError saying where (sheet, row, column) and what; nothing else escapes.
2. ``mapping = guess_mapping(list(table.columns), diagnostic_ids)``: column -> Target
   (a question, or ROLE) or None (ignored); a guess the user confirms or changes, with
   ``[None, ROLE, *targets(diagnostic_ids)]`` as the choices for each column. A file
   made from an earlier version of the form maps too: a heading in an earlier wording of a
   statement that was only reworded maps to today's statement, and
   ``outdated_columns(columns, diagnostic_ids)`` names, with what happened, the columns
   whose statement was since replaced, split or retired (left unmapped).
3. For each mapped column, ``distinct_answers(table, mapping)[column]`` are the texts in
   the file; ``match_answer(value_scale(target, roles), text)`` is the default value for
   each (UNMAPPED when none fits) and ``choices(target, roles)`` the values the user can
   pick instead. The user's choices become ``values = {column: {text: value}}``.
4. ``result = preview(table, mapping, values, roles)``: the participants as the store
   takes them and every row or cell that cannot be used, with why.
5. ``store.add_participants(facilitator_token, result.for_store())``.

What the values mean. Each diagnostic says which of its questions a survey can answer
(contract.Diagnostic.survey_questions), one Target each. A rating question (eight
aspects, conditions, starting points, every statement diagnostic) takes 1–5, or None
for "don't know". The tolerance areas have three closed questions each, one Target per
(area, field): frequency 0–3, impact 1–3 and whose gift it is to change (ours /
influence / outside), merged into one record; the free-text evidence is not imported. SKIP
leaves an answer out on purpose (no problem listed). The role column's values are the
workshop's roles, or None for no role.

Decisions:
- Text files (.csv, .txt, .tsv) are decoded as UTF-8 with a byte-order mark, UTF-16
  with a byte-order mark (Excel's "Unicode text"), UTF-8, then Windows-1252, and split on
  whichever of tab, semicolon or comma gives the most consistent rows. A quote left open
  is an error, not a cell that swallows the rest of the file.
- In a workbook, the first sheet with anything in it is read, from its first non-empty
  row (the header). A formula cell counts as the value Excel last calculated and saved
  with the file (openpyxl's data_only); a file that was never calculated (written by a
  script) gives an empty cell. The formula itself is never read, imported or evaluated.
  Dates become ISO text (2024-03-05 or 2024-03-05 09:30:00); whole numbers lose ".0".
- A column with no header is dropped if it is empty and refused if it holds anything.
  A text file with a single column is refused: it is almost always a file split on
  another character.
- Row numbers are the rows a spreadsheet shows: the header is row 1 when it is the
  first line; the table's index ("row") carries them.
- Duplicated rows are rows equal in every column, IDs and times included, so two
  people who answered alike are not mistaken for one.
- Answer text that starts like a formula (=, +, -, @) is never matched leniently
  ("=5" is not 5) unless the user's values name that exact text. A role is one of the
  workshop's roles or nothing; with no list of roles it is kept as plain text. Problem
  messages quote cell text: show them as plain text (a table), never as Markdown or HTML.
- A workbook that unpacks to more than uploads.check_unpacked allows is refused before parsing;
  XML entity expansion is stopped by the XML parser and reported like a damaged file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import islice
from typing import Any, Iterable, Mapping

import pandas as pd

from scoring import registry
from scoring.contract import SurveyQuestion
from scoring.imports.uploads import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_SHARED_STRINGS_MB, UploadError, check_size, check_unpacked, one_of_a_few
from scoring.workshop.setup import ROLE_LIMIT

TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm")
DELIMITERS = {"\t": "tabs", ";": "semicolons", ",": "commas"}
ROW = "row"  # the name of read_table's index: row numbers as a spreadsheet shows them

RATING = "rating"  # the field of a question answered on a scale with "don't know"
# Microsoft Forms (and Google Forms) add these; they are never answers.
METADATA_COLUMNS = {
    "id",
    "start time",
    "completion time",
    "email",
    "name",
    "last modified time",
    "total points",
    "quiz feedback",
    "timestamp",
    "response id",
    "respondent id",
    "submission time",
    "submitted at",
    "email address",
}
METADATA_PREFIXES = ("points ", "feedback ")
MATCH_THRESHOLD = 0.8
ROLE_HEADER_WORDS = 8

FORMULA_STARTS = ("=", "+", "-", "@")
SKIP = "(leave out)"  # a value that leaves an answer out on purpose


class _Unmapped:
    def __repr__(self) -> str:
        return "UNMAPPED"


UNMAPPED = _Unmapped()  # match_answer's result for a text no value fits


class MappingError(ValueError):
    """A column mapping that cannot be used (two columns on one question, an unknown
    column, nothing mapped); the message is for the user."""


# --- Reading the file ---------------------------------------------------------------


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The file's first table as text: columns named by the header row (stripped), every
    cell a str ("" when blank), the index the row numbers a spreadsheet shows (named
    "row"). Raises UploadError, and only UploadError, for anything that cannot be read."""
    try:
        with one_of_a_few():
            return _read_table(data, filename)
    except UploadError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is: only UploadError escapes
        raise UploadError("the file could not be read; it may be damaged, or not a .csv or .xlsx file.") from exc


def _read_table(data: Any, filename: Any) -> pd.DataFrame:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise UploadError("the upload is not a file.")
    check_size(data)
    name = str(filename or "").strip().lower()
    if name.endswith(WORKBOOK_EXTENSIONS):
        sheet, header, rows = _read_xlsx(data)
    elif name.endswith(TEXT_EXTENSIONS):
        sheet, header, rows = None, *_read_text(data)
    elif name.endswith(".xls"):
        raise UploadError("this is an older .xls workbook: open it in Excel and save it as .xlsx (Excel Workbook), or export a CSV.")
    else:
        raise UploadError("only .csv (or .txt) files and .xlsx workbooks can be imported.")
    return _build(sheet, header, rows)


def _build(sheet: str | None, header: tuple[int, list[str]], rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    """Headers checked, blank-headed empty columns dropped, rows padded to the header."""
    header_row, names = header
    width = max([len(names), *(len(cells) for _, cells in rows)])
    names = [n.strip() for n in names] + [""] * (width - len(names))
    keep = []
    for index, name in enumerate(names):
        if name:
            keep.append(index)
            continue
        filled = next(((number, cells[index]) for number, cells in rows if index < len(cells) and cells[index].strip()), None)
        if filled is not None:
            raise UploadError(
                f"this column has no header but row {filled[0]} has “{_short(filled[1])}” in it: give every column of answers a header.",
                sheet=sheet,
                row=header_row,
                column=_letter(index),
            )
    if not keep:
        raise UploadError("the header row has no column names.", sheet=sheet, row=header_row)
    seen: dict[str, int] = {}
    for index in keep:
        if names[index] in seen:
            raise UploadError(
                f"“{_short(names[index])}” is also the header of column {_letter(seen[names[index]])}: each column needs its own header.",
                sheet=sheet,
                row=header_row,
                column=_letter(index),
            )
        seen[names[index]] = index
    # Trailing empty rows (formatting left in a sheet, blank lines at the end) are not rows.
    while rows and not any(c.strip() for c in rows[-1][1]):
        rows.pop()
    if not rows:
        raise UploadError("there are no rows of answers below the header.", sheet=sheet, row=header_row)
    table = pd.DataFrame(
        [[cells[i] if i < len(cells) else "" for i in keep] for _, cells in rows],
        columns=[names[i] for i in keep],
        index=pd.Index([number for number, _ in rows], name=ROW),
        dtype=str,
    )
    if sheet:
        table.attrs["sheet"] = sheet
    return table


class _Rows:
    """Collects rows, checking the limits as they come so a huge file is never read whole."""

    def __init__(self, sheet: str | None):
        self.sheet = sheet
        self.header: tuple[int, list[str]] | None = None
        self.rows: list[tuple[int, list[str]]] = []

    def add(self, number: int, cells: list[str]) -> None:
        while cells and not cells[-1].strip():
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise UploadError(
                f"this row has {len(cells)} columns, more than the {MAX_COLUMNS} an import can have.",
                sheet=self.sheet,
                row=number,
                column=_letter(MAX_COLUMNS),
            )
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise UploadError(
                    f"this cell is {len(cell):,} characters long; the limit is {MAX_CELL_CHARS:,}.",
                    sheet=self.sheet,
                    row=number,
                    column=_letter(index),
                )
        if self.header is None:
            if cells:
                self.header = (number, cells)
            return
        if cells and len(self.rows) >= MAX_ROWS:
            raise UploadError(f"there are more than {MAX_ROWS:,} rows below the header; the limit is {MAX_ROWS:,}.", sheet=self.sheet, row=number)
        if cells or len(self.rows) < MAX_ROWS:
            self.rows.append((number, cells))

    def result(self) -> tuple[tuple[int, list[str]], list[tuple[int, list[str]]]]:
        if self.header is None:
            raise UploadError("there is nothing in the file: no header row and no answers.", sheet=self.sheet)
        return self.header, self.rows


def _read_text(data: bytes) -> tuple[tuple[int, list[str]], list[tuple[int, list[str]]]]:
    if data.startswith(b"PK\x03\x04"):
        raise UploadError("this is an Excel workbook (or another zip file) with a .csv name: upload it as .xlsx.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError("this is an older Excel (.xls) workbook with a .csv name: save it as .xlsx or export a CSV.")
    text = _decode(data)
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        raise UploadError(
            f"this does not look like a CSV text file: it has control characters (the first on line {text.count(chr(10), 0, bad.start()) + 1}). "
            "Is it another kind of file with a .csv name?"
        )
    delimiter = _delimiter(text)
    collected = _Rows(None)
    number = 0
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), start=1):
            collected.add(number, cells)
    except csv.Error as exc:
        row = number + 1  # the record being read when the reader gave up
        if "field larger than field limit" in str(exc):
            raise UploadError(f"a cell is longer than the limit of {MAX_CELL_CHARS:,} characters.", row=row) from None
        if "unexpected end of data" in str(exc):
            raise UploadError('a quote (") opened here is never closed, so the rest of the file would be one cell.', row=row) from None
        raise UploadError(f'this row is not valid CSV ({exc}); check the quotes (") in it.', row=row) from None
    header, rows = collected.result()
    if len(header[1]) < 2 and all(len(cells) < 2 for _, cells in rows):
        raise UploadError(
            f"only one column (“{_short(header[1][0] if header[1] else '')}”) was found. An export has a column per question, "
            "separated by commas, semicolons or tabs: check how the file was saved.",
            row=header[0],
        )
    for number, cells in rows:
        if len(cells) > len(header[1]):
            raise UploadError(
                f"this row has {len(cells)} cells but the header has {len(header[1])} columns: a value may contain a "
                f"{DELIMITERS[delimiter][:-1]} without quotes around it.",
                row=number,
                column=_letter(len(header[1])),
            )
    return header, rows


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    if encodings == ["utf-8-sig"]:
        raise UploadError("the file starts with a UTF-8 byte-order mark but is not UTF-8 text: save it again as “CSV UTF-8”.")
    if encodings == ["utf-16"]:
        raise UploadError("the file starts like UTF-16 (Unicode) text but is not valid UTF-16: it may be cut short or damaged.")
    raise UploadError("the file is not text in UTF-8, UTF-16 or Windows-1252: save it from Excel as “CSV UTF-8 (Comma delimited)”.")


def _delimiter(text: str) -> str:
    """Tab, semicolon or comma: whichever splits the header into more than one column
    and the first rows into as many cells as the header, most consistently."""
    best, best_score = ",", None
    for delimiter in DELIMITERS:
        try:
            sample = [r for r in islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 50) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not sample:
            continue
        width = len(sample[0])
        consistent = sum(len(r) == width for r in sample[1:]) / max(len(sample) - 1, 1)
        score = (width > 1, consistent, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes) -> tuple[str, tuple[int, list[str]], list[tuple[int, list[str]]]]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError("this is an older .xls workbook or a password-protected file: save it as an .xlsx workbook without a password.")
    if not data.startswith(b"PK"):
        raise UploadError("this is not an .xlsx workbook (it may be a text file or another kind of file with an .xlsx name).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except Exception:  # noqa: BLE001
        raise UploadError("this .xlsx workbook cannot be opened: it is damaged or cut short. Save it again from Excel and upload that.") from None
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise UploadError("this zip file is not an Excel workbook (it has no workbook inside): upload an .xlsx or .csv file.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # A survey export carries its answers' text in the shared strings: allow twice ours.
        check_unpacked(archive, shared_strings_mb=2 * MAX_SHARED_STRINGS_MB)
    from openpyxl import load_workbook

    sheet = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for worksheet in workbook.worksheets:
                    sheet = worksheet.title
                    worksheet.reset_dimensions()  # a file's own dimensions can be wrong, or huge
                    collected = _Rows(sheet)
                    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                        collected.add(number, [_cell_text(v) for v in values])
                    if collected.header is not None:
                        return (sheet, *collected.result())
            finally:
                workbook.close()
    except UploadError:
        raise
    except Exception:  # noqa: BLE001
        raise UploadError(
            "this .xlsx workbook cannot be read: it is damaged, cut short or not as Excel writes it. Save it again from Excel and upload that.",
            sheet=sheet,
        ) from None
    raise UploadError("every sheet of this workbook is empty.")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- What a column can be -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One importable question (a diagnostic's contract.SurveyQuestion), or ROLE.
    `field` is "rating" for rating items, "frequency", "impact" or "gift" for tolerance."""

    diagnostic_id: str
    item_id: str
    label: str
    field: str = "rating"

    @property
    def key(self) -> str:
        """A stable text key (for widget keys and saved choices)."""
        return "role" if self == ROLE else f"{self.diagnostic_id}/{self.item_id}/{self.field}"


ROLE = Target("", "role", "The participant's role", "role")


def targets(diagnostic_ids: Iterable[str]) -> list[Target]:
    """Every question a participant answers by choosing from a scale, in these
    diagnostics, in the order given and the instrument's order. Diagnostics with no such
    questions (approaches is worked out from the eight aspects) give none; ROLE is not
    included. Raises ValueError for an unknown diagnostic."""
    return [Target(diagnostic_id, q.item_id, q.label, q.field) for diagnostic_id, q in _questions(diagnostic_ids)]


def _questions(diagnostic_ids: Iterable[str]) -> list[tuple[str, SurveyQuestion]]:
    found = []
    for diagnostic_id in dict.fromkeys(diagnostic_ids):
        module = registry.diagnostics().get(diagnostic_id)
        if module is None:
            raise ValueError(f"unknown diagnostic {diagnostic_id!r}")
        found += [(diagnostic_id, q) for q in module.survey_questions()]
    return found


def _question(target: Target) -> SurveyQuestion | None:
    """The diagnostic's question behind a target, or None when it has no such question."""
    if target == ROLE or target.diagnostic_id not in registry.diagnostics():
        return None
    return next((q for _, q in _questions([target.diagnostic_id]) if (q.item_id, q.field) == (target.item_id, target.field)), None)


def guess_mapping(columns: list[str], diagnostic_ids: Iterable[str]) -> dict[str, Target | None]:
    """A first guess at what each column holds, for the user to confirm: a question
    (its id as the header, or its text, compared leniently; or the id or wording an
    earlier version of the form used, where the statement was only reworded), ROLE (a
    short header with the word "role"), or None (Forms' ID, times, email and name; a
    statement that has since been replaced or split, see outdated_columns; anything
    unrecognised). No two columns get the same target: the closest matches are taken first."""
    columns, diagnostic_ids = list(columns), list(diagnostic_ids)
    mapping: dict[str, Target | None] = dict.fromkeys(columns)
    questions = {Target(d, q.item_id, q.label, q.field): q for d, q in _questions(diagnostic_ids)}
    candidates = list(questions)
    texts = {t: _target_texts(t.diagnostic_id, q) for t, q in questions.items()}
    outdated = _outdated_scores(columns, diagnostic_ids)
    scored = []
    for position, column in enumerate(columns):
        variants = _header_variants(column)
        if not variants or _is_metadata(variants[0]):
            continue
        for target in candidates:
            codes, phrases = texts[target]
            if any(v in codes for v in variants):
                scored.append((2.0, position, column, target))
                continue
            must_say = questions[target].must_say
            if must_say and not any(k in variants[0] for k in must_say):
                continue
            score = max(_similarity(v, p) for v in variants for p in phrases)
            if score >= MATCH_THRESHOLD:
                scored.append((score, position, column, target))
    # A heading that is an earlier statement which has since changed in meaning is left
    # unmapped, even where a part of it resembles one of today's statements ("optimistic
    # about the future and … within our control" is not today's "optimistic about the future").
    scored = [s for s in scored if s[2] not in outdated or s[0] > outdated[s[2]][0]]
    scored.sort(key=lambda s: (-s[0], s[1]))
    taken: set[Target] = set()
    for _, _, column, target in scored:
        if mapping[column] is None and target not in taken:
            mapping[column] = target
            taken.add(target)
    for column in columns:
        words = _norm(column).split()
        if mapping[column] is None and column not in outdated and "role" in words and len(words) <= ROLE_HEADER_WORDS:
            mapping[column] = ROLE
            break
    return mapping


def outdated_columns(
    columns: list[str],
    diagnostic_ids: Iterable[str],
    mapping: Mapping[str, Target | None] | None = None,
) -> dict[str, str]:
    """The unmapped columns whose heading is a statement (or id) of an earlier version of
    the form that has since been replaced, split or retired, so its answers cannot be
    imported as today's: {column: what happened to the statement, in plain words ("the
    statement was split into “A” and “B”")}.
    `mapping`: the user's (guess_mapping's when None); a column mapped to a question is
    not listed. guess_mapping leaves these columns unmapped."""
    diagnostic_ids = list(diagnostic_ids)
    mapping = guess_mapping(columns, diagnostic_ids) if mapping is None else mapping
    return {column: why for column, (_, why) in _outdated_scores(columns, diagnostic_ids).items() if mapping.get(column) is None}


def _outdated_scores(columns: list[str], diagnostic_ids: Iterable[str]) -> dict[str, tuple[float, str]]:
    """{column: (how closely its heading matches an earlier statement whose answers cannot be
    carried, what happened to that statement)} for the columns that match one."""
    lost = []  # (codes, phrase, why)
    for diagnostic_id in dict.fromkeys(diagnostic_ids):
        history = registry.diagnostic(diagnostic_id).instrument().history
        if history is None:
            continue
        for item_id, text in history.earlier_texts():
            gone = history.lost(item_id)
            if gone is not None:
                lost.append(({_norm(item_id)}, _norm(text), f"the statement {history.what_became(gone)}"))
    found: dict[str, tuple[float, str]] = {}
    for column in columns:
        variants = _header_variants(column)
        if not variants or _is_metadata(variants[0]):
            continue
        for codes, phrase, why in lost:
            score = 2.0 if any(v in codes for v in variants) else max(_similarity(v, phrase) for v in variants)
            if score >= MATCH_THRESHOLD and score > found.get(column, (0.0, ""))[0]:
                found[column] = (score, why)
    return found


def _target_texts(diagnostic_id: str, question: SurveyQuestion) -> tuple[set[str], list[str]]:
    """(ids a header may be, texts a header may resemble), normalised."""
    codes = {_norm(code) for code in question.header_codes}
    phrases = [_norm(text) for text in question.header_phrases]
    history = registry.diagnostic(diagnostic_id).instrument().history
    if history is not None and question.field == RATING:
        # An earlier version's id or wording, where the statement was only reworded: the
        # answers mean the same, so a survey made from last year's form still maps.
        for item_id, text in history.earlier_texts():
            if history.today(item_id) == question.item_id:
                if item_id != question.item_id:
                    codes.add(_norm(item_id))
                phrases.append(_norm(text))
    return codes, phrases


def _header_variants(header: str) -> list[str]:
    """The header normalised; without a leading question number; the text inside and
    before [brackets] (Google Forms' "Question [row]")."""
    variants = [_norm(header)]
    variants.append(re.sub(r"^(q )?\d+ ", "", variants[0]))
    bracket = re.search(r"^(.*)\[([^\]]*)\]\s*$", str(header), re.S)
    if bracket:
        variants += [_norm(bracket.group(2)), _norm(bracket.group(1))]
    return [v for v in dict.fromkeys(variants) if v] if variants[0] else []


def _is_metadata(normalised: str) -> bool:
    return normalised in METADATA_COLUMNS or normalised.startswith(METADATA_PREFIXES)


def _similarity(header: str, text: str) -> float:
    if header == text:
        return 1.0
    if len(text) >= 15 and text in header:
        return 0.95  # the statement with words around it ("How often do you hear: ...")
    if len(header) >= 30 and header in text:
        return 0.9  # the statement cut short
    matcher = SequenceMatcher(None, header, text, autojunk=False)
    if matcher.real_quick_ratio() < MATCH_THRESHOLD or matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´"), None)


def _norm(text: Any) -> str:
    """Lower case, apostrophes dropped, every run of other punctuation or space one space:
    "Don’t  know" -> "dont know", "5 – Strongly enables" -> "5 strongly enables"."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().translate(_APOSTROPHES)
    return " ".join(re.findall(r"[^\W_]+", text))


# --- Answers to values ----------------------------------------------------------------


def value_scale(target: Target, roles: Iterable[str] | None = None) -> dict[str, object]:
    """The default answer text -> stored value for a target: each label and its number
    ("Strongly enables" -> 5, "5" -> 5) and "don't know" -> None; for ROLE, each of the
    workshop's roles as itself. match_answer compares case, spacing and punctuation
    leniently and also takes "5 - Strongly enables" or "Strongly enables (5)"."""
    if target == ROLE:
        return {role: role for role in roles or ()}
    question = _question(target)
    if question is None:
        raise ValueError(f"no answer scale for {target!r}")
    scale: dict[str, object] = {label: value for value, label in question.options.items()}
    scale.update({str(value): value for value in question.options if isinstance(value, int)})
    if question.dont_know:
        scale[question.dont_know] = None
    return scale


def choices(target: Target, roles: Iterable[str] | None = None) -> list[tuple[str, object]]:
    """(label, value) for each value the user can give an answer text, SKIP last."""
    if target == ROLE:
        return [(role, role) for role in roles or ()] + [("No role", None)]
    question = _question(target)
    if question is None:
        raise ValueError(f"no answer scale for {target!r}")
    shown = [(f"{v} – {label}" if isinstance(v, int) else label, v) for v, label in question.options.items()]
    if question.dont_know:
        shown.append((question.dont_know, None))
    return shown + [("Leave this answer out", SKIP)]


def match_answer(scale: Mapping[str, object], text: str) -> object:
    """The value `scale` gives this answer text, or UNMAPPED. A key equal to the text
    (trimmed) matches first; otherwise case, spaces, apostrophes and punctuation do not
    matter, and "5 - Strongly enables" or "Strongly enables (5)" match when the number
    and the label agree. Text starting like a formula (=, +, -, @) matches only a key
    equal to it, so "=5" is never taken for 5 unless the user says so."""
    return _match(_index(scale), text)


def _index(scale: Mapping[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """(keys as given, trimmed; keys normalised)."""
    return {str(k).strip(): v for k, v in scale.items()}, {_norm(k): v for k, v in scale.items()}


def _match(index: tuple[dict[str, object], dict[str, object]], text: str) -> object:
    exact, lenient = index
    text = str(text).strip()
    if text in exact:
        return exact[text]
    if text[:1] in FORMULA_STARTS:
        return UNMAPPED
    wanted = _norm(text)
    if not wanted:
        return UNMAPPED
    if wanted in lenient:
        return lenient[wanted]
    numbered = re.fullmatch(r"(\d+) (.+)|(.+) (\d+)", wanted)
    if numbered:
        number, label = (numbered.group(1), numbered.group(2)) if numbered.group(1) else (numbered.group(4), numbered.group(3))
        if number in lenient and label in lenient and lenient[number] == lenient[label]:
            return lenient[number]
    return UNMAPPED


MAX_TEXTS_TO_MAP = 20  # per column: a question's answers are a scale of a few options


def unmatched_answers(scale: Mapping[str, object], texts: Iterable[str]) -> list[str]:
    """The texts that match none of the scale's options (the user is asked what they
    mean, up to MAX_TEXTS_TO_MAP a column: past that the column is free text, not this
    question, and asking about each would draw thousands of drop-downs)."""
    return [text for text in texts if match_answer(scale, text) is UNMAPPED]


def distinct_answers(table: pd.DataFrame, mapping: Mapping[str, Target | None]) -> dict[str, list[str]]:
    """Per mapped column, its different non-blank answers (trimmed), in order of first
    appearance, so the user can see which have no value yet."""
    return {
        column: list(dict.fromkeys(text for text in (str(v).strip() for v in table[column]) if text))
        for column, target in mapping.items()
        if target is not None and column in table.columns
    }


# --- Preview --------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """people: (row number, role, response) per usable row, response = {diagnostic id:
    {item id: record}} with every record cleaned by its diagnostic's clean_record.
    problems: (row number, column header or "" for the whole row, why) for every row or
    cell left out."""

    people: list[tuple[int, str | None, dict]]
    problems: list[tuple[int, str, str]]

    def for_store(self) -> list[tuple[str | None, dict]]:
        """The people as store.add_participants takes them: (role, response)."""
        return [(role, response) for _, role, response in self.people]


def preview(
    table: pd.DataFrame,
    mapping: Mapping[str, Target | None],
    values: Mapping[str, Mapping[str, object]] | None = None,
    roles: Iterable[str] | None = None,
) -> Preview:
    """Each row -> one participant, every answer validated exactly as if typed in.

    `values[column]`, when given, replaces value_scale(target, roles) for that column.
    `roles` are the workshop's roles: a role outside them is left out (the person is
    imported without a role); None accepts any role text as plain text (trimmed, at most
    ROLE_LIMIT characters, no control characters). Left out, each listed in problems: a
    cell whose text has no value, or whose value the diagnostic refuses; an empty row; a
    row with no answers in the mapped columns; a row equal in every column to an earlier
    one. Raises MappingError for a mapping that cannot be used."""
    used = _checked_mapping(table, mapping)
    roles = None if roles is None else list(roles)
    values = values or {}
    scales = {column: (values[column] if column in values else value_scale(target, roles)) for column, target in used.items()}
    indexes = {column: _index(scale) for column, scale in scales.items()}
    read = _cell_reader(used, indexes, roles)
    numbers = list(table.index) if table.index.name == ROW else list(range(2, len(table) + 2))
    people: list[tuple[int, str | None, dict]] = []
    problems: list[tuple[int, str, str]] = []
    seen: dict[tuple, int] = {}
    for number, cells in zip(numbers, table.itertuples(index=False, name=None)):
        number = int(number)
        texts = tuple("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for v in cells)
        if not any(texts):
            problems.append((number, "", "empty row; left out."))
            continue
        if texts in seen:
            problems.append((number, "", f"the same as row {seen[texts]} in every column; left out as a duplicate."))
            continue
        seen[texts] = number
        row = dict(zip(table.columns, texts))
        role, response, row_problems = _person(number, row, used, read)
        problems += row_problems
        if not response:
            problems.append((number, "", "no answers in the columns mapped to questions; left out."))
            continue
        people.append((number, role, response))
    return Preview(people, problems)


def _checked_mapping(table: pd.DataFrame, mapping: Mapping[str, Target | None]) -> dict[str, Target]:
    used = {column: target for column, target in mapping.items() if target is not None}
    missing = [c for c in used if c not in table.columns]
    if missing:
        raise MappingError(f"The file has no column “{_short(missing[0])}”.")
    by_target: dict[Target, str] = {}
    for column, target in used.items():
        if target != ROLE and (
            not isinstance(target, Target) or target.diagnostic_id not in registry.diagnostics() or target not in targets([target.diagnostic_id])
        ):
            raise MappingError(f"Column “{_short(column)}” is mapped to something that is not a question of this app.")
        if target in by_target:
            raise MappingError(f"Columns “{_short(by_target[target])}” and “{_short(column)}” are both mapped to “{_short(target.label)}”: keep one.")
        by_target[target] = column
    if not any(t != ROLE for t in used.values()):
        raise MappingError("Map at least one column to a question.")
    return used


def _person(number, row, used, read):
    role: str | None = None
    response: dict[str, dict[str, dict]] = {}
    problems: list[tuple[int, str, str]] = []
    fields: dict[tuple[str, str], dict[str, Any]] = {}  # a record's fields may come from several columns
    for column, target in used.items():
        text = row[column]
        if not text:
            continue
        outcome = read(column, text)
        if outcome[0] == "problem":
            problems.append((number, column, outcome[1]))
        elif outcome[0] == "role":
            role = outcome[1]
        elif outcome[0] == "value" and (outcome[1] is not None or target.field == RATING):  # None: "don't know"
            fields.setdefault((target.diagnostic_id, target.item_id), {})[target.field] = outcome[1]
    found = registry.diagnostics()
    for (diagnostic_id, item_id), record in fields.items():
        response.setdefault(diagnostic_id, {})[item_id] = found[diagnostic_id].clean_record(item_id, record)
    return role, response, problems


def _cell_reader(used, indexes, roles):
    """read(column, text) -> ("role", role) | ("value", value, cleaned record) |
    ("skip",) | ("problem", why); remembered per column and text, since a survey's cells
    repeat a few answers thousands of times."""
    memo: dict[tuple[str, str], tuple] = {}

    def read(column: str, text: str) -> tuple:
        key = (column, text)
        if key not in memo:
            memo[key] = _read_cell(used[column], text, indexes[column], roles)
        return memo[key]

    return read


def _read_cell(target: Target, text: str, index: tuple[dict, dict], roles: list[str] | None) -> tuple:
    if target == ROLE:
        role, why = _role(text, index, roles)
        return ("problem", why) if why else ("role", role)
    value = _match(index, text)
    if value is UNMAPPED:
        return ("problem", f"“{_short(text)}” is not one of the answers given a value for this column; left out.")
    if isinstance(value, str) and value == SKIP:
        return ("skip",)
    try:
        cleaned = registry.diagnostic(target.diagnostic_id).clean_record(target.item_id, {target.field: value})
    except ValueError as exc:
        return ("problem", f"“{_short(text)}” cannot be used: {exc}; left out.")
    return ("value", value, cleaned)


def _role(text: str, index: tuple[dict, dict], roles: list[str] | None) -> tuple[str | None, str | None]:
    """(role or None, why it was left out or None)."""
    value = _match(index, text)
    if value is None:
        return None, None  # mapped to "no role" on purpose
    if value is not UNMAPPED:
        if isinstance(value, str) and value == SKIP:
            return None, None
        if roles is None or value in roles:
            return _plain_role(str(value))
        return None, f"“{_short(text)}” is given the role “{_short(value)}”, which this workshop does not offer; imported without a role."
    if roles is not None:
        return None, f"“{_short(text)}” is not a role this workshop offers; imported without a role."
    return _plain_role(text)


def _plain_role(text: str) -> tuple[str | None, str | None]:
    text = " ".join(text.split())
    if len(text) > ROLE_LIMIT:
        return None, f"the role is longer than {ROLE_LIMIT} characters; imported without a role."
    if re.search(r"[\x00-\x1f\x7f-\x9f]", text):
        return None, "the role has control characters in it; imported without a role."
    return text, None
