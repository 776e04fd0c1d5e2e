"""Browser flow through "What are we tolerating?" and "Conditions and practices": answer,
see the results change, and find both in the downloaded workbook."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from pages import TIMEOUT, expect_no_exception, key, open_app, wait_for_app
from playwright.sync_api import expect

from scoring.diagnostics import conditions, tolerance

TOLERANCE_ANSWERS = {"staff_turnover": (3, 2, "ours"), "weak_impact_data": (2, 3, "influence")}
CONDITION_ANSWERS = {"hon_undiscussable": "Very true", "clr_roles_tasks": "Slightly true", "lrn_predict_first": "Mostly true"}


def click_option(page, widget_key: str, label: str) -> None:
    option = page.locator(key(widget_key)).get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    expect(option).to_have_count(1, timeout=TIMEOUT)
    option.click()
    expect(page.locator(key(widget_key)).locator("input[type=radio]:checked")).to_have_count(1, timeout=TIMEOUT)
    wait_for_app(page)


def token_of(page) -> str:
    return parse_qs(urlparse(page.url).query)["r"][0]


def test_tolerance_and_conditions_flow_into_the_workbook(page, app_url, tmp_path):
    open_app(page, f"{app_url}/tolerating", key("tol_frequency_waiting_lists"))
    for area_id, (frequency, impact, gift) in TOLERANCE_ANSWERS.items():
        scales = tolerance.instrument().scales
        click_option(page, f"tol_frequency_{area_id}", scales["frequency"][frequency])
        click_option(page, f"tol_impact_{area_id}", scales["impact"][impact])
        click_option(page, f"tol_gift_{area_id}", scales["gift"][gift])
    records = {tolerance.area_key(a): {"frequency": f, "impact": i, "gift": g} for a, (f, i, g) in TOLERANCE_ANSWERS.items()}
    first = tolerance.stop_first(records).iloc[0]
    expect(page.locator(key(f"tol_stop_{first.area_id}"))).to_contain_text(first.why, timeout=TIMEOUT)
    click_option(page, "tol_mode", "Provider dialogue")
    prompt = tolerance.instrument().area("waiting_lists").prompts["provider_dialogue"]
    expect(page.get_by_text(prompt)).to_be_visible(timeout=TIMEOUT)
    token = token_of(page)

    open_app(page, f"{app_url}/conditions?r={token}", key("cond_part"))
    page.locator(key("cond_part")).get_by_role("combobox").click()
    page.get_by_role("option", name="The five core practices").click()
    wait_for_app(page)
    for item_id, label in CONDITION_ANSWERS.items():
        click_option(page, f"cond_rating_{item_id}", label)
    scale = {label: value for value, label in conditions.instrument().scale.items()}
    _, reason = conditions.practice_to_work_on({i: {"rating": scale[label]} for i, label in CONDITION_ANSWERS.items()})
    expect(page.get_by_text(reason)).to_be_visible(timeout=TIMEOUT)
    expect_no_exception(page)

    open_app(page, f"{app_url}/results?r={token}", key("download_xlsx"))
    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.locator(key("download_xlsx")).get_by_role("button").click()
    path = tmp_path / "summary.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    tolerating = workbook["Tolerating"]
    rows = {row[0]: row for row in tolerating.iter_rows(min_row=5, values_only=True) if row[0]}
    staff = tolerance.instrument().area("staff_turnover").title
    assert rows[staff][1] == 6 and rows[staff][5] == tolerance.instrument().scales["gift"]["ours"]
    assert "Provider dialogue" in str(tolerating["A2"].value)
    sheet = workbook["Conditions and practices"]
    themes = {row[0]: row[1] for row in sheet.iter_rows(min_row=5, max_row=19, values_only=True) if row[0]}
    assert themes["Honest conversations"] == 100 and themes["Clarity"] == 25
    summary = " ".join(str(c.value) for row in workbook["Summary"].iter_rows() for c in row if c.value)
    assert reason in summary


def test_starting_points_capacity_and_map_flow_into_the_workbook(page, app_url, tmp_path):
    from scoring.diagnostics import starting_points

    open_app(page, f"{app_url}/starting-points", key("sp_theme"))
    click_option(page, "sp_rating_min_optimistic", "Slightly true")
    expect(page.get_by_text("Starting-point themes below 50: mindset (25).")).to_be_visible(timeout=TIMEOUT)
    for driver, count, hours in (("contracts", "40", "30"), ("recommissions", "3", "200")):
        page.locator(key(f"sp_count_{driver}")).locator("input").fill(count)
        page.locator(key(f"sp_hours_{driver}")).locator("input").fill(hours)
    page.locator(key("sp_staff")).locator("input").fill("1")
    page.get_by_role("button", name="Work out capacity").click()
    wait_for_app(page)
    expect(page.get_by_text("Contracts managed takes the most time: 1,200 hours a year")).to_be_visible(timeout=TIMEOUT)
    token = token_of(page)
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]

    open_app(page, f"{app_url}/results?r={token}", key("download_xlsx"))
    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.locator(key("download_xlsx")).get_by_role("button").click()
    path = tmp_path / "summary.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path)
    themes = {row[0]: row[1] for row in workbook["Starting points"].iter_rows(min_row=5, max_row=11, values_only=True) if row[0]}
    assert themes[starting_points.instrument().themes[0].title] == 25
    values = [c.value for row in workbook["Capacity"].iter_rows() for c in row]
    assert 1800 in values and 1200 in values  # hours a year: total and contracts
    expect_no_exception(page)
