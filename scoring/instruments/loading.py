"""Loading instrument files from data/ and refusing bad ones with a clear message.

Every diagnostic keeps its questions in a YAML file under data/. The helpers here read
a file and check the parts all instruments share (ids, texts, sources); each
diagnostic's own module checks the rest.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from scoring.contract import HOME_SECTIONS, WORKSHOP_DEFAULT, WORKSHOP_NO, WORKSHOP_OFFERED, PageLink, PageWording

# The instrument files. COMMISSIONING_INSTRUMENTS_DIR points the app at another folder (a
# copy of data/ with a diagnostic added, say); it is read once, at start-up.
DATA_ENV = "COMMISSIONING_INSTRUMENTS_DIR"
DATA_DIR = Path(os.environ.get(DATA_ENV) or Path(__file__).resolve().parents[2] / "data").resolve()
SOURCES_FILE = DATA_DIR / "sources.yaml"

WRITTEN_HERE = "written for this tool"  # the `source` of an item with no seed passage behind it
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class InstrumentError(ValueError):
    """An instrument file that cannot be used, with where and why."""

    def __init__(self, path: Path | str, where: str, problem: str):
        self.path = Path(path)
        self.where = where
        self.problem = problem
        super().__init__(f"{self.path.name}: {where}: {problem}")


# libyaml's loader where PyYAML has it (its wheels do): the same safe subset of YAML, parsed
# in C, about ten times faster than the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# One thread parses a file while the others wait for it: the first wave of a room's
# sessions would otherwise each parse every file at once (a 40-phone room's joins took a
# minute, py-spy: three quarters of it in yaml).
_LOADING = threading.RLock()


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or an InstrumentError saying why not."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(path, "file", "not found") from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(path, "file", f"is not UTF-8 text ({exc.reason})") from None
    try:
        content = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise InstrumentError(path, where, f"is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(content, dict):
        raise InstrumentError(path, "file", "must be a mapping of keys such as id, title, version")
    return content


@lru_cache(maxsize=1)
def known_sources() -> frozenset[str]:
    """The seed documents an item may cite (data/sources.yaml)."""
    content = read_yaml(SOURCES_FILE)
    files = content.get("sources")
    if not isinstance(files, list) or not files:
        raise InstrumentError(SOURCES_FILE, "sources", "must list the source documents")
    return frozenset(str(entry.get("file")) for entry in files if isinstance(entry, dict))


@lru_cache(maxsize=16)
def _load_version(loader: Callable[..., Any], path: Path, mtime_ns: int, *args: Any) -> Any:
    return loader(path, *args)


def load_current(loader: Callable[..., Any], path: Path, *args: Any) -> Any:
    """`loader(path, *args)`, cached until the file changes, so an edited file is picked
    up on the next page load without restarting the app. `args` must be hashable."""
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise InstrumentError(path, "file", "not found") from None
    with _LOADING:
        return _load_version(loader, path, mtime_ns, *args)


@lru_cache(maxsize=1)
def source_titles() -> dict[str, str]:
    content = read_yaml(SOURCES_FILE)
    return {str(entry["file"]): str(entry.get("title", "")) for entry in content["sources"]}


def require_header(path: Path, content: dict, instrument_id: str) -> str:
    """Check the file is the instrument it should be; return its version."""
    if content.get("id") != instrument_id:
        raise InstrumentError(path, "id", f"must be {instrument_id!r}, found {content.get('id')!r}")
    version = content.get("version")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)) or not str(version).strip():
        raise InstrumentError(path, "version", "is missing")
    return str(version).strip()


def require_text(path: Path, where: str, entry: dict, key: str, *, optional: bool = False) -> str:
    value = entry.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(path, where, f"'{key}' is missing or empty")
    return value.strip()


def require_id(path: Path, where: str, entry: dict, seen: set[str]) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise InstrumentError(path, where, f"id {value!r} must be lowercase letters, digits and _ (at most 32)")
    if value in seen:
        raise InstrumentError(path, where, f"duplicate id {value!r}")
    seen.add(value)
    return value


def require_source(path: Path, where: str, entry: dict) -> str:
    """The seed document an item rests on, with `quote`: the seed's words it rests on,
    verbatim (tests/test_quotes.py checks them against the seeds); or WRITTEN_HERE, with
    no quote, for an item written for this tool."""
    source = require_text(path, where, entry, "source")
    if source == WRITTEN_HERE:
        if entry.get("quote") is not None:
            raise InstrumentError(path, where, f"an item {WRITTEN_HERE} quotes no seed: remove its quote, or cite the seed it is from")
        return source
    if source not in known_sources():
        raise InstrumentError(path, where, f"source {source!r} is not one of the documents in {SOURCES_FILE.name}, nor {WRITTEN_HERE!r}")
    require_text(path, where, entry, "quote")
    return source


def quote_of(entry: dict) -> str:
    """An item's quote from its seed ("" for one written for this tool)."""
    quote = entry.get("quote")
    return quote.strip() if isinstance(quote, str) else ""


