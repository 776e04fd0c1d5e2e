"""The workshop pack keeps the room's votes and the contributions shown (never a hidden
or rejected one), and a pack brought back restores them (issue 14, item 8's part)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.excel.reader import read_workbook, resume_workshop
from scoring.imports.uploads import UploadError
from scoring.store import Store
from scoring.workshop import voice, voice_sheet
from scoring.workshop.pack import build_pack
from scoring.workshop.room import Participant


def a_room():
    store = Store()
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    store.set_voice(facilitator, voting_open=True, contributions_open=True)
    people = [store.join(code, None, client=f"p{n}") for n in range(3)]
    first = store.add_candidate(facilitator, "Pool the budgets", voice.FROM_FACILITATOR)
    second = store.add_candidate(facilitator, '=HYPERLINK("http://evil")', voice.FROM_FACILITATOR)
    store.add_candidate(facilitator, "Nobody's choice", voice.FROM_FACILITATOR)
    for person in people:
        store.vote(person, first, 2)
    store.vote(people[0], second, 1)
    shown = store.contribute(people[0], "Waiting lists that quietly grow")
    hidden = store.contribute(people[1], "Hidden words")
    rejected = store.contribute(people[2], "Rejected abuse")
    store.moderate(facilitator, shown, voice.SHOWN)
    store.moderate(facilitator, hidden, voice.HIDDEN)
    store.moderate(facilitator, rejected, voice.REJECTED)
    return store, facilitator


def pack_of(store, facilitator) -> bytes:
    found, voters = store.candidates(facilitator)
    shown = [c["text"] for c in store.contributions(facilitator, statuses=(voice.SHOWN,))]
    room_voice = voice_sheet.RoomVoice(found, voters, store.voice(facilitator)["votes_each"], shown)
    participants = [Participant(number=n, role=role, response=response) for n, (role, response) in enumerate(store.participants(facilitator), start=1)]
    return build_pack(store.workshop(facilitator), participants, store.response(facilitator), room_voice=room_voice)


def every_text(data: bytes) -> str:
    book = load_workbook(BytesIO(data))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_pack_ranks_the_votes_and_keeps_only_the_contributions_shown():
    store, facilitator = a_room()
    data = pack_of(store, facilitator)
    ws = load_workbook(BytesIO(data))[voice_sheet.SHEET]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    header = rows.index(voice_sheet.VOTE_HEADERS)
    assert rows[header + 1 : header + 4] == [
        ("1", "Pool the budgets", 6, "Typed by the facilitator", None),
        ("2", '=HYPERLINK("http://evil")', 1, "Typed by the facilitator", None),
        ("3", "Nobody's choice", 0, "Typed by the facilitator", None),
    ]
    formula_cell = ws.cell(row=header + 3, column=2)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix, "text a spreadsheet might run is kept as text"
    text = every_text(data)
    assert "Waiting lists that quietly grow" in text
    assert "Hidden words" not in text and "Rejected abuse" not in text


def test_a_pack_brought_back_restores_the_votes_and_the_contributions_shown():
    store, facilitator = a_room()
    book = read_workbook(pack_of(store, facilitator))
    assert book.votes == [("Pool the budgets", 6), ('=HYPERLINK("http://evil")', 1), ("Nobody's choice", 0)]
    assert book.contributions == ["Waiting lists that quietly grow"]
    again = resume_workshop(store, book)
    found, _voters = store.candidates(again)
    assert [(c["text"], c["votes"], c["origin"]) for c in found] == [(t, n, voice.FROM_PACK) for t, n in book.votes]
    assert [c["text"] for c in store.contributions(store.screen_token(again))] == ["Waiting lists that quietly grow"]
    # And the brought-back room's pack carries them again, unchanged.
    assert read_workbook(pack_of(store, again)).votes == book.votes


def test_a_pack_without_votes_has_no_such_sheet_and_comes_back_without_them():
    store = Store()
    _code, facilitator = store.create_workshop("Quiet", ["eight_aspects"], [])
    data = pack_of(store, facilitator)
    assert voice_sheet.SHEET not in load_workbook(BytesIO(data)).sheetnames
    book = read_workbook(data)
    assert (book.votes, book.contributions) == ([], [])


def edited(data: bytes, change) -> bytes:
    book = load_workbook(BytesIO(data))
    change(book[voice_sheet.SHEET])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda ws: ws.cell(row=6, column=3, value="many"), "whole number"),
        (lambda ws: ws.cell(row=6, column=3, value=-2), "whole number"),
        (lambda ws: ws.cell(row=6, column=3, value="=1+1"), "formula"),
        (lambda ws: ws.cell(row=6, column=2, value="x" * 400), "longer than"),
        (lambda ws: ws.cell(row=6, column=2, value=12), "must hold text"),
    ],
)
def test_a_votes_sheet_edited_into_nonsense_is_refused_with_where(change, problem):
    store, facilitator = a_room()
    data = pack_of(store, facilitator)
    ws = load_workbook(BytesIO(data))[voice_sheet.SHEET]
    assert ws.cell(row=5, column=1).value == "Rank", "row 6 is the first action"
    with pytest.raises(UploadError, match=problem) as caught:
        read_workbook(edited(data, change))
    assert voice_sheet.SHEET in str(caught.value) and "row 6" in str(caught.value)
