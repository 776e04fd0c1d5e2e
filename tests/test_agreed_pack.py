"""The pack carries what the room agreed (its Agreed sheet) beside the room's mean and
spread, and a pack brought back restores it; a sheet changed badly is refused, naming
where, and nothing is saved."""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

import openpyxl
import pytest

from scoring.excel import reader
from scoring.imports.uploads import UploadError
from scoring.store import Store
from scoring.workshop import agreed_pack
from scoring.workshop.pack import build_pack
from scoring.workshop.room import Participant

HOSTILE = '=HYPERLINK("http://x") <script>alert(1)</script>'
AGREED = {
    ("eight_aspects", "sd_one_place", "rating"): {"value": 5, "agreed": True, "note": HOSTILE},
    ("eight_aspects", "sd_wellbeing_system", "rating"): {"value": None, "agreed": False, "note": "Check the evidence"},
    ("tolerance", "area:waiting_lists", "impact"): {"value": 3, "agreed": True, "note": ""},
}
INFO = {
    "name": "Away day",
    "code": "ABCD2345",
    "diagnostics": ["eight_aspects", "tolerance"],
    "roles": [],
    "created_at": datetime.now(timezone.utc),
    "min_group": 3,
}


def people() -> list[Participant]:
    record = lambda r: {"rating": r, "weight": 1, "basis": None, "note": ""}  # noqa: E731 - as the app stores it
    return [Participant(n, None, {"eight_aspects": {"sd_one_place": record(r)}}) for n, r in enumerate([1, 2, 2, 3], start=1)]


def pack(agreed=AGREED) -> bytes:
    return build_pack(INFO, people(), {}, agreed=agreed, generated=datetime(2026, 12, 2, tzinfo=timezone.utc))


def test_the_agreed_sheet_sets_each_agreement_beside_the_room_s_mean_and_spread():
    ws = openpyxl.load_workbook(BytesIO(pack()))[agreed_pack.SHEET]
    rows = {r[10]: r for r in ws.iter_rows(min_row=agreed_pack.HEADER_ROW + 1, values_only=True) if r[10]}
    one_place = rows["eight_aspects|sd_one_place|rating"]
    assert one_place[2:9] == (4, 0, 2, 35, 5, "Agreed", "Yes ⚑")  # ratings 1, 2, 2, 3: mean 2, spread 0.707 / 2; agreed 5 is far
    assert one_place[9] == HOSTILE
    assert ws.cell(row=[c.row for c in ws["K"] if c.value == "eight_aspects|sd_one_place|rating"][0], column=10).quotePrefix  # never a formula
    assert rows["eight_aspects|sd_wellbeing_system|rating"][4:9] == (None, None, None, agreed_pack.AGREED_NO, None)
    assert ws.column_dimensions["K"].hidden


def test_a_pack_brought_back_restores_the_agreements_in_a_new_workshop(fresh_db_url):
    book = reader.read_workbook(pack())
    assert book.agreed == AGREED
    store = Store(fresh_db_url)
    facilitator = reader.resume_workshop(store, book)
    assert store.agreements(facilitator) == AGREED


def test_a_pack_without_agreements_has_no_agreed_sheet_and_comes_back_without_any():
    data = pack({})
    assert agreed_pack.SHEET not in openpyxl.load_workbook(BytesIO(data)).sheetnames
    assert reader.read_workbook(data).agreed == {}


@pytest.mark.parametrize(
    "column, value, says",
    [
        ("G", 9, "G"),
        ("H", "Sort of", "H"),
        ("K", "eight_aspects|no_such_factor|rating", "K"),
        ("J", "x" * 600, "J"),
        ("G", None, "G"),
        ("J", "=1+1", "J"),
    ],
)
def test_an_agreed_sheet_changed_badly_is_refused_naming_where(column, value, says):
    wb = openpyxl.load_workbook(BytesIO(pack()))
    ws = wb[agreed_pack.SHEET]
    row = [c.row for c in ws["K"] if c.value == "eight_aspects|sd_one_place|rating"][0]
    ws[f"{column}{row}"] = value
    changed = BytesIO()
    wb.save(changed)
    with pytest.raises(UploadError) as refused:
        reader.read_workbook(changed.getvalue())
    assert f"row {row}" in str(refused.value) and f"column {says}" in str(refused.value)
