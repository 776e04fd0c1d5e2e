"""The room's dot-vote and contributions through AppTest: the facilitator's page, the
phones' page and the shared screen's two views (issue 14, items 5 and 6)."""

from datetime import date, timedelta

from test_pages_workshop import app, create, join, token_of

from scoring.records import development_plan as plan
from scoring.store import Store
from scoring.workshop import voice
from ui.widgets import plain
from ui.workshop.voice import CONTRIBUTIONS_VIEW, VOTES_VIEW

FACILITATOR_PAGE = "views/workshop/voice.py"
PHONE_PAGE = "views/workshop/vote.py"


def facilitator_token(at) -> str:
    return at.session_state["resume_token"]


def button(at, key):
    return at.button(key=key)


def setup_room(people: int = 3):
    """A workshop with tolerance; the facilitator on the votes page; `people` phones."""
    facilitator = create(diagnostics=["eight_aspects", "tolerance"])
    code = Store().workshop(token_of(facilitator))["code"]
    phones = [join(code) for _ in range(people)]
    facilitator.switch_page(FACILITATOR_PAGE).run()
    assert not facilitator.exception
    return facilitator, phones


def test_the_facilitator_types_actions_opens_voting_and_phones_vote_within_the_rule():
    facilitator, (phone, *_rest) = setup_room(1)
    for text in ("Stop the waiting list drift", "Pool the budgets", "Share what we learn"):
        facilitator.text_input(key="vc_typed").input(text)
        button(facilitator, "vc_put_typed").click().run()
    assert not facilitator.exception
    button(facilitator, "vc_open_voting").click().run()
    store = Store()
    found, _ = store.candidates(facilitator_token(facilitator))
    assert [c["text"] for c in found] == ["Stop the waiting list drift", "Pool the budgets", "Share what we learn"]
    assert store.voice(facilitator_token(facilitator))["voting_open"]

    phone.switch_page(PHONE_PAGE).run()
    assert not phone.exception
    first, second = (f"vt_{c['id']}" for c in found[:2])
    phone.segmented_control(key=first).set_value(2).run()
    assert not phone.exception
    assert store.ballot(token_of(phone))[2] == {found[0]["id"]: 2}
    assert any("You have used 2 of 3" in m.value for m in phone.markdown)
    # Two more would make four: refused, said, and the choice goes back to what is counted.
    phone.segmented_control(key=second).set_value(2).run()
    assert any("take a vote off another action" in e.value for e in phone.error)
    assert phone.segmented_control(key=second).value == 0
    assert store.ballot(token_of(phone))[2] == {found[0]["id"]: 2}


def test_a_phone_cannot_vote_before_voting_opens():
    facilitator, (phone,) = setup_room(1)
    facilitator.text_input(key="vc_typed").input("An action")
    button(facilitator, "vc_put_typed").click().run()
    phone.switch_page(PHONE_PAGE).run()
    assert any("Voting is not open yet" in i.value for i in phone.info)
    assert not phone.get("button_group")


def test_suggestions_come_from_the_room_s_plan_and_its_stop_first():
    facilitator, phones = setup_room(3)
    store = Store()
    for phone in phones:  # three people: the room's tolerance may be shown
        store.save_answer(token_of(phone), "tolerance", "area:waiting_lists", {"frequency": 3, "impact": 3})
    store.save_answer(
        facilitator_token(facilitator),
        plan.ID,
        "action:abc123",
        {
            "aspect_id": "system_design",
            "action": "Map the front door",
            "owner": "",
            "due": "",
            "measure": "",
            "status": "not_started",
            "origin": "Added by hand",
        },
    )
    facilitator.run()
    options = facilitator.multiselect(key="vc_suggested").options
    assert any("Map the front door" in o for o in options)
    assert any(o.startswith("Stop tolerating: high waiting lists") for o in options), options
    facilitator.multiselect(key="vc_suggested").set_value([0, 1]).run()
    button(facilitator, "vc_put_suggested").click().run()
    found, _ = store.candidates(facilitator_token(facilitator))
    assert len(found) == 2 and found[0]["source_key"] == "action:abc123"


def test_the_top_action_moves_into_the_room_s_plan_with_owner_and_date():
    facilitator, phones = setup_room(3)
    store = Store()
    me = facilitator_token(facilitator)
    store.set_voice(me, voting_open=True)
    winner = store.add_candidate(me, "Pool the budgets", voice.FROM_FACILITATOR)
    store.add_candidate(me, "Never voted for", voice.FROM_FACILITATOR)
    for phone in phones:
        store.vote(token_of(phone), winner, 2)
    facilitator.run()
    form = f"vc_move_{winner}"
    facilitator.selectbox(key=f"{form}_aspect").set_value("relationships")
    facilitator.text_input(key=f"{form}_owner").input("Head of commissioning")
    due = date.today() + timedelta(days=30)
    facilitator.date_input(key=f"{form}_due").set_value(due)
    next(b for b in facilitator.button if b.label == "Add to the room's plan").click().run()
    assert not facilitator.exception
    actions = plan.actions(store.response(me)[plan.ID])
    assert list(actions["action"]) == ["Pool the budgets"]
    assert (actions["owner"][0], actions["due"][0], actions["aspect_id"][0]) == ("Head of commissioning", due.isoformat(), "relationships")
    assert actions["origin"][0] == "The room's vote (6 votes)"
    assert store.candidates(me)[0][0]["plan_key"] == actions["key"][0]
    assert any("in the plan" in m.value for m in facilitator.markdown)


