"""The wall display board: the newest call large ("A012 → 19号咨询台"), the calls before it and the waiting
counts in paged lists, the hall name and the hall's clock, the connection banner and the notice line.

Rules, for a screen read from 10 m (sizes are cap heights, the height of a capital H):
- the newest call's number is at least HERO_CAP of the screen's height; its window name NAME_CAP of
  the screen's shorter side (the same physical size on a TV turned to portrait), smaller down to
  NAME_FLOOR to stay on one line; only a name too long for one line at NAME_FLOOR wraps (at NAME_FLOOR);
- the lists' rows are at least ROW_CAP of the shorter side; whatever does not fit goes to the
  next page (the pages turn every PAGE_MS, an indicator shows 2/3);
- no text is ever elided or clipped: it wraps, pages or (the notice) scrolls.
It renders a DisplayModel and never blocks on sound.
"""
from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QLocale, QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsOpacityEffect, QWidget

from hall_display.models import CallRow, DisplayModel
from hall_display.widgets.pages import Column, PagedList, split_height
from hall_display.widgets.text import Text, px_for_cap
from hall_display.widgets.ticker import NoticeTicker

log = logging.getLogger("hallq.display")

BG = "#0b1d3a"
PANEL = "#12284d"
HEADER = "#0f2f5f"
NUMBER = "#ffd54f"
MUTED = "#9fb3d9"
ROW = "#13305c"  # the newest call's background ...
HIGHLIGHT_ON = "#ffb300"  # ... and its two blink phases while it is new
HIGHLIGHT_OFF = "#5c4300"
BANNER = "#c62828"
BLINK_MS = 450
REFRESH_MS = 50  # the most often the board is redrawn
PAGE_MS = 6000  # how long a page of a list stays
STALE_OPACITY = 0.35
HERO_CAP = 0.12  # of the screen's height
NAME_CAP = 0.12  # of the screen's shorter side
NAME_FLOOR = 0.08  # the least a window name shrinks to before it wraps (a line more takes a list row's height)
ROW_CAP = 0.05  # of the shorter side


class Panel(QWidget):
    """A rounded rectangle of one colour behind other widgets."""

    def __init__(self, parent: QWidget | None, color: str, *, name: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.color = QColor(color)
        self.radius = 0

    def set_color(self, color: str) -> None:
        if QColor(color) != self.color:
            self.color = QColor(color)
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.color)
        p.drawRoundedRect(QRectF(self.rect()), self.radius, self.radius)
        p.end()


