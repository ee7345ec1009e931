"""The PNG preview: drawn from the same layout, with the paper's geometry and real Chinese glyphs."""
from __future__ import annotations

import pytest

from printer_fakes import full_ticket
from printers.config import PrinterConfig
from printers.layout import TextLine, TicketLayout
from printers.preview import MARGIN_DOTS, block_tops, render_image, render_png
from printers.printer import TicketPrinter
from printers.render import PREFERRED_FAMILIES, cjk_family


@pytest.fixture(autouse=True)
def _qt(qapp):
    """pytest-qt's QApplication, so later widget tests in this process find the right kind."""


def gray_rows(image, y0=0, y1=None):
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    stride, width = image.bytesPerLine(), image.width()
    raw = bytes(image.constBits())
    y1 = image.height() if y1 is None else y1
    return [raw[y * stride: y * stride + width] for y in range(y0, y1)]


def ink(rows) -> int:
    return sum(v < 128 for row in rows for v in row)


@pytest.mark.parametrize(("width_mm", "dots"), [(58, 384), (80, 576)])
def test_preview_is_a_png_as_wide_as_the_print_head(width_mm, dots):
    from PySide6.QtGui import QImage

    png = TicketPrinter(PrinterConfig(width_mm=width_mm)).preview_png(full_ticket())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png)
    assert image.width() == dots
    assert image.height() > 800


def test_a_cjk_font_is_used():
    assert cjk_family() in PREFERRED_FAMILIES


def test_chinese_characters_render_as_distinct_glyphs_not_boxes():
    # Without a CJK font every hanzi is the same box: distinct glyphs prove real rendering.
    cells = []
    for ch in "政务服中":
        image = render_image(TicketLayout(576, (TextLine(ch),)))
        rows = gray_rows(image, MARGIN_DOTS, MARGIN_DOTS + 24)
        cells.append(b"".join(row[:24] for row in rows))
        assert ink([row[:24] for row in rows]) > 40
    assert len(set(cells)) == 4


def test_the_number_is_drawn_big_where_the_layout_puts_it(ticket):
    layout = TicketPrinter(PrinterConfig()).layout(ticket)
    image = render_image(layout)
    index = next(i for i, b in enumerate(layout.blocks) if isinstance(b, TextLine) and b.text == "A012")
    top = MARGIN_DOTS + block_tops(layout)[index]
    rows = gray_rows(image, top, top + 144)
    dark_rows = [y for y, row in enumerate(rows) if any(v < 128 for v in row)]
    assert dark_rows[-1] - dark_rows[0] > 90  # 6x a 24-dot cell
    dark_cols = [x for x in range(576) if any(row[x] < 128 for row in rows)]
    assert abs((dark_cols[0] + dark_cols[-1]) / 2 - 288) < 12  # centred


def test_preview_height_follows_the_paper_movement(ticket):
    layout = TicketPrinter(PrinterConfig()).layout(ticket)
    image = render_image(layout)
    last = layout.blocks[-1]
    assert image.height() == block_tops(layout)[-1] + max(30, 24 * last.height) + 2 * MARGIN_DOTS


def test_render_png_round_trips():
    from PySide6.QtGui import QImage

    png = render_png(TicketLayout(384, (TextLine("请留意叫号", 2, 2, align="center"),)))
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (384, 48 + 2 * MARGIN_DOTS)
    assert ink(gray_rows(image)) > 300
