"""Layout -> PNG preview drawn with QPainter on a QImage (offscreen), with the paper's geometry in dots."""
from __future__ import annotations

from printers.encoder import QR_GAP_DOTS
from printers.layout import Feed, QrCode, TextLine, TicketLayout
from printers.profiles import CELL_HEIGHT, LINE_SPACING
from printers.render import draw_qr, draw_text, ensure_gui_app, line_x, qr_size

MARGIN_DOTS = 16  # white paper above and below, as the ticket leaves the printer


def _block_height(block) -> int:
    # The same paper movement as the printer: a text line moves by the line spacing or its height.
    if isinstance(block, TextLine):
        return max(LINE_SPACING, CELL_HEIGHT * block.height)
    if isinstance(block, QrCode):
        return qr_size(block) + QR_GAP_DOTS
    if isinstance(block, Feed):
        return LINE_SPACING * block.lines
    raise TypeError(f"unknown block {block!r}")


def paper_height(layout: TicketLayout) -> int:
    """Dots of paper the layout prints on (the cut feed not included)."""
    return sum(_block_height(b) for b in layout.blocks)


def block_tops(layout: TicketLayout) -> list[int]:
    """Where each block starts on the paper, in dots from the first printed line."""
    tops, y = [], 0
    for block in layout.blocks:
        tops.append(y)
        y += _block_height(block)
    return tops


def render_image(layout: TicketLayout):
    """The ticket as a Grayscale8 QImage, one pixel per printer dot."""
    from PySide6.QtGui import QColor, QImage, QPainter

    ensure_gui_app()
    height = sum(_block_height(b) for b in layout.blocks) + 2 * MARGIN_DOTS
    image = QImage(layout.width_dots, height, QImage.Format.Format_Grayscale8)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(QColor(0, 0, 0))
        y = MARGIN_DOTS
        for block in layout.blocks:
            if isinstance(block, TextLine):
                draw_text(painter, block.text, line_x(block, layout.width_dots), y,
                          block.width, block.height, block.bold)
            elif isinstance(block, QrCode):
                size = qr_size(block)
                x = (layout.width_dots - size) // 2 if block.align == "center" else 0
                draw_qr(painter, block.data, block.module_dots, x, y)
            y += _block_height(block)
    finally:
        painter.end()
    return image


def render_png(layout: TicketLayout) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image = render_image(layout)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("could not encode the preview as PNG")
    buffer.close()
    return bytes(data.data())
