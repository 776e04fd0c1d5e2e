"""The diagnostics and record kinds the app offers; everything else asks here.

Diagnostics (scoring/contract.Diagnostic) are the modules with maths of their own listed
in MODULES, then one StatementDiagnostic for every instrument file in the data folder
marked `kind: statements` (scoring/instruments/statement_diagnostic.py), in file-name order. Adding
such a file is all it takes to add a diagnostic: pages, the workshop, the pack, survey
import, the workbook, bring-back and compare find it here.

Record kinds (scoring/contract.RecordKind) are what is kept beside the answers: the
development plan, the risk register and a baseline. The baseline reads this registry to
check the answers it keeps, so it is named here by module and imported when first asked
for, not when this module is imported: the import graph has no cycle.

stored() is every kind in the order workbooks write them (summary blocks, sheets, App
data rows), which is the order they have always had.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache
from pathlib import Path

from scoring.contract import WORKSHOP_DEFAULT, WORKSHOP_NO, Diagnostic, RecordKind, Stored
from scoring.diagnostics import approaches, conditions, eight_aspects, starting_points, tolerance
from scoring.instruments.loading import DATA_DIR, InstrumentError, read_yaml
from scoring.instruments.statement_diagnostic import StatementDiagnostic, is_statement_file
from scoring.records import development_plan, risks

MODULES = (eight_aspects, approaches, tolerance, starting_points, conditions)  # diagnostics with maths of their own
RECORD_MODULES = (development_plan, risks)
BASELINE_MODULE = "scoring.records.baseline"


def statement_files(folder: Path = DATA_DIR) -> list[Path]:
    """The data folder's files marked `kind: statements`, by name. A file that cannot be
    read is left to load_all to report (it is not a statement file if it is not YAML)."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            content = read_yaml(path)
        except InstrumentError:
            continue
        if is_statement_file(content):
            found.append(path)
    return found


def _statement_diagnostics() -> tuple[StatementDiagnostic, ...]:
    # Found once per process: a new file appears after a restart; an edited one is reread
    # by its instrument() at once. One thread looks while the others wait for it.
    with _FINDING:
        return _find_statement_diagnostics()


_FINDING = threading.Lock()


@lru_cache(maxsize=1)
def _find_statement_diagnostics() -> tuple[StatementDiagnostic, ...]:
    return tuple(StatementDiagnostic(path) for path in statement_files())


# The three below are asked on every save and every row a workbook brings back: each is
# worked out once per process (callers read them, never change them).


@lru_cache(maxsize=1)
def diagnostics() -> dict[str, Diagnostic]:
    """Every diagnostic by id, in the app's order."""
    return {d.ID: d for d in (*MODULES, *_statement_diagnostics())}


@lru_cache(maxsize=1)
def records() -> dict[str, RecordKind]:
    """Every record kind by id: the plan, the risk register, the baseline."""
    baseline = importlib.import_module(BASELINE_MODULE)
    return {r.ID: r for r in (*RECORD_MODULES, baseline)}


@lru_cache(maxsize=1)
def stored() -> dict[str, Stored]:
    """Every kind of stored record, in the order workbooks write them."""
    found = diagnostics()
    kinds = records()
    order = [eight_aspects.ID, approaches.ID, development_plan.ID, risks.ID, *(d for d in found if d not in (eight_aspects.ID, approaches.ID))]
    every = {**found, **kinds}
    return {key: every[key] for key in [*order, *(k for k in kinds if k not in order)]}


def diagnostic(diagnostic_id: str) -> Diagnostic:
    """The diagnostic `diagnostic_id`; KeyError when there is none."""
    return diagnostics()[diagnostic_id]


def in_workshop() -> list[str]:
    """The diagnostics participants can answer in a workshop, in order."""
    return [d.ID for d in diagnostics().values() if d.page().workshop != WORKSHOP_NO]


def workshop_defaults() -> list[str]:
    """The diagnostics a new workshop's form starts with."""
    return [d.ID for d in diagnostics().values() if d.page().workshop == WORKSHOP_DEFAULT]


def title(diagnostic_id: str) -> str:
    """A diagnostic's name, as its instrument file gives it."""
    return diagnostic(diagnostic_id).instrument().title


def page_title(diagnostic_id: str) -> str:
    """A diagnostic's short name, as its page is called in the navigation."""
    return diagnostic(diagnostic_id).page().main.title


def by_address(address: str) -> Diagnostic | None:
    """The diagnostic one of whose pages is at `address`."""
    return next((d for d in diagnostics().values() if any(p.address == address for p in d.page().pages)), None)


def load_all() -> None:
    """Load and validate every instrument and its page wording; the first bad one raises
    InstrumentError. Two diagnostics may not share an id, a page address or a label on the
    shared screen."""
    addresses: dict[str, str] = {}
    labels: dict[str, str] = {}
    for found in diagnostics().values():
        found.instrument()
        for label in found.ROOM_VIEWS:
            if label in labels:
                raise InstrumentError(DATA_DIR / f"{found.ID}.yaml", "title", f"{label!r} is already a view of {labels[label]} on the shared screen")
            labels[label] = found.ID
        for link in found.page().pages:
            if link.address in addresses:
                raise InstrumentError(DATA_DIR / f"{found.ID}.yaml", "page", f"address {link.address!r} is already {addresses[link.address]}'s")
            addresses[link.address] = found.ID
    ids = [d.ID for d in (*MODULES, *_statement_diagnostics())]
    clash = next((i for i in ids if ids.count(i) > 1 or i in records()), None)
    if clash:
        raise InstrumentError(DATA_DIR / f"{clash}.yaml", "id", f"{clash!r} is already a diagnostic or record of this app")
