"""Every page through Streamlit's AppTest: renders, answers flow, state survives."""

import html
import re
from pathlib import Path

import pytest
import yaml
from apptest_helpers import rate
from streamlit.testing.v1 import AppTest

from scoring import numbers
from scoring.diagnostics import eight_aspects
from scoring.store import Store
from ui import kept_choices, session, widgets
from ui.diagnostics import eight_aspects_form as form

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ["views/home.py", "views/diagnostics/eight_aspects.py", "views/diagnostics/results.py"]


def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def live_panel(at: AppTest) -> str:
    """The live panel beside the questions, as the HTML sent (one element)."""
    (panel,) = [h.proto.body for h in at.get("html") if 'class="ea-bars"' in h.proto.body]
    return panel


def room_score(at: AppTest) -> str:
    """The room for manoeuvre the live panel shows."""
    return re.search(r'class="ea-room-value">([^<]*)<', live_panel(at)).group(1)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title


def test_home_says_what_it_is_for_and_offers_the_self_check():
    at = app().run()
    assert "room for manoeuvre" in at.markdown[0].value
    assert any("self-check" in str(link.proto.label).lower() for link in at.get("page_link"))


def test_answering_changes_the_scores_and_is_saved():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert room_score(at) == "–"
    rate(at, "ea_rating_sd_one_place", 5)
    assert room_score(at) == "100"
    rate(at, "ea_rating_sd_wellbeing_system", 2)
    # (100 + 25) / 2 = 62.5 shows as 63, half up, as the Excel summary's "0" format shows it.
    assert eight_aspects.overall(eight_aspects.score({"sd_one_place": 5, "sd_wellbeing_system": 2})) == 62.5
    assert room_score(at) == "63"
    at.toggle(key="ea_details").set_value(True).run()
    rate(at, "ea_weight_sd_wellbeing_system", 3)
    expected = eight_aspects.overall(eight_aspects.score({"sd_one_place": 5, "sd_wellbeing_system": 2}, {"sd_wellbeing_system": 3}))
    assert room_score(at) == numbers.text(expected)
    at.text_area(key="ea_note_sd_one_place").input("Seen at the provider forum").run()

    token = at.query_params["r"][0] if isinstance(at.query_params["r"], list) else at.query_params["r"]
    stored = Store().answers(token, eight_aspects.ID)
    assert stored["sd_one_place"]["rating"] == 5
    assert stored["sd_one_place"]["note"] == "Seen at the provider forum"
    assert stored["sd_wellbeing_system"]["weight"] == 3


def test_the_first_answer_redraws_the_page_once_to_show_the_link_back():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert not [e for e in at.expander if "come back to these answers" in e.label]
    at.radio(key="ea_rating_sd_one_place").set_value(5).run()
    assert not at.exception
    assert at.title, "the whole page, once"
    link = next(e for e in at.expander if "come back to these answers" in e.label)
    assert at.query_params["r"][0] in link.code[0].value


def test_an_answer_reruns_only_the_live_panel_which_says_what_was_saved():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    at.radio(key="ea_rating_sd_wellbeing_system").set_value(1).run()  # the first answer redraws the page (above)
    at.radio(key="ea_rating_sd_one_place").set_value(5).run()
    assert not at.exception
    # What that run drew: the live panel, one element; not the page's title, nor any question.
    assert not at.title and not at.radio
    assert [h.proto.body for h in at.get("html")] == [live_panel(at)]
    panel = live_panel(at)
    assert f"✓ Saved: {html.escape(eight_aspects.item_texts()['sd_one_place'])}" in panel
    assert room_score(at) == "50"  # 100 and 0 on one aspect
    assert "2 of 40 factors answered" in panel and 'aria-valuenow="2"' in panel
    assert 'aria-label="System design: 50 out of 100, 2 of 5 answered"' in panel and "7 aspects with no score yet" in panel
    assert 'aria-label="Relationships: no score yet, 0 of 5 answered"' in panel
    assert not at.get("plotly_chart"), "no figure to build on every answer"


def test_a_fresh_start_does_not_say_the_last_respondents_answer_was_saved():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    at.radio(key="ea_rating_sd_one_place").set_value(5).run()
    assert "✓ Saved:" in live_panel(at)
    at.switch_page("views/home.py").run()
    at.button(key="start_afresh").click().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert not at.exception
    assert "✓ Saved:" not in live_panel(at) and "0 of 40 factors answered" in live_panel(at)


