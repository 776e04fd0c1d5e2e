"""Made once, on 2 December 2026, by the app as it was then (every instrument at version
1.0), and never to be made again: these are "last year's workbooks". The tests bring them
back with the app as it is now and check what is carried over (issue 12).

    python3 tests/files/versions/make_fixtures.py   # only ever run at that version

Writes self_check_v1.xlsx and workshop_pack_v1.xlsx, and beside each the response it was
made from (JSON), so a test can say exactly which answers came back."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[2]), str(HERE.parents[2] / "bench")]

from scoring.diagnostics import conditions, starting_points  # noqa: E402
from scoring.excel.summary import build_workbook  # noqa: E402
from scoring.workshop.room import Participant  # noqa: E402
from scoring.workshop.pack import build_pack  # noqa: E402
from workbook import participant_response, room_response, stored  # noqa: E402

MADE = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def statements(n: int) -> dict:
    return {m.ID: {item.id: stored(m.ID, item.id, {"rating": (n + p) % 5 + 1}) for p, item in enumerate(m.instrument().items)}
            for m in (starting_points, conditions)}


def main() -> None:
    self_check = {**participant_response(1), **statements(1), **room_response()}
    (HERE / "self_check_v1.xlsx").write_bytes(build_workbook(self_check, title="Quick self-check", generated=MADE))
    (HERE / "self_check_v1.json").write_text(json.dumps(self_check, indent=1, sort_keys=True, ensure_ascii=False))
    people = [Participant(n, ("Finance", "Provider")[n % 2], {**participant_response(n), **statements(n)}) for n in range(1, 9)]
    info = {"name": "Away day 2026", "code": "ABCD2345", "created_at": MADE, "roles": ["Finance", "Provider"],
            "diagnostics": ["eight_aspects", "approaches", "tolerance", "starting_points", "conditions"]}
    (HERE / "workshop_pack_v1.xlsx").write_bytes(build_pack(info, people, room_response(), generated=MADE))
    (HERE / "workshop_pack_v1.json").write_text(json.dumps(
        {"room": room_response(), "participants": [[p.role, p.response] for p in people]}, indent=1, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
