"""Qt drawing shared by the PNG preview and raster lines: text in printer-sized cells, QR codes."""
from __future__ import annotations

import logging
import os
import sys
from functools import lru_cache

from printers.layout import QrCode, TextLine, char_columns, text_columns
from printers.profiles import CELL_HEIGHT, CELL_WIDTH
from printers.qr import qr_matrix

log = logging.getLogger(__name__)

# Families with full GB18030 coverage, best first (fonts-noto-cjk on Debian; WenQuanYi fallback).
PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                      "WenQuanYi Zen Hei", "Noto Serif CJK SC")
# Half-width characters come from a monospaced family whose Latin is exactly half a hanzi.
NARROW_FAMILIES = ("Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", "DejaVu Sans Mono")
# Pixel sizes inside a 24-dot cell.
WIDE_PIXELS = 23
NARROW_PIXELS = 22


_APP: list = []


def ensure_gui_app():
    """Fonts and QPainter text need a QGuiApplication; create one (offscreen if headless)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    app = QCoreApplication.instance()
    if app is None:
        if not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # A QApplication (not just QGuiApplication), so a widget app started later in the same
        # process, or pytest-qt's qapp, still finds the kind of application it needs.
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1] or ["hallq"])
        _APP.append(app)  # keep the Python wrapper alive for the life of the process
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("printing previews needs a QGuiApplication, not a QCoreApplication")
    return app


@lru_cache(maxsize=1)
def cjk_family() -> str:
    from PySide6.QtGui import QFontDatabase

    ensure_gui_app()
    families = set(QFontDatabase.families())
    for name in PREFERRED_FAMILIES:
        if name in families:
            return name
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if chinese:
        return chinese[0]
    log.warning("no CJK font installed (e.g. fonts-noto-cjk): Chinese will render as boxes")
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


@lru_cache(maxsize=1)
def narrow_family() -> str:
    from PySide6.QtGui import QFontDatabase

    ensure_gui_app()
    families = set(QFontDatabase.families())
    return next((name for name in NARROW_FAMILIES if name in families), cjk_family())


def _font(pixels: int, bold: bool, family: str | None = None):
    from PySide6.QtGui import QFont

    font = QFont(family or cjk_family())
    font.setPixelSize(pixels)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def line_x(line: TextLine, width_dots: int) -> int:
    used = text_columns(line.text) * CELL_WIDTH * line.width
    if line.align == "center":
        return max((width_dots - used) // 2, 0)
    if line.align == "right":
        return max(width_dots - used, 0)
    return 0


def draw_text(painter, text: str, x: float, y: float, width: int, height: int, bold: bool) -> None:
    """Each character centred in its cell (12 or 24 dots wide, 24 high), stretched like GS ! does."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QTransform

    from PySide6.QtGui import QFontMetricsF

    fonts = {2: _font(WIDE_PIXELS, bold), 1: _font(NARROW_PIXELS, bold, narrow_family())}
    narrow_metrics = QFontMetricsF(fonts[1])
    current = 0
    # TextDontClip: CJK fonts' descent reaches past the 24-dot cell; the paper has room for it.
    center = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip
    for ch in text:
        cols = char_columns(ch)
        if ch != " ":
            if cols != current:
                painter.setFont(fonts[cols])
                current = cols
            # Squeeze a glyph wider than its cell (e.g. a narrow-cell symbol from a fallback font).
            squeeze = 1.0
            if cols == 1:
                advance = narrow_metrics.horizontalAdvance(ch)
                squeeze = min(1.0, CELL_WIDTH / advance) if advance > 0 else 1.0
            cell = cols * CELL_WIDTH
            painter.setTransform(QTransform(width * squeeze, 0, 0, height,
                                            x + cell * width * (1 - squeeze) / 2, y))
            painter.drawText(QRectF(0, 0, cell / squeeze, CELL_HEIGHT), center, ch)
        x += cols * CELL_WIDTH * width
    painter.resetTransform()


def draw_qr(painter, data: str, module: int, x: float, y: float) -> int:
    """Draw the QR modules; returns the symbol's size in dots."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage

    matrix = qr_matrix(data)
    n = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    # One module per pixel, scaled up by drawImage (nearest neighbour: no smoothing hint set).
    symbol = QImage(pixels, n, n, n, QImage.Format.Format_Grayscale8).copy()
    painter.drawImage(QRectF(x, y, n * module, n * module), symbol)
    return n * module


def qr_size(block: QrCode) -> int:
    return len(qr_matrix(block.data)) * block.module_dots


def text_raster(text: str, width: int, height: int, bold: bool) -> tuple[int, int, bytes]:
    """Render one line of text at `width` x `height` cell multiples as 1-bit rows for GS v 0.

    Returns (width_bytes, rows, data), MSB = leftmost dot, 1 = black, as GS v 0 wants.
    """
    from PySide6.QtGui import QColor, QImage, QPainter

    ensure_gui_app()
    dots_w = text_columns(text) * CELL_WIDTH * width
    width_bytes = max((dots_w + 7) // 8, 1)
    rows = CELL_HEIGHT * height
    image = QImage(width_bytes * 8, rows, QImage.Format.Format_Grayscale8)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        painter.setPen(QColor(0, 0, 0))
        draw_text(painter, text, 0, 0, width, height, bold)
    finally:
        painter.end()
    return width_bytes, rows, pack_gray(image)


def pack_gray(image) -> bytes:
    """A Grayscale8 QImage to 1-bit rows (dark below mid-grey = ink)."""
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    pixels = bytes(image.constBits())
    out = bytearray()
    for r in range(h):
        row = pixels[r * stride: r * stride + w]
        for start in range(0, w, 8):
            byte = 0
            for bit, value in enumerate(row[start:start + 8]):
                if value < 128:
                    byte |= 0x80 >> bit
            out.append(byte)
    return bytes(out)
