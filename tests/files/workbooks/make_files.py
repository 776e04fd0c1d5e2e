"""Writes the malformed workbooks in this folder, listed with the message each must produce
in cases.yaml (tests/test_malformed_workbooks.py reads them back).

    python tests/files/workbooks/make_files.py

Each starts from a valid workbook built by the app (scoring.excel.summary.build_workbook, or
scoring.workshop.pack.build_pack for the pack cases) and changes one thing. Deterministic:
fixed answers, a fixed "generated" time and fixed zip timestamps, so the same app gives
the same bytes; rerun it after changing an instrument version or the App data or About
sheets. To keep the files small, the edited copies keep only the sheets the reader looks
at (Summary, App data, About). A file over the upload limit is made at test time by
generated(name), not committed.
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from scoring.excel.summary import DATA_HEADER_ROW, DATA_SHEET, build_workbook  # noqa: E402
from scoring.imports.uploads import MAX_UPLOAD_BYTES  # noqa: E402
from scoring.excel.reader import DATA_MAX_ROWS  # noqa: E402
from scoring.workshop.room import Participant  # noqa: E402
from scoring.workshop.pack import build_pack  # noqa: E402

FIXED_TIME = (2025, 3, 4, 12, 0, 0)
GENERATED = datetime(2025, 3, 4, 12, 0, tzinfo=timezone.utc)
HOSTILE = '=HYPERLINK("http://example.invalid","x")'
SESSION = {
    "eight_aspects": {
        "sd_one_place": {"rating": 5, "weight": 3, "basis": "evidence", "note": HOSTILE},
        "rel_provider_trust": {"rating": None, "weight": 1, "basis": None, "note": "Zoë: “not sure”"},
        **{f: {"rating": 3, "weight": 1, "basis": "impression", "note": ""}
           for f in ("rel_chief_executives", "cc_market_stewardship", "uo_citizen_check", "ii_experimentation", "pol_procurement_act",
                     "pro_competitive_capability", "mt_service_design")},
    },
    "approaches": {"choice": {"chosen": ["disruptive"], "priorities": {"innovation": 2}}},
    "development_plan": {
        "aspect:policy": {"holds_back": ["pol_procurement_act"], "supports": [], "boost": [], "classes": {"pol_procurement_act": "influenceable"}},
        "action:a1": {"aspect_id": "policy", "action": "Brief councillors", "owner": "Head of commissioning", "due": "2020-01-31",
                      "measure": "", "status": "done", "origin": ""},
    },
    "risks": {"risk:r1": {"approach_id": "disruptive", "title": "Providers leave the market", "description": "", "likelihood": 3,
                          "impact": 4, "mitigation": "", "owner": "", "suggested_id": ""}},
    "tolerance": {"mode": {"mode": "team_discussion"}},
    "starting_points": {
        "stakeholder:s1": {"name": "@Leader of the council", "kind": "leader", "role": "", "relationship": "strong"},
        "capacity": {"drivers": {d: {"count": 0.0, "hours": 0.0} for d in ("contracts", "contract_value", "providers", "work_streams",
                                                                           "partnership_boards", "recommissions")},
                     "staff_in_post": 4.0, "hours_per_fte": 1500.0},
    },
}
FIRST = DATA_HEADER_ROW + 1  # the first record's row: sd_one_place in a self-check


@cache
def valid() -> bytes:
    return stable(build_workbook(SESSION, generated=GENERATED))


@cache
def valid_pack() -> bytes:
    people = [Participant(n, role, {"eight_aspects": {"sd_one_place": {"rating": n % 5 + 1, "weight": 1, "basis": None, "note": ""}}})
              for n, role in enumerate(["Finance"] * 3 + ["Commissioner"] * 3, start=1)]
    info = {"name": "Spring workshop", "diagnostics": ["eight_aspects"], "created_at": GENERATED}
    return stable(build_pack(info, people, {"risks": SESSION["risks"]}, generated=GENERATED))


def stable(data: bytes) -> bytes:
    """The same workbook with fixed zip timestamps and document dates, so it is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2025-03-04T12:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def edited(change: Callable, base: Callable[[], bytes] = valid) -> bytes:
    """The base workbook with one change made by openpyxl (as a person editing it might)."""
    wb = load_workbook(io.BytesIO(base()))
    for name in wb.sheetnames:
        if name not in ("Summary", DATA_SHEET, "About"):
            del wb[name]
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return stable(out.getvalue())


def data_row(wb, item: str) -> int:
    return next(row[0].row for row in wb[DATA_SHEET].iter_rows(min_row=FIRST) if row[3].value == item)


