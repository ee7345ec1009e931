"""The home screen: services as large touch buttons grouped by category (or categories first), 预约取号 and 绿色通道."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.models import KioskView, Screen, ServiceButton, categories, printer_problem_text
from kiosk.widgets.common import Tile, button, clear_layout, label


class HomeScreen(QWidget):
    """Renders KioskView on the HOME and CATEGORY screens; emits what the citizen tapped."""

    service_requested = Signal(str)  # service code
    category_requested = Signal(str)
    appointment_requested = Signal()
    green_requested = Signal()
    green_cancel_requested = Signal()
    home_requested = Signal()
    reprint_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[str, Tile] = {}  # service code (or "cat:<name>") -> tile
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

        self.title = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.title)
        self.grid_host = QWidget()
        self.grid = QVBoxLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(14)
        root.addWidget(self.grid_host, 1)

        self.printer_note = label(role="warn", align=Qt.AlignmentFlag.AlignCenter)
        self.printer_note.setObjectName("printerNote")
        root.addWidget(self.printer_note)
        self.reprint = button(role="quiet", name="homeReprint", min_height=90)
        self.reprint.clicked.connect(self.reprint_requested)
        root.addWidget(self.reprint)

        self.actions = QHBoxLayout()
        self.actions.setSpacing(24)
        self.back = button(role="quiet", name="categoryBack")
        self.back.clicked.connect(self.home_requested)
        self.appointment = button(name="appointmentButton")
        self.appointment.clicked.connect(self.appointment_requested)
        self.green = button(role="green", name="greenButton")
        self.green.clicked.connect(self.green_requested)
        for b in (self.back, self.appointment, self.green):
            self.actions.addWidget(b)
        root.addLayout(self.actions)

    def _columns(self, v: KioskView) -> int:
        if v.orientation == "landscape":
            return 3 if v.elderly else 4
        return 1 if v.elderly else 2

    @staticmethod
    def _tile_height(v: KioskView) -> int:
        if v.orientation == "landscape":
            return 160 if v.elderly else 120
        return 190 if v.elderly else 150

    def render(self, v: KioskView) -> None:
        in_category = v.screen == Screen.CATEGORY
        self.banner.setVisible(v.green)
        self.banner_text.setText(self.tr("绿色通道：请选择要办理的业务"))
        self.banner_cancel.setText(self.tr("取消"))
        if in_category:
            self.title.setText(v.category or self.tr("其他业务"))
        else:
            self.title.setText(self.tr("请选择要办理的业务") if not v.by_category else self.tr("请选择业务类别"))

        show_categories = v.by_category and not in_category
        buttons = v.category_buttons() if in_category else v.buttons
        shape = (show_categories, tuple(b.code for b in buttons), v.lang, v.elderly, v.orientation, v.category)
        if shape != self._shape:
            self._rebuild(v, buttons, show_categories)
            self._shape = shape
        if show_categories:
            for cat in categories(v.buttons):
                members = [b for b in v.buttons if b.category == cat]
                open_ = [b for b in members if b.enabled]
                self.tiles[f"cat:{cat}"].set_texts(
                    cat or self.tr("其他业务"),
                    self.tr("%1 项业务").replace("%1", str(len(members))) if open_ else self.tr("暂不可取号"),
                    elderly=v.elderly, enabled=bool(open_), height=self._tile_height(v))
        else:
            for b in buttons:
                self._render_tile(self.tiles[b.code], b, v)

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

    def _render_tile(self, tile: Tile, b: ServiceButton, v: KioskView) -> None:
        if b.enabled:
            info = self.tr("等候 %1 人 · 约 %2 分钟").replace("%1", str(b.waiting)).replace("%2", str(b.wait_minutes))
        else:
            info = b.reason_text()
        tile.set_texts(b.name(v.lang), info, elderly=v.elderly, enabled=b.enabled, warn=not b.enabled,
                       height=self._tile_height(v))

    def _rebuild(self, v: KioskView, buttons: list[ServiceButton], show_categories: bool) -> None:
        clear_layout(self.grid)
        self.tiles.clear()
        cols = self._columns(v)
        if show_categories:
            if v.orientation == "landscape":
                cols = 4  # category names are short; a third row would not fit under the header
            grid = QGridLayout()
            grid.setSpacing(16)
            for i, cat in enumerate(categories(v.buttons)):
                tile = Tile(f"category-{cat or 'other'}")
                tile.clicked.connect(lambda _=False, c=cat: self.category_requested.emit(c))
                self.tiles[f"cat:{cat}"] = tile
                grid.addWidget(tile, i // cols, i % cols)
            self.grid.addLayout(grid)
            self.grid.addStretch(1)
            self._show_tiles()
            return
        # Grouped by category, each group under its heading (one group: no heading needed) when
        # that fits the screen; otherwise one grid, still in category order.
        groups = categories(buttons)
        tile_h = self._tile_height(v) + 16
        rows = sum(-(-len([b for b in buttons if b.category == c]) // cols) for c in groups)
        budget = (1920 if v.orientation == "portrait" else 1080) - 640
        if len(groups) > 1 and rows * tile_h + len(groups) * 56 > budget:
            groups = groups[:1]
            buttons = [b for c in categories(buttons) for b in buttons if b.category == c]
            buttons = [dataclasses.replace(b, category=groups[0]) for b in buttons]
        for cat in groups:
            if len(groups) > 1:
                heading = label(cat or self.tr("其他业务"), role="section")
                self.grid.addWidget(heading)
                heading.show()
            grid = QGridLayout()
            grid.setSpacing(16)
            for i, b in enumerate(x for x in buttons if x.category == cat):
                tile = Tile(f"service-{b.code}")
                tile.clicked.connect(lambda _=False, code=b.code: self.service_requested.emit(code))
                self.tiles[b.code] = tile
                grid.addWidget(tile, i // cols, i % cols)
            self.grid.addLayout(grid)
        self.grid.addStretch(1)
        self._show_tiles()

    def _show_tiles(self) -> None:
        # Now, not on a later turn of the event loop (Qt's default for widgets added to a shown
        # parent): the screen may be switched away before then and the tiles would stay hidden.
        for tile in self.tiles.values():
            tile.show()
