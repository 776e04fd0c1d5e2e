"""Writes the sample survey exports and the malformed files in this folder.

    python tests/files/forms/make_files.py

Deterministic: the same instruments give the same bytes (tests/test_forms_import.py
checks the committed files are what this script writes). Files too big to commit
(over the row or size limit) are made at test time by generated(name).

The samples are one Microsoft Forms-style export saved five ways: CSV UTF-8 with a
byte-order mark, CSV in Windows-1252 (Excel on Windows), Excel's "Unicode text" (UTF-16,
tabs), a semicolon CSV (Excel in much of Europe) and .xlsx. Each gives the same table.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from scoring.diagnostics import conditions, eight_aspects, starting_points, tolerance  # noqa: E402
from scoring.imports.uploads import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES  # noqa: E402
from scoring.workshop.setup import DEFAULT_ROLES  # noqa: E402

SEED = 6
PEOPLE = 6
DIAGNOSTICS = ["eight_aspects", "approaches", "tolerance", "starting_points", "conditions"]
ROLE_HEADER = "Which best describes your role?"
COMMENTS_HEADER = "Anything else you’d like to tell us?"
METADATA = ["ID", "Start time", "Completion time", "Email", "Name"]
TOLERANCE_AREAS = ("waiting_lists", "commissioning_disconnect")
COMMENTS = [
    "We lost £2m from the early help budget – it’s tight.",
    "",
    "Finance and procurement weren’t in the room;\nwe need them next time.",
    "",
    "“Trust” came up a lot, in a good way.",
    "",
]
NAMES = ["Ada Example", "Bo Example", "Cy Example", "Di Example", "Ed Example", "Flo Example"]
FIXED_TIME = (2024, 3, 5, 9, 0, 0)


def columns() -> list[tuple[str, tuple[str, str, str] | None]]:
    """(header, (diagnostic id, item id, field) or None) for every column of the sample,
    headers as a survey designer would type them: the statements, some numbered, some
    with curly apostrophes, the tolerance questions around the area's statement."""
    found: list[tuple[str, tuple[str, str, str] | None]] = [(h, None) for h in METADATA]
    found.append((ROLE_HEADER, ("", "role", "role")))
    for number, factor in enumerate(eight_aspects.instrument().factors, start=1):
        header = factor.text.replace("'", "’")
        if number % 7 == 3:
            header = f"{number}. {header}"  # some survey tools number the questions
        found.append((header, ("eight_aspects", factor.id, "rating")))
    for item in conditions.instrument().items[:6]:
        found.append((item.text, ("conditions", item.id, "rating")))
    for item in starting_points.instrument().items[:4]:
        found.append((item.text, ("starting_points", item.id, "rating")))
    inst = tolerance.instrument()
    for area_id in TOLERANCE_AREAS:
        statement = inst.area(area_id).statement.replace("'", "’")
        found.append((f"How often do you hear or say: “{statement}”", ("tolerance", tolerance.area_key(area_id), "frequency")))
        found.append((f"What is the impact on children and families? “{statement}”", ("tolerance", tolerance.area_key(area_id), "impact")))
    found.append((COMMENTS_HEADER, None))
    return found


def answer_labels(target: tuple[str, str, str]) -> list[str]:
    """The answer texts the survey offered for a question: the instrument's labels."""
    diagnostic_id, _, field = target
    if diagnostic_id == "tolerance":
        return list(tolerance.instrument().scales[field].values())
    inst = {"eight_aspects": eight_aspects, "conditions": conditions, "starting_points": starting_points}[diagnostic_id].instrument()
    return [*inst.scale.values(), inst.dont_know.replace("'", "’")]


def sample_rows() -> list[list[object]]:
    """The respondents: ID and times as numbers and datetimes (as the .xlsx holds them)."""
    rng = random.Random(SEED)
    rows = []
    for person in range(PEOPLE):
        start = dt.datetime(2024, 3, 5, 9, 30, 12) + dt.timedelta(minutes=17 * person, seconds=41 * person)
        row: list[object] = [person + 1, start, start + dt.timedelta(minutes=9, seconds=5 * person),
                             "anonymous" if person == 4 else NAMES[person].lower().replace(" ", ".") + "@council.example",
                             "" if person == 4 else NAMES[person]]
        row.append(DEFAULT_ROLES[person % len(DEFAULT_ROLES)])
        for header, target in columns()[len(METADATA) + 1:]:
            if target is None:
                row.append(COMMENTS[person])
            else:
                labels = answer_labels(target)
                row.append("" if rng.random() < 0.1 else rng.choice(labels))
        rows.append(row)
    return rows


