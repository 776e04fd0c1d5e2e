"""The comparison of a baseline with a current assessment, drawn (maths in scoring/compare)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring import compare, numbers
from ui import widgets

_score = numbers.text
_change = numbers.signed


def show(before: compare.Side, after: compare.Side) -> None:
    first, second = compare.labels(before, after)
    overall = compare.overall_change(before, after)
    # A name can be long (a workbook's title and date): its metric label wraps, not cut off with "…".
    st.html(
        "<style>.st-key-cmp_metrics [data-testid=stMetricLabel] * "
        "{white-space: normal !important; overflow: visible !important; text-overflow: clip !important}</style>"
    )
    then, now, moved = st.container(key="cmp_metrics").columns(3)
    then.metric(f"Room for manoeuvre: {first}", _score(overall["before"]))
    now.metric(f"Room for manoeuvre: {second}", _score(overall["after"]))
    moved.metric("Change", _change(overall["change"]))
    st.caption(f"{first}: {before.kind}. {second}: {after.kind}.")
    missing = compare.not_comparable(before, after)
    if missing:
        st.info("**Not comparable.** " + "\n\n".join(widgets.plain(note) for note in missing), icon=":material/history:")

    st.header("The eight aspects then and now")
    widgets.chart(compare.compare_radar(before, after, height=540), key="cmp_radar")
    aspects = compare.aspect_changes(before, after)
    st.table(
        pd.DataFrame(
            {
                "Aspect": aspects["aspect"],
                first: [_score(v) for v in aspects["before"]],
                second: [_score(v) for v in aspects["after"]],
                "Change": [_change(v) for v in aspects["change"]],
            }
        ).set_index("Aspect")
    )

    st.header("What moved most")
    items = compare.item_changes(before, after, top=10)
    if items.empty:
        st.caption("No factor has a rating on both sides yet.")
    else:
        st.table(
            pd.DataFrame(
                {
                    "Factor (aspect)": [f"{r.text} ({r.aspect})" for r in items.itertuples()],
                    f"{first} (1–5)": [numbers.text(v, 1) for v in items["before"]],
                    f"{second} (1–5)": [numbers.text(v, 1) for v in items["after"]],
                    "Change": [numbers.signed(v, 1) for v in items["change"]],
                }
            ).set_index("Factor (aspect)")
        )

    st.header("Approaches then and now")
    ranking = compare.ranking_changes(before, after)
    st.table(
        pd.DataFrame(
            {
                "Approach": ranking["title"],
                f"Rank {first}": ["–" if pd.isna(v) else v for v in ranking["rank_label_before"]],
                f"Rank {second}": ["–" if pd.isna(v) else v for v in ranking["rank_label_after"]],
                "Moved": [("–" if pd.isna(v) else (f"up {int(v)}" if v > 0 else f"down {-int(v)}" if v < 0 else "same")) for v in ranking["moved"]],
            }
        ).set_index("Approach")
    )
    st.caption(compare.ranking_basis(before, after, first, second) + " Equal fits share a rank, shown as =3.")

    st.header("The other diagnostics")
    others = compare.diagnostic_changes(before, after)
    if others.empty:
        st.caption("No other diagnostic has answers on either side.")
    else:
        st.table(
            pd.DataFrame(
                {
                    "Diagnostic: figure": [f"{r.diagnostic}: {r.figure} ({r.scale})" for r in others.itertuples()],
                    first: [numbers.text(v) for v in others["before"]],
                    second: [numbers.text(v) for v in others["after"]],
                    "Change": [numbers.signed(v) for v in others["change"]],
                }
            ).set_index("Diagnostic: figure")
        )

    st.header("The development plan")
    summary = compare.plan_summary(before, after)
    st.markdown(
        f"**{summary['done']}** done, **{summary['outstanding']}** outstanding; "
        f"{summary['new_since_baseline']} new since the baseline, {summary['dropped_since_baseline']} no longer in the plan."
    )
    progress = compare.plan_progress(before, after)
    if len(progress):
        st.table(
            pd.DataFrame(
                {
                    "Action": progress["action"],
                    "Owner": progress["owner"],
                    "Status": progress["status_label"],
                    "In the baseline": ["yes" if v else "new" for v in progress["in_baseline"]],
                }
            ).set_index("Action")
        )
