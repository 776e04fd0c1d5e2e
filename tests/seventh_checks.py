"""The seventh diagnostic at work, run only by tests/test_seventh_diagnostic.py: the app
started on a copy of data/ with tests/files/seventh/sharing_learning.yaml added and no
code edited. (Not named test_*, so a plain test run does not collect it: without that
folder the diagnostic does not exist.)"""

from datetime import datetime, timezone
from io import BytesIO

import pytest
from apptest_helpers import open_address
from openpyxl import load_workbook
from test_pages_workshop import app, create, join, token_of

from scoring import compare, registry
from scoring.excel import reader, summary
from scoring.imports import survey
from scoring.records import baseline
from scoring.store import Store, show_join_code
from scoring.workshop import setup, views
from scoring.workshop.pack import build_pack
from scoring.workshop.room import Participant
from ui import navigation

SEVENTH = "sharing_learning"
TITLE = "Sharing what we learn"
ADDRESS = "sharing-learning"
ITEM = "shl_team_reviews"


def test_it_is_registered_as_a_diagnostic_from_its_file_alone():
    assert SEVENTH in registry.diagnostics() and SEVENTH not in registry.records()
    assert registry.title(SEVENTH) == TITLE
    registry.load_all()


def test_the_self_check_navigation_offers_it_and_its_page_saves_answers():
    specs = navigation.sections_for(None, joining=False)[0][""]
    assert ("views/diagnostics/statements.py", TITLE, ":material/share:", ADDRESS) in specs
    at = app()
    assert any(TITLE in str(link.proto.label) for link in at.get("page_link")), "home has its card"
    open_address(at, ADDRESS)
    assert not at.exception and at.title[0].value == TITLE
    at.radio(key=f"st_{SEVENTH}_rating_{ITEM}").set_value(4).run()
    assert not at.exception
    assert Store().response(at.session_state["resume_token"])[SEVENTH] == {ITEM: {"rating": 4}}
    assert any("1 of 5 statements answered" in p.proto.text for p in at.get("progress"))


def test_a_workshop_offers_it_and_a_participant_answers_it_on_their_pages():
    assert SEVENTH in registry.in_workshop() and setup.title(SEVENTH) == TITLE
    facilitator = create(diagnostics=[SEVENTH])
    workshop = Store().workshop(token_of(facilitator))
    assert workshop["diagnostics"] == [SEVENTH]
    participants = []
    for rating in (2, 4, 5):
        at = join(show_join_code(workshop["code"]))
        # Its page, then the room's vote page that every workshop offers (ui/navigation.VOTE).
        assert [str(link.proto.page) for link in at.get("page_link")] == [ADDRESS, "vote"]
        open_address(at, ADDRESS)
        at.radio(key=f"st_{SEVENTH}_rating_{ITEM}").set_value(rating).run()
        assert not at.exception
        participants.append(at)
    next(b for b in facilitator.button if b.label == "Reveal results").click().run()
    assert not facilitator.exception
    assert any(f"**{TITLE}**: 3 started" in c.value for c in facilitator.caption)
    assert views.available(workshop["diagnostics"]) == [TITLE]
    assert facilitator.get("plotly_chart"), "the room's view of it on the shared screen"


def _people() -> list[Participant]:
    return [
        Participant(number=n, role=None, response={SEVENTH: {ITEM: {"rating": r}, "shl_partners_ask": {"rating": 3}}}) for n, r in enumerate((2, 4, 5), start=1)
    ]


def test_the_pack_has_its_sheet_of_the_room_and_its_answers():
    info = {"name": "Room", "code": "K7P2QX", "diagnostics": [SEVENTH], "roles": [], "created_at": datetime(2025, 3, 4, tzinfo=timezone.utc)}
    book = load_workbook(BytesIO(build_pack(info, _people(), {})))
    sheet = book[f"{TITLE} (room)"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    columns = rows["Theme"]
    assert "Group" not in columns  # its themes are not grouped
    within = dict(zip(columns, rows["Within the council"]))
    assert within["Mean (0–100)"] == pytest.approx(200 / 3) and within["People"] == 3  # 25, 75, 100 over 3 people
    rows = list(book["Responses"].iter_rows(values_only=True))
    header = next(r for r in rows if r and "Item" in r)
    responses = [row for row in rows if row[header.index("Diagnostic")] == TITLE]
    assert {row[header.index("Item")] for row in responses} == {
        "Teams review together what worked and what did not.",
        "Partners ask us what we have learnt and we tell them.",
    }


def test_a_survey_export_maps_to_its_statements():
    columns = ["ID", "Teams review together what worked and what did not", "Partners ask us what we have learnt and we tell them."]
    mapping = survey.guess_mapping(columns, [SEVENTH])
    assert mapping["ID"] is None
    assert [(t.diagnostic_id, t.item_id) for t in list(mapping.values())[1:]] == [(SEVENTH, ITEM), (SEVENTH, "shl_partners_ask")]


def test_the_excel_summary_bring_back_and_compare_cover_it():
    then = {SEVENTH: {ITEM: {"rating": 2}, "shl_providers_told": {"rating": None}}}
    data = summary.build_workbook(then)
    book = load_workbook(BytesIO(data))
    assert TITLE in book.sheetnames and any(r[0] == TITLE for r in book["Summary"].iter_rows(values_only=True))
    back = reader.read_workbook(data)
    assert back.response == then
    store = Store()
    token = store.new_respondent()
    reader.resume(store, token, data)  # bring back to carry on
    assert store.response(token) == then
    kept = baseline.clean_record(baseline.ITEM, baseline.from_workbook(back, "Last year"))
    now = {SEVENTH: {ITEM: {"rating": 5}}}
    changes = compare.diagnostic_changes(baseline.side(kept), compare.Side("Now", now))
    row = changes[changes["figure"] == "Within the council"].iloc[0]
    assert (row.diagnostic, row.before, row.after, row.change) == (TITLE, 25.0, 100.0, 75.0)
    sheet = load_workbook(BytesIO(compare.build_comparison_workbook(baseline.side(kept), compare.Side("Now", now))))[compare.SHEET]
    assert any(r[0] == f"{TITLE}: Within the council (0–100)" for r in sheet.iter_rows(values_only=True))
