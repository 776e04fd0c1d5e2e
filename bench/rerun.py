"""Server-side time of one rerun after a user changes one thing, for each interactive page,
against a bare Streamlit page with eight sliders and a plotly radar, all through AppTest
in the same run.

    python bench/rerun.py [--runs 30]

Prints the median rerun time of each page and of the baseline, a `ratio_<page>=` line for
each page, and last `ratio=<the largest of them>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COMMISSIONING_DATA_DIR", tempfile.mkdtemp(prefix="cd-bench-"))

from streamlit.testing.v1 import AppTest  # noqa: E402


def median_rerun_ms(at: AppTest, change, runs: int) -> float:
    times = []
    for run in range(runs):
        change(at, run)
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise SystemExit(f"the page raised: {at.exception[0].message}")
    return statistics.median(times)


def app_on(page: str) -> AppTest:
    """The app with a self-check half answered, showing `page`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/diagnostics/eight_aspects.py").run()
    for n, item_id in enumerate(["sd_one_place", "sd_wellbeing_system", "sd_funding_coherence", "sd_joint_commissioning"]):
        at.radio(key=f"ea_rating_{item_id}").set_value(n % 5 + 1).run()
        at.run()  # the answer redrew only its fragments; AppTest then holds only those
    at.switch_page(page).run()
    return at


def change_rating(at: AppTest, run: int) -> None:
    # An answer's run draws only the live panel, and AppTest then holds only that: the
    # page is drawn again (untimed) so that the question is there to answer.
    if not any(radio.key == "ea_rating_sd_one_place" for radio in at.radio):
        at.run()
    at.radio(key="ea_rating_sd_one_place").set_value(run % 5 + 1)


def change_priorities(at: AppTest, run: int) -> None:
    at.button_group(key="ap_priorities").set_value(["lower_cost"] if run % 2 else ["innovation", "local_economy"])


def change_classification(at: AppTest, run: int) -> None:
    at.radio(key="pl_class_system_design_sd_one_place").set_value(["in_control", "influenceable", "out_of_control"][run % 3])


def change_frequency(at: AppTest, run: int) -> None:
    at.radio(key="tol_frequency_waiting_lists").set_value(run % 4)


def change_condition(at: AppTest, run: int) -> None:
    at.radio(key="cond_rating_cul_understood").set_value(run % 5 + 1)


def change_starting_point(at: AppTest, run: int) -> None:
    at.radio(key="sp_rating_min_optimistic").set_value(run % 5 + 1)


def change_slider(at: AppTest, run: int) -> None:
    at.slider(key="bare_0").set_value(run % 100)


PAGES = {
    "self_check": ("views/diagnostics/eight_aspects.py", change_rating),
    "approaches": ("views/decide/approaches.py", change_priorities),
    "plan": ("views/decide/plan.py", change_classification),
    "tolerance": ("views/diagnostics/tolerance.py", change_frequency),
    "conditions": ("views/diagnostics/conditions.py", change_condition),
    "starting_points": ("views/diagnostics/starting_points.py", change_starting_point),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    bare = AppTest.from_file(str(ROOT / "bench" / "bare_page.py"), default_timeout=60).run()
    pages = {name: (app_on(path), change) for name, (path, change) in PAGES.items()}
    # Warm everything up so imports and first renders are not measured.
    median_rerun_ms(bare, change_slider, 3)
    for at, change in pages.values():
        median_rerun_ms(at, change, 3)

    bare_ms = median_rerun_ms(bare, change_slider, runs)
    ratios = {}
    print(f"runs={runs}")
    print(f"bare_page_rerun_median_ms={bare_ms:.1f}")
    for name, (at, change) in pages.items():
        page_ms = median_rerun_ms(at, change, runs)
        ratios[name] = page_ms / bare_ms
        print(f"{name}_rerun_median_ms={page_ms:.1f}")
    for name, ratio in ratios.items():
        print(f"ratio_{name}={ratio:.2f}")
    print(f"ratio={max(ratios.values()):.2f}")


if __name__ == "__main__":
    main()
