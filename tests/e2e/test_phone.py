"""Answering on a phone (390 x 844, as issue 15 measured it): every rating a full-width row
at least 44 px tall in scale order, the live score kept in view while answering, and
"Next aspect" landing on the next aspect's heading rather than its last factors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import TIMEOUT, click_rating, expect_no_exception, key, open_app, rating_options, wait_for_app
from scoring import eight_aspects

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                           return r.bottom > 0 && r.top < window.innerHeight; }""", selector)


def test_rating_options_are_full_width_rows_of_44_px_in_scale_order(phone, app_url):
    first = eight_aspects.instrument().factors_of("system_design")[0].id
    open_app(phone, f"{app_url}/eight-aspects", key(f"ea_rating_{first}") + " [data-testid=stRadioOption]")
    group = phone.locator(key(f"ea_rating_{first}")).get_by_role("radiogroup")
    width = phone.locator(key(f"ea_factor_{first}")).bounding_box()["width"]  # the question's box
    boxes = [label.bounding_box() for label in group.locator("label").all()]
    texts = [label.inner_text().strip() for label in group.locator("label").all()]
    assert texts == rating_options(), "in scale order, then don't know"
    assert all(box["height"] >= 44 for box in boxes), [box["height"] for box in boxes]
    assert all(box["width"] >= 0.85 * width for box in boxes), "each option spans the question's box"
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops) and len(set(round(t) for t in tops)) == len(tops), "one per row, top to bottom"
    assert width <= PHONE["width"], "nothing wider than the phone"


def test_the_live_score_stays_in_view_and_next_lands_on_the_heading(phone, app_url):
    factors = eight_aspects.instrument().factors_of("system_design")
    open_app(phone, f"{app_url}/eight-aspects", key(f"ea_rating_{factors[0].id}") + " [data-testid=stRadioOption]")
    for factor in factors:
        click_rating(phone, factor.id, "Enables")
    # Answering the last factor of the aspect, far down the page: the score is still on screen.
    assert in_view(phone, key("ea_live_panel") + " [data-testid=stMetric]")
    expect(phone.locator(key("ea_live_panel")).get_by_test_id("stMetricValue")).to_have_text("75", timeout=TIMEOUT)
    phone.locator(key("ea_next")).get_by_role("button").click()
    heading = phone.get_by_role("heading", name=eight_aspects.instrument().aspect("relationships").title, exact=True)
    expect(heading).to_be_visible(timeout=TIMEOUT)
    wait_for_app(phone)
    expect(heading).to_be_in_viewport(timeout=TIMEOUT)
    box = heading.bounding_box()
    panel = phone.locator(key("ea_live_panel")).bounding_box()
    assert box["y"] >= panel["y"] + panel["height"] - 1, "the heading is not hidden under the live score"
    assert box["y"] < PHONE["height"] / 2, "the new aspect starts near the top of the screen"
    expect_no_exception(phone)


def test_the_link_back_appears_on_the_answering_page_with_the_first_answer(phone, app_url):
    first = eight_aspects.instrument().factors_of("system_design")[0].id
    open_app(phone, f"{app_url}/eight-aspects", key(f"ea_rating_{first}") + " [data-testid=stRadioOption]")
    link = phone.get_by_text("Your link to come back to these answers")
    expect(link).to_have_count(0)
    click_rating(phone, first, "Neither")
    expect(link).to_be_visible(timeout=TIMEOUT)
    link.click()
    code = phone.get_by_test_id("stCode").last
    expect(code).to_contain_text("?r=", timeout=TIMEOUT)
    token = phone.url.split("r=")[1]
    expect(code).to_contain_text(token)
    expect_no_exception(phone)


def test_a_half_answered_self_check_shows_what_the_ranking_rests_on(page, app_url):
    """Issue 12's browser flow: one aspect answered, so most approaches cannot be judged,
    and the page says so beside the ranking instead of ranking them on a blank."""
    from conftest import go_to

    factors = eight_aspects.instrument().factors_of("system_design")
    open_app(page, f"{app_url}/eight-aspects", key(f"ea_rating_{factors[0].id}") + " [data-testid=stRadioOption]")
    for factor in factors[:2]:
        click_rating(page, factor.id, "Enables")
    go_to(page, "approaches", key("ap_chosen"))
    expect(page.get_by_text("This ranking rests on 1 of the 8 aspects.", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Not enough answers to judge", exact=False).first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(key("ap_fit")).get_by_test_id("stPlotlyChart")).to_have_count(0)  # nothing judged, nothing drawn
    expect_no_exception(page)
