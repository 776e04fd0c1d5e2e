"""The room against a hostile participant: one test per attack in issue 11, asserting
what the store, the shared screen's views and the pack may give away."""

import math
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from scoring.store import SCREEN, Store, WorkshopError, respondents, workshops

APP = Path(__file__).resolve().parent.parent / "app.py"


from test_workshop_store import everything, store  # noqa: F401,E402 - the store fixture on both backends


# --- 1. The facilitator's secret is not on the projector -----------------------------
def test_the_screen_link_is_its_own_one_way_credential(store):
    _code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    screen = store.screen_token(facilitator)
    assert screen != facilitator and facilitator not in screen
    assert store.screen_token(facilitator) == screen, "the same link every time (a refresh keeps it)"
    assert store.workshop(screen)["kind"] == SCREEN
    # Asking for the screen's screen, or for anyone else's, is refused.
    with pytest.raises(PermissionError):
        store.screen_token(screen)


def test_the_screen_link_shows_the_room_and_changes_nothing(store):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    participant = store.join(code, "Finance")
    store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 4})
    screen = store.screen_token(facilitator)
    assert store.participants(screen) == store.participants(facilitator)
    assert store.answers_version(screen) == store.answers_version(facilitator)
    before = everything(store)
    for attempt in (
        lambda: store.set_workshop(screen, results_visible=True),
        lambda: store.set_workshop(screen, is_open=False),
        lambda: store.delete_workshop(screen),
        lambda: store.add_participants(screen, [("Finance", {})]),
    ):
        with pytest.raises(PermissionError):
            attempt()
    with pytest.raises(WorkshopError):
        store.save_answer(screen, "development_plan", "a1", {"action": "take over"})
    assert everything(store) == before


def test_a_refreshed_projector_tab_shows_the_room_without_controls_or_hidden_results():
    made = Store()
    code, facilitator = made.create_workshop("Away day", ["eight_aspects"], ["Finance"])
    for n in range(3):  # the fewest whose figures may be shown
        made.save_answer(made.join(code, "Finance", client=f"p{n}"), "eight_aspects", "sd_one_place", {"rating": 2 + n})
    screen = made.screen_token(facilitator)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = screen
    at.run()
    assert not at.exception
    labels = {b.label for b in at.button}
    assert not labels & {"Reveal results", "Hide results", "Close to new answers", "Delete the workshop and all its answers"}
    assert not at.get("download_button"), "no pack and no private link from the screen's link"
    assert any("Results are hidden" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert any("controls nothing" in c.value for c in at.caption)
    made.set_workshop(facilitator, results_visible=True)
    at.run()
    assert at.get("plotly_chart"), "once revealed, the screen's link shows what the room sees"
    made.engine.dispose()


# --- 2. Joining without answering pads nothing ------------------------------------------
from datetime import datetime, timezone  # noqa: E402
from io import BytesIO  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from scoring.diagnostics import eight_aspects  # noqa: E402
from scoring.workshop import room as workshop
from scoring.workshop import views as workshop_views
from scoring.workshop.pack import build_pack  # noqa: E402
from scoring.workshop.room import MIN_GROUP, SPREAD_MIN, Participant  # noqa: E402

ASPECT_FACTORS = {aspect: [f.id for f in eight_aspects.instrument().factors_of(aspect)] for aspect in eight_aspects.ASPECTS}


def rated(rating: int, aspects=eight_aspects.ASPECTS) -> dict:
    """Answers rating the first factor of each of these aspects."""
    return {"eight_aspects": {ASPECT_FACTORS[a][0]: {"rating": rating, "weight": 1} for a in aspects}}


def numbered(people: list[tuple[str | None, dict]]) -> list[Participant]:
    return [Participant(n, role, response) for n, (role, response) in enumerate(people, start=1)]


def two_empty_joins() -> list[Participant]:
    """3 Finance and 3 Provider answer; one real elected member answers, and someone joins
    twice more as an elected member and answers nothing."""
    return numbered([("Finance", rated(2))] * 3 + [("Provider", rated(4))] * 3 + [("Elected member", rated(5)), ("Elected member", {}), ("Elected member", {})])


def test_two_empty_joins_do_not_make_a_group_of_one_person():
    room = two_empty_joins()
    by_role, _ = workshop.aspects_by_role(room)
    assert "Elected member" not in set(by_role["role"])
    for row in by_role.itertuples():
        assert row.n >= MIN_GROUP
    assert workshop.shown_roles(room)[7] != "Elected member"
    view = workshop_views.build("By role", room)
    assert view.figure is None or all("Elected member" not in (trace.name or "") for trace in view.figure.data)


def test_the_pack_does_not_put_the_padded_role_beside_anyone():
    info = {
        "name": "Away day",
        "code": "ABCD2345",
        "diagnostics": ["eight_aspects"],
        "roles": ["Finance", "Provider", "Elected member"],
        "created_at": datetime.now(timezone.utc),
    }
    book = load_workbook(BytesIO(build_pack(info, two_empty_joins(), {}, generated=datetime.now(timezone.utc))))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("Elected member") for v in row), (sheet.title, row)


