"""The plan and risk sheets edited as a user would in Excel (here with openpyxl: a status
set to Done, an action and a risk added in the table's blank rows, a likelihood raised, a
row deleted), then brought back: the edits come back, checked as if typed, and what
changed is listed. Bad entries are refused with where they are; nothing half-read."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from workbook import participant_response, room_response  # noqa: E402

from scoring.diagnostics import eight_aspects  # noqa: E402
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


def test_the_approach_drop_down_lists_every_approach_from_a_hidden_column():
    from scoring.diagnostics import approaches

    ws = load_workbook(BytesIO(build_workbook(room_response())))[risks.SHEET]
    top = _header_row(ws, risks.REGISTER_HEADERS)
    by_column = {str(v.sqref).split(":")[0][0]: v for v in ws.data_validations.dataValidation}
    approach = by_column["C"]
    assert approach.type == "list" and approach.showErrorMessage and str(approach.sqref) == f"C{top + 1}:C{top + 3 + risks.EXTRA_ROWS}"
    column, first, last = re.fullmatch(r"\$([A-Z]+)\$(\d+):\$\1\$(\d+)", approach.formula1).groups()
    assert ws.column_dimensions[column].hidden
    assert [ws[f"{column}{r}"].value for r in range(int(first), int(last) + 1)] == [a.title for a in approaches.instrument().approaches]


# --- Classifications of the factors that hold us back ----------------------------------------


def _factor_rows(ws) -> dict[str, int]:
    top = _header_row(ws, development_plan.FACTOR_HEADERS)
    rows = {}
    for r in range(top + 1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == "Action plan":
            break
        if ws.cell(row=r, column=2).value:
            rows[ws.cell(row=r, column=2).value] = r
    return rows


def _classify(factor_text: str, column: int, value):
    def change(wb):
        ws = wb[development_plan.SHEET]
        ws.cell(row=_factor_rows(ws)[factor_text], column=column).value = value

    return change


def _held_back(response: dict) -> tuple[str, str, str]:
    """(aspect id, factor id, factor text) of the first factor the plan says holds us back."""
    inst = eight_aspects.instrument()
    for aspect in inst.aspects:
        plan = development_plan.aspect_plan(aspect.id, response.get(development_plan.ID, {}), response[eight_aspects.ID])
        if plan["holds_back"]:
            factor = plan["holds_back"][0]
            return aspect.id, factor, next(f.text for f in inst.factors if f.id == factor)
    raise AssertionError("no factor holds us back")


def test_a_classification_set_in_excel_comes_back_and_a_prefilled_plan_is_kept_whole():
    response = {**participant_response(1), **room_response()}
    aspect_id, factor_id, text = _held_back(response)
    prefilled = development_plan.aspect_plan(aspect_id, {}, response["eight_aspects"])
    book = read_workbook(_edited(build_workbook(response), _classify(text, 4, "Influenceable")))
    stored = book.response[development_plan.ID][development_plan.aspect_key(aspect_id)]
    assert stored == {**prefilled, "classes": {factor_id: "influenceable"}}  # the factors as the sheet showed them
    aspect_title = next(a.title for a in eight_aspects.instrument().aspects if a.id == aspect_id)
    assert book.edits == [f"Classified “{text}” ({aspect_title}): (none) → Influenceable."]
    others = [k for k in book.response[development_plan.ID] if k.startswith("aspect:") and k != development_plan.aspect_key(aspect_id)]
    assert others == []  # no other aspect's pre-filled plan frozen into a record


def test_a_stored_classification_changed_or_cleared_in_excel_comes_back():
    response = {**participant_response(1), **room_response()}
    aspect_id, factor_id, text = _held_back(response)
    plan = development_plan.aspect_plan(aspect_id, {}, response["eight_aspects"])
    key = development_plan.aspect_key(aspect_id)
    response[development_plan.ID] = {**response[development_plan.ID], key: {**plan, "classes": {factor_id: "in_control"}}}
    data = build_workbook(response)
    changed = read_workbook(_edited(data, _classify(text, 4, "needs innovation")))  # case as typed
    assert changed.response[development_plan.ID][key]["classes"] == {factor_id: "needs_innovation"}
    assert changed.edits[0].endswith(": In our control → Needs innovation.")
    cleared = read_workbook(_edited(data, _classify(text, 4, None)))
    assert cleared.response[development_plan.ID][key]["classes"] == {}
    assert cleared.edits[0].endswith(": In our control → (none).")
    assert read_workbook(data).edits == []


@pytest.mark.parametrize(
    "column, value, message",
    [
        (4, "Somebody else's problem", "The classification “Somebody else's problem” is not one of"),
        (3, "Supports us", "Only the Classification column comes back"),
        (2, "A factor typed in Excel", "Only the Classification column comes back"),
        (4, "=1+1", "holds a formula"),
    ],
)
def test_a_bad_classification_row_is_refused_with_where_it_is(column, value, message):
    response = {**participant_response(1), **room_response()}
    text = _held_back(response)[2]
    with pytest.raises(UploadError) as refused:
        read_workbook(_edited(build_workbook(response), _classify(text, column, value)))
    assert message in str(refused.value)
    assert refused.value.sheet == development_plan.SHEET and refused.value.row


def test_only_a_factor_that_holds_us_back_is_classified():
    response = {**participant_response(1), **room_response()}
    ws = load_workbook(BytesIO(build_workbook(response)))[development_plan.SHEET]
    supporting = next(t for t, r in _factor_rows(ws).items() if ws.cell(row=r, column=3).value == development_plan.SUPPORTS)
    with pytest.raises(UploadError, match="only a factor that holds you back is classified"):
        read_workbook(_edited(build_workbook(response), _classify(supporting, 4, "Influenceable")))
