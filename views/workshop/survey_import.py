"""Import responses gathered elsewhere (a Microsoft Forms or similar export) into the
workshop: map columns, map answer texts, preview what can and cannot be used, import."""

import pandas as pd
import streamlit as st

from scoring import registry
from scoring.imports import survey as forms
from scoring.imports import uploads
from scoring.imports.uploads import UploadError
from scoring.store import WorkshopError
from ui import session, widgets
from ui.uploads import show_refusal
from ui.widgets import plain
from ui.workshop.screen import facilitator_token

token = facilitator_token()
if token is None:
    st.error("Only the facilitator's link can import responses.", icon=":material/lock:")
    st.stop()
workshop = session.workshop()

st.title("Import responses")
st.markdown(
    "Bring in answers collected before the workshop with Microsoft Forms or another survey "
    "tool: upload its CSV or Excel export, confirm which column holds which question and what "
    "each answer means, check the preview, then import. Imported people count like anyone "
    "who joined by code."
)
st.caption(f"{uploads.LIMITS_TEXT}: {uploads.SURVEY_FORMATS}.")
notice = st.session_state.pop("imp_notice", None)
if notice:
    (st.success if notice[0] == "success" else st.error)(notice[1])

# A new uploader after each import, so the same file cannot be imported twice by mistake.
uploaded = st.file_uploader("Survey export (.csv, .txt or .xlsx)", type=["csv", "txt", "tsv", "xlsx"], key=f"imp_file_{st.session_state.get('imp_round', 0)}")
if uploaded is None:
    st.stop()

cached = st.session_state.get("imp_table")
if not cached or cached[0] != uploaded.file_id:
    try:
        cached = (uploaded.file_id, forms.read_table(uploaded.getvalue(), uploaded.name))
    except UploadError as exc:
        cached = (uploaded.file_id, exc)
    st.session_state["imp_table"] = cached
table = cached[1]
if isinstance(table, UploadError):
    show_refusal(table)
    st.stop()

st.success(f"Read {len(table)} row(s) and {len(table.columns)} column(s).", icon=":material/table:")

st.header("1. Which question is in each column")
options = {"": None, forms.ROLE.key: forms.ROLE, **{t.key: t for t in forms.targets(workshop["diagnostics"])}}


def option_label(key: str) -> str:
    target = options[key]
    if target is None:
        return "(not imported)"
    if target == forms.ROLE:
        return target.label
    return f"{registry.page_title(target.diagnostic_id)}: {target.label}"


guess = forms.guess_mapping(list(table.columns), workshop["diagnostics"])
mapping = {}
with st.expander(f"{sum(t is not None for t in guess.values())} of {len(table.columns)} columns matched to a question; check them", expanded=False):
    for number, column in enumerate(table.columns):
        default = guess[column].key if guess[column] is not None else ""
        chosen = st.selectbox(plain(column[:200]), list(options), index=list(options).index(default), format_func=option_label, key=f"imp_map_{number}")
        mapping[column] = options[chosen]
# Last year's form: a column whose statement has since been replaced or split is said
# plainly, not silently dropped (answers to reworded statements are matched above).
outdated = forms.outdated_columns(list(table.columns), workshop["diagnostics"], mapping)
if outdated:
    st.warning(
        f"{len(outdated)} column(s) answer statements from an earlier version of the questions that have since "
        "changed, so their answers are not imported (answers to statements that were only reworded are):\n\n"
        + "\n".join(f"- “{plain(column[:120])}”: {plain(why)}." for column, why in outdated.items()),
        icon=":material/history:",
    )

st.header("2. What the answers mean")
values: dict[str, dict[str, object]] = {}
unmatched = 0
for number, (column, texts) in enumerate(forms.distinct_answers(table, mapping).items()):
    target = mapping[column]
    scale = forms.value_scale(target, workshop["roles"])
    meanings: dict[str, object] = {}  # every text of this column with its value, when the user picked any
    picked_any = False
    missing = forms.unmatched_answers(scale, texts)
    if len(missing) > forms.MAX_TEXTS_TO_MAP:
        unmatched += len(missing)
        st.warning(
            f"“{plain(column[:80])}” has {len(missing):,} different answers that match none of its options: it looks "
            "like free text, not this question. Map it to nothing above, or check the column. Its cells are left out.",
            icon=":material/warning:",
        )
        continue
    for position, text in enumerate(texts):
        value = forms.match_answer(scale, text)
        if value is forms.UNMAPPED:
            unmatched += 1
            labels = dict(forms.choices(target, workshop["roles"]))
            picked = st.selectbox(
                f"“{plain(text[:120])}” in “{plain(column[:80])}” means", list(labels), index=None, placeholder="choose…", key=f"imp_val_{number}_{position}"
            )
            if picked is None:
                continue
            value, picked_any = labels[picked], True
        meanings[text] = value
    if picked_any:
        values[column] = meanings
if not unmatched:
    st.caption("Every answer text matched the scale.")

st.header("3. Preview")
try:
    result = forms.preview(table, mapping, values or None, roles=workshop["roles"])
except forms.MappingError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
st.markdown(f"**{len(result.people)}** participant(s) can be imported; **{len(result.problems)}** answer(s) or row(s) cannot.")
if result.people:
    st.dataframe(
        widgets.uploaded_text_table(
            pd.DataFrame(
                [
                    {
                        "Row": row,
                        "Role": role or "–",
                        **{registry.page_title(d): len(response.get(d, {})) for d in workshop["diagnostics"] if forms.targets([d])},
                    }
                    for row, role, response in result.people
                ]
            )
        ),
        hide_index=True,
        key="imp_people",
    )
    st.caption("One line per person to import: their row in the file, their role and how many answers each diagnostic gets.")
if result.problems:
    st.markdown("**What cannot be used, and why** (left out; everything else in that row is imported)")
    st.dataframe(widgets.uploaded_text_table(pd.DataFrame(result.problems, columns=["Row", "Column", "Why"])), hide_index=True, key="imp_problems")


def do_import() -> None:
    try:
        added = session.store().add_participants(token, result.for_store())
    except (WorkshopError, PermissionError) as exc:
        st.session_state["imp_notice"] = ("error", str(exc))
        return
    st.session_state["imp_notice"] = ("success", f"{added} participant(s) imported. They count on the shared screen and in the pack.")
    st.session_state.pop("imp_table", None)
    st.session_state["imp_round"] = st.session_state.get("imp_round", 0) + 1


st.button(
    f"Import {len(result.people)} participant(s)", key="imp_go", on_click=do_import, type="primary", disabled=not result.people, icon=":material/group_add:"
)