def set_record(item: str, text: str) -> Callable:
    def change(wb):
        wb[DATA_SHEET].cell(data_row(wb, item), 5).value = text
    return change


def set_cell(ref: str, value) -> Callable:
    def change(wb):
        wb[DATA_SHEET][ref].value = value
    return change


def set_about(find: str, detail: str | None) -> Callable:
    """Change the detail of the About line labelled `find`, or whose detail starts with it;
    with None, blank the line out."""
    def change(wb):
        row = next(r for r in wb["About"].iter_rows() if r[0].value == find or str(r[1].value).startswith(find))
        if detail is None:
            row[0].value = None
        row[1].value = detail
    return change


def _merge(wb):
    wb[DATA_SHEET].merge_cells(f"A{FIRST}:A{FIRST + 1}")


def _duplicate(wb):
    ws = wb[DATA_SHEET]
    ws.append([c.value for c in ws[FIRST]])


def _too_many_rows(wb):
    ws = wb[DATA_SHEET]
    for number in range(DATA_MAX_ROWS + 1):  # App data's own limit, past the 400-person room
        ws.append(["self", None, "conditions", f"row_{number}", "{}"])


def _empty_app_data(wb):
    index = wb.sheetnames.index(DATA_SHEET)
    del wb[DATA_SHEET]
    wb.create_sheet(DATA_SHEET, index)


def _remove(name: str) -> Callable:
    def change(wb):
        del wb[name]
    return change


def _rename_app_data(wb):
    wb[DATA_SHEET].title = "Data"


def _role_changes(wb):
    ws = wb[DATA_SHEET]
    ws.append(["P01", "Commissioner", "eight_aspects", "rel_chief_executives", '{"basis": null, "note": "", "rating": 2, "weight": 1}'])


def _self_in_pack(wb):
    wb[DATA_SHEET].append(["self", None, "eight_aspects", "rel_chief_executives", '{"basis": null, "note": "", "rating": 2, "weight": 1}'])


def _header_moved(wb):
    wb[DATA_SHEET].delete_rows(1)


def _other_workbook() -> bytes:
    wb = Workbook()
    wb.active.title = "Budget"
    for row in (["Service", "2024", "2025"], ["Early help", 1200000, 1150000], ["Youth", 400000, 380000]):
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return stable(out.getvalue())


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return stable(out.getvalue())


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", date_time=FIXED_TIME), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", date_time=FIXED_TIME), '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


def _zip_of_other_things() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("word/document.xml", date_time=FIXED_TIME), "<w:document/>")
    return out.getvalue()


def _claims_to_unpack_huge() -> bytes:
    """A valid workbook whose zip directory says one part unpacks to 2 GB (a zip bomb's tell)."""
    data = bytearray(valid())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<I", data, entry + 24, 2_000_000_000)
    return bytes(data)


CSV = "Respondent,Diagnostic,Item,Rating\r\nself,eight_aspects,sd_one_place,5\r\n"