def test_each_question_and_its_help_label_its_answer_as_written():
    """The question (bold) and its help are the visible label of its radio, so a screen
    reader names the choice by the question, and a move between aspects sends one element
    fewer per question. Text from an instrument file shows as written, never as markdown."""
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    for factor in eight_aspects.instrument().factors_of("system_design"):
        radio = at.radio(key=f"ea_rating_{factor.id}")
        assert radio.proto.label_visibility.value == radio.proto.label_visibility.VISIBLE
        question, _, help_text = radio.label.partition("  \n")
        assert question.startswith("**") and question.endswith("**") and factor.text.split()[0] in question
        assert help_text == (widgets.plain(factor.help) if factor.help else "")
    label = form._question_label("**Bold** [link](https://x.test) :red[red] <b>x</b>", None)
    inner = label[2:-2]
    assert not re.search(r"(?<!\\)[*\[\]<]", inner), "every markdown special in the text is escaped"
    assert ":red[" not in inner and "https:" not in inner, "no colour directive, no bare link"


def test_dont_know_counts_and_leaves_score_alone():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    rate(at, "ea_rating_sd_one_place", 4)
    rate(at, "ea_rating_sd_wellbeing_system", "dont_know")
    assert room_score(at) == "75"
    assert "1 don&#x27;t know" in live_panel(at)


def test_answers_survive_switching_page_and_aspect():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    rate(at, "ea_rating_sd_one_place", 1)
    at.button(key="ea_next").click().run()
    assert at.selectbox(key="ea_aspect").value == "relationships"
    rate(at, "ea_rating_rel_provider_trust", 4)
    at.switch_page("views/diagnostics/results.py").run()
    assert metric(at, "Factors answered") == "2 of 40"
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert at.selectbox(key="ea_aspect").value == "relationships"  # back where they were
    assert at.radio(key="ea_rating_rel_provider_trust").value == 4
    at.selectbox(key="ea_aspect").set_value("system_design").run()
    assert at.radio(key="ea_rating_sd_one_place").value == 1


def test_resume_link_brings_answers_back_in_a_new_session():
    first = app().run()
    first.switch_page("views/diagnostics/eight_aspects.py").run()
    rate(first, "ea_rating_sd_one_place", 4)
    token = first.query_params["r"]
    token = token[0] if isinstance(token, list) else token

    returning = app()
    returning.query_params["r"] = token
    returning.run()
    assert not returning.warning
    assert any(token in code.value for code in returning.code)  # the link is shown on home
    returning.switch_page("views/diagnostics/eight_aspects.py").run()
    assert returning.radio(key="ea_rating_sd_one_place").value == 4


@pytest.mark.parametrize("bad", ["nonsense", "A" * 24, "<script>alert(1)</script>", "x" * 500])
def test_unknown_or_tampered_token_gets_a_clear_message_and_a_fresh_start(bad):
    at = app()
    at.query_params["r"] = bad
    at.run()
    assert not at.exception
    assert "not recognised" in at.warning[0].value
    assert "r" not in at.query_params
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert "0 of 40 factors answered" in live_panel(at)


def test_results_page_offers_the_download_built_on_click():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    rate(at, "ea_rating_sd_one_place", 5)
    at.switch_page("views/diagnostics/results.py").run()
    button = at.get("download_button")
    assert len(button) == 1
    assert "Strongly enables" in " ".join(m.value for m in at.markdown)


