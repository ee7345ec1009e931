"""ChoiceDialog: pick one item (and/or type a value) by keyboard — arrows, Enter, Esc — for the outcome, transfer, resume, 指呼 and pause."""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)


class ChoiceDialog(QDialog):
    """Window-modal but not blocking (shown with open()): the terminal keeps receiving pushes meanwhile.

    `choices` are (value, label); with `text_label` a line for typing too. The typed text is the
    value when there is no list; with a list it is appended to the chosen item (e.g. 其他：外出取件).
    `current` preselects the item with that value. `numbered` puts 1..9 before the items and a
    number key chooses its item at once; `accept_key` accepts like Enter (F5 for the outcome, so
    the key that opened the picker accepts its preselected default; a held key never does).
    `checkable`: a pick list (e.g. what a 不持件 citizen must bring): number keys and Space tick
    items, Enter accepts the ticked ones (maybe none), joined by newlines."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget, title: str, choices: list[tuple[str, str]] = (), *,
                 text_label: str = "", pattern: str = "", uppercase: bool = False, current: str | None = None,
                 numbered: bool = False, accept_key: Qt.Key | None = None, hint: str = "",
                 checkable: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("choiceDialog")
        self._pattern = re.compile(pattern) if pattern else None
        self._uppercase = uppercase
        self._done = False
        self._numbered = numbered
        self._accept_key = accept_key
        self._checkable = checkable
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(heading)
        self.list: QListWidget | None = None
        if choices:
            self.list = QListWidget()
            self.list.setObjectName("choices")
            self.list.setStyleSheet("font-size: 14pt;")
            values = [value for value, _label in choices]
            for i, (value, label) in enumerate(choices):
                item = QListWidgetItem(f"{i + 1}  {label}" if numbered and i < 9 else label)
                item.setData(Qt.ItemDataRole.UserRole, value)
                if checkable:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                self.list.addItem(item)
            self.list.setCurrentRow(values.index(current) if current in values else 0)
            if numbered:  # a short fixed list: all of it, and no empty space under it
                self.list.setFixedHeight(self.list.sizeHintForRow(0) * self.list.count() + 2 * self.list.frameWidth() + 4)
                # ... and every label whole (a cut-off choice is a guess; a scroll bar would hide the last row).
                self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth() + 12)
            self.list.itemDoubleClicked.connect(lambda _item: self.accept())
            # Before the list's own key handling, which would use a digit for a type-ahead search.
            self.list.installEventFilter(self)
            layout.addWidget(self.list)
        self.text: QLineEdit | None = None
        if text_label:
            layout.addWidget(QLabel(text_label))
            self.text = QLineEdit()
            self.text.setObjectName("text")
            self.text.setStyleSheet("font-size: 14pt;")
            self.text.setMaxLength(60)
            layout.addWidget(self.text)
        if hint:
            self.hint = QLabel(hint)
            self.hint.setObjectName("hint")
            self.hint.setStyleSheet("color: #555;")
            layout.addWidget(self.hint)
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self._shortcut_key(event):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._shortcut_key(event):
            super().keyPressEvent(event)

    def _shortcut_key(self, event: QKeyEvent) -> bool:
        """The accept key and the number keys; True when the key was one of them."""
        key = event.key()
        if self._accept_key is not None and key == self._accept_key:
            if not event.isAutoRepeat():  # the F5 that opened the picker, still held, is no second press
                self.accept()
            return True
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
        if self._checkable and self.list is not None and key == Qt.Key.Key_Space and self.list.currentItem():
            self._toggle(self.list.currentItem())
            return True
        if self._numbered and self.list is not None and plain and not event.isAutoRepeat():
            row = int(key) - int(Qt.Key.Key_1)
            if 0 <= row < min(9, self.list.count()):
                self.list.setCurrentRow(row)
                if self._checkable:
                    self._toggle(self.list.item(row))
                else:
                    self.accept()
                return True
        return False

    @staticmethod
    def _toggle(item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def value(self) -> str:
        typed = self.text.text().strip() if self.text is not None else ""
        if self._uppercase:
            typed = typed.upper()
        if self.list is None:
            return typed
        if self._checkable:
            return "\n".join(str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
                             if self.list.item(i).checkState() == Qt.CheckState.Checked)
        item = self.list.currentItem()
        picked = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        return f"{picked}：{typed}" if picked and typed else picked or typed

    @Slot()
    def accept(self) -> None:
        if self._done:
            return
        value = self.value()
        if (not value and not self._checkable) or (self._pattern is not None and not self._pattern.fullmatch(value)):
            self.error.setText(self.tr("请输入正确的号码，例如 A012"))
            return
        self._done = True
        super().accept()
        self.chosen.emit(value)
