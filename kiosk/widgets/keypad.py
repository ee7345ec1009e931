"""The on-screen keypad for the appointment code and the staff/admin PINs (the kiosk has no keyboard)."""
from __future__ import annotations

import string

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.models import Keypad, KioskView
from kiosk.widgets.common import button, clear_layout, label, scaled

DIGITS = ("1", "2", "3", "4", "5", "6", "7", "8", "9")
LETTERS = tuple(string.ascii_uppercase)


class KeypadScreen(QWidget):
    text_changed = Signal(str)  # what the keypad shows now
    submitted = Signal(str)
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._letters = False
        self._shape: tuple | None = None
        self._purpose = Keypad.APPOINTMENT
        # Portrait: everything in one column. Landscape: code and buttons left, keys right.
        self.root = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.root.setContentsMargins(80, 20, 80, 30)
        self.root.setSpacing(32)
        side = QVBoxLayout()
        side.setSpacing(20)
        root = side
        self.title = label(role="title", align=Qt.AlignmentFlag.AlignCenter)
        self.hint = label(role="note", align=Qt.AlignmentFlag.AlignCenter)
        self.display = label(role="keypadText", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("keypadDisplay")
        self.error = label(role="warn", align=Qt.AlignmentFlag.AlignCenter)
        self.error.setObjectName("keypadError")
        for w in (self.title, self.hint, self.display, self.error):
            root.addWidget(w)
        self.keys = QGridLayout()
        self.keys.setSpacing(14)
        root.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.cancel = button(role="quiet", name="keyCancel")
        self.cancel.clicked.connect(self.home_requested)
        self.ok = button(name="keySubmit")
        self.ok.clicked.connect(lambda: self.submitted.emit(self._text))
        row.addWidget(self.cancel)
        row.addWidget(self.ok)
        root.addLayout(row)
        self.root.addLayout(side, 1)
        self.root.addLayout(self.keys, 1)

    def _press(self, key: str) -> None:
        if key == "back":
            self._text = self._text[:-1]
        elif key == "clear":
            self._text = ""
        elif key == "abc":
            self._letters = not self._letters
            self._shape = None
            self.text_changed.emit(self._text)
            return
        else:
            self._text += key
        self.text_changed.emit(self._text)

    def _rebuild(self, v: KioskView) -> None:
        clear_layout(self.keys)
        appointment = v.keypad == Keypad.APPOINTMENT
        landscape = v.orientation == "landscape"
        self.root.setDirection(QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)
        h = 130 if v.elderly else 120
        if self._letters and appointment:
            keys = list(LETTERS)
            cols = 6 if v.orientation == "portrait" else 7
        else:
            keys = list(DIGITS) + ["clear", "0", "back"]
            cols = 3
        for i, key in enumerate(keys):
            text = {"clear": self.tr("清空"), "back": self.tr("删除")}.get(key, key)
            b = button(text, role="key", name=f"key-{key}", min_height=h)
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            self.keys.addWidget(b, i // cols, i % cols)
            b.show()  # now, not on a later turn of the event loop
        if appointment:
            b = button(self.tr("数字") if self._letters else self.tr("字母 ABC"), role="quiet", name="key-abc",
                       min_height=h - 20)
            b.clicked.connect(lambda: self._press("abc"))
            self.keys.addWidget(b, (len(keys) + cols - 1) // cols, 0, 1, cols)
            b.show()

    def render(self, v: KioskView) -> None:
        if v.keypad != self._purpose:
            self._purpose = v.keypad
            self._letters = False
        self._text = v.keypad_text
        shape = (v.keypad, self._letters, v.lang, v.elderly, v.orientation)
        if shape != self._shape:
            self._rebuild(v)
            self._shape = shape
        if v.keypad == Keypad.APPOINTMENT:
            self.title.setText(self.tr("预约取号"))
            self.hint.setText(self.tr("请输入短信或网上预约时收到的预约码"))
            shown = self._text
        elif v.keypad == Keypad.GREEN_PIN:
            self.title.setText(self.tr("绿色通道"))
            self.hint.setText(self.tr("请工作人员输入密码"))
            shown = "●" * len(self._text)
        else:
            self.title.setText(self.tr("管理员"))
            self.hint.setText(self.tr("请输入管理员密码"))
            shown = "●" * len(self._text)
        self.display.setText(shown or " ")
        self.error.setText(v.keypad_error)
        self.error.setVisible(bool(v.keypad_error))
        # A refusal is a sentence or two: red and bold, but body-sized so it fits above the keys.
        self.error.setStyleSheet(f"font-size: {scaled(30, v.elderly)}px;")
        self.cancel.setText(self.tr("返回"))
        self.ok.setText(self.tr("确认"))
        self.ok.setEnabled(len(self._text) >= 4)
