"""A panel of rows that pages: a caption, a page indicator (2/3), and as many whole rows as fit; the rest on the next page.

Rule: a row is shown whole or not at all. Cells of a `wraps` column break into lines; the other
columns keep one line and take the width their longest text needs. If one row alone is taller
than the panel, the panel's text gets smaller until it fits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from hall_display.widgets.text import (MIN_PX, Text, break_lines, fit_px, font_key, ink_width, line_height,
                                      make_font, widest)

MUTED = "#9fb3d9"


def pages_of(heights: list[int], avail: int, gap: int) -> list[list[int]]:
    """The rows (indexes) on each page, in order: on each page as many rows as fit `avail` one under another,
    `gap` apart. (Filling each page before starting the next needs the fewest pages for rows kept in order.)"""
    pages: list[list[int]] = []
    used = avail + 1
    for i, h in enumerate(heights):
        if used + h > avail:
            pages.append([])
            used = 0
        pages[-1].append(i)
        used += h + gap
    return pages


def split_height(total: int, first: tuple[int, list[int], int], second: tuple[int, list[int], int]) -> int:
    """The height of the first of two lists one above the other in `total` (each given as PagedList.row_heights):
    where both can show their tallest row, the height at which they need the fewest pages together (then
    the most even counts, then the first list nearest 40%); else in proportion to their tallest rows."""
    def tallest(lst: tuple[int, list[int], int]) -> int:
        return lst[0] + max(lst[1], default=0)

    def cost(h: int) -> tuple[int, int, float, int]:
        a = len(pages_of(first[1], h - first[0], first[2]))
        b = len(pages_of(second[1], total - h - second[0], second[2]))
        return a + b, abs(a - b), abs(h - 0.4 * total), h

    lo, hi = max(tallest(first), round(0.2 * total)), min(total - tallest(second), round(0.6 * total))
    if lo > hi:
        return round(total * tallest(first) / max(1, tallest(first) + tallest(second)))
    return min(cost(h) for h in {*range(lo, hi + 1, max(1, total // 200)), hi})[-1]


@dataclass(frozen=True)
class Column:
    wraps: bool = False
    color: str = "white"
    bold: bool = False
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    break_after: str = ""  # see Text


class PagedList(QWidget):
    """Set `columns` once; `set_rows()` with the texts, `set_metrics()` with the sizes; `next_page()` turns."""

    def __init__(self, parent: QWidget | None, columns: tuple[Column, ...], *, name: str = "",
                 background: str = "#12284d") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.columns = columns
        self.background = QColor(background)
        self.caption = Text(self, color=MUTED, name=f"{name}Caption")
        self.indicator = Text(self, color=MUTED, align=Qt.AlignmentFlag.AlignRight, name=f"{name}Page")
        self.rows: list[tuple[str, ...]] = []
        self.cells: list[list[Text]] = []
        self.pages: list[list[int]] = []  # row indexes per page
        self.page = 0
        self.unit = 1.0
        self.px = 60  # the rows' pixel size asked for
        self.row_px = 60  # the size they got (smaller only if one row would not fit the panel)
        self._radius = 16
        self._done: tuple | None = None  # what the last layout was for: the same again is skipped

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.rows = rows
        while len(self.cells) < len(rows):
            self.cells.append([Text(self, color=c.color, bold=c.bold, align=c.align, break_after=c.break_after)
                               for c in self.columns])
        for i, cells in enumerate(self.cells):
            for cell, text in zip(cells, rows[i] if i < len(rows) else ("",) * len(self.columns)):
                cell.setText(text)

    def set_metrics(self, unit: float, px: int) -> None:
        """Sizes for the next relayout() (the board calls it once it has set the panel's geometry)."""
        self.unit, self.px = unit, px
        self._radius = round(16 * unit)

    def page_count(self) -> int:
        return max(1, len(self.pages))

    def next_page(self) -> None:
        if len(self.pages) > 1:
            self.page = (self.page + 1) % len(self.pages)
            self.relayout()

    def shown_rows(self) -> list[int]:
        return self.pages[self.page] if self.pages else []

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.relayout()

    # ------------------------------------------------------------ layout

    def natural_width(self) -> int:
        """The width at which no row wraps (at the asked size)."""
        pad, gap = round(18 * self.unit), round(28 * self.unit)
        keys = self._keys(self.px)
        widths = [max((math.ceil(ink_width(key, row[c])) for row in self.rows), default=0)
                  for c, key in enumerate(keys)]
        return sum(widths) + gap * (len(self.columns) - 1) + 2 * pad

    def row_heights(self, width: int) -> tuple[int, list[int], int]:
        """In `width`, at the asked size: the height the panel needs besides its rows (padding, caption),
        each row's height, and the gap between rows. A panel of height H shows pages_of(rows, H - frame, gap)."""
        pad, gap, row_gap = round(18 * self.unit), round(28 * self.unit), round(10 * self.unit)
        _, heights, _ = self._measure(self.px, width - 2 * pad, gap)
        return self._head(width)[2] + pad, heights, row_gap

    def relayout(self) -> None:
        done = (self.width(), self.height(), self.unit, self.px, self.page, tuple(self.rows), self.caption.text())
        if done == self._done:
            return
        self._done = done
        u = self.unit
        pad, gap, row_gap = round(18 * u), round(28 * u), round(10 * u)
        inner_w = self.width() - 2 * pad
        if inner_w <= 0:
            return
        cap_px, cap_w, top = self._head(self.width())
        self.caption.set_px(cap_px)
        self.caption.setGeometry(pad, pad, cap_w, top - pad - round(4 * u))
        avail = self.height() - pad - top

        px = self.px
        while True:
            widths, heights, across = self._measure(px, inner_w, gap)
            if px <= MIN_PX or (across and max(heights, default=0) <= avail):
                break
            px = max(MIN_PX, int(px * 0.93))
        self.row_px = px

        self.pages = pages_of(heights, avail, row_gap)
        self.page = min(self.page, max(0, len(self.pages) - 1))
        n = len(self.pages)
        self.indicator.set_px(round(38 * u))
        self.indicator.setText(f"{self.page + 1}/{n}" if n > 1 else "")
        self.indicator.setGeometry(self.width() - pad - self.indicator.natural_width(), pad,
                                   self.indicator.natural_width(), self.indicator.line_height())

        shown = set(self.shown_rows())
        y = top
        for i, cells in enumerate(self.cells):
            visible = i in shown
            for cell, col in zip(cells, self.columns):
                cell.set_px(px, col.bold)
                cell.setVisible(visible)
            if not visible:
                continue
            x = pad
            for cell, w in zip(cells, widths):
                cell.setGeometry(x, y, w, heights[i])
                x += w + gap
            y += heights[i] + row_gap
        self.update()

    def _head(self, width: int) -> tuple[int, int, int]:
        """The caption's size and width in a panel `width` wide (room kept for the page indicator), and
        where the rows start. Measures only: the widgets are left as they are."""
        u = self.unit
        pad, gap, cap_px = round(18 * u), round(28 * u), round(38 * u)
        cap_key = font_key(make_font(self.font(), cap_px, False))
        indicator = math.ceil(ink_width(cap_key, self.indicator.text() or "0/0"))
        cap_w = width - 2 * pad - indicator - gap
        text = self.caption.text()
        px = fit_px(text, self.font(), cap_w, bold=False, px_max=cap_px, px_min=round(26 * u), max_lines=2)
        lines = max(1, len(break_lines(text, make_font(self.font(), px, False), cap_w)))
        return px, cap_w, pad + lines * line_height(make_font(self.font(), px, False)) + round(4 * u)

    def _keys(self, px: int) -> list[str]:
        return [font_key(make_font(self.font(), px, col.bold)) for col in self.columns]

    def _measure(self, px: int, inner_w: int, gap: int) -> tuple[list[int], list[int], bool]:
        """Column widths and row heights at `px`, and whether every line fits across its column. Measures
        only: the cells keep their size until relayout() sets the one it chose."""
        keys = self._keys(px)
        widths = [0 if col.wraps else max((math.ceil(ink_width(key, row[c])) for row in self.rows), default=0)
                  for c, (col, key) in enumerate(zip(self.columns, keys))]
        flexible = [c for c, col in enumerate(self.columns) if col.wraps]
        rest = inner_w - sum(widths) - gap * (len(self.columns) - 1)
        for c in flexible:
            widths[c] = max(1, rest // max(1, len(flexible)))
        across = rest > 0
        heights = []
        row_h = line_height(make_font(self.font(), px, False))
        for row in self.rows:
            lines = 1
            for text, key, w in zip(row, keys, widths):
                broken = break_lines(text, key, w)
                lines = max(lines, len(broken))
                across = across and widest(broken, key) <= w
            heights.append(lines * row_h)
        return widths, heights, across

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.background)
        p.drawRoundedRect(QRectF(self.rect()), self._radius, self._radius)
        p.end()
