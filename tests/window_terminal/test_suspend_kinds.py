"""三种挂起 at the terminal: F7 asks for the kind (不持件 preselected); a 持件 visit is offered for resuming only
at the window that suspended it."""
from __future__ import annotations

from PySide6.QtCore import Qt

from queuecore.model import SuspendKind, TicketStatus
from tests.window_terminal.conftest import activate, issue, settle, sign_in


def suspend(qtbot, app, row: int) -> None:
    """F7, then the kind in row `row` by its number key."""
    qtbot.keyClick(app.view, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog, getattr(Qt.Key, f"Key_{row + 1}"))
    qtbot.waitUntil(lambda: app.view.dialog is None, timeout=2000)
    settle(qtbot, app)


def test_a_hold_suspension_is_resumed_only_at_its_own_window(qtbot, server, make_terminal) -> None:
    issue(server, "social"), issue(server, "social")
    w2 = make_terminal("window2")
    sign_in(qtbot, w2, "s2")
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3):  # call B001, start
        qtbot.keyClick(w2.view, key)
        settle(qtbot, w2)
    suspend(qtbot, w2, 1)  # 持件
    ticket = w2.model.state.ticket("B001")
    assert (ticket.status, ticket.suspend_kind, ticket.suspended_window) == (TicketStatus.SUSPENDED,
                                                                              SuspendKind.HOLD, 2)
    assert w2.view.status_line.text() == "B001 已挂起"
    assert [t.number for t in w2.model.resumable()] == ["B001"]
    # Window 2 serves others meanwhile, then resumes its own visit with F8.
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3):
        qtbot.keyClick(w2.view, key)
        settle(qtbot, w2)
    suspend(qtbot, w2, 2)  # 等待: B002 waits on another step too
    assert w2.model.state.ticket("B002").suspend_kind is SuspendKind.WAIT
    assert [t.number for t in w2.model.resumable()] == ["B001", "B002"]
    other = make_terminal("window1")
    sign_in(qtbot, other, "s1")
    qtbot.waitUntil(lambda: other.model.state.ticket("B002") is not None, timeout=3000)
    other.model.window_id = 3  # as window 3's terminal sees it: it serves social too, but holds neither visit
    assert other.model.resumable() == []
    activate(qtbot, w2)
    qtbot.keyClick(w2.view, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: w2.view.dialog is not None, timeout=2000)
    qtbot.keyClick(w2.view.dialog.list, Qt.Key.Key_Return)
    settle(qtbot, w2)
    assert w2.model.current().number == "B001"