class DisplayBoard(QWidget):
    """The whole screen. `set_notice()` for the ticker; everything else comes from the model."""

    def __init__(self, model: DisplayModel, notice: str = "", parent: QWidget | None = None, *,
                 animate: bool = True) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("displayBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#displayBoard {{ background: {BG}; }}")

        self.header = Panel(self, HEADER, name="header")
        self.hall_name = Text(self.header, bold=True, name="hallName")
        self.date = Text(self.header, name="date")
        self.time = Text(self.header, bold=True, align=Qt.AlignmentFlag.AlignRight, name="time")

        # The banner: shown while the link is down, over dimmed data.
        self.banner = Text(self, bold=True, align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                           name="banner")
        self.banner.set_color("white", BANNER)
        self.banner.hide()

        self.body = QWidget(self)
        self.body.setObjectName("body")
        self.hero = Panel(self.body, ROW, name="hero")
        self.caption = Text(self.hero, color=MUTED, name="caption")
        self.number = Text(self.hero, color=NUMBER, bold=True, name="callNumber", caps=True)
        self.arrow = Text(self.hero, name="arrow")
        self.arrow.setText("→")
        self.window = Text(self.hero, bold=True, name="callWindow", break_after="号")
        self.tag = Text(self.hero, color="#ff8a65", bold=True, name="recallTag")
        self.empty = Text(self.hero, color=MUTED, name="empty")
        self.recent = PagedList(self.body, (Column(color=NUMBER, bold=True), Column(wraps=True, break_after="号")),
                                name="recent", background=PANEL)
        self.waiting = PagedList(self.body, (Column(wraps=True), Column(color=NUMBER, bold=True,
                                                                        align=Qt.AlignmentFlag.AlignRight)),
                                 name="waiting", background=PANEL)
        self._dim = QGraphicsOpacityEffect(self.body)
        self._dim.setOpacity(1.0)
        self._dim.setEnabled(False)
        self.body.setGraphicsEffect(self._dim)

        # The ticker: the notice a supervisor posted (from the server), then this display's own (its config).
        self._own_notice = notice
        self._animate = animate
        self.ticker = NoticeTicker(notice, self)
        self.ticker.setVisible(bool(notice))
        self.highlight = ""  # the newest call's blink phase: "", "on", "off"
        self.call: CallRow | None = None
        self._logged: tuple | None = None

        self._blink_on = True
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._on_blink)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.update_clock)
        self.pager = QTimer(self)
        self.pager.setInterval(PAGE_MS)
        self.pager.timeout.connect(self.next_page)
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
        self.refresh()
        if animate:
            self._clock.start()
            self.pager.start()
            self.ticker.start()

    # ------------------------------------------------------------ text

    def retranslate(self) -> None:
        self.caption.setText(self.tr("请以下号码到窗口办理"))
        self.empty.setText(self.tr("暂无呼叫"))
        self.recent.set_caption(self.tr("最近呼叫"))
        self.waiting.set_caption(self.tr("等候人数"))
        self.update_clock()

    def set_notice(self, text: str) -> None:
        """This display's own notice (its config), shown after the one a supervisor posts."""
        self._own_notice = text
        self._update_ticker()

    def _update_ticker(self) -> None:
        # This display's own notice (its config, in its language) stands in for the hall's standing one.
        own = self._own_notice or self.model.hall_notice()
        text = self.model.notice_separator.join(t for t in (self.model.notice_text(), own) if t)
        if text == self.ticker.text():
            return
        self.ticker.set_text(text)
        self.ticker.setVisible(bool(text))
        if self._animate:
            self.ticker.start() if text else self.ticker.stop()
        self._layout()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._layout()

    # ------------------------------------------------------------ geometry

    def _layout(self) -> None:
        """Place and size everything for the board's size and the texts it shows now."""
        w, h = self.width(), self.height()
        if w < 50 or h < 50:
            return
        short = min(w, h)
        u = short / 1080
        portrait = h > w
        m, g = round(20 * u), round(14 * u)
        font = self.font()

        # Header: hall name | date time (landscape), or hall name over date ... time (portrait).
        pad = round(10 * u)
        self.time.set_px(round(60 * u))
        self.date.set_px(round(36 * u))
        tw, dw = self.time.natural_width(), self.date.natural_width()
        inner = w - 2 * m
        if portrait:
            name_w = inner
            self.hall_name.fit(name_w, px_max=round(52 * u), px_min=round(36 * u), max_lines=2)
            nh = self.hall_name.height_for(name_w)
            self.hall_name.setGeometry(m, pad, name_w, nh)
            lh = self.time.line_height()
            self.date.setGeometry(m, pad + nh + g // 2 + (lh - self.date.line_height()) // 2, min(dw, inner - tw - g),
                                  self.date.line_height())
            self.time.setGeometry(w - m - tw, pad + nh + g // 2, tw, lh)
            header_h = pad + nh + g // 2 + lh + pad
        else:
            name_w = inner - tw - dw - 2 * g
            self.hall_name.fit(name_w, px_max=round(52 * u), px_min=round(30 * u), max_lines=1)
            nh = self.hall_name.height_for(name_w)
            header_h = max(nh, self.time.line_height()) + 2 * pad
            self.hall_name.setGeometry(m, (header_h - nh) // 2, name_w, nh)
            self.date.setGeometry(m + name_w + g, (header_h - self.date.line_height()) // 2, dw,
                                  self.date.line_height())
            self.time.setGeometry(w - m - tw, (header_h - self.time.line_height()) // 2, tw, self.time.line_height())
        self.header.setGeometry(0, 0, w, header_h)
        y = header_h

        if not self.banner.isHidden():
            self.banner.fit(w - 2 * m, px_max=round(48 * u), px_min=round(32 * u), max_lines=2)
            bh = self.banner.height_for(w - 2 * m) + 2 * round(10 * u)
            self.banner.setGeometry(0, y, w, bh)
            y += bh
        bottom = h
        if not self.ticker.isHidden():
            self.ticker.set_pixel_size(round(40 * u))
            bottom -= self.ticker.height()
            self.ticker.setGeometry(0, bottom, w, self.ticker.height())
        self.body.setGeometry(0, y, w, bottom - y)

        # The newest call.
        hp = round(16 * u)
        self.hero.radius = round(14 * u)
        hero_w = inner
        iw = hero_w - 2 * hp
        self.caption.fit(iw, px_max=round(38 * u), px_min=round(28 * u), max_lines=2)
        ch = self.caption.height_for(iw)
        self.caption.setGeometry(hp, hp, iw, ch)
        top = hp + ch
        if self.call is None:
            self.empty.set_px(round(64 * u))
            eh = self.empty.height_for(iw)
            self.empty.setGeometry(hp, top, iw, eh)
            hero_h = top + eh + hp
        else:
            hero_h = self._layout_call(u, iw, hp, top, portrait) + hp
        self.hero.setGeometry(m, m, hero_w, hero_h)

        # The lists under it: side by side (landscape) or one above the other (portrait).
        row_px = px_for_cap(font, ROW_CAP * short, bold=True)
        ly = m + hero_h + g
        lh = self.body.height() - ly - m
        for lst in (self.recent, self.waiting):
            lst.set_metrics(u, row_px)
        if portrait:
            rh = split_height(lh - g, self.recent.row_heights(inner), self.waiting.row_heights(inner))
            self.recent.setGeometry(m, ly, inner, rh)
            self.waiting.setGeometry(m, ly + rh + g, inner, lh - rh - g)
        else:  # the recent calls as wide as they need, within limits; the waiting list the rest
            rw = round(min(max(self.recent.natural_width(), 0.3 * (inner - g)), 0.5 * (inner - g)))
            self.recent.setGeometry(m, ly, rw, lh)
            self.waiting.setGeometry(m + rw + g, ly, inner - rw - g, lh)
        self.recent.relayout()
        self.waiting.relayout()

    def _layout_call(self, u: float, iw: int, hp: int, top: int, portrait: bool) -> int:
        """Number, arrow, window name and recall tag of the newest call from `top`; returns the bottom."""
        font = self.font()
        short = min(self.width(), self.height())
        num_px = px_for_cap(font, HERO_CAP * self.height(), bold=True)
        name_px = px_for_cap(font, NAME_CAP * short, bold=True)
        floor_px = px_for_cap(font, NAME_FLOOR * short, bold=True)
        g = round(28 * u)
        tag_w = 0
        if self.tag.text():
            self.tag.set_px(round(44 * u))
            tag_w = self.tag.natural_width() + g
        self.number.fit(iw - tag_w, px_max=num_px, px_min=num_px)  # a number too wide for the screen shrinks
        nw, nh = self.number.natural_width(), self.number.line_height()
        self.arrow.set_px(round(self.number.px() * 0.6))
        aw = self.arrow.natural_width()
        beside = iw - nw - aw - 2 * g - tag_w
        if not portrait and beside >= 0.4 * iw:
            self.window.fit(beside, px_max=name_px, px_min=floor_px, max_lines=1)
            wh = self.window.height_for(beside)
            row_h = max(nh, wh)
            self.number.setGeometry(hp, top + (row_h - nh) // 2, nw, nh)
            self.arrow.setGeometry(hp + nw + g, top + (row_h - self.arrow.line_height()) // 2, aw,
                                   self.arrow.line_height())
            self.window.setGeometry(hp + nw + g + aw + g, top + (row_h - wh) // 2, beside, wh)
            self.arrow.show()
            if tag_w:
                self.tag.setGeometry(hp + iw - tag_w + g, top + (row_h - self.tag.line_height()) // 2,
                                     tag_w - g, self.tag.line_height())
            return top + row_h
        # Stacked: the number (and tag) on one line, the window's name under it across the whole width.
        self.arrow.hide()
        self.number.setGeometry(hp, top, nw, nh)
        if tag_w:
            self.tag.setGeometry(hp + nw + g, top + (nh - self.tag.line_height()) // 2, tag_w - g,
                                 self.tag.line_height())
        self.window.fit(iw, px_max=name_px, px_min=floor_px, max_lines=1)
        wh = self.window.height_for(iw)
        self.window.setGeometry(hp, top + nh, iw, wh)
        return top + nh + wh

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
        self.call, recent = m.wall_calls()  # the newest shown largest, the ones before it in the recent list
        has_hall = m.state.hall is not None
        self.hero.setVisible(has_hall)
        self.recent.setVisible(has_hall)
        self.waiting.setVisible(has_hall)
        for part in (self.number, self.arrow, self.window, self.tag):
            part.setVisible(self.call is not None)
        self.empty.setVisible(self.call is None)
        self.number.setText(self.call.number if self.call else "")
        self.window.setText(self.call.window_name if self.call else "")
        self.tag.setText(self.tr("重呼") if self.call and self.call.recall else "")
        self.recent.set_rows([(c.number, c.window_name) for c in recent])
        shown = (self.call.key if self.call else None, len(recent))
        if self.call and shown != self._logged:  # what the wall shows, for whoever set it up (and the e2e tests)
            self._logged = shown
            log.info("on the wall: %s → %s (%d before it)", self.call.number, self.call.window_name, len(recent))
        people, closed = self.tr("%1 人"), self.tr("暂停")
        self.waiting.set_rows([(s.name, people.replace("%1", str(s.waiting)) if s.open else closed)
                               for s in m.services()])
        self._update_ticker()
        self.refresh_link()  # the first snapshot ends the "connecting" banner (it comes after "online"); lays out
        self._on_blink(restart=True)

    @Slot()
    def next_page(self) -> None:
        self.recent.next_page()
        self.waiting.next_page()

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
        self.update_clock()
        self._layout()
        self._dim.setOpacity(STALE_OPACITY)
        self._dim.setEnabled(m.offline)
        self.setProperty("stale", m.offline)

    @Slot()
    def update_clock(self) -> None:
        if not self.model.knows_time:  # the hall's zone and clock come with the first snapshot
            self.date.setText("")
            self.time.setText("")
            return
        self._update_ticker()  # a posted notice ends at its `until`
        now = self.model.clock()
        # English weekday names on an English screen, whatever the machine's own locale.
        locale = QLocale(QLocale.Language.English) if self.model.lang == "en" else QLocale()
        date = locale.toString(now.date(), self.tr("yyyy年M月d日 dddd"))
        clock = now.strftime("%H:%M:%S")
        resized = len(date) != len(self.date.text()) or not self.time.text()
        self.date.setText(date)
        self.time.setText(clock)
        if resized:  # a new day's date may be longer: the header is laid out again (not every second)
            self._layout()

    def _on_blink(self, restart: bool = False) -> None:
        left = self.model.highlight_left()
        self._blink_on = True if restart else not self._blink_on
        lit = self.call is not None and self.model.highlighted(self.call)
        self.set_highlight(("on" if self._blink_on else "off") if lit else "")
        if left > 0 and not self._blink.isActive():
            self._blink.start()
        elif left <= 0:
            self._blink.stop()

    def set_highlight(self, phase: str) -> None:
        self.highlight = phase
        bg, num, fg = {"on": (HIGHLIGHT_ON, BG, BG), "off": (HIGHLIGHT_OFF, NUMBER, "white")}.get(
            phase, (ROW, NUMBER, "white"))
        self.hero.set_color(bg if self.call is not None else PANEL)  # no call: a plain panel, not a call's row
        self.number.set_color(num)
        self.window.set_color(fg)
        self.arrow.set_color(fg)
        self.caption.set_color(BG if phase == "on" else MUTED)
        self.tag.set_color("#b71c1c" if phase == "on" else "#ff8a65")