def files() -> dict[str, bytes]:
    """Every committed file, by name."""
    rng = random.Random(6)
    base = valid()
    return {
        # Not a workbook at all, or not this kind.
        "empty_file.xlsx": b"",
        "truncated.xlsx": base[: len(base) // 2],
        "random_bytes.xlsx": rng.randbytes(20_000),
        "old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4000),
        "spreadsheet.ods": _ods(),
        "csv_renamed.xlsx": CSV.encode("utf-8"),
        "csv_utf16_renamed.xlsx": CSV.encode("utf-16"),
        "zip_not_a_workbook.xlsx": _zip_of_other_things(),
        "unpacks_to_2gb.xlsx": _claims_to_unpack_huge(),
        "other_workbook.xlsx": _other_workbook(),
        "empty_workbook.xlsx": _empty_workbook(),
        # Our workbook with a sheet missing, renamed or changed in shape.
        "no_app_data.xlsx": edited(_remove(DATA_SHEET)),
        "no_about.xlsx": edited(_remove("About")),
        "app_data_renamed.xlsx": edited(_rename_app_data),
        "empty_app_data.xlsx": edited(_empty_app_data),
        "wrong_headers.xlsx": edited(set_cell(f"E{DATA_HEADER_ROW}", "Record")),
        "header_moved.xlsx": edited(_header_moved),
        "extra_column.xlsx": edited(set_cell(f"F{FIRST + 1}", "my comment")),
        "too_many_rows.xlsx": edited(_too_many_rows),
        "far_away_cell.xlsx": edited(set_cell("A1048576", "end")),
        # Cells that are not text where text belongs.
        "formula_in_item.xlsx": edited(set_cell(f"D{FIRST}", f"=D{FIRST + 1}")),
        "formula_in_record.xlsx": edited(set_cell(f"E{FIRST}", HOSTILE)),
        "merged_cells.xlsx": edited(_merge),
        "date_in_item.xlsx": edited(set_cell(f"D{FIRST}", datetime(2025, 3, 4))),
        "number_in_record.xlsx": edited(set_cell(f"E{FIRST}", 4)),
        "error_value.xlsx": edited(set_cell(f"C{FIRST}", "#REF!")),
        "true_false.xlsx": edited(set_cell(f"A{FIRST}", True)),
        # Rows that do not fit.
        "unknown_respondent.xlsx": edited(set_cell(f"A{FIRST}", "Person 1")),
        "room_in_self_check.xlsx": edited(set_cell(f"A{FIRST}", "room")),
        "role_in_self_check.xlsx": edited(set_cell(f"B{FIRST}", "Finance")),
        "unknown_diagnostic.xlsx": edited(set_cell(f"C{FIRST}", "wellbeing")),
        "unknown_item.xlsx": edited(set_cell(f"D{FIRST}", "sd_made_up")),
        "item_too_long.xlsx": edited(set_cell(f"D{FIRST}", "action:" + "x" * 80)),
        "duplicate_rows.xlsx": edited(_duplicate),
        # Records that are not valid JSON, or not valid answers.
        "invalid_json.xlsx": edited(set_record("sd_one_place", '{"rating": 5, "weight": 3,')),
        "json_array.xlsx": edited(set_record("sd_one_place", "[5, 3]")),
        "json_nan.xlsx": edited(set_record("capacity", '{"drivers": {}, "hours_per_fte": 1500, "staff_in_post": NaN}')),
        "rating_9.xlsx": edited(set_record("sd_one_place", '{"basis": null, "note": "", "rating": 9, "weight": 1}')),
        "number_as_text.xlsx": edited(set_record("sd_one_place", '{"basis": null, "note": "", "rating": "4", "weight": 1}')),
        "weight_as_decimal.xlsx": edited(set_record("sd_one_place", '{"basis": null, "note": "", "rating": 4, "weight": 1.5}')),
        "date_in_wrong_form.xlsx": edited(set_record("action:a1", '{"action": "Brief councillors", "aspect_id": "policy", "due": "31/01/2030", '
                                                                   '"measure": "", "origin": "", "owner": "", "status": "done"}')),
        "plan_factor_elsewhere.xlsx": edited(set_record("aspect:policy", '{"boost": [], "classes": {}, "holds_back": ["sd_one_place"], "supports": []}')),
        "approach_chosen_twice.xlsx": edited(set_record("choice", '{"chosen": ["disruptive", "disruptive"], "priorities": {}}')),
        "chosen_not_a_list.xlsx": edited(set_record("choice", '{"chosen": 5, "priorities": {}}')),
        "risk_title_edited.xlsx": edited(set_record("risk:r1", '{"approach_id": "disruptive", "description": "", "impact": 4, "likelihood": 3, '
                                                              '"mitigation": "", "owner": "", "suggested_id": "", "title": "  Providers leave  "}')),
        # About: the workbook format and instrument versions.
        "newer_instrument_version.xlsx": edited(set_about("eight_aspects version", "eight_aspects version 2.0")),
        "older_instrument_version.xlsx": edited(set_about("eight_aspects version", "eight_aspects version 0.9")),
        "no_instrument_version.xlsx": edited(set_about("eight_aspects version", None)),
        "newer_workbook_format.xlsx": edited(set_about("Workbook format", "commissioning-diagnostics workbook 2")),
        "unknown_workbook_format.xlsx": edited(set_about("Workbook format", "my own format")),
        "no_workbook_format.xlsx": edited(set_about("Workbook format", None)),
        # Workshop packs.
        "pack_role_changes.xlsx": edited(_role_changes, valid_pack),
        "pack_with_self_row.xlsx": edited(_self_in_pack, valid_pack),
        # Reads fine: a note that looks like a formula stays text.
        "formula_injection_note.xlsx": base,
    }


def generated(name: str) -> bytes:
    """Files too big to commit, made at test time."""
    if name == "over_upload_limit.xlsx":  # a valid workbook padded past the limit
        base = valid()
        return base + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(base))
    raise KeyError(name)


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files())} files to {HERE}")


if __name__ == "__main__":
    main()
