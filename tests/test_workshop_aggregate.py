"""Workshop aggregation: worked rooms from data/cases/workshop.yaml, the small-group rule
(also as a property over random rooms), empty rooms, the room's approach ranking, and the
workshop figures built with plotly's validation on."""

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import figures
from scoring.diagnostics import approaches, conditions, eight_aspects, starting_points
from scoring.workshop import room as workshop
from scoring.workshop.room import NO_ROLE, OTHER_ROLES, Participant, role_hidden

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "workshop.yaml").read_text(encoding="utf-8"))
ROOMS, ROLE_CASES = CASES["rooms"], CASES["role_cases"]
ALL_DIAGNOSTICS = ["eight_aspects", "approaches", "tolerance", "conditions", "starting_points"]


def _response(answers: dict) -> dict:
    """A case's answers as stored records."""
    response = {}
    for item_id, answer in (answers.get("eight_aspects") or {}).items():
        record = answer if isinstance(answer, dict) else {"rating": answer}
        response.setdefault("eight_aspects", {})[item_id] = {"weight": 1, "basis": None, "note": "", **record}
    for area_id, record in (answers.get("tolerance") or {}).items():
        response.setdefault("tolerance", {})[f"area:{area_id}"] = {"gift": None, "evidence": "", **record}
    for item_id, rating in (answers.get("conditions") or {}).items():
        response.setdefault("conditions", {})[item_id] = {"rating": rating}
    if "approaches" in answers:
        response["approaches"] = {"choice": approaches.clean_record("choice", answers["approaches"])}
    return response


def _room(case: dict) -> list[Participant]:
    return [Participant(n, p["role"], _response(p["answers"])) for n, p in enumerate(case["participants"], start=1)]


def _close(actual, expected, what):
    if expected is None:
        assert math.isnan(actual), what
    else:
        assert actual == pytest.approx(expected, abs=1e-5), what


@pytest.mark.parametrize("case", ROOMS, ids=[c["name"] for c in ROOMS])
def test_worked_room(case):
    """The method's arithmetic on small rooms, before small numbers are blanked (min_group
    1 unless the case says otherwise; the blanking has tests of its own)."""
    room, expected = _room(case), case["expected"]
    minimum = case.get("min_group", 1)
    if "aspects" in expected:
        spread = workshop.aspect_spread(room, minimum)
        assert list(spread.index) == list(eight_aspects.ASPECTS)
        for aspect_id, row in spread.iterrows():
            wanted = expected["aspects"].get(aspect_id, {"n": 0})
            assert row["n"] == wanted["n"], aspect_id
            for column in ("mean", "median", "q1", "q3", "low", "high", "sd"):
                _close(row[column], wanted.get(column) if wanted["n"] else None, f"{aspect_id} {column}")
    if "most_disagreed" in expected:
        items = workshop.item_disagreement(room, min_answers=max(2, minimum))
        assert (items["item_id"].iloc[0] if len(items) else None) == expected["most_disagreed"]
    for item_id, index in (expected.get("disagreement") or {}).items():
        items = workshop.item_disagreement(room, min_answers=max(2, minimum)).set_index("item_id")
        assert items.loc[item_id, "disagreement"] == pytest.approx(index, abs=1e-5), item_id
    if "roles" in expected:
        groups, _ = workshop.role_groups(room)
        assert {role: len(people) for role, people in groups.items()} == expected["roles"]
        if all(p.records("eight_aspects") for p in room):  # by role counts only those with a score
            by_role, _ = workshop.aspects_by_role(room)
            assert dict(zip(by_role["role"], by_role["n"])) == expected["roles"]
    for diagnostic_id, wanted in (expected.get("counts") or {}).items():
        row = workshop.counts(room, [diagnostic_id]).iloc[0]
        assert (row["started"], row["complete"]) == (wanted["started"], wanted["complete"]), diagnostic_id
    for area_id, wanted in (expected.get("tolerance") or {}).items():
        row = workshop.tolerance_profile(room, minimum).set_index("area_id").loc[area_id]
        for column, value in wanted.items():
            _close(row[column], value, f"{area_id} {column}")
    for theme_id, wanted in (expected.get("conditions") or {}).items():
        row = workshop.statement_themes(conditions, room, minimum).set_index("theme_id").loc[theme_id]
        for column, value in wanted.items():
            _close(row[column], value, f"{theme_id} {column}")
        if not wanted.get("n"):
            assert math.isnan(row["mean"]) and math.isnan(row["sd"])
    for approach_id, count in (expected.get("chosen_by") or {}).items():
        assert workshop.approach_ranking(room, minimum).set_index("approach_id").loc[approach_id, "chosen_by"] == count


@pytest.mark.parametrize("case", ROLE_CASES, ids=[c["name"] for c in ROLE_CASES])
def test_role_case(case):
    room = [Participant(n, role, {}) for n, role in enumerate(case["roles"], start=1)]
    groups, note = workshop.role_groups(room)
    assert {role: len(people) for role, people in groups.items()} == case["shown"]
    assert list(groups) == list(case["shown"])  # first appearance, merged group last
    assert (note is not None) == case["note"]


