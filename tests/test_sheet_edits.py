"""The plan and risk sheets edited as a user would in Excel (here with openpyxl: a status
set to Done, an action and a risk added in the table's blank rows, a likelihood raised, a
row deleted), then brought back: the edits come back, checked as if typed, and what
changed is listed. Bad entries are refused with where they are; nothing half-read."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from workbook import participant_response, room_response  # noqa: E402

from scoring.excel.reader import read_workbook  # noqa: E402
from scoring.excel.summary import build_workbook  # noqa: E402
from scoring.imports.uploads import UploadError  # noqa: E402
from scoring.records import development_plan, risks  # noqa: E402
from scoring.workshop.pack import build_pack  # noqa: E402
from scoring.workshop.room import Participant  # noqa: E402

HOSTILE = '=HYPERLINK("http://example.invalid","x") <script>alert(1)</script>'


def _header_row(ws, headers) -> int:
    return next(row[0].row for row in ws.iter_rows() if tuple(c.value for c in row[: len(headers)]) == tuple(headers))


def _edited(data: bytes, change) -> bytes:
    wb = load_workbook(BytesIO(data))
    change(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _row_of(ws, top: int, column: int, text: str) -> int:
    return next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(row=r, column=column).value == text)


def _first_blank(ws, top: int, column: int) -> int:
    return next(r for r in range(top + 1, ws.max_row + 2) if ws.cell(row=r, column=column).value is None)


def _edit_like_a_user(wb) -> None:
    plan = wb[development_plan.SHEET]
    top = _header_row(plan, development_plan.ACTION_HEADERS)
    plan.cell(row=_row_of(plan, top, 2, "Agree a joint commissioning pilot"), column=6).value = "Done"
    plan.delete_rows(_row_of(plan, top, 2, "Publish the plan on the intranet"))
    new = _first_blank(plan, top, 2)
    plan.cell(row=new, column=1).value = "Process"
    plan.cell(row=new, column=2).value = HOSTILE
    plan.cell(row=new, column=2).data_type = "s"  # as Excel stores text typed after an apostrophe
    plan.cell(row=new, column=4).value = datetime.combine(date.today() + timedelta(days=30), datetime.min.time())
    plan.cell(row=new, column=6).value = "In progress"

    register = wb[risks.SHEET]
    top = _header_row(register, risks.REGISTER_HEADERS)
    register.cell(row=_row_of(register, top, 2, "Partners' priorities diverge"), column=5).value = 5
    new = _first_blank(register, top, 2)
    register.cell(row=new, column=2).value = "The pilot loses its sponsor"
    register.cell(row=new, column=3).value = "Disruptive commissioning"
    register.cell(row=new, column=5).value = 2
    register.cell(row=new, column=6).value = 4
    register.cell(row=new, column=10).value = "Head of commissioning"


def _check_the_edits(response: dict, edits: list[str]) -> None:
    plan = {r["action"]: r for k, r in response[development_plan.ID].items() if k.startswith("action:")}
    assert plan["Agree a joint commissioning pilot"]["status"] == "done"
    assert "Publish the plan on the intranet" not in plan
    added = plan[HOSTILE]  # kept as typed: text, shown as text
    assert added["aspect_id"] == "process" and added["status"] == "in_progress" and added["origin"] == development_plan.ADDED_IN_EXCEL
    assert added["due"] == (date.today() + timedelta(days=30)).isoformat()
    register = {r["title"]: r for r in response[risks.ID].values()}
    assert register["Partners' priorities diverge"]["likelihood"] == 5
    assert register["The pilot loses its sponsor"] == {
        "approach_id": "disruptive",
        "title": "The pilot loses its sponsor",
        "description": "",
        "likelihood": 2,
        "impact": 4,
        "mitigation": "",
        "owner": "Head of commissioning",
        "suggested_id": "",
    }
    assert len(register) == 4
    assert "Changed action “Agree a joint commissioning pilot”: status Not started → Done." in edits
    assert "Removed action “Publish the plan on the intranet” (its row was deleted in Excel)." in edits
    assert f"Added action “{HOSTILE}”." in edits
    assert "Changed risk “Partners' priorities diverge”: likelihood 3 → 5." in edits
    assert "Added risk “The pilot loses its sponsor”." in edits
    assert len(edits) == 5


def test_a_self_checks_plan_and_risks_come_back_with_their_edits():
    data = _edited(build_workbook({**participant_response(1), **room_response()}), _edit_like_a_user)
    book = read_workbook(data)
    _check_the_edits(book.response, book.edits)
    assert book.response["eight_aspects"] == participant_response(1)["eight_aspects"]  # the rest as App data says


def test_a_packs_room_plan_and_risks_come_back_with_their_edits():
    people = [Participant(n, None, participant_response(n)) for n in range(1, 5)]
    info = {
        "name": "Away day",
        "code": "ABCD2345",
        "created_at": datetime(2026, 12, 2, tzinfo=timezone.utc),
        "roles": [],
        "diagnostics": ["eight_aspects", "approaches", "tolerance"],
    }
    book = read_workbook(_edited(build_pack(info, people, room_response()), _edit_like_a_user))
    _check_the_edits(book.response, book.edits)
    assert [p[2] for p in book.participants] == [p.response for p in people]


def test_a_workbook_brought_back_unedited_lists_no_changes():
    book = read_workbook(build_workbook(room_response()))
    assert book.edits == [] and book.response == room_response()


def _put(sheet: str, headers, column: int, value):
    def change(wb):
        ws = wb[sheet]
        top = _header_row(ws, headers)
        ws.cell(row=top + 1, column=column).value = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 6, "Finished"), "The status “Finished” is not one of"),
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 1, "Finance"), "The aspect “Finance” is not one of"),
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 4, "next spring"), "is not a date"),
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 4, datetime(2020, 1, 1)), "is in the past"),
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 2, "=1+1"), "holds a formula"),
        (_put(development_plan.SHEET, development_plan.ACTION_HEADERS, 8, "action:000000000099"), "hidden Key is not one of"),
        (_put(risks.SHEET, risks.REGISTER_HEADERS, 5, 9), "likelihood 9 must be a whole number from 1 to 5"),
        (_put(risks.SHEET, risks.REGISTER_HEADERS, 3, "World peace"), "The approach “World peace” is not one of"),
        (_put(risks.SHEET, risks.REGISTER_HEADERS, 2, ""), "the risk's title is empty"),
    ],
)
def test_a_bad_entry_is_refused_with_where_it_is(change, message):
    with pytest.raises(UploadError) as refused:
        read_workbook(_edited(build_workbook(room_response()), change))
    assert message in str(refused.value)
    assert refused.value.sheet in (development_plan.SHEET, risks.SHEET) and refused.value.row


def test_the_drop_downs_refuse_other_text():
    wb = load_workbook(BytesIO(build_workbook(room_response())))
    for sheet in (development_plan.SHEET, risks.SHEET):
        validations = wb[sheet].data_validations.dataValidation
        assert validations and all(v.showErrorMessage and v.errorStyle in (None, "stop") for v in validations)
    plan = {str(v.sqref).split(":")[0][0]: v for v in wb[development_plan.SHEET].data_validations.dataValidation}
    assert plan["F"].type == "list" and "Done" in plan["F"].formula1 and plan["D"].type == "date"
