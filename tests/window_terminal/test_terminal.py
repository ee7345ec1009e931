"""The window terminal against the real hall server: sign-in, every action by button and by F-key, offline, double press."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from queuecore import events as ev
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
    # The clerk's name from the server (the clerks table), with the staff id.
    qtbot.waitUntil(lambda: app.view.window_label.text().startswith("1号窗口 · Clerk s1 (s1)"), timeout=3000)
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


def finished_outcomes(app) -> list[tuple[str, str]]:
    """(ticket number, outcome) of every TicketFinished this terminal receives from now on."""
    seen: list[tuple[str, str]] = []
    app.link.change_received.connect(lambda ch: seen.extend(
        (e.ticket_id.rsplit("-", 1)[1], e.outcome) for e in ch.events if isinstance(e, ev.TicketFinished)))
    return seen


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
    press(qtbot, app, "suspend", by)
    kinds = app.view.dialog
    assert [kinds.list.item(i).text().split("：")[0] for i in range(3)] == ["1  不持件", "2  持件", "3  等待"]
    qtbot.keyClick(kinds.list, Qt.Key.Key_Return)  # 不持件, preselected: then what to bring, from 不动产登记's list
    qtbot.waitUntil(lambda: app.view.dialog not in (None, kinds) and app.view.dialog.isVisible(), timeout=2000)
    picks = app.view.dialog
    assert [picks.list.item(i).text() for i in range(picks.list.count())] == ["1  身份证"]
    qtbot.keyClick(picks.list, Qt.Key.Key_1)  # ticks it
    qtbot.keyClick(picks.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.view.dialog is None, timeout=2000)
    settle(qtbot, app)
    assert current(app) is None and [t.number for t in model.resumable()] == ["A001"]
    assert model.state.ticket("A001").bring == "身份证"
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
    finished = finished_outcomes(app)
    press(qtbot, app, "finish", by)
    choose(qtbot, app, 2, by)  # 补正: two rows below the preselected default
    settle(qtbot, app)
    assert current(app) is None and app.rating.number == "A002" and app.rating_view.isVisible()
    assert view.status_line.text() == "A002 办理完毕（补正），请群众评价"
    qtbot.waitUntil(lambda: finished == [("A002", "incomplete")], timeout=2000)
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


def test_a_normal_call_serve_finish_cycle_takes_four_keypresses(qtbot, server, make_terminal) -> None:
    issue(server, "estate")
    app = make_terminal()
    sign_in(qtbot, app)
    finished = finished_outcomes(app)
    presses = []
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3, Qt.Key.Key_F5):  # 叫号, 开始办理, 办结 (asks for the outcome)
        qtbot.keyClick(app.view, key)
        presses.append(key)
        settle(qtbot, app)
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog.list, Qt.Key.Key_F5)  # ... and F5 again accepts the default, 办结
    presses.append(Qt.Key.Key_F5)
    settle(qtbot, app)
    assert len(presses) == 4
    assert app.rating.phase == app.rating.ASKING and app.rating.number == "A001"
    assert server.snapshot().tickets == []  # A001 is done: no longer active
    qtbot.waitUntil(lambda: finished == [("A001", "completed")], timeout=2000)
    assert app.view.status_line.text() == "A001 办理完毕（办结），请群众评价"


def test_esc_in_the_outcome_picker_leaves_the_visit_in_service(qtbot, server, make_terminal) -> None:
    issue(server, "estate")
    app = make_terminal()
    sign_in(qtbot, app)
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3):
        qtbot.keyClick(app.view, key)
        settle(qtbot, app)
    qtbot.keyClick(app.view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog.list, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.view.dialog is None, timeout=2000)
    assert not app.model.busy and current(app) == ("A001", TicketStatus.SERVING)
    assert [(t.number, t.status) for t in server.snapshot().tickets] == [("A001", TicketStatus.SERVING)]
    activate(qtbot, app)
    qtbot.keyClick(app.view, Qt.Key.Key_F5)  # asked again; a number key chooses 咨询 at once
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog.list, Qt.Key.Key_5)
    settle(qtbot, app)
    assert current(app) is None and app.view.status_line.text() == "A001 办理完毕（咨询），请群众评价"


def test_offline_disables_every_action_and_the_resync_enables_them(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    sign_in(qtbot, app)
    assert "call_next" in app.model.enabled() and app.view.buttons["call_next"].isEnabled()
    server.stop()
    qtbot.waitUntil(lambda: app.model.connection == "offline", timeout=5000)
    assert app.model.enabled() == frozenset()
    assert not any(b.isEnabled() for b in app.view.buttons.values())
    assert "连接中断" in app.view.badge.text()
    qtbot.keyClick(app.view, Qt.Key.Key_F1)  # ignored: nothing is sent, nothing queued
    assert not app.model.busy and app.model.current() is None
    # The hall moves on while this terminal cannot see it.
    server.execute_while_stopped(P.IssueTicket(service="estate"))
    server.start()
    qtbot.waitUntil(lambda: app.model.online, timeout=5000)
    assert "call_next" in app.model.enabled() and app.view.buttons["call_next"].isEnabled()
    assert app.view.waiting_label.text() == "等候人数：不动产登记 1"  # from the resync snapshot
    assert app.model.clerk == "s1"  # the stored sign-in survived the server restart
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    settle(qtbot, app)
    assert current(app) == ("A001", TicketStatus.CALLED)


def test_a_double_press_calls_one_ticket(qtbot, server, make_terminal) -> None:
    issue(server, "estate"), issue(server, "estate")
    app = make_terminal()
    sign_in(qtbot, app)
    sent: list[P.Command] = []
    real_send = app.link.send
    app.link.send = lambda cmd, **kw: (sent.append(cmd), real_send(cmd, **kw))[1]
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    qtbot.mouseClick(app.view.buttons["call_next"], Qt.MouseButton.LeftButton)
    settle(qtbot, app)
    assert [type(c) for c in sent] == [P.CallNext]
    assert app.view.status_line.text() == "已呼叫 A001"  # not "请先处理完当前的号": the repeats never left
    statuses = {t.number: t.status for t in server.snapshot().tickets}
    assert statuses == {"A001": TicketStatus.CALLED, "A002": TicketStatus.WAITING}


def test_a_call_with_a_lost_reply_is_resent_with_its_id_and_calls_once(qtbot, server, relay, make_terminal) -> None:
    issue(server, "estate"), issue(server, "estate")
    app = make_terminal(url=relay.url)
    sign_in(qtbot, app)
    sent: list[str] = []
    real_send = app.link._ws.sendTextMessage
    app.link._ws.sendTextMessage = lambda text: (sent.append(text), real_send(text))[1]
    relay.lose_replies()  # the call reaches the server; its reply is lost, then the connection
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: [t.status for t in server.snapshot().tickets][0] is TicketStatus.CALLED, timeout=3000)
    relay.cut()
    settle(qtbot, app)
    calls = [P.decode_command(text) for text in sent if '"call_next"' in text]
    assert len(calls) == 2 and calls[0] == calls[1]  # the very same command, same id
    assert current(app) == ("A001", TicketStatus.CALLED) and app.view.status_line.text() == "已呼叫 A001"
    statuses = {t.number: t.status for t in server.snapshot().tickets}
    assert statuses == {"A001": TicketStatus.CALLED, "A002": TicketStatus.WAITING}


def test_server_errors_show_in_the_status_line(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    sign_in(qtbot, app)
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    settle(qtbot, app)
    assert app.view.status_line.text() == "暂无等候的号"
    qtbot.keyClick(app.view, Qt.Key.Key_F9)
    choose(qtbot, app, 0, "key", text="C0001")  # a tax ticket does not exist, and window 1 does not serve tax
    settle(qtbot, app)
    assert app.view.status_line.text() == "今天没有这个号"
    assert no_dialogs_but()


def test_transfer_offers_other_services_and_resume_only_this_windows_services(qtbot, server, make_terminal) -> None:
    issue(server, "social"), issue(server, "estate")
    w2 = make_terminal("window2")
    sign_in(qtbot, w2, "s2")
    w1 = make_terminal("window1")
    sign_in(qtbot, w1, "s1")
    activate(qtbot, w2)
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3, Qt.Key.Key_F7):  # window 2: call B001, start, suspend
        qtbot.keyClick(w2.view, key)
        settle(qtbot, w2)
    qtbot.keyClick(w2.view.dialog, Qt.Key.Key_F7)  # F7 again: 不持件, the preselected kind
    settle(qtbot, w2)
    assert [t.number for t in w2.model.resumable()] == ["B001"]
    qtbot.waitUntil(lambda: w1.model.state.ticket("B001").status is TicketStatus.SUSPENDED, timeout=3000)
    assert w1.model.resumable() == [] and "resume_ticket" not in w1.model.enabled()  # window 1 serves estate only
    assert w2.view.suspended_label.text() == "可恢复的挂起：B001"
    # Window 1 calls A001 and transfers it to social; window 2 sees it waiting, and resumes B001.
    activate(qtbot, w1)
    qtbot.keyClick(w1.view, Qt.Key.Key_F1)
    settle(qtbot, w1)
    qtbot.keyClick(w1.view, Qt.Key.Key_F6)
    choose(qtbot, w1, 0, "key")
    settle(qtbot, w1)
    activate(qtbot, w2)
    qtbot.waitUntil(lambda: w2.model.state.ticket("A001").service == "social", timeout=3000)
    assert w2.view.waiting_label.text() == "等候人数：社保 1　不动产登记 0"
    qtbot.keyClick(w2.view, Qt.Key.Key_F8)
    choose(qtbot, w2, 0, "key")
    settle(qtbot, w2)
    assert current(w2) == ("B001", TicketStatus.CALLED)


def test_a_restarted_terminal_resumes_the_clerk_signed_in_at_its_window(qtbot, server, make_terminal) -> None:
    first = make_terminal()
    sign_in(qtbot, first)
    first.link.stop()
    again = make_terminal()  # the same window token, e.g. after a crash or a reboot
    qtbot.waitUntil(lambda: again.model.clerk == "s1", timeout=5000)
    assert again.model.window_id == 1
    assert again.view.stack.currentWidget() is again.view.work_page
    fresh = make_terminal("window2")  # nobody signed in at window 2: the sign-in page, but it knows its window
    qtbot.waitUntil(lambda: fresh.model.window_id == 2, timeout=5000)
    assert fresh.model.clerk is None and fresh.view.stack.currentWidget() is fresh.view.sign_in_page
