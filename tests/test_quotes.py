"""Sources that can be checked: every item in every instrument file cites the seed it
rests on with the seed's own words (`quote`), or says it was written for this tool."""

import re
from pathlib import Path

import pytest
import yaml
from test_instruments import _items as items  # every mapping with an id: the things a user reads

from scoring.instruments.loading import DATA_DIR, WRITTEN_HERE, known_sources

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FILES = sorted(p for p in DATA_DIR.glob("*.yaml") if p.name != "sources.yaml")


def normalised(text: str) -> str:
    """Whitespace, quote marks and dashes made plain: a seed's line breaks and curly
    quotes do not count against a quote."""
    text = re.sub(r"[‘’‛′`]", "'", text)
    text = re.sub(r"[“”„″]", '"', text)
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def cases():
    for path in FILES:
        for item in items(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield pytest.param(path.name, item, id=f"{path.stem}:{item['id']}")


@pytest.mark.parametrize("name, item", list(cases()))
def test_every_quote_is_the_cited_seed_s_own_words(name, item):
    source = item.get("source")
    assert source, f"{name}: {item['id']} has no source"
    if source == WRITTEN_HERE:
        assert "quote" not in item, f"{item['id']} is written for this tool, so it quotes no seed"
        return
    assert source in known_sources()
    assert SEEDS_DIR.is_dir(), "the seeds live beside the project, in shared/seeds"
    quote = item.get("quote")
    assert isinstance(quote, str) and len(quote.split()) >= 4, f"{item['id']} cites {source} without the words it rests on"
    assert normalised(quote) in normalised((SEEDS_DIR / source).read_text(encoding="utf-8")), f"{item['id']}: not in {source}: {quote}"
