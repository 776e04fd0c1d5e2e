"""A workshop in rounds through AppTest: the facilitator chooses a section, the phones
open on it and answer it there, the screen counts and reveals it section by section,
names what to discuss next, and records what the room agreed; the plan starts from it."""

import html
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from scoring.diagnostics import eight_aspects
from scoring.store import Store, show_join_code

APP = Path(__file__).resolve().parent.parent / "app.py"
SECTION = "eight_aspects/system_design"
HOSTILE = "<script>alert(1)</script> **not bold** [link](http://x)"


def app(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def facilitator(diagnostics: tuple[str, ...] = ("eight_aspects", "tolerance")) -> tuple[AppTest, str]:
    at = app()
    at.switch_page("views/workshop/new.py").run()
    at.text_input(key="ws_name").input("Rounds day")
    at.multiselect(key="ws_diagnostics").set_value(list(diagnostics))
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert not at.exception
    return at, at.session_state["resume_token"]


def phone(code: str) -> AppTest:
    at = app(join=show_join_code(code))
    next(b for b in at.button if b.label == "Join").click().run()
    assert not at.exception
    return at


def in_order(node) -> list:
    """What a page drew, top to bottom: each widget's key, each text's value."""
    if hasattr(node, "children"):
        return [item for _, child in sorted(node.children.items()) for item in in_order(child)]
    return [getattr(node, "key", None) or getattr(node, "value", None)]


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in (at.markdown, at.caption, at.info) for e in kind)


def test_a_round_from_choosing_a_section_to_the_room_s_agreement():
    at, token = facilitator()
    store = Store()
    code = store.workshop(token)["code"]
    phones = [phone(code) for _ in range(4)]
    # Self-paced by default: the phone's home lists what to answer, no section.
    assert not phones[0].get("radio") or all(not r.key.startswith("wr_") for r in phones[0].radio)
    assert at.selectbox(key="ws_round_section").value == ""

    at.selectbox(key="ws_round_section").set_value(SECTION).run()
    assert not at.exception
    assert store.workshop(token)["section"] == SECTION
    assert "Now discussing: Eight aspects self\\-check: System design" in texts(at) or "System design" in texts(at)
    assert "0 of 4" in texts(at)
    assert any("hidden until the facilitator reveals" in i.value for i in at.info)

    # The phones open on the section and answer it there.
    ratings = [(1, 3), (5, 3), (1, 3), (5, 4)]
    for person, (split, calm) in zip(phones, ratings):
        person.run()
        assert not person.exception
        assert "Now discussing" in texts(person)
        person.radio(key="wr_eight_aspects_sd_one_place_rating").set_value(split).run()
        person.radio(key="wr_eight_aspects_sd_wellbeing_system_rating").set_value(calm).run()
        assert not person.exception
        # The answer says it reached the store, once, right under the question just answered.
        drawn = in_order(person.main)
        assert drawn.count("**✓ Saved**") == 1
        assert drawn[drawn.index("wr_eight_aspects_sd_wellbeing_system_rating") + 1] == "**✓ Saved**"
    answers = [r for _role, r in store.participants(token)]
    assert sorted(r["eight_aspects"]["sd_one_place"]["rating"] for r in answers) == [1, 1, 5, 5]
    assert all(r["eight_aspects"]["sd_one_place"]["weight"] == 1 for r in answers)  # stored as the full form stores it

    at.run()
    assert "4 of 4" in texts(at) and "(0 every factor of it)" in texts(at)  # two of its five factors answered
    next(b for b in at.button if b.key == "ws_round_reveal").click().run()
    assert not at.exception
    assert store.workshop(token)["revealed"] == [SECTION]
    shown = " ".join(h.proto.body for h in at.get("html"))
    assert "Discuss next" in shown
    # The widest split first; the factor most agree on after it.
    texts_of = eight_aspects.item_texts()
    one_place, wellbeing = (html.escape(texts_of[f], quote=True) for f in ("sd_one_place", "sd_wellbeing_system"))
    assert shown.index(one_place) < shown.index(wellbeing), "the widest spread (1, 5, 1, 5) comes first"
    assert "spread 100 / 100" in shown and "2 said Strongly constrains, 2 said Strongly enables" in shown
    assert any("Spread = " in c.value for c in at.caption)

    # Agree two factors, one with hostile text, one not agreed.
    at.selectbox(key=f"ws_agree_value_0_{SECTION.replace('/', '__')}").set_value(2)
    at.text_input(key=f"ws_agree_note_0_{SECTION.replace('/', '__')}").input(HOSTILE)
    at.selectbox(key=f"ws_agree_value_1_{SECTION.replace('/', '__')}").set_value("not_agreed")
    at.text_input(key=f"ws_agree_note_1_{SECTION.replace('/', '__')}").input("Check the waiting list data")
    next(b for b in at.button if b.label == "Save what the room agreed").click().run()
    assert not at.exception
    agreed = store.agreements(token)
    assert agreed[("eight_aspects", "sd_one_place", "rating")] == {"value": 2, "agreed": True, "note": HOSTILE}
    assert agreed[("eight_aspects", "sd_wellbeing_system", "rating")] == {"value": None, "agreed": False, "note": "Check the waiting list data"}
    assert any("Saved: 2 of" in s.value for s in at.success)
    assert not any("<script>" in m.value for m in at.markdown)  # typed text is never markup

    # A note past the limit is refused and changes nothing.
    at.text_input(key=f"ws_agree_note_0_{SECTION.replace('/', '__')}").input("x" * 501)
    next(b for b in at.button if b.label == "Save what the room agreed").click().run()
    assert store.agreements(token) == agreed

    # Next section: the phones follow.
    next(b for b in at.button if b.key == "ws_round_next").click().run()
    assert store.workshop(token)["section"] == "eight_aspects/relationships"
    phones[0].run()
    assert "Relationships" in texts(phones[0])

    # Back to self-paced.
    at.selectbox(key="ws_round_section").set_value("").run()
    assert store.workshop(token)["section"] is None


