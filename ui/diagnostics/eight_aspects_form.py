"""The eight-aspects answer form, one aspect at a time, kept in step with the store.

Every change is written straight to the store by a callback, before the rerun, so the
store is always current when the page draws. Each widget is then set from the store
before it is drawn, on every run: Streamlit can hand back a stale value for a widget
that was not drawn in the previous run (another aspect, another page), and the store
is the one source of truth, also across a refresh or a closed browser.
"""

import contextlib
import functools
import html

import streamlit as st

from scoring.diagnostics import eight_aspects
from scoring.diagnostics.eight_aspects import Factor, Instrument
from scoring.instruments.loading import citation
from ui import fragment_reruns, kept_choices, session, widgets
from ui.diagnostics import statements

ID = eight_aspects.ID
DONT_KNOW = "dont_know"
ASPECT_KEY = "ea_aspect"
LAST_ASPECT_KEY = "ea_last_aspect"
DETAILS_KEY = "ea_details"
SHOW_DETAILS_KEY = "ea_show_details"
FIELDS = ("rating", "weight", "basis", "note")
WEIGHT_LABELS = {0: "0 (leave out)", 1: "1 (normal)", 2: "2", 3: "3 (matters most)"}


def widget_key(field: str, item_id: str) -> str:
    return f"ea_{field}_{item_id}"


LAST_SAVED_KEY = "ea_last_saved"  # (respondent's token, the text of the factor whose answer was saved last)
RECORDS_KEY = "ea_records"  # this respondent's records, read once per run
NEW_SESSION_KEY = "ea_new_session"  # this run is the session's first of this page
DROPPED = f"{session.NOT_SAVED_YET}: the connection dropped before this choice reached us. It is still on screen; send it again."
LIVE_FRAGMENT = "ea_live"
QUESTIONS_FRAGMENT = "ea_questions"  # the aspect's questions (views/diagnostics/eight_aspects.py)
ANSWERS_FRAGMENT = "ea_answers"  # within it, the answers alone: what an answer changes
LIVE_PANEL_KEY = "ea_live_panel"  # the container of the live score, kept in view on a phone
HEADING_CLASS = "ea-heading"
SCROLL_KEY = "ea_scroll_to_heading"  # set when the aspect changes: the next run scrolls to it

# On a phone (Streamlit stacks the columns under 640 px): each rating a full-width row at
# least 44 px tall, in scale order; the live score a compact bar kept at the top of the
# screen (the bars per aspect show beside the questions on a wider screen); the heading clear of that bar when scrolled to.
PHONE_STYLE = (
    """<style>
/* A question, its source and any warning as one box, as a bordered container drew them
   (factor_input): the radio, the caption after it and the warning block after that. */
[class*="st-key-ea_rating_"]:has(+ .stElementContainer [data-testid="stCaptionContainer"]) {
  width: 100% !important; border: 1px solid rgba(26, 26, 26, .2); border-bottom: 0; border-radius: .5rem .5rem 0 0;
  padding: calc(1rem - 1px) calc(1rem - 1px) 0}
[class*="st-key-ea_rating_"] + .stElementContainer:has([data-testid="stCaptionContainer"]),
[class*="st-key-ea_rating_"] + .stElementContainer + div:has(> [class*="st-key-ea_unsent_"]) {
  border: 1px solid rgba(26, 26, 26, .2); border-top: 0; border-radius: 0 0 .5rem .5rem;
  margin-top: -1rem; padding: 1rem calc(1rem - 1px) calc(1rem - 1px)}
[class*="st-key-ea_rating_"] + .stElementContainer:has(+ div > [class*="st-key-ea_unsent_"]) {
  border-bottom: 0; border-radius: 0; padding-bottom: 0}
[class*="st-key-ea_rating_"] [data-testid="stWidgetLabel"] {padding-bottom: .5rem}
[class*="st-key-ea_rating_"] [data-testid="stWidgetLabel"] p {font-size: .875rem; color: #585D69; line-height: 1.5}
[class*="st-key-ea_rating_"] [data-testid="stWidgetLabel"] strong {display: inline-block; margin: 0 0 .35rem 0;
  font-size: 1rem; font-weight: 600; color: #1A1A1A}
.ea-heading {font-size: 2.25rem; font-weight: 600; line-height: 1.2; margin: 0; padding: 1rem 0 0 0; scroll-margin-top: 5rem}
.ea-aspect-question {margin: .4rem 0 0 0}
@media (min-width: 641px) {  /* on a wider screen the live score stays beside the questions as they scroll */
  [data-testid="stColumn"]:has(.st-key-ea_live_panel) {position: sticky; top: 4rem; align-self: flex-start}
}
"""
    + statements.rating_rows_css("ea")
    + """
@media (max-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-ea_live_panel) {position: sticky; top: 3.75rem; order: -1; z-index: 5;
    background: var(--st-background-color, #fff); padding: .25rem 0; box-shadow: 0 2px 4px rgba(0, 0, 0, .08)}
  .st-key-ea_live_panel [data-testid="stElementContainer"]:has(.ea-live-title, [data-testid="stPageLink"]) {display: none !important}
  .st-key-ea_live_panel .ea-bars, .st-key-ea_live_panel .ea-room-help {display: none}
  .st-key-ea_live_panel [data-testid="stVerticalBlock"] {gap: .25rem}
  .st-key-ea_live_panel .ea-progress-text {margin: .2rem 0}
  .st-key-ea_live_panel .ea-room-value {font-size: 1.5rem}
  .ea-heading {scroll-margin-top: 11rem}
}
</style>"""
)