# --- 3. Small rooms show no individual ------------------------------------------------------
@pytest.mark.parametrize("size", [1, 2])
def test_a_room_of_one_or_two_shows_nothing_that_is_someone_s_answer(size):
    room = numbered([(None, rated(r)) for r in (1, 4)[:size]])
    spread = workshop.aspect_spread(room)
    assert spread[["mean", "median", "q1", "q3", "low", "high", "sd"]].isna().all().all()
    assert (spread["n"] == size).all(), "the count of who answered stays"
    assert workshop.item_disagreement(room).empty
    assert workshop.approach_ranking(room)["fit"].isna().all()
    for name in workshop_views.views():
        view = workshop_views.build(name, room)
        assert view.figure is None, name
        assert view.note and "until 3 people" in view.note


@pytest.mark.parametrize("size", [3, 4])
def test_a_small_room_shows_its_mean_but_no_range_or_extremes(size):
    room = numbered([(None, rated(r)) for r in (1, 4, 5, 2)[:size]])
    row = workshop.aspect_spread(room).iloc[0]
    assert not math.isnan(row["mean"])
    assert all(math.isnan(row[column]) for column in ("q1", "q3", "low", "high", "sd"))
    hover = workshop_views.build("Room's profile", room).figure.data[-1].customdata[0]
    assert "range" not in hover and "middle half" not in hover


def test_from_five_people_the_spread_is_shown():
    room = numbered([(None, rated(r)) for r in (1, 4, 5, 2, 3)])
    assert SPREAD_MIN == 5
    row = workshop.aspect_spread(room).iloc[0]
    assert (row["low"], row["high"]) == (0, 100)


def test_a_figure_counts_the_people_who_answered_that_item_cell_by_cell():
    """Three in Finance, but only two of them scored Relationships: Finance's Relationships
    cell is blank, its System design cell is shown."""
    first, second = eight_aspects.ASPECTS[:2]
    room = numbered(
        [
            ("Finance", rated(2, [first, second])),
            ("Finance", rated(3, [first, second])),
            ("Finance", rated(4, [first])),
            ("Provider", rated(1, [first, second])),
        ]
        + [("Provider", rated(5, [first, second]))] * 2
    )
    by_role = workshop.aspects_by_role(room)[0].set_index("role")
    assert by_role.loc["Finance", first] == pytest.approx(50)
    assert math.isnan(by_role.loc["Finance", second])
    # And Provider's cell would leave Finance's two as the room minus Provider: blank too.
    assert math.isnan(by_role.loc["Provider", second])


@settings(max_examples=200, deadline=None)
@given(people=st.lists(st.tuples(st.sampled_from(["A", "B", "C", None]), st.sets(st.sampled_from(eight_aspects.ASPECTS[:3]), max_size=3)), max_size=25))
def test_no_role_cell_counts_too_few_people_nor_lets_the_rest_be_worked_out(people):
    room = numbered([(role, rated(3, sorted(aspects)) if aspects else {}) for role, aspects in people])
    by_role, _ = workshop.aspects_by_role(room)
    scores = workshop.participant_scores(room)
    for aspect in eight_aspects.ASPECTS[:3]:
        shown = by_role[by_role[aspect].notna()] if len(by_role) else by_role
        everyone = int(scores[aspect].count()) if len(scores) else 0
        if len(shown) == 0:
            continue
        groups, _ = workshop.role_groups([p for p in room if len(scores) and scores.loc[p.number].notna().any()])
        counted = {role: int(scores.loc[[p.number for p in members], aspect].count()) for role, members in groups.items()}
        in_shown = sum(counted[role] for role in shown["role"])
        assert all(counted[role] >= MIN_GROUP for role in shown["role"])
        assert everyone - in_shown == 0 or everyone - in_shown >= MIN_GROUP


