"""Export and re-import of a workshop pack of 40 and of 200 participants, against a bare
DataFrame.to_excel and read_excel of the same responses, measured in one run.

The room is bench/workshop.py's: 40 (or --participants) participants, roles cycling over four roles and none,
each answering every eight-aspects factor, every tolerance area and an approach choice;
the room's own records are a few development plan actions and risks. Every record is built
through its diagnostic's clean_record, so it is exactly what the app stores.

Measured (medians over --runs, after one warm-up, the four steps taken in turn each run;
wall time, and this process's CPU time, which others on a shared machine sway less):
  export    scoring.workshop.pack.build_pack(...) -> bytes (every sheet, charts included)
  import    scoring.excel.reader.read_workbook(those bytes) (every record validated)
  baseline  one long DataFrame of the same records (the room's and every participant's),
            one row per respondent x diagnostic x item, with columns Participant, Role,
            Diagnostic, Item and the record as one JSON column (export.record_text, as the
            pack's App data sheet holds it), written with DataFrame.to_excel(BytesIO,
            index=False, engine="openpyxl"), and read back with pd.read_excel(BytesIO,
            engine="openpyxl").

    python bench/workbook.py [--runs 5] [--participants 40,200]

For each room size, prints sizes and medians, `ratio_export=` (build_pack / to_excel), `ratio_import=`
(read_workbook / read_excel), `ratio=` (the larger of the two), all of wall time, and last
the two ratios of CPU time. Before timing, it
checks once that read_workbook gives back the room's and every participant's records
exactly, and that the baseline reads back its own records; a wrong result stops it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from scoring import registry  # noqa: E402
from scoring.diagnostics import approaches, eight_aspects, tolerance  # noqa: E402
from scoring.excel import summary
from scoring.excel.reader import read_workbook  # noqa: E402
from scoring.records import development_plan, risks
from scoring.workshop import room as workshop
from scoring.workshop.pack import build_pack  # noqa: E402
from scoring.workshop.room import Participant  # noqa: E402

SIZES = (40, 200)
ROLES = ["Commissioner", "Finance", "Provider", "Public health", None]
GENERATED = datetime(2025, 3, 4, 15, 30, tzinfo=timezone.utc)


def stored(diagnostic_id: str, item_id: str, record: dict) -> dict:
    """The record as the app stores it: through the diagnostic's clean_record."""
    return registry.stored()[diagnostic_id].clean_record(item_id, record, None)


def participant_response(n: int) -> dict:
    """bench/workshop.py fill_room's answers for participant n, as stored."""
    factors = list(eight_aspects.instrument().factor_ids)
    areas = [area.id for area in tolerance.instrument().areas]
    return {
        eight_aspects.ID: {item_id: stored(eight_aspects.ID, item_id, {"rating": (n * 7 + p) % 5 + 1, "weight": 1}) for p, item_id in enumerate(factors)},
        tolerance.ID: {
            tolerance.area_key(a): stored(tolerance.ID, tolerance.area_key(a), {"frequency": (n + p) % 4, "impact": (n + p) % 3 + 1, "gift": "ours"})
            for p, a in enumerate(areas)
        },
        approaches.ID: {
            approaches.CHOICE: stored(approaches.ID, approaches.CHOICE, {"chosen": ["prevention_early_intervention"], "priorities": {}}),
        },
    }


def room_response() -> dict:
    """The facilitator's records: a few plan actions and risks agreed in the room, as stored."""
    due = (date.today() + timedelta(days=120)).isoformat()  # a new date may not be in the past
    actions = [
        ("policy", "Brief councillors on the room's profile", "Head of commissioning", due, "Briefing held", "in_progress"),
        ("system_design", "Map the funding streams for the wellbeing system", "Finance lead", due, "Map shared with partners", "not_started"),
        ("system_design", "Agree a joint commissioning pilot", "", "", "", "not_started"),
        ("policy", "Publish the plan on the intranet", "Comms", "", "Page live", "done"),
    ]
    plan = {
        f"action:{n:012x}": stored(
            development_plan.ID,
            f"action:{n:012x}",
            {"aspect_id": aspect, "action": action, "owner": owner, "due": when, "measure": measure, "status": status, "origin": "Workshop"},
        )
        for n, (aspect, action, owner, when, measure, status) in enumerate(actions, start=1)
    }
    register = [
        ("prevention_early_intervention", "Savings take longer to show than the budget cycle", 4, 3, "Agree a three-year view with finance", "Finance lead"),
        ("", "Providers do not come to the table", 2, 4, "Early market engagement", "Head of commissioning"),
        ("system_leadership_place", "Partners' priorities diverge", 3, 3, "", ""),
    ]
    risk_records = {
        f"risk:{n:012x}": stored(
            risks.ID,
            f"risk:{n:012x}",
            {
                "approach_id": approach,
                "title": title,
                "description": "",
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": mitigation,
                "owner": owner,
                "suggested_id": "",
            },
        )
        for n, (approach, title, likelihood, impact, mitigation, owner) in enumerate(register, start=1)
    }
    return {development_plan.ID: plan, risks.ID: risk_records}