def test_an_invalid_instrument_stops_the_app_with_a_clear_message(tmp_path, monkeypatch):
    content = yaml.safe_load(eight_aspects.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    content["factors"][0]["aspect"] = "vibes"
    broken = tmp_path / "eight_aspects.yaml"
    broken.write_text(yaml.safe_dump(content), encoding="utf-8")
    monkeypatch.setattr(eight_aspects, "INSTRUMENT_FILE", broken)
    at = app().run()
    assert not at.exception
    message = at.error[0].value
    assert "cannot start" in message and "eight_aspects.yaml" in message and "unknown aspect 'vibes'" in message
    assert not at.radio  # nothing else ran


def test_details_toggle_is_remembered_and_summarises_when_hidden():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert not [r for r in at.radio if r.key.startswith("ea_weight_")]
    at.toggle(key="ea_details").set_value(True).run()
    rate(at, "ea_weight_sd_one_place", 0)
    rate(at, "ea_basis_sd_one_place", "evidence")
    at.switch_page("views/diagnostics/results.py").run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    assert at.toggle(key="ea_details").value is True
    assert at.radio(key="ea_weight_sd_one_place").value == 0
    at.toggle(key="ea_details").set_value(False).run()
    assert any("weight 0, backed by evidence" in c.value for c in at.caption)


def test_the_eight_aspects_page_says_where_its_factors_come_from():
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    intro = " ".join(m.value for m in at.markdown)
    assert "written for this tool" in intro and "drawn from" not in intro
    factor = eight_aspects.instrument().factors[0]
    assert any(c.value.startswith("Source: ") and factor.quote[:20] in c.value.replace("\\", "") for c in at.caption)


def test_the_aspect_picker_says_which_aspects_are_done():
    from scoring.diagnostics import eight_aspects

    factors = eight_aspects.instrument().factors_of("system_design")
    at = app().run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    for factor in factors:
        rate(at, f"ea_rating_{factor.id}", 4)
    at.button(key="ea_next").click().run()
    rate(at, "ea_rating_rel_provider_trust", "dont_know")  # don't know counts as answered
    at.button(key="ea_next").click().run()
    picker = at.selectbox(key="ea_aspect")
    assert picker.value == "capacity_capability"
    assert picker.options[:3] == [
        "1. System design: done",
        f"2. Relationships: 1 of {len(eight_aspects.instrument().factors_of('relationships'))} answered",
        "3. Capacity and capability development",
    ]
    picker.set_value("system_design").run()  # chosen by its new label, it opens that aspect
    assert at.selectbox(key="ea_aspect").value == "system_design" and not at.exception
    # The live bars say the same, and change with every answer (the picker's labels wait for a redraw).
    panel = live_panel(at)
    assert 'aria-label="System design: 75 out of 100, all answered"' in panel
    assert f'aria-label="Relationships: no score yet, 1 of {len(eight_aspects.instrument().factors_of("relationships"))} answered"' in panel


def test_a_returning_user_opens_on_the_first_aspect_still_to_answer():
    first = app().run()
    first.switch_page("views/diagnostics/eight_aspects.py").run()
    assert first.selectbox(key="ea_aspect").value == "system_design"
    for factor in eight_aspects.instrument().factors_of("system_design"):
        rate(first, f"ea_rating_{factor.id}", 4)
    assert first.selectbox(key="ea_aspect").value == "system_design", "answering never moves the page"
    token = first.query_params["r"]

    returning = app()
    returning.query_params["r"] = token[0] if isinstance(token, list) else token
    returning.run()
    returning.switch_page("views/diagnostics/eight_aspects.py").run()
    assert returning.selectbox(key="ea_aspect").value == "relationships"


def test_leaving_an_aspect_forgets_its_widgets_values_but_not_a_choice_still_to_send():
    """The rule a move applies (form.forget_widgets): the answers left behind are in the
    store, so their widgets' values go; a choice that could not be saved stays, with its
    details, to be sent again; other keys and other factors are untouched."""
    state = {
        kept_choices.KEY: ("respondent", {"ea_rating_b": ("Not saved yet", {"ea_rating_b": 5, "ea_weight_b": 3})}),
        session.TOKEN_KEY: "respondent",
        "ea_rating_a": 3,
        "ea_weight_a": 2,
        "ea_note_a": "seen at the provider forum",
        "ea_rating_b": 5,
        "ea_weight_b": 3,
        "ea_rating_c": 1,
        form.LAST_ASPECT_KEY: "system_design",
    }
    form.forget_widgets(state, ["a", "b"], form.FIELDS)
    assert state == {
        kept_choices.KEY: ("respondent", {"ea_rating_b": ("Not saved yet", {"ea_rating_b": 5, "ea_weight_b": 3})}),
        session.TOKEN_KEY: "respondent",
        "ea_rating_b": 5,
        "ea_weight_b": 3,
        "ea_rating_c": 1,
        form.LAST_ASPECT_KEY: "system_design",
    }
    form.forget_widgets(state, ["c"], form.FIELDS[1:])  # the details only, when the switch goes off
    assert state["ea_rating_c"] == 1
