"""The window terminal against the real hall server: sign-in, every action by button and by F-key, offline, double press."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from queuecore import protocol as P
from queuecore.model import TicketStatus, WindowStatus
from tests.window_terminal.conftest import activate, issue, press, settle, sign_in


def no_dialogs_but(allowed=()) -> bool:
    return all(not isinstance(w, QDialog) or w in allowed for w in QApplication.topLevelWidgets() if w.isVisible())


def test_sign_in_with_the_right_pin_opens_the_work_page(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    assert app.view.stack.currentWidget() is app.view.sign_in_page
    assert app.model.enabled() == frozenset()
    sign_in(qtbot, app)
    assert app.model.clerk == "s1" and app.model.window_id == 1
    assert app.view.stack.currentWidget() is app.view.work_page
    assert app.view.window_label.text().startswith("1号窗口 · s1")
    assert app.view.status_line.text() == "已签到"
    assert app.view.pin_edit.text() == ""
    assert server.snapshot().windows[0].clerk == "s1"


def test_a_wrong_pin_is_a_short_message_not_a_dialog(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    sign_in(qtbot, app, "s1", pin="9999")
    assert app.model.clerk is None and app.view.stack.currentWidget() is app.view.sign_in_page
    assert app.view.sign_in_status.text() == "工号或密码错误"
    assert app.view.pin_edit.text() == "" and no_dialogs_but()
    sign_in(qtbot, app, "s1")  # and the right PIN still works
    assert app.model.clerk == "s1"


def current(app):
    t = app.model.current()
    return (t.number, t.status) if t else None


def choose(qtbot, app, row: int, by: str, text: str = "") -> None:
    """Pick row `row` (and type `text`) in the open picker, by keyboard or by mouse."""
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    dialog = app.view.dialog
    if by == "key":
        if dialog.list is not None:
            for _ in range(row):
                qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
        if text:
            qtbot.keyClicks(dialog.text, text)
        qtbot.keyClick(dialog.text if text else dialog.list, Qt.Key.Key_Return)
    else:
        if dialog.list is not None:
            item = dialog.list.item(row)
            qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton,
                             pos=dialog.list.visualItemRect(item).center())
        if text:
            dialog.text.setText(text)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.view.dialog is None, timeout=2000)


@pytest.mark.parametrize("by", ["button", "key"])
def test_every_action_by_button_and_by_hotkey(qtbot, server, make_terminal, by) -> None:
    issue(server, "estate"), issue(server, "estate")
    app = make_terminal()
    sign_in(qtbot, app)
    model, view = app.model, app.view

    def do(action: str) -> None:
        press(qtbot, app, action, by)
        settle(qtbot, app)

    do("call_next")
    assert current(app) == ("A001", TicketStatus.CALLED) and view.number_label.text() == "A001"
    assert view.status_line.text() == "已呼叫 A001"
    do("recall")
    assert model.current().recalls == 1
    do("start")
    assert current(app) == ("A001", TicketStatus.SERVING)
    do("suspend")
    assert current(app) is None and [t.number for t in model.resumable()] == ["A001"]
    press(qtbot, app, "resume_ticket", by)
    choose(qtbot, app, 0, by)
    settle(qtbot, app)
    assert current(app) == ("A001", TicketStatus.CALLED)
    do("start")
    press(qtbot, app, "transfer", by)
    assert [app.view.dialog.list.item(i).text() for i in range(app.view.dialog.list.count())] == ["社保", "税务"]
    choose(qtbot, app, 0, by)
    settle(qtbot, app)
    assert current(app) is None and model.state.ticket("A001").service == "social"
    do("call_next")
    assert current(app) == ("A002", TicketStatus.CALLED)
    do("skip")
    assert current(app) is None and view.status_line.text() == "A002 已过号"
    press(qtbot, app, "call_number", by)
    choose(qtbot, app, 0, by, text="a002")  # 指呼 of the late citizen, typed in lower case
    settle(qtbot, app)
    assert current(app) == ("A002", TicketStatus.CALLED)
    do("start")
    do("finish")
    assert current(app) is None and app.rating.number == "A002" and app.rating_view.isVisible()
    press(qtbot, app, "pause", by)
    choose(qtbot, app, 1, by)  # 会议
    settle(qtbot, app)
    assert model.window().status is WindowStatus.PAUSED and model.window().pause_reason == "会议"
    assert "已暂停：会议" in view.window_label.text()
    assert model.enabled() == {"resume_window", "sign_out"}
    do("resume_window")
    assert model.window().status is WindowStatus.OPEN
    do("sign_out")
    assert model.clerk is None and view.stack.currentWidget() is view.sign_in_page
    snap = server.snapshot()
    assert snap.windows[0].status is WindowStatus.CLOSED
    assert {t.number: (t.status, t.service) for t in snap.tickets} == {"A001": (TicketStatus.WAITING, "social")}
    assert no_dialogs_but()