def test_the_facilitator_s_plan_starts_from_what_the_room_agreed():
    at, token = facilitator()
    store = Store()
    store.set_agreement(token, "eight_aspects", "sd_one_place", "rating", {"value": 1, "agreed": True, "note": ""})
    store.set_agreement(token, "eight_aspects", "sd_wellbeing_system", "rating", {"value": 5, "agreed": True, "note": ""})
    code = store.workshop(token)["code"]
    for rating in (1, 5, 1):  # the room split on this factor: its evidence is to be checked
        store.save_answer(store.join(code, None), "eight_aspects", "sd_commissioning_from_start", {"rating": rating, "weight": 1})
    at.switch_page("views/decide/plan.py").run()
    assert not at.exception
    check = next(i.value for i in at.info if "check the evidence" in i.value)
    assert "spread 94 / 100" in check and "not agreed" not in check
    assert at.multiselect(key="pl_holds_system_design").value == ["sd_one_place"]
    assert at.multiselect(key="pl_supports_system_design").value == ["sd_wellbeing_system"]
    assert any("agreed" in c.value for c in at.caption)


def test_the_screen_s_own_link_shows_the_round_and_controls_nothing():
    at, token = facilitator()
    store = Store()
    store.set_round(token, SECTION)
    screen = app(r=store.screen_token(token))
    assert not screen.exception
    assert "System design" in texts(screen)
    assert not [s for s in screen.selectbox if s.key == "ws_round_section"]
    assert not [b for b in screen.button if b.key in ("ws_round_reveal", "ws_round_next")]


