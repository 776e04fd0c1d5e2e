"""The workshop pack: its sheets, every response anonymised, text never a formula, no
small role group shown anywhere, native charts."""

from datetime import datetime, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, RadarChart

from scoring.diagnostics import approaches, conditions, eight_aspects, starting_points, tolerance
from scoring.workshop import room as workshop
from scoring.workshop.pack import build_pack
from scoring.workshop.room import Participant

FORMULA = '=HYPERLINK("http://example.invalid","x")'
ALL = ["eight_aspects", "approaches", "tolerance", "conditions", "starting_points"]
INFO = {
    "name": "=Spring workshop",
    "code": "K7P-2QX",
    "diagnostics": ALL,
    "roles": ["Commissioner", "Finance"],
    "created_at": datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc),
}
ROOM = {
    "development_plan": {
        "action:a1": {
            "aspect_id": "policy",
            "action": "Brief councillors",
            "owner": "Head of commissioning",
            "due": "",
            "measure": "",
            "status": "not_started",
            "origin": "Workshop",
        }
    },
    "risks": {
        "risk:r1": {
            "approach_id": "",
            "title": "Providers leave the market",
            "description": "",
            "likelihood": 3,
            "impact": 4,
            "mitigation": "",
            "owner": "",
            "suggested_id": "",
        }
    },
}


def _participant(number: int, role: str | None) -> Participant:
    factors = eight_aspects.instrument().factors
    response = {
        "eight_aspects": {
            f.id: {"rating": (number + i) % 5 + 1, "weight": 1, "basis": "evidence", "note": FORMULA if i == 0 else ""} for i, f in enumerate(factors[::4])
        },  # ten factors over all eight aspects
        "tolerance": {tolerance.area_key("waiting_lists"): {"frequency": number % 4, "impact": 2, "gift": "ours", "evidence": "Seen it"}},
        "conditions": {i.id: {"rating": number % 5 + 1} for i in conditions.instrument().items[:4]},
        "starting_points": {starting_points.instrument().items[0].id: {"rating": 3}},
        "approaches": {"choice": {"chosen": ["disruptive"], "priorities": {"innovation": 2}}},
    }
    return Participant(number, role, response)


# Four commissioners, three in finance, one procurement lead and one elected member: the last
# two are merged with nobody else big enough, so the smaller group shown (finance) joins them.
ROLES = ["Commissioner"] * 4 + ["Finance"] * 3 + ["Procurement lead", "Elected member"]
PARTICIPANTS = [_participant(n, role) for n, role in enumerate(ROLES, start=1)]