def load_records() -> dict:
    """Read this respondent's answers from the store, once per full run of the page; a
    save puts what it stored into the same dict, which the fragments it reruns share."""
    records = session.records(ID)
    # A browser that reconnects to a new session (the server restarted, or its session
    # expired) sends the choices on its screen, including one whose message was lost.
    st.session_state[NEW_SESSION_KEY] = RECORDS_KEY not in st.session_state
    st.session_state[RECORDS_KEY] = records
    return records


def current_records() -> dict:
    records = st.session_state.get(RECORDS_KEY)
    return load_records() if records is None else records


def last_saved() -> str | None:
    token, text = st.session_state.get(LAST_SAVED_KEY, (None, None))
    return text if token == session.token() else None  # not the last respondent's, after a fresh start


def save_factor(item_id: str) -> None:
    """Copy one factor's widgets into the store (called when any of them changes). The
    page sends the rerun the change causes to the live panel (ui/fragment_reruns.py),
    which says it is saved: one script run, drawing neither the page nor the questions.
    The question too, seldom, when it must show (or stop showing) that it was not saved.
    Where the rerun was not sent there (AppTest), this asks for the live panel itself."""
    records = current_records()
    previous = records.get(item_id, {})
    record = dict(previous)
    state = st.session_state
    rating_key = widget_key("rating", item_id)
    rating = state.get(rating_key)
    if rating is not None:
        record["rating"] = None if rating == DONT_KNOW else rating
    if state.get(SHOW_DETAILS_KEY):  # hidden detail widgets may hold values older than the store's
        for field in FIELDS[1:]:
            if widget_key(field, item_id) in state:
                record[field] = state[widget_key(field, item_id)]
    was_refused = kept_choices.reason(rating_key) is not None
    token = session.token()
    stored, reason = session.save_record(ID, item_id, record, previous=previous, quiet=True)
    # A refused change stays on screen, with a button to send it again (ui/kept_choices.py).
    drawn = [widget_key(field, item_id) for field in FIELDS] if reason else []
    kept_choices.keep(rating_key, reason, {key: state[key] for key in drawn if key in state})
    if reason is None:
        records[item_id] = stored  # what the store now holds: no need to read it back
        state[LAST_SAVED_KEY] = (token or session.token(), eight_aspects.instrument().factor_texts.get(item_id, item_id))
    if token is None and session.token():
        st.rerun()  # once, after the first answer: the whole page, so that the new link back to these answers shows
    if reason is None and not was_refused:
        if fragment_reruns.running(LIVE_FRAGMENT):
            return  # the page sends an answer's rerun to the live panel: this run draws it
        st.rerun(scope=[LIVE_FRAGMENT])
    st.rerun(scope=[ANSWERS_FRAGMENT, LIVE_FRAGMENT])