def test_the_screen_ranks_the_approaches_from_what_the_room_agreed_when_asked():
    import json

    from scoring import figures
    from scoring.diagnostics import approaches

    at, token = facilitator(("eight_aspects", "approaches"))
    store = Store()
    code = store.workshop(token)["code"]
    one_an_aspect = {a.id: next(f.id for f in eight_aspects.instrument().factors if f.aspect_id == a.id) for a in eight_aspects.instrument().aspects}
    for n in range(3):  # everyone rates every aspect's factor 3: on the mean, every approach ties
        person = store.join(code, None, client=f"p{n}")
        for item in one_an_aspect.values():
            store.save_answer(person, "eight_aspects", item, {"rating": 3})
        store.save_answer(person, "approaches", approaches.CHOICE, {"chosen": [], "priorities": {}})
    agreed = dict(zip(one_an_aspect.values(), [5, 5, 1, 1, 5, 1, 1, 5]))
    for item, value in agreed.items():
        store.set_agreement(token, "eight_aspects", item, "rating", {"value": value, "agreed": True, "note": ""})
    store.set_workshop(token, results_visible=True)
    at.run()
    at.segmented_control(key="ws_view").set_value("Approaches").run()
    assert not at.exception

    def bars() -> list:
        (chart,) = at.get("plotly_chart")
        trace = json.loads(chart.proto.spec)["data"][0]
        return list(zip(trace["customdata"], trace["text"]))

    by_mean = bars()
    assert by_mean and all(label.startswith("=1. ") for label, _fit in by_mean)
    at.toggle(key="ws_fit_from_agreed").set_value(True).run()
    assert not at.exception
    by_agreement = bars()
    assert by_agreement != by_mean
    assert any(c.value.startswith("Ranked from the ratings the room agreed.") for c in at.caption)
    # As scoring ranks the agreed ratings scored as one person's answers.
    profile = eight_aspects.score_records({item: {"rating": value} for item, value in agreed.items()})["score"].to_dict()
    expected = figures.fit_bars(approaches.rank(profile, {})).data[0]
    assert by_agreement == list(zip(expected.customdata, expected.text))
    at.toggle(key="ws_fit_from_agreed").set_value(False).run()
    assert bars() == by_mean


def test_the_facilitator_s_approaches_page_decides_from_the_room_and_fills_the_room_s_plan():
    from scoring.diagnostics import approaches
    from scoring.records import development_plan, risks
    from ui import navigation

    # Offered on the facilitator's link when the workshop has the approaches, never a self-check.
    offered = [s[0] for s in navigation.sections_for({"kind": "facilitator", "diagnostics": ["eight_aspects", "approaches"]}, joining=False)[0][""]]
    assert "views/decide/approaches.py" in offered and not any(s.startswith("views/diagnostics/") for s in offered)
    without = [s[0] for s in navigation.sections_for({"kind": "facilitator", "diagnostics": ["eight_aspects"]}, joining=False)[0][""]]
    assert "views/decide/approaches.py" not in without

    at, token = facilitator(("eight_aspects", "approaches"))
    at.switch_page("views/decide/approaches.py").run()
    assert not at.exception
    assert any("shows once 3 people have answered" in i.value for i in at.info)
    assert not at.get("plotly_chart") and not any("self-check first" in i.value for i in at.info)

    store = Store()
    code = store.workshop(token)["code"]
    one_an_aspect = {a.id: next(f.id for f in eight_aspects.instrument().factors if f.aspect_id == a.id) for a in eight_aspects.instrument().aspects}
    for n, rating in enumerate((2, 3, 4)):  # the room's mean: 50 on every aspect
        person = store.join(code, None, client=f"p{n}")
        for item in one_an_aspect.values():
            store.save_answer(person, "eight_aspects", item, {"rating": rating})
    at.run()
    assert not at.exception
    assert any("The room's context: its mean score" in c.value for c in at.caption)
    assert not at.get("toggle")  # nothing agreed yet: nothing to rank from
    by_mean = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["customdata"]
    assert all(label.startswith("=1. ") for label in by_mean)

    # What the room agreed ranks the approaches when the facilitator asks.
    for item, value in zip(one_an_aspect.values(), [5, 5, 1, 1, 5, 1, 1, 5]):
        store.set_agreement(token, "eight_aspects", item, "rating", {"value": value, "agreed": True, "note": ""})
    at.run()
    at.toggle(key="ap_from_agreed").set_value(True).run()
    assert any("scored from the ratings the room agreed" in c.value for c in at.caption)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["customdata"] != by_mean

    # The room's blend: its gaps and risks go to the room's plan and register.
    at.multiselect(key="ap_chosen").set_value([approaches.APPROACHES[0]]).run()
    next(b for b in at.button if b.key == "ap_add_gaps").click().run()
    next(b for b in at.button if b.key == "ap_add_risks").click().run()
    assert not at.exception
    room = store.response(token)
    assert approaches.choice(room)["chosen"] == [approaches.APPROACHES[0]]
    assert len(development_plan.actions(room.get(development_plan.ID, {}))) > 0
    assert room.get(risks.ID)
