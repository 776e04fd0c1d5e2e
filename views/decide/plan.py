"""The commissioning development plan: per aspect, then the action plan."""

from datetime import date

import streamlit as st

from scoring import numbers
from scoring.diagnostics import eight_aspects
from scoring.records import development_plan as plan
from scoring.store import FACILITATOR
from scoring.workshop import room, rounds
from ui import kept_choices, session, widgets
from ui.editors import record_editor
from ui.workshop import screen

ASPECT_KEY = "pl_aspect"
LAST_ASPECT_KEY = "pl_last_aspect"

instrument = eight_aspects.instrument()
response = session.response()
records = response.get(plan.ID, {})
ea_records = response.get(eight_aspects.ID, {})
room_plan = session.workshop() is not None and session.workshop()["kind"] == FACILITATOR
if room_plan:  # the room's plan starts from what the room agreed, not the facilitator's own answers
    agreed = session.store().agreements(session.token())
    ea_records = rounds.agreed_records(agreed, eight_aspects.ID)
    people = screen.participants(session.token())
    spreads = {r.item_id: r.disagreement for r in room.item_disagreement(people, min_answers=session.workshop()["min_group"]).itertuples()}
    to_check = rounds.to_check(spreads, agreed, eight_aspects.ID)
    not_agreed = {key[1] for key, record in agreed.items() if key[0] == eight_aspects.ID and not record.get("agreed")}
aspect_titles = {a.id: a.title for a in instrument.aspects}
factor_texts = {f.id: f.text for f in instrument.factors}

st.title(plan.TITLE)
st.markdown(
    "The room's plan: for each aspect, what holds the place back, what supports it and what could be "
    "boosted, then an action plan. It starts from what the room agreed; change anything."
    if room_plan
    else "Building on the self-check: for each aspect, what holds you back, what supports you and "
    "what you could boost, then an action plan. It starts from your answers; change anything."
)
widgets.deciding_questions()


def remember_aspect() -> None:
    st.session_state[LAST_ASPECT_KEY] = st.session_state[ASPECT_KEY]


def save_aspect(aspect_id: str) -> None:
    state = st.session_state
    holds_back = state.get(f"pl_holds_{aspect_id}") or []
    # A factor just marked as holding back stops counting as a support.
    supports = [f for f in state.get(f"pl_supports_{aspect_id}") or [] if f not in holds_back]
    record = {
        "holds_back": holds_back,
        "supports": supports,
        "boost": [f for f in state.get(f"pl_boost_{aspect_id}") or [] if f in supports],
        "classes": {f: state[f"pl_class_{aspect_id}_{f}"] for f in holds_back if state.get(f"pl_class_{aspect_id}_{f}")},
    }
    session.save(plan.ID, plan.aspect_key(aspect_id), record)


# --- Per aspect --------------------------------------------------------------------
st.session_state[ASPECT_KEY] = st.session_state.setdefault(LAST_ASPECT_KEY, eight_aspects.ASPECTS[0])
aspect_id = st.selectbox(
    "Aspect",
    eight_aspects.ASPECTS,
    format_func=aspect_titles.get,  # a fixed label: Streamlit matches the choice by it
    key=ASPECT_KEY,
    on_change=remember_aspect,
)
current = plan.aspect_plan(aspect_id, records, ea_records)
if plan.aspect_key(aspect_id) in records:
    st.caption("Saved: your own plan for this aspect.")
else:
    st.caption(
        "Pre-filled from the ratings the room agreed (factors agreed at 1–2 hold the place back, 4–5 support it). Change anything."
        if room_plan
        else "Pre-filled from your self-check (factors rated 1–2 hold you back, 4–5 support you). Change anything to make it yours."
    )
if room_plan:
    check = [f for f in to_check if f in {factor.id for factor in instrument.factors_of(aspect_id)}]

    def why(factor_id: str) -> str:
        spread = f"spread {numbers.text(spreads[factor_id] * 100)} / 100" if factor_id in spreads else ""
        return "; ".join(part for part in ("not agreed" if factor_id in not_agreed else "", spread) if part)

    if check:
        st.info(
            "**Where the room disagreed widely: check the evidence.** " + "; ".join(widgets.plain(factor_texts[f]) + f" ({why(f)})" for f in check) + ".",
            icon=":material/fact_check:",
        )

# Widgets are set from the store before they are drawn (see ui/diagnostics/eight_aspects_form.py).
factors = [f.id for f in instrument.factors_of(aspect_id)]
st.session_state[f"pl_holds_{aspect_id}"] = current["holds_back"]
st.session_state[f"pl_supports_{aspect_id}"] = current["supports"]
st.session_state[f"pl_boost_{aspect_id}"] = current["boost"]
for factor_id in current["holds_back"]:
    st.session_state[f"pl_class_{aspect_id}_{factor_id}"] = current["classes"].get(factor_id)

left, right = st.columns(2, gap="large")
with left:
    questions = (
        (plan.QUESTIONS[0], factors, "holds", "All factors of this aspect are listed."),
        (plan.QUESTIONS[1], [f for f in factors if f not in current["holds_back"]], "supports", "Every factor is marked as holding you back."),
        (plan.QUESTIONS[2], current["supports"], "boost", "Choose what supports you first; then pick what to boost here."),
    )
    for question, options, field, when_empty in questions:
        if options:
            st.multiselect(question, options, format_func=factor_texts.get, key=f"pl_{field}_{aspect_id}", on_change=save_aspect, args=(aspect_id,))
        else:  # an empty multiselect is drawn disabled, with a label too faint to read
            st.markdown(f"**{question}**")
            st.caption(when_empty)
