"""Workbooks made by the app of 2 December 2026 (tests/files/versions, never remade) come
back with the app as it is now: last year's workbook is what a place brings to re-assess."""

import json
from pathlib import Path

from scoring import workbook_reader

VERSIONS = Path(__file__).resolve().parent / "files" / "versions"


def test_last_year_s_self_check_comes_back_with_every_answer():
    book = workbook_reader.read_workbook((VERSIONS / "self_check_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "self_check_v1.json").read_text())
    assert book.kind == workbook_reader.SELF_CHECK
    assert book.response == made_from


def test_last_year_s_workshop_pack_comes_back_with_every_participant():
    book = workbook_reader.read_workbook((VERSIONS / "workshop_pack_v1.xlsx").read_bytes())
    made_from = json.loads((VERSIONS / "workshop_pack_v1.json").read_text())
    assert book.kind == workbook_reader.WORKSHOP_PACK
    assert book.response == made_from["room"]
    assert sorted(json.dumps(r, sort_keys=True) for _label, _role, r in book.participants) == \
        sorted(json.dumps(r, sort_keys=True) for _role, r in made_from["participants"])