def as_text(value: object) -> str:
    """What the reader gives for a cell: the CSVs hold exactly this text."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def delimited(rows: list[list[object]], delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([as_text(v) for v in row])
    return out.getvalue()


def stable_xlsx(workbook: Workbook, patch: dict[str, list[tuple[str, str]]] | None = None) -> bytes:
    """The workbook's bytes with fixed dates (zip entries and document properties), and
    optional (old, new) text replacements in named parts of the zip."""
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-03-05T09:00:00Z", data)
            for old, new in (patch or {}).get(info.filename, []):
                assert old.encode() in data, (info.filename, old)
                data = data.replace(old.encode(), new.encode())
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def workbook_of(rows: list[list[object]], title: str = "Form1") -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook


def samples() -> dict[str, bytes]:
    table = [[h for h, _ in columns()], *sample_rows()]
    return {
        "forms_utf8_bom.csv": codecs.BOM_UTF8 + delimited(table).encode("utf-8"),
        "forms_windows1252.csv": delimited(table).encode("cp1252"),
        "forms_unicode_text.txt": delimited(table, "\t").encode("utf-16"),  # little-endian with its BOM, as Excel writes
        "forms_semicolon.csv": delimited(table, ";").encode("utf-8"),
        "forms.xlsx": stable_xlsx(workbook_of(table)),
    }


# --- Rows with problems, for preview ---------------------------------------------------

PROBLEM_FACTORS = ("sd_one_place", "sd_wellbeing_system", "sd_commissioning_from_start", "sd_funding_coherence")
HOSTILE_ROLE = '=HYPERLINK("http://example.invalid","x")'


def problems_table() -> list[list[str]]:
    factors = {f.id: f.text for f in eight_aspects.instrument().factors}
    often = tolerance.instrument().area("waiting_lists").statement
    header = ["ID", "Role", *(factors[f] for f in PROBLEM_FACTORS), f"How often: {often}"]
    return [
        header,
        ["1", "Commissioner", "Strongly enables", "5 - Strongly enables", "don’t  KNOW", " enables ", "Often"],
        ["2", "Chief Wizard", "Neither", "Constrains", "", "", "Never"],
        ["3", "Finance", "Sometimes", "Strongly constrains", "Enables", "", ""],
        ["", "", "", "", "", "", ""],
        ["1", "Commissioner", "Strongly enables", "5 - Strongly enables", "don’t  KNOW", " enables ", "Often"],
        ["6", "Provider", "", "", "", "", ""],
        ["7", HOSTILE_ROLE, "Enables", "", "", "", "It is the norm"],
        ["8", "<b>Provider</b>", "7", "4", "Strongly Enables (5)", "", "Sometimes"],
        ["9", "provider ", "", "", "", "Neither", "Rarely"],
    ]


# --- Malformed files ---------------------------------------------------------------------


def _truncated_xlsx() -> bytes:
    whole = samples()["forms.xlsx"]
    return whole[: len(whole) // 2]


def _formula_xlsx() -> bytes:
    """Two formula cells: one with the result Excel saved with it, one never calculated."""
    factor = eight_aspects.instrument().factors[0].text
    workbook = workbook_of([["ID", "Role", factor, "Notes"], [1, "Finance", "Enables", "=1+1"], [2, "Provider", "=\"Strongly \"&\"enables\"", "plain"]])
    return stable_xlsx(workbook, {"xl/worksheets/sheet1.xml": [("<f>1+1</f><v />", "<f>1+1</f><v>2</v>")]})


def _dates_xlsx() -> bytes:
    """A date typed where an answer belongs (Excel turned "1-5" into a date)."""
    factor = eight_aspects.instrument().factors[0].text
    workbook = workbook_of([["ID", "Role", factor], [1, "Finance", "Enables"], [2, "Provider", dt.datetime(2024, 5, 1)]])
    return stable_xlsx(workbook)


def _entity_bomb_xlsx() -> bytes:
    """A cell that expands to a billion characters through nested XML entities."""
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    workbook = workbook_of([["ID", "Role"], [1, "Finance"]])
    return stable_xlsx(workbook, {"xl/worksheets/sheet1.xml": [
        ("<worksheet ", f"<!DOCTYPE worksheet [{entities}]><worksheet "), ("<t>Finance</t>", "<t>&lol9;</t>"),
    ]})


def _empty_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    return stable_xlsx(workbook)


def _not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("word/document.xml", date_time=FIXED_TIME), "<w:document/>")
    return out.getvalue()


def _second_sheet_xlsx() -> bytes:
    """The answers on the second sheet; the first is empty."""
    workbook = Workbook()
    workbook.active.title = "Cover"
    answers = workbook.create_sheet("Answers")
    factor = eight_aspects.instrument().factors[0].text
    for row in [["ID", factor], [1, "Enables"]]:
        answers.append(row)
    return stable_xlsx(workbook)


def malformed() -> dict[str, bytes]:
    factor = eight_aspects.instrument().factors[0].text
    second = eight_aspects.instrument().factors[1].text
    header = f'ID,Role,"{factor}","{second}"\r\n'
    rng = random.Random(SEED)
    return {
        "empty.csv": b"",
        "blank_lines.csv": b"\r\n  \r\n\r\n",
        "header_only.csv": header.encode(),
        "binary_junk.csv": bytes(rng.randrange(256) for _ in range(2048)),
        "not_windows1252.csv": header.encode() + b"1,Finance,Enables,\x81\x8d\x90\r\n",
        "truncated.xlsx": _truncated_xlsx(),
        "duplicate_headers.csv": f'ID,Role,"{factor}",Role\r\n1,Finance,Enables,Provider\r\n'.encode(),
        "blank_header.csv": f'ID,,"{factor}"\r\n1,Finance,Enables\r\n'.encode(),
        "blank_header_empty_column.csv": f'ID,Role,"{factor}",,\r\n1,Finance,Enables,,\r\n'.encode(),
        "extra_cells.csv": (header + "1,Finance,Enables,Neither,Strongly enables\r\n").encode(),
        "long_cell.csv": (header + f"1,Finance,Enables,{'x' * (MAX_CELL_CHARS + 1)}\r\n").encode(),
        "too_many_columns.csv": (",".join(f"Q{n}" for n in range(MAX_COLUMNS + 1)) + "\r\n" + ",".join("1" for _ in range(MAX_COLUMNS + 1)) + "\r\n").encode(),
        "unclosed_quote.csv": (header + '1,Finance,"Enables,Neither\r\n2,Provider,Enables,Enables\r\n').encode(),
        "one_column.csv": "Role\r\nFinance\r\nProvider\r\n".encode(),
        "semicolon.csv": f'ID;Role;{factor};{second}\r\n1;Finance;Enables;Neither\r\n'.encode("utf-8"),
        "formula.xlsx": _formula_xlsx(),
        "dates.xlsx": _dates_xlsx(),
        "empty_sheets.xlsx": _empty_xlsx(),
        "entity_bomb.xlsx": _entity_bomb_xlsx(),
        "second_sheet.xlsx": _second_sheet_xlsx(),
        "xlsx_named.csv": samples()["forms.xlsx"],
        "text_named.xlsx": header.encode(),
        "old_format.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "old_format_named.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "document.xlsx": _not_a_workbook_zip(),
        "answers.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "utf16_cut_short.txt": codecs.BOM_UTF16_LE + "ID\tRole\r\n1\tFinance\r\n".encode("utf-16-le")[:-1],
    }


def generated(name: str) -> bytes:
    """Files made at test time, too big to commit."""
    factor = eight_aspects.instrument().factors[0].text
    if name == "too_many_rows.csv":
        return (f'ID,"{factor}"\r\n' + "".join(f"{n},Enables\r\n" for n in range(1, MAX_ROWS + 2))).encode()
    if name == "too_big.csv":
        line = f"1,{'x' * 1000}\r\n".encode()
        return b"ID,Note\r\n" + line * (MAX_UPLOAD_BYTES // len(line) + 1)
    raise KeyError(name)


def files() -> dict[str, bytes]:
    return {**samples(), "problems.csv": delimited(problems_table()).encode("utf-8"), **malformed()}


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files())} files to {HERE}")


if __name__ == "__main__":
    main()