def long_frame(participants: list[Participant], room: dict) -> pd.DataFrame:
    """The baseline's frame: one row per respondent x diagnostic x item, the record as JSON."""
    rows = [[summary.ROOM, None, d, item, summary.record_text(record)] for d, records in room.items() for item, record in records.items()]
    rows += [
        [p.label, p.role, d, item, summary.record_text(record)] for p in participants for d, records in p.response.items() for item, record in records.items()
    ]
    return pd.DataFrame(rows, columns=["Participant", "Role", "Diagnostic", "Item", "Record"])


def to_excel(frame: pd.DataFrame) -> bytes:
    buffer = BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def read_excel(data: bytes) -> pd.DataFrame:
    return pd.read_excel(BytesIO(data), engine="openpyxl")


def check(participants: list[Participant], room: dict, pack: bytes, frame: pd.DataFrame, bare: bytes) -> None:
    """Stop unless both round trips give back what went in."""
    book = read_workbook(pack)
    if book.response != room:
        raise SystemExit("read_workbook did not give back the room's records exactly")
    shown = workshop.shown_roles(participants)
    expected = [(p.label, None if shown[p.number] in (workshop.role_hidden(), workshop.NO_ROLE) else shown[p.number], p.response) for p in participants]
    if len(book.participants) != len(expected):
        raise SystemExit(f"read_workbook gave back {len(book.participants)} participants, not {len(expected)}")
    for got, want in zip(book.participants, expected):
        if got[:2] != want[:2]:
            raise SystemExit(f"read_workbook gave back {got[0]} with role {got[1]!r} where {want[0]} with role {want[1]!r} was expected")
        if got[2] != want[2]:
            raise SystemExit(f"read_workbook did not give back {want[0]}'s response exactly")
    if any(p.role != role for p, (_, role, _) in zip(participants, expected)):
        raise SystemExit("the pack hid or changed a role, so the room is not the one meant to be measured")
    back = read_excel(bare)
    if back["Record"].tolist() != frame["Record"].tolist() or back["Item"].tolist() != frame["Item"].tolist():
        raise SystemExit("the baseline's read_excel did not give back its own records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", default=",".join(map(str, SIZES)), help="room sizes, comma-separated")
    arguments = parser.parse_args()
    for size in (int(n) for n in arguments.participants.split(",")):
        measure(size, arguments.runs)


def measure(size: int, runs: int) -> None:
    participants = [Participant(n, ROLES[(n - 1) % len(ROLES)], participant_response(n)) for n in range(1, size + 1)]
    room = room_response()
    info = {
        "name": "Benchmark room",
        "code": "K7P2QX",
        "diagnostics": [eight_aspects.ID, approaches.ID, tolerance.ID],
        "roles": [r for r in ROLES if r],
        "created_at": GENERATED,
    }
    frame = long_frame(participants, room)

    steps = {
        "export": lambda: build_pack(info, participants, room, generated=GENERATED),
        "bare_to_excel": lambda: to_excel(frame),
    }
    # The warm-up, whose bytes are also what the imports read and the check looks at.
    pack, bare = steps["export"](), steps["bare_to_excel"]()
    steps["import"] = lambda: read_workbook(pack)
    steps["bare_read_excel"] = lambda: read_excel(bare)
    steps["import"](), steps["bare_read_excel"]()
    check(participants, room, pack, frame, bare)

    times: dict[str, list[float]] = {name: [] for name in steps}
    cpu_times: dict[str, list[float]] = {name: [] for name in steps}  # this process's CPU: less swayed by others on the machine
    for _ in range(runs):
        for name, step in steps.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            step()
            times[name].append((time.perf_counter() - start) * 1000)
            cpu_times[name].append((time.process_time() - cpu_start) * 1000)
    median = {name: statistics.median(values) for name, values in times.items()}
    cpu = {name: statistics.median(values) for name, values in cpu_times.items()}

    participant_records = sum(len(records) for p in participants for records in p.response.values())
    room_records = sum(len(records) for records in room.values())
    ratio_export = median["export"] / median["bare_to_excel"]
    ratio_import = median["import"] / median["bare_read_excel"]
    print(f"runs={runs}")
    print(f"participants={size}")
    print(f"records={participant_records + room_records}")
    print(f"participant_records={participant_records} room_records={room_records}")
    print(f"pack_bytes={len(pack)}")
    print(f"bare_bytes={len(bare)}")
    for name in steps:
        print(f"{name}_median_ms={median[name]:.1f}")
        print(f"{name}_cpu_median_ms={cpu[name]:.1f}")
    print(f"ratio_export={ratio_export:.2f}")
    print(f"ratio_import={ratio_import:.2f}")
    print(f"ratio={max(ratio_export, ratio_import):.2f}")
    print(f"ratio_export_cpu={cpu['export'] / cpu['bare_to_excel']:.2f}")
    print(f"ratio_import_cpu={cpu['import'] / cpu['bare_read_excel']:.2f}")
    print()


if __name__ == "__main__":
    main()
