"""The eight-aspects self-check in a real browser: live scores, the resume link, the
Excel download and a tampered link."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook
from openpyxl.chart import RadarChart
from pages import (
    TIMEOUT,
    click_rating,
    expect_live_summary,
    expect_no_exception,
    expect_radar,
    expect_rating_checked,
    expected_summary,
    key,
    open_app,
    rating_value,
    wait_for_app,
)
from playwright.sync_api import expect

from scoring.diagnostics import eight_aspects

# What the user answers, aspect by aspect, in the order they answer it.
SYSTEM_DESIGN = [
    ("sd_one_place", "Enables"),
    ("sd_wellbeing_system", "Strongly constrains"),
    ("sd_commissioning_from_start", "Don't know"),
]
RELATIONSHIPS = [
    ("rel_chief_executives", "Strongly enables"),
]
ALL_ANSWERS = SYSTEM_DESIGN + RELATIONSHIPS

# The self-check page has drawn its first factor's options (not just a placeholder).
SELF_CHECK_READY = key("ea_rating_sd_one_place") + " [data-testid=stRadioOption]"


def ratings(pairs) -> dict:
    return {item_id: rating_value(label) for item_id, label in pairs}


def token_of(url: str) -> str | None:
    values = parse_qs(urlparse(url).query).get("r")
    return values[0] if values else None


def aspect_title(aspect_id: str) -> str:
    return eight_aspects.instrument().aspect(aspect_id).title


def expect_aspect(page, number: int, aspect_id: str) -> None:
    """The aspect selectbox shows e.g. "2. Relationships", with how far it is answered
    (": done", ": 2 of 5 answered") once anything is."""
    combobox = page.locator(key("ea_aspect")).get_by_role("combobox")
    expect(combobox).to_have_value(re.compile(rf"^{number}\. {re.escape(aspect_title(aspect_id))}(: .+)?$"), timeout=TIMEOUT)
    expect(page.get_by_role("heading", name=aspect_title(aspect_id), exact=True)).to_be_visible(timeout=TIMEOUT)


def go_to_next_aspect(page, number: int, aspect_id: str) -> None:
    page.locator(key("ea_next")).get_by_role("button").click()
    expect_aspect(page, number, aspect_id)
    wait_for_app(page)


def answer_self_check(page, app_url: str) -> str:
    """Answer ALL_ANSWERS on the self-check page, checking the live numbers after each;
    returns the resume token the URL gained."""
    open_app(page, f"{app_url}/eight-aspects", SELF_CHECK_READY)
    expect_aspect(page, 1, "system_design")
    expect_live_summary(page, {})
    assert token_of(page.url) is None, "no respondent should exist before the first answer"

    given: list[tuple[str, str]] = []
    for item_id, label in SYSTEM_DESIGN:
        click_rating(page, item_id, label)
        given.append((item_id, label))
        expect_live_summary(page, ratings(given))

    go_to_next_aspect(page, 2, "relationships")
    for item_id, label in RELATIONSHIPS:
        click_rating(page, item_id, label)
        given.append((item_id, label))
        expect_live_summary(page, ratings(given))

    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)  # the bars, not a figure, on every answer
    expect_no_exception(page)
    expect(page).to_have_url(re.compile(r"[?&]r=[A-Za-z0-9_-]{20,}"), timeout=TIMEOUT)
    token = token_of(page.url)
    assert token
    return token


def expect_answers_restored(page) -> None:
    """After a fresh session the page opens on System design with every answer checked."""
    expect_aspect(page, 1, "system_design")
    expect_live_summary(page, ratings(ALL_ANSWERS))
    for item_id, label in SYSTEM_DESIGN:
        expect_rating_checked(page, item_id, label)
    go_to_next_aspect(page, 2, "relationships")
    for item_id, label in RELATIONSHIPS:
        expect_rating_checked(page, item_id, label)
    expect_live_summary(page, ratings(ALL_ANSWERS))
    expect_no_exception(page)


def test_live_scores_update_as_factors_are_answered(page, app_url):
    answer_self_check(page, app_url)
    # Each answer says it is saved, naming it, in the live panel (one line, the latest).
    expect_aspect(page, 2, "relationships")
    expect(page.locator(".ea-saved")).to_have_text(f"✓ Saved: {eight_aspects.item_texts()[RELATIONSHIPS[-1][0]]}", timeout=TIMEOUT)
    expect_no_exception(page)


def test_next_aspect_after_an_odd_number_of_answers(page, app_url):
    """Regression: when the aspect labels carried live counts ("(1/5)"), the browser sent
    back the label it was shown before the count changed, which matched no option, so
    "Next aspect" raised ValueError in its callback. Labels are now fixed."""
    open_app(page, f"{app_url}/eight-aspects", SELF_CHECK_READY)
    given = [("sd_one_place", "Enables")]
    click_rating(page, *given[0])
    expect_live_summary(page, ratings(given))
    go_to_next_aspect(page, 2, "relationships")
    expect_no_exception(page)


def test_answers_in_a_later_aspect_stay_on_that_aspect(page, app_url):
    """Regression: the second answer in an aspect after the first sent a stale aspect
    label with it, which Streamlit reset to the first option: the page jumped back to
    System design."""
    open_app(page, f"{app_url}/eight-aspects", SELF_CHECK_READY)
    go_to_next_aspect(page, 2, "relationships")
    given = []
    for item_id, label in [("rel_chief_executives", "Enables"), ("rel_councillors", "Constrains"), ("rel_provider_trust", "Neither")]:
        click_rating(page, item_id, label)
        given.append((item_id, label))
        expect_live_summary(page, ratings(given))
        expect_aspect(page, 2, "relationships")
    expect(page.locator(".ea-saved")).to_have_text(f"✓ Saved: {eight_aspects.item_texts()['rel_provider_trust']}", timeout=TIMEOUT)
    expect_no_exception(page)


def test_resume_link_restores_answers_in_a_new_browser_and_after_reload(page, new_context, app_url):
    token = answer_self_check(page, app_url)

    # A new browser context shares nothing with the first: like coming back another day.
    other = new_context().new_page()
    open_app(other, f"{app_url}/eight-aspects?r={token}", SELF_CHECK_READY)
    expect(other.get_by_text("not recognised")).to_have_count(0)
    expect_answers_restored(other)
    assert token_of(other.url) == token

    # A reload starts a new Streamlit session in the same tab; the URL carries the token.
    page.reload()
    expect(page.locator(SELF_CHECK_READY).first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    expect_answers_restored(page)
    assert token_of(page.url) == token


def test_excel_download_matches_the_answers(page, app_url, tmp_path):
    token = answer_self_check(page, app_url)

    # Go to Results within the same session, through the app's own link.
    page.get_by_role("link", name="Full results and Excel summary").click()
    download_button = page.locator(key("download_xlsx")).get_by_role("button")
    expect(download_button).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"/results\?(.*&)?r={re.escape(token)}"), timeout=TIMEOUT)
    wait_for_app(page)
    expect_radar(page, ratings(ALL_ANSWERS))  # the radar is on Results

    with page.expect_download(timeout=TIMEOUT) as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    expect_no_exception(page)
    workbook = load_workbook(path)
    for sheet in ("Summary", "Eight aspects answers", "About"):
        assert sheet in workbook.sheetnames

    summary = workbook["Summary"]
    assert any(isinstance(chart, RadarChart) for chart in summary._charts), "no radar chart on Summary"

    _, _, expected = expected_summary(ratings(ALL_ANSWERS))
    header_row = next(row[0].row for row in summary.iter_rows() if row[0].value == "Aspect" and len(row) > 1 and row[1].value == "Score (0–100)")
    found = {}
    for row in summary.iter_rows(min_row=header_row + 1, max_row=header_row + len(expected), max_col=2, values_only=True):
        found[row[0]] = row[1]
    assert set(found) == set(expected["aspect"])
    for aspect in expected.itertuples():
        if math.isnan(aspect.score):
            assert found[aspect.aspect] is None, aspect.aspect
        else:
            assert found[aspect.aspect] == pytest.approx(aspect.score, abs=0.05), aspect.aspect
    # The answers given leave most aspects without a score: check there is a real mix.
    assert expected["score"].notna().sum() == 2

    sheet = workbook["Eight aspects answers"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    # Readers see each factor's text, not its id (the ids are in App data).
    column = {name: headers.index(name) for name in ("Factor", "Answer", "Rating (1–5)")}
    ids = {factor.text: factor.id for factor in eight_aspects.instrument().factors}
    by_item = {ids[row[column["Factor"]]]: row for row in rows[1:] if row[column["Factor"]]}
    assert len(by_item) == len(eight_aspects.instrument().factors)
    for item_id, label in ALL_ANSWERS:
        row = by_item[item_id]
        assert row[column["Answer"]] == label, item_id
        assert row[column["Rating (1–5)"]] == rating_value(label), item_id
    answered = {item_id for item_id, _ in ALL_ANSWERS}
    for item_id, row in by_item.items():
        if item_id not in answered:
            assert row[column["Answer"]] == "Not answered", item_id
            assert row[column["Rating (1–5)"]] is None, item_id


def test_tampered_resume_link_warns_and_starts_afresh(page, app_url):
    open_app(page, f"{app_url}/eight-aspects?r=not-a-real-token-xxxxxxxxxxxx", SELF_CHECK_READY)
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("not recognised", timeout=TIMEOUT)
    expect_live_summary(page, {})
    # The bad token is dropped from the URL, so a reload does not warn again.
    expect(page).not_to_have_url(re.compile(r"[?&]r="), timeout=TIMEOUT)

    # The page still works: an answer is saved to a new respondent with a new link.
    click_rating(page, "sd_one_place", "Neither")
    expect_live_summary(page, ratings([("sd_one_place", "Neither")]))
    expect(page).to_have_url(re.compile(r"[?&]r=[A-Za-z0-9_-]{20,}"), timeout=TIMEOUT)
    assert token_of(page.url) != "not-a-real-token-xxxxxxxxxxxx"
    expect_no_exception(page)