def test_the_note_names_what_was_merged_or_hidden():
    room = [Participant(n, role, {}) for n, role in enumerate(["A"] * 5 + ["Finance"] * 2, start=1)]
    _, note = workshop.role_groups(room)
    assert note.startswith("Views by role are not shown") and "\u201cFinance\u201d" in note and "2 people" in note
    room = [Participant(n, role, {}) for n, role in enumerate(["A"] * 3 + ["B", "C", "D"], start=1)]
    _, note = workshop.role_groups(room)
    assert OTHER_ROLES in note and "\u201cB\u201d, \u201cC\u201d and \u201cD\u201d" in note


@settings(max_examples=300, deadline=None)
@given(
    roles=st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C", "D", "E", "Finance", "  "])), max_size=40),
    min_group=st.integers(min_value=2, max_value=5),
)
def test_no_shown_group_is_small_and_the_rest_cannot_be_worked_out(roles, min_group):
    answered = {"eight_aspects": {"sd_one_place": {"rating": 3, "weight": 1}}}  # joins without answers count nowhere
    room = [Participant(n, role, answered) for n, role in enumerate(roles, start=1)]
    groups, note = workshop.role_groups(room, min_group)
    shown = [p.number for people in groups.values() for p in people]
    assert len(shown) == len(set(shown))  # nobody in two groups
    assert all(len(people) >= min_group for people in groups.values())
    hidden = len(room) - len(shown)
    # The room's own figures are on screen: the people not shown must be nobody or a group
    # too big to pick out, unless nothing by role is shown at all.
    assert hidden == 0 or hidden >= min_group or not groups
    for role, people in groups.items():
        if role != OTHER_ROLES:
            assert {p.role_label for p in people} == {role}
            assert len(people) == sum(p.role_label == role for p in room)  # a role is shown whole or not at all
    assert (note is None) == (not hidden and OTHER_ROLES not in groups)
    written = workshop.shown_roles(room, min_group)
    for p in room:
        assert written[p.number] in (p.role_label, OTHER_ROLES, role_hidden(min_group))
        assert (written[p.number] == p.role_label) == (p.role_label in groups)


def test_an_empty_room_gives_empty_or_blank_figures_not_errors():
    assert (workshop.aspect_spread([])["n"] == 0).all()
    assert workshop.aspect_spread([])["mean"].isna().all()
    assert workshop.item_disagreement([]).empty
    assert list(workshop.aspect_disagreement([]).index) == list(eight_aspects.ASPECTS)
    by_role, note = workshop.aspects_by_role([])
    assert by_role.empty and note is None
    assert workshop.approach_ranking([])["fit"].isna().all()
    assert workshop.tolerance_profile([])["n"].eq(0).all()
    assert workshop.statement_themes(starting_points, [])["n"].eq(0).all()
    counts = workshop.counts([], ALL_DIAGNOSTICS + ["development_plan", "risks"])
    assert list(counts["diagnostic_id"]) == ALL_DIAGNOSTICS  # the room's own plan and risks are not counted
    assert counts[["started", "complete"]].eq(0).all().all()


def _full_room(size: int = 6) -> list[Participant]:
    """A room where everyone answered everything, with varied ratings."""
    inst = eight_aspects.instrument()
    room = []
    for n in range(1, size + 1):
        ratings = {
            f.id: {"rating": (n + i) % 5 + 1 if (n + i) % 7 else None, "weight": (n + i) % 4, "basis": None, "note": ""} for i, f in enumerate(inst.factors)
        }
        response = {
            "eight_aspects": ratings,
            "approaches": {"choice": {"chosen": ["disruptive"] if n % 2 else [], "priorities": {"innovation": n % 3 + 1, "lower_cost": 2} if n % 3 else {}}},
            "conditions": {i.id: {"rating": (n * i_no) % 5 + 1} for i_no, i in enumerate(conditions.instrument().items)},
        }
        room.append(Participant(n, ["Commissioner", "Finance"][n % 2], response))
    return room


def test_scores_in_plain_python_are_the_instruments_own():
    room = _full_room()
    expected = pd.DataFrame({p.number: eight_aspects.score_records(p.response["eight_aspects"])["score"] for p in room}).T
    pd.testing.assert_frame_equal(workshop.participant_scores(room), expected, check_names=False)


def test_complete_means_every_item_answered_including_dont_know():
    room = _full_room(4)
    counts = workshop.counts(room, ["eight_aspects", "approaches", "conditions"]).set_index("diagnostic_id")
    assert counts.loc["eight_aspects", "complete"] == 4
    assert counts.loc["conditions", "complete"] == 4
    assert counts.loc["approaches", "started"] == counts.loc["approaches", "complete"] == 4


