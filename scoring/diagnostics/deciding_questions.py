"""The questions a place asks itself when it decides what to do next (seed 003: the three
questions for commissioning and the provocation about making space for conversation),
shown on the Approaches and Plan pages. Read from data/deciding_questions.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoring.instruments.loading import DATA_DIR, describe, load_current, quote_of, read_yaml, require_id, require_list, require_source, require_text

FILE = DATA_DIR / "deciding_questions.yaml"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    source: str
    quote: str


@dataclass(frozen=True)
class Questions:
    title: str
    intro: str
    questions: tuple[Question, ...]


def load(path: Path | str = FILE) -> Questions:
    path = Path(path)
    content = read_yaml(path)
    seen: set[str] = set()
    questions = []
    for number, entry in enumerate(require_list(path, content, "questions"), start=1):
        where = describe(entry, "question", number)
        questions.append(
            Question(require_id(path, where, entry, seen), require_text(path, where, entry, "text"), require_source(path, where, entry), quote_of(entry))
        )
    return Questions(require_text(path, "file", content, "title"), require_text(path, "file", content, "intro"), tuple(questions))


def current() -> Questions:
    return load_current(load, FILE)
