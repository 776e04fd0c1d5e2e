"""What an answer's save costs the thread that makes it, straight after another save and
after the thread has been idle for a few milliseconds, against a pure-Python loop timed
the same way.

In a room a server saves an answer, then waits for the next message; between answers its
CPUs idle. A save in a tight loop costs about 0.1 ms of CPU here, but the same save made by
the app in a real server cost 0.4-0.5 ms (thread CPU time, measured in the server). This
shows why without a server: the save is the real one (scoring/store.py Store.save_answer,
a workshop participant's answer on SQLite), each timed with the thread's own CPU clock,
either straight after the previous one ("hot") or after the thread slept `--idle-ms`
("after idle"). A pure-Python loop of about the same length is timed both ways too, as a
control: if it costs the same after idle, the machine is not simply slower after idle;
what costs more is work that goes through much code and the kernel (SQLite's calls, their
file locks and writes), whose caches the idle spell let go cold. The two kinds alternate
in short blocks, so a drift of the machine's speed falls on both.

    python3 bench/save.py [--saves 2000] [--idle-ms 3] [--postgres]

Prints each median per operation, `ratio_save=` (a save after idle over a hot one),
`ratio_loop=` (the same for the loop), and last `ratio=`, the first over the second.
After timing it checks that every save landed: the store holds each participant's last
answer to each factor it answered, and it stops if not. --postgres saves to a throwaway
PostgreSQL cluster (deploy/stack.py) instead of a fresh SQLite file: the thread's CPU is
then this process's, not the database server's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTICIPANTS = 100
BLOCK = 50  # operations of one kind in a row


def python_loop() -> int:
    total = 0
    for i in range(1500):
        total += i * i
    return total


def timed(operation, idle: float) -> float:
    if idle:
        time.sleep(idle)
    start = time.thread_time()
    operation()
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=2000, help="saves timed each way (and as many loops)")
    parser.add_argument("--idle-ms", type=float, default=3.0, help="how long the thread sleeps before an 'after idle' operation")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster instead of a SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cd-save-") as folder, contextlib.ExitStack() as cleanup:
        from deploy import stack

        Path(folder).chmod(0o711)  # PostgreSQL (--postgres) runs as its own user
        url = cleanup.enter_context(stack.postgres(Path(folder) / "pg")) if args.postgres else f"sqlite:///{folder}/bench.sqlite3"
        os.environ["COMMISSIONING_DATABASE_URL"] = url
        from scoring.diagnostics import eight_aspects
        from scoring.store import Store

        store = Store()
        code, _facilitator = store.create_workshop("Bench", [eight_aspects.ID], ["Commissioner"], max_participants=PARTICIPANTS)
        phones = [store.join(code, "Commissioner", client=f"10.0.0.{n}") for n in range(PARTICIPANTS)]
        factors = [factor.id for factor in eight_aspects.instrument().factors_of(eight_aspects.ASPECTS[0])]
        made = 0
        last: dict[tuple[str, str], dict] = {}  # (participant, factor) -> the record it saved last

        def save() -> None:
            nonlocal made
            phone, factor = phones[made % PARTICIPANTS], factors[(made // PARTICIPANTS) % len(factors)]
            record = {"rating": 1 + made % 5}
            store.save_answer(phone, eight_aspects.ID, factor, record)
            last[(phone, factor)] = record
            made += 1

        for _ in range(PARTICIPANTS):  # warm up: every participant has an answer
            save()
        times: dict[str, list[float]] = {"save_hot": [], "save_after_idle": [], "loop_hot": [], "loop_after_idle": []}
        idle = args.idle_ms / 1000
        while len(times["save_hot"]) < args.saves:
            for name, operation, gap in (
                ("save_hot", save, 0),
                ("save_after_idle", save, idle),
                ("loop_hot", python_loop, 0),
                ("loop_after_idle", python_loop, idle),
            ):
                times[name].extend(timed(operation, gap) for _ in range(BLOCK))

        for (phone, factor), record in last.items():  # a bench whose writes did not land proves nothing
            stored = store.answers(phone, eight_aspects.ID).get(factor)
            if stored != record:
                raise SystemExit(f"a save did not land: {factor} of a participant holds {stored!r}, not {record!r}")
        store.dispose()

    medians = {name: 1000 * statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name}_ms={value:.3f}")
    ratio_save = medians["save_after_idle"] / medians["save_hot"]
    ratio_loop = medians["loop_after_idle"] / medians["loop_hot"]
    print(f"saves_made={made} saves_checked={len(last)} idle_ms={args.idle_ms:g}")
    print(f"ratio_save={ratio_save:.2f}")
    print(f"ratio_loop={ratio_loop:.2f}")
    print(f"ratio={ratio_save / ratio_loop:.2f}")


if __name__ == "__main__":
    main()
