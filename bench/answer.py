"""The cost of one answer alone: server CPU per answer on the eight-aspects page, against
the bare one-radio page (bench/bare_radio.py), both on a real `streamlit run` server.

bench/load.py measures a room (joins, Next aspect, the shared screen, waves of answers);
this measures just the answer path, so a change to it shows without the room's noise. Four
phones take turns answering the first aspect's factors one after another (no think time),
then the same on the bare page; server CPU is read from /proc before and after.

    python3 bench/answer.py [--answers 300] [--next]

--next measures "Next aspect" / "Previous aspect" instead of answers. Prints
`app_ms_per_answer=`, `bare_ms_per_answer=` and last `ratio=`.
"""

from __future__ import annotations

import argparse
import asyncio
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
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cd-answer-"))
    figures = {}
    for name, script in (("app", "app.py"), ("bare", "bench/bare_radio.py")):
        port = stack.free_port()
        env = {"COMMISSIONING_DATABASE_URL": f"sqlite:///{base / name}.sqlite3"}
        process = stack.start_app(port, env=env, log=base / f"{name}.log", script=script)
        try:
            figures[name] = asyncio.run(measure(f"http://127.0.0.1:{port}", process.pid, bare=name == "bare", answers=args.answers, moves=args.next))
        finally:
            stack.stop(process)
    print(f"app_ms_per_{'move' if args.next else 'answer'}={figures['app']:.2f} bare_ms_per_answer={figures['bare']:.2f}")
    print(f"ratio={figures['app'] / figures['bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
