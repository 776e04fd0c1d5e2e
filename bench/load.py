"""A real room on a real server: many phones over Streamlit's own websocket protocol.

Starts the app with `streamlit run` on 127.0.0.1 and a fresh database (one process on
SQLite, or with --processes 2+ the deploy/stack.py stack: app processes behind nginx on
PostgreSQL), creates a workshop and reveals its results, opens the facilitator's shared
screen (its 3-second refresh driven as the browser drives it), then for each N: N phones
join by the code (spread over --join-seconds), pick a role, open the eight-aspects page
and answer K factors, each after a think time. Afterwards it reads the store and checks
that every acknowledged answer is there with the value sent and nothing else is.

In the same run, the same harness drives a bare page with one st.radio (bench/bare_radio.py)
on one process with the same phones and think times, just before and just after the
largest room, so `ratio=` (server CPU per answer, ours / the mean of the bare page's two)
holds on a machine whose speed drifts. With --processes 2+ and --bare-on-stack, the bare
page is also served as the app is, by as many processes behind nginx, and
`ratio_same_setup=` divides by that: what our page costs over the bare page's, with the
processes and the proxy the same on both sides. Even so, on this machine one room's
`ratio=` moved between 1.79 and 2.29 for the same code within an hour; --repeat R runs the
largest room R times, the bare page before each and after the last, and `ratio=` divides
the mean of the R rooms by the mean of the R + 1 bare runs (`ratios_each=` gives each
room against the two bare runs beside it). --bare-alongside also runs the bare page's
room at the same time as each largest room, on its own server, both starting to answer at
the same moment, so that each server's CPU per answer is counted over the same stretch of
this machine (`ratio_alongside=`; `ratios_alongside_each=` with --repeat); with
--bare-on-stack, the bare page beside it is the one served as the app is.

    python3 bench/load.py [--participants 10,40,100,200,400] [--answers 8] [--think 2-6]
                          [--processes 1] [--database-url URL] [--duration SECONDS]
                          [--kill-one SECONDS] [--bare-on-stack] [--repeat R] [--bare-alongside]

Per N it prints a line of key=value pairs: answers sent, stored, errors, latency
p50/p95/p99/max (from sending a change to the end of the run it causes), server CPU ms per
answer, server memory, the shared screen's refresh time; and at the end `ratio=` and
`p95_ms=` (the largest N's, the worst of them with --repeat). --duration makes each phone keep answering (changing its
answers) for that long, sampling server memory every 10 s (a soak run). --kill-one S
(with --processes 2+) SIGKILLs one app process S seconds into the answering: its phones
reconnect through nginx with their cookie and resume link, as the browser's client does,
send again the answer that was in flight, and carry on; `dropped=` counts those answers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.protocol import Phone, ProtocolError, open_page  # noqa: E402
from deploy import stack  # noqa: E402

ROLES = ["Commissioner", "Finance", "Provider", "Elected member"]
EIGHT_ASPECTS = "eight_aspects"


@dataclass
class Tally:
    """What the phones saw, and what they were told was saved."""

    latencies: list[float] = field(default_factory=list)  # seconds, answers only
    join_seconds: list[float] = field(default_factory=list)
    join_steps: dict[str, list[float]] = field(default_factory=dict)  # each step of a join: seconds
    page_seconds: list[float] = field(default_factory=list)  # Next aspect
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    acknowledged: dict[tuple[str, str], int | None] = field(default_factory=dict)  # (token, item) -> rating
    in_doubt: dict[tuple[str, str], set] = field(default_factory=dict)  # sent, no answer: either value may be stored
    screen: list[float] = field(default_factory=list)
    timeline: list[tuple[float, str, float]] = field(default_factory=list)  # (finished at, what, seconds), for --timeline
    reconnects: int = 0
    follows: int = 0  # self-refreshing runs of the phones' pages
    moved: list[float] = field(default_factory=list)  # seconds from the facilitator's move to each phone showing the section
    dropped: int = 0  # answers whose connection dropped under them (then sent again)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB) while answering
    cpu_before: float = 0.0
    join_cpu: float = 0.0  # server CPU seconds while the phones joined (the shared screen refreshing too)
    cpu: float = 0.0  # server CPU seconds while answering
    kernel_cpu: float = 0.0  # the kernel's part of it
    began: float = 0.0
    seconds: float = 0.0
    opened: float = field(default_factory=time.monotonic)  # the room's start: --timeline counts from here

    def error(self, text: str) -> None:
        self.errors.append(text[:300])

    def took(self, what: str, seconds: float) -> None:
        self.timeline.append((time.monotonic() - self.opened, what, seconds))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- Servers -------------------------------------------------------------------------------
def cpu_seconds(pid: int, *, kernel_only: bool = False) -> float:
    """A process's CPU time so far: user and kernel, or the kernel's part alone (sockets,
    switching threads), which a Python profiler does not see."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[12]) + (0 if kernel_only else int(fields[11]))  # stime, utime
    return ticks / os.sysconf("SC_CLK_TCK")