# --- 7. Small files cost no minutes -------------------------------------------------------
import io  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402

from openpyxl import Workbook as NewWorkbook  # noqa: E402

from scoring.excel import reader
from scoring.imports import survey, uploads  # noqa: E402
from scoring.imports.uploads import UploadError  # noqa: E402


def shared_strings_bomb(megabytes: float) -> bytes:
    """A valid .xlsx whose shared-strings part holds `megabytes` of distinct text: it
    compresses about 15 to 1, so a 0.16 MB file can unpack to tens of MB."""
    book = NewWorkbook()
    book.active["A1"] = "x"
    plain = io.BytesIO()
    book.save(plain)
    count = int(megabytes * 1024 * 1024 / 40)
    table = (
        f'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
        + "".join(f"<si><t>{n:08d}aaaaaaaaaaaaaaaaaaaaaa</t></si>" for n in range(count))
        + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(item.filename, data)
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


@pytest.mark.parametrize("read", [reader.read_workbook, lambda data: survey.read_table(data, "export.xlsx")], ids=["bring back", "survey import"])
def test_a_small_workbook_that_unpacks_to_tens_of_megabytes_is_refused_before_it_is_read(read):
    bomb = shared_strings_bomb(30)
    assert len(bomb) < 3 * 1024 * 1024
    began = time.process_time()
    with pytest.raises(UploadError, match=r"text table unpacks to \d+ MB, more than the \d+ MB"):
        read(bomb)
    assert time.process_time() - began < 1.0  # CPU, not a timing of the machine: it is not parsed at all


def test_one_client_cannot_read_many_uploads_at_once(monkeypatch):
    """While the process's few reading places are taken, a further upload is refused at
    once with a message, and a place freed is used again."""
    holding, release = threading.Event(), threading.Event()

    def slow_read(data, filename):
        holding.set()
        release.wait(10)
        raise UploadError("done")

    monkeypatch.setattr(survey, "_read_table", slow_read)
    threads = [threading.Thread(target=lambda: pytest.raises(UploadError, survey.read_table, b"x", "a.csv")) for _ in range(uploads.READERS_AT_ONCE)]
    for thread in threads:
        thread.start()
    holding.wait(5)
    time.sleep(0.2)
    with pytest.raises(UploadError, match="other uploads are being read"):
        survey.read_table(b"a,b\n1,2\n", "a.csv")
    release.set()
    for thread in threads:
        thread.join()
    with pytest.raises(UploadError, match="done"):
        survey.read_table(b"a,b\n1,2\n", "a.csv")


# --- 6. Nobody pads the room past its size --------------------------------------------------
from sqlalchemy import text  # noqa: E402

from scoring.store import DEFAULT_MAX_PARTICIPANTS, SCHEMA_VERSION, JoinError, schema_version  # noqa: E402


def test_a_full_workshop_refuses_the_next_join_with_a_message(store):
    code, facilitator = store.create_workshop("Small", ["eight_aspects"], [], max_participants=3)
    for n in range(3):
        store.join(code, None, client=f"p{n}")
    before = everything(store)
    with pytest.raises(JoinError, match="full: it takes 3 people"):
        store.join(code, None, client="padder")
    assert everything(store) == before
    assert store.workshop(facilitator)["max_participants"] == 3


def test_joins_fired_at_once_cannot_pad_past_the_size(store):
    code, facilitator = store.create_workshop("Small", ["eight_aspects"], [], max_participants=5)
    outcomes = []

    def join(n: int) -> None:
        try:
            outcomes.append(store.join(code, None, client=f"phone-{n}"))
        except JoinError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=join, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.participants(facilitator)) == 5
    assert sum(isinstance(o, JoinError) for o in outcomes) == 15


