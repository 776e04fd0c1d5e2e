"""Instrument files: every file in data/ loads, and broken files are refused clearly."""

from pathlib import Path

import pytest
import yaml

from scoring import registry
from scoring.diagnostics import eight_aspects
from scoring.instruments.loading import DATA_DIR, WRITTEN_HERE, InstrumentError, known_sources

DIAGNOSTICS = registry.diagnostics()

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
INSTRUMENT_FILES = sorted(DATA_DIR.glob("*.yaml"))
INSTRUMENT_FILES = [p for p in INSTRUMENT_FILES if p.stem in DIAGNOSTICS]


def test_every_data_backed_diagnostic_has_an_instrument_file():
    data_backed = set(DIAGNOSTICS)  # every diagnostic is data-backed (contract.Diagnostic.instrument)
    assert {p.stem for p in INSTRUMENT_FILES} == data_backed


def _items(node):
    """Every mapping in the file that has an id: the things a user reads."""
    if isinstance(node, dict):
        if "id" in node:
            yield node
        for value in node.values():
            yield from _items(value)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value)


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: p.name)
def test_instrument_file_loads_and_every_item_cites_a_known_source(path):
    module = DIAGNOSTICS[path.stem]
    instrument = module.load(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = list(_items(raw))
    assert len(items) >= 10
    assert all(item.get("source") for item in items), [i["id"] for i in items if not i.get("source")]
    cited = {item["source"] for item in items} - {WRITTEN_HERE}
    assert cited <= known_sources()
    if SEEDS_DIR.is_dir():  # beside the project in a checkout with shared/
        assert all((SEEDS_DIR / name).is_file() for name in cited)
    assert instrument.version


def test_eight_aspects_has_four_to_six_factors_per_aspect_in_order():
    instrument = eight_aspects.instrument()
    assert tuple(a.id for a in instrument.aspects) == eight_aspects.ASPECTS
    for aspect_id in eight_aspects.ASPECTS:
        assert 4 <= len(instrument.factors_of(aspect_id)) <= 6


def test_items_dataframe_has_the_public_columns():
    table = eight_aspects.items()
    assert {"item_id", "aspect_id", "text", "source"} <= set(table.columns)
    assert table["item_id"].is_unique
    assert list(dict.fromkeys(table["aspect_id"])) == list(eight_aspects.ASPECTS)


def _broken(tmp_path, mutate) -> Path:
    content = yaml.safe_load(eight_aspects.INSTRUMENT_FILE.read_text(encoding="utf-8"))
    mutate(content)
    path = tmp_path / "eight_aspects.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def _set(path_keys, value):
    def mutate(content):
        target = content
        for key in path_keys[:-1]:
            target = target[key]
        target[path_keys[-1]] = value

    return mutate


def _delete(path_keys):
    def mutate(content):
        target = content
        for key in path_keys[:-1]:
            target = target[key]
        del target[path_keys[-1]]

    return mutate


BROKEN = {
    "unknown aspect": (_set(["factors", 3, "aspect"], "governance"), "factor 4 ('sd_funding_coherence')", "unknown aspect 'governance'"),
    "duplicate id": (_set(["factors", 1, "id"], "sd_one_place"), "factor 2 ('sd_one_place')", "duplicate id 'sd_one_place'"),
    "missing text": (_delete(["factors", 0, "text"]), "factor 1 ('sd_one_place')", "'text' is missing"),
    "empty text": (_set(["factors", 5, "text"], "  "), "factor 6 ('rel_chief_executives')", "'text' is missing"),
    "missing source": (_delete(["factors", 2, "source"]), "factor 3 ('sd_commissioning_from_start')", "'source' is missing"),
    "unknown source": (_set(["factors", 2, "source"], "blog.txt"), "factor 3 ('sd_commissioning_from_start')", "source 'blog.txt'"),
    "a seed cited without a quote": (_delete(["factors", 2, "quote"]), "factor 3 ('sd_commissioning_from_start')", "'quote' is missing"),
    "written for this tool with a quote": (
        _set(["factors", 2, "source"], "written for this tool"),
        "factor 3 ('sd_commissioning_from_start')",
        "quotes no seed",
    ),
    "a history that does not end at the version": (_set(["version"], "1.2"), "history", "the latest entry is version 1.1"),
    "scale with four points": (lambda c: c["scale"].pop(), "scale", "exactly the values 1, 2, 3, 4, 5"),
    "scale with a wrong value": (_set(["scale", 0, "value"], 0), "scale", "exactly the values 1, 2, 3, 4, 5"),
    "scale point without label": (_delete(["scale", 2, "label"]), "scale point 3", "needs a value and a label"),
    "no don't know label": (_delete(["dont_know"]), "dont_know", "needs a label"),
    "weight default above max": (_set(["weight", "default"], 5), "weight", "min <= default <= max"),
    "aspects reordered": (lambda c: c["aspects"].reverse(), "aspects", "exactly these ids in this order"),
    "aspect without factors": (lambda c: c.update(factors=[f for f in c["factors"] if f["aspect"] != "policy"]), "aspect 'policy'", "has no factors"),
    "bad id": (_set(["factors", 0, "id"], "SD One Place"), "factor 1 ('SD One Place')", "lowercase letters"),
    "wrong instrument id": (_set(["id"], "tolerance"), "id", "must be 'eight_aspects'"),
    "no version": (_delete(["version"]), "version", "is missing"),
    "factors not a list": (_set(["factors"], "none"), "factors", "non-empty list"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_instrument_is_refused_with_file_item_and_problem(tmp_path, name):
    mutate, where, problem = BROKEN[name]
    path = _broken(tmp_path, mutate)
    with pytest.raises(InstrumentError) as caught:
        eight_aspects.load(path)
    message = str(caught.value)
    assert message.startswith("eight_aspects.yaml: ")
    assert where in message
    assert problem in message


@pytest.mark.parametrize(
    "text, problem",
    [
        ("id: eight_aspects\nfactors: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("", "must be a mapping"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, text, problem):
    path = tmp_path / "eight_aspects.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError, match=problem):
        eight_aspects.load(path)


def test_non_utf8_and_missing_files_are_refused(tmp_path):
    path = tmp_path / "eight_aspects.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(InstrumentError, match="not UTF-8"):
        eight_aspects.load(path)
    with pytest.raises(InstrumentError, match="not found"):
        eight_aspects.load(tmp_path / "missing.yaml")


def test_an_edited_file_is_picked_up_without_restart(tmp_path, monkeypatch):
    copy = tmp_path / "eight_aspects.yaml"
    copy.write_text(eight_aspects.INSTRUMENT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(eight_aspects, "INSTRUMENT_FILE", copy)
    assert eight_aspects.instrument().factors[0].text.startswith("Ability to work")
    edited = copy.read_text(encoding="utf-8").replace("Ability to work as one place", "Working as one place")
    copy.write_text(edited, encoding="utf-8")
    import os

    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert eight_aspects.instrument().factors[0].text.startswith("Working as one place")
