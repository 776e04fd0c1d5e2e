"""The contract, written once: what every diagnostic and every record kind provides.

Two kinds of thing are stored per respondent as {kind id: {item id: record}}:

- a **diagnostic** asks questions of each respondent (a self-check, or each participant
  of a workshop) and scores the answers: the eight aspects, approaches, tolerance,
  starting points, conditions, and every statement diagnostic found in data/;
- a **record kind** holds what is kept beside the answers and asked of nobody in a room:
  the development plan, the risk register, a baseline brought back from a workbook.

scoring/registry.py finds them; everything else asks the registry and calls only the
entry points below, so no other module names a diagnostic. A diagnostic is either a
module with these names (a diagnostic with maths of its own) or a StatementDiagnostic
made from one YAML file (scoring/instruments/statement_diagnostic.py). tests/test_contract.py checks
every registered entry against this file.

What a diagnostic can do is declared here, never probed: every entry point exists on
every diagnostic, and one a diagnostic has nothing for returns its empty value (no room
views, no survey questions, no figures to compare).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Protocol, runtime_checkable

if TYPE_CHECKING:  # only for the annotations: the contract imports nothing it describes
    import pandas as pd

    from scoring.instruments.versions import History

Response = Mapping[str, Mapping[str, dict]]  # {kind id: {item id: record}}
Records = Mapping[str, dict]  # one kind's records: {item id: record}

# Where a diagnostic is offered in a workshop (its instrument file's page.workshop).
WORKSHOP_DEFAULT, WORKSHOP_OFFERED, WORKSHOP_NO = "default", "offered", "no"
# The home page's sections a diagnostic's card can sit in (page.section).
HOME_SECTIONS = ("start", "look", "decide")


@dataclass(frozen=True)
class PageLink:
    """One page of a diagnostic: its script and how the navigation shows it."""

    script: str  # relative to app.py
    title: str
    icon: str  # ":material/…:"
    address: str  # the url path, without slashes

    @property
    def key(self) -> str:
        """What ui/session.page_link is given for this page: its address, since several
        statement diagnostics share one script."""
        return self.address


@dataclass(frozen=True)
class PageWording:
    """A diagnostic's page wording, read from its instrument file's `page:` block, so a
    facilitator changes it without touching code. The first of `pages` is its own page."""

    blurb: str  # the home page's and a participant's card
    unit: str  # what progress counts: "statements answered"
    section: str  # one of HOME_SECTIONS
    workshop: str  # WORKSHOP_DEFAULT, WORKSHOP_OFFERED or WORKSHOP_NO
    pages: tuple[PageLink, ...]

    @property
    def main(self) -> PageLink:
        return self.pages[0]


@dataclass(frozen=True)
class SurveyQuestion:
    """One survey column a diagnostic can take (scoring/imports/survey.py): the stored
    record is {field: value}, and `options` maps each answer's label to its value."""

    item_id: str
    label: str  # what the question says, as a survey would word it
    field: str  # the record's field this column fills ("rating", "frequency" …)
    options: Mapping[Any, str]  # value -> label, in order
    dont_know: str | None = None  # the label stored as None, if the question has one
    # What a survey's header may be: an id (default: the item id) or a text it resembles
    # (default: the label), compared leniently; and words it must hold (columns that share
    # one statement say which field they are).
    codes: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    must_say: tuple[str, ...] = ()

    @property
    def header_codes(self) -> tuple[str, ...]:
        return self.codes or (self.item_id,)

    @property
    def header_phrases(self) -> tuple[str, ...]:
        return self.phrases or (self.label,)


@dataclass(frozen=True)
class Section:
    """One part of a diagnostic a workshop can discuss in a round (an aspect, a tolerance
    area, a theme): its id (unique within the diagnostic), title, and the items it asks."""

    id: str
    title: str
    item_ids: tuple[str, ...]


@runtime_checkable
class Instrument(Protocol):
    """A diagnostic's validated instrument file."""

    id: str
    title: str
    version: str
    history: History | None