def kernel_seconds(pids: list[int]) -> float:
    return sum(cpu_seconds(pid, kernel_only=True) for pid in pids if Path(f"/proc/{pid}").exists())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Servers:
    """The app (one process, or the stack) and the bare page, for one run of the bench."""

    def __init__(self, exit_stack: ExitStack, *, processes: int, database_url: str | None, base: Path, bare_on_stack: bool = False):
        self.base = base
        if processes > 1:
            self.stack = exit_stack.enter_context(stack.Stack(processes, database_url=database_url, base=base / "stack"))
            self.database_url = self.stack.database_url
            self.http = self.stack.url
        else:
            self.stack = None
            self.database_url = database_url or f"sqlite:///{base / 'commissioning.sqlite3'}"
            port = stack.free_port()
            self._app = stack.start_app(port, env={"COMMISSIONING_DATABASE_URL": self.database_url}, log=base / "app.log")
            exit_stack.callback(stack.stop, self._app)
            self.http = f"http://127.0.0.1:{port}"
        bare_port = stack.free_port()
        self._bare = stack.start_app(bare_port, env={}, log=base / "bare.log", script="bench/bare_radio.py")
        exit_stack.callback(stack.stop, self._bare)
        self.bare_http = f"http://127.0.0.1:{bare_port}"
        self.bare_stack = None
        if bare_on_stack:  # its processes touch no database; the app's URL keeps the stack from making one
            self.bare_stack = exit_stack.enter_context(
                stack.Stack(processes, database_url=self.database_url, base=base / "bare-stack", script="bench/bare_radio.py")
            )

    @property
    def app_pids(self) -> list[int]:
        apps = self.stack.apps if self.stack else [self._app]
        return [app.pid for app in apps if app.poll() is None]

    def kill_one(self) -> None:
        """SIGKILL the first app process (a crash), for --kill-one; the others carry on."""
        if not self.stack:
            raise SystemExit("--kill-one needs --processes 2 or more")
        self.stack.apps[0].send_signal(signal.SIGKILL)
        print(f"  killed app process {self.stack.apps[0].pid}", flush=True)

    @property
    def bare_pids(self) -> list[int]:
        return [self._bare.pid]

    @property
    def bare_stack_pids(self) -> list[int]:
        return [app.pid for app in self.bare_stack.apps]


def ws(http: str) -> str:
    return http.replace("http://", "ws://", 1)


# --- Phones --------------------------------------------------------------------------------
def rating_values() -> dict[str, int | None]:
    from scoring.diagnostics import eight_aspects

    instrument = eight_aspects.instrument()
    return {**{label: value for value, label in instrument.scale.items()}, instrument.dont_know: None}


