"""A QR code for the join link, drawn here: no web service sees the link."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@lru_cache(maxsize=64)  # the same link is drawn on every refresh of the screen
def qr_png(text: str, *, box_size: int = 12) -> bytes:
    """PNG bytes of a QR code; medium error correction survives a glare on a projector."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=3)
    code.add_data(text)
    code.make(fit=True)
    buffer = BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
