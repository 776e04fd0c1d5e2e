"""An answer on the eight-aspects page, on a real `streamlit run` server, over Streamlit's
own websocket: one script run, announced to the browser as the live panel's, which draws
the panel and nothing else (ui/fragment_reruns.py). A refused save still redraws its
question with the message and "Send again". AppTest cannot show this: it does not go
through the server's handling of the browser's rerun request."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from write_lock import write_lock_held

from bench.protocol import Phone, open_page
from deploy import stack
from scoring.diagnostics import eight_aspects
from scoring.store import Store
from ui.session import NOT_SAVED_YET

FIRST, SECOND, THIRD = (f.id for f in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[0])[:3])
LABEL = eight_aspects.instrument().scale  # rating -> the radio's label, its value on the wire


class Recording(Phone):
    """A phone that also keeps every message the server sends it."""

    def __init__(self, url: str):
        super().__init__(url)
        self.messages = []

    def _handle(self, msg) -> None:
        self.messages.append(msg)
        super()._handle(msg)

    async def take(self) -> list:
        """The messages since the last take, once the run has ended: the server sends
        `script_finished` and then the session's status (no longer running), and the
        phone's run returns on the first, so the second may still be on its way."""
        for _ in range(100):
            if self.messages and self._is_idle(self.messages[-1]):
                break
            await asyncio.sleep(0.05)
        taken, self.messages = self.messages, []
        return taken

    @staticmethod
    def _is_idle(msg) -> bool:
        return msg.WhichOneof("type") == "session_status_changed" and not msg.session_status_changed.script_is_running


def runs(messages: list) -> list[list[str]]:
    """The fragments each run announced (its new-session message), in order."""
    return [list(m.metadata.run.fragment_ids) for m in messages if m.WhichOneof("type") == "new_session"]


def blocks(messages: list) -> list:
    """The containers the messages made."""
    return [msg for msg in messages if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "add_block"]


def live_panel_places(messages: list) -> list[list[int]]:
    """Where the messages drew the live panel (its delta path)."""
    return [
        list(msg.metadata.delta_path)
        for msg in messages
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element" and 'class="ea-progress"' in msg.delta.new_element.html.body
    ]


def drawn(messages: list) -> list:
    """(kind, fragment id, element) for each element the messages drew."""
    found = []
    for msg in messages:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            found.append((element.WhichOneof("type"), msg.delta.fragment_id, element))
    return found


def run(scenario):
    """asyncio.run on a thread of its own: the browser tests' Playwright keeps an event
    loop running on the main thread for the whole session."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario).result()


@pytest.fixture
def server(tmp_path: Path):
    database = tmp_path / "commissioning.sqlite3"
    port = stack.free_port()
    process = stack.start_app(port, env={"COMMISSIONING_DATABASE_URL": f"sqlite:///{database}"}, log=tmp_path / "app.log")
    yield f"ws://127.0.0.1:{port}", database
    stack.stop(process)


async def opened(url: str) -> Recording:
    phone = Recording(url)
    await open_page(phone, page="eight-aspects")
    first = await phone.choose(f"ea_rating_{FIRST}", LABEL[3])  # the first answer redraws the page once (its link back)
    assert not first.errors, first.errors
    phone.full_run = await phone.take()
    return phone


def test_an_answer_is_one_run_of_the_live_panel_and_leaves_the_questions_alone(server):
    url, database = server

    async def scenario():
        phone = await opened(url)
        radio_fragment = phone.widget(f"ea_rating_{SECOND}").fragment_id
        result = await phone.choose(f"ea_rating_{SECOND}", LABEL[5])
        assert not result.errors, result.errors
        messages = await phone.take()
        elements = drawn(messages)
        announced = runs(messages)
        assert len(announced) == 1, f"one script run an answer, not {announced}"
        assert [kind for kind, _, _ in elements] == ["html"], "the live panel alone is drawn"
        live_fragment = elements[0][1]
        assert announced == [[live_fragment]], "announced as the live panel's run"
        assert radio_fragment not in announced[0], "the questions are not announced, so the browser keeps them"
        assert "✓ Saved:" in elements[0][2].html.body and "2 of 40 factors answered" in elements[0][2].html.body
        # The live panel draws in place, with no container of its own (ui/fragment_reruns.py): an
        # answer makes none, and the panel replaces the one the page's full run drew.
        assert not blocks(messages), "an answer makes no container"
        assert len(messages) == 5, [m.WhichOneof("type") for m in messages]
        full_runs = live_panel_places(phone.full_run)  # the page's opening and its first answer
        assert len(full_runs) == 2 and live_panel_places(messages) == full_runs[-1:], "drawn where the full runs drew it"
        # The question is still answerable on the same page: a third answer lands too.
        again = await phone.choose(f"ea_rating_{THIRD}", LABEL[1])
        assert not again.errors and len(runs(await phone.take())) == 1
        await phone.close()
        return phone.query("r")

    assert stored_ratings(database, run(scenario())) == {FIRST: 3, SECOND: 5, THIRD: 1}


def test_a_refused_answer_redraws_its_question_with_the_message_and_send_again(server):
    url, database = server

    async def scenario():
        phone = await opened(url)
        refused = await choose_refused(phone, database, f"ea_rating_{SECOND}", LABEL[5])
        messages = await phone.take()
        kinds = [kind for kind, _, _ in drawn(messages)]
        assert "alert" in kinds and "radio" in kinds and "button" in kinds, f"the question redrawn with its message: {kinds}"
        assert any(NOT_SAVED_YET in el.alert.body for kind, _, el in drawn(messages) if kind == "alert")
        assert not refused.errors, refused.errors
        sent = await phone.click(f"ea_retry_{SECOND}")
        assert not sent.errors, sent.errors
        after = await phone.take()
        assert not [el for kind, _, el in drawn(after) if kind == "alert"], "saved: the message has gone"
        assert any("✓ Saved:" in el.html.body for kind, _, el in drawn(after) if kind == "html")
        await phone.close()
        return phone.query("r")

    token = run(scenario())
    store = Store(f"sqlite:///{database}")
    assert store.answers(token, eight_aspects.ID)[SECOND]["rating"] == 5
    store.dispose()


def stored_ratings(database: Path, token: str) -> dict:
    """The respondent's eight-aspects ratings as the store holds them."""
    store = Store(f"sqlite:///{database}")
    try:
        return {item: record["rating"] for item, record in store.answers(token, eight_aspects.ID).items()}
    finally:
        store.dispose()