def _stored_rating(record: dict):
    if "rating" not in record:
        return None
    return DONT_KNOW if record["rating"] is None else record["rating"]


def _set_from_store(item_id: str, record: dict, instrument: Instrument, show_details: bool) -> None:
    # Only the widgets about to be drawn: every key in session state is walked each time
    # a radio is drawn (Streamlit's filtered_state), so unused keys cost on every answer.
    st.session_state[widget_key("rating", item_id)] = _stored_rating(record)
    if show_details:
        st.session_state[widget_key("weight", item_id)] = record.get("weight", instrument.weight_default)
        st.session_state[widget_key("basis", item_id)] = record.get("basis")
        st.session_state[widget_key("note", item_id)] = record.get("note", "")


def _details_summary(record: dict, instrument: Instrument) -> str:
    details = []
    if record.get("weight", instrument.weight_default) != instrument.weight_default:
        details.append(f"weight {record['weight']}")
    if record.get("basis"):
        details.append(eight_aspects.EVIDENCE_BASES[record["basis"]].lower())
    if record.get("note"):
        details.append("note added")
    return ", ".join(details)


def factor_input(factor: Factor, instrument: Instrument, show_details: bool) -> None:
    """One question: its text and help (the label of its answer), its answer, its source.
    "Next aspect" draws five of these, so each is as few elements as it can be (each one is
    a message to the phone and a share of the move's server time): the radio and a caption
    (its details, if any, and its source), boxed together by PHONE_STYLE rather than
    by a bordered container of their own. With the details open, in a bordered container."""
    box = st.container(border=True, key=f"ea_factor_{factor.id}") if show_details else contextlib.nullcontext()
    with box:
        record = current_records().get(factor.id, {})
        reason = _answer(factor, record, instrument, show_details)
        summary = "" if show_details else _details_summary(record, instrument)
        st.caption((f"Details: {summary}  \n" if summary else "") + _source_line(factor.source, factor.quote))
        if reason is not None:  # inside the box, below the source (PHONE_STYLE)
            with st.container(key=f"ea_unsent_{factor.id}"):
                st.warning(reason, icon=":material/sync_problem:")
                if reason.startswith(session.NOT_SAVED_YET):
                    st.button("Send again", key=f"ea_retry_{factor.id}", on_click=save_factor, args=(factor.id,), icon=":material/send:")


@functools.lru_cache(maxsize=256)
def _question_label(text: str, help_text: str | None) -> str:
    """The question in bold, its help on the line below (styled by PHONE_STYLE), as the
    radio's label: shown as written, never as markdown."""
    return f"**{widgets.plain(text)}**" + (f"  \n{widgets.plain(help_text)}" if help_text else "")


@functools.lru_cache(maxsize=256)
def _source_line(source: str, quote: str | None) -> str:
    return f"Source: {widgets.plain(citation(source, quote))}"


