"""Server-side time of one rerun of the self-check page after an answer changes,
against a bare Streamlit page with eight sliders and a plotly radar, both through
AppTest in the same run. Prints medians and, last, `ratio=<app / baseline>`.

    python bench/rerun.py [--runs 30]
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


def self_check_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/eight_aspects.py").run()
    return at


def change_rating(at: AppTest, run: int) -> None:
    at.radio(key="ea_rating_sd_one_place").set_value(run % 5 + 1)


def change_slider(at: AppTest, run: int) -> None:
    at.slider(key="bare_0").set_value(run % 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    app = self_check_page()
    bare = AppTest.from_file(str(ROOT / "bench" / "bare_page.py"), default_timeout=60).run()
    # Warm both up so imports and first-render costs are not measured.
    median_rerun_ms(app, change_rating, 3)
    median_rerun_ms(bare, change_slider, 3)
    app_ms = median_rerun_ms(app, change_rating, runs)
    bare_ms = median_rerun_ms(bare, change_slider, runs)
    print(f"runs={runs}")
    print(f"self_check_rerun_median_ms={app_ms:.1f}")
    print(f"bare_page_rerun_median_ms={bare_ms:.1f}")
    print(f"ratio={app_ms / bare_ms:.2f}")


if __name__ == "__main__":
    main()