async def choose_refused(phone: Phone, database: Path, key: str, label: str):
    """Choose while another writer keeps SQLite's write lock past every retry: the save is
    refused and the choice stays on screen, to send again."""
    with write_lock_held(database):
        return await phone.choose(key, label)


def test_next_aspect_draws_each_question_as_its_radio_and_source_with_no_container_of_its_own(server):
    """A move redraws the questions' column: each of the new aspect's factors is two
    elements, its radio and the caption with its source (boxed together by the page's
    style), not a bordered container around them, which was one more message each."""
    url, _ = server
    second_aspect = [f.id for f in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[1])]

    async def scenario():
        phone = await opened(url)
        moved = await phone.click("ea_next")
        assert not moved.errors, moved.errors
        messages = await phone.take()
        await phone.close()
        return messages

    messages = run(scenario())
    kinds = [kind for kind, _, _ in drawn(messages)]
    radios = [element.radio for kind, _, element in drawn(messages) if kind == "radio"]
    assert [radio.id.rsplit("-", 1)[-1] for radio in radios] == [f"ea_rating_{item}" for item in second_aspect]
    for position, kind in enumerate(kinds):
        if kind == "radio":
            assert kinds[position + 1] == "markdown", f"each radio followed by its source: {kinds}"
    # The column's own container, the answers' fragment and the row of buttons: no block per factor.
    assert len(blocks(messages)) == 3, [m.delta.add_block for m in blocks(messages)]


def test_an_aspect_left_and_come_back_to_shows_its_stored_answers_and_keeps_a_choice_to_send(server):
    """Leaving an aspect drops its widgets' values from the session (form.forget_widgets);
    coming back draws every answer from the store, and a choice that could not be saved is
    drawn as that choice, so "Send again" sends it. The phone sends every widget's value
    with the button, as the browser does: a choice drawn as the radio's first option (as
    it was) is sent, and stored, as that option."""
    url, database = server
    other = eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[1])[0].id

    async def scenario():
        phone = await opened(url)  # FIRST rated 3
        await choose_refused(phone, database, f"ea_rating_{SECOND}", LABEL[5])
        for step in ("ea_next", f"ea_rating_{other}", "ea_previous"):
            result = await (phone.choose(step, LABEL[2]) if step.startswith("ea_rating") else phone.click(step))
            assert not result.errors, result.errors
        back = await phone.take()
        radios = {el.radio.id.rsplit("-", 1)[-1]: el.radio for kind, _, el in drawn(back) if kind == "radio"}
        assert radios[f"ea_rating_{FIRST}"].set_value and radios[f"ea_rating_{FIRST}"].raw_value == LABEL[3], "drawn from the store"
        assert radios[f"ea_rating_{SECOND}"].set_value and radios[f"ea_rating_{SECOND}"].raw_value == LABEL[5], "drawn as the choice not saved"
        assert any(NOT_SAVED_YET in el.alert.body for kind, _, el in drawn(back) if kind == "alert"), "still to send"
        sent = await phone.click(f"ea_retry_{SECOND}")
        assert not sent.errors, sent.errors
        await phone.close()
        return phone.query("r")

    assert stored_ratings(database, run(scenario())) == {FIRST: 3, SECOND: 5, other: 2}