def _answer(factor: Factor, record: dict, instrument: Instrument, show_details: bool) -> str | None:
    """The factor's rating (and with the details open, its weight, basis and note);
    returns why its last change is not saved, if it is not."""
    rating_key = widget_key("rating", factor.id)
    reason = kept_choices.reason(rating_key)
    # In a new session the radio starts from the store but takes what the browser sends,
    # so that a choice lost with the old connection is seen, not silently overwritten.
    from_browser = st.session_state.get(NEW_SESSION_KEY) and rating_key not in st.session_state
    if reason is None and not from_browser:
        _set_from_store(factor.id, record, instrument, show_details)
    elif reason is not None:
        # The unsaved choice, set on the widget each time it is drawn: a radio the browser
        # dropped (its aspect or the page was left) comes back as its element says, and
        # without a value set in this run that is its first option ("Send again" then
        # stored that, in Chromium).
        kept_choices.restore(rating_key)
    rating_labels = {**instrument.scale, DONT_KNOW: instrument.dont_know}
    options = list(rating_labels)
    stored = _stored_rating(record)
    chosen = st.radio(
        _question_label(factor.text, factor.help),
        options=options,
        format_func=rating_labels.get,
        horizontal=True,
        key=rating_key,
        on_change=save_factor,
        args=(factor.id,),
        **({"index": None if stored is None else options.index(stored)} if from_browser else {}),
    )
    if from_browser and chosen is not None and chosen != stored:
        reason = DROPPED
        kept_choices.keep(rating_key, reason, {rating_key: chosen})
    if not show_details:
        return reason
    for field, label, options, format_func in (
        (
            "weight",
            "How much this factor matters here (weight)",
            list(range(instrument.weight_min, instrument.weight_max + 1)),
            lambda w: WEIGHT_LABELS.get(w, str(w)),
        ),
        ("basis", "Is this rating backed by evidence, or an impression?", list(eight_aspects.EVIDENCE_BASES), eight_aspects.EVIDENCE_BASES.get),
    ):
        st.radio(label, options=options, format_func=format_func, horizontal=True, key=widget_key(field, factor.id), on_change=save_factor, args=(factor.id,))
    st.text_area(
        "Evidence or note",
        max_chars=eight_aspects.NOTE_MAX_CHARS,
        placeholder="What tells you this? e.g. a contract review, a provider forum, a board decision",
        key=widget_key("note", factor.id),
        on_change=save_factor,
        args=(factor.id,),
        height=80,
    )
    return reason


# The aspect shown and the details switch live in keys of their own, copied from the
# widgets by callbacks, for the same reason the answers live in the store.


def _step(offset: int) -> None:
    position = eight_aspects.ASPECTS.index(st.session_state[LAST_ASPECT_KEY]) + offset
    _move_to(eight_aspects.ASPECTS[position])


def _remember_aspect() -> None:
    _move_to(st.session_state[ASPECT_KEY])


def _move_to(aspect_id: str) -> None:
    state = st.session_state
    left = state.get(LAST_ASPECT_KEY)
    if left is not None and left != aspect_id:
        fields = FIELDS if state.get(SHOW_DETAILS_KEY) else FIELDS[:1]
        forget_widgets(state, [factor.id for factor in eight_aspects.instrument().factors_of(left)], fields)
    state[LAST_ASPECT_KEY] = aspect_id
    _scroll_to_heading()


def forget_widgets(state, item_ids: list[str], fields: tuple[str, ...]) -> None:
    """Drop these answer widgets' values from session state: the store holds the answers,
    and each widget is set from it when it is drawn again. Streamlit drops the values of
    widgets no longer drawn only after a run of the whole page, and a move between aspects
    (or the details switch) is a run of the questions alone, so on a server they piled up:
    55 keys once the 40 factors were answered, against 20, and every radio drawn and every
    run walks them all (Streamlit's filtered_state and _compact_state). A choice that could
    not be saved keeps its value, to be sent again."""
    kept = kept_choices.kept(state)
    for item_id in item_ids:
        if widget_key("rating", item_id) in kept:
            continue
        for field in fields:
            with contextlib.suppress(KeyError):  # a detail never drawn
                del state[widget_key(field, item_id)]


@functools.lru_cache(maxsize=16)
def _heading_html(title: str, question: str) -> str:
    return f'<h2 class="{HEADING_CLASS}">{html.escape(title)}</h2><p class="ea-aspect-question"><em>{html.escape(question)}</em></p>'