def test_a_workshop_takes_a_sensible_number_by_default(store):
    _code, facilitator = store.create_workshop("Default", ["eight_aspects"], [])
    assert store.workshop(facilitator)["max_participants"] == DEFAULT_MAX_PARTICIPANTS >= 200
    with pytest.raises(ValueError):
        store.create_workshop("Huge", ["eight_aspects"], [], max_participants=10**6)


def test_a_version_2_database_gains_the_room_size_and_keeps_its_workshops(fresh_db_url):
    old = Store(fresh_db_url)
    code, facilitator = old.create_workshop("Before", ["eight_aspects"], [])
    with old.engine.begin() as conn:
        conn.execute(text("UPDATE workshops SET max_participants = NULL"))
        conn.execute(text("ALTER TABLE workshops DROP COLUMN max_participants"))
        conn.execute(schema_version.update().values(version=2))
    old.engine.dispose()
    again = Store(fresh_db_url)
    assert again.workshop(facilitator)["name"] == "Before"
    assert again.workshop(facilitator)["max_participants"] == DEFAULT_MAX_PARTICIPANTS
    assert again.join(code, None)
    with again.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar_one() == SCHEMA_VERSION
    again.engine.dispose()


# --- 9. Smaller gaps ------------------------------------------------------------------------
from scoring.excel import cells  # noqa: E402


@pytest.mark.parametrize("typed", ["=1+1", '  =HYPERLINK("http://x")', "\n=1+1", "\u3000+1", "\uff1d1+1", "\uff0b1", "\uff20SUM(A1)", "\t-1"])
def test_text_a_spreadsheet_might_evaluate_is_written_with_the_quote_prefix(typed):
    sheet = NewWorkbook().active
    cell = cells.put(sheet, 1, 1, typed)
    assert cell.data_type == "s" and cell.value == typed and cell.quotePrefix


@pytest.mark.parametrize("typed", ["Plan A", "1 = 1", "e-mail", " spaced"])
def test_ordinary_text_gets_no_quote_prefix(typed):
    assert not cells.put(NewWorkbook().active, 1, 1, typed).quotePrefix


def test_an_expired_workshop_refuses_answers_at_once(store):
    code, facilitator = store.create_workshop("Old", ["eight_aspects"], [])
    participant = store.join(code, None)
    with store.engine.begin() as conn:
        conn.execute(workshops.update().values(expires_at=datetime.now(timezone.utc).replace(year=2000)))
    before = everything(store)
    with pytest.raises(WorkshopError, match="ended"):
        store.save_answer(participant, "eight_aspects", "sd_one_place", {"rating": 3})
    assert everything(store) == before


def test_openpyxl_reads_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml is a pinned dependency: openpyxl uses it when it is installed"


def test_the_import_page_does_not_ask_about_thousands_of_free_text_answers():
    """A survey column mapped to a rated factor but holding 2,000 different texts: the page
    says it looks like free text and draws no drop-down for it (it once drew one per text)."""
    made = Store()
    _code, facilitator = made.create_workshop("Imported", ["eight_aspects"], [])
    factor = eight_aspects.instrument().factors[0]
    rows = "\n".join(f"{n},free text number {n}" for n in range(2000))
    csv = f"ID,{factor.text}\n{rows}\n".encode("utf-8")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = facilitator
    at.run()
    at.switch_page("views/workshop/survey_import.py").run()
    at.file_uploader[0].set_value(("export.csv", csv, "text/csv"))
    at.run()
    assert not at.exception
    asked = [box for box in at.selectbox if (box.key or "").startswith("imp_val_")]
    assert len(asked) <= survey.MAX_TEXTS_TO_MAP
    assert any("looks like free text" in w.value for w in at.warning), [w.value for w in at.warning]
    made.engine.dispose()


