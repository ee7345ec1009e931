"""QR matrices for image QR codes and the preview (the `qrcode` package, a python-escpos dependency)."""
from __future__ import annotations

from functools import lru_cache

# Error correction M: survives a smudge or fold on thermal paper, still version <= 4 for our URLs.
EC_LEVEL = "M"


@lru_cache(maxsize=64)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR symbol's modules (True = dark), without quiet zone, model 2, level M."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())
