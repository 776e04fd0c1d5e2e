"""Workbooks made by the app of 2 December 2026 (tests/files/versions, never remade, every
instrument at version 1.0) come back with the app as it is now: last year's workbook is
what a place brings to re-assess. What must come back is worked out here from each
instrument file's own history, read as plain YAML, not from the reader's code."""

import json
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from scoring.excel import reader
from scoring.instruments.loading import DATA_DIR

VERSIONS = Path(__file__).resolve().parent / "files" / "versions"
APP = Path(__file__).resolve().parent.parent / "app.py"
MADE_WITH = "1.0"


def _history(diagnostic: str) -> list[dict] | None:
    path = DATA_DIR / f"{diagnostic}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["history"] if path.is_file() else None


def _parsed(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


def expected(response: dict, made_with: dict[str, str] | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """The response as it should come back, and the (diagnostic, item) answers that should
    be listed as not carried: each answer walked through every step after the version it
    was given at (`made_with` {diagnostic: version}; 1.0 where not named)."""
    kept: dict = {}
    lost = []
    for diagnostic, records in response.items():
        steps = _history(diagnostic)
        given_at = _parsed((made_with or {}).get(diagnostic, MADE_WITH))
        later = [s for s in steps if _parsed(s["version"]) > given_at] if steps else []
        for item, record in records.items():
            now = item
            for step in later:
                change = next((c for c in step["changes"] if c["item"] == now), None)
                if change is None:
                    continue
                if change["change"] != "reworded":
                    now = None
                    break
                now = change.get("now", now)
            if now is None:
                lost.append((diagnostic, item))
            else:
                kept.setdefault(diagnostic, {})[now] = record
    return kept, lost


def _lost_in(book, respondents) -> list[tuple[str, str]]:
    """(diagnostic, item) of the book's lost answers. A lost answer is named by the id it
    had when it stopped being carried: with one step since 1.0, the id it was given to."""
    return sorted((d, gone.item) for who, d, gone in book.lost if who in respondents)


def test_last_year_s_self_check_comes_back_with_what_can_be_carried_over():
    book = reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    kept, lost = expected(made_from)
    assert book.kind == reader.SELF_CHECK
    assert book.response == kept
    assert _lost_in(book, {"self"}) == sorted(lost)
    assert lost and kept["conditions"], "this issue's changes lose some answers and keep others"
    changed = {d for d, v in book.older.items() if v == MADE_WITH}
    assert changed == {d for d in made_from if (_history(d) or [{}])[-1].get("version", MADE_WITH) != MADE_WITH}
    _kept, headline, _lines = reader.carried_over_report(book)
    assert headline == f"{len(lost)} answers could not be carried over because the statements changed:"
    notes = reader.carried_over(book)
    assert sorted(n["diagnostic"] for n in notes) == sorted({d for d, _ in lost})


def test_last_year_s_workshop_pack_comes_back_with_every_participant_s_carried_answers():
    book = reader.read_workbook((VERSIONS / "workshop_pack_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "workshop_pack_v1.json").read_text())
    assert book.kind == reader.WORKSHOP_PACK
    assert book.response == expected(made_from["room"])[0]
    people = [expected(response) for _role, response in made_from["participants"]]
    assert sorted(json.dumps(r, sort_keys=True) for _label, _role, r in book.participants) == sorted(json.dumps(kept, sort_keys=True) for kept, _lost in people)
    all_lost = sorted(item for _kept, lost in people for item in lost)
    assert _lost_in(book, {label for label, _role, _r in book.participants}) == all_lost
    assert reader.carried_over_report(book)[1].startswith(f"{len(all_lost)} answers could not be carried over")


def test_a_workbook_from_a_newer_version_is_still_refused(monkeypatch):
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring.imports.uploads import UploadError

    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    about = book["About"]
    for row in about.iter_rows():
        if isinstance(row[1].value, str) and row[1].value.startswith("conditions version "):
            row[1].value = "conditions version 9.0"
    out = BytesIO()
    book.save(out)
    with pytest.raises(UploadError, match="newer version of “Conditions and practices” \\(version 9.0\\)"):
        reader.read_workbook(out.getvalue())


def test_the_bring_back_page_says_what_was_carried_over_and_what_was_not():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/over_time/bring_back.py").run()
    at.file_uploader(key="bb_file").set_value(
        ("self_check_v1.xlsx", (VERSIONS / "self_check_v1.xlsx").read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    at.run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")  # the page escapes markdown
    book = reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    lost = expected(json.loads((VERSIONS / "self_check_v1.json").read_text()))[1]
    assert f"{len(lost)} answers could not be carried over because the statements changed" in shown
    assert "made with earlier versions of" in shown and "1.0 (now 1.1)" in shown
    listed = [m.value for m in at.markdown if m.value.startswith("- ")]
    _kept, _headline, changed = reader.carried_over_report(book)
    assert listed and listed[0].count("\n- ") == len(changed) - 1 and "was split into" in listed[0]
    assert "Conditions and practices" in shown and book.older


def test_a_comparison_with_last_year_s_workbook_compares_what_is_comparable_and_says_what_is_not():
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring import compare
    from scoring.diagnostics import eight_aspects
    from scoring.records import baseline

    book = reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    kept = baseline.clean_record(baseline.ITEM, baseline.from_workbook(book, "Last year"))
    before = baseline.side(kept)
    now = {eight_aspects.ID: {f: eight_aspects.clean_record(f, {"rating": 3, "weight": 1}) for f in eight_aspects.instrument().factor_ids}}
    after = compare.Side("Now", now)
    lost_factors = [item for d, item in expected(made_from)[1] if d == eight_aspects.ID]
    compared = set(compare.item_changes(before, after)["item_id"])
    assert lost_factors and not compared & set(lost_factors), "a factor whose meaning changed is not compared"
    assert compared == set(expected(made_from)[0][eight_aspects.ID]) & set(eight_aspects.instrument().factor_ids)
    notes = compare.not_comparable(before, after)
    assert notes and all(n.startswith("Last year: ") for n in notes)
    old_wording = yaml.safe_load((DATA_DIR / "eight_aspects.yaml").read_text(encoding="utf-8"))["earlier_wording"]
    assert all(old_wording[f] in " ".join(notes) for f in lost_factors)
    starting_points_then = yaml.safe_load((DATA_DIR / "starting_points.yaml").read_text(encoding="utf-8"))["earlier_wording"]
    # Every diagnostic is compared now (#13), starting points too: what of it was lost is named.
    assert any(text in " ".join(notes) for text in starting_points_then.values()), "what the comparison compares"
    sheet = load_workbook(BytesIO(compare.build_comparison_workbook(before, after)))[compare.SHEET]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Not comparable" in texts and any(old_wording[lost_factors[0]] in t for t in texts)


def test_the_compare_page_says_what_last_year_s_workbook_cannot_be_compared_on():
    from scoring.records import baseline
    from scoring.store import Store

    book = reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    store = Store()
    token = store.new_respondent()
    store.replace_response(
        token, {**book.response, baseline.ID: {baseline.ITEM: baseline.clean_record(baseline.ITEM, baseline.from_workbook(book, "Last year"))}}
    )
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page("views/over_time/compare.py").run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "Not comparable." in shown and "could not be carried over because the statements changed" in shown


def test_a_baseline_kept_inside_last_year_s_workbook_is_carried_forward_too():
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring.diagnostics import eight_aspects
    from scoring.records import baseline

    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    year_before = {
        "label": "Year before",
        "kind": "self_check",
        "generated": "",
        "participants": [],
        "response": {eight_aspects.ID: made_from[eight_aspects.ID]},
    }
    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    book["App data"].append(["self", None, baseline.ID, baseline.ITEM, json.dumps(year_before)])
    out = BytesIO()
    book.save(out)
    read = reader.read_workbook(out.getvalue())
    kept = read.response[baseline.ID][baseline.ITEM]
    assert kept["response"] == expected({eight_aspects.ID: made_from[eight_aspects.ID]})[0]
    assert [n["diagnostic"] for n in kept["not_carried"]] == [eight_aspects.ID]
    assert baseline.clean_record(baseline.ITEM, kept) == kept


def test_answers_stored_before_the_update_are_written_as_today_s_versions_ask():
    """A self-check answered at 1.0 and downloaded after the update: its workbook says 1.1,
    so its records follow 1.1 and it comes back."""
    from scoring.excel.summary import build_workbook

    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    kept, lost = expected(made_from)
    book = reader.read_workbook(build_workbook(made_from))
    assert book.response == kept and not book.older and not book.lost
    assert lost


@pytest.mark.parametrize(
    "page",
    [
        "views/diagnostics/results.py",
        "views/diagnostics/eight_aspects.py",
        "views/decide/approaches.py",
        "views/diagnostics/starting_points.py",
        "views/diagnostics/conditions.py",
    ],
)
def test_answers_stored_before_the_update_do_not_break_a_page(page):
    from scoring.store import Store

    store = Store()
    token = store.new_respondent()
    store.replace_response(token, json.loads((VERSIONS / "self_check_v1.json").read_text()))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page(page).run()
    assert not at.exception


def test_a_plan_that_names_last_year_s_factors_comes_back_naming_today_s():
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring.records import development_plan

    then = {
        "holds_back": ["pro_competition", "pro_commercials"],
        "supports": ["pro_contract_clarity"],
        "boost": ["pro_contract_clarity"],
        "classes": {"pro_competition": "in_control", "pro_commercials": "influenceable"},
    }
    changed = {c["item"] for s in _history("eight_aspects") for c in s["changes"] if c["change"] != "reworded"}
    assert "pro_competition" in changed and "pro_commercials" not in changed
    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    book["App data"].append(["self", None, development_plan.ID, "aspect:process", json.dumps(then)])
    out = BytesIO()
    book.save(out)
    plan = reader.read_workbook(out.getvalue()).response[development_plan.ID]["aspect:process"]
    assert plan == {
        "holds_back": ["pro_commercials"],
        "supports": ["pro_contract_clarity"],
        "boost": ["pro_contract_clarity"],
        "classes": {"pro_commercials": "influenceable"},
    }


def test_a_plan_stored_before_the_update_opens_on_the_plan_page():
    from scoring.records import development_plan
    from scoring.store import Store

    store = Store()
    token = store.new_respondent()
    store.save_answer(
        token,
        development_plan.ID,
        "aspect:process",
        {"holds_back": ["pro_competition", "pro_commercials"], "supports": [], "boost": [], "classes": {"pro_competition": "in_control"}},
    )
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page("views/decide/plan.py").run()
    at.selectbox(key="pl_aspect").set_value("process").run()
    assert not at.exception
    assert at.multiselect(key="pl_holds_process").value == ["pro_commercials"]


def test_a_plan_stored_before_the_update_is_written_to_a_workbook_that_comes_back():
    from scoring.excel.summary import build_workbook
    from scoring.records import development_plan

    stored = {
        development_plan.ID: {
            "aspect:process": {"holds_back": ["pro_competition", "pro_commercials"], "supports": [], "boost": [], "classes": {"pro_competition": "in_control"}}
        }
    }
    back = reader.read_workbook(build_workbook(stored)).response[development_plan.ID]["aspect:process"]
    assert back == {"holds_back": ["pro_commercials"], "supports": [], "boost": [], "classes": {}}


# --- A workbook made at conditions 1.1 -------------------------------------------------
# Conditions 1.1 was released, then three of its statements were narrowed; 1.2 asks them
# under new ids. A 1.1 workbook is what today's app writes with each 1.2 id put back to the
# 1.1 id it replaced and the About sheet saying 1.1: every other conditions item is the same.
CONDITIONS_AT = "1.1"


def _conditions_workbook_at_1_1() -> tuple[bytes, dict]:
    """(the workbook's bytes, the response it holds, keyed by the 1.1 ids)."""
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring.diagnostics import conditions, starting_points
    from scoring.excel import summary as export

    step = _history(conditions.ID)[-1]
    assert _parsed(step["version"]) > _parsed(CONDITIONS_AT), "the step after 1.1 is the file's last"
    back_to_1_1 = {new: c["item"] for c in step["changes"] if c["change"] == "replaced" for new in c["by"]}
    today = {
        m.ID: {item.id: m.clean_record(item.id, {"rating": p % 5 + 1}, None) for p, item in enumerate(m.instrument().items)}
        for m in (starting_points, conditions)
    }
    book = load_workbook(BytesIO(export.build_workbook(today)))
    for row in book[export.DATA_SHEET].iter_rows():
        if row[2].value == conditions.ID and row[3].value in back_to_1_1:
            row[3].value = back_to_1_1[row[3].value]
    for row in book["About"].iter_rows():
        if row[1].value == f"{conditions.ID} version {conditions.instrument().version}":
            row[1].value = f"{conditions.ID} version {CONDITIONS_AT}"
    out = BytesIO()
    book.save(out)
    at_1_1 = {**today, conditions.ID: {back_to_1_1.get(i, i): r for i, r in today[conditions.ID].items()}}
    return out.getvalue(), at_1_1


def test_a_workbook_made_at_conditions_1_1_comes_back_without_the_three_narrowed_statements():
    from scoring.diagnostics import conditions

    data, made_from = _conditions_workbook_at_1_1()
    book = reader.read_workbook(data)
    kept, lost = expected(made_from, {conditions.ID: CONDITIONS_AT})
    assert sorted(lost) == [(conditions.ID, "dat_combine"), (conditions.ID, "dat_qualitative"), (conditions.ID, "lrn_reflective")]
    assert book.older == {conditions.ID: CONDITIONS_AT}
    assert book.response == kept
    assert len(kept[conditions.ID]) == len(made_from[conditions.ID]) - 3, "everything else is carried"
    assert not {"dat_combine_skills", "dat_qualitative_skills", "lrn_reflective_daily"} & set(kept[conditions.ID])
    assert _lost_in(book, {"self"}) == sorted(lost)
    _kept, headline, lines = reader.carried_over_report(book)
    assert headline == "3 answers could not be carried over because the statements changed:"
    assert (
        "“We have the skills and time to bring together multiple datasets.” was replaced by "
        "“We have the skills to bring together multiple datasets.”, which asks something different" in lines
    )
    assert (
        "“Reflective practice is a regular, built-in part of our work.” was replaced by "
        "“Reflective practice is a daily, built-in part of our work.”, which asks something different" in lines
    )
    assert conditions.instrument().history.new_since(CONDITIONS_AT) == ["dat_combine_skills", "dat_qualitative_skills", "lrn_reflective_daily"]


def test_the_bring_back_page_lists_what_a_conditions_1_1_workbook_could_not_carry():
    data, _made_from = _conditions_workbook_at_1_1()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/over_time/bring_back.py").run()
    at.file_uploader(key="bb_file").set_value(("conditions_1_1.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "“Conditions and practices” 1.1 (now 1.2)" in shown
    assert "3 answers could not be carried over because the statements changed" in shown
    listed = " ".join(m.value for m in at.markdown if m.value.startswith("- ")).replace("\\", "")
    assert "We have the skills and time to run our own qualitative research." in listed


def test_a_1_0_answer_follows_both_steps_to_conditions_1_2():
    """1.0's lrn_reflective was reworded at 1.1 (same id) and replaced at 1.2: a 1.0 answer to
    it is not carried, and is named at 1.2; dat_datasets was split at 1.1, so its answer
    stops there; an answer reworded at 1.1 and untouched at 1.2 is carried."""
    from scoring.diagnostics import conditions

    book = reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    gone = {g.item: g for who, d, g in book.lost if who == "self" and d == conditions.ID}
    assert (gone["lrn_reflective"].version, gone["lrn_reflective"].change.new) == ("1.2", ("lrn_reflective_daily",))
    assert (gone["dat_datasets"].version, gone["dat_datasets"].change.change) == ("1.1", "split")
    assert "dat_combine" not in gone and "lrn_reflective_daily" not in book.response[conditions.ID]
    assert "hon_truth" in book.response[conditions.ID] and book.older[conditions.ID] == MADE_WITH
