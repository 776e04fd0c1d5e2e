"""A workshop in real browsers: a facilitator on a 1920x1080 shared screen and several
participants on phones, each in its own browser context (its own cookies and session).

Expected figures come from the scoring API for the same answers, never written in."""

from __future__ import annotations

import math
import re
import signal
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from cuttable import CuttableLink
from openpyxl import load_workbook
from pages import TIMEOUT, click_rating, expect_rating_checked, key, open_app, rating_radio, rating_value, wait_for_app
from playwright.sync_api import expect
from servers import start_server, stop_server, warm_up

from scoring.diagnostics import eight_aspects
from scoring.store import Store
from scoring.workshop import room

SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# Three participants rate two factors; the first two share a role, the third gives none.
PARTICIPANTS = [
    ("Finance", [("sd_one_place", "Strongly enables"), ("sd_wellbeing_system", "Constrains")]),
    ("Finance", [("sd_one_place", "Strongly constrains"), ("sd_wellbeing_system", "Enables")]),
    (None, [("sd_one_place", "Enables"), ("sd_wellbeing_system", "Don't know")]),
]


def token_in(url: str) -> str:
    return parse_qs(urlparse(url).query)["r"][0]


def create_workshop(page, app_url: str, name: str) -> str:
    """Set up a workshop (the default diagnostics) and return its join code as shown."""
    open_app(page, f"{app_url}/run-workshop", key("ws_name") + " input")
    page.locator(key("ws_name") + " input").fill(name)
    page.get_by_role("button", name="Create the workshop").click()
    code = page.locator(".st-key-join_code")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"), timeout=TIMEOUT)
    wait_for_app(page)
    return code.inner_text()


def join(page, app_url: str, code: str, role: str | None) -> None:
    """Arrive by the join link (what the QR code holds), pick a role, join."""
    open_app(page, f"{app_url}/?join={code}", page.get_by_text("Workshop found"))
    if role:
        page.locator(key("join_role")).get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{role}\s*$")).click()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text("Carry on later")).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]r=[A-Za-z0-9_-]{20,}"), timeout=TIMEOUT)
    wait_for_app(page)


def answer(page, ratings: list[tuple[str, str]]) -> None:
    page.locator(key("wp_eight_aspects")).get_by_role("link").first.click()
    for item_id, label in ratings:
        expect(page.locator(key(f"ea_rating_{item_id}")).get_by_test_id("stRadioOption").first).to_be_visible(timeout=TIMEOUT)
        click_rating(page, item_id, label)
        wait_for_app(page)


def joined_metric(page):
    return page.get_by_test_id("stMetric").filter(has_text="Joined").get_by_test_id("stMetricValue")


def expected_room_means() -> list[float | None]:
    people = [
        room.Participant(number=n, role=role, response={"eight_aspects": {i: {"rating": rating_value(label)} for i, label in ratings}})
        for n, (role, ratings) in enumerate(PARTICIPANTS, start=1)
    ]
    means = room.aspect_spread(people)["mean"]
    return [None if math.isnan(v) else round(v, 1) for v in means]


def radar_has_trace_with(page, expected: list) -> None:
    page.wait_for_function(
        """expected => {
            const plot = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
            if (!plot || !plot.data) return false;
            const want = JSON.stringify(expected);
            return plot.data.some(t => t.r && JSON.stringify(Array.from(t.r).slice(0, expected.length).map(
                v => v === null ? null : Math.round(v * 10) / 10)) === want);
        }""",
        arg=expected,
        timeout=TIMEOUT,
    )


