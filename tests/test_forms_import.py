"""Importing a survey export (Microsoft Forms and the like) into a workshop:
scoring/imports/survey.py. The files are in tests/files/forms (made by make_files.py), and
cases.yaml says what each must give; one test per case."""

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import registry
from scoring.diagnostics import conditions, eight_aspects, starting_points, tolerance
from scoring.imports.survey import (
    ROLE,
    SKIP,
    UNMAPPED,
    MappingError,
    Target,
    choices,
    distinct_answers,
    guess_mapping,
    match_answer,
    outdated_columns,
    preview,
    read_table,
    targets,
    value_scale,
)
from scoring.imports.uploads import UploadError
from scoring.instruments.loading import DATA_DIR
from scoring.store import Store
from scoring.workshop.setup import DEFAULT_ROLES, ROLE_LIMIT

FOLDER = Path(__file__).resolve().parent / "files" / "forms"
CASES = yaml.safe_load((FOLDER / "cases.yaml").read_text(encoding="utf-8"))["cases"]
SAMPLES = ["forms_utf8_bom.csv", "forms_windows1252.csv", "forms_unicode_text.txt", "forms_semicolon.csv", "forms.xlsx"]

_spec = importlib.util.spec_from_file_location("forms_make_files", FOLDER / "make_files.py")
make_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_files)

DIAGNOSTICS = make_files.DIAGNOSTICS
MODULES = {"eight_aspects": eight_aspects, "conditions": conditions, "starting_points": starting_points, "tolerance": tolerance}


def file_bytes(case_or_name) -> bytes:
    case = case_or_name if isinstance(case_or_name, dict) else {"file": case_or_name}
    if case.get("generated"):
        return make_files.generated(case["file"])
    return (FOLDER / case["file"]).read_bytes()


def read(name: str):
    return read_table(file_bytes(name), name)


def as_target(spec):
    """make_files' (diagnostic id, item id, field) as the Target guess_mapping gives."""
    if spec is None:
        return None
    if spec[2] == "role":
        return ROLE
    return next(t for t in targets([spec[0]]) if (t.diagnostic_id, t.item_id, t.field) == spec)


def expected_value(spec, label: str):
    """The stored value of an answer text, worked out from the instrument's labels."""
    diagnostic_id, _, field = spec
    inst = MODULES[diagnostic_id].instrument()
    if diagnostic_id == "tolerance":
        labels = inst.scales[field]
    else:
        labels = {**inst.scale, None: inst.dont_know}
    return next(value for value, text in labels.items() if text.replace("'", "’") == label.replace("'", "’"))


# --- The files and their cases ------------------------------------------------------


def test_the_committed_files_are_what_make_files_writes():
    for name, data in make_files.files().items():
        assert (FOLDER / name).read_bytes() == data, f"{name}: run python tests/files/forms/make_files.py"