def _scroll_script(scroll: int | None) -> str:
    """After a move, bring the new aspect's heading into view: "Next aspect" is at the foot
    of the last factor. The number makes the element new, so the script runs again."""
    if not scroll:
        return ""
    return f"<script>/* {scroll} */ window.parent.document.querySelector('.{HEADING_CLASS}')?.scrollIntoView({{block: 'start'}});</script>"


def _scroll_to_heading() -> None:
    st.session_state[SCROLL_KEY] = st.session_state.get(SCROLL_KEY, 0) + 1


def _remember_details() -> None:
    state = st.session_state
    state[SHOW_DETAILS_KEY] = state[DETAILS_KEY]
    if not state[SHOW_DETAILS_KEY] and LAST_ASPECT_KEY in state:
        forget_widgets(state, [factor.id for factor in eight_aspects.instrument().factors_of(state[LAST_ASPECT_KEY])], FIELDS[1:])


@st.fragment(key=ANSWERS_FRAGMENT)
def _answers(factors: tuple[Factor, ...], instrument: Instrument, show_details: bool) -> None:
    """The aspect's questions, and nothing else: every widget here saves an answer, so the
    page sends their reruns to the live panel instead (views/diagnostics/eight_aspects.py)."""
    for factor in factors:
        factor_input(factor, instrument, show_details)


def aspect_form(instrument: Instrument) -> None:
    """Aspect picker, the factors of the chosen aspect, and previous / next."""

    # Labels stay the same as answers come in: Streamlit matches a selectbox choice by its
    # label, and a label that changed under the user would jump the page to another aspect.
    # So each says how far its aspect is answered as the store stands when this column is
    # drawn (on load, and when the aspect changes), and an answer, which does not redraw
    # the picker, leaves its labels as the browser holds them.
    progress_of = eight_aspects.aspect_progress(current_records(), instrument)

    def aspect_label(aspect_id: str) -> str:
        answered, factors = progress_of[aspect_id]
        progress = ": done" if answered == factors else f": {answered} of {factors} answered" if answered else ""
        return f"{eight_aspects.ASPECTS.index(aspect_id) + 1}. {instrument.aspect(aspect_id).title}{progress}"

    state = st.session_state
    # A session opens on the first aspect still to answer: someone back by their link
    # carries on where they stopped.
    unfinished = [aspect_id for aspect_id, (answered, factors) in progress_of.items() if answered < factors]
    state[ASPECT_KEY] = state.setdefault(LAST_ASPECT_KEY, unfinished[0] if unfinished else eight_aspects.ASPECTS[-1])
    aspect_id = st.selectbox("Aspect", eight_aspects.ASPECTS, format_func=aspect_label, key=ASPECT_KEY, on_change=_remember_aspect)
    state[DETAILS_KEY] = state.setdefault(SHOW_DETAILS_KEY, False)
    show_details = st.toggle(
        "Add weights, evidence and notes",
        key=DETAILS_KEY,
        on_change=_remember_details,
        help="Weight a factor 0–3 (0 leaves it out), say whether a rating rests on evidence or an impression, and note what tells you so.",
    )

    aspect = instrument.aspect(aspect_id)
    factors = instrument.factors_of(aspect_id)
    # The heading, the aspect's question and (after a move) the scroll to them are one
    # element: each element is a message to the phone on every move between aspects.
    scroll = st.session_state.pop(SCROLL_KEY, None)
    st.html(widgets.Ready(_heading_html(aspect.title, aspect.question) + _scroll_script(scroll)), unsafe_allow_javascript=bool(scroll))
    _answers(tuple(factors), instrument, show_details)

    position = eight_aspects.ASPECTS.index(aspect_id)
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):  # one block, where two columns were three
        st.button("Previous aspect", key="ea_previous", on_click=_step, args=(-1,), disabled=position == 0, icon=":material/arrow_back:")
        if position < len(eight_aspects.ASPECTS) - 1:
            st.button("Next aspect", key="ea_next", on_click=_step, args=(1,), type="primary", icon=":material/arrow_forward:")
        else:
            session.page_link("views/diagnostics/results.py", label="See your results", icon=":material/insights:")
