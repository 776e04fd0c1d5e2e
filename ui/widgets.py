"""Pieces of page that more than one page shows. Display only: the maths is in scoring/."""

from __future__ import annotations

import functools
import html
import math
import re

import pandas as pd
import streamlit as st

from scoring import numbers
from scoring.diagnostics import deciding_questions as questions_to_ask
from scoring.diagnostics import eight_aspects
from scoring.excel.cells import formula_like
from scoring.instruments.loading import citation
from ui import session


def score_summary(records: dict, instrument: eight_aspects.Instrument) -> pd.DataFrame:
    """The headline numbers as metrics; returns the aspect scores for further use."""
    scores = eight_aspects.score_records(records, instrument)
    room = eight_aspects.overall(scores)
    done, total = eight_aspects.progress(records, instrument)
    first, second, third = st.columns(3)
    first.metric("Room for manoeuvre (0–100)", numbers.text(room), help=ROOM_HELP)
    second.metric("Factors answered", f"{done} of {total}")
    third.metric("Don't know", int(scores["dont_know"].sum()))
    return scores


ROOM_HELP = "The mean of the aspect scores. 50 means enablers and constraints balance."


def live_panel(records: dict, instrument: eight_aspects.Instrument, saved: str | None) -> None:
    """What an answer changes, beside the questions: which answer was just saved, how many
    are answered, the room for manoeuvre and a bar per aspect. It redraws on every answer
    in a room, so it is one element built as text: as a progress bar, a metric and the
    bars it cost 0.3-0.6 ms more server CPU an answer (bench/answer.py, about 5 ms), and
    as a plotly radar before that 15 % of a room's server time (py-spy). The radar is on
    the Results page."""
    live = eight_aspects.live_summary(records, instrument)
    st.html(Ready(live_text(saved, live.done, live.total, numbers.text(live.room)) + aspect_bars(live.bars, live.dont_know)))


def live_text(saved: str | None, done: int, total: int, room: str) -> str:
    """The saved line, the progress bar and the room for manoeuvre, as HTML."""
    confirmed = f'<p class="ea-saved">✓ Saved: {html.escape(saved)}</p>' if saved else ""
    share = 100 * done / total if total else 0
    return (
        f'{confirmed}<div class="ea-progress" role="progressbar" aria-label="Factors answered" aria-valuemin="0" '
        f'aria-valuemax="{total}" aria-valuenow="{done}"><span style="width: {share:.1f}%"></span></div>'
        f'<p class="ea-progress-text">{done} of {total} factors answered, saved as you go</p>'
        f'<p class="ea-room"><span class="ea-room-label">Room for manoeuvre (0–100)</span> '
        f'<span class="ea-room-value">{html.escape(room)}</span></p><p class="ea-room-help">{html.escape(ROOM_HELP)}</p>'
    )