def test_idle_self_checks_expire_after_the_stated_time_and_busy_ones_stay(store, monkeypatch):
    from scoring import store as store_module

    idle, busy = store.new_respondent(), store.new_respondent()
    for token in (idle, busy):
        store.save_answer(token, "eight_aspects", "sd_one_place", {"rating": 3})
    code, facilitator = store.create_workshop("Room", ["eight_aspects"], [])
    with store.engine.begin() as conn:
        conn.execute(respondents.update().values(updated_at=datetime.now(timezone.utc).replace(year=2000)))  # all idle, workshop too
    store.save_answer(busy, "eight_aspects", "sd_one_place", {"rating": 4})
    monkeypatch.setenv(store_module.SELF_CHECK_DAYS_ENV, "30")
    store.purge_expired()
    assert not store.exists(idle) and store.answers(idle, "eight_aspects") == {}
    assert store.exists(busy)
    assert store.workshop(facilitator), "a workshop has its own retention, from when it was made"
    monkeypatch.setenv(store_module.SELF_CHECK_DAYS_ENV, "not a number")
    assert store_module.self_check_days() == store_module.SELF_CHECK_DAYS


# --- 3. The late joiner: the screen moves in batches, never by one person ----------------
from scoring.store import CREATION_LIMITS, MAX_MIN_GROUP, CreationLimit, shown_answers  # noqa: E402

FACTOR = ASPECT_FACTORS["system_design"][0]


def room_with(store, ratings, *, min_group=None):
    code, facilitator = store.create_workshop("Away day", ["eight_aspects"], ["Finance"], min_group=min_group)
    people = []
    for n, rating in enumerate(ratings):
        person = store.join(code, None, client=f"phone{n}")
        store.save_answer(person, "eight_aspects", FACTOR, {"rating": rating})
        people.append(person)
    return code, facilitator, people


def shown_ratings(store, viewer):
    return sorted(r["eight_aspects"][FACTOR]["rating"] for _role, r in store.participants(viewer, shown=True) if r)


def test_before_the_first_reveal_the_screen_s_copy_follows_every_change(store):
    """Nobody has seen the room's figures yet, so nothing can be worked out from a change."""
    _code, facilitator, people = room_with(store, [2, 5])
    assert store.publish_room(facilitator) == 0
    assert shown_ratings(store, facilitator) == [2, 5]
    store.save_answer(people[0], "eight_aspects", FACTOR, {"rating": 4})
    assert store.publish_room(facilitator) == 0 and shown_ratings(store, facilitator) == [4, 5]
    assert store.workshop(facilitator)["results_visible"] is False


def test_the_first_reveal_shows_everything_so_far_at_once(store):
    _code, facilitator, people = room_with(store, [2, 3, 4])
    store.publish_room(facilitator)
    store.save_answer(people[0], "eight_aspects", FACTOR, {"rating": 1})  # just before the reveal
    store.set_workshop(facilitator, results_visible=True)
    assert shown_ratings(store, facilitator) == [1, 3, 4], "the reveal itself brings the last change in"
    store.set_workshop(facilitator, results_visible=False)
    store.save_answer(people[1], "eight_aspects", FACTOR, {"rating": 5})
    store.set_workshop(facilitator, results_visible=True)
    assert store.publish_room(facilitator) == 1, "hiding and revealing again does not let one change through"
    assert shown_ratings(store, facilitator) == [1, 3, 4]


def test_the_screen_does_not_move_when_one_late_joiner_answers(store):
    code, facilitator, _people = room_with(store, [2, 3, 4, 2, 3])
    screen = store.screen_token(facilitator)
    store.set_workshop(facilitator, results_visible=True)
    assert store.publish_room(screen) == 0
    assert shown_ratings(store, screen) == [2, 2, 3, 3, 4]
    late = store.join(code, None, client="late")
    version = store.answers_version(screen, shown=True)
    store.save_answer(late, "eight_aspects", FACTOR, {"rating": 5})
    assert store.publish_room(screen) == 1, "one person's change waits"
    assert shown_ratings(store, screen) == [2, 2, 3, 3, 4], "the screen does not give the late answer away"
    assert store.answers_version(screen, shown=True)[1] == version[1]
    # The pack (the room as it stands) has it; the screen's copy never did.
    assert sorted(r["eight_aspects"][FACTOR]["rating"] for _role, r in store.participants(facilitator)) == [2, 2, 3, 3, 4, 5]
    # Changing an answer back and forth, alone, still moves nothing.
    store.save_answer(late, "eight_aspects", FACTOR, {"rating": 1})
    assert store.publish_room(screen) == 1 and shown_ratings(store, screen) == [2, 2, 3, 3, 4]


