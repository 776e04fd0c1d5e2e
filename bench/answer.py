"""The cost of one answer alone: server CPU per answer on the eight-aspects page, against
the bare one-radio page (bench/bare_radio.py), both on a real `streamlit run` server.

bench/load.py measures a room (joins, Next aspect, the shared screen, waves of answers);
this measures just the answer path, so a change to it shows without the room's noise. Four
phones on each server answer the first aspect's factors (no think time). The servers run
side by side and take turns, one answer each: this machine's speed drifts by a third
within minutes, and turns a few milliseconds apart see the same machine, so `ratio=`
holds where two runs a minute apart did not. Server CPU is read from /proc per process.

    python3 bench/answer.py [--answers 600] [--next] [--against CHECKOUT] [--postgres] [--idle N] [--answered-all]

--next measures "Next aspect" / "Previous aspect" instead of answers. --against adds the
app of another checkout (say a worktree of the last commit) to the turns, for an A/B
comparison of a change. Prints `app_ms_per_answer=`, `bare_ms_per_answer=` (and
`against_ms_per_answer=`, `change=`), and last `ratio=`. --postgres adds this app on a
throwaway PostgreSQL cluster (deploy/stack.py) to the turns, and prints what an answer
costs there against SQLite (`postgres_change=`): the app's own CPU only, not the
database server's. --idle N keeps N more phones connected to each server, on the same
page and silent, as a room's phones are between answers: what a server does per answer
for the sessions that did not answer shows. --answered-all has each app phone answer all
40 factors first, aspect by aspect, and go back to the first: a session late in a
workshop rather than at its start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds, rating_values  # noqa: E402
from bench.protocol import Phone, open_page  # noqa: E402
from deploy import stack  # noqa: E402

PHONES = 4


class Server:
    """One `streamlit run` server and its four phones, answering in turns."""

    def __init__(self, name: str, script: str, base: Path, *, moves: bool, idle: int = 0, database_url: str | None = None, answered_all: bool = False):
        self.name, self.moves, self.bare, self.idle = name, moves, script.endswith("bare_radio.py"), idle
        self.answered_all = answered_all and not self.bare
        port = stack.free_port()
        env = {"COMMISSIONING_DATABASE_URL": database_url or f"sqlite:///{base / name}.sqlite3"}
        self.process = stack.start_app(port, env=env, log=base / f"{name}.log", script=script)
        self.ws = f"ws://127.0.0.1:{port}"
        self.phones: list[Phone] = []
        self.cpu = 0.0
        self.kernel = 0.0  # the kernel's part of cpu (sockets, thread switches, file writes)
        self.steps = 0

    async def open(self) -> None:
        from scoring.diagnostics import eight_aspects

        self.labels = list(rating_values())
        self.factors = [f.id for f in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[0])]
        self.phones = [Phone(self.ws) for _ in range(PHONES + self.idle)]
        for number, phone in enumerate(self.phones):
            await open_page(phone, page="" if self.bare else "eight-aspects")
            if not self.bare and number < PHONES:  # the first answer redraws the whole page once (the link back appears)
                await phone.choose(f"ea_rating_{self.factors[0]}", self.labels[0])
                if self.answered_all:
                    await answer_everything(phone, self.labels)

    async def step(self) -> None:
        """One answer (or one move)."""
        n = self.steps
        phone, turn = self.phones[n % PHONES], n // PHONES  # the idle phones come after
        if self.bare:
            result = await phone.choose("bare_rating", str(1 + n % 5))
        elif self.moves:
            result = await phone.click("ea_next" if turn % 2 == 0 else "ea_previous")
        else:
            result = await phone.choose(f"ea_rating_{self.factors[turn % len(self.factors)]}", self.labels[n % len(self.labels)])
        if result.errors:
            raise SystemExit(f"{self.name}: the page failed: {result.errors}")
        self.steps += 1

    @property
    def ms_per_step(self) -> float:
        return 1000 * self.cpu / max(1, self.steps)

    @property
    def kernel_ms_per_step(self) -> float:
        return 1000 * self.kernel / max(1, self.steps)

    async def close(self) -> None:
        for phone in self.phones:
            await phone.close()


async def answer_everything(phone: Phone, labels: list[str]) -> None:
    """Answer all 40 factors aspect by aspect, as someone who has been through the page,
    then go back to the first aspect with "Previous aspect"."""
    from scoring.diagnostics import eight_aspects

    instrument = eight_aspects.instrument()
    for number, aspect in enumerate(eight_aspects.ASPECTS):
        if number:
            await phone.click("ea_next")
        for factor in instrument.factors_of(aspect):
            await phone.choose(f"ea_rating_{factor.id}", labels[number % len(labels)])
    for _ in eight_aspects.ASPECTS[1:]:
        await phone.click("ea_previous")


async def take_turns(servers: list[Server], steps: int) -> None:
    """Each server's CPU is read over the whole of the turns (each is idle while the others
    answer): /proc counts in 10 ms ticks, too coarse for one answer."""
    for server in servers:
        await server.open()
    await asyncio.sleep(1)  # the openings' last work done
    before = {server.name: cpu_seconds(server.process.pid) for server in servers}
    kernel_before = {server.name: cpu_seconds(server.process.pid, kernel_only=True) for server in servers}
    for _ in range(steps):
        for server in servers:
            await server.step()
    await asyncio.sleep(0.5)
    for server in servers:
        server.cpu = cpu_seconds(server.process.pid) - before[server.name]
        server.kernel = cpu_seconds(server.process.pid, kernel_only=True) - kernel_before[server.name]
        await server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=600)
    parser.add_argument("--next", action="store_true", help="measure moving between aspects instead of answering")
    parser.add_argument("--against", help="another checkout whose app takes turns too (an A/B comparison)")
    parser.add_argument("--postgres", action="store_true", help="this app on a throwaway PostgreSQL cluster takes turns too")
    parser.add_argument("--idle", type=int, default=0, help="phones connected to each server that do not answer")
    parser.add_argument("--answered-all", action="store_true", help="each app phone first answers all 40 factors, then goes back to the first aspect")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cd-answer-"))
    base.chmod(0o711)  # PostgreSQL (--postgres) runs as its own user
    scripts = {"app": str(ROOT / "app.py"), "bare": str(ROOT / "bench" / "bare_radio.py")}
    if args.against:
        scripts["against"] = str(Path(args.against).resolve() / "app.py")
    servers: list[Server] = []
    with contextlib.ExitStack() as exit_stack:
        postgres_url = exit_stack.enter_context(stack.postgres(base / "postgres")) if args.postgres else None
        try:
            for name, script in scripts.items():
                servers.append(Server(name, script, base, moves=args.next, idle=args.idle, answered_all=args.answered_all))
            if postgres_url:
                servers.append(
                    Server("postgres", scripts["app"], base, moves=args.next, idle=args.idle, database_url=postgres_url, answered_all=args.answered_all)
                )
            asyncio.run(take_turns(servers, args.answers))
        finally:
            for server in servers:
                stack.stop(server.process)
    figures = {server.name: server.ms_per_step for server in servers}
    what = "move" if args.next else "answer"
    print(" ".join(f"{server.name}_kernel_ms={server.kernel_ms_per_step:.2f}" for server in servers))
    print(f"app_ms_per_{what}={figures['app']:.2f} bare_ms_per_answer={figures['bare']:.2f}")
    if "against" in figures:
        print(f"against_ms_per_{what}={figures['against']:.2f} change={figures['app'] / figures['against']:.3f}")
    if "postgres" in figures:
        print(f"postgres_ms_per_{what}={figures['postgres']:.2f} postgres_change={figures['postgres'] / figures['app']:.3f}")
    print(f"ratio={figures['app'] / figures['bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
