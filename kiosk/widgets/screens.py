"""The small screens: the header (hall name, clock, toggles), busy, message (a refusal explained), 暂停取号, admin."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.models import KioskView, printer_problem_text
from kiosk.widgets.common import FitLabel, button, label


HALL_STYLE = "color: #0b3d91; font-weight: bold;"


class TapLabel(FitLabel):
    """A label that reports taps: the hall name looks like a title (and wraps like one), yet counts taps."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class Header(QWidget):
    """Hall name (five quick taps on it: the admin gesture), clock, language and elderly-mode toggles."""

    hall_tapped = Signal()
    language_toggle_requested = Signal()
    elderly_toggle_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 20, 40, 6)
        root.setSpacing(8)
        top = QHBoxLayout()
        # Looks like a title, but takes taps: the admin gesture needs no visible control.
        self.hall = TapLabel(40, HALL_STYLE, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.hall.setObjectName("hallName")
        self.hall.setMinimumHeight(70)
        self.hall.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.hall.clicked.connect(self.hall_tapped)
        self.clock = label(role="clock", wrap=False, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock.setObjectName("clock")
        top.addWidget(self.hall, 1)
        top.addWidget(self.clock)
        root.addLayout(top)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.badge_slot = QHBoxLayout()
        row.addLayout(self.badge_slot)
        row.addStretch(1)
        self.language = button(role="quiet", name="languageToggle", min_height=70)
        self.elderly = button(role="quiet", name="elderlyToggle", min_height=70)
        for b in (self.language, self.elderly):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(b)
        self.language.clicked.connect(self.language_toggle_requested)
        self.elderly.clicked.connect(self.elderly_toggle_requested)
        root.addLayout(row)

    def set_clock(self, now: datetime, v: KioskView) -> None:
        """The hall's time (not the device's: the tickets carry the hall's)."""
        now = v.hall_time(now)
        if v.elderly and v.orientation == "portrait":
            self.clock.setText(f"{now:%H:%M}")  # the large hall name needs the room
        elif v.lang == "en":
            self.clock.setText(now.strftime("%a %d %b  %H:%M"))
        else:
            weekday = ("一", "二", "三", "四", "五", "六", "日")[now.weekday()]
            self.clock.setText(f"{now.month}月{now.day}日 星期{weekday}  {now:%H:%M}")

    def render(self, v: KioskView) -> None:
        self.hall.setText(v.hall_name() or self.tr("政务服务中心"))
        self.hall.set_size(52 if v.elderly else 40)
        # Each toggle is labelled in the language it switches to, so a citizen can read it.
        self.language.setText("English" if v.lang == "zh" else "中文")
        self.elderly.setText(self.tr("标准模式") if v.elderly else self.tr("长辈模式 大字"))
        for b in (self.language, self.elderly):
            b.setMinimumWidth(b.sizeHint().width())


class BusyScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.addStretch(1)
        self.text = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        self.text.setObjectName("busyText")
        root.addWidget(self.text)
        root.addStretch(2)

    def render(self, v: KioskView) -> None:
        self.text.setText(self.tr("正在取号，请稍候…"))


class MessageScreen(QWidget):
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(80, 40, 80, 40)
        root.setSpacing(30)
        root.addStretch(1)
        self.title = label(role="paused", align=Qt.AlignmentFlag.AlignCenter)
        self.title.setObjectName("messageTitle")
        self.body = label(role="big", align=Qt.AlignmentFlag.AlignCenter)
        self.body.setObjectName("messageBody")
        root.addWidget(self.title)
        root.addWidget(self.body)
        root.addStretch(1)
        self.back = button(name="messageBack")
        self.back.clicked.connect(self.home_requested)
        root.addWidget(self.back)

    def render(self, v: KioskView) -> None:
        self.title.setText(v.message_title)
        self.body.setText(v.message_body)
        self.back.setText(self.tr("返回首页"))


class _CentredScreen(QWidget):
    """A screen of centred lines, each (attribute, style role, object name) of LINES: the paused and closed screens."""

    LINES: tuple[tuple[str, str | None, str], ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(80, 40, 80, 40)
        root.setSpacing(30)
        root.addStretch(1)
        for attr, role, name in self.LINES:
            w = label(role=role, align=Qt.AlignmentFlag.AlignCenter)
            if name:
                w.setObjectName(name)
            setattr(self, attr, w)
            root.addWidget(w)
        root.addStretch(2)


class PausedScreen(_CentredScreen):
    """暂停取号: the server cannot be reached, so no number can be issued (never a made-up one)."""

    LINES = (("title", "paused", "pausedTitle"), ("reason", "big", ""), ("last", None, "lastContact"),
             ("hint", "note", ""))

    def render(self, v: KioskView) -> None:
        self.title.setText(self.tr("暂停取号"))
        if not v.ever_online:
            self.reason.setText(self.tr("正在连接服务器…"))
        else:
            self.reason.setText(self.tr("与服务器的连接中断，正在自动重连"))
        when = f"{v.hall_time(v.last_contact):%H:%M:%S}" if v.last_contact else "—"
        self.last.setText(self.tr("最后联系时间：%1").replace("%1", when))
        self.hint.setText(self.tr("恢复后将自动继续取号。急需办理请到服务台。"))


class ClosedScreen(_CentredScreen):
    """今日已结束办理: the hall closed the day (日终); a new business day brings the tiles back."""

    LINES = (("title", "paused", "closedTitle"), ("body", "big", "closedBody"), ("when", None, "closedAt"))

    def render(self, v: KioskView) -> None:
        self.title.setText(self.tr("今日已结束办理"))
        self.body.setText(self.tr("请于下一个工作日办理时间内再来取号。"))
        when = f"{v.hall_time(v.day_closed_at):%H:%M}" if v.day_closed_at else "—"
        self.when.setText(self.tr("本日办理已于 %1 结束").replace("%1", when))


class AdminScreen(QWidget):
    quit_requested = Signal()
    reprint_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        root = QVBoxLayout(self)
        root.setContentsMargins(80, 40, 80, 40)
        root.setSpacing(24)
        self.title = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        self.status = label(align=Qt.AlignmentFlag.AlignCenter)
        self.status.setObjectName("adminStatus")
        root.addWidget(self.title)
        root.addWidget(self.status)
        root.addStretch(1)
        self.reprint = button(name="adminReprint")
        self.reprint.clicked.connect(self.reprint_requested)
        self.quit = button(role="danger", name="adminQuit")
        self.quit.clicked.connect(self.quit_requested)
        self.back = button(role="quiet", name="adminBack")
        self.back.clicked.connect(self.home_requested)
        for b in (self.reprint, self.quit, self.back):
            root.addWidget(b)

    def render(self, v: KioskView) -> None:
        self.title.setText(self.tr("管理"))
        printer = self.tr("打印机正常") if v.printer_ok else printer_problem_text(v.printer_state)
        link = self.tr("服务器已连接") if v.link_state == "online" else self.tr("服务器未连接")
        self.status.setText(f"{printer} · {link}" + (f"\n{v.printer_detail}" if v.printer_detail else ""))
        self.reprint.setVisible(v.unprinted is not None)
        if v.unprinted is not None:
            self.reprint.setText(self.tr("补打号票 %1").replace("%1", v.unprinted.number))
        self.reprint.setEnabled(v.printer_ok)
        self.quit.setText(self.tr("退出取号机"))
        self.back.setText(self.tr("返回首页"))