def test_the_screen_moves_once_three_people_have_changed_and_shows_them_together(store):
    code, facilitator, people = room_with(store, [2, 3, 4])
    store.set_workshop(facilitator, results_visible=True)
    late = store.join(code, None, client="late")
    store.save_answer(late, "eight_aspects", FACTOR, {"rating": 5})
    store.save_answer(people[0], "eight_aspects", FACTOR, {"rating": 1})
    assert store.publish_room(facilitator) == 2
    assert shown_ratings(store, facilitator) == [2, 3, 4]
    store.save_answer(people[1], "eight_aspects", FACTOR, {"rating": 1})
    assert store.publish_room(facilitator) == 0
    assert shown_ratings(store, facilitator) == [1, 1, 4, 5], "three people's changes arrive in one step"
    assert store.publish_room(facilitator) == 0, "nothing is waiting afterwards"


def test_empty_joins_do_not_release_a_late_joiner_s_answer(store):
    code, facilitator, _people = room_with(store, [2, 3, 4])
    store.set_workshop(facilitator, results_visible=True)
    late = store.join(code, None, client="late")
    store.save_answer(late, "eight_aspects", FACTOR, {"rating": 5})
    for n in range(2):
        store.join(code, None, client=f"pad{n}")
    assert store.publish_room(facilitator) == 1, "joining changes nothing the screen could show"
    assert shown_ratings(store, facilitator) == [2, 3, 4]


def test_a_facilitator_can_raise_the_smallest_group_to_five(store):
    code, facilitator, people = room_with(store, [1, 2, 3, 4], min_group=5)
    assert store.workshop(facilitator)["min_group"] == 5
    store.set_workshop(facilitator, results_visible=True)
    for person in people:
        store.save_answer(person, "eight_aspects", FACTOR, {"rating": 3})
    assert store.publish_room(facilitator) == 4, "four changes wait for a fifth"
    store.save_answer(store.join(code, None, client="fifth"), "eight_aspects", FACTOR, {"rating": 5})
    assert store.publish_room(facilitator) == 0
    assert shown_ratings(store, facilitator) == [3, 3, 3, 3, 5]
    room = [Participant(n, role, r) for n, (role, r) in enumerate(store.participants(facilitator, shown=True), start=1)]
    assert workshop_views.build("Room's profile", room[:4], min_group=5).figure is None
    assert workshop_views.build("Room's profile", room, min_group=5).figure is not None
    assert math.isnan(workshop.aspect_spread(room[:4], 5).loc["system_design", "mean"])
    store.set_workshop(facilitator, min_group=3)
    assert store.workshop(facilitator)["min_group"] == 3
    before = everything(store)
    for wrong in (2, MAX_MIN_GROUP + 1):
        with pytest.raises(ValueError):
            store.set_workshop(facilitator, min_group=wrong)
        with pytest.raises(ValueError):
            store.create_workshop("Too small", ["eight_aspects"], [], min_group=wrong)
    assert everything(store) == before