class Participant:
    """One phone in the room: joins, answers, and comes back by its link if dropped."""

    def __init__(self, number: int, http: str, code: str, tally: Tally, values: dict, rng: random.Random, *, in_round: bool = False):
        self.number, self.http, self.code, self.tally, self.values, self.rng = number, http, code, tally, values, rng
        self.in_round = in_round  # the room follows a round: answer the section on the phone's home
        self.cookie = f"cd_route=phone{number:04d}{rng.getrandbits(32):08x}"
        self.phone = Phone(ws(http), cookie=self.cookie)
        self.token: str | None = None
        self.due: dict[str, float] = {}  # self-refreshing part of the page -> when it next runs

    async def keep_up(self) -> None:
        """Run the page's self-refreshing parts that are due, as the browser does on its own
        timer (a participant's page checks whether the room moved to another section)."""
        now = time.monotonic()
        for fragment_id, interval in list(self.phone.fragments.items()):
            if now >= self.due.get(fragment_id, now + interval):
                result = await self.phone.run(fragment_id=fragment_id, auto=True)
                self.tally.took("follow", result.seconds)
                self.tally.follows += 1
                if result.errors:
                    self.tally.error(f"phone {self.number} (self-refresh): {'; '.join(result.errors)}")
                self.due[fragment_id] = time.monotonic() + interval

    async def shows(self, item_id: str, since: float, limit: float = 60.0) -> None:
        """Wait, without sending anything, until the server has redrawn this phone's page
        with the section holding `item_id` (the facilitator has just moved the room)."""
        key = f"wr_{EIGHT_ASPECTS}_{item_id}_rating"
        while not self.phone.has_widget(key):
            if time.monotonic() - since > limit or self.phone.closed.is_set():
                self.tally.error(f"phone {self.number} did not follow the room within {limit:.0f} s")
                return
            await asyncio.sleep(0.02)
        self.tally.moved.append(time.monotonic() - since)

    async def join(self) -> None:
        began = time.perf_counter()
        opened = await open_page(self.phone, f"join={self.code}")
        role_radio = self.phone.widget("join_role")
        role = list(role_radio.element.options)[1 + self.number % len(ROLES)]
        result = await self.phone.click(label="Join", also=[(role_radio, "string_value", role)])
        self.token = self.phone.query("r")
        if not self.token:
            raise ProtocolError(f"joining gave no resume link: {result.errors}")
        steps = {"open": opened.seconds, "join": result.seconds}
        if not self.in_round:
            steps["questions"] = (await self.phone.run(page="eight-aspects")).seconds
        for step, seconds in steps.items():
            self.tally.join_steps.setdefault(step, []).append(seconds)
            self.tally.took(f"join_{step}", seconds)
        self.tally.join_seconds.append(time.perf_counter() - began)

    async def reconnect(self, attempts: int = 10) -> None:
        """What the browser does after a dropped connection: a new websocket on the same
        link, with the same cookie, retried with back-off. Through nginx a process that is
        down is skipped, so it may land on another."""
        await self.phone.close()
        for attempt in range(attempts):
            self.phone = Phone(ws(self.http), cookie=self.cookie)
            try:
                await open_page(self.phone, f"r={self.token}", page=None if self.in_round else "eight-aspects")
                self.tally.reconnects += 1
                return
            except (ProtocolError, OSError):
                await self.phone.close()
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(min(5.0, 0.5 * 2**attempt))

    async def find(self, item_id: str) -> None:
        """Press Next aspect until the factor is on the page (after a reconnect the page
        opens at the first aspect again)."""
        from scoring.diagnostics import eight_aspects

        for _ in eight_aspects.ASPECTS:
            if self.phone.has_widget(f"ea_rating_{item_id}") or not self.phone.has_widget("ea_next"):
                break
            moved = await self.phone.click("ea_next")
            self.tally.page_seconds.append(moved.seconds)
            self.tally.took("next_aspect", moved.seconds)
        if not self.phone.has_widget(f"ea_rating_{item_id}"):
            raise ProtocolError(f"the factor {item_id} is not on the page")

    async def answer(self, item_ids: list[str], answers: int, think: tuple[float, float], until: float | None) -> None:
        labels = list(self.values)
        count = 0
        while (count < answers) if until is None else (time.monotonic() < until):
            await self._think(self.rng.uniform(*think))
            item_id = item_ids[count % len(item_ids)]
            label = labels[self.rng.randrange(len(labels))]
            self.tally.sent += 1
            count += 1
            # A phone whose connection drops comes back and sends the answer again, as a
            # participant does on seeing it not saved.
            for attempt in range(2):
                if await self._send(item_id, label, last_try=attempt == 1):
                    break

    async def _think(self, seconds: float) -> None:
        """Wait as a person thinks, the page refreshing its own parts meanwhile."""
        until = time.monotonic() + seconds
        while True:
            for fragment_id, interval in self.phone.fragments.items():
                self.due.setdefault(fragment_id, time.monotonic() + interval)
            due = min((self.due[f] for f in self.phone.fragments), default=until)
            await asyncio.sleep(max(0.0, min(until, due) - time.monotonic()))
            if time.monotonic() >= until:
                return
            try:
                await self.keep_up()
            except (ProtocolError, OSError):
                return  # the answer that follows finds the dropped connection and comes back

    async def _send(self, item_id: str, label: str, *, last_try: bool) -> bool:
        """One answer; False if the connection dropped (and the phone came back)."""
        key = (self.token, item_id)
        try:
            if self.in_round:
                result = await self.phone.choose(f"wr_{EIGHT_ASPECTS}_{item_id}_rating", label)
            else:
                await self.find(item_id)
                result = await self.phone.choose(f"ea_rating_{item_id}", label)
        except (ProtocolError, OSError) as exc:
            self.tally.in_doubt.setdefault(key, set()).add(self.values[label])
            if not self.phone.closed.is_set() or last_try:
                self.tally.error(f"phone {self.number}: {exc}")
                return True
            self.tally.dropped += 1
            try:
                await self.reconnect()
            except (ProtocolError, OSError) as again:
                self.tally.error(f"phone {self.number} could not come back: {again}")
                return True
            return False
        if result.errors:
            self.tally.error(f"phone {self.number}: {'; '.join(result.errors)}")
            self.tally.in_doubt.setdefault(key, set()).add(self.values[label])
            return True
        self.tally.latencies.append(result.seconds)
        self.tally.took("answer", result.seconds)
        self.tally.acknowledged[key] = self.values[label]
        self.tally.in_doubt.pop(key, None)
        return True


