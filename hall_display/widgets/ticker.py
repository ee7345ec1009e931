"""The scrolling notice line at the bottom of the wall display (a posted notice, then the display's own)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QWidget

GAP_EM = 4  # blank space between two passes of the text, in multiples of the font's height


class NoticeTicker(QWidget):
    """Draws the notice moving right to left, endlessly; `step()` moves it (a timer calls it when running)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, interval_ms: int = 30) -> None:
        super().__init__(parent)
        self.setObjectName("ticker")
        self._text = text
        self.offset = 0.0
        self.speed = 2.0  # px per step at 1080p; scaled with the font
        self.color = QColor("#ffe082")
        self.background = QColor("#0f2f5f")
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.step)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._text = text
        self.offset = 0.0
        self.update()

    def start(self) -> None:
        if self._text:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def set_pixel_size(self, px: int) -> None:
        f = QFont(self.font())
        f.setPixelSize(px)
        self.setFont(f)
        self.setFixedHeight(int(px * 1.6))
        self.speed = max(1.0, px / 21)

    def _pass_width(self) -> float:
        fm = QFontMetricsF(self.font())
        return fm.horizontalAdvance(self._text) + GAP_EM * fm.height()

    @Slot()
    def step(self) -> None:
        if not self._text:
            return
        self.offset = (self.offset + self.speed) % max(1.0, self._pass_width())
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.fillRect(self.rect(), self.background)
        if not self._text:
            return
        p.setPen(self.color)
        p.setFont(self.font())
        width = self._pass_width()
        # Passes side by side, all moving left by `offset`: as many as fill the width.
        x = -self.offset
        while x < self.width():
            p.drawText(QRectF(x, 0, width, self.height()), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       self._text)
            x += width
        p.end()
