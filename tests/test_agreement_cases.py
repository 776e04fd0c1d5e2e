"""A workshop in rounds: worked cases from data/cases/agreement.yaml (spread, discuss
next, far), one test each, and the sections every diagnostic gives."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from scoring import registry
from scoring.workshop import rounds

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "cases" / "agreement.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["spread"], ids=lambda c: c["name"])
def test_spread(case):
    low, high = case["scale"]
    found = rounds.spread(case["ratings"], low, high)
    if case["spread"] is None:
        assert math.isnan(found)
    else:
        assert found == pytest.approx(case["spread"], abs=1e-6)


def _section(names: list[str]) -> rounds.Section:
    scale = {value: str(value) for value in range(1, 6)}
    factors = tuple(rounds.Factor("d", name, "rating", name, scale, "Don't know") for name in names)
    return rounds.Section("d/s", "d", "s", "A section", "A diagnostic", tuple(names), factors)


@pytest.mark.parametrize("case", CASES["discuss_next"], ids=lambda c: c["name"])
def test_discuss_next(case):
    names = list(case["factors"])
    people = max(len(v) for v in case["factors"].values())
    responses = [{"d": {name: {"rating": ratings[person]} for name, ratings in case["factors"].items() if person < len(ratings)}} for person in range(people)]
    rows = rounds.factor_rows(_section(names), responses, case["min_group"])
    assert [row["factor"].item_id for row in rounds.discuss_next(rows)] == case["expected"]
    hidden = [row["factor"].item_id for row in rows if not row["shown"]]
    assert hidden == case["hidden"]
    for row in rows:
        if not row["shown"]:  # nothing of a hidden factor but how many rated it
            assert row["counts"] == {} and math.isnan(row["mean"]) and math.isnan(row["spread"])


@pytest.mark.parametrize("case", CASES["far"], ids=lambda c: c["name"])
def test_far(case):
    assert rounds.is_far(case["mean"], case["agreed"]) is case["far"]


def test_every_section_comes_from_the_registry_with_its_rated_questions():
    every = registry.in_workshop()
    found = rounds.sections(every)
    for diagnostic in registry.diagnostics().values():
        if diagnostic.ID not in every:
            continue
        mine = [s for s in found if s.diagnostic_id == diagnostic.ID]
        assert [s.id for s in mine] == [s.id for s in diagnostic.sections()]
        asked = {q.item_id for q in diagnostic.survey_questions()}
        for section in mine:
            assert set(section.item_ids) <= asked
            assert all(f.item_id in section.item_ids for f in section.factors)
    assert len({s.key for s in found}) == len(found)
    assert rounds.find(found[0].key, every) == found[0] and rounds.find("nope/none", every) is None


def test_an_agreement_is_on_the_scale_and_its_note_plain_text():
    factor = rounds.Factor("eight_aspects", "x", "rating", "x", {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}, "Don't know")
    assert rounds.clean_agreement(factor, 4, " <script>alert(1)</script> ") == {"value": 4, "agreed": True, "note": "<script>alert(1)</script>"}
    assert rounds.clean_agreement(factor, None, "") == {"value": None, "agreed": False, "note": ""}
    for bad in (0, 6, True, "4"):
        with pytest.raises(ValueError):
            rounds.clean_agreement(factor, bad, "")
    with pytest.raises(ValueError):
        rounds.clean_agreement(factor, 3, "x" * (rounds.NOTE_LIMIT + 1))
    agreed = {
        ("eight_aspects", "x", "rating"): {"value": 4, "agreed": True, "note": ""},
        ("eight_aspects", "y", "rating"): {"value": None, "agreed": False, "note": "later"},
    }
    assert rounds.agreed_response(agreed) == {"eight_aspects": {"x": {"rating": 4}}}


def test_the_agreed_profile_is_its_own_series_on_the_room_s_radar():
    from scoring import figures
    from scoring.diagnostics import eight_aspects
    from scoring.workshop import views
    from scoring.workshop.room import Participant

    people = [Participant(n, None, {"eight_aspects": {"sd_one_place": {"rating": r}}}) for n, r in enumerate([2, 3, 4], start=1)]
    agreed = {"eight_aspects": {"sd_one_place": {"rating": 5}, "pol_place_vision": {"rating": 1}}}
    radar = views.build("Room's profile", people, agreed=agreed).figure
    series = next(t for t in radar.data if t.name == figures.AGREED_LABEL)
    by_aspect = dict(zip(eight_aspects.ASPECTS, series.r))
    assert by_aspect["system_design"] == 100 and by_aspect["policy"] == 0 and by_aspect["relationships"] is None
    assert not any(t.name == figures.AGREED_LABEL for t in views.build("Room's profile", people).figure.data)
    assert views.agreed_scores(agreed) == {"system_design": 100.0, "policy": 0.0}


def test_sections_are_worked_out_once_per_workshop_s_diagnostics_and_again_when_an_instrument_changes():
    from scoring.instruments import loading

    rounds._sections.cache_clear()
    first = rounds.sections(["tolerance", "eight_aspects"])
    again = rounds.sections(("eight_aspects", "tolerance", "eight_aspects"))  # any order, any repeats
    assert again == first and rounds._sections.cache_info().misses == 1
    assert [s.diagnostic_id for s in first][0] == "eight_aspects"  # still the registry's order
    again.clear()  # a caller's list is its own: the cached sections are untouched
    assert rounds.sections(["eight_aspects", "tolerance"]) == first
    assert rounds.sections(["eight_aspects"]) == [s for s in first if s.diagnostic_id == "eight_aspects"]
    assert rounds._sections.cache_info().misses == 2
    loading._load_version.cache_clear()  # as when an instrument file is edited: loaded afresh
    assert rounds.sections(["eight_aspects"]) == [s for s in first if s.diagnostic_id == "eight_aspects"]
    assert rounds._sections.cache_info().misses == 3
