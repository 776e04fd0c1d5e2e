"""Which pages a tab is offered: everything for a self-check; for a workshop participant
only that workshop's diagnostics and the room's vote; for a facilitator the room's pages
(the shared screen, votes and contributions, the workshop's deciding pages such as the
approaches, worked out from the room, the room's plan and risks) and no self-check;
for the shared screen's own link, that screen alone."""

from __future__ import annotations

import streamlit as st

from scoring import registry
from scoring.contract import HOME_SECTIONS
from scoring.store import FACILITATOR, PARTICIPANT, SCREEN

Spec = tuple[str, str, str, str]  # script, title, icon, url path
CURRENT_KEY = "current_page_address"  # the address of the page this run shows
DECIDE = HOME_SECTIONS[-1]  # home's section of the pages that decide from the answers

# A diagnostic's pages come from its instrument file's page wording (registry); the pages
# below are the app's own. The development plan and risk register are the room's,
# recorded by the facilitator.
HOME: Spec = ("views/home.py", "Home", ":material/home:", "")
PLAN: Spec = ("views/decide/plan.py", "Development plan", ":material/checklist:", "plan")
RISKS: Spec = ("views/decide/risks.py", "Strategic risks", ":material/report:", "risks")
BRING_BACK: Spec = ("views/over_time/bring_back.py", "Bring back a workbook", ":material/upload_file:", "bring-back")
COMPARE: Spec = ("views/over_time/compare.py", "Compare over time", ":material/compare:", "compare")
IMPORT: Spec = ("views/workshop/survey_import.py", "Import responses", ":material/group_add:", "import-responses")
JOIN: Spec = ("views/workshop/join.py", "Join a workshop", ":material/login:", "join")
RUN: Spec = ("views/workshop/new.py", "Run a workshop", ":material/co_present:", "run-workshop")
PARTICIPANT_HOME: Spec = ("views/workshop/participant.py", "Your workshop", ":material/groups:", "")
SHARED_SCREEN: Spec = ("views/workshop/screen.py", "Shared screen", ":material/co_present:", "")
VOICE: Spec = ("views/workshop/voice.py", "Votes and contributions", ":material/how_to_vote:", "votes-and-contributions")
VOTE: Spec = ("views/workshop/vote.py", "Vote and contribute", ":material/how_to_vote:", "vote")


def diagnostic_specs(diagnostic_ids: list[str] | None = None) -> list[Spec]:
    """The pages of these diagnostics (all of them when None), in the registry's order."""
    found = [d for d in registry.diagnostics().values() if diagnostic_ids is None or d.ID in diagnostic_ids]
    found.sort(key=lambda d: HOME_SECTIONS.index(d.page().section))  # as home lists them; stable within a section
    return [(link.script, link.title, link.icon, link.address) for d in found for link in d.page().pages]


def sections_for(workshop: dict | None, *, joining: bool) -> tuple[dict[str, list[Spec]], Spec]:
    """The navigation's sections and its default page (served at the app's root)."""
    if workshop and workshop["kind"] == PARTICIPANT and not joining:
        return {"": [PARTICIPANT_HOME, *diagnostic_specs(workshop["diagnostics"]), VOTE]}, PARTICIPANT_HOME
    if workshop and workshop["kind"] == SCREEN and not joining:
        return {"": [SHARED_SCREEN]}, SHARED_SCREEN
    if workshop and workshop["kind"] == FACILITATOR and not joining:
        # One flat list: Streamlit's section headings sit inside its <ul> as <div>s, which
        # screen readers (and axe) take for a broken list. The room's pages only: a
        # self-check of the facilitator's own under this link would read as the room's.
        # A deciding page (the approaches) works from the room's answers there, and sends
        # the room's choice to the room's plan and risks.
        deciding = diagnostic_specs([d.ID for d in registry.diagnostics().values() if d.ID in workshop["diagnostics"] and d.page().section == DECIDE])
        return {"": [SHARED_SCREEN, VOICE, *deciding, PLAN, RISKS, IMPORT, BRING_BACK, COMPARE]}, SHARED_SCREEN
    everything = diagnostic_specs()
    return {"": [HOME, *everything, PLAN, RISKS, BRING_BACK, COMPARE, JOIN, RUN]}, JOIN if joining else HOME


def pages(sections: dict[str, list[Spec]], default: Spec) -> dict[str, list[st.Page]]:
    def page(spec: Spec) -> st.Page:
        script, title, icon, url_path = spec
        if spec == default:  # the default page lives at the root and takes no url path
            return st.Page(script, title=title, icon=icon, default=True)
        return st.Page(script, title=title, icon=icon, url_path=url_path or None)

    return {name: [page(spec) for spec in specs] for name, specs in sections.items()}


def offered(sections: dict[str, list[Spec]], built: dict[str, list[st.Page]]) -> dict[str, st.Page]:
    """Each page offered, by its script (the first page of a script) and by its address,
    for ui/session.page_link."""
    found: dict[str, st.Page] = {}
    for specs, made in zip(sections.values(), built.values()):
        for spec, page in zip(specs, made):
            found.setdefault(spec[0], page)
            if spec[3]:
                found[spec[3]] = page
    return found


def current_diagnostic():
    """The diagnostic whose page this run shows (a statement diagnostic's shared script
    asks which it is), or None."""
    address = st.session_state.get(CURRENT_KEY)
    return registry.by_address(address) if address else None
