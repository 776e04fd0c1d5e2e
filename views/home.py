"""Home: what the tool is for, and where to start or carry on."""

import streamlit as st

from scoring import approaches, conditions, development_plan, eight_aspects, risks, starting_points, tolerance
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
done, total = eight_aspects.progress(response.get(eight_aspects.ID, {}))

st.header("1. Quick self-check")
with st.container(border=True, key="home_eight_aspects"):
    st.markdown(f"**{eight_aspects.instrument().title}**")
    st.caption(f"About ten minutes. {total} factors across the eight aspects of commissioning.")
    st.progress(done / total, text=f"{done} of {total} answered")
    session.page_link("views/eight_aspects.py", label="Carry on" if done else "Start the self-check", icon=":material/arrow_forward:")
    session.page_link("views/results.py", label="Results and Excel summary", icon=":material/insights:")

st.header("2. Look at how you work")
for module, page, icon, what, unit in (
    (tolerance, "views/tolerance.py", ":material/front_hand:",
     "Six things commissioners end up tolerating, asked for yourself, your team or with providers; and what to stop first.", "areas rated"),
    (starting_points, "views/starting_points.py", ":material/flag:",
     "Mindset, history, leadership and structures; the talent, capacity and outcomes support you need; and the support that would help.", "statements answered"),
    (conditions, "views/conditions.py", ":material/diversity_3:",
     "Why commissioning is hard here, the five core practices and relational commissioning; and the practice to work on first.", "statements answered"),
):
    module_done, module_total = module.progress(response.get(module.ID, {}))
    with st.container(border=True, key=f"home_{module.ID}"):
        st.markdown(f"**{module.instrument().title}**")
        st.caption(what)
        st.progress(module_done / module_total, text=f"{module_done} of {module_total} {unit}")
        session.page_link(page, label="Carry on" if module_done else "Start", icon=icon)

st.header("3. Decide what to do next")
chosen = approaches.choice(response)["chosen"]
actions = development_plan.actions(response.get(development_plan.ID, {}))
register = risks.register(response.get(risks.ID, {}))
first, second, third = st.columns(3)
with first.container(border=True, key="home_approaches"):
    st.markdown("**Approaches: model fit**")
    st.caption("Which of the thirteen commissioning approaches your context supports, and what would have to change.")
    st.caption(f"{len(chosen)} chosen" if chosen else "None chosen yet")
    session.page_link("views/approaches.py", label="Open", icon=":material/compare_arrows:")
with second.container(border=True, key="home_plan"):
    st.markdown("**Development plan**")
    st.caption("What holds you back and supports you, per aspect, and an action plan.")
    st.caption(f"{len(actions)} action(s), {int((actions['status'] == 'done').sum())} done" if len(actions) else "No actions yet")
    session.page_link("views/plan.py", label="Open", icon=":material/checklist:")
with third.container(border=True, key="home_risks"):
    st.markdown("**Strategic risks**")
    st.caption("The risks of implementing your chosen approaches, rated for likelihood and impact.")
    st.caption(f"{len(register)} risk(s)" if len(register) else "No risks yet")
    session.page_link("views/risks.py", label="Open", icon=":material/report:")

st.header("4. Together, and over time")
together, later = st.columns(2)
with together.container(border=True, key="home_workshops"):
    st.markdown("**Workshops**")
    st.caption("Run a facilitated session: people answer anonymously from their phones and the shared screen shows the room's results, spread and all.")
    session.page_link("views/workshop_new.py", label="Run a workshop", icon=":material/co_present:")
    session.page_link("views/join.py", label="Join a workshop with a code", icon=":material/login:")
with later.container(border=True, key="home_over_time"):
    st.markdown("**A year later**")
    st.caption("Bring back a workbook you downloaded to carry on from it, or keep it as a baseline and see what has moved.")
    session.page_link("views/bring_back.py", label="Bring back a workbook", icon=":material/upload_file:")
    session.page_link("views/compare.py", label="Compare over time", icon=":material/compare:")

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