def test_the_room_ranking_is_the_ranking_of_the_room_mean_profile():
    room = _full_room()
    means = workshop.aspect_spread(room)["mean"].to_dict()
    choices = [p.response["approaches"]["choice"]["priorities"] for p in room]
    priorities = {p: sum(c.get(p, 0) for c in choices) / len(choices) for p in approaches.PRIORITIES}
    expected = approaches.rank(means, priorities)
    ranked = workshop.approach_ranking(room)
    pd.testing.assert_frame_equal(ranked.drop(columns="chosen_by"), expected)
    assert ranked.set_index("approach_id").loc["disruptive", "chosen_by"] == 3


def test_aspects_are_ordered_by_disagreement_and_by_role_means_are_the_groups():
    room = _full_room()
    order = workshop.aspect_disagreement(room)["sd"].tolist()
    assert order == sorted(order, reverse=True)
    by_role, note = workshop.aspects_by_role(room)
    assert note is None and list(by_role["role"]) == ["Finance", "Commissioner"]
    finance = workshop.aspect_spread([p for p in room if p.role == "Finance"])["mean"]
    assert by_role.iloc[0][list(eight_aspects.ASPECTS)].astype(float).tolist() == pytest.approx(finance.tolist(), nan_ok=True)


def test_answers_to_factors_no_longer_in_the_instrument_are_left_out():
    room = [Participant(1, None, {"eight_aspects": {"retired_factor": {"rating": 5, "weight": 1}, "sd_one_place": {"rating": 1, "weight": 1}}})]
    assert workshop.aspect_spread(room, min_group=1).loc["system_design", "mean"] == 0


def test_participant_label_and_role():
    assert Participant(7, None, {}).label == "P07"
    assert Participant(7, "  ", {}).role_label == NO_ROLE
    assert Participant(12, "Elected member", {}).role_label == "Elected member"


# --- Figures ---------------------------------------------------------------------------


def validated(figure: go.Figure) -> go.Figure:
    return go.Figure(figure.to_dict())  # raises ValueError on any invalid property


TITLES = {a.id: a.title for a in eight_aspects.instrument().aspects}
ONE_ANSWER = [Participant(1, None, {"eight_aspects": {"sd_one_place": {"rating": 4, "weight": 1}}})]


@pytest.mark.parametrize(
    "build",
    [
        lambda: figures.spread_radar(workshop.aspect_spread(_full_room())),
        lambda: figures.spread_radar(workshop.aspect_spread(ONE_ANSWER)),
        lambda: figures.spread_radar(workshop.aspect_spread([])),
        lambda: figures.role_bars(workshop.aspects_by_role(_full_room())[0], TITLES),
        lambda: figures.role_bars(workshop.aspects_by_role([])[0], TITLES),
        lambda: figures.disagreement_bars(workshop.item_disagreement(_full_room())),
        lambda: figures.disagreement_bars(workshop.item_disagreement([])),
    ],
    ids=["radar-band", "radar-gaps", "radar-empty", "role-bars", "role-bars-empty", "disagreement", "disagreement-empty"],
)
def test_workshop_figure_is_valid_and_uses_projector_fonts(build):
    figure = validated(build())
    assert figure.layout.font.size >= 14


def test_spread_radar_names_the_band_and_the_mean():
    figure = figures.spread_radar(workshop.aspect_spread(_full_room()))
    assert [trace.name for trace in figure.data] == [figures.BAND_LABEL, "Room mean"]
    band = figure.data[0]
    assert band.fill == "toself" and len(band.r) == 2 * (len(eight_aspects.ASPECTS) + 1)


def test_role_bars_tell_groups_apart_without_colour():
    by_role, _ = workshop.aspects_by_role(_full_room())
    figure = figures.role_bars(by_role, TITLES)
    assert [t.name for t in figure.data] == ["Finance (n = 3)", "Commissioner (n = 3)"]
    assert len({t.marker.pattern.shape for t in figure.data}) == 2
    assert all(text.isdigit() or text == "no score" for t in figure.data for text in t.text)


def test_disagreement_bars_stack_the_five_ratings_with_the_scale_labels():
    items = workshop.item_disagreement(_full_room())
    figure = figures.disagreement_bars(items, top=5)
    scale = eight_aspects.instrument().scale
    assert [t.name for t in figure.data] == [f"{r} {scale[r]}" for r in range(1, 6)]
    assert len(figure.data[0].y) == 5
    totals = [sum(t.x[i] for t in figure.data) for i in range(5)]
    assert totals == items.head(5)["n"].tolist()


def test_a_participant_s_records_are_read_as_today_s_instrument_asks_them_as_a_self_check_s_are():
    """Answers given before an update (ids of eight aspects 1.0) count in a workshop
    exactly as in a self-check: one translation, where records are read."""
    from scoring.diagnostics import eight_aspects, starting_points

    old = {"pro_competition": {"rating": 5}, "sd_one_place": {"rating": 2}}
    person = Participant(1, None, {eight_aspects.ID: old, starting_points.ID: {"min_optimism": {"rating": 4}}})
    assert person.records(eight_aspects.ID) == eight_aspects.today_records(old)
    assert "pro_competition" not in person.records(eight_aspects.ID), "replaced since: left out"
    assert person.records(starting_points.ID) == {}, "split since: left out"