@pytest.fixture(scope="module")
def pack():
    return load_workbook(BytesIO(build_pack(INFO, PARTICIPANTS, ROOM, generated=datetime(2025, 3, 4, 12, tzinfo=timezone.utc))))


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def _table(ws, first_header: str) -> tuple[list[str], list[tuple]]:
    """The headers and data rows of the table whose first header is `first_header`."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(n for n, row in enumerate(rows) if row[0] == first_header)
    body = []
    for row in rows[top + 1 :]:
        if row[0] is None:  # the table ends at the first empty row
            break
        body.append(row)
    return list(rows[top]), body


def test_the_pack_has_its_sheets_in_order(pack):
    assert pack.sheetnames == [
        # Key results first; the room's sheets in the registry's order, as the screen's views and the summary's sheets
        "Key results",
        "Summary",
        "By role",
        "Tolerating (room)",
        "Starting points (room)",
        "Conditions (room)",
        "Development plan",
        "Risks",
        "Responses",
        "App data",
        "About",
    ]


def test_only_the_workshops_diagnostics_get_room_sheets():
    info = {**INFO, "diagnostics": ["eight_aspects"]}
    wb = load_workbook(BytesIO(build_pack(info, PARTICIPANTS, {})))
    assert wb.sheetnames == ["Key results", "Summary", "By role", "Development plan", "Risks", "Responses", "App data", "About"]


def test_the_responses_sheet_holds_every_record_of_every_participant(pack):
    headers, rows = _table(pack["Responses"], "Participant")
    expected = sum(len(records) for p in PARTICIPANTS for records in p.response.values())
    assert len(rows) == expected
    column = {h: n for n, h in enumerate(headers)}
    assert {r[column["Participant"]] for r in rows} == {p.label for p in PARTICIPANTS}
    assert "Item id" not in column  # readers see what was asked; ids stay in App data
    first = next(r for r in rows if r[column["Participant"]] == "P01" and r[column["Item"]] == eight_aspects.instrument().factors[0].text)
    assert first[column["Rating (1–5)"]] == 2 and first[column["Weight"]] == 1 and first[column["Don't know"]] is None
    assert first[column["Evidence or impression"]] == "Backed by evidence"
    area = next(r for r in rows if r[column["Item"]].startswith("High waiting lists"))
    assert area[column["How often (0–3)"]] == 1 and area[column["Impact (1–3)"]] == 2 and area[column["Note or evidence"]] == "Seen it"
    choice = next(r for r in rows if r[column["Item"]] == "Chosen approaches and priorities")
    assert "Disruptive commissioning" in choice[column["Other details"]]


def test_typed_text_stays_text_never_a_formula(pack):
    ws = pack["Responses"]
    notes = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert len(notes) == len(PARTICIPANTS)
    assert all(c.data_type == "s" for c in notes)
    name = next(c for row in pack["Summary"].iter_rows() for c in row if c.value == INFO["name"])
    assert name.data_type == "s"


def test_small_role_groups_appear_nowhere(pack):
    groups, note = workshop.role_groups(PARTICIPANTS)
    assert list(groups) == ["Commissioner", workshop.OTHER_ROLES]
    headers, rows = _table(pack["Responses"], "Participant")
    roles = {r[headers.index("Role")] for r in rows}
    assert roles == {"Commissioner", workshop.OTHER_ROLES}
    everything = " ".join(text for ws in pack for text in _texts(ws) if ws.title not in ("By role",))
    for hidden in ("Finance", "Procurement lead", "Elected member"):
        assert hidden not in everything
    # The By role sheet names the merged roles in its note, never their answers.
    by_role = pack["By role"]
    _, shown = _table(by_role, "Role")
    assert [r[0] for r in shown] == ["Commissioner", workshop.OTHER_ROLES]
    assert note in _texts(by_role)


def test_a_role_group_under_three_is_written_as_not_shown():
    room = [_participant(n, role) for n, role in enumerate(["Commissioner"] * 5 + ["Finance"] * 2, start=1)]
    wb = load_workbook(BytesIO(build_pack(INFO, room, {})))
    headers, rows = _table(wb["Responses"], "Participant")
    assert {r[headers.index("Role")] for r in rows} == {workshop.role_hidden()}
    assert "No role group is large enough to show." in _texts(wb["By role"])


def test_summary_has_spread_disagreement_ranking_and_native_charts(pack):
    ws = pack["Summary"]
    texts = _texts(ws)
    assert "Participants joined" in texts and "Where the room disagrees most" in texts
    headers, rows = _table(ws, "Aspect")
    assert headers[:9] == ["Aspect", "People", "Mean", "Median", "Lower quartile", "Upper quartile", "Lowest", "Highest", "Standard deviation"]
    spread = workshop.aspect_spread(PARTICIPANTS)
    assert [r[2] for r in rows[:8]] == pytest.approx([round(v, 1) if v == v else None for v in spread["mean"]], abs=0.05)
    _, items = _table(ws, "Factor (aspect)")
    assert 1 <= len(items) <= 10
    charts = ws._charts
    radar = next(c for c in charts if isinstance(c, RadarChart))
    assert len(radar.series) == 3  # mean, lower and upper quartile
    assert any(isinstance(c, BarChart) for c in charts)


def test_room_sheets_and_plan_and_risks_carry_the_room(pack):
    _, areas = _table(pack["Tolerating (room)"], "Area")
    assert len(areas) == len(tolerance.AREAS)
    assert any(isinstance(c, BarChart) for c in pack["Tolerating (room)"]._charts)
    _, themes = _table(pack["Conditions (room)"], "Theme")
    assert len(themes) == len(conditions.instrument().themes)
    assert any(isinstance(c, BarChart) for c in pack["By role"]._charts)
    assert "Brief councillors" in _texts(pack["Development plan"])
    assert "Providers leave the market" in _texts(pack["Risks"])


def test_about_explains_the_aggregation_and_the_small_group_rule(pack):
    texts = _texts(pack["About"])
    assert workshop.METHOD in texts and workshop.small_group_rule() in texts


def test_an_empty_workshop_still_makes_a_pack():
    wb = load_workbook(BytesIO(build_pack(INFO, [], {})))
    _, rows = _table(wb["Responses"], "Participant")
    assert rows == []
    assert "No fit yet: too few aspects have a score." in _texts(wb["Summary"])


def test_no_token_or_time_per_participant(pack):
    ws = pack["Responses"]
    headers, _ = _table(ws, "Participant")
    assert not any("token" in h.lower() or "time" in h.lower() or "joined" in h.lower() for h in headers)
    assert INFO["code"] not in " ".join(text for sheet in pack for text in _texts(sheet))


def test_the_room_ranking_shows_ties_coverage_and_what_it_rests_on(pack):
    headers, rows = _table(pack["Summary"], "Approach")
    assert headers[:7] == ["Approach", "Fit (0–100)", "Rank", "Feasibility", "Desirability", "Coverage", "Chosen by"]
    ranked = workshop.approach_ranking(PARTICIPANTS)
    assert [r[2] for r in rows] == list(ranked["rank_label"])
    assert [r[5] for r in rows] == pytest.approx(list(ranked["coverage"]))
    assert any("This ranking rests on 8 of the 8 aspects." in text for text in _texts(pack["Summary"]))


def test_a_room_that_scored_two_aspects_is_told_nothing_can_be_judged():
    factors = eight_aspects.instrument().factors[:10]  # system design and relationships only
    people = [Participant(n, None, {"eight_aspects": {f.id: {"rating": n % 5 + 1} for f in factors}}) for n in range(1, 6)]
    texts = _texts(load_workbook(BytesIO(build_pack(INFO, people, {})))["Summary"])
    assert "No fit yet: too few aspects have a score." in texts
    basis = next(text for text in texts if "This ranking rests on" in text)
    assert "rests on 2 of the 8 aspects" in basis and "Not enough answers to judge" in basis


def test_key_results_name_the_blend_the_room_chose_not_a_participants():
    # Participants put "disruptive" in their own blends; the facilitator records the room's.
    room = {**ROOM, "approaches": {"choice": {"chosen": ["in_house_mutual", "community_development"], "priorities": {}}}}
    titles = {a.id: a.title for a in approaches.instrument().approaches}
    with_choice = _texts(load_workbook(BytesIO(build_pack(INFO, PARTICIPANTS, room)))["Key results"])
    assert f"The room's chosen approach or blend: {titles['in_house_mutual']} + {titles['community_development']}." in with_choice
    without = _texts(load_workbook(BytesIO(build_pack(INFO, PARTICIPANTS, ROOM)))["Key results"])
    assert "The room's chosen approach or blend: none chosen yet." in without
