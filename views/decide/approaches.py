"""Commissioning approaches: fit to this context, a chosen blend, and what would have to change.

On a workshop facilitator's link the context is the room's: its mean scores as the
answers stand, or the ratings it agreed; the blend chosen is the room's, and its gaps
and risks go to the room's plan and register."""

import streamlit as st

from scoring.diagnostics import approaches, eight_aspects
from scoring.figures import feasibility_desirability, fit_bars
from scoring.records import development_plan, risks
from ui import session, tables, widgets
from ui.workshop import screen

FROM_AGREED_KEY = "ap_from_agreed"

instrument = approaches.instrument()
aspect_titles = {a.id: a.title for a in eight_aspects.instrument().aspects}
response = session.response()
choice = approaches.choice(response)
titles = {a.id: a.title for a in instrument.approaches}
room_token = screen.facilitator_token()  # the facilitator decides with the room, from the room's answers

st.title(instrument.title)
st.markdown(instrument.intro)
widgets.deciding_questions()

if room_token:
    min_group = session.workshop()["min_group"]
    agreed = screen.agreed_scores(room_token)
    if agreed:
        st.toggle("Rank the approaches from the ratings the room agreed", key=FROM_AGREED_KEY)
    from_agreed = bool(agreed) and st.session_state.get(FROM_AGREED_KEY, False)
    scores = agreed if from_agreed else screen.room_scores(room_token, min_group)
    if not approaches.aspects_used(scores):
        st.info(f"Fit is worked out from the room's answers: it shows once {min_group} people have answered the eight aspects self-check.")
        st.stop()
    st.caption(
        "The room's context: each aspect scored from the ratings the room agreed, as one person's answers are."
        if from_agreed
        else f"The room's context: its mean score on each aspect, as the answers stand (no aspect fewer than {min_group} people scored)."
    )
else:
    scores = approaches.aspect_scores(response)
    done, total = eight_aspects.progress(response.get(eight_aspects.ID, {}))
    if not done:
        st.info("Fit is worked out from your room for manoeuvre, so answer some of the self-check first.")
        session.page_link("views/diagnostics/eight_aspects.py", label="Go to the self-check", icon=":material/arrow_forward:")
        st.stop()
    st.caption(f"Based on {done} of {total} self-check factors answered.")


IMPORTANCE = {1: "1 (some)", 2: "2 (more)", 3: "3 (most)"}  # short: one row on a phone


def importance_key(priority_id: str) -> str:
    return f"ap_importance_{priority_id}"


def save_choice() -> None:
    state = st.session_state
    record = {
        "chosen": state.get("ap_chosen") or [],
        # A priority just chosen matters 1 until its importance is set.
        "priorities": {p: state.get(importance_key(p)) or choice["priorities"].get(p, 1) for p in state.get("ap_priorities") or []},
    }
    session.save(approaches.ID, approaches.CHOICE, record)


# Widgets are set from the store before they are drawn (see ui/diagnostics/eight_aspects_form.py).
st.session_state["ap_priorities"] = list(choice["priorities"])
st.session_state["ap_chosen"] = list(choice["chosen"])
for priority_id, importance in choice["priorities"].items():
    st.session_state[importance_key(priority_id)] = importance

st.header("What does your place most want to achieve?")
st.pills(
    "Optional: choose the priorities that matter most. Fit then combines feasibility with desirability.",
    options=list(approaches.PRIORITIES),
    format_func={p.id: p.title for p in instrument.priorities}.get,
    selection_mode="multi",
    key="ap_priorities",
    on_change=save_choice,
)
priority_titles = {p.id: p.title for p in instrument.priorities}
for priority_id in choice["priorities"]:
    st.radio(
        f"How much does {priority_titles[priority_id].lower()} matter?",
        list(IMPORTANCE),
        format_func=IMPORTANCE.get,
        horizontal=True,
        key=importance_key(priority_id),
        on_change=save_choice,
    )
