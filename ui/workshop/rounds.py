"""A workshop in rounds, in Streamlit: the facilitator's round controls and the room's
agreement on the shared screen, and the phones that follow the section under discussion.

The round lives in the store (several app processes share one room): the section is read
with the workshop on every run (Store.workshop); ui/workshop/follow.py moves the phones.
"""

from __future__ import annotations

import streamlit as st

from scoring import figures, numbers, registry
from scoring.store import StoreUnavailable
from scoring.workshop import rounds
from ui import kept_choices, session, widgets
from ui.diagnostics import statements

SELF_PACED = ""
SECTION_KEY = "ws_round_section"
NOT_RECORDED = "not_recorded"
NOT_AGREED = "not_agreed"
AGREE_NOTICE_KEY = "ws_agree_notice"
SAVED_KEY = "wr_last_saved"  # the widget key of the round question whose answer was saved last

ROUND_STYLE = """<style>
.st-key-ws_round_now p {font-size: 1.9rem; font-weight: 700; line-height: 1.2; margin: 0}
.st-key-ws_discuss_next li, .st-key-ws_discuss_next p {font-size: 1.6rem; line-height: 1.3}
.st-key-ws_discuss_next li small {font-size: 1.15rem}
</style>"""


def sections(workshop: dict) -> list[rounds.Section]:
    return rounds.sections(workshop["diagnostics"])


def current_section(workshop: dict) -> rounds.Section | None:
    return rounds.find(workshop.get("section"), workshop["diagnostics"])


# --- The facilitator's controls (outside the screen's live fragment: each is a full rerun) ----


def controls(token: str, workshop: dict) -> None:
    """Choose the section under discussion (or self-paced), reveal it, move to the next."""
    found = sections(workshop)
    if not found:
        return
    labels = {SELF_PACED: "Self-paced: everyone answers at their own pace", **{s.key: s.label for s in found}}
    keys = list(labels)

    def choose() -> None:
        chosen = st.session_state[SECTION_KEY]
        session.store().set_round(token, chosen or None)

    st.session_state[SECTION_KEY] = workshop.get("section") if workshop.get("section") in labels else SELF_PACED
    with st.container(border=True, key="ws_round"):
        pick, reveal, following = st.columns([3, 1, 1], vertical_alignment="bottom")
        pick.selectbox(
            "Round: the section under discussion (phones follow it)",
            keys,
            format_func=labels.get,
            key=SECTION_KEY,
            on_change=choose,
            help="Choose a section and every participant's phone opens on it; they can still look back at their earlier answers.",
        )
        section = current_section(workshop)
        if section is None:
            return
        shown = section.key in workshop.get("revealed", [])
        reveal.button(
            "Hide this section" if shown else "Reveal this section",
            key="ws_round_reveal",
            on_click=lambda: session.store().reveal_section(token, section.key, revealed=not shown),
            type="secondary" if shown else "primary",
            icon=":material/visibility_off:" if shown else ":material/visibility:",
            width="stretch",
        )
        at = keys.index(section.key)
        if at + 1 < len(keys):
            following.button(
                "Next section",
                key="ws_round_next",
                on_click=lambda: session.store().set_round(token, keys[at + 1]),
                icon=":material/arrow_forward:",
                width="stretch",
            )


# --- The room's view of the round (inside the live fragment) ----------------------------------


@st.cache_resource(max_entries=50, show_spinner=False)
def _rows(token: str, version: tuple[int, str], section_key: str, diagnostics: tuple[str, ...], min_group: int):
    # Worked out once per change in the room (`version` is part of the key), not per refresh.
    from ui.workshop import screen  # here: screen imports this module

    section = rounds.find(section_key, diagnostics)
    responses = [p.response for p in screen.participants(token, version, shown=True)]
    return rounds.answered(section, responses), rounds.factor_rows(section, responses, min_group), len(responses)


