"""Bringing a workbook back in a real browser: download a self-check, keep it as a
baseline, change answers, see both on the radar, download the comparison; resume from a
workbook; a bad file gets a message and changes nothing; a facilitator imports a survey
export. Expected values come from the scoring API."""

from __future__ import annotations

import math
import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from pages import TIMEOUT, click_rating, key, open_app, rating_value, wait_for_app
from playwright.sync_api import expect
from test_accessibility import scan
from test_workshop import create_workshop, joined_metric

from scoring import compare
from scoring.diagnostics import eight_aspects

FILES = Path(__file__).resolve().parents[1] / "files"
THEN = [("sd_one_place", "Strongly enables"), ("sd_wellbeing_system", "Constrains")]
NOW = [("sd_one_place", "Constrains"), ("sd_wellbeing_system", "Enables")]


def go(page, name: str, ready) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    expect(page.locator(ready).first if isinstance(ready, str) else ready.first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def answer(page, app_url: str, ratings) -> None:
    open_app(page, f"{app_url}/eight-aspects", key("ea_rating_sd_one_place") + " [data-testid=stRadioOption]")
    for item_id, label in ratings:
        click_rating(page, item_id, label)
        wait_for_app(page)


def download(page, button: str, path: Path) -> bytes:
    with page.expect_download() as file:
        page.get_by_role("button", name=button).click()
    file.value.save_as(path)
    return path.read_bytes()


def upload(page, path: Path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    wait_for_app(page)


def scores(ratings) -> list:
    records = {item: {"rating": rating_value(label)} for item, label in ratings}
    values = eight_aspects.score_records(records)["score"]
    return [None if math.isnan(v) else round(v, 1) for v in values]


def self_check_downloaded(browser, app_url: str, tmp_path: Path):
    """A new browser answers THEN, downloads its Excel summary and opens Bring back."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    answer(page, app_url, THEN)
    go(page, "Results and Excel summary", page.get_by_role("button", name="Download the Excel summary"))
    saved = tmp_path / "then.xlsx"
    download(page, "Download the Excel summary", saved)
    go(page, "Bring back a workbook", "[data-testid=stFileUploaderDropzone]")
    return context, page, saved


def test_keep_a_baseline_change_answers_and_compare(browser, app_url, tmp_path):
    context, page, saved = self_check_downloaded(browser, app_url, tmp_path)
    upload(page, saved)
    expect(page.get_by_text("Quick self-check", exact=False).first).to_be_visible(timeout=TIMEOUT)
    page.locator(key("bb_label") + " input").fill("Last year")
    page.get_by_role("button", name="Keep as baseline").click()
    expect(page.get_by_text("Kept as your baseline.")).to_be_visible(timeout=TIMEOUT)

    go(page, "Eight aspects self-check", key("ea_rating_sd_one_place") + " [data-testid=stRadioOption]")
    for item_id, label in NOW:
        click_rating(page, item_id, label)
        wait_for_app(page)
    go(page, "Compare over time", "[data-testid=stPlotlyChart]")
    # The radar holds both: the baseline's scores and today's, as the scoring API has them.
    page.wait_for_function(
        """([then, now]) => {
            const plot = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
            if (!plot || !plot.data || plot.data.length < 2) return false;
            const r = t => JSON.stringify(Array.from(t.r).slice(0, then.length).map(v => v === null ? null : Math.round(v * 10) / 10));
            return r(plot.data[0]) === JSON.stringify(then) && r(plot.data[1]) === JSON.stringify(now);
        }""",
        arg=[scores(THEN), scores(NOW)],
        timeout=TIMEOUT,
    )
    names = page.evaluate("() => document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot').data.map(t => t.name)")
    assert names == ["Last year", "Now"]
    scan(page, "compare over time")

    data = download(page, "Download the comparison (Excel)", tmp_path / "comparison.xlsx")
    workbook = load_workbook(BytesIO(data))
    assert compare.SHEET in workbook.sheetnames
    assert len(workbook[compare.SHEET]._charts) >= 1
    context.close()


def test_a_bad_file_gets_a_message_and_resume_brings_answers_back(browser, app_url, tmp_path):
    context, page, saved = self_check_downloaded(browser, app_url, tmp_path)
    upload(page, FILES / "workbooks" / "csv_renamed.xlsx")
    expect(page.get_by_text("This file cannot be used.")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Nothing you had saved has changed.")).to_be_visible()
    scan(page, "bring back, a bad file")

    upload(page, saved)
    expect(page.get_by_role("button", name="Resume from this workbook")).to_be_visible(timeout=TIMEOUT)
    scan(page, "bring back, a workbook read")
    page.get_by_role("button", name="Resume from this workbook").click()
    expect(page.get_by_text("Your answers are back.")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_role("link", name="Home").last.click()
    expect(page.locator(key("home_eight_aspects"))).to_contain_text(f"{len(THEN)} of", timeout=TIMEOUT)
    context.close()


def test_a_facilitator_imports_a_survey_export_and_the_pack_resumes_as_a_workshop(browser, app_url, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    create_workshop(page, app_url, "Import in the browser")
    go(page, "Import responses", "[data-testid=stFileUploaderDropzone]")
    upload(page, FILES / "forms" / "forms_utf8_bom.csv")
    button = page.get_by_role("button", name=re.compile(r"^Import \d+ participant"))
    expect(button).to_be_enabled(timeout=TIMEOUT)
    count = int(re.search(r"\d+", button.inner_text()).group())
    assert count > 0
    scan(page, "import responses, preview")
    button.click()
    expect(page.get_by_text(f"{count} participant(s) imported.")).to_be_visible(timeout=TIMEOUT)
    go(page, "Shared screen", page.get_by_text("Joined", exact=True))
    expect(joined_metric(page)).to_have_text(str(count), timeout=TIMEOUT)
    pack = tmp_path / "pack.xlsx"
    download(page, "Download the workshop pack", pack)
    context.close()

    # Another browser brings the pack back as a new workshop: the same people, a new code.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_app(page, f"{app_url}/bring-back", "[data-testid=stFileUploaderDropzone]")
    upload(page, pack)
    page.get_by_role("button", name="Resume as a new workshop").click()
    expect(page.get_by_role("heading", name="Import in the browser (brought back)")).to_be_visible(timeout=TIMEOUT)
    expect(joined_metric(page)).to_have_text(str(count), timeout=TIMEOUT)
    context.close()


PAYLOADS = (
    "[click](https://evil.example/x) ![i](https://evil.example/i.png) <img src=https://evil.example/h.png> "
    "<a href='https://evil.example/a'>a</a> https://evil.example/bare www.evil.example mail@evil.example "
    ":material/warning: :red[red] &lt;b&gt; **bold** # heading"
)


def test_markdown_and_html_in_a_brought_back_workbook_show_as_text(browser, app_url, tmp_path):
    """A workbook whose title (Summary A1) carries Markdown and HTML payloads: after it is
    brought back, the page has no link or image to anywhere outside the app, and the text
    is shown as typed (its entities and shortcodes included)."""
    context, page, saved = self_check_downloaded(browser, app_url, tmp_path)
    book = load_workbook(saved)
    book["Summary"]["A1"] = f"Commissioning Diagnostics: {PAYLOADS}"
    hostile = tmp_path / "hostile.xlsx"
    book.save(hostile)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    upload(page, hostile)
    notice = page.get_by_test_id("stAlertContentSuccess")
    expect(notice).to_contain_text("evil.example/x", timeout=TIMEOUT)
    text = notice.inner_text().replace("\u2060", "")
    for fragment in (
        "[click](https://evil.example/x)",
        "<img src=https://evil.example/h.png>",
        "mail@evil.example",
        ":material/warning:",
        ":red[red]",
        "&lt;b&gt;",
        "**bold**",
    ):
        assert fragment in text, fragment
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    assert page.locator("a[href^='mailto:']").count() == 0
    assert not [url for url in requested if "evil.example" in url]
    context.close()
