"""A commissioning capacity calculator whose ratios the user sets (seed 002 asks for
"benchmarks for calculating capacity"; we never invent them).

The user enters workload drivers (how many contracts, providers, work streams,
partnership boards, planned re-commissions …) and the hours each takes a year, and the
staff in post. Capacity needed = the sum of count x hours, divided by the productive hours
of one full-time person a year: a starting assumption the user is asked to replace.

Stored as the record "capacity" of the starting-points diagnostic:
{"drivers": {driver id: {"count": number, "hours": number}}, "staff_in_post": number,
"hours_per_fte": number}.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

KEY = "capacity"
DRIVERS = {
    "contracts": "Contracts managed",
    "contract_value": "Contract value managed (£ million)",
    "providers": "Providers worked with",
    "work_streams": "Work streams and projects",
    "partnership_boards": "Partnership boards served",
    "recommissions": "Re-commissions planned this year",
}
HOURS_PER_FTE_ASSUMPTION = 1500  # an editable starting assumption, not a benchmark
MAXIMUM = 1_000_000


def _number(value: Any, label: str) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{label} must be a number")
    if value < 0:
        raise ValueError(f"{label} cannot be negative")
    if value > MAXIMUM:
        raise ValueError(f"{label} is implausibly large (more than {MAXIMUM:,})")
    return float(value)


def clean(record: Mapping[str, Any]) -> dict:
    drivers = record.get("drivers") or {}
    if not isinstance(drivers, Mapping):
        raise ValueError("drivers must map each driver to its count and hours")
    unknown = sorted(set(drivers) - set(DRIVERS))
    if unknown:
        raise ValueError(f"unknown driver(s): {', '.join(map(str, unknown))}")
    cleaned = {
        driver: {
            "count": _number((drivers.get(driver) or {}).get("count"), f"{DRIVERS[driver]}: the number"),
            "hours": _number((drivers.get(driver) or {}).get("hours"), f"{DRIVERS[driver]}: the hours each"),
        }
        for driver in DRIVERS
    }
    hours_per_fte = _number(record.get("hours_per_fte", HOURS_PER_FTE_ASSUMPTION), "Hours per full-time person")
    if hours_per_fte <= 0:
        raise ValueError("Hours per full-time person must be more than 0")
    return {"drivers": cleaned, "staff_in_post": _number(record.get("staff_in_post"), "Staff in post"), "hours_per_fte": hours_per_fte}


def inputs(records: Mapping[str, dict]) -> dict:
    """The stored inputs, or empty ones with the starting assumption."""
    return records.get(KEY) or clean({})


def calculate(values: Mapping[str, Any]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per driver: hours a year and share of the total, largest first; and the totals:
    hours, FTE needed, FTE in post, and the gap (needed minus in post)."""
    values = clean(values)
    rows = [
        {
            "driver": driver,
            "label": label,
            "count": values["drivers"][driver]["count"],
            "hours_each": values["drivers"][driver]["hours"],
            "hours": values["drivers"][driver]["count"] * values["drivers"][driver]["hours"],
        }
        for driver, label in DRIVERS.items()
    ]
    table = pd.DataFrame(rows)
    total = float(table["hours"].sum())
    table["share"] = table["hours"] / total if total else 0.0
    table = table.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)
    needed = total / values["hours_per_fte"]
    totals = {"hours": total, "fte_needed": needed, "fte_in_post": values["staff_in_post"], "gap": needed - values["staff_in_post"]}
    return table, totals