def test_a_contribution_is_read_first_and_only_a_shown_one_reaches_the_screen():
    facilitator, (phone, other, _third) = setup_room(3)
    button(facilitator, "vc_open_contributions").click().run()
    phone.switch_page(PHONE_PAGE).run()
    phone.text_area(key="vt_text").input("Waiting lists that quietly grow")
    button(phone, "vt_send").click().run()
    assert any("Sent" in s.value for s in phone.success)
    other.switch_page(PHONE_PAGE).run()
    other.text_area(key="vt_text").input("<img src=x onerror=alert(1)> **shout**")
    button(other, "vt_send").click().run()
    facilitator.run()
    store = Store()
    waiting = store.contributions(facilitator_token(facilitator))
    assert [c["status"] for c in waiting] == [voice.NEW, voice.NEW]
    kind, hostile = waiting
    # Shown escaped to the facilitator too: the markdown holds the text's characters escaped.
    assert plain(hostile["text"]).startswith("\\<img src\\=x")
    assert any(m.value == plain(hostile["text"]) for m in facilitator.markdown)
    button(facilitator, f"vc_show_{kind['id']}").click().run()
    button(facilitator, f"vc_reject_{hostile['id']}").click().run()
    assert not facilitator.exception

    screen = app(r=token_of(facilitator))  # the screen's own link
    screen.segmented_control(key="ws_view").set_value(CONTRIBUTIONS_VIEW).run()
    assert not screen.exception
    shown = [m.value for m in screen.markdown]
    assert any("Waiting lists that quietly grow" in v for v in shown)
    assert not any("onerror" in v or "shout" in v for v in shown)
    phone.run()
    assert any("shown on the screen" in m.value for m in phone.markdown)


def test_the_screen_ranks_the_votes_once_enough_people_have_voted():
    facilitator, phones = setup_room(3)
    store = Store()
    me = facilitator_token(facilitator)
    store.set_voice(me, voting_open=True)
    a = store.add_candidate(me, "First action", voice.FROM_FACILITATOR)
    b = store.add_candidate(me, "Second action", voice.FROM_FACILITATOR)
    store.vote(token_of(phones[0]), b, 1)
    screen = app(r=token_of(facilitator))
    screen.segmented_control(key="ws_view").set_value(VOTES_VIEW).run()
    assert any("once 3 people have voted" in i.value for i in screen.info)
    assert not screen.get("plotly_chart")
    store.vote(token_of(phones[1]), b, 2)
    store.vote(token_of(phones[2]), a, 1)
    screen.run()
    chart = screen.get("plotly_chart")
    assert len(chart) == 1
    import json

    figure = json.loads(chart[0].proto.spec)
    assert figure["data"][0]["x"] == [3.0, 1.0]
    assert figure["data"][0]["customdata"] == ["1. Second action", "2. First action"]


def _what_the_screen_shows(screen) -> tuple:
    """Every text and chart of the votes view, as the room reads it."""
    charts = [c.proto.spec for c in screen.get("plotly_chart")]
    return [m.value for m in screen.markdown], [c.value for c in screen.caption], [i.value for i in screen.info], charts


def test_a_single_new_vote_does_not_change_what_the_screen_shows():
    import json

    facilitator, phones = setup_room(4)
    store = Store()
    me = facilitator_token(facilitator)
    store.set_voice(me, voting_open=True)
    a = store.add_candidate(me, "First action", voice.FROM_FACILITATOR)
    b = store.add_candidate(me, "Second action", voice.FROM_FACILITATOR)
    for phone, action in zip(phones[:3], (b, b, a)):
        store.vote(token_of(phone), action, 1)
    screen = app(r=store.screen_token(me))  # the screen's own link, as on the projector
    screen.segmented_control(key="ws_view").set_value(VOTES_VIEW).run()
    assert not screen.exception
    first = _what_the_screen_shows(screen)
    assert json.loads(first[3][0])["data"][0]["x"] == [2.0, 1.0]
    assert any("3 people have voted" in m for m in first[0])
    assert any("moves only when at least 3 people have voted or changed their votes" in c for c in first[1])
    # One colleague votes, a newcomer, then one who had voted changes: nothing moves.
    store.vote(token_of(phones[3]), a, 2)
    screen.run()
    assert _what_the_screen_shows(screen) == first
    store.vote(token_of(phones[0]), b, 0)
    store.vote(token_of(phones[0]), a, 1)
    screen.run()
    assert _what_the_screen_shows(screen) == first
    # The facilitator's page, off the projector, has the ranking as it stands and says what waits.
    facilitator.run()
    assert any("does not show the latest votes of 2 people" in c.value for c in facilitator.caption)
    # A third person's change makes a batch: all three are shown at once.
    store.vote(token_of(phones[1]), a, 1)
    screen.run()
    moved = _what_the_screen_shows(screen)
    assert json.loads(moved[3][0])["data"][0]["x"] == [5.0, 1.0]
    assert any("4 people have voted" in m for m in moved[0])


def test_the_facilitator_s_navigation_holds_the_room_s_pages_and_no_self_check():
    facilitator = create(diagnostics=["eight_aspects", "tolerance"])
    pages = {str(link.proto.page) for link in facilitator.get("page_link")} if facilitator.get("page_link") else set()
    from ui import navigation

    specs = navigation.sections_for({"kind": "facilitator", "diagnostics": ["eight_aspects", "tolerance"]}, joining=False)[0][""]
    scripts = [s[0] for s in specs]
    assert "views/workshop/voice.py" in scripts and "views/decide/plan.py" in scripts
    assert not any(s.startswith("views/diagnostics/") for s in scripts), scripts
    assert not pages & {"eight-aspects", "tolerating"}
    participant = navigation.sections_for({"kind": "participant", "diagnostics": ["tolerance"]}, joining=False)[0][""]
    assert "views/workshop/vote.py" in [s[0] for s in participant]