async def shared_screen(http: str, facilitator_token: str, tally: Tally, stop: asyncio.Event) -> None:
    """The facilitator's screen, refreshed every few seconds as the browser does it (and
    opened again, as the browser does, if its process goes away)."""
    phone = Phone(ws(http), cookie="cd_route=facilitator")
    await open_page(phone, f"r={facilitator_token}")
    if not phone.fragments:
        raise ProtocolError("the shared screen has no self-refreshing part")
    fragment_id, interval = next(iter(phone.fragments.items()))
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except asyncio.TimeoutError:
            pass
        if stop.is_set():
            break
        try:
            result = await phone.run(fragment_id=fragment_id, auto=True)
        except (ProtocolError, OSError):
            if not phone.closed.is_set():
                raise
            tally.dropped += 1
            await phone.close()
            phone = Phone(ws(http), cookie="cd_route=facilitator")
            await open_page(phone, f"r={facilitator_token}")
            tally.reconnects += 1
            fragment_id = next(iter(phone.fragments))
            continue
        tally.screen.append(result.seconds)
        tally.took("screen", result.seconds)
        if result.errors:
            tally.error(f"shared screen: {'; '.join(result.errors)}")
    await phone.close()


async def screen_refresh_quiet(http: str, facilitator_token: str, database_url: str, tally: Tally, runs: int = 5) -> tuple[list[float], list[float]]:
    """The shared screen's refresh with the room at rest (nothing else running): as it
    is, and just after one participant changed an answer (the room's figures are then
    worked out afresh from everything in the store)."""
    from scoring.store import Store

    phone = Phone(ws(http), cookie="cd_route=facilitator-quiet")
    await open_page(phone, f"r={facilitator_token}")
    fragment_id = next(iter(phone.fragments))
    quiet = [(await phone.run(fragment_id=fragment_id, auto=True)).seconds for _ in range(runs)]
    changed = []
    store = Store(database_url)
    keys = list(tally.acknowledged)[:runs]
    for token, item_id in keys:
        record = store.answer(token, EIGHT_ASPECTS, item_id) or {}
        rating = record.get("rating")
        store.save_answer(token, EIGHT_ASPECTS, item_id, {**record, "rating": 1 if rating != 1 else 2})
        tally.acknowledged[(token, item_id)] = 1 if rating != 1 else 2  # the store check that follows expects it
        changed.append((await phone.run(fragment_id=fragment_id, auto=True)).seconds)
    store.dispose()
    await phone.close()
    return quiet, changed


# --- One round -----------------------------------------------------------------------------
async def room(
    http: str, code: str, facilitator_token: str, n: int, args, seed: int, pids: list[int], kill=None, move=None, together: asyncio.Barrier | None = None
) -> Tally:
    """Join everyone, then answer; server CPU is counted over the answering only. With
    `kill`, it is called --kill-one seconds into the answering (SIGKILL one process). With
    `move`, called once all have joined, the facilitator moves the room to the first aspect
    and every phone must show it by itself before answering. With `together`, the answering
    starts when the bare room's does (--bare-alongside)."""
    from scoring.diagnostics import eight_aspects

    tally = Tally()
    values = rating_values()
    instrument = eight_aspects.instrument()
    # K answers go to K different factors in page order (Next aspect when one is done);
    # a soak run keeps changing the first aspect's answers.
    order = [f.id for aspect in eight_aspects.ASPECTS for f in instrument.factors_of(aspect)]
    if args.duration or args.round:  # a round: the first aspect, answered on the phone's home
        order = [f.id for f in instrument.factors_of(eight_aspects.ASPECTS[0])]
    rng = random.Random(seed)
    people = [Participant(i, http, code, tally, values, random.Random(rng.random()), in_round=args.round) for i in range(n)]
    stop = asyncio.Event()
    screen = asyncio.create_task(shared_screen(http, facilitator_token, tally, stop)) if not args.no_screen else None

    async def join(person: Participant, delay: float) -> Participant | None:
        await asyncio.sleep(delay)
        try:
            await person.join()
            return person
        except (ProtocolError, OSError) as exc:
            tally.error(f"phone {person.number} could not join: {exc}")
            return None

    cpu_sampler = asyncio.create_task(sample_cpu(pids, tally, stop)) if args.timeline else None
    before_joins = sum(cpu_seconds(pid) for pid in pids)
    joined = [p for p in await asyncio.gather(*(join(p, args.join_seconds * i / n) for i, p in enumerate(people))) if p]
    tally.join_cpu = sum(cpu_seconds(pid) for pid in pids) - before_joins
    if move:
        await asyncio.sleep(3)  # the joins' own runs have ended
        since = time.monotonic()
        move()
        await asyncio.gather(*(p.shows(order[0], since) for p in joined))
    if together:
        await together.wait()
    tally.cpu_before = sum(cpu_seconds(pid) for pid in pids)
    kernel_before = kernel_seconds(pids)
    tally.began = time.monotonic()
    profilers = start_profilers(args.profile, f"N{n}", pids) if args.profile else []
    until = time.monotonic() + args.duration if args.duration else None
    sampler = asyncio.create_task(sample_memory(pids, tally, stop)) if args.duration else None
    if kill:
        asyncio.get_running_loop().call_later(args.kill_one, kill)
    await asyncio.gather(*(p.answer(order, args.answers, args.think, until) for p in joined))
    tally.cpu = sum(cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}").exists()) - tally.cpu_before
    tally.kernel_cpu = kernel_seconds(pids) - kernel_before
    tally.seconds = time.monotonic() - tally.began
    stop_profilers(profilers)
    stop.set()
    if screen:
        await screen
    for task in (sampler, cpu_sampler):
        if task:
            await task
    for person in people:
        await person.phone.close()
    return tally


