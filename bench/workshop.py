"""Workshop mode under load, measured in one run.

1. The shared screen's rerun with 40 participants' answers in the store (every factor of
   the eight aspects, tolerance and an approach choice), results revealed, against the
   bare page of bench/bare_page.py (eight sliders and a plotly radar), through AppTest:
   when the facilitator switches the chart (the room unchanged: `ratio=`), and when three
   participants (the smallest group the screen moves by) have changed an answer since the
   last refresh (`ratio_after_new_answer=`: the screen's copy moves, the room is reread
   and the chart rebuilt).
2. The time to save one answer while 40 participants save all of theirs at once, from
   threads against the store: p50 and p95.

    python bench/workshop.py [--runs 20] [--database-url URL]

Prints medians, `ratio=` (shared screen / bare page; the issue's aim is at most 3.0) and
`save_p50_ms=` / `save_p95_ms=`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COMMISSIONING_DATA_DIR", tempfile.mkdtemp(prefix="cd-bench-"))

from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.rerun import change_slider, median_rerun_ms  # noqa: E402
from scoring.diagnostics import eight_aspects, tolerance  # noqa: E402
from scoring.store import MIN_GROUP, Store  # noqa: E402

PARTICIPANTS = 40
ROLES = ["Commissioner", "Finance", "Provider", None]


def fill_room(store: Store, code: str) -> list[float]:
    """40 participants join, then all save all their answers at once; returns each save's ms."""
    factors = list(eight_aspects.instrument().factor_ids)
    areas = [area.id for area in tolerance.instrument().areas]
    people = [store.join(code, ROLES[n % len(ROLES)], client=f"bench-{n}") for n in range(PARTICIPANTS)]
    start = threading.Barrier(PARTICIPANTS)
    timings: list[float] = []
    lock = threading.Lock()

    def answer(n: int, token: str) -> None:
        saves = [("eight_aspects", item_id, {"rating": (n * 7 + p) % 5 + 1, "weight": 1}) for p, item_id in enumerate(factors)]
        saves += [("tolerance", tolerance.area_key(a), {"frequency": (n + p) % 4, "impact": (n + p) % 3 + 1, "gift": "ours"}) for p, a in enumerate(areas)]
        saves.append(("approaches", "choice", {"chosen": ["prevention_early_intervention"], "priorities": {}}))
        start.wait()
        mine = []
        for diagnostic_id, item_id, record in saves:
            began = time.perf_counter()
            store.save_answer(token, diagnostic_id, item_id, record)
            mine.append((time.perf_counter() - began) * 1000)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=answer, args=pair) for pair in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="e.g. a PostgreSQL URL; default: a fresh SQLite file")
    args = parser.parse_args()
    if args.database_url:
        os.environ["COMMISSIONING_DATABASE_URL"] = args.database_url

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/workshop/new.py").run()
    at.text_input(key="ws_name").input("Benchmark room")
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    token = at.query_params["r"]
    token = token[0] if isinstance(token, list) else token
    store = Store()
    workshop = store.workshop(token)
    save_ms = sorted(fill_room(store, workshop["code"]))
    next(b for b in at.button if b.label == "Reveal results").click().run()

    views = [v for v in ("Room's profile", "Where the room disagrees", "By role", "Approaches", "Tolerating")]

    def change_view(app: AppTest, run: int) -> None:
        app.segmented_control(key="ws_view").set_value(views[run % len(views)])

    bare = AppTest.from_file(str(ROOT / "bench" / "bare_page.py"), default_timeout=60).run()
    median_rerun_ms(bare, change_slider, 3)
    median_rerun_ms(at, change_view, 3)
    # The screen moves only once the smallest group of people have changed something
    # (store.publish_room), so each run has that many change an answer.
    changers = [store.join(workshop["code"], None, client=f"bench-late-{n}") for n in range(MIN_GROUP)]

    def new_answer(app: AppTest, run: int) -> None:
        for someone in changers:
            store.save_answer(someone, "eight_aspects", "sd_one_place", {"rating": run % 5 + 1, "weight": 1})

    bare_ms = median_rerun_ms(bare, change_slider, args.runs)
    screen_ms = median_rerun_ms(at, change_view, args.runs)
    changed_ms = median_rerun_ms(at, new_answer, args.runs)

    print(f"participants={PARTICIPANTS} saves={len(save_ms)} backend={store.engine.dialect.name}")
    print(f"bare_page_rerun_median_ms={bare_ms:.1f}")
    print(f"shared_screen_rerun_median_ms={screen_ms:.1f}")
    print(f"shared_screen_rerun_after_new_answer_median_ms={changed_ms:.1f}")
    print(f"save_p50_ms={statistics.median(save_ms):.1f}")
    print(f"save_p95_ms={save_ms[int(0.95 * (len(save_ms) - 1))]:.1f}")
    print(f"ratio_after_new_answer={changed_ms / bare_ms:.2f}")
    print(f"ratio={screen_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
