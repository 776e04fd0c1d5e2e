"""Workbooks made by the app of 2 December 2026 (tests/files/versions, never remade, every
instrument at version 1.0) come back with the app as it is now: last year's workbook is
what a place brings to re-assess. What must come back is worked out here from each
instrument file's own history, read as plain YAML, not from the reader's code."""

import json
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from scoring import workbook_reader
from scoring.instrument import DATA_DIR

VERSIONS = Path(__file__).resolve().parent / "files" / "versions"
APP = Path(__file__).resolve().parent.parent / "app.py"
MADE_WITH = "1.0"


def _history(diagnostic: str) -> list[dict] | None:
    path = DATA_DIR / f"{diagnostic}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["history"] if path.is_file() else None


def expected(response: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The response as it should come back, and the (diagnostic, item) answers that should
    be listed as not carried: each answer walked through every step after 1.0."""
    kept: dict = {}
    lost = []
    for diagnostic, records in response.items():
        steps = _history(diagnostic)
        later = [s for s in steps if tuple(map(int, s["version"].split("."))) > (1, 0)] if steps else []
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
    book = workbook_reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    kept, lost = expected(made_from)
    assert book.kind == workbook_reader.SELF_CHECK
    assert book.response == kept
    assert _lost_in(book, {"self"}) == sorted(lost)
    assert lost and kept["conditions"], "this issue's changes lose some answers and keep others"
    changed = {d for d, v in book.older.items() if v == MADE_WITH}
    assert changed == {d for d in made_from if (_history(d) or [{}])[-1].get("version", MADE_WITH) != MADE_WITH}
    _kept, headline, _lines = workbook_reader.carried_over_report(book)
    assert headline == f"{len(lost)} answers could not be carried over because the statements changed:"
    notes = workbook_reader.carried_over(book)
    assert sorted(n["diagnostic"] for n in notes) == sorted({d for d, _ in lost})


def test_last_year_s_workshop_pack_comes_back_with_every_participant_s_carried_answers():
    book = workbook_reader.read_workbook((VERSIONS / "workshop_pack_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "workshop_pack_v1.json").read_text())
    assert book.kind == workbook_reader.WORKSHOP_PACK
    assert book.response == expected(made_from["room"])[0]
    people = [expected(response) for _role, response in made_from["participants"]]
    assert sorted(json.dumps(r, sort_keys=True) for _label, _role, r in book.participants) == \
        sorted(json.dumps(kept, sort_keys=True) for kept, _lost in people)
    all_lost = sorted(item for _kept, lost in people for item in lost)
    assert _lost_in(book, {label for label, _role, _r in book.participants}) == all_lost
    assert workbook_reader.carried_over_report(book)[1].startswith(f"{len(all_lost)} answers could not be carried over")


def test_a_workbook_from_a_newer_version_is_still_refused(monkeypatch):
    from openpyxl import load_workbook
    from io import BytesIO
    from scoring.uploads import UploadError

    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    about = book["About"]
    for row in about.iter_rows():
        if isinstance(row[1].value, str) and row[1].value.startswith("conditions version "):
            row[1].value = "conditions version 9.0"
    out = BytesIO()
    book.save(out)
    with pytest.raises(UploadError, match="newer version of “Conditions and practices” \\(version 9.0\\)"):
        workbook_reader.read_workbook(out.getvalue())


def test_the_bring_back_page_says_what_was_carried_over_and_what_was_not():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/bring_back.py").run()
    at.file_uploader(key="bb_file").set_value(("self_check_v1.xlsx", (VERSIONS / "self_check_v1.xlsx").read_bytes(),
                                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")  # the page escapes markdown
    book = workbook_reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    lost = expected(json.loads((VERSIONS / "self_check_v1.json").read_text()))[1]
    assert f"{len(lost)} answers could not be carried over because the statements changed" in shown
    assert "made with earlier versions of" in shown and "1.0 (now 1.1)" in shown
    listed = [m.value for m in at.markdown if m.value.startswith("- ")]
    _kept, _headline, changed = workbook_reader.carried_over_report(book)
    assert listed and listed[0].count("\n- ") == len(changed) - 1 and "was split into" in listed[0]
    assert "Conditions and practices" in shown and book.older


def test_a_comparison_with_last_year_s_workbook_compares_what_is_comparable_and_says_what_is_not():
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring import baseline, compare, eight_aspects

    book = workbook_reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
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
    from scoring import baseline
    from scoring.store import Store

    book = workbook_reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    store = Store()
    token = store.new_respondent()
    store.replace_response(token, {**book.response, baseline.ID: {baseline.ITEM: baseline.clean_record(baseline.ITEM, baseline.from_workbook(book, "Last year"))}})
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page("views/compare.py").run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "Not comparable." in shown and "could not be carried over because the statements changed" in shown


def test_a_baseline_kept_inside_last_year_s_workbook_is_carried_forward_too():
    from io import BytesIO

    from openpyxl import load_workbook

    from scoring import baseline, eight_aspects

    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    year_before = {"label": "Year before", "kind": "self_check", "generated": "", "participants": [],
                   "response": {eight_aspects.ID: made_from[eight_aspects.ID]}}
    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    book["App data"].append(["self", None, baseline.ID, baseline.ITEM, json.dumps(year_before)])
    out = BytesIO()
    book.save(out)
    read = workbook_reader.read_workbook(out.getvalue())
    kept = read.response[baseline.ID][baseline.ITEM]
    assert kept["response"] == expected({eight_aspects.ID: made_from[eight_aspects.ID]})[0]
    assert [n["diagnostic"] for n in kept["not_carried"]] == [eight_aspects.ID]
    assert baseline.clean_record(baseline.ITEM, kept) == kept


def test_answers_stored_before_the_update_are_written_as_today_s_versions_ask():
    """A self-check answered at 1.0 and downloaded after the update: its workbook says 1.1,
    so its records follow 1.1 and it comes back."""
    from scoring.export import build_workbook

    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    kept, lost = expected(made_from)
    book = workbook_reader.read_workbook(build_workbook(made_from))
    assert book.response == kept and not book.older and not book.lost
    assert lost


@pytest.mark.parametrize("page", ["views/results.py", "views/eight_aspects.py", "views/approaches.py", "views/starting_points.py", "views/conditions.py"])
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

    from scoring import development_plan

    then = {"holds_back": ["pro_competition", "pro_commercials"], "supports": ["pro_contract_clarity"], "boost": ["pro_contract_clarity"],
            "classes": {"pro_competition": "in_control", "pro_commercials": "influenceable"}}
    changed = {c["item"] for s in _history("eight_aspects") for c in s["changes"] if c["change"] != "reworded"}
    assert "pro_competition" in changed and "pro_commercials" not in changed
    book = load_workbook(BytesIO((VERSIONS / "self_check_v1.xlsx").read_bytes()))
    book["App data"].append(["self", None, development_plan.ID, "aspect:process", json.dumps(then)])
    out = BytesIO()
    book.save(out)
    plan = workbook_reader.read_workbook(out.getvalue()).response[development_plan.ID]["aspect:process"]
    assert plan == {"holds_back": ["pro_commercials"], "supports": ["pro_contract_clarity"], "boost": ["pro_contract_clarity"],
                    "classes": {"pro_commercials": "influenceable"}}


def test_a_plan_stored_before_the_update_opens_on_the_plan_page():
    from scoring import development_plan
    from scoring.store import Store

    store = Store()
    token = store.new_respondent()
    store.save_answer(token, development_plan.ID, "aspect:process", {"holds_back": ["pro_competition", "pro_commercials"], "supports": [], "boost": [],
                                                                   "classes": {"pro_competition": "in_control"}})
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["r"] = token
    at.run()
    at.switch_page("views/plan.py").run()
    at.selectbox(key="pl_aspect").set_value("process").run()
    assert not at.exception
    assert at.multiselect(key="pl_holds_process").value == ["pro_commercials"]


def test_a_plan_stored_before_the_update_is_written_to_a_workbook_that_comes_back():
    from scoring import development_plan
    from scoring.export import build_workbook

    stored = {development_plan.ID: {"aspect:process": {"holds_back": ["pro_competition", "pro_commercials"], "supports": [], "boost": [],
                                                       "classes": {"pro_competition": "in_control"}}}}
    back = workbook_reader.read_workbook(build_workbook(stored)).response[development_plan.ID]["aspect:process"]
    assert back == {"holds_back": ["pro_commercials"], "supports": [], "boost": [], "classes": {}}