def live(token: str, workshop: dict, version: tuple[int, str], *, large: bool) -> bool:
    """The section under discussion: how many have answered it and, once revealed, where
    the room disagrees most and how it rated each factor. False when self-paced."""
    section = current_section(workshop)
    if section is None:
        return False
    st.html(ROUND_STYLE)
    (started, complete), rows, joined = _rows(token, version, section.key, tuple(workshop["diagnostics"]), workshop["min_group"])
    with st.container(key="ws_round_now"):
        st.markdown(f"Now discussing: {widgets.plain(section.label)}")
    st.markdown(
        f"**{started} of {joined}** {'person has' if started == 1 else 'people have'} answered this section"
        + (f" ({complete} every factor of it)." if started else ".")
    )
    if section.key not in workshop.get("revealed", []):
        st.info("This section's results are hidden until the facilitator reveals them.", icon=":material/visibility_off:")
        return True
    discuss(rows, workshop["min_group"])
    if any(row["shown"] for row in rows):
        widgets.chart(figures.factor_distribution(rows, height=None), key=f"ws_round_chart_{_css(section.key)}")
    hidden = [row for row in rows if not row["shown"]]
    if hidden:
        st.caption(
            f"Not shown, so that nobody's answer can be picked out: {len(hidden)} "
            f"{'factor' if len(hidden) == 1 else 'factors'} rated by fewer than {workshop['min_group']} people."
        )
    return True


def discuss(rows: list[dict], min_group: int) -> None:
    """Discuss next, in large type: the factors with the widest spread, with their counts."""
    chosen = rounds.discuss_next(rows)
    with st.container(key="ws_discuss_next"):
        if not chosen:
            st.markdown("**Discuss next:** no factor of this section splits the room yet" + (" (or too few have rated them)." if rows else "."))
        else:
            items = "".join(
                f"<li><strong>{_escape(row['factor'].text)}</strong><br><small>spread {numbers.text(row['spread'] * 100)} / 100 · "
                + ", ".join(f"{count} said {_escape(row['factor'].options[value])}" for value, count in row["counts"].items() if count)
                + (f", {row['dont_know']} don't know" if row["dont_know"] else "")
                + "</small></li>"
                for row in chosen
            )
            st.html(f"<p><strong>Discuss next</strong>: where the room disagrees most</p><ol>{items}</ol>")
    st.caption(rounds.SPREAD_SENTENCE)


def _css(section_key: str) -> str:
    """A section key as part of a widget key: Streamlit makes the key a CSS class, and "/" breaks a selector."""
    return section_key.replace(rounds.SEPARATOR, "__")


def _escape(text: str) -> str:
    import html

    return html.escape(str(text), quote=True)


# --- Agreeing (the facilitator only, outside the live fragment) ------------------------------


def agree(token: str, workshop: dict) -> None:
    """For each factor of the revealed section: the room's distribution, the agreed rating
    (or not agreed: come back to it) and a discussion point, saved together."""
    section = current_section(workshop)
    if section is None or section.key not in workshop.get("revealed", []) or not section.factors:
        return
    version = session.store().answers_version(token, shown=True)
    _, rows, _ = _rows(token, version, section.key, tuple(workshop["diagnostics"]), workshop["min_group"])
    agreed = session.store().agreements(token)
    with st.form(f"ws_agree_{_css(section.key)}", border=True):
        st.markdown(f"**What the room agreed: {widgets.plain(section.title)}**")
        st.caption(f"Record the room's rating for each factor, or that it is not agreed yet, with a short discussion point. {rounds.FAR_SENTENCE}")
        chosen = {}
        for number, row in enumerate(rows):
            factor = row["factor"]
            record = agreed.get(factor.key)
            options = [NOT_RECORDED, *factor.options, NOT_AGREED]
            names = {NOT_RECORDED: "Not recorded yet", NOT_AGREED: rounds.NOT_AGREED, **{v: f"{v} {label}" for v, label in factor.options.items()}}
            current = NOT_RECORDED if record is None else (record["value"] if record["agreed"] else NOT_AGREED)
            first, second, third = st.columns([3, 2, 3], vertical_alignment="top")
            with first:
                far = record is not None and record["agreed"] and rounds.is_far(row["mean"], record["value"])
                st.markdown(("⚑ " if far else "") + f"**{widgets.plain(factor.text)}**")
                st.caption(_distribution(row, workshop["min_group"]))
            chosen[factor.key] = (
                factor,
                second.selectbox(
                    "Agreed rating", options, index=options.index(current), format_func=names.get, key=f"ws_agree_value_{number}_{_css(section.key)}"
                ),
                third.text_input(
                    "Discussion point",
                    value=record["note"] if record else "",
                    max_chars=rounds.NOTE_LIMIT,
                    key=f"ws_agree_note_{number}_{_css(section.key)}",
                ),
            )
        if st.form_submit_button("Save what the room agreed", type="primary", icon=":material/handshake:"):
            _save_agreements(token, chosen)
    notice = st.session_state.pop(AGREE_NOTICE_KEY, None)
    if notice:
        (st.error if notice.startswith("Not saved") else st.success)(notice)


