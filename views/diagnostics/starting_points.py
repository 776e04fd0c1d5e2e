"""Starting points and support needs: where this place starts from, what support it needs,
and the kinds of support the research suggests for that profile."""

import math

import streamlit as st

from scoring import numbers
from scoring.diagnostics import capacity, stakeholder_map
from scoring.diagnostics import starting_points as sp
from scoring.figures import PALETTE, labelled_bars, theme_bars
from ui import kept_choices, session, widgets
from ui.diagnostics.statements import page_top, phone_style, remembered_picker, statement_radio
from ui.editors import record_editor

instrument = sp.instrument()
records = session.records(sp.ID)
theme_titles = {t.id: t.title for t in instrument.themes}
rating_labels = page_top(sp, records)

st.html(phone_style("sp"))
questions, results = st.columns([3, 2], gap="large")
with questions:
    theme_id = remembered_picker(
        "Theme",
        [t.id for t in instrument.themes],
        lambda t: f"{theme_titles[t]} ({'support need' if t in sp.NEED_THEMES else 'starting point'})",
        "sp_theme",
    )
    theme = next(t for t in instrument.themes if t.id == theme_id)
    st.caption(theme.description)
    for item in instrument.items_of(theme_id):
        statement_radio(sp.ID, "sp", item.id, item.text, records.get(item.id, {}), rating_labels)
    widgets.sources([(i.text, i.source, i.quote) for i in instrument.items_of(theme_id)])

    if instrument.context:
        st.subheader("Context: facts about the place")
        st.caption("Recorded for the conversation, not rated and not scored.")
        for fact in instrument.context:
            fact_key = f"sp_fact_{fact.id}"

            def save_fact(fact_id=fact.id, key=fact_key) -> None:
                if st.session_state.get(key) is not None:
                    refused = session.save(sp.ID, fact_id, {"answer": st.session_state[key]}, quiet=True)
                    kept_choices.keep(key, refused, {key: st.session_state[key]})

            if not kept_choices.restore(fact_key):  # else a choice the store refused, to send again
                st.session_state[fact_key] = records.get(fact.id, {}).get("answer")
            st.radio(fact.text, list(sp.FACT_ANSWERS), format_func=sp.FACT_ANSWERS.get, horizontal=True, key=fact_key, on_change=save_fact)
            kept_choices.notice(fact_key, save_fact)

with results:
    themes = sp.theme_scores(records, instrument)
    st.header("Your starting point")
    widgets.chart(theme_bars(themes[themes["kind"] == "profile"], colour=PALETTE[0]), key="sp_profile")
    st.header("Support needs, greatest first")
    needs = sp.ranked_needs(records, instrument)
    for number, need in enumerate(needs.itertuples(), start=1):
        score = "not rated yet" if math.isnan(need.score) else f"{numbers.text(need.score)} of 100"
        st.markdown(f"{number}. **{need.title}**: {score}")
    st.header("Support that would help")
    kinds = {k.id: k for k in instrument.support_kinds}
    for kind_id, why in sp.recommendations(records, instrument):
        with st.container(border=True, key=f"sp_support_{kind_id}"):
            st.markdown(f"**{kinds[kind_id].title}**: {kinds[kind_id].description}")
            st.caption(why)
    with st.expander("How this is worked out"):
        st.markdown(sp.METHOD)

# --- The simple map of critical structures, partners, leaders and champions ---------
st.header("Map of critical structures, partners, leaders and champions")
st.caption("Who matters to commissioning here, their role, and how strong each relationship is. Add a row at the foot of the table.")
kind_by_label = {label: key for key, label in stakeholder_map.KINDS.items()}
relationship_by_label = {label: key for key, label in stakeholder_map.RELATIONSHIPS.items()}
people = stakeholder_map.table(records)
map_left, map_right = st.columns([1, 1], gap="large")
with map_left:
    record_editor(
        "sp_map",
        sp.ID,
        people.assign(
            Name=people["name"],
            Kind=[stakeholder_map.KINDS[k] for k in people["kind"]],
            Role=people["role"],
            Relationship=[stakeholder_map.RELATIONSHIPS[r] for r in people["relationship"]],
        )[["key", "Name", "Kind", "Role", "Relationship"]],
        to_record=lambda row: {
            "name": row.get("Name"),
            "kind": kind_by_label.get(row.get("Kind"), row.get("Kind")),
            "role": row.get("Role"),
            "relationship": relationship_by_label.get(row.get("Relationship"), row.get("Relationship")),
        },
        new_key=stakeholder_map.new_key,
        column_config={
            "Name": st.column_config.TextColumn("Name", required=True, max_chars=stakeholder_map.NAME_LIMIT),
            "Kind": st.column_config.SelectboxColumn("Kind", options=list(kind_by_label), required=True),
            "Role": st.column_config.TextColumn("Role", max_chars=stakeholder_map.TEXT_LIMIT),
            "Relationship": st.column_config.SelectboxColumn("Relationship", options=list(relationship_by_label), required=True),
        },
        defaults={"Kind": "Partner", "Relationship": "Workable"},
    )
