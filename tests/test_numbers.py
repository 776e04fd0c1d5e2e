"""One rounding rule: half up (away from zero), as Excel's number formats show a value."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import numbers


@pytest.mark.parametrize(
    "value, digits, expected",
    [
        (54.5, 0, 55),
        (62.5, 0, 63),
        (0.5, 0, 1),
        (-2.5, 0, -3),
        (54.49, 0, 54),
        (54.45, 1, 54.5),
        (2.675, 2, 2.68),
        (54.49999999999999, 0, 55),
    ],  # the last: float noise for 54.5 reads as 54.5, as in Excel (15 digits)
)
def test_halves_round_up_as_excel_shows_them(value, digits, expected):
    # Python's round() gives 54, 62, 0, -2 for the first four: the bug this rule removes.
    assert numbers.shown(value, digits) == expected


@pytest.mark.parametrize("blank", [None, float("nan")])
def test_blank_values_have_no_number(blank):
    assert numbers.shown(blank) is None
    assert numbers.text(blank) == "–"
    assert numbers.change(blank, 50) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2000))
def test_every_exact_half_rounds_up(tenths):
    value = tenths / 10
    expected = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert numbers.shown(value) == expected
    assert numbers.text(value) == str(expected)


def test_a_change_is_worked_out_from_the_values_as_shown():
    # 54.4 shows as 54, 60.6 as 61: the change reads +7, not the +6 of 6.2 rounded.
    assert (numbers.shown(54.4), numbers.shown(60.6)) == (54, 61)
    assert numbers.change(54.4, 60.6) == 7
    assert numbers.signed(numbers.change(54.4, 60.6)) == "+7"
    assert numbers.signed(numbers.change(61.2, 54.6)) == "\u22126"
    assert numbers.signed(0) == "0"
    assert numbers.change(3.44, 3.46, digits=1) == pytest.approx(0.1)
