"""RatingView: the citizen-facing 好差评 screen (five national levels; a reason for the two lowest), rendering RatingModel."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QStackedWidget, QVBoxLayout, QWidget)

from window_terminal.models import RatingModel
from window_terminal.widgets.texts import rating_level_label

# Green to red, best first, as on the national 好差评 pads.
LEVEL_COLORS = {5: "#1b7f3a", 4: "#43a047", 3: "#f9a825", 2: "#ef6c00", 1: "#c62828"}


class RatingView(QWidget):
    level_chosen = Signal(int)
    reason_chosen = Signal(str)
    comment_changed = Signal(str)
    submit_requested = Signal()

    def __init__(self, model: RatingModel, window_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("ratingView")
        self.setWindowTitle(self.tr("服务评价"))
        self.resize(820, 500)
        self.setStyleSheet("#ratingView { background: #ffffff; }")
        self.window_name = window_name
        self._labels: tuple[str, ...] = ()

        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)

        # Idle: shown between visits on a dedicated citizen screen.
        self.idle_page = QLabel()
        self.idle_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle_page.setWordWrap(True)
        self.idle_page.setStyleSheet("font-size: 26pt; color: #0d47a1;")
        self.stack.addWidget(self.idle_page)

        ask = QWidget()
        col = QVBoxLayout(ask)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        col.addWidget(self.title)
        levels = QHBoxLayout()
        self.level_buttons: dict[int, QPushButton] = {}
        for level in (5, 4, 3, 2, 1):
            b = QPushButton(rating_level_label(level))
            b.setObjectName(f"level_{level}")
            b.setCheckable(True)
            b.setMinimumHeight(90)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            color = LEVEL_COLORS[level]
            b.setStyleSheet(f"QPushButton {{ font-size: 17pt; font-weight: bold; color: {color}; background: #fff;"
                            f" border: 3px solid {color}; border-radius: 10px; }}"
                            f" QPushButton:checked {{ color: #fff; background: {color}; }}")
            b.clicked.connect(lambda _c=False, lv=level: self.level_chosen.emit(lv))
            self.level_buttons[level] = b
            levels.addWidget(b)
        col.addLayout(levels)

        self.reason_box = QWidget()
        rb = QVBoxLayout(self.reason_box)
        rb.setContentsMargins(0, 8, 0, 0)
        self.reason_title = QLabel(self.tr("请选择不满意的原因（必选）"))
        self.reason_title.setStyleSheet("font-size: 15pt; font-weight: bold; color: #c62828;")
        rb.addWidget(self.reason_title)
        self.reason_grid = QGridLayout()
        rb.addLayout(self.reason_grid)
        self.reason_group = QButtonGroup(self)
        self.reason_group.setExclusive(True)
        self.reason_buttons: dict[str, QPushButton] = {}
        self.comment = QLineEdit()
        self.comment.setObjectName("comment")
        self.comment.setMaxLength(200)
        self.comment.setPlaceholderText(self.tr("其他意见（可不填）"))
        self.comment.setStyleSheet("font-size: 14pt;")
        self.comment.textChanged.connect(self.comment_changed)
        rb.addWidget(self.comment)
        self.submit = QPushButton(self.tr("提交评价"))
        self.submit.setObjectName("submit")
        self.submit.setMinimumHeight(56)
        self.submit.setStyleSheet("QPushButton { font-size: 16pt; font-weight: bold; }")
        self.submit.clicked.connect(self.submit_requested)
        rb.addWidget(self.submit)
        col.addWidget(self.reason_box)
        self.error = QLabel()
        self.error.setObjectName("ratingError")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setStyleSheet("font-size: 14pt; color: #c62828;")
        col.addWidget(self.error)
        col.addStretch(1)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.countdown.setStyleSheet("font-size: 12pt; color: #666;")
        col.addWidget(self.countdown)
        self.ask_page = ask
        self.stack.addWidget(ask)

        self.thanks_page = QLabel(self.tr("感谢您的评价！"))
        self.thanks_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks_page.setStyleSheet("font-size: 30pt; font-weight: bold; color: #1b7f3a;")
        self.stack.addWidget(self.thanks_page)

        model.changed.connect(self.render)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._render_countdown)
        self._tick.start()
        self.render()

    def _set_reasons(self, reasons: tuple[str, ...], labels: tuple[str, ...]) -> None:
        if (tuple(self.reason_buttons), self._labels) == (reasons, labels):
            return
        self._labels = labels
        for b in self.reason_buttons.values():
            self.reason_group.removeButton(b)
            b.deleteLater()
        self.reason_buttons = {}
        for i, (reason, text) in enumerate(zip(reasons, labels)):
            b = QPushButton(text)
            b.setObjectName(f"reason_{i}")
            b.setCheckable(True)
            b.setMinimumHeight(48)
            b.setStyleSheet("QPushButton { font-size: 14pt; } QPushButton:checked { background: #ffe0b2; "
                            "border: 2px solid #ef6c00; }")
            b.clicked.connect(lambda _c=False, r=reason: self.reason_chosen.emit(r))
            self.reason_group.addButton(b)
            self.reason_grid.addWidget(b, i // 4, i % 4)
            self.reason_buttons[reason] = b

    @Slot()
    def render(self) -> None:
        m = self.model
        self.idle_page.setText(self.tr("%1\n欢迎您对我们的服务进行评价").replace("%1", self.window_name).strip())
        if m.phase == m.THANKS:
            self.stack.setCurrentWidget(self.thanks_page)
            return
        if m.phase == m.IDLE:
            self.stack.setCurrentWidget(self.idle_page)
            return
        self.stack.setCurrentWidget(self.ask_page)
        self.title.setText(self.tr("%1 号，请您对本次服务进行评价").replace("%1", m.number))
        self._set_reasons(m.reasons, m.labels)
        for level, b in self.level_buttons.items():
            b.setChecked(level == m.level)
            b.setEnabled(m.phase == m.ASKING)
        self.reason_box.setVisible(m.needs_reason)
        for reason, b in self.reason_buttons.items():
            b.setChecked(reason == m.reason)
        if not m.needs_reason and self.comment.text():
            self.comment.clear()
        self.submit.setEnabled(m.can_submit)
        self.error.setText(self.tr("请先选择原因，再提交") if m.error == "reason_required" else "")
        self._render_countdown()

    @Slot()
    def _render_countdown(self) -> None:
        m = self.model
        if m.phase == m.ASKING:
            self.countdown.setText(self.tr("%1 秒后自动结束（未评价）").replace("%1", str(m.remaining_s())))
        elif m.phase == m.SENDING:
            self.countdown.setText(self.tr("正在提交…"))
        else:
            self.countdown.setText("")
