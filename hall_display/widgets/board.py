"""The wall display board: big "A012 → 3号窗口" rows, recent calls, waiting per service, hall name, clock, banner.

Sizes follow the widget's height (1080 px = 1.0), so the same board is readable from 10 m on a
1080p and on a 4K TV. It renders a DisplayModel and never blocks on sound.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QFrame, QGraphicsOpacityEffect, QGridLayout, QHBoxLayout, QLabel, QLayout,
                               QSizePolicy, QVBoxLayout, QWidget)

from hall_display.models import CallRow, DisplayModel
from hall_display.widgets.ticker import NoticeTicker

BG = "#0b1d3a"
PANEL = "#12284d"
HEADER = "#0f2f5f"
NUMBER = "#ffd54f"
MUTED = "#9fb3d9"
HIGHLIGHT_ON = "background: #ffb300; border-radius: %dpx;"
HIGHLIGHT_OFF = "background: #5c4300; border-radius: %dpx;"
ROW = "background: #13305c; border-radius: %dpx;"
BLINK_MS = 450
REFRESH_MS = 50  # the most often the board is redrawn
STALE_OPACITY = 0.35


def _font(label: QWidget, px: int, bold: bool = False) -> None:
    f = QFont(label.font())
    f.setPixelSize(max(8, px))
    f.setBold(bold)
    label.setFont(f)


class FitLabel(QLabel):
    """A label whose font shrinks (never grows) so its text fits its width: long window names stay whole."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._px = 40
        self._bold = False
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_pixel_size(self, px: int, bold: bool = False) -> None:
        self._px, self._bold = max(8, px), bold
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        f = QFont(self.font())
        f.setBold(self._bold)
        f.setPixelSize(self._px)
        avail = self.width() - 4
        if avail > 50 and self.text():
            w = QFontMetrics(f).horizontalAdvance(self.text())
            if w > avail:
                f.setPixelSize(max(8, int(self._px * avail / w)))
        self.setFont(f)


