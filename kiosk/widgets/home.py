"""The home screen: services as large touch buttons (or categories first) on pages, 预约取号 and 绿色通道.

Rule: the tiles of a page share a fixed grid that fits the screen, so nothing runs off it; more
services make more pages (上一页/下一页), never smaller or overlapping tiles.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.models import CategoryEntry, KioskView, Screen, ServiceButton, printer_problem_text
from kiosk.widgets.common import Tile, button, clear_layout, label

LTR, TTB = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
# How much of its services' names a category tile lists (a hanzi counts 2, a Latin letter 1);
# names that would pass it are left to the "… N in all".
CATEGORY_NAMES_WIDTH = 28


def breakable(name: str) -> str:
    """A name with a slash wraps after it ("企业开办/" + "营业执照", not "企业开办/营业执" + "照"):
    short parts are held together (word joiners), the slash is a break opportunity."""
    parts = name.split("/")
    if len(parts) > 1 and all(len(p) <= 8 for p in parts):
        return "/\u200b".join("\u2060".join(p) if not p.isascii() else p for p in parts)
    return name


def text_width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


class HomeScreen(QWidget):
    """Renders KioskView on the HOME and CATEGORY screens; emits what the citizen tapped."""

    service_requested = Signal(str)  # service code
    category_requested = Signal(str)
    page_requested = Signal(int)  # -1: 上一页, +1: 下一页
    appointment_requested = Signal()
    green_requested = Signal()
    green_cancel_requested = Signal()
    home_requested = Signal()
    reprint_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[str, Tile] = {}  # service code (or "cat:<name>") -> tile, on the page shown
        self._shape: tuple | None = None
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 10, 40, 20)
        root.setSpacing(18)

        self.banner = QWidget()
        self.banner.setProperty("role", "greenBanner")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(24, 12, 24, 12)
        self.banner_text = label(role="big")
        self.banner_text.setStyleSheet("color: #1b5e20;")
        self.banner_cancel = button(role="quiet", name="greenCancel", min_height=80)
        self.banner_cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.banner_cancel.clicked.connect(self.green_cancel_requested)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.banner_cancel)
        root.addWidget(self.banner)

        # Portrait: one column, the page and action buttons at the bottom. Landscape: the tiles
        # on the left, a side column on the right for them (the screen is too short for rows).
        self.body = QBoxLayout(TTB)
        self.body.setSpacing(24)
        root.addLayout(self.body, 1)
        main = QVBoxLayout()
        main.setSpacing(18)
        self.title = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        self.title.setObjectName("homeTitle")
        main.addWidget(self.title)
        self.grid_host = QWidget()
        self.grid_host.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        main.addWidget(self.grid_host, 1)
        self.notice = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.notice.setObjectName("kioskNotice")  # the hall's standing notice (its configuration)
        main.addWidget(self.notice)
        self.printer_note = label(role="warn", align=Qt.AlignmentFlag.AlignCenter)
        self.printer_note.setObjectName("printerNote")
        main.addWidget(self.printer_note)
        self.reprint = button(role="quiet", name="homeReprint", min_height=90)
        self.reprint.clicked.connect(self.reprint_requested)
        main.addWidget(self.reprint)
        self.body.addLayout(main, 1)

        self.side = QVBoxLayout()
        self.side.setSpacing(18)
        self.pager = QBoxLayout(LTR)
        self.pager.setSpacing(18)
        self.previous = button(role="page", name="previousPage")
        self.previous.clicked.connect(lambda: self.page_requested.emit(-1))
        self.page_label = label(role="big", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.page_label.setObjectName("pageLabel")
        self.next = button(role="page", name="nextPage")
        self.next.clicked.connect(lambda: self.page_requested.emit(1))
        for w in (self.previous, self.page_label, self.next):
            self.pager.addWidget(w)
        self.side.addLayout(self.pager)
        self.side.addStretch(1)
        self.actions = QBoxLayout(LTR)
        self.actions.setSpacing(24)
        self.back = button(role="quiet", name="categoryBack")
        self.back.clicked.connect(self.home_requested)
        self.appointment = button(name="appointmentButton")
        self.appointment.clicked.connect(self.appointment_requested)
        self.green = button(role="green", name="greenButton")
        self.green.clicked.connect(self.green_requested)
        for b in (self.back, self.appointment, self.green):
            self.actions.addWidget(b)
        self.side.addLayout(self.actions)
        self.body.addLayout(self.side)

    def render(self, v: KioskView) -> None:
        in_category = v.screen == Screen.CATEGORY
        landscape = v.orientation == "landscape"
        self.body.setDirection(LTR if landscape else TTB)
        for box in (self.pager, self.actions):
            box.setDirection(TTB if landscape else LTR)
        side_width = (480 if v.elderly else 400) if landscape else 0
        for b in (self.previous, self.next, self.back, self.appointment, self.green):
            b.setMinimumWidth(side_width)
        self.page_label.setMinimumWidth(side_width)

        self.banner.setVisible(v.green)
        self.banner_text.setText(self.tr("绿色通道：请选择要办理的业务"))
        self.banner_cancel.setText(self.tr("取消"))
        if in_category:
            self.title.setText(v.category_label() or self.tr("其他业务"))
        else:
            self.title.setText(self.tr("请选择业务类别") if v.by_category else self.tr("请选择要办理的业务"))

        entries = v.page_entries()
        shape = (tuple(self._key(e) for e in entries), v.grid, v.lang, v.elderly, v.orientation)
        if shape != self._shape:
            self._rebuild(v, entries)
            self._shape = shape
        for entry in entries:
            tile = self.tiles[self._key(entry)]
            if isinstance(entry, CategoryEntry):
                self._render_category(tile, entry, v)
            else:
                self._render_service(tile, entry, v)

        pages = v.page_count
        for w in (self.previous, self.page_label, self.next):
            w.setVisible(pages > 1)
        self.previous.setText(self.tr("上一页"))
        self.next.setText(self.tr("下一页"))
        self.previous.setEnabled(v.current_page > 0)
        self.next.setEnabled(v.current_page < pages - 1)
        self.page_label.setText(self.tr("第 %1/%2 页").replace("%1", str(v.current_page + 1)).replace("%2", str(pages)))

        self.notice.setText(v.notice())
        self.notice.setVisible(bool(v.notice()))
        if not v.printer_ok:
            self.printer_note.setText(printer_problem_text(v.printer_state) + " · "
                                      + self.tr("号码将显示在屏幕上，请拍照留存"))
        self.printer_note.setVisible(not v.printer_ok)
        self.reprint.setVisible(v.unprinted is not None and v.printer_ok)
        if v.unprinted is not None:
            self.reprint.setText(self.tr("打印机已恢复：补打号票 %1").replace("%1", v.unprinted.number))
        self.back.setVisible(in_category)
        self.back.setText(self.tr("返回"))
        self.appointment.setText(self.tr("预约取号"))
        self.appointment.setVisible(v.has_appointments and not v.green and not in_category)
        self.green.setText(self.tr("绿色通道"))
        self.green.setVisible(v.has_green and not v.green and not in_category)
        for b in (self.back, self.appointment, self.green):
            b.setMinimumHeight(140 if v.elderly else 110)
        for b in (self.previous, self.next):
            b.setMinimumHeight(120 if v.elderly else 100)

    @staticmethod
    def _key(entry: ServiceButton | CategoryEntry) -> str:
        return f"cat:{entry.name}" if isinstance(entry, CategoryEntry) else entry.code

    def _render_service(self, tile: Tile, b: ServiceButton, v: KioskView) -> None:
        if b.enabled:
            info = self.tr("等候 %1 人 · 约 %2 分钟").replace("%1", str(b.waiting)).replace("%2", str(b.wait_minutes))
        else:
            info = b.reason_text(v.lang)
        note = ""
        if b.extended_until is not None:
            note = self.tr("延时服务至 %1").replace("%1", f"{b.extended_until:%H:%M}")
        tile.set_texts(breakable(b.name(v.lang)), info, elderly=v.elderly, enabled=b.enabled, warn=not b.enabled, note=note)

    def _render_category(self, tile: Tile, c: CategoryEntry, v: KioskView) -> None:
        # The services themselves, not an administrative count: a citizen looks for "社会保险",
        # not for "人社医保".
        sep = ", " if v.lang == "en" else "、"
        names: list[str] = []
        for b in c.services:
            name = b.name(v.lang)
            if text_width(sep.join([*names, name])) <= CATEGORY_NAMES_WIDTH:
                names.append(name)
        if len(names) == len(c.services):
            info = sep.join(names)
        elif names:
            info = self.tr("%1 等 %2 项").replace("%1", sep.join(names)).replace("%2", str(len(c.services)))
        else:
            info = self.tr("%1 项业务").replace("%1", str(len(c.services)))
        if not c.enabled:
            info = self.tr("暂不可取号")
        tile.set_texts(c.label(v.lang) or self.tr("其他业务"), info, elderly=v.elderly, enabled=c.enabled)

    def _rebuild(self, v: KioskView, entries: list[ServiceButton | CategoryEntry]) -> None:
        clear_layout(self.grid)
        self.tiles.clear()
        cols, rows = v.grid
        for r in range(max(rows, self.grid.rowCount())):
            self.grid.setRowStretch(r, 1 if r < rows else 0)
        for c in range(max(cols, self.grid.columnCount())):
            self.grid.setColumnStretch(c, 1 if c < cols else 0)
        for i in range(cols * rows):
            if i < len(entries):
                entry = entries[i]
                if isinstance(entry, CategoryEntry):
                    cell = Tile(f"category-{entry.name or 'other'}")
                    cell.clicked.connect(lambda _=False, c=entry.name: self.category_requested.emit(c))
                else:
                    cell = Tile(f"service-{entry.code}")
                    cell.clicked.connect(lambda _=False, code=entry.code: self.service_requested.emit(code))
                self.tiles[self._key(entry)] = cell
            else:
                # An empty cell keeps the last page's tiles the size of the others.
                cell = QWidget()
                cell.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.grid.addWidget(cell, i // cols, i % cols)
            # Now, not on a later turn of the event loop (Qt's default for widgets added to a shown
            # parent): the screen may be switched away before then and the tiles would stay hidden.
            cell.show()
