"""AppTest of the approaches, plan and risks pages: choose, add gaps and risks, edit the plan."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_helpers import rate
from streamlit.testing.v1 import AppTest

from scoring.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"


def token_of(at: AppTest) -> str:
    token = at.query_params["r"]
    return token[0] if isinstance(token, list) else token


@pytest.fixture
def answered() -> AppTest:
    """A session that has answered the system-design factors of the self-check."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    for item_id, rating in [("sd_one_place", 1), ("sd_wellbeing_system", 2), ("sd_funding_coherence", 5), ("sd_joint_commissioning", 4)]:
        rate(at, f"ea_rating_{item_id}", rating)
    return at


@pytest.mark.parametrize("page", ["views/decide/approaches.py", "views/decide/plan.py", "views/decide/risks.py"])
def test_new_pages_render_without_answers(page):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception


def test_approaches_choose_a_blend_and_send_gaps_and_risks_on(answered):
    at = answered
    at.switch_page("views/decide/approaches.py").run()
    assert not at.exception
    assert any("Based on 4 of 40" in c.value for c in at.caption)
    at.button_group(key="ap_priorities").set_value(["lower_cost"]).run()
    at.multiselect(key="ap_chosen").set_value(["contestability", "market_management"]).run()
    stored = Store().response(token_of(at))
    assert stored["approaches"]["choice"] == {"chosen": ["contestability", "market_management"], "priorities": {"lower_cost": 1}}

    at.button(key="ap_add_gaps").click().run()
    assert "added to the development plan" in at.success[0].value
    actions = [r for k, r in Store().response(token_of(at))["development_plan"].items() if k.startswith("action:")]
    assert actions and all(a["origin"].startswith("Gap for Contestability to drive down costs + Market management") for a in actions)
    at.button(key="ap_add_gaps").click().run()
    assert "already in the plan" in at.success[0].value  # nothing added twice

    at.button(key="ap_add_risks").click().run()
    assert "suggested risk(s) added" in at.success[0].value
    at.switch_page("views/decide/risks.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "rk_add_suggested"]  # all suggestions already in
    assert any("are in the register" in c.value for c in at.caption)


def test_a_half_answered_self_check_says_what_the_ranking_rests_on_and_what_it_cannot_judge(answered):
    at = answered  # system design only
    at.switch_page("views/decide/approaches.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "This ranking rests on 1 of the 8 aspects." in captions
    assert "Not enough answers to judge" in captions and "Contestability to drive down costs" in captions
    assert any(m.value.startswith("**How fit works.**") and "40 points above" in m.value for m in at.markdown)
    at.selectbox(key="ap_explain").set_value("contestability").run()
    assert any("Not enough answers to judge: only 0% of what it relies on has a score" in c.value for c in at.caption)

    # Answer one factor of every other aspect: now every approach is judged and ranked.
    for item_id in (
        "rel_councillors",
        "cc_market_stewardship",
        "uo_citizen_check",
        "ii_experimentation",
        "pol_procurement_act",
        "pro_competitive_capability",
        "mt_service_design",
    ):
        Store().save_answer(token_of(at), "eight_aspects", item_id, {"rating": 3})
    at.switch_page("views/decide/risks.py").run()
    at.switch_page("views/decide/approaches.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "This ranking rests on 8 of the 8 aspects." in captions and "Not enough answers" not in captions


def test_choice_survives_leaving_and_coming_back(answered):
    at = answered
    at.switch_page("views/decide/approaches.py").run()
    at.multiselect(key="ap_chosen").set_value(["disruptive"]).run()
    at.switch_page("views/home.py").run()
    at.switch_page("views/decide/approaches.py").run()
    assert at.multiselect(key="ap_chosen").value == ["disruptive"]


def test_plan_starts_from_the_self_check_and_saves_edits(answered):
    at = answered
    at.switch_page("views/decide/plan.py").run()
    assert at.multiselect(key="pl_holds_system_design").value == ["sd_one_place", "sd_wellbeing_system"]
    assert at.multiselect(key="pl_supports_system_design").value == ["sd_funding_coherence", "sd_joint_commissioning"]
    at.radio(key="pl_class_system_design_sd_one_place").set_value("influenceable").run()
    at.multiselect(key="pl_boost_system_design").set_value(["sd_joint_commissioning"]).run()
    saved = Store().response(token_of(at))["development_plan"]["aspect:system_design"]
    assert saved["classes"] == {"sd_one_place": "influenceable"}
    assert saved["boost"] == ["sd_joint_commissioning"]
    at.switch_page("views/diagnostics/results.py").run()
    at.switch_page("views/decide/plan.py").run()
    assert at.radio(key="pl_class_system_design_sd_one_place").value == "influenceable"


def _fill_action_form(at: AppTest, text: str, due):
    version = at.session_state["pl_form_version"]
    at.text_area(key=f"pl_new_text_{version}").input(text)
    at.date_input(key=f"pl_new_due_{version}").set_value(due)
    at.button(key=f"FormSubmitter:pl_new_action_{version}-Add to the plan").click().run()


@pytest.mark.parametrize(
    "text, due, problem",
    [("", None, "The action is empty"), ("Meet the CCG leads", date.today() - timedelta(days=3), "in the past")],
)
def test_a_bad_action_gets_a_clear_message_and_saves_nothing(answered, text, due, problem):
    at = answered
    at.switch_page("views/decide/plan.py").run()
    _fill_action_form(at, text, due)
    assert problem in at.error[0].value
    assert not any(k.startswith("action:") for k in Store().response(token_of(at)).get("development_plan", {}))


def test_a_good_action_is_added(answered):
    at = answered
    at.switch_page("views/decide/plan.py").run()
    _fill_action_form(at, "Agree a joint commissioning unit with the ICB", date.today() + timedelta(days=90))
    assert not at.error
    actions = [r for k, r in Store().response(token_of(at))["development_plan"].items() if k.startswith("action:")]
    assert [a["action"] for a in actions] == ["Agree a joint commissioning unit with the ICB"]
    assert at.session_state["pl_form_version"] == 1  # a fresh, empty form


def test_tolerance_page_scores_switches_mode_and_sends_an_action_to_the_plan():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/tolerance.py").run()
    assert not at.exception
    at.radio(key="tol_frequency_staff_turnover").set_value(3).run()
    at.radio(key="tol_impact_staff_turnover").set_value(2).run()
    at.radio(key="tol_gift_staff_turnover").set_value("ours").run()
    assert any("= 6 of 9; ours to change" in c.value for c in at.caption)
    before = [m.value for m in at.markdown]
    at.radio(key="tol_mode").set_value("team_discussion").run()
    assert [m.value for m in at.markdown] != before  # the prompts are worded for the team
    assert "team" in at.info[0].value.lower()
    at.button(key="tol_plan_staff_turnover").click().run()
    stored = Store().response(token_of(at))
    assert stored["tolerance"]["mode"] == {"mode": "team_discussion"}
    actions = [r for k, r in stored["development_plan"].items() if k.startswith("action:")]
    assert [a["aspect_id"] for a in actions] == ["capacity_capability"]
    at.switch_page("views/home.py").run()
    at.switch_page("views/diagnostics/tolerance.py").run()
    assert at.radio(key="tol_frequency_staff_turnover").value == 3
    assert any(c.value == "In the development plan." for c in at.caption)


def test_conditions_page_names_the_practice_to_work_on_and_keeps_answers():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/conditions.py").run()
    assert not at.exception
    at.selectbox(key="cond_part").set_value("core_practices").run()
    at.radio(key="cond_rating_hon_undiscussable").set_value(5).run()
    at.radio(key="cond_rating_clr_roles_tasks").set_value(2).run()
    at.radio(key="cond_rating_clr_who_decides").set_value("dont_know").run()
    assert at.success[0].value.startswith("**Clarity**")
    assert any("Clarity scores 25 out of 100" in c.value for c in at.caption)
    at.switch_page("views/home.py").run()
    at.switch_page("views/diagnostics/conditions.py").run()
    assert at.selectbox(key="cond_part").value == "core_practices"
    assert at.radio(key="cond_rating_clr_who_decides").value == "dont_know"
    assert Store().response(token_of(at))["conditions"]["clr_who_decides"] == {"rating": None}


def test_starting_points_page_ranks_needs_and_suggests_support():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    assert not at.exception
    at.radio(key="sp_rating_min_optimistic").set_value(1).run()
    assert any("Starting-point themes below 50: mindset (0)." == c.value for c in at.caption)
    at.selectbox(key="sp_theme").set_value("outcomes").run()
    at.radio(key="sp_rating_out_define").set_value(5).run()
    assert any(m.value.startswith("1. **Outcomes**: 100 of 100") for m in at.markdown)
    at.switch_page("views/home.py").run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    assert at.selectbox(key="sp_theme").value == "outcomes"
    assert at.radio(key="sp_rating_out_define").value == 5


def test_capacity_calculator_saves_and_shows_the_gap():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    at.number_input(key="sp_count_partnership_boards").set_value(6)
    at.number_input(key="sp_hours_partnership_boards").set_value(250)
    at.number_input(key="sp_staff").set_value(0.5)
    at.button(key="FormSubmitter:sp_capacity-Work out capacity").click().run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["More staff needed"] == "0.5 full-time"
    stored = Store().response(token_of(at))["starting_points"]["capacity"]
    assert stored["drivers"]["partnership_boards"] == {"count": 6.0, "hours": 250.0}

    # More staff in post than the workload needs: said as spare capacity, not "Gap -2.5".
    at.number_input(key="sp_staff").set_value(3.5)
    at.button(key="FormSubmitter:sp_capacity-Work out capacity").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Spare capacity"] == "2.5 full-time" and "Gap" not in metrics


@pytest.mark.parametrize("page", ["views/decide/approaches.py", "views/decide/plan.py"])
def test_where_a_place_decides_it_is_asked_the_seed_s_questions(page):
    from scoring.diagnostics import deciding_questions

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    questions = [q.text for q in deciding_questions.current().questions]
    assert "What is life like now for people?" in questions and "How do we make space for conversation?" in questions
    for question in questions:
        assert question in shown


def test_the_starting_points_say_cultural_change_is_the_biggest_challenge_and_opportunity():
    from scoring.diagnostics import starting_points

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    assert "biggest challenge and the biggest opportunity is cultural change" in " ".join(m.value for m in at.markdown)
    assert any("taking root" in i.text for i in starting_points.instrument().items_of("mindset"))


def test_a_fact_about_the_place_is_recorded_on_the_starting_points_page_and_not_scored():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    at.radio(key="sp_fact_ctx_intervention").set_value("yes").run()
    assert not at.exception
    assert Store().response(token_of(at))["starting_points"]["ctx_intervention"] == {"answer": "yes"}
    assert "0 of" in at.get("progress")[0].proto.text, "a fact is not a rated statement"
    at.switch_page("views/home.py").run()
    at.switch_page("views/diagnostics/starting_points.py").run()
    assert at.radio(key="sp_fact_ctx_intervention").value == "yes"


def test_a_priority_s_importance_can_be_set_and_changes_the_ranking(answered):
    """Each chosen priority gets an importance of 1–3, stored as the scorer takes it."""
    from scoring.diagnostics import approaches

    at = answered
    at.switch_page("views/decide/approaches.py").run()
    at.button_group(key="ap_priorities").set_value(["lower_cost", "innovation"]).run()
    assert Store().response(token_of(at))["approaches"]["choice"]["priorities"] == {"lower_cost": 1, "innovation": 1}
    assert at.radio(key="ap_importance_innovation").value == 1  # a priority just chosen matters 1
    at.radio(key="ap_importance_innovation").set_value(3).run()
    assert not at.exception
    stored = Store().response(token_of(at))
    assert stored["approaches"]["choice"]["priorities"] == {"lower_cost": 1, "innovation": 3}
    # The page ranks by what was stored: its explanation opens on the new rank 1.
    ranked = approaches.rank(approaches.aspect_scores(stored), {"lower_cost": 1, "innovation": 3})
    assert at.selectbox(key="ap_explain").value == ranked["approach_id"].iloc[0]
    assert at.selectbox(key="ap_explain").options[0] == ranked["title"].iloc[0]
    # Left and come back to: the importance is read back from the store.
    at.switch_page("views/decide/plan.py").run()
    at.switch_page("views/decide/approaches.py").run()
    assert at.radio(key="ap_importance_innovation").value == 3
    # Dropping the priority drops its importance.
    at.button_group(key="ap_priorities").set_value(["lower_cost"]).run()
    assert Store().response(token_of(at))["approaches"]["choice"]["priorities"] == {"lower_cost": 1}
    assert not [r for r in at.radio if r.key == "ap_importance_innovation"]


def test_suggested_risks_go_in_with_one_click_and_never_twice(answered):
    from scoring.records import risks

    at = answered
    at.switch_page("views/decide/approaches.py").run()
    at.multiselect(key="ap_chosen").set_value(["market_management"]).run()
    at.switch_page("views/decide/risks.py").run()
    expected = len(risks.suggested(["market_management"], {}))
    assert expected
    at.button(key="rk_add_suggested").click().run()  # one click
    assert not at.exception
    assert len(Store().response(token_of(at))["risks"]) == expected
    assert not [b for b in at.button if b.key == "rk_add_suggested"]
    assert any("are in the register" in c.value for c in at.caption)
    # Pressed again from the approaches page, where the button stays: nothing twice.
    at.switch_page("views/decide/approaches.py").run()
    at.button(key="ap_add_risks").click().run()
    assert "already in the register" in at.success[0].value
    assert len(Store().response(token_of(at))["risks"]) == expected