class CallRowWidget(QFrame):
    """One big row: number → window, with a 重呼 tag on recalls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callRow")
        self.row: CallRow | None = None
        self.number = QLabel(self)
        self.number.setObjectName("callNumber")
        self.arrow = QLabel("→", self)
        self.window = FitLabel("", self)
        self.window.setObjectName("callWindow")
        self.tag = QLabel(self)
        self.tag.setObjectName("recallTag")
        lay = QHBoxLayout(self)
        lay.addWidget(self.number)
        lay.addWidget(self.arrow)
        lay.addWidget(self.window, 1)
        lay.addWidget(self.tag)
        self.highlight = ""  # "", "on", "off" (blink phase)
        self._radius = 12

    def scale(self, s: float, px: int) -> None:
        _font(self.number, px, True)
        _font(self.arrow, int(px * 0.7))
        self.window.set_pixel_size(int(px * 0.88), True)
        _font(self.tag, int(40 * s), True)
        m = int(24 * s)
        self.layout().setContentsMargins(m, int(4 * s), m, int(4 * s))
        self.layout().setSpacing(int(28 * s))
        self._radius = int(14 * s)
        self.number.setMinimumWidth(QFontMetrics(self.number.font()).horizontalAdvance("A0000") + 8)
        self._style()

    def show_row(self, row: CallRow | None, recall_text: str) -> None:
        self.row = row
        self.number.setText(row.number if row else "")
        self.window.setText(row.window_name if row else "")
        self.tag.setText(recall_text if row and row.recall else "")
        self.setVisible(row is not None)

    def set_highlight(self, phase: str) -> None:
        if phase != self.highlight:
            self.highlight = phase
            self._style()

    def _style(self) -> None:
        if self.highlight == "on":
            bg, num, fg = HIGHLIGHT_ON, "#0b1d3a", "#0b1d3a"
        elif self.highlight == "off":
            bg, num, fg = HIGHLIGHT_OFF, NUMBER, "white"
        else:
            bg, num, fg = ROW, NUMBER, "white"
        self.setStyleSheet(f"QFrame#callRow {{ {bg % self._radius} }}"
                           f" QLabel {{ color: {fg}; background: transparent; }}"
                           f" QLabel#callNumber {{ color: {num}; }}"
                           f" QLabel#recallTag {{ color: {'#b71c1c' if self.highlight == 'on' else '#ff8a65'}; }}")


class DisplayBoard(QWidget):
    """The whole screen. `set_notice()` for the ticker; everything else comes from the model."""

    def __init__(self, model: DisplayModel, notice: str = "", parent: QWidget | None = None, *,
                 animate: bool = True) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("displayBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#displayBoard {{ background: {BG}; }} QLabel {{ color: white; }}"
                           f" QFrame#header {{ background: {HEADER}; }}"
                           f" QLabel#banner {{ background: #c62828; color: white; }}"
                           f" QFrame#side {{ background: {PANEL}; border-radius: 16px; }}"
                           f" QLabel[role=\"caption\"] {{ color: {MUTED}; }}"
                           f" QLabel[role=\"recentNumber\"] {{ color: {NUMBER}; }}"
                           f" QLabel[role=\"count\"] {{ color: {NUMBER}; }}")
        self._scale = 1.0

        # Header: hall name left, date and time right.
        self.header = QFrame(self)
        self.header.setObjectName("header")
        self.hall_name = FitLabel("", self.header)
        self.hall_name.setObjectName("hallName")
        self.date = QLabel(self.header)
        self.date.setObjectName("date")
        self.time = QLabel(self.header)
        self.time.setObjectName("time")
        hl = QHBoxLayout(self.header)
        hl.addWidget(self.hall_name, 1)
        hl.addWidget(self.date)
        hl.addWidget(self.time)

        # The banner: shown while the link is down, over dimmed data.
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()

        # Body: the big rows left, recent calls and waiting counts right.
        self.body = QWidget(self)
        self.body.setObjectName("body")
        self.caption = QLabel(self.body)
        self.caption.setProperty("role", "caption")
        self.empty = QLabel(self.body)
        self.empty.setObjectName("empty")
        self.empty.setProperty("role", "caption")
        self.rows = [CallRowWidget(self.body) for _ in range(model.big_rows)]
        left = QVBoxLayout()
        left.addWidget(self.caption)
        for r in self.rows:
            left.addWidget(r)
            r.hide()
        left.addWidget(self.empty)
        left.addStretch(1)

        self.side = QFrame(self.body)
        self.side.setObjectName("side")
        self.recent_caption = QLabel(self.side)
        self.recent_caption.setProperty("role", "caption")
        self.recent_grid = QGridLayout()
        self.recent_labels: list[tuple[QLabel, QLabel]] = []
        for i in range(model.recent_rows):
            n, w = QLabel(self.side), FitLabel("", self.side)
            n.setProperty("role", "recentNumber")
            self.recent_grid.addWidget(n, i // 2, (i % 2) * 2)
            self.recent_grid.addWidget(w, i // 2, (i % 2) * 2 + 1)
            self.recent_labels.append((n, w))
        self.waiting_caption = QLabel(self.side)
        self.waiting_caption.setProperty("role", "caption")
        self.waiting_grid = QGridLayout()
        self.service_labels: list[tuple[QLabel, QLabel]] = []
        sl = QVBoxLayout(self.side)
        sl.addWidget(self.recent_caption)
        sl.addLayout(self.recent_grid)
        sl.addSpacing(20)
        sl.addWidget(self.waiting_caption)
        sl.addLayout(self.waiting_grid)
        sl.addStretch(1)

        self.body_layout = QHBoxLayout(self.body)
        self.body_layout.addLayout(left, 62)
        self.body_layout.addWidget(self.side, 38)
        self._dim = QGraphicsOpacityEffect(self.body)
        self._dim.setOpacity(1.0)
        self._dim.setEnabled(False)
        self.body.setGraphicsEffect(self._dim)

        self.ticker = NoticeTicker(notice, self)
        lay = QVBoxLayout(self)
        # The screen's size is the TV's: content is fitted to it (_fit), never the other way round.
        lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.header)
        lay.addWidget(self.banner)
        lay.addWidget(self.body, 1)
        lay.addWidget(self.ticker)
        self.ticker.setVisible(bool(notice))

        self._blink_on = True
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._on_blink)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.update_clock)
        # At a busy moment changes arrive by the hundred a second: draw at most every REFRESH_MS,
        # or a display falls behind its socket (and behind the hall).
        self._last_refresh = 0.0
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REFRESH_MS)
        self._refresh_soon.timeout.connect(self.refresh)
        model.changed.connect(self.refresh)
        model.changes_applied.connect(self._schedule_refresh)
        model.link_changed.connect(self.refresh_link)
        self.retranslate()
        self._apply_scale(1.0)
        self.refresh()
        self.refresh_link()
        if animate:
            self._clock.start()
            self.ticker.start()

    # ------------------------------------------------------------ text and size

    def retranslate(self) -> None:
        self.caption.setText(self.tr("请以下号码到窗口办理"))
        self.empty.setText(self.tr("暂无呼叫"))
        self.recent_caption.setText(self.tr("最近呼叫"))
        self.waiting_caption.setText(self.tr("等候人数"))
        self.update_clock()

    def set_notice(self, text: str) -> None:
        self.ticker.set_text(text)
        self.ticker.setVisible(bool(text))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        s = min(self.height() / 1080, self.width() / 1920)
        if abs(s - self._scale) > 0.01:
            self._apply_scale(s)
        else:
            self._fit()
        super().resizeEvent(event)

    def _apply_scale(self, s: float) -> None:
        self._scale = s
        self.hall_name.set_pixel_size(int(60 * s), True)
        _font(self.date, int(40 * s))
        _font(self.time, int(64 * s), True)
        self.header.layout().setContentsMargins(int(40 * s), int(18 * s), int(40 * s), int(18 * s))
        self.header.layout().setSpacing(int(40 * s))
        _font(self.banner, int(52 * s), True)
        self.banner.setContentsMargins(0, int(12 * s), 0, int(12 * s))
        _font(self.caption, int(40 * s))
        _font(self.empty, int(56 * s))
        m = int(32 * s)
        self.body_layout.setContentsMargins(m, int(24 * s), m, int(24 * s))
        self.body_layout.setSpacing(m)
        self.body_layout.itemAt(0).layout().setSpacing(int(20 * s))
        self.side.layout().setContentsMargins(m, int(20 * s), m, int(20 * s))
        self.side.setStyleSheet(f"QFrame#side {{ border-radius: {int(16 * s)}px; }}")
        _font(self.recent_caption, int(40 * s))
        _font(self.waiting_caption, int(40 * s))
        self.recent_grid.setHorizontalSpacing(int(20 * s))
        self.recent_grid.setVerticalSpacing(int(8 * s))
        self.waiting_grid.setHorizontalSpacing(int(20 * s))
        self.waiting_grid.setVerticalSpacing(int(8 * s))
        self.ticker.set_pixel_size(int(44 * s))
        self._fit()

    def _fit(self) -> None:
        """Font sizes from the height left for the body: 4 big rows and any number of services always fit."""
        s = self._scale
        line = 1.45  # line height / pixel size of the CJK font (Noto Sans CJK has tall ascent + descent)
        fixed = int(64 * s * line + 36 * s) + int(44 * s * 1.8)
        if not self.banner.isHidden():
            fixed += int(52 * s * line + 24 * s)
        body = max(100, self.height() - fixed - int(48 * s))
        n = max(1, len(self.rows))
        row_h = (body - 40 * s * line - 20 * s * n) / n
        px = int(min(110 * s, (row_h - 8 * s) / line))
        for r in self.rows:
            r.scale(s, px)
        side = body - int(40 * s) - 2 * 40 * s * line - 20 * s
        recent_lines = (len(self.recent_labels) + 1) // 2
        services = max(1, sum(1 for name, _ in self.service_labels if not name.isHidden()) or len(self.model.services()))
        # Recent calls and waiting counts share the side panel; counts are the larger text.
        unit = side / (recent_lines * 1.0 + services * 1.15)
        rpx = int(min(52 * s, (unit - 8 * s) / line))
        spx = int(min(50 * s, (unit * 1.15 - 8 * s) / line))
        for num, win in self.recent_labels:
            _font(num, rpx, True)
            win.set_pixel_size(int(rpx * 0.85))
        for name, count in self.service_labels:
            name.set_pixel_size(int(spx * 0.9))
            _font(count, spx, True)

    # ------------------------------------------------------------ model -> screen

    @Slot()
    def _schedule_refresh(self) -> None:
        # A lone change is drawn at once; during a burst, once more when it has passed.
        if self._refresh_soon.isActive():
            return
        if time.monotonic() - self._last_refresh >= REFRESH_MS / 1000:
            self.refresh()
        else:
            self._refresh_soon.start()

    def refresh(self) -> None:
        self._last_refresh = time.monotonic()
        m = self.model
        self.hall_name.setText(m.hall_name)
        current = m.current_calls()
        recall = self.tr("重呼")
        for widget, row in zip(self.rows, current + [None] * len(self.rows)):
            widget.show_row(row, recall)
        self.empty.setVisible(not current and m.state.hall is not None)
        recent = m.recent_calls()
        for (n, w), row in zip(self.recent_labels, recent + [None] * len(self.recent_labels)):
            n.setText(row.number if row else "")
            w.setText(row.short_window if row else "")
        self._refresh_services()
        self.refresh_link()  # the first snapshot ends the "connecting" banner (it comes after "online")
        self._on_blink(restart=True)

    def _refresh_services(self) -> None:
        rows = self.model.services()
        while len(self.service_labels) < len(rows):
            i = len(self.service_labels)
            name, count = FitLabel("", self.side), QLabel(self.side)
            count.setProperty("role", "count")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.waiting_grid.addWidget(name, i, 0)
            self.waiting_grid.addWidget(count, i, 1)
            self.waiting_grid.setColumnStretch(0, 1)
            self.service_labels.append((name, count))
        people = self.tr("%1 人")
        closed = self.tr("暂停")
        for i, (name, count) in enumerate(self.service_labels):
            row = rows[i] if i < len(rows) else None
            name.setText(row.name if row else "")
            count.setText((people.replace("%1", str(row.waiting)) if row.open else closed) if row else "")
            name.setVisible(row is not None)
            count.setVisible(row is not None)

    @Slot()
    def refresh_link(self) -> None:
        m = self.model
        if m.offline:
            when = m.last_update.strftime("%H:%M:%S") if m.last_update else "—"
            self.banner.setText(self.tr("连接中断 · 最后更新 %1").replace("%1", when))
            self.banner.show()
        elif m.state.hall is None:
            self.banner.setText(self.tr("正在连接服务器…"))
            self.banner.show()
        else:
            self.banner.hide()
        self._fit()
        self._dim.setOpacity(STALE_OPACITY)
        self._dim.setEnabled(m.offline)
        self.setProperty("stale", m.offline)

    @Slot()
    def update_clock(self) -> None:
        now = self.model.clock()
        locale = QLocale()
        self.date.setText(locale.toString(now.date(), self.tr("yyyy年M月d日 dddd")))
        self.time.setText(now.strftime("%H:%M:%S"))

    def _on_blink(self, restart: bool = False) -> None:
        left = self.model.highlight_left()
        if restart:
            self._blink_on = True
        else:
            self._blink_on = not self._blink_on
        for r in self.rows:
            lit = r.row is not None and self.model.highlighted(r.row)
            r.set_highlight(("on" if self._blink_on else "off") if lit else "")
        if left > 0 and not self._blink.isActive():
            self._blink.start()
        elif left <= 0:
            self._blink.stop()
