"""Projecting the room (issue 14, item 7): the rating palette stays distinct on a
washed-out projector and never rests on colour alone; the presentation view's strip; the
joining view; no chart toolbar on the shared screen."""

import json
import tomllib
from pathlib import Path

import pytest
from test_pages_workshop import create, token_of

from scoring import figures
from scoring.store import Store, show_join_code
from ui.workshop.projector import JOINING_VIEW

ROOT = Path(__file__).resolve().parent.parent
WASHED_MIN_DISTANCE = 18  # CIE76 ΔE between neighbouring ratings once washed out ("clearly different" is above ~10)


def _linear(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour #RRGGBB."""
    r, g, b = (_linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    x, y, z = 0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b, 0.0193 * r + 0.1192 * g + 0.9505 * b

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def washed_out(colour: str, *, ambient: float = 0.45, saturation: float = 0.5) -> str:
    """A colour as a dim projector in a lit room shows it: half its saturation gone, and
    45 % of room light added over it (blacks lift to grey)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    grey = 0.299 * r + 0.587 * g + 0.114 * b
    shown = [(grey + (c - grey) * saturation) * (1 - ambient) + 255 * ambient for c in (r, g, b)]
    return "#" + "".join(f"{round(c):02X}" for c in shown)


def distance(first: str, second: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(first), lab(second))) ** 0.5


def neighbours_washed(palette) -> list[float]:
    washed = [washed_out(c) for c in palette]
    return [distance(washed[n], washed[n + 1]) for n in range(len(washed) - 1)]


def test_neighbouring_ratings_stay_distinct_on_a_washed_out_projector():
    assert min(neighbours_washed(figures.RATING_COLOURS)) >= WASHED_MIN_DISTANCE, neighbours_washed(figures.RATING_COLOURS)


def test_the_check_catches_the_dark_orange_and_amber_used_before():
    before = ("#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2")
    assert neighbours_washed(before)[0] < WASHED_MIN_DISTANCE  # "1 Strongly constrains" beside "2 Constrains"


def test_each_rating_s_text_reads_on_its_colour():
    def luminance(colour: str) -> float:
        r, g, b = (_linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for fill, text in zip(figures.RATING_COLOURS, figures.RATING_TEXT):
        text = "#FFFFFF" if text == "white" else text
        light, dark = sorted((luminance(fill), luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fill, text)


def test_the_rating_bars_are_told_apart_without_colour():
    import pandas as pd

    items = pd.DataFrame([{"text": "A factor", "aspect": "System design", **{f"count_{r}": r for r in range(1, 6)}}])
    figure = figures.disagreement_bars(items, scale={1: "Strongly constrains", 2: "Constrains", 3: "Neither", 4: "Enables", 5: "Strongly enables"})
    names = [t.name for t in figure.data]
    assert names == ["1 Strongly constrains", "2 Constrains", "3 Neither", "4 Enables", "5 Strongly enables"]
    shapes = [t.marker.pattern.shape or "" for t in figure.data]
    assert shapes[0] and shapes[1] and shapes[0] != shapes[1], "the two constraining ratings are hatched differently"
    # Plotly's default pattern fill replaces the bar's colour (a white hatch on nothing was
    # all the strongly-constraining segment showed): a pattern is drawn over the colour.
    assert all(t.marker.pattern.fillmode == "overlay" for t in figure.data if t.marker.pattern.shape)
    assert [t.marker.color for t in figure.data] == list(figures.RATING_COLOURS)
    # Neighbours differ by pattern or by lightness (L* at least 20 apart), never by hue alone.
    for n in range(4):
        lighter = abs(lab(figures.RATING_COLOURS[n])[0] - lab(figures.RATING_COLOURS[n + 1])[0])
        assert shapes[n] != shapes[n + 1] or lighter >= 20


def test_the_app_and_the_screen_show_no_chart_toolbar():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"  # no developer menu
    facilitator = create(diagnostics=["eight_aspects"])
    code = Store().workshop(token_of(facilitator))["code"]
    for rating in (2, 3, 4):
        Store().save_answer(Store().join(code, None, client=f"p{rating}"), "eight_aspects", "sd_one_place", {"rating": rating})
    facilitator.button(key="ws_reveal").click().run()
    chart = facilitator.get("plotly_chart")[0]
    assert json.loads(chart.proto.config)["displayModeBar"] is False
    assert any("stElementToolbar]{display:none" in h.proto.body for h in facilitator.get("html"))


@pytest.mark.parametrize("present", [False, True])
def test_the_joining_view_shows_the_code_and_a_large_qr_code(present):
    facilitator = create("Joining test", diagnostics=["eight_aspects"])
    code = show_join_code(Store().workshop(token_of(facilitator))["code"])
    if present:
        facilitator.button(key="ws_present_on").click().run()
    facilitator.segmented_control(key="ws_view").set_value(JOINING_VIEW).run()
    assert not facilitator.exception
    assert any(m.value == code for m in facilitator.markdown)
    assert facilitator.get("imgs") or facilitator.get("image")
    assert any("height:40vh" in h.proto.body for h in facilitator.get("html"))


def test_presentation_view_keeps_a_strip_with_name_code_and_counts():
    facilitator = create("Away day <b>2027</b>", diagnostics=["eight_aspects"])
    code = Store().workshop(token_of(facilitator))["code"]
    Store().save_answer(Store().join(code, None, client="p1"), "eight_aspects", "sd_one_place", {"rating": 3})
    Store().join(code, None, client="p2")
    facilitator.button(key="ws_present_on").click().run()
    texts = [m.value for m in facilitator.markdown]
    assert any("Away day \\<b\\>2027\\</b\\>" in t for t in texts), "the name, escaped"
    assert any(show_join_code(code) in t for t in texts)
    assert any(t == "2 joined · 1 answered" for t in texts)
    assert not facilitator.title