def test_a_facilitator_and_three_participants_run_a_workshop(browser, app_url):
    screen_context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    screen = screen_context.new_page()
    code = create_workshop(screen, app_url, "Away day")
    expect(screen.get_by_role("img", name=re.compile("QR code"))).to_be_visible(timeout=TIMEOUT)
    expect(joined_metric(screen)).to_have_text("0", timeout=TIMEOUT)
    facilitator_url = screen.url

    phones = []
    for role, ratings in PARTICIPANTS:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        join(phone, app_url, code, role)
        answer(phone, ratings)
        phones.append((context, phone))

    # The shared screen counts them by itself: no reload, no click.
    expect(joined_metric(screen)).to_have_text("3", timeout=TIMEOUT)
    expect(screen.get_by_text("Results are hidden")).to_be_visible()
    expect(screen.get_by_test_id("stPlotlyChart")).to_have_count(0)

    screen.get_by_role("button", name="Reveal results").click()
    radar_has_trace_with(screen, expected_room_means())
    screen.get_by_role("button", name="Hide results").click()
    expect(screen.get_by_test_id("stPlotlyChart")).to_have_count(0, timeout=TIMEOUT)
    expect(screen.get_by_text("Results are hidden")).to_be_visible(timeout=TIMEOUT)

    # A participant's browser: its own link shows its own page, never the screen, and
    # the facilitator's page address without the facilitator's token shows nothing.
    _, phone = phones[0]
    phone.goto(app_url + "/?" + urlparse(phone.url).query)
    expect(phone.get_by_text("Carry on later")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(phone)
    expect(phone.get_by_role("button", name="Reveal results")).to_have_count(0)
    expect(phone.get_by_text("Joined", exact=True)).to_have_count(0)
    assert token_in(phone.url) != token_in(facilitator_url)

    with screen.expect_download() as download:
        screen.get_by_role("button", name="Download the workshop pack").click()
    workbook = load_workbook(BytesIO(open(download.value.path(), "rb").read()))
    responses = workbook["Responses"]
    given = sum(len(ratings) for _, ratings in PARTICIPANTS)
    labels = [row[0] for row in responses.iter_rows(values_only=True) if row and isinstance(row[0], str) and re.fullmatch(r"P\d\d", row[0])]
    assert len(labels) == given and set(labels) == {"P01", "P02", "P03"}
    for context, _ in phones:
        context.close()
    screen_context.close()


def test_answers_survive_the_server_being_killed(browser, tmp_path):
    """SIGKILL the server mid-workshop: every answer saved is there after a restart, and a
    participant's link carries on."""
    data_dir = tmp_path / "durable"
    data_dir.mkdir()
    server, url = start_server(data_dir)
    try:
        warm_up(browser, url)
        context = browser.new_context(viewport=PHONE)
        screen = context.new_page()
        code = create_workshop(screen, url, "Durable")
        facilitator = token_in(screen.url)
        # Two participants, each in a page of its own: the app keys on the link's token.
        given = {
            "Finance": [("sd_one_place", "Enables"), ("sd_wellbeing_system", "Strongly constrains")],
            None: [("sd_one_place", "Constrains"), ("sd_funding_coherence", "Don't know")],
        }
        resume = {}
        for role, ratings in given.items():
            phone = context.new_page()
            join(phone, url, code, role)
            answer(phone, ratings)
            resume[role] = f"{url}/?r={token_in(phone.url)}"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        context.close()

        server, url = start_server(data_dir, port=int(urlparse(url).port))
        warm_up(browser, url)
        context = browser.new_context(viewport=PHONE)
        options = [*eight_aspects.instrument().scale.values(), eight_aspects.instrument().dont_know]
        for role, ratings in given.items():
            phone = context.new_page()
            open_app(phone, resume[role], phone.get_by_text("Carry on later"))
            expect(phone.locator(key("wp_eight_aspects"))).to_contain_text(f"{len(ratings)} of", timeout=TIMEOUT)
            phone.locator(key("wp_eight_aspects")).get_by_role("link").first.click()
            for item_id, label in ratings:
                radio = phone.locator(key(f"ea_rating_{item_id}")).locator("input[type=radio]")
                expect(radio.nth(options.index(label))).to_be_checked(timeout=TIMEOUT)
        context.close()
        # And the facilitator's view of the room has every answer, by role.
        store = Store(f"sqlite:///{data_dir / 'commissioning.sqlite3'}")
        room_now = store.participants(facilitator)  # in an order unrelated to joining
        assert sorted(
            (str(role), sorted((item, str(record["rating"])) for item, record in response["eight_aspects"].items())) for role, response in room_now
        ) == sorted((str(role), sorted((item, str(rating_value(label))) for item, label in ratings)) for role, ratings in given.items())
        store.engine.dispose()
    finally:
        stop_server(server)


def test_workshop_pages_pass_axe_on_phone_and_shared_screen(browser, app_url):
    """axe on every workshop page as people see it: set-up and joining, the participant's
    pages at phone width, and the shared screen hidden, revealed and in presentation."""
    from test_accessibility import open_all_expanders, serious_violations

    failures = []
    screen_context = browser.new_context(viewport=SCREEN)
    screen = screen_context.new_page()
    open_app(screen, f"{app_url}/run-workshop", key("ws_name") + " input")
    failures.append(serious_violations(screen, "run a workshop"))
    code = create_workshop(screen, app_url, "Accessible workshop")
    failures.append(serious_violations(screen, "shared screen, results hidden"))

    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    open_app(phone, f"{app_url}/join", phone.get_by_role("button", name="Find the workshop"))
    failures.append(serious_violations(phone, "join page at 390 px"))
    open_app(phone, f"{app_url}/?join={code}", phone.get_by_text("Workshop found"))
    failures.append(serious_violations(phone, "join page with a workshop found, 390 px"))
    join(phone, app_url, code, "Finance")
    failures.append(serious_violations(phone, "participant's workshop page, 390 px"))
    answer(phone, PARTICIPANTS[0][1])
    failures.append(serious_violations(phone, "eight aspects in a workshop, 390 px"))
    for role, ratings in PARTICIPANTS[1:]:  # three answers: the fewest the screen may show
        other = phone_context.new_page()
        join(other, app_url, code, role)
        answer(other, ratings)

    screen.get_by_role("button", name="Reveal results").click()
    expect(screen.get_by_test_id("stPlotlyChart")).to_have_count(1, timeout=TIMEOUT)
    open_all_expanders(screen)
    failures.append(serious_violations(screen, "shared screen, results revealed"))
    screen.get_by_role("button", name="Presentation view").click()
    expect(screen.get_by_role("button", name="Leave presentation view")).to_be_visible(timeout=TIMEOUT)
    failures.append(serious_violations(screen, "shared screen, presentation view"))
    phone_context.close()
    screen_context.close()
    failures = [f for f in failures if f]
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.mark.parametrize("server_restarts", [False, True], ids=["link-drops", "server-restarts-too"])
def test_a_connection_dropped_mid_answer_never_leaves_an_answer_half_saved(browser, tmp_path, server_restarts):
    """The phone's link drops just as a rating is clicked (the click never reaches the
    server); in the second case the server is also killed and restarted, so the browser
    comes back to a new session. The participant then finds the answer saved (and the
    store has it) or still on screen with Send again (and the store does not), never
    shown as saved when it is not; and the earlier answer is untouched."""
    server, app_url = start_server(tmp_path)
    port = int(urlparse(app_url).port)
    link = CuttableLink(port)
    store = Store(f"sqlite:///{tmp_path / 'commissioning.sqlite3'}")
    screen_context = browser.new_context(viewport=SCREEN)
    context = browser.new_context(viewport=PHONE)
    try:
        warm_up(browser, app_url)
        code = create_workshop(screen_context.new_page(), app_url, "Patchy Wi-Fi")
        phone = context.new_page()
        join(phone, link.url, code, "Provider")
        answer(phone, [("sd_one_place", "Enables")])
        token = token_in(phone.url)
        link.hold()
        rating_radio(phone, "sd_wellbeing_system").get_by_test_id("stRadioOption").filter(has_text=re.compile(r"^\s*Constrains\s*$")).click()
        phone.wait_for_timeout(500)
        assert "sd_wellbeing_system" not in store.answers(token, "eight_aspects"), "the click got through the held link"
        if server_restarts:
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        link.cut()
        if server_restarts:
            server, _ = start_server(tmp_path, port=port)
        # The browser reconnects by itself and sends the choices on its screen. To the same
        # session (the link dropped) that is the change, and it is saved; to a new session
        # (the server restarted) it is a choice the store never had: on screen, to send.
        question = phone.locator(key("ea_unsent_sd_wellbeing_system"))  # the warning in the question's box
        send_again = question.get_by_role("button", name="Send again")
        if server_restarts:
            expect(send_again).to_be_visible(timeout=60_000)
            expect(phone.locator(".ea-saved")).to_have_count(0)  # a new session: nothing saved in it yet
            expect_rating_checked(phone, "sd_wellbeing_system", "Constrains")
            assert "sd_wellbeing_system" not in store.answers(token, "eight_aspects")
            send_again.click()
        expect(phone.locator(".ea-saved")).to_have_text(f"✓ Saved: {eight_aspects.item_texts()['sd_wellbeing_system']}", timeout=60_000)
        expect(send_again).to_have_count(0)
        wait_for_app(phone)
        expect_rating_checked(phone, "sd_wellbeing_system", "Constrains")
        saved = store.answers(token, "eight_aspects")
        assert {item: record["rating"] for item, record in saved.items()} == {
            "sd_one_place": rating_value("Enables"),
            "sd_wellbeing_system": rating_value("Constrains"),
        }
        # And a fresh browser on the resume link shows what the store holds.
        again = browser.new_context(viewport=PHONE).new_page()
        open_app(again, f"{app_url}/?r={token}", again.get_by_text("Carry on later"))
        again.locator(key("wp_eight_aspects")).get_by_role("link").first.click()
        expect_rating_checked(again, "sd_wellbeing_system", "Constrains")
        expect_rating_checked(again, "sd_one_place", "Enables")
        again.context.close()
    finally:
        context.close()
        screen_context.close()
        link.close()
        store.engine.dispose()
        stop_server(server)


def test_the_shared_screen_shows_no_credential_a_second_browser_could_use(browser, app_url):
    """Photograph the projector: its address bar, its page (text, links, images) and its
    HTML hold no facilitator link. What they do hold, opened in a second browser, shows
    the room's screen without reveal, pack or delete, and no hidden result. The
    facilitator's link comes only as a file they save, and it brings the controls back."""
    screen_context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    screen = screen_context.new_page()
    create_workshop(screen, app_url, "Projected")
    with screen.expect_download() as download:
        screen.get_by_role("button", name="Save my private link (a small text file)").click()
    private = re.search(r"[?&]r=([A-Za-z0-9_-]{20,})", download.value.path().read_text()).group(1)
    page_text = screen.locator("body").inner_text()
    html = screen.content()
    for seen in (screen.url, page_text, html):
        assert private not in seen
    shown = token_in(screen.url)
    assert shown != private

    # What the projector does show, tried in a second browser.
    other = browser.new_context(viewport=SCREEN)
    viewer = other.new_page()
    open_app(viewer, f"{app_url}/?r={shown}", viewer.get_by_text("Results are hidden"))
    expect(viewer.get_by_text("This is the room's screen")).to_be_visible()
    for control in (
        "Reveal results",
        "Download the workshop pack",
        "Delete the workshop and all its answers",
        "Close to new answers",
        "Save my private link (a small text file)",
    ):
        expect(viewer.get_by_role("button", name=control)).to_have_count(0)
    expect(viewer.get_by_text("Delete this workshop")).to_have_count(0)

    # The saved link, on the facilitator's own device, has the controls (and its address
    # bar then shows the screen's link too).
    mine = browser.new_context(viewport=PHONE).new_page()
    open_app(mine, f"{app_url}/?r={private}", mine.get_by_role("button", name="Reveal results"))
    assert token_in(mine.url) == shown
    for context in (screen_context, other, mine.context):
        context.close()
