"""The shared screen's refresh in a full room, on a real `streamlit run` server.

N participants have answered every eight-aspects factor (N x 40 answers in the store),
results are revealed, and the facilitator's shared screen is open over Streamlit's own
websocket (bench/protocol.py), refreshed as the browser refreshes it. Timed over --repeat
refreshes each: a refresh when nothing changed (`quiet_ms=`), and one
after every participant changed an answer since the last (`all_changed_ms=`: the room's
new batch is copied to the screen's copy, everyone who changed is read again, the view is
rebuilt), as when a room answers between two refreshes. Each figure is the server's CPU
for that refresh and, beside it, the time from the screen's request
to the end of its run (`*_wall_ms=`). After the last refresh it checks that the screen's
copy holds every answer as it stands. CPU is the mean over the refreshes (/proc counts
in 10 ms ticks), time the median. Ends with `ratio=` (all changed over quiet, CPU).

    python3 bench/screen.py [--participants 400] [--repeat 10] [--database-url URL]

bench/load.py times the screen's refresh while a room answers, each phone answering a
few factors; this is the refresh with everything answered, where its reads and its copy
are largest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds  # noqa: E402
from bench.protocol import Phone, open_page  # noqa: E402
from deploy import stack  # noqa: E402
from scoring.diagnostics import eight_aspects  # noqa: E402
from scoring.store import Store  # noqa: E402

EIGHT_ASPECTS = eight_aspects.ID
ROLES = ["Commissioner", "Finance", "Provider"]
SETTLE_SECONDS = 0.3  # the server's own work after a run (its messages sent) counts too


def fill_room(store: Store, n: int) -> tuple[str, list[str]]:
    """A workshop whose n participants answered every factor; results revealed."""
    code, facilitator = store.create_workshop("Screen bench", [EIGHT_ASPECTS], ROLES, max_participants=n)
    factors = list(eight_aspects.instrument().factor_ids)
    people = [store.join(code, ROLES[p % len(ROLES)], client=f"screen-bench-{p}") for p in range(n)]
    for p, token in enumerate(people):
        for f, item_id in enumerate(factors):
            store.save_answer(token, EIGHT_ASPECTS, item_id, {"rating": (p * 7 + f) % 5 + 1})
    store.set_workshop(facilitator, results_visible=True)  # the first reveal copies everything
    return facilitator, people


async def refresh(phone: Phone, fragment_id: str, pid: int) -> tuple[float, float]:
    """One refresh of the screen's live part: (server CPU ms, request to end of run ms)."""
    await asyncio.sleep(SETTLE_SECONDS)
    before = cpu_seconds(pid)
    result = await phone.run(fragment_id=fragment_id, auto=True)
    await asyncio.sleep(SETTLE_SECONDS)
    if result.errors:
        raise SystemExit(f"the shared screen failed: {result.errors}")
    return 1000 * (cpu_seconds(pid) - before), 1000 * result.seconds


async def measure(url: str, facilitator: str, people: list[str], store: Store, repeat: int, base: Path) -> dict[str, list[tuple[float, float]]]:
    port = stack.free_port()
    process = stack.start_app(port, env={"COMMISSIONING_DATABASE_URL": url}, log=base / "app.log")
    timings: dict[str, list[tuple[float, float]]] = {"quiet": [], "all_changed": []}
    factors = list(eight_aspects.instrument().factor_ids)
    try:
        phone = Phone(f"ws://127.0.0.1:{port}")
        await open_page(phone, f"r={facilitator}")
        if not phone.fragments:
            raise SystemExit("the shared screen has no self-refreshing part")
        fragment_id = next(iter(phone.fragments))
        await refresh(phone, fragment_id, process.pid)  # the first: its caches filled
        for turn in range(repeat):
            timings["quiet"].append(await refresh(phone, fragment_id, process.pid))
            for p, token in enumerate(people):
                store.save_answer(token, EIGHT_ASPECTS, factors[(p + turn) % len(factors)], {"rating": (p + turn) % 5 + 1})
            timings["all_changed"].append(await refresh(phone, fragment_id, process.pid))
        await phone.close()
    finally:
        stack.stop(process)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cd-bench-screen-"))
    url = args.database_url or f"sqlite:///{base / 'room.sqlite3'}"
    store = Store(url)
    began = time.perf_counter()
    facilitator, people = fill_room(store, args.participants)
    answered = sum(len(response.get(EIGHT_ASPECTS, {})) for _role, response in store.participants(facilitator))
    print(f"participants={len(people)} answers_in_store={answered} filled_s={time.perf_counter() - began:.1f}", flush=True)
    timings = asyncio.run(measure(url, facilitator, people, store, args.repeat, base))
    shown, current = store.participants(facilitator, shown=True), store.participants(facilitator)
    store.dispose()
    if sorted(map(repr, shown)) != sorted(map(repr, current)):
        raise SystemExit("the screen's copy does not hold every answer as it stands")
    # CPU: the mean (/proc counts in 10 ms ticks, too coarse for one quiet refresh); wall: the median.
    figures = {name: (statistics.mean(cpu for cpu, _ in runs), statistics.median(wall for _, wall in runs)) for name, runs in timings.items()}
    for name, (cpu, wall) in figures.items():
        print(f"{name}_ms={cpu:.0f} {name}_wall_ms={wall:.0f} {name}_refreshes={len(timings[name])}")
    print(f"ratio={figures['all_changed'][0] / max(figures['quiet'][0], 1.0):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
