"""The cost of one answer alone: server CPU per answer on the eight-aspects page, against
the bare one-radio page (bench/bare_radio.py), both on a real `streamlit run` server.

bench/load.py measures a room (joins, Next aspect, the shared screen, waves of answers);
this measures just the answer path, so a change to it shows without the room's noise. Four
phones take turns answering the first aspect's factors one after another (no think time),
then the same on the bare page; server CPU is read from /proc before and after.

    python3 bench/answer.py [--answers 300] [--next] [--rounds 1]

--next measures "Next aspect" / "Previous aspect" instead of answers. Prints
`app_ms_per_answer=`, `bare_ms_per_answer=` and last `ratio=`; with --rounds N the two
are measured in turn N times and the medians are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds, rating_values  # noqa: E402
from bench.protocol import Phone, open_page  # noqa: E402
from deploy import stack  # noqa: E402

PHONES = 4


async def measure(http: str, pid: int, *, bare: bool, answers: int, moves: bool) -> float:
    """Server CPU ms per answer (or per move between aspects) over `answers` of them."""
    from scoring.diagnostics import eight_aspects

    phones = [Phone(http.replace("http://", "ws://", 1)) for _ in range(PHONES)]
    labels = list(rating_values())
    factors = [f.id for f in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[0])]
    for phone in phones:
        await open_page(phone, page="" if bare else "eight-aspects")
        if not bare:  # the first answer redraws the whole page once (the link back appears)
            await phone.choose(f"ea_rating_{factors[0]}", labels[0])
    before = cpu_seconds(pid)
    for n in range(answers):
        phone, turn = phones[n % PHONES], n // PHONES
        if bare:
            result = await phone.choose("bare_rating", str(1 + n % 5))
        elif moves:
            result = await phone.click("ea_next" if turn % 2 == 0 else "ea_previous")
        else:
            result = await phone.choose(f"ea_rating_{factors[turn % len(factors)]}", labels[n % len(labels)])
        if result.errors:
            raise SystemExit(f"the page failed: {result.errors}")
    spent = cpu_seconds(pid) - before
    for phone in phones:
        await phone.close()
    return 1000 * spent / answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--next", action="store_true", help="measure moving between aspects instead of answering")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the app and the bare page this many times; medians are printed")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cd-answer-"))
    figures: dict[str, list[float]] = {"app": [], "bare": []}
    # Alternated, because this machine's speed drifts over minutes: each round's pair was
    # measured a minute apart, and the medians of several rounds hold better than one pair.
    for round_number in range(args.rounds):
        for name, script in (("app", "app.py"), ("bare", "bench/bare_radio.py")):
            port = stack.free_port()
            env = {"COMMISSIONING_DATABASE_URL": f"sqlite:///{base / name}-{round_number}.sqlite3"}
            process = stack.start_app(port, env=env, log=base / f"{name}.log", script=script)
            try:
                figures[name].append(asyncio.run(measure(f"http://127.0.0.1:{port}", process.pid, bare=name == "bare", answers=args.answers, moves=args.next)))
            finally:
                stack.stop(process)
        if args.rounds > 1:
            print(f"round {round_number + 1}: app {figures['app'][-1]:.2f} bare {figures['bare'][-1]:.2f}", flush=True)
    app, bare = statistics.median(figures["app"]), statistics.median(figures["bare"])
    print(f"app_ms_per_{'move' if args.next else 'answer'}={app:.2f} bare_ms_per_answer={bare:.2f}")
    print(f"ratio={app / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