def test_every_file_in_the_folder_has_a_case_and_there_are_enough_bad_ones():
    named = {case["file"] for case in CASES}
    on_disk = {p.name for p in FOLDER.iterdir() if p.name not in ("make_files.py", "cases.yaml", "__pycache__")}
    assert on_disk <= named
    assert named - on_disk == {c["file"] for c in CASES if c.get("generated")}
    assert sum(case["message"] != "ok" for case in CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_case(case):
    data = file_bytes(case)
    if case["message"] != "ok":
        with pytest.raises(UploadError) as caught:
            read_table(data, case["file"])
        assert case["message"] in str(caught.value)
        for where in ("row", "column", "sheet"):
            if where in case:
                assert getattr(caught.value, where) == case[where], where
        return
    table = read_table(data, case["file"])
    assert table.index.name == "row"
    assert all(isinstance(v, str) for column in table.columns for v in table[column])
    if case["file"].endswith(".xlsx"):  # a formula is never read as its text
        assert not any(v.startswith("=") for column in table.columns for v in table[column])
    if "sheet" in case:
        assert table.attrs["sheet"] == case["sheet"]
    if "columns" in case:
        assert list(table.columns) == case["columns"]
    for cell in case.get("cells", []):
        assert table.loc[cell["row"], cell["column"]] == cell["text"]
    if "problems" in case:
        result = preview(table, guess_mapping(list(table.columns), DIAGNOSTICS), roles=DEFAULT_ROLES)
        assert len(result.problems) == len(case["problems"])
        for (row, column, why), (want_row, want_column, want_why) in zip(result.problems, case["problems"]):
            assert (row, column) == (want_row, want_column) and want_why in why


def test_every_sample_gives_the_same_table():
    tables = {name: read(name) for name in SAMPLES}
    first = tables["forms.xlsx"]
    for name, table in tables.items():
        assert table.equals(first), name
        assert list(table.index) == list(first.index) == list(range(2, 2 + make_files.PEOPLE)), name
    assert list(first.columns) == [header for header, _ in make_files.columns()]
    comments = list(first[make_files.COMMENTS_HEADER])
    assert comments == make_files.COMMENTS  # £, ’, – and “” survive Windows-1252 and UTF-16; a line break stays in its cell
    assert first.loc[2, "Start time"] == "2024-03-05 09:30:12" and first.loc[2, "ID"] == "1"


def test_a_sheet_that_claims_a_million_rows_is_read_by_what_it_holds():
    data = file_bytes("forms.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:BI7" />', b'<dimension ref="A1:XFD1048576" />')
            target.writestr(info, content)
    assert read_table(out.getvalue(), "forms.xlsx").equals(read("forms.xlsx"))


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (210 * 1024 * 1024))
    with pytest.raises(UploadError, match="unpacks to"):
        read_table(out.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize("data", [None, "text", 42, b"ID,Role\r\n1,Finance\r\n"])
def test_anything_that_is_not_a_file_with_a_name_is_an_upload_error(data):
    with pytest.raises(UploadError):
        read_table(data, None)


# --- Mapping --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_guess_mapping_finds_every_question_and_ignores_what_forms_adds(name):
    table = read(name)
    mapping = guess_mapping(list(table.columns), DIAGNOSTICS)
    expected = {header: as_target(spec) for header, spec in make_files.columns()}
    assert mapping == expected
    assert all(mapping[column] is None for column in make_files.METADATA)


def test_targets_cover_every_rated_question_once():
    found = targets(DIAGNOSTICS)
    assert len(found) == len(set(found)) == len({t.key for t in found})
    assert len(found) == (
        len(eight_aspects.instrument().factors)
        + len(conditions.instrument().items)
        + len(starting_points.instrument().items)
        + 3 * len(tolerance.instrument().areas)
    )
    assert targets(["approaches"]) == [] and ROLE not in found
    with pytest.raises(ValueError):
        targets(["no_such_diagnostic"])


def test_guess_mapping_by_id_by_bracketed_text_and_the_role_column():
    factor = eight_aspects.instrument().factors[3]
    statement = conditions.instrument().items[0]
    columns = [
        "Timestamp",
        "Email address",
        "Your role",
        "Job role",
        factor.id,
        f"Conditions [{statement.text}]",
        "area:waiting_lists:impact",
        "Whose gift is it to change: staff turnover that destabilises delivery",
        "How would you describe the weather?",
    ]
    mapping = guess_mapping(columns, DIAGNOSTICS)
    assert mapping["Timestamp"] is None and mapping["Email address"] is None
    assert mapping["Your role"] == ROLE and mapping["Job role"] is None  # one role column, the first
    assert mapping[factor.id].item_id == factor.id
    assert (mapping[f"Conditions [{statement.text}]"].diagnostic_id, mapping[f"Conditions [{statement.text}]"].item_id) == ("conditions", statement.id)
    assert (mapping["area:waiting_lists:impact"].item_id, mapping["area:waiting_lists:impact"].field) == ("area:waiting_lists", "impact")
    gift = mapping["Whose gift is it to change: staff turnover that destabilises delivery"]
    assert (gift.item_id, gift.field) == ("area:staff_turnover", "gift")
    assert mapping["How would you describe the weather?"] is None


@pytest.mark.parametrize("header", ["Role", "Your role", "Job role", "What is your role?", "ROLE (optional)"])
def test_role_headers(header):
    assert guess_mapping(["ID", header], DIAGNOSTICS)[header] == ROLE


def test_two_columns_never_get_the_same_question():
    text = eight_aspects.instrument().factors[0].text
    columns = [f"{text} (first survey)", text, f"Q7. {text}"]
    mapping = guess_mapping(columns, DIAGNOSTICS)
    assert mapping[text].item_id == eight_aspects.instrument().factors[0].id  # the exact match wins
    chosen = [t for t in mapping.values() if t is not None]
    assert len(chosen) == len(set(chosen))


def test_a_tolerance_column_must_say_which_question_it_is():
    statement = tolerance.instrument().area("weak_impact_data").statement
    assert guess_mapping([statement], DIAGNOSTICS)[statement] is None  # how often? impact? the user says


# --- A survey made from last year's form -------------------------------------------

VERSIONS = Path(__file__).resolve().parent / "files" / "versions"
RATED = {
    "Eight aspects — room for manoeuvre": "eight_aspects",
    "Conditions and practices": "conditions",
    "Starting points and support needs": "starting_points",
}


def last_year_s_statements() -> dict[str, tuple[str, str]]:
    """{1.0 wording: (diagnostic, 1.0 id)} as last year's workshop pack (every instrument at
    1.0, never remade) lists them: the headings a survey made from last year's form has."""
    from openpyxl import load_workbook

    book = load_workbook(VERSIONS / "workshop_pack_v1.xlsx", read_only=True)
    rows = list(book["Responses"].iter_rows(values_only=True))
    book.close()
    return {row[4]: (RATED[row[2]], row[3]) for row in rows[4:] if row and row[2] in RATED}


def carried_to(diagnostic: str, item: str) -> str | None:
    """Where a 1.0 answer belongs now, walked through the instrument file's own history read
    as plain YAML (not the app's code): today's id, or None when its meaning changed."""
    content = yaml.safe_load((DATA_DIR / f"{diagnostic}.yaml").read_text(encoding="utf-8"))
    for step in content["history"][1:]:
        change = next((c for c in step["changes"] if c["item"] == item), None)
        if change is None:
            continue
        if change["change"] != "reworded":
            return None
        item = change.get("now", item)
    return item


def test_a_survey_from_last_year_s_form_maps_reworded_statements_and_names_the_changed_ones():
    statements = last_year_s_statements()
    columns = ["ID", "Start time", "Your role", *statements]
    mapping = guess_mapping(columns, DIAGNOSTICS)
    outdated = outdated_columns(columns, DIAGNOSTICS)
    today_texts = {t.label for t in targets(DIAGNOSTICS)}
    reworded_headings = lost = 0
    for heading, (diagnostic, item) in statements.items():
        now = carried_to(diagnostic, item)
        if now is None:  # replaced or split: never silently mapped to a part of it, but named
            assert mapping[heading] is None, heading
            assert heading in outdated and ("split into" in outdated[heading] or "replaced by" in outdated[heading]), heading
            lost += 1
        else:
            assert (mapping[heading].diagnostic_id, mapping[heading].item_id) == (diagnostic, now), heading
            assert heading not in outdated
            reworded_headings += heading not in today_texts
    assert reworded_headings >= 5, "the pack should hold statements reworded since 1.0"
    assert lost >= 5, "the pack should hold statements split or replaced since 1.0"
    assert set(outdated) <= set(statements)
    assert mapping["Your role"] == ROLE and mapping["ID"] is None


def test_last_year_s_headings_carry_their_answers_to_today_s_statements():
    reworded = conditions.instrument().history.steps[1].change_of("hon_truth").was  # reworded in 1.1
    split = conditions.instrument().history.text("cul_backed")  # split in 1.1
    table = read_table(f'Role,"{reworded}","{split}"\nProvider,Mostly true,Very true\n'.encode(), "last_year.csv")
    mapping = guess_mapping(list(table.columns), DIAGNOSTICS)
    assert mapping[split] is None and "was split into" in outdated_columns(list(table.columns), DIAGNOSTICS)[split]
    result = preview(table, mapping, roles=DEFAULT_ROLES)
    assert result.people == [(2, "Provider", {"conditions": {"hon_truth": conditions.clean_record("hon_truth", {"rating": 4})}})]
    # A column the user maps by hand is theirs: it is no longer listed as left out.
    chosen = {**mapping, split: next(t for t in targets(["conditions"]) if t.item_id == "cul_agrees")}
    assert outdated_columns(list(table.columns), DIAGNOSTICS, chosen) == {}


def test_a_survey_made_from_the_1_1_form_leaves_the_three_narrowed_statements_out_and_names_them():
    history = conditions.instrument().history
    narrowed = {"dat_combine": "dat_combine_skills", "dat_qualitative": "dat_qualitative_skills", "lrn_reflective": "lrn_reflective_daily"}
    then = {history.text(old): new for old, new in narrowed.items()}  # the 1.1 wording
    now = {history.text(new): new for new in narrowed.values()}
    columns = ["Your role", *then, *now]
    mapping = guess_mapping(columns, DIAGNOSTICS)
    outdated = outdated_columns(columns, DIAGNOSTICS)
    for heading, new in then.items():
        assert mapping[heading] is None, heading
        assert outdated[heading] == f"the statement was replaced by “{history.text(new)}”, which asks something different"
    assert {h: mapping[h].item_id for h in now} == now and not set(now) & set(outdated)


def test_the_import_page_names_last_year_s_columns_that_are_not_imported():
    from streamlit.testing.v1 import AppTest

    made = Store()
    try:
        _code, facilitator = made.create_workshop("Imported", ["conditions"], [])
        reworded = conditions.instrument().history.steps[1].change_of("hon_truth").was
        split = conditions.instrument().history.text("cul_backed")
        data = f'ID,"{reworded}","{split}"\n1,Mostly true,Very true\n'.encode()
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
        at.query_params["r"] = facilitator
        at.run()
        at.switch_page("views/workshop/survey_import.py").run()
        at.file_uploader[0].set_value(("last_year.csv", data, "text/csv"))
        at.run()
        assert not at.exception
        warnings = [w.value for w in at.warning if "earlier version of the questions" in w.value]
        assert len(warnings) == 1 and warnings[0].startswith("1 column(s)") and "was split into" in warnings[0], warnings
        assert "Even with funding pressures" in warnings[0] and "hon_truth" not in warnings[0]
        assert any("**1** participant(s) can be imported" in m.value for m in at.markdown)
    finally:
        made.engine.dispose()


# --- Values ---------------------------------------------------------------------------


def test_value_scale_and_match_answer_take_labels_numbers_and_both():
    target = targets(["eight_aspects"])[0]
    scale = value_scale(target)
    inst = eight_aspects.instrument()
    for value, label in inst.scale.items():
        for text in (label, label.upper(), f"  {label.lower()}  ", str(value), f"{value} - {label}", f"{value}. {label}", f"{label} ({value})"):
            assert match_answer(scale, text) == value, text
    for text in (inst.dont_know, "Don’t know", "DONT KNOW"):
        assert match_answer(scale, text) is None
    for text in ("4 - Strongly enables", "6", "Sometimes", "", "=5", "<b>5</b>"):
        assert match_answer(scale, text) is UNMAPPED, text
    frequency = next(t for t in targets(["tolerance"]) if t.field == "frequency")
    assert match_answer(value_scale(frequency), "3 – It is the norm") == 3
    assert match_answer(value_scale(frequency), "never") == 0
    gift = next(t for t in targets(["tolerance"]) if t.field == "gift")
    assert match_answer(value_scale(gift), "ours to change") == "ours"


@pytest.mark.parametrize("target", targets(DIAGNOSTICS), ids=lambda t: t.key)
def test_every_value_on_offer_is_one_the_diagnostic_accepts(target):
    module = registry.diagnostic(target.diagnostic_id)
    for value in [*value_scale(target).values(), *(v for _, v in choices(target) if v != SKIP)]:
        module.clean_record(target.item_id, {target.field: value})
    assert choices(target)[-1][1] == SKIP


def test_distinct_answers_in_order_of_first_appearance():
    table = read("problems.csv")
    mapping = guess_mapping(list(table.columns), DIAGNOSTICS)
    answers = distinct_answers(table, mapping)
    assert "ID" not in answers
    assert answers["Role"][:3] == ["Commissioner", "Chief Wizard", "Finance"]
    first = eight_aspects.instrument().factors[0].text
    assert answers[first] == ["Strongly enables", "Neither", "Sometimes", "Enables", "7"]


# --- Preview and import ---------------------------------------------------------------


def expected_people():
    """(row, role, response) for the sample, worked out from make_files and the instruments."""
    people = []
    specs = make_files.columns()
    for number, row in enumerate(make_files.sample_rows(), start=2):
        role, response, tolerance_fields = None, {}, {}
        for (_header, spec), cell in zip(specs, row):
            if spec is None or cell == "":
                continue
            if spec[2] == "role":
                role = cell
            elif spec[0] == "tolerance":
                tolerance_fields.setdefault(spec[1], {})[spec[2]] = expected_value(spec, cell)
            else:
                record = MODULES[spec[0]].clean_record(spec[1], {"rating": expected_value(spec, cell)})
                response.setdefault(spec[0], {})[spec[1]] = record
        if tolerance_fields:
            response["tolerance"] = {item: tolerance.clean_record(item, fields) for item, fields in tolerance_fields.items()}
        people.append((number, role, response))
    return people


@pytest.mark.parametrize("name", SAMPLES)
def test_preview_of_a_sample_gives_every_participant_and_no_problems(name):
    table = read(name)
    result = preview(table, guess_mapping(list(table.columns), DIAGNOSTICS), roles=DEFAULT_ROLES)
    assert result.problems == []
    assert result.people == expected_people()
    dont_knows = [r for _, _, resp in result.people for r in resp["eight_aspects"].values() if r["rating"] is None]
    assert dont_knows, "the sample should have some don't-knows"


def test_imported_answers_go_through_the_scorers_and_the_store(tmp_path):
    table = read("forms.xlsx")
    result = preview(table, guess_mapping(list(table.columns), DIAGNOSTICS), roles=DEFAULT_ROLES)
    for _, _, response in result.people:
        scores = eight_aspects.score_records(response["eight_aspects"])
        assert list(scores.index) == list(eight_aspects.ASPECTS)
        conditions.theme_scores(response.get("conditions", {}))
        starting_points.theme_scores(response.get("starting_points", {}))
        tolerance.stop_first(response.get("tolerance", {}))
    store = Store(f"sqlite:///{tmp_path / 'import.sqlite3'}")
    try:
        _, facilitator = store.create_workshop("Imported", DIAGNOSTICS, list(DEFAULT_ROLES))
        assert store.add_participants(facilitator, result.for_store()) == make_files.PEOPLE
        assert sorted(store.participants(facilitator), key=repr) == sorted(result.for_store(), key=repr)
    finally:
        store.engine.dispose()


def problems_preview(**kwargs):
    table = read("problems.csv")
    return preview(table, guess_mapping(list(table.columns), DIAGNOSTICS), **kwargs)


def test_rows_and_cells_that_cannot_be_used_are_listed_with_row_and_column():
    factor = eight_aspects.instrument().factors[0].text
    often = f"How often: {tolerance.instrument().area('waiting_lists').statement}"
    result = problems_preview(roles=DEFAULT_ROLES)
    expected = [
        (3, "Role", "“Chief Wizard” is not a role this workshop offers"),
        (4, factor, "“Sometimes” is not one of the answers"),
        (5, "", "empty row"),
        (6, "", "the same as row 2 in every column"),
        (7, "", "no answers in the columns mapped to questions"),
        (8, "Role", "is not a role this workshop offers"),
        (9, "Role", "“<b>Provider</b>” is not a role"),
        (9, factor, "“7” is not one of the answers"),
        (10, often, "“Rarely” is not one of the answers"),
    ]
    assert [(row, column) for row, column, _ in result.problems] == [(row, column) for row, column, _ in expected]
    for (_, _, why), (_, _, want) in zip(result.problems, expected):
        assert want in why
    assert [(row, role) for row, role, _ in result.people] == [(2, "Commissioner"), (3, None), (4, "Finance"), (8, None), (9, None), (10, "Provider")]
    first = dict((row, response) for row, _, response in result.people)
    assert first[2]["eight_aspects"]["sd_one_place"]["rating"] == 5
    assert first[2]["eight_aspects"]["sd_wellbeing_system"]["rating"] == 5  # "5 - Strongly enables"
    assert first[2]["eight_aspects"]["sd_commissioning_from_start"]["rating"] is None  # "don’t  KNOW"
    assert first[2]["eight_aspects"]["sd_funding_coherence"]["rating"] == 4  # " enables "
    assert first[2]["tolerance"]["area:waiting_lists"]["frequency"] == 2
    assert first[9]["eight_aspects"]["sd_commissioning_from_start"]["rating"] == 5  # "Strongly Enables (5)"


def test_the_users_values_replace_the_defaults_and_are_still_checked():
    factor = eight_aspects.instrument().factors[0].text
    often = f"How often: {tolerance.instrument().area('waiting_lists').statement}"
    scale = value_scale(targets(["eight_aspects"])[0])
    values = {
        factor: {**scale, "Sometimes": 3, "7": 7},
        often: {"Often": 2, "Never": 0, "It is the norm": 3, "Sometimes": 1, "Rarely": SKIP},
        "Role": {"Chief Wizard": "Finance", '=HYPERLINK("http://example.invalid","x")': None, "provider": "Provider"},
    }
    result = problems_preview(roles=DEFAULT_ROLES, values=values)
    by_row = {row: (role, response) for row, role, response in result.people}
    assert by_row[3][0] == "Finance" and by_row[8][0] is None
    assert by_row[4][1]["eight_aspects"]["sd_one_place"]["rating"] == 3
    problems = {(row, column): why for row, column, why in result.problems}
    assert "cannot be used" in problems[(9, factor)] and "1–5" in problems[(9, factor)]  # 7 is refused by the scorer
    assert (10, often) not in problems and (8, "Role") not in problems


def test_a_value_for_a_role_the_workshop_does_not_offer_is_refused():
    result = problems_preview(roles=["Finance"], values={"Role": {"Chief Wizard": "Wizard"}})
    assert any(row == 3 and "does not offer" in why for row, _, why in result.problems)


def test_without_a_list_of_roles_any_role_is_kept_as_plain_text():
    result = problems_preview(roles=None)
    roles = {row: role for row, role, _ in result.people}
    assert roles[3] == "Chief Wizard"
    assert roles[8] == make_files.HOSTILE_ROLE  # kept exactly, as text: never evaluated
    assert roles[9] == "<b>Provider</b>"


def test_a_mapping_that_cannot_be_used_is_refused():
    table = read("problems.csv")
    mapping = guess_mapping(list(table.columns), DIAGNOSTICS)
    first = eight_aspects.instrument().factors[0].text
    second = eight_aspects.instrument().factors[1].text
    with pytest.raises(MappingError, match="both mapped"):
        preview(table, {**mapping, second: mapping[first]})
    with pytest.raises(MappingError, match="no column"):
        preview(table, {**mapping, "Not in the file": ROLE})
    with pytest.raises(MappingError, match="at least one column"):
        preview(table, {"Role": ROLE})
    with pytest.raises(MappingError, match="not a question"):
        preview(table, {first: Target("eight_aspects", "no_such_factor", "x")})


# --- Fuzzing ----------------------------------------------------------------------------

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["a.csv", "a.xlsx", "a.txt"]


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_give_an_upload_error_or_a_table(data, name):
    try:
        table = read_table(data, name)
    except UploadError:
        return
    assert all(isinstance(v, str) for column in table.columns for v in table[column])


@FUZZ
@given(
    sample=st.sampled_from(SAMPLES),
    edits=st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "cut"]), st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6),
)
def test_mutated_samples_give_an_upload_error_or_a_table(sample, edits):
    data = bytearray(file_bytes(sample))
    for kind, where, chunk in edits:
        at = int(where * (len(data) - 1)) if data else 0
        if kind == "flip":
            data[at : at + len(chunk)] = bytes(b ^ c for b, c in zip(data[at : at + len(chunk)], chunk))
        elif kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + len(chunk)]
        else:
            del data[at:]
    try:
        table = read_table(bytes(data), sample)
    except UploadError:
        return
    mapping = guess_mapping(list(table.columns), DIAGNOSTICS)
    if any(t is not None and t != ROLE for t in mapping.values()):
        preview(table, mapping, roles=DEFAULT_ROLES)  # whatever survived the damage previews without an error


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "<script>alert(1)</script>", "**bold** [link](http://x)", "x" * 5000]),
)


@FUZZ
@given(role=HOSTILE, offered=st.booleans())
def test_hostile_text_in_the_role_column_is_refused_or_kept_as_plain_text(role, offered):
    factor = eight_aspects.instrument().factors[0].text
    rows = [["ID", "Role", factor], ["1", role, "Enables"]]
    try:
        table = read_table(make_files.delimited(rows).encode("utf-8"), "hostile.csv")
    except UploadError as refused:  # control characters: not a text file
        assert "control characters" in str(refused)
        return
    result = preview(table, guess_mapping(list(table.columns), DIAGNOSTICS), roles=DEFAULT_ROLES if offered else None)
    [(row, kept, response)] = result.people
    assert response == {"eight_aspects": {"sd_one_place": eight_aspects.clean_record("sd_one_place", {"rating": 4})}}
    if kept is None:
        return
    assert isinstance(kept, str) and len(kept) <= ROLE_LIMIT
    if offered:
        assert kept in DEFAULT_ROLES
    else:
        assert kept == " ".join(role.split())  # the same characters, only spacing tidied: never interpreted
