"""Typed text shown inside markdown stays text."""

import re

from ui.widgets import plain


def test_typed_text_cannot_become_a_link_image_heading_or_formatting():
    hostile = "# Heading **bold** [link](http://example.invalid) ![img](x.png) <b>html</b> www.example.invalid"
    shown = plain(hostile)
    assert not re.search(r"(?<!\\)[\[\]()*#<>!]", shown), "every markdown character is escaped"
    assert "http:" not in shown and "www." not in shown, "bare addresses are not autolinked"
    # What a reader sees is what was typed: drop the escapes and the invisible joiners.
    assert re.sub(r"\\(.)", r"\1", shown).replace("\u2060", "") == hostile
