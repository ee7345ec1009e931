"""The confirmation screen: the number very large, people ahead, QR, materials; 请拍照留存 when the ticket did not print."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.models import KioskView, PrintState, printer_problem_text
from kiosk.widgets.common import QrWidget, button, label, scaled


class TicketScreen(QWidget):
    home_requested = Signal()
    reprint_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._printed = False
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 10, 40, 20)
        root.setSpacing(12)
        self.headline = label(role="ok", align=Qt.AlignmentFlag.AlignCenter)
        self.headline.setObjectName("ticketHeadline")
        root.addWidget(self.headline)

        self.card = QWidget()
        self.card.setProperty("role", "card")
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.card)
        self.body.setContentsMargins(30, 20, 30, 20)
        self.body.setSpacing(24)
        root.addWidget(self.card)
        self.root = root
        root.addStretch(1)

        left = QVBoxLayout()
        left.setSpacing(6)
        self.service = label(role="big", align=Qt.AlignmentFlag.AlignCenter)
        self.number = label(role="number", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.number.setObjectName("ticketNumber")
        self.ahead = label(role="big", align=Qt.AlignmentFlag.AlignCenter)
        self.ahead.setObjectName("peopleAhead")
        self.wait = label(align=Qt.AlignmentFlag.AlignCenter)
        for w in (self.service, self.number, self.ahead, self.wait):
            left.addWidget(w)
        left.setAlignment(Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.setSpacing(10)
        qr_row = QHBoxLayout()
        self.qr = QrWidget()
        self.qr.setObjectName("ticketQr")
        qr_row.addStretch(1)
        qr_row.addWidget(self.qr)
        qr_row.addStretch(1)
        right.addLayout(qr_row)
        self.materials_title = label(role="section")
        self.materials = label(role="note")
        self.materials.setObjectName("materials")
        right.addWidget(self.materials_title)
        right.addWidget(self.materials)
        right.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(left, 3)
        self.body.addLayout(right, 2)

        self.print_note = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.print_note.setObjectName("printNote")
        root.addWidget(self.print_note)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.reprint = button(name="reprintButton")
        self.reprint.clicked.connect(self.reprint_requested)
        self.done = button(role="quiet", name="ticketDone")
        self.done.clicked.connect(self.home_requested)
        row.addWidget(self.reprint)
        row.addWidget(self.done)
        root.addLayout(row)
        self.countdown = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.countdown)

    def set_countdown(self, seconds: int) -> None:
        self.countdown.setText(self.tr("%1 秒后返回首页").replace("%1", str(seconds)) if seconds > 0 else "")

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # A tap anywhere returns home once the ticket is printed; not when it failed: the citizen
        # must be able to photograph the number without losing it to a stray touch.
        if self._printed:
            self.home_requested.emit()
        super().mousePressEvent(event)

    def render(self, v: KioskView) -> None:
        t = v.ticket
        self._printed = t is not None and t.print_state == PrintState.PRINTED
        if t is None:
            return
        landscape = v.orientation == "landscape"
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)
        failed = t.print_state == PrintState.FAILED
        if failed:
            self.headline.setProperty("role", "warn")
            self.headline.setText(self.tr("号票未能打印 · 请拍照留存"))
        elif t.print_state == PrintState.PRINTING:
            self.headline.setProperty("role", "ok")
            self.headline.setText(self.tr("取号成功 · 正在打印号票…"))
        else:
            self.headline.setProperty("role", "ok")
            self.headline.setText(self.tr("取号成功 · 请取走号票"))
        self.headline.style().unpolish(self.headline)
        self.headline.style().polish(self.headline)
        label_text = (t.priority_label_en if v.lang == "en" else t.priority_label_zh) or ""
        self.service.setText(t.service_name(v.lang) + (f" · {label_text}" if label_text else ""))
        self.number.setText(t.number)
        # Very large already (not scaled for elderly mode), yet a 6-character number still fits
        # the narrow side of a portrait screen. A style sheet, since the sheet's QLabel rule beats setFont.
        size = (260 if landscape else 290) if len(t.number) <= 4 else (200 if landscape else 210)
        self.number.setStyleSheet(f"font-size: {size}px; font-weight: bold; color: #0b3d91;")
        self.number.setMinimumHeight(round(size * 1.3))  # never squeezed: it is the one thing that matters
        self.root.setStretchFactor(self.card, 1 if landscape else 0)
        self.ahead.setText(self.tr("您前面还有 %1 人").replace("%1", str(t.people_ahead)))
        self.wait.setText(self.tr("预计等候约 %1 分钟").replace("%1", str(t.wait_minutes)))
        self.qr.set_data(t.qr_data, 260 if landscape else scaled(300, v.elderly))
        self.materials_title.setText(self.tr("请准备以下材料："))
        self.materials_title.setVisible(bool(t.materials))
        self.materials.setText("\n".join(f"· {m}" for m in t.materials))
        self.materials.setVisible(bool(t.materials))
        if failed:
            self.print_note.setProperty("role", "warn")
            self.print_note.setText(printer_problem_text(t.printer_state) + " · "
                                    + self.tr("您的号码有效，请拍照留存此页面，并告知工作人员。"))
        else:
            self.print_note.setProperty("role", "note")
            self.print_note.setText(self.tr("请留意叫号，过号请到服务台"))
        self.print_note.style().unpolish(self.print_note)
        self.print_note.style().polish(self.print_note)
        self.reprint.setVisible(failed)
        self.reprint.setEnabled(failed and v.printer_ok)
        self.reprint.setText(self.tr("重新打印") if v.printer_ok else self.tr("等待打印机恢复…"))
        self.done.setText(self.tr("完成，返回首页"))