@runtime_checkable
class Stored(Protocol):
    """What every kind of stored record provides: diagnostics and record kinds alike."""

    ID: str

    def clean_record(self, item_id: str, record: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict:
        """The record as it may be stored, or ValueError saying why not. `previous` is the
        record stored under the same item before (a plan action keeps a passed date)."""

    def write_summary(self, ws, top: int, response: Response) -> int:
        """Its block on the Excel summary sheet, from row `top`; the next free row."""

    def write_sheets(self, wb, response: Response) -> None:
        """Its own sheets in a respondent's workbook."""

    def about_rows(self) -> list[tuple[str, str]]:
        """(label, text) lines for the workbook's About sheet: instrument, method."""


@runtime_checkable
class RecordKind(Stored, Protocol):
    """The plan, the risk register, the baseline: kept, never asked in a room."""

    TITLE: str


@runtime_checkable
class Diagnostic(Stored, Protocol):
    """Questions asked of each respondent, and their scoring."""

    NEEDS: tuple[str, ...]  # diagnostics it is worked out from (approaches: the eight aspects)

    def instrument(self) -> Instrument:
        """The validated instrument file (InstrumentError when it is not valid); reread
        when the file changes."""

    def page(self) -> PageWording:
        """Its page wording: titles, blurb, icon and address of its pages."""

    def progress(self, records: Records) -> tuple[int, int]:
        """(questions answered, questions in all) for a progress bar."""

    # --- In a workshop: what it declares, the workshop layer draws ---------------
    #
    # ROOM_VIEWS: {label on the shared screen's selector: view kind}, view kinds being
    #   ROOM_VIEW_KINDS (scoring/workshop/views.py draws each); {} when participants do
    #   not answer it. The selector matches its choices by label, so they stay fixed.
    # ROOM_SHEET: the kind of sheet of the room the workshop pack gives it
    #   (ROOM_SHEET_KINDS, drawn by scoring/workshop/pack.py), or "" for none.
    # COMPARES: how a comparison over time sets two assessments of it side by side
    #   (COMPARE_KINDS, scoring/compare.py), or "" when it is not compared itself.
    ROOM_VIEWS: Mapping[str, str]
    ROOM_SHEET: str
    COMPARES: str

    def item_texts(self) -> dict[str, str]:
        """Item id -> what was asked, in the instrument's order (the pack's Responses)."""

    def survey_questions(self) -> list[SurveyQuestion]:
        """The questions a survey export's columns can be mapped to (empty: none)."""

    def worked_case(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """What its scoring gives for one of its worked cases (data/cases/<id>.yaml, or the
        `cases:` of its instrument file), in the shape of the case's `expected`, a score
        with none as None: tests/test_registry.py compares the two for every diagnostic."""

    def sections(self) -> tuple[Section, ...]:
        """The parts a workshop can take in rounds, in order (its aspects, areas or themes;
        empty when it has none to discuss). Their rated questions are survey_questions()."""


@runtime_checkable
class ThemedDiagnostic(Diagnostic, Protocol):
    """A diagnostic of statements rated in themes, whose ROOM_VIEWS, ROOM_SHEET or
    COMPARES name the "themes" kind."""

    def theme_scores(self, records: Records, inst: Any = None) -> "pd.DataFrame":
        """One row per theme, in order: theme_id, the group column, title, score (0–100,
        NaN when nothing is rated), answered, dont_know."""

    def theme_groups(self) -> tuple[str, dict[str, str]]:
        """(the group column's heading, {group id: title}): how themes are grouped."""

    def theme_charts(self) -> dict[str, tuple[str, str]]:
        """{group id: (chart title, value axis title)} when the groups read in different
        directions (higher better in one, worse in another) and so need a chart each, in
        this order; {} for one chart of every theme."""


ROOM_VIEW_KINDS = ("aspect_profile", "disagreement", "by_role", "approach_fit", "tolerance", "themes")
ROOM_SHEET_KINDS = ("tolerance", "themes")
COMPARE_KINDS = ("aspects", "tolerance", "themes")