def write_timeline(path: Path, tally: Tally) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["ended_s,what,ms"] + [f"{at:.3f},{what},{1000 * seconds:.1f}" for at, what, seconds in sorted(tally.timeline)]
    path.write_text("\n".join(lines) + "\n")


def start_profilers(folder: str, label: str, pids: list[int]) -> list[subprocess.Popen]:
    """py-spy on each app process over the answering only (not the joins): --gil counts
    only the thread holding the GIL, so threads waiting for it do not show as busy."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                "py-spy",
                "record",
                "--pid",
                str(pid),
                "--gil",
                "--nonblocking",
                "--rate",
                "250",
                "--format",
                "raw",
                "--output",
                str(Path(folder) / f"answering-{label}-{pid}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def stop_profilers(profilers: list[subprocess.Popen]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    for profiler in profilers:
        profiler.wait(timeout=60)


async def sample_memory(pids: list[int], tally: Tally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        tally.memory.append((time.monotonic() - tally.began, sum(rss_mb(pid) for pid in pids if Path(f"/proc/{pid}").exists())))
        try:
            await asyncio.wait_for(stop.wait(), 10)
        except asyncio.TimeoutError:
            pass


async def sample_cpu(pids: list[int], tally: Tally, stop: asyncio.Event) -> None:
    """The app processes' CPU each second (1.0 = one core busy), for --timeline: a slow
    stretch with the server idle is waiting, not work."""
    last = sum(cpu_seconds(pid) for pid in pids)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass
        now = sum(cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}").exists())
        tally.took("server_cpu", now - last)  # CPU seconds in the last second
        last = now


async def bare_room(http: str, n: int, args, seed: int, pids: list[int], together: asyncio.Barrier | None = None) -> Tally:
    """The same phones and think times on the one-radio page; with `together`, answering
    from when the room beside it starts answering."""
    tally = Tally()
    rng = random.Random(seed)
    phones = [Phone(ws(http), cookie=f"cd_route=bare{i:04d}") for i in range(n)]  # behind nginx (--bare-on-stack), spread by it

    async def arrive(i: int) -> None:
        await asyncio.sleep(args.join_seconds * i / n)
        await open_page(phones[i])

    async def answer(i: int) -> None:
        own = random.Random(rng.random())
        for _ in range(args.answers):
            await asyncio.sleep(own.uniform(*args.think))
            tally.sent += 1
            result = await phones[i].choose("bare_rating", str(own.randint(1, 5)))
            if result.errors:
                tally.error("; ".join(result.errors))
            else:
                tally.latencies.append(result.seconds)

    await asyncio.gather(*(arrive(i) for i in range(n)))
    if together:
        await together.wait()
    tally.cpu_before = sum(cpu_seconds(pid) for pid in pids)
    kernel_before = kernel_seconds(pids)
    profilers = start_profilers(args.profile, f"bare-N{n}", pids) if args.profile else []
    await asyncio.gather(*(answer(i) for i in range(n)))
    tally.cpu = sum(cpu_seconds(pid) for pid in pids) - tally.cpu_before
    tally.kernel_cpu = kernel_seconds(pids) - kernel_before
    stop_profilers(profilers)
    for phone in phones:
        await phone.close()
    return tally


def measure_bare(servers: Servers, n: int, args, when: str, *, on_stack: bool = False) -> float:
    """The bare page's server CPU per answer with n phones, printed. It is measured just
    before and just after the largest room, and `ratio=` divides by their mean: this
    machine's speed drifts over minutes, and the two bracket the room."""
    http, pids = (servers.bare_stack.url, servers.bare_stack_pids) if on_stack else (servers.bare_http, servers.bare_pids)
    return print_bare(asyncio.run(bare_room(http, n, args, args.seed, pids)), n, f"{'on_stack' if on_stack else 'page'}_{when}")


