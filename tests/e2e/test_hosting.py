"""The hosting stack in real browsers: nginx in front of two `streamlit run app.py`
processes that share one PostgreSQL (deploy/stack.py, deploy/nginx.conf).

A facilitator's shared screen and three phones, each phone a browser context of its own
(its own nginx cookie, cd_route, so its own sticky app process). The phones' cookies are
chosen so that they land on different processes; the shared screen, on whichever process,
must still count every phone and show the room's answers: the processes share nothing but
the database. Which process answered is read from nginx's X-Upstream header.

Expected figures come from the scoring API for the same answers, never written in."""

from __future__ import annotations

import contextlib
import re
import urllib.request

import pytest
from conftest import IN_CI
from pages import TIMEOUT
from playwright.sync_api import expect
from servers import warm_up
from test_workshop import (
    PARTICIPANTS,
    PHONE,
    SCREEN,
    answer,
    create_workshop,
    expected_room_means,
    join,
    joined_metric,
    radar_has_trace_with,
    token_in,
)

from scoring import registry
from scoring.store import Store

COOKIE = "cd_route"  # deploy/nginx.conf: the hash key of the sticky routing


@pytest.fixture(scope="module", autouse=True)
def warm_up_app():
    """Replaces conftest's session warm-up, which starts a single app server of its own:
    this module needs only the stack's processes, and warms each of them up itself."""
    yield


@pytest.fixture(scope="module")
def stack(browser, tmp_path_factory):
    from deploy.stack import missing as missing_packages

    missing = missing_packages()
    if missing:
        message = f"not installed: {', '.join(missing)} (apt-get install -y {' '.join(missing)})"
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    from deploy.stack import Stack

    # The app must keep nothing on disk: if it ever ignored COMMISSIONING_DATABASE_URL and
    # fell back to SQLite it would do so here, and the test checks this folder stays empty.
    data_dir = tmp_path_factory.mktemp("hosting-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMMISSIONING_DATA_DIR", str(data_dir))
        patch.delenv("COMMISSIONING_DATABASE_URL", raising=False)
        with Stack(processes=2) as running:
            # Each process learns its pages when app.py first runs (see conftest.warm_up_app).
            for port in running.app_ports:
                warm_up(browser, f"http://127.0.0.1:{port}")
            running.data_dir = data_dir
            yield running


def upstream(url: str, route: str) -> str:
    """The app process (127.0.0.1:PORT) nginx sends a request with this cd_route cookie to."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"{COOKIE}={route}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        answered_by = response.headers.get("X-Upstream")
    assert answered_by, "nginx sent no X-Upstream header (deploy/nginx.conf)"
    return answered_by


def routes_spread_over(stack, prefix: str, count: int) -> list[tuple[str, str]]:
    """`count` cd_route values and the process each goes to, taking the processes in turn
    (phone 1 on the first, phone 2 on the second, ...). nginx's consistent hash is over the
    processes' addresses, whose ports change every run, so look the mapping up afresh."""
    by_process: dict[str, list[str]] = {f"127.0.0.1:{port}": [] for port in stack.app_ports}
    for number in range(500):
        route = f"{prefix}-{number}"
        by_process[upstream(stack.url, route)].append(route)
        if all(len(routes) >= count for routes in by_process.values()):
            break
    processes = list(by_process)
    assert all(by_process.values()), f"no cookie found for some process: {by_process}"
    picked = [processes[n % len(processes)] for n in range(count)]
    return [(by_process[process].pop(0), process) for process in picked]


def new_context(browser, stack, route: str, **options):
    """A browser context that carries this cd_route cookie from its first request and
    records, from every response nginx sends it, which app process answered."""
    context = browser.new_context(**options)
    context.add_cookies([{"name": COOKIE, "value": route, "url": stack.url}])
    served_by: set[str] = set()

    def record(response) -> None:
        if response.url.startswith(stack.url + "/"):
            served_by.add(response.headers.get("x-upstream", "(no X-Upstream header)"))

    context.on("response", record)
    return context, served_by


@contextlib.contextmanager
def app_logs_on_failure(stack):
    """Stack deletes its folder on exit: when the test fails, print the end of each app
    process's log (pytest shows it with the failure)."""
    try:
        yield
    except BaseException:
        for log in sorted(stack.base.glob("app-*.log")):
            print(f"--- {log.name} (last 4000 characters) ---\n{log.read_text()[-4000:]}")
        raise


def test_phones_on_different_app_processes_share_one_room(browser, stack):
    contexts = []
    with app_logs_on_failure(stack), contextlib.ExitStack() as closing:
        closing.callback(lambda: [context.close() for context in contexts])
        assert len(stack.app_ports) == 2
        ((screen_route, screen_process),) = routes_spread_over(stack, "screen", 1)
        phone_routes = routes_spread_over(stack, "phone", len(PARTICIPANTS))
        assert len({process for _, process in phone_routes}) == 2, phone_routes

        screen_context, screen_served_by = new_context(browser, stack, screen_route, viewport=SCREEN)
        contexts.append(screen_context)
        screen = screen_context.new_page()
        code = create_workshop(screen, stack.url, "Two processes")
        facilitator = token_in(screen.url)
        expect(joined_metric(screen)).to_have_text("0", timeout=TIMEOUT)
        screen.get_by_role("button", name="Reveal results").click()
        expect(screen.get_by_role("button", name="Hide results")).to_be_visible(timeout=TIMEOUT)

        phones = []
        for (role, ratings), (route, process) in zip(PARTICIPANTS, phone_routes):
            context, served_by = new_context(browser, stack, route, viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            phone = context.new_page()
            join(phone, stack.url, code, role)
            answer(phone, ratings)
            phones.append((served_by, process))

        # Every response a browser got came from the one process its cookie picks, and the
        # phones were served by both processes (not only the screen's).
        assert screen_served_by == {screen_process}, screen_served_by
        for served_by, process in phones:
            assert served_by == {process}, (served_by, process)
        assert len(set().union(*(served_by for served_by, _ in phones))) == 2
        assert any(process != screen_process for _, process in phones)

        # The shared screen counts them all on its own 3-second refresh: no reload, no click.
        expect(joined_metric(screen)).to_have_text(str(len(PARTICIPANTS)), timeout=TIMEOUT)
        answered = screen.get_by_test_id("stMetric").filter(has_text="Answered something").get_by_test_id("stMetricValue")
        expect(answered).to_have_text(str(len(PARTICIPANTS)), timeout=TIMEOUT)
        title = registry.page_title("eight_aspects")
        expect(screen.get_by_test_id("stCaptionContainer").filter(has_text=title)).to_contain_text(
            re.compile(rf"{re.escape(title)}: {len(PARTICIPANTS)} started"), timeout=TIMEOUT
        )
        radar_has_trace_with(screen, expected_room_means())
        assert screen_served_by == {screen_process}, screen_served_by

        # The answers are in PostgreSQL, and nothing went to a file of the app's own.
        store = Store(stack.database_url)
        try:
            room_now = store.participants(facilitator)
        finally:
            store.engine.dispose()
        # (The store lists the room in an order unrelated to joining.)
        assert sorted((str(role), sorted(response["eight_aspects"])) for role, response in room_now) == sorted(
            (str(role), sorted(item for item, _ in ratings)) for role, ratings in PARTICIPANTS
        )
        assert not any(stack.data_dir.iterdir()), list(stack.data_dir.iterdir())