ranked = approaches.rank(scores, choice["priorities"])

st.header("Fit to your context")
st.markdown(f"**How fit works.** {approaches.FIT_RULE}")
if ranked["judged"].any():
    widgets.chart(fit_bars(ranked), key="ap_fit")
st.caption(approaches.basis(scores, ranked) + " Equal fits share a rank, shown as =3.")
if choice["priorities"]:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header("Feasibility and desirability")
        widgets.chart(feasibility_desirability(ranked), key="ap_matrix")
    with right:
        st.markdown(
            "**How to read this.** Each diamond is an approach, numbered by its rank above "
            '(approaches too close to number apart share a label, such as "2, =3"). '
            "Right: your context allows it. Up: it serves what you chose as priorities. "
            "Top right: both."
        )
        tables.matrix_key(ranked)
else:
    st.caption(
        "Fit shows how far your room for manoeuvre supports what each approach relies on. A low fit "
        "does not rule an approach out: it tells you what would have to change first. Choose priorities "
        "above to weigh in what your place wants to achieve."
    )

st.header("Why each approach fits, or not")
# Best fit first, so the page opens on the explanation of rank 1.
explained = st.selectbox("Explain an approach", list(ranked["approach_id"]), format_func=titles.get, key="ap_explain")
tables.approach_explanation(instrument.approach(explained), scores, aspect_titles, ranked)

st.header("Choose an approach, or a blend of up to three")
st.caption(
    "Approaches are not mutually exclusive: most places blend several."
    + (" Record the room's choice here: its gaps go to the room's plan and its risks to the room's register." if room_token else "")
)
st.multiselect(
    "Chosen approach or blend",
    approaches.APPROACHES,
    format_func=titles.get,
    max_selections=approaches.MAX_BLEND,
    key="ap_chosen",
    on_change=save_choice,
)

if choice["chosen"]:
    gap_table = approaches.gaps(choice["chosen"], scores)
    st.markdown("**What would have to change**: the aspects the blend depends on, largest gap first.")
    tables.gap_table(gap_table, aspect_titles)
    blend = [titles[a] for a in choice["chosen"]]

    def add_gaps_to_plan() -> None:
        added = 0
        # The plan as it is now, from the store: a second click adds nothing twice.
        for proposal in development_plan.actions_from_gaps(gap_table, blend, session.records(development_plan.ID)):
            if session.save(development_plan.ID, development_plan.new_action_key(), proposal) is None:
                added += 1
        st.session_state["ap_notice"] = f"{added} action(s) added to the development plan." if added else "Those gaps are already in the plan."

    def add_risks() -> None:
        added = 0
        for risk in risks.suggested(choice["chosen"], session.records(risks.ID)):  # as it is now, as above
            if session.save(risks.ID, risks.new_risk_key(), risk) is None:
                added += 1
        st.session_state["ap_notice"] = f"{added} suggested risk(s) added to the register." if added else "The suggested risks are already in the register."

    if session.is_participant():
        st.caption("The facilitator records the room's development plan and risks; your blend is counted in the room's results.")
    else:
        first, second = st.columns(2)
        first.button("Add these gaps to the development plan", key="ap_add_gaps", on_click=add_gaps_to_plan, type="primary", icon=":material/playlist_add:")
        second.button("Add the suggested risks to the register", key="ap_add_risks", on_click=add_risks, icon=":material/report:")
        notice = st.session_state.pop("ap_notice", None)
        if notice:
            st.success(notice)
        link_plan, link_risks = st.columns(2)
        with link_plan:
            session.page_link("views/decide/plan.py", label="Open the development plan", icon=":material/checklist:")
        with link_risks:
            session.page_link("views/decide/risks.py", label="Open the risk register", icon=":material/report:")

with st.expander("How fit is calculated"):
    st.markdown(approaches.METHOD)
    st.markdown("The weights and their reasons are in `data/approaches.yaml` and on the *Approach requirements* sheet of the Excel summary.")
