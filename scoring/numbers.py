"""One rounding rule for every number a person sees: half up (half away from zero).

Excel's number formats ("0", "0.0") round half away from zero, while Python's round()
rounds half to even and on the binary value (round(62.5) is 62, Excel shows 63). Every
page, chart label, workbook and comparison rounds through `shown()`, so the same score
shows the same number everywhere. Like Excel, a value is read to 15 significant digits
first, so 54.49999999999999 (float noise for 54.5) shows as 55 in both.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd


def _is_blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def or_none(value: Any) -> float | None:
    """A score as a worked case states it: None for no score (NaN)."""
    return None if _is_blank(value) else float(value)


def shown(value: Any, digits: int = 0) -> float | int | None:
    """`value` rounded half up to `digits` decimals (a whole number as int); None if blank."""
    if not (type(value) is float or type(value) is int) and _is_blank(value):
        return None
    if value != value:  # NaN
        return None
    return _rounded(f"{float(value):.15g}", digits)


@functools.lru_cache(maxsize=4096)
def _rounded(exact: str, digits: int) -> float | int:
    # Remembered: a participant's live score rounds a handful of numbers on every answer,
    # and a room's scores take few distinct values.
    rounded = Decimal(exact).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def text(value: Any, digits: int = 0, blank: str = "–") -> str:
    """`shown(value, digits)` as text, e.g. "55" or "3.5"; `blank` where there is no value."""
    number = shown(value, digits)
    return blank if number is None else f"{number:.{digits}f}"


def change(before: Any, after: Any, digits: int = 0) -> float | int | None:
    """A change worked out from the two values as shown, so 54 -> 61 is +7 whatever the
    decimals behind them; None where either side has no value."""
    then, now = shown(before, digits), shown(after, digits)
    if then is None or now is None:
        return None
    return now - then if digits == 0 else shown(now - then, digits)


def signed(value: Any, digits: int = 0) -> str:
    """A change with its sign ("+7", "−3", "0"), the minus a true minus sign."""
    number = shown(value, digits)
    if number is None:
        return "–"
    body = f"{abs(number):.{digits}f}"
    return ("+" if number > 0 else "\u2212" if number < 0 else "") + body
