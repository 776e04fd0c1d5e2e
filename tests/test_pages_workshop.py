"""Workshop pages through AppTest: set up, join by code, answer, the shared screen and
its controls, and what a participant's link cannot do."""

from pathlib import Path

import pytest
from apptest_helpers import rate
from streamlit.testing.v1 import AppTest

from scoring.store import Store, show_join_code

APP = Path(__file__).resolve().parent.parent / "app.py"


def app(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def token_of(at: AppTest) -> str:
    value = at.query_params["r"]
    return value[0] if isinstance(value, list) else value


def create(name="Away day", diagnostics=None) -> AppTest:
    at = app()
    at.switch_page("views/workshop/new.py").run()
    at.text_input(key="ws_name").input(name)
    if diagnostics is not None:
        at.multiselect(key="ws_diagnostics").set_value(diagnostics)
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert not at.exception
    return at


def join(code: str, role: str | None = None) -> AppTest:
    at = app(join=code)
    assert not at.exception
    if role:
        at.radio(key="join_role").set_value(role)
    next(b for b in at.button if b.label == "Join").click().run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_creating_a_workshop_opens_its_shared_screen_with_code_and_qr():
    at = create("Children's commissioning away day")
    assert at.title[0].value == "Children's commissioning away day"
    workshop = Store().workshop(token_of(at))
    # The address bar shows the screen's own link; the tab keeps the facilitator's.
    assert workshop["kind"] == "screen"
    assert Store().workshop(at.session_state["resume_token"])["kind"] == "facilitator"
    assert any(b.label == "Reveal results" for b in at.button)
    shown = show_join_code(workshop["code"])
    assert any(shown in m.value for m in at.markdown)
    assert at.get("image"), "the QR code is drawn"
    assert metric(at, "Joined") == "0"
    assert any("Results are hidden" in i.value for i in at.info)


def test_an_empty_name_is_refused_and_no_workshop_is_made():
    at = app()
    at.switch_page("views/workshop/new.py").run()
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert "name is empty" in at.error[0].value
    assert "r" not in at.query_params


def test_a_participant_joins_from_the_link_picks_a_role_and_sees_only_the_workshop():
    facilitator = create(diagnostics=["tolerance"])
    code = Store().workshop(token_of(facilitator))["code"]
    at = join(show_join_code(code), role="Finance")
    assert at.title[0].value == "Away day"
    assert "as Finance" in at.caption[0].value
    links = [str(link.proto.page) for link in at.get("page_link")]
    assert links and set(links) == {"tolerating", "vote"}  # its diagnostics, and the room's vote
    me = Store().workshop(token_of(at))
    assert (me["kind"], me["role"]) == ("participant", "Finance")


@pytest.mark.parametrize("typed, message", [("nonsense", "not a join code"), ("ABCD-2345", "No workshop has that code")])
def test_a_wrong_code_gets_a_clear_message_and_nothing_is_created(typed, message):
    at = app()
    at.switch_page("views/workshop/join.py").run()
    at.text_input(key="join_code").input(typed)
    next(b for b in at.button if b.label == "Find the workshop").click().run()
    assert message in at.error[0].value
    assert "r" not in at.query_params


def room_of_three() -> tuple[AppTest, str]:
    """A workshop's facilitator tab and its code, with three participants who each rated one factor."""
    facilitator = create(diagnostics=["eight_aspects"])
    code = Store().workshop(token_of(facilitator))["code"]
    for rating in (1, 3, 5):
        participant = join(code)
        participant.switch_page("views/diagnostics/eight_aspects.py").run()
        rate(participant, "ea_rating_sd_one_place", rating)
        assert not participant.exception
    return facilitator, code


def test_answers_reach_the_shared_screen_hidden_until_revealed():
    facilitator, _code = room_of_three()
    facilitator.run()
    assert metric(facilitator, "Joined") == "3"
    assert not facilitator.get("plotly_chart")
    next(b for b in facilitator.button if b.label == "Reveal results").click().run()
    assert facilitator.get("plotly_chart"), "the room's radar once revealed"
    assert Store().workshop(token_of(facilitator))["results_visible"] is True
    next(b for b in facilitator.button if b.label == "Hide results").click().run()
    assert not facilitator.get("plotly_chart")


def test_presentation_view_shows_only_the_chart_under_discussion():
    facilitator = create(diagnostics=["eight_aspects"])
    code = Store().workshop(token_of(facilitator))["code"]
    for rating in (2, 3, 4):  # the fewest people whose figures may be shown
        Store().save_answer(Store().join(code, None, client=f"p{rating}"), "eight_aspects", "sd_one_place", {"rating": rating})
    next(b for b in facilitator.button if b.label == "Reveal results").click().run()
    next(b for b in facilitator.button if b.label == "Presentation view").click().run()
    assert not facilitator.title and not facilitator.metric
    assert len(facilitator.get("plotly_chart")) == 1
    next(b for b in facilitator.button if b.label == "Leave presentation view").click().run()
    assert facilitator.title


def test_a_closed_workshop_refuses_answers_and_says_so():
    facilitator = create(diagnostics=["eight_aspects"])
    code = Store().workshop(token_of(facilitator))["code"]
    participant = join(code)
    next(b for b in facilitator.button if b.label == "Close to new answers").click().run()
    participant.run()
    assert any("closed" in w.value for w in participant.warning)
    participant.switch_page("views/diagnostics/eight_aspects.py").run()
    participant.radio(key="ea_rating_sd_one_place").set_value(4).run()
    assert Store().answers(token_of(participant), "eight_aspects") == {}
    # Said beside the question, the choice still showing; nothing to send again.
    assert any("closed" in w.value for w in participant.warning), [w.value for w in participant.warning]
    assert participant.radio(key="ea_rating_sd_one_place").value == 4
    assert not [b for b in participant.button if b.label == "Send again"]


def test_a_participant_link_opens_the_participant_page_never_the_shared_screen():
    facilitator = create()
    code = Store().workshop(token_of(facilitator))["code"]
    participant_token = token_of(join(code))
    at = app(r=participant_token)
    assert at.title[0].value == "Away day"
    assert not at.metric and not at.get("image")
    assert not [b for b in at.button if b.label in ("Reveal results", "Download the workshop pack")]


def test_the_facilitator_deletes_the_workshop_after_typing_its_code():
    facilitator = create()
    token = token_of(facilitator)
    code = Store().workshop(token)["code"]
    participant = token_of(join(code))
    delete = next(b for b in facilitator.button if b.label == "Delete the workshop and all its answers")
    assert delete.disabled
    facilitator.text_input(key="ws_delete_confirm").input(show_join_code(code).lower()).run()
    next(b for b in facilitator.button if b.label == "Delete the workshop and all its answers").click().run()
    assert Store().workshop(token) is None and not Store().exists(participant)
    assert any("have been deleted" in w.value for w in facilitator.warning)
    assert not facilitator.get("image") and "r" not in facilitator.query_params


def _save_as_participant():
    """A script that saves through the app's own save path, as the pages do, with the
    forged record in st.session_state["forged"]; it shows what save() answered."""
    import streamlit as st

    from ui import session

    st.session_state[session.TOKEN_KEY] = st.session_state["participant"]
    diagnostic_id, item_id, record = st.session_state["forged"]
    st.markdown(f"refused: {session.save(diagnostic_id, item_id, record, quiet=True)}")


@pytest.mark.parametrize(
    "forged",
    [
        ("eight_aspects", "no_such_factor", {"rating": 3}),
        ("eight_aspects", "sd_one_place", {"rating": 9}),
        ("tolerance", "area:waiting_lists", {"frequency": 1}),
        ("no_such_diagnostic", "x", {}),
    ],
)
def test_a_reply_the_workshop_cannot_take_is_refused_with_a_reason_and_nothing_is_saved(forged):
    store = Store()
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], [])
    participant = store.join(code, None)
    at = AppTest.from_function(_save_as_participant, default_timeout=60)
    at.session_state["participant"] = participant
    at.session_state["forged"] = forged
    at.run()
    assert not at.exception
    reason = at.markdown[0].value.removeprefix("refused: ")
    assert reason not in ("None", ""), "a reason is given"
    assert store.participants(facilitator) == [(None, {})]


