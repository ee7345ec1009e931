"""The confirmation screen: the number very large, people ahead, QR, materials; 请拍照留存 when the ticket did not print.

It follows the printer as it is now: paper back in turns "打印机缺纸" into "print again".
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from kiosk.models import KioskView, PrintState, printer_problem_text
from kiosk.widgets.common import BigNumber, FitLabel, QrWidget, button, label, scaled
from printers.layout import LABELS as TICKET_LABELS

BOLD = "font-weight: bold;"
QWIDGETSIZE_MAX = (1 << 24) - 1
LTR, TTB = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom


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

        # Portrait: the card, then the note and buttons under it. Landscape: the card on the left, the
        # note and buttons in a column on the right (the screen is too short to stack them).
        self.body = QBoxLayout(TTB)
        self.body.setSpacing(24)
        root.addLayout(self.body, 1)
        self.card = QWidget()
        self.card.setProperty("role", "card")
        self.card_body = QBoxLayout(TTB, self.card)
        self.card_body.setContentsMargins(30, 20, 30, 20)
        self.card_body.setSpacing(24)
        self.body.addWidget(self.card, 1)

        info = QVBoxLayout()
        info.setSpacing(6)
        # A long name (or one with its priority class) takes two lines of smaller type, not four.
        self.service = FitLabel(44, BOLD, max_lines=2, floor=0.6)
        self.service.setObjectName("ticketService")
        self.number = BigNumber()
        self.number.setObjectName("ticketNumber")
        self.ahead = FitLabel(44, BOLD, max_lines=1)
        self.ahead.setObjectName("peopleAhead")
        self.wait = label(align=Qt.AlignmentFlag.AlignCenter)
        self.wait.setObjectName("ticketWait")
        # The printed ticket's times too: when it did not print, a photo of this screen replaces it.
        self.times = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.times.setObjectName("ticketTimes")
        info.addStretch(1)
        for w in (self.service, self.number, self.ahead, self.wait, self.times):
            info.addWidget(w)
        info.addStretch(1)
        # Portrait: QR beside the materials. Landscape: QR above them.
        self.extra = QBoxLayout(LTR)
        self.extra.setSpacing(24)
        self.qr = QrWidget()
        self.qr.setObjectName("ticketQr")
        self.extra.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignCenter)
        materials = QVBoxLayout()
        materials.setSpacing(6)
        self.materials_title = label(role="section")
        self.materials_title.setObjectName("materialsTitle")
        self.materials = label(role="note")
        self.materials.setObjectName("materials")
        materials.addWidget(self.materials_title)
        materials.addWidget(self.materials)
        # 一票到底: the bundle's steps, as the printed ticket lists them.
        self.steps_title = label(role="section")
        self.steps_title.setObjectName("stepsTitle")
        self.steps = label(role="note")
        self.steps.setObjectName("ticketSteps")
        materials.addWidget(self.steps_title)
        materials.addWidget(self.steps)
        materials.addStretch(1)
        self.extra.addLayout(materials, 1)
        self.card_body.addLayout(info, 3)
        self.card_body.addLayout(self.extra, 2)

        side = QVBoxLayout()
        side.setSpacing(12)
        self.print_note = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.print_note.setObjectName("printNote")
        side.addWidget(self.print_note)
        side.addStretch(1)  # landscape: the note at the top of the column, the buttons at its foot
        self.buttons = QBoxLayout(LTR)
        self.buttons.setSpacing(24)
        self.reprint = button(name="reprintButton")
        self.reprint.clicked.connect(self.reprint_requested)
        self.done = button(role="quiet", name="ticketDone")
        self.done.clicked.connect(self.home_requested)
        self.buttons.addWidget(self.reprint)
        self.buttons.addWidget(self.done)
        side.addLayout(self.buttons)
        self.countdown = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.countdown.setObjectName("countdown")
        side.addWidget(self.countdown)
        self.side_host = QWidget()
        self.side_host.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.side_host)

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
        words = TICKET_LABELS["en" if v.lang == "en" else "zh"]  # the printed ticket's own words
        self.body.setDirection(LTR if landscape else TTB)
        self.card_body.setDirection(LTR if landscape else TTB)
        self.extra.setDirection(TTB if landscape else LTR)
        self.buttons.setDirection(TTB if landscape else LTR)
        if landscape:  # wide enough for its buttons' words, never more than a third of the screen
            self.side_host.setMinimumWidth(480 if v.elderly else 420)
            self.side_host.setMaximumWidth(640)
        else:
            self.side_host.setMinimumWidth(0)
            self.side_host.setMaximumWidth(QWIDGETSIZE_MAX)

        failed = t.print_state == PrintState.FAILED
        if failed:
            self._set_role(self.headline, "warn")
            self.headline.setText(self.tr("号票未能打印 · 请拍照留存"))
        elif t.print_state == PrintState.PRINTING:
            self._set_role(self.headline, "ok")
            self.headline.setText(self.tr("取号成功 · 正在打印号票…"))
        else:
            self._set_role(self.headline, "ok")
            self.headline.setText(self.tr("取号成功 · 请取走号票"))
        label_text = (t.priority_label_en if v.lang == "en" else t.priority_label_zh) or ""
        self.service.setText(t.service_name(v.lang) + (f" · {label_text}" if label_text else ""))
        # Very large already (not scaled for elderly mode), yet a 6-character number still fits
        # the narrow side of a portrait screen.
        size = (250 if landscape else 290) if len(t.number) <= 4 else (190 if landscape else 210)
        self.number.set_number(t.number, size)
        self.service.set_size(scaled(44, v.elderly))
        self.ahead.set_size(scaled(44, v.elderly))
        self.ahead.setText(self.tr("您前面还有 %1 人").replace("%1", str(t.people_ahead)))
        self.wait.setText(self.tr("预计等候约 %1 分钟").replace("%1", str(t.wait_minutes)))
        times = [words["issued"].format(t=f"{v.hall_time(t.issued_at):%H:%M}")]
        if t.appointment_at is not None:
            times.append(self.tr("预约时段 %1").replace("%1", f"{v.hall_time(t.appointment_at):%H:%M}"))
        self.times.setText(" · ".join(times))
        self.qr.set_data(t.qr_data, 220 if landscape else 300)
        self.materials_title.setText(words["materials"])
        self.materials_title.setVisible(bool(t.materials))
        items = t.materials_in(v.lang)
        # English items run about twice as long as Chinese ones: smaller type, so the list fits beside the QR.
        px = scaled(20 if landscape else 24, v.elderly)
        self.materials.setStyleSheet(f"font-size: {px}px;" if v.lang == "en" else "")
        self.materials.setText("\n".join(f"· {m}" for m in items))
        self.materials.setVisible(bool(t.materials))
        steps = t.steps_en if v.lang == "en" and t.steps_en else t.steps_zh
        self.steps_title.setText(words["steps"])
        self.steps.setText("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
        self.steps_title.setVisible(bool(steps))
        self.steps.setVisible(bool(steps))

        if failed and v.printer_ok:
            # The printer's state now, not when the print failed: paper back in means "print again".
            self._set_role(self.print_note, "ok")
            self.print_note.setText(self.tr("打印机已恢复，请点击“重新打印”取号票。"))
        elif failed:
            self._set_role(self.print_note, "warn")
            self.print_note.setText(printer_problem_text(v.printer_state) + "\n"
                                    + self.tr("您的号码有效，请拍照留存此页面，并告知工作人员。"))
        else:
            self._set_role(self.print_note, "note")
            self.print_note.setText(self.tr("请留意叫号，过号请到服务台"))
        self.reprint.setVisible(failed)
        self.reprint.setEnabled(failed and v.printer_ok)
        self.reprint.setText(self.tr("重新打印") if v.printer_ok else self.tr("等待打印机恢复…"))
        self.done.setText(self.tr("完成，返回首页"))

    @staticmethod
    def _set_role(w: QWidget, role: str) -> None:
        if w.property("role") != role:
            w.setProperty("role", role)
            w.style().unpolish(w)
            w.style().polish(w)