with map_right:
    if people.empty:
        st.caption("The map draws itself as you add people and structures.")
    else:
        widgets.chart(stakeholder_map.network(people), key="sp_network")
        st.caption(
            "Line: thick = strong, thin = workable, dashed = weak, dotted = arm's length. Marker: square = structure, circle = partner, diamond = leader, star = champion."
        )

# --- Capacity calculator -------------------------------------------------------------
st.header("Commissioning capacity")
values = capacity.inputs(records)
st.caption(
    "Enter what drives your workload and the hours each takes a year. The hours per full-time "
    "person is a starting assumption for you to replace with your own: nothing here is a benchmark."
)
kept_choices.forget_if_drawn_afresh("sp_capacity", "sp_staff")
with st.form("sp_capacity", border=True):
    entered = {}
    for driver, label in capacity.DRIVERS.items():
        first, second = st.columns(2)
        entered[driver] = {
            "count": first.number_input(
                f"{label}: how many", min_value=0.0, value=float(values["drivers"][driver]["count"]), step=1.0, key=f"sp_count_{driver}"
            ),
            "hours": second.number_input(
                f"{label}: hours each a year", min_value=0.0, value=float(values["drivers"][driver]["hours"]), step=1.0, key=f"sp_hours_{driver}"
            ),
        }
    first, second = st.columns(2)
    staff = first.number_input("Full-time staff in post", min_value=0.0, value=float(values["staff_in_post"]), step=0.5, key="sp_staff")
    hours_per_fte = second.number_input(
        "Assumption: productive hours a year per full-time person", min_value=1.0, value=float(values["hours_per_fte"]), step=10.0, key="sp_hours_per_fte"
    )
    if st.form_submit_button("Work out capacity", type="primary", icon=":material/calculate:"):
        problem = session.save(sp.ID, capacity.KEY, {"drivers": entered, "staff_in_post": staff, "hours_per_fte": hours_per_fte}, quiet=True)
        if kept_choices.form_saved("sp_capacity", problem, "Not saved"):
            st.rerun()
    kept_choices.notice("sp_capacity")
drivers, totals = capacity.calculate(values)
if totals["hours"]:
    first, second, third = st.columns(3)
    first.metric("Full-time staff needed", numbers.text(totals["fte_needed"], 1))
    second.metric("Full-time staff in post", numbers.text(totals["fte_in_post"], 1))
    # Said in words: a bare "Gap −2.9" left readers to work out that it meant spare capacity.
    gap = numbers.shown(totals["gap"], 1)
    if gap > 0:
        third.metric("More staff needed", f"{gap:.1f} full-time", help="Needed minus in post: the workload needs more staff than are in post.")
    elif gap < 0:
        third.metric("Spare capacity", f"{-gap:.1f} full-time", help="Needed minus in post is negative: more staff are in post than the workload needs.")
    else:
        third.metric("Gap", "None", help="The staff in post match what the workload needs.")
    main = drivers.iloc[0]
    st.markdown(f"**{main.label}** takes the most time: {numbers.shown(main.hours):,} hours a year, {numbers.text(100 * main.share)}% of the total.")
    widgets.chart(
        labelled_bars(
            list(drivers["label"]),
            list(drivers["hours"]),
            maximum=max(float(drivers["hours"].max()), 1.0),
            tickvals=[],
            axis_title="Hours a year",
            colour=PALETTE[1],
        ),
        key="sp_capacity_chart",
    )

widgets.resume_link()
