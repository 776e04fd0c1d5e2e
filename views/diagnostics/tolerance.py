"""What are we tolerating? Six areas, three ways of asking, the things to stop first."""

import streamlit as st

from scoring.diagnostics import tolerance
from scoring.records import development_plan
from ui import kept_choices, session, widgets

instrument = tolerance.instrument()
response = session.response()
records = response.get(tolerance.ID, {})
mode_titles = {m.id: m.title for m in instrument.modes}

st.title(instrument.title)
st.markdown(instrument.intro)


def save_mode() -> None:
    session.save(tolerance.ID, tolerance.MODE, {"mode": st.session_state["tol_mode"]})


AREA_FIELDS = ("frequency", "impact", "gift", "evidence")


def save_area(area_id: str) -> None:
    keys = {field: f"tol_{field}_{area_id}" for field in AREA_FIELDS}
    record = {field: st.session_state.get(key) for field, key in keys.items()}
    refused = session.save(tolerance.ID, tolerance.area_key(area_id), record, quiet=True)
    kept_choices.keep(f"tol_area_{area_id}", refused, {keys[field]: value for field, value in record.items()})  # evidence typed included


# Widgets are set from the store before they are drawn (see ui/diagnostics/eight_aspects_form.py).
current_mode = tolerance.mode(records)
st.session_state["tol_mode"] = current_mode
st.radio("How are you using this?", tolerance.MODES, format_func=mode_titles.get, horizontal=True, key="tol_mode", on_change=save_mode)
st.info(next(m.note for m in instrument.modes if m.id == current_mode), icon=":material/handshake:")
done, total = tolerance.progress(records)
st.progress(done / total, text=f"{done} of {total} areas rated, saved as you go")

questions, results = st.columns([3, 2], gap="large")
with questions:
    for number, area in enumerate(instrument.areas, start=1):
        record = records.get(tolerance.area_key(area.id), {})
        if not kept_choices.restore(f"tol_area_{area.id}"):  # else a change the store refused, to send again
            for field in ("frequency", "impact", "gift"):
                st.session_state[f"tol_{field}_{area.id}"] = record.get(field)
            st.session_state[f"tol_evidence_{area.id}"] = record.get("evidence", "")
        with st.container(border=True, key=f"tol_area_{area.id}"):
            st.markdown(f"**{number}. {area.title}**")
            st.markdown(f"> “{area.statement}”")
            st.caption(area.description)
            st.markdown(area.prompts[current_mode])
            for field, scale, label in (
                ("frequency", instrument.scales["frequency"], "How often is it heard or said?"),
                ("impact", instrument.scales["impact"], "Its impact on children and families"),
                ("gift", instrument.scales["gift"], "Whose gift is it to change?"),
            ):
                st.radio(label, list(scale), format_func=scale.get, horizontal=True, key=f"tol_{field}_{area.id}", on_change=save_area, args=(area.id,))
            st.text_area(
                "What evidence is there?",
                max_chars=tolerance.EVIDENCE_LIMIT,
                key=f"tol_evidence_{area.id}",
                on_change=save_area,
                args=(area.id,),
                height=80,
                placeholder="e.g. the waiting list report to the partnership board, what families tell us",
            )
            kept_choices.notice(f"tol_area_{area.id}", lambda area_id=area.id: save_area(area_id))

with results:
    st.header("Tolerance profile")
    widgets.chart(tolerance.profile_chart(tolerance.profile(records, instrument)), key="tol_profile")
    st.header("Stop first")
    stop = tolerance.stop_first(records, instrument)
    if stop.empty:
        st.caption("Rate how often and with what impact each area is heard; the things to stop first appear here.")
    plan_records = response.get(development_plan.ID, {})
    planned = {r.get("origin") for r in plan_records.values()}

    def add_action(area_id: str) -> None:
        session.save(development_plan.ID, development_plan.new_action_key(), tolerance.action_for(instrument.area(area_id)))

    for row in stop.itertuples():
        area = instrument.area(row.area_id)
        with st.container(border=True, key=f"tol_stop_{row.area_id}"):
            st.markdown(f"**{area.title}**")
            st.caption(row.why)
            if session.is_participant():
                pass  # the room's plan is the facilitator's to record
            elif tolerance.action_for(area)["origin"] in planned:
                st.caption("In the development plan.")
            else:
                st.button(
                    "Add to the development plan", key=f"tol_plan_{row.area_id}", on_click=add_action, args=(row.area_id,), icon=":material/playlist_add:"
                )
    with st.expander("How the priority is worked out"):
        st.markdown(tolerance.METHOD)

widgets.resume_link()