def room_with_bare_alongside(servers: Servers, code: str, facilitator: str, n: int, args, seed: int, move=None) -> tuple[Tally, Tally]:
    """The room and the bare page's room at once, each on its own server, both answering
    from the same moment: each server's CPU per answer is counted over the same minute of
    this machine, whose speed drifts between minutes (--bare-alongside). With
    --bare-on-stack, the bare page is served as the app is (processes behind nginx)."""
    bare_http, bare_pids = (servers.bare_stack.url, servers.bare_stack_pids) if args.bare_on_stack else (servers.bare_http, servers.bare_pids)

    async def both() -> tuple[Tally, Tally]:
        together = asyncio.Barrier(2)
        return await asyncio.gather(
            room(servers.http, code, facilitator, n, args, seed, servers.app_pids, None, move, together),
            bare_room(bare_http, n, args, args.seed, bare_pids, together),
        )

    return asyncio.run(both())


def print_bare(bare: Tally, n: int, label: str) -> float:
    per_answer = 1000 * bare.cpu / max(1, bare.sent)
    print(
        f"bare_{label} N={n} sent={bare.sent} errors={len(bare.errors)} p95_ms={1000 * percentile(bare.latencies, 0.95):.0f} "
        f"cpu_ms_per_answer={per_answer:.1f} kernel_ms_per_answer={1000 * bare.kernel_cpu / max(1, bare.sent):.1f}",
        flush=True,
    )
    return per_answer