def test_the_pack_at_five_shows_no_role_group_of_four():
    people = numbered([("Finance", rated(2))] * 4 + [("Provider", rated(4))] * 5)
    info = {
        "name": "Away day",
        "code": "ABCD2345",
        "diagnostics": ["eight_aspects"],
        "roles": ["Finance", "Provider"],
        "created_at": datetime.now(timezone.utc),
        "min_group": 5,
    }
    book = load_workbook(BytesIO(build_pack(info, people, {}, generated=datetime.now(timezone.utc))))
    roles = {row[1] for row in book["Responses"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert "Finance" not in roles and "Provider" not in roles, "the only other group would be given away by the room's figures"
    about = " ".join(str(v) for row in book["About"].iter_rows(values_only=True) for v in row if v)
    assert workshop.small_group_rule(5) in about


# --- 6. Removing a participant, and limits on creating ----------------------------------------
def test_the_facilitator_removes_a_padding_join_and_nobody_else_can(store):
    code, facilitator, people = room_with(store, [2, 3, 4])
    empty = store.join(code, "Finance", client="pad")
    other_code, other_facilitator, others = room_with(store, [5])
    roster = store.roster(facilitator)
    assert len(roster) == 4 and sum(1 for _key, _role, response in roster if not any(response.values())) == 1
    padding = [key for key, _role, response in roster if not any(response.values())]
    screen = store.screen_token(facilitator)
    before = everything(store)
    outsider = [key for key, _role, _response in store.roster(other_facilitator)]
    assert store.remove_participants(facilitator, outsider) == 0, "another workshop's participant is not this facilitator's to remove"
    for who in (people[0], screen, empty):
        with pytest.raises(PermissionError):
            store.remove_participants(who, padding)
    assert everything(store) == before
    assert store.remove_participants(facilitator, padding) == 1
    assert store.workshop(empty) is None
    assert len(store.participants(facilitator)) == 3
    with pytest.raises(KeyError):
        store.save_answer(empty, "eight_aspects", FACTOR, {"rating": 1})
    # Removing someone who answered takes their answers off the screen's copy too.
    store.publish_room(facilitator)
    first = store.roster(facilitator)[0][0]
    assert store.remove_participants(facilitator, [first]) == 1
    with store.engine.connect() as conn:
        assert not conn.execute(select(shown_answers).where(shown_answers.c.respondent_id == first)).all()
    assert len(shown_ratings(store, facilitator)) == 2


def test_creating_self_checks_and_workshops_is_limited_per_client(store, monkeypatch):
    monkeypatch.setitem(CREATION_LIMITS, "self_check", 3)
    monkeypatch.setitem(CREATION_LIMITS, "workshop", 2)
    for _ in range(3):
        store.new_respondent(client="203.0.113.9")
    before = everything(store)
    with pytest.raises(CreationLimit, match="Try again in"):
        store.new_respondent(client="203.0.113.9")
    for _ in range(2):
        store.create_workshop("Mine", ["eight_aspects"], [], client="203.0.113.9")
    with pytest.raises(CreationLimit, match="workshops"):
        store.create_workshop("One more", ["eight_aspects"], [], client="203.0.113.9")
    assert len(everything(store)["workshops"]) == 2
    assert store.new_respondent(client="198.51.100.7"), "another client is not held up"
    assert store.new_respondent(), "the app's own callers (no client) are not limited"
    after = everything(store)
    assert len(after["respondents"]) == len(before["respondents"]) + 2 + 2  # two facilitators, two self-checks


def test_the_import_page_tables_offer_no_formula_in_their_csv_download():
    import pandas as pd

    from ui.widgets import uploaded_text_table

    table = uploaded_text_table(pd.DataFrame({"Row": [2, 3], "Why": ['=HYPERLINK("http://x")', "plain words"], "n": [1, 2]}))
    assert table["Why"].tolist() == ['\'=HYPERLINK("http://x")', "plain words"]
    assert table["n"].tolist() == [1, 2] and table["Row"].tolist() == [2, 3]


def test_a_version_3_database_gains_the_screen_s_batches_and_keeps_its_workshops(fresh_db_url):
    old = Store(fresh_db_url)
    code, facilitator = old.create_workshop("Before", ["eight_aspects"], [])
    old.save_answer(old.join(code, None), "eight_aspects", FACTOR, {"rating": 3})
    with old.engine.begin() as conn:
        conn.execute(text("DROP TABLE shown_answers"))
        conn.execute(text("DROP TABLE creations"))
        conn.execute(text("ALTER TABLE workshops DROP COLUMN min_group"))
        conn.execute(text("ALTER TABLE workshops DROP COLUMN first_revealed_at"))
        conn.execute(text("ALTER TABLE respondents DROP COLUMN shown_at"))
        conn.execute(schema_version.update().values(version=3))
    old.engine.dispose()
    again = Store(fresh_db_url)
    assert again.workshop(facilitator)["min_group"] == MIN_GROUP
    assert [r for _role, r in again.participants(facilitator)] == [{"eight_aspects": {FACTOR: {"rating": 3}}}]
    assert again.publish_room(facilitator) == 0 and [r for _role, r in again.participants(facilitator, shown=True)] == [
        {"eight_aspects": {FACTOR: {"rating": 3}}}
    ], "not yet revealed: the screen's copy follows"
    assert again.new_respondent(client="x")
    with again.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar_one() == SCHEMA_VERSION
    again.engine.dispose()
