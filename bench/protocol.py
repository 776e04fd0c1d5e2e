"""A phone that speaks Streamlit's own websocket protocol, for bench/load.py.

It does what the browser's client does, with the installed streamlit package's protobufs:
opens `/_stcore/stream`, sends `BackMsg.rerun_script` with the query string, the page
and the widgets that changed (and the fragment they sit in), and reads `ForwardMsg`s
until the run ends. It keeps just enough of the page to find widgets by key and read
their options, and, as the browser does, the value of every widget on the page: each
rerun carries them all (a real Chromium on the eight-aspects page sends seven, the picker,
the details switch and the five radios, an unanswered radio as its id alone), and the
server compares each with what it had to find the ones that changed. It is a measuring
instrument, not a browser: it draws nothing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# Element kinds whose text counts as a failure shown to the user.
ERROR_KINDS = {"exception"}


class ProtocolError(RuntimeError):
    """The server did something a browser would show as broken (or nothing at all)."""


@dataclass
class Widget:
    id: str
    kind: str
    element: object  # the element's protobuf (a Radio, a Button, ...)
    fragment_id: str = ""


@dataclass
class RunResult:
    seconds: float
    errors: list[str] = field(default_factory=list)


class Phone:
    """One browser tab on the app, driven over the websocket."""

    def __init__(self, url: str, *, cookie: str | None = None, timeout: float = 60.0):
        self.url = url  # ws://host:port
        self.cookie = cookie
        self.timeout = timeout
        self.query_string = ""
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}  # what the browser would send: every widget's value
        self._widget_at: dict[tuple[int, ...], str] = {}  # delta path -> the widget drawn there
        self.fragments: dict[str, float] = {}  # auto-rerun fragment id -> interval (s)
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._finished: asyncio.Queue = asyncio.Queue()
        self._run_errors: list[str] = []
        self.closed = asyncio.Event()

    async def connect(self) -> None:
        origin = self.url.replace("ws://", "http://", 1)
        headers = {"Origin": origin}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._ws = await websockets.connect(
            f"{self.url}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            compression=None,
        )
        self.closed.clear()
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- Sending ----------------------------------------------------------------------
    async def run(self, *, widgets: list | None = None, page: str | None = None, fragment_id: str = "", auto: bool = False) -> RunResult:
        """Send one rerun and wait for the run it causes to end; `widgets` are
        (widget, field, value) triples."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        if page is not None:
            state.page_script_hash = self.pages.get(page, "")
            state.page_name = page if not state.page_script_hash else ""
        else:
            state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        triggers = []
        for widget, field_name, value in widgets or []:
            entry = WidgetState(id=widget.id)
            setattr(entry, field_name, value)
            if field_name == "trigger_value":  # a press is sent once, not kept
                triggers.append(entry)
            else:
                self.states[widget.id] = entry
        state.widget_states.widgets.extend([*self.states.values(), *triggers])
        while not self._finished.empty():
            self._finished.get_nowait()
        self._run_errors = []
        began = time.perf_counter()
        if self.closed.is_set():
            raise ProtocolError("the connection is closed")
        await self._ws.send(msg.SerializeToString())
        while True:
            try:
                status = await asyncio.wait_for(self._finished.get(), self.timeout)
            except asyncio.TimeoutError:
                raise ProtocolError(f"no end of run within {self.timeout:.0f} s") from None
            if status is None:
                raise ProtocolError("the connection closed during the run")
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # st.rerun(): the request ends with the run that follows
            seconds = time.perf_counter() - began
            if status not in FINISHED:
                self._run_errors.append(f"run ended with status {status}")
            return RunResult(seconds, list(self._run_errors))

    async def choose(self, key: str, label: str) -> RunResult:
        """Pick an option of a radio (its value on the wire is the label)."""
        widget = self.widget(key)
        return await self.run(widgets=[(widget, "string_value", label)], fragment_id=widget.fragment_id)

    async def click(self, key: str | None = None, *, label: str | None = None, also: list | None = None) -> RunResult:
        """Press a button (by key, or by label), with any form fields in `also`."""
        widget = self.widget(key) if key else self.button(label)
        return await self.run(widgets=[*(also or []), (widget, "trigger_value", True)], fragment_id=widget.fragment_id)

    # --- What the page holds -------------------------------------------------------------
    def widget(self, key: str) -> Widget:
        for widget_id, widget in self.widgets.items():
            if widget_id.endswith(f"-{key}"):
                return widget
        raise ProtocolError(f"no widget with key {key!r} on the page")

    def button(self, label: str) -> Widget:
        for widget in self.widgets.values():
            if widget.kind == "button" and widget.element.label == label:
                return widget
        raise ProtocolError(f"no button {label!r} on the page")

    def has_widget(self, key: str) -> bool:
        return any(widget_id.endswith(f"-{key}") for widget_id in self.widgets)

    def query(self, name: str) -> str | None:
        for part in self.query_string.split("&"):
            if part.startswith(f"{name}="):
                return part.split("=", 1)[1]
        return None

    # --- Reading ----------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed.set()
            self._finished.put_nowait(None)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
            self.widgets, self.states, self._widget_at = {}, {}, {}  # a full run redraws the page
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                self._element(delta.new_element, delta.fragment_id, tuple(msg.metadata.delta_path))
        elif kind == "script_finished":
            self._finished.put_nowait(msg.script_finished)

    def _element(self, element, fragment_id: str, path: tuple[int, ...]) -> None:
        kind = element.WhichOneof("type")
        if kind in ERROR_KINDS:
            self._run_errors.append(f"{kind}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self._run_errors.append(f"error: {element.alert.body}")
        elif kind == "toast":
            self._run_errors.append(f"toast: {element.toast.body}")  # the app toasts only refusals
        inner = getattr(element, kind, None)
        widget_id = getattr(inner, "id", "") if inner is not None else ""
        replaced = self._widget_at.pop(path, None)
        if replaced is not None and replaced != widget_id:  # the browser forgets a widget no longer drawn
            self.widgets.pop(replaced, None)
            self.states.pop(replaced, None)
        if widget_id:
            self.widgets[widget_id] = Widget(widget_id, kind, inner, fragment_id)
            self._widget_at[path] = widget_id
            if widget_id not in self.states or getattr(inner, "set_value", False):
                shown = browser_state(kind, inner)
                if shown is not None:
                    self.states[widget_id] = shown


def browser_state(kind: str, element) -> WidgetState | None:
    """The value the browser holds for a widget as drawn (its default, or the value the
    app set): a radio or selectbox by its option's label, an unanswered one by its id
    alone. None for a button (sent only when pressed), a form's field (sent only with its
    submit button) and kinds not listed here."""
    if getattr(element, "form_id", ""):
        return None
    shown = WidgetState(id=element.id)
    if kind in ("radio", "selectbox"):
        if element.set_value:
            if element.HasField("raw_value"):  # else set to no choice
                shown.string_value = element.raw_value
        elif element.HasField("default"):
            shown.string_value = element.options[element.default]
    elif kind == "checkbox":  # a toggle too
        shown.bool_value = element.value if element.set_value else element.default
    elif kind in ("text_area", "text_input"):
        if element.set_value and element.HasField("value"):
            shown.string_value = element.value
        elif not element.set_value and element.HasField("default"):
            shown.string_value = element.default
    else:
        return None
    return shown


async def open_page(phone: Phone, query_string: str = "", page: str | None = None) -> RunResult:
    """Connect and run the page a link opens (the browser's first rerun)."""
    phone.query_string = query_string
    await phone.connect()
    return await phone.run(page=page or "")
