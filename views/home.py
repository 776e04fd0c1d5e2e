"""Home: what the tool is for, and where to start or carry on."""

import streamlit as st

from scoring import registry
from scoring.records import development_plan, risks
from scoring.store import self_check_days
from ui import session

st.title("Commissioning Diagnostics")
st.markdown(
    "A space to look honestly at how your commissioning works: where you have room for "
    "manoeuvre to shape outcomes for your place, and what holds you back. "
    "It is a vehicle for self-improvement, not a performance management tool: no login, "
    "no league tables, and your answers are yours."
)

response = session.response()
SECTIONS = {"start": "1. Quick self-check", "look": "2. Look at how you work", "decide": "3. Decide what to do next"}


def diagnostic_card(module) -> None:
    """A diagnostic's card, worded by its instrument file: title, blurb, progress, links."""
    wording = module.page()
    done, total = module.progress(response.get(module.ID, {}))
    with st.container(border=True, key=f"home_{module.ID}"):
        st.markdown(f"**{wording.main.title}**")
        st.caption(wording.blurb)
        st.progress(done / total if total else 0.0, text=f"{done} of {total} {wording.unit}")
        session.page_link(wording.main, label=f"{'Carry on' if done else 'Start'}: {wording.main.title}", icon=wording.main.icon)
        for more in wording.pages[1:]:
            session.page_link(more, label=more.title, icon=more.icon)


for section, heading in SECTIONS.items():
    st.header(heading)
    for module in registry.diagnostics().values():
        if module.page().section == section:
            diagnostic_card(module)

actions = development_plan.actions(response.get(development_plan.ID, {}))
register = risks.register(response.get(risks.ID, {}))
plan, risk = st.columns(2)
with plan.container(border=True, key="home_plan"):
    st.markdown("**Development plan**")
    st.caption("What holds you back and supports you, per aspect, and an action plan.")
    st.caption(f"{len(actions)} action(s), {int((actions['status'] == 'done').sum())} done" if len(actions) else "No actions yet")
    session.page_link("views/decide/plan.py", label="Open", icon=":material/checklist:")
with risk.container(border=True, key="home_risks"):
    st.markdown("**Strategic risks**")
    st.caption("The risks of implementing your chosen approaches, rated for likelihood and impact.")
    st.caption(f"{len(register)} risk(s)" if len(register) else "No risks yet")
    session.page_link("views/decide/risks.py", label="Open", icon=":material/report:")

st.header("4. Together, and over time")
together, later = st.columns(2)
with together.container(border=True, key="home_workshops"):
    st.markdown("**Workshops**")
    st.caption("Run a facilitated session: people answer anonymously from their phones and the shared screen shows the room's results, spread and all.")
    session.page_link("views/workshop/new.py", label="Run a workshop", icon=":material/co_present:")
    session.page_link("views/workshop/join.py", label="Join a workshop with a code", icon=":material/login:")
with later.container(border=True, key="home_over_time"):
    st.markdown("**A year later**")
    st.caption("Bring back a workbook you downloaded to carry on from it, or keep it as a baseline and see what has moved.")
    session.page_link("views/over_time/bring_back.py", label="Bring back a workbook", icon=":material/upload_file:")
    session.page_link("views/over_time/compare.py", label="Compare over time", icon=":material/compare:")

url = session.resume_url()
if url:
    st.header("Come back later")
    st.markdown(
        "Your answers are saved as you go. Keep this link to return to them from any "
        "browser; anyone with the link can see and change these answers. Answers nobody "
        f"changes for {self_check_days()} days are deleted: download the Excel summary to keep them longer."
    )
    st.code(url, language=None, wrap_lines=True)
    if st.button("Start a new self-check", key="start_afresh", help="This tab forgets the current answers; the link above still opens them."):
        session.start_afresh()
        st.rerun()
