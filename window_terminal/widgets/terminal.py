"""TerminalView: the clerk's screen in two layouts — a full window, or a compact always-on-top strip (~900x80) — rendering TerminalModel and emitting *_requested intents; every action has a button and an F-key."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from qtclient.appkit import ConnectionBadge
from qtclient.link import HallLink
from queuecore.model import PriorityKind, WindowStatus
from window_terminal.models import ACTIONS, TerminalModel, mmss, scanned_public_id
from window_terminal.widgets.pickers import ChoiceDialog
from window_terminal.widgets.texts import action_label, error_message, status_label

TIMER_STYLES = {
    "normal": "color: #222;",
    "warn": "color: #8a5200; background: #ffd966; border-radius: 4px; padding: 0 6px;",
    "alert": "color: #ffffff; background: #c62828; border-radius: 4px; padding: 0 6px;",
}
NUMBER_PATTERN = r"[A-Z]+[0-9]+"


class TerminalView(QWidget):
    """One top-level window. Its QActions carry the F-keys and drive the buttons."""

    sign_in_requested = Signal(str, str)  # staff id, PIN
    call_next_requested = Signal()
    recall_requested = Signal()
    start_requested = Signal()
    skip_requested = Signal()
    finish_requested = Signal(str)  # outcome code
    transfer_requested = Signal(str)  # service code
    suspend_requested = Signal(str, str)  # kind: away (不持件), hold (持件), wait (等待); what to bring, a line each
    resume_ticket_requested = Signal(str)  # number
    call_number_requested = Signal(str)  # number
    call_by_scan_requested = Signal(str)  # the scanned ticket's public id
    pause_requested = Signal(str)  # reason
    resume_window_requested = Signal()
    sign_out_requested = Signal()
    suspend_kind_chosen = Signal(str)  # internal: the F7 picker's kind, before the pick list
    bring_chosen = Signal(str)  # internal: the ticked materials, a line each

    def __init__(self, model: TerminalModel, link: HallLink, *, compact: bool = False,
                 pause_reasons: tuple[str, ...] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.compact = compact
        self.pause_reasons = pause_reasons  # a fallback until the hall's list is known
        self.dialog: ChoiceDialog | None = None  # the open picker, if any
        self.setObjectName("windowTerminal")
        self.setWindowTitle(self.tr("叫号器"))
        if compact:
            # Beside the case-handling software all day: small, always visible.
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            self.setFixedSize(QSize(900, 80))
        else:
            self.resize(1000, 600)

        self.actions_by_name: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        for name, key in ACTIONS:
            action = QAction(f"{key} {action_label(name)}", self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(key))
            # This window's (and any window the app adds the actions to, e.g. the rating view);
            # an open picker is another window, so it blocks them.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setAutoRepeat(False)  # a held key must not call ticket after ticket
            action.triggered.connect(lambda _checked=False, n=name: self._on_action(n))
            self.addAction(action)
            self.actions_by_name[name] = action

        # One badge and status line per page: a widget has one parent.
        self.badge = ConnectionBadge(link)
        self.sign_in_badge = ConnectionBadge(link)
        self.status_line = QLabel("")
        self.status_line.setObjectName("statusLine")
        self.sign_in_status = QLabel("")
        self.sign_in_status.setObjectName("signInStatus")
        self.stack = QStackedWidget()
        self.sign_in_page = self._build_sign_in()
        self.work_page = self._build_work()
        self.stack.addWidget(self.sign_in_page)
        self.stack.addWidget(self.work_page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2) if compact else outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(2 if compact else 8)
        outer.addWidget(self.stack)

        model.changed.connect(self.render)
        self.suspend_kind_chosen.connect(self._on_suspend_kind)
        self.bring_chosen.connect(lambda bring: self.suspend_requested.emit("away", bring))
        model.message_changed.connect(self.render_message)
        # Waited and serving times tick every second without any push.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.render_timers)
        self._tick.start()
        self.render()
        self.render_message()

    # ------------------------------------------------------------ building

    def _build_sign_in(self) -> QWidget:
        page = QWidget()
        self.staff_edit = QLineEdit()
        self.staff_edit.setObjectName("staffId")
        self.staff_edit.setPlaceholderText(self.tr("工号"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pin")
        self.pin_edit.setPlaceholderText(self.tr("密码"))
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = QPushButton(self.tr("签到 (Enter)"))
        self.sign_in_button.setObjectName("signIn")
        self.sign_in_button.clicked.connect(self._on_sign_in)
        self.staff_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._on_sign_in)
        self.sign_in_title = QLabel()
        if self.compact:
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            self.sign_in_title.setStyleSheet("font-weight: bold;")
            row.addWidget(self.sign_in_title)
            for w in (self.staff_edit, self.pin_edit):
                w.setFixedWidth(130)
                row.addWidget(w)
            row.addWidget(self.sign_in_button)
            col = QVBoxLayout()
            col.addWidget(self.sign_in_badge)
            col.addWidget(self.sign_in_status)
            row.addLayout(col, 1)
            return page
        col = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.sign_in_badge)
        col.addLayout(top)
        col.addStretch(1)
        self.sign_in_title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.sign_in_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.sign_in_title)
        form = QVBoxLayout()
        for w in (self.staff_edit, self.pin_edit, self.sign_in_button):
            w.setFixedWidth(320)
            w.setMinimumHeight(40)
            w.setStyleSheet("font-size: 15pt;")
            form.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addLayout(form)
        col.addStretch(2)
        self.sign_in_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.sign_in_status)
        return page

    def _make_button(self, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"button_{name}")
        button.setDefaultAction(self.actions_by_name[name])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the F-key actions, not a focused button
        self.buttons[name] = button
        return button

    def _build_work(self) -> QWidget:
        page = QWidget()
        self.window_label = QLabel()
        self.window_label.setObjectName("windowLabel")
        self.number_label = QLabel()
        self.number_label.setObjectName("number")
        self.service_label = QLabel()
        self.service_label.setObjectName("service")
        self.priority_label = QLabel()
        self.priority_label.setObjectName("priority")
        self.status_label = QLabel()
        self.status_label.setObjectName("ticketStatus")
        self.waited_label = QLabel()
        self.waited_label.setObjectName("waited")
        self.serving_label = QLabel()
        self.serving_label.setObjectName("serving")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("waitingCounts")
        self.suspended_label = QLabel()
        self.suspended_label.setObjectName("suspended")
        # 扫码叫号: a USB scanner types the ticket QR's URL and Enter here (it keeps the focus; F-keys still work).
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scan")
        self.scan_edit.setPlaceholderText(self.tr("扫描取号单二维码叫号"))
        self.scan_edit.returnPressed.connect(self._on_scan)
        self.priority_label.setStyleSheet("color: #ffffff; background: #1b7f3a; border-radius: 4px; padding: 0 4px;")
        if self.compact:
            return self._build_compact(page)
        return self._build_full(page)

    def _build_compact(self, page: QWidget) -> QWidget:
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.number_label.setStyleSheet("font-size: 15pt; font-weight: bold; color: #0d47a1;")
        for w in (self.badge, self.window_label, self.number_label, self.service_label, self.priority_label,
                  self.serving_label, self.waiting_label):
            row.addWidget(w)
        self.scan_edit.setFixedWidth(90)
        self.scan_edit.setPlaceholderText(self.tr("扫码叫号"))  # the strip has no room for the full hint
        row.addWidget(self.scan_edit)
        self.status_line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.status_line, 1)
        col.addLayout(row)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for name, _key in ACTIONS:
            b = self._make_button(name)
            b.setStyleSheet("font-size: 9pt; padding: 0;")
            buttons.addWidget(b)
        col.addLayout(buttons, 1)
        # Not shown in the strip: the waited time and the suspended list (the F8 picker lists them).
        for w in (self.status_label, self.waited_label, self.suspended_label):
            w.setParent(page)
            w.hide()
        return page

    def _build_full(self, page: QWidget) -> QWidget:
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.window_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        top.addWidget(self.window_label)
        top.addStretch(1)
        top.addWidget(self.badge)
        col.addLayout(top)

        card = QFrame()
        card.setObjectName("currentCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet("#currentCard { background: #f4f7fb; border: 1px solid #c9d3e0; border-radius: 8px; }")
        grid = QGridLayout(card)
        self.number_label.setStyleSheet("font-size: 48pt; font-weight: bold; color: #0d47a1;")
        self.number_label.setMinimumWidth(260)
        grid.addWidget(self.number_label, 0, 0, 3, 1)
        self.service_label.setStyleSheet("font-size: 16pt;")
        line = QHBoxLayout()
        line.addWidget(self.service_label)
        line.addWidget(self.priority_label)
        line.addStretch(1)
        grid.addLayout(line, 0, 1)
        self.status_label.setStyleSheet("font-size: 13pt; color: #444;")
        grid.addWidget(self.status_label, 1, 1)
        times = QHBoxLayout()
        self.waited_label.setStyleSheet("font-size: 14pt;")
        times.addWidget(self.waited_label)
        times.addSpacing(24)
        times.addWidget(self.serving_label)
        times.addStretch(1)
        grid.addLayout(times, 2, 1)
        grid.setColumnStretch(1, 1)
        col.addWidget(card)

        self.waiting_label.setStyleSheet("font-size: 13pt;")
        self.waiting_label.setWordWrap(True)
        col.addWidget(self.waiting_label)
        self.suspended_label.setStyleSheet("font-size: 13pt;")
        self.suspended_label.setWordWrap(True)
        col.addWidget(self.suspended_label)
        scan_row = QHBoxLayout()
        scan_title = QLabel(self.tr("扫码叫号："))
        scan_title.setStyleSheet("font-size: 13pt;")
        scan_row.addWidget(scan_title)
        self.scan_edit.setStyleSheet("font-size: 13pt;")
        scan_row.addWidget(self.scan_edit, 1)
        col.addLayout(scan_row)

        grid_buttons = QGridLayout()
        grid_buttons.setSpacing(6)
        for i, (name, _key) in enumerate(ACTIONS):
            b = self._make_button(name)
            b.setMinimumHeight(56)
            b.setStyleSheet("font-size: 14pt;")
            grid_buttons.addWidget(b, i // 6, i % 6)
        col.addLayout(grid_buttons, 1)
        self.status_line.setStyleSheet("font-size: 13pt;")
        col.addWidget(self.status_line)
        return page

    # ------------------------------------------------------------ rendering

    @Slot()
    def render(self) -> None:
        m = self.model
        signed_in = m.clerk is not None
        page = self.work_page if signed_in else self.sign_in_page
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            if signed_in:
                self.scan_edit.setFocus()  # where the scanner types
        can_sign_in = m.can_sign_in() and not m.busy
        for w in (self.sign_in_button,):
            w.setEnabled(can_sign_in)
        name = m.window_name()
        self.sign_in_title.setText(self.tr("%1 签到").replace("%1", name) if name else self.tr("窗口签到"))
        enabled = m.enabled()
        for action_name, action in self.actions_by_name.items():
            action.setEnabled(action_name in enabled)
        if not signed_in:
            return
        w = m.window()
        state = ""
        if w is not None and w.status is WindowStatus.PAUSED:
            state = self.tr("已暂停：%1").replace("%1", m.pause_text(w.pause_reason or ""))
        header = f"{name} · {m.clerk_label()}" + (f" · {state}" if state else "")
        self.window_label.setText(header)
        self.window_label.setProperty("paused", bool(state))
        counts = m.waiting_counts()
        gap = "   " if m.language == "en" else "\u3000"  # an ideographic space is Chinese typography
        if self.compact:
            # Ticket letters, not service names: the strip has no room, and clerks know "A" is their queue.
            suspended_word = self.tr("挂起")
            text = self.tr("等候") + " " + " ".join(f"{c.prefix}{c.count}" for c in counts)
            if m.resumable():
                text += f" · {suspended_word} {len(m.resumable())}"
            self.waiting_label.setText(text)
            self.waiting_label.setToolTip(gap.join(f"{c.prefix} {c.name} {c.count}" for c in counts))
        else:
            self.waiting_label.setText(self.tr("等候人数：") + gap.join(f"{c.name} {c.count}" for c in counts))
            suspended = m.resumable()
            self.suspended_label.setText(self.tr("可恢复的挂起：") + (gap.join(t.number for t in suspended)
                                                                  if suspended else self.tr("无")))
        self.render_timers()

    @Slot()
    def render_timers(self) -> None:
        if self.model.clerk is None:
            return
        v = self.model.current_view()
        if v is None:
            self.number_label.setText("—" if not self.compact else self.tr("空闲"))
            self.service_label.setText("" if self.compact else self.tr("当前没有号，按 F1 叫号"))
            self.priority_label.hide()
            self.status_label.setText("")
            self.waited_label.setText("")
            self.serving_label.setText("")
            self.serving_label.setStyleSheet(TIMER_STYLES["normal"])
            return
        self.number_label.setText(v.number)
        self.service_label.setText(v.service_name)
        self.priority_label.setText(v.priority_name)
        self.priority_label.setVisible(bool(v.priority_name))
        if v.priority_kind is PriorityKind.APPOINTMENT:
            self.priority_label.setStyleSheet("color: #ffffff; background: #6a1b9a; border-radius: 4px; padding: 0 4px;")
        status = status_label(v.status)
        if v.recalls:
            status += self.tr("（重呼 %1 次）").replace("%1", str(v.recalls))
        self.status_label.setText(status)
        self.waited_label.setText(self.tr("等候 %1").replace("%1", mmss(v.waited_s)))
        if v.serving_s is not None:
            self.serving_label.setText(self.tr("办理 %1").replace("%1", mmss(v.serving_s)))
        else:
            self.serving_label.setText(self.tr("叫号后 %1").replace("%1", mmss(v.called_s)))
        size = "" if self.compact else " font-size: 14pt;"
        self.serving_label.setStyleSheet(TIMER_STYLES[v.level] + size)
        self.serving_label.setProperty("level", v.level)

    @Slot()
    def render_message(self) -> None:
        m = self.model
        color = "#c62828" if m.message_level == "error" else "#1b5e20"
        for label in (self.status_line, self.sign_in_status):
            label.setStyleSheet(f"color: {color};" + ("" if self.compact else " font-size: 13pt;"))
            label.setText(m.message)
            label.setToolTip(m.message)

    # ------------------------------------------------------------ intents

    @Slot()
    def _on_sign_in(self) -> None:
        staff, pin = self.staff_edit.text().strip(), self.pin_edit.text()
        if not staff or not pin:
            self.model.show_message(self.tr("请输入工号和密码"), "error")
            (self.staff_edit if not staff else self.pin_edit).setFocus()
            return
        if not self.sign_in_button.isEnabled():
            return
        self.pin_edit.clear()  # a PIN never stays on screen, right or wrong
        self.sign_in_requested.emit(staff, pin)

    @Slot()
    def _on_scan(self) -> None:
        text = self.scan_edit.text()
        self.scan_edit.clear()  # ready for the next scan whatever this one was
        if not text.strip():
            return
        public_id = scanned_public_id(text)
        if public_id is None:
            self.model.show_message(error_message("not_a_ticket_code"), "error")
            return
        self.call_by_scan_requested.emit(public_id)

    def _on_action(self, name: str) -> None:
        if name not in self.model.enabled():
            return
        simple = {"call_next": self.call_next_requested, "recall": self.recall_requested,
                  "start": self.start_requested, "skip": self.skip_requested,
                  "resume_window": self.resume_window_requested,
                  "sign_out": self.sign_out_requested}
        if name in simple:
            simple[name].emit()
        elif name == "finish":
            # The hall's default is preselected: F5 (or Enter) once more accepts it.
            default = self.model.default_outcome()
            choices = [(code, label + (self.tr("（默认）") if code == default else ""))
                       for code, label in self.model.outcome_choices()]
            self._pick(self.tr("办理结果"), choices, self.finish_requested, current=default, numbered=True,
                       accept_key=Qt.Key.Key_F5, hint=self.tr("Enter 或 F5 确认 · 数字键直接选择 · Esc 取消"))
        elif name == "suspend":
            # 不持件 is preselected: F7 (or Enter) once more accepts it.
            choices = [("away", self.tr("不持件：回去补材料，任一窗口续办")),
                       ("hold", self.tr("持件：材料留本窗口，回本窗口续办")),
                       ("wait", self.tr("等待：等其他环节，本窗口先办别人"))]
            self._pick(self.tr("挂起方式"), choices, self.suspend_kind_chosen, current="away", numbered=True,
                       accept_key=Qt.Key.Key_F7, hint=self.tr("Enter 或 F7 确认 · 数字键直接选择 · Esc 取消"))
        elif name == "transfer":
            self._pick(self.tr("转移到"), self.model.transfer_targets(), self.transfer_requested)
        elif name == "resume_ticket":
            choices = [(t.number, f"{t.number}  {self.model.service_name(t.service)}") for t in self.model.resumable()]
            self._pick(self.tr("恢复挂起的号"), choices, self.resume_ticket_requested)
        elif name == "call_number":
            self._pick(self.tr("指呼：输入号码"), [], self.call_number_requested, text_label=self.tr("号码"),
                       pattern=NUMBER_PATTERN, uppercase=True)
        elif name == "pause":
            self._pick(self.tr("暂停服务的原因"), self.model.pause_choices(self.pause_reasons), self.pause_requested,
                       text_label=self.tr("补充说明（可不填）"))

    @Slot(str)
    def _on_suspend_kind(self, kind: str) -> None:
        """不持件 of a service with a materials list: the clerk ticks what the citizen must bring back."""
        materials = self.model.material_choices() if kind == "away" else []
        if not materials:
            self.suspend_requested.emit(kind, "")
            return
        self._pick(self.tr("请群众补充的材料（可多选）"), materials, self.bring_chosen,
                   numbered=True, checkable=True, accept_key=Qt.Key.Key_F7,
                   hint=self.tr("数字键或空格勾选 · Enter 或 F7 确认 · Esc 取消"))

    def _pick(self, title: str, choices: list[tuple[str, str]], signal, **kw) -> None:
        if self.dialog is not None:
            self.dialog.close()
        dialog = ChoiceDialog(self, title, choices, **kw)
        dialog.chosen.connect(signal.emit)
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ChoiceDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        # The F-keys are this window's: take the focus back even where the window manager does not.
        self.activateWindow()
