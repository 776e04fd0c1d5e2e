"""The eight-aspects self-check: one aspect at a time, saved as you go, scored live."""

import streamlit as st

from scoring import eight_aspects
from scoring.figures import radar
from ui import session, widgets

ID = eight_aspects.ID
DONT_KNOW = "dont_know"
ASPECT_KEY = "ea_aspect"
LAST_ASPECT_KEY = "ea_last_aspect"

instrument = eight_aspects.instrument()
records = session.records(ID)
rating_labels = {**instrument.scale, DONT_KNOW: instrument.dont_know}
weight_labels = {0: "0 (leave out)", 1: "1 (normal)", 2: "2", 3: "3 (matters most)"}


def widget_keys(item_id: str) -> dict[str, str]:
    return {field: f"ea_{field}_{item_id}" for field in ("rating", "weight", "basis", "note")}


def save_factor(item_id: str) -> None:
    """Copy one factor's widgets into the store (called when any of them changes)."""
    keys = widget_keys(item_id)
    record = dict(session.records(ID).get(item_id, {}))
    state = st.session_state
    if keys["rating"] in state and state[keys["rating"]] is not None:
        rating = state[keys["rating"]]
        record["rating"] = None if rating == DONT_KNOW else rating
    for field in ("weight", "basis", "note"):
        if keys[field] in state:
            record[field] = state[keys[field]]
    session.save(ID, item_id, record)


def seed_widgets(item_id: str, record: dict) -> None:
    """Widget state is dropped when a widget is not drawn; fill it again from the store."""
    keys = widget_keys(item_id)
    state = st.session_state
    if keys["rating"] not in state and "rating" in record:
        state[keys["rating"]] = DONT_KNOW if record["rating"] is None else record["rating"]
    if keys["weight"] not in state:
        state[keys["weight"]] = record.get("weight", instrument.weight_default)
    if keys["basis"] not in state:
        state[keys["basis"]] = record.get("basis")
    if keys["note"] not in state:
        state[keys["note"]] = record.get("note", "")


def factor_input(factor: eight_aspects.Factor, record: dict) -> None:
    keys = widget_keys(factor.id)
    seed_widgets(factor.id, record)
    with st.container(border=True, key=f"ea_factor_{factor.id}"):
        st.markdown(f"**{factor.text}**")
        if factor.help:
            st.caption(factor.help)
        st.radio(
            factor.text,
            options=list(rating_labels),
            format_func=rating_labels.get,
            index=None,
            horizontal=True,
            label_visibility="collapsed",
            key=keys["rating"],
            on_change=save_factor,
            args=(factor.id,),
        )
        details = []
        if record.get("weight", instrument.weight_default) != instrument.weight_default:
            details.append(f"weight {record['weight']}")
        if record.get("basis"):
            details.append(eight_aspects.EVIDENCE_BASES[record["basis"]].lower())
        if record.get("note"):
            details.append("note added")
        summary = f" ({', '.join(details)})" if details else ""
        with st.expander(f"Weight, evidence and note{summary}"):
            st.radio(
                "How much this factor matters here",
                options=list(range(instrument.weight_min, instrument.weight_max + 1)),
                format_func=lambda w: weight_labels.get(w, str(w)),
                horizontal=True,
                key=keys["weight"],
                on_change=save_factor,
                args=(factor.id,),
            )
            st.radio(
                "Is this rating backed by evidence, or an impression?",
                options=list(eight_aspects.EVIDENCE_BASES),
                format_func=eight_aspects.EVIDENCE_BASES.get,
                index=None,
                horizontal=True,
                key=keys["basis"],
                on_change=save_factor,
                args=(factor.id,),
            )
            st.text_area(
                "Evidence or note",
                max_chars=eight_aspects.NOTE_MAX_CHARS,
                placeholder="What tells you this? e.g. a contract review, a provider forum, a board decision",
                key=keys["note"],
                on_change=save_factor,
                args=(factor.id,),
            )


def aspect_label(aspect_id: str) -> str:
    aspect = instrument.aspect(aspect_id)
    factors = instrument.factors_of(aspect_id)
    done = sum(1 for f in factors if "rating" in records.get(f.id, {}))
    mark = " ✓" if done == len(factors) else ""
    return f"{eight_aspects.ASPECTS.index(aspect_id) + 1}. {aspect.title} ({done}/{len(factors)}){mark}"


def step(offset: int) -> None:
    position = eight_aspects.ASPECTS.index(st.session_state[ASPECT_KEY]) + offset
    st.session_state[ASPECT_KEY] = eight_aspects.ASPECTS[position]


st.title(instrument.title)
st.markdown(instrument.intro)
done, total = eight_aspects.progress(records, instrument)
st.progress(done / total, text=f"{done} of {total} factors answered, saved as you go")

questions, live = st.columns([3, 2], gap="medium")
with questions:
    if ASPECT_KEY not in st.session_state:  # back on this page: return to the last aspect
        st.session_state[ASPECT_KEY] = st.session_state.get(LAST_ASPECT_KEY, eight_aspects.ASPECTS[0])
    aspect_id = st.selectbox("Aspect", eight_aspects.ASPECTS, format_func=aspect_label, key=ASPECT_KEY)
    st.session_state[LAST_ASPECT_KEY] = aspect_id
    st.subheader(instrument.aspect(aspect_id).title)
    st.markdown(f"*{instrument.aspect(aspect_id).question}*")
    for factor in instrument.factors_of(aspect_id):
        factor_input(factor, records.get(factor.id, {}))
    position = eight_aspects.ASPECTS.index(aspect_id)
    back, forward = st.columns(2)
    back.button("Previous aspect", key="ea_previous", on_click=step, args=(-1,), disabled=position == 0, icon=":material/arrow_back:")
    if position < len(eight_aspects.ASPECTS) - 1:
        forward.button("Next aspect", key="ea_next", on_click=step, args=(1,), type="primary", icon=":material/arrow_forward:")
    else:
        with forward:
            st.page_link("pages/results.py", label="See your results", icon=":material/insights:")

with live:
    st.markdown("**Your room for manoeuvre so far**")
    scores = widgets.score_summary(records, instrument, compact=True)
    st.plotly_chart(radar(scores, height=400, compact=True), key="ea_radar", config={"displaylogo": False})
    widgets.unscored_note(scores)
    st.page_link("pages/results.py", label="Full results and Excel summary", icon=":material/insights:")
