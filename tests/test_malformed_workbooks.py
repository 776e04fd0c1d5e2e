"""Bringing back a workbook: every malformed file in tests/files/workbooks gets its own
clear message with where the problem is, stored answers stay byte-for-byte unchanged after
a failed upload, and random or damaged bytes never raise anything but UploadError."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.excel.reader import read_workbook, resume
from scoring.excel.summary import DATA_SHEET
from scoring.imports.uploads import UploadError
from scoring.store import Store

FOLDER = Path(__file__).parent / "files" / "workbooks"
CASES = yaml.safe_load((FOLDER / "cases.yaml").read_text(encoding="utf-8"))["cases"]
_spec = importlib.util.spec_from_file_location("make_workbooks", FOLDER / "make_files.py")
make_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_files)


def _bytes(case: dict) -> bytes:
    return make_files.generated(case["file"]) if case.get("generated") else (FOLDER / case["file"]).read_bytes()


def test_there_are_at_least_25_malformed_files_and_every_file_is_listed():
    committed = {p.name for p in FOLDER.iterdir() if p.suffix not in (".py", ".yaml") and p.name != "__pycache__"}
    listed = [c["file"] for c in CASES if not c.get("generated")]
    assert sorted(listed) == sorted(committed) and len(set(listed)) == len(listed)
    assert sum(1 for c in CASES if not c.get("ok")) >= 25


def test_make_files_makes_every_committed_file():
    # Not compared byte for byte: the files would then go stale with any change to any sheet.
    # After changing the App data or About sheets: python tests/files/workbooks/make_files.py
    made = make_files.files()
    assert sorted(made) == sorted(c["file"] for c in CASES if not c.get("generated"))
    assert made["formula_injection_note.xlsx"].startswith(b"PK") and made["empty_file.xlsx"] == b""


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_file_gets_its_message_and_place(case):
    data = _bytes(case)
    if case.get("ok"):
        book = read_workbook(data)
        notes = [r.get("note") for records in book.response.values() for r in records.values()]
        assert case["note"] in notes
        return
    with pytest.raises(UploadError) as caught:
        read_workbook(data)
    error = caught.value
    assert case["message"] in error.problem
    assert (error.sheet, error.row, error.column) == (case.get("sheet"), case.get("row"), case.get("column"))
    assert str(error).endswith(error.problem)


# --- A failed upload changes nothing that was stored ---------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A SQLite store holding one self-check, and a way to read its files' bytes."""
    folder = tmp_path_factory.mktemp("store")
    store = Store(f"sqlite:///{folder / 'answers.sqlite3'}")
    token = store.new_respondent()
    for diagnostic_id, records in make_files.SESSION.items():
        for item_id, record in records.items():
            store.save_answer(token, diagnostic_id, item_id, {**record, "due": "2030-01-31"} if item_id == "action:a1" else record)

    def snapshot() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}  # the database, its WAL and shared memory

    return store, token, snapshot


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("ok")], ids=[c["file"] for c in CASES if not c.get("ok")])
def test_a_failed_resume_leaves_the_store_byte_for_byte_unchanged(saved, case):
    store, token, snapshot = saved
    answers = store.response(token)
    before = snapshot()
    with pytest.raises(UploadError):
        resume(store, token, _bytes(case))
    assert snapshot() == before
    assert store.response(token) == answers


def test_a_workshop_pack_is_not_resumed_as_a_self_check(saved):
    store, token, snapshot = saved
    before = snapshot()
    with pytest.raises(UploadError, match="a workshop pack cannot be resumed as a self-check; use it as a baseline or to compare"):
        resume(store, token, make_files.valid_pack())
    assert snapshot() == before


# --- Fuzzing: nothing but UploadError, ever ------------------------------------------------

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
VALID = make_files.valid()


def _read_or_refuse(data: bytes) -> None:
    try:
        read_workbook(data)
    except UploadError as error:
        assert error.problem.strip()


@FUZZ
@given(st.binary(max_size=5000))
def test_random_bytes_are_refused_with_an_upload_error(data):
    _read_or_refuse(data)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_after_a_zip_signature_are_refused_with_an_upload_error(tail):
    _read_or_refuse(b"PK\x03\x04" + tail)


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**9), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**9), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.integers(0, 10**9), st.just(0)),
)


def _mutate(data: bytes, mutations) -> bytes:
    data = bytearray(data)
    for kind, where, what in mutations:
        at = where % max(len(data), 1)
        if kind == "flip" and data:
            data[at] ^= what
        elif kind == "insert":
            data[at:at] = what
        elif kind == "delete":
            del data[at : at + what]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=4))
def test_a_damaged_workbook_is_refused_with_an_upload_error(mutations):
    _read_or_refuse(_mutate(VALID, mutations))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


PARTS = _parts(VALID)


@FUZZ
@given(st.sampled_from(sorted(PARTS)), st.lists(mutation, min_size=1, max_size=4))
def test_a_workbook_with_a_damaged_part_is_refused_with_an_upload_error(name, mutations):
    """Damage inside the zip (its XML, shared strings, the App data's JSON), which a
    mutation of the compressed bytes rarely reaches."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in PARTS.items():
            archive.writestr(part, _mutate(content, mutations) if part == name else content)
    _read_or_refuse(out.getvalue())


def test_the_app_data_sheet_is_among_the_parts_fuzzed():
    assert f'name="{DATA_SHEET}"'.encode() in PARTS["xl/workbook.xml"]
    assert any(b"Record (JSON)" in content and b"sd_one_place" in content for content in PARTS.values())
