"""ChoiceDialog: pick one item (and/or type a value) by keyboard — arrows, Enter, Esc — for transfer, resume, 指呼 and pause."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)


class ChoiceDialog(QDialog):
    """Window-modal but not blocking (shown with open()): the terminal keeps receiving pushes meanwhile.

    `choices` are (value, label); with `text_label` a line for typing too. The typed text is the
    value when there is no list; with a list it is appended to the chosen item (e.g. 其他：外出取件)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget, title: str, choices: list[tuple[str, str]] = (), *,
                 text_label: str = "", pattern: str = "", uppercase: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("choiceDialog")
        self._pattern = re.compile(pattern) if pattern else None
        self._uppercase = uppercase
        self._done = False
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(heading)
        self.list: QListWidget | None = None
        if choices:
            self.list = QListWidget()
            self.list.setObjectName("choices")
            self.list.setStyleSheet("font-size: 14pt;")
            for value, label in choices:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, value)
                self.list.addItem(item)
            self.list.setCurrentRow(0)
            self.list.itemDoubleClicked.connect(lambda _item: self.accept())
            layout.addWidget(self.list)
        self.text: QLineEdit | None = None
        if text_label:
            layout.addWidget(QLabel(text_label))
            self.text = QLineEdit()
            self.text.setObjectName("text")
            self.text.setStyleSheet("font-size: 14pt;")
            self.text.setMaxLength(60)
            layout.addWidget(self.text)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定 (Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消 (Esc)"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        (self.list or self.text or self).setFocus()
        self.setMinimumWidth(360)

    def value(self) -> str:
        typed = self.text.text().strip() if self.text is not None else ""
        if self._uppercase:
            typed = typed.upper()
        if self.list is None:
            return typed
        item = self.list.currentItem()
        picked = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        return f"{picked}：{typed}" if picked and typed else picked or typed

    @Slot()
    def accept(self) -> None:
        if self._done:
            return
        value = self.value()
        if not value or (self._pattern is not None and not self._pattern.fullmatch(value)):
            self.error.setText(self.tr("请输入正确的号码，例如 A012"))
            return
        self._done = True
        super().accept()
        self.chosen.emit(value)