class Ready:
    """HTML this app built whole, handed to st.html as it is (a plain string is dedented and
    checked for being a file name first)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


LIVE_BARS_STYLE = """<style>
.ea-saved {margin: 0 0 .4rem 0; color: #1B5E20; font-weight: 600; font-size: .95rem;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap}
.ea-progress {height: .5rem; background: #E4EAF1; border-radius: 4px; overflow: hidden}
.ea-progress span {display: block; height: 100%; background: #0B5CAD}
.ea-progress-text {margin: .3rem 0 .6rem 0; font-size: .95rem}
.ea-room {margin: 0; display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap}
.ea-room-label {font-size: .95rem}
.ea-room-value {font-size: 2.25rem; font-weight: 600; line-height: 1.1; font-variant-numeric: tabular-nums}
.ea-room-help {margin: .1rem 0 .75rem 0; font-size: .85rem; color: #555}
.ea-bars {font-size: .95rem; line-height: 1.25}
.ea-bars ol {list-style: none; margin: 0; padding: 0}
.ea-bars li {display: grid; grid-template-columns: minmax(0, 1fr) 2.5rem; column-gap: .5rem; margin: 0 0 .45rem 0}
.ea-bars .ea-bar-name {grid-column: 1 / span 2}
.ea-bars .ea-bar-count {color: #555; font-size: .85rem; white-space: nowrap}
.ea-bars .ea-bar-track {position: relative; height: .8rem; background: #E4EAF1; border-radius: 2px; align-self: center}
.ea-bars .ea-bar-track::after {content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px; border-left: 2px solid #1A1A1A}
.ea-bars .ea-bar-fill {display: block; height: 100%; background: #0072B2; border-radius: 2px}
.ea-bars .ea-bar-value {text-align: right; font-weight: 600; font-variant-numeric: tabular-nums}
.ea-bars .ea-bar-none {font-weight: 400; color: #555}
.ea-bars p {margin: .25rem 0 0 0; color: #555; font-size: .85rem}
</style>"""


@functools.lru_cache(maxsize=4096)
def aspect_bars(scores: tuple[tuple[str, float, int, int], ...], dont_know: int) -> str:
    """The aspects as a list of bars from 0 to 100, with the number beside each and a
    mark at 50 (enablers and constraints balance); "no score" where nothing is rated; and
    how many of each aspect's factors are answered ("done" when all are). Shared between
    sessions: the same scores give the same text."""
    items = []
    for aspect, score, done, total in scores:
        name = html.escape(aspect)
        answered = "done" if done == total else f"{done} of {total}"
        if math.isnan(score):
            track, value = '<span class="ea-bar-track"></span>', '<span class="ea-bar-value ea-bar-none">–</span>'
            label = f"{name}: no score yet"
        else:
            shown = numbers.text(score)
            width = min(100.0, max(0.0, float(score)))
            track = f'<span class="ea-bar-track"><span class="ea-bar-fill" style="width: {width:.1f}%"></span></span>'
            value = f'<span class="ea-bar-value">{shown}</span>'
            label = f"{name}: {shown} out of 100"
        label += ", all answered" if done == total else f", {done} of {total} answered"
        items.append(
            f'<li aria-label="{label}"><span class="ea-bar-name" aria-hidden="true">{name}'
            f' <span class="ea-bar-count">{answered}</span></span>'
            f'<span aria-hidden="true" style="display: contents">{track}{value}</span></li>'
        )
    missing = sum(math.isnan(score) for _, score, _, _ in scores)
    notes = [f"{dont_know} don't know"] if dont_know else []
    if missing:
        notes.append(f"{missing} aspect{'s' if missing != 1 else ''} with no score yet")
    note = f"<p>{html.escape('; '.join(notes))}.</p>" if notes else ""
    return f'<div class="ea-bars"><ol aria-label="Score per aspect, 0 to 100 (the line marks 50)">{"".join(items)}</ol>{note}</div>'


def aspect_table(scores: pd.DataFrame) -> None:
    """A static table: no scrolling on a projector, and a dash where there is no score."""
    table = pd.DataFrame(
        {
            "Aspect": scores["aspect"],
            "Score": [numbers.text(v) for v in scores["score"]],
            "Rated": scores["answered"],
            "Don't know": scores["dont_know"],
        }
    )
    st.table(table.set_index("Aspect"))


def unscored_note(scores: pd.DataFrame) -> None:
    """Say in words which aspects have no score: a gap in a radar is easy to miss."""
    missing = [aspect for aspect, value in zip(scores["aspect"], scores["score"]) if math.isnan(value)]
    if missing:
        st.caption(f"No score yet (nothing rated): {', '.join(missing)}.")


def factor_list(table: pd.DataFrame, *, empty: str) -> None:
    if table.empty:
        st.caption(empty)
        return
    for row in table.itertuples():
        weight = f", weight {row.weight}" if row.weight != 1 else ""
        st.markdown(f"- **{row.answer}**{weight}: {row.text} *({row.aspect})*")


def chart(figure, key: str, *, toolbar: bool = True) -> None:
    """A plotly figure as built in scoring/figures.py: our projector fonts and colours
    (theme=None keeps Streamlit's theme from overriding them), no plotly logo; without
    plotly's toolbar (zoom, download) where `toolbar` is False, as on the shared screen."""
    config = {"displaylogo": False} if toolbar else {"displaylogo": False, "displayModeBar": False}
    st.plotly_chart(figure, key=key, config=config, theme=None)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&@=])")  # & starts an entity


_AUTOLINKS = re.compile(r"(?i)(https?|ftp|mailto|www)([:.])")
# Streamlit reads :material/...:, :emoji: and :red[...] in the text itself, escaped or not,
# and an e-mail address becomes a link: a word joiner after every colon and before every @
# breaks each of them without changing what is seen.
_SHORTCODES_AND_MAIL = re.compile(r"([:@])")


def resume_link() -> None:
    """The link back to these answers, at the foot of every answering page (once there are
    answers to come back to)."""
    url = session.resume_url()
    if url:
        with st.expander("Your link to come back to these answers", icon=":material/link:"):
            st.caption("Answers are saved as you go. This link opens them from any browser; anyone with it can see and change them.")
            st.code(url, language=None, wrap_lines=True)


def uploaded_text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table holding text from an uploaded file, safe for the CSV download that
    st.dataframe offers: a cell a spreadsheet would run as a formula starts with an
    apostrophe, so it opens as the text it is (the usual defence against CSV injection)."""
    return frame.map(lambda value: f"'{value}" if isinstance(value, str) and formula_like(value) else value)


def plain(text: str) -> str:
    """Typed text (or text from a file) made safe to place inside markdown: shown as typed,
    never as a link, image, heading, entity, shortcode or formatting. Markdown turns a bare
    address into a link even when escaped, so an invisible word joiner goes between its
    scheme and the colon, and likewise around colons and @ (see above)."""
    joined = _SHORTCODES_AND_MAIL.sub(
        lambda m: "\u2060" + m.group(1) + "\u2060" if m.group(1) == "@" else m.group(1) + "\u2060", _AUTOLINKS.sub("\\1\u2060\\2", text)
    )
    return _MARKDOWN_SPECIALS.sub(r"\\\1", joined)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_download(label: str, build, file_name: str, key: str, **options) -> None:
    """A download button whose workbook is built only when clicked (`build` is called
    then), never on every rerun."""
    st.download_button(label, data=build, file_name=file_name, mime=XLSX_MIME, on_click="ignore", key=key, icon=":material/download:", **options)


def sources(entries) -> None:
    """Where each item comes from: (text, source, quote) each, in an expander; an item
    written for this tool says so."""
    with st.expander("Where these come from", icon=":material/menu_book:"):
        for text, source, quote in entries:
            st.markdown(f"- **{plain(text)}** {plain(citation(source, quote))}")


def deciding_questions() -> None:
    """The questions to ask together before deciding what to do next (seed 003)."""
    found = questions_to_ask.current()
    with st.container(border=True, key="deciding_questions"):
        st.markdown(f"**{plain(found.title)}**")
        st.caption(plain(found.intro))
        st.markdown("\n".join(f"{n}. {plain(q.text)}" for n, q in enumerate(found.questions, start=1)))
        first = found.questions[0]
        st.caption(f"Source: {plain(citation(first.source))}")
