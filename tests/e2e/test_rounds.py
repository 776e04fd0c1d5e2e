"""One round of a workshop in real browsers: a 1920x1080 shared screen and three phones at
390x844. The facilitator chooses a section, the phones follow and answer it, the screen
counts and reveals it, names the widest spread to discuss next, records what the room
agreed on two factors with notes; the room's plan starts from it; the pack carries it
and, brought back, restores it. Screenshots of each step go to ROUNDS_SHOTS (default
/tmp/rounds-shots) to be looked at."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import TIMEOUT, key, open_app, wait_for_app
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from test_workshop import PHONE, SCREEN, create_workshop, join

from scoring.diagnostics import eight_aspects
from scoring.workshop import agreed_pack

SHOTS = Path(os.environ.get("ROUNDS_SHOTS", "/tmp/rounds-shots"))
SECTION_LABEL = "Eight aspects self-check: System design"
# Each phone's ratings (scale values) of three factors of System design: the room splits
# widest on sd_one_place (1, 5, 1), less on sd_funding_coherence, least on sd_wellbeing_system.
RATINGS = [
    {"sd_one_place": 1, "sd_wellbeing_system": 3, "sd_funding_coherence": 2},
    {"sd_one_place": 5, "sd_wellbeing_system": 3, "sd_funding_coherence": 4},
    {"sd_one_place": 1, "sd_wellbeing_system": 4, "sd_funding_coherence": 3},
]
SLOW = 60_000  # ms: after a click that reruns the whole screen, on a machine shared with other work
NOTE = "<b>Finance</b> sees it differently: check the S75 agreement"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def text_of(item_id: str) -> str:
    return eight_aspects.item_texts()[item_id]


def choose(page, widget_key: str, option: str) -> None:
    """Pick `option` in the selectbox with this key, as a user does. A list opened while
    the page is still redrawing can close under the pointer: open it again, as a user would."""
    box = page.locator(key(widget_key))
    for _attempt in range(3):
        box.get_by_role("combobox").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page)
    else:
        raise AssertionError(f"{option!r} could not be chosen in {widget_key} after three tries")
    wait_for_app(page)
    expect(box.get_by_role("combobox")).to_have_value(option, timeout=TIMEOUT)


def rate(phone, item_id: str, value: int) -> None:
    label = eight_aspects.instrument().scale[value]
    radio = phone.locator(key(f"wr_eight_aspects_{item_id}_rating"))
    radio.get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    expect(radio.get_by_role("radio", name=label, exact=True)).to_be_checked(timeout=TIMEOUT)
    wait_for_app(phone)


@pytest.mark.timeout(900)  # one whole round with three phones: longer than a page test
def test_one_round_from_choosing_a_section_to_the_pack_brought_back(browser, app_url):
    from test_accessibility import serious_violations

    failures = []
    screen_context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    screen = screen_context.new_page()
    create_workshop(screen, app_url, "Rounds away day")
    code = screen.locator(".st-key-join_code").inner_text()
    phones = []
    for _ in RATINGS:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        join(phone, app_url, code, None)
        phones.append((context, phone))
    shot(phones[0][1], "01-phone-self-paced")
    # One participant has wandered off to the voting page: the round brings them back too.
    away = phones[-1][1]
    open_app(away, urlunsplit(urlsplit(away.url)._replace(path="/vote")), away.get_by_role("heading", name="Vote and contribute"))
    expect(away.locator(key("wr_now"))).to_have_count(0)

    # The facilitator chooses the section; the phones follow by themselves, with no reload.
    choose(screen, "ws_round_section", SECTION_LABEL)
    expect(screen.locator(key("ws_round_now"))).to_contain_text("System design", timeout=SLOW)
    expect(screen.get_by_text("0 of 3")).to_be_visible(timeout=TIMEOUT)
    shot(screen, "02-screen-section-chosen")
    for _, phone in phones:
        expect(phone.locator(key("wr_now"))).to_contain_text("System design", timeout=TIMEOUT)
    shot(phones[0][1], "03-phone-follows")
    failures.append(serious_violations(phones[0][1], "phone on the round's section, 390 px"))

    for (_, phone), ratings in zip(phones, RATINGS):
        for item_id, value in ratings.items():
            rate(phone, item_id, value)
    shot(phones[0][1], "04-phone-answered")
    # The screen counts the section's answers (it refreshes itself).
    expect(screen.get_by_text("3 of 3")).to_be_visible(timeout=SLOW)
    expect(screen.locator(key("ws_discuss_next"))).to_have_count(0)

    screen.get_by_role("button", name="Reveal this section").click()
    discuss = screen.locator(key("ws_discuss_next"))
    expect(discuss).to_contain_text("Discuss next", timeout=SLOW)
    first = discuss.locator("li").first
    expect(first).to_contain_text(text_of("sd_one_place"))
    expect(first).to_contain_text("2 said Strongly constrains, 1 said Strongly enables")
    expect(screen.get_by_text("Spread = how far the ratings sit")).to_be_visible()
    expect(screen.get_by_test_id("stPlotlyChart")).to_have_count(1, timeout=TIMEOUT)
    shot(screen, "05-screen-revealed-discuss-next")

    # Agree two factors, each with a note.
    section = "eight_aspects__system_design"
    choose(screen, f"ws_agree_value_0_{section}", "2 Constrains")
    screen.locator(key(f"ws_agree_note_0_{section}") + " input").fill(NOTE)
    choose(screen, f"ws_agree_value_1_{section}", "Not agreed: come back to it")
    screen.locator(key(f"ws_agree_note_1_{section}") + " input").fill("Bring the wellbeing data next time")
    screen.get_by_role("button", name="Save what the room agreed").click()
    expect(screen.get_by_text("Saved: 2 of")).to_be_visible(timeout=SLOW)
    expect(screen.locator(key(f"ws_agree_note_0_{section}") + " input")).to_have_value(NOTE)
    expect(screen.locator("b", has_text="Finance")).to_have_count(0)  # typed text is never markup
    shot(screen, "06-screen-agreed")
    failures.append(serious_violations(screen, "shared screen, a round revealed and agreed, 1920 px"))

    # The room's plan starts from what it agreed.
    screen.get_by_role("link", name="Development plan").click()
    holds = screen.locator(key("pl_holds_system_design"))
    expect(holds).to_contain_text(text_of("sd_one_place"), timeout=SLOW)
    expect(screen.get_by_text("Pre-filled from the ratings the room agreed")).to_be_visible()
    check = screen.get_by_test_id("stAlert").filter(has_text="Where the room disagreed widely")
    expect(check).to_contain_text(text_of("sd_wellbeing_system") + " (not agreed; spread 24 / 100)")
    expect(check).to_contain_text(text_of("sd_one_place") + " (spread 94 / 100)")
    shot(screen, "07-plan-prefilled")

    # The pack carries the agreements beside the room's mean and spread.
    screen.get_by_role("link", name="Shared screen").click()
    expect(screen.get_by_role("button", name="Download the workshop pack")).to_be_visible(timeout=TIMEOUT)
    with screen.expect_download() as download:
        screen.get_by_role("button", name="Download the workshop pack").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "rounds-pack.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)[agreed_pack.SHEET]
    rows = {r[10]: r for r in sheet.iter_rows(min_row=agreed_pack.HEADER_ROW + 1, values_only=True) if r[10]}
    assert rows["eight_aspects|sd_one_place|rating"][2:10] == (3, 0, pytest.approx(2.33, abs=0.01), 94, 2, "Agreed", None, NOTE)
    assert rows["eight_aspects|sd_wellbeing_system|rating"][6:10] == (None, agreed_pack.AGREED_NO, None, "Bring the wellbeing data next time")

    # Brought back, as a new workshop: the agreements come back and pre-fill its plan.
    back_context = browser.new_context(viewport=SCREEN)
    back = back_context.new_page()
    open_app(back, f"{app_url}/bring-back", back.get_by_text("Bring back a workbook"))
    back.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    back.get_by_role("button", name="Resume as a new workshop").click()
    expect(back.locator(".st-key-join_code")).to_be_visible(timeout=SLOW)
    wait_for_app(back)
    back.get_by_role("link", name="Development plan").click()
    expect(back.locator(key("pl_holds_system_design"))).to_contain_text(text_of("sd_one_place"), timeout=SLOW)
    shot(back, "08-brought-back-plan")

    for context, _ in phones:
        context.close()
    back_context.close()
    screen_context.close()
    failures = [f for f in failures if f]
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
