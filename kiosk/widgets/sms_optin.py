"""短信提醒 after issuing: a phone-number keypad over the confirmation screen, with the consent line; optional.

The texts are in this module in both languages (zh, en), not in kiosk_en.ts: the panel is one screen, and its
words must match the phone page's consent line exactly (queuecore.notify.CONSENT_ZH, which both import).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.widgets.common import button, label, scaled
from queuecore.notify import CONSENT_ZH

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "open": "短信提醒", "on": "短信提醒已开启",
        "title": "短信提醒", "lead": "快到您时发短信提醒您（前面还有几人、请到几号窗口）。不需要可直接跳过。",
        "consent": CONSENT_ZH, "placeholder": "请输入手机号",
        "skip": "不需要，跳过", "submit": "同意并开启提醒", "clear": "清空", "back": "删除",
        "sending": "正在开启…", "done": "已开启：%1",
        "invalid_number": "手机号为 11 位，以 1 开头，请核对。",
        "ticket_ended": "这张号票已经办理完毕，无需提醒。",
        "unknown_ticket": "没有找到这张号票，请到服务台。",
        "offline": "暂时连不上服务器，请稍后在手机上扫码开启。",
        "failed": "开启失败（%1），可扫描号票上的二维码在手机上开启。",
    },
    "en": {
        "open": "SMS reminder", "on": "SMS reminder on",
        "title": "SMS reminder", "lead": "We text you as your turn comes (people ahead, which window). "
                                         "Not needed? Just skip.",
        "consent": "I agree that this hall may text this number about my queue today; the number is stored "
                   "encrypted and deleted at the end of the day.",
        "placeholder": "Enter your mobile number",
        "skip": "No thanks, skip", "submit": "Agree and turn on", "clear": "Clear", "back": "Delete",
        "sending": "Turning on…", "done": "On: %1",
        "invalid_number": "A mobile number has 11 digits and starts with 1.",
        "ticket_ended": "This ticket has been served: no reminder needed.",
        "unknown_ticket": "This ticket was not found; please ask at the desk.",
        "offline": "The server cannot be reached now; scan the ticket's QR code to turn it on by phone.",
        "failed": "Could not turn it on (%1); scan the ticket's QR code to do it by phone.",
    },
}
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")


def words(lang: str) -> dict[str, str]:
    return TEXTS["en" if lang == "en" else "zh"]


def grouped(digits: str) -> str:
    """138 1234 5678: how a Chinese mobile number is read aloud and checked."""
    return " ".join(p for p in (digits[:3], digits[3:7], digits[7:11]) if p)


class SmsOptInPanel(QWidget):
    """The keypad panel; it covers its parent (the kiosk window) while open."""

    digits_changed = Signal(str)
    submitted = Signal(str)
    skipped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smsOptIn")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#smsOptIn { background: #eef2f7; }")
        self._digits = ""
        self._busy = False
        root = QVBoxLayout(self)
        root.setContentsMargins(80, 40, 80, 40)
        root.setSpacing(18)
        self.title = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        self.lead = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.display = label(role="keypadText", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("smsNumber")
        self.error = label(role="warn", align=Qt.AlignmentFlag.AlignCenter)
        self.error.setObjectName("smsError")
        self.status = label(role="ok", align=Qt.AlignmentFlag.AlignCenter)
        self.status.setObjectName("smsStatus")
        for w in (self.title, self.lead, self.display, self.error, self.status):
            root.addWidget(w)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.keys: dict[str, object] = {}
        for i, key in enumerate(KEYS):
            b = button(key, role="key", name=f"smsKey-{key}", min_height=110)
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(b, i // 3, i % 3)
            self.keys[key] = b
        root.addLayout(grid, 1)
        self.consent = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.consent.setObjectName("smsConsent")
        root.addWidget(self.consent)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.skip = button(role="quiet", name="smsSkip")
        self.skip.clicked.connect(self.skipped)
        self.submit = button(name="smsSubmit")
        self.submit.clicked.connect(lambda: self.submitted.emit(self._digits))
        row.addWidget(self.skip)
        row.addWidget(self.submit)
        root.addLayout(row)

    @property
    def digits(self) -> str:
        return self._digits

    def _press(self, key: str) -> None:
        if self._busy:
            return
        if key == "back":
            self._digits = self._digits[:-1]
        elif key == "clear":
            self._digits = ""
        elif len(self._digits) < 11:
            self._digits += key
        self.digits_changed.emit(self._digits)

    def reset(self) -> None:
        self._digits = ""
        self._busy = False

    def render(self, lang: str, elderly: bool, *, error: str = "", status: str = "", busy: bool = False) -> None:
        w = words(lang)
        self._busy = busy
        self.title.setText(w["title"])
        self.lead.setText(w["lead"])
        self.display.setText(grouped(self._digits) or w["placeholder"])
        self.display.setStyleSheet("" if self._digits else f"color: #8a96a8; font-size: {scaled(40, elderly)}px;")
        self.error.setText(error)
        self.error.setVisible(bool(error))
        self.error.setStyleSheet(f"font-size: {scaled(30, elderly)}px;")
        self.status.setText(status)
        self.status.setVisible(bool(status))
        self.consent.setText(w["consent"])
        self.keys["clear"].setText(w["clear"])
        self.keys["back"].setText(w["back"])
        for b in self.keys.values():
            b.setEnabled(not busy)
        self.skip.setText(w["skip"])
        self.submit.setText(w["submit"])
        self.submit.setEnabled(len(self._digits) == 11 and not busy)