def test_opening_the_join_link_again_keeps_a_participant_in_the_workshop():
    facilitator = create(diagnostics=["tolerance"])
    code = Store().workshop(token_of(facilitator))["code"]
    participant = join(code)
    participant.query_params["join"] = show_join_code(code)
    participant.run()
    assert participant.title[0].value == "Away day"  # their workshop page, not a second join
    assert "join" not in participant.query_params
    assert len(Store().participants(token_of(facilitator))) == 1


def test_a_database_from_a_newer_app_stops_the_app_with_a_message_not_a_traceback():
    from sqlalchemy import update

    from scoring.store import SCHEMA_VERSION, schema_version

    store = Store()
    with store.engine.begin() as conn:
        conn.execute(update(schema_version).values(version=SCHEMA_VERSION + 1))
    store.engine.dispose()
    at = app()
    assert not at.exception
    assert "newer version of this app" in at.error[0].value


def test_the_facilitator_removes_the_joins_that_answered_nothing_and_raises_the_smallest_group():
    facilitator, code = room_of_three()
    padding = [token_of(join(code)) for _ in range(2)]
    facilitator.run()
    assert metric(facilitator, "Joined") == "5"
    labels = facilitator.multiselect(key="ws_remove").options
    assert sum("no answers" in label for label in labels) == 2 and len(labels) == 5
    assert all(label.startswith("P0") for label in labels)
    next(b for b in facilitator.button if b.label == "Remove the 2 who answered nothing").click().run()
    assert not facilitator.exception
    assert any("Removed 2 participants" in i.value for i in facilitator.info)
    assert metric(facilitator, "Joined") == "3"
    assert all(Store().workshop(t) is None for t in padding)
    # Raising the smallest group to five hides the room of three.
    next(b for b in facilitator.button if b.label == "Reveal results").click().run()
    assert facilitator.get("plotly_chart")
    facilitator.selectbox(key="ws_min_group_now").set_value(5).run()
    assert Store().workshop(token_of(facilitator))["min_group"] == 5
    assert not facilitator.get("plotly_chart")
    assert any("until 5 people have answered" in i.value for i in facilitator.info)


def test_the_shared_screen_s_link_has_no_room_settings():
    facilitator = create(diagnostics=["eight_aspects"])
    screen = app(r=token_of(facilitator))
    assert not screen.exception
    assert not [e for e in screen.get("multiselect") if e.key == "ws_remove"]
    assert not [e for e in screen.get("selectbox") if e.key == "ws_min_group_now"]