def check_store(database_url: str, tally: Tally) -> tuple[int, list[str]]:
    """How many acknowledged answers are stored as sent; and every mismatch."""
    from scoring.store import Store

    store = Store(database_url)
    problems = []
    stored = 0
    tokens = {token for token, _ in tally.acknowledged} | {token for token, _ in tally.in_doubt}
    for token in tokens:
        found = store.answers(token, EIGHT_ASPECTS)
        for item_id, record in found.items():
            key = (token, item_id)
            if key in tally.in_doubt and record.get("rating") in tally.in_doubt[key] | {tally.acknowledged.get(key, "-")}:
                continue  # sent but not acknowledged: saved or not, both are honest
            if key not in tally.acknowledged:
                problems.append(f"{item_id} stored but never acknowledged")
            elif record.get("rating") != tally.acknowledged[key]:
                problems.append(f"{item_id}: stored {record.get('rating')}, acknowledged {tally.acknowledged[key]}")
            else:
                stored += 1
        for t, item_id in tally.acknowledged:
            if t == token and item_id not in found:
                problems.append(f"{item_id} acknowledged but not stored")
    store.dispose()
    return stored, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", default="10,40,100,200", help="comma-separated room sizes")
    parser.add_argument("--answers", type=int, default=8, help="answers per phone (K)")
    parser.add_argument("--think", default="2-6", help="seconds between answers, as LOW-HIGH")
    parser.add_argument("--join-seconds", type=float, default=None, help="joins spread over this long (default N/10, at least 5)")
    parser.add_argument("--processes", type=int, default=1, help="app processes; 2+ runs behind nginx on PostgreSQL")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file (1 process) or a throwaway PostgreSQL")
    parser.add_argument("--duration", type=float, default=0, help="answer for this many seconds instead of K answers (soak)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare page (no ratio=)")
    parser.add_argument("--no-screen", action="store_true", help="no shared screen open (to see what it costs)")
    parser.add_argument(
        "--kill-one", type=float, default=0, metavar="SECONDS", help="with --processes 2+: SIGKILL the first app process this long into the answering"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--timeline",
        metavar="FOLDER",
        help="write when each join step, answer, Next aspect and screen refresh ended (seconds from the room's start) and how long it took, and the server's CPU each second, to FOLDER/timeline-N.csv",
    )
    parser.add_argument(
        "--round", action="store_true", help="the room follows a round: phones answer the first aspect on their home, as the facilitator chose it"
    )
    parser.add_argument(
        "--bare-on-stack", action="store_true", help="with --processes 2+: the bare page also on that many processes behind nginx (ratio_same_setup=)"
    )
    parser.add_argument(
        "--bare-alongside",
        action="store_true",
        help="also run the bare page's room at the same time as each largest room, answering from the same moment (ratio_alongside=)",
    )
    parser.add_argument("--profile", metavar="FOLDER", help="py-spy each app process over the answering (py-spy must be installed)")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="R", help="run the largest room R times, the bare page before each and after the last (ratio= over all)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat is 1 or more")
    if args.kill_one and args.processes < 2:
        parser.error("--kill-one needs --processes 2 or more")
    if args.bare_on_stack and (args.processes < 2 or args.no_bare):
        parser.error("--bare-on-stack needs --processes 2 or more, and the bare page")
    if args.bare_alongside and (args.no_bare or args.kill_one or args.duration):
        parser.error("--bare-alongside needs the bare page, and a room of K answers with no process killed")
    low, high = (float(x) for x in args.think.split("-"))
    args.think = (low, high)
    sizes = [int(x) for x in args.participants.split(",")]
    sizes += sizes[-1:] * (args.repeat - 1)

    base = Path(tempfile.mkdtemp(prefix="cd-load-"))
    base.chmod(0o711)  # the stack's PostgreSQL and nginx run as other users
    with ExitStack() as exit_stack:
        exit_stack.callback(shutil.rmtree, base, ignore_errors=True)
        servers = Servers(exit_stack, processes=args.processes, database_url=args.database_url, base=base, bare_on_stack=args.bare_on_stack)
        from scoring.store import Store

        backend = Store(servers.database_url)
        print(
            f"processes={args.processes} backend={backend.engine.dialect.name} answers_per_phone={args.answers} think={low:g}-{high:g}s cpus={os.cpu_count()}",
            flush=True,
        )
        failed = False
        largest: list[dict] = []  # each run of the largest room: its p95 and CPU per answer
        bare_runs: list[float] = []  # the bare page's CPU per answer, before each largest room and after the last
        bare_stack_runs: list[float] = []  # the same on the stack (--bare-on-stack)
        bare_alongside_runs: list[float] = []  # the bare page's, answering at the same time as each largest room (--bare-alongside)
        given_join_seconds = args.join_seconds
        for n in sizes:
            # Each room's own spread (the bare room after the loop takes the last one's):
            # this once kept the first room's 5 s for every later room, so 400 phones
            # joined in 5 s (80 a second) and their joins queued for seconds.
            args.join_seconds = given_join_seconds if given_join_seconds is not None else max(5.0, n / 10)
            code, facilitator = backend.create_workshop(f"Load test {n}", [EIGHT_ASPECTS], ROLES, max_participants=max(n, 3))
            backend.set_workshop(facilitator, results_visible=True)
            move = None
            if args.round:  # the phones join self-paced; then the facilitator moves the room to the first aspect, revealed
                from scoring.workshop import rounds

                first = rounds.sections([EIGHT_ASPECTS])[0]
                backend.reveal_section(facilitator, first.key)

                def move(first=first, facilitator=facilitator):
                    backend.set_round(facilitator, first.key)

            if n == sizes[-1] and not args.no_bare:
                bare_runs.append(measure_bare(servers, n, args, "before"))
                if args.bare_on_stack:
                    bare_stack_runs.append(measure_bare(servers, n, args, "before", on_stack=True))
            memory_before = sum(rss_mb(pid) for pid in servers.app_pids)
            client_before = time.process_time()
            kill = servers.kill_one if args.kill_one else None
            if args.bare_alongside and n == sizes[-1]:
                tally, bare = room_with_bare_alongside(servers, code, facilitator, n, args, args.seed + n, move)
                bare_alongside_runs.append(print_bare(bare, n, "alongside_on_stack" if args.bare_on_stack else "alongside"))
                failed |= bool(bare.errors)
            else:
                tally = asyncio.run(room(servers.http, code, facilitator, n, args, args.seed + n, servers.app_pids, kill, move))
            client_cpu = time.process_time() - client_before
            cpu, seconds = tally.cpu, tally.seconds
            memory = sum(rss_mb(pid) for pid in servers.app_pids)
            quiet, changed = asyncio.run(screen_refresh_quiet(servers.http, facilitator, servers.database_url, tally))
            stored, problems = check_store(servers.database_url, tally)
            cpu_per_answer = 1000 * cpu / max(1, tally.sent)
            if args.timeline:
                write_timeline(Path(args.timeline) / f"timeline-N{n}.csv", tally)
            if n == sizes[-1]:
                largest.append(dict(p95=1000 * percentile(tally.latencies, 0.95), cpu=cpu_per_answer))
            print(
                f"N={n} sent={tally.sent} acknowledged={len(tally.latencies)} stored={stored} "
                f"distinct_acknowledged={len(tally.acknowledged)} errors={len(tally.errors)} store_problems={len(problems)} "
                f"reconnects={tally.reconnects} dropped={tally.dropped} self_refreshes={tally.follows} "
                f"self_refresh_p95_ms={1000 * percentile([t for _, what, t in tally.timeline if what == 'follow'], 0.95):.0f} "
                f"p50_ms={1000 * percentile(tally.latencies, 0.5):.0f} p95_ms={1000 * percentile(tally.latencies, 0.95):.0f} "
                f"p99_ms={1000 * percentile(tally.latencies, 0.99):.0f} max_ms={1000 * max(tally.latencies or [float('nan')]):.0f} "
                f"join_p95_s={percentile(tally.join_seconds, 0.95):.2f} join_cpu_ms_per_phone={1000 * tally.join_cpu / max(1, n):.0f} "
                + "".join(f"join_{step}_p95_s={percentile(seconds, 0.95):.2f} " for step, seconds in tally.join_steps.items())
                + f"next_aspect_p95_ms={1000 * percentile(tally.page_seconds, 0.95):.0f} "
                f"cpu_ms_per_answer={cpu_per_answer:.1f} kernel_ms_per_answer={1000 * tally.kernel_cpu / max(1, tally.sent):.1f} "
                f"server_cpu_share={cpu / seconds / max(1, len(servers.app_pids)):.2f} "
                f"memory_mb_before={memory_before:.0f} memory_mb_after={memory:.0f} load_generator_cpu_s={client_cpu:.0f} "
                f"screen_refresh_p50_ms={1000 * percentile(tally.screen, 0.5):.0f} "
                f"screen_refresh_p95_ms={1000 * percentile(tally.screen, 0.95):.0f} "
                f"screen_refresh_quiet_ms={1000 * statistics.median(quiet):.0f} "
                f"screen_refresh_after_a_change_ms={1000 * statistics.median(changed or [float('nan')]):.0f} seconds={seconds:.0f}",
                flush=True,
            )
            if tally.memory:
                after_first_minute = [mb for t, mb in tally.memory if t >= 60] or [tally.memory[-1][1]]
                print(f"  memory_mb_samples={' '.join(f'{t:.0f}s:{mb:.0f}' for t, mb in tally.memory)}")
                print(f"  memory_growth_after_first_minute={100 * (max(after_first_minute) / after_first_minute[0] - 1):.1f}%")
            if tally.moved:
                print(
                    f"  room_moved: {len(tally.moved)} of {n} phones showed the new section by themselves; "
                    f"p50_ms={1000 * percentile(tally.moved, 0.5):.0f} p95_ms={1000 * percentile(tally.moved, 0.95):.0f} "
                    f"max_ms={1000 * max(tally.moved):.0f}",
                    flush=True,
                )
            for text in tally.errors[:5] + problems[:5]:
                print(f"  {text}", flush=True)
            failed |= bool(tally.errors or problems) or stored != len(tally.acknowledged) or (not args.duration and not args.round and stored != tally.sent)
        room_cpu = statistics.mean(run["cpu"] for run in largest)
        if not args.no_bare:
            if args.bare_on_stack:
                bare_stack_runs.append(measure_bare(servers, sizes[-1], args, "after", on_stack=True))
            bare_runs.append(measure_bare(servers, sizes[-1], args, "after"))
            if args.repeat > 1:
                print("ratios_each=" + ",".join(f"{run['cpu'] / statistics.mean(bare_runs[i : i + 2]):.2f}" for i, run in enumerate(largest)))
            if bare_stack_runs:
                print(f"ratio_same_setup={room_cpu / statistics.mean(bare_stack_runs):.2f}")
            if bare_alongside_runs:
                if args.repeat > 1:
                    print("ratios_alongside_each=" + ",".join(f"{run['cpu'] / bare:.2f}" for run, bare in zip(largest, bare_alongside_runs)))
                print(f"ratio_alongside={room_cpu / statistics.mean(bare_alongside_runs):.2f}")
            print(f"ratio={room_cpu / statistics.mean(bare_runs):.2f}")
        print(f"p95_ms={max(run['p95'] for run in largest):.0f}")
        backend.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