with right:
    st.markdown("**Which of the inhibiting factors are…**")
    if not current["holds_back"]:
        st.caption("Choose the factors that hold you back, then class each one here.")
    for factor_id in current["holds_back"]:
        st.radio(
            factor_texts[factor_id],
            list(plan.CLASSES),
            format_func=plan.CLASSES.get,
            horizontal=True,
            key=f"pl_class_{aspect_id}_{factor_id}",
            on_change=save_aspect,
            args=(aspect_id,),
        )

# --- Action plan -------------------------------------------------------------------
st.header("Action plan")
st.caption("Actions to address the inhibiting factors and boost the supporting ones. Edit in the table; add a row at its foot or with the form below.")
status_by_label = {label: key for key, label in plan.STATUSES.items()}
aspect_by_title = {title: key for key, title in aspect_titles.items()}


def to_record(row: dict) -> dict:
    """A table row (labels) back to a stored action (ids)."""
    return {
        "aspect_id": aspect_by_title.get(row.get("Aspect"), row.get("Aspect")),
        "action": row.get("Action"),
        "owner": row.get("Owner"),
        "due": row.get("By when") or "",
        "measure": row.get("Measure of success"),
        "status": status_by_label.get(row.get("Status"), row.get("Status")),
        "origin": row.get("Origin") or "",
    }


actions = plan.actions(records)
table = actions.assign(
    Aspect=[aspect_titles[a] for a in actions["aspect_id"]],
    Action=actions["action"],
    Owner=actions["owner"],
    **{"By when": [date.fromisoformat(d) if d else None for d in actions["due"]]},
    **{"Measure of success": actions["measure"]},
    Status=[plan.STATUSES[s] for s in actions["status"]],
    Origin=actions["origin"],
)[["key", "Aspect", "Action", "Owner", "By when", "Measure of success", "Status", "Origin"]]
record_editor(
    "pl_actions",
    plan.ID,
    table,
    to_record=to_record,
    new_key=plan.new_action_key,
    column_config={
        # Widths in px that keep every column on a laptop's screen, the status included;
        # the text wraps within them (ui/editors.py), so a phone scrolls only sideways.
        "Aspect": st.column_config.SelectboxColumn("Aspect", options=list(aspect_by_title), required=True, width=110),
        "Owner": st.column_config.TextColumn("Owner", width=100),
        "Measure of success": st.column_config.TextColumn("Measure of success", width=150),
        "Action": st.column_config.TextColumn("Action", required=True, max_chars=plan.TEXT_LIMIT, width=220),
        "By when": st.column_config.DateColumn("By when", format="DD/MM/YYYY", width=100),
        "Status": st.column_config.SelectboxColumn("Status", options=list(status_by_label), required=True, width=100),
        "Origin": st.column_config.TextColumn("Origin", help="Where the action came from, e.g. a gap for a chosen approach", width=100),
    },
    disabled=["Origin"],
    defaults={"Aspect": aspect_titles[aspect_id], "Status": plan.STATUSES["not_started"]},
)

# A fresh form after each addition; after a refusal the typed text stays for correcting.
form_version = st.session_state.setdefault("pl_form_version", 0)
new_form = f"pl_new_action_{form_version}"
kept_choices.forget_if_drawn_afresh(new_form, f"pl_new_text_{form_version}")
with st.form(new_form, border=True):
    st.markdown("**Add an action**")
    first, second = st.columns(2)
    new_aspect = first.selectbox(
        "Aspect", eight_aspects.ASPECTS, index=eight_aspects.ASPECTS.index(aspect_id), format_func=aspect_titles.get, key=f"pl_new_aspect_{form_version}"
    )
    new_status = second.selectbox("Status", list(plan.STATUSES), format_func=plan.STATUSES.get, key=f"pl_new_status_{form_version}")
    new_action = st.text_area("Action", max_chars=plan.TEXT_LIMIT, key=f"pl_new_text_{form_version}", height=80)
    first, second, third = st.columns(3)
    new_owner = first.text_input("Owner", max_chars=plan.TEXT_LIMIT, key=f"pl_new_owner_{form_version}")
    new_due = second.date_input("By when", value=None, format="DD/MM/YYYY", key=f"pl_new_due_{form_version}")
    new_measure = third.text_input("Measure of success", max_chars=plan.TEXT_LIMIT, key=f"pl_new_measure_{form_version}")
    if st.form_submit_button("Add to the plan", type="primary", icon=":material/add:"):
        problem = session.save(
            plan.ID,
            plan.new_action_key(),
            {
                "aspect_id": new_aspect,
                "action": new_action,
                "owner": new_owner,
                "due": new_due or "",
                "measure": new_measure,
                "status": new_status,
                "origin": "Added by hand",
            },
            quiet=True,
        )
        if kept_choices.form_saved(new_form, problem, "Not added"):
            st.session_state["pl_form_version"] = form_version + 1
            st.rerun()
    kept_choices.notice(new_form)
