"""The strategic risk register for implementing the chosen approach(es)."""

import streamlit as st

from scoring.diagnostics import approaches
from scoring.records import risks
from ui import session, widgets
from ui.editors import record_editor

response = session.response()
records = response.get(risks.ID, {})
titles = {a.id: a.title for a in approaches.instrument().approaches}
chosen = approaches.choice(response)["chosen"]

st.title(risks.TITLE)
st.markdown(
    "The risks of implementing the approach or blend you chose, each rated for likelihood and "
    "impact from 1 (low) to 5 (high). Suggested risks are a starting point: edit, delete or add."
)

if chosen:
    waiting = risks.suggested(chosen, records)

    def add_suggested() -> None:
        # What is waiting now, read from the store: a second click (or a double click that
        # arrives before the page is redrawn) adds nothing twice.
        for risk in risks.suggested(chosen, session.records(risks.ID)):
            session.save(risks.ID, risks.new_risk_key(), risk)

    blend = " + ".join(titles[a] for a in chosen)
    if waiting:
        st.button(f"Add {len(waiting)} suggested risk(s) for {blend}", key="rk_add_suggested", on_click=add_suggested, icon=":material/playlist_add:")
    else:
        st.caption(f"All the suggested risks for {blend} are in the register.")
else:
    st.info("Choose an approach or a blend on the Approaches page to get suggested risks, or add your own below.")
    session.page_link("views/decide/approaches.py", label="Choose approaches", icon=":material/arrow_forward:")

register = risks.register(records)
approach_by_title = {title: key for key, title in titles.items()}


def to_record(row: dict) -> dict:
    """A table row back to a stored risk; the suggestion it came from is kept."""
    return {
        "approach_id": approach_by_title.get(row.get("Approach"), row.get("Approach") or ""),
        "title": row.get("Risk"),
        "description": row.get("Description"),
        "likelihood": row.get("Likelihood"),
        "impact": row.get("Impact"),
        "mitigation": row.get("Mitigation"),
        "owner": row.get("Owner"),
        "suggested_id": row.get("suggested_id") or "",
    }


table = register.assign(
    Ref=[f"R{n}" for n in range(1, len(register) + 1)],
    Risk=register["title"],
    Approach=[titles.get(a, "") for a in register["approach_id"]],
    Description=register["description"],
    Likelihood=register["likelihood"],
    Impact=register["impact"],
    Rating=register["rating"],
    Band=register["band"],
    Mitigation=register["mitigation"],
    Owner=register["owner"],
)[["key", "Ref", "Risk", "Approach", "Likelihood", "Impact", "Rating", "Band", "Description", "Mitigation", "Owner", "suggested_id"]]
record_editor(
    "rk_register",
    risks.ID,
    table,
    to_record=to_record,
    new_key=risks.new_risk_key,
    column_config={
        # Widths in px: the text wraps within them (ui/editors.py) instead of being cut.
        "Ref": st.column_config.TextColumn("Ref", width=50),
        "Risk": st.column_config.TextColumn("Risk", required=True, max_chars=risks.TEXT_LIMIT, width=200),
        "Approach": st.column_config.SelectboxColumn("Approach", options=list(approach_by_title), width=150),
        "Band": st.column_config.TextColumn("Band", width=90),
        "Description": st.column_config.TextColumn("Description", width=260),
        "Mitigation": st.column_config.TextColumn("Mitigation", width=260),
        "Owner": st.column_config.TextColumn("Owner", width=120),
        "Likelihood": st.column_config.NumberColumn("Likelihood", min_value=1, max_value=5, step=1, required=True, help="1 rare … 5 almost certain"),
        "Impact": st.column_config.NumberColumn("Impact", min_value=1, max_value=5, step=1, required=True, help="1 minor … 5 severe"),
        "Rating": st.column_config.NumberColumn("Rating", help="Likelihood x impact"),
        "suggested_id": None,  # kept, not shown
    },
    disabled=["Ref", "Rating", "Band"],
    defaults={"Likelihood": 3, "Impact": 3},
)
st.caption("Bands: Low up to 4, Medium 5–9, High 10–14, Very high 15–25 (likelihood x impact).")
st.header("Likelihood x impact")
if register.empty:
    st.caption("The heat map fills as risks are added.")
else:
    left, right = st.columns([3, 2], gap="large")
    with left:
        widgets.chart(risks.heat_map(register), key="rk_heat")
    with right:
        st.markdown("Each cell names its band; the R-numbers are the risks in the table above.")
        for band_name, count in risks.register_bands(register).items():
            st.markdown(f"- **{band_name}**: {count} risk(s)")