def _distribution(row: dict, min_group: int) -> str:
    if not row["shown"]:
        return f"Rated by fewer than {min_group}: the room's ratings are not shown."
    options = row["factor"].options
    counts = " · ".join(f"{value} {options[value]}: {count}" for value, count in row["counts"].items() if count)
    return f"Room: {counts} (mean {row['mean']:.1f}, spread {numbers.text(row['spread'] * 100)} / 100)" + (
        f"; {row['dont_know']} don't know" if row["dont_know"] else ""
    )


def _save_agreements(token: str, chosen: dict) -> None:
    changes = {}
    try:
        for key, (factor, value, note) in chosen.items():
            if value == NOT_RECORDED:
                changes[key] = None if not note.strip() else rounds.clean_agreement(factor, None, note) | {"agreed": False}
            else:
                changes[key] = rounds.clean_agreement(factor, None if value == NOT_AGREED else value, note)
        session.store().replace_agreements(token, changes, keep_others=True)
    except (ValueError, StoreUnavailable) as exc:
        st.session_state[AGREE_NOTICE_KEY] = f"Not saved: {exc}. Nothing was changed."
        return
    st.session_state[AGREE_NOTICE_KEY] = f"Saved: {sum(1 for c in changes.values() if c)} of {len(changes)} factors recorded."


def agreed_response(token: str) -> dict:
    """What the room agreed, as one respondent's response (for the radar and the plan)."""
    return rounds.agreed_response(session.store().agreements(token))


# --- The phones -----------------------------------------------------------------------------


def phone_section(workshop: dict) -> None:
    """The section under discussion on a participant's home: its questions, answered here."""
    section = current_section(workshop)
    if section is None:
        return
    diagnostic = registry.diagnostic(section.diagnostic_id)
    questions = [q for item_id in section.item_ids for q in diagnostic.survey_questions() if q.item_id == item_id]
    st.html(statements.phone_style("wr", keys="wr_"))  # on a phone each option a full-width 44 px row, as on the answering pages
    with st.container(border=True, key="wr_now"):
        st.markdown(f"**Now discussing: {widgets.plain(section.label)}**")
        st.caption("The facilitator has moved the room to this section. Answer here; your other answers stay as they were.")
        _questions(section.diagnostic_id, questions, workshop["is_open"])


def _questions(diagnostic_id: str, questions: list, is_open: bool) -> None:
    @st.fragment
    def draw() -> None:
        records = session.records(diagnostic_id)  # the one read of an answer's rerun
        for number, question in enumerate(questions):
            key = f"wr_{diagnostic_id}_{question.item_id}_{question.field}"
            options = list(question.options) + (["dont_know"] if question.dont_know else [])
            names = {**question.options, "dont_know": question.dont_know}
            stored = records.get(question.item_id, {})
            value = stored.get(question.field, "missing") if question.field in stored else "missing"
            if not kept_choices.restore(key):  # else a choice the store refused, to send again
                st.session_state[key] = ("dont_know" if value is None else value) if value != "missing" else None

            def save(question=question, key=key) -> None:
                chosen = st.session_state.get(key)
                if chosen is None:
                    return
                previous = records.get(question.item_id)  # as read for this run: each answer reruns it
                record = {**(previous or {}), question.field: None if chosen == "dont_know" else chosen}
                refused = session.save(diagnostic_id, question.item_id, record, previous=previous or {}, quiet=True)
                kept_choices.keep(key, refused, {key: chosen})
                st.session_state[SAVED_KEY] = None if refused else key  # no "✓ Saved" then, not even under an earlier answer

            st.radio(
                f"{number + 1}. {question.label}",
                options,
                format_func=lambda v, names=names: names.get(v, str(v)),
                key=key,
                on_change=save,
                disabled=not is_open,
            )
            kept = kept_choices.notice(key, save, enabled=is_open)  # why it is not saved, under the answer
            if not kept and st.session_state.get(SAVED_KEY) == key:  # under the answer just given, in view on a phone
                st.markdown("**✓ Saved**")

    draw()