def source_reference(source: str) -> str:
    """A short printed reference to the seed document, numbered as the About sheet lists
    the sources ("Source 3"), so a printed table cites it in a narrow column."""
    if source == WRITTEN_HERE:
        return "Written for this tool"
    files = list(source_titles())
    return f"Source {files.index(source) + 1}" if source in files else source


def citation(source: str, quote: str = "") -> str:
    """Where an item comes from, in plain words, for pages and workbooks."""
    if source == WRITTEN_HERE:
        return "Written for this tool (no seed passage)"
    title = source_titles().get(source, source)
    return f"{title}: “{quote}”" if quote else title


def require_list(path: Path, content: dict, key: str) -> list[dict]:
    entries = content.get(key)
    if not isinstance(entries, list) or not entries:
        raise InstrumentError(path, key, "must be a non-empty list")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise InstrumentError(path, f"{key} entry {number}", "must be a mapping")
    return entries


def describe(entry: dict, kind: str, number: int) -> str:
    """How a message names an item: its position, and its id when it has one."""
    item_id = entry.get("id")
    return f"{kind} {number} ({item_id!r})" if isinstance(item_id, str) and item_id else f"{kind} {number}"


PAGE_ICON = re.compile(r"^:material/[a-z0-9_]+:$")
ADDRESS = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def page_of(path: Path, scripts: tuple[str, ...]) -> PageWording:
    """The page wording in the `page:` block of the instrument file at `path` (read_page),
    cached until the file changes: a diagnostic module's page()."""
    return load_current(_read_page_file, path, scripts)


def _read_page_file(path: Path, scripts: tuple[str, ...]) -> PageWording:
    return read_page(path, read_yaml(path), scripts)


def about_rows(inst: Any, method: str) -> list[tuple[str, str]]:
    """The About sheet's lines for an instrument: its id and version, and its method in words."""
    return [(f"{inst.title}: instrument", f"{inst.id} version {inst.version}"), (f"{inst.title}: method", method)]


def read_page(path: Path, content: dict, scripts: tuple[str, ...]) -> PageWording:
    """The `page:` block of an instrument file: the wording of the diagnostic's pages
    (scoring/contract.PageWording). `scripts` are its page scripts, in the order of the
    block's page and then its `more:` pages."""
    block = content.get("page")
    if not isinstance(block, dict):
        raise InstrumentError(path, "page", "must give the page's title, icon, address, blurb, unit, section and workshop")
    entries = [block, *(block.get("more") or [])]
    if len(entries) != len(scripts) or not all(isinstance(e, dict) for e in entries):
        raise InstrumentError(path, "page", f"must describe {len(scripts)} page(s): the page itself and {len(scripts) - 1} under 'more'")
    links = []
    for number, (entry, script) in enumerate(zip(entries, scripts)):
        where = "page" if number == 0 else f"page, more {number}"
        icon, address = require_text(path, where, entry, "icon"), require_text(path, where, entry, "address")
        if not PAGE_ICON.match(icon):
            raise InstrumentError(path, where, f"icon {icon!r} must look like :material/flag:")
        if not ADDRESS.match(address):
            raise InstrumentError(path, where, f"address {address!r} must be lowercase letters, digits and - (at most 40)")
        links.append(PageLink(script, require_text(path, where, entry, "title"), icon, address))
    section, workshop = block.get("section"), block.get("workshop")
    if section not in HOME_SECTIONS:
        raise InstrumentError(path, "page", f"section {section!r} must be one of {', '.join(HOME_SECTIONS)}")
    if workshop not in (WORKSHOP_DEFAULT, WORKSHOP_OFFERED, WORKSHOP_NO):
        raise InstrumentError(path, "page", f"workshop {workshop!r} must be {WORKSHOP_DEFAULT}, {WORKSHOP_OFFERED} or {WORKSHOP_NO}")
    return PageWording(
        blurb=require_text(path, "page", block, "blurb"),
        unit=require_text(path, "page", block, "unit"),
        section=section,
        workshop=workshop,
        pages=tuple(links),
    )
