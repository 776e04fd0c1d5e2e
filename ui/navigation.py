"""Which pages a tab is offered: everything for a self-check; for a workshop participant
only that workshop's diagnostics; for a facilitator the shared screen and the room's plan;
for the shared screen's own link, that screen alone."""

from __future__ import annotations

import streamlit as st

from scoring.store import FACILITATOR, PARTICIPANT, SCREEN

Spec = tuple[str, str, str, str]  # script, title, icon, url path

# Diagnostics a workshop participant can answer, with their pages. The development plan
# and risk register are the room's, recorded by the facilitator.
DIAGNOSTIC_PAGES: dict[str, list[Spec]] = {
    "eight_aspects": [("views/eight_aspects.py", "Eight aspects self-check", ":material/tune:", "eight-aspects"),
                      ("views/results.py", "Results and Excel summary", ":material/insights:", "results")],
    "tolerance": [("views/tolerance.py", "What are we tolerating?", ":material/front_hand:", "tolerating")],
    "starting_points": [("views/starting_points.py", "Starting points and support needs", ":material/flag:", "starting-points")],
    "conditions": [("views/conditions.py", "Conditions and practices", ":material/diversity_3:", "conditions")],
    "approaches": [("views/approaches.py", "Approaches: model fit", ":material/compare_arrows:", "approaches")],
}
HOME: Spec = ("views/home.py", "Home", ":material/home:", "")
PLAN: Spec = ("views/plan.py", "Development plan", ":material/checklist:", "plan")
RISKS: Spec = ("views/risks.py", "Strategic risks", ":material/report:", "risks")
BRING_BACK: Spec = ("views/bring_back.py", "Bring back a workbook", ":material/upload_file:", "bring-back")
COMPARE: Spec = ("views/compare.py", "Compare over time", ":material/compare:", "compare")
IMPORT: Spec = ("views/workshop_import.py", "Import responses", ":material/group_add:", "import-responses")
JOIN: Spec = ("views/join.py", "Join a workshop", ":material/login:", "join")
RUN: Spec = ("views/workshop_new.py", "Run a workshop", ":material/co_present:", "run-workshop")
PARTICIPANT_HOME: Spec = ("views/workshop_participant.py", "Your workshop", ":material/groups:", "")
SHARED_SCREEN: Spec = ("views/workshop_screen.py", "Shared screen", ":material/co_present:", "")


def _diagnostic_specs(diagnostic_ids: list[str]) -> list[Spec]:
    return [spec for diagnostic_id, specs in DIAGNOSTIC_PAGES.items() if diagnostic_id in diagnostic_ids for spec in specs]


def sections_for(workshop: dict | None, *, joining: bool) -> tuple[dict[str, list[Spec]], Spec]:
    """The navigation's sections and its default page (served at the app's root)."""
    if workshop and workshop["kind"] == PARTICIPANT and not joining:
        return {"": [PARTICIPANT_HOME, *_diagnostic_specs(workshop["diagnostics"])]}, PARTICIPANT_HOME
    if workshop and workshop["kind"] == SCREEN and not joining:
        return {"": [SHARED_SCREEN]}, SHARED_SCREEN
    if workshop and workshop["kind"] == FACILITATOR and not joining:
        # One flat list: Streamlit's section headings sit inside its <ul> as <div>s, which
        # screen readers (and axe) take for a broken list.
        return {"": [SHARED_SCREEN, IMPORT, PLAN, RISKS, BRING_BACK, COMPARE, *_diagnostic_specs(workshop["diagnostics"])]}, SHARED_SCREEN
    everything = _diagnostic_specs(list(DIAGNOSTIC_PAGES))
    return {"": [HOME, *everything, PLAN, RISKS, BRING_BACK, COMPARE, JOIN, RUN]}, JOIN if joining else HOME


def pages(sections: dict[str, list[Spec]], default: Spec) -> dict[str, list[st.Page]]:
    def page(spec: Spec) -> st.Page:
        script, title, icon, url_path = spec
        if spec == default:  # the default page lives at the root and takes no url path
            return st.Page(script, title=title, icon=icon, default=True)
        return st.Page(script, title=title, icon=icon, url_path=url_path or None)

    return {name: [page(spec) for spec in specs] for name, specs in sections.items()}


def scripts(sections: dict[str, list[Spec]]) -> list[str]:
    return [spec[0] for specs in sections.values() for spec in specs]
